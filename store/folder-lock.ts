/**
 * One process per PGlite data folder. PGlite is a single-connection database; two processes
 * writing one folder corrupt it. The lock is a file created exclusively, holding the owner's
 * pid; a lock whose pid is no longer running is stale and is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export const LOCK_FILE_NAME = 'resolve.lock';

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

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the folder's lock for this process, or throws `DataFolderInUseError`. */
export function acquireFolderLock(dataDir: string, pid: number = process.pid): FolderLock {
  const file = path.join(dataDir, LOCK_FILE_NAME);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, `${pid}\n`);
      } finally {
        closeSync(fd);
      }
      let held = true;
      return {
        file,
        release() {
          if (held && readOwner(file) === pid) rmSync(file, { force: true });
          held = false;
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(file);
      // A lock file being written right now has no pid yet: treat it as held.
      if (owner === undefined) {
        if (attempt < 2) continue;
        throw new DataFolderInUseError(dataDir, 0);
      }
      if (owner === pid || isRunning(owner)) throw new DataFolderInUseError(dataDir, owner);
      rmSync(file, { force: true });
    }
  }
  throw new DataFolderInUseError(dataDir, readOwner(file) ?? 0);
}
