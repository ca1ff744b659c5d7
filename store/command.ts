/**
 * One command: load the stream, fold it, decide, then write the new events, the read models, the
 * deadlines the new state implies and the outbound effects together, in one statement
 * (`write_streams`, migration 0011). Generic over the model, so the store knows nothing of
 * escalation rules.
 */
import type { Clock } from './clock.js';
import type { Db, Tx } from './db.js';
import type { DeadlineDiff, DesiredDeadline } from './deadlines.js';
import { ConcurrencyConflict, type StoredEvent, type StreamRecord } from './events.js';
import type { OutboxEffect } from './outbox.js';
import { planDeadlines, readForCommand, writeStreams, type LoadedStream, type Projection, type StreamWrite } from './stream-write.js';

export type { LoadedStream } from './stream-write.js';

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
  /** Read model rows to write with the events (each by its `project_<name>` database function). */
  projectionsOf?(change: StreamChange<S, E>): readonly Projection[];
  /** The model's own error for a database refusal of its write (a read model's unique key), if it has one. */
  writeError?(error: unknown, change: StreamChange<S, E>): Error | undefined;
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
      /** The events written, as the stream holds them (they join the audit chain at commit). */
      readonly records: readonly StreamRecord<E>[];
      readonly version: number;
      readonly deadlines: DeadlineDiff;
      readonly attempts: number;
    }
  | { readonly ok: false; readonly refusal: Refusal; readonly state: S | undefined; readonly version: number; readonly attempts: number };

export function foldEvents<S, E>(evolve: (state: S | undefined, event: E) => S, events: readonly E[], from?: S): S | undefined {
  return events.reduce<S | undefined>((state, event) => evolve(state, event), from);
}

const NO_DEADLINE_CHANGE: DeadlineDiff = { added: [], moved: [], cancelled: [] };

type Prepared<S, E extends StoredEvent> =
  | { readonly done: CommandOutcome<S, E> }
  | { readonly done?: undefined; readonly write: StreamWrite<E>; readonly change: StreamChange<S, E>; readonly deadlines: DeadlineDiff };

/** Folds the loaded stream, decides, and works out the write: no I/O. */
function prepare<S, C, E extends StoredEvent>(model: StreamModel<S, C, E>, streamId: string, command: C, now: Date, loaded: LoadedStream<E>, folded?: { readonly state: S | undefined }): Prepared<S, E> {
  const { version } = loaded;
  const before = folded !== undefined ? folded.state : foldEvents(model.evolve, loaded.records.map((r) => r.event));
  const decision = model.decide(before, command, now);
  if (!decision.ok) return { done: { ok: false, refusal: decision.refusal, state: before, version, attempts: 1 } };
  if (decision.events.length === 0) return { done: { ok: true, state: before, records: [], version, deadlines: NO_DEADLINE_CHANGE, attempts: 1 } };
  const after = foldEvents(model.evolve, decision.events, before) as S;
  const change: StreamChange<S, E> = { streamId, before, after, events: decision.events, version: version + decision.events.length, now };
  const planned = model.deadlinesOf ? planDeadlines(streamId, loaded.deadlines, model.deadlinesOf(after, now)) : undefined;
  const write: StreamWrite<E> = {
    streamId,
    expectedVersion: version,
    events: decision.events,
    now,
    ...(planned !== undefined && { deadlines: planned.ops }),
    ...(model.projectionsOf && { projections: model.projectionsOf(change) }),
    ...(model.effectsOf && { effects: model.effectsOf(change) }),
  };
  return { write, change, deadlines: planned?.diff ?? NO_DEADLINE_CHANGE };
}

async function write<S, C, E extends StoredEvent>(q: Db | Tx, model: StreamModel<S, C, E>, prepared: Exclude<Prepared<S, E>, { done: CommandOutcome<S, E> }>): Promise<CommandOutcome<S, E>> {
  let records: StreamRecord<E>[];
  try {
    [records = []] = await writeStreams(q, [prepared.write]);
  } catch (error) {
    throw model.writeError?.(error, prepared.change) ?? error;
  }
  return { ok: true, state: prepared.change.after, records, version: prepared.change.version, deadlines: prepared.deadlines, attempts: 1 };
}

/**
 * Runs the command inside `tx`, once, in two statements: the stream is read under its lock (every
 * writer of a stream takes it), so the decision is made on the version the events are written
 * after, then everything is written at once. The events join the audit chain when `tx` commits.
 */
export async function handleCommandIn<S, C, E extends StoredEvent>(
  tx: Tx,
  model: StreamModel<S, C, E>,
  streamId: string,
  command: C,
  now: Date,
  /**
   * The stream as `tx` has just read it under its lock (`readForCommand` with `lock`), and if the
   * caller folded it with this model's `evolve`, the state: neither is done again.
   */
  lockedRead?: { readonly loaded: LoadedStream<E>; readonly folded?: { readonly state: S | undefined } },
): Promise<CommandOutcome<S, E>> {
  const loaded = lockedRead?.loaded ?? (await readForCommand<E>(tx, streamId, { lock: true }));
  const prepared = prepare(model, streamId, command, now, loaded, lockedRead?.folded);
  return prepared.done ?? write(tx, model, prepared);
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

/**
 * Runs the command on its own: one read (or none, given the stream the caller has just read with
 * `readForCommand`) and one write statement, which is its own transaction. The read takes no
 * lock; the write checks the version under the stream's lock, and when another change landed
 * first the whole read-decide-write cycle runs again on a fresh read.
 */
export async function handleCommand<S, C, E extends StoredEvent>(
  db: Db,
  model: StreamModel<S, C, E>,
  streamId: string,
  command: C,
  options: {
    readonly clock: Clock;
    readonly maxAttempts?: number;
    readonly loaded?: LoadedStream<E>;
    /** `loaded` as the caller has already folded it with this model's `evolve`: not folded again. */
    readonly loadedState?: { readonly state: S | undefined };
  },
): Promise<CommandOutcome<S, E>> {
  const { value, attempts } = await withConcurrencyRetry(async (n) => {
    const given = n === 1 && options.loaded !== undefined;
    const loaded = given ? options.loaded! : await readForCommand<E>(db, streamId, { lock: false });
    const prepared = prepare(model, streamId, command, options.clock.now(), loaded, given ? options.loadedState : undefined);
    return prepared.done ?? write(db, model, prepared);
  }, options.maxAttempts);
  return { ...value, attempts };
}
