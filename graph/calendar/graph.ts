/**
 * The calendar in Microsoft 365, app-only. Graph's findMeetingTimes is delegated-only, so free/busy
 * comes from `POST /users/{mailbox}/calendar/getSchedule`, split to Graph's limits and merged.
 * Meetings are `POST /users/{organiser}/events`, `PATCH .../events/{id}` and
 * `POST .../events/{id}/cancel` with a comment.
 *
 * A create never makes two meetings. Each event carries Graph's `transactionId` (documented "to
 * avoid redundant POST operations in case of client retries") and, because Graph documents no
 * filter on transactionId, the same key in a single-value extended property, which Graph does
 * document a filter for: `GET /users/{id}/events?$filter=singleValueExtendedProperties/Any(ep:
 * ep/id eq '...' and ep/value eq '...')`. Every create looks for that event first, and looks
 * again when the POST got no answer (a timeout, or 429/5xx after the retries), since the event
 * may have been made all the same.
 *
 * 429 and 503 (and 504) are retried by the client's RetryHandler (graph/client.ts), which waits
 * for Retry-After and gives up after its bound; then the call fails with GraphUnavailableError.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { callGraph, GraphRequestError, GraphUnavailableError } from '../client.js';
import { escapeHtml } from '../html.js';
import { assertOpaqueSubject } from '../privacy.js';
import { instantOf, utcDateTime, type DateTimeTimeZone } from '../time.js';
import {
  applyBodyEdit,
  cancellationSchema,
  changeSchema,
  eventSchema,
  mergeAvailability,
  querySchema,
  splitScheduleQuery,
  validate,
  type Attendee,
  type Availability,
  type BodyEdit,
  type Calendar,
  type CreatedEvent,
  type FreeBusyStatus,
} from './types.js';

/** Resolve's own MAPI property set; the property holds the booking's transactionId. */
export const TRANSACTION_PROPERTY_ID = 'String {ea3bdb1c-2439-4878-80c0-fa4d8883aea0} Name ResolveTransactionId';

const STATUSES: Readonly<Record<string, FreeBusyStatus>> = {
  free: 'free',
  tentative: 'tentative',
  busy: 'busy',
  oof: 'oof',
  workingelsewhere: 'workingElsewhere',
};

interface GraphScheduleInformation {
  scheduleId: string;
  scheduleItems?: { status: string; start: DateTimeTimeZone; end: DateTimeTimeZone }[];
  error?: { message?: string; responseCode?: string };
}

interface GraphEvent {
  id: string;
  webLink?: string;
  onlineMeeting?: { joinUrl?: string } | null;
}

const odataString = (value: string) => `'${value.replace(/'/g, "''")}'`;
const graphAttendees = (list: readonly Attendee[]) => list.map((a) => ({ emailAddress: { address: a.email }, type: a.type ?? 'required' }));

function created(event: GraphEvent): CreatedEvent {
  const joinUrl = event.onlineMeeting?.joinUrl;
  return { id: event.id, via: 'graph', ...(event.webLink !== undefined && { webLink: event.webLink }), ...(joinUrl && { joinUrl }) };
}

export interface GraphCalendarOptions {
  readonly client: Client;
  /** The mailbox getSchedule is asked through (any licensed mailbox the app may read). */
  readonly mailbox: string;
}

export function createGraphCalendar(options: GraphCalendarOptions): Calendar {
  const { client, mailbox } = options;
  const events = (organiser: string) => `/users/${encodeURIComponent(organiser)}/events`;
  const event = (organiser: string, id: string) => `${events(organiser)}/${encodeURIComponent(id)}`;

  /** The event this booking already made, if any (the oldest, should there ever be two). */
  async function findBooking(organiser: string, transactionId: string): Promise<CreatedEvent | undefined> {
    const filter = `singleValueExtendedProperties/Any(ep: ep/id eq ${odataString(TRANSACTION_PROPERTY_ID)} and ep/value eq ${odataString(transactionId)})`;
    const found = await callGraph('looking for an event already booked', () =>
      client.api(events(organiser)).filter(encodeURIComponent(filter)).select(['id', 'webLink', 'onlineMeeting', 'createdDateTime']).top(5).get() as Promise<{
        value: (GraphEvent & { createdDateTime?: string })[];
      }>,
    );
    const oldest = [...found.value].sort((a, b) => (a.createdDateTime ?? '').localeCompare(b.createdDateTime ?? ''))[0];
    return oldest && created(oldest);
  }

  /**
   * The event's body as Exchange holds it, with `edit.from` replaced by `edit.to` and everything
   * else (an online meeting's join details) kept; undefined when there is nothing to replace.
   */
  async function editedBody(organiser: string, id: string, edit: BodyEdit): Promise<{ contentType: string; content: string } | undefined> {
    const held = await callGraph('reading a calendar event', () =>
      client.api(event(organiser, id)).header('Prefer', 'outlook.body-content-type="html"').select('body').get() as Promise<{ body?: { contentType?: string; content?: string } }>,
    );
    const content = held.body?.content ?? '';
    const isHtml = (held.body?.contentType ?? 'html').toLowerCase() === 'html';
    const edited = applyBodyEdit(content, edit, isHtml ? escapeHtml : undefined);
    return edited === undefined ? undefined : { contentType: isHtml ? 'HTML' : 'Text', content: edited };
  }

  return {
    async getSchedule(query) {
      validate(querySchema, query, 'free/busy question');
      const answers: Availability[] = [];
      for (const part of splitScheduleQuery(query)) {
        const result = await callGraph('reading free/busy', () =>
          client
            .api(`/users/${encodeURIComponent(mailbox)}/calendar/getSchedule`)
            .header('Prefer', 'outlook.timezone="UTC"')
            .post({ schedules: part.schedules, startTime: utcDateTime(part.from), endTime: utcDateTime(part.to), availabilityViewInterval: part.intervalMinutes ?? 30 }) as Promise<{
            value: GraphScheduleInformation[];
          }>,
        );
        for (const info of result.value) {
          answers.push({
            schedule: info.scheduleId,
            busy: (info.scheduleItems ?? [])
              .map((item) => ({ start: instantOf(item.start), end: instantOf(item.end), status: STATUSES[item.status.toLowerCase()] ?? 'unknown' }))
              .filter((item) => item.status !== 'free'),
            ...(info.error && { error: info.error.message ?? info.error.responseCode ?? 'unreadable schedule' }),
          });
        }
      }
      return mergeAvailability(query, answers);
    },

    async createEvent(request) {
      validate(eventSchema, request, 'calendar event');
      assertOpaqueSubject(request.subject, 'event subject');
      const already = await findBooking(request.organiser, request.transactionId);
      if (already) return already;
      const online = request.onlineMeeting ?? true;
      const body = {
        subject: request.subject,
        body: { contentType: 'HTML', content: request.html },
        start: utcDateTime(request.start),
        end: utcDateTime(request.end),
        attendees: graphAttendees(request.attendees),
        ...(request.location !== undefined && { location: { displayName: request.location } }),
        ...(online && { isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' }),
        // Invitees may be birth parents, carers and other agencies: none sees who else is invited, and
        // nobody proposes a new time outside Resolve, which keeps the register and the statutory date.
        allowNewTimeProposals: false,
        hideAttendees: true,
        transactionId: request.transactionId,
        singleValueExtendedProperties: [{ id: TRANSACTION_PROPERTY_ID, value: request.transactionId }],
      };
      try {
        return created(await callGraph('creating a calendar event', () => client.api(events(request.organiser)).post(body) as Promise<GraphEvent>));
      } catch (error) {
        if (!(error instanceof GraphUnavailableError)) throw error;
        // No answer is not "not made": look before anyone creates it again.
        const landed = await findBooking(request.organiser, request.transactionId).catch(() => undefined);
        if (landed) return landed;
        throw error;
      }
    },

    async updateEvent(change) {
      validate(changeSchema, change, 'calendar change');
      if (change.subject !== undefined) assertOpaqueSubject(change.subject, 'event subject');
      const edited = change.bodyEdit === undefined ? undefined : await editedBody(change.organiser, change.id, change.bodyEdit);
      const body = {
        ...(change.subject !== undefined && { subject: change.subject }),
        ...(edited !== undefined && { body: edited }),
        ...(change.start !== undefined && { start: utcDateTime(change.start) }),
        ...(change.end !== undefined && { end: utcDateTime(change.end) }),
        ...(change.attendees !== undefined && { attendees: graphAttendees(change.attendees) }),
        ...(change.location !== undefined && { location: { displayName: change.location } }),
      };
      const updated = await callGraph('moving a calendar event', () => client.api(event(change.organiser, change.id)).patch(body) as Promise<GraphEvent>);
      return {
        id: updated.id, via: 'graph', ...(updated.webLink !== undefined && { webLink: updated.webLink }),
        ...(change.bodyEdit !== undefined && edited === undefined && { bodyLeftAsItWas: true as const }),
      };
    },

    async cancelEvent(cancellation) {
      validate(cancellationSchema, cancellation, 'cancellation');
      try {
        await callGraph('cancelling a calendar event', () => client.api(`${event(cancellation.organiser, cancellation.id)}/cancel`).post({ comment: cancellation.comment }) as Promise<unknown>);
        return { id: cancellation.id, via: 'graph', outcome: 'cancelled' };
      } catch (error) {
        // Cancelled already (a retry after a lost answer) or deleted by hand: nothing left to cancel.
        if (error instanceof GraphRequestError && error.status === 404) return { id: cancellation.id, via: 'graph', outcome: 'already-gone' };
        throw error;
      }
    },
  };
}
