/**
 * Durable deadlines. The domain says which deadlines a case should have; `syncDeadlines` makes
 * the table agree, in the transaction that appends the case's events. A dispatcher claims due
 * rows under a lease with a fencing token and fires each one in a transaction that also runs
 * the handler (the domain's `deadline-reached` decision), so a deadline fires exactly once.
 */
import type { Clock } from './clock.js';
import { pollLoop, realSleep, type Sleep } from './poll-loop.js';
import type { Db, Queryable, Tx } from './db.js';
import { lockStream } from './events.js';

export interface DesiredDeadline {
  /** Unique within the stream; the same key across decisions means the same deadline. */
  readonly key: string;
  readonly kind: string;
  readonly dueAt: string | Date;
  readonly data?: Readonly<Record<string, unknown>>;
}

export type DeadlineStatus = 'scheduled' | 'fired' | 'cancelled';

export interface DeadlineRecord {
  readonly id: number;
  readonly streamId: string;
  readonly key: string;
  readonly kind: string;
  readonly dueAt: Date;
  readonly data: Record<string, unknown>;
  readonly status: DeadlineStatus;
  readonly claimedBy: string | null;
  readonly leaseUntil: Date | null;
  readonly fencingToken: number;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly firedAt: Date | null;
  readonly firedBy: string | null;
}

/** A deadline this worker holds until `leaseUntil`, proven by `fencingToken`. */
export type ClaimedDeadline = DeadlineRecord & { readonly leaseUntil: Date; readonly claimedBy: string };

export interface DeadlineDiff {
  readonly added: string[];
  readonly moved: string[];
  readonly cancelled: string[];
}

interface DeadlineRow {
  id: number;
  stream_id: string;
  key: string;
  kind: string;
  due_at: Date | string;
  data: Record<string, unknown>;
  status: DeadlineStatus;
  claimed_by: string | null;
  lease_until: Date | string | null;
  fencing_token: number;
  attempts: number;
  last_error: string | null;
  fired_at: Date | string | null;
  fired_by: string | null;
}

const asDate = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

function toRecord(row: DeadlineRow): DeadlineRecord {
  return {
    id: row.id,
    streamId: row.stream_id,
    key: row.key,
    kind: row.kind,
    dueAt: new Date(row.due_at),
    data: row.data,
    status: row.status,
    claimedBy: row.claimed_by,
    leaseUntil: asDate(row.lease_until),
    fencingToken: row.fencing_token,
    attempts: row.attempts,
    lastError: row.last_error,
    firedAt: asDate(row.fired_at),
    firedBy: row.fired_by,
  };
}

function dueInstant(d: DesiredDeadline, streamId: string): Date {
  const due = new Date(d.dueAt);
  if (Number.isNaN(due.getTime())) {
    throw new TypeError(`Deadline ${d.key} of stream ${streamId} has no valid due time: give dueAt as an ISO 8601 date-time.`);
  }
  return due;
}

export async function listDeadlines(q: Queryable, streamId: string): Promise<DeadlineRecord[]> {
  const rows = await q.query<DeadlineRow>('SELECT * FROM deadlines WHERE stream_id = $1 ORDER BY due_at, key', [streamId]);
  return rows.map(toRecord);
}

/**
 * Makes the stream's deadlines match `desired`: new keys are added, changed due times moved,
 * scheduled deadlines no longer wanted cancelled. A fired deadline stays fired unless it is
 * wanted again at a different time (re-armed). Moving or cancelling a deadline takes a new
 * fencing token, so a dispatcher holding the old claim cannot fire it. It takes the stream's
 * lock first, unless `streamLocked` says this transaction already holds it; `existing` may
 * carry the stream's deadlines when they were read under that lock in this transaction.
 */
export async function syncDeadlines(
  tx: Tx,
  streamId: string,
  desired: readonly DesiredDeadline[],
  now: Date,
  options: { readonly streamLocked?: boolean; readonly existing?: readonly DeadlineRecord[] } = {},
): Promise<DeadlineDiff> {
  const keys = new Set<string>();
  for (const d of desired) {
    if (keys.has(d.key)) throw new TypeError(`Deadline key ${d.key} appears twice for stream ${streamId}: keys must be unique within a stream.`);
    keys.add(d.key);
  }
  if (options.streamLocked !== true) await lockStream(tx, streamId);
  const existing = new Map((options.existing ?? (await listDeadlines(tx, streamId))).map((r) => [r.key, r]));
  const diff: DeadlineDiff = { added: [], moved: [], cancelled: [] };
  const at = now.toISOString();
  const added: { key: string; kind: string; due: string; data: string }[] = [];

  for (const d of desired) {
    const due = dueInstant(d, streamId);
    const data = JSON.stringify(d.data ?? {});
    const row = existing.get(d.key);
    if (row === undefined) {
      added.push({ key: d.key, kind: d.kind, due: due.toISOString(), data });
      diff.added.push(d.key);
      continue;
    }
    const sameTime = row.dueAt.getTime() === due.getTime();
    const sameBody = row.kind === d.kind && JSON.stringify(row.data) === JSON.stringify(JSON.parse(data));
    if (row.status === 'fired' && sameTime) continue;
    if (row.status === 'scheduled' && sameTime && sameBody) continue;
    await tx.query(
      `UPDATE deadlines SET kind = $2, due_at = $3, data = $4::jsonb, status = 'scheduled', claimed_by = NULL, lease_until = NULL,
         fencing_token = nextval('deadline_fencing_token'), attempts = 0, last_error = NULL, fired_at = NULL, fired_by = NULL, updated_at = $5
       WHERE id = $1`,
      [row.id, d.kind, due.toISOString(), data, at],
    );
    if (row.status === 'scheduled' && !sameTime) diff.moved.push(d.key);
    else if (row.status !== 'scheduled') diff.added.push(d.key);
  }
  if (added.length > 0) {
    await tx.query(
      `INSERT INTO deadlines (stream_id, key, kind, due_at, data, created_at, updated_at)
       SELECT $1, a.key, a.kind, a.due, a.data::jsonb, $6, $6
         FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::text[]) AS a(key, kind, due, data)`,
      [streamId, added.map((a) => a.key), added.map((a) => a.kind), added.map((a) => a.due), added.map((a) => a.data), at],
    );
  }
  const cancelled = [...existing.values()].filter((row) => row.status === 'scheduled' && !keys.has(row.key));
  if (cancelled.length > 0) {
    await tx.query(
      `UPDATE deadlines SET status = 'cancelled', claimed_by = NULL, lease_until = NULL, fencing_token = nextval('deadline_fencing_token'), updated_at = $2
        WHERE id = ANY($1::bigint[])`,
      [cancelled.map((row) => row.id), at],
    );
    diff.cancelled.push(...cancelled.map((row) => row.key));
  }
  return diff;
}

/**
 * Claims up to `limit` due deadlines that nobody holds (or whose lease ran out), skipping rows
 * another worker is claiming right now. Each claim takes a new, larger fencing token.
 */
export async function claimDueDeadlines(
  db: Queryable,
  options: { readonly workerId: string; readonly now: Date; readonly leaseMs: number; readonly limit: number },
): Promise<ClaimedDeadline[]> {
  const rows = await db.query<DeadlineRow>(
    `UPDATE deadlines d
        SET claimed_by = $1, lease_until = $3, fencing_token = nextval('deadline_fencing_token'), attempts = d.attempts + 1, updated_at = $2
       FROM (SELECT id FROM deadlines
              WHERE status = 'scheduled' AND due_at <= $2 AND (lease_until IS NULL OR lease_until <= $2)
              ORDER BY due_at
              LIMIT $4
              FOR UPDATE SKIP LOCKED) due
      WHERE d.id = due.id
      RETURNING d.*`,
    [options.workerId, options.now.toISOString(), new Date(options.now.getTime() + options.leaseMs).toISOString(), options.limit],
  );
  return rows.map(toRecord).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime()) as ClaimedDeadline[];
}

/** The claim was taken over, moved, cancelled, or its lease ran out: the work is not this worker's any more. */
export class StaleClaim extends Error {
  override readonly name = 'StaleClaim';
  constructor(
    readonly deadlineId: number,
    readonly fencingToken: number,
    reason: string,
  ) {
    super(`Deadline ${deadlineId} (token ${fencingToken}) is no longer held: ${reason}.`);
  }
}

export interface FireContext {
  readonly now: Date;
  readonly workerId: string;
}

/** Feeds a due deadline to the domain. Runs inside the transaction that marks the deadline fired. */
export type DeadlineHandler = (tx: Tx, deadline: ClaimedDeadline, ctx: FireContext) => Promise<void>;

export type FireOutcome =
  | { readonly claim: ClaimedDeadline; readonly result: 'fired' }
  | { readonly claim: ClaimedDeadline; readonly result: 'stale'; readonly reason: string }
  | { readonly claim: ClaimedDeadline; readonly result: 'failed'; readonly error: unknown };

class LeaseRanOut extends Error {}

class HandlerFailed extends Error {
  constructor(
    readonly claim: ClaimedDeadline,
    readonly error: unknown,
  ) {
    super('a deadline handler failed');
  }
}

/**
 * Fires claimed deadlines in one transaction. It locks every stream involved in one fixed order
 * (so it can never deadlock with a command or another dispatcher) and the deadline rows (so other
 * dispatchers skip them), marks fired each deadline whose fencing token still holds, and runs the
 * handlers. If a handler fails, the transaction is undone and tried again without that deadline,
 * which is reported failed; handlers must therefore only write through `tx`. If the lease runs out
 * before the commit, everything is undone and reported stale: a paused worker cannot complete
 * stale work.
 */
export async function fireClaimedDeadlines(
  db: Db,
  claims: readonly ClaimedDeadline[],
  handler: DeadlineHandler,
  clock: Clock,
  idleLimitMs?: number,
): Promise<FireOutcome[]> {
  const settled: FireOutcome[] = [];
  let pending: ClaimedDeadline[] = [];
  const start = clock.now().getTime();
  for (const claim of claims) {
    if (start >= claim.leaseUntil.getTime()) settled.push({ claim, result: 'stale', reason: 'the lease expired before it started' });
    else pending.push(claim);
  }
  while (pending.length > 0) {
    try {
      const outcomes = await db.transaction((tx) => fireInOneTransaction(tx, pending, handler, clock, idleLimitMs));
      return [...settled, ...outcomes];
    } catch (error) {
      if (error instanceof LeaseRanOut) {
        return [...settled, ...pending.map((claim): FireOutcome => ({ claim, result: 'stale', reason: 'the lease expired while it was being handled' }))];
      }
      if (!(error instanceof HandlerFailed)) throw error;
      settled.push({ claim: error.claim, result: 'failed', error: error.error });
      pending = pending.filter((c) => c !== error.claim);
    }
  }
  return settled;
}

async function fireInOneTransaction(tx: Tx, claims: readonly ClaimedDeadline[], handler: DeadlineHandler, clock: Clock, idleLimitMs?: number): Promise<FireOutcome[]> {
  if (idleLimitMs !== undefined) {
    // A worker frozen mid-transaction must not hold its locks for ever: the server ends its session.
    await tx.query(`SELECT set_config('idle_in_transaction_session_timeout', $1, true)`, [`${Math.max(1, Math.round(idleLimitMs))}ms`]);
  }
  await tx.query(
    `SELECT pg_advisory_xact_lock(hashtext('resolve:stream'), k)
       FROM (SELECT DISTINCT hashtext(s) AS k FROM unnest($1::text[]) AS s ORDER BY 1) AS ordered`,
    [[...new Set(claims.map((c) => c.streamId))]],
  );
  const now = clock.now();
  const marked = await tx.query<{ id: number }>(
    `UPDATE deadlines d
        SET status = 'fired', fired_at = $3, fired_by = $4, claimed_by = NULL, lease_until = NULL, last_error = NULL, updated_at = $3
       FROM unnest($1::bigint[], $2::bigint[]) AS c(id, token)
      WHERE d.id = c.id AND d.fencing_token = c.token AND d.status = 'scheduled'
      RETURNING d.id`,
    [claims.map((c) => c.id), claims.map((c) => c.fencingToken), now.toISOString(), claims[0]!.claimedBy],
  );
  const held = new Set(marked.map((r) => r.id));
  const outcomes: FireOutcome[] = [];
  for (const claim of claims) {
    if (!held.has(claim.id)) {
      outcomes.push({ claim, result: 'stale', reason: 'another claim replaced it, or it was moved, cancelled or fired' });
      continue;
    }
    try {
      await handler(tx, claim, { now, workerId: claim.claimedBy });
    } catch (error) {
      throw new HandlerFailed(claim, error);
    }
    outcomes.push({ claim, result: 'fired' });
  }
  const end = clock.now().getTime();
  if (outcomes.some((o) => o.result === 'fired' && end >= o.claim.leaseUntil.getTime())) throw new LeaseRanOut();
  return outcomes;
}

/** Fires one claimed deadline; throws `StaleClaim` when the claim no longer holds, or the handler's error. */
export async function fireClaimedDeadline(db: Db, claim: ClaimedDeadline, handler: DeadlineHandler, clock: Clock): Promise<void> {
  const [outcome] = await fireClaimedDeadlines(db, [claim], handler, clock);
  if (outcome?.result === 'stale') throw new StaleClaim(claim.id, claim.fencingToken, outcome.reason);
  if (outcome?.result === 'failed') throw outcome.error;
}

/** After a handler failure: let the deadline go, to be tried again after `retryAt`. */
export async function releaseDeadline(db: Queryable, claim: ClaimedDeadline, retryAt: Date, error: string): Promise<boolean> {
  const rows = await db.query(
    `UPDATE deadlines SET claimed_by = NULL, lease_until = $3, last_error = $4, updated_at = $5
      WHERE id = $1 AND fencing_token = $2 AND status = 'scheduled' RETURNING id`,
    [claim.id, claim.fencingToken, retryAt.toISOString(), error.slice(0, 2000), retryAt.toISOString()],
  );
  return rows.length === 1;
}

export interface DispatchReport {
  claimed: number;
  fired: number;
  /** Claims found taken over, moved, cancelled or expired: nothing was done for them. */
  stale: number;
  failed: number;
}

export interface DeadlineDispatcherOptions {
  readonly db: Db;
  readonly clock: Clock;
  readonly workerId: string;
  readonly handler: DeadlineHandler;
  readonly batchSize?: number;
  readonly leaseMs?: number;
  /** Transactions in flight at once (1 on PGlite, which has one connection). */
  readonly concurrency?: number;
  /** Deadlines fired per transaction (each under its own savepoint). */
  readonly chunkSize?: number;
  /** Delay before a deadline whose handler failed is tried again; grows with each attempt. */
  readonly retryBaseMs?: number;
  readonly idleMs?: number;
  readonly sleep?: Sleep;
  readonly onError?: (error: unknown, deadline: ClaimedDeadline) => void;
  /** Told when a whole pass fails (the database is unreachable); the loop backs off and goes on. */
  readonly onLoopError?: (error: unknown) => void;
  /** The loop's wait after failed passes in a row; default 1 s doubling to 30 s. */
  readonly loopBackoff?: { readonly baseMs: number; readonly capMs: number };
}

export interface DeadlineDispatcher {
  /** Claims one batch of due deadlines and works through it. */
  runOnce(): Promise<DispatchReport>;
  /** Repeats `runOnce` until `stop()`, resting `idleMs` whenever nothing was due, backing off when a pass fails. */
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly totals: Readonly<DispatchReport>;
}

export function createDeadlineDispatcher(options: DeadlineDispatcherOptions): DeadlineDispatcher {
  const { db, clock, workerId, handler } = options;
  const batchSize = options.batchSize ?? 100;
  const leaseMs = options.leaseMs ?? 30_000;
  const concurrency = options.db.kind === 'pglite' ? 1 : (options.concurrency ?? 4);
  const retryBaseMs = options.retryBaseMs ?? 60_000;
  const chunkSize = Math.max(1, options.chunkSize ?? 25);
  const sleep = options.sleep ?? realSleep;
  const totals: DispatchReport = { claimed: 0, fired: 0, stale: 0, failed: 0 };

  async function fireChunk(chunk: readonly ClaimedDeadline[], report: DispatchReport): Promise<void> {
    let outcomes: FireOutcome[];
    try {
      outcomes = await fireClaimedDeadlines(db, chunk, handler, clock, db.kind === 'postgres' ? leaseMs : undefined);
    } catch (error) {
      // The transaction itself failed (connection lost, session ended): nothing in it happened;
      // the claims expire with their lease and are taken again.
      report.failed += chunk.length;
      for (const claim of chunk) options.onError?.(error, claim);
      return;
    }
    for (const outcome of outcomes) {
      if (outcome.result !== 'failed') {
        report[outcome.result] += 1;
        continue;
      }
      report.failed += 1;
      const { claim, error } = outcome;
      options.onError?.(error, claim);
      const delay = retryBaseMs * 2 ** Math.min(claim.attempts - 1, 10);
      await releaseDeadline(db, claim, new Date(clock.now().getTime() + delay), error instanceof Error ? error.message : String(error));
    }
  }

  async function runOnce(): Promise<DispatchReport> {
    const claims = await claimDueDeadlines(db, { workerId, now: clock.now(), leaseMs, limit: batchSize });
    const report: DispatchReport = { claimed: claims.length, fired: 0, stale: 0, failed: 0 };
    const chunks: ClaimedDeadline[][] = [];
    for (let i = 0; i < claims.length; i += chunkSize) chunks.push(claims.slice(i, i + chunkSize));
    let next = 0;
    const lane = async () => {
      while (next < chunks.length) await fireChunk(chunks[next++]!, report);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, lane));
    for (const k of Object.keys(totals) as (keyof DispatchReport)[]) totals[k] += report[k];
    return report;
  }

  return {
    runOnce,
    totals,
    ...pollLoop(runOnce, (report) => report.claimed === 0, (signal) => sleep(options.idleMs ?? 1000, signal), {
      sleep,
      ...(options.onLoopError !== undefined && { onError: options.onLoopError }),
      ...(options.loopBackoff !== undefined && { backoff: options.loopBackoff }),
    }),
  };
}
