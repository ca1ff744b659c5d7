import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvalidInputError } from '../../domain/errors.js';
import {
  createFileCalendar,
  createGraphCalendar,
  MAX_SCHEDULES_PER_CALL,
  splitScheduleQuery,
  type EventRequest,
} from '../../graph/calendar.js';
import { GraphUnavailableError } from '../../graph/client.js';
import { graphError, useFakeGraph } from './fake-graph.js';

const DAY = 86_400_000;
const people = (n: number) => Array.from({ length: n }, (_, i) => `person${i + 1}@northmoor.example`);
const booking: EventRequest = {
  organiser: 'priya.okonjo@northmoor.example',
  subject: 'Resolve NBC-2026-0042: looked-after review',
  html: '<p>Review meeting for J.T.; the agenda is in Resolve.</p>',
  start: new Date('2026-03-10T10:00:00Z'),
  end: new Date('2026-03-10T11:30:00Z'),
  attendees: [{ email: 'samira.haddad@northmoor.example' }, { email: 'imogen.blake@northmoor.example', type: 'optional' }],
  location: 'Northmoor Civic Centre, Room 4',
  transactionId: 'booking/NBC-2026-0042/review-3',
};

describe('graph/calendar', () => {
  describe('splitting free/busy questions to Graph limits', () => {
    it('25 people over 100 days become 4 calls of at most 20 people and under 62 days each', () => {
      const from = new Date('2026-01-05T00:00:00Z');
      const parts = splitScheduleQuery({ schedules: people(25), from, to: new Date(from.getTime() + 100 * DAY) });
      assert.equal(parts.length, 4);
      for (const p of parts) {
        assert.ok(p.schedules.length <= MAX_SCHEDULES_PER_CALL);
        assert.ok(p.to.getTime() - p.from.getTime() < 62 * DAY);
      }
      assert.deepEqual(parts.map((p) => p.schedules.length), [20, 20, 5, 5]);
      assert.equal(parts[1]!.to.getTime(), from.getTime() + 100 * DAY, 'the windows cover the whole period');
    });

    it('a question inside the limits is one call, unchanged', () => {
      const q = { schedules: people(20), from: new Date('2026-01-05T00:00:00Z'), to: new Date('2026-03-06T23:00:00Z') };
      assert.deepEqual(splitScheduleQuery(q), [q]);
    });
  });

  describe('graph mode (against a fake Graph on loopback)', () => {
    const fake = useFakeGraph();
    const calendar = () => createGraphCalendar({ client: fake.client(), mailbox: 'resolve@northmoor.example' });

    it('getSchedule calls Graph in parts, in UTC, and merges each person’s busy times, ignoring free', async () => {
      fake.graph.on('POST', /^\/users\/resolve@northmoor\.example\/calendar\/getSchedule$/, (req) => {
        const body = req.body as { schedules: string[]; startTime: { dateTime: string } };
        return {
          body: {
            value: body.schedules.map((s) => ({
              scheduleId: s,
              availabilityView: '0020',
              scheduleItems:
                s === 'person1@northmoor.example'
                  ? [
                      { status: 'Busy', start: { dateTime: body.startTime.dateTime, timeZone: 'UTC' }, end: { dateTime: body.startTime.dateTime.replace('T00', 'T01'), timeZone: 'UTC' } },
                      { status: 'Free', start: { dateTime: '2026-01-06T09:00:00.0000000', timeZone: 'UTC' }, end: { dateTime: '2026-01-06T10:00:00.0000000', timeZone: 'UTC' } },
                    ]
                  : [],
              ...(s === 'person22@northmoor.example' && { error: { message: 'The mailbox could not be found', responseCode: 'ErrorMailRecipientNotFound' } }),
            })),
          },
        };
      });
      const from = new Date('2026-01-05T00:00:00Z');
      const result = await calendar().getSchedule({ schedules: people(25), from, to: new Date(from.getTime() + 100 * DAY) });
      const calls = fake.graph.calls('POST', /getSchedule$/);
      assert.equal(calls.length, 4);
      assert.equal(calls[0]!.headers.prefer, 'outlook.timezone="UTC"');
      assert.deepEqual((calls[0]!.body as { startTime: unknown }).startTime, { dateTime: '2026-01-05T00:00:00.000', timeZone: 'UTC' });
      assert.equal(result.length, 25);
      const p1 = result.find((a) => a.schedule === 'person1@northmoor.example')!;
      assert.deepEqual(p1.busy.map((b) => [b.start.toISOString(), b.status]), [
        ['2026-01-05T00:00:00.000Z', 'busy'],
        [new Date(from.getTime() + 61 * DAY).toISOString(), 'busy'],
      ]);
      assert.match(result.find((a) => a.schedule === 'person22@northmoor.example')!.error!, /could not be found/);
    });

    it('createEvent posts to the organiser’s calendar with a transactionId; a retried create gives the same event', async () => {
      const byTransaction = new Map<string, string>();
      fake.graph.on('POST', /^\/users\/priya\.okonjo@northmoor\.example\/events$/, (req) => {
        const tx = (req.body as { transactionId: string }).transactionId;
        if (!byTransaction.has(tx)) byTransaction.set(tx, `AAMk-event-${byTransaction.size + 1}`);
        return { status: 201, body: { id: byTransaction.get(tx), webLink: 'https://outlook.office365.com/owa/?itemid=x' } };
      });
      const first = await calendar().createEvent(booking);
      const again = await calendar().createEvent(booking);
      assert.equal(first.id, again.id);
      const body = fake.graph.requests[0]!.body as Record<string, unknown>;
      assert.equal(body.transactionId, 'booking/NBC-2026-0042/review-3');
      assert.deepEqual(body.start, { dateTime: '2026-03-10T10:00:00.000', timeZone: 'UTC' });
      assert.deepEqual(body.attendees, [
        { emailAddress: { address: 'samira.haddad@northmoor.example' }, type: 'required' },
        { emailAddress: { address: 'imogen.blake@northmoor.example' }, type: 'optional' },
      ]);
      assert.equal(body.subject, 'Resolve NBC-2026-0042: looked-after review');
    });

    it('Graph unavailable for a create gives GraphUnavailableError (the booking stays queued)', async () => {
      fake.graph.on('POST', /events$/, graphError(504, 'GatewayTimeout', 'timeout', { 'Retry-After': '0' }));
      await assert.rejects(calendar().createEvent(booking), GraphUnavailableError);
    });
  });

  describe('local mode: .ics files', () => {
    let dir: string;
    beforeEach(() => {
      dir = path.join(mkdtempSync(path.join(tmpdir(), 'resolve-cal-')), 'outbox-calendar');
    });

    it('writes an RFC 5545 event with the booking’s times in UTC, organiser and attendees', async () => {
      const created = await createFileCalendar({ dir, now: () => new Date('2026-03-02T09:00:00Z') }).createEvent(booking);
      const ics = readFileSync(created.file!, 'utf8');
      for (const line of ['BEGIN:VCALENDAR', 'DTSTART:20260310T100000Z', 'DTEND:20260310T113000Z', 'DTSTAMP:20260302T090000Z', 'SUMMARY:Resolve NBC-2026-0042: looked-after review', 'LOCATION:Northmoor Civic Centre\\, Room 4', 'ORGANIZER:mailto:priya.okonjo@northmoor.example', 'ATTENDEE;ROLE=OPT-PARTICIPANT;RSVP=TRUE:mailto:imogen.blake@northmoor.example']) {
        assert.ok(ics.replace(/\r\n /g, '').split('\r\n').includes(line), `missing ${line}`);
      }
      assert.ok(ics.split('\r\n').every((l) => Buffer.byteLength(l) <= 75), 'lines are folded at 75 octets');
      assert.ok(ics.includes('\r\n '), 'the long attendee line was folded');
    });

    it('the same transactionId writes one file', async () => {
      const cal = createFileCalendar({ dir });
      await cal.createEvent(booking);
      await cal.createEvent(booking);
      assert.equal(readdirSync(dir).length, 1);
    });

    it('events written locally are the local free/busy of their organiser and attendees', async () => {
      const cal = createFileCalendar({ dir });
      await cal.createEvent(booking);
      const [samira, other] = await cal.getSchedule({ schedules: ['Samira.Haddad@northmoor.example', 'joel.whitcombe@northmoor.example'], from: new Date('2026-03-09T00:00:00Z'), to: new Date('2026-03-12T00:00:00Z') });
      assert.deepEqual(samira!.busy, [{ start: booking.start, end: booking.end, status: 'busy' }]);
      assert.deepEqual(other!.busy, []);
      const [later] = await cal.getSchedule({ schedules: ['samira.haddad@northmoor.example'], from: new Date('2026-03-10T11:30:00Z'), to: new Date('2026-03-11T00:00:00Z') });
      assert.deepEqual(later!.busy, [], 'an event ending at the window start does not overlap it');
    });

    it('an event ending before it starts, or with a date in its subject, is refused', async () => {
      const cal = createFileCalendar({ dir });
      await assert.rejects(cal.createEvent({ ...booking, end: booking.start }), (e: Error) => e instanceof InvalidInputError && e.field === 'end');
      await assert.rejects(cal.createEvent({ ...booking, subject: 'Review for J.T. born 14/03/2015' }), /opaque case reference/);
      await assert.rejects(cal.getSchedule({ schedules: [], from: booking.start, to: booking.end }), /at least one person/);
    });
  });
});
