/**
 * Wall-clock time in a zone (domain/calendar/zone.ts), asked of the runtime once per quarter hour
 * and remembered, must say exactly what @date-fns/tz's TZDate says, at every instant, including
 * either side of a change of offset (AMB-07: deadlines are at 17:00 London time).
 */
import assert from 'node:assert/strict';
import { TZDate } from '@date-fns/tz';
import fc from 'fast-check';
import { wallClockOf, zoneOffsetMinutes } from '../../../domain/calendar/index.js';
import { InvalidInputError } from '../../../domain/errors.js';

const viaTzDate = (timeZone: string, ms: number) => {
  const t = new TZDate(ms, timeZone);
  return { year: t.getFullYear(), month: t.getMonth() + 1, day: t.getDate(), hour: t.getHours(), minute: t.getMinutes(), weekday: ((t.getDay() + 6) % 7) + 1 };
};

describe('domain/calendar: wall-clock time in a zone, remembered per quarter hour (AMB-07)', () => {
  it('London: the last millisecond of GMT and the first of BST in March, and back in October', () => {
    const at = (iso: string) => wallClockOf('Europe/London', new Date(iso));
    assert.deepEqual(at('2026-03-29T00:59:59.999Z'), { year: 2026, month: 3, day: 29, hour: 0, minute: 59, weekday: 7 });
    assert.deepEqual(at('2026-03-29T01:00:00.000Z'), { year: 2026, month: 3, day: 29, hour: 2, minute: 0, weekday: 7 });
    assert.deepEqual(at('2026-10-25T00:59:59.999Z'), { year: 2026, month: 10, day: 25, hour: 1, minute: 59, weekday: 7 });
    assert.deepEqual(at('2026-10-25T01:00:00.000Z'), { year: 2026, month: 10, day: 25, hour: 1, minute: 0, weekday: 7 });
    assert.equal(zoneOffsetMinutes('Europe/London', Date.parse('2026-06-30T23:30:00Z')), 60);
    assert.equal(at('2026-06-30T23:30:00Z').day, 1, 'half past midnight on 1 July in London');
  });

  it('agrees with TZDate at any instant from 1990 to 2060, in zones with half-hour, three-quarter-hour and half-hour-summer offsets', () => {
    const zones = ['Europe/London', 'America/New_York', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'UTC'];
    fc.assert(fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }), (zone, ms) => {
      assert.deepEqual(wallClockOf(zone, new Date(ms)), viaTzDate(zone, ms));
      // A second answer, from what was remembered, is the same.
      assert.deepEqual(wallClockOf(zone, new Date(ms)), viaTzDate(zone, ms));
    }), { numRuns: 3000 });
  });

  it('agrees with TZDate minute by minute across every change of London\'s offset in 2026 to 2028', () => {
    for (const iso of ['2026-03-29T01:00Z', '2026-10-25T01:00Z', '2027-03-28T01:00Z', '2027-10-31T01:00Z', '2028-03-26T01:00Z', '2028-10-29T01:00Z']) {
      const change = Date.parse(iso);
      for (let ms = change - 40 * 60_000; ms <= change + 40 * 60_000; ms += 60_000 - 1) {
        assert.deepEqual(wallClockOf('Europe/London', new Date(ms)), viaTzDate('Europe/London', ms), new Date(ms).toISOString());
      }
    }
  });

  it('refuses a zone that does not exist, and an instant that is not a time, saying which', () => {
    assert.throws(() => wallClockOf('Europe/Atlantis', new Date()), (e: unknown) => e instanceof InvalidInputError && /Europe\/Atlantis.*IANA/.test(e.message));
    assert.throws(() => wallClockOf('Europe/London', new Date(Number.NaN)), (e: unknown) => e instanceof InvalidInputError && e.field === 'instant');
  });
});
