/**
 * Review cards for administrators and reviewing officers: what is due, the slots to book, the
 * booked meeting (rearrange, cancel), and the form that adds to the review register. Opaque: the
 * case system's reference and dates only, never a child's or carer's name.
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { adaptiveCard, container, execute, factSet, heading, showCard, text, type AdaptiveCardJson, type CardElement } from './elements.js';
import { formatIsoDate } from './format.js';
import { choiceInput, dateInput, textInput, type Choice } from './inputs.js';
import { REVIEW_REFERENCE_PATTERN, REVIEW_VERBS } from './review-verbs.js';
import type { IsoDate } from './view-models.js';

export type ReviewKindName = 'looked-after' | 'foster-carer';

export interface ReviewKeyView {
  readonly reference: string;
  readonly kind: ReviewKindName;
}

export interface ReviewDueItemView extends ReviewKeyView {
  /** "Second review" */
  readonly reviewLabel: string;
  readonly due: IsoDate;
  readonly latestMeetingDate: IsoDate;
  /** The DOMAIN rule that sets the date, e.g. OX-R04. */
  readonly rule: string;
  /** The statutory date has passed with no review held. */
  readonly overdue: boolean;
  readonly booked?: { readonly start: Date; readonly end: Date };
  /** Outlook did not make the last booking's meeting. */
  readonly bookingFailed?: boolean;
}

export interface ReviewsDueView {
  readonly items: readonly ReviewDueItemView[];
  readonly withinDays: number;
  /** Reviews due in the window beyond those listed. */
  readonly more: number;
  /** The viewer may book (an administrator or a reviewing officer). */
  readonly canBook: boolean;
}

export interface ReviewSlotView {
  readonly start: Date;
  readonly end: Date;
  /** Who would miss it (names, or emails for people outside the council). */
  readonly missing: readonly string[];
}

export interface ReviewSlotsView extends ReviewKeyView {
  readonly reviewLabel: string;
  readonly due: IsoDate;
  readonly latestMeetingDate: IsoDate;
  readonly rule: string;
  readonly outcome: 'everyone-free' | 'optional-missing' | 'none';
  readonly slots: readonly ReviewSlotView[];
  /** Why the slots fall short, when they do. */
  readonly explanation?: string;
  readonly attendees: readonly { readonly name: string; readonly required: boolean }[];
  /** Picking a new time for a booked meeting, for this reason. */
  readonly rearrange?: { readonly reasonCode: string; readonly reasonText: string };
  /** The statutory date has passed: these are the soonest times, and the review will count as held late. */
  readonly late?: boolean;
  /** The series' version the times were found at, stamped on each Book button. */
  readonly version?: number;
}

export interface ReviewBookedView extends ReviewKeyView {
  readonly reviewLabel: string;
  readonly due: IsoDate;
  readonly start: Date;
  readonly end: Date;
  /** Whose calendar holds it. */
  readonly organiser: string;
  readonly attendees: readonly string[];
  /** booking: queued for Outlook; booked: in the organiser's calendar; cancelled. */
  readonly status: 'booking' | 'booked' | 'cancelled';
  /** What happened, in a sentence ("Booked.", "Moved: ..."). */
  readonly note?: string;
  readonly reasons: readonly Choice[];
  /** The fixed reasons a meeting is cancelled for. */
  readonly cancelReasons: readonly Choice[];
}

/** A booking whose meeting Outlook did not make: for whoever booked it. */
export interface ReviewBookingFailedView extends ReviewKeyView {
  /** The time it was booked for. */
  readonly start: Date;
  readonly end: Date;
  /** The statutory date the review is due by, when one is known. */
  readonly due?: IsoDate;
  /** The outbox's record of why (e.g. "calendar refused: GraphRequestError"), for IT; never a message from the calendar service. */
  readonly reason: string;
}

export interface ReviewRecordFormView {
  readonly officers: readonly Choice[];
  readonly workers: readonly Choice[];
  readonly values?: Readonly<Record<string, string>>;
  readonly fieldErrors?: Readonly<Record<string, string>>;
  readonly formError?: string;
  /** What was just recorded, when the form comes back empty for the next one. */
  readonly recorded?: string;
}

const KIND_LABEL: Readonly<Record<ReviewKindName, string>> = { 'looked-after': "Child's review", 'foster-carer': "Foster carer's review" };

function london(instant: Date): TZDate {
  return new TZDate(instant.getTime(), 'Europe/London');
}

/** "Tuesday 8 December 2026, 10:00 to 11:30" in London time. */
export function formatSlot(start: Date, end: Date): string {
  return `${format(london(start), 'EEEE d MMMM yyyy, HH:mm')} to ${format(london(end), 'HH:mm')}`;
}

const keyData = (view: ReviewKeyView) => ({ reference: view.reference, kind: view.kind });

// ---- what is due -------------------------------------------------------------------------------

export function reviewsDueCardPreview(view: ReviewsDueView): string {
  const n = view.items.length + view.more;
  return n === 0 ? `No reviews due in the next ${view.withinDays} days` : `${n} review${n === 1 ? '' : 's'} due in the next ${view.withinDays} days`;
}

function dueItem(item: ReviewDueItemView, canBook: boolean): CardElement {
  return container([
    text(`${item.reference} · ${KIND_LABEL[item.kind]}`, { weight: 'Bolder' }),
    text(item.overdue ? `${item.reviewLabel}: overdue` : item.reviewLabel, { spacing: 'None', color: item.overdue ? 'Attention' : 'Default' }),
    factSet([
      ['Statutory date', formatIsoDate(item.due)],
      ['Latest meeting date', formatIsoDate(item.latestMeetingDate)],
      ['Rule', item.rule],
      ['Booked', item.booked !== undefined ? formatSlot(item.booked.start, item.booked.end) : item.bookingFailed === true ? 'No: Outlook did not make the last booking' : 'Not yet'],
    ]),
    item.booked === undefined && item.bookingFailed === true && text('Outlook did not make the meeting last booked, and nobody was invited: choose a time to book it again.', { color: 'Attention', size: 'Small' }),
    canBook && item.booked === undefined && {
      type: 'ActionSet', actions: [execute('Find times', REVIEW_VERBS.reviewSlots, keyData(item), { style: 'positive', associatedInputs: 'none' })],
    },
  ], { separator: true });
}

export function reviewsDueCard(view: ReviewsDueView): AdaptiveCardJson {
  return adaptiveCard({
    fallbackText: reviewsDueCardPreview(view),
    body: [
      heading(`Reviews due in the next ${view.withinDays} days`),
      view.items.length === 0
        ? text('Nothing falls due in that time. Reviews already overdue are listed too, so none is overdue either.', { isSubtle: true })
        : text('Soonest first: the statutory date, the latest day a meeting can be held, and the rule that sets it.', { isSubtle: true, size: 'Small' }),
      ...view.items.map((item) => dueItem(item, view.canBook)),
      view.more > 0 && text(`${view.more} more fall due in that time: see them all with "resolve reviews due --within-days ${view.withinDays}".`, { isSubtle: true, size: 'Small' }),
    ],
    actions: [
      execute('Refresh', REVIEW_VERBS.reviewsDue, {}, { associatedInputs: 'none' }),
      view.canBook && execute('Add to the register', REVIEW_VERBS.reviewRecordOpen, {}, { associatedInputs: 'none' }),
    ],
  });
}

// ---- slots -------------------------------------------------------------------------------------

export function reviewSlotsCardPreview(view: ReviewSlotsView): string {
  return view.outcome === 'none' ? `No time found for review ${view.reference}` : `Times for review ${view.reference}`;
}

export function reviewSlotsCard(view: ReviewSlotsView): AdaptiveCardJson {
  const verb = view.rearrange === undefined ? REVIEW_VERBS.reviewBook : REVIEW_VERBS.reviewRearrange;
  const extra = view.rearrange === undefined
    ? { ...(view.version !== undefined && { version: view.version }) }
    : { rearrangeReason: view.rearrange.reasonCode, rearrangeText: view.rearrange.reasonText };
  const lead = view.late === true
    ? `Overdue: the statutory date was ${formatIsoDate(view.due)}. The soonest times${view.outcome === 'everyone-free' ? ', everyone free' : ''}; the review will count as held late:`
    : view.outcome === 'everyone-free'
    ? `The ${view.slots.length === 1 ? 'only time' : `${view.slots.length} best times`} everyone is free, on or before ${formatIsoDate(view.latestMeetingDate)}:`
    : view.outcome === 'optional-missing'
      ? 'No time suits everyone; these suit everyone required, and name who would miss them:'
      : 'No time suits everyone required before the statutory date.';
  return adaptiveCard({
    fallbackText: reviewSlotsCardPreview(view),
    body: [
      heading(`${view.rearrange === undefined ? 'Book' : 'Move'} review ${view.reference}`),
      factSet([
        ['Review', `${view.reviewLabel} (${KIND_LABEL[view.kind]})`],
        ['Statutory date', `${formatIsoDate(view.due)} (${view.rule})`],
        ['Required', view.attendees.filter((a) => a.required).map((a) => a.name).join(', ') || undefined],
        ['Optional', view.attendees.filter((a) => !a.required).map((a) => a.name).join(', ') || undefined],
      ]),
      text(lead, { weight: 'Bolder', color: view.late === true ? 'Attention' : view.outcome === 'everyone-free' ? 'Default' : 'Warning' }),
      view.explanation !== undefined && text(view.explanation, { isSubtle: true }),
      ...view.slots.map((slot) => container([
        text(formatSlot(slot.start, slot.end), { weight: 'Bolder' }),
        slot.missing.length > 0 && text(`Missing: ${slot.missing.join(', ')}`, { spacing: 'None', color: 'Warning', size: 'Small' }),
        {
          type: 'ActionSet',
          actions: [execute(view.rearrange === undefined ? 'Book this time' : 'Move to this time', verb, {
            ...keyData(view), start: slot.start.toISOString(), end: slot.end.toISOString(), ...extra,
          }, { style: 'positive', associatedInputs: 'none' })],
        },
      ], { separator: true })),
    ],
    actions: [execute('Back to what is due', REVIEW_VERBS.reviewsDue, {}, { associatedInputs: 'none' })],
  });
}

// ---- the booked meeting ------------------------------------------------------------------------

export function reviewBookedCardPreview(view: ReviewBookedView): string {
  return view.status === 'cancelled' ? `Review ${view.reference} cancelled` : `Review ${view.reference} booked`;
}

export function reviewBookedCard(view: ReviewBookedView): AdaptiveCardJson {
  const live = view.status !== 'cancelled';
  const status = { booking: 'Booking in Outlook: the invitations go out in a moment.', booked: 'Booked in Outlook, with a Teams meeting.', cancelled: 'Cancelled: everyone invited has been told.' }[view.status];
  return adaptiveCard({
    fallbackText: reviewBookedCardPreview(view),
    body: [
      heading(`Review ${view.reference}`),
      view.note !== undefined && text(view.note, { weight: 'Bolder' }),
      text(status, { color: live ? 'Good' : 'Attention' }),
      factSet([
        ['Review', `${view.reviewLabel} (${KIND_LABEL[view.kind]})`],
        ['When', formatSlot(view.start, view.end)],
        ['Statutory date', formatIsoDate(view.due)],
        ['Calendar', view.organiser],
        ['Invited', view.attendees.join(', ') || undefined],
      ]),
    ],
    actions: [
      live && showCard('Rearrange', [
        ...choiceInput({ id: 'rearrangeReason', label: 'Why it is moving', isRequired: true, errorMessage: 'Pick the reason', choices: view.reasons }),
        ...textInput({ id: 'rearrangeText', label: 'What happened', isRequired: true, isMultiline: true, maxLength: 2000, errorMessage: 'Say in a sentence why the review is moving' }),
        text('It can move only to a date on or before the statutory date; a review held late is recorded as late.', { isSubtle: true, size: 'Small' }),
      ], execute('Find new times', REVIEW_VERBS.reviewRearrangeFind, keyData(view))),
      live && showCard('Cancel the meeting', [
        ...choiceInput({ id: 'cancelReason', label: 'Why it is cancelled', isRequired: true, errorMessage: 'Pick the reason', choices: view.cancelReasons }),
        text('Everyone invited is told only that it is cancelled (and, if so, that it will be rearranged): never why in any detail.', { isSubtle: true, size: 'Small' }),
      ], execute('Cancel the meeting', REVIEW_VERBS.reviewCancel, keyData(view), { style: 'destructive' })),
      execute('Back to what is due', REVIEW_VERBS.reviewsDue, {}, { associatedInputs: 'none' }),
    ],
  });
}

// ---- a booking Outlook did not make -------------------------------------------------------------

export function reviewBookingFailedCardPreview(view: ReviewKeyView): string {
  return `Review ${view.reference} is not booked`;
}

export function reviewBookingFailedCard(view: ReviewBookingFailedView): AdaptiveCardJson {
  return adaptiveCard({
    fallbackText: `${reviewBookingFailedCardPreview(view)}: Outlook did not make the meeting. Choose a time to book it again.`,
    body: [
      heading(`Review ${view.reference}`),
      text('Outlook did not make the meeting, so this review is not booked.', { weight: 'Bolder', color: 'Attention' }),
      text('Nobody was invited. Choose a time to book it again.'),
      factSet([
        ['Review', KIND_LABEL[view.kind]],
        ['Was booked for', formatSlot(view.start, view.end)],
        ['Statutory date', view.due === undefined ? undefined : formatIsoDate(view.due)],
      ]),
      text(`Recorded reason, for IT: ${view.reason}`, { isSubtle: true, size: 'Small' }),
    ],
    actions: [
      execute('Find a time', REVIEW_VERBS.reviewSlots, keyData(view), { style: 'positive', associatedInputs: 'none' }),
      execute('Back to what is due', REVIEW_VERBS.reviewsDue, {}, { associatedInputs: 'none' }),
    ],
  });
}

// ---- the register form -------------------------------------------------------------------------

const EVENT_CHOICES: readonly Choice[] = [
  { title: 'Became looked after (child)', value: 'became-looked-after' },
  { title: 'Placement change (child)', value: 'placement-change' },
  { title: 'Review held', value: 'review-held' },
  { title: 'Review adjourned (child)', value: 'review-adjourned' },
  { title: 'Review postponed', value: 'review-postponed' },
  { title: 'Approved (foster carer)', value: 'approved' },
  { title: 'First placement (foster carer)', value: 'first-placement' },
  { title: 'Significant incident (foster carer)', value: 'significant-incident' },
  { title: 'Ceased (left care, or carer deregistered)', value: 'ceased' },
];
const YES_NO: readonly Choice[] = [{ title: 'Yes', value: 'yes' }, { title: 'No', value: 'no' }];

/** A picker of people from the directory; with nobody to offer, a sentence saying so instead of an empty list. */
function peoplePicker(id: string, label: string, choices: readonly Choice[], value: string | undefined, error: string | undefined): CardElement[] {
  if (choices.length === 0) return [text(`${label}: nobody in the directory holds this role, so none can be recorded here; ask your administrator.`, { isSubtle: true, size: 'Small' })];
  return choiceInput({ id, label, value, error, choices, style: 'filtered', placeholder: 'Leave empty to keep who is recorded' });
}

export function reviewRecordFormPreview(): string {
  return 'Add to the review register';
}

export function reviewRecordForm(view: ReviewRecordFormView): AdaptiveCardJson {
  const v = view.values ?? {};
  const e = view.fieldErrors ?? {};
  return adaptiveCard({
    fallbackText: reviewRecordFormPreview(),
    body: [
      heading('Add to the review register'),
      view.recorded !== undefined && text(view.recorded, { color: 'Good', weight: 'Bolder' }),
      view.formError !== undefined && text(view.formError, { color: 'Attention', weight: 'Bolder' }),
      text('One event at a time: the dates drive when each review falls due. Use the case system\'s reference, never a name.', { isSubtle: true, size: 'Small' }),
      ...textInput({ id: 'reference', label: 'Reference in the case system', isRequired: true, placeholder: 'e.g. LCS-104233', regex: REVIEW_REFERENCE_PATTERN, errorMessage: 'The case system\'s id, e.g. LCS-104233', value: v.reference, error: e.reference }),
      ...choiceInput({ id: 'kind', label: 'Whose reviews', isRequired: true, errorMessage: 'Pick one', value: v.kind, error: e.kind, choices: [{ title: "A looked-after child's", value: 'looked-after' }, { title: "A foster carer's", value: 'foster-carer' }] }),
      ...choiceInput({ id: 'event', label: 'What happened', isRequired: true, errorMessage: 'Pick one', value: v.event, error: e.event, choices: EVENT_CHOICES }),
      ...dateInput({ id: 'date', label: 'The date it happened', isRequired: true, errorMessage: 'Pick the date', value: v.date, error: e.date }),
      ...peoplePicker('officerId', 'Reviewing officer (IRO, FIRO or FRO)', view.officers, v.officerId, e.officerId),
      ...peoplePicker('workerId', 'Social worker (or supervising social worker)', view.workers, v.workerId, e.workerId),
      ...textInput({ id: 'invitees', label: 'Others to invite: email addresses separated by ;', value: v.invitees, error: e.invitees, maxLength: 2000 }),
      ...choiceInput({ id: 'participated', label: 'Review held: did the child take part?', value: v.participated, error: e.participated, choices: YES_NO }),
      ...choiceInput({ id: 'aged4Plus', label: 'Review held: was the child aged 4 or over?', value: v.aged4Plus, error: e.aged4Plus, choices: YES_NO }),
      ...textInput({ id: 'lateReason', label: 'Review held after its statutory date: why (it is recorded as late, with this reason)', value: v.lateReason, error: e.lateReason, maxLength: 2000, isMultiline: true }),
    ],
    actions: [execute('Add', REVIEW_VERBS.reviewRecordSubmit, {}, { style: 'positive' })],
  });
}
