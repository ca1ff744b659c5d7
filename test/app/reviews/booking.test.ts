import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TZDate } from '@date-fns/tz';
import { DEFAULT_BOOKING_SETTINGS, type BookingRefusal, type ReviewBookingSettings, type SlotsFound } from '../../../app/reviews/booking.js';
import { createReviewFlows, type ReviewFlows } from '../../../app/reviews/flows.js';
import { handleReviewCommand, loadReviewSeries, meetingWhen, REVIEW_TOPIC, reviewCalendarDestination, reviewSeriesStreamId } from '../../../app/reviews/model.js';
import { createDeliveryWorker } from '../../../app/delivery/worker.js';
import { calendarPayloadSchemas, EFFECT_KINDS, type EmailEffectPayload, type TeamsEffectPayload } from '../../../app/delivery/messages.js';
import { createReviewBookingComposer } from '../../../app/reviews/booking-failed.js';
import { createLogger } from '../../../app/log.js';
import { createWorkingCalendar, type LocalDate } from '../../../domain/calendar/index.js';
import type { RoleKey } from '../../../domain/policies/roles.js';
import { REARRANGEMENT_REASONS, type RegisterEntry } from '../../../domain/reviews/index.js';
import { createFileCalendar, type Calendar } from '../../../graph/calendar.js';
import { GraphRequestError, GraphUnavailableError } from '../../../graph/client.js';
import type { Directory, Person } from '../../../graph/directory/index.js';
import { TestClock } from '../../../store/clock.js';
import { listEffects, type OutboxRecord } from '../../../store/outbox.js';
import { Pacer } from '../../../store/pacer.js';
import { describeOnEngines } from '../../store/engines.js';

const calendar = createWorkingCalendar();
const LONDON = 'Europe/London';
const silent = createLogger({ level: 'silent' });
/** Monday 2 March 2026, 09:00 in London. */
const START = '2026-03-02T09:00:00.000Z';

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

/** An .ics file of busy blocks (UTC), as Outlook exports a person's calendar. */
function ics(blocks: readonly { start: string; end: string; status?: 'TENTATIVE' }[]): string {
  const utc = (iso: string) => new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Resolve tests//Busy//EN',
    ...blocks.flatMap((b, i) => [
      'BEGIN:VEVENT', `UID:busy-${i}@test.example`, 'DTSTAMP:20260201T090000Z', `DTSTART:${utc(b.start)}`, `DTEND:${utc(b.end)}`, 'SUMMARY:Busy',
      ...(b.status ? [`STATUS:${b.status}`] : []), 'END:VEVENT',
    ]),
    'END:VCALENDAR', '',
  ].join('\r\n');
}

/** London wall-clock time as an ISO instant. */
const london = (day: string, hhmm: string) => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new TZDate(y, m - 1, d, Number(hhmm.slice(0, 2)), Number(hhmm.slice(3)), 0, LONDON).toISOString();
};
const localDay = (instant: Date | string) => calendar.localDateOf(new Date(instant));
const localTime = (instant: Date | string) => {
  const t = new TZDate(new Date(instant).getTime(), LONDON);
  return `${String(t.getHours()).padStart(2, '0')}:${String(t.getMinutes()).padStart(2, '0')}`;
};
const unfolded = (text: string) => text.replace(/\r\n[ \t]/g, '');

const notCalled = (what: string) => () => {
  throw new Error(`${what} is not used by review calendar effects`);
};

describeOnEngines('app/reviews/booking: booking review meetings in Outlook', (ctx) => {
  const clock = new TestClock(START);
  const directory = testDirectory();
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  beforeEach(() => clock.set(new Date(START)));

  interface Cast {
    readonly officer: Person;
    readonly worker: Person;
    readonly admin: Person;
    readonly outsider: Person;
    readonly invitee: string;
    readonly reference: string;
    readonly dataDir: string;
    readonly files: Calendar;
    readonly flows: ReviewFlows;
    /** Writes DATA_DIR/calendars/<email>.ics. */
    busy(email: string, text: string): void;
    /** The series' outbox effects, oldest first. */
    effects(): Promise<OutboxRecord[]>;
    /** Runs the delivery worker, as bin/serve.ts does, until nothing is left to claim. */
    deliver(): Promise<void>;
    /** This series' meeting files in DATA_DIR/outbox-calendar (the worker delivers every test's effects), by name, unfolded. */
    meetingFiles(): string[];
  }

  /** Fictional people, a reference and a data folder of the test's own; the series recorded with `entries`. */
  async function cast(entries: (who: { officer: string; worker: string; invitee: string }) => RegisterEntry[] | null, options: {
    readonly kind?: 'looked-after' | 'foster-carer';
    readonly settings?: ReviewBookingSettings;
    readonly freeBusy?: Calendar | null;
    /** The calendar delivery writes to, in place of the data folder's file calendar (which still answers free/busy). */
    readonly delivery?: (files: Calendar) => Calendar;
  } = {}): Promise<Cast> {
    const n = randomUUID().slice(0, 8);
    const person = (role: string, name: string): Person => ({ id: randomUUID(), displayName: `${name} ${n}`, email: `${role}.${n}@northmoor.example` });
    const officer = person('iro', 'Ada Officer');
    const worker = person('sw', 'Sam Worker');
    const admin = person('admin', 'Bea Support');
    const outsider = person('tm', 'Tom Manager');
    directory.add(officer, ['iro']);
    directory.add(worker, ['social_worker']);
    directory.add(admin, ['business_support']);
    directory.add(outsider, ['team_manager', 'social_worker']);
    const invitee = `carer.${n}@carers.example`;
    const reference = `LCS-${n}`;
    const kind = options.kind ?? 'looked-after';
    const dataDir = mkdtempSync(path.join(tmpdir(), 'resolve-booking-'));
    dirs.push(dataDir);
    const files = createFileCalendar({ dir: path.join(dataDir, 'outbox-calendar'), now: () => clock.now() });
    const flows = createReviewFlows({
      db: ctx.db, clock, calendar, directory, logger: silent, settings: options.settings ?? DEFAULT_BOOKING_SETTINGS,
      ...(options.freeBusy !== null && { freeBusy: options.freeBusy ?? files }),
    });
    const recorded = entries({ officer: officer.id, worker: worker.id, invitee });
    if (recorded !== null) {
      const outcome = await handleReviewCommand({ db: ctx.db, clock, calendar }, { type: 'record', kind, reference, actor: admin.id, entries: recorded });
      assert.ok(outcome.ok, outcome.ok ? '' : outcome.refusal.message);
    }
    const destination = reviewCalendarDestination(reviewSeriesStreamId(kind, reference));
    const worker_ = createDeliveryWorker({
      db: ctx.db, clock, workerId: `test-${n}`, composers: {}, recorders: [flows.recordDelivery], failureRecorders: [flows.recordFailure],
      teams: { send: notCalled('Teams'), sendToChat: notCalled('Teams') },
      installer: { ensurePersonalChat: notCalled('the installer') },
      mail: { send: notCalled('mail') },
      emailOf: async () => undefined,
      calendar: options.delivery?.(files) ?? files,
      calendarEvents: { [REVIEW_TOPIC]: flows.calendarEvents },
      logger: silent,
      pacer: new Pacer({ destination: { perSecond: 1000, burst: 1000 }, tenant: { perSecond: 1000, burst: 1000 } }),
    });
    return {
      officer, worker, admin, outsider, invitee, reference, dataDir, files, flows,
      busy(email, text) {
        mkdirSync(path.join(dataDir, 'calendars'), { recursive: true });
        writeFileSync(path.join(dataDir, 'calendars', `${email}.ics`), text);
      },
      effects: () => listEffects(ctx.db, { destination }),
      async deliver() {
        for (let pass = 0; pass < 20; pass++) if ((await worker_.runOnce()).claimed === 0) return;
        assert.fail('the outbox kept claiming');
      },
      meetingFiles() {
        const dir = path.join(dataDir, 'outbox-calendar');
        return readdirSync(dir).sort().map((f) => unfolded(readFileSync(path.join(dir, f), 'utf8'))).filter((text) => text.includes(`mailto:${officer.email}`));
      },
    };
  }

  /** A child who became looked after on 5 January and had the initial review on 30 January: the second is due 1 May 2026 (OX-R04). */
  const secondReview = (who: { officer: string; worker: string; invitee: string }): RegisterEntry[] => [
    { fact: { event: 'became-looked-after', date: '2026-01-05' }, officer: who.officer, worker: who.worker, invitees: [who.invitee] },
    { fact: { event: 'review-held', date: '2026-01-30' } },
  ];

  const found = (outcome: SlotsFound | BookingRefusal): SlotsFound => {
    assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.code}: ${outcome.message}`);
    return outcome;
  };
  const refused = (outcome: { ok: boolean }, code: string): BookingRefusal => {
    assert.equal(outcome.ok, false, `expected the refusal ${code}`);
    const refusal = outcome as BookingRefusal;
    assert.equal(refusal.code, code, refusal.message);
    assert.match(refusal.message, /Nothing was changed\.$|nothing was changed; try again/);
    return refusal;
  };
  const series = (c: Cast) => loadReviewSeries(ctx.db, 'looked-after', c.reference);

  /** A calendar for delivery whose createEvent Graph refuses (403) while `refuse` is true; the file calendar's otherwise. */
  function refusingCreates(): { refuse: boolean; delivery: (files: Calendar) => Calendar } {
    const outlook = {
      refuse: true,
      delivery: (files: Calendar): Calendar => ({
        ...files,
        createEvent: async (request) => {
          if (outlook.refuse) throw new GraphRequestError('creating the event', 403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
          return files.createEvent(request);
        },
      }),
    };
    return outlook;
  }

  /** Books the first time offered, as the administrator picks it from the card. */
  async function booked(c: Cast) {
    const slots = found(await c.flows.findSlots(c.admin.id, { kind: 'looked-after', reference: c.reference }));
    const first = slots.search.outcome === 'none' ? undefined : slots.search.slots[0];
    assert.ok(first);
    const outcome = await c.flows.bookReview(c.admin.id, {
      kind: 'looked-after', reference: c.reference, start: first.start.toISOString(), end: first.end.toISOString(), expectedVersion: slots.version,
    });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
    return outcome;
  }

  it('§8.5, OX-S01, AMB-07: every time offered is inside the booking window, on a working day (not Good Friday or Easter Monday), within 09:00-17:00 London time across the clock change, and free for every required attendee', async () => {
    const c = await cast(secondReview);
    // The officer is away from the window's first day (Monday 30 March, the first day in BST) to Thursday 2 April,
    // and the worker busy on the morning of Tuesday 7 April.
    const away = { start: london('2026-03-30', '00:00'), end: london('2026-04-03', '00:00') };
    const morning = { start: london('2026-04-07', '09:00'), end: london('2026-04-07', '12:00') };
    c.busy(c.officer.email, ics([away]));
    c.busy(c.worker.email, ics([morning]));
    const slots = found(await c.flows.findSlots(c.admin.id, { kind: 'looked-after', reference: c.reference }));
    assert.deepEqual(slots.due, { review: 'second', due: '2026-05-01', latestMeetingDate: '2026-05-01', rule: 'OX-R04', explanation: slots.due.explanation });
    assert.deepEqual([slots.window.earliest, slots.window.latest, slots.window.feasible, slots.window.limitingRule], ['2026-03-30', '2026-05-01', true, 'OX-R08a']);
    assert.deepEqual(slots.attendees.map((a) => [a.email, a.displayName, a.required, a.role]), [
      [c.officer.email, c.officer.displayName, true, 'officer'],
      [c.worker.email, c.worker.displayName, true, 'worker'],
      [c.invitee, undefined, false, 'invitee'],
    ]);
    assert.equal(slots.organiser, c.officer.email);
    assert.equal(slots.search.outcome, 'everyone-free');
    assert.equal(slots.search.outcome === 'everyone-free' && slots.search.slots.length, 3);
    const offered = slots.search.slots;
    for (const slot of offered) {
      const day = localDay(slot.start) as LocalDate;
      assert.ok(day >= slots.window.earliest && day <= slots.due.latestMeetingDate, `${day} is outside the window`);
      assert.ok(calendar.isWorkingDay(day), `${day} is not a working day`);
      assert.ok(!['2026-04-03', '2026-04-06'].includes(day), `${day} is a bank holiday`);
      assert.ok(localTime(slot.start) >= '09:00' && localTime(slot.end) <= '17:00' && localDay(slot.end) === day, `${slot.start.toISOString()} is outside working hours`);
      assert.equal(slot.end.getTime() - slot.start.getTime(), 90 * 60_000);
      for (const b of [away, morning]) assert.ok(slot.end.getTime() <= Date.parse(b.start) || slot.start.getTime() >= Date.parse(b.end), `${slot.start.toISOString()} overlaps a busy time`);
    }
    // Soonest first: Tuesday 7 April from 12:00 BST (11:00 UTC), once the worker is free.
    assert.equal(offered[0]!.start.toISOString(), '2026-04-07T11:00:00.000Z');
  });

  it('§8.5: one-per-day spreads the times over days, and the authority\'s working hours and meeting length are kept', async () => {
    const settings: ReviewBookingSettings = { workingHours: { start: '10:00', end: '16:00' }, meetingMinutes: 120, organiser: { kind: 'mailbox', email: 'reviews@northmoor.example' }, slotOrder: 'one-per-day' };
    const c = await cast(secondReview, { settings });
    const slots = found(await c.flows.findSlots(c.admin.id, { kind: 'looked-after', reference: c.reference }));
    const offered = slots.search.outcome === 'none' ? [] : slots.search.slots;
    assert.deepEqual(offered.map((s) => [localDay(s.start), localTime(s.start), localTime(s.end)]), [
      ['2026-03-30', '10:00', '12:00'], ['2026-03-31', '10:00', '12:00'], ['2026-04-01', '10:00', '12:00'],
    ]);
    assert.equal(slots.organiser, 'reviews@northmoor.example');
    assert.equal(slots.meetingMinutes, 120);
  });

  it('§8.5: a tentative meeting counts as busy, and a calendar that cannot be read is reported as unknown, not taken as free', async () => {
    const c = await cast(secondReview);
    c.busy(c.officer.email, ics([{ start: london('2026-03-30', '09:00'), end: london('2026-03-30', '17:00'), status: 'TENTATIVE' }]));
    c.busy(c.worker.email, 'this is not a calendar');
    const slots = found(await c.flows.findSlots(c.admin.id, { kind: 'looked-after', reference: c.reference }));
    const offered = slots.search.outcome === 'none' ? [] : slots.search.slots;
    assert.ok(offered.every((s) => localDay(s.start) !== '2026-03-30'), 'a tentative day was offered');
    assert.deepEqual(slots.unknownSchedules.map((a) => a.email), [c.worker.email]);
  });

  it('§8.5: meetings Resolve booked in the officer\'s other series count as busy before they reach the calendar', async () => {
    const c = await cast(secondReview);
    // Another child with the same officer, booked for the first time this series would be offered.
    const other = `${c.reference}-B`;
    await handleReviewCommand({ db: ctx.db, clock, calendar }, {
      type: 'record', kind: 'looked-after', reference: other, actor: c.admin.id,
      entries: [{ fact: { event: 'became-looked-after', date: '2026-03-02' }, officer: c.officer.id, worker: c.outsider.id }],
    });
    const first = await handleReviewCommand({ db: ctx.db, clock, calendar }, {
      type: 'book', kind: 'looked-after', reference: other, actor: c.admin.id, start: london('2026-03-30', '09:00'), end: london('2026-03-30', '10:30'),
      organiser: c.officer.email, attendees: [c.officer.email], transactionId: `t-${randomUUID()}`,
    });
    assert.ok(first.ok, first.ok ? '' : first.refusal.message);
    const slots = found(await c.flows.findSlots(c.admin.id, { kind: 'looked-after', reference: c.reference }));
    const offered = slots.search.outcome === 'none' ? [] : slots.search.slots;
    assert.equal(offered[0]!.start.toISOString(), new Date(london('2026-03-30', '10:30')).toISOString());
  });

  it('§8.5: with every required attendee busy throughout the window, the outcome is none, naming them, with the optional attendee dropped if asked', async () => {
    const c = await cast(secondReview);
    const whole = ics([{ start: london('2026-03-01', '00:00'), end: london('2026-05-02', '00:00') }]);
    c.busy(c.officer.email, whole);
    c.busy(c.worker.email, whole);
    for (const dropOptional of [false, true]) {
      const slots = found(await c.flows.findSlots(c.admin.id, { kind: 'looked-after', reference: c.reference, dropOptional }));
      assert.equal(slots.search.outcome, 'none');
      assert.ok(slots.search.outcome === 'none');
      assert.deepEqual(slots.search.reason, { kind: 'required-busy', fullyBooked: [c.officer.displayName, c.worker.displayName] });
      assert.match(slots.search.explanation, new RegExp(`${c.officer.displayName} and ${c.worker.displayName} are busy throughout`));
      assert.equal(slots.droppedOptional, dropOptional);
      assert.equal(slots.attendees.length, 3, 'the optional attendee is still invited');
    }
  });

  it('DESIGN Booking: with no calendar service, Graph unavailable or Graph refusing, findSlots says so and changes nothing', async () => {
    const failing = (error: Error): Calendar => ({
      getSchedule: async () => { throw error; }, createEvent: notCalled('create'), updateEvent: notCalled('update'), cancelEvent: notCalled('cancel'),
    });
    for (const [freeBusy, code] of [
      [null, 'calendar-unavailable'],
      [failing(new GraphUnavailableError('getSchedule', 503, 'Service Unavailable')), 'calendar-unavailable'],
      [failing(new GraphRequestError('getSchedule', 403, 'ErrorAccessDenied', 'Access is denied')), 'calendar-refused'],
    ] as const) {
      const c = await cast(secondReview, { freeBusy });
      const before = (await series(c)).version;
      const refusal = refused(await c.flows.findSlots(c.admin.id, { kind: 'looked-after', reference: c.reference }), code);
      if (code === 'calendar-unavailable') assert.equal(refusal.message, 'The calendar service cannot be reached; nothing was changed; try again in a minute.');
      assert.equal((await series(c)).version, before);
    }
  });

  it('OX-R02, OX-S04: an unknown series, one that ceased, one with no officer or worker, and a statutory window already passed are refused, saying what to do', async () => {
    const none = await cast(() => null);
    assert.match(refused(await none.flows.findSlots(none.admin.id, { kind: 'looked-after', reference: none.reference }), 'not-found').message, /no looked-after review series LCS-.* in the register/);
    const ceased = await cast((w) => [...secondReview(w), { fact: { event: 'ceased', date: '2026-02-20' } }]);
    refused(await ceased.flows.findSlots(ceased.admin.id, { kind: 'looked-after', reference: ceased.reference }), 'series-ceased');
    const noOfficer = await cast((w) => [{ fact: { event: 'became-looked-after', date: '2026-02-16' }, worker: w.worker }]);
    assert.match(refused(await noOfficer.flows.findSlots(noOfficer.admin.id, { kind: 'looked-after', reference: noOfficer.reference }), 'no-officer').message, /record the reviewing officer/);
    const noWorker = await cast((w) => [{ fact: { event: 'became-looked-after', date: '2026-02-16' }, officer: w.officer }]);
    refused(await noWorker.flows.findSlots(noWorker.admin.id, { kind: 'looked-after', reference: noWorker.reference }), 'no-worker');
  });

  it('OX-S01, DESIGN Privacy: booking queues exactly one calendar.create to calendar:<stream>, keyed by the booking\'s transactionId, with an opaque subject and logistics only', async () => {
    const c = await cast(secondReview);
    const outcome = await booked(c);
    assert.equal(outcome.outcome, 'booked');
    assert.equal(outcome.confirmed, false);
    const { state } = await series(c);
    const effects = await c.effects();
    assert.equal(effects.length, 1);
    const [create] = effects;
    assert.equal(create!.kind, EFFECT_KINDS.calendarCreate);
    assert.equal(create!.destination, `calendar:${reviewSeriesStreamId('looked-after', c.reference)}`);
    assert.equal(create!.idempotencyKey, state!.booking!.transactionId);
    const payload = calendarPayloadSchemas.create.parse(create!.payload);
    assert.equal(payload.topic, REVIEW_TOPIC);
    assert.equal(payload.request.subject, `Review meeting ${c.reference}`);
    assert.equal(payload.request.organiser, c.officer.email);
    assert.equal(payload.request.onlineMeeting, true);
    assert.deepEqual(payload.request.attendees, [{ email: c.worker.email, type: 'required' }, { email: c.invitee, type: 'optional' }]);
    assert.equal(payload.request.start, outcome.start);
    assert.equal(outcome.start, '2026-03-30T08:00:00.000Z');
    assert.match(payload.request.text!, /^Review meeting LCS-\S+\nMonday 30 March 2026, 09:00 to 10:30 \(UK time\)\nJoin on Microsoft Teams/);
    for (const text of [payload.request.subject, payload.request.html, payload.request.text!]) {
      for (const secret of [c.officer.displayName, c.worker.displayName, 'looked after', 'child']) assert.ok(!text.includes(secret), `"${secret}" is in "${text}"`);
    }
  });

  it('OX-S01: delivered through the file calendar, the create writes the .ics at the booked time, and the delivery hook records BookingConfirmed', async () => {
    const c = await cast(secondReview);
    c.busy(c.officer.email, ics([{ start: london('2026-03-30', '00:00'), end: london('2026-04-07', '00:00') }]));
    const outcome = await booked(c);
    assert.equal(outcome.start, '2026-04-07T08:00:00.000Z'); // 09:00 BST
    await c.deliver();
    const [file, ...more] = c.meetingFiles();
    assert.equal(more.length, 0);
    assert.match(file!, /METHOD:REQUEST/);
    assert.match(file!, /DTSTART:20260407T080000Z/);
    assert.match(file!, /DTEND:20260407T093000Z/);
    assert.match(file!, /SEQUENCE:0/);
    assert.match(file!, new RegExp(`SUMMARY:Review meeting ${c.reference}\r\n`));
    assert.match(file!, new RegExp(`ORGANIZER:mailto:${c.officer.email}`));
    assert.match(file!, new RegExp(`ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${c.worker.email}`));
    assert.match(file!, new RegExp(`ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${c.invitee}`));
    const { state, records } = await series(c);
    assert.equal(records.at(-1)!.event.type, 'BookingConfirmed');
    assert.equal(state!.booking!.graphEventId, `${state!.booking!.transactionId}@resolve.local`);
    assert.deepEqual((await c.effects()).map((e) => e.status), ['delivered']);
    // The meeting now stands in the file calendar: the officer is busy then.
    const [availability] = await c.files.getSchedule({ schedules: [c.officer.email], from: new Date('2026-04-07T00:00:00Z'), to: new Date('2026-04-08T00:00:00Z') });
    assert.ok(availability!.busy.some((b) => b.start.toISOString() === outcome.start));
  });

  it('OX-S01, §4.2: rearranging with a reason from the list queues one calendar.update to the same destination, which moves the same meeting', async () => {
    const c = await cast(secondReview);
    const first = await booked(c);
    await c.deliver();
    const moved = await c.flows.rearrangeReview(c.officer.id, {
      kind: 'looked-after', reference: c.reference, reasonCode: 'social_worker_in_court', reasonText: 'Needed in court on another case.',
      start: london('2026-04-14', '10:00'), end: london('2026-04-14', '11:30'),
    });
    assert.ok(moved.ok, moved.ok ? '' : moved.message);
    assert.equal(moved.outcome, 'rearranged');
    assert.deepEqual(moved.from, { start: first.start, end: first.end });
    const effects = await c.effects();
    assert.deepEqual(effects.map((e) => e.kind), [EFFECT_KINDS.calendarCreate, EFFECT_KINDS.calendarUpdate]);
    const update = calendarPayloadSchemas.update.parse(effects[1]!.payload);
    assert.deepEqual([update.change.organiser, update.change.start, update.change.end], [c.officer.email, '2026-04-14T09:00:00.000Z', '2026-04-14T10:30:00.000Z']);
    assert.ok(!JSON.stringify(update).includes('court'), 'the reason stays in Resolve');
    // Only the invitation's sentence saying when is replaced: the rest of the body holds the Teams join details.
    assert.deepEqual(update.change.bodyEdit, { from: [meetingWhen(new Date(first.start), new Date(first.end), 'Europe/London')], to: 'Tuesday 14 April 2026, 10:00 to 11:30 (UK time)' });
    await c.deliver();
    const files = c.meetingFiles();
    assert.match(files[1]!, /DESCRIPTION:Review meeting [^\n]*\\nTuesday 14 April 2026\\, 10:00 to 11:30 \(UK time\)/);
    assert.equal(files.length, 2);
    const uid = (f: string) => /UID:(\S+)/.exec(f)![1];
    assert.equal(uid(files[1]!), uid(files[0]!));
    assert.match(files[1]!, /SEQUENCE:1/);
    assert.match(files[1]!, /DTSTART:20260414T090000Z/);
    const { state } = await series(c);
    assert.deepEqual(state!.rearrangements.map((r) => [r.reasonCode, r.reasonText, r.by]), [['social_worker_in_court', 'Needed in court on another case.', c.officer.id]]);
    // Moved again: the body's sentence is looked for as the last move left it, then as it was booked.
    const again = await c.flows.rearrangeReview(c.officer.id, {
      kind: 'looked-after', reference: c.reference, reasonCode: 'social_worker_in_court', reasonText: 'Still in court.', start: london('2026-04-15', '10:00'), end: london('2026-04-15', '11:30'),
    });
    assert.ok(again.ok, again.ok ? '' : again.message);
    const second = calendarPayloadSchemas.update.parse((await c.effects())[2]!.payload);
    assert.deepEqual(second.change.bodyEdit, {
      from: ['Tuesday 14 April 2026, 10:00 to 11:30 (UK time)', meetingWhen(new Date(first.start), new Date(first.end), 'Europe/London')],
      to: 'Wednesday 15 April 2026, 10:00 to 11:30 (UK time)',
    });
  });

  it('OX-S01: a new time that has filled since it was offered is refused, naming who is busy, with nothing queued; the meeting being moved is not in the way of its own new time, though a meeting of someone\'s own overlapping it is', async () => {
    const c = await cast(secondReview);
    const first = await booked(c);
    await c.deliver();
    const move = (start: string, end: string) => c.flows.rearrangeReview(c.admin.id, {
      kind: 'looked-after', reference: c.reference, reasonCode: 'social_worker_in_court', reasonText: 'Needed in court on another case.', start, end,
    });
    c.busy(c.worker.email, ics([{ start: london('2026-04-14', '09:00'), end: london('2026-04-14', '12:00') }]));
    const taken = refused(await move(london('2026-04-14', '10:00'), london('2026-04-14', '11:30')), 'slot-taken');
    assert.match(taken.message, new RegExp(`no longer free for ${c.worker.displayName}`));
    assert.deepEqual((await c.effects()).map((e) => e.kind), [EFFECT_KINDS.calendarCreate], 'nothing queued');
    // Half an hour later the same day overlaps the meeting it replaces, which is in everyone's calendar now...
    const later = new Date(Date.parse(first.start) + 30 * 60_000).toISOString();
    const laterEnd = new Date(Date.parse(first.end) + 30 * 60_000).toISOString();
    // ...but a hearing of the worker's own that overlaps it still counts. (One at exactly the
    // meeting's times cannot be told from it: free/busy gives times, not meetings.)
    c.busy(c.worker.email, ics([{ start: new Date(Date.parse(first.start) - 15 * 60_000).toISOString(), end: first.end }]));
    assert.match(refused(await move(later, laterEnd), 'slot-taken').message, new RegExp(`no longer free for ${c.worker.displayName}:`));
    c.busy(c.worker.email, ics([]));
    const moved = await move(later, laterEnd);
    assert.ok(moved.ok && moved.outcome === 'rearranged', moved.ok ? '' : moved.message);
  });

  it('the card after a booking is drawn from the series alone: describing it asks nobody\'s calendar, and an outsider is refused', async () => {
    let asked = 0;
    const files = createFileCalendar({ dir: mkdtempSync(path.join(tmpdir(), 'resolve-describe-')), now: () => clock.now() });
    const counting: Calendar = { ...files, getSchedule: async (query) => ((asked += 1), files.getSchedule(query)) };
    const c = await cast(secondReview, { freeBusy: counting });
    const first = await booked(c);
    const before = asked;
    const described = await c.flows.describeReview(c.admin.id, { kind: 'looked-after', reference: c.reference });
    assert.ok(described.ok, described.ok ? '' : described.message);
    assert.equal(asked, before, 'no free/busy asked for');
    assert.deepEqual([described.due.due, described.booked?.start, described.booked?.end, described.organiser], ['2026-05-01', first.start, first.end, c.officer.email]);
    assert.deepEqual(described.attendees.map((a) => [a.email, a.required]), [[c.officer.email, true], [c.worker.email, true], [c.invitee, false]]);
    refused(await c.flows.describeReview(c.outsider.id, { kind: 'looked-after', reference: c.reference }), 'not-allowed');
  });

  it('§4.2, §7.3: "allow time for a new social worker to complete the care plan" is a reason on the list', async () => {
    assert.ok((REARRANGEMENT_REASONS as readonly string[]).includes('new_social_worker_care_plan'));
    const c = await cast(secondReview);
    await booked(c);
    const moved = await c.flows.rearrangeReview(c.admin.id, {
      kind: 'looked-after', reference: c.reference, reasonCode: 'new_social_worker_care_plan', reasonText: 'The new social worker starts on Monday.',
      start: london('2026-04-21', '10:00'), end: london('2026-04-21', '11:30'),
    });
    assert.ok(moved.ok, moved.ok ? '' : moved.message);
    refused(await c.flows.rearrangeReview(c.admin.id, {
      kind: 'looked-after', reference: c.reference, reasonCode: 'because', reasonText: 'x', start: london('2026-04-22', '10:00'), end: london('2026-04-22', '11:30'),
    }), 'unknown-reason');
  });

  it('OX-S01: a rearrangement past the statutory date is refused with the latest date it can move to, and nothing changes', async () => {
    const c = await cast(secondReview);
    await booked(c);
    const before = await series(c);
    const refusal = refused(await c.flows.rearrangeReview(c.admin.id, {
      kind: 'looked-after', reference: c.reference, reasonCode: 'child_or_carer_request', reasonText: 'The carer is away.',
      start: london('2026-05-05', '10:00'), end: london('2026-05-05', '11:30'),
    }), 'beyond-due-date');
    assert.match(refusal.message, /due by 2026-05-01 \(OX-R04\).*only within statutory timescales \(OX-S01\): the latest date it can move to is 2026-05-01/);
    const after = await series(c);
    assert.equal(after.version, before.version);
    assert.equal((await c.effects()).length, 1);
  });

  it('OX-S04: cancelling queues a calendar.cancel with the comment, delivered as a METHOD:CANCEL of the same meeting', async () => {
    const c = await cast(secondReview);
    await booked(c);
    await c.deliver();
    const cancelled = await c.flows.cancelReview(c.admin.id, { kind: 'looked-after', reference: c.reference, comment: 'The child has left care.' });
    assert.ok(cancelled.ok, cancelled.ok ? '' : cancelled.message);
    assert.equal(cancelled.outcome, 'cancelled');
    const effects = await c.effects();
    assert.deepEqual(effects.map((e) => e.kind), [EFFECT_KINDS.calendarCreate, EFFECT_KINDS.calendarCancel]);
    const payload = calendarPayloadSchemas.cancel.parse(effects[1]!.payload);
    assert.deepEqual([payload.organiser, payload.comment], [c.officer.email, 'The child has left care.']);
    await c.deliver();
    const files = c.meetingFiles();
    assert.equal(files.length, 2);
    assert.match(files[1]!, /METHOD:CANCEL/);
    assert.match(files[1]!, /COMMENT:The child has left care\./);
    assert.equal((await series(c)).state!.booking, null);
    // What goes to every invitee is the reason only.
    refused(await c.flows.cancelReview(c.admin.id, { kind: 'looked-after', reference: c.reference, comment: 'Ring the carer on carer@carers.example' }), 'comment-not-private');
    refused(await c.flows.cancelReview(c.admin.id, { kind: 'looked-after', reference: c.reference, comment: 'x'.repeat(1001) }), 'comment-too-long');
  });

  it('OX-S04: a child who ceased to be looked after while their review was booked still has the meeting cancelled, with the reason', async () => {
    const c = await cast(secondReview);
    await booked(c);
    const ceased = await handleReviewCommand({ db: ctx.db, clock, calendar }, { type: 'record', kind: 'looked-after', reference: c.reference, actor: c.admin.id, entries: [{ fact: { event: 'ceased', date: '2026-03-02' } }] });
    assert.ok(ceased.ok, ceased.ok ? '' : ceased.refusal.message);
    refused(await c.flows.findSlots(c.admin.id, { kind: 'looked-after', reference: c.reference }), 'series-ceased');
    const cancelled = await c.flows.cancelReview(c.admin.id, { kind: 'looked-after', reference: c.reference, comment: 'The review is no longer needed.' });
    assert.ok(cancelled.ok, cancelled.ok ? '' : cancelled.message);
    assert.deepEqual((await c.effects()).map((e) => e.kind), [EFFECT_KINDS.calendarCreate, EFFECT_KINDS.calendarCancel]);
  });

  it('OX-S01: a review whose statutory window has passed is offered the soonest times, flagged late with the date it was due, and one can be booked', async () => {
    // Initial review due 2 February 2026 (OX-R02): its window closed before today, 2 March.
    const c = await cast((w) => [{ fact: { event: 'became-looked-after', date: '2026-01-05' }, officer: w.officer, worker: w.worker }]);
    const soonest = await c.flows.findSlots(c.admin.id, { kind: 'looked-after', reference: c.reference });
    assert.ok(soonest.ok, soonest.ok ? '' : soonest.message);
    assert.equal(soonest.late, true);
    assert.match(soonest.window.explanation, /due by 2026-02-02 \(OX-R02\).*2026-02-02, has passed.*will count as held late/);
    const { search } = soonest;
    assert.ok(search.outcome !== 'none', search.outcome === 'none' ? search.explanation : '');
    assert.ok(search.slots.length > 0);
    for (const slot of search.slots) {
      assert.ok(slot.start.getTime() > Date.parse('2026-03-02T00:00:00Z') && slot.start.getTime() < Date.parse('2026-03-17T00:00:00Z'), 'within the next 10 working days');
    }
    const late = await c.flows.bookReview(c.admin.id, { kind: 'looked-after', reference: c.reference, start: london('2026-03-04', '10:00'), end: london('2026-03-04', '11:30') });
    assert.ok(late.ok, late.ok ? '' : late.message);
    assert.equal((await c.effects()).length, 1);
  });

  it('a second click on the same time changes nothing: booking, rearranging and cancelling again are answered as done', async () => {
    const c = await cast(secondReview);
    const first = await booked(c);
    const again = await c.flows.bookReview(c.admin.id, { kind: 'looked-after', reference: c.reference, start: first.start, end: first.end, expectedVersion: 1 });
    assert.ok(again.ok && again.outcome === 'already-booked');
    const versions = [(await series(c)).version];
    const move = { kind: 'looked-after' as const, reference: c.reference, reasonCode: 'iro_unavailable', reasonText: 'The IRO is unwell.', start: london('2026-04-15', '13:00'), end: london('2026-04-15', '14:30') };
    assert.ok((await c.flows.rearrangeReview(c.admin.id, move)).ok);
    const moveAgain = await c.flows.rearrangeReview(c.admin.id, move);
    assert.ok(moveAgain.ok && moveAgain.outcome === 'unchanged');
    versions.push((await series(c)).version);
    const cancel = { kind: 'looked-after' as const, reference: c.reference, comment: 'Cancelled: the child has left care.' };
    assert.ok((await c.flows.cancelReview(c.admin.id, cancel)).ok);
    const cancelAgain = await c.flows.cancelReview(c.admin.id, cancel);
    assert.ok(cancelAgain.ok && cancelAgain.outcome === 'already-cancelled');
    versions.push((await series(c)).version);
    assert.deepEqual(versions, [versions[0], versions[0]! + 1, versions[0]! + 2]);
    assert.deepEqual((await c.effects()).map((e) => e.kind), [EFFECT_KINDS.calendarCreate, EFFECT_KINDS.calendarUpdate, EFFECT_KINDS.calendarCancel]);
  });

  it('DESIGN Who: only business support and reviewing officers may find times, book, rearrange or cancel; anyone else is refused and nothing changes', async () => {
    const c = await cast(secondReview);
    const key = { kind: 'looked-after' as const, reference: c.reference };
    const time = { start: london('2026-04-07', '10:00'), end: london('2026-04-07', '11:30') };
    for (const who of [c.outsider.id, c.worker.id, 'not-in-the-directory']) {
      assert.match(refused(await c.flows.findSlots(who, key), 'not-allowed').message, /business support and reviewing officers.*ask your administrator/);
      refused(await c.flows.bookReview(who, { ...key, ...time }), 'not-allowed');
      refused(await c.flows.due(who), 'not-allowed');
    }
    const outcome = await c.flows.bookReview(c.officer.id, { ...key, ...time });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
    const before = (await series(c)).version;
    refused(await c.flows.rearrangeReview(c.outsider.id, { ...key, reasonCode: 'other', reasonText: 'x', ...time }), 'not-allowed');
    refused(await c.flows.cancelReview(c.outsider.id, { ...key, comment: 'x' }), 'not-allowed');
    assert.equal((await series(c)).version, before);
    assert.equal((await c.effects()).length, 1);
  });

  it('OX-S01: the time is checked again when booking: a time that has passed, outside working hours, before the preparation allows, or after the series changed is refused', async () => {
    const c = await cast(secondReview);
    const key = { kind: 'looked-after' as const, reference: c.reference };
    const slots = found(await c.flows.findSlots(c.admin.id, key));
    refused(await c.flows.bookReview(c.admin.id, { ...key, start: london('2026-03-02', '08:00'), end: london('2026-03-02', '09:30') }), 'time-passed');
    refused(await c.flows.bookReview(c.admin.id, { ...key, start: london('2026-04-07', '16:00'), end: london('2026-04-07', '17:30') }), 'outside-working-hours');
    refused(await c.flows.bookReview(c.admin.id, { ...key, start: london('2026-04-06', '10:00'), end: london('2026-04-06', '11:30') }), 'outside-working-hours');
    assert.match(refused(await c.flows.bookReview(c.admin.id, { ...key, start: london('2026-03-27', '10:00'), end: london('2026-03-27', '11:30') }), 'before-window').message, /on or after 2026-03-30/);
    refused(await c.flows.bookReview(c.admin.id, { ...key, start: 'next Tuesday', end: london('2026-04-07', '11:30') }), 'invalid-time');
    await handleReviewCommand({ db: ctx.db, clock, calendar }, { type: 'record', kind: 'looked-after', reference: c.reference, actor: c.admin.id, entries: [{ invitees: ['advocate@advocacy.example'] }] });
    refused(await c.flows.bookReview(c.admin.id, { ...key, start: london('2026-04-07', '10:00'), end: london('2026-04-07', '11:30'), expectedVersion: slots.version }), 'stale');
    assert.equal((await c.effects()).length, 0);
    assert.equal((await series(c)).state!.booking, null);
  });

  it('a booking cancelled and made again before its first meeting was created keeps each meeting apart: the old one is cancelled, the new one confirmed', async () => {
    const c = await cast(secondReview);
    const key = { kind: 'looked-after' as const, reference: c.reference };
    const first = await c.flows.bookReview(c.admin.id, { ...key, start: london('2026-04-07', '10:00'), end: london('2026-04-07', '11:30') });
    assert.ok(first.ok);
    assert.ok((await c.flows.cancelReview(c.admin.id, { ...key, comment: 'Booked in error.' })).ok);
    const second = await c.flows.bookReview(c.admin.id, { ...key, start: london('2026-04-08', '10:00'), end: london('2026-04-08', '11:30') });
    assert.ok(second.ok);
    await c.deliver();
    assert.deepEqual((await c.effects()).map((e) => [e.kind, e.status]), [
      [EFFECT_KINDS.calendarCreate, 'delivered'], [EFFECT_KINDS.calendarCancel, 'delivered'], [EFFECT_KINDS.calendarCreate, 'delivered'],
    ]);
    const files = c.meetingFiles();
    const uid = (f: string) => /UID:(\S+)/.exec(f)![1];
    const [created, cancelled, again] = [files.find((f) => /DTSTART:20260407/.test(f) && /METHOD:REQUEST/.test(f))!, files.find((f) => /METHOD:CANCEL/.test(f))!, files.find((f) => /DTSTART:20260408/.test(f))!];
    assert.equal(uid(cancelled), uid(created));
    assert.notEqual(uid(again), uid(created));
    const { state } = await series(c);
    assert.equal(state!.booking!.graphEventId, uid(again));
  });

  it('OX-S01: a meeting Outlook refuses to make is recorded as BookingFailed: the review is no longer booked, finding times says so, and it can be booked again', async () => {
    const outlook = refusingCreates();
    const c = await cast(secondReview, { delivery: outlook.delivery });
    const key = { kind: 'looked-after' as const, reference: c.reference };
    const first = await booked(c);
    await c.deliver();
    assert.deepEqual((await c.effects()).map((e) => [e.kind, e.status, e.lastError]), [[EFFECT_KINDS.calendarCreate, 'failed', 'calendar refused: GraphRequestError']]);
    const { state, records } = await series(c);
    const failure = records.at(-1)!.event;
    assert.equal(failure.type, 'BookingFailed');
    assert.deepEqual(failure.type === 'BookingFailed' && { actor: failure.actor, reason: failure.reason }, { actor: 'calendar-delivery', reason: 'calendar refused: GraphRequestError' });
    assert.equal(state!.booking, null, 'no meeting was made, so the review is not booked');
    assert.deepEqual([state!.bookingFailed?.start, state!.bookingFailed?.end], [first.start, first.end]);
    // Nothing else waits on a meeting that does not exist: rearranging or cancelling it is refused.
    refused(await c.flows.cancelReview(c.admin.id, { ...key, comment: 'No longer needed.' }), 'not-booked');
    // Finding times says what happened; the administrator books again, and this time Outlook makes it.
    const slots = found(await c.flows.findSlots(c.admin.id, key));
    assert.equal(slots.lastBookingFailed, true);
    assert.equal(slots.booked, null);
    outlook.refuse = false;
    const again = await booked(c);
    assert.equal(again.outcome, 'booked');
    assert.equal(found(await c.flows.findSlots(c.admin.id, key)).lastBookingFailed, false, 'booked again: nothing to say');
    await c.deliver();
    const after = await series(c);
    assert.equal(after.records.at(-1)!.event.type, 'BookingConfirmed');
    const firstBooking = records.find((r) => r.event.type === 'ReviewBooked')!.event;
    assert.ok(firstBooking.type === 'ReviewBooked');
    assert.notEqual(after.state!.booking!.transactionId, firstBooking.transactionId, 'a booking of its own, with its own transaction id');
    assert.equal(c.meetingFiles().length, 1, 'one meeting, the second booking\'s');
  });

  it('OX-S01: whoever booked a meeting Outlook refused is told once, in Teams (a card with Find a time) and by email, with the reference only; no card goes once it is booked again', async () => {
    const outlook = refusingCreates();
    const c = await cast(secondReview, { delivery: outlook.delivery });
    await booked(c);
    await c.deliver();
    const failedBooking = (await series(c)).state!.bookingFailed!;
    const [card] = await listEffects(ctx.db, { destination: `teams:${c.admin.id}` });
    const [mail] = await listEffects(ctx.db, { destination: `email:${c.admin.id}` });
    assert.deepEqual([card?.kind, mail?.kind], [EFFECT_KINDS.teamsCard, EFFECT_KINDS.email]);
    assert.equal((await listEffects(ctx.db, { destination: `teams:${c.officer.id}` })).length, 0, 'the officer did not book it: only the administrator is told');
    const email = (mail!.payload as EmailEffectPayload).email;
    assert.equal(email.subject, `Resolve: review ${c.reference} is not booked: Outlook did not make the meeting`);
    assert.ok(!email.subject.includes('Ada') && !email.text!.includes('Ada'), 'no names');
    // The failure hook run again for the same create (a settle retried after a crash): nothing more is queued.
    const [create] = await c.effects();
    assert.equal(create?.idempotencyKey, failedBooking.transactionId);
    await ctx.db.transaction((tx) => c.flows.recordFailure(tx, create!, { error: 'calendar refused: GraphRequestError', refused: true, ambiguousAttempts: 0 }));
    assert.equal((await listEffects(ctx.db, { destination: `teams:${c.admin.id}` })).length, 1);
    assert.equal((await listEffects(ctx.db, { destination: `email:${c.admin.id}` })).length, 1);
    assert.equal((await series(c)).records.filter((r) => r.event.type === 'BookingFailed').length, 1);

    const compose = createReviewBookingComposer({ db: ctx.db, calendar });
    const message = await compose(card!, card!.payload as TeamsEffectPayload);
    assert.equal(message?.recipientId, c.admin.id);
    assert.equal(message?.preview, `Review ${c.reference} is not booked`);
    const drawn = JSON.stringify(message?.card);
    assert.match(drawn, /Outlook did not make the meeting, so this review is not booked/);
    assert.match(drawn, /"verb":"reviewSlots","data":\{"reference":"[^"]+","kind":"looked-after"\}/);
    assert.match(drawn, /Statutory date","value":"Friday 1 May 2026"/);
    // The reviews falling due say so too (migration 0018), until it is booked again.
    const listed = async () => {
      const due = await c.flows.due(c.admin.id);
      assert.ok(due.ok);
      return due.reviews.find((r) => r.reference === c.reference);
    };
    assert.deepEqual([(await listed())?.bookingFailed, (await listed())?.booked], [true, null]);
    outlook.refuse = false;
    await booked(c);
    assert.equal((await listed())?.bookingFailed, false);
    assert.equal(await compose(card!, card!.payload as TeamsEffectPayload), undefined, 'booked again before the card went out: nothing to tell');
  });

  it('OX-S01: a change queued for a meeting Outlook refused to make is refused at once, saying why, and does not hold back the booking made after it', async () => {
    const outlook = refusingCreates();
    const c = await cast(secondReview, { delivery: outlook.delivery });
    const key = { kind: 'looked-after' as const, reference: c.reference };
    await booked(c);
    // Moved before its create went out: the update waits behind the create on the series' destination.
    const moved = await c.flows.rearrangeReview(c.admin.id, {
      ...key, reasonCode: 'new_social_worker_care_plan', reasonText: 'The new social worker starts on Monday.', start: london('2026-04-21', '10:00'), end: london('2026-04-21', '11:30'),
    });
    assert.ok(moved.ok, moved.ok ? '' : moved.message);
    await c.deliver();
    assert.deepEqual((await c.effects()).map((e) => [e.kind, e.status, e.attempts, e.lastError]), [
      [EFFECT_KINDS.calendarCreate, 'failed', 1, 'calendar refused: GraphRequestError'],
      [EFFECT_KINDS.calendarUpdate, 'failed', 1, 'its meeting was never made in the calendar (the booking\'s create failed)'],
    ]);
    outlook.refuse = false;
    await booked(c);
    await c.deliver();
    assert.deepEqual((await c.effects()).map((e) => e.status), ['failed', 'failed', 'delivered']);
    assert.equal((await series(c)).records.at(-1)!.event.type, 'BookingConfirmed');
  });

  it('OX-S01: a create that may have made the meeting (an attempt that timed out, or attempts run out) does not undo the booking: booking again would invite everyone twice', async () => {
    const c = await cast(secondReview);
    await booked(c);
    const [create] = await c.effects();
    const before = await series(c);
    // What the deliverer tells the hook when a create fails after an ambiguous attempt, or runs out of attempts.
    for (const failure of [
      { error: 'no answer within 20000 ms; it may have been delivered', refused: false, ambiguousAttempts: 1 },
      { error: 'the calendar could not be reached', refused: false, ambiguousAttempts: 0 },
      { error: 'calendar refused: GraphRequestError', refused: true, ambiguousAttempts: 2 },
    ]) {
      await ctx.db.transaction((tx) => c.flows.recordFailure(tx, create!, failure));
    }
    const after = await series(c);
    assert.equal(after.records.length, before.records.length, 'nothing recorded');
    assert.equal(after.state!.booking!.transactionId, before.state!.booking!.transactionId);
    // A refusal with no attempt that may have landed does undo it.
    await ctx.db.transaction((tx) => c.flows.recordFailure(tx, create!, { error: 'calendar refused: GraphRequestError', refused: true, ambiguousAttempts: 0 }));
    assert.equal((await series(c)).state!.booking, null);
  });

  it('what is due: business support sees every series, an officer the series they are recorded on, soonest first', async () => {
    const c = await cast(secondReview);
    const mine = <T extends { reference: string }>(reviews: readonly T[]) => reviews.filter((r) => r.reference === c.reference);
    const all = await c.flows.due(c.admin.id);
    assert.ok(all.ok && all.everyone);
    assert.deepEqual(mine(all.reviews).map((r) => [r.review, r.due, r.latestMeetingDate, r.rule, r.booked]), [['second', '2026-05-01', '2026-05-01', 'OX-R04', null]]);
    assert.deepEqual(all.reviews.map((r) => r.due), [...all.reviews.map((r) => r.due)].sort());
    const officer = await c.flows.due(c.officer.id);
    assert.ok(officer.ok && !officer.everyone);
    assert.ok(officer.reviews.every((r) => r.officer === c.officer.id || r.worker === c.officer.id));
    assert.equal(mine(officer.reviews).length, 1);
  });
});
