// Lint the TypeScript sources with the type-aware recommended rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', 'test-results/**', 'appPackage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['botbuilder*', '@microsoft/*', 'pg', '@electric-sql/*', 'restify', 'node:fs', 'fs', 'node:child_process'], message: 'domain/ is pure: no SDKs, drivers or I/O.' },
          { group: ['../../bot/*', '../../store/*', '../../graph/*', '../bot/*', '../store/*', '../graph/*'], message: 'domain/ must not import adapters.' },
        ],
      }],
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'domain/ reads no clock: take the time as an argument.' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'domain/ reads no clock: take the time as an argument.' },
      ],
    },
  },
);
