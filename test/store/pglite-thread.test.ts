/**
 * PGlite in a worker thread (store/pglite-remote.ts, store/pglite-thread.ts) keeps the `Db`
 * contract of the in-process engine: the same rows, the same errors, whole transactions in
 * arrival order, the folder lock, migrations; and a clear error, never a hang, once the worker
 * is gone. And the point of it: a long statement no longer stops this thread's timers.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { embeddedDatabaseStopped, IN_MEMORY, isDatabaseUnavailable, openDatabase, type Db } from '../../store/db.js';
import { DataFolderInUseError, LOCK_FILE_NAME } from '../../store/folder-lock.js';
import { loadMigrations, migrate } from '../../store/migrate.js';
import { EmbeddedDatabaseStoppedError, pgliteThreadOf } from '../../store/pglite-remote.js';

const openThreaded = (dataDir: string = IN_MEMORY) => openDatabase({ kind: 'pglite', dataDir, thread: true });
const openInProcess = () => openDatabase({ kind: 'pglite', dataDir: IN_MEMORY });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function rejectionOf(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** Each type the store reads, as literals and as parameters, so both engines can be compared. */
const EVERY_TYPE = `SELECT
  1::int8 AS int8, 9007199254740993::int8 AS int8_beyond_2_53, 2::int4 AS int4, 1.5::numeric AS numeric, 1.5::float8 AS float8,
  '{"a":[1,2],"b":{"c":null}}'::jsonb AS jsonb, '{"a":1}'::json AS json,
  '2026-03-02T09:00:00.123Z'::timestamptz AS timestamptz, '2026-03-02'::date AS date, '2026-03-02 09:00:00'::timestamp AS timestamp,
  true AS boolean, false AS boolean_false, ARRAY['a','b c']::text[] AS text_array, '{}'::text[] AS empty_array, ARRAY[1,2]::int8[] AS int8_array,
  NULL::text AS null_text, 'x'::text AS text, '\\x0102'::bytea AS bytea, '00000000-0000-0000-0000-000000000001'::uuid AS uuid, '1 day'::interval AS interval,
  $1::timestamptz AS date_param, $2::jsonb AS object_param, $3::text[] AS array_param, $4::int8 AS number_param, $5::bytea AS buffer_param, $6::text AS null_param`;
const EVERY_TYPE_PARAMS = [new Date('2026-01-01T00:00:00.000Z'), { kind: 'review', people: ['a', 'b'] }, ['x', 'y'], 42, Buffer.from([3, 4]), null];

describe('store: PGlite in a worker thread', function () {
  this.timeout(60_000);
  let db: Db;
  /** In-process PGlite, to compare with. */
  let inProcess: Db;
  before(async () => {
    [db, inProcess] = await Promise.all([openThreaded(), openInProcess()]);
    await db.exec(`CREATE TABLE pt_items (id integer PRIMARY KEY, name text NOT NULL CONSTRAINT pt_items_name_short CHECK (length(name) < 10));
                   CREATE TABLE pt_log (seq serial PRIMARY KEY, note text NOT NULL)`);
  });
  after(async () => {
    await Promise.all([db?.close(), inProcess?.close()]);
  });

  it('is a pglite Db, and applied every migration on open', async () => {
    assert.equal(db.kind, 'pglite');
    assert.ok(pgliteThreadOf(db) !== undefined, 'it runs in a worker thread');
    const status = await db.migrationsApplied();
    assert.equal(status.ok, true);
    assert.deepEqual(status.applied, loadMigrations().map((m) => m.id));
    assert.deepEqual(await migrate(db), [], 'a second run applies nothing');
  });

  it('plans the command functions\' statements for each call on its one connection, as in-process PGlite does (no autovacuum: migration 0015)', async () => {
    assert.deepEqual(await db.query('SHOW plan_cache_mode'), [{ plan_cache_mode: 'force_custom_plan' }]);
  });

  it('runs a query with parameters and returns its rows', async () => {
    await db.query('INSERT INTO pt_items (id, name) VALUES ($1, $2), ($3, $4)', [1, 'one', 2, 'two']);
    assert.deepEqual(await db.query('SELECT id, name FROM pt_items WHERE id >= $1 ORDER BY id', [1]), [
      { id: 1, name: 'one' },
      { id: 2, name: 'two' },
    ]);
  });

  it('runs several statements in one exec', async () => {
    await db.exec(`CREATE TABLE pt_exec (n integer); INSERT INTO pt_exec VALUES (1); INSERT INTO pt_exec VALUES (2);`);
    assert.deepEqual(await db.query('SELECT n FROM pt_exec ORDER BY n'), [{ n: 1 }, { n: 2 }]);
  });

  it('commits a transaction whose function resolves, with its result', async () => {
    const result = await db.transaction(async (tx) => {
      assert.equal(tx.inTransaction, true);
      await tx.query('INSERT INTO pt_items (id, name) VALUES ($1, $2)', [10, 'ten']);
      await tx.exec(`INSERT INTO pt_items (id, name) VALUES (11, 'eleven')`);
      return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM pt_items WHERE id >= 10'))[0]!.n;
    });
    assert.equal(result, 2);
    assert.deepEqual(await db.query('SELECT id FROM pt_items WHERE id >= 10 ORDER BY id'), [{ id: 10 }, { id: 11 }]);
  });

  it("rolls a transaction back when its function throws, and rethrows the function's own error", async () => {
    const boom = new Error('boom');
    const error = await rejectionOf(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO pt_items (id, name) VALUES (20, $1)', ['twenty']);
        throw boom;
      }),
    );
    assert.equal(error, boom);
    assert.deepEqual(await db.query('SELECT id FROM pt_items WHERE id = 20'), []);
  });

  it('returns an Error carrying the SQLSTATE, constraint, table and detail, and not the parameters', async () => {
    const unique = await rejectionOf(db.query('INSERT INTO pt_items (id, name) VALUES ($1, $2)', [1, 'again']));
    assert.ok(unique instanceof Error);
    const fields = unique as Error & Record<string, unknown>;
    assert.equal(fields.message, 'duplicate key value violates unique constraint "pt_items_pkey"');
    assert.equal(fields.code, '23505');
    assert.equal(fields.constraint, 'pt_items_pkey');
    assert.equal(fields.table, 'pt_items');
    assert.equal(fields.schema, 'public');
    assert.equal(fields.detail, 'Key (id)=(1) already exists.');
    assert.equal(fields.params, undefined, 'the parameters stay in the thread');
    assert.equal(isDatabaseUnavailable(unique), false, 'a statement error is not an outage');

    const check = (await rejectionOf(db.query('INSERT INTO pt_items (id, name) VALUES ($1, $2)', [3, 'much too long a name']))) as Record<string, unknown>;
    assert.deepEqual([check.code, check.constraint], ['23514', 'pt_items_name_short']);
    const notNull = (await rejectionOf(db.query('INSERT INTO pt_items (id) VALUES (4)'))) as Record<string, unknown>;
    assert.deepEqual([notNull.code, notNull.column], ['23502', 'name']);
    const syntax = (await rejectionOf(db.query('SELEC 1'))) as Record<string, unknown>;
    assert.equal(syntax.code, '42601');
  });

  it('gives the same error fields as in-process PGlite', async () => {
    const sql = `CREATE TABLE IF NOT EXISTS pt_same (id integer PRIMARY KEY); INSERT INTO pt_same VALUES (1) ON CONFLICT DO NOTHING`;
    await inProcess.exec(sql);
    await db.exec(sql);
    const fieldsOf = (error: unknown) => {
      const e = error as Record<string, unknown>;
      return { name: e.name, message: e.message, code: e.code, constraint: e.constraint, detail: e.detail, hint: e.hint, table: e.table, column: e.column, schema: e.schema, severity: e.severity };
    };
    const insert = 'INSERT INTO pt_same VALUES ($1)';
    assert.deepEqual(fieldsOf(await rejectionOf(db.query(insert, [1]))), fieldsOf(await rejectionOf(inProcess.query(insert, [1]))));
    const hinted = 'SELECT * FROM pt_same WHERE id = $1::unknown_type';
    assert.deepEqual(fieldsOf(await rejectionOf(db.query(hinted, [1]))), fieldsOf(await rejectionOf(inProcess.query(hinted, [1]))));
  });

  it('rolls back the whole transaction when a unique violation inside it is rethrown', async () => {
    const error = await rejectionOf(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO pt_items (id, name) VALUES (30, $1)', ['thirty']);
        await tx.query('INSERT INTO pt_items (id, name) VALUES (1, $1)', ['clash']);
      }),
    );
    assert.equal((error as { code?: string }).code, '23505');
    assert.deepEqual(await db.query('SELECT id FROM pt_items WHERE id = 30'), [], 'the first insert went with it');
  });

  it('fails the commit of a transaction whose function swallowed a statement error, as in-process PGlite does', async () => {
    const attempt = (target: Db) =>
      rejectionOf(
        target.transaction(async (tx) => {
          await tx.query('SELECT 1/0').catch(() => undefined);
        }),
      );
    const [threaded, local] = await Promise.all([attempt(db), attempt(inProcess)]);
    assert.ok(threaded instanceof Error);
    assert.equal(threaded.message, (local as Error).message);
  });

  it('keeps transactions whole and in arrival order, and statements outside one wait for it', async () => {
    const transactions = Array.from({ length: 8 }, (_, i) =>
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO pt_log (note) VALUES ($1)', [`begin ${i}`]);
        // Give the others every chance to cut in: this thread sleeps, the worker waits.
        await sleep(i % 2 === 0 ? 15 : 1);
        await tx.query('INSERT INTO pt_log (note) VALUES ($1)', [`end ${i}`]);
      }),
    );
    const outside = db.query('INSERT INTO pt_log (note) VALUES ($1)', ['outside']);
    await Promise.all([...transactions, outside]);
    const notes = (await db.query<{ note: string }>('SELECT note FROM pt_log ORDER BY seq')).map((r) => r.note);
    assert.deepEqual(notes, [...Array.from({ length: 8 }, (_, i) => [`begin ${i}`, `end ${i}`]).flat(), 'outside']);
  });

  it('counts concurrent read-modify-write transactions exactly', async () => {
    await db.exec('CREATE TABLE pt_counter (id integer PRIMARY KEY, n integer NOT NULL); INSERT INTO pt_counter VALUES (1, 0)');
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction(async (tx) => {
          const [row] = await tx.query<{ n: number }>('SELECT n FROM pt_counter WHERE id = 1 FOR UPDATE');
          await tx.query('UPDATE pt_counter SET n = $1 WHERE id = 1', [row!.n + 1]);
        }),
      ),
    );
    assert.deepEqual(await db.query('SELECT n FROM pt_counter'), [{ n: 20 }]);
  });

  it('returns exactly the JS values in-process PGlite returns, type by type', async () => {
    const [threaded] = await db.query<Record<string, unknown>>(EVERY_TYPE, EVERY_TYPE_PARAMS);
    const [local] = await inProcess.query<Record<string, unknown>>(EVERY_TYPE, EVERY_TYPE_PARAMS);
    assert.deepStrictEqual(threaded, local);
    // And what they are, so a change of PGlite's parsers shows here too.
    assert.equal(threaded!.int8, 1);
    assert.equal(threaded!.int8_beyond_2_53, 9007199254740993n);
    assert.ok(threaded!.timestamptz instanceof Date);
    assert.equal((threaded!.timestamptz as Date).toISOString(), '2026-03-02T09:00:00.123Z');
    assert.ok(threaded!.date instanceof Date);
    assert.deepEqual(threaded!.jsonb, { a: [1, 2], b: { c: null } });
    assert.equal(threaded!.boolean, true);
    assert.deepEqual(threaded!.text_array, ['a', 'b c']);
    assert.ok(threaded!.bytea instanceof Uint8Array);
    assert.deepEqual(threaded!.object_param, { kind: 'review', people: ['a', 'b'] });
  });

  it('refuses a parameter that cannot cross to the thread, saying what can', async () => {
    const error = await rejectionOf(db.query('SELECT $1::text AS t', [() => 'a function']));
    assert.ok(error instanceof Error);
    assert.match(error.message, /cannot be sent to the embedded database's thread/);
    assert.deepEqual(await db.query('SELECT 1 AS one'), [{ one: 1 }], 'and carries on');
  });

  it('refuses a statement on a transaction that has already ended', async () => {
    let leaked: Parameters<Parameters<Db['transaction']>[0]>[0] | undefined;
    await db.transaction(async (tx) => {
      leaked = tx;
    });
    const error = await rejectionOf(leaked!.query('SELECT 1'));
    assert.match((error as Error).message, /transaction has already ended/);
  });

  it('keeps this thread free while a long statement runs (in-process PGlite cannot)', async () => {
    const LONG = 'SELECT count(*)::int AS n FROM generate_series(1, 3e6)';
    const race = async (target: Db) => {
      const order: string[] = [];
      await Promise.all([target.query(LONG).then(() => order.push('query')), sleep(5).then(() => order.push('timer'))]);
      return order;
    };
    assert.deepEqual(await race(db), ['timer', 'query'], 'threaded: the 5 ms timer fires while the statement runs');
    assert.deepEqual(await race(inProcess), ['query', 'timer'], 'in-process: the timer waits for the statement');
  });
});

describe('store: PGlite in a worker thread, on a data folder', function () {
  this.timeout(60_000);
  // One folder for the block (a fresh one costs an initdb); the worker is killed last.
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'resolve-pglite-thread-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('holds the folder lock in this process: a second open fails while the first is live; close releases it and the data stays', async () => {
    const first = await openThreaded(dataDir);
    try {
      await first.exec(`CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')`);
      const error = await rejectionOf(openThreaded(dataDir));
      assert.ok(error instanceof DataFolderInUseError);
      assert.match(error.message, new RegExp(`already in use by process ${process.pid}`));
      assert.match(error.message, /DATABASE_URL/);
      await assert.rejects(openDatabase({ kind: 'pglite', dataDir }), DataFolderInUseError, 'nor in-process');
    } finally {
      await first.close();
    }
    assert.equal(existsSync(path.join(dataDir, LOCK_FILE_NAME)), false, 'closing releases the lock');
    const second = await openThreaded(dataDir);
    try {
      assert.deepEqual(await second.query('SELECT note FROM kept'), [{ note: 'still here' }]);
    } finally {
      await second.close();
    }
  });

  it('waits for work already sent before it closes, then answers every call as closed', async () => {
    const db = await openThreaded(dataDir);
    const inFlight = db.query<{ n: number }>('SELECT count(*)::int AS n FROM generate_series(1, 200000)');
    const transaction = db.transaction(async (tx) => {
      await sleep(20);
      return (await tx.query<{ one: number }>('SELECT 1 AS one'))[0]!.one;
    });
    await db.close();
    assert.deepEqual(await inFlight, [{ n: 200000 }]);
    assert.equal(await transaction, 1, 'a transaction open at close() finishes');
    const error = await rejectionOf(db.query('SELECT 1'));
    assert.match((error as Error).message, /PGlite is closed/);
    assert.ok(isDatabaseUnavailable(error));
    await db.close();
  });

  it('fails every pending and later call with a clear error once its worker dies, and close() still frees the folder', async () => {
    const db = await openThreaded(dataDir);
    const worker = pgliteThreadOf(db)!;
    assert.equal(embeddedDatabaseStopped(db), undefined, 'alive: nothing to restart for');
    const pending = db.query('SELECT count(*) FROM generate_series(1, 3e7)');
    pending.catch(() => undefined);
    await sleep(50);
    await worker.terminate();
    assert.ok(embeddedDatabaseStopped(db) instanceof EmbeddedDatabaseStoppedError, 'the liveness check (GET /healthz) sees that only a restart mends it');
    for (const call of [pending, db.query('SELECT 1'), db.exec('SELECT 1'), db.transaction((tx) => tx.query('SELECT 1'))]) {
      const error = await rejectionOf(call);
      assert.ok(error instanceof EmbeddedDatabaseStoppedError, String(error));
      assert.match(error.message, /The embedded database \(PGlite\) stopped/);
      assert.match(error.message, /restart Resolve/);
      assert.match(error.message, /DATA_DIR/);
      assert.ok(isDatabaseUnavailable(error), 'answered as an outage (503), not a bug');
    }
    await db.close();
    assert.equal(existsSync(path.join(dataDir, LOCK_FILE_NAME)), false);
    const again = await openThreaded(dataDir);
    await again.close();
  });

  it('fails a transaction that is open when its worker dies, mid-function', async () => {
    const db = await openThreaded();
    try {
      const error = await rejectionOf(
        db.transaction(async (tx) => {
          await tx.query('SELECT 1');
          await pgliteThreadOf(db)!.terminate();
          await tx.query('SELECT 2');
        }),
      );
      assert.ok(error instanceof EmbeddedDatabaseStoppedError);
    } finally {
      await db.close();
    }
  });
});
