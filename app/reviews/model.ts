/**
 * The review register on the store: the domain's decider wired into the store's one-transaction
 * command cycle, one stream per review series. A command loads the series' events, folds them,
 * decides, and appends the new events with the series' `review_due` row and the calendar effects
 * they cause (a booking, move or cancellation of the meeting) in the same transaction.
 *
 * Calendar effects of a series share one destination, `calendar:<stream>`, so its create, updates
 * and cancel are delivered in that order. The create's idempotency key is the booking's
 * transactionId, which the transport hands Graph as the event's transactionId: a retried create
 * never makes a second meeting.
 */
import { format } from 'date-fns';
import { TZDate } from '@date-fns/tz';
import type { WorkingCalendar } from '../../domain/calendar/index.js';
import {
  decideReviewSeries,
  evolveReviewSeries,
  foldReviewSeries,
  reviewSeriesDue,
  type ReviewDueRules,
  type ReviewKind,
  type ReviewSeriesCommand,
  type ReviewSeriesEvent,
  type ReviewSeriesState,
} from '../../domain/reviews/index.js';
import { opaqueSubjectOr } from '../../graph/privacy.js';
import type { Clock } from '../../store/clock.js';
import { handleCommand, type CommandOutcome, type StreamChange, type StreamModel } from '../../store/command.js';
import type { Db, Queryable } from '../../store/db.js';
import { readStream, type StreamRecord } from '../../store/events.js';
import type { OutboxEffect } from '../../store/outbox.js';
import { EFFECT_KINDS, escapeHtml, type CalendarCancelPayload, type CalendarCreatePayload, type CalendarUpdatePayload } from '../delivery/messages.js';
import { reviewBookingFailedEffects } from './booking-failed.js';
import { reviewTaskDeadlines, reviewTaskEffects } from './tasks.js';
import { reviewDueProjection, type ReviewDueRow } from './due.js';

export interface ReviewStoreContext {
  readonly calendar: WorkingCalendar;
  /** The authority's choices for the due-date calculators (`reviewDueRulesFor`). */
  readonly rules?: ReviewDueRules;
  /** The council's tenant id, for pacing deliveries per tenant. */
  readonly tenant?: string;
}

/** The topic review calendar effects carry (`calendarEvents[REVIEW_TOPIC]` finds their meeting). */
export const REVIEW_TOPIC = 'review';

/**
 * Which booking a calendar effect is about: its transactionId. An update or cancel queued for a
 * booking that was later replaced still reaches that booking's meeting.
 */
export interface ReviewCalendarTag {
  readonly booking: string;
}
export type ReviewCalendarCreate = CalendarCreatePayload & ReviewCalendarTag;
export type ReviewCalendarUpdate = CalendarUpdatePayload & ReviewCalendarTag;
export type ReviewCalendarCancel = CalendarCancelPayload & ReviewCalendarTag;

/** The destination every calendar effect of a series goes to, so they are delivered in order. */
export const reviewCalendarDestination = (streamId: string) => `calendar:${streamId}`;

/** What a review meeting's invitation says: the opaque reference and the logistics, nothing about the child. */
export interface ReviewMeetingText {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

const SUBJECT = 'Review meeting';

/** "Review meeting LCS-104233"; a reference that looks like a date or a postcode stays out of the subject (graph/privacy.ts) and is in the body only. */
export function reviewMeetingSubject(reference: string): string {
  return opaqueSubjectOr(`${SUBJECT} ${reference}`, SUBJECT);
}

/** The meeting's date and time in the authority's zone, e.g. "Monday 30 March 2026, 10:00 to 11:30 (UK time)". */
export function meetingWhen(start: Date, end: Date, timeZone: string): string {
  const from = new TZDate(start.getTime(), timeZone);
  const to = new TZDate(end.getTime(), timeZone);
  const sameDay = format(from, 'yyyy-MM-dd') === format(to, 'yyyy-MM-dd');
  const zone = timeZone === 'Europe/London' ? 'UK time' : timeZone;
  return `${format(from, 'EEEE d MMMM yyyy')}, ${format(from, 'HH:mm')} to ${sameDay ? '' : `${format(to, 'EEEE d MMMM yyyy')}, `}${format(to, 'HH:mm')} (${zone})`;
}

export function reviewMeetingText(reference: string, start: Date, end: Date, timeZone: string): ReviewMeetingText {
  const when = meetingWhen(start, end, timeZone);
  const join = 'Join on Microsoft Teams: the link is in this invitation.';
  return {
    subject: reviewMeetingSubject(reference),
    html: `<p>Review meeting ${escapeHtml(reference)}</p><p>${escapeHtml(when)}</p><p>${join}</p>`,
    text: `Review meeting ${reference}\n${when}\n${join}`,
  };
}

/** The booking's attendees for the calendar: the organiser left out (the meeting is in their calendar), invitees optional. */
function calendarAttendees(booking: NonNullable<ReviewSeriesState['booking']>, invitees: readonly string[]) {
  const organiser = booking.organiser.toLowerCase();
  const optional = new Set(invitees.map((i) => i.toLowerCase()));
  return booking.attendees
    .filter((a) => a.toLowerCase() !== organiser)
    .map((email) => ({ email, type: optional.has(email.toLowerCase()) ? ('optional' as const) : ('required' as const) }));
}

/**
 * The calendar effects of a series' new events: a booking creates the meeting, a rearrangement
 * moves it, a cancellation cancels it with the comment. One destination per series.
 */
export function reviewCalendarEffects(change: StreamChange<ReviewSeriesState, ReviewSeriesEvent>, ctx: Pick<ReviewStoreContext, 'calendar' | 'tenant'>): OutboxEffect[] {
  const destination = reviewCalendarDestination(change.streamId);
  const tenant = ctx.tenant ?? '';
  const effects: OutboxEffect[] = [];
  let state = change.before;
  change.events.forEach((event, i) => {
    const before = state;
    state = evolveReviewSeries(state, event);
    const version = change.version - change.events.length + i + 1;
    if (event.type === 'ReviewBooked' && state.booking !== null) {
      const { booking } = state;
      const payload: ReviewCalendarCreate = {
        topic: REVIEW_TOPIC, stream: change.streamId, booking: booking.transactionId,
        request: {
          organiser: booking.organiser,
          ...reviewMeetingText(state.reference, new Date(booking.start), new Date(booking.end), ctx.calendar.timeZone),
          start: booking.start, end: booking.end, attendees: calendarAttendees(booking, state.invitees), onlineMeeting: true,
        },
      };
      effects.push({ idempotencyKey: booking.transactionId, destination, tenant, kind: EFFECT_KINDS.calendarCreate, payload });
    } else if (event.type === 'ReviewRearranged' && state.booking !== null && before !== undefined && before.booking !== null) {
      const { booking } = state;
      // The invitation's sentence saying when, and only it: the rest of the body holds the Teams meeting's join details.
      // The time before this move first; then the earlier ones, should an earlier move's change not have reached the body.
      const when = (t: { readonly start: string; readonly end: string }) => meetingWhen(new Date(t.start), new Date(t.end), ctx.calendar.timeZone);
      const earlier = before.rearrangements.flatMap((r) => [r.to, r.from]).reverse();
      const bodyEdit = { from: [...new Set([before.booking, ...earlier].map(when))], to: when(booking) };
      const payload: ReviewCalendarUpdate = {
        topic: REVIEW_TOPIC, stream: change.streamId, booking: booking.transactionId,
        change: { organiser: booking.organiser, start: booking.start, end: booking.end, bodyEdit },
      };
      effects.push({ idempotencyKey: `${booking.transactionId}/moved/${version}`, destination, tenant, kind: EFFECT_KINDS.calendarUpdate, payload });
    } else if (event.type === 'ReviewCancelled' && before !== undefined && before.booking !== null) {
      const { booking } = before;
      const payload: ReviewCalendarCancel = { topic: REVIEW_TOPIC, stream: change.streamId, booking: booking.transactionId, organiser: booking.organiser, comment: event.comment };
      effects.push({ idempotencyKey: `${booking.transactionId}/cancelled/${version}`, destination, tenant, kind: EFFECT_KINDS.calendarCancel, payload });
    }
  });
  return effects;
}

export interface ReviewStoreOptions extends ReviewStoreContext {
  readonly db: Db;
  readonly clock: Clock;
  readonly maxAttempts?: number;
}

/** The stream a series lives in: its kind and reference, which never change. */
export function reviewSeriesStreamId(kind: ReviewKind, reference: string): string {
  return `review-series:${kind}:${reference.trim()}`;
}

/** The series' row in `review_due`, as the state stands. */
export function reviewDueRowOf(streamId: string, state: ReviewSeriesState, ctx: ReviewStoreContext): ReviewDueRow {
  const due = reviewSeriesDue(state, ctx);
  return {
    kind: state.kind,
    reference: state.reference,
    streamId,
    review: due?.review ?? null,
    due: due?.due ?? null,
    latestMeetingDate: due?.latestMeetingDate ?? null,
    rule: due?.rule ?? null,
    officer: state.officer,
    worker: state.worker,
    bookedStart: state.booking?.start ?? null,
    bookedEnd: state.booking?.end ?? null,
    bookingFailed: state.bookingFailed !== null,
    version: state.version,
    updatedAt: state.updatedAt,
  };
}

export function reviewSeriesModel(ctx: ReviewStoreContext): StreamModel<ReviewSeriesState, ReviewSeriesCommand, ReviewSeriesEvent> {
  return {
    evolve: evolveReviewSeries,
    decide: (state, command, now) => decideReviewSeries(state, command, { now, calendar: ctx.calendar, ...(ctx.rules !== undefined && { rules: ctx.rules }) }),
    // The work around each booked review: its reminders and chasers (app/reviews/tasks.ts).
    deadlinesOf: (state) => reviewTaskDeadlines(state, ctx),
    // ... and whoever booked is told if Outlook did not make the meeting (app/reviews/booking-failed.ts).
    effectsOf: (change) => [...reviewCalendarEffects(change, ctx), ...reviewTaskEffects(change, ctx), ...reviewBookingFailedEffects(change, ctx)],
    projectionsOf: (change) => [reviewDueProjection(reviewDueRowOf(change.streamId, change.after, ctx))],
  };
}

/** Runs a command on a review series in its own transaction. */
export function handleReviewCommand(options: ReviewStoreOptions, command: ReviewSeriesCommand): Promise<CommandOutcome<ReviewSeriesState, ReviewSeriesEvent>> {
  return handleCommand(options.db, reviewSeriesModel(options), reviewSeriesStreamId(command.kind, command.reference), command, {
    clock: options.clock,
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
  });
}

export async function loadReviewSeries(
  q: Queryable, kind: ReviewKind, reference: string,
): Promise<{ state: ReviewSeriesState | undefined; version: number; records: StreamRecord<ReviewSeriesEvent>[] }> {
  return loadReviewStream(q, reviewSeriesStreamId(kind, reference));
}

/** A series by its stream id (as calendar effects name it). */
export async function loadReviewStream(
  q: Queryable, streamId: string,
): Promise<{ state: ReviewSeriesState | undefined; version: number; records: StreamRecord<ReviewSeriesEvent>[] }> {
  const { version, records } = await readStream<ReviewSeriesEvent>(q, streamId);
  return { state: foldReviewSeries(records.map((r) => r.event)), version, records };
}
