import {
  addCalendarDays, addCalendarYears, yearOf, type LocalDate, type WorkingCalendar,
} from '../calendar/index.js';
import { InvalidInputError } from '../errors.js';
import { latestResumeDate } from './adjournment.js';
import { parseDate } from './dates.js';
import { describeNonWorkingDay } from './due.js';
import { refuse, type ReviewOutcome, type ReviewPrompt, type ScheduledReview } from './outcome.js';

/**
 * Why a review date moved (DOMAIN.md §4.2, AMB-45). The first four are the Cheshire East reasons;
 * child_unwell_or_commitment is Oxfordshire OX-S08; lack_of_preparation is AMB-46.
 */
export const REARRANGEMENT_REASONS = [
  'child_or_carer_request',
  'social_worker_in_court',
  'iro_unavailable',
  'court_retimetabled',
  'child_unwell_or_commitment',
  'lack_of_preparation',
  // Cheshire East: "many rearrangements have been found to allow time for new social workers to complete the care plan" (§4.2, AMB-45).
  'new_social_worker_care_plan',
  'other',
] as const;
export type RearrangementReason = (typeof REARRANGEMENT_REASONS)[number];

/**
 * Why a booked review meeting is cancelled, from a fixed list: the words that go to everyone invited
 * (who may be birth parents, carers and other agencies) are neutral and fixed, so no detail of the
 * child's circumstances (a new placement, its area) can travel with a cancellation (DESIGN Privacy).
 */
export const CANCELLATION_REASONS = ['no_longer_looked_after', 'review_no_longer_needed', 'carer_no_longer_approved', 'to_be_rearranged', 'other'] as const;
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];

/** What the administrator picks from. */
export const CANCELLATION_REASON_LABELS: Readonly<Record<CancellationReason, string>> = {
  no_longer_looked_after: 'The child is no longer looked after',
  review_no_longer_needed: 'The review is no longer needed',
  carer_no_longer_approved: 'The foster carer is no longer approved',
  to_be_rearranged: 'It will be rearranged: a new invitation follows',
  other: 'Another reason (the invitees are told only that it is cancelled)',
};

/** What everyone invited is told. */
export const CANCELLATION_NOTICES: Readonly<Record<CancellationReason, string>> = {
  no_longer_looked_after: 'This review meeting is cancelled: it is no longer needed.',
  review_no_longer_needed: 'This review meeting is cancelled: it is no longer needed.',
  carer_no_longer_approved: 'This review meeting is cancelled: it is no longer needed.',
  to_be_rearranged: 'This review meeting is cancelled and will be rearranged: a new invitation will follow.',
  other: 'This review meeting is cancelled.',
};

/** What an administrator picks from, in the words the sources use (§4.2, §7.3). */
export const REARRANGEMENT_REASON_LABELS: Readonly<Record<RearrangementReason, string>> = {
  child_or_carer_request: 'Request by the child or carer (other commitments)',
  social_worker_in_court: 'The social worker is needed in court on another case',
  iro_unavailable: 'The reviewing officer is unavailable (for example sickness)',
  court_retimetabled: 'The case was re-timetabled in court proceedings',
  child_unwell_or_commitment: 'The child is unwell or has a commitment',
  lack_of_preparation: 'Lack of preparation (consider a practice alert)',
  new_social_worker_care_plan: 'Allow time for a new social worker to complete the care plan',
  other: 'Other (say what)',
};

/** AMB-44: "more than one postponement per year" counted in the performance year (1 April to 31 March) or a rolling 12 months. */
export const POSTPONEMENT_WINDOWS = ['performance_year', 'rolling_12m'] as const;
export type PostponementWindow = (typeof POSTPONEMENT_WINDOWS)[number];

/** One review moved later, as kept in the child's history. */
export interface Postponement {
  readonly originalDate: LocalDate;
  readonly newDate: LocalDate;
  readonly reason: RearrangementReason;
}

export interface RearrangeRequest {
  readonly newDate: string;
  readonly reason: string;
  /** Required when the reason is "other". */
  readonly note?: string;
  /** OX-S01: the IRO agrees a date after the due date, recording the exceptional circumstances. */
  readonly iroOverride?: { readonly exceptionalCircumstances: string };
}

export interface RearrangementPolicy {
  /** Default performance_year (C68 is measured 1 April to 31 March). */
  readonly postponementWindow?: PostponementWindow;
  /** AMB-46: a rearrangement for lack of preparation prompts a practice alert. Default false (Cheshire East: true). */
  readonly lackOfPreparationPromptsAlert?: boolean;
}

export interface RearrangeContext {
  readonly calendar: WorkingCalendar;
  /** The child's earlier postponements, of any review. */
  readonly earlierPostponements?: readonly Postponement[];
  readonly policy?: RearrangementPolicy;
}

export interface Rearrangement {
  readonly review: ScheduledReview;
  /** Present when the review moved later: append it to the child's history. */
  readonly postponement?: Postponement;
  /** Postponements in the window that holds this one, this one included (0 when the review was brought forward). */
  readonly postponementsInWindow: number;
  readonly window: { readonly kind: PostponementWindow; readonly from: LocalDate; readonly to: LocalDate };
  readonly prompts: readonly ReviewPrompt[];
  readonly warnings: readonly string[];
}

/** The counting window that holds `date`: its performance year, or the 12 months ending on it. */
export function postponementWindow(date: LocalDate, kind: PostponementWindow): { from: LocalDate; to: LocalDate } {
  if (kind === 'rolling_12m') return { from: addCalendarDays(addCalendarYears(date, -1), 1), to: date };
  const startYear = date.slice(5) >= '04-01' ? yearOf(date) : yearOf(date) - 1;
  return { from: `${startYear}-04-01` as LocalDate, to: `${startYear + 1}-03-31` as LocalDate };
}

function parseReason(request: RearrangeRequest): RearrangementReason {
  const reason = REARRANGEMENT_REASONS.find((r) => r === request.reason);
  if (reason === undefined) {
    throw new InvalidInputError(
      `"${request.reason}" is not a rearrangement reason: use one of ${REARRANGEMENT_REASONS.join(', ')}`, 'reason');
  }
  if (reason === 'other' && !request.note?.trim()) {
    throw new InvalidInputError('a rearrangement for an "other" reason needs a note saying what the reason was', 'note');
  }
  return reason;
}

/**
 * Moves a booked review to a new date (OX-S01, OX-S14, AMB-44 to AMB-46). The new date must stay on
 * or before the due date unless the IRO overrides with exceptional circumstances. A looked-after
 * child's second postponement in the window is flagged for referral to the Service Manager, QA.
 */
export function rearrangeReview(
  review: ScheduledReview, request: RearrangeRequest, context: RearrangeContext,
): ReviewOutcome<Rearrangement> {
  const { calendar } = context;
  const newDate = parseDate(request.newDate, 'new review date', 'newDate');
  const reason = parseReason(request);
  const override = request.iroOverride?.exceptionalCircumstances.trim();
  if (request.iroOverride && !override) {
    throw new InvalidInputError('an IRO override must record the exceptional circumstances', 'iroOverride');
  }
  if (newDate === review.scheduled) {
    return refuse('same-date', 'OX-S01', `the review is already booked for ${newDate}`, 'newDate');
  }
  if (review.adjourned && newDate > latestResumeDate(calendar, review.adjourned.on)) {
    return refuse('adjournment-too-long', 'OX-S15',
      `the review adjourned on ${review.adjourned.on} must resume by ${latestResumeDate(calendar, review.adjourned.on)}, not ${newDate}`, 'newDate');
  }
  const prompts: ReviewPrompt[] = [];
  if (newDate > review.due) {
    if (!override) {
      return refuse('beyond-due-date', 'OX-S01',
        `a review can only be rearranged within its statutory timescale: it is due by ${review.due}, so the latest `
        + `meeting date is ${calendar.lastWorkingDayOnOrBefore(review.due)}, not ${newDate}. Only the IRO can agree a later `
        + 'date, recording the exceptional circumstances', 'newDate');
    }
    prompts.push({ rule: 'OX-S01', action: 'record_exceptional_circumstances', notify: 'iro',
      message: `the review will be held after its due date of ${review.due}; the IRO agreed because: ${override}` });
  }

  const windowKind = context.policy?.postponementWindow ?? 'performance_year';
  const isPostponement = newDate > review.scheduled;
  const postponement: Postponement | undefined = isPostponement
    ? { originalDate: review.scheduled, newDate, reason } : undefined;
  const window = postponementWindow(review.scheduled, windowKind);
  const earlierInWindow = (context.earlierPostponements ?? [])
    .filter((p) => p.originalDate >= window.from && p.originalDate <= window.to).length;
  const postponementsInWindow = isPostponement ? earlierInWindow + 1 : 0;
  if (review.kind === 'looked-after' && postponementsInWindow > 1) {
    const span = windowKind === 'performance_year' ? `the performance year ${window.from} to ${window.to}` : `the 12 months to ${window.to}`;
    prompts.push({ rule: 'OX-S14', action: 'refer_to_sm_qa', notify: 'sm_quality_assurance',
      message: `${postponementsInWindow} postponements in ${span}: refer to the Service Manager, Quality Assurance (AMB-44)` });
  }
  if (reason === 'lack_of_preparation' && context.policy?.lackOfPreparationPromptsAlert) {
    prompts.push({ rule: 'AMB-46', action: 'prompt_practice_alert', notify: 'iro',
      message: 'the review could not go ahead for lack of preparation: consider raising a practice alert' });
  }
  const closed = describeNonWorkingDay(calendar, newDate);
  return {
    ok: true,
    value: {
      review: { ...review, scheduled: newDate },
      ...(postponement ? { postponement } : {}),
      postponementsInWindow,
      window: { kind: windowKind, ...window },
      prompts,
      warnings: closed ? [`the new date ${newDate} is ${closed}`] : [],
    },
  };
}
