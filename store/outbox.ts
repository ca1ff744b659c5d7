/**
 * The outbox: outbound effects written in the transaction that caused them, then delivered at
 * least once by a worker. Retries back off exponentially with full jitter and honour
 * Retry-After; deliveries are paced per destination and per tenant; a confirmed delivery is
 * never sent again; an attempt that may or may not have reached the other side is recorded as
 * ambiguous.
 */
import type { Clock } from './clock.js';
import { pollLoop, realSleep } from './poll-loop.js';
import type { Db, Queryable } from './db.js';
import { Pacer } from './pacer.js';

export interface OutboxEffect {
  /** The same key twice is one effect: the second is ignored. */
  readonly idempotencyKey: string;
  /** Where it goes: a Teams conversation id, an email address, a calendar. */
  readonly destination: string;
  /** The tenant the destination belongs to, for the per-tenant pace. */
  readonly tenant?: string;
  readonly kind: string;
  readonly payload: unknown;
  readonly notBefore?: Date | string;
}

export type OutboxStatus = 'pending' | 'delivering' | 'delivered' | 'ambiguous' | 'failed';

export interface OutboxRecord {
  readonly id: number;
  readonly idempotencyKey: string;
  readonly streamId: string | null;
  readonly destination: string;
  readonly tenant: string;
  readonly kind: string;
  readonly payload: unknown;
  readonly status: OutboxStatus;
  readonly attempts: number;
  /** Attempts that may have been delivered without confirmation. */
  readonly ambiguousAttempts: number;
  readonly nextAttemptAt: Date;
  readonly claimedBy: string | null;
  readonly leaseUntil: Date | null;
  readonly fencingToken: number;
  readonly lastError: string | null;
  readonly receipt: string | null;
  readonly deliveredAt: Date | null;
}

/** What the transport reports for one attempt. */
export type DeliveryResult =
  | { readonly outcome: 'delivered'; readonly receipt?: string }
  /** Certainly not delivered (throttled, service unavailable before processing): try again. */
  | { readonly outcome: 'retry'; readonly error: string; readonly retryAfterMs?: number }
  /** May have been delivered (timeout or connection reset after sending): recorded, then tried again. */
  | { readonly outcome: 'ambiguous'; readonly error: string; readonly retryAfterMs?: number }
  /** Will never succeed as it stands (bad request, no such recipient). */
  | { readonly outcome: 'rejected'; readonly error: string };

/** One attempt to deliver. It receives the idempotency key so the far side can drop repeats. */
export type Transport = (effect: OutboxRecord) => Promise<DeliveryResult>;

interface OutboxRow {
  id: number;
  idempotency_key: string;
  stream_id: string | null;
  destination: string;
  tenant: string;
  kind: string;
  payload: unknown;
  status: OutboxStatus;
  attempts: number;
  ambiguous_attempts: number;
  next_attempt_at: Date;
  claimed_by: string | null;
  lease_until: Date | null;
  fencing_token: number;
  last_error: string | null;
  receipt: string | null;
  delivered_at: Date | null;
}

function toRecord(row: OutboxRow): OutboxRecord {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    streamId: row.stream_id,
    destination: row.destination,
    tenant: row.tenant,
    kind: row.kind,
    payload: row.payload,
    status: row.status,
    attempts: row.attempts,
    ambiguousAttempts: row.ambiguous_attempts,
    nextAttemptAt: new Date(row.next_attempt_at),
    claimedBy: row.claimed_by,
    leaseUntil: row.lease_until === null ? null : new Date(row.lease_until),
    fencingToken: row.fencing_token,
    lastError: row.last_error,
    receipt: row.receipt,
    deliveredAt: row.delivered_at === null ? null : new Date(row.delivered_at),
  };
}

/** Queues effects; an idempotency key already queued is skipped. Returns how many were new. */
export async function enqueueEffects(q: Queryable, effects: readonly OutboxEffect[], options: { readonly streamId?: string; readonly now: Date }): Promise<number> {
  for (const e of effects) {
    if (e.idempotencyKey.trim() === '') throw new TypeError(`An outbox effect of kind ${e.kind} has an empty idempotency key: give every effect a stable, unique key.`);
  }
  if (effects.length === 0) return 0;
  // One statement for them all; a key already queued, or repeated here, keeps its first row.
  const rows = await q.query(
    `INSERT INTO outbox (idempotency_key, stream_id, destination, tenant, kind, payload, next_attempt_at, created_at, updated_at)
     SELECT e.key, $1::text, e.destination, e.tenant, e.kind, e.payload::jsonb, e.not_before, $2::timestamptz, $2::timestamptz
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[]) WITH ORDINALITY
            AS e(key, destination, tenant, kind, payload, not_before, n)
      ORDER BY e.n
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [
      options.streamId ?? null,
      options.now.toISOString(),
      effects.map((e) => e.idempotencyKey),
      effects.map((e) => e.destination),
      effects.map((e) => e.tenant ?? ''),
      effects.map((e) => e.kind),
      effects.map((e) => JSON.stringify(e.payload ?? null)),
      effects.map((e) => (e.notBefore === undefined ? options.now : new Date(e.notBefore)).toISOString()),
    ],
  );
  return rows.length;
}

export async function findEffect(q: Queryable, idempotencyKey: string): Promise<OutboxRecord | undefined> {
  const [row] = await q.query<OutboxRow>('SELECT * FROM outbox WHERE idempotency_key = $1', [idempotencyKey]);
  return row && toRecord(row);
}

export async function listEffects(q: Queryable, filter: { readonly streamId?: string; readonly destination?: string } = {}): Promise<OutboxRecord[]> {
  const rows = await q.query<OutboxRow>(
    `SELECT * FROM outbox WHERE ($1::text IS NULL OR stream_id = $1) AND ($2::text IS NULL OR destination = $2) ORDER BY id`,
    [filter.streamId ?? null, filter.destination ?? null],
  );
  return rows.map(toRecord);
}

type Claimed = OutboxRecord & { readonly previousStatus: OutboxStatus };

/**
 * Claims effects ready to go, and those whose delivering worker vanished (lease ran out): an
 * interrupted attempt may have reached the other side, so it counts as ambiguous.
 */
async function claimEffects(db: Queryable, workerId: string, now: Date, leaseMs: number, limit: number): Promise<Claimed[]> {
  const rows = await db.query<OutboxRow & { previous_status: OutboxStatus }>(
    `UPDATE outbox o
        SET status = 'delivering', claimed_by = $1, lease_until = $3, fencing_token = nextval('outbox_fencing_token'),
            attempts = o.attempts + 1,
            ambiguous_attempts = o.ambiguous_attempts + CASE WHEN o.status = 'delivering' THEN 1 ELSE 0 END,
            last_error = CASE WHEN o.status = 'delivering' THEN 'an attempt was interrupted before it was confirmed; it may have been delivered' ELSE o.last_error END,
            updated_at = $2
       FROM (SELECT id, status AS previous_status FROM outbox
              WHERE (status IN ('pending', 'ambiguous') AND next_attempt_at <= $2) OR (status = 'delivering' AND lease_until <= $2)
              ORDER BY next_attempt_at, id
              LIMIT $4
              FOR UPDATE SKIP LOCKED) c
      WHERE o.id = c.id
      RETURNING o.*, c.previous_status`,
    [workerId, now.toISOString(), new Date(now.getTime() + leaseMs).toISOString(), limit],
  );
  return rows.map((r) => ({ ...toRecord(r), previousStatus: r.previous_status === 'delivering' ? 'ambiguous' : r.previous_status })).sort((a, b) => a.id - b.id);
}

/** Full jitter: a random delay up to the capped exponential, but never sooner than Retry-After. */
export function retryDelayMs(attempt: number, options: { baseMs: number; capMs: number; retryAfterMs?: number; random: () => number }): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(Math.floor(options.random() * ceiling), options.retryAfterMs ?? 0);
}

export interface DeliveryReport {
  claimed: number;
  delivered: number;
  retried: number;
  ambiguous: number;
  failed: number;
  /** Put back unsent because the destination or tenant was at its pace. */
  deferred: number;
  /** Results that arrived after the claim was lost; not recorded. */
  stale: number;
}

export interface OutboxDelivererOptions {
  readonly db: Db;
  readonly clock: Clock;
  readonly workerId: string;
  readonly transport: Transport;
  readonly pacer?: Pacer;
  readonly batchSize?: number;
  readonly leaseMs?: number;
  readonly maxAttempts?: number;
  readonly backoff?: { readonly baseMs: number; readonly capMs: number };
  readonly random?: () => number;
  readonly idleMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface OutboxDeliverer {
  runOnce(): Promise<DeliveryReport>;
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly totals: Readonly<DeliveryReport>;
}

export function createOutboxDeliverer(options: OutboxDelivererOptions): OutboxDeliverer {
  const { db, clock, workerId, transport } = options;
  const pacer = options.pacer ?? new Pacer();
  const batchSize = options.batchSize ?? 50;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 10;
  const backoff = options.backoff ?? { baseMs: 1_000, capMs: 15 * 60_000 };
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? realSleep;
  const totals: DeliveryReport = { claimed: 0, delivered: 0, retried: 0, ambiguous: 0, failed: 0, deferred: 0, stale: 0 };

  /** Writes the outcome if this worker still holds the claim. */
  async function settle(claim: Claimed, set: string, params: unknown[]): Promise<boolean> {
    const rows = await db.query(`UPDATE outbox SET ${set}, claimed_by = NULL, lease_until = NULL, updated_at = $3 WHERE id = $1 AND fencing_token = $2 AND status = 'delivering' RETURNING id`, [
      claim.id,
      claim.fencingToken,
      clock.now().toISOString(),
      ...params,
    ]);
    return rows.length === 1;
  }

  async function attempt(claim: Claimed, report: DeliveryReport): Promise<void> {
    const wait = pacer.reserve(claim.destination, claim.tenant, clock.now());
    if (wait > 0) {
      const ok = await settle(claim, `status = $4, attempts = attempts - 1, next_attempt_at = $5`, [claim.previousStatus, new Date(clock.now().getTime() + wait).toISOString()]);
      report[ok ? 'deferred' : 'stale'] += 1;
      return;
    }
    let result: DeliveryResult;
    try {
      result = await transport(claim);
    } catch (error) {
      const retryAfterMs = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
      result = { outcome: 'ambiguous', error: error instanceof Error ? error.message : String(error), ...(typeof retryAfterMs === 'number' && { retryAfterMs }) };
    }
    let ok: boolean;
    let tally: keyof DeliveryReport;
    if (result.outcome === 'delivered') {
      ok = await settle(claim, `status = 'delivered', delivered_at = $3, receipt = $4, last_error = NULL`, [result.receipt ?? null]);
      tally = 'delivered';
    } else if (result.outcome === 'rejected' || claim.attempts >= maxAttempts) {
      const ambiguous = result.outcome === 'ambiguous' ? 1 : 0;
      ok = await settle(claim, `status = 'failed', ambiguous_attempts = ambiguous_attempts + $5, last_error = $4`, [result.error.slice(0, 2000), ambiguous]);
      tally = 'failed';
    } else {
      const delay = retryDelayMs(claim.attempts, { ...backoff, random, ...(result.retryAfterMs !== undefined && { retryAfterMs: result.retryAfterMs }) });
      const next = new Date(clock.now().getTime() + delay).toISOString();
      if (result.outcome === 'ambiguous') {
        ok = await settle(claim, `status = 'ambiguous', ambiguous_attempts = ambiguous_attempts + 1, last_error = $4, next_attempt_at = $5`, [result.error.slice(0, 2000), next]);
        tally = 'ambiguous';
      } else {
        ok = await settle(claim, `status = CASE WHEN ambiguous_attempts > 0 THEN 'ambiguous' ELSE 'pending' END, last_error = $4, next_attempt_at = $5`, [result.error.slice(0, 2000), next]);
        tally = 'retried';
      }
    }
    report[ok ? tally : 'stale'] += 1;
  }

  async function runOnce(): Promise<DeliveryReport> {
    const claims = await claimEffects(db, workerId, clock.now(), leaseMs, batchSize);
    const report: DeliveryReport = { claimed: claims.length, delivered: 0, retried: 0, ambiguous: 0, failed: 0, deferred: 0, stale: 0 };
    for (const claim of claims) await attempt(claim, report);
    for (const k of Object.keys(totals) as (keyof DeliveryReport)[]) totals[k] += report[k];
    return report;
  }

  return {
    runOnce,
    totals,
    ...pollLoop(runOnce, (report) => report.claimed === report.deferred, () => sleep(options.idleMs ?? 250)),
  };
}
