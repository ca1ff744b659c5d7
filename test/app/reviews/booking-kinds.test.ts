/**
 * Issue 9, proof 2: a review is booked for every kind (initial, second and later looked-after
 * reviews, a foster carer's first and annual review, a significant-incident review), each with its
 * statutory date in Christmas week 2026 or Easter week 2027 and the attendees partly busy. Every
 * time offered is inside the booking window, on a working day, within working hours and free for
 * every required attendee.
 *
 * Every date below is worked out by hand from the rules in DOMAIN §4 and written here, not asked of
 * the code under test. The calendar facts they rest on:
 *   - bank holidays: Fri 25 Dec 2026, Mon 28 Dec 2026 (Boxing Day's substitute), Fri 1 Jan 2027,
 *     Good Friday 26 Mar 2027, Easter Monday 29 Mar 2027 (AMB-07);
 *   - London is on GMT (UTC+0) from 25 Oct 2026 to Sat 27 Mar 2027, and on BST (UTC+1) from
 *     01:00 UTC on Sun 28 Mar 2027.
 * The booking window (§8.5, bookingWindow) runs from the first working day whose preparation
 * deadlines are all still ahead of today (OX-R09a 10 working days before for an initial review,
 * OX-R08a 20 working days before otherwise; FC-R15 / FC-R16 two weeks before for carers) to the last
 * working day on or before the statutory date.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_BOOKING_SETTINGS, type BookingRefusal, type SlotsFound } from '../../../app/reviews/booking.js';
import { createReviewFlows, type ReviewFlows } from '../../../app/reviews/flows.js';
import { handleReviewCommand, loadReviewSeries, reviewCalendarDestination, reviewSeriesStreamId } from '../../../app/reviews/model.js';
import { calendarPayloadSchemas, EFFECT_KINDS } from '../../../app/delivery/messages.js';
import { createLogger } from '../../../app/log.js';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import type { RoleKey } from '../../../domain/policies/roles.js';
import { reviewDueRulesFor, type RegisterEntry, type ReviewDueRules } from '../../../domain/reviews/index.js';
import { createFileCalendar } from '../../../graph/calendar.js';
import type { Directory, Person } from '../../../graph/directory/index.js';
import { TestClock } from '../../../store/clock.js';
import { listEffects } from '../../../store/outbox.js';
import { describeOnEngines } from '../../store/engines.js';

const calendar = createWorkingCalendar();
const silent = createLogger({ level: 'silent' });
const MEETING_MS = 90 * 60_000;

/** England and Wales bank holidays in the months searched (AMB-07), written out by hand. */
const BANK_HOLIDAYS: ReadonlySet<string> = new Set(['2026-12-25', '2026-12-28', '2027-01-01', '2027-03-26', '2027-03-29']);
/** The first London day on BST in 2027 (the clocks go forward at 01:00 UTC on Sunday 28 March). */
const BST_FROM = '2027-03-28';

/** London's offset from UTC in minutes on a day in the months searched, by hand: 0 (GMT) before 28 March 2027, 60 (BST) from it. */
function londonOffsetMinutes(day: string): number {
  assert.ok(day >= '2026-10-26' && day <= '2027-10-30', `${day} is outside the months this test knows the London offset of`);
  return day >= BST_FROM ? 60 : 0;
}
/** The instant a London wall-clock time names, from the hand-written offset (not the time-zone code under test). */
function londonWall(day: string, hhmm: string): number {
  return Date.parse(`${day}T${hhmm}:00Z`) - londonOffsetMinutes(day) * 60_000;
}

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});
/** "YYYY-MM-DD HH:MM" in London, from the platform's time-zone database. */
function londonText(instant: Date): string {
  const p = Object.fromEntries(londonParts.formatToParts(instant).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** Monday to Friday and not a bank holiday, by hand. */
function isWorkingDayByHand(day: string): boolean {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !BANK_HOLIDAYS.has(day);
}

/** A busy block, as ISO instants with their offset. */
interface Block {
  readonly start: string;
  readonly end: string;
}
/** A whole London day (or run of days) on GMT: 00:00 on `from` to 00:00 the day after `to`. */
const gmtDays = (from: string, toInclusive: string): Block => {
  const end = new Date(Date.parse(`${toInclusive}T00:00:00Z`) + 86_400_000).toISOString();
  return { start: `${from}T00:00:00Z`, end };
};

/** An .ics file of busy blocks (UTC), as Outlook exports a person's calendar. */
function ics(blocks: readonly Block[]): string {
  const utc = (iso: string) => new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Resolve tests//Busy//EN',
    ...blocks.flatMap((b, i) => [
      'BEGIN:VEVENT', `UID:busy-${i}-${randomUUID()}@test.example`, 'DTSTAMP:20261101T090000Z', `DTSTART:${utc(b.start)}`, `DTEND:${utc(b.end)}`, 'SUMMARY:Busy', 'END:VEVENT',
    ]),
    'END:VCALENDAR', '',
  ].join('\r\n');
}

/** A directory of fictional people made up for each test, so tests sharing a database never share a person's diary. */
function testDirectory(): Directory & { add(person: Person, roles: RoleKey[]): void } {
  const people = new Map<string, Person>();
  const roles = new Map<string, RoleKey[]>();
  return {
    add(person, held) {
      people.set(person.id, person);
      roles.set(person.id, held);
    },
    person: async (id) => people.get(id),
    resolveRole: async () => [],
    manager: async () => undefined,
    cover: async () => undefined,
    teams: async () => [],
    people: async () => [...people.values()],
    rolesOf: async (id) => roles.get(id) ?? [],
  };
}

type Who = { readonly officer: string; readonly worker: string; readonly invitee: string };

interface KindCase {
  readonly title: string;
  readonly kind: 'looked-after' | 'foster-carer';
  readonly rules?: ReviewDueRules;
  /** The register entries, the first naming the officer, the worker and the invitee. */
  readonly entries: (who: Who) => RegisterEntry[];
  /** The TestClock: a few weeks before the statutory date. */
  readonly now: string;
  /** Worked out by hand from the rule. */
  readonly due: { readonly review: string; readonly due: string; readonly latestMeetingDate: string; readonly rule: string };
  /** Worked out by hand from the preparation leads. */
  readonly window: { readonly earliest: string; readonly latest: string; readonly limitingRule: string };
  readonly officerBusy: readonly Block[];
  readonly workerBusy: readonly Block[];
  /** The three soonest times free for both, worked out by hand: [UTC start, London start]. */
  readonly expected: readonly (readonly [string, string])[];
}

const CASES: readonly KindCase[] = [
  {
    title: 'OX-R02, §8.5, AMB-07: an initial looked-after review due Thursday 24 December 2026 (20 working days after 26 November) is offered only free working-hours times between 14 December (OX-R09a) and Christmas Eve',
    kind: 'looked-after',
    // Day 0 Thu 26 Nov; working days 1-20: 27, 30 Nov, 1-4, 7-11, 14-18, 21-24 Dec: day 20 is Thu 24 Dec.
    entries: (w) => [{ fact: { event: 'became-looked-after', date: '2026-11-26' }, officer: w.officer, worker: w.worker, invitees: [w.invitee] }],
    now: '2026-11-30T09:00:00Z',
    due: { review: 'initial', due: '2026-12-24', latestMeetingDate: '2026-12-24', rule: 'OX-R02' },
    // Initial review: consultation is as soon as possible (AMB-35), so invitations (10 working days before) limit:
    // 10 working days after Mon 30 Nov is Mon 14 Dec.
    window: { earliest: '2026-12-14', latest: '2026-12-24', limitingRule: 'OX-R09a' },
    officerBusy: [gmtDays('2026-12-14', '2026-12-15'), { start: '2026-12-16T09:00:00Z', end: '2026-12-16T12:30:00Z' }],
    workerBusy: [{ start: '2026-12-16T14:00:00Z', end: '2026-12-16T17:00:00Z' }, gmtDays('2026-12-17', '2026-12-17')],
    expected: [
      ['2026-12-16T12:30:00.000Z', '2026-12-16 12:30'],
      ['2026-12-18T09:00:00.000Z', '2026-12-18 09:00'],
      ['2026-12-18T10:30:00.000Z', '2026-12-18 10:30'],
    ],
  },
  {
    title: 'OX-R04, §8.5, AMB-07: a second looked-after review due Tuesday 30 March 2027 (91 days after the initial review on 29 December) skips Good Friday, the weekend and Easter Monday, and keeps 09:00-17:00 London time either side of the clock change',
    kind: 'looked-after',
    // 29 Dec + 91 days: 2 (to 31 Dec) + 31 + 28 + 30 = 91, so Tue 30 Mar 2027.
    entries: (w) => [
      { fact: { event: 'became-looked-after', date: '2026-12-01' }, officer: w.officer, worker: w.worker, invitees: [w.invitee] },
      { fact: { event: 'review-held', date: '2026-12-29' } },
    ],
    now: '2027-02-15T09:00:00Z',
    due: { review: 'second', due: '2027-03-30', latestMeetingDate: '2027-03-30', rule: 'OX-R04' },
    // Consultation 20 working days before (OX-R08a): 20 working days after Mon 15 Feb is Mon 15 Mar.
    window: { earliest: '2027-03-15', latest: '2027-03-30', limitingRule: 'OX-R08a' },
    officerBusy: [
      gmtDays('2027-03-15', '2027-03-19'),
      gmtDays('2027-03-22', '2027-03-22'),
      // From Good Friday evening (GMT) across the clock change to 10:30 BST on Tuesday.
      { start: '2027-03-26T18:00:00Z', end: '2027-03-30T10:30:00+01:00' },
    ],
    workerBusy: [gmtDays('2027-03-23', '2027-03-24'), { start: '2027-03-25T09:00:00Z', end: '2027-03-25T15:30:00Z' }],
    expected: [
      ['2027-03-25T15:30:00.000Z', '2027-03-25 15:30'],
      ['2027-03-30T09:30:00.000Z', '2027-03-30 10:30'],
      ['2027-03-30T11:00:00.000Z', '2027-03-30 12:00'],
    ],
  },
  {
    title: 'OX-R05, §8.5, AMB-07: a later looked-after review due Christmas Day 2026 (183 days after the review on 25 June) is offered no later than Christmas Eve, only when both are free',
    kind: 'looked-after',
    // 25 Jun + 183 days: 30 + 31 + 31 + 30 + 31 + 30 = 183 (to 25 Dec), a bank holiday: the latest meeting date is Thu 24 Dec.
    entries: (w) => [
      { fact: { event: 'became-looked-after', date: '2026-02-02' }, officer: w.officer, worker: w.worker, invitees: [w.invitee] },
      { fact: { event: 'review-held', date: '2026-02-26' } },
      { fact: { event: 'review-held', date: '2026-06-25' } },
    ],
    now: '2026-11-16T09:00:00Z',
    due: { review: 'subsequent', due: '2026-12-25', latestMeetingDate: '2026-12-24', rule: 'OX-R05' },
    // 20 working days after Mon 16 Nov is Mon 14 Dec (OX-R08a).
    window: { earliest: '2026-12-14', latest: '2026-12-24', limitingRule: 'OX-R08a' },
    officerBusy: [gmtDays('2026-12-14', '2026-12-18'), { start: '2026-12-23T13:00:00Z', end: '2026-12-23T17:00:00Z' }],
    workerBusy: [gmtDays('2026-12-21', '2026-12-21'), { start: '2026-12-22T09:00:00Z', end: '2026-12-22T13:00:00Z' }],
    expected: [
      ['2026-12-22T13:00:00.000Z', '2026-12-22 13:00'],
      ['2026-12-22T14:30:00.000Z', '2026-12-22 14:30'],
      ['2026-12-23T09:00:00.000Z', '2026-12-23 09:00'],
    ],
  },
  {
    title: 'FC-R01, §8.5, AMB-07: a foster carer\'s first review due Wednesday 31 March 2027 (a year after approval on 31 March 2026) is offered after Easter Monday, in BST working hours, when both are free',
    kind: 'foster-carer',
    entries: (w) => [{ fact: { event: 'approved', date: '2026-03-31' }, officer: w.officer, worker: w.worker, invitees: [w.invitee] }],
    now: '2027-03-01T09:00:00Z',
    due: { review: 'first', due: '2027-03-31', latestMeetingDate: '2027-03-31', rule: 'FC-R01' },
    // Feedback requests two weeks before (FC-R15): Mon 1 Mar + 14 days is Mon 15 Mar.
    window: { earliest: '2027-03-15', latest: '2027-03-31', limitingRule: 'FC-R15' },
    officerBusy: [gmtDays('2027-03-15', '2027-03-25'), { start: '2027-03-30T13:30:00+01:00', end: '2027-03-30T17:00:00+01:00' }],
    workerBusy: [
      // From Saturday noon (GMT) across the clock change to noon BST on Tuesday.
      { start: '2027-03-27T12:00:00Z', end: '2027-03-30T12:00:00+01:00' },
      { start: '2027-03-31T09:00:00+01:00', end: '2027-03-31T10:00:00+01:00' },
    ],
    expected: [
      ['2027-03-30T11:00:00.000Z', '2027-03-30 12:00'],
      ['2027-03-31T09:00:00.000Z', '2027-03-31 10:00'],
      ['2027-03-31T10:30:00.000Z', '2027-03-31 11:30'],
    ],
  },
  {
    title: 'FC-R02, §8.5, AMB-07: a foster carer\'s annual review due Tuesday 29 December 2026 (a year after the review on 29 December 2025) skips Christmas Day, the weekend and the substitute Boxing Day holiday',
    kind: 'foster-carer',
    entries: (w) => [
      { fact: { event: 'approved', date: '2025-01-06' }, officer: w.officer, worker: w.worker, invitees: [w.invitee] },
      { fact: { event: 'review-held', date: '2025-12-29' } },
    ],
    now: '2026-11-30T09:00:00Z',
    due: { review: 'annual', due: '2026-12-29', latestMeetingDate: '2026-12-29', rule: 'FC-R02' },
    // Mon 30 Nov + 14 days is Mon 14 Dec (FC-R15).
    window: { earliest: '2026-12-14', latest: '2026-12-29', limitingRule: 'FC-R15' },
    officerBusy: [gmtDays('2026-12-14', '2026-12-18'), gmtDays('2026-12-21', '2026-12-23')],
    workerBusy: [{ start: '2026-12-24T09:00:00Z', end: '2026-12-24T15:00:00Z' }],
    expected: [
      ['2026-12-24T15:00:00.000Z', '2026-12-24 15:00'],
      ['2026-12-29T09:00:00.000Z', '2026-12-29 09:00'],
      ['2026-12-29T10:30:00.000Z', '2026-12-29 10:30'],
    ],
  },
  {
    title: 'FC-R06, AMB-11 hold_by, §8.5, AMB-07: a significant-incident review due Wednesday 31 March 2027 (20 working days after the concern on 1 March) is offered across the clock change only when both are free',
    kind: 'foster-carer',
    rules: { fosterCarer: { incidentReviewMode: 'hold_by' } },
    // Day 0 Mon 1 Mar; working days 1-20: 2-5, 8-12, 15-19, 22-25 Mar (18), then Tue 30 (19) and Wed 31 Mar (20),
    // after Good Friday, the weekend and Easter Monday. Earlier than the annual review due 14 Oct 2027 (FC-R02), so it is next.
    entries: (w) => [
      { fact: { event: 'approved', date: '2025-10-20' }, officer: w.officer, worker: w.worker, invitees: [w.invitee] },
      { fact: { event: 'review-held', date: '2026-10-14' } },
      { fact: { event: 'significant-incident', date: '2027-03-01' } },
    ],
    now: '2027-03-02T09:00:00Z',
    due: { review: 'significant-incident', due: '2027-03-31', latestMeetingDate: '2027-03-31', rule: 'FC-R06' },
    // Tue 2 Mar + 14 days is Tue 16 Mar (FC-R15).
    window: { earliest: '2027-03-16', latest: '2027-03-31', limitingRule: 'FC-R15' },
    officerBusy: [
      gmtDays('2027-03-16', '2027-03-19'),
      gmtDays('2027-03-22', '2027-03-24'),
      // From Good Friday (GMT) across the clock change to 15:30 BST on Tuesday.
      { start: '2027-03-26T00:00:00Z', end: '2027-03-30T15:30:00+01:00' },
    ],
    workerBusy: [gmtDays('2027-03-25', '2027-03-25'), { start: '2027-03-31T09:00:00+01:00', end: '2027-03-31T11:00:00+01:00' }],
    expected: [
      ['2027-03-30T14:30:00.000Z', '2027-03-30 15:30'],
      ['2027-03-31T10:00:00.000Z', '2027-03-31 11:00'],
      ['2027-03-31T11:30:00.000Z', '2027-03-31 12:30'],
    ],
  },
  {
    title: 'FC-R03, AMB-38 (Dudley), §8.5, AMB-07: a Dudley carer\'s first review 6 months after approval on 28 September 2026 falls on Sunday 28 March 2027, so nothing is offered after Thursday 25 March',
    kind: 'foster-carer',
    rules: reviewDueRulesFor('dudley'),
    entries: (w) => [{ fact: { event: 'approved', date: '2026-09-28' }, officer: w.officer, worker: w.worker, invitees: [w.invitee] }],
    now: '2027-03-01T09:00:00Z',
    // 28 Sep + 6 months is Sun 28 Mar 2027; Sat 27 is a weekend, Fri 26 Good Friday: the latest meeting date is Thu 25 Mar.
    due: { review: 'first', due: '2027-03-28', latestMeetingDate: '2027-03-25', rule: 'FC-R03' },
    window: { earliest: '2027-03-15', latest: '2027-03-25', limitingRule: 'FC-R15' },
    officerBusy: [gmtDays('2027-03-15', '2027-03-19'), gmtDays('2027-03-22', '2027-03-23')],
    workerBusy: [
      gmtDays('2027-03-24', '2027-03-24'),
      { start: '2027-03-25T09:00:00Z', end: '2027-03-25T12:00:00Z' },
      { start: '2027-03-26T00:00:00Z', end: '2027-03-30T12:00:00+01:00' },
    ],
    expected: [
      ['2027-03-25T12:00:00.000Z', '2027-03-25 12:00'],
      ['2027-03-25T13:30:00.000Z', '2027-03-25 13:30'],
      ['2027-03-25T15:00:00.000Z', '2027-03-25 15:00'],
    ],
  },
];

describeOnEngines('app/reviews/booking: a review of every kind booked in Christmas and Easter weeks', (ctx) => {
  const clock = new TestClock('2026-11-01T09:00:00Z');
  const directory = testDirectory();
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  interface Cast {
    readonly officer: Person;
    readonly worker: Person;
    readonly admin: Person;
    readonly invitee: string;
    readonly reference: string;
    readonly flows: ReviewFlows;
    busy(email: string, blocks: readonly Block[]): void;
  }

  /** Fictional people, a reference and a data folder of the test's own; the series recorded at `now` with `entries`. */
  async function cast(c: Pick<KindCase, 'kind' | 'rules' | 'entries' | 'now'>): Promise<Cast> {
    clock.set(c.now);
    const n = randomUUID().slice(0, 8);
    const person = (role: string, name: string): Person => ({ id: randomUUID(), displayName: `${name} ${n}`, email: `${role}.${n}@northmoor.example` });
    const officer = person(c.kind === 'looked-after' ? 'iro' : 'firo', 'Ada Officer');
    const worker = person(c.kind === 'looked-after' ? 'sw' : 'ssw', 'Sam Worker');
    const admin = person('admin', 'Bea Support');
    directory.add(officer, [c.kind === 'looked-after' ? 'iro' : 'firo']);
    directory.add(worker, [c.kind === 'looked-after' ? 'social_worker' : 'supervising_social_worker']);
    directory.add(admin, ['business_support']);
    const invitee = `carer.${n}@carers.example`;
    const reference = `LCS-${n}`;
    const dataDir = mkdtempSync(path.join(tmpdir(), 'resolve-booking-kinds-'));
    dirs.push(dataDir);
    const files = createFileCalendar({ dir: path.join(dataDir, 'outbox-calendar'), now: () => clock.now() });
    const rules = c.rules !== undefined ? { rules: c.rules } : {};
    const flows = createReviewFlows({ db: ctx.db, clock, calendar, directory, logger: silent, settings: DEFAULT_BOOKING_SETTINGS, freeBusy: files, ...rules });
    const recorded = await handleReviewCommand({ db: ctx.db, clock, calendar, ...rules }, {
      type: 'record', kind: c.kind, reference, actor: admin.id, entries: c.entries({ officer: officer.id, worker: worker.id, invitee }),
    });
    assert.ok(recorded.ok, recorded.ok ? '' : recorded.refusal.message);
    return {
      officer, worker, admin, invitee, reference, flows,
      busy(email, blocks) {
        mkdirSync(path.join(dataDir, 'calendars'), { recursive: true });
        writeFileSync(path.join(dataDir, 'calendars', `${email}.ics`), ics(blocks));
      },
    };
  }

  const found = (outcome: SlotsFound | BookingRefusal): SlotsFound => {
    assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.code}: ${outcome.message}`);
    return outcome;
  };

  /** Every promise of §8.5 for one time offered, checked against the hand-written calendar. */
  function assertGoodSlot(slot: { start: Date; end: Date }, k: Pick<KindCase, 'now' | 'window' | 'due'>, busy: readonly Block[]): void {
    const at = slot.start.toISOString();
    const [day, startTime] = londonText(slot.start).split(' ') as [string, string];
    const [endDay, endTime] = londonText(slot.end).split(' ') as [string, string];
    // Inside the window: on or after its earliest day (09:00 London), and ending by 17:00 London on the latest meeting date.
    assert.ok(day >= k.window.earliest, `${at} (${day}) is before the window's earliest day ${k.window.earliest}`);
    assert.ok(slot.start.getTime() >= londonWall(k.window.earliest, '09:00'), `${at} starts before 09:00 on ${k.window.earliest}`);
    assert.ok(day <= k.due.latestMeetingDate, `${at} (${day}) is after the latest meeting date ${k.due.latestMeetingDate}`);
    assert.ok(slot.end.getTime() <= londonWall(k.due.latestMeetingDate, '17:00'), `${at} ends after 17:00 on ${k.due.latestMeetingDate}`);
    assert.ok(day <= k.due.due, `${at} is after the statutory date ${k.due.due}`);
    // On a working day: not a weekend, not a bank holiday (by hand, and as the working calendar says).
    assert.ok(isWorkingDayByHand(day), `${at} is on ${day}, not a working day`);
    assert.ok(calendar.isWorkingDay(day as Parameters<typeof calendar.isWorkingDay>[0]), `${day} is not a working day for the calendar`);
    // Within 09:00-17:00 London time, on one day, with the UTC offset of that side of the clock change.
    const offset = londonOffsetMinutes(day);
    const utcMinutes = slot.start.getUTCHours() * 60 + slot.start.getUTCMinutes();
    assert.equal(startTime, `${String(Math.floor((utcMinutes + offset) / 60)).padStart(2, '0')}:${String((utcMinutes + offset) % 60).padStart(2, '0')}`,
      `${at}: London is UTC+${offset / 60} on ${day}`);
    assert.ok(startTime >= '09:00' && endTime <= '17:00' && endDay === day, `${at} (${day} ${startTime}-${endTime} London) is outside working hours`);
    assert.ok(slot.start.getTime() >= londonWall(day, '09:00') && slot.end.getTime() <= londonWall(day, '17:00'), `${at} is outside 09:00-17:00 London`);
    // 90 minutes, after now.
    assert.equal(slot.end.getTime() - slot.start.getTime(), MEETING_MS, `${at} is not 90 minutes`);
    assert.ok(slot.start.getTime() > Date.parse(k.now), `${at} is not after now (${k.now})`);
    // Free for every required attendee.
    for (const b of busy) {
      assert.ok(slot.end.getTime() <= Date.parse(b.start) || slot.start.getTime() >= Date.parse(b.end), `${at} overlaps the busy time ${b.start} to ${b.end}`);
    }
  }

  for (const k of CASES) {
    it(k.title, async () => {
      const c = await cast(k);
      c.busy(c.officer.email, k.officerBusy);
      c.busy(c.worker.email, k.workerBusy);
      const key = { kind: k.kind, reference: c.reference };
      const slots = found(await c.flows.findSlots(c.admin.id, key));

      assert.deepEqual([slots.due.review, slots.due.due, slots.due.latestMeetingDate, slots.due.rule], [k.due.review, k.due.due, k.due.latestMeetingDate, k.due.rule]);
      assert.equal(slots.late, false);
      assert.deepEqual([slots.window.earliest, slots.window.latest, slots.window.feasible, slots.window.limitingRule],
        [k.window.earliest, k.window.latest, true, k.window.limitingRule]);
      assert.deepEqual(slots.attendees.map((a) => [a.email, a.required]), [[c.officer.email, true], [c.worker.email, true], [c.invitee, false]]);
      assert.deepEqual(slots.unknownSchedules, []);
      const { search } = slots;
      const offered = search.outcome === 'none' ? [] : search.slots;
      assert.equal(search.outcome, 'everyone-free', search.outcome === 'none' ? search.explanation : '');
      assert.equal(offered.length, 3, 'three times are offered');

      for (const slot of offered) assertGoodSlot(slot, k, [...k.officerBusy, ...k.workerBusy]);
      // The soonest three, as worked out by hand, in UTC and in London time.
      assert.deepEqual(offered.map((s) => [s.start.toISOString(), londonText(s.start)]), k.expected);

      // Book the first: recorded on the series, and exactly one calendar.create queued.
      const first = offered[0]!;
      const booked = await c.flows.bookReview(c.admin.id, { ...key, start: first.start.toISOString(), end: first.end.toISOString(), expectedVersion: slots.version });
      assert.ok(booked.ok, booked.ok ? '' : `${booked.code}: ${booked.message}`);
      assert.equal(booked.outcome, 'booked');
      assert.deepEqual([booked.start, booked.end, booked.organiser], [first.start.toISOString(), first.end.toISOString(), c.officer.email]);
      const streamId = reviewSeriesStreamId(k.kind, c.reference);
      const { state } = await loadReviewSeries(ctx.db, k.kind, c.reference);
      assert.deepEqual([state!.booking?.start, state!.booking?.end], [first.start.toISOString(), first.end.toISOString()]);
      const effects = await listEffects(ctx.db, { streamId });
      assert.deepEqual(effects.map((e) => [e.kind, e.destination]), [[EFFECT_KINDS.calendarCreate, reviewCalendarDestination(streamId)]]);
      const payload = calendarPayloadSchemas.create.parse(effects[0]!.payload);
      assert.deepEqual([payload.request.start, payload.request.end], [first.start.toISOString(), first.end.toISOString()]);
      assert.equal(effects[0]!.idempotencyKey, state!.booking!.transactionId);
    });
  }

  it('§8.5, OX-R05: with the IRO busy for the whole window of a later review due Christmas Day, the outcome is none and names the IRO; with the social worker too, it names both, and nothing is booked', async () => {
    const later = CASES.find((k) => k.due.rule === 'OX-R05')!;
    const c = await cast(later);
    const key = { kind: later.kind, reference: c.reference };
    // The whole window, 14 to 24 December, and the days either side.
    const whole: Block = { start: '2026-12-12T00:00:00Z', end: '2026-12-26T00:00:00Z' };
    c.busy(c.officer.email, [whole]);
    c.busy(c.worker.email, later.workerBusy);

    const officerOnly = found(await c.flows.findSlots(c.admin.id, key));
    assert.equal(officerOnly.window.earliest, '2026-12-14');
    assert.equal(officerOnly.search.outcome, 'none');
    assert.ok(officerOnly.search.outcome === 'none');
    assert.deepEqual(officerOnly.search.reason, { kind: 'required-busy', fullyBooked: [c.officer.displayName] });
    assert.match(officerOnly.search.explanation, new RegExp(`${c.officer.displayName} is busy throughout`));
    assert.ok(officerOnly.search.fallback.length > 0, 'the fewest-missing times are still shown');
    for (const slot of officerOnly.search.fallback) assert.ok(slot.missingRequired.includes(c.officer.displayName));

    c.busy(c.worker.email, [whole]);
    const both = found(await c.flows.findSlots(c.admin.id, key));
    assert.ok(both.search.outcome === 'none', `expected none, got ${both.search.outcome}`);
    assert.deepEqual(both.search.reason, { kind: 'required-busy', fullyBooked: [c.officer.displayName, c.worker.displayName] });
    assert.match(both.search.explanation, new RegExp(`${c.officer.displayName} and ${c.worker.displayName} are busy throughout`));
    for (const slot of both.search.fallback) assert.deepEqual(slot.missingRequired, [c.officer.displayName, c.worker.displayName]);

    assert.equal((await loadReviewSeries(ctx.db, later.kind, c.reference)).state!.booking, null);
    assert.deepEqual(await listEffects(ctx.db, { streamId: reviewSeriesStreamId(later.kind, c.reference) }), []);
  });
});
