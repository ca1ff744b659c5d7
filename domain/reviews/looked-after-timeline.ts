import type { WorkingCalendar } from '../calendar/index.js';
import { InvalidInputError } from '../errors.js';
import { parseDate } from './dates.js';
import { inDateOrder, onDay, undated, workingDaysAfter, workingDaysBefore } from './deadlines.js';
import { describeNonWorkingDay } from './due.js';
import type { ReviewDeadline, ReviewTimeline, TimelineRole } from './types.js';

/** AMB-41: OX-R14 distribution counts from the review date, or from completion of the full record. */
export const DISTRIBUTION_ANCHORS = ['review_date', 'full_record_completed'] as const;
export type DistributionAnchor = (typeof DISTRIBUTION_ANCHORS)[number];

export interface LookedAfterTimelineInput {
  /** The booked review meeting. */
  readonly reviewDate: string;
  /** The child's initial review (AMB-35: consultation is then as soon as possible after appointment). */
  readonly initial?: boolean;
  /** When the team manager received the decisions (OX-R16); default the OX-R12 circulation deadline. */
  readonly decisionsReceived?: string;
  /** When the full record was completed; read only with distributionAnchor full_record_completed; default the OX-R13 deadline. */
  readonly fullRecordCompleted?: string;
}

export interface LookedAfterTimelineOptions {
  readonly calendar: WorkingCalendar;
  /** Default review_date. */
  readonly distributionAnchor?: DistributionAnchor;
  /** AMB-42: who sends invitations and distributes the record. Default business_support. */
  readonly administrator?: TimelineRole;
}

const CONSULTATION_WD = 20; // OX-R08a/b
const INVITATIONS_WD = 10; // OX-R09a
const REPORTS_WD = 3; // OX-R10a
const DECISIONS_WD = 5; // OX-R12
const TM_RESPONSE_WD = 5; // OX-R16, OX-R17
const CARE_PLAN_WD = 10; // OX-R19
const FULL_RECORD_WD = 15; // OX-R13
const DISTRIBUTION_WD = 20; // OX-R14

const CONSULT_A = { rule: 'OX-R08a', responsible: 'social_worker', label: 'social worker discusses with the child who should attend and where the meeting is held' } as const;
const CONSULT_B = { rule: 'OX-R08b', responsible: 'social_worker', label: 'social worker discusses the purpose of the review with the child, parents and carers, and consults the child about invitations' } as const;

/** Every preparation and follow-up deadline around a booked looked-after child review (DOMAIN.md §4.5). */
export function lookedAfterReviewTimeline(input: LookedAfterTimelineInput, options: LookedAfterTimelineOptions): ReviewTimeline {
  const { calendar } = options;
  const admin = options.administrator ?? 'business_support';
  const reviewDate = parseDate(input.reviewDate, 'review date', 'reviewDate');
  const review = { event: 'review', date: reviewDate } as const;

  const consultation: ReviewDeadline[] = input.initial
    ? [CONSULT_A, CONSULT_B].map((task) => undated(
      { ...task, note: 'initial review: the 20-working-day lead cannot be met, so consult as soon as possible after the IRO is appointed (AMB-35)' },
      'before', 'as-soon-as-possible', { event: 'appointment', date: null }))
    : [workingDaysBefore(calendar, CONSULT_A, review, CONSULTATION_WD), workingDaysBefore(calendar, CONSULT_B, review, CONSULTATION_WD)];

  const decisions = workingDaysAfter(calendar,
    { rule: 'OX-R12', responsible: 'iro', label: 'IRO circulates the written decisions and recommendations to all participants and the designated senior manager' },
    review, DECISIONS_WD);
  const receivedOn = input.decisionsReceived === undefined
    ? decisions.date! : parseDate(input.decisionsReceived, 'date the decisions were received', 'decisionsReceived');
  if (receivedOn < reviewDate) {
    throw new InvalidInputError(`the decisions cannot be received (${receivedOn}) before the review (${reviewDate})`, 'decisionsReceived');
  }
  const received = { event: 'decisions-received', date: receivedOn } as const;
  const tmResponse = workingDaysAfter(calendar,
    { rule: 'OX-R16', responsible: 'team_manager', label: 'team manager considers the decisions and tells the IRO and attendees in writing of any disagreement' },
    received, TM_RESPONSE_WD);
  const fullRecord = workingDaysAfter(calendar,
    { rule: 'OX-R13', responsible: 'iro', label: 'IRO completes the full written record of the review' }, review, FULL_RECORD_WD);

  const distributionFromRecord = options.distributionAnchor === 'full_record_completed';
  const completedOn = !distributionFromRecord || input.fullRecordCompleted === undefined
    ? fullRecord.date! : parseDate(input.fullRecordCompleted, 'date the full record was completed', 'fullRecordCompleted');
  if (completedOn < reviewDate) {
    throw new InvalidInputError(`the full record cannot be completed (${completedOn}) before the review (${reviewDate})`, 'fullRecordCompleted');
  }
  const distribution = workingDaysAfter(calendar,
    { rule: 'OX-R14', responsible: admin, label: 'copies of the record sent to everyone who gave a full name and address on the attendance sheet',
      note: distributionFromRecord ? 'counted from completion of the full record (AMB-41)' : 'counted from the review date (AMB-41 default)' },
    distributionFromRecord ? { event: 'full-record-completed', date: completedOn } : review, DISTRIBUTION_WD);

  const deadlines: ReviewDeadline[] = [
    ...consultation,
    workingDaysBefore(calendar, { rule: 'OX-R09a', responsible: admin, label: 'invitations and consultation documents sent to everyone taking part' }, review, INVITATIONS_WD),
    workingDaysBefore(calendar, { rule: 'OX-R10a', responsible: 'social_worker', label: "social worker's report and the care plan (or pathway plan) to the IRO" }, review, REPORTS_WD),
    onDay({ rule: 'OX-R07', responsible: 'iro', label: 'review held; the IRO sets the date, time and venue of the next review' }, review),
    decisions,
    tmResponse,
    workingDaysAfter(calendar, { rule: 'OX-R17', responsible: 'social_worker', label: 'with no response from the team manager by the end of this day, the decisions are deemed agreed and are implemented' },
      received, TM_RESPONSE_WD),
    workingDaysAfter(calendar, { rule: 'OX-R19', responsible: 'social_worker', label: 'social worker updates the care plan for the changes agreed at the review' }, review, CARE_PLAN_WD),
    fullRecord,
    distribution,
  ];
  const warnings: string[] = [];
  const closed = describeNonWorkingDay(calendar, reviewDate);
  if (closed) warnings.push(`the review date ${reviewDate} is ${closed}, not a working day`);
  return { kind: 'looked-after', reviewDate, deadlines: inDateOrder(deadlines), warnings };
}
