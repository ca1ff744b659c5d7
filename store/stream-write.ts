/**
 * A command's reads and writes as few round trips as the database allows (migration 0011): the
 * stream and its deadlines in one statement, and everything the decision changes in one more
 * (`write_streams`), which checks the stream's version under its lock, makes the deadlines agree,
 * writes the read models, queues the effects and stages the events. The events join the audit
 * chain as the transaction commits, inside the server, so no connection holds the audit head
 * while it waits for Node.
 */
import type { NamedStatement, Queryable } from './db.js';
import type { DeadlineDiff, DeadlineStatus, DesiredDeadline } from './deadlines.js';
import { chainBodies, ConcurrencyConflict, streamRecordFromRow, type StoredEvent, type StreamRecord, type StreamRow } from './events.js';
import type { OutboxEffect } from './outbox.js';

/** A deadline as a command sees it: enough to decide what must change. */
export interface SeenDeadline {
  readonly id: number;
  readonly key: string;
  readonly kind: string;
  readonly dueAt: Date;
  readonly data: Record<string, unknown>;
  readonly status: DeadlineStatus;
}

/** A stream as read for a command: its events (staged ones too, inside a transaction) and its deadlines. */
export interface LoadedStream<E extends StoredEvent> {
  readonly version: number;
  readonly records: readonly StreamRecord<E>[];
  readonly deadlines: readonly SeenDeadline[];
}

/**
 * A read model row, written by the database function `fn` (named `project_<name>`, defined in a
 * migration) from `row`, in the statement that writes the events.
 */
export interface Projection {
  readonly fn: `project_${string}`;
  readonly row: Readonly<Record<string, unknown>>;
}

/** A command's two statements, kept prepared on a server's connections. */
const READ_FOR_COMMAND: NamedStatement = { name: 'resolve_read_for_command', text: 'SELECT events, deadlines FROM read_stream_for_command($1, $2)' };
const WRITE_STREAMS: NamedStatement = { name: 'resolve_write_streams', text: 'SELECT write_streams($1::jsonb)' };

interface DeadlineRowJson {
  id: number;
  key: string;
  kind: string;
  due_at: string;
  data: Record<string, unknown>;
  status: DeadlineStatus;
}

/**
 * Reads the stream's events and deadlines in one statement. With `lock` (inside a transaction)
 * it takes the stream's lock first and reads after it is granted, so the caller decides on what
 * it will write after; without, the read is optimistic and `write_streams` checks the version.
 */
export async function readForCommand<E extends StoredEvent>(q: Queryable, streamId: string, options: { readonly lock: boolean }): Promise<LoadedStream<E>> {
  const [row] = await q.query<{ events: StreamRow[]; deadlines: DeadlineRowJson[] }>(READ_FOR_COMMAND, [streamId, options.lock]);
  const records = (row?.events ?? []).map((r) => streamRecordFromRow<E>(r));
  const deadlines = (row?.deadlines ?? []).map((d): SeenDeadline => ({ id: Number(d.id), key: d.key, kind: d.kind, dueAt: new Date(d.due_at), data: d.data, status: d.status }));
  return { version: records.at(-1)?.version ?? 0, records, deadlines };
}

/** What `write_streams` does to a stream's deadlines. */
export interface DeadlineOps {
  readonly insert: readonly { readonly key: string; readonly kind: string; readonly due: string; readonly data: Readonly<Record<string, unknown>> }[];
  /** Moved, changed or re-armed; refused if the row's status is no longer the one seen. */
  readonly update: readonly { readonly id: number; readonly seenStatus: DeadlineStatus; readonly kind: string; readonly due: string; readonly data: Readonly<Record<string, unknown>> }[];
  /** Cancelled if still scheduled. */
  readonly cancel: readonly number[];
}

function dueInstant(d: DesiredDeadline, streamId: string): Date {
  const due = new Date(d.dueAt);
  if (Number.isNaN(due.getTime())) {
    throw new TypeError(`Deadline ${d.key} of stream ${streamId} has no valid due time: give dueAt as an ISO 8601 date-time.`);
  }
  return due;
}

const sameData = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(JSON.parse(JSON.stringify(b ?? {})));

/**
 * What it takes for the stream's deadlines to match `desired`: new keys are added, changed due
 * times or bodies written, scheduled deadlines no longer wanted cancelled. A fired deadline stays
 * fired unless it is wanted again at a different time (re-armed). Pure: a command's write
 * (`write_streams`) and `syncDeadlines` both apply what it decides.
 */
export function planDeadlines(streamId: string, existing: readonly SeenDeadline[], desired: readonly DesiredDeadline[]): { readonly ops: DeadlineOps; readonly diff: DeadlineDiff } {
  const keys = new Set<string>();
  for (const d of desired) {
    if (keys.has(d.key)) throw new TypeError(`Deadline key ${d.key} appears twice for stream ${streamId}: keys must be unique within a stream.`);
    keys.add(d.key);
  }
  const byKey = new Map(existing.map((row) => [row.key, row]));
  const ops = { insert: [] as DeadlineOps['insert'][number][], update: [] as DeadlineOps['update'][number][], cancel: [] as number[] };
  const diff: DeadlineDiff = { added: [], moved: [], cancelled: [] };
  for (const d of desired) {
    const due = dueInstant(d, streamId);
    const data = d.data ?? {};
    const row = byKey.get(d.key);
    if (row === undefined) {
      ops.insert.push({ key: d.key, kind: d.kind, due: due.toISOString(), data });
      diff.added.push(d.key);
      continue;
    }
    const sameTime = row.dueAt.getTime() === due.getTime();
    if (row.status === 'fired' && sameTime) continue;
    if (row.status === 'scheduled' && sameTime && row.kind === d.kind && sameData(row.data, data)) continue;
    ops.update.push({ id: row.id, seenStatus: row.status, kind: d.kind, due: due.toISOString(), data });
    if (row.status === 'scheduled' && !sameTime) diff.moved.push(d.key);
    else if (row.status !== 'scheduled') diff.added.push(d.key);
  }
  for (const row of existing) {
    if (row.status === 'scheduled' && !keys.has(row.key)) {
      ops.cancel.push(row.id);
      diff.cancelled.push(row.key);
    }
  }
  return { ops, diff };
}

/** Everything one command decided for one stream. */
export interface StreamWrite<E extends StoredEvent = StoredEvent> {
  readonly streamId: string;
  readonly expectedVersion: number;
  readonly events: readonly E[];
  readonly deadlines?: DeadlineOps;
  readonly projections?: readonly Projection[];
  readonly effects?: readonly OutboxEffect[];
  readonly now: Date;
}

/** The write as `write_streams` takes it, and the records the events will be once written. */
export function encodeWrite<E extends StoredEvent>(write: StreamWrite<E>): { readonly json: unknown; readonly records: StreamRecord<E>[] } {
  for (const e of write.effects ?? []) {
    if (e.idempotencyKey.trim() === '') throw new TypeError(`An outbox effect of kind ${e.kind} has an empty idempotency key: give every effect a stable, unique key.`);
  }
  const bodies = chainBodies(write.streamId, write.expectedVersion, write.events, write.now);
  const json = {
    streamId: write.streamId,
    expectedVersion: write.expectedVersion,
    now: write.now.toISOString(),
    events: bodies.map((b) => ({ type: b.record.type, occurredAt: b.record.occurredAt, event: b.record.event, before: b.before, after: b.after })),
    deadlines: write.deadlines ?? { insert: [], update: [], cancel: [] },
    projections: write.projections ?? [],
    effects: (write.effects ?? []).map((e) => ({
      key: e.idempotencyKey,
      destination: e.destination,
      tenant: e.tenant ?? '',
      kind: e.kind,
      payload: e.payload ?? null,
      notBefore: new Date(e.notBefore ?? write.now).toISOString(),
    })),
  };
  return { json, records: bodies.map((b) => b.record) };
}

/** `write_streams` refused the write because the stream or a deadline moved on since it was read. */
export function isStaleWrite(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code === '40001' && typeof message === 'string' && message.startsWith('resolve: ');
}

const STALE = /^resolve: stream (.+) is at version (\d+), not (\d+)$/;

/**
 * Writes every stream's change in one statement and returns the records its events became. Run
 * on the database itself it is one transaction of its own; inside a `Tx` it joins that
 * transaction. A stream that moved on since it was read is refused as `ConcurrencyConflict`,
 * with nothing written.
 */
export async function writeStreams<E extends StoredEvent>(q: Queryable, writes: readonly StreamWrite<E>[]): Promise<StreamRecord<E>[][]> {
  if (writes.length === 0) return [];
  const encoded = writes.map((w) => encodeWrite(w));
  try {
    await q.query(WRITE_STREAMS, [JSON.stringify(encoded.map((e) => e.json))]);
  } catch (error) {
    if (isStaleWrite(error)) {
      const message = (error as Error).message;
      const moved = STALE.exec(message);
      if (moved) throw new ConcurrencyConflict(moved[1]!, Number(moved[3]), Number(moved[2]));
      throw new ConcurrencyConflict(writes[0]!.streamId, writes[0]!.expectedVersion, -1, message.slice('resolve: '.length));
    }
    throw error;
  }
  return encoded.map((e) => e.records);
}
