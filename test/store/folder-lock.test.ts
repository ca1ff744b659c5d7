import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../store/db.js';
import { DataFolderInUseError, LOCK_FILE_NAME } from '../../store/folder-lock.js';
import { spawnScript, waitForExit, waitForLine } from './spawn.js';

describe('store: a PGlite data folder belongs to one process', function () {
  this.timeout(60_000);
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'resolve-lock-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses a second process and tells the operator to use PostgreSQL (DATABASE_URL) for more than one instance', async () => {
    const holder = spawnScript(new URL('./fixtures/hold-folder-lock.ts', import.meta.url), [dataDir]);
    try {
      await waitForLine(holder, /^locked$/);
      await assert.rejects(openDatabase({ kind: 'pglite', dataDir }), (e: unknown) => {
        assert.ok(e instanceof DataFolderInUseError);
        assert.equal(e.ownerPid, holder.pid);
        assert.match(e.message, /already in use by process \d+/);
        assert.match(e.message, /DATABASE_URL/);
        assert.match(e.message, /PostgreSQL/);
        return true;
      });
    } finally {
      holder.kill('SIGKILL');
      await waitForExit(holder);
    }
  });

  it('takes over the lock of a process that died, and keeps data across a close and reopen', async () => {
    const lockFile = path.join(dataDir, LOCK_FILE_NAME);
    assert.ok(existsSync(lockFile), 'the killed holder left its lock file behind');
    const first = await openDatabase({ kind: 'pglite', dataDir });
    try {
      assert.equal(readFileSync(lockFile, 'utf8').trim(), String(process.pid));
      await first.exec('CREATE TABLE kept (note text)');
      await first.query(`INSERT INTO kept (note) VALUES ('still here')`);
      await assert.rejects(openDatabase({ kind: 'pglite', dataDir }), DataFolderInUseError, 'the same process cannot open it twice either');
    } finally {
      await first.close();
    }
    const second = await openDatabase({ kind: 'pglite', dataDir });
    try {
      assert.deepEqual(await second.query('SELECT note FROM kept'), [{ note: 'still here' }]);
    } finally {
      await second.close();
    }
    assert.equal(existsSync(lockFile), false, 'closing releases the lock');
  });
});
