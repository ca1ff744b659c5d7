import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TestClock } from '../../store/clock.js';
import { handleCommand, withConcurrencyRetry } from '../../store/command.js';
import { listDeadlines } from '../../store/deadlines.js';
import { ConcurrencyConflict, readStream } from '../../store/events.js';
import { listEffects } from '../../store/outbox.js';
import { describeOnEngines } from './engines.js';
import { REMINDER_VIEW_DDL, reminderModel, type ReminderEvent } from './fixtures/reminder-model.js';

const actor = 'user-priya-okonjo';

describe('store: retrying a conflicted command', () => {
  it('runs the whole cycle again after a ConcurrencyConflict, up to the limit', async () => {
    const seen: number[] = [];
    const { value, attempts } = await withConcurrencyRetry(async (n) => {
      seen.push(n);
      if (n < 3) throw new ConcurrencyConflict('case-x', 1, 2);
      return 'done';
    }, 5);
    assert.equal(value, 'done');
    assert.equal(attempts, 3);
    assert.deepEqual(seen, [1, 2, 3]);
  });

  it('gives up with the conflict after the last attempt, and never retries other errors', async () => {
    let calls = 0;
    await assert.rejects(
      withConcurrencyRetry(async () => {
        calls += 1;
        throw new ConcurrencyConflict('case-x', 1, 2);
      }, 2),
      ConcurrencyConflict,
    );
    assert.equal(calls, 2);
    calls = 0;
    await assert.rejects(
      withConcurrencyRetry(async () => {
        calls += 1;
        throw new Error('a bug, not a race');
      }, 5),
      /a bug/,
    );
    assert.equal(calls, 1);
  });
});

describeOnEngines('store: a command in one transaction', (ctx) => {
  const clock = new TestClock('2026-04-06T08:00:00.000Z');
  before(async () => {
    await ctx.db.exec(REMINDER_VIEW_DDL);
  });

  it('writes the events, the read model and the deadlines the new state implies, together', async () => {
    const caseId = `case-${randomUUID()}`;
    const outcome = await handleCommand(ctx.db, reminderModel(caseId), caseId, { type: 'open', actor, dueAt: '2026-04-13T16:00:00.000Z' }, { clock });
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.deadlines, { added: ['chase-1'], moved: [], cancelled: [] });
    const { records } = await readStream<ReminderEvent>(ctx.db, caseId);
    assert.deepEqual(records.map((r) => r.event.type), ['opened']);
    assert.deepEqual(await ctx.db.query('SELECT open, chases, version FROM reminder_view WHERE case_id = $1', [caseId]), [{ open: true, chases: 0, version: 1 }]);
    const deadlines = await listDeadlines(ctx.db, caseId);
    assert.deepEqual(deadlines.map((d) => [d.key, d.status, d.dueAt.toISOString()]), [['chase-1', 'scheduled', '2026-04-13T16:00:00.000Z']]);
  });

  it('moves a deadline when the due time changes and cancels it when the case closes', async () => {
    const caseId = `case-${randomUUID()}`;
    const model = reminderModel(caseId);
    await handleCommand(ctx.db, model, caseId, { type: 'open', actor, dueAt: '2026-04-13T16:00:00.000Z' }, { clock });
    const moved = await handleCommand(ctx.db, model, caseId, { type: 'reschedule', actor, dueAt: '2026-04-20T16:00:00.000Z' }, { clock });
    assert.ok(moved.ok);
    assert.deepEqual(moved.deadlines, { added: [], moved: ['chase-1'], cancelled: [] });
    const closed = await handleCommand(ctx.db, model, caseId, { type: 'close', actor }, { clock });
    assert.ok(closed.ok);
    assert.deepEqual(closed.deadlines, { added: [], moved: [], cancelled: ['chase-1'] });
    assert.deepEqual((await listDeadlines(ctx.db, caseId)).map((d) => [d.status, d.dueAt.toISOString()]), [['cancelled', '2026-04-20T16:00:00.000Z']]);
  });

  it('writes nothing at all when the domain refuses the command', async () => {
    const caseId = `case-${randomUUID()}`;
    const outcome = await handleCommand(ctx.db, reminderModel(caseId), caseId, { type: 'close', actor }, { clock });
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok && outcome.refusal.code === 'not-open');
    assert.equal((await readStream(ctx.db, caseId)).version, 0);
    assert.deepEqual(await listDeadlines(ctx.db, caseId), []);
    assert.deepEqual(await ctx.db.query('SELECT * FROM reminder_view WHERE case_id = $1', [caseId]), []);
  });

  it('rolls back the events, read model and deadlines together when a later write fails', async () => {
    const caseId = `case-${randomUUID()}`;
    const model = reminderModel(caseId);
    const broken = { ...model, effectsOf: () => [{ idempotencyKey: ' ', destination: 'conversation-x', kind: 'chaser', payload: {} }] };
    await assert.rejects(handleCommand(ctx.db, broken, caseId, { type: 'open', actor, dueAt: '2026-04-13T16:00:00.000Z' }, { clock }), /empty idempotency key/);
    assert.equal((await readStream(ctx.db, caseId)).version, 0);
    assert.deepEqual(await listDeadlines(ctx.db, caseId), []);
    assert.deepEqual(await ctx.db.query('SELECT * FROM reminder_view WHERE case_id = $1', [caseId]), []);
  });

  it('lets concurrent writers to one case all land, each at its own version, deciding on the state it appends after (a stale read is decided again)', async () => {
    const caseId = `case-${randomUUID()}`;
    const model = reminderModel(caseId);
    await handleCommand(ctx.db, model, caseId, { type: 'open', actor, dueAt: '2026-04-13T16:00:00.000Z' }, { clock });
    const dueTimes = Array.from({ length: 8 }, (_, i) => `2026-05-0${i + 1}T16:00:00.000Z`);
    const outcomes = await Promise.all(dueTimes.map((dueAt) => handleCommand(ctx.db, model, caseId, { type: 'reschedule', actor, dueAt }, { clock, maxAttempts: 20 })));
    assert.ok(outcomes.every((o) => o.ok));
    // The read takes no lock: a writer that read before another landed is refused by the
    // version check under the stream's lock and decides again on a fresh read.
    assert.ok(outcomes.every((o) => o.attempts >= 1 && o.attempts <= 20));
    const { version, records } = await readStream<ReminderEvent>(ctx.db, caseId);
    assert.equal(version, 9);
    assert.deepEqual(records.map((r) => r.version), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const last = records.at(-1)!.event;
    assert.ok(last.type === 'rescheduled');
    const [deadline] = await listDeadlines(ctx.db, caseId);
    assert.equal(deadline!.dueAt.toISOString(), last.dueAt, 'the deadline follows the last write, not a stale one');
  });

  it('queues each outbound effect once, even when the same effect is derived again', async () => {
    const caseId = `case-${randomUUID()}`;
    const model = reminderModel(caseId);
    const twice = { ...model, effectsOf: () => [{ idempotencyKey: `${caseId}:welcome`, destination: `conversation-${caseId}`, kind: 'card', payload: { caseId } }] };
    await handleCommand(ctx.db, twice, caseId, { type: 'open', actor, dueAt: '2026-04-13T16:00:00.000Z' }, { clock });
    await handleCommand(ctx.db, twice, caseId, { type: 'reschedule', actor, dueAt: '2026-04-14T16:00:00.000Z' }, { clock });
    const effects = await listEffects(ctx.db, { streamId: caseId });
    assert.deepEqual(effects.map((e) => [e.idempotencyKey, e.status]), [[`${caseId}:welcome`, 'pending']]);
  });
});
