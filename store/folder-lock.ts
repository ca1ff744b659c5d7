/**
 * One process per PGlite data folder. PGlite is a single-connection database; two processes
 * writing one folder corrupt it. The lock is a file created exclusively, naming its owner; a lock
 * whose owner is no longer running is stale and is taken over.
 *
 * A pid alone does not say which process: pids are reused, and a bot restarted in a container is
 * pid 1 again, the pid its previous run left in the lock. So where /proc tells them (Linux), the
 * lock also records the owner's start time (field 22 of /proc/<pid>/stat) and the boot id, and a
 * lock is held only while its pid runs with that start time on that boot. The file stays readable,
 * and readable by anything that took its first line for the pid:
 *
 *     4242
 *     start=304949
 *     boot=7188cb5c-4cf3-4f0e-9c4e-f4feb76cc897
 *
 * A lock with only a pid (written by an earlier version, or where there is no /proc) is judged by
 * the pid alone, as before. Nothing here tells a live owner in another pid namespace or on
 * another host (two containers, or two machines, sharing the folder) from a dead one.
 *
 * Taking over is remove-then-create, two steps: two processes that saw the same stale lock could
 * each remove it and each create one, the second removing the first's fresh lock. So takeovers
 * are serialized by a second file, also created exclusively; under it a process replaces the lock
 * only if it is still the stale one it saw. A takeover file left by a process that died holding it
 * is stale too: its owner is not running, or it is older than any takeover takes. Every removal of
 * a file that might have been replaced meanwhile goes through `removeIfStill`.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fstatSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export const LOCK_FILE_NAME = 'resolve.lock';
export const TAKEOVER_FILE_NAME = `${LOCK_FILE_NAME}.takeover`;

// A lock file without a pid is being written; one still without a pid after this was abandoned.
const UNREADABLE_GRACE_MS = 2_000;
// A takeover lasts microseconds; a takeover file held this long was abandoned.
const TAKEOVER_STALE_MS = 5_000;
const GIVE_UP_MS = 15_000;
const POLL_MS = 10;

const HAS_PROC = process.platform === 'linux' || process.platform === 'android';

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

/** Which process a lock or takeover file names: a pid and, where /proc tells them, which run of it. */
interface Owner {
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat: clock ticks from boot to the start of the process. */
  readonly start?: string | undefined;
  /** /proc/sys/kernel/random/boot_id when the file was written. */
  readonly boot?: string | undefined;
}

/** What one look at a lock file saw; the inode tells a replaced file from the one seen before. */
interface Sighting {
  readonly ino: number;
  readonly owner: Owner | undefined;
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

/** When `pid` started, in clock ticks since boot; undefined without /proc or without that process. */
function startTimeOf(pid: number): string | undefined {
  if (!HAS_PROC) return undefined;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may itself hold spaces and parentheses, so the fields after
  // it begin after the last ')'. The first of them is field 3; starttime is field 22.
  const commEnd = stat.lastIndexOf(')');
  if (commEnd < 0) return undefined;
  const start = stat.slice(commEnd + 1).trim().split(/\s+/)[22 - 3];
  return start !== undefined && /^\d+$/.test(start) ? start : undefined;
}

let bootIdRead = false;
let bootIdValue: string | undefined;

function bootId(): string | undefined {
  if (!bootIdRead) {
    bootIdRead = true;
    try {
      if (HAS_PROC) bootIdValue = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
    } catch {
      bootIdValue = undefined;
    }
  }
  return bootIdValue;
}

function identityOf(pid: number): Owner {
  return { pid, start: startTimeOf(pid), boot: bootId() };
}

/**
 * Whether the process `owner` names still runs, as seen by `self` (who is about to write a lock):
 * a lock from another boot is stale; otherwise its pid must run (ours does) and, where both the
 * lock and /proc give a start time, with that start time: the same pid started at another time
 * is another process that was given the pid again. Our own pid with our start time is us.
 */
function isAlive(owner: Owner, self: Owner): boolean {
  if (owner.boot !== undefined && self.boot !== undefined && owner.boot !== self.boot) return false;
  const ours = owner.pid === self.pid;
  if (!ours && !isRunning(owner.pid)) return false;
  if (owner.start === undefined) return true;
  const start = ours ? self.start : startTimeOf(owner.pid);
  // No start time to compare (no /proc, or the process ended just now): judge by the pid alone.
  if (start === undefined) return ours || isRunning(owner.pid);
  return start === owner.start;
}

function formatOwner(owner: Owner): string {
  let text = `${owner.pid}\n`;
  if (owner.start !== undefined) text += `start=${owner.start}\n`;
  if (owner.boot !== undefined) text += `boot=${owner.boot}\n`;
  return text;
}

function parsePid(text: string): number | undefined {
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The pid is the first line (an older lock has nothing else); `key=value` lines follow. */
function parseOwner(text: string): Owner | undefined {
  const lines = text.trimStart().split('\n');
  const pid = parsePid(lines[0] ?? '');
  if (pid === undefined) return undefined;
  let start: string | undefined;
  let boot: string | undefined;
  // Only lines ended by a newline count: a last line without one may be half written.
  for (const line of lines.slice(1, -1)) {
    const equals = line.indexOf('=');
    if (equals < 0) continue;
    const key = line.slice(0, equals).trim();
    const value = line.slice(equals + 1).trim();
    if (key === 'start' && /^\d+$/.test(value)) start = value;
    else if (key === 'boot' && value !== '') boot = value;
  }
  return { pid, start, boot };
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
    return { ino: stat.ino, owner: parseOwner(readFileSync(fd, 'utf8')), ageMs: Date.now() - stat.mtimeMs };
  } finally {
    closeSync(fd);
  }
}

function sameOwner(a: Owner | undefined, b: Owner | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.pid === b.pid && a.start === b.start && a.boot === b.boot;
}

function same(a: Pick<Sighting, 'ino' | 'owner'> | undefined, b: Pick<Sighting, 'ino' | 'owner'>): boolean {
  return a !== undefined && a.ino === b.ino && sameOwner(a.owner, b.owner);
}

/** Creates `file` naming `owner` if there is none; returns its inode, or undefined if it exists. */
function create(file: string, owner: Owner): number | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
  let ino: number;
  try {
    writeSync(fd, formatOwner(owner));
    ino = fstatSync(fd).ino;
  } catch (error) {
    closeSync(fd);
    rmSync(file, { force: true });
    throw error;
  }
  closeSync(fd);
  return ino;
}

/**
 * Removes `file` if it is still the file `seen`; true if it was removed. Looking and then removing
 * would let another process replace the file in between, and the fresh file be removed. So the
 * file is first renamed to a name no other process uses (atomic: what is checked is then exactly
 * what was taken away), checked there, and removed; a file that turns out to be another is linked
 * back (a link does not replace a file created there meanwhile). What remains: if, in the moment
 * the other file is away, a third process creates `file`, the other file cannot go back, and its
 * owner holds a file that is no longer there.
 */
function removeIfStill(file: string, seen: Pick<Sighting, 'ino' | 'owner'>): boolean {
  // Move nothing that is plainly not `seen`: only a file replaced from here to the rename is put back.
  if (!same(look(file), seen)) return false;
  const aside = `${file}.${process.pid}-${randomUUID()}.removing`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  try {
    if (same(look(aside), seen)) return true;
    putBack(aside, file);
    return false;
  } finally {
    rmSync(aside, { force: true });
  }
}

function putBack(aside: string, file: string): void {
  try {
    linkSync(aside, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    // A file system without hard links: renaming back would replace a file created meanwhile.
    if (!existsSync(file)) renameSync(aside, file);
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Waits for the takeover file, clearing one whose holder died; returns its inode. */
function enterTakeover(takeoverFile: string, self: Owner, giveUpAt: number): number | undefined {
  let watched: Sighting | undefined;
  let watchedSince = 0;
  while (performance.now() < giveUpAt) {
    const ino = create(takeoverFile, self);
    if (ino !== undefined) return ino;
    const holder = look(takeoverFile);
    if (holder === undefined) continue;
    if (!same(watched, holder)) {
      watched = holder;
      watchedSince = performance.now();
    }
    const abandoned =
      (holder.owner !== undefined && !isAlive(holder.owner, self)) ||
      holder.ageMs > TAKEOVER_STALE_MS ||
      performance.now() - watchedSince > TAKEOVER_STALE_MS;
    if (abandoned) removeIfStill(takeoverFile, holder);
    else sleep(POLL_MS);
  }
  return undefined;
}

/** Replaces the stale lock `seen` with one for `self`; its inode, or undefined if the lock changed meanwhile or another process won. */
function takeOver(file: string, seen: Sighting, self: Owner, giveUpAt: number): number | undefined {
  const takeoverFile = path.join(path.dirname(file), TAKEOVER_FILE_NAME);
  const ino = enterTakeover(takeoverFile, self, giveUpAt);
  if (ino === undefined) return undefined;
  try {
    if (!removeIfStill(file, seen)) return undefined;
    return create(file, self);
  } finally {
    removeIfStill(takeoverFile, { ino, owner: self });
  }
}

/**
 * Who holds a data folder's lock, and whether that process still runs (by the same test a
 * takeover uses: pid, start time, boot); undefined when no lock names a pid.
 */
export function folderLockOwner(dataDir: string): { readonly pid: number; readonly running: boolean } | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(dataDir, LOCK_FILE_NAME), 'utf8');
  } catch {
    return undefined;
  }
  const owner = parseOwner(text);
  return owner === undefined ? undefined : { pid: owner.pid, running: isAlive(owner, identityOf(process.pid)) };
}

/** Takes the folder's lock for this process, or throws `DataFolderInUseError`. */
export function acquireFolderLock(dataDir: string, pid: number = process.pid): FolderLock {
  const file = path.join(dataDir, LOCK_FILE_NAME);
  const self = identityOf(pid);
  const giveUpAt = performance.now() + GIVE_UP_MS;
  let unreadable: Sighting | undefined;
  let unreadableSince = 0;
  let seen: Sighting | undefined;
  while (performance.now() < giveUpAt) {
    const created = create(file, self);
    if (created !== undefined) return heldLock(file, created, self);
    seen = look(file);
    if (seen === undefined) continue;
    if (seen.owner !== undefined) {
      if (isAlive(seen.owner, self)) throw new DataFolderInUseError(dataDir, seen.owner.pid);
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
    const tookOver = takeOver(file, seen, self, giveUpAt);
    if (tookOver !== undefined) return heldLock(file, tookOver, self);
  }
  throw new DataFolderInUseError(dataDir, seen?.owner?.pid ?? 0);
}

function heldLock(file: string, ino: number, self: Owner): FolderLock {
  let held = true;
  return {
    file,
    release() {
      if (held) removeIfStill(file, { ino, owner: self });
      held = false;
    },
  };
}
