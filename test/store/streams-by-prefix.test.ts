import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { appendToStream, readStreamsByPrefix, type StoredEvent } from '../../store/events.js';
import { describeOnEngines } from './engines.js';

interface Noted extends StoredEvent {
  readonly type: 'noted';
  readonly n: number;
}

const at = (minute: number) => new Date(Date.UTC(2026, 3, 1, 9, minute)).toISOString();

describeOnEngines('store: readStreamsByPrefix', (ctx) => {
  const run = randomUUID().slice(0, 8);
  const append = (streamId: string, expected: number, ns: number[]) =>
    ctx.db.transaction((tx) => appendToStream<Noted>(tx, streamId, expected, ns.map((n) => ({ type: 'noted', at: at(n), n })), new Date(at(0))));

  before(async () => {
    // Interleaved appends: each stream's events must still come back in its own order.
    await append(`p${run}-a`, 0, [1, 2]);
    await append(`p${run}-b`, 0, [10]);
    await append(`p${run}-a`, 2, [3]);
    await append(`p${run}-b`, 1, [11, 12]);
    await append(`q${run}-a`, 0, [99]);
    await append(`p${run}_x`, 0, [50]); // "_" is a character here, not a wildcard
    await append(`p${run}%y`, 0, [60]);
  });

  it('returns every stream starting with the prefix, each in stream order, and no other', async () => {
    const streams = await readStreamsByPrefix<Noted>(ctx.db, `p${run}-`);
    assert.deepEqual([...streams.keys()].sort(), [`p${run}-a`, `p${run}-b`]);
    assert.deepEqual(streams.get(`p${run}-a`)!.map((r) => [r.version, r.event.n]), [[1, 1], [2, 2], [3, 3]]);
    assert.deepEqual(streams.get(`p${run}-b`)!.map((r) => [r.version, r.event.n]), [[1, 10], [2, 11], [3, 12]]);
    assert.equal(streams.get(`p${run}-a`)![0]!.streamId, `p${run}-a`);
  });

  it('matches the prefix exactly: LIKE wildcards in it are plain characters', async () => {
    assert.deepEqual([...(await readStreamsByPrefix(ctx.db, `p${run}_`)).keys()], [`p${run}_x`]);
    assert.deepEqual([...(await readStreamsByPrefix(ctx.db, `p${run}%`)).keys()], [`p${run}%y`]);
    assert.equal((await readStreamsByPrefix(ctx.db, `none-${run}`)).size, 0);
  });

  it('reads inside a transaction as well', async () => {
    const streams = await ctx.db.transaction((tx) => readStreamsByPrefix(tx, `q${run}-`));
    assert.deepEqual([...streams.keys()], [`q${run}-a`]);
  });
});
