/**
 * The review use cases the bot calls (issue 9): what is due, the best times for a review meeting,
 * booking, rearranging and cancelling it, each taking the acting person's Entra object id and
 * answering with plain data (the bot draws the cards). Plus the outbox's hooks for review calendar
 * effects. `bin/serve.ts` and the bot harness build it here, as they build `createCaseFlows`.
 */
import { InvalidInputError } from '../../domain/errors.js';
import { OFFICER_ROLES } from '../../graph/directory/types.js';
import type { DeliveryFailure, OutboxRecord } from '../../store/outbox.js';
import type { Tx } from '../../store/db.js';
import type { CalendarEventLookup } from '../delivery/transports.js';
import {
  createReviewBooking,
  type BookingRefusal, type BookOutcome, type BookRequest, type CancelOutcome, type CancelRequest, type RearrangeOutcome,
  type RearrangeRequest, type ReviewBookingOptions, type ReviewDescription, type SeriesKey, type SlotsOutcome, type SlotsRequest,
} from './booking.js';
import { reviewCalendarEvents, reviewDeliveryRecorder, reviewFailureRecorder } from './calendar-delivery.js';
import { dueReviews, type DueReview } from './due.js';

export type ReviewFlowOptions = ReviewBookingOptions;

export type DueOutcome =
  | {
    readonly ok: true;
    /** Soonest first. */
    readonly reviews: readonly DueReview[];
    /** True for business support (every series); false for an officer (the series they are recorded on). */
    readonly everyone: boolean;
  }
  | BookingRefusal;

export interface ReviewFlows {
  /** The reviews falling due (app/reviews/due.ts), soonest first: every series for business support, an officer's own for an officer. */
  due(actorId: string, query?: { readonly withinDays?: number }): Promise<DueOutcome>;
  /** The best times for the series' next review (or for moving it), for someone who may book. */
  findSlots(actorId: string, request: SlotsRequest): Promise<SlotsOutcome>;
  /** The series as the booked-meeting card shows it, without asking anyone's calendar. */
  describeReview(actorId: string, request: SeriesKey): Promise<ReviewDescription | BookingRefusal>;
  bookReview(actorId: string, request: BookRequest): Promise<BookOutcome>;
  rearrangeReview(actorId: string, request: RearrangeRequest): Promise<RearrangeOutcome>;
  cancelReview(actorId: string, request: CancelRequest): Promise<CancelOutcome>;
  /** Undefined when this person may book, rearrange and cancel reviews; otherwise the refusal to show. */
  mayBook(actorId: string): Promise<BookingRefusal | undefined>;
  /** The outbox hook: a delivered calendar.create records the meeting's event id on its series. */
  readonly recordDelivery: (tx: Tx, effect: OutboxRecord, receipt: string | undefined) => Promise<void>;
  /** The outbox hook: a calendar.create that failed for good records the booking as failed on its series (it may be booked again). */
  readonly recordFailure: (tx: Tx, effect: OutboxRecord, failure: DeliveryFailure) => Promise<void>;
  /** For the transports' `calendarEvents[REVIEW_TOPIC]`: the meeting a review calendar effect is for. */
  readonly calendarEvents: (stream: string, effect: OutboxRecord) => Promise<CalendarEventLookup>;
}

export function createReviewFlows(options: ReviewFlowOptions): ReviewFlows {
  const { db, clock, directory } = options;
  const booking = createReviewBooking(options);
  const store = { calendar: options.calendar, ...(options.rules !== undefined && { rules: options.rules }), ...(options.tenant !== undefined && { tenant: options.tenant }) };

  async function due(actorId: string, query: { readonly withinDays?: number } = {}): Promise<DueOutcome> {
    const roles = await directory.rolesOf(actorId);
    const everyone = roles.includes('business_support');
    if (!everyone && !roles.some((r) => OFFICER_ROLES.includes(r))) {
      return {
        ok: false, code: 'not-allowed',
        message: 'The reviews falling due are shown to business support and reviewing officers (IRO, FIRO, FRO), and the directory lists you as neither: '
          + 'ask your administrator to add you to the business support or reviewing officer role. Nothing was changed.',
      };
    }
    try {
      const reviews = await dueReviews(db, {
        now: clock.now(), timeZone: options.calendar.timeZone,
        ...(query.withinDays !== undefined && { withinDays: query.withinDays }),
        ...(!everyone && { person: actorId }),
      });
      return { ok: true, reviews, everyone };
    } catch (error) {
      if (error instanceof InvalidInputError) return { ok: false, code: 'invalid-command', message: `The ${error.message}. Nothing was changed.`, field: 'withinDays' };
      throw error;
    }
  }

  async function findSlots(actorId: string, request: SlotsRequest): Promise<SlotsOutcome> {
    return (await booking.mayActOn(actorId, request)) ?? booking.findSlots(request);
  }

  async function describeReview(actorId: string, request: SeriesKey): Promise<ReviewDescription | BookingRefusal> {
    return (await booking.mayActOn(actorId, request)) ?? booking.describeReview(request);
  }

  return {
    due,
    findSlots,
    describeReview,
    bookReview: booking.bookReview,
    rearrangeReview: booking.rearrangeReview,
    cancelReview: booking.cancelReview,
    mayBook: booking.mayBook,
    recordDelivery: reviewDeliveryRecorder(store, clock),
    recordFailure: reviewFailureRecorder(store, clock),
    calendarEvents: reviewCalendarEvents(db),
  };
}
