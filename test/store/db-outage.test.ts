/**
 * The database going away and coming back: a PostgreSQL cluster of the test's own is stopped
 * under running workers and started again (never the shared server on 5432), and a closed
 * PGlite stands in for the embedded engine. Also which errors count as "unavailable".
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { TestClock } from '../../store/clock.js';
import { IN_MEMORY, openDatabase, type Db } from '../../store/db.js';
import { createDeadlineDispatcher, listDeadlines, syncDeadlines } from '../../store/deadlines.js';
import { createOutboxDeliverer, enqueueEffects, findEffect, type OutboxRecord, type Transport } from '../../store/outbox.js';
import { Pacer } from '../../store/pacer.js';
import { DatabaseUnavailableError, isDatabaseUnavailable, withDatabaseDeadline } from '../../store/unavailable.js';
import { describeOnEngines } from './engines.js';
import { startThrowawayPostgres, throwawayPostgresUnavailable, type ThrowawayPostgres } from './throwaway-postgres.js';

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function rejection(work: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  try {
    await work;
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
  throw new Error('expected the call to fail');
}

const describeError = (error: unknown) => `${(error as { code?: string } | null | undefined)?.code ?? ''} ${error instanceof Error ? error.message : String(error)}`;

describe('store: PostgreSQL stops under running workers and starts again [throw-away cluster]', function () {
  this.timeout(120_000);
  let cluster: ThrowawayPostgres | undefined;
  let db: Db | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  before(async function () {
    const why = throwawayPostgresUnavailable();
    if (why !== undefined) throw new Error(`This test starts a PostgreSQL cluster of its own and cannot here: ${why}.`);
    cluster = await startThrowawayPostgres();
    db = await openDatabase({ kind: 'postgres', url: cluster.url });
    process.on('unhandledRejection', onUnhandled);
  });

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    try {
      await db?.close().catch(() => undefined);
    } finally {
      await cluster?.destroy();
    }
  });

  it('the loops keep running and report the outage, requests fail within 2 s, and after the restart what was committed before is delivered and fired', async () => {
    const clock = new TestClock('2026-02-02T09:00:00.000Z');
    const delivered: OutboxRecord[] = [];
    const transport: Transport = async (effect) => {
      delivered.push(effect);
      return { outcome: 'delivered', receipt: `activity-${delivered.length}` };
    };
    const outboxErrors: unknown[] = [];
    const deadlineErrors: unknown[] = [];
    const loopOptions = { idleMs: 20, loopBackoff: { baseMs: 100, capMs: 400 } };
    const outbox = createOutboxDeliverer({
      db: db!, clock, workerId: 'outage', transport, ...loopOptions,
      pacer: new Pacer({ destination: { perSecond: 1000 }, tenant: { perSecond: 1000 } }),
      onLoopError: (error) => outboxErrors.push(error),
    });
    const fired: string[] = [];
    const deadlines = createDeadlineDispatcher({
      db: db!, clock, workerId: 'outage', ...loopOptions,
      handler: async (_tx, deadline) => void fired.push(deadline.key),
      onLoopError: (error) => deadlineErrors.push(error),
    });

    const [before, during] = [`effect-${randomUUID()}`, `effect-${randomUUID()}`];
    const later = new Date(clock.now().getTime() + 3_600_000);
    await enqueueEffects(db!, [
      { idempotencyKey: before, destination: 'conversation-a', kind: 'card', payload: {} },
      // Committed before the outage, due only once it has begun.
      { idempotencyKey: during, destination: 'conversation-b', kind: 'card', payload: {}, notBefore: later },
    ], { now: clock.now() });
    await db!.transaction((tx) => syncDeadlines(tx, 'case-outage', [{ key: 'respond', kind: 'response-due', dueAt: later }], clock.now()));

    const ended: string[] = [];
    const outboxRun = outbox.start().then(() => ended.push('outbox'), (error: unknown) => ended.push(`outbox rejected: ${describeError(error)}`));
    const deadlineRun = deadlines.start().then(() => ended.push('deadlines'), (error: unknown) => ended.push(`deadlines rejected: ${describeError(error)}`));
    try {
      await until(() => delivered.some((e) => e.idempotencyKey === before), 'the first effect is delivered');

      await cluster!.stop();
      await until(() => outboxErrors.length >= 3 && deadlineErrors.length >= 3, 'both loops have failed three passes');
      assert.deepEqual(ended, [], 'neither loop ended');
      for (const error of [...outboxErrors, ...deadlineErrors]) assert.ok(isDatabaseUnavailable(error), `classified unavailable: ${describeError(error)}`);

      const query = await rejection(db!.query('SELECT 1'));
      assert.ok(isDatabaseUnavailable(query.error), describeError(query.error));
      assert.ok(query.ms < 2_000, `a query failed after ${query.ms} ms`);
      const transaction = await rejection(db!.transaction((tx) => tx.query('SELECT 1')));
      assert.ok(isDatabaseUnavailable(transaction.error), describeError(transaction.error));
      assert.ok(transaction.ms < 2_000, `a transaction failed after ${transaction.ms} ms`);

      clock.advance(2 * 3_600_000);
      await cluster!.start();
      await until(async () => (await findEffect(db!, during))?.status === 'delivered', 'the effect committed before the outage is delivered');
      await until(async () => (await listDeadlines(db!, 'case-outage'))[0]?.status === 'fired', 'the deadline committed before the outage fires');
      assert.deepEqual(ended, [], 'neither loop ended');
      assert.deepEqual(fired, ['respond']);
      assert.equal(delivered.filter((e) => e.idempotencyKey === before).length, 1, 'nothing delivered was sent again');
    } finally {
      const stopping = Date.now();
      await Promise.all([outbox.stop(), deadlines.stop()]);
      await Promise.all([outboxRun, deadlineRun]);
      assert.ok(Date.now() - stopping < 2_000, 'stop() does not wait out a back-off');
    }
    assert.deepEqual(ended.sort(), ['deadlines', 'outbox']);
    assert.deepEqual(unhandled, [], 'no unhandled rejections');
  });
});

describe('store: a server that accepts connections but never answers', () => {
  let sockets: Socket[] = [];
  const silent = createServer((socket) => void sockets.push(socket));

  before(() => new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve)));
  after(() => {
    for (const socket of sockets) socket.destroy();
    sockets = [];
    return new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('fails opening the database within 2 s, with an error classified unavailable', async () => {
    const address = silent.address();
    assert.ok(typeof address === 'object' && address !== null);
    const opened = await rejection(openDatabase({ kind: 'postgres', url: `postgres://postgres@127.0.0.1:${address.port}/resolve` }));
    assert.ok(isDatabaseUnavailable(opened.error), describeError(opened.error));
    assert.ok(opened.ms < 2_000, `failed after ${opened.ms} ms`);
  });
});

describe('store: a closed PGlite', () => {
  it('fails every call with an error classified unavailable, and a worker loop on it backs off instead of ending', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir: IN_MEMORY });
    await db.close();
    for (const call of [() => db.query('SELECT 1'), () => db.exec('SELECT 1'), () => db.transaction((tx) => tx.query('SELECT 1'))]) {
      const { error } = await rejection(call());
      assert.ok(isDatabaseUnavailable(error), describeError(error));
    }

    const errors: unknown[] = [];
    const waits: number[] = [];
    const outbox = createOutboxDeliverer({
      db, clock: new TestClock('2026-02-02T09:00:00.000Z'), workerId: 'closed', transport: async () => ({ outcome: 'delivered' }),
      onLoopError: (error) => errors.push(error),
      sleep: async (ms) => {
        waits.push(ms);
        if (waits.length === 4) void outbox.stop();
        await new Promise((resolve) => setImmediate(resolve));
      },
    });
    await outbox.start();
    assert.equal(errors.length, 4);
    assert.ok(errors.every(isDatabaseUnavailable));
    assert.deepEqual(waits, [1_000, 2_000, 4_000, 8_000]);
  });
});

describeOnEngines('store: telling an outage from an SQL error', (ctx) => {
  it('does not count an SQL error the database answered with as unavailable', async () => {
    const table = `t_${randomUUID().replaceAll('-', '')}`;
    await ctx.db.exec(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
    await ctx.db.query(`INSERT INTO ${table} VALUES (1)`);
    const answered = [
      () => ctx.db.query(`INSERT INTO ${table} VALUES (1)`), // 23505
      () => ctx.db.query('SELECT * FROM no_such_table'), // 42P01
      () => ctx.db.query(`SELECT 'x'::int`), // 22P02
      () => ctx.db.transaction(async (tx) => tx.query('SELEC 1')), // 42601
    ];
    for (const work of answered) {
      const { error } = await rejection(work());
      assert.match(String((error as { code?: unknown }).code), /^(23505|42P01|22P02|42601)$/);
      assert.equal(isDatabaseUnavailable(error), false, describeError(error));
    }
    await ctx.db.exec(`DROP TABLE ${table}`);
  });
});

describe('store: isDatabaseUnavailable', () => {
  const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

  it('accepts connection-level failures of either engine', () => {
    const failures: unknown[] = [
      coded('08006', 'connection failure'),
      coded('08001'),
      coded('57P01', 'terminating connection due to administrator command'),
      coded('57P02'),
      coded('57P03', 'the database system is shutting down'),
      coded('53300', 'sorry, too many clients already'),
      ...['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].map((code) => coded(code)),
      new Error('Connection terminated unexpectedly'),
      new Error('Connection terminated due to connection timeout'),
      new Error('timeout exceeded when trying to connect'),
      new Error('PGlite is closed'),
      new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], ''),
      new Error('the card could not be recorded', { cause: coded('57P01') }),
      new DatabaseUnavailableError(),
    ];
    for (const error of failures) assert.equal(isDatabaseUnavailable(error), true, describeError(error));
  });

  it('refuses SQL errors, other errors and things that are not errors', () => {
    const others: unknown[] = [coded('23505', 'duplicate key value'), coded('42P01'), coded('40001'), coded('57014', 'canceling statement due to statement timeout'), new Error('bad input'), new TypeError('x is undefined'), undefined, null, 'ECONNREFUSED', 42];
    for (const error of others) assert.equal(isDatabaseUnavailable(error), false, describeError(error));
  });

  it('withDatabaseDeadline passes a result through, and turns a call that does not answer into DatabaseUnavailableError', async () => {
    assert.equal(await withDatabaseDeadline(Promise.resolve(7), 50), 7);
    const { error, ms } = await rejection(withDatabaseDeadline(new Promise(() => undefined), 50));
    assert.ok(error instanceof DatabaseUnavailableError);
    assert.ok(isDatabaseUnavailable(error));
    assert.ok(ms < 1_000);
    await assert.rejects(withDatabaseDeadline(Promise.reject(coded('23505')), 50), (e: unknown) => (e as { code?: string }).code === '23505');
  });
});
