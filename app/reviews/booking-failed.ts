/**
 * Whoever booked a review is told when Outlook did not make its meeting (BookingFailed, recorded
 * by the delivery's failure hook, calendar-delivery.ts): a Teams card with "Find a time", and an
 * email, so that a review believed booked is not left unbooked until its statutory date passes.
 *
 * The messages are queued with the BookingFailed event, in its transaction, and go out in the
 * delivery pass after it. The Teams card is drawn from the series as it stands when it is
 * delivered: none is sent once the review has been booked again, held or ceased since. The email
 * is written when queued. Subjects, previews and texts carry the opaque reference only.
 */
import { z } from 'zod';
import { reviewBookingFailedCard, reviewBookingFailedCardPreview, type ReviewBookingFailedView } from '../../cards/index.js';
import { formatSlot } from '../../cards/review-cards.js';
import { REVIEW_KINDS, reviewSeriesDue, type FailedBooking, type ReviewKind, type ReviewSeriesEvent, type ReviewSeriesState } from '../../domain/reviews/index.js';
import { MAX_SUBJECT_LENGTH, opaqueSubjectOr } from '../../graph/privacy.js';
import type { StreamChange } from '../../store/command.js';
import type { Queryable } from '../../store/db.js';
import type { OutboxEffect } from '../../store/outbox.js';
import { EFFECT_KINDS, escapeHtml, type EmailContent, type EmailEffectPayload, type PersonalMessage, type TeamsEffectPayload } from '../delivery/messages.js';
import type { Composer } from '../delivery/transports.js';
import { loadReviewSeries, type ReviewStoreContext } from './model.js';

export const REVIEW_BOOKING_TOPIC = 'review-booking';

/** What the Teams effect asks the composer for: the series, and which booking failed. */
export interface ReviewBookingFailedRequest {
  readonly kind: ReviewKind;
  readonly reference: string;
  readonly transactionId: string;
}
export type ReviewBookingFailedPayload = TeamsEffectPayload<ReviewBookingFailedRequest>;

const payloadSchema = z.object({
  topic: z.literal(REVIEW_BOOKING_TOPIC),
  recipient: z.string().min(1),
  request: z.object({ kind: z.enum(REVIEW_KINDS), reference: z.string().min(1), transactionId: z.string().min(1) }),
});

export function parseReviewBookingFailedPayload(payload: unknown): ReviewBookingFailedPayload | undefined {
  const parsed = payloadSchema.safeParse(payload);
  return parsed.success ? parsed.data : undefined;
}

/** The message's one line: the opaque reference only. */
export function bookingFailedLine(reference: string): string {
  const line = `Resolve: review ${reference} is not booked: Outlook did not make the meeting`;
  return line.length <= MAX_SUBJECT_LENGTH ? line : `Resolve: review ${reference} is not booked`;
}

export function bookingFailedEmail(reference: string, failed: Pick<FailedBooking, 'start' | 'end'>): EmailContent {
  const line = bookingFailedLine(reference);
  // A reference that looks like a date or a postcode stays out of the subject (graph/privacy.ts), in the body only.
  const subject = opaqueSubjectOr(line, 'Resolve: a review is not booked: Outlook did not make the meeting');
  const when = `It was booked for ${formatSlot(new Date(failed.start), new Date(failed.end))}. Nobody was invited.`;
  const look = 'Open Resolve in Microsoft Teams, type "due" and choose a time to book it again.';
  return {
    subject,
    html: `<p>${escapeHtml(line)}.</p><p>${escapeHtml(when)}</p><p>${escapeHtml(look)}</p>`,
    text: `${line}.\n\n${when}\n\n${look}\n`,
  };
}

/**
 * One Teams message and one email to whoever booked, for each booking a BookingFailed event
 * undid: for the review model's `effectsOf`. Keyed by the booking, so a command run again queues
 * nothing twice.
 */
export function reviewBookingFailedEffects(change: StreamChange<ReviewSeriesState, ReviewSeriesEvent>, ctx: Pick<ReviewStoreContext, 'tenant'>): OutboxEffect[] {
  const failed = change.after.bookingFailed;
  // No BookingFailed here, or one that undid no booking (another booking is current): nobody needs telling.
  if (failed === null || !change.events.some((e) => e.type === 'BookingFailed' && e.transactionId === failed.transactionId)) return [];
  const { kind, reference } = change.after;
  const recipient = failed.bookedBy;
  const tenant = ctx.tenant ?? '';
  const base = `${REVIEW_BOOKING_TOPIC}:${failed.transactionId}/failed/${recipient}`;
  const teams: ReviewBookingFailedPayload = { topic: REVIEW_BOOKING_TOPIC, recipient, request: { kind, reference, transactionId: failed.transactionId } };
  const mail: EmailEffectPayload = { topic: REVIEW_BOOKING_TOPIC, recipient, email: bookingFailedEmail(reference, failed) };
  return [
    { idempotencyKey: base, destination: `teams:${recipient}`, tenant, kind: EFFECT_KINDS.teamsCard, payload: teams },
    { idempotencyKey: `${base}/email`, destination: `email:${recipient}`, tenant, kind: EFFECT_KINDS.email, payload: mail },
  ];
}

export function reviewBookingFailedView(state: ReviewSeriesState, failed: FailedBooking, ctx: Pick<ReviewStoreContext, 'calendar' | 'rules'>): ReviewBookingFailedView {
  const due = reviewSeriesDue(state, ctx);
  return {
    kind: state.kind, reference: state.reference, start: new Date(failed.start), end: new Date(failed.end), reason: failed.reason,
    ...(due !== null && { due: due.due }),
  };
}

export interface ReviewBookingComposerOptions extends Pick<ReviewStoreContext, 'calendar' | 'rules'> {
  readonly db: Queryable;
}

/** The outbox composer for booking-failed messages: nothing once that booking's failure is no longer the series' last word. */
export function createReviewBookingComposer(options: ReviewBookingComposerOptions): Composer {
  return async (effect): Promise<PersonalMessage | undefined> => {
    const payload = parseReviewBookingFailedPayload(effect.payload);
    if (payload === undefined) return undefined;
    const { recipient, request } = payload;
    const { state } = await loadReviewSeries(options.db, request.kind, request.reference);
    const failed = state?.bookingFailed;
    if (state === undefined || failed === null || failed === undefined || failed.transactionId !== request.transactionId) return undefined;
    return {
      recipientId: recipient,
      card: reviewBookingFailedCard(reviewBookingFailedView(state, failed, options)),
      preview: reviewBookingFailedCardPreview(state),
      text: `${bookingFailedLine(state.reference)}.`,
    };
  };
}
