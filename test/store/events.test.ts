import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { statementText, type Db, type Statement } from '../../store/db.js';
import { appendToLockedStream, appendToStream, ConcurrencyConflict, GENESIS_HASH, lockStream, readStream, verifyChain, type StoredEvent } from '../../store/events.js';
import { canonicalJson } from '../../store/canonical-json.js';
import { describeOnEngines } from './engines.js';

const T0 = new Date('2026-03-02T09:00:00.000Z');

interface NoteEvent extends StoredEvent {
  readonly type: 'noted';
  readonly caseId: string;
  readonly actor: string;
  readonly text: string;
}

const note = (caseId: string, text: string, at = T0): NoteEvent => ({ type: 'noted', caseId, actor: 'user-priya-okonjo', at: at.toISOString(), text });

async function append(db: Db, streamId: string, expected: number, events: NoteEvent[]) {
  return db.transaction((tx) => appendToStream(tx, streamId, expected, events, T0));
}

/** Runs SQL as a superuser would, with the append-only triggers switched off for the transaction. */
async function tamper(db: Db, sql: string, params: unknown[] = []): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query(sql, params);
  });
}

/** Puts a deleted row back exactly as it was. */
async function restoreRow(db: Db, row: Record<string, unknown>): Promise<void> {
  await tamper(
    db,
    'INSERT INTO events (seq, stream_id, version, type, occurred_at, recorded_at, event, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)',
    [row.seq, row.stream_id, row.version, row.type, row.occurred_at, row.recorded_at, JSON.stringify(row.event), row.prev_hash, row.hash],
  );
}

describe('store: canonical JSON', () => {
  it('sorts keys at every depth so equal values hash alike', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
    assert.equal(canonicalJson({ a: undefined, b: 'x' }), '{"b":"x"}');
  });
});

describeOnEngines('store: event streams', (ctx) => {
  it('appends events to a stream in order and reads them back with their versions', async () => {
    const stream = `case-${randomUUID()}`;
    await append(ctx.db, stream, 0, [note(stream, 'first'), note(stream, 'second')]);
    await append(ctx.db, stream, 2, [note(stream, 'third')]);
    const { version, records } = await readStream<NoteEvent>(ctx.db, stream);
    assert.equal(version, 3);
    assert.deepEqual(records.map((r) => [r.version, r.event.text]), [[1, 'first'], [2, 'second'], [3, 'third']]);
    assert.equal(records[0]!.occurredAt, T0.toISOString());
  });

  it('refuses an append at a position another writer already took, with a typed ConcurrencyConflict', async () => {
    const stream = `case-${randomUUID()}`;
    await append(ctx.db, stream, 0, [note(stream, 'winner')]);
    await assert.rejects(append(ctx.db, stream, 0, [note(stream, 'loser')]), (e: unknown) => {
      assert.ok(e instanceof ConcurrencyConflict);
      assert.equal(e.streamId, stream);
      assert.equal(e.expectedVersion, 0);
      assert.equal(e.actualVersion, 1);
      return true;
    });
    const { records } = await readStream<NoteEvent>(ctx.db, stream);
    assert.deepEqual(records.map((r) => r.event.text), ['winner']);
  });

  it('rejects an event without a valid "at" and says what to give', async () => {
    const stream = `case-${randomUUID()}`;
    await assert.rejects(append(ctx.db, stream, 0, [{ ...note(stream, 'x'), at: 'yesterday' }]), /no valid "at": give when it happened as an ISO 8601 date-time/);
  });

  it('chains every event across all streams on one gap-free sequence', async () => {
    const a = `case-${randomUUID()}`;
    const b = `case-${randomUUID()}`;
    const first = await append(ctx.db, a, 0, [note(a, 'a1')]);
    const second = await append(ctx.db, b, 0, [note(b, 'b1'), note(b, 'b2')]);
    const third = await append(ctx.db, a, 1, [note(a, 'a2')]);
    const seqs = [...first, ...second, ...third].map((r) => r.seq);
    assert.deepEqual(seqs, [seqs[0]!, seqs[0]! + 1, seqs[0]! + 2, seqs[0]! + 3]);
    assert.equal(second[0]!.prevHash, first[0]!.hash);
    assert.equal(third[0]!.prevHash, second[1]!.hash);
    const verified = await verifyChain(ctx.db, { batchSize: 3 });
    assert.equal(verified.ok, true);
    assert.ok(verified.ok && verified.head === third[0]!.hash);
  });

  it('leaves no gap in the sequence when an appending transaction rolls back', async () => {
    const stream = `case-${randomUUID()}`;
    await assert.rejects(
      ctx.db.transaction(async (tx) => {
        await appendToStream(tx, stream, 0, [note(stream, 'abandoned')], T0);
        throw new Error('the rest of the transaction failed');
      }),
      /the rest of the transaction failed/,
    );
    const [written] = await append(ctx.db, stream, 0, [note(stream, 'kept')]);
    const [previous] = await ctx.db.query<{ seq: number }>('SELECT max(seq) AS seq FROM events WHERE seq < $1', [written!.seq]);
    assert.equal(written!.seq, (previous?.seq ?? 0) + 1);
    assert.equal((await verifyChain(ctx.db)).ok, true);
  });

  it('verifies one consistent snapshot while other writers keep appending', async () => {
    const stream = `case-${randomUUID()}`;
    const writing = (async () => {
      for (let v = 0; v < 30; v++) await append(ctx.db, stream, v, [note(stream, `busy ${v}`)]);
    })();
    const checks = await Promise.all([1, 2, 3, 4, 5].map(() => verifyChain(ctx.db, { batchSize: 2 })));
    await writing;
    assert.ok(checks.every((c) => c.ok), JSON.stringify(checks.filter((c) => !c.ok)));
  });

  it('the database itself refuses UPDATE, DELETE and TRUNCATE on events', async () => {
    const stream = `case-${randomUUID()}`;
    await append(ctx.db, stream, 0, [note(stream, 'permanent')]);
    await assert.rejects(ctx.db.query(`UPDATE events SET type = 'edited' WHERE stream_id = $1`, [stream]), /append-only: UPDATE on events is refused/);
    await assert.rejects(ctx.db.query('DELETE FROM events WHERE stream_id = $1', [stream]), /append-only: DELETE on events is refused/);
    await assert.rejects(ctx.db.exec('TRUNCATE events'), /append-only: TRUNCATE on events is refused/);
    assert.equal((await readStream(ctx.db, stream)).version, 1);
  });
});

describeOnEngines('store: audit chain verification against a superuser tampering with the table', (ctx) => {
  let seqOf: (text: string) => number;
  before(async () => {
    const written: Record<string, number> = {};
    for (const [i, stream] of ['case-tamper-a', 'case-tamper-b'].entries()) {
      const records = await append(ctx.db, stream, 0, [1, 2, 3].map((n) => note(stream, `${stream} note ${n}`, new Date(T0.getTime() + (i * 3 + n) * 60_000))));
      for (const r of records) written[r.event.text] = r.seq;
    }
    seqOf = (text) => written[text]!;
  });

  it('an intact chain verifies and its head is the last event hash', async () => {
    const result = await verifyChain(ctx.db);
    assert.equal(result.ok, true);
    const [last] = await ctx.db.query<{ hash: string }>('SELECT hash FROM events ORDER BY seq DESC LIMIT 1');
    assert.deepEqual(result, { ok: true, head: last!.hash, count: 6 });
  });

  it('an empty store verifies with the genesis hash', async () => {
    const empty = await verifyChain({
      inTransaction: true,
      query: async <R>(sql: Statement) => (statementText(sql).includes('audit_head') ? [{ seq: 0, hash: GENESIS_HASH }] : []) as R[],
      exec: async () => undefined,
    });
    assert.deepEqual(empty, { ok: true, head: GENESIS_HASH, count: 0 });
  });

  it('names the altered row when a payload is edited with the triggers disabled, and passes again once restored', async () => {
    const seq = seqOf('case-tamper-a note 2');
    const [original] = await ctx.db.query<{ event: unknown }>('SELECT event FROM events WHERE seq = $1', [seq]);
    await tamper(ctx.db, `UPDATE events SET event = jsonb_set(event, '{text}', '"rewritten"') WHERE seq = $1`, [seq]);
    try {
      const result = await verifyChain(ctx.db);
      assert.equal(result.ok, false);
      assert.ok(!result.ok && result.firstBadSeq === seq);
      assert.ok(!result.ok && /altered/.test(result.reason));
    } finally {
      await tamper(ctx.db, 'UPDATE events SET event = $2::jsonb WHERE seq = $1', [seq, JSON.stringify(original!.event)]);
    }
    assert.equal((await verifyChain(ctx.db)).ok, true);
  });

  it('names an altered timestamp even when the payload is untouched', async () => {
    const seq = seqOf('case-tamper-b note 1');
    const [original] = await ctx.db.query<{ recorded_at: Date }>('SELECT recorded_at FROM events WHERE seq = $1', [seq]);
    await tamper(ctx.db, `UPDATE events SET recorded_at = recorded_at - interval '1 day' WHERE seq = $1`, [seq]);
    try {
      const result = await verifyChain(ctx.db);
      assert.ok(!result.ok && result.firstBadSeq === seq);
    } finally {
      await tamper(ctx.db, 'UPDATE events SET recorded_at = $2 WHERE seq = $1', [seq, original!.recorded_at]);
    }
    assert.equal((await verifyChain(ctx.db)).ok, true);
  });

  it('names the missing sequence when a row is deleted from the middle', async () => {
    const seq = seqOf('case-tamper-a note 3');
    const [row] = await ctx.db.query<Record<string, unknown>>('SELECT * FROM events WHERE seq = $1', [seq]);
    await tamper(ctx.db, 'DELETE FROM events WHERE seq = $1', [seq]);
    try {
      const result = await verifyChain(ctx.db);
      assert.ok(!result.ok);
      assert.equal(result.firstBadSeq, seq);
      assert.match(result.reason, /missing/);
    } finally {
      await restoreRow(ctx.db, row!);
    }
    assert.equal((await verifyChain(ctx.db)).ok, true);
  });

  it('names the missing sequence when the newest row is deleted from the end', async () => {
    const seq = seqOf('case-tamper-b note 3');
    const [row] = await ctx.db.query<Record<string, unknown>>('SELECT * FROM events WHERE seq = $1', [seq]);
    await tamper(ctx.db, 'DELETE FROM events WHERE seq = $1', [seq]);
    const result = await verifyChain(ctx.db);
    assert.ok(!result.ok);
    assert.equal(result.firstBadSeq, seq);
    await restoreRow(ctx.db, row!);
    assert.equal((await verifyChain(ctx.db)).ok, true);
  });

  it('names a row whose stored hash was overwritten to hide an edit', async () => {
    const seq = seqOf('case-tamper-a note 1');
    const [original] = await ctx.db.query<{ event: unknown; hash: string }>('SELECT event, hash FROM events WHERE seq = $1', [seq]);
    await tamper(ctx.db, `UPDATE events SET event = jsonb_set(event, '{text}', '"forged"'), hash = repeat('a', 64) WHERE seq = $1`, [seq]);
    try {
      const result = await verifyChain(ctx.db);
      assert.ok(!result.ok && result.firstBadSeq === seq);
    } finally {
      await tamper(ctx.db, 'UPDATE events SET event = $2::jsonb, hash = $3 WHERE seq = $1', [seq, JSON.stringify(original!.event), original!.hash]);
    }
    assert.equal((await verifyChain(ctx.db)).ok, true);
  });
});

describeOnEngines('store: the append after the stream lock (the command path)', (ctx) => {
  it('chains several events of one append on the gap-free sequence, each linked to the one before, and moves the head with them', async () => {
    const streamId = `case-${randomUUID()}`;
    const [before] = await ctx.db.query<{ seq: number }>('SELECT seq FROM audit_head');
    const written = await ctx.db.transaction(async (tx) => {
      await lockStream(tx, streamId);
      return appendToLockedStream(tx, streamId, 0, [note(streamId, 'first'), note(streamId, 'second'), note(streamId, 'third')], T0);
    });
    assert.deepEqual(written.map((r) => r.seq), [before!.seq + 1, before!.seq + 2, before!.seq + 3]);
    assert.deepEqual(written.map((r) => r.version), [1, 2, 3]);
    assert.equal(written[1]!.prevHash, written[0]!.hash);
    assert.equal(written[2]!.prevHash, written[1]!.hash);
    assert.deepEqual(await ctx.db.query('SELECT seq, hash FROM audit_head'), [{ seq: written[2]!.seq, hash: written[2]!.hash }]);
    const check = await verifyChain(ctx.db);
    assert.ok(check.ok, JSON.stringify(check));
  });

  it('refuses, as a ConcurrencyConflict, a position already taken even when the caller skipped the version check', async () => {
    const streamId = `case-${randomUUID()}`;
    await append(ctx.db, streamId, 0, [note(streamId, 'first')]);
    const [head] = await ctx.db.query<{ seq: number }>('SELECT seq FROM audit_head');
    await assert.rejects(
      ctx.db.transaction(async (tx) => {
        await lockStream(tx, streamId);
        return appendToLockedStream(tx, streamId, 0, [note(streamId, 'stale')], T0);
      }),
      (error: unknown) => error instanceof ConcurrencyConflict && error.streamId === streamId && error.expectedVersion === 0,
    );
    assert.deepEqual(await ctx.db.query<{ seq: number }>('SELECT seq FROM audit_head'), [{ seq: head!.seq }], 'the head did not move');
    const check = await verifyChain(ctx.db);
    assert.ok(check.ok, JSON.stringify(check));
  });
});

describeOnEngines('store: the database chains exactly as chainHash does', (ctx) => {
  it('chains payloads with quotes, backslashes, non-ASCII text, emoji and a nested "seq" key to the same hashes the verifier recomputes', async () => {
    const streamId = `case-${randomUUID()}`;
    const odd = (text: string) => ({ ...note(streamId, text), nested: { seq: -1, 'z"key': 'a\\b', list: [3, { seq: 'x' }] } });
    const written = await append(ctx.db, streamId, 0, [odd('Zoë said "no" \\ twice'), odd('emoji 🙂 and ünïcödé'), odd('tab\tnew\nline')]);
    assert.equal(written.length, 3);
    const check = await verifyChain(ctx.db);
    assert.ok(check.ok, JSON.stringify(check));
    assert.equal(check.ok && check.head, written[2]!.hash);
  });

  it('refuses to append when the database function would chain differently, and leaves the head and the events untouched', async () => {
    const streamId = `case-${randomUUID()}`;
    await append(ctx.db, streamId, 0, [note(streamId, 'first')]);
    const [head] = await ctx.db.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_head');
    // Simulate a damaged function: it hashes without the previous hash.
    const [{ def }] = (await ctx.db.query<{ def: string }>(`SELECT pg_get_functiondef('append_chained_events'::regproc) AS def`)) as [{ def: string }];
    await ctx.db.exec(def.replace('convert_to(v_prev || p_body_before_seq[i]', 'convert_to(p_body_before_seq[i]'));
    try {
      await assert.rejects(append(ctx.db, streamId, 1, [note(streamId, 'second')]), /chained event \d+ of stream .* differently from chainHash: nothing was appended/);
    } finally {
      await ctx.db.exec(def);
    }
    assert.deepEqual(await ctx.db.query('SELECT seq, hash FROM audit_head'), [head]);
    assert.equal((await readStream(ctx.db, streamId)).version, 1);
    const check = await verifyChain(ctx.db);
    assert.ok(check.ok, JSON.stringify(check));
  });
});
