import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TestClock } from '../../store/clock.js';
import { createOutboxDeliverer, enqueueEffects, findEffect, type DeliveryFailure, type DeliveryResult, type OutboxDeliverer, type OutboxRecord, type Transport } from '../../store/outbox.js';
import { openDatabase, statementText, type Db, type Statement, type Tx } from '../../store/db.js';
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

  it("two deliverers' loops (each claim one effect a destination, the heads alone) working the same outbox send each effect exactly once, each destination first in, first out", async () => {
    const clock = clockForTest();
    const byDestination = new Map<string, string[]>();
    for (let i = 0; i < 12; i++) {
      const destination = `conversation-loop-${i}-${randomUUID()}`;
      byDestination.set(destination, await queue(clock, 4, destination));
    }
    const keys = [...byDestination.values()].flat();
    const transport = scripted({ outcome: 'delivered' });
    const fast = new Pacer({ destination: { perSecond: 1_000 }, tenant: { perSecond: 100_000 } });
    const workers = ['loop-a', 'loop-b'].map((workerId) => deliverer(clock, transport, { workerId, pacer: fast, idleMs: 5, concurrency: 3 }));
    const running = workers.map((w) => w.start());
    try {
      const deadline = Date.now() + 20_000;
      while (workers[0]!.totals.delivered + workers[1]!.totals.delivered < keys.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(running);
    }
    const sent = transport.calls.map((c) => c.idempotencyKey);
    assert.equal(sent.length, keys.length, 'each effect sent once');
    assert.deepEqual(new Set(sent), new Set(keys));
    for (const [destination, queued] of byDestination) assert.deepEqual(transport.calls.filter((c) => c.destination === destination).map((c) => c.idempotencyKey), queued, destination);
    assert.ok(workers.every((w) => w.totals.claimed > 0), `both loops claimed (${workers.map((w) => w.totals.claimed).join(', ')})`);
    for (const key of keys) assert.equal((await findEffect(ctx.db, key))!.status, 'delivered', key);
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

/** Resolves when `condition` holds, checking every few milliseconds. */
async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const fastPacer = () => new Pacer({ destination: { perSecond: 1_000, burst: 1_000 }, tenant: { perSecond: 100_000, burst: 100_000 } });

describeOnEngines('store: outbox delivery, destinations side by side', (ctx) => {
  let era = 0;
  const clockForTest = () => new TestClock(new Date(Date.parse('2026-02-02T09:00:00.000Z') - era++ * 365 * DAY));

  function deliverer(clock: TestClock, transport: Transport, extra: Partial<Parameters<typeof createOutboxDeliverer>[0]> = {}): OutboxDeliverer {
    return createOutboxDeliverer({ db: ctx.db, clock, workerId: 'side-by-side', transport, random: () => 0.5, backoff: { baseMs: 1_000, capMs: 60_000 }, pacer: fastPacer(), ...extra });
  }

  async function queue(clock: TestClock, destinations: readonly string[]): Promise<string[]> {
    const keys = destinations.map(() => `effect-${randomUUID()}`);
    await enqueueEffects(ctx.db, keys.map((idempotencyKey, i) => ({ idempotencyKey, destination: destinations[i]!, tenant: 'tenant-northmoor', kind: 'card', payload: { i } })), { now: clock.now() });
    return keys;
  }

  it('a recipient that never answers holds up nobody else: the others are delivered at once, and its attempt is recorded ambiguous after the attempt timeout, its late answer ignored', async () => {
    const clock = clockForTest();
    const [hung, quick] = [`conversation-hung-${randomUUID()}`, `conversation-quick-${randomUUID()}`];
    const [hungKey, quickKey] = await queue(clock, [hung, quick]);
    let answerLate: ((result: DeliveryResult) => void) | undefined;
    let hungSignal: AbortSignal | undefined;
    const transport: Transport = (effect, signal) => {
      if (effect.destination !== hung) return Promise.resolve({ outcome: 'delivered', receipt: 'activity-quick' });
      hungSignal = signal;
      return new Promise((resolve) => (answerLate = resolve));
    };
    const d = deliverer(clock, transport, { attemptTimeoutMs: 400 });
    const started = Date.now();
    const running = d.runOnce();
    await until(async () => (await findEffect(ctx.db, quickKey!))?.status === 'delivered', 'the quick recipient has its card');
    assert.ok(Date.now() - started < 400, `the quick recipient waited ${Date.now() - started} ms`);
    assert.equal((await findEffect(ctx.db, hungKey!))?.status, 'delivering', 'the hung attempt is still in flight');

    const report = await running;
    assert.ok(Date.now() - started >= 400);
    assert.deepEqual(report, { claimed: 2, delivered: 1, retried: 0, ambiguous: 1, failed: 0, deferred: 0, stale: 0 });
    const record = await findEffect(ctx.db, hungKey!);
    assert.equal(record!.status, 'ambiguous');
    assert.equal(record!.ambiguousAttempts, 1);
    assert.match(record!.lastError!, /no answer within 400 ms; it may have been delivered/);
    assert.equal(record!.nextAttemptAt.getTime() - clock.now().getTime(), 500, 'backed off like any ambiguous attempt');
    assert.equal(hungSignal?.aborted, true, 'the transport is told the attempt is over');

    answerLate!({ outcome: 'delivered', receipt: 'too-late' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const after = await findEffect(ctx.db, hungKey!);
    assert.equal(after!.status, 'ambiguous');
    assert.equal(after!.receipt, null);
    assert.equal(d.totals.delivered, 1);
  });

  it('keeps each destination in order, one attempt at a time, and never runs more attempts at once than the concurrency allows', async () => {
    const clock = clockForTest();
    const destinations = Array.from({ length: 4 }, (_, i) => `conversation-${i}-${randomUUID()}`);
    // Interleaved, so the batch holds every destination's effects mixed together.
    const keys = await queue(clock, Array.from({ length: 16 }, (_, i) => destinations[i % 4]!));
    const sent = new Map<string, string[]>();
    const inFlight = new Map<string, number>();
    let now = 0;
    let most = 0;
    let mostForOne = 0;
    let call = 0;
    const transport: Transport = async (effect) => {
      now += 1;
      most = Math.max(most, now);
      inFlight.set(effect.destination, (inFlight.get(effect.destination) ?? 0) + 1);
      mostForOne = Math.max(mostForOne, inFlight.get(effect.destination)!);
      sent.set(effect.destination, [...(sent.get(effect.destination) ?? []), effect.idempotencyKey]);
      await new Promise((resolve) => setTimeout(resolve, [7, 2, 11, 4][call++ % 4]));
      inFlight.set(effect.destination, inFlight.get(effect.destination)! - 1);
      now -= 1;
      return { outcome: 'delivered' };
    };
    const report = await deliverer(clock, transport, { concurrency: 2 }).runOnce();
    assert.equal(report.delivered, 16);
    assert.equal(most, 2, 'two attempts at once, no more');
    assert.equal(mostForOne, 1, 'one attempt at a time per destination');
    destinations.forEach((destination, d) => assert.deepEqual(sent.get(destination), keys.filter((_, i) => i % 4 === d), `in order for ${destination}`));
  });

  it('holds back the rest of a destination\'s batch when an attempt did not go through, so they follow it in order', async () => {
    const clock = clockForTest();
    const destination = `conversation-${randomUUID()}`;
    const keys = await queue(clock, [destination, destination, destination]);
    const transport = scripted({ outcome: 'retry', error: 'HTTP 429', retryAfterMs: 10_000 }, { outcome: 'delivered' });
    const d = deliverer(clock, transport);
    assert.deepEqual(await d.runOnce(), { claimed: 3, delivered: 0, retried: 1, ambiguous: 0, failed: 0, deferred: 2, stale: 0 });
    assert.equal(transport.calls.length, 1);
    const [first, ...rest] = await Promise.all(keys.map((k) => findEffect(ctx.db, k)));
    for (const r of rest) {
      assert.equal(r!.status, 'pending');
      assert.equal(r!.attempts, 0, 'a held-back effect was not attempted');
      assert.equal(r!.nextAttemptAt.getTime(), first!.nextAttemptAt.getTime());
    }
    clock.advance(10_000);
    assert.equal((await d.runOnce()).delivered, 3);
    assert.deepEqual(transport.calls.map((c) => c.idempotencyKey), [keys[0], ...keys]);
  });

  it('does not start an attempt that its lease could not cover, and puts it back unsent', async () => {
    const clock = clockForTest();
    const destination = `conversation-${randomUUID()}`;
    const [, second] = await queue(clock, [destination, destination]);
    const transport: Transport = async () => {
      clock.advance(45_000);
      return { outcome: 'delivered' };
    };
    const report = await deliverer(clock, transport, { leaseMs: 60_000, attemptTimeoutMs: 20_000 }).runOnce();
    assert.equal(report.delivered, 1);
    assert.equal(report.deferred, 1);
    const record = await findEffect(ctx.db, second!);
    assert.equal(record!.status, 'pending');
    assert.equal(record!.attempts, 0);
    assert.equal(record!.claimedBy, null);
  });

  it('refuses an attempt timeout that is not below the lease', () => {
    const clock = clockForTest();
    assert.throws(() => deliverer(clock, scripted({ outcome: 'delivered' }), { leaseMs: 10_000, attemptTimeoutMs: 10_000 }), /attemptTimeoutMs \(10000\) must be above 0 and below leaseMs \(10000\)/);
  });

  it('when the database fails mid-pass it starts no more attempts, puts back those not started, and the pass rejects', async () => {
    const clock = clockForTest();
    const [a, b] = [`conversation-a-${randomUUID()}`, `conversation-b-${randomUUID()}`];
    const [sentKey, notStartedKey] = await queue(clock, [a, b]);
    let failNext = false;
    const flaky: Db = {
      ...ctx.db,
      query<R>(sql: Statement, params?: readonly unknown[]): Promise<R[]> {
        if (!failNext) return ctx.db.query<R>(sql, params);
        failNext = false;
        return Promise.reject(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
      },
    };
    const transport = scripted({ outcome: 'delivered' });
    const sending: Transport = async (effect) => {
      failNext = true;
      return transport(effect);
    };
    const d = deliverer(clock, sending, { db: flaky, concurrency: 1 });
    await assert.rejects(d.runOnce(), /ECONNRESET/);
    assert.equal(transport.calls.length, 1);
    assert.equal((await findEffect(ctx.db, sentKey!))!.status, 'delivering', 'sent but not recorded: its lease runs out and it counts as ambiguous');
    const notStarted = await findEffect(ctx.db, notStartedKey!);
    assert.equal(notStarted!.status, 'pending');
    assert.equal(notStarted!.attempts, 0);
    assert.equal(d.totals.deferred, 1);
  });
});

describeOnEngines('store: outbox delivery, the loop and each destination in order', (ctx) => {
  let era = 0;
  const clockForTest = () => new TestClock(new Date(Date.parse('2026-02-02T09:00:00.000Z') - era++ * 365 * DAY));

  function deliverer(clock: TestClock, transport: Transport, extra: Partial<Parameters<typeof createOutboxDeliverer>[0]> = {}): OutboxDeliverer {
    return createOutboxDeliverer({ db: ctx.db, clock, workerId: 'in-order', transport, random: () => 0.5, backoff: { baseMs: 1_000, capMs: 60_000 }, pacer: fastPacer(), ...extra });
  }

  async function queue(clock: TestClock, destinations: readonly string[], db: Db = ctx.db): Promise<string[]> {
    const keys = destinations.map(() => `effect-${randomUUID()}`);
    await enqueueEffects(db, keys.map((idempotencyKey, i) => ({ idempotencyKey, destination: destinations[i]!, tenant: 'tenant-northmoor', kind: 'card', payload: { i } })), { now: clock.now() });
    return keys;
  }

  it('with the loop running, a recipient that hangs does not delay an effect for someone else queued after the hang began; stop() waits for the hung attempt to be recorded, within its timeout', async () => {
    const clock = clockForTest();
    const [hung, quick] = [`conversation-hung-${randomUUID()}`, `conversation-quick-${randomUUID()}`];
    let hungSignal: AbortSignal | undefined;
    const transport: Transport = (effect, signal) => {
      if (effect.destination !== hung) return Promise.resolve({ outcome: 'delivered', receipt: 'activity-quick' });
      hungSignal = signal;
      return new Promise<DeliveryResult>(() => undefined);
    };
    const d = deliverer(clock, transport, { attemptTimeoutMs: 2_000, idleMs: 20 });
    const [hungKey] = await queue(clock, [hung]);
    const running = d.start();
    try {
      await until(() => Promise.resolve(hungSignal !== undefined), 'the hung attempt has begun');
      const [quickKey] = await queue(clock, [quick]);
      const queuedAt = Date.now();
      await until(async () => (await findEffect(ctx.db, quickKey!))?.status === 'delivered', 'the quick recipient has its card', 1_500);
      const waited = Date.now() - queuedAt;
      assert.ok(waited < 300, `the effect queued during the hang waited ${waited} ms`);
      assert.equal((await findEffect(ctx.db, hungKey!))?.status, 'delivering', 'the hung attempt is still in flight');
      assert.equal(hungSignal!.aborted, false);
    } finally {
      const stopping = Date.now();
      await d.stop();
      await running;
      const took = Date.now() - stopping;
      // The documented bound: stop() waits at most attemptTimeoutMs (here 2 s) and 1 s more.
      assert.ok(took < 2_000 + 1_000, `stop() took ${took} ms`);
    }
    assert.equal(hungSignal!.aborted, true, 'the hung transport is told the attempt is over');
    const record = await findEffect(ctx.db, hungKey!);
    assert.equal(record!.status, 'ambiguous', 'stop() waited for the hung attempt to be recorded');
    assert.match(record!.lastError!, /no answer within 2000 ms; it may have been delivered/);
    assert.deepEqual({ ...d.totals }, { claimed: 2, delivered: 1, retried: 0, ambiguous: 1, failed: 0, deferred: 0, stale: 0 });
  });

  it('with the loop running, a destination\'s next effect goes as soon as the one before it is recorded, without waiting out the idle rest, and stop() cuts the rest short', async () => {
    const clock = clockForTest();
    const destination = `conversation-${randomUUID()}`;
    const keys = await queue(clock, [destination, destination, destination]);
    const transport = scripted({ outcome: 'delivered' });
    const d = deliverer(clock, transport, { idleMs: 60_000 });
    const started = Date.now();
    const running = d.start();
    try {
      await until(async () => (await findEffect(ctx.db, keys[2]!))?.status === 'delivered', 'all three are delivered', 3_000);
      assert.ok(Date.now() - started < 3_000);
    } finally {
      const stopping = Date.now();
      await d.stop();
      await running;
      assert.ok(Date.now() - stopping < 200, `stop() took ${Date.now() - stopping} ms`);
    }
    assert.deepEqual(transport.calls.map((c) => c.idempotencyKey), keys);
    assert.equal(d.totals.delivered, 3);
    assert.equal(d.totals.claimed, 3);
  });

  it('keeps each destination first in, first out across passes: a later effect waits while an earlier one backs off, and others flow meanwhile', async () => {
    const clock = clockForTest();
    const [a, b] = [`conversation-a-${randomUUID()}`, `conversation-b-${randomUUID()}`];
    const [a1] = await queue(clock, [a]);
    const transport = scripted({ outcome: 'retry', error: 'HTTP 429', retryAfterMs: 60_000 }, { outcome: 'delivered' });
    const d = deliverer(clock, transport);
    assert.equal((await d.runOnce()).retried, 1);

    // Queued after A's first went back to wait: due now, but behind it.
    const [a2, b1, b2] = await queue(clock, [a, b, b]);
    assert.deepEqual(await d.runOnce(), { claimed: 2, delivered: 2, retried: 0, ambiguous: 0, failed: 0, deferred: 0, stale: 0 });
    const held = await findEffect(ctx.db, a2!);
    assert.equal(held!.status, 'pending');
    assert.equal(held!.attempts, 0, 'the later effect was not claimed');
    assert.equal((await d.runOnce()).claimed, 0);

    clock.advance(60_000);
    assert.deepEqual(await d.runOnce(), { claimed: 2, delivered: 2, retried: 0, ambiguous: 0, failed: 0, deferred: 0, stale: 0 });
    assert.deepEqual(transport.calls.map((c) => c.idempotencyKey), [a1, b1, b2, a1, a2]);
  });

  it('the loop too holds a destination\'s later effect behind an earlier one that is ambiguous and backing off', async () => {
    const clock = clockForTest();
    const [a, b] = [`conversation-a-${randomUUID()}`, `conversation-b-${randomUUID()}`];
    const [a1] = await queue(clock, [a]);
    const transport = scripted({ outcome: 'ambiguous', error: 'timed out after sending', retryAfterMs: 60_000 }, { outcome: 'delivered' });
    const d = deliverer(clock, transport, { idleMs: 10 });
    assert.equal((await d.runOnce()).ambiguous, 1);
    const [a2, b1] = await queue(clock, [a, b]);
    const running = d.start();
    try {
      await until(async () => (await findEffect(ctx.db, b1!))?.status === 'delivered', 'B has its card');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal((await findEffect(ctx.db, a2!))!.attempts, 0, 'A\'s later effect is still waiting');
      clock.advance(60_000);
      await until(async () => (await findEffect(ctx.db, a2!))?.status === 'delivered', 'A\'s later effect follows the first');
    } finally {
      await d.stop();
      await running;
    }
    assert.deepEqual(transport.calls.map((c) => c.idempotencyKey), [a1, b1, a1, a2]);
  });

  for (const mode of ['loop', 'runOnce'] as const) {
    it(`two deliverers on one database never have two attempts in flight for one destination, and keep each in order (${mode})`, async () => {
      const clock = clockForTest();
      // On PostgreSQL the second worker has its own pool, as another instance would.
      const other = ctx.engine === 'postgres' ? await openDatabase(ctx.options) : ctx.db;
      try {
        const destinations = Array.from({ length: 6 }, (_, i) => `conversation-${i}-${randomUUID()}`);
        const keys = await queue(clock, Array.from({ length: 30 }, (_, i) => destinations[i % 6]!));
        const order = new Map(keys.map((k, i) => [k, i]));
        const inFlight = new Map<string, number>();
        const confirmed = new Set<string>();
        const problems: string[] = [];
        let mostForOne = 0;
        let call = 0;
        const transport: Transport = async (effect) => {
          const n = call++;
          const now = (inFlight.get(effect.destination) ?? 0) + 1;
          inFlight.set(effect.destination, now);
          mostForOne = Math.max(mostForOne, now);
          for (const earlier of keys.filter((k, i) => i % 6 === destinations.indexOf(effect.destination) && i < order.get(effect.idempotencyKey)!)) {
            if (!confirmed.has(earlier)) problems.push(`${effect.idempotencyKey} was sent before ${earlier} was delivered`);
          }
          await new Promise((resolve) => setTimeout(resolve, 1 + (n % 5)));
          inFlight.set(effect.destination, inFlight.get(effect.destination)! - 1);
          // Every third attempt is throttled, with no wait (the back-off is 0), so retries interleave.
          if (n % 3 === 1) return { outcome: 'retry', error: 'HTTP 429' };
          confirmed.add(effect.idempotencyKey);
          return { outcome: 'delivered' };
        };
        const workers = [ctx.db, other].map((db, i) =>
          createOutboxDeliverer({ db, clock, workerId: `pair-${mode}-${i}`, transport, random: () => 0.5, backoff: { baseMs: 0, capMs: 0 }, pacer: fastPacer(), concurrency: 4, batchSize: 7, idleMs: 5 }),
        );
        if (mode === 'loop') {
          const runs = workers.map((w) => w.start());
          try {
            await until(async () => confirmed.size === keys.length, 'every effect is delivered', 15_000);
          } finally {
            await Promise.all(workers.map((w) => w.stop()));
            await Promise.all(runs);
          }
        } else {
          await Promise.all(workers.map(async (w) => {
            for (let idle = 0; idle < 3; idle = (await w.runOnce()).claimed > 0 ? 0 : idle + 1);
          }));
        }
        assert.equal(mostForOne, 1, 'one attempt at a time per destination, across both workers');
        assert.deepEqual(problems, []);
        const records = await Promise.all(keys.map((k) => findEffect(ctx.db, k)));
        assert.ok(records.every((r) => r!.status === 'delivered'), 'every effect is delivered');
        assert.equal(workers[0]!.totals.delivered + workers[1]!.totals.delivered, keys.length, 'each delivered once');
        assert.equal(workers[0]!.totals.delivered + workers[1]!.totals.delivered + workers[0]!.totals.retried + workers[1]!.totals.retried, call);
      } finally {
        if (other !== ctx.db) await other.close();
      }
    });
  }

  it('stop() gives up on an attempt whose record cannot be written, attemptTimeoutMs + 1 s after it was called', async () => {
    const clock = clockForTest();
    const [key] = await queue(clock, [`conversation-${randomUUID()}`]);
    let recording = false;
    const stuck: Db = {
      ...ctx.db,
      query<R>(sql: Statement, params?: readonly unknown[]): Promise<R[]> {
        if (!statementText(sql).includes("status = 'delivered'")) return ctx.db.query<R>(sql, params);
        recording = true;
        return new Promise<R[]>(() => undefined);
      },
    };
    const d = deliverer(clock, scripted({ outcome: 'delivered' }), { db: stuck, attemptTimeoutMs: 200, idleMs: 10 });
    const running = d.start();
    await until(() => Promise.resolve(recording), 'the delivery is being recorded');
    const stopping = Date.now();
    await d.stop();
    await running;
    const took = Date.now() - stopping;
    assert.ok(took >= 1_150 && took < 2_000, `stop() took ${took} ms`);
    assert.equal((await findEffect(ctx.db, key!))!.status, 'delivering', 'unrecorded: its lease runs out and it counts as ambiguous');
  });

  it('keeps a thrown error\'s message out of last_error: only its class name and code are recorded', async () => {
    const clock = clockForTest();
    const [key] = await queue(clock, [`mail-${randomUUID()}`]);
    const message = 'Graph said: the mailbox jamie@example.org is not available (the request body was {"to":"jamie@example.org"})';
    const thrown = Object.assign(new TypeError(message), { code: 'ECONNRESET' });
    await deliverer(clock, scripted(thrown)).runOnce();
    const record = await findEffect(ctx.db, key!);
    assert.equal(record!.status, 'ambiguous');
    assert.ok(!record!.lastError!.includes('jamie@example.org'), record!.lastError!);
    assert.ok(!record!.lastError!.includes('Graph said'), record!.lastError!);
    assert.match(record!.lastError!, /TypeError/);
    assert.match(record!.lastError!, /ECONNRESET/);

    class MailboxUnavailable extends Error {}
    const [last] = await queue(clock, [`mail-${randomUUID()}`]);
    await deliverer(clock, scripted(new MailboxUnavailable(message)), { maxAttempts: 1 }).runOnce();
    const failed = await findEffect(ctx.db, last!);
    assert.equal(failed!.status, 'failed');
    assert.equal(failed!.lastError, 'the transport threw MailboxUnavailable; it may have been delivered');
  });
});

describeOnEngines('store: recording a delivery fact in the transaction that settles it', (ctx) => {
  let era = 0;
  const clockForTest = () => new TestClock(new Date(Date.parse('2026-02-02T09:00:00.000Z') - era++ * 365 * DAY));
  const facts = async (key: string) => ctx.db.query<{ receipt: string | null; worker: string }>('SELECT receipt, worker FROM delivery_fact WHERE effect_key = $1', [key]);
  const recordFact = (worker: string) => async (tx: Tx, effect: OutboxRecord, receipt: string | undefined) => {
    await tx.query('INSERT INTO delivery_fact (effect_key, receipt, worker) VALUES ($1, $2, $3)', [effect.idempotencyKey, receipt ?? null, worker]);
  };

  before(() => ctx.db.exec('CREATE TABLE delivery_fact (effect_key text NOT NULL, receipt text, worker text NOT NULL)'));

  function deliverer(clock: TestClock, transport: Transport, extra: Partial<Parameters<typeof createOutboxDeliverer>[0]> = {}): OutboxDeliverer {
    return createOutboxDeliverer({ db: ctx.db, clock, workerId: 'facts', transport, random: () => 0.5, pacer: fastPacer(), ...extra });
  }

  async function queue(clock: TestClock): Promise<string> {
    const key = `effect-${randomUUID()}`;
    await enqueueEffects(ctx.db, [{ idempotencyKey: key, destination: `conversation-${randomUUID()}`, kind: 'card', payload: {} }], { now: clock.now() });
    return key;
  }

  it('runs onDelivered in the transaction that records the delivery: its writes commit with it, and it sees the effect delivered', async () => {
    const clock = clockForTest();
    const key = await queue(clock);
    const seen: string[] = [];
    const onDelivered = async (tx: Tx, effect: OutboxRecord, receipt: string | undefined) => {
      const [row] = await tx.query<{ status: string }>('SELECT status FROM outbox WHERE id = $1', [effect.id]);
      seen.push(row!.status);
      await recordFact('facts')(tx, effect, receipt);
    };
    const report = await deliverer(clock, scripted({ outcome: 'delivered', receipt: 'activity-42' }), { onDelivered }).runOnce();
    assert.equal(report.delivered, 1);
    assert.deepEqual(seen, ['delivered']);
    assert.deepEqual(await facts(key), [{ receipt: 'activity-42', worker: 'facts' }]);
    assert.equal((await findEffect(ctx.db, key))!.receipt, 'activity-42');
  });

  it('writes neither the settle nor the fact for a claim this worker lost', async () => {
    const clock = clockForTest();
    const key = await queue(clock);
    const rescue = deliverer(clock, scripted({ outcome: 'delivered', receipt: 'from-rescuer' }), { workerId: 'rescuer', onDelivered: recordFact('rescuer') });
    const hung: Transport = async () => {
      clock.advance(61_000);
      assert.equal((await rescue.runOnce()).delivered, 1);
      return { outcome: 'delivered', receipt: 'from-hung' };
    };
    const report = await deliverer(clock, hung, { workerId: 'hung', onDelivered: recordFact('hung') }).runOnce();
    assert.equal(report.stale, 1);
    assert.deepEqual(await facts(key), [{ receipt: 'from-rescuer', worker: 'rescuer' }]);
    assert.equal((await findEffect(ctx.db, key))!.receipt, 'from-rescuer');
  });

  it('a hook that throws leaves the effect delivered without its fact, tells onError, and the message is never sent again', async () => {
    const clock = clockForTest();
    const key = await queue(clock);
    const told: { error: unknown; key: string }[] = [];
    const transport = scripted({ outcome: 'delivered', receipt: 'activity-7' });
    const d = deliverer(clock, transport, {
      onDelivered: async (tx, effect, receipt) => {
        await recordFact('facts')(tx, effect, receipt);
        throw new Error('the case stream moved on');
      },
      onError: (error, effect) => told.push({ error, key: effect.idempotencyKey }),
    });
    assert.equal((await d.runOnce()).delivered, 1);
    const record = await findEffect(ctx.db, key);
    assert.equal(record!.status, 'delivered');
    assert.equal(record!.receipt, 'activity-7');
    assert.deepEqual(await facts(key), [], 'the hook\'s writes were rolled back');
    assert.equal(told.length, 1);
    assert.equal(told[0]!.key, key);
    assert.match((told[0]!.error as Error).message, /the case stream moved on/);
    clock.advance(DAY);
    assert.equal((await d.runOnce()).claimed, 0);
    assert.equal(transport.calls.length, 1);
  });

  it('runs onFailed in the transaction that records a refused effect as failed, with the recorded error, and not for a retry', async () => {
    const clock = clockForTest();
    const refusedKey = await queue(clock);
    const seen: { status: string; failure: DeliveryFailure }[] = [];
    const onFailed = async (tx: Tx, effect: OutboxRecord, failure: DeliveryFailure) => {
      const [row] = await tx.query<{ status: string }>('SELECT status FROM outbox WHERE id = $1', [effect.id]);
      seen.push({ status: row!.status, failure });
      await recordFact('facts')(tx, effect, `failed: ${failure.error}`);
    };
    const report = await deliverer(clock, scripted({ outcome: 'rejected', error: 'calendar refused: GraphRequestError' }), { onFailed }).runOnce();
    assert.equal(report.failed, 1);
    assert.deepEqual(seen, [{ status: 'failed', failure: { error: 'calendar refused: GraphRequestError', refused: true, ambiguousAttempts: 0 } }]);
    assert.deepEqual(await facts(refusedKey), [{ receipt: 'failed: calendar refused: GraphRequestError', worker: 'facts' }]);
    // A retry is not a failure: the hook is not run.
    const retriedKey = await queue(clock);
    assert.equal((await deliverer(clock, scripted({ outcome: 'retry', error: 'unreachable' }), { onFailed }).runOnce()).retried, 1);
    assert.deepEqual(await facts(retriedKey), []);
    assert.equal(seen.length, 1);
  });

  it('runs onFailed when the attempts run out, saying so and counting the attempts that may have landed; a hook that throws leaves the effect failed, tells onError, and it is never tried again', async () => {
    const clock = clockForTest();
    const key = await queue(clock);
    const told: string[] = [];
    const failures: DeliveryFailure[] = [];
    const transport = scripted({ outcome: 'ambiguous', error: 'no answer' }, { outcome: 'retry', error: 'still unreachable' });
    const d = deliverer(clock, transport, {
      maxAttempts: 2,
      onFailed: async (tx, effect, failure) => {
        failures.push(failure);
        await recordFact('facts')(tx, effect, failure.error);
        throw new Error('the series moved on');
      },
      onError: (error) => told.push((error as Error).message),
    });
    assert.equal((await d.runOnce()).ambiguous, 1);
    clock.advance(DAY);
    assert.equal((await d.runOnce()).failed, 1);
    assert.deepEqual(failures, [{ error: 'still unreachable', refused: false, ambiguousAttempts: 1 }]);
    const record = await findEffect(ctx.db, key);
    assert.equal(record!.status, 'failed');
    assert.equal(record!.lastError, 'still unreachable');
    assert.deepEqual(await facts(key), [], 'the hook\'s writes were rolled back');
    assert.deepEqual(told, ['the series moved on']);
    clock.advance(DAY);
    assert.equal((await d.runOnce()).claimed, 0);
    assert.equal(transport.calls.length, 2);
  });
});
