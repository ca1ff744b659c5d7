// Lint the TypeScript sources with the type-aware recommended rules, and fence each folder so
// that data flows one way (DESIGN.md, Architecture): bin -> bot -> app -> domain / store / graph / cards.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** An import of one of these top-level folders, from anywhere in the tree. */
const folder = (...names) => ({ regex: `^(\\.\\./)+(${names.join('|')})/` });
const SDKS = ['botbuilder', 'botbuilder-*', 'botframework-*', '@microsoft/teams-ai', 'restify'];

/** `no-restricted-imports` for a folder: these packages and these folders are out of bounds. */
function fence(message, { packages = [], folders = [] }) {
  return {
    'no-restricted-imports': ['error', {
      patterns: [
        ...(packages.length > 0 ? [{ group: packages, message }] : []),
        ...(folders.length > 0 ? [{ ...folder(...folders), message }] : []),
      ],
    }],
  };
}

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
      ...fence('domain/ is pure: no SDKs, drivers, I/O or adapters.', {
        packages: [...SDKS, '@microsoft/*', 'pg', '@electric-sql/*', 'node:fs', 'node:fs/promises', 'fs', 'node:child_process', 'node:net', 'node:http'],
        folders: ['bot', 'app', 'store', 'graph', 'cards', 'bin', 'documents', 'manifest'],
      }),
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'domain/ reads no clock: take the time as an argument.' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'domain/ reads no clock: take the time as an argument.' },
      ],
    },
  },
  {
    files: ['cards/**/*.ts', 'documents/**/*.ts'],
    rules: fence('cards/ and documents/ are pure renderers from view models: no SDKs, I/O or adapters.', {
      packages: [...SDKS, '@microsoft/microsoft-graph-client', 'pg', '@electric-sql/*', 'node:fs', 'node:fs/promises', 'fs'],
      folders: ['bot', 'app', 'store', 'graph', 'bin', 'manifest'],
    }),
  },
  {
    files: ['store/**/*.ts'],
    rules: fence('store/ is generic persistence: it knows no aggregate, card, SDK or adapter.', {
      packages: [...SDKS, '@microsoft/*'],
      folders: ['bot', 'app', 'graph', 'cards', 'bin', 'documents', 'domain/escalation', 'domain/reviews', 'domain/reports', 'domain/policies'],
    }),
  },
  {
    files: ['graph/**/*.ts'],
    rules: fence('graph/ is the Microsoft Graph adapter: it knows no Teams SDK, use case, store or entry point.', {
      packages: SDKS,
      folders: ['bot', 'app', 'store', 'cards', 'bin', 'documents'],
    }),
  },
  {
    files: ['app/**/*.ts'],
    rules: fence('app/ holds the use cases: the Teams SDK stays in bot/, configuration in bin/.', {
      packages: SDKS,
      folders: ['bot', 'bin'],
    }),
  },
  {
    files: ['bot/**/*.ts'],
    rules: fence('bot/ is the Teams SDK only: it asks app/ (never the domain, the store or Graph) and is started by bin/.', {
      folders: ['bin', 'domain', 'store', 'graph'],
    }),
  },
);
