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

/** An event as its stream holds it. */
export interface StreamRecord<E extends StoredEvent = StoredEvent> {
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly event: E;
}

/** A chained event: its place in the audit trail and the hashes that link it there. */
export interface EventRecord<E extends StoredEvent = StoredEvent> extends StreamRecord<E> {
  readonly seq: number;
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
    /** What moved, when it was not the stream's version (a deadline changed since it was read). */
    detail?: string,
  ) {
    super(`${detail ?? `Stream ${streamId} is at version ${actualVersion}, not ${expectedVersion}`}: another change landed first; reload and try again.`);
  }
}

/** An events row as the drivers return it (timestamps as Date, or as ISO text from json_agg). */
export interface EventRow {
  seq: number;
  stream_id: string;
  version: number;
  type: string;
  occurred_at: Date | string;
  recorded_at: Date | string;
  event: unknown;
  prev_hash: string;
  hash: string;
}

export const EVENT_COLUMNS = 'seq, stream_id, version, type, occurred_at, recorded_at, event, prev_hash, hash';
const COLUMNS = EVENT_COLUMNS;
const STREAM_COLUMNS = 'stream_id, version, type, occurred_at, recorded_at, event';

/** A stream's row as the command reads return it: chained or staged, so without its place in the chain. */
export type StreamRow = Omit<EventRow, 'seq' | 'prev_hash' | 'hash'>;

export function streamRecordFromRow<E extends StoredEvent>(row: StreamRow): StreamRecord<E> {
  return {
    streamId: row.stream_id,
    version: row.version,
    type: row.type,
    occurredAt: new Date(row.occurred_at).toISOString(),
    recordedAt: new Date(row.recorded_at).toISOString(),
    event: row.event as E,
  };
}

export function eventRecordFromRow<E extends StoredEvent>(row: EventRow): EventRecord<E> {
  return { seq: row.seq, ...streamRecordFromRow<E>(row), prevHash: row.prev_hash, hash: row.hash };
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

/** The number of events in the stream (0 when it does not exist), counting those this transaction has staged. */
export async function streamVersion(q: Queryable, streamId: string): Promise<number> {
  const [row] = await q.query<{ version: number }>('SELECT stream_version($1) AS version', [streamId]);
  return row?.version ?? 0;
}

/**
 * The stream's events in order. Inside a transaction that has written to the stream, they include
 * the events it staged (migration 0011), which join the audit chain when it commits.
 */
export async function readStream<E extends StoredEvent>(q: Queryable, streamId: string): Promise<{ version: number; records: StreamRecord<E>[] }> {
  const rows = await q.query<StreamRow>(
    `SELECT ${STREAM_COLUMNS} FROM events WHERE stream_id = $1
     UNION ALL SELECT ${STREAM_COLUMNS} FROM event_staging WHERE stream_id = $1
     ORDER BY version`,
    [streamId],
  );
  const records = rows.map((r) => streamRecordFromRow<E>(r));
  return { version: records.at(-1)?.version ?? 0, records };
}

/**
 * Every stream whose id starts with `prefix` (compared exactly, character for character: no
 * wildcards), each with its events in stream order, in one query. The store stays aggregate-free:
 * it knows prefixes, not what they name; the caller folds the events (the reports read `case-` and
 * `review-series:` this way). It reads the whole events table, so it is for reports, not for the
 * command path.
 */
export async function readStreamsByPrefix<E extends StoredEvent>(q: Queryable, prefix: string): Promise<Map<string, EventRecord<E>[]>> {
  const rows = await q.query<EventRow>(
    `SELECT ${COLUMNS} FROM events WHERE left(stream_id, char_length($1)) = $1 ORDER BY stream_id, version`,
    [prefix],
  );
  const streams = new Map<string, EventRecord<E>[]>();
  for (const row of rows) {
    const record = eventRecordFromRow<E>(row);
    const stream = streams.get(record.streamId);
    if (stream) stream.push(record);
    else streams.set(record.streamId, [record]);
  }
  return streams;
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
 * Each event as it will be stored after `expectedVersion`, with its canonical JSON split around
 * the sequence number, which only the chaining in the database knows: hash = SHA-256(previous
 * hash || before || seq || after) is exactly `chainHash`. Checks every event first.
 */
export function chainBodies<E extends StoredEvent>(
  streamId: string,
  expectedVersion: number,
  events: readonly E[],
  recordedAt: Date,
): { readonly record: StreamRecord<E>; readonly before: string; readonly after: string }[] {
  const occurred = events.map((e) => checkEvent(e, streamId));
  const recorded = recordedAt.toISOString();
  return events.map((event, i) => {
    const record: StreamRecord<E> = {
      streamId,
      version: expectedVersion + i + 1,
      type: event.type,
      occurredAt: occurred[i]!,
      recordedAt: recorded,
      event: JSON.parse(JSON.stringify(event)) as E,
    };
    // The canonical JSON sorts keys, so `seq` falls between recordedAt and streamId.
    return {
      record,
      before: `${canonicalJson({ event: record.event, occurredAt: record.occurredAt, recordedAt: record.recordedAt }).slice(0, -1)},"seq":`,
      after: `,${canonicalJson({ streamId: record.streamId, type: record.type, version: record.version }).slice(1)}`,
    };
  });
}

/**
 * The append itself, chained at once (not staged), for a caller that has already taken
 * `lockStream` in this transaction and seen the stream at `expectedVersion` under that lock, so
 * the lock and the version check are not repeated. Commands stage their events instead
 * (`write_streams`, migration 0011). The audit head is held by one statement
 * (`append_chained_events`, migration 0006): everything else is prepared before it, and every
 * hash it returns is checked against `chainHash` before the transaction may commit.
 */
export async function appendToLockedStream<E extends StoredEvent>(
  tx: Tx,
  streamId: string,
  expectedVersion: number,
  events: readonly E[],
  recordedAt: Date,
): Promise<EventRecord<E>[]> {
  if (events.length === 0) return [];
  const bodies = chainBodies(streamId, expectedVersion, events, recordedAt);

  let rows: { appended_seq: number; appended_prev_hash: string; appended_hash: string }[];
  try {
    rows = await tx.query(
      'SELECT appended_seq, appended_prev_hash, appended_hash FROM append_chained_events($1, $2, $3::text[], $4::timestamptz[], $5, $6::text[], $7::text[], $8::text[])',
      [
        streamId,
        expectedVersion + 1,
        bodies.map((b) => b.record.type),
        bodies.map((b) => b.record.occurredAt),
        recordedAt.toISOString(),
        bodies.map((b) => JSON.stringify(b.record.event)),
        bodies.map((b) => b.before),
        bodies.map((b) => b.after),
      ],
    );
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new ConcurrencyConflict(streamId, expectedVersion, await streamVersion(tx, streamId).catch(() => -1));
    throw error;
  }
  return bodies.map(({ record: body }, i) => {
    const row = rows[i];
    const record = row && { seq: row.appended_seq, ...body, prevHash: row.appended_prev_hash, hash: row.appended_hash };
    if (!record || chainHash(record.prevHash, record) !== record.hash || (i > 0 && record.prevHash !== rows[i - 1]!.appended_hash)) {
      throw new Error(`The database chained event ${row?.appended_seq ?? '?'} of stream ${streamId} differently from chainHash: nothing was appended; check migration 0006.`);
    }
    return record;
  });
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
      const record = eventRecordFromRow(row);
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
