import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { systemClock, TestClock } from '../../store/clock.js';
import { handleCommand, handleCommandIn } from '../../store/command.js';
import { openDatabase, type Db, type Tx } from '../../store/db.js';
import {
  claimDueDeadlines,
  createDeadlineDispatcher,
  fireClaimedDeadline,
  listDeadlines,
  StaleClaim,
  syncDeadlines,
  type DeadlineHandler,
} from '../../store/deadlines.js';
import { readStream } from '../../store/events.js';
import { listEffects } from '../../store/outbox.js';
import { describeOnEngines, openTestDatabase } from './engines.js';
import { MAX_CHASES, REMINDER_VIEW_DDL, reminderModel, type ReminderEvent } from './fixtures/reminder-model.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const actor = 'user-ade-mensah';

/** The domain's side of a due deadline: a `deadline-reached` command on the deadline's case. */
const reminderHandler: DeadlineHandler = async (tx, deadline, { now }) => {
  await handleCommandIn(tx, reminderModel(deadline.streamId), deadline.streamId, { type: 'deadline-reached', key: deadline.key }, now);
};

async function sync(db: Db, streamId: string, desired: Parameters<typeof syncDeadlines>[2], now: Date) {
  return db.transaction((tx: Tx) => syncDeadlines(tx, streamId, desired, now));
}

describeOnEngines('store: durable deadlines', (ctx) => {
  const start = new Date('2026-01-05T09:00:00.000Z');
  // Each test lives in an earlier stretch of time than the one before, so deadlines left by
  // earlier tests are still in the future and never due in a later one.
  let era = 0;
  const clockForTest = () => new TestClock(new Date(start.getTime() - era++ * 5 * 365 * DAY));

  before(async () => {
    await ctx.db.exec(REMINDER_VIEW_DDL);
  });

  it('diffs the desired deadlines against the stored ones: added, moved, cancelled, unchanged', async () => {
    const stream = `case-${randomUUID()}`;
    const clock = clockForTest();
    const t = (h: number) => new Date(clock.now().getTime() + h * HOUR);
    assert.deepEqual(await sync(ctx.db, stream, [{ key: 'a', kind: 'k', dueAt: t(1) }, { key: 'b', kind: 'k', dueAt: t(2) }], clock.now()), { added: ['a', 'b'], moved: [], cancelled: [] });
    assert.deepEqual(await sync(ctx.db, stream, [{ key: 'a', kind: 'k', dueAt: t(1) }, { key: 'b', kind: 'k', dueAt: t(3) }, { key: 'c', kind: 'k', dueAt: t(4) }], clock.now()), {
      added: ['c'],
      moved: ['b'],
      cancelled: [],
    });
    assert.deepEqual(await sync(ctx.db, stream, [{ key: 'c', kind: 'k', dueAt: t(4) }], clock.now()), { added: [], moved: [], cancelled: ['a', 'b'] });
    const rows = await listDeadlines(ctx.db, stream);
    assert.deepEqual(rows.map((r) => [r.key, r.status]), [['a', 'cancelled'], ['b', 'cancelled'], ['c', 'scheduled']]);
  });

  it('after any sequence of syncs, the scheduled deadlines are exactly the last desired set (property)', async () => {
    const now = clockForTest().now();
    const desiredSet = fc.uniqueArray(fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd'), hours: fc.integer({ min: 1, max: 4 }) }), { selector: (d) => d.key, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(fc.array(desiredSet, { minLength: 1, maxLength: 5 }), async (steps) => {
        const stream = `case-${randomUUID()}`;
        let previous = new Map<string, number>();
        for (const step of steps) {
          const desired = step.map((d) => ({ key: d.key, kind: 'k', dueAt: new Date(now.getTime() + d.hours * HOUR) }));
          const diff = await sync(ctx.db, stream, desired, now);
          const wanted = new Map<string, number>(step.map((d) => [d.key, d.hours]));
          const rows = await listDeadlines(ctx.db, stream);
          const scheduled = new Map(rows.filter((r) => r.status === 'scheduled').map((r) => [r.key, (r.dueAt.getTime() - now.getTime()) / HOUR]));
          assert.deepEqual(scheduled, wanted);
          assert.deepEqual(diff.added.sort(), [...wanted.keys()].filter((k) => !previous.has(k)).sort());
          assert.deepEqual(diff.moved.sort(), [...wanted.keys()].filter((k) => previous.has(k) && previous.get(k) !== wanted.get(k)).sort());
          assert.deepEqual(diff.cancelled.sort(), [...previous.keys()].filter((k) => !wanted.has(k)).sort());
          previous = wanted;
        }
      }),
      { numRuns: 25 },
    );
  });

  it('refuses a desired set with the same key twice', async () => {
    const now = clockForTest().now();
    await assert.rejects(sync(ctx.db, `case-${randomUUID()}`, [{ key: 'a', kind: 'k', dueAt: now }, { key: 'a', kind: 'k', dueAt: now }], now), /appears twice/);
  });

  it('fires a due deadline into the domain, and the events, new deadlines and outbox rows commit with it', async () => {
    const clock = clockForTest();
    const caseId = `case-${randomUUID()}`;
    await handleCommand(ctx.db, reminderModel(caseId), caseId, { type: 'open', actor, dueAt: new Date(clock.now().getTime() + DAY).toISOString() }, { clock });
    const dispatcher = createDeadlineDispatcher({ db: ctx.db, clock, workerId: 'w1', handler: reminderHandler });
    assert.deepEqual(await dispatcher.runOnce(), { claimed: 0, fired: 0, stale: 0, failed: 0 }, 'nothing is due yet');
    clock.advance(DAY);
    assert.deepEqual(await dispatcher.runOnce(), { claimed: 1, fired: 1, stale: 0, failed: 0 });
    const { records } = await readStream<ReminderEvent>(ctx.db, caseId);
    assert.deepEqual(records.map((r) => r.event.type), ['opened', 'chased']);
    const deadlines = await listDeadlines(ctx.db, caseId);
    assert.deepEqual(deadlines.map((d) => [d.key, d.status]), [['chase-1', 'fired'], ['chase-2', 'scheduled']]);
    assert.equal(deadlines[0]!.firedAt!.toISOString(), clock.now().toISOString());
    assert.equal(deadlines[0]!.firedBy, 'w1');
    assert.deepEqual((await listEffects(ctx.db, { streamId: caseId })).map((e) => e.idempotencyKey), [`${caseId}:chase:1`]);
  });

  it('runs months of deadlines in moments with a test clock: each fires once, on its day, in order', async () => {
    const clock = clockForTest();
    const begin = clock.now().getTime();
    const cases = Array.from({ length: 12 }, (_, i) => ({ caseId: `case-${randomUUID()}`, dueAt: new Date(begin + (i * 15 + 1) * DAY).toISOString() }));
    for (const c of cases) await handleCommand(ctx.db, reminderModel(c.caseId), c.caseId, { type: 'open', actor, dueAt: c.dueAt }, { clock });
    const dispatcher = createDeadlineDispatcher({ db: ctx.db, clock, workerId: 'w-months', handler: reminderHandler });
    for (let day = 0; day < 200; day++) {
      clock.advance(DAY);
      await dispatcher.runOnce();
    }
    assert.equal(dispatcher.totals.fired, cases.length * MAX_CHASES);
    assert.equal(dispatcher.totals.stale + dispatcher.totals.failed, 0);
    for (const c of cases) {
      const deadlines = await listDeadlines(ctx.db, c.caseId);
      assert.deepEqual(deadlines.map((d) => d.status), ['fired', 'fired', 'fired']);
      for (const d of deadlines) {
        const late = d.firedAt!.getTime() - d.dueAt.getTime();
        assert.ok(late >= 0 && late < DAY, `${d.key} fired within a day of its due time`);
      }
      const chases = (await readStream<ReminderEvent>(ctx.db, c.caseId)).records.filter((r) => r.event.type === 'chased');
      assert.deepEqual(chases.map((r) => (r.event.type === 'chased' ? r.event.chase : 0)), [1, 2, 3]);
    }
  });

  it('rolls back a failed handler, keeps the deadline and tries it again after a back-off', async () => {
    const clock = clockForTest();
    const stream = `case-${randomUUID()}`;
    await sync(ctx.db, stream, [{ key: 'k', kind: 'test', dueAt: clock.now() }], clock.now());
    let fail = true;
    const errors: unknown[] = [];
    const handler: DeadlineHandler = async (tx, deadline, { now }) => {
      await tx.query('INSERT INTO reminder_view (case_id, open, chases, version) VALUES ($1, true, 0, 0)', [deadline.streamId]);
      if (fail) throw new Error(`the domain failed at ${now.toISOString()}`);
    };
    const dispatcher = createDeadlineDispatcher({ db: ctx.db, clock, workerId: 'w-fail', handler, retryBaseMs: 60_000, onError: (e) => errors.push(e) });
    assert.deepEqual(await dispatcher.runOnce(), { claimed: 1, fired: 0, stale: 0, failed: 1 });
    assert.equal(errors.length, 1);
    const [row] = await listDeadlines(ctx.db, stream);
    assert.equal(row!.status, 'scheduled');
    assert.match(row!.lastError!, /the domain failed/);
    assert.deepEqual(await ctx.db.query('SELECT * FROM reminder_view WHERE case_id = $1', [stream]), [], 'the handler wrote nothing');
    fail = false;
    assert.equal((await dispatcher.runOnce()).claimed, 0, 'not before the back-off');
    clock.advance(60_000);
    assert.deepEqual(await dispatcher.runOnce(), { claimed: 1, fired: 1, stale: 0, failed: 0 });
  });

  it('a claim taken over after its lease ran out cannot be completed by the first worker (fencing token)', async () => {
    const clock = clockForTest();
    const stream = `case-${randomUUID()}`;
    await sync(ctx.db, stream, [{ key: 'k', kind: 'test', dueAt: clock.now() }], clock.now());
    const fired: string[] = [];
    const handler: DeadlineHandler = async (_tx, deadline, { workerId }) => {
      fired.push(`${deadline.key}:${workerId}`);
    };
    const [mine] = (await claimDueDeadlines(ctx.db, { workerId: 'slow', now: clock.now(), leaseMs: 30_000, limit: 10 })).filter((c) => c.streamId === stream);
    assert.ok(mine);
    clock.advance(31_000);
    const [theirs] = (await claimDueDeadlines(ctx.db, { workerId: 'fast', now: clock.now(), leaseMs: 30_000, limit: 10 })).filter((c) => c.streamId === stream);
    assert.ok(theirs && theirs.fencingToken > mine.fencingToken, 'the new claim has a larger token');
    // The first worker's clock lags (a paused process, or clock skew): it believes its lease still holds.
    const laggingClock = new TestClock(new Date(clock.now().getTime() - 31_000));
    await assert.rejects(fireClaimedDeadline(ctx.db, mine, handler, laggingClock), (e: unknown) => e instanceof StaleClaim && /replaced it/.test(e.message));
    await fireClaimedDeadline(ctx.db, theirs, handler, clock);
    assert.deepEqual(fired, ['k:fast']);
  });

  it('a worker paused past its lease mid-batch completes none of its stale work, and another worker fires it once', async () => {
    const clock = clockForTest();
    const streams = Array.from({ length: 5 }, () => `case-${randomUUID()}`);
    for (const s of streams) await sync(ctx.db, s, [{ key: 'k', kind: 'test', dueAt: clock.now() }], clock.now());
    const fired: string[] = [];
    const pausing: DeadlineHandler = async (tx, deadline, { workerId }) => {
      await tx.query('SELECT 1');
      fired.push(`${deadline.streamId}:${workerId}`);
      if (fired.length === 2) clock.advance(45_000); // the process stalls for longer than its lease
    };
    const slow = createDeadlineDispatcher({ db: ctx.db, clock, workerId: 'paused', handler: pausing, leaseMs: 30_000, concurrency: 1, chunkSize: 1 });
    const report = await slow.runOnce();
    assert.deepEqual(report, { claimed: 5, fired: 1, stale: 4, failed: 0 });
    const other = createDeadlineDispatcher({ db: ctx.db, clock, workerId: 'other', handler: pausing, leaseMs: 30_000 });
    assert.equal((await other.runOnce()).fired, 4);
    const firedRows = (await Promise.all(streams.map((s) => listDeadlines(ctx.db, s)))).flat();
    assert.deepEqual(firedRows.map((r) => r.status), ['fired', 'fired', 'fired', 'fired', 'fired']);
    assert.equal(firedRows.filter((r) => r.firedBy === 'paused').length, 1);
    assert.equal(firedRows.filter((r) => r.firedBy === 'other').length, 4);
  });

  it('undoes a whole chunk whose lease ran out before it committed: nothing from it is kept', async () => {
    const clock = clockForTest();
    const streams = Array.from({ length: 4 }, () => `case-${randomUUID()}`);
    for (const s of streams) await sync(ctx.db, s, [{ key: 'k', kind: 'test', dueAt: clock.now() }], clock.now());
    let handled = 0;
    const stalling: DeadlineHandler = async (tx, deadline) => {
      await tx.query('INSERT INTO reminder_view (case_id, open, chases, version) VALUES ($1, true, 0, 0)', [deadline.streamId]);
      if (++handled === 4) clock.advance(31_000);
    };
    const report = await createDeadlineDispatcher({ db: ctx.db, clock, workerId: 'stalls', handler: stalling, leaseMs: 30_000, chunkSize: 10 }).runOnce();
    assert.deepEqual(report, { claimed: 4, fired: 0, stale: 4, failed: 0 });
    const kept = await ctx.db.query('SELECT case_id FROM reminder_view WHERE case_id = ANY($1::text[])', [streams]);
    assert.deepEqual(kept, [], 'the handlers\' writes were rolled back with the chunk');
    assert.ok((await Promise.all(streams.map((s) => listDeadlines(ctx.db, s)))).flat().every((d) => d.status === 'scheduled'));
  });

  it('a failing handler undoes only its own deadline; the others in the same transaction still fire', async () => {
    const clock = clockForTest();
    const streams = Array.from({ length: 3 }, () => `case-${randomUUID()}`);
    for (const s of streams) await sync(ctx.db, s, [{ key: 'k', kind: 'test', dueAt: clock.now() }], clock.now());
    const handler: DeadlineHandler = async (tx, deadline) => {
      await tx.query('INSERT INTO reminder_view (case_id, open, chases, version) VALUES ($1, true, 0, 0)', [deadline.streamId]);
      if (deadline.streamId === streams[1]) await tx.query('SELECT 1 / 0');
    };
    const report = await createDeadlineDispatcher({ db: ctx.db, clock, workerId: 'mixed', handler, chunkSize: 10 }).runOnce();
    assert.deepEqual(report, { claimed: 3, fired: 2, stale: 0, failed: 1 });
    const statuses = await Promise.all(streams.map(async (s) => (await listDeadlines(ctx.db, s))[0]!.status));
    assert.deepEqual(statuses, ['fired', 'scheduled', 'fired']);
    const kept = await ctx.db.query<{ case_id: string }>('SELECT case_id FROM reminder_view WHERE case_id = ANY($1::text[]) ORDER BY case_id', [streams]);
    assert.deepEqual(kept.map((r) => r.case_id), [streams[0], streams[2]].sort());
  });

  it('moving a deadline while a worker holds it invalidates the claim, so it fires at the new time only', async () => {
    const clock = clockForTest();
    const stream = `case-${randomUUID()}`;
    await sync(ctx.db, stream, [{ key: 'k', kind: 'test', dueAt: clock.now() }], clock.now());
    const [claim] = (await claimDueDeadlines(ctx.db, { workerId: 'w', now: clock.now(), leaseMs: 30_000, limit: 10 })).filter((c) => c.streamId === stream);
    const later = new Date(clock.now().getTime() + DAY);
    assert.deepEqual(await sync(ctx.db, stream, [{ key: 'k', kind: 'test', dueAt: later }], clock.now()), { added: [], moved: ['k'], cancelled: [] });
    await assert.rejects(fireClaimedDeadline(ctx.db, claim!, async () => undefined, clock), StaleClaim);
    const [row] = await listDeadlines(ctx.db, stream);
    assert.equal(row!.status, 'scheduled');
    assert.equal(row!.dueAt.toISOString(), later.toISOString());
  });

  it('re-arms a fired deadline that the domain wants again at a new time, and leaves it alone at the same time', async () => {
    const clock = clockForTest();
    const stream = `case-${randomUUID()}`;
    await sync(ctx.db, stream, [{ key: 'k', kind: 'test', dueAt: clock.now() }], clock.now());
    const dispatcher = createDeadlineDispatcher({ db: ctx.db, clock, workerId: 'w', handler: async () => undefined });
    await dispatcher.runOnce();
    assert.deepEqual(await sync(ctx.db, stream, [{ key: 'k', kind: 'test', dueAt: clock.now() }], clock.now()), { added: [], moved: [], cancelled: [] });
    assert.equal((await listDeadlines(ctx.db, stream))[0]!.status, 'fired');
    const next = new Date(clock.now().getTime() + HOUR);
    assert.deepEqual(await sync(ctx.db, stream, [{ key: 'k', kind: 'test', dueAt: next }], clock.now()), { added: ['k'], moved: [], cancelled: [] });
    assert.equal((await listDeadlines(ctx.db, stream))[0]!.status, 'scheduled');
  });
});

describeOnEngines('store: syncing several deadlines in one call', (ctx) => {
  it('adds several new deadlines and cancels several old ones in one sync, each cancelled one with a new fencing token', async () => {
    const streamId = `case-${randomUUID()}`;
    const now = new Date('2026-04-06T08:00:00.000Z');
    const want = (...keys: string[]) => keys.map((key, i) => ({ key, kind: 'chase', dueAt: `2026-04-1${i}T16:00:00.000Z`, data: { key } }));
    const first = await ctx.db.transaction((tx) => syncDeadlines(tx, streamId, want('a', 'b', 'c'), now));
    assert.deepEqual(first, { added: ['a', 'b', 'c'], moved: [], cancelled: [] });
    const tokens = new Map((await listDeadlines(ctx.db, streamId)).map((d) => [d.key, d.fencingToken]));
    const second = await ctx.db.transaction((tx) => syncDeadlines(tx, streamId, want('a', 'd', 'e'), now));
    assert.deepEqual(second, { added: ['d', 'e'], moved: [], cancelled: ['b', 'c'] });
    const rows = await listDeadlines(ctx.db, streamId);
    assert.deepEqual(rows.map((d) => [d.key, d.status, d.dueAt.toISOString(), d.data]).sort(), [
      ['a', 'scheduled', '2026-04-10T16:00:00.000Z', { key: 'a' }],
      ['b', 'cancelled', '2026-04-11T16:00:00.000Z', { key: 'b' }],
      ['c', 'cancelled', '2026-04-12T16:00:00.000Z', { key: 'c' }],
      ['d', 'scheduled', '2026-04-11T16:00:00.000Z', { key: 'd' }],
      ['e', 'scheduled', '2026-04-12T16:00:00.000Z', { key: 'e' }],
    ]);
    for (const d of rows.filter((r) => r.status === 'cancelled')) assert.ok(d.fencingToken > tokens.get(d.key)!, `${d.key} took a new token`);
    assert.equal(rows.find((d) => d.key === 'a')!.fencingToken, tokens.get('a'), 'an unchanged deadline keeps its token');
  });
});

/** `count` deadlines due at `dueAt`, one per stream `${prefix}-1` .. `${prefix}-<count>`. */
async function seedDue(db: Db, prefix: string, count: number, dueAt: Date): Promise<void> {
  await db.query(
    `INSERT INTO deadlines (stream_id, key, kind, due_at, created_at, updated_at)
     SELECT $1 || '-' || n, 'respond', 'response-due', $3, $3, $3 FROM generate_series(1, $2::int) AS n`,
    [prefix, count, dueAt.toISOString()],
  );
}

/** The same database, counting the statements sent outside and inside transactions, and the transactions. */
function counting(db: Db): { db: Db; counts: { outside: number; inside: number; transactions: number } } {
  const counts = { outside: 0, inside: 0, transactions: 0 };
  const wrapped: Db = {
    ...db,
    query: (sql, params) => {
      counts.outside += 1;
      return db.query(sql, params);
    },
    transaction: (fn) =>
      db.transaction((tx) => {
        counts.transactions += 1;
        return fn({ ...tx, query: (sql, params) => ((counts.inside += 1), tx.query(sql, params)) });
      }),
  };
  return { db: wrapped, counts };
}

const LOG_DDL = 'CREATE TABLE IF NOT EXISTS dispatch_log (deadline_id bigint NOT NULL, stream_id text NOT NULL, worker text NOT NULL)';
const logFiring: DeadlineHandler = async (tx, deadline, { workerId }) => {
  await tx.query('INSERT INTO dispatch_log (deadline_id, stream_id, worker) VALUES ($1, $2, $3)', [deadline.id, deadline.streamId, workerId]);
};
const logged = async (db: Db, prefix: string) =>
  (await db.query<{ stream_id: string }>('SELECT stream_id FROM dispatch_log WHERE starts_with(stream_id, $1) ORDER BY stream_id', [`${prefix}-`])).map((r) => r.stream_id);

describeOnEngines('store: the dispatcher fires a claimed batch in one transaction', (ctx) => {
  const start = new Date('2026-01-05T09:00:00.000Z');
  let era = 0;
  const clockForTest = () => new TestClock(new Date(start.getTime() - era++ * 5 * 365 * DAY));

  before(async () => {
    await ctx.db.exec(LOG_DDL);
  });

  it('one transaction per batch, and a fixed number of the dispatcher\'s own statements whatever the batch size: one claim, one to lock every stream, one to mark all fired', async () => {
    for (const size of [3, 60]) {
      const clock = clockForTest();
      const prefix = `batch-${randomUUID()}`;
      await seedDue(ctx.db, prefix, size, clock.now());
      const { db, counts } = counting(ctx.db);
      const dispatcher = createDeadlineDispatcher({ db, clock, workerId: 'w-batch', handler: async () => undefined, batchSize: 100 });
      assert.deepEqual(await dispatcher.runOnce(), { claimed: size, fired: size, stale: 0, failed: 0 });
      assert.deepEqual(counts, { outside: 1, inside: 2, transactions: 1 }, `${size} due`);
      const rows = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deadlines WHERE starts_with(stream_id, $1) AND status = 'fired'`, [`${prefix}-`]);
      assert.equal(rows[0]!.n, size);
    }
  });

  it('a failing handler in a batch: the deadlines before it fire again in a transaction of their own and those after it in the next, so no handler runs more than twice', async () => {
    const clock = clockForTest();
    const prefix = `poison-${randomUUID()}`;
    await seedDue(ctx.db, prefix, 5, clock.now());
    const calls: string[] = [];
    const handler: DeadlineHandler = async (tx, deadline, fire) => {
      calls.push(deadline.streamId);
      await logFiring(tx, deadline, fire);
      if (deadline.streamId === `${prefix}-3`) throw new Error('the domain failed on this one');
    };
    const { db, counts } = counting(ctx.db);
    const report = await createDeadlineDispatcher({ db, clock, workerId: 'w-poison', handler, retryBaseMs: 60_000 }).runOnce();
    assert.deepEqual(report, { claimed: 5, fired: 4, stale: 0, failed: 1 });
    const before = calls.slice(0, calls.indexOf(`${prefix}-3`));
    const runs = (stream: string) => calls.filter((c) => c === stream).length;
    for (let n = 1; n <= 5; n++) {
      const stream = `${prefix}-${n}`;
      assert.equal(runs(stream), before.includes(stream) ? 2 : 1, `${stream} ran ${runs(stream)} times`);
    }
    assert.equal(counts.transactions, before.length > 0 ? 3 : 2, 'the failed transaction, then the ones before and after it');
    assert.deepEqual(await logged(ctx.db, prefix), [1, 2, 4, 5].map((n) => `${prefix}-${n}`));
  });

  it('a batch whose handlers have used half of what is left of the lease commits what is done and fires the rest in a new transaction', async () => {
    const clock = clockForTest();
    const prefix = `slow-${randomUUID()}`;
    const t0 = clock.now().getTime();
    await seedDue(ctx.db, prefix, 6, clock.now());
    const slow: DeadlineHandler = async (tx, deadline, fire) => {
      await logFiring(tx, deadline, fire);
      clock.advance(4_000);
    };
    const { db, counts } = counting(ctx.db);
    const dispatcher = createDeadlineDispatcher({ db, clock, workerId: 'w-slow', handler: slow, leaseMs: 30_000 });
    // Lease to t+30 s: the first transaction winds up at t+15 s (after 4 handlers, at t+16 s), the second
    // fires the other 2 with 14 s left, each within its lease.
    assert.deepEqual(await dispatcher.runOnce(), { claimed: 6, fired: 6, stale: 0, failed: 0 });
    assert.equal(counts.transactions, 2);
    assert.equal((await logged(ctx.db, prefix)).length, 6, 'each handler ran once');
    const fired = await ctx.db.query<{ fired_at: Date }>(`SELECT fired_at FROM deadlines WHERE starts_with(stream_id, $1) AND status = 'fired' ORDER BY fired_at`, [`${prefix}-`]);
    assert.deepEqual(fired.map((r) => (new Date(r.fired_at).getTime() - t0) / 1000), [0, 0, 0, 0, 16, 16]);
  });
});

describe('store: the dispatcher claims the next batch while one fires [postgres]', function () {
  this.timeout(60_000);
  let opened: Awaited<ReturnType<typeof openTestDatabase>>;
  let db: Db;
  before(async () => {
    opened = await openTestDatabase('postgres');
    db = opened.db;
    await db.exec(LOG_DDL);
  });
  after(async () => {
    await opened.dispose();
  });
  const claimedBy = async (worker: string, prefix: string) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deadlines WHERE starts_with(stream_id, $1) AND claimed_by = $2 AND status = 'scheduled'`, [`${prefix}-`, worker]))[0]!.n;

  it('the next batch is claimed before the current one has committed: with a handler held mid-batch, both batches are claimed and none is fired yet', async () => {
    const clock = new TestClock('2026-03-02T09:00:00.000Z');
    const prefix = `ahead-${randomUUID()}`;
    await seedDue(db, prefix, 6, clock.now());
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const tokens = new Map<number, number>();
    const handler: DeadlineHandler = async (tx, deadline, fire) => {
      tokens.set(deadline.id, deadline.fencingToken);
      entered();
      await gate;
      await logFiring(tx, deadline, fire);
    };
    const { db: counted, counts } = counting(db);
    const dispatcher = createDeadlineDispatcher({ db: counted, clock, workerId: 'w-ahead', handler, batchSize: 3 });
    const first = dispatcher.runOnce();
    await inHandler;
    const until = Date.now() + 10_000;
    while ((await claimedBy('w-ahead', prefix)) < 6 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(await claimedBy('w-ahead', prefix), 6, 'the batch firing (not committed) and the batch claimed ahead');
    assert.equal(counts.outside, 2, 'two claims');
    assert.deepEqual(await logged(db, prefix), [], 'nothing committed while the handler is held');
    release();
    assert.deepEqual(await first, { claimed: 3, fired: 3, stale: 0, failed: 0 });
    const aheadRows = await db.query<{ id: number; fencing_token: number }>(
      `SELECT id, fencing_token FROM deadlines WHERE starts_with(stream_id, $1) AND status = 'scheduled' AND claimed_by = 'w-ahead'`, [`${prefix}-`]);
    assert.equal(aheadRows.length, 3);
    assert.deepEqual(await dispatcher.runOnce(), { claimed: 3, fired: 3, stale: 0, failed: 0 });
    for (const row of aheadRows) assert.equal(tokens.get(row.id), row.fencing_token, 'the second batch fired on the claim made ahead');
    assert.deepEqual(await dispatcher.runOnce(), { claimed: 0, fired: 0, stale: 0, failed: 0 });
    assert.equal((await logged(db, prefix)).length, 6);
  });

  it('a batch claimed ahead whose lease ran out before it fired is reported stale and not fired; claimed again, it fires once', async () => {
    const clock = new TestClock('2026-03-03T09:00:00.000Z');
    const prefix = `expired-${randomUUID()}`;
    await seedDue(db, prefix, 4, clock.now());
    const ran: string[] = [];
    const handler: DeadlineHandler = async (tx, deadline, fire) => {
      ran.push(deadline.streamId);
      await logFiring(tx, deadline, fire);
    };
    const dispatcher = createDeadlineDispatcher({ db, clock, workerId: 'w-expired', handler, batchSize: 2, leaseMs: 30_000 });
    assert.deepEqual(await dispatcher.runOnce(), { claimed: 2, fired: 2, stale: 0, failed: 0 });
    assert.equal(await claimedBy('w-expired', prefix), 2, 'the next batch is held');
    clock.advance(30_000); // the worker stalls: the batch held ahead outlives its lease
    assert.deepEqual(await dispatcher.runOnce(), { claimed: 2, fired: 0, stale: 2, failed: 0 });
    assert.equal(ran.length, 2, 'no handler ran for the expired claims');
    assert.deepEqual(await dispatcher.runOnce(), { claimed: 2, fired: 2, stale: 0, failed: 0 });
    assert.deepEqual([...ran].sort(), [1, 2, 3, 4].map((n) => `${prefix}-${n}`));
    assert.deepEqual(await logged(db, prefix), [1, 2, 3, 4].map((n) => `${prefix}-${n}`));
  });

  it('stop() lets go of the batch claimed ahead, so another worker fires it without waiting out the lease', async () => {
    const clock = new TestClock('2026-03-04T09:00:00.000Z');
    const prefix = `letgo-${randomUUID()}`;
    await seedDue(db, prefix, 4, clock.now());
    const first = createDeadlineDispatcher({ db, clock, workerId: 'w-first', handler: logFiring, batchSize: 2 });
    assert.equal((await first.runOnce()).fired, 2);
    assert.equal(await claimedBy('w-first', prefix), 2);
    await first.stop();
    assert.equal(await claimedBy('w-first', prefix), 0);
    const second = createDeadlineDispatcher({ db, clock, workerId: 'w-second', handler: logFiring, batchSize: 2 });
    assert.deepEqual(await second.runOnce(), { claimed: 2, fired: 2, stale: 0, failed: 0 });
    assert.equal((await logged(db, prefix)).length, 4);
  });

  it('exactly once with two dispatchers claiming ahead, each with its own pool and 3 batches in flight: every deadline fires once, and none is left claimed', async () => {
    const prefix = `two-${randomUUID()}`;
    const count = 1_500;
    await seedDue(db, prefix, count, new Date(Date.now() - 1_000));
    const other = await openDatabase(opened.options);
    try {
      const jittery: DeadlineHandler = async (tx, deadline, fire) => {
        await logFiring(tx, deadline, fire);
        if (deadline.id % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      };
      const make = (workerId: string, on: Db) => createDeadlineDispatcher({ db: on, clock: systemClock, workerId, handler: jittery, batchSize: 25, concurrency: 3, idleMs: 20 });
      const dispatchers = [make('instance-a', db), make('instance-b', other)];
      const running = dispatchers.map((d) => d.start());
      const until = Date.now() + 40_000;
      while ((await logged(db, prefix)).length < count && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
      await Promise.all(dispatchers.map((d) => d.stop()));
      await Promise.all(running);
      const rows = await db.query<{ firings: number; deadlines: number; fired: number; held: number }>(
        `SELECT (SELECT count(*)::int FROM dispatch_log WHERE starts_with(stream_id, $1)) AS firings,
                (SELECT count(DISTINCT deadline_id)::int FROM dispatch_log WHERE starts_with(stream_id, $1)) AS deadlines,
                (SELECT count(*)::int FROM deadlines WHERE starts_with(stream_id, $1) AND status = 'fired') AS fired,
                (SELECT count(*)::int FROM deadlines WHERE starts_with(stream_id, $1) AND claimed_by IS NOT NULL) AS held`,
        [`${prefix}-`],
      );
      assert.deepEqual(rows[0], { firings: count, deadlines: count, fired: count, held: 0 });
      const totals = dispatchers.map((d) => d.totals);
      assert.equal(totals[0]!.fired + totals[1]!.fired, count);
      assert.ok(totals.every((t) => t.fired > 0), `both took a share: ${totals.map((t) => t.fired).join(', ')}`);
      assert.equal(totals[0]!.failed + totals[1]!.failed, 0);
    } finally {
      await other.close();
    }
  });
});
