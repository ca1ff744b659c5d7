import assert from 'node:assert/strict';
import { MAX_SCHEDULES_PER_CALL, MAX_WINDOW_MS, mergeAvailability, splitScheduleQuery } from '../../graph/calendar.js';

const DAY = 86_400_000;
const people = (n: number) => Array.from({ length: n }, (_, i) => `person${i + 1}@northmoor.example`);

describe('graph/calendar: splitting free/busy questions to Graph’s limits', () => {
  it('25 people over 100 days become 4 calls of at most 20 people and under 62 days each, covering the whole period', () => {
    const from = new Date('2026-01-05T00:00:00Z');
    const parts = splitScheduleQuery({ schedules: people(25), from, to: new Date(from.getTime() + 100 * DAY) });
    assert.equal(parts.length, 4);
    for (const p of parts) {
      assert.ok(p.schedules.length <= MAX_SCHEDULES_PER_CALL);
      assert.ok(p.to.getTime() - p.from.getTime() < 62 * DAY);
    }
    assert.deepEqual(parts.map((p) => p.schedules.length), [20, 20, 5, 5]);
    assert.equal(parts[0]!.to.getTime(), parts[1]!.from.getTime(), 'the windows meet');
    assert.equal(parts[1]!.to.getTime(), from.getTime() + 100 * DAY, 'the windows cover the whole period');
  });

  it('a question inside the limits is one call, unchanged; exactly 61 days is still one call', () => {
    const q = { schedules: people(20), from: new Date('2026-01-05T00:00:00Z'), to: new Date('2026-03-06T23:00:00Z') };
    assert.deepEqual(splitScheduleQuery(q), [q]);
    assert.equal(splitScheduleQuery({ ...q, to: new Date(q.from.getTime() + MAX_WINDOW_MS) }).length, 1);
    assert.equal(splitScheduleQuery({ ...q, to: new Date(q.from.getTime() + MAX_WINDOW_MS + 1) }).length, 2);
  });

  it('merging keeps the order asked, matches addresses without regard to case, sorts and drops repeats', () => {
    const at = (h: number) => new Date(Date.UTC(2026, 11, 1, h));
    const merged = mergeAvailability({ schedules: ['A@northmoor.example', 'b@northmoor.example'], from: at(0), to: at(23) }, [
      { schedule: 'b@northmoor.example', busy: [], error: 'The mailbox could not be found' },
      { schedule: 'a@northmoor.example', busy: [{ start: at(10), end: at(11), status: 'busy' }] },
      { schedule: 'a@northmoor.example', busy: [{ start: at(9), end: at(10), status: 'tentative' }, { start: at(10), end: at(11), status: 'busy' }] },
    ]);
    assert.deepEqual(merged, [
      { schedule: 'A@northmoor.example', busy: [{ start: at(9), end: at(10), status: 'tentative' }, { start: at(10), end: at(11), status: 'busy' }] },
      { schedule: 'b@northmoor.example', busy: [], error: 'The mailbox could not be found' },
    ]);
  });
});
