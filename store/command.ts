/**
 * One command, one transaction: load the stream, fold it, decide, then write the new events,
 * the read models, the deadlines the new state implies and the outbound effects together.
 * Generic over the model, so the store knows nothing of escalation rules.
 */
import type { Clock } from './clock.js';
import type { Db, Tx } from './db.js';
import { readStreamAndDeadlines, syncDeadlines, type DeadlineDiff, type DesiredDeadline } from './deadlines.js';
import { appendToLockedStream, ConcurrencyConflict, lockStream, readStream, type EventRecord, type StoredEvent } from './events.js';
import { enqueueEffects, type OutboxEffect } from './outbox.js';

export interface Refusal {
  readonly code: string;
  readonly message: string;
}

export type Decision<E> = { readonly ok: true; readonly events: readonly E[] } | { readonly ok: false; readonly refusal: Refusal };

/** What the store needs to know about a kind of stream. */
export interface StreamModel<S, C, E extends StoredEvent> {
  evolve(state: S | undefined, event: E): S;
  decide(state: S | undefined, command: C, now: Date): Decision<E>;
  /** Every deadline the state should have now; the store adds, moves and cancels to match. */
  deadlinesOf?(state: S, now: Date): readonly DesiredDeadline[];
  /** Outbound effects caused by these events; each has an idempotency key. */
  effectsOf?(change: StreamChange<S, E>): readonly OutboxEffect[];
  /** Updates read models, in the same transaction. */
  project?(tx: Tx, change: StreamChange<S, E>): Promise<void>;
}

export interface StreamChange<S, E> {
  readonly streamId: string;
  readonly before: S | undefined;
  readonly after: S;
  readonly events: readonly E[];
  /** The stream's version once these events are written. */
  readonly version: number;
  readonly now: Date;
}

export type CommandOutcome<S, E extends StoredEvent> =
  | {
      readonly ok: true;
      readonly state: S | undefined;
      readonly records: readonly EventRecord<E>[];
      readonly version: number;
      readonly deadlines: DeadlineDiff;
      readonly attempts: number;
    }
  | { readonly ok: false; readonly refusal: Refusal; readonly state: S | undefined; readonly version: number; readonly attempts: number };

export function foldEvents<S, E>(evolve: (state: S | undefined, event: E) => S, events: readonly E[], from?: S): S | undefined {
  return events.reduce<S | undefined>((state, event) => evolve(state, event), from);
}

/**
 * Runs the command inside `tx`, once. The stream's lock is taken before the stream is read, and
 * every writer of a stream takes it, so the decision is made on the version the events are
 * appended after. Should a writer ever skip the lock, the unique (stream, version) index refuses
 * the append as `ConcurrencyConflict`, and the caller retries the whole cycle.
 */
export async function handleCommandIn<S, C, E extends StoredEvent>(
  tx: Tx,
  model: StreamModel<S, C, E>,
  streamId: string,
  command: C,
  now: Date,
): Promise<CommandOutcome<S, E>> {
  await lockStream(tx, streamId);
  // With deadlines to keep, the stream and its deadlines come back in one statement.
  const { version, records, deadlines: existing } = model.deadlinesOf
    ? await readStreamAndDeadlines<E>(tx, streamId)
    : { ...(await readStream<E>(tx, streamId)), deadlines: undefined };
  const before = foldEvents(model.evolve, records.map((r) => r.event));
  const decision = model.decide(before, command, now);
  if (!decision.ok) return { ok: false, refusal: decision.refusal, state: before, version, attempts: 1 };
  const none: DeadlineDiff = { added: [], moved: [], cancelled: [] };
  if (decision.events.length === 0) return { ok: true, state: before, records: [], version, deadlines: none, attempts: 1 };

  const after = foldEvents(model.evolve, decision.events, before) as S;
  const change: StreamChange<S, E> = { streamId, before, after, events: decision.events, version: version + decision.events.length, now };
  const deadlines = model.deadlinesOf ? await syncDeadlines(tx, streamId, model.deadlinesOf(after, now), now, { streamLocked: true, ...(existing !== undefined && { existing }) }) : none;
  if (model.project) await model.project(tx, change);
  if (model.effectsOf) await enqueueEffects(tx, model.effectsOf(change), { streamId, now });
  // The append goes last: it holds the global audit-head lock until commit.
  const written = await appendToLockedStream(tx, streamId, version, decision.events, now);
  return { ok: true, state: after, records: written, version: change.version, deadlines, attempts: 1 };
}

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

export function isRetryable(error: unknown): boolean {
  return error instanceof ConcurrencyConflict || RETRYABLE_SQLSTATES.has((error as { code?: string } | null)?.code ?? '');
}

/** Runs `attempt` again while it fails with a conflict, up to `maxAttempts` times in all. */
export async function withConcurrencyRetry<T>(attempt: (n: number) => Promise<T>, maxAttempts = 5): Promise<{ value: T; attempts: number }> {
  for (let n = 1; ; n++) {
    try {
      return { value: await attempt(n), attempts: n };
    } catch (error) {
      if (!isRetryable(error) || n >= maxAttempts) throw error;
    }
  }
}

/** Runs the command in its own transaction, retrying the whole read-decide-write cycle on conflict. */
export async function handleCommand<S, C, E extends StoredEvent>(
  db: Db,
  model: StreamModel<S, C, E>,
  streamId: string,
  command: C,
  options: { readonly clock: Clock; readonly maxAttempts?: number },
): Promise<CommandOutcome<S, E>> {
  const { value, attempts } = await withConcurrencyRetry(
    () => db.transaction((tx) => handleCommandIn(tx, model, streamId, command, options.clock.now())),
    options.maxAttempts,
  );
  return { ...value, attempts };
}
