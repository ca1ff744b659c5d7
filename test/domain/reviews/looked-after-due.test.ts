import assert from 'node:assert/strict';
import { addCalendarMonths, createWorkingCalendar, parseLocalDate } from '../../../domain/calendar/index.js';
import { InvalidInputError } from '../../../domain/errors.js';
import { nextLookedAfterReview, type LookedAfterReviewInput } from '../../../domain/reviews/index.js';

const calendar = createWorkingCalendar();
const next = (input: LookedAfterReviewInput, placementChangeResetsCycle?: boolean) =>
  nextLookedAfterReview(input, { calendar, ...(placementChangeResetsCycle === undefined ? {} : { placementChangeResetsCycle }) });

function refusal(input: LookedAfterReviewInput, field: string, pattern: RegExp): void {
  assert.throws(() => next(input), (e: unknown) => e instanceof InvalidInputError && e.field === field && pattern.test(e.message));
}

describe('domain/reviews: next looked-after child review', () => {
  describe('OX-R02 initial review', () => {
    it('OX-R02: the initial review is due 20 working days after the child became looked after (day 0 = that day)', () => {
      // Mon 5 Jan 2026 is day 0; four full weeks later is Fri 30 Jan (day 19); Mon 2 Feb is day 20.
      const r = next({ becameLookedAfter: '2026-01-05' });
      assert.equal(r.review, 'initial');
      assert.equal(r.rule, 'OX-R02');
      assert.equal(r.due, '2026-02-02');
      assert.equal(r.latestMeetingDate, '2026-02-02');
      assert.deepEqual(r.anchor, { event: 'became-looked-after', date: '2026-01-05' });
      assert.deepEqual(r.offset, { amount: 20, unit: 'working-days' });
      assert.match(r.explanation, /OX-R02/);
    });

    it('OX-R02: the 20 working days skip Christmas Day, Boxing Day and New Year\'s Day', () => {
      // Mon 15 Dec 2025: 16-24 Dec are days 1-7, 29-31 Dec days 8-10, 2 Jan day 11, 5-9 Jan 12-16, 12-15 Jan 17-20.
      assert.equal(next({ becameLookedAfter: '2025-12-15' }).due, '2026-01-15');
    });

    it('OX-R02: a child who became looked after on a Saturday still has Saturday as day 0', () => {
      // Sat 3 Jan 2026: Mon 5 Jan is day 1, so day 20 is Fri 30 Jan.
      assert.equal(next({ becameLookedAfter: '2026-01-03' }).due, '2026-01-30');
    });

    it('OX-R01: the social worker notifies the IRO administrator within 2 working days, listed beside the initial review', () => {
      const r = next({ becameLookedAfter: '2026-01-09' }); // Fri: Mon 12 is day 1, Tue 13 day 2
      assert.deepEqual(r.related.find((x) => x.rule === 'OX-R01')?.date, '2026-01-13');
    });
  });

  describe('OX-R04 second review', () => {
    it('OX-R04: the second review is due 91 days after the initial review, exactly', () => {
      // 30 Jan + 1 (31 Jan) + 28 (Feb) + 31 (Mar) + 30 (Apr) + 1 = 91 days -> Fri 1 May 2026.
      const r = next({ becameLookedAfter: '2026-01-05', held: ['2026-01-30'] });
      assert.equal(r.review, 'second');
      assert.equal(r.rule, 'OX-R04');
      assert.equal(r.due, '2026-05-01');
      assert.deepEqual(r.anchor, { event: 'initial-review', date: '2026-01-30' });
      assert.deepEqual(r.offset, { amount: 91, unit: 'calendar-days' });
    });

    it('OX-R06: the 91 days are not rounded to 3 months (30 Jan + 3 months would be 30 Apr, a day early)', () => {
      const r = next({ becameLookedAfter: '2026-01-05', held: ['2026-01-30'] });
      assert.notEqual(r.due, addCalendarMonths(parseLocalDate('2026-01-30'), 3));
      assert.match(r.explanation, /OX-R06/);
    });

    it('OX-R04: in a leap year the 91 days include 29 February (15 Jan 2028 -> 15 Apr 2028, not 16 Apr)', () => {
      const leap = next({ becameLookedAfter: '2028-01-03', held: ['2028-01-15'] });
      const common = next({ becameLookedAfter: '2027-01-04', held: ['2027-01-15'] });
      assert.equal(leap.due, '2028-04-15');
      assert.equal(common.due, '2027-04-16');
    });

    it('OX-R04: a due date on Easter Saturday moves the latest meeting date back past Good Friday to Thursday', () => {
      const r = next({ becameLookedAfter: '2028-01-03', held: ['2028-01-15'] }); // due Sat 15 Apr 2028; Good Friday 14 Apr
      assert.equal(r.due, '2028-04-15');
      assert.equal(r.latestMeetingDate, '2028-04-13');
      assert.match(r.explanation, /Saturday/);
    });

    it('OX-R04: a due date on Easter Monday moves the latest meeting date back past Good Friday to Thursday', () => {
      // 5 Jan 2026 + 91 days = Mon 6 Apr 2026 (Easter Monday); Fri 3 Apr is Good Friday.
      const r = next({ becameLookedAfter: '2026-01-05', held: ['2026-01-05'] });
      assert.equal(r.due, '2026-04-06');
      assert.equal(r.latestMeetingDate, '2026-04-02');
      assert.match(r.explanation, /Easter Monday/);
    });
  });

  describe('OX-R05 subsequent reviews', () => {
    it('OX-R05: later reviews are due 183 days after the previous review, and a review held on day 91 counts', () => {
      // The second review held exactly on its due date (1 May 2026); 1 May + 183 days = Sat 31 Oct 2026.
      const r = next({ becameLookedAfter: '2026-01-05', held: ['2026-01-30', '2026-05-01'] });
      assert.equal(r.review, 'subsequent');
      assert.equal(r.rule, 'OX-R05');
      assert.equal(r.due, '2026-10-31');
      assert.equal(r.latestMeetingDate, '2026-10-30'); // a Saturday moves back to the Friday
      assert.deepEqual(r.anchor, { event: 'previous-review', date: '2026-05-01' });
      assert.deepEqual(r.offset, { amount: 183, unit: 'calendar-days' });
    });

    it('OX-R06: 183 days is not 6 months (1 May + 6 months is 1 Nov, a day late)', () => {
      const r = next({ becameLookedAfter: '2026-01-05', held: ['2026-01-30', '2026-05-01'] });
      assert.ok(r.due < addCalendarMonths(parseLocalDate('2026-05-01'), 6));
    });

    it('OX-R05: a due date on Christmas Day moves the latest meeting date back to Christmas Eve', () => {
      // 25 Jun 2026 + 183 days = Fri 25 Dec 2026.
      const r = next({ becameLookedAfter: '2026-01-05', held: ['2026-01-30', '2026-04-20', '2026-06-25'] });
      assert.equal(r.due, '2026-12-25');
      assert.equal(r.latestMeetingDate, '2026-12-24');
      assert.match(r.explanation, /Christmas Day/);
    });

    it('OX-R05: a local closure day on the due date also moves the meeting back', () => {
      const closed = createWorkingCalendar({ closureDays: ['2026-12-24'] });
      const r = nextLookedAfterReview(
        { becameLookedAfter: '2026-01-05', held: ['2026-01-30', '2026-04-20', '2026-06-25'] }, { calendar: closed });
      assert.equal(r.latestMeetingDate, '2026-12-23');
    });
  });

  describe('OX-R03 placement change and AMB-36', () => {
    it('OX-R03: a placement change after the last review makes a review due within 20 working days of the move', () => {
      // Mon 1 Jun 2026 + 20 working days = Mon 29 Jun (no bank holidays in June).
      const r = next({ becameLookedAfter: '2026-01-05', held: ['2026-01-30', '2026-04-20'], placementChanges: ['2026-06-01'] });
      assert.equal(r.review, 'placement-change');
      assert.equal(r.rule, 'OX-R03');
      assert.equal(r.due, '2026-06-29');
      assert.deepEqual(r.related.map((x) => x.rule), ['OX-R05']);
    });

    it('OX-R03: the cycle review still wins when it falls earlier than the placement-change review', () => {
      // Second review due 1 May 2026; a move on 20 Apr would give a review by 19 May.
      const r = next({ becameLookedAfter: '2026-01-05', held: ['2026-01-30'], placementChanges: ['2026-04-20'] });
      assert.equal(r.rule, 'OX-R04');
      assert.equal(r.due, '2026-05-01');
      assert.equal(r.related[0]?.rule, 'OX-R03');
    });

    it('AMB-36 (default): a placement-change review restarts the cycle, so the next review counts 183 days from it', () => {
      const r = next({ becameLookedAfter: '2026-01-05', held: ['2026-01-30', '2026-04-20', '2026-06-20'], placementChanges: ['2026-06-01'] });
      assert.equal(r.rule, 'OX-R05');
      assert.equal(r.anchor.date, '2026-06-20');
    });

    it('AMB-36 (reset off): the placement-change review does not restart the cycle, which counts from the review before it', () => {
      const r = next({ becameLookedAfter: '2026-01-05', held: ['2026-01-30', '2026-04-20', '2026-06-20'], placementChanges: ['2026-06-01'] }, false);
      assert.equal(r.rule, 'OX-R05');
      assert.equal(r.anchor.date, '2026-04-20');
      assert.equal(r.due, '2026-10-20');
    });

    it('AMB-36 (reset off): a placement-change review between the initial and second reviews keeps the second due at 91 days', () => {
      const r = next({ becameLookedAfter: '2026-01-05', held: ['2026-01-30', '2026-03-01'], placementChanges: ['2026-02-16'] }, false);
      assert.equal(r.rule, 'OX-R04');
      assert.equal(r.due, '2026-05-01');
    });

    it('OX-R03: a review held on the day of the move covers it', () => {
      const r = next({ becameLookedAfter: '2026-01-05', held: ['2026-01-30', '2026-06-01'], placementChanges: ['2026-06-01'] });
      assert.equal(r.rule, 'OX-R05');
    });
  });

  describe('CE-R03 annual review exception (AMB-37)', () => {
    it('CE-R03: with the exception on, reviews after the second are due a year after the previous one', () => {
      const r = nextLookedAfterReview({ becameLookedAfter: '2024-01-08', held: ['2024-02-01', '2024-05-01', '2024-10-31'] },
        { calendar, annualReviewException: true });
      assert.deepEqual([r.rule, r.due, r.offset.unit], ['CE-R03', '2025-10-31', 'years']);
    });

    it('CE-R04: the annual review comes with a six-monthly risk assessment', () => {
      const r = nextLookedAfterReview({ becameLookedAfter: '2024-01-08', held: ['2024-02-01', '2024-05-01', '2024-10-31'] },
        { calendar, annualReviewException: true });
      assert.deepEqual(r.related.map((x) => [x.rule, x.date]), [['CE-R04', '2025-04-30']]);
    });

    it('CE-R03: the exception does not change the initial review or the 91-day second review', () => {
      const r = nextLookedAfterReview({ becameLookedAfter: '2026-01-05', held: ['2026-01-30'] }, { calendar, annualReviewException: true });
      assert.equal(r.rule, 'OX-R04');
    });

    it('CE-R02: a move still needs its own review within 20 working days under the exception', () => {
      const r = nextLookedAfterReview({
        becameLookedAfter: '2024-01-08', held: ['2024-02-01', '2024-05-01', '2024-10-31'], placementChanges: ['2025-03-03'],
      }, { calendar, annualReviewException: true });
      assert.equal(r.rule, 'OX-R03');
      assert.ok(r.related.some((x) => x.rule === 'CE-R03'));
    });
  });

  describe('impossible input is refused', () => {
    it('refuses a date that does not exist, naming it', () => {
      refusal({ becameLookedAfter: '2026-02-30' }, 'becameLookedAfter', /February 2026 has 28 days/);
      refusal({ becameLookedAfter: '2026-01-05', held: ['2026-13-01'] }, 'held', /month must be 01 to 12/);
    });

    it('refuses a review held before the child became looked after', () => {
      refusal({ becameLookedAfter: '2026-01-05', held: ['2025-12-20'] }, 'held', /2025-12-20 is before the date the child became looked after \(2026-01-05\)/);
    });

    it('refuses held reviews out of date order', () => {
      refusal({ becameLookedAfter: '2026-01-05', held: ['2026-05-01', '2026-01-30'] }, 'held', /date order/);
    });

    it('refuses the same held review date twice', () => {
      refusal({ becameLookedAfter: '2026-01-05', held: ['2026-01-30', '2026-01-30'] }, 'held', /2026-01-30 twice/);
    });

    it('refuses a placement change before the child became looked after', () => {
      refusal({ becameLookedAfter: '2026-01-05', placementChanges: ['2026-01-02'] }, 'placementChanges', /before the date the child became looked after/);
    });
  });
});
