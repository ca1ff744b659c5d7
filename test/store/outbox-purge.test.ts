/**
 * Issue 11: delivered outbox effects older than the retention are deleted in bounded batches (the
 * events keep the record); pending, claimed, ambiguous and failed ones never are. The delivery
 * worker runs the purge beside its deliverer, and keeps a review's calendar create, whose receipt
 * a later cancellation reads the meeting's event id from.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { EFFECT_KINDS } from '../../app/delivery/messages.js';
import { createDeliveryWorker, DEFAULT_OUTBOX_RETENTION_DAYS, type DeliveryWorker, type OutboxPurgeOptions } from '../../app/delivery/worker.js';
import { createLogger } from '../../app/log.js';
import { reviewCalendarEvents } from '../../app/reviews/calendar-delivery.js';
import { REVIEW_TOPIC } from '../../app/reviews/model.js';
import { TestClock } from '../../store/clock.js';
import { IN_MEMORY, openDatabase, type Db } from '../../store/db.js';
import { findEffect, purgeDeliveredEffects, type OutboxStatus } from '../../store/outbox.js';
import { describeOnEngines } from './engines.js';

const DAY = 86_400_000;
const silent = createLogger({ level: 'silent' });
const notCalled = (what: string) => () => {
  throw new Error(`${what} is not used by the purge`);
};

/** A delivery worker with nothing to deliver to: only its purge (and PGlite's housekeeping) runs. */
function purgingWorker(db: Db, clock: TestClock, purge: OutboxPurgeOptions = {}): DeliveryWorker {
  return createDeliveryWorker({
    db, clock, workerId: `purge-${randomUUID().slice(0, 8)}`, composers: {}, recorders: [],
    teams: { send: notCalled('Teams'), sendToChat: notCalled('Teams') },
    installer: { ensurePersonalChat: notCalled('the installer') },
    mail: { send: notCalled('mail') },
    emailOf: async () => undefined,
    logger: silent,
    idleMs: 20,
    purge,
  });
}

describeOnEngines('store: the purge of delivered outbox effects past their retention', (ctx) => {
  const start = new Date('2026-03-02T09:00:00.000Z');
  // Each test lives in an earlier stretch of time than the last, so its purge never reaches the rows of the tests before it.
  let era = 0;
  const clockForTest = () => new TestClock(new Date(start.getTime() - era++ * 3 * 365 * DAY));

  /** One effect of this test's own, as it stands `ageDays` before the clock. */
  async function effect(clock: TestClock, tag: string, ageDays: number, status: OutboxStatus, kind: string = EFFECT_KINDS.teamsCard, extra: { receipt?: string; payload?: unknown } = {}): Promise<string> {
    const key = `${tag}/${randomUUID()}`;
    const at = new Date(clock.now().getTime() - ageDays * DAY).toISOString();
    await ctx.db.query(
      `INSERT INTO outbox (idempotency_key, stream_id, destination, kind, payload, status, attempts, next_attempt_at, claimed_by, lease_until, receipt, created_at, updated_at, delivered_at)
       VALUES ($1, 'stream-purge', $2, $3, $4::jsonb, $5, 1, $6, $7, $8, $9, $6, $6, $10)`,
      [key, `teams:${key}`, kind, JSON.stringify(extra.payload ?? {}), status, at,
        status === 'delivering' ? 'gone-worker' : null, status === 'delivering' ? at : null, extra.receipt ?? null, status === 'delivered' ? at : null],
    );
    return key;
  }
  const present = async (keys: readonly string[]) => (await Promise.all(keys.map(async (k) => ((await findEffect(ctx.db, k)) !== undefined ? [k] : [])))).flat();

  const worker = (clock: TestClock, purge: OutboxPurgeOptions = {}) => purgingWorker(ctx.db, clock, purge);

  it('deletes only delivered effects delivered longer ago than the retention; pending, claimed, ambiguous and failed ones stay however old', async () => {
    const clock = clockForTest();
    const old = await effect(clock, 'old', 31, 'delivered');
    const older = await effect(clock, 'older', 400, 'delivered', EFFECT_KINDS.email);
    const young = await effect(clock, 'young', 29, 'delivered');
    const edge = await effect(clock, 'edge', 30, 'delivered');
    const waiting = await Promise.all((['pending', 'delivering', 'ambiguous', 'failed'] as const).map((s) => effect(clock, s, 400, s)));
    const deleted = await purgeDeliveredEffects(ctx.db, { deliveredBefore: new Date(clock.now().getTime() - 30 * DAY), limit: 100 });
    assert.equal(deleted, 2);
    assert.deepEqual(await present([old, older]), []);
    assert.deepEqual(await present([young, edge, ...waiting]), [young, edge, ...waiting], 'delivered exactly at the retention, or since, is kept');
    assert.equal(await purgeDeliveredEffects(ctx.db, { deliveredBefore: new Date(clock.now().getTime() - 30 * DAY), limit: 100 }), 0, 'a second purge finds nothing');
  });

  it('deletes in batches of at most the limit, the longest delivered first, and keeps the kinds it is told to keep', async () => {
    const clock = clockForTest();
    const keys = [];
    for (let i = 0; i < 25; i++) keys.push(await effect(clock, `batch-${String(i).padStart(2, '0')}`, 60 + i, 'delivered'));
    const kept = await effect(clock, 'kept', 90, 'delivered', EFFECT_KINDS.calendarCreate);
    const options = { deliveredBefore: new Date(clock.now().getTime() - 30 * DAY), limit: 10, keepKinds: [EFFECT_KINDS.calendarCreate] };
    assert.equal(await purgeDeliveredEffects(ctx.db, options), 10);
    assert.deepEqual(await present(keys), keys.slice(0, 15), 'the ten delivered longest ago went first');
    assert.equal(await purgeDeliveredEffects(ctx.db, options), 10);
    assert.equal(await purgeDeliveredEffects(ctx.db, options), 5);
    assert.equal(await purgeDeliveredEffects(ctx.db, options), 0);
    assert.deepEqual(await present([kept]), [kept]);
    assert.equal(await purgeDeliveredEffects(ctx.db, { ...options, keepKinds: [] }), 1, 'without the kind kept, it goes too');
  });

  it('the delivery worker purges by its clock and retention, and keeps a review calendar create, whose receipt still names the meeting to cancel', async () => {
    const clock = clockForTest();
    assert.equal(DEFAULT_OUTBOX_RETENTION_DAYS, 30);
    const stream = `review-series:looked-after:LCS-${randomUUID().slice(0, 8)}`;
    const booking = `booking-${randomUUID()}`;
    await ctx.db.query(
      `INSERT INTO outbox (idempotency_key, stream_id, destination, kind, payload, status, attempts, next_attempt_at, receipt, created_at, updated_at, delivered_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, 'delivered', 1, $6, $7, $6, $6, $6)`,
      [booking, stream, `calendar:${stream}`, EFFECT_KINDS.calendarCreate, JSON.stringify({ topic: REVIEW_TOPIC, stream, booking }),
        new Date(clock.now().getTime() - 200 * DAY).toISOString(), JSON.stringify({ channel: 'calendar', eventId: 'graph-event-17' })],
    );
    const card = await effect(clock, 'card', 8, 'delivered');
    const fresh = await effect(clock, 'fresh', 6, 'delivered');
    const w = worker(clock, { retentionDays: 7 });
    assert.equal(await w.purgeOnce(), 1);
    assert.deepEqual(await present([card, fresh, booking]), [fresh, booking]);
    // The booking was cancelled long after it was made: the series holds no booking any more, so
    // the cancellation's meeting is the one its create's receipt names.
    const cancel = await findEffect(ctx.db, booking);
    const eventId = await reviewCalendarEvents(ctx.db)(stream, { ...cancel!, kind: EFFECT_KINDS.calendarCancel, payload: { topic: REVIEW_TOPIC, stream, booking } });
    assert.equal(eventId, 'graph-event-17');
  });

  it('started, the delivery worker purges in batches beside its deliverer until nothing is left, and stops with it', async () => {
    const clock = clockForTest();
    const keys = [];
    for (let i = 0; i < 12; i++) keys.push(await effect(clock, `loop-${i}`, 45, 'delivered'));
    const young = await effect(clock, 'loop-young', 10, 'delivered');
    const w = worker(clock, { batchSize: 5, pauseMs: 5, everyMs: 60_000 });
    const running = w.start();
    const deadline = Date.now() + 10_000;
    while ((await present(keys)).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await w.stop();
    await running;
    assert.deepEqual(await present(keys), [], 'every batch went, five at a time');
    assert.deepEqual(await present([young]), [young]);
  });

  it('PGlite, which has no autovacuum, is vacuumed and analysed by the worker a table at a time, its append-only event store only analysed; a server is left to its autovacuum', async () => {
    const clock = clockForTest();
    const state = async (table: string) => (await ctx.db.query<{ vacuumed: boolean; analysed: boolean }>(
      'SELECT last_vacuum IS NOT NULL AS vacuumed, last_analyze IS NOT NULL AS analysed FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = $1', [table],
    ))[0];
    await ctx.db.exec('CREATE TABLE tidy_churned (id int); INSERT INTO tidy_churned SELECT generate_series(1, 2000); DELETE FROM tidy_churned');
    const tidied = await worker(clock, { everyMs: 60 * 60_000 }).tidyOnce();
    if (ctx.db.kind === 'pglite') {
      assert.ok(['tidy_churned', 'outbox', 'deadlines', 'events'].every((t) => tidied.includes(t)), tidied.join(', '));
      assert.deepEqual(await state('tidy_churned'), { vacuumed: true, analysed: true });
      assert.deepEqual(await state('outbox'), { vacuumed: true, analysed: true });
      assert.deepEqual(await state('events'), { vacuumed: false, analysed: true }, 'append-only: analysed, never scanned whole by a vacuum');
    } else {
      assert.deepEqual(tidied, []);
    }
    await ctx.db.exec('DROP TABLE tidy_churned');
  });

  it('a retention that is not a whole number of days, 1 or more, is refused when the worker is made', () => {
    const clock = clockForTest();
    for (const retentionDays of [0, -1, 1.5, Number.NaN]) assert.throws(() => worker(clock, { retentionDays }), /whole number of days, 1 or more/);
  });
});

/** PGlite's housekeeping by the running worker: PGlite only, as a server has its autovacuum (the test above shows the worker leaves a server alone). */
describe('store: the delivery worker tidies PGlite, which has no autovacuum', () => {
  let db: Db;
  before(async () => {
    db = await openDatabase({ kind: 'pglite', dataDir: IN_MEMORY });
  });
  after(async () => {
    await db.close();
  });
  const tidyingWorker = (on: Db, clock: TestClock, everyMs: number) => purgingWorker(on, clock, { everyMs });

  it('the running worker tidies PGlite after a caught-up purge, but not at start-up, when people start clicking', async () => {
    const clock = new TestClock(new Date('2026-03-02T09:00:00.000Z'));
    const churn = async () => db.exec('CREATE TABLE IF NOT EXISTS tidy_loop (id int); INSERT INTO tidy_loop SELECT generate_series(1, 2000); DELETE FROM tidy_loop');
    const vacuumed = async () => (await db.query<{ vacuumed: boolean }>(`SELECT last_vacuum IS NOT NULL AS vacuumed FROM pg_stat_user_tables WHERE relname = 'tidy_loop'`))[0]?.vacuumed;
    await churn();
    // An hour between passes: the one pass made is the first, at start-up.
    const slow = tidyingWorker(db, clock, 60 * 60_000);
    const first = slow.start();
    await new Promise((r) => setTimeout(r, 300));
    await slow.stop();
    await first;
    assert.equal(await vacuumed(), false, 'not at start-up');
    // Passes 20 ms apart: the second caught-up pass tidies.
    const quick = tidyingWorker(db, clock, 20);
    const running = quick.start();
    const deadline = Date.now() + 10_000;
    while ((await vacuumed()) !== true && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await quick.stop();
    await running;
    assert.equal(await vacuumed(), true, 'after a later caught-up purge');
    await db.exec('DROP TABLE tidy_loop');
  });
});
