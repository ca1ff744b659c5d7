/**
 * The review register: one review series per looked-after child (IRO) or foster carer household
 * (FIRO / FRO), as events. The facts that drive due dates (DOMAIN §4.1, §4.6), the people, and the
 * booking of the next meeting.
 *
 *   command --decideReviewSeries(state, command, {now, calendar, rules})--> events | refusal
 *   events  --evolveReviewSeries--> state --reviewSeriesDue--> the next review due (or null)
 *   state   --reviewTasks / taskDeadlinesOf (tasks.ts)--> the work around each booked review, its chasers
 *
 * Pure: no I/O, no clock. A series is named by its kind and the case system's opaque reference
 * (e.g. "LCS-104233"); people are Entra object ids, invitees email addresses (they may be outside
 * the council). Recording a fact that is already recorded changes nothing, so importing the same
 * export twice writes nothing the second time.
 */
import { z } from 'zod';
import { addCalendarMonths, isLocalDate, type LocalDate, type WorkingCalendar } from '../calendar/index.js';
import { InvalidInputError } from '../errors.js';
import { latestResumeDate } from './adjournment.js';
import { nextFosterCarerReview, type FosterCarerReviewOptions } from './foster-carer-due.js';
import { nextLookedAfterReview, type LookedAfterReviewOptions } from './looked-after-due.js';
import { REARRANGEMENT_REASONS, type RearrangementReason } from './rearrangement.js';
import { decideCompleteTask, decideTaskDeadline, type ReviewTaskRules } from './tasks.js';
import type { NextReviewDue, ReviewKind, TimelineRole } from './types.js';

export const REVIEW_KINDS = ['looked-after', 'foster-carer'] as const satisfies readonly ReviewKind[];

/** The facts that drive a series' due dates, by the names the case system's export uses. */
export const SERIES_FACTS = [
  'became-looked-after',
  'placement-change',
  'review-held',
  'review-adjourned',
  'review-postponed',
  'approved',
  'first-placement',
  'significant-incident',
  'ceased',
] as const;
export type SeriesFactName = (typeof SERIES_FACTS)[number];

/** Which facts belong to which kind of series (OX-R02..OX-R05 for children, FC-R01..FC-R06 for carers). */
export const FACTS_FOR_KIND: Readonly<Record<ReviewKind, readonly SeriesFactName[]>> = {
  'looked-after': ['became-looked-after', 'placement-change', 'review-held', 'review-adjourned', 'review-postponed', 'ceased'],
  'foster-carer': ['approved', 'first-placement', 'significant-incident', 'review-held', 'review-postponed', 'ceased'],
};

/** The fact each kind's clock starts from: a period of care, or an approval. */
export const SERIES_ANCHOR: Readonly<Record<ReviewKind, SeriesFactName>> = { 'looked-after': 'became-looked-after', 'foster-carer': 'approved' };

/** Same-day facts in the order they happen: the start first, the end last. */
const FACT_ORDER: Readonly<Record<SeriesFactName, number>> = {
  'became-looked-after': 0, approved: 0, 'placement-change': 1, 'first-placement': 1, 'significant-incident': 2,
  'review-adjourned': 3, 'review-postponed': 4, 'review-held': 5, ceased: 6,
};

/** Where a fact goes among facts of the same day: the period's start first, its end last. */
export function sameDayRank(fact: SeriesFactName): number {
  return FACT_ORDER[fact];
}

const FACT_LABEL: Readonly<Record<SeriesFactName, string>> = {
  'became-looked-after': 'became looked after', 'placement-change': 'placement change', 'review-held': 'review held',
  'review-adjourned': 'review adjourned', 'review-postponed': 'review postponed', approved: 'approval',
  'first-placement': 'first placement', 'significant-incident': 'significant incident', ceased: 'ceased',
};

/** An opaque case-system reference: letters, digits and . _ / - only, so no name can hide in it by accident of format. */
export const SERIES_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
const EMAIL = /^[^\s@;,<>"()[\]]+@[^\s@;,<>"()[\]]+\.[^\s@;,<>"()[\].]+$/;

/** Whether `value` is written like an email address (one address, no display name). */
export function isEmailAddress(value: string): boolean {
  return EMAIL.test(value) && value.length <= 254;
}

/** Invitees are compared and kept lower case: Exchange addresses are not case-sensitive. */
export function normaliseEmail(value: string): string {
  return value.trim().toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Events

interface EventBase<T extends string> {
  readonly type: T;
  /** ISO instant the event was recorded (the decision's `now`). */
  readonly at: string;
  /** Entra object id of the person who acted, or the importer's id. */
  readonly actor: string;
}
interface Dated {
  /** The civil date it happened, YYYY-MM-DD in the authority's zone. */
  readonly date: LocalDate;
}

export type ReviewSeriesOpened = EventBase<'ReviewSeriesOpened'> & { readonly kind: ReviewKind; readonly reference: string };
export type BecameLookedAfter = EventBase<'BecameLookedAfter'> & Dated;
export type PlacementChanged = EventBase<'PlacementChanged'> & Dated;
/** C69: whether the child participated and was aged 4 or over; null when the export did not say. */
export type ReviewHeld = EventBase<'ReviewHeld'> & Dated & {
  readonly participated: boolean | null;
  readonly aged4Plus: boolean | null;
  /** The booked meeting was this review: the booking is done with. */
  readonly closesBooking: boolean;
  /** A review held after its statutory date: why, as the officer or administrator gave it (OX-S01; for C68 and the reports). */
  readonly lateReason?: string;
};
export type ReviewAdjourned = EventBase<'ReviewAdjourned'> & Dated;
export type ReviewPostponed = EventBase<'ReviewPostponed'> & Dated;
export type CarerApproved = EventBase<'CarerApproved'> & Dated;
export type FirstPlacementMade = EventBase<'FirstPlacementMade'> & Dated;
export type SignificantIncidentRaised = EventBase<'SignificantIncidentRaised'> & Dated;
export type SeriesCeased = EventBase<'SeriesCeased'> & Dated;
/** The reviewing officer (IRO, FIRO, FRO) from `from` on. */
export type OfficerAssigned = EventBase<'OfficerAssigned'> & { readonly officer: string; readonly from: LocalDate };
/** The social worker or supervising social worker from `from` on. */
export type WorkerAssigned = EventBase<'WorkerAssigned'> & { readonly worker: string; readonly from: LocalDate };
export type InviteesAdded = EventBase<'InviteesAdded'> & { readonly invitees: readonly string[] };
export type InviteeRemoved = EventBase<'InviteeRemoved'> & { readonly invitee: string };
export type ReviewBooked = EventBase<'ReviewBooked'> & {
  readonly start: string;
  readonly end: string;
  /** The calendar the meeting is in: the officer's, or a shared reviews mailbox. */
  readonly organiser: string;
  readonly attendees: readonly string[];
  /** Graph's transactionId: a retried create never makes a second meeting. */
  readonly transactionId: string;
};
export type BookingConfirmed = EventBase<'BookingConfirmed'> & { readonly graphEventId: string };
export type ReviewRearranged = EventBase<'ReviewRearranged'> & {
  readonly reasonCode: RearrangementReason;
  readonly reasonText: string;
  readonly start: string;
  readonly end: string;
};
export type ReviewCancelled = EventBase<'ReviewCancelled'> & { readonly comment: string };
/**
 * The calendar refused the booking's meeting, and no attempt to make it may have landed: no meeting
 * was made, so the review is not booked and may be booked again. `reason` is the delivery's record
 * of it (never a message from the calendar service).
 */
export type BookingFailed = EventBase<'BookingFailed'> & { readonly transactionId: string; readonly reason: string };

/** A task around a booked review marked done (tasks.ts), by `actor`: one click on its card. */
export type ReviewTaskCompleted = EventBase<'ReviewTaskCompleted'> & {
  readonly taskId: string;
  readonly rule: string;
  readonly reviewDate: LocalDate;
  readonly due: LocalDate;
};
interface TaskDeadlineFields {
  /** The deadline's key (tasks.ts `taskDeadlineKey`) and the instant it was due: each pair fires once. */
  readonly key: string;
  readonly dueAt: string;
  readonly taskId: string;
  readonly rule: string;
  readonly reviewDate: LocalDate;
  /** The task's own due date. */
  readonly due: LocalDate;
  /** Who the task falls to, and the people the directory found holding that role when it fired: who was told. */
  readonly role: TimelineRole;
  readonly notified: readonly string[];
}
/** §8.4: one working day before a task is due, the person responsible is reminded. */
export type ReviewTaskReminderDue = EventBase<'ReviewTaskReminderDue'> & TaskDeadlineFields;
/** §8.4: at the end of its due day a task not marked done is overdue, and the person responsible is chased. */
export type ReviewTaskOverdue = EventBase<'ReviewTaskOverdue'> & TaskDeadlineFields;
/**
 * OX-R17: no team manager's response (OX-R16) was recorded within 5 working days of receiving the
 * decisions: they are agreed by the local authority, and the social worker (`notified`) implements them.
 */
export type DecisionsDeemedAgreed = EventBase<'DecisionsDeemedAgreed'> & TaskDeadlineFields & {
  /** When the team manager received the decisions: the day the IRO marked them circulated (OX-R12). */
  readonly receivedOn: LocalDate;
};
export type ReviewTaskEvent = ReviewTaskCompleted | ReviewTaskReminderDue | ReviewTaskOverdue | DecisionsDeemedAgreed;

export type SeriesFactEvent =
  | BecameLookedAfter | PlacementChanged | ReviewHeld | ReviewAdjourned | ReviewPostponed
  | CarerApproved | FirstPlacementMade | SignificantIncidentRaised | SeriesCeased;

export type ReviewSeriesEvent =
  | ReviewSeriesOpened
  | SeriesFactEvent
  | OfficerAssigned | WorkerAssigned | InviteesAdded | InviteeRemoved
  | ReviewBooked | BookingConfirmed | ReviewRearranged | ReviewCancelled | BookingFailed
  | ReviewTaskEvent;

const FACT_EVENT = {
  'became-looked-after': 'BecameLookedAfter',
  'placement-change': 'PlacementChanged',
  'review-held': 'ReviewHeld',
  'review-adjourned': 'ReviewAdjourned',
  'review-postponed': 'ReviewPostponed',
  approved: 'CarerApproved',
  'first-placement': 'FirstPlacementMade',
  'significant-incident': 'SignificantIncidentRaised',
  ceased: 'SeriesCeased',
} as const satisfies Record<SeriesFactName, SeriesFactEvent['type']>;

const FACT_OF_EVENT = Object.fromEntries(Object.entries(FACT_EVENT).map(([fact, type]) => [type, fact])) as Record<SeriesFactEvent['type'], SeriesFactName>;

// ---------------------------------------------------------------------------------------------
// State

export type RecordedFact =
  | { readonly fact: Exclude<SeriesFactName, 'review-held'>; readonly date: LocalDate }
  | { readonly fact: 'review-held'; readonly date: LocalDate; readonly participated: boolean | null; readonly aged4Plus: boolean | null; readonly lateReason?: string };

export interface Assignment {
  readonly person: string;
  readonly from: LocalDate;
}

export interface Booking {
  readonly start: string;
  readonly end: string;
  readonly organiser: string;
  readonly attendees: readonly string[];
  readonly transactionId: string;
  /** Set once Graph has created the meeting. */
  readonly graphEventId: string | null;
  readonly bookedAt: string;
  /** Who booked it (the administrator or officer): told if the calendar does not make the meeting. */
  readonly bookedBy: string;
}

export interface RecordedRearrangement {
  readonly at: string;
  readonly by: string;
  readonly reasonCode: RearrangementReason;
  readonly reasonText: string;
  readonly from: { readonly start: string; readonly end: string };
  readonly to: { readonly start: string; readonly end: string };
}

export interface RecordedCancellation {
  readonly at: string;
  readonly by: string;
  readonly comment: string;
  readonly start: string;
  readonly end: string;
}

/** A booking whose meeting the calendar did not make (BookingFailed): when it was for, who booked it, and why. */
export interface FailedBooking {
  readonly at: string;
  readonly start: string;
  readonly end: string;
  readonly reason: string;
  readonly transactionId: string;
  readonly bookedBy: string;
}

/** A review held on its booked meeting: its follow-up tasks count from `date` (tasks.ts). */
export interface HeldBooking {
  readonly date: LocalDate;
  /** Which booking of the series it was (1, 2, ...). */
  readonly booking: number;
  /** When the review was recorded as held: no reminder is sent for a time already past then. */
  readonly recordedAt: string;
}

export interface TaskCompletion {
  readonly taskId: string;
  readonly at: string;
  readonly by: string;
}

export interface ReviewSeriesState {
  readonly kind: ReviewKind;
  readonly reference: string;
  /** Events folded so far. */
  readonly version: number;
  readonly openedAt: string;
  readonly updatedAt: string;
  /** Every fact, in date order (same-day facts in the order they happen), each once. */
  readonly facts: readonly RecordedFact[];
  /** Officer assignments by date; the last is the officer now. */
  readonly officers: readonly Assignment[];
  readonly workers: readonly Assignment[];
  readonly officer: string | null;
  readonly worker: string | null;
  readonly invitees: readonly string[];
  /** The next meeting as booked, or null. */
  readonly booking: Booking | null;
  readonly rearrangements: readonly RecordedRearrangement[];
  readonly cancellations: readonly RecordedCancellation[];
  /** The last booking's meeting was never made, and nothing has been booked, held or ceased since: the review needs booking again. */
  readonly bookingFailed: FailedBooking | null;
  /** Meetings booked so far: the current booking is number `bookingsMade`, and its tasks are named by it. */
  readonly bookingsMade: number;
  /** The reviews held on a booked meeting, oldest first. */
  readonly heldBookings: readonly HeldBooking[];
  readonly taskCompletions: readonly TaskCompletion[];
  /** Task deadlines fired, as `key@dueAt`: a deadline moved to another time may fire again, at that time. */
  readonly firedTaskDeadlines: readonly string[];
  /** The held reviews (by date) whose decisions were deemed agreed (OX-R17). */
  readonly deemedAgreed: readonly { readonly reviewDate: LocalDate; readonly at: string }[];
}

/** One period of care (or of approval): from its start to when it ceased, with its facts. */
export interface Episode {
  readonly from: LocalDate;
  readonly ceased: LocalDate | null;
  /** The episode's facts in date order, its start first. */
  readonly facts: readonly RecordedFact[];
}

const byDateThenOrder = (a: RecordedFact, b: RecordedFact) =>
  a.date < b.date ? -1 : a.date > b.date ? 1 : FACT_ORDER[a.fact] - FACT_ORDER[b.fact];

function withFact(facts: readonly RecordedFact[], fact: RecordedFact): RecordedFact[] {
  const others = facts.filter((f) => !(f.fact === fact.fact && f.date === fact.date));
  return [...others, fact].sort(byDateThenOrder);
}

function withAssignment(list: readonly Assignment[], next: Assignment): Assignment[] {
  // A later recording for the same day goes after the earlier ones: it is the one in effect.
  const at = list.findIndex((a) => a.from > next.from);
  return at === -1 ? [...list, next] : [...list.slice(0, at), next, ...list.slice(at)];
}

/** Who held the assignment on `date`: the last assignment from that day or before. */
export function assignedOn(list: readonly Assignment[], date: LocalDate): string | null {
  let person: string | null = null;
  for (const a of list) if (a.from <= date) person = a.person;
  return person;
}

/** The series' periods, oldest first: a child who left care and came back has two. */
export function episodesOf(state: Pick<ReviewSeriesState, 'kind' | 'facts'>): Episode[] {
  const anchor = SERIES_ANCHOR[state.kind];
  const episodes: { from: LocalDate; ceased: LocalDate | null; facts: RecordedFact[] }[] = [];
  for (const fact of state.facts) {
    if (fact.fact === anchor) episodes.push({ from: fact.date, ceased: null, facts: [fact] });
    const current = episodes[episodes.length - 1];
    if (current === undefined || fact.fact === anchor) continue;
    current.facts.push(fact);
    if (fact.fact === 'ceased') current.ceased = fact.date;
  }
  return episodes;
}

function factOf(event: SeriesFactEvent): RecordedFact {
  const fact = FACT_OF_EVENT[event.type];
  if (event.type === 'ReviewHeld') {
    return { fact: 'review-held', date: event.date, participated: event.participated, aged4Plus: event.aged4Plus, ...(event.lateReason !== undefined && { lateReason: event.lateReason }) };
  }
  return { fact: fact as Exclude<SeriesFactName, 'review-held'>, date: event.date };
}

export function evolveReviewSeries(state: ReviewSeriesState | undefined, event: ReviewSeriesEvent): ReviewSeriesState {
  if (event.type === 'ReviewSeriesOpened') {
    if (state) throw new InvalidInputError(`review series ${state.kind} ${state.reference} was opened twice (event ${state.version + 1})`, 'events');
    return {
      kind: event.kind, reference: event.reference, version: 1, openedAt: event.at, updatedAt: event.at,
      facts: [], officers: [], workers: [], officer: null, worker: null, invitees: [],
      booking: null, rearrangements: [], cancellations: [], bookingFailed: null,
      bookingsMade: 0, heldBookings: [], taskCompletions: [], firedTaskDeadlines: [], deemedAgreed: [],
    };
  }
  if (!state) throw new InvalidInputError(`review series: ${event.type} arrived before the series was opened`, 'events');
  const next: ReviewSeriesState = { ...state, version: state.version + 1, updatedAt: event.at };
  switch (event.type) {
    case 'BecameLookedAfter':
    case 'PlacementChanged':
    case 'ReviewAdjourned':
    case 'ReviewPostponed':
    case 'CarerApproved':
    case 'FirstPlacementMade':
    case 'SignificantIncidentRaised':
      return { ...next, facts: withFact(state.facts, factOf(event)) };
    case 'SeriesCeased':
      return { ...next, facts: withFact(state.facts, factOf(event)), bookingFailed: null };
    case 'ReviewHeld': {
      const closed = event.closesBooking && state.booking !== null;
      return {
        ...next, facts: withFact(state.facts, factOf(event)), booking: event.closesBooking ? null : state.booking, bookingFailed: null,
        heldBookings: closed ? [...state.heldBookings, { date: event.date, booking: state.bookingsMade, recordedAt: event.at }] : state.heldBookings,
      };
    }
    case 'OfficerAssigned': {
      const officers = withAssignment(state.officers, { person: event.officer, from: event.from });
      return { ...next, officers, officer: officers[officers.length - 1]!.person };
    }
    case 'WorkerAssigned': {
      const workers = withAssignment(state.workers, { person: event.worker, from: event.from });
      return { ...next, workers, worker: workers[workers.length - 1]!.person };
    }
    case 'InviteesAdded':
      return { ...next, invitees: [...state.invitees, ...event.invitees.filter((i) => !state.invitees.includes(i))] };
    case 'InviteeRemoved':
      return { ...next, invitees: state.invitees.filter((i) => i !== event.invitee) };
    case 'ReviewBooked':
      return {
        ...next,
        booking: {
          start: event.start, end: event.end, organiser: event.organiser, attendees: event.attendees,
          transactionId: event.transactionId, graphEventId: null, bookedAt: event.at, bookedBy: event.actor,
        },
        bookingsMade: state.bookingsMade + 1,
        bookingFailed: null,
      };
    case 'BookingConfirmed':
      return state.booking === null ? next : { ...next, booking: { ...state.booking, graphEventId: event.graphEventId } };
    case 'ReviewRearranged': {
      if (state.booking === null) return next;
      const moved: RecordedRearrangement = {
        at: event.at, by: event.actor, reasonCode: event.reasonCode, reasonText: event.reasonText,
        from: { start: state.booking.start, end: state.booking.end }, to: { start: event.start, end: event.end },
      };
      return { ...next, booking: { ...state.booking, start: event.start, end: event.end }, rearrangements: [...state.rearrangements, moved] };
    }
    case 'ReviewCancelled': {
      if (state.booking === null) return next;
      const cancelled: RecordedCancellation = { at: event.at, by: event.actor, comment: event.comment, start: state.booking.start, end: state.booking.end };
      return { ...next, booking: null, cancellations: [...state.cancellations, cancelled] };
    }
    case 'BookingFailed': {
      if (state.booking === null || state.booking.transactionId !== event.transactionId) return next;
      const failed: FailedBooking = {
        at: event.at, start: state.booking.start, end: state.booking.end, reason: event.reason, transactionId: event.transactionId, bookedBy: state.booking.bookedBy,
      };
      return { ...next, booking: null, bookingFailed: failed };
    }
    case 'ReviewTaskCompleted':
      return { ...next, taskCompletions: [...state.taskCompletions, { taskId: event.taskId, at: event.at, by: event.actor }] };
    case 'ReviewTaskReminderDue':
    case 'ReviewTaskOverdue':
      return { ...next, firedTaskDeadlines: [...state.firedTaskDeadlines, `${event.key}@${event.dueAt}`] };
    case 'DecisionsDeemedAgreed':
      return {
        ...next,
        firedTaskDeadlines: [...state.firedTaskDeadlines, `${event.key}@${event.dueAt}`],
        deemedAgreed: [...state.deemedAgreed, { reviewDate: event.reviewDate, at: event.at }],
      };
  }
}

export function foldReviewSeries(events: readonly ReviewSeriesEvent[]): ReviewSeriesState | undefined {
  return events.reduce<ReviewSeriesState | undefined>(evolveReviewSeries, undefined);
}

// ---------------------------------------------------------------------------------------------
// The next review due

/** The authority's choices for the calculators (AMB-11, AMB-36, AMB-37, AMB-38); each has its default. */
export interface ReviewDueRules {
  readonly lookedAfter?: Omit<LookedAfterReviewOptions, 'calendar'>;
  readonly fosterCarer?: Omit<FosterCarerReviewOptions, 'calendar'>;
  /** The choices for the tasks around each booked review (AMB-10, AMB-41, AMB-42; tasks.ts). */
  readonly tasks?: ReviewTaskRules;
}

export interface ReviewDueOptions {
  readonly calendar: WorkingCalendar;
  readonly rules?: ReviewDueRules;
}

/** AMB-38: Dudley holds a carer's first review 6 months after approval (FC-R03); elsewhere the statutory year (FC-R01). */
export function reviewDueRulesFor(authority: string): ReviewDueRules {
  return authority === 'dudley' ? { fosterCarer: { firstReviewRule: 'local_6m' } } : {};
}

const datesOf = (episode: Episode, fact: SeriesFactName) => episode.facts.filter((f) => f.fact === fact).map((f) => f.date);

/** The period the series is in now, if it has begun. */
export function currentEpisode(state: Pick<ReviewSeriesState, 'kind' | 'facts'>): Episode | undefined {
  const all = episodesOf(state);
  return all[all.length - 1];
}

function lookedAfterDue(episode: Episode, options: ReviewDueOptions): NextReviewDue {
  const { calendar } = options;
  const held = datesOf(episode, 'review-held');
  const due = nextLookedAfterReview(
    { becameLookedAfter: episode.from, placementChanges: datesOf(episode, 'placement-change'), held },
    { calendar, ...options.rules?.lookedAfter },
  );
  const last = held[held.length - 1];
  const adjourned = datesOf(episode, 'review-adjourned').filter((a) => last === undefined || a > last).at(-1);
  if (adjourned === undefined) return due;
  return {
    ...due,
    related: [...due.related, { rule: 'OX-S15', date: latestResumeDate(calendar, adjourned), label: `the review adjourned on ${adjourned} resumes by this day` }],
  };
}

function fosterCarerDue(episode: Episode, options: ReviewDueOptions): NextReviewDue {
  const rules = options.rules?.fosterCarer;
  const held = datesOf(episode, 'review-held');
  const firstPlacement = datesOf(episode, 'first-placement')[0];
  const concernRaised = datesOf(episode, 'significant-incident').at(-1);
  const input = {
    approved: episode.from, held,
    ...(firstPlacement !== undefined && { firstPlacement }),
    ...(concernRaised !== undefined && { concernRaised }),
  };
  if (rules?.firstReviewRule !== 'best_practice_min' || firstPlacement !== undefined || held.length > 0) {
    return nextFosterCarerReview(input, { calendar: options.calendar, ...rules });
  }
  // FC-R04 with no child placed yet: 11 months after approval, unless a placement comes early enough
  // to bring it forward. A placement 6 months after approval cannot, so it stands in for "none yet".
  const due = nextFosterCarerReview({ ...input, firstPlacement: addCalendarMonths(episode.from, 6) }, { calendar: options.calendar, ...rules });
  return {
    ...due,
    explanation: `No child has been placed yet: best practice holds the first review 11 months after approval on ${episode.from}, `
      + `or within 6 months of the first placement if that is sooner (FC-R04): the due date is ${due.due}.`,
  };
}

/**
 * The next review due for the series, from the existing calculators (OX-R02..OX-R06 with AMB-36/37;
 * FC-R01..FC-R06 with AMB-11/38), counted within the current period only. Null once the series has
 * ceased (the child left care, the carer's approval ended) or before it has begun.
 */
export function reviewSeriesDue(state: Pick<ReviewSeriesState, 'kind' | 'facts'>, options: ReviewDueOptions): NextReviewDue | null {
  const episode = currentEpisode(state);
  if (episode === undefined || episode.ceased !== null) return null;
  return state.kind === 'looked-after' ? lookedAfterDue(episode, options) : fosterCarerDue(episode, options);
}

// ---------------------------------------------------------------------------------------------
// Commands

const localDate = z.string().trim().refine((s) => isLocalDate(s), 'must be a real date written YYYY-MM-DD, e.g. 2026-03-10')
  .transform((s) => s as LocalDate);
const personId = z.string().trim().min(1, 'a person id is required').max(200);
const email = z.string().trim().refine(isEmailAddress, 'must be one email address, e.g. carer@example.org').transform(normaliseEmail);
const instant = z.string().datetime({ offset: true, message: 'must be an ISO 8601 instant with its offset, e.g. 2026-03-10T10:00:00Z' });
const words = (what: string, max = 2000) =>
  z.string().trim().min(1, `${what} must not be empty`).max(max, `${what} must be at most ${max} characters`);

const seriesBase = {
  kind: z.enum(REVIEW_KINDS),
  reference: z.string().trim().regex(SERIES_REFERENCE, 'must be the case system\'s reference: letters, digits, ". _ / -", at most 64 characters, e.g. LCS-104233'),
  actor: personId,
};

export const registerEntrySchema = z.object({
  /** A fact, dated; `participated` and `aged4Plus` only for a review held (C69). */
  fact: z.object({
    event: z.enum(SERIES_FACTS),
    date: localDate,
    participated: z.boolean().nullable().optional(),
    aged4Plus: z.boolean().nullable().optional(),
    /** A review held after its statutory date: why (OX-S01 "recorded as late, with its reason"). */
    lateReason: z.string().trim().min(1, 'the reason it was held late must not be empty').max(2000, 'the reason it was held late must be at most 2000 characters').optional(),
  }).optional(),
  /** The reviewing officer's Entra object id, from the fact's date (today without one). */
  officer: personId.optional(),
  /** The social worker's or supervising social worker's Entra object id, likewise. */
  worker: personId.optional(),
  invitees: z.array(email).readonly().optional(),
});
export type RegisterEntry = z.input<typeof registerEntrySchema>;

export const reviewSeriesCommandSchema = z.discriminatedUnion('type', [
  /** Facts and people, in order: one row of the export each, or one form. */
  z.object({ type: z.literal('record'), ...seriesBase, entries: z.array(registerEntrySchema).min(1, 'give at least one entry').readonly() }),
  z.object({ type: z.literal('remove-invitee'), ...seriesBase, invitee: email }),
  z.object({
    type: z.literal('book'), ...seriesBase, start: instant, end: instant, organiser: words('the organiser', 320),
    attendees: z.array(email).readonly(), transactionId: words('the transaction id', 200),
  }),
  z.object({ type: z.literal('confirm-booking'), ...seriesBase, graphEventId: words('the Graph event id', 1000) }),
  z.object({ type: z.literal('rearrange'), ...seriesBase, reasonCode: z.enum(REARRANGEMENT_REASONS), reasonText: words('the reason'), start: instant, end: instant }),
  z.object({ type: z.literal('cancel-booking'), ...seriesBase, comment: words('the comment') }),
  /** From delivery: the calendar did not make the meeting of the booking with this transaction id. */
  z.object({ type: z.literal('booking-failed'), ...seriesBase, transactionId: words('the transaction id', 200), reason: words('the reason', 500) }),
  /** A task around a booked review marked done (tasks.ts): one click; a second changes nothing. */
  z.object({ type: z.literal('complete-task'), ...seriesBase, taskId: words('the task id', 128) }),
  /**
   * From the deadline dispatcher: a task deadline (tasks.ts `taskDeadlinesOf`) is due. `notify`:
   * the people the directory found holding the task's role, recorded as the ones told.
   */
  z.object({
    type: z.literal('deadline-reached'), ...seriesBase, key: words('the deadline key', 300),
    notify: z.array(personId).max(100, 'at most 100 people are told of one deadline').readonly().default([]),
  }),
]);
export type ReviewSeriesCommand = z.input<typeof reviewSeriesCommandSchema>;
type Checked = z.output<typeof reviewSeriesCommandSchema>;
/** A command after checking (defaults filled in), by its type. */
export type CheckedSeriesCommand<T extends Checked['type']> = Extract<Checked, { type: T }>;
type Cmd<T extends Checked['type']> = CheckedSeriesCommand<T>;
type CheckedEntry = z.output<typeof registerEntrySchema>;
type CheckedFact = NonNullable<CheckedEntry['fact']>;

export interface ReviewSeriesContext extends ReviewDueOptions {
  readonly now: Date;
}

/** Why a command was refused, as a stable code for adapters and tests. */
export type RegisterRefusalCode =
  | 'invalid-command'
  | 'not-found'
  | 'kind-mismatch'
  | 'wrong-kind'
  | 'no-anchor'
  | 'before-anchor'
  | 'already-open'
  | 'before-ceased'
  | 'after-ceased'
  | 'already-ceased'
  | 'facts-after-ceased'
  | 'conflicting-fact'
  | 'already-adjourned'
  | 'not-a-review'
  | 'invalid-dates'
  | 'series-ceased'
  | 'already-booked'
  | 'not-booked'
  | 'end-before-start'
  | 'same-time'
  | 'beyond-due-date'
  | 'confirmed-differently'
  | 'unknown-task'
  | 'task-closed'
  | 'window-closed';

export interface RegisterRefusal {
  readonly code: RegisterRefusalCode;
  /** A sentence a person can read: what is wrong and what to do instead. */
  readonly message: string;
  /** The input at fault, where there is one: `date`, `event`, `participated`, `start`... */
  readonly field?: string;
  /** For `record`: which entry (0-based) was refused; nothing before it is kept either. */
  readonly entry?: number;
}

export type RegisterDecision = { readonly ok: true; readonly events: ReviewSeriesEvent[] } | { readonly ok: false; readonly refusal: RegisterRefusal };

const refuse = (code: RegisterRefusalCode, message: string, field?: string): RegisterDecision =>
  ({ ok: false, refusal: { code, message, ...(field !== undefined && { field }) } });
const accept = (...events: ReviewSeriesEvent[]): RegisterDecision => ({ ok: true, events });

function describeIssues(error: z.ZodError): { message: string; field?: string } {
  const first = error.issues[0];
  const field = first?.path.filter((p) => typeof p === 'string').at(-1);
  const message = `The command is not complete: ${error.issues
    .map((i) => `${i.path.join('.') || 'command'}: ${i.message === 'Required' ? 'is required' : i.message}`)
    .join('; ')}.`;
  return { message, ...(typeof field === 'string' && { field }) };
}

const seriesName = (state: Pick<ReviewSeriesState, 'kind' | 'reference'>) =>
  state.kind === 'looked-after' ? `the child's series ${state.reference}` : `the foster carer series ${state.reference}`;
const started = (kind: ReviewKind) => (kind === 'looked-after' ? 'became looked after' : 'was approved');
const endedWord = (kind: ReviewKind) => (kind === 'looked-after' ? 'ceased to be looked after' : 'ceased to be approved');

function header(cmd: { actor: string }, ctx: ReviewSeriesContext) {
  return { at: ctx.now.toISOString(), actor: cmd.actor };
}

function factEvent(fact: CheckedFact, head: { at: string; actor: string }, closesBooking: boolean): SeriesFactEvent {
  const type = FACT_EVENT[fact.event];
  if (type === 'ReviewHeld') {
    return {
      type, ...head, date: fact.date, participated: fact.participated ?? null, aged4Plus: fact.aged4Plus ?? null, closesBooking,
      ...(fact.lateReason !== undefined && { lateReason: fact.lateReason }),
    };
  }
  return { type, ...head, date: fact.date };
}

/** The period a date falls in: the last one that began on or before it. */
function episodeAt(episodes: readonly Episode[], date: LocalDate): Episode | undefined {
  let found: Episode | undefined;
  for (const e of episodes) if (e.from <= date) found = e;
  return found;
}

/** The checks on where a new fact falls among the series' periods; undefined when it fits. */
function placeFact(state: ReviewSeriesState, fact: CheckedFact): RegisterDecision | undefined {
  const { kind } = state;
  const label = FACT_LABEL[fact.event];
  const episodes = episodesOf(state);
  const last = episodes[episodes.length - 1];
  if (fact.event === SERIES_ANCHOR[kind]) {
    if (last === undefined) return undefined;
    if (last.ceased === null) {
      return refuse('already-open', `${seriesName(state)} ${started(kind)} on ${last.from} and has not ceased; a new period starting ${fact.date} needs a "ceased" fact first, dated when the last one ended.`, 'date');
    }
    if (fact.date <= last.ceased) {
      return refuse('before-ceased', `${seriesName(state)} ${endedWord(kind)} on ${last.ceased}: a new period must start after that day, not on ${fact.date}.`, 'date');
    }
    return undefined;
  }
  if (last === undefined) {
    return refuse('no-anchor', `${seriesName(state)} has no "${SERIES_ANCHOR[kind]}" date yet: record when the ${kind === 'looked-after' ? 'child became looked after' : 'carer was approved'} first, on or before ${fact.date}.`, 'event');
  }
  const episode = episodeAt(episodes, fact.date);
  if (episode === undefined) {
    return refuse('before-anchor', `The ${label} on ${fact.date} is before ${seriesName(state)} ${started(kind)} (${episodes[0]!.from}): check the date; nothing counts before it.`, 'date');
  }
  if (fact.event === 'ceased' && episode.ceased !== null) {
    return refuse('already-ceased', `${seriesName(state)} already ${endedWord(kind)} on ${episode.ceased}, not ${fact.date}.`, 'date');
  }
  if (episode.ceased !== null && fact.date > episode.ceased) {
    return refuse('after-ceased', `${seriesName(state)} ${endedWord(kind)} on ${episode.ceased}: nothing can be recorded after that (the ${label} on ${fact.date}) until a new period starts.`, 'date');
  }
  if (fact.event === 'ceased') {
    const later = episode.facts.find((f) => f.date > fact.date);
    if (later) return refuse('facts-after-ceased', `The ${FACT_LABEL[later.fact]} on ${later.date} is after ${fact.date}: ${seriesName(state)} cannot have ceased before it.`, 'date');
  }
  if (fact.event === 'first-placement') {
    const other = episode.facts.find((f) => f.fact === 'first-placement');
    if (other) return refuse('conflicting-fact', `The first child was placed with ${seriesName(state)} on ${other.date} already, not ${fact.date}.`, 'date');
  }
  const sameDay = episode.facts.find((f) => f.date === fact.date && (
    (fact.event === 'review-held' && f.fact === 'review-adjourned') || (fact.event === 'review-adjourned' && f.fact === 'review-held')));
  if (sameDay) {
    return refuse('conflicting-fact', `The meeting on ${fact.date} is recorded as ${FACT_LABEL[sameDay.fact]}: it cannot also be ${fact.event === 'review-held' ? 'held' : 'adjourned'}. Record the resumed meeting's date as the review held.`, 'event');
  }
  if (fact.event === 'review-adjourned') {
    const held = datesOf(episode, 'review-held');
    const before = held.filter((d) => d < fact.date).at(-1);
    const after = held.find((d) => d > fact.date);
    const again = datesOf(episode, 'review-adjourned').find((a) => (before === undefined || a > before) && (after === undefined || a < after));
    if (again !== undefined) {
      return refuse('already-adjourned', `This review was already adjourned on ${again}: the IRO may adjourn a review meeting once only (OX-S15).`, 'event');
    }
  }
  return undefined;
}

/** The facts of the other kind of series are refused, saying which kind takes them. */
function wrongKind(kind: ReviewKind, fact: CheckedFact): RegisterDecision | undefined {
  if (FACTS_FOR_KIND[kind].includes(fact.event)) return undefined;
  const why = fact.event === 'review-adjourned'
    ? 'adjournment is a looked-after review rule (OX-S15); a foster home review is rearranged instead'
    : `it belongs to a ${kind === 'looked-after' ? 'foster carer' : 'looked-after child'}'s series`;
  return refuse('wrong-kind', `"${fact.event}" is not a fact of a ${kind} series: ${why}. A ${kind} series takes ${FACTS_FOR_KIND[kind].join(', ')}.`, 'event');
}

function decideFact(state: ReviewSeriesState, fact: CheckedFact, ctx: ReviewSeriesContext, head: { at: string; actor: string }): RegisterDecision {
  const misfit = wrongKind(state.kind, fact);
  if (misfit) return misfit;
  if (fact.event !== 'review-held') {
    const given = (['participated', 'aged4Plus'] as const).find((k) => fact[k] !== undefined && fact[k] !== null);
    if (given) return refuse('not-a-review', `${given === 'participated' ? 'Participation' : 'Aged 4 or over'} is recorded for a review held only (C69), not for "${fact.event}": leave it empty.`, given);
    if (fact.lateReason !== undefined) return refuse('not-a-review', `A reason for being late is recorded for a review held only, not for "${fact.event}": leave it empty.`, 'lateReason');
  }
  const existing = state.facts.find((f) => f.fact === fact.event && f.date === fact.date);
  if (existing?.fact === 'review-held') {
    // C69 details, or the reason it was late, filled in or corrected later are a new fact about the same review; a blank keeps what is recorded.
    const participated = fact.participated ?? existing.participated;
    const aged4Plus = fact.aged4Plus ?? existing.aged4Plus;
    const lateReason = fact.lateReason ?? existing.lateReason;
    if (participated === existing.participated && aged4Plus === existing.aged4Plus && lateReason === existing.lateReason) return accept();
    return accept({ type: 'ReviewHeld', ...head, date: fact.date, participated, aged4Plus, closesBooking: false, ...(lateReason !== undefined && { lateReason }) });
  }
  if (existing) return accept();
  const misplaced = placeFact(state, fact);
  if (misplaced) return misplaced;
  const closesBooking = fact.event === 'review-held' && state.booking !== null && ctx.calendar.localDateOf(new Date(state.booking.start)) <= fact.date;
  const event = factEvent(fact, head, closesBooking);
  try {
    reviewSeriesDue(evolveReviewSeries(state, event), ctx);
  } catch (error) {
    if (error instanceof InvalidInputError) return refuse('invalid-dates', error.message, 'date');
    throw error;
  }
  return accept(event);
}

function decideEntry(state: ReviewSeriesState, entry: CheckedEntry, ctx: ReviewSeriesContext, head: { at: string; actor: string }): RegisterDecision {
  const events: ReviewSeriesEvent[] = [];
  let current = state;
  const apply = (event: ReviewSeriesEvent) => {
    events.push(event);
    current = evolveReviewSeries(current, event);
  };
  const misfit = entry.fact && wrongKind(state.kind, entry.fact);
  if (misfit) return misfit;
  if (state.facts.length === 0 && entry.fact?.event !== SERIES_ANCHOR[state.kind]) {
    return refuse('no-anchor', `${seriesName(state)} has no "${SERIES_ANCHOR[state.kind]}" date yet: its first entry must record when the ${state.kind === 'looked-after' ? 'child became looked after' : 'carer was approved'}.`, 'event');
  }
  if (entry.fact) {
    const decided = decideFact(current, entry.fact, ctx, head);
    if (!decided.ok) return decided;
    decided.events.forEach(apply);
  }
  const from = entry.fact?.date ?? ctx.calendar.localDateOf(ctx.now);
  // An assignment is a dated fact like the others: kept once, whatever order the facts come in.
  // (Inferring "already in effect" would depend on what is recorded later; the importer sends a
  // person only where the export changes them.)
  const known = (list: readonly Assignment[], person: string) => list.some((a) => a.person === person && a.from === from);
  if (entry.officer !== undefined && !known(current.officers, entry.officer)) {
    apply({ type: 'OfficerAssigned', ...head, officer: entry.officer, from });
  }
  if (entry.worker !== undefined && !known(current.workers, entry.worker)) {
    apply({ type: 'WorkerAssigned', ...head, worker: entry.worker, from });
  }
  const invited = current.invitees;
  const added = [...new Set(entry.invitees ?? [])].filter((i) => !invited.includes(i));
  if (added.length > 0) apply({ type: 'InviteesAdded', ...head, invitees: added });
  return accept(...events);
}

function record(state: ReviewSeriesState | undefined, cmd: Cmd<'record'>, ctx: ReviewSeriesContext): RegisterDecision {
  const head = header(cmd, ctx);
  const events: ReviewSeriesEvent[] = [];
  let current = state;
  if (current === undefined) {
    const opened: ReviewSeriesOpened = { type: 'ReviewSeriesOpened', ...head, kind: cmd.kind, reference: cmd.reference };
    events.push(opened);
    current = evolveReviewSeries(undefined, opened);
  }
  for (const [i, entry] of cmd.entries.entries()) {
    const decided = decideEntry(current, entry, ctx, head);
    if (!decided.ok) return { ok: false, refusal: { ...decided.refusal, entry: i } };
    for (const event of decided.events) {
      events.push(event);
      current = evolveReviewSeries(current, event);
    }
  }
  return events.length === 1 && events[0]!.type === 'ReviewSeriesOpened' ? accept() : accept(...events);
}

function meetingDay(ctx: ReviewSeriesContext, start: string): LocalDate {
  return ctx.calendar.localDateOf(new Date(start));
}

/** While the review can still be held in time it is booked in time (OX-S01); once overdue, the soonest meeting is what is left. */
function checkTimes(state: ReviewSeriesState, start: string, end: string, ctx: ReviewSeriesContext, moving: boolean): RegisterDecision | NextReviewDue {
  if (Date.parse(end) <= Date.parse(start)) return refuse('end-before-start', `The meeting must end after it starts: ${end} is not after ${start}.`, 'end');
  const due = reviewSeriesDue(state, ctx);
  if (due === null) return refuse('series-ceased', `${seriesName(state)} has ceased: there is no review to book.`);
  const day = meetingDay(ctx, start);
  const today = ctx.calendar.localDateOf(ctx.now);
  if (day > due.due && due.latestMeetingDate >= today) {
    const why = moving
      ? `review dates are rearranged only within statutory timescales (OX-S01): the latest date it can move to is ${due.latestMeetingDate}`
      : `book it on or before ${due.latestMeetingDate}, the latest meeting date`;
    return refuse('beyond-due-date', `The ${due.review} review of ${state.reference} is due by ${due.due} (${due.rule}); ${day} is too late: ${why}.`, 'start');
  }
  return due;
}
const isDecision = (x: RegisterDecision | NextReviewDue): x is RegisterDecision => 'ok' in x;

function book(state: ReviewSeriesState, cmd: Cmd<'book'>, ctx: ReviewSeriesContext): RegisterDecision {
  if (state.booking !== null) {
    return refuse('already-booked', `The next review of ${state.reference} is already booked for ${meetingDay(ctx, state.booking.start)}: rearrange it instead.`);
  }
  const checked = checkTimes(state, cmd.start, cmd.end, ctx, false);
  if (isDecision(checked)) return checked;
  return accept({
    type: 'ReviewBooked', ...header(cmd, ctx), start: new Date(cmd.start).toISOString(), end: new Date(cmd.end).toISOString(),
    organiser: cmd.organiser, attendees: [...new Set(cmd.attendees)], transactionId: cmd.transactionId,
  });
}

function rearrange(state: ReviewSeriesState, booking: Booking, cmd: Cmd<'rearrange'>, ctx: ReviewSeriesContext): RegisterDecision {
  const start = new Date(cmd.start).toISOString();
  const end = new Date(cmd.end).toISOString();
  if (start === booking.start && end === booking.end) return refuse('same-time', `The review of ${state.reference} is already booked for that time: choose another.`, 'start');
  const checked = checkTimes(state, start, end, ctx, true);
  if (isDecision(checked)) return checked;
  return accept({ type: 'ReviewRearranged', ...header(cmd, ctx), reasonCode: cmd.reasonCode, reasonText: cmd.reasonText, start, end });
}

/**
 * Decides a command on a review series. Facts already recorded are accepted with no events, so a
 * command can be sent again safely; a refusal says what is wrong and which input to change.
 */
export function decideReviewSeries(state: ReviewSeriesState | undefined, command: ReviewSeriesCommand, ctx: ReviewSeriesContext): RegisterDecision {
  const parsed = reviewSeriesCommandSchema.safeParse(command);
  if (!parsed.success) {
    const { message, field } = describeIssues(parsed.error);
    return refuse('invalid-command', message, field);
  }
  const cmd = parsed.data;
  if (state !== undefined && (state.kind !== cmd.kind || state.reference !== cmd.reference)) {
    return refuse('kind-mismatch', `This is the ${state.kind} series ${state.reference}, not the ${cmd.kind} series ${cmd.reference}.`);
  }
  if (cmd.type === 'record') return record(state, cmd, ctx);
  if (state === undefined) return refuse('not-found', `There is no ${cmd.kind} series ${cmd.reference} in the register: record its facts first.`);
  const booking = state.booking;
  switch (cmd.type) {
    case 'remove-invitee':
      return state.invitees.includes(cmd.invitee) ? accept({ type: 'InviteeRemoved', ...header(cmd, ctx), invitee: cmd.invitee }) : accept();
    case 'book':
      return book(state, cmd, ctx);
    case 'confirm-booking':
      if (booking === null) return refuse('not-booked', `The next review of ${state.reference} is not booked.`);
      if (booking.graphEventId === cmd.graphEventId) return accept();
      if (booking.graphEventId !== null) return refuse('confirmed-differently', `The booking of ${state.reference} was already confirmed as another calendar event.`, 'graphEventId');
      return accept({ type: 'BookingConfirmed', ...header(cmd, ctx), graphEventId: cmd.graphEventId });
    case 'rearrange':
      if (booking === null) return refuse('not-booked', `The next review of ${state.reference} is not booked: book it rather than rearranging.`);
      return rearrange(state, booking, cmd, ctx);
    case 'cancel-booking':
      if (booking === null) return refuse('not-booked', `The next review of ${state.reference} is not booked: there is nothing to cancel.`);
      return accept({ type: 'ReviewCancelled', ...header(cmd, ctx), comment: cmd.comment });
    case 'booking-failed':
      // Only the booking that create was for, and only while no meeting is known for it: a booking
      // cancelled and made again, or one confirmed, is not undone by an old create's failure.
      if (booking === null || booking.transactionId !== cmd.transactionId || booking.graphEventId !== null) return accept();
      return accept({ type: 'BookingFailed', ...header(cmd, ctx), transactionId: cmd.transactionId, reason: cmd.reason });
    case 'complete-task':
      return decideCompleteTask(state, cmd, ctx);
    case 'deadline-reached':
      return decideTaskDeadline(state, cmd, ctx);
  }
}
