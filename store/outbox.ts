/**
 * The outbox: outbound effects written in the transaction that caused them, then delivered at
 * least once by a worker. Retries back off exponentially with full jitter and honour
 * Retry-After; deliveries are paced per destination and per tenant; a confirmed delivery is
 * never sent again; an attempt that may or may not have reached the other side is recorded as
 * ambiguous. Destinations are served side by side, one attempt at a time each and each attempt
 * bounded in time, so one recipient that does not answer holds up nobody else; each destination's
 * effects go first in, first out, across passes and workers.
 */
import type { Clock } from './clock.js';
import { pollLoop, realSleep, type Sleep } from './poll-loop.js';
import type { Db, Queryable, Tx } from './db.js';
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

/**
 * One attempt to deliver. It receives the idempotency key so the far side can drop repeats, and a
 * signal that aborts when the attempt has run out of time (its answer is then not recorded).
 */
export type Transport = (effect: OutboxRecord, signal?: AbortSignal) => Promise<DeliveryResult>;

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

/**
 * Effects in id order: a stream's (from `outbox_by_stream`, migration 0010), a destination's, or
 * all. Delivered effects older than the retention are gone (`purgeDeliveredEffects`).
 */
export async function listEffects(q: Queryable, filter: { readonly streamId?: string; readonly destination?: string } = {}): Promise<OutboxRecord[]> {
  // Only the filters given are in the statement, so the planner sees `stream_id = $n` plainly.
  const where: string[] = [];
  const params: string[] = [];
  if (filter.streamId !== undefined) where.push(`stream_id = $${params.push(filter.streamId)}`);
  if (filter.destination !== undefined) where.push(`destination = $${params.push(filter.destination)}`);
  const rows = await q.query<OutboxRow>(`SELECT * FROM outbox${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`, params);
  return rows.map(toRecord);
}

export interface PurgeOptions {
  /** Effects delivered before this are deleted. */
  readonly deliveredBefore: Date;
  /** At most this many in one statement. */
  readonly limit: number;
  /**
   * Kinds kept however old: an aggregate that reads a delivered effect's receipt back later (the
   * calendar event a create made, to cancel it) keeps those.
   */
  readonly keepKinds?: readonly string[];
}

/**
 * Deletes delivered effects delivered before `deliveredBefore`, the oldest first, at most `limit`,
 * and says how many went. Only delivered ones: pending, claimed (delivering), ambiguous and failed
 * effects are never deleted, whatever their age. The events that caused an effect keep the
 * record; a key purged is forgotten, so the same idempotency key queued again after the
 * retention would be sent again (keys come from the events, which are never queued twice).
 * Rows another worker is deleting are skipped, not waited for.
 */
export async function purgeDeliveredEffects(q: Queryable, options: PurgeOptions): Promise<number> {
  const [row] = await q.query<{ n: number }>(
    // The batch is chosen once (a materialized CTE; as `id IN (subquery)` the planner may run the
    // limited subquery again for each row and delete far more than the limit), then deleted by
    // primary key (as a join, the planner may hash the whole outbox).
    `WITH batch AS MATERIALIZED (
       SELECT id FROM outbox
        WHERE status = 'delivered' AND delivered_at < $1 AND kind <> ALL ($3::text[])
        ORDER BY delivered_at
        LIMIT $2
        FOR UPDATE SKIP LOCKED
     ), gone AS (
       DELETE FROM outbox WHERE id = ANY (ARRAY(SELECT id FROM batch)) AND status = 'delivered' RETURNING 1
     )
     SELECT count(*)::int AS n FROM gone`,
    [options.deliveredBefore.toISOString(), Math.max(0, Math.floor(options.limit)), [...(options.keepKinds ?? [])]],
  );
  return row?.n ?? 0;
}

type Claimed = OutboxRecord & { readonly previousStatus: OutboxStatus };

/** A row a worker may take now: ready and due, or claimed by a worker whose lease ran out. */
const DUE = (t: string) => `((${t}.status IN ('pending', 'ambiguous') AND ${t}.next_attempt_at <= $2) OR (${t}.status = 'delivering' AND ${t}.lease_until <= $2))`;
/** Not yet settled: neither delivered nor failed for good. */
const UNSETTLED = `IN ('pending', 'ambiguous', 'delivering')`;
/** What a claim returns of each row it claimed (`OutboxRow`), and the status it had before. */
const CLAIMED_COLUMNS = 'o.id, o.idempotency_key, o.stream_id, o.destination, o.tenant, o.kind, o.payload, o.status, o.attempts, o.ambiguous_attempts, '
  + 'o.next_attempt_at, o.claimed_by, o.lease_until, o.fencing_token, o.last_error, o.receipt, o.delivered_at, c.previous_status';

/** What a claim asks for: up to `limit` effects, at most `perDestination` a destination, none for the `busy` ones. */
export interface ClaimRequest {
  readonly limit: number;
  readonly perDestination: number;
  readonly busy: readonly string[];
}

/**
 * Claims effects ready to go, and those whose delivering worker vanished (lease ran out): an
 * interrupted attempt may have reached the other side, so it counts as ambiguous.
 *
 * Each destination is first in, first out across passes and workers: only a destination's
 * earliest unsettled effect (its head) can open a claim, and only if it is due, so a later
 * effect waits while an earlier one is backing off or in flight anywhere. The head is locked
 * (SKIP LOCKED), so two workers never claim for one destination at once; with it go up to
 * `perDestination` effects in all, the head and the due effects that follow it without a gap.
 * `busy` destinations (an attempt of this process in flight) are left alone.
 *
 * The heads are found by reading the unsettled rows in claim order (`outbox_claim_order`,
 * migration 0010) until enough are found, never by sorting every ready row. The head's test is
 * the due test restated for the planner, so it claims exactly what it always did: the scan
 * stops at the latest `next_attempt_at` a due row can have (now, or later for a claimed row whose
 * lease ran out, if the worker that claimed it had a clock ahead), and among unsettled rows "not
 * delivering" is "pending or ambiguous", which the planner can tell is nearly all of them (asked
 * "pending or ambiguous", it guesses from the whole table that few rows are, and sorts them all).
 * With one effect a destination (the loop's claim) the heads are what is claimed, and the
 * statement is the heads and the update alone.
 *
 * These are the two statements of `claim_outbox` (migration 0017), with its arguments as `$1` to
 * `$6`, which keeps their plans between calls; the plan tests and the queries benchmark run them
 * as they are, and a store test checks that the function holds them as written here.
 */
export function claimQuery(
  workerId: string,
  now: Date,
  leaseMs: number,
  claim: ClaimRequest,
): { readonly sql: string; readonly params: readonly unknown[] } {
  const params = [workerId, now.toISOString(), new Date(now.getTime() + leaseMs).toISOString(), claim.limit, claim.perDestination, [...claim.busy]];
  // The heads, locked; with one effect a destination (the loop's claim) they are what is claimed.
  const head = (columns: string) => `head AS MATERIALIZED (
       SELECT ${columns} FROM outbox h
        WHERE h.status ${UNSETTLED}
          AND h.next_attempt_at <= (SELECT greatest($2::timestamptz, max(d.next_attempt_at)) FROM outbox d WHERE d.status = 'delivering' AND d.lease_until <= $2)
          AND ((h.status <> 'delivering' AND h.next_attempt_at <= $2) OR (h.status = 'delivering' AND h.lease_until <= $2))
          AND h.destination <> ALL ($6::text[])
          AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.destination = h.destination AND e.id < h.id AND e.status ${UNSETTLED})
        ORDER BY h.next_attempt_at, h.id
        LIMIT $4
        FOR UPDATE OF h SKIP LOCKED
     )`;
  const update = `UPDATE outbox o
        SET status = 'delivering', claimed_by = $1, lease_until = $3, fencing_token = nextval('outbox_fencing_token'),
            attempts = o.attempts + 1,
            ambiguous_attempts = o.ambiguous_attempts + CASE WHEN o.status = 'delivering' THEN 1 ELSE 0 END,
            last_error = CASE WHEN o.status = 'delivering' THEN 'an attempt was interrupted before it was confirmed; it may have been delivered' ELSE o.last_error END,
            updated_at = $2
       FROM chosen c
      WHERE o.id = c.id AND ${DUE('o')}
      RETURNING ${CLAIMED_COLUMNS}`;
  if (claim.perDestination === 1) {
    // Each head is the first of its destination's run and due by the head's own test, so the run
    // (a join, a window and two sorts, to plan and to execute) would choose exactly the heads:
    // `place <= $5` is `1 <= $5` for them. The parameters are the same for both statements.
    return { sql: `WITH ${head('h.id, h.status')}, chosen AS (SELECT id, status AS previous_status FROM head WHERE 1 <= $5::int)\n     ${update}`, params };
  }
  return {
    sql: `WITH ${head('h.id, h.destination, h.next_attempt_at')}, run AS (
       SELECT r.id, r.status, hd.id AS head_id, hd.next_attempt_at AS head_due,
              row_number() OVER w AS place, bool_and(${DUE('r')}) OVER w AS due_so_far
         FROM head hd JOIN outbox r ON r.destination = hd.destination AND r.id >= hd.id AND r.status ${UNSETTLED}
       WINDOW w AS (PARTITION BY hd.id ORDER BY r.id)
     ), chosen AS (
       SELECT id, status AS previous_status FROM run
        WHERE due_so_far AND place <= $5
        ORDER BY place, head_due, head_id
        LIMIT $4
     )
     ${update}`,
    params,
  };
}

/** The call `claimEffects` sends: `claim_outbox` (migration 0017) runs `claimQuery`'s statement for the claim, with a plan it keeps. */
export function claimCall(
  workerId: string,
  now: Date,
  leaseMs: number,
  claim: ClaimRequest,
): { readonly sql: string; readonly params: readonly unknown[] } {
  return { sql: 'SELECT * FROM claim_outbox($1, $2::timestamptz, $3::timestamptz, $4::integer, $5::integer, $6::text[])', params: claimQuery(workerId, now, leaseMs, claim).params };
}

async function claimEffects(
  db: Queryable,
  workerId: string,
  now: Date,
  leaseMs: number,
  claim: ClaimRequest,
): Promise<Claimed[]> {
  const { sql, params } = claimCall(workerId, now, leaseMs, claim);
  const rows = await db.query<OutboxRow & { previous_status: OutboxStatus }>(sql, params);
  return rows.map((r) => ({ ...toRecord(r), previousStatus: r.previous_status === 'delivering' ? 'ambiguous' : r.previous_status })).sort((a, b) => a.id - b.id);
}

/**
 * What a thrown error leaves in `last_error`: its class name and code, never its message, which
 * can carry an email address or a service's response text.
 */
function describeThrown(error: unknown): string {
  const prototype: unknown = typeof error === 'object' && error !== null ? Object.getPrototypeOf(error) : undefined;
  const className = (prototype as { constructor?: { name?: unknown } } | null | undefined)?.constructor?.name;
  const kind = typeof className === 'string' && /^[A-Za-z_$][\w$]{0,63}$/.test(className) ? className : error === null ? 'null' : typeof error === 'object' ? 'an object' : `a ${typeof error}`;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  const safeCode = (typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code)) || (typeof code === 'number' && Number.isInteger(code)) ? ` (${String(code)})` : '';
  return `the transport threw ${kind}${safeCode}; it may have been delivered`;
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
  /**
   * Put back unsent: the destination or tenant was at its pace, an earlier effect for the same
   * destination did not go through, too little of the lease was left, or the pass failed.
   */
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
  /** Attempts in flight at once, never two to the same destination. Default 8. */
  readonly concurrency?: number;
  /** An attempt not answered by then is recorded as ambiguous, its late answer ignored. Below `leaseMs`; default 20 s (half the lease if shorter). */
  readonly attemptTimeoutMs?: number;
  /**
   * Runs in the transaction that records a delivery, only while this worker still holds the
   * claim; it writes only through `tx`. If it throws, the delivery is recorded without it (the
   * message is never sent again) and `onError` is told.
   */
  readonly onDelivered?: (tx: Tx, effect: OutboxRecord, receipt: string | undefined) => Promise<void>;
  /**
   * Runs in the transaction that records an effect as failed for good (refused, or out of
   * attempts), on the same terms as `onDelivered`: only while this worker holds the claim, writing
   * only through `tx`; if it throws, the failure is recorded without it and `onError` is told.
   * `failure.error` is what `last_error` records (never a thrown error's message).
   */
  readonly onFailed?: (tx: Tx, effect: OutboxRecord, failure: DeliveryFailure) => Promise<void>;
  readonly onError?: (error: unknown, effect: OutboxRecord) => void;
  /** Told when a whole pass fails (the database is unreachable); the loop backs off and goes on. */
  readonly onLoopError?: (error: unknown) => void;
  /** The loop's wait after failed passes in a row; default 1 s doubling to 30 s. */
  readonly loopBackoff?: { readonly baseMs: number; readonly capMs: number };
  readonly idleMs?: number;
  readonly sleep?: Sleep;
}

/** How an effect failed for good, for `onFailed`. */
export interface DeliveryFailure {
  /** What `last_error` records. */
  readonly error: string;
  /** The last attempt was refused (`rejected`), rather than the attempts running out. */
  readonly refused: boolean;
  /** Attempts, this one included, that may have reached the other side: above 0, the effect may have been delivered after all. */
  readonly ambiguousAttempts: number;
}

export interface OutboxDeliverer {
  /**
   * Claims one batch (up to `batchSize`, a destination's effects in order), settles all of it,
   * then reports. For tests, the harness and benches; the worker runs `start()`.
   */
  runOnce(): Promise<DeliveryReport>;
  /**
   * Delivers until `stop()`: claims while lanes are free (at most `concurrency` attempts in
   * flight, one per destination), starts each attempt without waiting for the others, and
   * claims again as soon as one finishes, or after `idleMs`. A failed pass is told to
   * `onLoopError` and backed off. Resolves once stopped and the attempts in flight have settled.
   */
  start(): Promise<void>;
  /**
   * Ends the loop, then waits for the attempts in flight to be recorded: each ends within
   * `attemptTimeoutMs` of its start, so this gives up `attemptTimeoutMs` + 1 s after it was
   * called, aborting the transports still running (their claims' leases run out and they count
   * as ambiguous).
   */
  stop(): Promise<void>;
  readonly totals: Readonly<DeliveryReport>;
}

const DELIVERED = `status = 'delivered', delivered_at = $3, receipt = $4, last_error = NULL`;
/** How long `stop()` waits, beyond the attempt timeout, for the last answers to be recorded. */
const STOP_GRACE_MS = 1_000;

const emptyReport = (): DeliveryReport => ({ claimed: 0, delivered: 0, retried: 0, ambiguous: 0, failed: 0, deferred: 0, stale: 0 });

export function createOutboxDeliverer(options: OutboxDelivererOptions): OutboxDeliverer {
  const { db, clock, workerId, transport, onDelivered, onFailed } = options;
  const pacer = options.pacer ?? new Pacer();
  const batchSize = options.batchSize ?? 50;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 10;
  const backoff = options.backoff ?? { baseMs: 1_000, capMs: 15 * 60_000 };
  const random = options.random ?? Math.random;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
  const attemptTimeoutMs = options.attemptTimeoutMs ?? Math.min(20_000, Math.floor(leaseMs / 2));
  const idleMs = options.idleMs ?? 250;
  const sleep = options.sleep ?? realSleep;
  if (!(attemptTimeoutMs > 0 && attemptTimeoutMs < leaseMs)) {
    throw new RangeError(`attemptTimeoutMs (${attemptTimeoutMs}) must be above 0 and below leaseMs (${leaseMs}), so an attempt ends before its claim can pass to another worker.`);
  }
  const totals: DeliveryReport = emptyReport();

  /** Writes the outcome if this worker still holds the claim. */
  async function settle(q: Queryable, claim: Claimed, set: string, params: unknown[]): Promise<boolean> {
    const rows = await q.query(`UPDATE outbox SET ${set}, claimed_by = NULL, lease_until = NULL, updated_at = $3 WHERE id = $1 AND fencing_token = $2 AND status = 'delivering' RETURNING id`, [
      claim.id,
      claim.fencingToken,
      clock.now().toISOString(),
      ...params,
    ]);
    return rows.length === 1;
  }

  /** Unsent: as it was before the claim, due at `at`. */
  const putBack = (claim: Claimed, at: Date) => settle(db, claim, `status = $4, attempts = attempts - 1, next_attempt_at = $5`, [claim.previousStatus, at.toISOString()]);

  function tell(error: unknown, effect: OutboxRecord): void {
    try {
      options.onError?.(error, effect);
    } catch {
      /* a failing reporter must not lose the delivery */
    }
  }

  /** Settles the claim and, in the same transaction while the claim is held, runs `hook`; a hook that throws is told and the settle made without it. */
  async function settleWith(claim: Claimed, set: string, params: unknown[], hook: ((tx: Tx) => Promise<void>) | undefined): Promise<boolean> {
    if (hook === undefined) return settle(db, claim, set, params);
    try {
      return await db.transaction(async (tx) => {
        const held = await settle(tx, claim, set, params);
        if (held) await hook(tx);
        return held;
      });
    } catch (error) {
      tell(error, claim);
      return settle(db, claim, set, params);
    }
  }

  const recordDelivered = (claim: Claimed, receipt: string | undefined) =>
    settleWith(claim, DELIVERED, [receipt ?? null], onDelivered && ((tx) => onDelivered(tx, claim, receipt)));

  /**
   * The transport's answer, or `ambiguous` once the attempt has run out of time or `cut` aborts
   * (`stop()` gave up waiting). Either way the transport's signal aborts.
   */
  async function send(claim: Claimed, cut?: AbortSignal): Promise<DeliveryResult> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let ended: (() => void) | undefined;
    const stopped = () => controller.abort();
    const overdue = new Promise<DeliveryResult>((resolve) => {
      ended = () => {
        const timedOut = (controller.signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError';
        resolve({ outcome: 'ambiguous', error: timedOut ? `no answer within ${attemptTimeoutMs} ms; it may have been delivered` : 'the deliverer stopped before an answer came; it may have been delivered' });
      };
      controller.signal.addEventListener('abort', ended, { once: true });
      timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${attemptTimeoutMs} ms`, 'TimeoutError')), attemptTimeoutMs);
      if (cut?.aborted) controller.abort();
      else cut?.addEventListener('abort', stopped, { once: true });
    });
    const answered = (async () => transport(claim, controller.signal))().catch((error: unknown): DeliveryResult => {
      const retryAfterMs = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
      return { outcome: 'ambiguous', error: describeThrown(error), ...(typeof retryAfterMs === 'number' && { retryAfterMs }) };
    });
    try {
      return await Promise.race([answered, overdue]);
    } finally {
      clearTimeout(timer);
      if (ended !== undefined) controller.signal.removeEventListener('abort', ended);
      cut?.removeEventListener('abort', stopped);
    }
  }

  /**
   * One attempt, recorded in `report`; `sent` collects the claims handed to the transport.
   * Returns when the destination's later effects in this batch should be held back to (the
   * attempt did not go through and will be tried again), or undefined. Both `runOnce` and the
   * loop go through here.
   */
  async function attempt(claim: Claimed, report: DeliveryReport, sent: Set<Claimed>, cut?: AbortSignal): Promise<Date | undefined> {
    if (clock.now().getTime() + attemptTimeoutMs > claim.leaseUntil!.getTime()) {
      report[(await putBack(claim, claim.nextAttemptAt)) ? 'deferred' : 'stale'] += 1;
      return undefined;
    }
    const wait = pacer.reserve(claim.destination, claim.tenant, clock.now());
    if (wait > 0) {
      const at = new Date(clock.now().getTime() + wait);
      report[(await putBack(claim, at)) ? 'deferred' : 'stale'] += 1;
      return at;
    }
    sent.add(claim);
    const result = await send(claim, cut);
    let ok: boolean;
    let tally: keyof DeliveryReport;
    let holdUntil: Date | undefined;
    if (result.outcome === 'delivered') {
      ok = await recordDelivered(claim, result.receipt);
      tally = 'delivered';
    } else if (result.outcome === 'rejected' || claim.attempts >= maxAttempts) {
      const ambiguous = result.outcome === 'ambiguous' ? 1 : 0;
      const failure: DeliveryFailure = { error: result.error.slice(0, 2000), refused: result.outcome === 'rejected', ambiguousAttempts: claim.ambiguousAttempts + ambiguous };
      ok = await settleWith(claim, `status = 'failed', ambiguous_attempts = ambiguous_attempts + $5, last_error = $4`, [failure.error, ambiguous], onFailed && ((tx) => onFailed(tx, claim, failure)));
      tally = 'failed';
    } else {
      const delay = retryDelayMs(claim.attempts, { ...backoff, random, ...(result.retryAfterMs !== undefined && { retryAfterMs: result.retryAfterMs }) });
      holdUntil = new Date(clock.now().getTime() + delay);
      const next = holdUntil.toISOString();
      if (result.outcome === 'ambiguous') {
        ok = await settle(db, claim, `status = 'ambiguous', ambiguous_attempts = ambiguous_attempts + 1, last_error = $4, next_attempt_at = $5`, [result.error.slice(0, 2000), next]);
        tally = 'ambiguous';
      } else {
        ok = await settle(db, claim, `status = CASE WHEN ambiguous_attempts > 0 THEN 'ambiguous' ELSE 'pending' END, last_error = $4, next_attempt_at = $5`, [result.error.slice(0, 2000), next]);
        tally = 'retried';
      }
    }
    report[ok ? tally : 'stale'] += 1;
    return holdUntil;
  }

  /** Claims never sent when the pass failed go back as they were (best effort: the database may be gone). */
  async function release(claims: readonly Claimed[]): Promise<number> {
    if (claims.length === 0) return 0;
    const rows = await db.query(
      `UPDATE outbox o SET status = c.previous, attempts = o.attempts - 1, claimed_by = NULL, lease_until = NULL, updated_at = $1
         FROM unnest($2::bigint[], $3::bigint[], $4::text[]) AS c(id, token, previous)
        WHERE o.id = c.id AND o.fencing_token = c.token AND o.status = 'delivering'
        RETURNING o.id`,
      [clock.now().toISOString(), claims.map((c) => c.id), claims.map((c) => c.fencingToken), claims.map((c) => c.previousStatus)],
    );
    return rows.length;
  }

  // The loop's attempts in flight (each with the signal `stop()` aborts when it gives up), and their destinations.
  const inFlight = new Map<number, { readonly done: Promise<void>; readonly cut: AbortController }>();
  const busy = new Set<string>();

  async function runOnce(): Promise<DeliveryReport> {
    const claims = await claimEffects(db, workerId, clock.now(), leaseMs, { limit: batchSize, perDestination: batchSize, busy: [...busy] });
    const report: DeliveryReport = { ...emptyReport(), claimed: claims.length };
    // One queue per destination, in claim order: its effects go one after another.
    const queues = new Map<string, Claimed[]>();
    for (const claim of claims) {
      const queue = queues.get(claim.destination);
      if (queue === undefined) queues.set(claim.destination, [claim]);
      else queue.push(claim);
    }
    const waiting = [...queues.values()];
    const sent = new Set<Claimed>();
    let failure: { error: unknown } | undefined;

    async function serve(queue: readonly Claimed[]): Promise<void> {
      let holdUntil: Date | undefined;
      for (const claim of queue) {
        if (failure !== undefined) return;
        if (holdUntil !== undefined) report[(await putBack(claim, holdUntil)) ? 'deferred' : 'stale'] += 1;
        else holdUntil = await attempt(claim, report, sent);
      }
    }
    const lane = async () => {
      for (let queue = waiting.shift(); queue !== undefined && failure === undefined; queue = waiting.shift()) {
        try {
          await serve(queue);
        } catch (error) {
          // A write failed (the database went away): start nothing more. What was sent but not
          // recorded stays claimed; its lease runs out and it is tried again as ambiguous.
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queues.size) }, lane));
    if (failure !== undefined) report.deferred += await release(claims.filter((c) => !sent.has(c))).catch(() => 0);
    for (const k of Object.keys(totals) as (keyof DeliveryReport)[]) totals[k] += report[k];
    if (failure !== undefined) throw failure.error;
    return report;
  }

  // The loop: a pass claims for the free lanes and starts those attempts; the rest between
  // passes ends as soon as an attempt finishes. An attempt whose record could not be written
  // fails the next pass, so the loop reports it and backs off.
  let failed: { error: unknown } | undefined;
  let woken = false;
  let wakeRest: (() => void) | undefined;
  const wake = () => {
    woken = true;
    wakeRest?.();
  };

  function launch(claim: Claimed): void {
    const cut = new AbortController();
    const sent = new Set<Claimed>();
    busy.add(claim.destination);
    const done = (async () => {
      try {
        await attempt(claim, totals, sent, cut.signal);
      } catch (error) {
        failed ??= { error };
        if (!sent.has(claim)) totals.deferred += await release([claim]).catch(() => 0);
      } finally {
        busy.delete(claim.destination);
        inFlight.delete(claim.id);
        wake();
      }
    })();
    inFlight.set(claim.id, { done, cut });
  }

  async function pass(): Promise<DeliveryReport> {
    woken = false;
    if (failed !== undefined) {
      const { error } = failed;
      failed = undefined;
      throw error;
    }
    const free = concurrency - inFlight.size;
    if (free <= 0) return emptyReport();
    const claims = await claimEffects(db, workerId, clock.now(), leaseMs, { limit: free, perDestination: 1, busy: [...busy] });
    totals.claimed += claims.length;
    for (const claim of claims) launch(claim);
    return { ...emptyReport(), claimed: claims.length };
  }

  async function rest(signal: AbortSignal): Promise<void> {
    if (woken) return;
    const cut = new AbortController();
    const end = () => cut.abort();
    signal.addEventListener('abort', end, { once: true });
    try {
      await Promise.race([
        sleep(idleMs, cut.signal),
        new Promise<void>((resolve) => {
          wakeRest = () => {
            end();
            resolve();
          };
        }),
      ]);
    } finally {
      wakeRest = undefined;
      signal.removeEventListener('abort', end);
    }
  }

  let draining: Promise<void> | undefined;
  /** Waits for the loop's attempts in flight; past the bound, aborts those left. */
  async function settleInFlight(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<true>((resolve) => {
      timer = setTimeout(() => resolve(true), attemptTimeoutMs + STOP_GRACE_MS);
    });
    const settled = (async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight.values()].map((a) => a.done));
      return false as const;
    })();
    try {
      if (await Promise.race([settled, gaveUp])) for (const { cut } of inFlight.values()) cut.abort();
    } finally {
      clearTimeout(timer);
    }
  }
  const drain = (): Promise<void> => {
    if (inFlight.size === 0) return Promise.resolve();
    draining ??= settleInFlight().finally(() => (draining = undefined));
    return draining;
  };

  const loop = pollLoop(pass, () => true, rest, {
    sleep,
    ...(options.onLoopError !== undefined && { onError: options.onLoopError }),
    ...(options.loopBackoff !== undefined && { backoff: options.loopBackoff }),
  });

  return {
    runOnce,
    totals,
    start: () => loop.start().then(drain),
    async stop() {
      await loop.stop();
      await drain();
      failed = undefined;
    },
  };
}
