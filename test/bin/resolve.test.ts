import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

describe('bin/resolve.js: the installed command', () => {
  it('OX-R06: `node bin/resolve.js add-working-days 2025-12-18 5` prints 2025-12-29 and exits 0', async () => {
    const { stdout, stderr } = await run(process.execPath, ['bin/resolve.js', 'add-working-days', '2025-12-18', '5'], { cwd: root });
    assert.equal(stdout, '2025-12-29\n');
    assert.equal(stderr, '');
  });

  it('exits 2 with the reason on stderr for a date that does not exist', async () => {
    await assert.rejects(
      run(process.execPath, ['bin/resolve.js', 'add-working-days', '2026-02-30', '5'], { cwd: root }),
      (e: { code?: number; stderr?: string; stdout?: string }) =>
        e.code === 2 && /February 2026 has 28 days/.test(e.stderr ?? '') && e.stdout === '');
  });
});
