/**
 * The event store: per-stream appends with optimistic concurrency, and one global, gap-free,
 * hash-chained sequence across all streams (the audit trail). Rows are never updated or
 * deleted; the database refuses it (migration 0001).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { Db, Queryable, Tx } from './db.js';

/** The least an event must carry to be stored: its type and when it happened (ISO 8601). */
export interface StoredEvent {
  readonly type: string;
  readonly at: string;
}

export interface EventRecord<E extends StoredEvent = StoredEvent> {
  readonly seq: number;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly event: E;
  readonly prevHash: string;
  readonly hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** Another writer appended to the stream first. Reload, decide again, and retry. */
export class ConcurrencyConflict extends Error {
  override readonly name = 'ConcurrencyConflict';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`Stream ${streamId} is at version ${actualVersion}, not ${expectedVersion}: another change landed first; reload and try again.`);
  }
}

interface EventRow {
  seq: number;
  stream_id: string;
  version: number;
  type: string;
  occurred_at: Date;
  recorded_at: Date;
  event: unknown;
  prev_hash: string;
  hash: string;
}

const COLUMNS = 'seq, stream_id, version, type, occurred_at, recorded_at, event, prev_hash, hash';

function toRecord<E extends StoredEvent>(row: EventRow): EventRecord<E> {
  return {
    seq: row.seq,
    streamId: row.stream_id,
    version: row.version,
    type: row.type,
    occurredAt: new Date(row.occurred_at).toISOString(),
    recordedAt: new Date(row.recorded_at).toISOString(),
    event: row.event as E,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** SHA-256 of the previous hash followed by the canonical JSON of everything stored in the row. */
export function chainHash(prevHash: string, record: Omit<EventRecord, 'prevHash' | 'hash'>): string {
  const body = canonicalJson({
    seq: record.seq,
    streamId: record.streamId,
    version: record.version,
    type: record.type,
    occurredAt: record.occurredAt,
    recordedAt: record.recordedAt,
    event: record.event,
  });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

/**
 * Serialises writers of one stream until the transaction ends. Every transaction that writes a
 * stream's events or deadlines takes this first, so locks are always taken in the same order.
 */
export async function lockStream(tx: Tx, streamId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('resolve:stream'), hashtext($1))`, [streamId]);
}

/** The number of events in the stream (0 when it does not exist). */
export async function streamVersion(q: Queryable, streamId: string): Promise<number> {
  const [row] = await q.query<{ version: number }>('SELECT coalesce(max(version), 0) AS version FROM events WHERE stream_id = $1', [streamId]);
  return row?.version ?? 0;
}

export async function readStream<E extends StoredEvent>(q: Queryable, streamId: string): Promise<{ version: number; records: EventRecord<E>[] }> {
  const rows = await q.query<EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream_id = $1 ORDER BY version`, [streamId]);
  const records = rows.map((r) => toRecord<E>(r));
  return { version: records.at(-1)?.version ?? 0, records };
}

function checkEvent(event: StoredEvent, streamId: string): string {
  if (typeof event.type !== 'string' || event.type === '') {
    throw new TypeError(`An event for stream ${streamId} has no type: every event needs a non-empty "type".`);
  }
  const at = typeof event.at === 'string' ? new Date(event.at) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) {
    throw new TypeError(`The ${event.type} event for stream ${streamId} has no valid "at": give when it happened as an ISO 8601 date-time.`);
  }
  return at.toISOString();
}

/**
 * Appends `events` after `expectedVersion`, or throws `ConcurrencyConflict` when the stream has
 * moved on. Takes the audit head's row lock for the rest of the transaction: keep what follows
 * an append short.
 */
export async function appendToStream<E extends StoredEvent>(
  tx: Tx,
  streamId: string,
  expectedVersion: number,
  events: readonly E[],
  recordedAt: Date,
): Promise<EventRecord<E>[]> {
  events.forEach((e) => checkEvent(e, streamId));
  await lockStream(tx, streamId);
  const actual = await streamVersion(tx, streamId);
  if (actual !== expectedVersion) throw new ConcurrencyConflict(streamId, expectedVersion, actual);
  return appendToLockedStream(tx, streamId, expectedVersion, events, recordedAt);
}

/**
 * The append itself, for a caller that has already taken `lockStream` in this transaction and
 * seen the stream at `expectedVersion` under that lock (as `handleCommandIn` does), so the
 * lock and the version check are not repeated. Two statements hold the audit head: reading it
 * (`FOR UPDATE`), then one statement that inserts the events and moves the head.
 */
export async function appendToLockedStream<E extends StoredEvent>(
  tx: Tx,
  streamId: string,
  expectedVersion: number,
  events: readonly E[],
  recordedAt: Date,
): Promise<EventRecord<E>[]> {
  const occurred = events.map((e) => checkEvent(e, streamId));
  if (events.length === 0) return [];
  // Everything that needs no lock is ready before the head is taken.
  const recorded = recordedAt.toISOString();
  const bodies = events.map((event, i) => ({
    streamId,
    version: expectedVersion + i + 1,
    type: event.type,
    occurredAt: occurred[i]!,
    recordedAt: recorded,
    event: JSON.parse(JSON.stringify(event)) as E,
  }));

  const [head] = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id FOR UPDATE');
  if (!head) throw new Error('The audit head row is missing: the event store was damaged; run "resolve audit verify".');
  const records: EventRecord<E>[] = [];
  let prevHash = head.hash;
  bodies.forEach((body, i) => {
    const numbered = { seq: head.seq + i + 1, ...body };
    const hash = chainHash(prevHash, numbered);
    records.push({ ...numbered, prevHash, hash });
    prevHash = hash;
  });

  const last = records.at(-1)!;
  const params: unknown[] = [last.seq, last.hash];
  const tuples = records.map((r) => {
    const n = params.push(r.seq, r.streamId, r.version, r.type, r.occurredAt, r.recordedAt, JSON.stringify(r.event), r.prevHash, r.hash);
    const p = (k: number) => `$${n - 9 + k}`;
    return `(${p(1)}::bigint, ${p(2)}, ${p(3)}::integer, ${p(4)}, ${p(5)}::timestamptz, ${p(6)}::timestamptz, ${p(7)}::jsonb, ${p(8)}, ${p(9)})`;
  });
  try {
    // A data-modifying CTE always runs to completion, so the events and the head move together.
    await tx.query(
      `WITH appended AS (INSERT INTO events (${COLUMNS}) VALUES ${tuples.join(', ')})
       UPDATE audit_head SET seq = $1::bigint, hash = $2 WHERE id`,
      params,
    );
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new ConcurrencyConflict(streamId, expectedVersion, await streamVersion(tx, streamId).catch(() => -1));
    throw error;
  }
  return records;
}

export type ChainVerification =
  | { readonly ok: true; readonly head: string; readonly count: number }
  | { readonly ok: false; readonly firstBadSeq: number; readonly reason: string; readonly count: number };

/**
 * Walks the whole chain in sequence order and recomputes every hash. Names the first sequence
 * number that is missing, out of place, or whose contents no longer match its hash. Given the
 * database, it reads one consistent snapshot, so appends made meanwhile do not confuse it.
 */
export async function verifyChain(source: Db | Tx, options: { batchSize?: number } = {}): Promise<ChainVerification> {
  if (source.inTransaction) return walkChain(source, options.batchSize ?? 1000);
  return source.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return walkChain(tx, options.batchSize ?? 1000);
  });
}

async function walkChain(q: Queryable, batchSize: number): Promise<ChainVerification> {
  let expected = 1;
  let prevHash = GENESIS_HASH;
  for (;;) {
    const rows = await q.query<EventRow>(`SELECT ${COLUMNS} FROM events WHERE seq >= $1 ORDER BY seq LIMIT $2`, [expected, batchSize]);
    for (const row of rows) {
      const record = toRecord(row);
      const count = expected - 1;
      if (record.seq !== expected) {
        return { ok: false, firstBadSeq: expected, reason: `event ${expected} is missing: the next one present is ${record.seq}`, count };
      }
      if (record.prevHash !== prevHash) {
        return { ok: false, firstBadSeq: expected, reason: `event ${expected} does not link to the hash of event ${expected - 1}`, count };
      }
      if (chainHash(prevHash, record) !== record.hash) {
        return { ok: false, firstBadSeq: expected, reason: `event ${expected} was altered: its contents no longer match its hash`, count };
      }
      prevHash = record.hash;
      expected += 1;
    }
    if (rows.length < batchSize) break;
  }
  const count = expected - 1;
  const [head] = await q.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id');
  if (!head) return { ok: false, firstBadSeq: expected, reason: 'the audit head row is missing', count };
  if (head.seq > count) {
    return { ok: false, firstBadSeq: expected, reason: `event ${expected} is missing: the chain should run to ${head.seq} but stops at ${count}`, count };
  }
  if (head.seq !== count || head.hash !== prevHash) {
    return { ok: false, firstBadSeq: Math.min(head.seq, count) + 1, reason: `the audit head (${head.seq}) does not match the last event (${count})`, count };
  }
  return { ok: true, head: prevHash, count };
}
