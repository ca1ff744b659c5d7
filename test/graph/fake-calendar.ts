/**
 * A fake Exchange calendar behind the fake Graph (fake-graph.ts), speaking the documented shapes:
 *
 *   POST  /users/{id}/calendar/getSchedule     scheduleInformation per schedule; refuses more than
 *                                              20 schedules or a period of 62 days or more
 *   POST  /users/{id}/events                   201 with the event (id, webLink, onlineMeeting)
 *   GET   /users/{id}/events?$filter=singleValueExtendedProperties/Any(ep: ep/id eq '..' and ep/value eq '..')
 *   GET   /users/{id}/events/{id}              200 with the event ($select honoured for body)
 *   PATCH /users/{id}/events/{id}              200 with the event; transactionId cannot change
 *
 * As Exchange does, an online meeting's body gets a meeting blob (the join details) appended at
 * creation, and a PATCH whose body leaves the blob out turns the online meeting off.
 *   POST  /users/{id}/events/{id}/cancel       202, no body; the event leaves the calendar
 *
 * It is stricter than Graph in one way: it does not honour `transactionId` itself, so a second
 * POST makes a second event, and a test proves the adapter never sends one. Faults are queued
 * per route: an HTTP answer instead of the real one, or "apply, then never answer" (a timeout
 * after the server has done the work).
 */
import { TZDate } from '@date-fns/tz';
import type { FakeGraph, FakeReply, RecordedRequest } from './fake-graph.js';

interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export interface FakeEvent {
  id: string;
  organiser: string;
  subject: string;
  body: { contentType: string; content: string };
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
  attendees: { emailAddress: { address: string }; type: string }[];
  location?: { displayName: string };
  isOnlineMeeting: boolean;
  onlineMeetingProvider?: string;
  transactionId?: string;
  singleValueExtendedProperties: { id: string; value: string }[];
  createdDateTime: string;
  cancelled: boolean;
  cancelComment?: string;
}

export interface BusyItem {
  start: Date;
  end: Date;
  status: 'busy' | 'tentative' | 'oof' | 'workingElsewhere' | 'free';
}

type Route = 'getSchedule' | 'create' | 'list' | 'get' | 'update' | 'cancel';
/** An answer in place of the real one, or `afterApply: 'hang'`: do the work, then never answer. */
export type Fault = FakeReply | { readonly afterApply: 'hang' };

const DAY = 86_400_000;
const WINDOWS: Readonly<Record<string, string>> = { 'GMT Standard Time': 'Europe/London', UTC: 'UTC' };

function parseDateTime(value: DateTimeTimeZone): Date {
  const zone = WINDOWS[value.timeZone] ?? value.timeZone;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(value.dateTime);
  if (!m) throw new Error(`bad dateTime ${value.dateTime}`);
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return new Date(new TZDate(y, mo - 1, d, h, mi, s, zone).getTime());
}

/** A Graph dateTimeTimeZone in `zone` (Windows or IANA), with Graph's seven fraction digits. */
function formatDateTime(at: Date, zone: string): DateTimeTimeZone {
  const local = new TZDate(at.getTime(), WINDOWS[zone] ?? zone);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return {
    dateTime: `${p(local.getFullYear(), 4)}-${p(local.getMonth() + 1)}-${p(local.getDate())}T${p(local.getHours())}:${p(local.getMinutes())}:${p(local.getSeconds())}.0000000`,
    timeZone: zone,
  };
}

const error = (status: number, code: string, message: string): FakeReply => ({ status, body: { error: { code, message } } });
/** The join details Exchange appends to an online meeting's body. */
export const meetingBlob = (id: string) =>
  `<div style="width:100%"><span>________________________________________________________________________________</span><div><span>Microsoft Teams meeting</span></div><a href="https://teams.microsoft.com/l/meetup-join/${id}">Join the meeting now</a></div>`;
const mailboxOf = (match: RegExpMatchArray) => decodeURIComponent(match[1]!).toLowerCase();
const VIEW: Readonly<Record<BusyItem['status'], number>> = { free: 0, workingElsewhere: 0, tentative: 1, busy: 2, oof: 3 };

export class FakeExchange {
  readonly events = new Map<string, FakeEvent>();
  /** Busy items in people's calendars that Resolve did not book. */
  readonly busy = new Map<string, BusyItem[]>();
  /** Addresses getSchedule cannot find (it answers with an error for them). */
  readonly unknown = new Set<string>();
  private readonly faults: Record<Route, Fault[]> = { getSchedule: [], create: [], list: [], get: [], update: [], cancel: [] };
  private created = 0;

  constructor(graph: FakeGraph) {
    graph.on('POST', /^\/users\/([^/]+)\/calendar\/getSchedule$/, (req) => this.guard('getSchedule', () => this.getSchedule(req)));
    graph.on('POST', /^\/users\/([^/]+)\/events$/, (req, m) => this.guard('create', () => this.create(req, m)));
    graph.on('GET', /^\/users\/([^/]+)\/events$/, (req, m) => this.guard('list', () => this.list(req, m)));
    graph.on('GET', /^\/users\/([^/]+)\/events\/([^/]+)$/, (req, m) => this.guard('get', () => this.get(req, m)));
    graph.on('PATCH', /^\/users\/([^/]+)\/events\/([^/]+)$/, (req, m) => this.guard('update', () => this.update(req, m)));
    graph.on('POST', /^\/users\/([^/]+)\/events\/([^/]+)\/cancel$/, (req, m) => this.guard('cancel', () => this.cancel(req, m)));
  }

  /** The next request to `route` meets `fault` instead (each queued fault is used once). */
  failNext(route: Route, ...faults: Fault[]): this {
    this.faults[route].push(...faults);
    return this;
  }

  /** Events still in their organisers' calendars. */
  live(): FakeEvent[] {
    return [...this.events.values()].filter((e) => !e.cancelled);
  }

  addBusy(person: string, ...items: BusyItem[]): this {
    this.busy.set(person.toLowerCase(), [...(this.busy.get(person.toLowerCase()) ?? []), ...items]);
    return this;
  }

  private guard(route: Route, run: () => FakeReply): FakeReply {
    const fault = this.faults[route].shift();
    if (fault === undefined) return run();
    if ('afterApply' in fault) {
      run();
      return { hang: true };
    }
    return fault;
  }

  private getSchedule(req: RecordedRequest): FakeReply {
    const body = req.body as { schedules?: string[]; startTime?: DateTimeTimeZone; endTime?: DateTimeTimeZone; availabilityViewInterval?: number };
    if (!body.schedules || !body.startTime || !body.endTime) return error(400, 'ErrorInvalidRequest', 'schedules, startTime and endTime are required');
    if (body.schedules.length > 20) return error(400, 'ErrorInvalidParameter', 'getSchedule supports up to 20 entities at once');
    const from = parseDateTime(body.startTime);
    const to = parseDateTime(body.endTime);
    if (to.getTime() - from.getTime() >= 62 * DAY) return error(400, 'ErrorInvalidParameter', 'The time period to look up must be less than 62 days');
    const interval = body.availabilityViewInterval ?? 30;
    if (!Number.isInteger(interval) || interval < 5 || interval > 1440) return error(400, 'ErrorInvalidParameter', 'availabilityViewInterval must be 5 to 1440');
    const zone = /outlook\.timezone="([^"]+)"/.exec(String(req.headers.prefer ?? ''))?.[1] ?? 'UTC';
    return {
      body: {
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)',
        value: body.schedules.map((schedule) => {
          const person = schedule.toLowerCase();
          if (this.unknown.has(person)) {
            return { scheduleId: schedule, availabilityView: '', scheduleItems: [], error: { message: 'The mailbox could not be found', responseCode: 'ErrorMailRecipientNotFound' } };
          }
          const booked = this.live()
            .filter((e) => e.organiser === person || e.attendees.some((a) => a.emailAddress.address.toLowerCase() === person))
            .map((e): BusyItem => ({ start: parseDateTime(e.start), end: parseDateTime(e.end), status: 'busy' }));
          const items = [...(this.busy.get(person) ?? []), ...booked].filter((i) => i.start < to && i.end > from).sort((a, b) => a.start.getTime() - b.start.getTime());
          let view = '';
          for (let t = from.getTime(); t < to.getTime(); t += interval * 60_000) {
            const slotEnd = t + interval * 60_000;
            view += String(Math.max(0, ...items.filter((i) => i.start.getTime() < slotEnd && i.end.getTime() > t).map((i) => VIEW[i.status])));
          }
          return {
            scheduleId: schedule,
            availabilityView: view,
            scheduleItems: items.map((i) => ({ isPrivate: false, status: i.status, start: formatDateTime(i.start, zone), end: formatDateTime(i.end, zone) })),
            workingHours: { daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], startTime: '09:00:00.0000000', endTime: '17:00:00.0000000', timeZone: { name: 'GMT Standard Time' } },
          };
        }),
      },
    };
  }

  private view(e: FakeEvent) {
    return {
      '@odata.etag': `W/"${e.id}"`,
      id: e.id,
      createdDateTime: e.createdDateTime,
      subject: e.subject,
      body: e.body,
      start: e.start,
      end: e.end,
      attendees: e.attendees.map((a) => ({ ...a, status: { response: 'none', time: '0001-01-01T00:00:00Z' } })),
      organizer: { emailAddress: { address: e.organiser } },
      ...(e.location && { location: e.location }),
      isOnlineMeeting: e.isOnlineMeeting,
      ...(e.onlineMeetingProvider && { onlineMeetingProvider: e.onlineMeetingProvider }),
      onlineMeeting: e.isOnlineMeeting ? { joinUrl: `https://teams.microsoft.com/l/meetup-join/${e.id}` } : null,
      isCancelled: e.cancelled,
      ...(e.transactionId && { transactionId: e.transactionId }),
      webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(e.id)}&exvsurl=1&path=/calendar/item`,
    };
  }

  private create(req: RecordedRequest, match: RegExpMatchArray): FakeReply {
    const body = req.body as Partial<FakeEvent> & { start?: DateTimeTimeZone; end?: DateTimeTimeZone };
    if (!body.start || !body.end || typeof body.subject !== 'string') return error(400, 'ErrorInvalidRequest', 'subject, start and end are required');
    if (body.onlineMeetingProvider !== undefined && !['teamsForBusiness', 'skypeForBusiness', 'skypeForConsumer'].includes(body.onlineMeetingProvider)) {
      return error(400, 'ErrorInvalidArgument', 'unknown onlineMeetingProvider');
    }
    this.created++;
    const event: FakeEvent = {
      id: `AAMkADfake${String(this.created).padStart(4, '0')}AAA=`,
      organiser: mailboxOf(match),
      subject: body.subject,
      body: body.body ?? { contentType: 'text', content: '' },
      start: body.start,
      end: body.end,
      attendees: body.attendees ?? [],
      ...(body.location && { location: body.location }),
      isOnlineMeeting: body.isOnlineMeeting === true,
      ...(body.onlineMeetingProvider && { onlineMeetingProvider: body.onlineMeetingProvider }),
      ...(body.transactionId && { transactionId: body.transactionId }),
      singleValueExtendedProperties: body.singleValueExtendedProperties ?? [],
      createdDateTime: new Date(Date.UTC(2026, 0, 1) + this.created * 1000).toISOString(),
      cancelled: false,
    };
    if (event.isOnlineMeeting) event.body = { contentType: 'html', content: `${event.body.content}${meetingBlob(event.id)}` };
    this.events.set(event.id, event);
    return { status: 201, body: this.view(event) };
  }

  private list(req: RecordedRequest, match: RegExpMatchArray): FakeReply {
    const organiser = mailboxOf(match);
    const filter = req.query.get('$filter');
    let mine = this.live().filter((e) => e.organiser === organiser);
    if (filter !== null) {
      // Only the documented filter on a string single-value extended property is understood.
      const m = /^singleValueExtendedProperties\/Any\(ep: ep\/id eq '((?:[^']|'')*)' and ep\/value eq '((?:[^']|'')*)'\)$/.exec(filter);
      if (!m) return error(400, 'ErrorInvalidUrlQueryFilter', `The fake does not understand $filter=${filter}`);
      const [id, value] = [m[1]!.replace(/''/g, "'"), m[2]!.replace(/''/g, "'")];
      mine = mine.filter((e) => e.singleValueExtendedProperties.some((p) => p.id === id && p.value.toLowerCase() === value.toLowerCase()));
    }
    const top = Number(req.query.get('$top') ?? '10');
    return { body: { value: mine.slice(0, top).map((e) => this.view(e)) } };
  }

  private update(req: RecordedRequest, match: RegExpMatchArray): FakeReply {
    const event = this.events.get(decodeURIComponent(match[2]!));
    if (!event || event.cancelled || event.organiser !== mailboxOf(match)) return error(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    const body = req.body as Partial<FakeEvent>;
    if ('transactionId' in body) return error(400, 'ErrorInvalidRequest', 'transactionId cannot be changed after the event is created');
    // A body written without the join details turns the online meeting off.
    if (body.body !== undefined && event.isOnlineMeeting && !body.body.content.includes(meetingBlob(event.id))) event.isOnlineMeeting = false;
    Object.assign(event, {
      ...(body.subject !== undefined && { subject: body.subject }),
      ...(body.body !== undefined && { body: body.body }),
      ...(body.start !== undefined && { start: body.start }),
      ...(body.end !== undefined && { end: body.end }),
      ...(body.attendees !== undefined && { attendees: body.attendees }),
      ...(body.location !== undefined && { location: body.location }),
    });
    return { body: this.view(event) };
  }

  private get(req: RecordedRequest, match: RegExpMatchArray): FakeReply {
    const event = this.events.get(decodeURIComponent(match[2]!));
    if (!event || event.cancelled || event.organiser !== mailboxOf(match)) return error(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    const view = this.view(event) as Record<string, unknown>;
    const select = req.query.get('$select');
    if (select === null) return { body: view };
    return { body: Object.fromEntries([['id', view.id], ...select.split(',').map((k) => [k, view[k]])]) };
  }

    private cancel(req: RecordedRequest, match: RegExpMatchArray): FakeReply {
    const event = this.events.get(decodeURIComponent(match[2]!));
    if (!event || event.cancelled) return error(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    if (event.organiser !== mailboxOf(match)) return error(400, 'ErrorAccessDenied', "Your request can't be completed. You need to be an organizer to cancel a meeting.");
    event.cancelled = true;
    const comment = (req.body as { comment?: string } | undefined)?.comment;
    if (comment !== undefined) event.cancelComment = comment;
    return { status: 202 };
  }
}
