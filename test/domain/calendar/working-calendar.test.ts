import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  addCalendarDays,
  createWorkingCalendar,
  englandAndWalesBankHolidays,
  parseLocalDate,
  type LocalDate,
} from '../../../domain/calendar/index.js';
import { InvalidInputError } from '../../../domain/errors.js';

const d = (s: string): LocalDate => parseLocalDate(s);
const calendar = createWorkingCalendar();

describe('domain/calendar: working days (AMB-07, AMB-08)', () => {
  describe('adding working days, where the start day is day 0', () => {
    const cases: [string, string, number, string][] = [
      ['the brief example: 18 Dec 2025 + 5 crosses Christmas and Boxing Day', '2025-12-18', 5, '2025-12-29'],
      ['Friday to Monday', '2026-03-06', 1, '2026-03-09'],
      ['starting on a Saturday counts from the following Monday', '2026-03-07', 1, '2026-03-09'],
      ['starting on a Sunday', '2026-03-08', 5, '2026-03-13'],
      ['a bank holiday on the deadline moves it to the next working day (Early May 2026)', '2026-04-30', 2, '2026-05-05'],
      ['Easter: Good Friday and Easter Monday 2026 are skipped', '2026-04-02', 1, '2026-04-07'],
      ['Christmas 2021: both substitute days (27 and 28 Dec) are skipped', '2021-12-23', 3, '2021-12-30'],
      ['New Year 2022: 1 Jan falls on a Saturday, the substitute Monday 3 Jan is skipped', '2021-12-31', 1, '2022-01-04'],
      ['Christmas 2022: Christmas Day on a Sunday, its substitute Tuesday 27 Dec is skipped', '2022-12-23', 1, '2022-12-28'],
      ['2020 VE Day: Friday 8 May 2020 was the holiday, not Monday 4 May', '2020-05-07', 1, '2020-05-11'],
      ['2020: Monday 4 May 2020 was a working day', '2020-05-01', 1, '2020-05-04'],
      ['2022 Platinum Jubilee: Thursday 2 and Friday 3 June 2022 are skipped', '2022-06-01', 1, '2022-06-06'],
      ["2022 State Funeral of Queen Elizabeth II: Monday 19 September 2022 is skipped", '2022-09-16', 1, '2022-09-20'],
      ['2023 Coronation: Monday 8 May 2023 is skipped as well as Early May on 1 May', '2023-04-28', 2, '2023-05-03'],
      ['2023 Coronation', '2023-05-05', 1, '2023-05-09'],
      ['zero working days gives the start day back', '2026-03-07', 0, '2026-03-07'],
    ];
    for (const [name, from, n, expected] of cases) {
      it(`${name}: ${from} + ${n} WD = ${expected}`, () => {
        assert.equal(calendar.addWorkingDays(d(from), n), expected);
      });
    }
  });

  describe('going back working days ("at least N working days before")', () => {
    it('10 working days before Monday 5 January 2026 skips Christmas, Boxing Day and New Year', () => {
      // 2 Jan (1), 31 Dec (2), 30 (3), 29 (4), 24 (5), 23 (6), 22 (7), 19 (8), 18 (9), 17 (10)
      assert.equal(calendar.subtractWorkingDays(d('2026-01-05'), 10), '2025-12-17');
    });
    it('3 working days before a Tuesday after Easter Monday', () => {
      assert.equal(calendar.subtractWorkingDays(d('2026-04-07'), 3), '2026-03-31');
    });
  });

  describe('counting working days between two dates, (from, to]', () => {
    it('counts 5 from 18 to 29 December 2025', () => {
      assert.equal(calendar.workingDaysBetween(d('2025-12-18'), d('2025-12-29')), 5);
    });
    it('is negative when the end is before the start', () => {
      assert.equal(calendar.workingDaysBetween(d('2025-12-29'), d('2025-12-18')), -5);
    });
    it('is zero across a weekend alone', () => {
      assert.equal(calendar.workingDaysBetween(d('2026-03-06'), d('2026-03-08')), 0);
    });
  });

  describe('the end of a working day as an instant, in Europe/London', () => {
    it('is 17:00 GMT (17:00Z) before the March clock change', () => {
      assert.equal(calendar.endOfWorkingDay(d('2026-03-27')).toISOString(), '2026-03-27T17:00:00.000Z');
    });
    it('is 17:00 BST (16:00Z) after the clocks go forward on 29 March 2026', () => {
      assert.equal(calendar.endOfWorkingDay(d('2026-03-30')).toISOString(), '2026-03-30T16:00:00.000Z');
    });
    it('a deadline crossing the March clock change ends at 17:00 local time', () => {
      assert.equal(calendar.deadlineWithin(d('2026-03-27'), 1).toISOString(), '2026-03-30T16:00:00.000Z');
    });
    it('a deadline crossing the October clock change (25 October 2026) ends at 17:00 GMT', () => {
      assert.equal(calendar.deadlineWithin(d('2026-10-23'), 1).toISOString(), '2026-10-26T17:00:00.000Z');
    });
    it('the end of day is configurable', () => {
      const late = createWorkingCalendar({ endOfDay: '17:30' });
      assert.equal(late.endOfWorkingDay(d('2026-01-05')).toISOString(), '2026-01-05T17:30:00.000Z');
    });
    it('an instant late on a summer evening UTC is already the next day in London', () => {
      assert.equal(calendar.localDateOf(new Date('2026-06-30T23:30:00Z')), '2026-07-01');
    });
  });

  describe('authority closure days on top of bank holidays', () => {
    it('a council closed 29 to 31 December 2026 resumes on 4 January 2027', () => {
      const council = createWorkingCalendar({ closureDays: ['2026-12-29', '2026-12-30', '2026-12-31'] });
      assert.equal(council.addWorkingDays(d('2026-12-24'), 1), '2027-01-04');
      assert.deepEqual(council.nonWorkingReason(d('2026-12-30')), { kind: 'closure', name: 'local closure day' });
      assert.equal(calendar.addWorkingDays(d('2026-12-24'), 1), '2026-12-29');
    });
  });

  describe('England & Wales bank holidays come from date-holidays, weekdays only', () => {
    it('keeps substitute days and drops weekend holidays (2022)', () => {
      const dates = englandAndWalesBankHolidays(2022).map((h) => h.date);
      assert.ok(dates.includes(d('2022-01-03')), 'substitute for New Year');
      assert.ok(dates.includes(d('2022-12-27')), 'substitute for Christmas');
      assert.ok(!dates.includes(d('2022-12-25')), 'Christmas Day 2022 was a Sunday');
      assert.ok(!dates.includes(d('2022-01-01')), 'New Year 2022 was a Saturday');
      assert.equal(dates.length, 10);
    });
    it('names a non-working day', () => {
      assert.deepEqual(calendar.nonWorkingReason(d('2023-05-08')), { kind: 'bank-holiday', name: "King Charles III's Coronation" });
      assert.deepEqual(calendar.nonWorkingReason(d('2026-03-07')), { kind: 'weekend' });
      assert.equal(calendar.nonWorkingReason(d('2026-03-09')), undefined);
    });
  });

  describe('impossible input is refused with a clear error', () => {
    it('2026-02-30 does not exist', () => {
      assert.throws(() => parseLocalDate('2026-02-30', 'review date'),
        (e: unknown) => e instanceof InvalidInputError && /February 2026 has 28 days/.test(e.message) && e.field === 'review date');
    });
    it('29 February exists only in leap years', () => {
      assert.equal(parseLocalDate('2028-02-29'), '2028-02-29');
      assert.throws(() => parseLocalDate('2027-02-29'), /February 2027 has 28 days/);
    });
    it('a date in another format says how to write it', () => {
      assert.throws(() => parseLocalDate('05/01/2026'), /write it as YYYY-MM-DD/);
      assert.throws(() => parseLocalDate('2026-13-01'), /month must be 01 to 12/);
    });
    it('a negative count of working days to add is refused', () => {
      assert.throws(() => calendar.addWorkingDays(d('2026-01-05'), -1), /zero or more working days/);
      assert.throws(() => calendar.addWorkingDays(d('2026-01-05'), 1.5), /whole number/);
    });
    it('a time zone that does not exist is refused', () => {
      assert.throws(() => createWorkingCalendar({ timeZone: 'Europe/Londres' }), /not an IANA time zone/);
    });
    it('an end of day that is not HH:MM is refused', () => {
      assert.throws(() => createWorkingCalendar({ endOfDay: '5pm' }), /HH:MM/);
    });
    it('a closure day that does not exist is refused', () => {
      assert.throws(() => createWorkingCalendar({ closureDays: ['2026-04-31'] }), /April 2026 has 30 days/);
    });
  });

  describe('laws (property-based)', () => {
    const anyDate = fc
      .integer({ min: 0, max: 365 * 12 })
      .map((offset) => addCalendarDays(d('2019-01-01'), offset));
    const anyCount = fc.integer({ min: 1, max: 60 });

    it('adding N >= 1 working days always lands on a working day', () => {
      fc.assert(fc.property(anyDate, anyCount, (date, n) => calendar.isWorkingDay(calendar.addWorkingDays(date, n))));
    });
    it('counting the working days between a date and date + N gives back N', () => {
      fc.assert(fc.property(anyDate, anyCount, (date, n) =>
        calendar.workingDaysBetween(date, calendar.addWorkingDays(date, n)) === n));
    });
    it('going back N from date + N returns to the last working day on or before the date', () => {
      fc.assert(fc.property(anyDate, anyCount, (date, n) =>
        calendar.subtractWorkingDays(calendar.addWorkingDays(date, n), n) === calendar.lastWorkingDayOnOrBefore(date)));
    });
    it('a deadline is always 17:00 London time on a working day', () => {
      fc.assert(fc.property(anyDate, anyCount, (date, n) => {
        const deadline = calendar.deadlineWithin(date, n);
        const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' }).format(deadline);
        return local === '17:00' && calendar.isWorkingDay(calendar.localDateOf(deadline));
      }));
    });
  });
});
