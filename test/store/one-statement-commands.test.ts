/**
 * Issue 11: a command in at most two statements of its own, and the audit chain taken at COMMIT
 * (migration 0011), so that no connection holds the audit head while it waits for Node.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { TestClock } from '../../store/clock.js';
import { handleCommand, handleCommandIn } from '../../store/command.js';
import type { Db, Queryable } from '../../store/db.js';
import { listDeadlines } from '../../store/deadlines.js';
import { readStream, verifyChain } from '../../store/events.js';
import { planDeadlines, readForCommand, writeStreams, type SeenDeadline } from '../../store/stream-write.js';
import { describeOnEngines, TEST_DATABASE_URL } from './engines.js';
import { REMINDER_VIEW_DDL, reminderModel, type ReminderEvent } from './fixtures/reminder-model.js';

const actor = 'user-priya-okonjo';

/** The database, counting the statements sent through it. */
function counting(db: Db): { db: Db; statements: () => number } {
  let n = 0;
  const counted: Db = {
    ...db,
    query: (sql, params) => {
      n += 1;
      return db.query(sql, params);
    },
    exec: (sql) => {
      n += 1;
      return db.exec(sql);
    },
    transaction: db.transaction.bind(db),
    migrationsApplied: db.migrationsApplied.bind(db),
    close: db.close.bind(db),
  };
  return { db: counted, statements: () => n };
}

async function stagedRows(q: Queryable): Promise<number> {
  const [row] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM event_staging');
  return row!.n;
}

describeOnEngines('store: a command in one read and one write (issue 11)', (ctx) => {
  const clock = new TestClock('2026-04-06T08:00:00.000Z');
  before(async () => {
    await ctx.db.exec(REMINDER_VIEW_DDL);
  });

  it('reads a stream\'s events and deadlines in one statement, as reading them apart does (dates, versions, payloads, status)', async () => {
    const caseId = `case-${randomUUID()}`;
    const model = reminderModel(caseId);
    await handleCommand(ctx.db, model, caseId, { type: 'open', actor, dueAt: '2026-04-13T16:00:00.000Z' }, { clock });
    await handleCommand(ctx.db, model, caseId, { type: 'reschedule', actor, dueAt: '2026-04-20T16:00:00.000Z' }, { clock });
    const together = await readForCommand<ReminderEvent>(ctx.db, caseId, { lock: false });
    assert.deepEqual({ version: together.version, records: together.records }, await readStream<ReminderEvent>(ctx.db, caseId));
    assert.deepEqual(together.deadlines, (await listDeadlines(ctx.db, caseId)).map((d) => ({ id: d.id, key: d.key, kind: d.kind, dueAt: d.dueAt, data: d.data, status: d.status })));
    assert.equal(together.version, 2);
    assert.deepEqual(await readForCommand(ctx.db, `case-${randomUUID()}`, { lock: false }), { version: 0, records: [], deadlines: [] });
  });

  it('plans the command functions\' statements for the call on PGlite, which has no autovacuum; keeps generic plans on a server, whose autovacuum keeps them fresh (migrations 0014, 0015)', async () => {
    const rows = await ctx.db.query<{ name: string; config: string[] | null }>(
      `SELECT p.proname AS name, p.proconfig AS config FROM pg_proc p
        WHERE p.pronamespace = current_schema()::regnamespace AND p.proname = ANY($1) ORDER BY 1`,
      [['chain_staged_event', 'project_case_summary', 'read_stream_for_command', 'write_streams']],
    );
    assert.deepEqual(rows.map((r) => [r.name, r.config]), [
      ['chain_staged_event', null], ['project_case_summary', null], ['read_stream_for_command', null], ['write_streams', null],
    ], 'no function fixes its own plan_cache_mode any more');
    const [mode] = await ctx.db.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode');
    // On the server: whatever the server is configured with (the shared test server keeps the default), never forced by Resolve.
    if (ctx.db.kind === 'pglite') assert.equal(mode?.plan_cache_mode, 'force_custom_plan');
    else assert.notEqual(mode?.plan_cache_mode, 'force_custom_plan');
  });

  it('runs a command on its own in two statements: the read, and the write that is its own transaction', async () => {
    const caseId = `case-${randomUUID()}`;
    const model = reminderModel(caseId);
    await handleCommand(ctx.db, model, caseId, { type: 'open', actor, dueAt: '2026-04-13T16:00:00.000Z' }, { clock });
    const { db, statements } = counting(ctx.db);
    const outcome = await handleCommand(db, model, caseId, { type: 'reschedule', actor, dueAt: '2026-04-14T16:00:00.000Z' }, { clock });
    assert.ok(outcome.ok);
    assert.equal(statements(), 2);
    assert.deepEqual(outcome.deadlines, { added: [], moved: ['chase-1'], cancelled: [] });
    const [deadline] = await listDeadlines(ctx.db, caseId);
    assert.equal(deadline!.dueAt.toISOString(), '2026-04-14T16:00:00.000Z');
    const [view] = await ctx.db.query<{ version: number }>('SELECT version FROM reminder_view WHERE case_id = $1', [caseId]);
    assert.equal(view!.version, 2, 'the read model was written by the same statement');
  });

  it('runs a command in one statement when given the stream the caller has just read', async () => {
    const caseId = `case-${randomUUID()}`;
    const model = reminderModel(caseId);
    await handleCommand(ctx.db, model, caseId, { type: 'open', actor, dueAt: '2026-04-13T16:00:00.000Z' }, { clock });
    const loaded = await readForCommand<ReminderEvent>(ctx.db, caseId, { lock: false });
    const { db, statements } = counting(ctx.db);
    const outcome = await handleCommand(db, model, caseId, { type: 'reschedule', actor, dueAt: '2026-04-15T16:00:00.000Z' }, { clock, loaded });
    assert.ok(outcome.ok);
    assert.equal(statements(), 1);
    assert.equal(outcome.version, 2);
  });

  it('decides again on a fresh read when the stream it was given has moved on, and loses nothing', async () => {
    const caseId = `case-${randomUUID()}`;
    const model = reminderModel(caseId);
    await handleCommand(ctx.db, model, caseId, { type: 'open', actor, dueAt: '2026-04-13T16:00:00.000Z' }, { clock });
    const stale = await readForCommand<ReminderEvent>(ctx.db, caseId, { lock: false });
    await handleCommand(ctx.db, model, caseId, { type: 'reschedule', actor, dueAt: '2026-04-16T16:00:00.000Z' }, { clock });
    const outcome = await handleCommand(ctx.db, model, caseId, { type: 'reschedule', actor, dueAt: '2026-04-17T16:00:00.000Z' }, { clock, loaded: stale });
    assert.ok(outcome.ok);
    assert.equal(outcome.attempts, 2);
    const { records } = await readStream<ReminderEvent>(ctx.db, caseId);
    assert.deepEqual(records.map((r) => r.version), [1, 2, 3]);
  });

  it('refuses a write whose deadline changed since it was read, as a conflict, with nothing written', async () => {
    const caseId = `case-${randomUUID()}`;
    const model = reminderModel(caseId);
    await handleCommand(ctx.db, model, caseId, { type: 'open', actor, dueAt: '2026-04-13T16:00:00.000Z' }, { clock });
    const [row] = await listDeadlines(ctx.db, caseId);
    const seen: SeenDeadline = { id: row!.id, key: row!.key, kind: row!.kind, dueAt: row!.dueAt, data: row!.data, status: 'scheduled' };
    // A dispatcher fired it meanwhile (it writes the deadline under the stream's lock, with no event of its own).
    await ctx.db.query(`UPDATE deadlines SET status = 'fired', fired_at = now() WHERE id = $1`, [row!.id]);
    const { ops } = planDeadlines(caseId, [seen], [{ key: seen.key, kind: seen.kind, dueAt: seen.dueAt, data: { chase: 99 } }]);
    await assert.rejects(
      writeStreams(ctx.db, [{ streamId: caseId, expectedVersion: 1, events: [{ type: 'rescheduled', at: clock.now().toISOString(), dueAt: '2026-04-13T16:00:00.000Z' }], deadlines: ops, now: clock.now() }]),
      (error: Error) => error.name === 'ConcurrencyConflict' && /deadline of stream .* changed since it was read/.test(error.message),
    );
    assert.equal((await readStream(ctx.db, caseId)).version, 1);
    assert.equal((await listDeadlines(ctx.db, caseId))[0]!.status, 'fired', 'the fired deadline was not re-armed');
  });

  it('stages a transaction\'s events where only it can read them, and chains them gap-free when it commits', async () => {
    const caseId = `case-${randomUUID()}`;
    const model = reminderModel(caseId);
    await ctx.db.transaction(async (tx) => {
      await handleCommandIn(tx, model, caseId, { type: 'open', actor, dueAt: '2026-04-13T16:00:00.000Z' }, clock.now());
      await handleCommandIn(tx, model, caseId, { type: 'reschedule', actor, dueAt: '2026-04-20T16:00:00.000Z' }, clock.now());
      // The second command decided on the first one's staged event.
      assert.deepEqual((await readStream(tx, caseId)).records.map((r) => r.version), [1, 2]);
      assert.equal(await stagedRows(tx), 2);
      const [chained] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE stream_id = $1', [caseId]);
      assert.equal(chained!.n, 0, 'nothing is chained before the commit');
    });
    assert.equal(await stagedRows(ctx.db), 0);
    const rows = await ctx.db.query<{ seq: number; version: number }>('SELECT seq, version FROM events WHERE stream_id = $1 ORDER BY version', [caseId]);
    assert.deepEqual(rows.map((r) => r.version), [1, 2]);
    assert.equal(rows[1]!.seq, rows[0]!.seq + 1);
    const check = await verifyChain(ctx.db);
    assert.ok(check.ok, JSON.stringify(check));
  });

  it('leaves no trace of a rolled-back transaction\'s events: no sequence number used, the chain still whole', async () => {
    const caseId = `case-${randomUUID()}`;
    const model = reminderModel(caseId);
    const [head] = await ctx.db.query<{ seq: number }>('SELECT seq FROM audit_head');
    await assert.rejects(
      ctx.db.transaction(async (tx) => {
        await handleCommandIn(tx, model, caseId, { type: 'open', actor, dueAt: '2026-04-13T16:00:00.000Z' }, clock.now());
        throw new Error('the handler failed after the command');
      }),
      /the handler failed/,
    );
    const [after] = await ctx.db.query<{ seq: number }>('SELECT seq FROM audit_head');
    assert.equal(after!.seq, head!.seq);
    assert.equal((await readStream(ctx.db, caseId)).version, 0);
    assert.equal(await stagedRows(ctx.db), 0);
    assert.ok((await verifyChain(ctx.db)).ok);
  });

  it('stages events in an unlogged table, which a crash may empty as no staged row outlives its transaction, while the chained events stay logged (migration 0016)', async () => {
    const rows = await ctx.db.query<{ name: string; persistence: string }>(
      `SELECT relname AS name, relpersistence AS persistence FROM pg_class
        WHERE relnamespace = current_schema()::regnamespace AND relname = ANY($1) ORDER BY 1`,
      [['audit_head', 'event_staging', 'events', 'outbox']],
    );
    assert.deepEqual(rows.map((r) => [r.name, r.persistence]), [['audit_head', 'p'], ['event_staging', 'u'], ['events', 'p'], ['outbox', 'p']]);
  });

  it('writes a command that carries events alone (no deadline, read model or effect): the statements for empty lists are skipped, and the events are chained (migration 0016)', async () => {
    const caseId = `case-${randomUUID()}`;
    await writeStreams(ctx.db, [{ streamId: caseId, expectedVersion: 0, events: [{ type: 'opened', at: clock.now().toISOString(), dueAt: '2026-04-13T16:00:00.000Z' }], now: clock.now() }]);
    const { version, records } = await readStream(ctx.db, caseId);
    assert.equal(version, 1);
    assert.equal(records[0]!.type, 'opened');
    assert.deepEqual(await listDeadlines(ctx.db, caseId), []);
    const [queued] = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE stream_id = $1', [caseId]);
    assert.equal(queued!.n, 0);
    assert.ok((await verifyChain(ctx.db)).ok);
  });

  it('refuses a read model that is not a project_<name> function, with nothing written (the names it knows are called directly, any other goes through the same check: migration 0016)', async () => {
    const caseId = `case-${randomUUID()}`;
    const write = (fn: string) => writeStreams(ctx.db, [{
      streamId: caseId, expectedVersion: 0, now: clock.now(),
      events: [{ type: 'opened', at: clock.now().toISOString(), dueAt: '2026-04-13T16:00:00.000Z' }],
      projections: [{ fn: fn as `project_${string}`, row: { caseId } }],
    }]);
    await assert.rejects(write('pg_sleep'), /"pg_sleep" is not a read model function: name one project_<name>/);
    await assert.rejects(write('project_nothing_here'), /function project_nothing_here\(jsonb\) does not exist/);
    assert.equal((await readStream(ctx.db, caseId)).version, 0, 'the events were not written');
  });

  it('lets concurrent transactions on one stream each decide on the version it writes after, first time (the lock comes before the read)', async () => {
    const caseId = `case-${randomUUID()}`;
    const model = reminderModel(caseId);
    await handleCommand(ctx.db, model, caseId, { type: 'open', actor, dueAt: '2026-04-13T16:00:00.000Z' }, { clock });
    const dueTimes = Array.from({ length: 6 }, (_, i) => `2026-05-0${i + 1}T16:00:00.000Z`);
    await Promise.all(dueTimes.map((dueAt) => ctx.db.transaction((tx) => handleCommandIn(tx, model, caseId, { type: 'reschedule', actor, dueAt }, clock.now()))));
    const { records } = await readStream<ReminderEvent>(ctx.db, caseId);
    assert.deepEqual(records.map((r) => r.version), [1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('store: no connection holds the audit head while it waits for Node (issue 11) [postgres]', function () {
  this.timeout(30_000);
  let db: Db | undefined;
  let schema: string;
  before(async () => {
    const { openTestDatabase } = await import('./engines.js');
    const opened = await openTestDatabase('postgres');
    db = opened.db;
    schema = (opened.options as { schema: string }).schema;
    after(() => opened.dispose());
    await db.exec(REMINDER_VIEW_DDL);
  });

  it('leaves the audit head free while a transaction that has written events is still open, and others append meanwhile', async () => {
    const clock = new TestClock('2026-04-06T08:00:00.000Z');
    const held = `case-${randomUUID()}`;
    const other = `case-${randomUUID()}`;
    const probe = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
    await probe.connect();
    try {
      await db!.transaction(async (tx) => {
        await handleCommandIn(tx, reminderModel(held), held, { type: 'open', actor, dueAt: '2026-04-13T16:00:00.000Z' }, clock.now());
        // The transaction is open and waiting for Node: the head row is not locked...
        await probe.query('BEGIN');
        await probe.query('SELECT seq FROM audit_head WHERE id FOR UPDATE NOWAIT');
        await probe.query('ROLLBACK');
        // ...and another command on another stream commits its events meanwhile.
        const outcome = await handleCommand(db!, reminderModel(other), other, { type: 'open', actor, dueAt: '2026-04-13T16:00:00.000Z' }, { clock });
        assert.ok(outcome.ok);
      });
    } finally {
      await probe.end();
    }
    const rows = await db!.query<{ stream_id: string; seq: number }>('SELECT stream_id, seq FROM events WHERE stream_id = ANY($1) ORDER BY seq', [[held, other]]);
    assert.deepEqual(rows.map((r) => r.stream_id), [other, held], 'the chain follows the order of commits');
    assert.ok((await verifyChain(db!)).ok);
  });
});

describe('store: a command\'s read and write are kept prepared on each server connection (issue 11) [postgres]', function () {
  this.timeout(30_000);
  let db: Db | undefined;
  let schema: string;
  before(async () => {
    const { openDatabase } = await import('../../store/db.js');
    const { dropSchema, uniqueSchema } = await import('./engines.js');
    schema = uniqueSchema();
    // One connection, so that what it has prepared can be read back through the pool.
    db = await openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL, schema, poolSize: 1 });
    after(async () => {
      await db!.close();
      await dropSchema(schema);
    });
    await db.exec(REMINDER_VIEW_DDL);
  });

  const preparedOnConnection = async () =>
    (await db!.query<{ name: string; calls: number }>('SELECT name, generic_plans + custom_plans AS calls FROM pg_prepared_statements ORDER BY name')).map((r) => [r.name, Number(r.calls)]);

  it('prepares the stream read and the write once, by name, and runs them so on every later command', async () => {
    const clock = new TestClock('2026-04-06T08:00:00.000Z');
    const caseId = `case-${randomUUID()}`;
    await handleCommand(db!, reminderModel(caseId), caseId, { type: 'open', actor, dueAt: '2026-04-13T16:00:00.000Z' }, { clock });
    assert.deepEqual(await preparedOnConnection(), [['resolve_read_for_command', 1], ['resolve_write_streams', 1]]);
    await handleCommand(db!, reminderModel(caseId), caseId, { type: 'reschedule', actor, dueAt: '2026-04-20T16:00:00.000Z' }, { clock });
    assert.deepEqual(await preparedOnConnection(), [['resolve_read_for_command', 2], ['resolve_write_streams', 2]], 'the second command ran the same two statements');
    assert.equal((await readStream(db!, caseId)).version, 2);
  });

  it('with namedStatements false (a pooler that cannot keep prepared statements) sends the text and prepares nothing', async () => {
    const { openDatabase } = await import('../../store/db.js');
    const unnamed = await openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL, schema, poolSize: 1, namedStatements: false });
    try {
      const clock = new TestClock('2026-04-06T08:00:00.000Z');
      const caseId = `case-${randomUUID()}`;
      const outcome = await handleCommand(unnamed, reminderModel(caseId), caseId, { type: 'open', actor, dueAt: '2026-04-13T16:00:00.000Z' }, { clock });
      assert.ok(outcome.ok);
      assert.deepEqual(await unnamed.query('SELECT name FROM pg_prepared_statements'), []);
      assert.equal((await readStream(unnamed, caseId)).version, 1);
    } finally {
      await unnamed.close();
    }
  });

  it('still refuses a write on a stream that moved on, and goes on working after a function it calls is replaced', async () => {
    const clock = new TestClock('2026-04-06T08:00:00.000Z');
    const caseId = `case-${randomUUID()}`;
    await handleCommand(db!, reminderModel(caseId), caseId, { type: 'open', actor, dueAt: '2026-04-13T16:00:00.000Z' }, { clock });
    const stale = await readForCommand<ReminderEvent>(db!, caseId, { lock: false });
    await handleCommand(db!, reminderModel(caseId), caseId, { type: 'reschedule', actor, dueAt: '2026-04-20T16:00:00.000Z' }, { clock });
    const event = { type: 'rescheduled', caseId, at: clock.now().toISOString(), actor, dueAt: '2026-04-27T16:00:00.000Z' } as const;
    await assert.rejects(writeStreams<ReminderEvent>(db!, [{ streamId: caseId, expectedVersion: stale.version, events: [event], now: clock.now() }]), { name: 'ConcurrencyConflict' });
    // A later migration replacing the function (CREATE OR REPLACE, same signature): the prepared call is planned again, not broken.
    const [definition] = await db!.query<{ def: string }>(`SELECT pg_get_functiondef('write_streams(jsonb)'::regprocedure) AS def`);
    await db!.exec(definition!.def);
    const outcome = await handleCommand(db!, reminderModel(caseId), caseId, { type: 'reschedule', actor, dueAt: '2026-04-27T16:00:00.000Z' }, { clock });
    assert.ok(outcome.ok);
    assert.equal((await readStream(db!, caseId)).version, 3);
  });
});
