import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TestClock } from '../../store/clock.js';
import { createOutboxDeliverer, enqueueEffects, findEffect, type DeliveryResult, type OutboxDeliverer, type OutboxRecord, type Transport } from '../../store/outbox.js';
import { Pacer } from '../../store/pacer.js';
import { describeOnEngines } from './engines.js';

const DAY = 86_400_000;

/** A transport that answers from a script and remembers every call. */
function scripted(...answers: (DeliveryResult | Error)[]): Transport & { calls: OutboxRecord[] } {
  const calls: OutboxRecord[] = [];
  const transport = async (effect: OutboxRecord): Promise<DeliveryResult> => {
    calls.push(effect);
    const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return Object.assign(transport, { calls });
}

describeOnEngines('store: outbox delivery', (ctx) => {
  const start = new Date('2026-02-02T09:00:00.000Z');
  // Each test lives in an earlier stretch of time than the last, so rows left by earlier tests are never due.
  let era = 0;
  const clockForTest = () => new TestClock(new Date(start.getTime() - era++ * 365 * DAY));

  function deliverer(clock: TestClock, transport: Transport, extra: Partial<Parameters<typeof createOutboxDeliverer>[0]> = {}): OutboxDeliverer {
    return createOutboxDeliverer({ db: ctx.db, clock, workerId: 'deliverer-1', transport, random: () => 0.5, backoff: { baseMs: 1_000, capMs: 60_000 }, ...extra });
  }

  async function queue(clock: TestClock, n = 1, destination = `conversation-${randomUUID()}`, tenant = 'tenant-northmoor'): Promise<string[]> {
    const keys = Array.from({ length: n }, () => `effect-${randomUUID()}`);
    await enqueueEffects(ctx.db, keys.map((idempotencyKey) => ({ idempotencyKey, destination, tenant, kind: 'card', payload: { reference: 'ESC-2026-0042' } })), { now: clock.now() });
    return keys;
  }

  it('delivers an effect and never sends a confirmed one again, even when it is queued again', async () => {
    const clock = clockForTest();
    const [key] = await queue(clock);
    const transport = scripted({ outcome: 'delivered', receipt: 'activity-17' });
    const d = deliverer(clock, transport);
    assert.equal((await d.runOnce()).delivered, 1);
    await enqueueEffects(ctx.db, [{ idempotencyKey: key!, destination: 'conversation-other', kind: 'card', payload: {} }], { now: clock.now() });
    clock.advance(DAY);
    assert.equal((await d.runOnce()).claimed, 0);
    assert.equal(transport.calls.length, 1);
    assert.equal(transport.calls[0]!.idempotencyKey, key, 'the transport is given the idempotency key');
    const record = await findEffect(ctx.db, key!);
    assert.equal(record!.status, 'delivered');
    assert.equal(record!.receipt, 'activity-17');
    assert.equal(record!.deliveredAt!.toISOString(), new Date(clock.now().getTime() - DAY).toISOString());
  });

  it('retries a throttled delivery no sooner than the Retry-After it was given', async () => {
    const clock = clockForTest();
    const [key] = await queue(clock);
    const transport = scripted({ outcome: 'retry', error: 'HTTP 429', retryAfterMs: 120_000 }, { outcome: 'delivered' });
    const d = deliverer(clock, transport);
    assert.equal((await d.runOnce()).retried, 1);
    const waiting = await findEffect(ctx.db, key!);
    assert.equal(waiting!.status, 'pending');
    assert.equal(waiting!.nextAttemptAt.getTime() - clock.now().getTime(), 120_000);
    clock.advance(119_999);
    assert.equal((await d.runOnce()).claimed, 0);
    clock.advance(1);
    assert.equal((await d.runOnce()).delivered, 1);
    assert.equal(transport.calls.length, 2);
  });

  it('backs off exponentially with jitter between failed attempts', async () => {
    const clock = clockForTest();
    const [key] = await queue(clock);
    const d = deliverer(clock, scripted({ outcome: 'retry', error: 'HTTP 503' }));
    const gaps: number[] = [];
    for (let i = 0; i < 4; i++) {
      await d.runOnce();
      const record = await findEffect(ctx.db, key!);
      gaps.push(record!.nextAttemptAt.getTime() - clock.now().getTime());
      clock.set(record!.nextAttemptAt);
    }
    assert.deepEqual(gaps, [500, 1_000, 2_000, 4_000]);
  });

  it('records a delivery that may or may not have happened as ambiguous, then tries again', async () => {
    const clock = clockForTest();
    const [key] = await queue(clock);
    const transport = scripted({ outcome: 'ambiguous', error: 'timed out after sending' }, { outcome: 'delivered' });
    const d = deliverer(clock, transport);
    assert.equal((await d.runOnce()).ambiguous, 1);
    const record = await findEffect(ctx.db, key!);
    assert.equal(record!.status, 'ambiguous');
    assert.equal(record!.ambiguousAttempts, 1);
    assert.match(record!.lastError!, /timed out after sending/);
    clock.advance(60_000);
    assert.equal((await d.runOnce()).delivered, 1);
    const done = await findEffect(ctx.db, key!);
    assert.equal(done!.status, 'delivered');
    assert.equal(done!.ambiguousAttempts, 1, 'the record keeps that a duplicate is possible');
  });

  it('treats a transport that throws (connection reset) as ambiguous, honouring its Retry-After', async () => {
    const clock = clockForTest();
    const [key] = await queue(clock);
    const reset = Object.assign(new Error('ECONNRESET'), { retryAfterMs: 30_000 });
    await deliverer(clock, scripted(reset)).runOnce();
    const record = await findEffect(ctx.db, key!);
    assert.equal(record!.status, 'ambiguous');
    assert.equal(record!.nextAttemptAt.getTime() - clock.now().getTime(), 30_000);
  });

  it('marks as ambiguous a delivery whose worker vanished mid-send, and the late answer from that worker is ignored', async () => {
    const clock = clockForTest();
    const [key] = await queue(clock);
    const rescue = deliverer(clock, scripted({ outcome: 'delivered', receipt: 'from-rescuer' }), { workerId: 'rescuer', leaseMs: 60_000 });
    const hung: Transport = async () => {
      clock.advance(61_000);
      assert.equal((await rescue.runOnce()).delivered, 1, 'another worker takes the expired claim');
      return { outcome: 'delivered', receipt: 'from-hung' };
    };
    const report = await deliverer(clock, hung, { leaseMs: 60_000 }).runOnce();
    assert.equal(report.stale, 1);
    assert.equal(report.delivered, 0);
    const record = await findEffect(ctx.db, key!);
    assert.equal(record!.status, 'delivered');
    assert.equal(record!.receipt, 'from-rescuer');
    assert.equal(record!.ambiguousAttempts, 1);
    assert.equal(record!.attempts, 2);
  });

  it('gives up on a rejected delivery, and after the last allowed attempt', async () => {
    const clock = clockForTest();
    const [rejected] = await queue(clock);
    await deliverer(clock, scripted({ outcome: 'rejected', error: 'HTTP 403: the bot is not installed for this user' })).runOnce();
    assert.equal((await findEffect(ctx.db, rejected!))!.status, 'failed');

    const [tired] = await queue(clock);
    const d = deliverer(clock, scripted({ outcome: 'retry', error: 'HTTP 503' }), { maxAttempts: 3 });
    for (let i = 0; i < 3; i++) {
      await d.runOnce();
      clock.advance(60_000);
    }
    const record = await findEffect(ctx.db, tired!);
    assert.equal(record!.status, 'failed');
    assert.equal(record!.attempts, 3);
    assert.equal((await d.runOnce()).claimed, 0);
  });

  it('paces one Teams conversation at 7 messages a second, deferring the rest without counting an attempt', async () => {
    const clock = clockForTest();
    const keys = await queue(clock, 20);
    const transport = scripted({ outcome: 'delivered' });
    const d = deliverer(clock, transport, { pacer: new Pacer(), batchSize: 100 });
    assert.deepEqual(await d.runOnce(), { claimed: 20, delivered: 7, retried: 0, ambiguous: 0, failed: 0, deferred: 13, stale: 0 });
    clock.advance(1_000);
    assert.equal((await d.runOnce()).delivered, 7);
    clock.advance(1_000);
    assert.equal((await d.runOnce()).delivered, 6);
    const records = await Promise.all(keys.map((k) => findEffect(ctx.db, k)));
    assert.ok(records.every((r) => r!.status === 'delivered' && r!.attempts === 1));
    assert.equal(transport.calls.length, 20);
  });

  it('two deliverers working the same outbox at once send each effect exactly once when every send is confirmed', async () => {
    const clock = clockForTest();
    const keys = new Set<string>();
    for (let i = 0; i < 20; i++) for (const k of await queue(clock, 5)) keys.add(k);
    const transport = scripted({ outcome: 'delivered' });
    const fast = new Pacer({ destination: { perSecond: 1_000 }, tenant: { perSecond: 100_000 } });
    const workers = ['deliverer-a', 'deliverer-b'].map((workerId) => deliverer(clock, transport, { workerId, batchSize: 7, pacer: fast }));
    await Promise.all(workers.map(async (w) => {
      while ((await w.runOnce()).claimed > 0);
    }));
    const sent = transport.calls.map((c) => c.idempotencyKey);
    assert.equal(sent.length, keys.size);
    assert.deepEqual(new Set(sent), keys);
    assert.equal(workers[0]!.totals.delivered + workers[1]!.totals.delivered, keys.size);
  });

  it('paces a tenant at 50 messages a second across its conversations', async () => {
    const clock = clockForTest();
    for (let i = 0; i < 12; i++) await queue(clock, 5, `conversation-${randomUUID()}`, 'tenant-busy');
    const d = deliverer(clock, scripted({ outcome: 'delivered' }), { pacer: new Pacer(), batchSize: 100 });
    const first = await d.runOnce();
    assert.equal(first.claimed, 60);
    assert.equal(first.delivered, 50);
    assert.equal(first.deferred, 10);
  });
});

describeOnEngines('store: queueing effects', (ctx) => {
  it('queues effects given together in one call, and a key repeated in the call or already queued is kept once, with its first payload', async () => {
    const now = new Date('2026-02-02T09:00:00.000Z');
    const [a, b] = [`effect-${randomUUID()}`, `effect-${randomUUID()}`];
    const effect = (key: string, n: number) => ({ idempotencyKey: key, destination: `conversation-${key}`, kind: 'card', payload: { n } });
    assert.equal(await enqueueEffects(ctx.db, [effect(a, 1), effect(b, 2), effect(a, 3)], { streamId: 'case-q', now }), 2);
    assert.equal(await enqueueEffects(ctx.db, [effect(b, 4)], { now }), 0);
    assert.deepEqual((await findEffect(ctx.db, a))?.payload, { n: 1 });
    assert.deepEqual((await findEffect(ctx.db, b))?.payload, { n: 2 });
    assert.equal((await findEffect(ctx.db, b))?.streamId, 'case-q');
  });

  it('queues nothing when one effect of the call has an empty idempotency key, and says what to give', async () => {
    const now = new Date('2026-02-02T09:00:00.000Z');
    const good = `effect-${randomUUID()}`;
    await assert.rejects(
      enqueueEffects(ctx.db, [{ idempotencyKey: good, destination: 'conversation-x', kind: 'card', payload: {} }, { idempotencyKey: ' ', destination: 'conversation-x', kind: 'card', payload: {} }], { now }),
      /empty idempotency key: give every effect a stable, unique key/,
    );
    assert.equal(await findEffect(ctx.db, good), undefined);
  });
});
