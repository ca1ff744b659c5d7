import assert from 'node:assert/strict';
import { Pacer, TEAMS_RATES } from '../../store/pacer.js';
import { retryDelayMs } from '../../store/outbox.js';

const t0 = new Date('2026-06-01T10:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('store: pacing outbound messages', () => {
  it('lets 7 messages a second go to one Teams conversation, then spaces them 1/7 s apart', () => {
    const pacer = new Pacer(TEAMS_RATES);
    const waits = Array.from({ length: 8 }, () => pacer.reserve('conv-1', 'tenant-a', t0));
    assert.deepEqual(waits.slice(0, 7), [0, 0, 0, 0, 0, 0, 0]);
    assert.equal(waits[7], 143);
    assert.equal(pacer.reserve('conv-1', 'tenant-a', at(142)), 1);
    assert.equal(pacer.reserve('conv-1', 'tenant-a', at(143)), 0);
  });

  it('paces each conversation on its own', () => {
    const pacer = new Pacer(TEAMS_RATES);
    for (let i = 0; i < 7; i++) pacer.reserve('conv-1', 'tenant-a', t0);
    assert.ok(pacer.reserve('conv-1', 'tenant-a', t0) > 0);
    assert.equal(pacer.reserve('conv-2', 'tenant-a', t0), 0);
  });

  it('holds a whole tenant to 50 a second across its conversations', () => {
    const pacer = new Pacer(TEAMS_RATES);
    const sent = Array.from({ length: 60 }, (_, i) => pacer.reserve(`conv-${i}`, 'tenant-a', t0)).filter((w) => w === 0).length;
    assert.equal(sent, 50);
    assert.equal(pacer.reserve('conv-x', 'tenant-b', t0), 0, 'another tenant has its own budget');
    assert.equal(pacer.reserve('conv-y', 'tenant-a', at(20)), 0, 'one more after 1/50 s');
  });

  it('does not count a message that was told to wait', () => {
    const pacer = new Pacer({ destination: { perSecond: 1 }, tenant: { perSecond: 100 } });
    assert.equal(pacer.reserve('c', 't', t0), 0);
    assert.equal(pacer.reserve('c', 't', at(500)), 500);
    assert.equal(pacer.reserve('c', 't', at(500)), 500);
    assert.equal(pacer.reserve('c', 't', at(1000)), 0);
  });

  it('refuses a rate of zero with a clear message', () => {
    assert.throws(() => new Pacer({ destination: { perSecond: 0 }, tenant: { perSecond: 50 } }), /above 0 a second/);
  });
});

describe('store: retry back-off with full jitter', () => {
  const base = { baseMs: 1_000, capMs: 60_000 };
  it('draws the delay uniformly below a ceiling that doubles with each attempt', () => {
    assert.equal(retryDelayMs(1, { ...base, random: () => 0.5 }), 500);
    assert.equal(retryDelayMs(3, { ...base, random: () => 0.5 }), 2_000);
    assert.equal(retryDelayMs(3, { ...base, random: () => 0 }), 0);
  });

  it('never lets the ceiling pass the cap', () => {
    assert.equal(retryDelayMs(30, { ...base, random: () => 0.999999 }), 59_999);
  });

  it('waits at least as long as the Retry-After the service asked for', () => {
    assert.equal(retryDelayMs(1, { ...base, random: () => 0.5, retryAfterMs: 30_000 }), 30_000);
    assert.equal(retryDelayMs(8, { ...base, random: () => 0.9, retryAfterMs: 1_000 }), 54_000, 'the jittered delay wins when it is longer');
  });
});
