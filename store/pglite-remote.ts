/**
 * PGlite in a worker thread, behind the same `Db` as the in-process engine (`openDatabase` with
 * `{ kind: 'pglite', thread: true }`). PGlite's WebAssembly Postgres runs synchronously on the
 * event loop that calls it, so in-process a long statement stalls every HTTP request; here it
 * runs in store/pglite-thread.ts and the main thread only posts messages and waits.
 *
 * Callers see no difference: rows are the values PGlite returns (a structured clone keeps Dates,
 * bigints, arrays and Uint8Arrays), errors are `Error`s carrying PostgreSQL's fields (`code`,
 * `constraint`, `detail`, ...), and transactions are whole and in arrival order. The data
 * folder's lock stays with this thread. If the worker dies, every call fails at once with
 * `EmbeddedDatabaseStoppedError`, which says to restart; none waits forever.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { Db, Tx } from './db.js';
import { acquireFolderLock, type FolderLock } from './folder-lock.js';
import { migrationStatus } from './migrate.js';
import { statementText, type Statement } from './statement.js';
import type { SentError, ThreadOptions, ThreadReply, ThreadRequest } from './pglite-thread.js';
import { DatabaseUnavailableError } from './unavailable.js';

/** The embedded database's worker thread ended without being closed: nothing more can be read or written. */
export class EmbeddedDatabaseStoppedError extends DatabaseUnavailableError {}

/** An error PGlite raised in its thread, with the fields PostgreSQL reported. */
export class PgliteThreadError extends Error {
  /** The SQLSTATE, e.g. 23505 for a unique violation. */
  declare readonly code?: string;
  declare readonly severity?: string;
  declare readonly detail?: string;
  declare readonly hint?: string;
  declare readonly position?: string;
  declare readonly where?: string;
  declare readonly schema?: string;
  declare readonly table?: string;
  declare readonly column?: string;
  declare readonly dataType?: string;
  declare readonly constraint?: string;
  declare readonly routine?: string;
  /** The statement's text (never its parameters). */
  declare readonly query?: string;
}

/** The error a closed database answers with; its words are those isDatabaseUnavailable knows from PGlite. */
function closedError(): Error {
  return new Error('PGlite is closed: this database was closed (db.close()); open it again to use it.');
}

function receivedError(sent: SentError): PgliteThreadError {
  const error = new PgliteThreadError(sent.message);
  Object.assign(error, sent.fields);
  // PGlite's DatabaseError is named "error", like pg's; keep the name it had in the thread.
  Object.defineProperty(error, 'name', { value: sent.name, configurable: true, writable: true, enumerable: false });
  return error;
}

function stoppedError(dataDir: string | undefined, why: string, cause?: unknown): EmbeddedDatabaseStoppedError {
  const where = dataDir === undefined ? 'it was in memory, so its data is gone' : `check DATA_DIR (${dataDir}): that its disk has free space, that this process may write there, and that the machine has memory to spare`;
  return new EmbeddedDatabaseStoppedError(
    `The embedded database (PGlite) stopped: its worker thread ${why}. Every database call fails until Resolve is restarted: restart Resolve. If it stops again, ${where}.`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * How to start the worker: the compiled .js under dist/ as it is; under tsx (dev, tests) the .ts
 * file, through a bootstrap that registers tsx in the worker first (on Node 20, `--import tsx`
 * registers it on the main thread only).
 */
function threadEntry(): { readonly entry: URL | string; readonly options: WorkerOptions } {
  if (!import.meta.url.endsWith('.ts')) return { entry: new URL('./pglite-thread.js', import.meta.url), options: {} };
  const thread = new URL('./pglite-thread.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApiUrl())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(thread)}); });`;
  return { entry: bootstrap, options: { eval: true, execArgv: [] } };
}

/**
 * The ES module of tsx's `tsx/esm/api`, found through tsx's own package.json: a module loaded by
 * tsx's CommonJS transform (as mocha loads tests) has no import.meta.resolve, and the CommonJS
 * build of that API cannot be required from a worker.
 */
function tsxApiUrl(): string {
  const manifestFile = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { exports: Record<string, { import?: { default?: string } }> };
  const entry = manifest.exports['./esm/api']?.import?.default;
  if (entry === undefined) throw new Error(`The installed tsx (${manifestFile}) has no "tsx/esm/api" export, which the PGlite thread needs under tsx: reinstall the dependencies (npm ci), or run the compiled build (npm run build, npm run start:dist).`);
  return pathToFileURL(path.join(path.dirname(manifestFile), entry)).href;
}

type Outgoing = ThreadRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** Numbered requests to the worker and their answers; once the worker is gone, every request fails with why. */
class ThreadConnection {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stoppedBy: Error | undefined;
  /** Settles when PGlite in the worker is open (or could not be). */
  readonly ready: Promise<unknown>;

  constructor(
    readonly worker: Worker,
    dataDir: string | undefined,
  ) {
    this.ready = this.expect(0);
    worker.on('message', (reply: ThreadReply) => this.settle(reply));
    worker.on('error', (error: Error) => this.stop(stoppedError(dataDir, `failed (${error.message})`, error)));
    worker.on('messageerror', (error: Error) => this.stop(stoppedError(dataDir, `sent an answer that could not be read (${error.message})`, error)));
    worker.on('exit', (code: number) => this.stop(stoppedError(dataDir, `exited (code ${code})`)));
  }

  /** Why requests fail, once they all do. */
  get stopped(): Error | undefined {
    return this.stoppedBy;
  }

  request(request: Outgoing): Promise<unknown> {
    if (this.stoppedBy !== undefined) return Promise.reject(this.stoppedBy);
    const id = this.nextId++;
    const answer = this.expect(id);
    try {
      this.worker.postMessage({ ...request, id });
    } catch (error) {
      this.settle({ id, ok: false, error: { name: 'TypeError', message: unsendable(error), fields: {} } });
    }
    return answer;
  }

  /** Fails every pending and later request with `error`; the first reason stays. */
  stop(error: Error): void {
    if (this.stoppedBy !== undefined) return;
    this.stoppedBy = error;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
    this.worker.unref();
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private expect(id: number): Promise<unknown> {
    // Keep the process alive while an answer is owed, not while the database sits idle.
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  private settle(reply: ThreadReply): void {
    const pending = this.pending.get(reply.id);
    if (pending === undefined) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(receivedError(reply.error));
  }
}

function unsendable(error: unknown): string {
  const why = error instanceof Error ? error.message : String(error);
  return `A query parameter cannot be sent to the embedded database's thread (${why}): pass strings, numbers, bigints, booleans, null, Dates, arrays, plain objects or Buffers.`;
}

function startThread(dataDir: string | undefined): ThreadConnection {
  const { entry, options } = threadEntry();
  const workerData: ThreadOptions = { dataDir };
  return new ThreadConnection(new Worker(entry, { ...options, workerData, name: 'pglite' }), dataDir);
}

/** Opens PGlite in a worker thread on `dataDir` (undefined: in memory), holding the folder's lock here. */
export async function openPgliteThread(dataDir: string | undefined): Promise<Db> {
  let lock: FolderLock | undefined;
  if (dataDir !== undefined) {
    mkdirSync(dataDir, { recursive: true });
    lock = acquireFolderLock(dataDir);
  }
  let connection: ThreadConnection | undefined;
  try {
    connection = startThread(dataDir);
    await connection.ready;
  } catch (error) {
    await connection?.terminate();
    lock?.release();
    throw error;
  }
  return threadDb(connection, lock);
}

function threadDb(connection: ThreadConnection, lock: FolderLock | undefined): Db {
  let closing: Promise<void> | undefined;
  // Once close() is called nothing new starts; statements of a transaction already open still run.
  const outside = (request: Outgoing) => (closing === undefined ? connection.request(request) : Promise.reject(closedError()));

  const db: Db = {
    kind: 'pglite',
    inTransaction: false,
    async query<R>(sql: Statement, params?: readonly unknown[]) {
      return (await outside({ op: 'query', sql: statementText(sql), params })) as R[];
    },
    async exec(sql: string) {
      await outside({ op: 'exec', sql });
    },
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const id = (await outside({ op: 'begin' })) as number;
      const tx: Tx = {
        inTransaction: true,
        async query<R>(sql: Statement, params?: readonly unknown[]) {
          return (await connection.request({ op: 'query', sql: statementText(sql), params, tx: id })) as R[];
        },
        async exec(sql: string) {
          await connection.request({ op: 'exec', sql, tx: id });
        },
      };
      let result: T;
      try {
        result = await fn(tx);
      } catch (error) {
        await connection.request({ op: 'rollback', tx: id }).catch(() => undefined);
        throw error;
      }
      await connection.request({ op: 'commit', tx: id });
      return result;
    },
    migrationsApplied: () => migrationStatus(db),
    close() {
      closing ??= closeThread(connection, lock);
      return closing;
    },
  };
  threads.set(db, connection.worker);
  connections.set(db, connection);
  return db;
}

/** Waits for the work already sent (the worker's lane runs its close last), closes PGlite, ends the thread, frees the folder. */
async function closeThread(connection: ThreadConnection, lock: FolderLock | undefined): Promise<void> {
  try {
    if (connection.stopped === undefined) await connection.request({ op: 'close' });
  } finally {
    connection.stop(closedError());
    await connection.terminate();
    lock?.release();
  }
}

const threads = new WeakMap<Db, Worker>();
const connections = new WeakMap<Db, ThreadConnection>();

/**
 * Why an embedded database in a worker thread can never answer again (its worker died, or it was
 * closed), or undefined while it can, and for any other database. For liveness checks: no waiting
 * mends it, only a restart.
 */
export function embeddedDatabaseStopped(db: Db): Error | undefined {
  return connections.get(db)?.stopped;
}

/** The worker thread behind a threaded PGlite `Db` (for tests and diagnostics); undefined for any other `Db`. */
export function pgliteThreadOf(db: Db): Worker | undefined {
  return threads.get(db);
}
