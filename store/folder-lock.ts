/**
 * One process per PGlite data folder. PGlite is a single-connection database; two processes
 * writing one folder corrupt it. The lock is a file created exclusively, holding the owner's
 * pid; a lock whose pid is no longer running is stale and is taken over.
 *
 * Taking over is remove-then-create, two steps: two processes that saw the same stale lock could
 * each remove it and each create one, the second removing the first's fresh lock. So takeovers
 * are serialized by a second file, also created exclusively; under it a process replaces the lock
 * only if it is still the stale one it saw. A takeover file left by a process that died holding it
 * is stale too: its pid is not running, or it is older than any takeover takes.
 */
import { closeSync, fstatSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export const LOCK_FILE_NAME = 'resolve.lock';
export const TAKEOVER_FILE_NAME = `${LOCK_FILE_NAME}.takeover`;

// A lock file without a pid is being written; one still without a pid after this was abandoned.
const UNREADABLE_GRACE_MS = 2_000;
// A takeover lasts microseconds; a takeover file held this long was abandoned.
const TAKEOVER_STALE_MS = 5_000;
const GIVE_UP_MS = 15_000;
const POLL_MS = 10;

export class DataFolderInUseError extends Error {
  override readonly name = 'DataFolderInUseError';
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super(
      `The data folder ${dataDir} is already in use by process ${ownerPid}. The embedded database (PGlite) ` +
        `serves one process only: stop the other instance, or run every instance against PostgreSQL by setting ` +
        `DATABASE_URL (for example postgres://user@host:5432/resolve).`,
    );
  }
}

export interface FolderLock {
  readonly file: string;
  release(): void;
}

/** What one look at a lock file saw; the inode tells a replaced file from the one seen before. */
interface Sighting {
  readonly ino: number;
  readonly owner: number | undefined;
  readonly ageMs: number;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parsePid(text: string): number | undefined {
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function readOwner(file: string): number | undefined {
  try {
    return parsePid(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Undefined when there is no such file. */
function look(file: string): Sighting | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    return { ino: stat.ino, owner: parsePid(readFileSync(fd, 'utf8')), ageMs: Date.now() - stat.mtimeMs };
  } finally {
    closeSync(fd);
  }
}

function same(a: Sighting | undefined, b: Sighting): boolean {
  return a !== undefined && a.ino === b.ino && a.owner === b.owner;
}

/** Creates `file` holding `pid` if there is none; returns its inode, or undefined if it exists. */
function create(file: string, pid: number): number | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
  let ino: number;
  try {
    writeSync(fd, `${pid}\n`);
    ino = fstatSync(fd).ino;
  } catch (error) {
    closeSync(fd);
    rmSync(file, { force: true });
    throw error;
  }
  closeSync(fd);
  return ino;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Waits for the takeover file, clearing one whose holder died; returns its inode. */
function enterTakeover(takeoverFile: string, giveUpAt: number): number | undefined {
  let watched: Sighting | undefined;
  let watchedSince = 0;
  while (performance.now() < giveUpAt) {
    const ino = create(takeoverFile, process.pid);
    if (ino !== undefined) return ino;
    const holder = look(takeoverFile);
    if (holder === undefined) continue;
    if (!same(watched, holder)) {
      watched = holder;
      watchedSince = performance.now();
    }
    const abandoned =
      (holder.owner !== undefined && !isRunning(holder.owner)) ||
      holder.ageMs > TAKEOVER_STALE_MS ||
      performance.now() - watchedSince > TAKEOVER_STALE_MS;
    if (abandoned) {
      if (same(look(takeoverFile), holder)) rmSync(takeoverFile, { force: true });
    } else {
      sleep(POLL_MS);
    }
  }
  return undefined;
}

function leaveTakeover(takeoverFile: string, ino: number): void {
  const now = look(takeoverFile);
  if (now !== undefined && now.ino === ino && now.owner === process.pid) rmSync(takeoverFile, { force: true });
}

/** Replaces the stale lock `seen` with one for `pid`; false if the lock changed meanwhile or another process won. */
function takeOver(file: string, seen: Sighting, pid: number, giveUpAt: number): boolean {
  const takeoverFile = path.join(path.dirname(file), TAKEOVER_FILE_NAME);
  const ino = enterTakeover(takeoverFile, giveUpAt);
  if (ino === undefined) return false;
  try {
    if (!same(look(file), seen)) return false;
    rmSync(file, { force: true });
    return create(file, pid) !== undefined;
  } finally {
    leaveTakeover(takeoverFile, ino);
  }
}

/** Takes the folder's lock for this process, or throws `DataFolderInUseError`. */
export function acquireFolderLock(dataDir: string, pid: number = process.pid): FolderLock {
  const file = path.join(dataDir, LOCK_FILE_NAME);
  const giveUpAt = performance.now() + GIVE_UP_MS;
  let unreadable: Sighting | undefined;
  let unreadableSince = 0;
  let seen: Sighting | undefined;
  while (performance.now() < giveUpAt) {
    if (create(file, pid) !== undefined) return heldLock(file, pid);
    seen = look(file);
    if (seen === undefined) continue;
    if (seen.owner !== undefined) {
      if (seen.owner === pid || isRunning(seen.owner)) throw new DataFolderInUseError(dataDir, seen.owner);
    } else {
      if (!same(unreadable, seen)) {
        unreadable = seen;
        unreadableSince = performance.now();
      }
      if (seen.ageMs < UNREADABLE_GRACE_MS && performance.now() - unreadableSince < UNREADABLE_GRACE_MS) {
        sleep(POLL_MS);
        continue;
      }
    }
    if (takeOver(file, seen, pid, giveUpAt)) return heldLock(file, pid);
  }
  throw new DataFolderInUseError(dataDir, seen?.owner ?? 0);
}

function heldLock(file: string, pid: number): FolderLock {
  let held = true;
  return {
    file,
    release() {
      if (held && readOwner(file) === pid) rmSync(file, { force: true });
      held = false;
    },
  };
}
