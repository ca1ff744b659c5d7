import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addCalendarDays, calendarDaysBetween, createWorkingCalendar, parseLocalDate, type LocalDate } from '../../../domain/calendar/index.js';
import {
  adjournReview, fosterCarerReviewTimeline, lookedAfterReviewTimeline, nextLookedAfterReview, type ReviewTimeline,
} from '../../../domain/reviews/index.js';

const calendar = createWorkingCalendar();
const EPOCH = parseLocalDate('2020-01-01');
const aDate = fc.integer({ min: 0, max: 13 * 365 }).map((n) => addCalendarDays(EPOCH, n));
const aHistory = fc.tuple(aDate, fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 5 }), fc.integer({ min: 0, max: 30 }))
  .map(([lac, gaps, first]) => {
    const held: LocalDate[] = [];
    let at = addCalendarDays(lac, first);
    for (const gap of gaps) {
      held.push(at);
      at = addCalendarDays(at, gap);
    }
    return { lac, held };
  });

function checkTimeline(t: ReviewTimeline): void {
  for (const d of t.deadlines) {
    if (d.date === null) continue;
    assert.ok(calendar.isWorkingDay(d.date) || d.direction === 'on', `${d.rule} on ${d.date} is not a working day`);
    const anchor = d.anchor.date!;
    if (d.direction === 'before') assert.ok(d.date < anchor, `${d.rule} ${d.date} is not before ${anchor}`);
    if (d.direction === 'after') assert.ok(d.date > anchor, `${d.rule} ${d.date} is not after ${anchor}`);
    if (d.offset?.unit === 'working-days' && d.direction === 'after') {
      assert.equal(calendar.workingDaysBetween(anchor, d.date), d.offset.amount, d.rule);
    }
  }
}

describe('domain/reviews: laws that hold for every date (fast-check)', () => {
  it('OX-R02 to OX-R06: the latest meeting date is a working day on or before the due date, and the day counts are exact', () => {
    fc.assert(fc.property(aHistory, ({ lac, held }) => {
      const r = nextLookedAfterReview({ becameLookedAfter: lac, held }, { calendar });
      assert.ok(calendar.isWorkingDay(r.latestMeetingDate));
      assert.ok(r.latestMeetingDate <= r.due);
      assert.ok(calendarDaysBetween(r.latestMeetingDate, r.due) < 10, 'no closure run is that long');
      assert.equal(r.anchor.date, held[held.length - 1] ?? lac);
      if (r.rule === 'OX-R04') assert.equal(calendarDaysBetween(r.anchor.date, r.due), 91);
      if (r.rule === 'OX-R05') assert.equal(calendarDaysBetween(r.anchor.date, r.due), 183);
      if (r.rule === 'OX-R02') assert.equal(calendar.workingDaysBetween(lac, r.due), 20);
    }), { numRuns: 300 });
  });

  it('OX-R08 to OX-R19: every looked-after deadline is a working day on the right side of the review, N working days away', () => {
    fc.assert(fc.property(aDate, fc.boolean(), (reviewDate, initial) => {
      checkTimeline(lookedAfterReviewTimeline({ reviewDate, initial }, { calendar }));
    }), { numRuns: 100 });
  });

  it('FC-R15 to FC-R22, FP-R01/02: every foster home deadline is a working day on the right side of its anchor', () => {
    fc.assert(fc.property(aDate, fc.integer({ min: 0, max: 60 }), (reviewDate, panelAfter) => {
      checkTimeline(fosterCarerReviewTimeline({ reviewDate, first: true, panelDate: addCalendarDays(reviewDate, panelAfter) }, { calendar }));
    }), { numRuns: 150 });
  });

  it('OX-S15: an adjournment to a working day is allowed exactly when it is within 20 working days of the meeting', () => {
    fc.assert(fc.property(aDate, fc.integer({ min: 1, max: 45 }), (meeting, after) => {
      const resumeOn = calendar.nextWorkingDayOnOrAfter(addCalendarDays(meeting, after));
      const out = adjournReview({ kind: 'looked-after', scheduled: meeting, due: meeting }, { resumeOn }, { calendar });
      assert.equal(out.ok, calendar.workingDaysBetween(meeting, resumeOn) <= 20);
    }), { numRuns: 300 });
  });
});
