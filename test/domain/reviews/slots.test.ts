import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TZDate } from '@date-fns/tz';
import { addCalendarDays, createWorkingCalendar, parseLocalDate, type LocalDate } from '../../../domain/calendar/index.js';
import { InvalidInputError } from '../../../domain/errors.js';
import { bookingWindow } from '../../../domain/reviews/booking-window.js';
import {
  findReviewSlots, SLOT_ORDERS, type FallbackSlot, type SlotAttendee, type SlotOptions, type SlotRequest, type SlotSearch,
} from '../../../domain/reviews/slots.js';

const calendar = createWorkingCalendar();
const ZONE = 'Europe/London';
const IRO = 'iro@northmoor.example';
const SW = 'sw@northmoor.example';
const CARER = 'carer@example.org';
const GP = 'gp@example.org';

/** The instant of a London wall-clock time, e.g. london('2026-10-26', '09:00'). */
function london(day: string, hhmm: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const [h, mi] = hhmm.split(':').map(Number) as [number, number];
  return new Date(new TZDate(y, m - 1, d, h, mi, 0, ZONE).getTime());
}

/** A slot as `YYYY-MM-DD HH:MM-HH:MM` London time, so expectations read as an administrator sees them. */
function local(slot: { start: Date; end: Date }): string {
  const s = new TZDate(slot.start.getTime(), ZONE);
  const e = new TZDate(slot.end.getTime(), ZONE);
  const hm = (t: TZDate) => `${String(t.getHours()).padStart(2, '0')}:${String(t.getMinutes()).padStart(2, '0')}`;
  return `${calendar.localDateOf(slot.start)} ${hm(s)}-${hm(e)}`;
}

function busy(day: string, from: string, to: string) {
  return { start: london(day, from), end: london(day, to) };
}

function slotsOf(result: SlotSearch) {
  return result.outcome === 'none' ? result.fallback : result.slots;
}

describe('domain/reviews: choosing review meeting slots (§8.5)', () => {
  describe('the statutory window over bank holidays (AMB-07, OX-S01)', () => {
    it('AMB-07/OX-S01: due Mon 28 Dec 2026, a review is offered only on Thu 24 Dec, never on Christmas Day or the Boxing Day substitute', () => {
      const latest = calendar.lastWorkingDayOnOrBefore(parseLocalDate('2026-12-28'));
      assert.equal(latest, '2026-12-24');
      const attendees: SlotAttendee[] = [
        { id: IRO, required: true, busy: [busy('2026-12-21', '09:00', '17:00'), busy('2026-12-22', '09:00', '12:00')] },
        { id: SW, required: true, busy: [busy('2026-12-22', '13:00', '17:00'), busy('2026-12-23', '09:00', '17:00')] },
        { id: CARER, required: false, busy: [busy('2026-12-24', '09:00', '12:00')] },
      ];
      const r = findReviewSlots({ attendees, now: '2026-12-21T08:00:00Z', latestMeetingDate: latest }, { calendar });
      assert.equal(r.outcome, 'everyone-free');
      assert.deepEqual(slotsOf(r).map(local), ['2026-12-24 12:00-13:30', '2026-12-24 13:30-15:00', '2026-12-24 15:00-16:30']);
      assert.deepEqual(r.window, { from: new Date('2026-12-21T08:00:00Z'), to: london('2026-12-24', '17:00') });
    });

    it('OX-S03: in Christmas week with the carer busy all of Thu 24 Dec, the slots say so and name the carer as missing', () => {
      const attendees: SlotAttendee[] = [
        { id: IRO, required: true, busy: [busy('2026-12-21', '09:00', '17:00'), busy('2026-12-22', '09:00', '17:00')] },
        { id: SW, required: true, busy: [busy('2026-12-23', '09:00', '17:00')] },
        { id: CARER, required: false, busy: [busy('2026-12-24', '08:00', '18:00')] },
      ];
      const r = findReviewSlots({ attendees, now: '2026-12-21T08:00:00Z', latestMeetingDate: '2026-12-24' }, { calendar });
      assert.equal(r.outcome, 'optional-missing');
      assert.ok(r.outcome === 'optional-missing');
      assert.deepEqual(r.slots.map(local), ['2026-12-24 09:00-10:30', '2026-12-24 10:30-12:00', '2026-12-24 12:00-13:30']);
      assert.ok(r.slots.every((s) => s.missingOptional.length === 1 && s.missingOptional[0] === CARER));
      assert.deepEqual(r.missing, [CARER]);
      assert.match(r.explanation, /No time before the end of 2026-12-24 suits everyone.*carer@example\.org/);
    });

    it('AMB-07: due Tue 30 Mar 2027, Good Friday 26 Mar and Easter Monday 29 Mar are skipped, and Tue 30 Mar is 09:00 BST (08:00 UTC)', () => {
      const attendees: SlotAttendee[] = [
        { id: IRO, required: true, busy: [busy('2027-03-25', '12:00', '17:00')] },
        { id: SW, required: true, busy: [{ start: '2027-03-30T08:00:00Z', end: '2027-03-30T09:00:00Z' }] },
        { id: CARER, required: false, busy: [] },
      ];
      const r = findReviewSlots({ attendees, now: '2027-03-25T12:00:00Z', latestMeetingDate: '2027-03-30' }, { calendar });
      assert.equal(r.outcome, 'everyone-free');
      assert.deepEqual(slotsOf(r).map(local), ['2027-03-30 10:00-11:30', '2027-03-30 11:30-13:00', '2027-03-30 13:00-14:30']);
      assert.equal(slotsOf(r)[0]!.start.toISOString(), '2027-03-30T09:00:00.000Z');
    });

    it('AMB-07: the booking window over Easter 2027 and the attendees partly busy give slots only on working days inside the window', () => {
      const w = bookingWindow({ kind: 'looked-after', due: '2027-03-29', bookingOn: '2027-03-08', initial: true }, { calendar });
      assert.equal(w.latest, '2027-03-25');
      const attendees: SlotAttendee[] = [
        { id: IRO, required: true, busy: [busy('2027-03-22', '09:00', '17:00'), busy('2027-03-23', '09:00', '15:00')] },
        { id: SW, required: true, busy: [busy('2027-03-24', '09:00', '17:00')] },
        { id: GP, required: false, busy: [busy('2027-03-25', '09:00', '11:00')] },
      ];
      const r = findReviewSlots(
        { attendees, now: '2027-03-08T09:00:00Z', earliestDate: w.earliest, latestMeetingDate: w.latest },
        { calendar, order: 'one-per-day' });
      assert.equal(w.earliest, '2027-03-22');
      assert.equal(r.outcome, 'everyone-free');
      assert.deepEqual(slotsOf(r).map(local), ['2027-03-23 15:00-16:30', '2027-03-25 11:00-12:30', '2027-03-25 12:30-14:00']);
    });
  });

  describe('the clock change', () => {
    it('working hours stay 09:00-17:00 London time either side of Sun 25 Oct 2026 (BST to GMT)', () => {
      const attendees: SlotAttendee[] = [{ id: IRO, required: true, busy: [busy('2026-10-23', '09:00', '15:30')] }];
      const r = findReviewSlots({ attendees, now: '2026-10-23T06:00:00Z', latestMeetingDate: '2026-10-26' },
        { calendar, order: 'one-per-day', count: 2 });
      assert.deepEqual(slotsOf(r).map(local), ['2026-10-23 15:30-17:00', '2026-10-26 09:00-10:30']);
      assert.deepEqual(slotsOf(r).map((s) => s.start.toISOString()), ['2026-10-23T14:30:00.000Z', '2026-10-26T09:00:00.000Z']);
      assert.equal(slotsOf(r)[0]!.end.toISOString(), '2026-10-23T16:00:00.000Z');
    });

    it('working hours stay 09:00-17:00 London time either side of Sun 29 Mar 2026 (GMT to BST)', () => {
      const r = findReviewSlots({ attendees: [], now: '2026-03-27T12:00:00Z', latestMeetingDate: '2026-03-30' },
        { calendar, order: 'one-per-day', count: 2, meetingMinutes: 480 });
      assert.deepEqual(slotsOf(r).map((s) => [s.start.toISOString(), s.end.toISOString()]),
        [['2026-03-30T08:00:00.000Z', '2026-03-30T16:00:00.000Z']]);
    });
  });

  describe('the earliest moment', () => {
    it('no slot starts in the past: at 11:07 the first slot is 11:30 that day, even with an earlier window start', () => {
      const r = findReviewSlots(
        { attendees: [{ id: IRO, required: true, busy: [] }], now: london('2026-06-10', '11:07'), earliestDate: '2026-06-01', latestMeetingDate: '2026-06-30' },
        { calendar });
      assert.deepEqual(slotsOf(r).map(local), ['2026-06-10 11:30-13:00', '2026-06-10 13:00-14:30', '2026-06-10 14:30-16:00']);
    });

    it('§8.5: the booking window\'s earliest day holds back the first slot until its working hours begin', () => {
      const r = findReviewSlots({ attendees: [], now: '2026-06-01T07:00:00Z', earliestDate: '2026-06-15', latestMeetingDate: '2026-06-30' },
        { calendar, count: 1 });
      assert.deepEqual(slotsOf(r).map(local), ['2026-06-15 09:00-10:30']);
    });

    it('OX-S01: after working hours end on the latest meeting date there is no slot, and the result says the window is empty', () => {
      const r = findReviewSlots({ attendees: [{ id: IRO, required: true, busy: [] }], now: london('2026-06-30', '15:31'), latestMeetingDate: '2026-06-30' },
        { calendar });
      assert.equal(r.outcome, 'none');
      assert.ok(r.outcome === 'none');
      assert.deepEqual([r.reason, r.fallback], [{ kind: 'window-empty' }, []]);
      assert.match(r.explanation, /No 90-minute slot in working hours \(09:00 to 17:00\) lies between Tue 30 Jun 2026 15:31 and the end of 2026-06-30/);
    });
  });

  describe('when the required attendees cannot all come', () => {
    it('OX-S01: a required attendee busy throughout gives an explicit none, named, with the fallback slots naming who is missing', () => {
      const attendees: SlotAttendee[] = [
        { id: IRO, required: true, busy: [busy('2026-12-21', '08:00', '18:00'), busy('2026-12-22', '08:00', '18:00'), busy('2026-12-23', '08:00', '18:00'), busy('2026-12-24', '08:00', '18:00')] },
        { id: SW, required: true, busy: [busy('2026-12-24', '09:00', '12:00')] },
        { id: CARER, required: false, busy: [] },
      ];
      const r = findReviewSlots({ attendees, now: '2026-12-21T00:00:00Z', latestMeetingDate: '2026-12-24' }, { calendar });
      assert.equal(r.outcome, 'none');
      assert.ok(r.outcome === 'none');
      assert.deepEqual(r.reason, { kind: 'required-busy', fullyBooked: [IRO] });
      assert.match(r.explanation, /iro@northmoor\.example is busy throughout/);
      assert.equal(r.fallback.length, 3);
      assert.ok(r.fallback.every((s) => s.missingRequired.length === 1 && s.missingRequired[0] === IRO && s.missingOptional.length === 0));
      assert.deepEqual(r.fallback.map(local), ['2026-12-21 09:00-10:30', '2026-12-21 10:30-12:00', '2026-12-21 12:00-13:30']);
    });

    it('OX-S01: two required attendees each free sometimes but never together: none, with nobody fully booked', () => {
      const attendees: SlotAttendee[] = [
        { id: IRO, required: true, busy: [busy('2026-12-24', '09:00', '13:00')] },
        { id: SW, required: true, busy: [busy('2026-12-24', '12:00', '17:00')] },
      ];
      const r = findReviewSlots({ attendees, now: '2026-12-24T00:00:00Z', latestMeetingDate: '2026-12-24' }, { calendar });
      assert.ok(r.outcome === 'none' && r.reason.kind === 'required-busy');
      assert.deepEqual(r.reason.fullyBooked, []);
      assert.match(r.explanation, /iro@northmoor\.example and sw@northmoor\.example are never free together/);
      assert.ok(r.fallback.every((s) => s.missingRequired.length === 1));
    });

    it('OX-S03: slots free for everyone come first, then the ones missing the fewest optional attendees', () => {
      const attendees: SlotAttendee[] = [
        { id: IRO, required: true, busy: [busy('2026-06-15', '12:00', '17:00')] },
        { id: CARER, required: false, busy: [busy('2026-06-15', '09:00', '10:30'), busy('2026-06-15', '10:30', '12:00')] },
        { id: GP, required: false, busy: [busy('2026-06-15', '09:00', '10:00')] },
      ];
      const r = findReviewSlots({ attendees, now: '2026-06-15T07:00:00Z', latestMeetingDate: '2026-06-15' }, { calendar, meetingMinutes: 60 });
      assert.ok(r.outcome === 'optional-missing');
      assert.deepEqual(r.slots.map((s) => [local(s), s.missingOptional]), [
        ['2026-06-15 10:00-11:00', [CARER]],
        ['2026-06-15 11:00-12:00', [CARER]],
        ['2026-06-15 09:00-10:00', [CARER, GP]],
      ]);
    });
  });

  describe('settings and input', () => {
    it('a meeting longer than the working day is refused, naming the setting', () => {
      assert.throws(() => findReviewSlots({ attendees: [], now: '2026-06-01T00:00:00Z', latestMeetingDate: '2026-06-30' },
        { calendar, meetingMinutes: 481 }),
      (e: unknown) => e instanceof InvalidInputError && e.field === 'meetingMinutes'
        && /481-minute meeting does not fit in the working day \(09:00 to 17:00, 480 minutes\)/.test(e.message));
      const shortDay = { calendar, workingHours: { start: '10:00', end: '12:00' }, meetingMinutes: 150 };
      assert.throws(() => findReviewSlots({ attendees: [], now: '2026-06-01T00:00:00Z', latestMeetingDate: '2026-06-30' }, shortDay),
        (e: unknown) => e instanceof InvalidInputError && e.field === 'meetingMinutes');
    });

    it('a meeting exactly as long as the working day fills it', () => {
      const r = findReviewSlots({ attendees: [], now: '2026-06-01T00:00:00Z', latestMeetingDate: '2026-06-02' }, { calendar, meetingMinutes: 480 });
      assert.deepEqual(slotsOf(r).map(local), ['2026-06-01 09:00-17:00', '2026-06-02 09:00-17:00']);
    });

    it('the authority\'s working hours and granularity set the grid', () => {
      const r = findReviewSlots({ attendees: [{ id: IRO, required: true, busy: [busy('2026-06-01', '09:30', '10:10')] }], now: '2026-06-01T00:00:00Z', latestMeetingDate: '2026-06-01' },
        { calendar, workingHours: { start: '09:30', end: '16:00' }, meetingMinutes: 60, granularityMinutes: 15 });
      assert.deepEqual(slotsOf(r).map(local), ['2026-06-01 10:15-11:15', '2026-06-01 11:15-12:15', '2026-06-01 12:15-13:15']);
    });

    it('AMB-07: an authority closure day is not offered', () => {
      const closing = createWorkingCalendar({ closureDays: ['2026-06-01'] });
      const r = findReviewSlots({ attendees: [], now: '2026-06-01T00:00:00Z', latestMeetingDate: '2026-06-02' }, { calendar: closing, count: 1 });
      assert.deepEqual(slotsOf(r).map(local), ['2026-06-02 09:00-10:30']);
    });

    it('someone listed twice counts once, required if either entry is, with both entries\' busy times', () => {
      const r = findReviewSlots({
        attendees: [
          { id: SW, required: false, busy: [busy('2026-06-01', '09:00', '10:30')] },
          { id: 'SW@northmoor.example', required: true, busy: [busy('2026-06-01', '10:30', '16:00')] },
        ],
        now: '2026-06-01T00:00:00Z', latestMeetingDate: '2026-06-01',
      }, { calendar });
      assert.ok(r.outcome === 'none' && r.reason.kind === 'required-busy');
      assert.deepEqual(r.reason.fullyBooked, [SW]);
    });

    it('a busy time written without a zone is refused, since it would depend on the server\'s zone', () => {
      assert.throws(() => findReviewSlots({
        attendees: [{ id: IRO, required: true, busy: [{ start: '2026-06-01T09:00:00', end: '2026-06-01T10:00:00Z' }] }],
        now: '2026-06-01T00:00:00Z', latestMeetingDate: '2026-06-01',
      }, { calendar }), (e: unknown) => e instanceof InvalidInputError && e.field === 'busy' && /no time zone/.test(e.message));
    });

    it('a busy time that ends before it starts, a bad latest date, and bad numbers are refused by field', () => {
      const base: SlotRequest = { attendees: [], now: '2026-06-01T00:00:00Z', latestMeetingDate: '2026-06-01' };
      const field = (f: string) => (e: unknown) => e instanceof InvalidInputError && e.field === f;
      assert.throws(() => findReviewSlots({ ...base, attendees: [{ id: IRO, required: true, busy: [{ start: '2026-06-01T10:00:00Z', end: '2026-06-01T09:00:00Z' }] }] }, { calendar }), field('busy'));
      assert.throws(() => findReviewSlots({ ...base, latestMeetingDate: '2026-02-30' }, { calendar }), field('latestMeetingDate'));
      assert.throws(() => findReviewSlots({ ...base, latestMeetingDate: '2030-01-01' }, { calendar }), field('latestMeetingDate'));
      assert.throws(() => findReviewSlots(base, { calendar, granularityMinutes: 0 }), field('granularityMinutes'));
      assert.throws(() => findReviewSlots(base, { calendar, count: 1.5 }), field('count'));
      assert.throws(() => findReviewSlots(base, { calendar, workingHours: { start: '17:00', end: '09:00' } }), field('workingHours'));
      assert.throws(() => findReviewSlots({ ...base, now: 'yesterday' }, { calendar }), field('now'));
    });
  });

  describe('laws that hold for any attendees and dates (fast-check)', () => {
    const EPOCH = parseLocalDate('2026-01-01');
    const aStartDay = fc.integer({ min: 0, max: 2 * 365 }).map((n) => addCalendarDays(EPOCH, n));
    /** Busy times in London local time from 08:00, in half hours nudged off the grid, so that they bite into working hours. */
    const aBusy = fc.record({
      dayOffset: fc.integer({ min: 0, max: 6 }),
      halfHour: fc.integer({ min: 0, max: 19 }),
      nudge: fc.constantFrom(0, 0, 0, 1, 7, 20, 29),
      halfHours: fc.integer({ min: 1, max: 16 }),
      asString: fc.boolean(),
    });
    const anAttendee = fc.record({ required: fc.boolean(), busy: fc.array(aBusy, { maxLength: 30 }) });
    const aCase = fc.record({
      startDay: aStartDay,
      nowMinute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
      span: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 6, max: 20 })),
      attendees: fc.array(anAttendee, { maxLength: 5 }),
      meetingMinutes: fc.constantFrom(30, 45, 60, 90, 120, 480),
      granularityMinutes: fc.constantFrom(15, 30, 60),
      count: fc.integer({ min: 1, max: 5 }),
      order: fc.constantFrom(...SLOT_ORDERS),
      hours: fc.constantFrom({ start: '09:00', end: '17:00' }, { start: '08:30', end: '16:30' }),
    });

    type Case = typeof aCase extends fc.Arbitrary<infer T> ? T : never;

    function build(c: Case) {
      const base = new Date(`${c.startDay}T00:00:00Z`).getTime();
      const attendees: SlotAttendee[] = c.attendees.map((a, i) => ({
        id: `person${i}@example.org`,
        required: a.required,
        busy: a.busy.map((b) => {
          const start = new Date(london(addCalendarDays(c.startDay, b.dayOffset), '08:00').getTime() + (b.halfHour * 30 + b.nudge) * 60_000);
          const end = new Date(start.getTime() + b.halfHours * 30 * 60_000);
          return b.asString ? { start: start.toISOString(), end: end.toISOString() } : { start, end };
        }),
      }));
      const request: SlotRequest = {
        attendees,
        now: new Date(base + c.nowMinute * 60_000),
        latestMeetingDate: addCalendarDays(c.startDay, c.span),
      };
      const options: SlotOptions = {
        calendar, meetingMinutes: c.meetingMinutes, granularityMinutes: c.granularityMinutes, count: c.count, order: c.order, workingHours: c.hours,
      };
      return { attendees, request, options };
    }

    const isBusy = (a: SlotAttendee, s: { start: Date; end: Date }) =>
      a.busy.some((b) => new Date(b.start).getTime() < s.end.getTime() && s.start.getTime() < new Date(b.end).getTime());
    const minutesOfDay = (t: Date) => {
      const z = new TZDate(t.getTime(), ZONE);
      return z.getHours() * 60 + z.getMinutes();
    };
    const hm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));

    /** Every grid slot free for the required attendees, found the slow way, by London wall-clock times. */
    function oracle(c: Case, attendees: readonly SlotAttendee[], now: Date) {
      const found: { start: Date; end: Date }[] = [];
      for (let day: LocalDate = calendar.localDateOf(now); day <= addCalendarDays(c.startDay, c.span); day = addCalendarDays(day, 1)) {
        if (!calendar.isWorkingDay(day)) continue;
        for (let m = hm(c.hours.start); m + c.meetingMinutes <= hm(c.hours.end); m += c.granularityMinutes) {
          const start = london(day, `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
          const slot = { start, end: new Date(start.getTime() + c.meetingMinutes * 60_000) };
          if (start >= now && attendees.every((a) => !a.required || !isBusy(a, slot))) found.push(slot);
        }
      }
      return found;
    }

    it('AMB-07/OX-S01: every slot offered is after now, on a working day, inside working hours, by the latest date, and never overlaps another', () => {
      fc.assert(fc.property(aCase, (c) => {
        const { request, options } = build(c);
        const r = findReviewSlots(request, options);
        const slots = slotsOf(r);
        assert.ok(slots.length <= c.count);
        for (const s of slots) {
          const day = calendar.localDateOf(s.start);
          assert.ok(s.start.getTime() >= (request.now as Date).getTime(), `${s.start.toISOString()} is in the past`);
          assert.ok(calendar.isWorkingDay(day), `${day} is not a working day`);
          assert.equal(calendar.localDateOf(s.end), day);
          assert.ok(day <= request.latestMeetingDate, `${day} is after ${request.latestMeetingDate}`);
          assert.ok(minutesOfDay(s.start) >= hm(c.hours.start), `${local(s)} starts before working hours`);
          assert.ok(minutesOfDay(s.end) <= hm(c.hours.end), `${local(s)} ends after working hours`);
          assert.equal((minutesOfDay(s.start) - hm(c.hours.start)) % c.granularityMinutes, 0, `${local(s)} is off the grid`);
          assert.equal(s.end.getTime() - s.start.getTime(), c.meetingMinutes * 60_000);
          assert.ok(s.start >= r.window.from && s.end <= r.window.to);
        }
        for (const [i, a] of slots.entries()) {
          for (const b of slots.slice(i + 1)) assert.ok(a.end <= b.start || b.end <= a.start, `${local(a)} overlaps ${local(b)}`);
        }
      }), { numRuns: 300 });
    });

    it('OX-S03: every slot is free for every required attendee unless the outcome is none, and it names exactly who is missing', () => {
      fc.assert(fc.property(aCase, (c) => {
        const { attendees, request, options } = build(c);
        const r = findReviewSlots(request, options);
        for (const s of slotsOf(r)) {
          const missingRequired = attendees.filter((a) => a.required && isBusy(a, s)).map((a) => a.id);
          const missingOptional = attendees.filter((a) => !a.required && isBusy(a, s)).map((a) => a.id);
          assert.deepEqual(s.missingOptional, missingOptional);
          if (r.outcome === 'none') assert.deepEqual((s as Partial<FallbackSlot>).missingRequired, missingRequired);
          else assert.deepEqual(missingRequired, [], `${local(s)} misses ${missingRequired.join(', ')}`);
          if (r.outcome === 'everyone-free') assert.deepEqual(missingOptional, []);
        }
        if (r.outcome === 'optional-missing') assert.ok(r.slots.some((s) => s.missingOptional.length > 0));
        if (r.outcome === 'none' && r.reason.kind === 'required-busy') assert.ok(r.fallback.every((s) => s.missingRequired.length > 0));
      }), { numRuns: 300 });
    });

    it('§8.5: the outcome is none exactly when no slot has the required attendees free, and soonest first offers the first such slot', () => {
      const seen = new Set<string>();
      fc.assert(fc.property(aCase, (c) => {
        const { attendees, request, options } = build(c);
        const r = findReviewSlots(request, options);
        seen.add(r.outcome === 'none' ? `none:${r.reason.kind}` : r.outcome);
        const possible = oracle(c, attendees, request.now as Date);
        assert.equal(r.outcome === 'none', possible.length === 0);
        if (r.outcome === 'none') return;
        assert.ok(r.slots.length >= 1);
        const everyone = possible.filter((s) => attendees.every((a) => !isBusy(a, s)));
        if (c.order === 'soonest' && everyone.length > 0) assert.deepEqual(r.slots[0]!.start, everyone[0]!.start);
        if (c.order === 'soonest' && r.outcome === 'everyone-free') {
          const starts = r.slots.map((s) => s.start.getTime());
          assert.deepEqual(starts, [...starts].sort((x, y) => x - y));
        }
      }), { numRuns: 400 });
      // The laws are not vacuous: the generated cases reach every outcome.
      assert.deepEqual([...seen].sort(), ['everyone-free', 'none:required-busy', 'none:window-empty', 'optional-missing']);
    });

    it('one-per-day puts slots on different days whenever there are enough days free for everyone', () => {
      fc.assert(fc.property(aCase, (c) => {
        const { request, options } = build({ ...c, order: 'one-per-day' });
        const r = findReviewSlots(request, options);
        if (r.outcome !== 'everyone-free') return;
        const days = r.slots.map((s) => calendar.localDateOf(s.start));
        const distinct = new Set(days).size;
        // A repeated day only ever follows the distinct ones, once days have run out.
        assert.deepEqual(days.slice(0, distinct), [...new Set(days)]);
      }), { numRuns: 200 });
    });
  });
});
