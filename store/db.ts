/**
 * One PostgreSQL dialect on two engines: PGlite (embedded, one connection, one process per data
 * folder; in this thread, or with `thread: true` in a worker thread, store/pglite-remote.ts) and a
 * PostgreSQL server (a pool, any number of instances). Callers get a `Db`; a
 * `Tx` is the same surface inside a transaction, so repository functions that need a lock or
 * several statements to commit together take a `Tx`, and the type says so.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { acquireFolderLock, type FolderLock } from './folder-lock.js';
import { migrate, migrationStatus, type MigrationStatus } from './migrate.js';
import { openPgliteThread } from './pglite-remote.js';
import { statementText, type Statement } from './statement.js';
import { isDatabaseUnavailable } from './unavailable.js';

export { DatabaseUnavailableError, isDatabaseUnavailable, withDatabaseDeadline } from './unavailable.js';
export { EmbeddedDatabaseStoppedError, embeddedDatabaseStopped } from './pglite-remote.js';
export { statementText, type NamedStatement, type Statement } from './statement.js';

export type DatabaseOptions =
  /**
   * `dataDir` is a folder, or `memory://` for a throwaway in-memory database (tests). `thread`
   * runs PGlite in a worker thread (store/pglite-remote.ts), so its statements do not block this
   * event loop; default false: in this thread, as tests want it.
   */
  | { readonly kind: 'pglite'; readonly dataDir: string; readonly thread?: boolean }
  /**
   * `schema` confines every table to one schema (created when missing); default `public`.
   * `namedStatements` (default true) sends a `NamedStatement` by its name, kept prepared on each
   * connection; false sends its text, for a pooler that cannot keep prepared statements.
   */
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string; readonly poolSize?: number; readonly namedStatements?: boolean };

export const IN_MEMORY = 'memory://';

/** How long a checkout waits for a connection (a new one, or a free one from a busy pool) before it fails. */
export const CONNECT_TIMEOUT_MS = 1_500;
/**
 * How long a pooled connection may sit idle before it is closed: a minute, not pg-pool's 10 s.
 * A new connection costs the server a backend (a process, and with TLS a handshake) and starts
 * with nothing cached: until each statement of the command functions has run a few times on it,
 * PL/pgSQL plans it afresh (about 1.5 ms of server CPU an Accept). Traffic that pauses for a
 * quarter of a minute would otherwise pay that again on every connection when it resumes.
 */
const IDLE_CONNECTION_MS = 60_000;

/** The query config the pg driver takes: by name for a statement kept prepared, unless `named` is false. */
function pgQuery(statement: Statement, params: readonly unknown[] | undefined, named: boolean): pg.QueryConfig {
  const values = params as unknown[] | undefined;
  return typeof statement === 'string' || !named ? { text: statementText(statement), values } : { name: statement.name, text: statement.text, values };
}

/** Something SQL can run on: the database itself or an open transaction. */
export interface Queryable {
  // A property, not a method, so that a wrapper taking only SQL text does not type-check as a Queryable.
  query: <R = Record<string, unknown>>(sql: Statement, params?: readonly unknown[]) => Promise<R[]>;
  /** Runs one or more statements without parameters (migrations, test set-up). */
  exec(sql: string): Promise<void>;
}

/** An open transaction. Functions that must run inside one take a `Tx`. */
export interface Tx extends Queryable {
  readonly inTransaction: true;
}

export interface Db extends Queryable {
  readonly kind: DatabaseOptions['kind'];
  readonly inTransaction: false;
  /**
   * Runs `fn` in one transaction: commits when it resolves, rolls back when it throws. Inside `fn`
   * use only `tx`: on PGlite, a query on the `Db` itself waits for the transaction to end.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Which of the frozen migrations are applied, and which are not (for readiness checks). */
  migrationsApplied(): Promise<MigrationStatus>;
  close(): Promise<void>;
}

/** Opens the database, applies pending migrations in order, and returns it ready to use. */
export async function openDatabase(options: DatabaseOptions): Promise<Db> {
  const db = await openEngine(options);
  try {
    await migrate(db);
    // PGlite has no autovacuum: its statistics come only from the delivery worker's hourly
    // housekeeping (none where no worker runs), so a PL/pgSQL plan made when the tables were small
    // could stand through their growth. Its one connection plans each statement of the command
    // functions for the call instead (a server keeps generic plans, which its autovacuum keeps
    // fresh: migration 0015).
    if (db.kind === 'pglite') await db.exec('SET plan_cache_mode = force_custom_plan');
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

function openEngine(options: DatabaseOptions): Promise<Db> {
  if (options.kind === 'postgres') return openPostgres(options);
  if (options.thread === true) return openPgliteThread(options.dataDir === IN_MEMORY ? undefined : options.dataDir);
  return openPglite(options.dataDir);
}

/** The schema name must be a plain identifier: it goes into `search_path`. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

async function openPostgres(options: Extract<DatabaseOptions, { kind: 'postgres' }>): Promise<Db> {
  const schema = options.schema ?? 'public';
  const named = options.namedStatements ?? true;
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`The schema name "${schema}" is not allowed: use lower-case letters, digits and underscores, starting with a letter.`);
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    // A server that is down or unreachable fails the request quickly instead of holding it.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: IDLE_CONNECTION_MS,
    options: `-c search_path=${schema}`,
    types: { getTypeParser: typeParser },
  });
  pool.on('error', () => {
    /* an idle client lost its connection; the pool replaces it on the next checkout */
  });
  const client = await pool.connect();
  try {
    // Instances starting together would race on CREATE SCHEMA IF NOT EXISTS; take turns.
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('resolve:schema:' || $1))`, [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
    await pool.end();
    throw error;
  }
  client.release();

  const db: Db = {
    kind: 'postgres',
    inTransaction: false,
    // pool.query releases its client with the error, so a client whose connection broke is discarded.
    async query<R>(sql: Statement, params?: readonly unknown[]) {
      return (await pool.query(pgQuery(sql, params, named))).rows as R[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      // A session ended by the server mid-transaction rejects the running query; keep the
      // client's own 'error' event from becoming an uncaught exception.
      const onClientError = () => {
        broken = true;
      };
      client.on('error', onClientError);
      try {
        await client.query('BEGIN');
        const tx: Tx = {
          inTransaction: true,
          async query<R>(sql: Statement, params?: readonly unknown[]) {
            return (await client.query(pgQuery(sql, params, named))).rows as R[];
          },
          async exec(sql: string) {
            await client.query(sql);
          },
        };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        if (isDatabaseUnavailable(error)) broken = true;
        else {
          try {
            await client.query('ROLLBACK');
          } catch {
            broken = true;
          }
        }
        throw error;
      } finally {
        client.off('error', onClientError);
        client.release(broken);
      }
    },
    migrationsApplied: () => migrationStatus(db),
    close: () => pool.end(),
  };
  return db;
}

/** bigint (int8) columns come back as numbers on both engines; sequences stay far below 2^53. */
function typeParser(oid: number, format?: 'text' | 'binary') {
  if (oid === 20 && format !== 'binary') return (value: string) => Number(value);
  return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
}

async function openPglite(dataDir: string): Promise<Db> {
  let lock: FolderLock | undefined;
  if (dataDir !== IN_MEMORY) {
    mkdirSync(dataDir, { recursive: true });
    lock = acquireFolderLock(dataDir);
  }
  let pglite: PGlite;
  try {
    pglite = new PGlite(dataDir === IN_MEMORY ? undefined : dataDir);
    await pglite.waitReady;
  } catch (error) {
    lock?.release();
    throw error;
  }
  // PGlite has one connection. Its own mutex already keeps a transaction's statements
  // together; this lane also keeps every transaction whole and in arrival order.
  let lane: Promise<unknown> = Promise.resolve();
  const inLane = <T>(work: () => Promise<T>): Promise<T> => {
    const run = lane.then(work, work);
    lane = run.catch(() => undefined);
    return run;
  };

  const db: Db = {
    kind: 'pglite',
    inTransaction: false,
    query<R>(sql: Statement, params?: readonly unknown[]) {
      return inLane(async () => (await pglite.query<R>(statementText(sql), params as unknown[] | undefined)).rows);
    },
    exec(sql: string) {
      return inLane(async () => {
        await pglite.exec(sql);
      });
    },
    transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return inLane(() =>
        pglite.transaction(async (inner) => {
          const tx: Tx = {
            inTransaction: true,
            async query<R>(sql: Statement, params?: readonly unknown[]) {
              return (await inner.query<R>(statementText(sql), params as unknown[] | undefined)).rows;
            },
            async exec(sql: string) {
              await inner.exec(sql);
            },
          };
          return fn(tx);
        }),
      );
    },
    migrationsApplied: () => migrationStatus(db),
    async close() {
      try {
        await lane;
        if (!pglite.closed) await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
  return db;
}
