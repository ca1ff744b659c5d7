/**
 * Durable deadlines. The domain says which deadlines a case should have; `syncDeadlines` makes
 * the table agree, in the transaction that appends the case's events. A dispatcher claims due
 * rows in batches under a lease with a fencing token, and fires a batch in one transaction that
 * also runs the handlers (the domain's `deadline-reached` decision), so a deadline fires exactly
 * once; it claims the next batch while one fires.
 */
import type { Clock } from './clock.js';
import { pollLoop, realSleep, type Sleep } from './poll-loop.js';
import type { Db, Queryable, Tx } from './db.js';
import { lockStream } from './events.js';
import { planDeadlines } from './stream-write.js';

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

/** The columns a `DeadlineRecord` is made of, qualified by `d`. */
const DEADLINE_COLUMNS = ['id', 'stream_id', 'key', 'kind', 'due_at', 'data', 'status', 'claimed_by', 'lease_until', 'fencing_token', 'attempts', 'last_error', 'fired_at', 'fired_by']
  .map((c) => `d.${c}`)
  .join(', ');

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
  if (options.streamLocked !== true) await lockStream(tx, streamId);
  // The same decisions as a command's write (planDeadlines), applied a statement at a time.
  const { ops, diff } = planDeadlines(streamId, options.existing ?? (await listDeadlines(tx, streamId)), desired);
  const at = now.toISOString();
  for (const u of ops.update) {
    await tx.query(
      `UPDATE deadlines SET kind = $2, due_at = $3, data = $4::jsonb, status = 'scheduled', claimed_by = NULL, lease_until = NULL,
         fencing_token = nextval('deadline_fencing_token'), attempts = 0, last_error = NULL, fired_at = NULL, fired_by = NULL, updated_at = $5
       WHERE id = $1`,
      [u.id, u.kind, u.due, JSON.stringify(u.data), at],
    );
  }
  if (ops.insert.length > 0) {
    await tx.query(
      `INSERT INTO deadlines (stream_id, key, kind, due_at, data, created_at, updated_at)
       SELECT $1, a.key, a.kind, a.due, a.data::jsonb, $6, $6
         FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::text[]) AS a(key, kind, due, data)`,
      [streamId, ops.insert.map((a) => a.key), ops.insert.map((a) => a.kind), ops.insert.map((a) => a.due), ops.insert.map((a) => JSON.stringify(a.data)), at],
    );
  }
  if (ops.cancel.length > 0) {
    await tx.query(
      `UPDATE deadlines SET status = 'cancelled', claimed_by = NULL, lease_until = NULL, fencing_token = nextval('deadline_fencing_token'), updated_at = $2
        WHERE id = ANY($1::bigint[])`,
      [ops.cancel, at],
    );
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
      RETURNING ${DEADLINE_COLUMNS}`,
    [options.workerId, options.now.toISOString(), new Date(options.now.getTime() + options.leaseMs).toISOString(), options.limit],
  );
  return rows.map(toRecord).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime()) as ClaimedDeadline[];
}

/**
 * Lets go of claims that were never fired (a batch claimed ahead when the dispatcher stops), so
 * another worker can take them at once instead of waiting out the lease. A claim that no longer
 * holds (taken over, moved, cancelled, fired) is left alone. Returns how many were let go.
 */
export async function releaseClaims(db: Queryable, claims: readonly ClaimedDeadline[], now: Date): Promise<number> {
  if (claims.length === 0) return 0;
  const rows = await db.query(
    `UPDATE deadlines d SET claimed_by = NULL, lease_until = NULL, attempts = greatest(d.attempts - 1, 0), updated_at = $3
       FROM unnest($1::bigint[], $2::bigint[]) AS c(id, token)
      WHERE d.id = c.id AND d.fencing_token = c.token AND d.status = 'scheduled'
      RETURNING d.id`,
    [claims.map((c) => c.id), claims.map((c) => c.fencingToken), now.toISOString()],
  );
  return rows.length;
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

/** What `fireParts` did: every claim settled, or the claims left unsettled when a transaction itself failed. */
interface FiredParts {
  readonly outcomes: FireOutcome[];
  readonly interrupted?: { readonly claims: readonly ClaimedDeadline[]; readonly error: unknown };
}

/**
 * Fires claimed deadlines, as one transaction when it can. The transaction locks every stream
 * involved in one statement, in one fixed order (so it can never deadlock with a command or
 * another dispatcher), then marks fired, in one statement, each deadline whose fencing token
 * still holds (locking those rows, so no other worker can fire them), and runs the handlers; the
 * handlers' own statements are the only ones per deadline. If the lease runs out before the
 * commit, everything is undone and reported stale: a paused worker cannot complete stale work.
 *
 * A batch takes more than one transaction in two cases. A handler that fails undoes the
 * transaction; the deadlines before it are fired again in a transaction of their own, then the
 * ones after it, so no handler runs more than twice for one failure; the failing one is reported
 * failed (handlers must therefore only write through `tx`). And a batch whose handlers have used
 * half of what is left of the lease commits what is done and fires the rest in a new transaction,
 * so slow handlers still make progress under a short lease.
 */
export async function fireClaimedDeadlines(
  db: Db,
  claims: readonly ClaimedDeadline[],
  handler: DeadlineHandler,
  clock: Clock,
  idleLimitMs?: number,
): Promise<FireOutcome[]> {
  const { outcomes, interrupted } = await fireParts(db, claims, handler, clock, idleLimitMs);
  // The transaction itself failed (connection lost, session ended): what it held was undone.
  if (interrupted !== undefined) throw interrupted.error;
  return outcomes;
}

async function fireParts(db: Db, claims: readonly ClaimedDeadline[], handler: DeadlineHandler, clock: Clock, idleLimitMs?: number): Promise<FiredParts> {
  const outcomes: FireOutcome[] = [];
  // Each part is fired in one transaction; a part that stops early puts what is left in front.
  const parts: ClaimedDeadline[][] = claims.length > 0 ? [[...claims]] : [];
  while (parts.length > 0) {
    const part = parts.shift()!;
    const start = clock.now().getTime();
    const live: ClaimedDeadline[] = [];
    for (const claim of part) {
      if (start >= claim.leaseUntil.getTime()) outcomes.push({ claim, result: 'stale', reason: 'the lease expired before it started' });
      else live.push(claim);
    }
    if (live.length === 0) continue;
    try {
      const done = await db.transaction((tx) => fireInOneTransaction(tx, live, handler, clock, idleLimitMs));
      outcomes.push(...done.outcomes);
      if (done.deferred.length > 0) parts.unshift(done.deferred);
    } catch (error) {
      if (error instanceof LeaseRanOut) {
        outcomes.push(...live.map((claim): FireOutcome => ({ claim, result: 'stale', reason: 'the lease expired while it was being handled' })));
      } else if (error instanceof HandlerFailed) {
        outcomes.push({ claim: error.claim, result: 'failed', error: error.error });
        const at = live.indexOf(error.claim);
        const after = live.slice(at + 1);
        if (after.length > 0) parts.unshift(after);
        if (at > 0) parts.unshift(live.slice(0, at));
      } else {
        return { outcomes, interrupted: { claims: [...live, ...parts.flat()], error } };
      }
    }
  }
  return { outcomes };
}

async function fireInOneTransaction(
  tx: Tx,
  claims: readonly ClaimedDeadline[],
  handler: DeadlineHandler,
  clock: Clock,
  idleLimitMs?: number,
): Promise<{ outcomes: FireOutcome[]; deferred: ClaimedDeadline[] }> {
  const begun = clock.now().getTime();
  // A worker frozen mid-transaction must not hold its locks for ever: the server ends its session.
  const idle = idleLimitMs === undefined ? null : `${Math.max(1, Math.round(idleLimitMs))}ms`;
  await tx.query(
    `SELECT CASE WHEN $2::text IS NULL THEN NULL ELSE set_config('idle_in_transaction_session_timeout', $2::text, true) END AS idle,
            (SELECT count(pg_advisory_xact_lock(hashtext('resolve:stream'), k))
               FROM (SELECT DISTINCT hashtext(s) AS k FROM unnest($1::text[]) AS s ORDER BY 1) AS ordered) AS locked`,
    [[...new Set(claims.map((c) => c.streamId))], idle],
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
  // Past half of what is left of the shortest lease, commit what is done and go on in a new transaction.
  const windUpAt = begun + (claims.reduce((first, c) => Math.min(first, c.leaseUntil.getTime()), Infinity) - begun) / 2;
  const outcomes: FireOutcome[] = [];
  const deferred: ClaimedDeadline[] = [];
  let handled = 0;
  for (const claim of claims) {
    if (!held.has(claim.id)) {
      outcomes.push({ claim, result: 'stale', reason: 'another claim replaced it, or it was moved, cancelled or fired' });
      continue;
    }
    if (deferred.length > 0 || (handled > 0 && clock.now().getTime() >= windUpAt)) {
      deferred.push(claim);
      continue;
    }
    try {
      await handler(tx, claim, { now, workerId: claim.claimedBy });
    } catch (error) {
      throw new HandlerFailed(claim, error);
    }
    handled += 1;
    outcomes.push({ claim, result: 'fired' });
  }
  const end = clock.now().getTime();
  if (outcomes.some((o) => o.result === 'fired' && end >= o.claim.leaseUntil.getTime())) throw new LeaseRanOut();
  if (deferred.length > 0) {
    // Marked fired above but not handled: back to claimed, as they were, for the next transaction.
    await tx.query(
      `UPDATE deadlines d
          SET status = 'scheduled', fired_at = NULL, fired_by = NULL, claimed_by = c.worker, lease_until = c.lease, last_error = c.error, updated_at = $6
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[], $5::text[]) AS c(id, token, worker, lease, error)
        WHERE d.id = c.id AND d.fencing_token = c.token AND d.status = 'fired'`,
      [
        deferred.map((c) => c.id), deferred.map((c) => c.fencingToken), deferred.map((c) => c.claimedBy), deferred.map((c) => c.leaseUntil.toISOString()),
        deferred.map((c) => c.lastError), now.toISOString(),
      ],
    );
  }
  return { outcomes, deferred };
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
  /**
   * Deadlines claimed at once and fired in one transaction; default 100. Each stream in a batch
   * is one advisory lock held until the commit, from PostgreSQL's shared lock table
   * (max_locks_per_transaction x max_connections entries), so keep batch x concurrency x
   * instances well below it.
   */
  readonly batchSize?: number;
  readonly leaseMs?: number;
  /**
   * Batches firing at once, each in its own transaction, while `start()` works through a backlog;
   * default 4, and 1 on PGlite, which has one connection. The pool needs one connection more,
   * for claiming ahead.
   */
  readonly concurrency?: number;
  /** At most this many deadlines in one transaction: a batch is then fired in chunks, one after another. Default: the whole batch. */
  readonly chunkSize?: number;
  /**
   * Claim the next batch while one fires, when a batch came back full (so more may be due): at
   * most one batch claimed ahead. Default on; always off on PGlite, whose one connection would
   * only queue the claim behind the firing.
   */
  readonly prefetch?: boolean;
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
  /**
   * Fires one batch of due deadlines: the batch claimed ahead by the previous call if there is
   * one (its claims that expired meanwhile are reported stale), else one it claims now. When the
   * batch is full it claims the next one while this one fires, and resolves once both are done.
   */
  runOnce(): Promise<DispatchReport>;
  /**
   * Repeats `runOnce` until `stop()`: while batches come back full, `concurrency` of them fire at
   * once; it rests `idleMs` whenever nothing was due, and backs off when a pass fails.
   */
  start(): Promise<void>;
  /** Ends the loop after the batches firing now, and lets go of a batch claimed ahead. */
  stop(): Promise<void>;
  readonly totals: Readonly<DispatchReport>;
}

const emptyReport = (): DispatchReport => ({ claimed: 0, fired: 0, stale: 0, failed: 0 });

function addReport(to: DispatchReport, from: Readonly<DispatchReport>): void {
  for (const k of Object.keys(to) as (keyof DispatchReport)[]) to[k] += from[k];
}

export function createDeadlineDispatcher(options: DeadlineDispatcherOptions): DeadlineDispatcher {
  const { db, clock, workerId, handler } = options;
  const batchSize = Math.max(1, options.batchSize ?? 100);
  const leaseMs = options.leaseMs ?? 30_000;
  const concurrency = db.kind === 'pglite' ? 1 : Math.max(1, options.concurrency ?? 4);
  const prefetch = db.kind === 'pglite' ? false : (options.prefetch ?? true);
  const retryBaseMs = options.retryBaseMs ?? 60_000;
  const chunkSize = Math.max(1, options.chunkSize ?? batchSize);
  const sleep = options.sleep ?? realSleep;
  const totals = emptyReport();
  /** The one batch claimed ahead (or being claimed), for the next `runOnce`. */
  let ahead: Promise<ClaimedDeadline[]> | undefined;
  let stopping = false;

  const claim = () => claimDueDeadlines(db, { workerId, now: clock.now(), leaseMs, limit: batchSize });

  async function fireChunk(chunk: readonly ClaimedDeadline[], report: DispatchReport): Promise<void> {
    const { outcomes, interrupted } = await fireParts(db, chunk, handler, clock, db.kind === 'postgres' ? leaseMs : undefined);
    if (interrupted !== undefined) {
      // The transaction itself failed (connection lost, session ended): nothing in it happened;
      // the claims expire with their lease and are taken again.
      report.failed += interrupted.claims.length;
      for (const claim of interrupted.claims) options.onError?.(interrupted.error, claim);
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

  /** One batch; `onClaimed` is told, before it fires, whether the batch came back full. */
  async function runBatch(onClaimed?: (full: boolean) => void): Promise<DispatchReport> {
    const taken = ahead;
    ahead = undefined;
    const claims = taken !== undefined ? await taken : await claim();
    const full = claims.length >= batchSize;
    let claimingAhead: Promise<void> | undefined;
    if (prefetch && !stopping && full && ahead === undefined) {
      const next = claim();
      ahead = next;
      // A failed claim ahead fails the batch that takes it, not this one.
      claimingAhead = next.then(() => undefined, () => undefined);
    }
    onClaimed?.(full);
    const report: DispatchReport = { ...emptyReport(), claimed: claims.length };
    for (let i = 0; i < claims.length; i += chunkSize) await fireChunk(claims.slice(i, i + chunkSize), report);
    await claimingAhead;
    addReport(totals, report);
    return report;
  }

  /**
   * One pass: a batch; if it comes back full, the other lanes start at once, and all
   * `concurrency` of them go on while batches come back full.
   */
  async function pass(): Promise<DispatchReport> {
    const report = emptyReport();
    let backlog = false;
    const failures: unknown[] = [];
    // A lane that fails stops the others after their batch; the pass ends when all have, and fails.
    const guarded = async (work: () => Promise<void>) => {
      try {
        await work();
      } catch (error) {
        failures.push(error);
        backlog = false;
      }
    };
    const lanes: Promise<void>[] = [];
    const lane = () =>
      guarded(async () => {
        while (backlog && !stopping) {
          const next = await runBatch();
          addReport(report, next);
          if (next.claimed < batchSize) backlog = false;
        }
      });
    await guarded(async () => {
      const first = await runBatch((full) => {
        backlog = full;
        if (full) for (let i = 1; i < concurrency; i++) lanes.push(lane());
      });
      addReport(report, first);
      if (first.claimed < batchSize) backlog = false;
    });
    lanes.push(lane());
    await Promise.all(lanes);
    if (failures.length > 0) throw failures[0];
    return report;
  }

  async function letGoOfAhead(): Promise<void> {
    const held = ahead;
    ahead = undefined;
    if (held === undefined) return;
    const claims = await held.catch((): ClaimedDeadline[] => []);
    // When this fails too, the claims simply expire with their lease.
    await releaseClaims(db, claims, clock.now()).catch(() => undefined);
  }

  const loop = pollLoop(pass, (report) => report.claimed === 0, (signal) => sleep(options.idleMs ?? 1000, signal), {
    sleep,
    ...(options.onLoopError !== undefined && { onError: options.onLoopError }),
    ...(options.loopBackoff !== undefined && { backoff: options.loopBackoff }),
  });

  return {
    runOnce: () => runBatch(),
    totals,
    start() {
      stopping = false;
      return loop.start();
    },
    async stop() {
      stopping = true;
      await loop.stop();
      await letGoOfAhead();
    },
  };
}
