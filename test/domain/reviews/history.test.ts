import assert from 'node:assert/strict';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import { InvalidInputError } from '../../../domain/errors.js';
import { fosterCarerReviewHistory, lookedAfterReviewHistory } from '../../../domain/reviews/index.js';

const calendar = createWorkingCalendar();

describe('domain/reviews: timeliness of the reviews held (C68)', () => {
  it('KPI-C68: each looked-after review is measured against the due date that applied when it was held', () => {
    const history = lookedAfterReviewHistory(
      { becameLookedAfter: '2026-01-05', held: ['2026-02-02', '2026-05-04', '2026-10-30'] }, { calendar });
    assert.deepEqual(history.map((h) => [h.held, h.rule, h.due, h.onTime, h.daysLate]), [
      ['2026-02-02', 'OX-R02', '2026-02-02', true, 0], // the 20th working day itself is on time
      ['2026-05-04', 'OX-R04', '2026-05-04', true, 0], // 2 Feb + 91 days
      ['2026-10-30', 'OX-R05', '2026-11-03', true, 0], // 4 May + 183 days
    ]);
  });

  it('KPI-C68: a review one day after its 91-day due date is late by one day', () => {
    const [, second] = lookedAfterReviewHistory(
      { becameLookedAfter: '2026-01-05', held: ['2026-01-30', '2026-05-02'] }, { calendar });
    assert.equal(second?.due, '2026-05-01');
    assert.equal(second?.onTime, false);
    assert.equal(second?.daysLate, 1);
  });

  it('OX-R03: a review after a move is measured against the placement-change due date when that is earlier', () => {
    const history = lookedAfterReviewHistory({
      becameLookedAfter: '2026-01-05', held: ['2026-01-30', '2026-04-20', '2026-07-06'], placementChanges: ['2026-06-01'],
    }, { calendar });
    assert.deepEqual([history[2]?.rule, history[2]?.due, history[2]?.daysLate], ['OX-R03', '2026-06-29', 7]);
  });

  it('FC-R03: a Dudley first review held after 6 months is late even though it is within the statutory year', () => {
    const [first] = fosterCarerReviewHistory({ approved: '2025-06-10', held: ['2026-01-12'] }, { calendar, firstReviewRule: 'local_6m' });
    assert.deepEqual([first?.rule, first?.due, first?.onTime, first?.daysLate], ['FC-R03', '2025-12-10', false, 33]);
  });

  it('refuses an impossible history with the same messages as the due-date calculation', () => {
    assert.throws(() => lookedAfterReviewHistory({ becameLookedAfter: '2026-01-05', held: ['2026-05-01', '2026-01-30'] }, { calendar }),
      (e: unknown) => e instanceof InvalidInputError && /date order/.test(e.message));
  });
});
