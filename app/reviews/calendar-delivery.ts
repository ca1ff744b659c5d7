/**
 * What delivery learns of a review's meeting comes back to its series (issue 9, DOMAIN §4.2), in
 * the transaction that settles the delivery: a create delivered records `confirm-booking` with the
 * meeting's event id; a create Outlook refused records `booking-failed`. And for the transports,
 * the calendar event an update or cancel is for.
 */
import { EFFECT_KINDS, parseReceipt } from '../delivery/messages.js';
import type { CalendarEventLookup } from '../delivery/transports.js';
import type { ReviewSeriesCommand, ReviewSeriesEvent, ReviewSeriesState } from '../../domain/reviews/index.js';
import type { Clock } from '../../store/clock.js';
import { handleCommandIn, type StreamModel } from '../../store/command.js';
import type { Queryable, Tx } from '../../store/db.js';
import { findEffect, type DeliveryFailure, type OutboxRecord } from '../../store/outbox.js';
import { loadReviewStream, REVIEW_TOPIC, reviewSeriesModel, type ReviewStoreContext } from './model.js';

/** Who the delivery hooks record as the actor of `confirm-booking` and `booking-failed`. */
export const CALENDAR_DELIVERY_ACTOR = 'calendar-delivery';

interface ReviewEffectPayload {
  readonly topic: string;
  readonly stream: string;
  readonly booking?: string;
}

function reviewPayload(payload: unknown): ReviewEffectPayload | undefined {
  const p = payload as Partial<ReviewEffectPayload> | null;
  if (p?.topic !== REVIEW_TOPIC || typeof p.stream !== 'string') return undefined;
  return { topic: p.topic, stream: p.stream, ...(typeof p.booking === 'string' && { booking: p.booking }) };
}

/** What delivery asks of a series, made from the series as it stands under the stream's lock; undefined for nothing. */
type DeliveryCommand = (state: ReviewSeriesState) => ReviewSeriesCommand | undefined;

/** The series model for what delivery learns: the command is made, then decided, from the series as it stands under its lock. */
function deliveryCommandModel(ctx: ReviewStoreContext): StreamModel<ReviewSeriesState, DeliveryCommand, ReviewSeriesEvent> {
  const { decide, ...rest } = reviewSeriesModel(ctx);
  return {
    ...rest,
    decide(state, commandFor, now) {
      const command = state === undefined ? undefined : commandFor(state);
      return command === undefined ? { ok: true, events: [] } : decide(state, command, now);
    },
  };
}

const byDelivery = (state: ReviewSeriesState) => ({ kind: state.kind, reference: state.reference, actor: CALENDAR_DELIVERY_ACTOR });

/**
 * The outbox's delivery hook for review series: a delivered calendar.create whose receipt names
 * the event records `confirm-booking` on the series, in the delivery's transaction. Only while
 * the series' booking is still the one that create was for (a booking cancelled and made again
 * before its first create went out keeps its own meeting).
 */
export function reviewDeliveryRecorder(ctx: ReviewStoreContext, clock: Clock): (tx: Tx, effect: OutboxRecord, receipt: string | undefined) => Promise<void> {
  const model = deliveryCommandModel(ctx);
  return async (tx, effect, receipt) => {
    if (effect.kind !== EFFECT_KINDS.calendarCreate) return;
    const payload = reviewPayload(effect.payload);
    const landed = parseReceipt(receipt);
    if (payload === undefined || landed?.channel !== 'calendar') return;
    const confirm: DeliveryCommand = (state) =>
      state.booking?.transactionId === effect.idempotencyKey ? { type: 'confirm-booking', ...byDelivery(state), graphEventId: landed.eventId } : undefined;
    await handleCommandIn(tx, model, payload.stream, confirm, clock.now());
  };
}

/**
 * The outbox's failure hook for review series: a calendar.create the calendar refused, with no
 * attempt that may have reached it, records `booking-failed` on the series, in the failure's
 * transaction, so the review is no longer shown as booked and can be booked again. Only while the
 * series' booking is still that create's and no meeting is known for it (the domain decides).
 *
 * A create whose attempts ran out, or one with an attempt that may have been made (a timeout, an
 * interrupted delivery), may have made the meeting after all: undoing the booking then would
 * leave a meeting nobody can move or cancel, and booking again would invite everyone twice. Such
 * a booking stays as it is (queued for Outlook), for the calendar to be checked.
 * The reason kept is the outbox's record, never a message from the calendar service.
 */
export function reviewFailureRecorder(ctx: ReviewStoreContext, clock: Clock): (tx: Tx, effect: OutboxRecord, failure: DeliveryFailure) => Promise<void> {
  const model = deliveryCommandModel(ctx);
  return async (tx, effect, failure) => {
    if (effect.kind !== EFFECT_KINDS.calendarCreate || !failure.refused || failure.ambiguousAttempts > 0) return;
    const payload = reviewPayload(effect.payload);
    if (payload === undefined) return;
    const reason = failure.error.trim().slice(0, 500) || 'the calendar refused the meeting';
    const failed: DeliveryCommand = (state) => ({ type: 'booking-failed', ...byDelivery(state), transactionId: effect.idempotencyKey, reason });
    await handleCommandIn(tx, model, payload.stream, failed, clock.now());
  };
}

/** The Graph event id recorded for the booking with this transaction id: the first BookingConfirmed after it was booked. */
function confirmedEventOf(events: readonly ReviewSeriesEvent[], transactionId: string): string | undefined {
  let booked = false;
  for (const event of events) {
    if (event.type === 'ReviewBooked') booked = event.transactionId === transactionId;
    else if (booked && event.type === 'BookingConfirmed') return event.graphEventId;
  }
  return undefined;
}

/**
 * For the transports' `calendarEvents[REVIEW_TOPIC]`: the calendar event a review effect is for.
 * The series' confirmed event while the effect is about its current booking; for a booking since
 * replaced (cancelled before its create was recorded), the event id its create's receipt names.
 * Undefined while the create has not been delivered yet: the transport tries again later.
 */
export function reviewCalendarEvents(db: Queryable): (stream: string, effect: OutboxRecord) => Promise<CalendarEventLookup> {
  return async (stream, effect) => {
    const booking = reviewPayload(effect.payload)?.booking;
    const { state, records } = await loadReviewStream(db, stream);
    const current = state?.booking;
    if (current !== undefined && current !== null && current.graphEventId !== null && (booking === undefined || current.transactionId === booking)) return current.graphEventId;
    if (booking === undefined) return undefined;
    // A booking the series no longer holds (cancelled): its event id is on the series, recorded when its create landed.
    const recorded = confirmedEventOf(records.map((r) => r.event), booking);
    if (recorded !== undefined) return recorded;
    const create = await findEffect(db, booking);
    // Its create failed for good: no event will ever be known, so the change cannot be made (and must not hold back the series' later effects).
    if (create?.status === 'failed') return { never: 'its meeting was never made in the calendar (the booking\'s create failed)' };
    if (create === undefined || create.status !== 'delivered') return undefined;
    const receipt = parseReceipt(create.receipt);
    return receipt?.channel === 'calendar' ? receipt.eventId : undefined;
  };
}
