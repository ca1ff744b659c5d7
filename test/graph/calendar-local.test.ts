import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ICAL from 'ical.js';
import { InvalidInputError } from '../../domain/errors.js';
import {
  busyFromIcs,
  createFileCalendar,
  personalCalendarsDir,
  readMeeting,
  SAMPLE_CALENDARS_DIR,
  seedSampleCalendars,
  type Calendar,
  type EventRequest,
} from '../../graph/calendar.js';
import { loadOrganisationFile } from '../../graph/index.js';

const IRO = 'priya.okonjo@northmoor.example';
const SAMIRA = 'samira.haddad@northmoor.example';
const IMOGEN = 'imogen.blake@northmoor.example';
const LORNA = 'lorna.pike@northmoor.example';
const booking: EventRequest = {
  organiser: IRO,
  subject: 'Resolve NBC-2026-0042: looked-after review',
  html: '<p>Review meeting NBC-2026-0042.</p><p>Northmoor Civic Centre, Room 4, or join on Teams.</p>',
  start: new Date('2027-01-12T10:00:00Z'),
  end: new Date('2027-01-12T11:30:00Z'),
  attendees: [{ email: SAMIRA }, { email: IMOGEN, type: 'optional' }],
  location: 'Northmoor Civic Centre, Room 4',
  transactionId: 'booking/NBC-2026-0042/review-3',
};
const iso = (d: Date) => d.toISOString();
const spans = (busy: readonly { start: Date; end: Date; status: string }[]) => busy.map((b) => `${iso(b.start)} ${iso(b.end)} ${b.status}`);
/** The content lines of an .ics file, unfolded. */
const contentLines = (ics: string) => ics.replace(/\r\n[ \t]/g, '').split('\r\n').filter((l) => l !== '');

const calendarFile = (...events: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//EN', ...events.flatMap((e) => e.trim().split('\n').map((l) => l.trim())), 'END:VCALENDAR', ''].join('\r\n');

const GMT_STANDARD_TIME = `
BEGIN:VTIMEZONE
TZID:GMT Standard Time
BEGIN:STANDARD
DTSTART:16011028T020000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
TZOFFSETFROM:+0100
TZOFFSETTO:-0000
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010325T010000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
TZOFFSETFROM:-0000
TZOFFSETTO:+0100
END:DAYLIGHT
END:VTIMEZONE`;

/** Samira's own calendar, exported from somewhere else: each kind of entry once. */
const SAMIRA_CALENDAR = calendarFile(
  GMT_STANDARD_TIME,
  `BEGIN:VEVENT
UID:utc@example
DTSTAMP:20261101T000000Z
DTSTART:20270315T140000Z
DTEND:20270315T150000Z
SUMMARY:Statutory visit
END:VEVENT`,
  `BEGIN:VEVENT
UID:transparent@example
DTSTAMP:20261101T000000Z
DTSTART:20270316T090000Z
DTEND:20270316T170000Z
SUMMARY:Reminder: reports due
TRANSP:TRANSPARENT
END:VEVENT`,
  `BEGIN:VEVENT
UID:cancelled@example
DTSTAMP:20261101T000000Z
DTSTART:20270317T100000Z
DTEND:20270317T120000Z
SUMMARY:Panel
STATUS:CANCELLED
END:VEVENT`,
  `BEGIN:VEVENT
UID:allday@example
DTSTAMP:20261101T000000Z
DTSTART;VALUE=DATE:20270401
DTEND;VALUE=DATE:20270402
SUMMARY:Annual leave
X-MICROSOFT-CDO-BUSYSTATUS:OOF
END:VEVENT`,
  `BEGIN:VEVENT
UID:weekly@example
DTSTAMP:20261101T000000Z
DTSTART;TZID=Europe/London:20270315T100000
DTEND;TZID=Europe/London:20270315T110000
RRULE:FREQ=WEEKLY;COUNT=4
EXDATE;TZID=Europe/London:20270322T100000
SUMMARY:Duty (no VTIMEZONE for this TZID: read as the IANA zone)
END:VEVENT`,
  `BEGIN:VEVENT
UID:weekly@example
DTSTAMP:20261101T000000Z
RECURRENCE-ID;TZID=Europe/London:20270405T100000
DTSTART;TZID=Europe/London:20270405T140000
DTEND;TZID=Europe/London:20270405T153000
SUMMARY:Duty, moved
END:VEVENT`,
  `BEGIN:VEVENT
UID:outlook@example
DTSTAMP:20261101T000000Z
DTSTART;TZID=GMT Standard Time:20270330T093000
DTEND;TZID=GMT Standard Time:20270330T103000
SUMMARY:Supervision (Outlook export, zone from its VTIMEZONE)
STATUS:TENTATIVE
END:VEVENT`,
  `BEGIN:VEVENT
UID:declined@example
DTSTAMP:20261101T000000Z
DTSTART:20270331T130000Z
DTEND:20270331T140000Z
SUMMARY:Briefing
ORGANIZER:mailto:rupert.elms@northmoor.example
ATTENDEE;PARTSTAT=DECLINED:mailto:${SAMIRA}
END:VEVENT`,
);

describe('graph/calendar in local mode (.ics files, ical.js)', () => {
  let dataDir: string;
  let outbox: string;
  let calendar: Calendar;
  let clock: Date;

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'resolve-cal-'));
    outbox = path.join(dataDir, 'outbox-calendar');
    clock = new Date('2027-01-04T09:00:00Z');
    calendar = createFileCalendar({ dir: outbox, now: () => clock });
  });
  const writeOwnCalendar = (email: string, ics: string) => {
    mkdirSync(personalCalendarsDir(dataDir), { recursive: true });
    writeFileSync(path.join(personalCalendarsDir(dataDir), `${email}.ics`), ics);
  };
  const busyOf = async (email: string, from: string, to: string) => {
    const [answer] = await calendar.getSchedule({ schedules: [email], from: new Date(from), to: new Date(to) });
    return answer!;
  };

  describe('busy times from a person’s own calendar (DATA_DIR/calendars/<email>.ics)', () => {
    it('counts opaque events, all-day events and each occurrence across the clock change; not transparent, cancelled, or declined ones', async () => {
      writeOwnCalendar(SAMIRA, SAMIRA_CALENDAR);
      const samira = await busyOf(SAMIRA, '2027-03-15T00:00:00Z', '2027-04-12T00:00:00Z');
      assert.equal(samira.error, undefined);
      assert.deepEqual(spans(samira.busy), [
        '2027-03-15T10:00:00.000Z 2027-03-15T11:00:00.000Z busy', // 10:00 GMT
        '2027-03-15T14:00:00.000Z 2027-03-15T15:00:00.000Z busy',
        // 22 March is an EXDATE; the clocks go forward on 28 March
        '2027-03-29T09:00:00.000Z 2027-03-29T10:00:00.000Z busy', // 10:00 BST
        '2027-03-30T08:30:00.000Z 2027-03-30T09:30:00.000Z tentative', // 09:30 BST by the file's own VTIMEZONE
        '2027-03-31T23:00:00.000Z 2027-04-01T23:00:00.000Z oof', // 1 April, midnight to midnight London time
        '2027-04-05T13:00:00.000Z 2027-04-05T14:30:00.000Z busy', // the occurrence moved by RECURRENCE-ID to 14:00 BST
      ]);
    });

    it('only what overlaps the window, whole; another person’s file is not theirs', async () => {
      writeOwnCalendar(SAMIRA, SAMIRA_CALENDAR);
      assert.deepEqual(spans((await busyOf(SAMIRA, '2027-03-15T14:30:00Z', '2027-03-15T15:00:00Z')).busy), ['2027-03-15T14:00:00.000Z 2027-03-15T15:00:00.000Z busy']);
      assert.deepEqual((await busyOf(SAMIRA, '2027-03-15T15:00:00Z', '2027-03-15T16:00:00Z')).busy, [], 'an event ending at the window start does not overlap it');
      assert.deepEqual((await busyOf('joel.whitcombe@northmoor.example', '2027-03-15T00:00:00Z', '2027-04-12T00:00:00Z')).busy, []);
    });

    it('a file that is not iCalendar leaves that person unknown, with the file named; others are answered', async () => {
      writeOwnCalendar(SAMIRA, 'BEGIN:VCALENDAR\r\nthis is not a calendar\r\n');
      const [samira, iro] = await calendar.getSchedule({ schedules: [SAMIRA, IRO], from: new Date('2027-03-15T00:00:00Z'), to: new Date('2027-03-16T00:00:00Z') });
      assert.match(samira!.error!, /calendars\/samira\.haddad@northmoor\.example\.ics is not a calendar Resolve can read/);
      assert.deepEqual(iro!, { schedule: IRO, busy: [] });
    });

    it('a TZID that is neither defined in the file nor a known zone is reported, not guessed', () => {
      const bad = calendarFile('BEGIN:VEVENT\nUID:x\nDTSTAMP:20261101T000000Z\nDTSTART;TZID=Northmoor Time:20270315T100000\nDTEND;TZID=Northmoor Time:20270315T110000\nEND:VEVENT');
      assert.throws(() => busyFromIcs(bad, { from: new Date('2027-03-01T00:00:00Z'), to: new Date('2027-04-01T00:00:00Z') }), /time zone "Northmoor Time"/);
    });
  });

  describe('meetings Resolve books: one new file per change in DATA_DIR/outbox-calendar/', () => {
    it('create, update, cancel: three files with one UID, SEQUENCE 0, 1, 2 and METHOD:CANCEL last', async () => {
      const created = await calendar.createEvent(booking);
      clock = new Date('2027-01-05T09:00:00Z');
      const moved = await calendar.updateEvent({ organiser: IRO, id: created.id, start: new Date('2027-01-19T13:00:00Z'), end: new Date('2027-01-19T14:30:00Z'), attendees: [{ email: SAMIRA }, { email: LORNA, type: 'optional' }] });
      clock = new Date('2027-01-06T09:00:00Z');
      const comment = 'This review is cancelled: the child has left care. Resolve NBC-2026-0042.';
      const cancelled = await calendar.cancelEvent({ organiser: IRO, id: created.id, comment });

      assert.equal(created.id, 'booking/NBC-2026-0042/review-3@resolve.local');
      assert.deepEqual([moved.id, cancelled.id, cancelled.outcome], [created.id, created.id, 'cancelled']);
      const files = readdirSync(outbox).sort();
      assert.equal(files.length, 3);
      assert.deepEqual(files.map((f) => f.replace(/^.*\.(\d{3})\.ics$/, '$1')), ['000', '001', '002']);
      assert.deepEqual([created.file, moved.file, cancelled.file].map((f) => path.basename(f!)), files);

      const texts = files.map((f) => readFileSync(path.join(outbox, f), 'utf8'));
      const lines = texts.map(contentLines);
      const one = (ls: string[], name: string) => ls.filter((l) => l.startsWith(`${name}:`) || l.startsWith(`${name};`));
      assert.deepEqual(lines.map((ls) => one(ls, 'UID')), Array(3).fill([`UID:${created.id}`]));
      assert.deepEqual(lines.map((ls) => one(ls, 'SEQUENCE')), [['SEQUENCE:0'], ['SEQUENCE:1'], ['SEQUENCE:2']]);
      assert.deepEqual(lines.map((ls) => one(ls, 'METHOD')), [['METHOD:REQUEST'], ['METHOD:REQUEST'], ['METHOD:CANCEL']]);
      assert.deepEqual(lines.map((ls) => one(ls, 'STATUS')), [['STATUS:CONFIRMED'], ['STATUS:CONFIRMED'], ['STATUS:CANCELLED']]);
      assert.deepEqual(lines.map((ls) => one(ls, 'DTSTAMP')), [['DTSTAMP:20270104T090000Z'], ['DTSTAMP:20270105T090000Z'], ['DTSTAMP:20270106T090000Z']]);
      assert.deepEqual(lines.map((ls) => [...one(ls, 'DTSTART'), ...one(ls, 'DTEND')]), [
        ['DTSTART:20270112T100000Z', 'DTEND:20270112T113000Z'],
        ['DTSTART:20270119T130000Z', 'DTEND:20270119T143000Z'],
        ['DTSTART:20270119T130000Z', 'DTEND:20270119T143000Z'],
      ]);
      assert.deepEqual(lines.map((ls) => one(ls, 'ORGANIZER')), Array(3).fill([`ORGANIZER:mailto:${IRO}`]));
      assert.deepEqual(one(lines[0]!, 'ATTENDEE'), [
        `ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${SAMIRA}`,
        `ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${IMOGEN}`,
      ]);
      assert.deepEqual(one(lines[1]!, 'ATTENDEE').map((l) => l.replace(/^.*ROLE=([A-Z-]+).*mailto:/, '$1 ')), [`REQ-PARTICIPANT ${SAMIRA}`, `OPT-PARTICIPANT ${LORNA}`]);
      assert.equal(one(lines[2]!, 'ATTENDEE').length, 2, 'the cancellation goes to everyone invited');
      assert.deepEqual(one(lines[2]!, 'COMMENT'), [`COMMENT:${comment.replace(/,/g, '\\,')}`]);
      assert.deepEqual(one(lines[0]!, 'SUMMARY'), ['SUMMARY:Resolve NBC-2026-0042: looked-after review']);
      assert.deepEqual(one(lines[0]!, 'DESCRIPTION'), ['DESCRIPTION:Review meeting NBC-2026-0042. Northmoor Civic Centre\\, Room 4\\, or join on Teams.']);
      assert.deepEqual(one(lines[0]!, 'LOCATION'), ['LOCATION:Northmoor Civic Centre\\, Room 4']);

      for (const text of texts) {
        assert.ok(text.endsWith('\r\n') && !/[^\r]\n/.test(text), 'CRLF line ends');
        assert.ok(text.split('\r\n').every((l) => Buffer.byteLength(l) <= 75), 'lines folded at 75 octets, continuations included');
        const event = new ICAL.Event(new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!);
        assert.equal(event.uid, created.id, 'ical.js reads back what was written');
      }
      assert.ok(texts[0]!.includes('\r\n '), 'the long attendee lines were folded');
    });

    it('what is written is read back as busy for the organiser and every invitee, at its newest time, until cancelled', async () => {
      const window = ['2027-01-11T00:00:00Z', '2027-01-25T00:00:00Z'] as const;
      const { id } = await calendar.createEvent(booking);
      for (const person of [IRO, SAMIRA.toUpperCase(), IMOGEN]) {
        assert.deepEqual(spans((await busyOf(person, ...window)).busy), ['2027-01-12T10:00:00.000Z 2027-01-12T11:30:00.000Z busy'], person);
      }
      await calendar.updateEvent({ organiser: IRO, id, start: new Date('2027-01-19T13:00:00Z'), end: new Date('2027-01-19T14:30:00Z'), attendees: [{ email: SAMIRA }] });
      assert.deepEqual(spans((await busyOf(SAMIRA, ...window)).busy), ['2027-01-19T13:00:00.000Z 2027-01-19T14:30:00.000Z busy'], 'busy at the new time only');
      assert.deepEqual((await busyOf(IMOGEN, ...window)).busy, [], 'no longer invited');
      await calendar.cancelEvent({ organiser: IRO, id, comment: 'Cancelled.' });
      for (const person of [IRO, SAMIRA]) assert.deepEqual((await busyOf(person, ...window)).busy, [], person);
    });

    it('a person’s own calendar and Resolve’s meetings together; an imported copy of a Resolve meeting counts once, at Resolve’s newest time', async () => {
      const { id, file } = await calendar.createEvent(booking);
      // Samira imported the first invitation into her calendar, and exported it with her other events
      const invitation = readFileSync(file!, 'utf8').replace('METHOD:REQUEST\r\n', '');
      const own = SAMIRA_CALENDAR.replace('END:VCALENDAR\r\n', invitation.slice(invitation.indexOf('BEGIN:VEVENT'), invitation.indexOf('END:VCALENDAR')) + 'END:VCALENDAR\r\n');
      writeOwnCalendar(SAMIRA, own);
      await calendar.updateEvent({ organiser: IRO, id, start: new Date('2027-03-15T12:00:00Z'), end: new Date('2027-03-15T13:30:00Z') });
      assert.deepEqual(spans((await busyOf(SAMIRA, '2027-01-01T00:00:00Z', '2027-03-16T00:00:00Z')).busy), [
        '2027-03-15T10:00:00.000Z 2027-03-15T11:00:00.000Z busy',
        '2027-03-15T12:00:00.000Z 2027-03-15T13:30:00.000Z busy',
        '2027-03-15T14:00:00.000Z 2027-03-15T15:00:00.000Z busy',
      ]);
    });

    it('repeats change nothing: the same booking finds its file, the same change and a second cancel write nothing', async () => {
      const first = await calendar.createEvent(booking);
      const again = await calendar.createEvent({ ...booking, start: new Date('2027-02-01T10:00:00Z'), end: new Date('2027-02-01T11:00:00Z') });
      assert.deepEqual(again, first);
      const change = { organiser: IRO, id: first.id, start: new Date('2027-01-13T10:00:00Z'), end: new Date('2027-01-13T11:30:00Z') };
      assert.ok((await calendar.updateEvent(change)).file);
      assert.deepEqual(await calendar.updateEvent(change), { id: first.id, via: 'file' }, 'the retried change already stands');
      assert.equal((await calendar.cancelEvent({ organiser: IRO, id: first.id, comment: 'Cancelled.' })).outcome, 'cancelled');
      assert.equal((await calendar.cancelEvent({ organiser: IRO, id: first.id, comment: 'Cancelled.' })).outcome, 'already-gone');
      assert.equal(readdirSync(outbox).length, 3);
      assert.equal(readMeeting(readFileSync(path.join(outbox, readdirSync(outbox).sort().at(-1)!), 'utf8')).method, 'CANCEL');
    });

    it('refuses: moving a cancelled meeting, a meeting it never booked, another organiser’s meeting, a subject with a date, an end before the start', async () => {
      const { id } = await calendar.createEvent(booking);
      await assert.rejects(calendar.updateEvent({ organiser: IRO, id: 'AAMkAD-from-graph', subject: 'x' }), (e: Error) => e instanceof InvalidInputError && e.field === 'id');
      await assert.rejects(calendar.updateEvent({ organiser: IRO, id: 'other@resolve.local', subject: 'Resolve NBC-2026-0042: review' }), /There is no meeting/);
      await assert.rejects(calendar.updateEvent({ organiser: SAMIRA, id, subject: 'Resolve NBC-2026-0042: review' }), (e: Error) => e instanceof InvalidInputError && e.field === 'organiser');
      await assert.rejects(calendar.updateEvent({ organiser: IRO, id, subject: 'Review for J.T. born 14/03/2015' }), /opaque case reference/);
      await assert.rejects(calendar.createEvent({ ...booking, transactionId: 't2', end: booking.start }), (e: Error) => e instanceof InvalidInputError && e.field === 'end');
      await calendar.cancelEvent({ organiser: IRO, id, comment: 'Cancelled.' });
      await assert.rejects(calendar.updateEvent({ organiser: IRO, id, start: booking.start, end: booking.end }), /was cancelled/);
      await assert.rejects(calendar.getSchedule({ schedules: [], from: booking.start, to: booking.end }), /at least one person/);
    });
  });

  describe('the sample organisation’s calendars', () => {
    it('each is named for a person in graph/samples/organisation.yaml and has busy blocks from December 2026 to April 2027', async () => {
      const org = await loadOrganisationFile(path.join(SAMPLE_CALENDARS_DIR, '..', 'organisation.yaml'));
      const emails = new Set(org.people.map((p) => p.email.toLowerCase()));
      const files = readdirSync(SAMPLE_CALENDARS_DIR).filter((f) => f.endsWith('.ics'));
      assert.ok(files.length >= 4);
      for (const file of files) {
        const person = file.replace(/\.ics$/, '');
        assert.ok(emails.has(person), `${file} is someone in the sample organisation`);
        const busy = busyFromIcs(readFileSync(path.join(SAMPLE_CALENDARS_DIR, file), 'utf8'), { from: new Date('2026-12-01T00:00:00Z'), to: new Date('2027-05-01T00:00:00Z'), person });
        const months = new Set(busy.map((b) => b.start.toISOString().slice(0, 7)));
        for (const month of ['2026-12', '2027-01', '2027-02', '2027-03', '2027-04']) assert.ok(months.has(month), `${file} is busy some time in ${month}`);
      }
    });

    it('seedSampleCalendars copies them into DATA_DIR/calendars when absent and leaves a file already there alone; local free/busy then reads them', async () => {
      writeOwnCalendar(SAMIRA, calendarFile());
      const copied = await seedSampleCalendars(dataDir);
      assert.ok(copied.includes(`${IRO}.ics`));
      assert.ok(!copied.includes(`${SAMIRA}.ics`));
      assert.equal(readFileSync(path.join(personalCalendarsDir(dataDir), `${SAMIRA}.ics`), 'utf8'), calendarFile(), 'not overwritten');
      assert.deepEqual(await seedSampleCalendars(dataDir), [], 'a second run copies nothing');
      const iro = await busyOf(IRO, '2026-12-24T00:00:00Z', '2026-12-25T00:00:00Z');
      assert.deepEqual(spans(iro.busy), ['2026-12-24T00:00:00.000Z 2026-12-30T00:00:00.000Z oof'], 'Christmas leave from the sample');
    });
  });
});
