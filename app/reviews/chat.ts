/**
 * Reviews in chat: what the bot answers an administrator or a reviewing officer with. "due" lists
 * the reviews falling due as a card; "Find times" offers the best slots; a slot books the meeting
 * in Outlook through the outbox; the booked card rearranges (a reason from the fixed list) or
 * cancels. "add review" opens the register form. Every answer is a card or a short message that
 * says what is wrong and how to put it right; card data is parsed, never trusted.
 */
import {
  VERBS, parseReviewAction, reviewBookedCard, reviewRecordForm, reviewsDueCard, reviewSlotsCard,
  type ReviewActionData, type ReviewBookedView, type ReviewDueItemView, type ReviewRecordFormView, type ReviewSlotsView,
} from '../../cards/index.js';
import type { Choice } from '../../cards/inputs.js';
import type { WorkingCalendar } from '../../domain/calendar/index.js';
import {
  CANCELLATION_NOTICES, CANCELLATION_REASON_LABELS, CANCELLATION_REASONS, REARRANGEMENT_REASON_LABELS, REARRANGEMENT_REASONS, isEmailAddress, normaliseEmail, type ReviewKind } from '../../domain/reviews/index.js';
import type { Directory } from '../../graph/directory/index.js';
import { OFFICER_ROLES } from '../../graph/directory/types.js';
import type { Clock } from '../../store/clock.js';
import type { Logger } from '../log.js';
import type { Reply } from '../replies.js';
import type { BookingRefusal, ReviewDescription, SlotsFound } from './booking.js';
import type { ReviewFlows } from './flows.js';
import { handleReviewCommand, type ReviewStoreOptions } from './model.js';
import { markReviewTaskDone } from './tasks.js';

/** The reviews the bot carries, as `bot/` sees them. */
export interface ReviewChatFlows {
  /** "due": the reviews falling due, soonest first. */
  due(actorId: string): Promise<Reply>;
  /** "add review": the register form. */
  recordForm(actorId: string): Promise<Reply>;
  /** A click on a review card (its verb already known to be a review verb). */
  act(actorId: string, verb: string, data: unknown): Promise<Reply>;
}

export interface ReviewChatOptions {
  readonly flows: ReviewFlows;
  readonly store: ReviewStoreOptions;
  readonly directory: Directory;
  readonly clock: Clock;
  readonly calendar: WorkingCalendar;
  readonly logger: Logger;
  /** How far ahead "due" looks. */
  readonly withinDays?: number;
}

const DUE_WINDOW_DAYS = 60;
const DUE_SHOWN = 15;

const ORDINAL_LABEL: Readonly<Record<string, string>> = {
  initial: 'Initial review', 'placement-change': 'Review after a placement change', second: 'Second review', subsequent: 'Review',
  first: 'First review', annual: 'Annual review', 'significant-incident': 'Review after a significant incident',
};
const reviewLabel = (review: string) => ORDINAL_LABEL[review] ?? 'Review';

const REASON_CHOICES: readonly Choice[] = REARRANGEMENT_REASONS.map((value) => ({ value, title: REARRANGEMENT_REASON_LABELS[value] }));
const CANCEL_CHOICES: readonly Choice[] = CANCELLATION_REASONS.map((value) => ({ value, title: CANCELLATION_REASON_LABELS[value] }));

const refusal = (r: BookingRefusal): Reply => ({ message: r.message });

export function createReviewChat(options: ReviewChatOptions): ReviewChatFlows {
  const { flows, directory, clock, logger, calendar } = options;
  const withinDays = options.withinDays ?? DUE_WINDOW_DAYS;

  async function due(actorId: string): Promise<Reply> {
    const outcome = await flows.due(actorId, { withinDays });
    if (!outcome.ok) return refusal(outcome);
    const today = calendar.localDateOf(clock.now());
    const items: ReviewDueItemView[] = outcome.reviews.slice(0, DUE_SHOWN).map((r) => ({
      reference: r.reference, kind: r.kind, reviewLabel: reviewLabel(r.review), due: r.due, latestMeetingDate: r.latestMeetingDate, rule: r.rule,
      overdue: r.due < today,
      ...(r.booked !== null && { booked: { start: new Date(r.booked.start), end: new Date(r.booked.end) } }),
      ...(r.bookingFailed && { bookingFailed: true }),
    }));
    const canBook = (await flows.mayBook(actorId)) === undefined;
    return { card: reviewsDueCard({ items, withinDays, more: Math.max(0, outcome.reviews.length - DUE_SHOWN), canBook }) };
  }

  function slotsView(found: SlotsFound, rearrange?: { reasonCode: string; reasonText: string }): ReviewSlotsView {
    const search = found.search;
    const slots = search.outcome === 'none'
      ? search.fallback.map((s) => ({ start: s.start, end: s.end, missing: [...s.missingRequired, ...s.missingOptional] }))
      : search.slots.map((s) => ({ start: s.start, end: s.end, missing: [...s.missingOptional] }));
    const unknown = found.unknownSchedules.length > 0
      ? `Resolve could not read the calendars of ${found.unknownSchedules.map((a) => a.name).join(', ')}: check with them before booking.`
      : undefined;
    const failed = found.lastBookingFailed ? 'Outlook did not make the meeting for the last booking, so this review is not booked: choose a time to book it again.' : undefined;
    const explanation = [failed, search.outcome === 'everyone-free' ? undefined : search.explanation, unknown].filter((s): s is string => s !== undefined).join(' ');
    const late = found.late ? { late: true } : {};
    return {
      reference: found.reference, kind: found.kind, reviewLabel: reviewLabel(found.due.review), due: found.due.due, latestMeetingDate: found.due.latestMeetingDate,
      rule: found.due.rule, outcome: search.outcome, slots, ...late, version: found.version,
      ...(explanation !== '' && { explanation }),
      attendees: found.attendees.map((a) => ({ name: a.name, required: a.required })),
      ...(rearrange !== undefined && { rearrange }),
    };
  }

  function bookedView(key: { reference: string; kind: ReviewKind }, meeting: { start: string; end: string; organiser: string; attendees: readonly string[] }, status: ReviewBookedView['status'], due: string, review: string, note?: string): ReviewBookedView {
    return {
      ...key, reviewLabel: reviewLabel(review), due, start: new Date(meeting.start), end: new Date(meeting.end), organiser: meeting.organiser,
      attendees: meeting.attendees, status, reasons: REASON_CHOICES, cancelReasons: CANCEL_CHOICES, ...(note !== undefined && { note }),
    };
  }

  /**
   * The due facts, calendar and invitees a booked card shows, from the series (no free/busy). The
   * change is saved by then: if the look fails (the directory unreachable), the card is drawn with
   * what is known, never an error that would claim nothing was changed.
   */
  async function describe(actorId: string, key: { reference: string; kind: ReviewKind }): Promise<ReviewDescription | BookingRefusal> {
    try {
      return await flows.describeReview(actorId, key);
    } catch (error) {
      logger.warn('review.card_lookup_failed', { reference: key.reference, kind: key.kind, error: error instanceof Error ? error.name : 'unknown' });
      return { ok: false, code: 'calendar-unavailable', message: 'The meeting is saved; its details could not be read back just now.' };
    }
  }

  async function recordForm(actorId: string, extra: Partial<ReviewRecordFormView> = {}): Promise<Reply> {
    const refused = await flows.mayBook(actorId);
    if (refused !== undefined) return refusal(refused);
    const people = await directory.people();
    const withRoles = await Promise.all(people.map(async (p) => ({ p, roles: await directory.rolesOf(p.id) })));
    const choose = (test: (roles: readonly string[]) => boolean): Choice[] =>
      withRoles.filter(({ roles }) => test(roles)).map(({ p }) => ({ value: p.id, title: p.jobTitle === undefined ? p.displayName : `${p.displayName}, ${p.jobTitle}` }))
        .sort((a, b) => a.title.localeCompare(b.title));
    return {
      card: reviewRecordForm({
        officers: choose((roles) => roles.some((r) => (OFFICER_ROLES as readonly string[]).includes(r))),
        workers: choose((roles) => roles.includes('social_worker') || roles.includes('supervising_social_worker')),
        ...extra,
      }),
    };
  }

  async function act(actorId: string, verb: string, data: unknown): Promise<Reply> {
    if (verb === VERBS.reviewTaskDone) return markReviewTaskDone({ ...options.store, directory, logger }, actorId, data);
    const parsed = parseReviewAction(verb, data);
    if (!parsed.ok) {
      if (verb === 'reviewRecordSubmit') return recordForm(actorId, { values: stringValues(data), fieldErrors: parsed.fieldErrors, formError: 'Some answers need another look: see below. Nothing was recorded.' });
      return { message: `${parsed.message} Nothing was changed.` };
    }
    const { action } = parsed;
    logger.info('review.action', { userId: actorId, verb: action.verb });
    switch (action.verb) {
      case 'reviewsDue':
        return due(actorId);
      case 'reviewRecordOpen':
        return recordForm(actorId);
      case 'reviewSlots': {
        const found = await flows.findSlots(actorId, { reference: action.data.reference, kind: action.data.kind, dropOptional: action.data.dropOptional });
        return found.ok ? { card: reviewSlotsCard(slotsView(found)) } : refusal(found);
      }
      case 'reviewRearrangeFind': {
        const found = await flows.findSlots(actorId, { reference: action.data.reference, kind: action.data.kind });
        return found.ok ? { card: reviewSlotsCard(slotsView(found, { reasonCode: action.data.rearrangeReason, reasonText: action.data.rearrangeText })) } : refusal(found);
      }
      case 'reviewBook': {
        const { reference, kind, start, end, version } = action.data;
        const booked = await flows.bookReview(actorId, { reference, kind, start, end, ...(version !== undefined && { expectedVersion: version }) });
        if (!booked.ok) return refusal(booked);
        const info = await describe(actorId, { reference, kind });
        const note = booked.outcome === 'already-booked' ? 'This time was booked already: nothing was changed.' : 'Booked.';
        const review = info.ok ? info.due : undefined;
        return {
          card: reviewBookedCard(bookedView({ reference, kind }, { start: booked.start, end: booked.end, organiser: booked.organiser, attendees: booked.attendees.map((a) => a.name) },
            booked.confirmed ? 'booked' : 'booking', review?.due ?? '', review?.review ?? 'subsequent', note)),
        };
      }
      case 'reviewRearrange': {
        const { reference, kind, start, end, rearrangeReason, rearrangeText } = action.data;
        const moved = await flows.rearrangeReview(actorId, { reference, kind, start, end, reasonCode: rearrangeReason, reasonText: rearrangeText });
        if (!moved.ok) return refusal(moved);
        const info = await describe(actorId, { reference, kind });
        const organiser = info.ok ? info.organiser : '';
        const attendees = info.ok ? info.attendees.map((a) => a.name) : [];
        const note = moved.outcome === 'unchanged' ? 'It was moved to this time already: nothing was changed.' : `Moved, because: ${REARRANGEMENT_REASON_LABELS[moved.reasonCode]}. Everyone invited gets the new time.`;
        return {
          card: reviewBookedCard(bookedView({ reference, kind }, { ...moved.to, organiser, attendees }, info.ok && info.booked?.confirmed === true ? 'booked' : 'booking',
            info.ok ? info.due.due : '', info.ok ? info.due.review : 'subsequent', note)),
        };
      }
      case 'reviewCancel': {
        const { reference, kind, cancelReason } = action.data;
        // The invitees are told the fixed, neutral notice for the reason chosen, nothing typed (DESIGN Privacy).
        const cancelled = await flows.cancelReview(actorId, { reference, kind, comment: CANCELLATION_NOTICES[cancelReason] });
        if (!cancelled.ok) return refusal(cancelled);
        const info = await describe(actorId, { reference, kind });
        return {
          card: reviewBookedCard(bookedView({ reference, kind }, { start: cancelled.start, end: cancelled.end, organiser: info.ok ? info.organiser : '', attendees: [] }, 'cancelled',
            info.ok ? info.due.due : '', info.ok ? info.due.review : 'subsequent', cancelled.outcome === 'already-cancelled' ? 'It was cancelled already: nothing was changed.' : undefined)),
        };
      }
      case 'reviewRecordSubmit':
        return submitRecord(actorId, action.data, data);
    }
  }

  async function submitRecord(actorId: string, form: ReviewActionData<'reviewRecordSubmit'>, raw: unknown): Promise<Reply> {
    const refused = await flows.mayBook(actorId);
    if (refused !== undefined) return refusal(refused);
    const values = stringValues(raw);
    const again = (fieldErrors: Record<string, string>, formError: string) => recordForm(actorId, { values, fieldErrors, formError });
    const invitees = (form.invitees ?? '').split(/[;,\s]+/).map((s) => s.trim()).filter((s) => s !== '');
    const bad = invitees.filter((e) => !isEmailAddress(e));
    if (bad.length > 0) return again({ invitees: `"${bad[0]!.slice(0, 60)}" is not an email address: give addresses separated by ;` }, 'Some answers need another look. Nothing was recorded.');
    for (const [field, id] of [['officerId', form.officerId], ['workerId', form.workerId]] as const) {
      if (id !== undefined && (await directory.person(id)) === undefined) return again({ [field]: 'This person is no longer in the directory: pick again from the list' }, 'Some answers need another look. Nothing was recorded.');
    }
    const held = form.event === 'review-held';
    const outcome = await handleReviewCommand(options.store, {
      type: 'record', kind: form.kind, reference: form.reference, actor: actorId,
      entries: [{
        fact: {
          event: form.event, date: form.date,
          ...(held && { participated: form.participated ?? null, aged4Plus: form.aged4Plus ?? null }),
          ...(form.lateReason !== undefined && { lateReason: form.lateReason }),
        },
        ...(form.officerId !== undefined && { officer: form.officerId }),
        ...(form.workerId !== undefined && { worker: form.workerId }),
        ...(invitees.length > 0 && { invitees: invitees.map(normaliseEmail) }),
      }],
    });
    if (!outcome.ok) {
      const field = 'field' in outcome.refusal && typeof outcome.refusal.field === 'string' ? outcome.refusal.field : undefined;
      return again(field === undefined ? {} : { [field]: outcome.refusal.message }, `${outcome.refusal.message} Nothing was recorded.`);
    }
    const added = outcome.records.length === 0 ? `${form.reference}: that was recorded already; nothing changed.` : `${form.reference}: recorded. Add the next, or type "due" to see what falls due.`;
    return recordForm(actorId, { recorded: added });
  }

  return { due, recordForm: (actorId) => recordForm(actorId), act };
}

/** The form's own answers, to fill it in again when it comes back with faults. */
function stringValues(data: unknown): Record<string, string> {
  if (typeof data !== 'object' || data === null) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) if (typeof v === 'string' && v.length <= 2000) out[k] = v;
  return out;
}
