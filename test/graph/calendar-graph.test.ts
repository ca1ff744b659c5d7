import assert from 'node:assert/strict';
import { InvalidInputError } from '../../domain/errors.js';
import { createGraphCalendar, MAX_SCHEDULES_PER_CALL, TRANSACTION_PROPERTY_ID, type Calendar, type EventRequest } from '../../graph/calendar.js';
import { createGraphClient, GraphRequestError, GraphUnavailableError } from '../../graph/client.js';
import { FakeExchange, meetingBlob } from './fake-calendar.js';
import { fakeCredential, useFakeGraph } from './fake-graph.js';

const DAY = 86_400_000;
const MAILBOX = 'resolve@northmoor.example';
const IRO = 'priya.okonjo@northmoor.example';
const people = (n: number) => Array.from({ length: n }, (_, i) => `person${i + 1}@northmoor.example`);
const booking: EventRequest = {
  organiser: IRO,
  subject: 'Resolve NBC-2026-0042: looked-after review',
  html: '<p>Review meeting NBC-2026-0042. Join on Teams or at the Civic Centre.</p>',
  start: new Date('2027-01-12T10:00:00Z'),
  end: new Date('2027-01-12T11:30:00Z'),
  attendees: [{ email: 'samira.haddad@northmoor.example' }, { email: 'imogen.blake@northmoor.example', type: 'optional' }],
  location: 'Northmoor Civic Centre, Room 4',
  transactionId: 'booking/NBC-2026-0042/review-3',
};
const body = (r: { body: unknown }) => r.body as Record<string, unknown>;

describe('graph/calendar in graph mode (a fake Exchange behind a fake Graph on loopback)', () => {
  const fake = useFakeGraph();
  let exchange: FakeExchange;
  let calendar: Calendar;
  /** A client with the retry bound and per-attempt timeout of a test. */
  const calendarWith = (options: { maxRetries?: number; timeoutMs?: number }) =>
    createGraphCalendar({
      client: createGraphClient({ credential: fakeCredential, baseUrl: fake.baseUrl, retry: { delaySeconds: 0, maxRetries: options.maxRetries ?? 1 }, timeoutMs: options.timeoutMs ?? 5_000 }),
      mailbox: MAILBOX,
    });

  beforeEach(() => {
    exchange = new FakeExchange(fake.graph);
    calendar = calendarWith({});
  });

  describe('getSchedule', () => {
    it('25 people over 100 days: 4 calls of at most 20 people and under 62 days, merged per person in the order asked', async () => {
      const from = new Date('2026-12-01T00:00:00Z');
      const to = new Date(from.getTime() + 100 * DAY);
      const boundary = new Date(from.getTime() + 61 * DAY);
      exchange
        .addBusy('person1@northmoor.example', { start: new Date('2026-12-02T10:00:00Z'), end: new Date('2026-12-02T11:00:00Z'), status: 'busy' })
        // across the point where the window is cut: both calls report it, the answer has it once
        .addBusy('person1@northmoor.example', { start: new Date(boundary.getTime() - 3_600_000), end: new Date(boundary.getTime() + 3_600_000), status: 'oof' })
        .addBusy('person1@northmoor.example', { start: new Date('2027-02-20T09:00:00Z'), end: new Date('2027-02-20T09:30:00Z'), status: 'free' })
        .addBusy('person24@northmoor.example', { start: new Date('2027-03-01T14:00:00Z'), end: new Date('2027-03-01T15:00:00Z'), status: 'tentative' });
      exchange.unknown.add('person22@northmoor.example');

      const result = await calendar.getSchedule({ schedules: people(25), from, to, intervalMinutes: 60 });

      const calls = fake.graph.calls('POST', /^\/users\/resolve@northmoor\.example\/calendar\/getSchedule$/);
      const asked = calls.map((c) => body(c) as { schedules: string[]; startTime: { dateTime: string; timeZone: string }; endTime: { dateTime: string }; availabilityViewInterval: number });
      assert.deepEqual(
        asked.map((a) => [a.schedules.length, a.startTime.dateTime, a.endTime.dateTime]),
        [
          [20, '2026-12-01T00:00:00.000', '2027-01-31T00:00:00.000'],
          [20, '2027-01-31T00:00:00.000', '2027-03-11T00:00:00.000'],
          [5, '2026-12-01T00:00:00.000', '2027-01-31T00:00:00.000'],
          [5, '2027-01-31T00:00:00.000', '2027-03-11T00:00:00.000'],
        ],
      );
      for (const a of asked) {
        assert.ok(a.schedules.length <= MAX_SCHEDULES_PER_CALL);
        assert.equal(a.startTime.timeZone, 'UTC');
        assert.equal(a.availabilityViewInterval, 60);
      }
      assert.deepEqual([...new Set(asked.flatMap((a) => a.schedules))], people(25), 'every person asked about, in both windows');
      assert.ok(calls.every((c) => c.headers.prefer === 'outlook.timezone="UTC"'));

      assert.deepEqual(result.map((a) => a.schedule), people(25));
      assert.deepEqual(result[0]!.busy.map((b) => [b.start.toISOString(), b.end.toISOString(), b.status]), [
        ['2026-12-02T10:00:00.000Z', '2026-12-02T11:00:00.000Z', 'busy'],
        ['2027-01-30T23:00:00.000Z', '2027-01-31T01:00:00.000Z', 'oof'],
      ], 'free items are left out, and the item both windows saw comes once');
      assert.deepEqual(result[23]!.busy.map((b) => b.status), ['tentative']);
      assert.match(result[21]!.error!, /could not be found/);
      assert.deepEqual(result[1]!.busy, []);
    });

    it('reads times in the zone Graph answers in (GMT Standard Time in summer is an hour ahead of UTC)', async () => {
      // Graph answers in the zone asked for; this answer is given in the mailbox's zone instead
      exchange.failNext('getSchedule', { body: { value: [{ scheduleId: IRO, scheduleItems: [{ status: 'Busy', start: { dateTime: '2027-04-06T10:00:00.0000000', timeZone: 'GMT Standard Time' }, end: { dateTime: '2027-04-06T11:00:00.0000000', timeZone: 'GMT Standard Time' } }] }] } });
      const [iro] = await calendar.getSchedule({ schedules: [IRO], from: new Date('2027-04-06T00:00:00Z'), to: new Date('2027-04-07T00:00:00Z') });
      assert.deepEqual(iro!.busy, [{ start: new Date('2027-04-06T09:00:00Z'), end: new Date('2027-04-06T10:00:00Z'), status: 'busy' }]);
    });

    it('a question Graph would refuse is refused before any call', async () => {
      await assert.rejects(calendar.getSchedule({ schedules: [IRO], from: booking.end, to: booking.start }), (e: Error) => e instanceof InvalidInputError && e.field === 'to');
      await assert.rejects(calendar.getSchedule({ schedules: [IRO], from: booking.start, to: booking.end, intervalMinutes: 2 }), InvalidInputError);
      assert.equal(fake.graph.requests.length, 0);
    });
  });

  describe('createEvent', () => {
    it('books a Teams meeting in the organiser’s calendar with the documented body (attendees hidden from each other, no new times proposed outside Resolve: DESIGN Privacy), and returns the Graph event id', async () => {
      const created = await calendar.createEvent(booking);

      assert.equal(exchange.live().length, 1);
      const event = exchange.live()[0]!;
      assert.equal(created.id, event.id);
      assert.equal(created.via, 'graph');
      assert.match(created.joinUrl!, /^https:\/\/teams\.microsoft\.com\//);
      assert.match(created.webLink!, /^https:\/\/outlook\.office365\.com\//);

      const [post] = fake.graph.calls('POST', /^\/users\/priya\.okonjo@northmoor\.example\/events$/);
      assert.deepEqual(body(post!), {
        subject: 'Resolve NBC-2026-0042: looked-after review',
        body: { contentType: 'HTML', content: booking.html },
        start: { dateTime: '2027-01-12T10:00:00.000', timeZone: 'UTC' },
        end: { dateTime: '2027-01-12T11:30:00.000', timeZone: 'UTC' },
        attendees: [
          { emailAddress: { address: 'samira.haddad@northmoor.example' }, type: 'required' },
          { emailAddress: { address: 'imogen.blake@northmoor.example' }, type: 'optional' },
        ],
        location: { displayName: 'Northmoor Civic Centre, Room 4' },
        isOnlineMeeting: true,
        onlineMeetingProvider: 'teamsForBusiness',
        allowNewTimeProposals: false,
        hideAttendees: true,
        transactionId: 'booking/NBC-2026-0042/review-3',
        singleValueExtendedProperties: [{ id: TRANSACTION_PROPERTY_ID, value: 'booking/NBC-2026-0042/review-3' }],
      });
    });

    it('looks the booking up first with the documented extended-property filter; a second create returns the same event and posts nothing', async () => {
      const first = await calendar.createEvent(booking);
      const again = await calendar.createEvent(booking);
      assert.equal(again.id, first.id);
      assert.equal(exchange.live().length, 1);
      assert.equal(fake.graph.calls('POST', /\/events$/).length, 1);
      const lookups = fake.graph.calls('GET', /^\/users\/priya\.okonjo@northmoor\.example\/events$/);
      assert.equal(lookups.length, 2);
      assert.equal(
        lookups[0]!.query.get('$filter'),
        `singleValueExtendedProperties/Any(ep: ep/id eq '${TRANSACTION_PROPERTY_ID}' and ep/value eq 'booking/NBC-2026-0042/review-3')`,
      );
    });

    it('a quote in the transactionId is escaped as OData wants, and still finds its event', async () => {
      const odd = { ...booking, transactionId: "booking/NBC-2026-0042/o'brien&co" };
      const first = await calendar.createEvent(odd);
      assert.equal((await calendar.createEvent(odd)).id, first.id);
      assert.equal(exchange.live().length, 1);
    });

    it('without a Teams meeting when asked, and with a subject that carries a date refused before any call', async () => {
      await calendar.createEvent({ ...booking, onlineMeeting: false });
      const sent = body(fake.graph.calls('POST', /\/events$/)[0]!);
      assert.equal(sent.isOnlineMeeting, undefined);
      assert.equal(sent.onlineMeetingProvider, undefined);
      const before = fake.graph.requests.length;
      await assert.rejects(calendar.createEvent({ ...booking, transactionId: 't2', subject: 'Review for J.T. born 14/03/2015' }), /opaque case reference/);
      assert.equal(fake.graph.requests.length, before);
    });

    it('a 429 with Retry-After is waited out and retried, then succeeds: one meeting', async () => {
      exchange.failNext('create', { status: 429, headers: { 'Retry-After': '1' }, body: { error: { code: 'ApplicationThrottled', message: 'Too many requests' } } });
      const started = Date.now();
      const created = await calendar.createEvent(booking);
      assert.ok(Date.now() - started >= 900, 'waited for Retry-After: 1');
      assert.equal(fake.graph.calls('POST', /\/events$/).length, 2);
      assert.equal(exchange.live().length, 1);
      assert.equal(created.id, exchange.live()[0]!.id);
    });

    it('a timeout after the server made the event: the retry finds it by transactionId; exactly one meeting exists', async () => {
      const slow = calendarWith({ timeoutMs: 300 });
      exchange.failNext('create', { afterApply: 'hang' });

      const created = await slow.createEvent(booking);

      assert.equal(exchange.live().length, 1, 'the server made it once');
      assert.equal(created.id, exchange.live()[0]!.id);
      assert.equal(fake.graph.calls('POST', /\/events$/).length, 1, 'no second POST');
      // and the outbox trying the same booking again later changes nothing
      assert.equal((await slow.createEvent(booking)).id, created.id);
      assert.equal(exchange.live().length, 1);
      assert.equal(fake.graph.calls('POST', /\/events$/).length, 1);
    });

    it('a timeout before the server made anything: GraphUnavailableError (the booking stays queued); the retry then books once', async () => {
      const slow = calendarWith({ timeoutMs: 300 });
      exchange.failNext('create', { hang: true });
      await assert.rejects(slow.createEvent(booking), (e: Error) => e instanceof GraphUnavailableError && /no answer within 300 ms/.test(e.message));
      assert.equal(exchange.live().length, 0);
      await slow.createEvent(booking);
      assert.equal(exchange.live().length, 1);
    });

    it('Graph refusing the create (403) is a GraphRequestError, not retried', async () => {
      exchange.failNext('create', { status: 403, body: { error: { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' } } });
      await assert.rejects(calendar.createEvent(booking), (e: Error) => e instanceof GraphRequestError && e.status === 403);
      assert.equal(fake.graph.calls('POST', /\/events$/).length, 1);
    });
  });

  describe('updateEvent', () => {
    it('PATCHes time, attendees and subject on the same event (never the transactionId)', async () => {
      const { id } = await calendar.createEvent(booking);
      const moved = await calendar.updateEvent({
        organiser: IRO,
        id,
        start: new Date('2027-01-19T13:00:00Z'),
        end: new Date('2027-01-19T14:30:00Z'),
        attendees: [{ email: 'samira.haddad@northmoor.example' }, { email: 'lorna.pike@northmoor.example', type: 'optional' }],
        subject: 'Resolve NBC-2026-0042: looked-after review (rearranged)',
      });
      assert.equal(moved.id, id);
      const [patch] = fake.graph.calls('PATCH', /\/events\/[^/]+$/);
      assert.equal(patch!.path, `/users/${IRO}/events/${id}`);
      assert.deepEqual(body(patch!), {
        subject: 'Resolve NBC-2026-0042: looked-after review (rearranged)',
        start: { dateTime: '2027-01-19T13:00:00.000', timeZone: 'UTC' },
        end: { dateTime: '2027-01-19T14:30:00.000', timeZone: 'UTC' },
        attendees: [
          { emailAddress: { address: 'samira.haddad@northmoor.example' }, type: 'required' },
          { emailAddress: { address: 'lorna.pike@northmoor.example' }, type: 'optional' },
        ],
      });
      const event = exchange.live()[0]!;
      assert.equal(event.start.dateTime, '2027-01-19T13:00:00.000');
      assert.deepEqual(event.attendees.map((a) => a.emailAddress.address), ['samira.haddad@northmoor.example', 'lorna.pike@northmoor.example']);
      const [samira] = await calendar.getSchedule({ schedules: ['samira.haddad@northmoor.example'], from: new Date('2027-01-11T00:00:00Z'), to: new Date('2027-01-25T00:00:00Z') });
      assert.deepEqual(samira!.busy.map((b) => b.start.toISOString()), ['2027-01-19T13:00:00.000Z'], 'busy at the new time only');
    });

    it('moving an online meeting replaces only the sentence of the body it names: the Teams join details stay, and so does the online meeting (Graph: preserve the meeting blob)', async () => {
      const when = 'Tuesday 12 January 2027, 10:00 to 11:30 (UK time)';
      const { id } = await calendar.createEvent({ ...booking, html: `<p>Review meeting NBC-2026-0042</p><p>${when}</p>` });
      assert.ok(exchange.live()[0]!.body.content.includes(meetingBlob(id)), 'Exchange added the join details');
      await calendar.updateEvent({
        organiser: IRO, id, start: new Date('2027-01-19T13:00:00Z'), end: new Date('2027-01-19T14:30:00Z'),
        // The first sentence given is not in the body (an earlier move's change never reached it): the next one is.
        bodyEdit: { from: ['Monday 11 January 2027, 10:00 to 11:30 (UK time)', when], to: 'Tuesday 19 January 2027, 13:00 to 14:30 (UK time)' },
      });
      const [read] = fake.graph.calls('GET', /\/events\/[^/]+$/);
      assert.equal(read!.headers.prefer, 'outlook.body-content-type="html"');
      const event = exchange.live()[0]!;
      assert.equal(event.isOnlineMeeting, true, 'still a Teams meeting');
      assert.equal(event.body.content, `<p>Review meeting NBC-2026-0042</p><p>Tuesday 19 January 2027, 13:00 to 14:30 (UK time)</p>${meetingBlob(id)}`);
      // Edited in Outlook since (the sentence is gone): the body is left as it is, and the meeting still moves.
      event.body = { contentType: 'html', content: `<p>Edited by hand.</p>${meetingBlob(id)}` };
      const kept = await calendar.updateEvent({
        organiser: IRO, id, start: new Date('2027-01-20T13:00:00Z'), end: new Date('2027-01-20T14:30:00Z'),
        bodyEdit: { from: ['Tuesday 19 January 2027, 13:00 to 14:30 (UK time)'], to: 'Wednesday 20 January 2027, 13:00 to 14:30 (UK time)' },
      });
      assert.equal(kept.bodyLeftAsItWas, true, 'says the body was left as it was');
      const last = fake.graph.calls('PATCH', /\/events\/[^/]+$/).at(-1)!;
      assert.ok(!('body' in body(last)), 'no body sent');
      assert.equal(exchange.live()[0]!.start.dateTime, '2027-01-20T13:00:00.000');
      assert.equal(exchange.live()[0]!.isOnlineMeeting, true);
    });

    it('a 503 is retried, then succeeds', async () => {
      const { id } = await calendar.createEvent(booking);
      exchange.failNext('update', { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'Service Unavailable' } } });
      await calendar.updateEvent({ organiser: IRO, id, start: new Date('2027-01-13T10:00:00Z'), end: new Date('2027-01-13T11:30:00Z') });
      assert.equal(fake.graph.calls('PATCH', /\/events\//).length, 2);
      assert.equal(exchange.live()[0]!.start.dateTime, '2027-01-13T10:00:00.000');
    });

    it('a 503 that lasts past the retry bound is GraphUnavailableError after 1 + maxRetries attempts; nothing changed', async () => {
      const { id } = await calendar.createEvent(booking);
      const bounded = calendarWith({ maxRetries: 2 });
      exchange.failNext('update', ...Array.from({ length: 3 }, () => ({ status: 503, headers: { 'Retry-After': '0' }, body: { error: { code: 'ServiceUnavailable', message: 'down' } } })));
      await assert.rejects(bounded.updateEvent({ organiser: IRO, id, start: new Date('2027-01-13T10:00:00Z'), end: new Date('2027-01-13T11:30:00Z') }), (e: Error) => e instanceof GraphUnavailableError && e.status === 503);
      assert.equal(fake.graph.calls('PATCH', /\/events\//).length, 3);
      assert.equal(exchange.live()[0]!.start.dateTime, '2027-01-12T10:00:00.000');
    });

    it('a start without an end, or an end before the start, is refused before any call', async () => {
      await assert.rejects(calendar.updateEvent({ organiser: IRO, id: 'x', start: booking.start }), (e: Error) => e instanceof InvalidInputError && e.field === 'end');
      await assert.rejects(calendar.updateEvent({ organiser: IRO, id: 'x', start: booking.end, end: booking.start }), /must be after the start/);
      assert.equal(fake.graph.requests.length, 0);
    });
  });

  describe('cancelEvent', () => {
    it('POSTs cancel with the comment (202); the meeting leaves every calendar; cancelling again is already-gone', async () => {
      const { id } = await calendar.createEvent(booking);
      const comment = 'Resolve NBC-2026-0042: this review is cancelled because the child has left care.';
      assert.deepEqual(await calendar.cancelEvent({ organiser: IRO, id, comment }), { id, via: 'graph', outcome: 'cancelled' });
      const [cancel] = fake.graph.calls('POST', /\/cancel$/);
      assert.equal(cancel!.path, `/users/${IRO}/events/${id}/cancel`);
      assert.deepEqual(body(cancel!), { comment });
      assert.equal(exchange.events.get(id)!.cancelComment, comment);
      assert.equal(exchange.live().length, 0);
      const [samira] = await calendar.getSchedule({ schedules: ['samira.haddad@northmoor.example'], from: new Date('2027-01-12T00:00:00Z'), to: new Date('2027-01-13T00:00:00Z') });
      assert.deepEqual(samira!.busy, []);
      assert.equal((await calendar.cancelEvent({ organiser: IRO, id, comment })).outcome, 'already-gone');
    });

    it('only the organiser can cancel: Graph’s 400 is a GraphRequestError', async () => {
      const { id } = await calendar.createEvent(booking);
      await assert.rejects(calendar.cancelEvent({ organiser: 'samira.haddad@northmoor.example', id, comment: 'Cancelled.' }), (e: Error) => e instanceof GraphRequestError && e.status === 400);
      assert.equal(exchange.live().length, 1);
    });

    it('an empty comment is refused', async () => {
      await assert.rejects(calendar.cancelEvent({ organiser: IRO, id: 'x', comment: ' ' }), /say why/);
    });
  });
});
