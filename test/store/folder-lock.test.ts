import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../store/db.js';
import { acquireFolderLock, DataFolderInUseError, LOCK_FILE_NAME, TAKEOVER_FILE_NAME } from '../../store/folder-lock.js';
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
      assert.equal(lockPid(lockFile), String(process.pid));
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

describe('store: taking over a stale folder lock is atomic', function () {
  this.timeout(120_000);
  let dataDir: string;
  let controlDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'resolve-lock-'));
    controlDir = mkdtempSync(path.join(tmpdir(), 'resolve-lock-control-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(controlDir, { recursive: true, force: true });
  });

  it('lets exactly one of several processes that find the same stale lock take it over', async () => {
    const lockFile = path.join(dataDir, LOCK_FILE_NAME);
    const deadPid = await pidOfExitedProcess();
    for (let round = 1; round <= 5; round++) {
      writeFileSync(lockFile, `${deadPid}\n`);
      const startFile = path.join(controlDir, `start-${round}`);
      const stopFile = path.join(controlDir, `stop-${round}`);
      const contenders = Array.from({ length: 6 }, () =>
        spawnScript(new URL('./fixtures/race-folder-lock.ts', import.meta.url), [dataDir, startFile, stopFile]),
      );
      try {
        await Promise.all(contenders.map((c) => waitForLine(c, /^ready$/)));
        writeFileSync(startFile, '');
        const outcomes = await Promise.all(contenders.map((c) => waitForLine(c, /^(won|lost)$/)));
        const winners = contenders.filter((_, i) => outcomes[i] === 'won');
        assert.equal(winners.length, 1, `round ${round}: ${outcomes.join(', ')}`);
        assert.equal(lockPid(lockFile), String(winners[0]?.pid), `round ${round}: the lock names the winner`);
      } finally {
        writeFileSync(stopFile, '');
        await Promise.all(contenders.map((c) => waitForExit(c)));
      }
    }
  });

  it('does not let a takeover file left by a process that died block taking over a stale lock', async () => {
    const deadPid = await pidOfExitedProcess();
    writeFileSync(path.join(dataDir, LOCK_FILE_NAME), `${deadPid}\n`);
    writeFileSync(path.join(dataDir, TAKEOVER_FILE_NAME), `${deadPid}\n`);
    const { lock, ms } = timed(() => acquireFolderLock(dataDir));
    lock.release();
    assert.ok(ms < 1_000, `took ${ms} ms`);
    assert.deepEqual(readdirSync(dataDir), [], 'the lock is released and no takeover file is left');
  });

  it('treats a takeover file older than a few seconds as abandoned even when its pid is running', async () => {
    const deadPid = await pidOfExitedProcess();
    const takeoverFile = path.join(dataDir, TAKEOVER_FILE_NAME);
    writeFileSync(path.join(dataDir, LOCK_FILE_NAME), `${deadPid}\n`);
    writeFileSync(takeoverFile, `${process.ppid}\n`);
    const aMinuteAgo = new Date(Date.now() - 60_000);
    utimesSync(takeoverFile, aMinuteAgo, aMinuteAgo);
    const { lock, ms } = timed(() => acquireFolderLock(dataDir));
    assert.equal(lockPid(lock.file), String(process.pid));
    lock.release();
    assert.ok(ms < 1_000, `took ${ms} ms`);
    assert.equal(existsSync(takeoverFile), false);
  });

  it('waits for a takeover in progress instead of breaking into it', async () => {
    const deadPid = await pidOfExitedProcess();
    writeFileSync(path.join(dataDir, LOCK_FILE_NAME), `${deadPid}\n`);
    writeFileSync(path.join(dataDir, TAKEOVER_FILE_NAME), `${process.ppid}\n`);
    const { lock, ms } = timed(() => acquireFolderLock(dataDir));
    lock.release();
    assert.ok(ms >= 4_000, `a live takeover was broken into after ${ms} ms`);
  });

  it('gives a lock file that has no pid yet a grace period to get one before taking it over', () => {
    writeFileSync(path.join(dataDir, LOCK_FILE_NAME), '');
    const { lock, ms } = timed(() => acquireFolderLock(dataDir));
    assert.equal(lockPid(lock.file), String(process.pid));
    lock.release();
    assert.ok(ms >= 1_500, `an unreadable lock was taken over after ${ms} ms`);
  });

  it('takes over at once a lock file that has had no pid for longer than the grace period', () => {
    const lockFile = path.join(dataDir, LOCK_FILE_NAME);
    writeFileSync(lockFile, '');
    const aMinuteAgo = new Date(Date.now() - 60_000);
    utimesSync(lockFile, aMinuteAgo, aMinuteAgo);
    const { lock, ms } = timed(() => acquireFolderLock(dataDir));
    assert.equal(lockPid(lock.file), String(process.pid));
    lock.release();
    assert.ok(ms < 1_000, `took ${ms} ms`);
  });
});

describe('store: a folder lock names which run of a process holds it, not just a pid', function () {
  this.timeout(60_000);
  let dataDir: string;
  let lockFile: string;
  let boot: string;
  let ourStart: string;
  let sleeper: ChildProcess;
  let sleeperStart: string;
  before(async function () {
    if (!existsSync('/proc/self/stat') || !existsSync('/proc/sys/kernel/random/boot_id')) this.skip();
    boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    ourStart = procStartTime(process.pid);
    sleeper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60000)'], { stdio: 'ignore' });
    await new Promise((resolve, reject) => sleeper.once('spawn', resolve).once('error', reject));
    sleeperStart = procStartTime(sleeper.pid!);
  });
  after(async () => {
    if (sleeper === undefined) return;
    sleeper.kill('SIGKILL');
    await waitForExit(sleeper);
  });
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'resolve-lock-'));
    lockFile = path.join(dataDir, LOCK_FILE_NAME);
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const refused = (ownerPid: number) => (e: unknown) => {
    assert.ok(e instanceof DataFolderInUseError);
    assert.equal(e.ownerPid, ownerPid);
    assert.match(e.message, new RegExp(`already in use by process ${ownerPid}\\. .*DATABASE_URL`));
    return true;
  };
  const takesOver = () => {
    const lock = acquireFolderLock(dataDir);
    assert.equal(readFileSync(lockFile, 'utf8'), `${process.pid}\nstart=${ourStart}\nboot=${boot}\n`);
    lock.release();
    assert.deepEqual(readdirSync(dataDir), [], 'released, with no takeover or set-aside file left');
  };

  it('writes the pid on the first line, then the start time from /proc/<pid>/stat and the boot id', () => {
    const lock = acquireFolderLock(dataDir);
    try {
      assert.equal(readFileSync(lockFile, 'utf8'), `${process.pid}\nstart=${ourStart}\nboot=${boot}\n`);
      assert.equal(Number.parseInt(readFileSync(lockFile, 'utf8').trim(), 10), process.pid, 'a reader of the old format still finds the pid');
    } finally {
      lock.release();
    }
    assert.equal(existsSync(lockFile), false);
  });

  it('takes over a lock naming our own pid with another start time (a bot restarted in a container is pid 1 again)', () => {
    const previousRun = String(Number(ourStart) - 1);
    writeFileSync(lockFile, `${process.pid}\nstart=${previousRun}\nboot=${boot}\n`);
    takesOver();
    writeFileSync(lockFile, `${process.pid}\nstart=${ourStart}\nboot=${boot}\n`);
    assert.throws(() => acquireFolderLock(dataDir), refused(process.pid), 'our own pid with our own start time is this process');
  });

  it('refuses a lock naming a running process with its start time', () => {
    const text = `${sleeper.pid}\nstart=${sleeperStart}\nboot=${boot}\n`;
    writeFileSync(lockFile, text);
    assert.throws(() => acquireFolderLock(dataDir), refused(sleeper.pid!));
    assert.equal(readFileSync(lockFile, 'utf8'), text, 'the lock is left as it was');
  });

  it('takes over a lock naming a running pid with another start time (the pid was reused by another process)', () => {
    writeFileSync(lockFile, `${sleeper.pid}\nstart=${Number(sleeperStart) + 1}\nboot=${boot}\n`);
    takesOver();
  });

  it('takes over a lock written on another boot, though its pid runs with that start time now', () => {
    const otherBoot = randomUUID();
    assert.notEqual(otherBoot, boot);
    writeFileSync(lockFile, `${sleeper.pid}\nstart=${sleeperStart}\nboot=${otherBoot}\n`);
    takesOver();
  });

  it('judges an old lock that holds only a pid by the pid alone: refused while it runs, taken over once it died', async () => {
    writeFileSync(lockFile, `${sleeper.pid}\n`);
    assert.throws(() => acquireFolderLock(dataDir), refused(sleeper.pid!));
    writeFileSync(lockFile, `${process.pid}\n`);
    assert.throws(() => acquireFolderLock(dataDir), refused(process.pid), 'an old lock naming our pid, as before');
    writeFileSync(lockFile, `${await pidOfExitedProcess()}\n`);
    takesOver();
  });

  it('reads the start time after the process name, which may hold spaces and parentheses', async () => {
    const name = 'lock) 1 2 (x y';
    const holder = spawnScript(new URL('./fixtures/hold-folder-lock.ts', import.meta.url), [dataDir, name]);
    try {
      await waitForLine(holder, /^locked$/);
      assert.ok(readFileSync(`/proc/${holder.pid}/stat`, 'utf8').includes(`(${name})`), 'the holder runs under the awkward name');
      assert.equal(readFileSync(lockFile, 'utf8'), `${holder.pid}\nstart=${procStartTime(holder.pid!)}\nboot=${boot}\n`);
      assert.throws(() => acquireFolderLock(dataDir), refused(holder.pid!));
    } finally {
      holder.kill('SIGKILL');
      await waitForExit(holder);
    }
    takesOver();
  });
});

/** The first line of a lock file: the owner's pid. */
function lockPid(file: string): string {
  return readFileSync(file, 'utf8').split('\n')[0]!.trim();
}

/** Field 22 of /proc/<pid>/stat, counted from the end of the parenthesized process name. */
function procStartTime(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const afterName = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  const start = afterName[22 - 3];
  assert.match(start ?? '', /^\d+$/, stat);
  return start!;
}

function timed<T>(work: () => T): { lock: T; ms: number } {
  const startedAt = performance.now();
  const lock = work();
  return { lock, ms: Math.round(performance.now() - startedAt) };
}

function pidOfExitedProcess(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => (child.pid === undefined ? reject(new Error('no pid')) : resolve(child.pid)));
  });
}
