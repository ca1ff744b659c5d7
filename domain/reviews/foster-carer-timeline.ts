import type { LocalDate, WorkingCalendar } from '../calendar/index.js';
import { InvalidInputError } from '../errors.js';
import { parseDate } from './dates.js';
import { calendarWeeks, inDateOrder, onDay, undated, workingDaysAfter, workingDaysBefore } from './deadlines.js';
import { describeNonWorkingDay } from './due.js';
import type { ReviewDeadline, ReviewTimeline } from './types.js';

export interface FosterCarerTimelineInput {
  /** The booked foster home review. */
  readonly reviewDate: string;
  /** The carer's first review, which goes to the fostering panel (FC-R05). */
  readonly first?: boolean;
  /** The fostering panel that will consider the review, when one is booked. */
  readonly panelDate?: string;
}

export interface FosterCarerTimelineOptions {
  readonly calendar: WorkingCalendar;
  /** AMB-10: how many weeks before the review feedback is requested (FC-R15). Default 2, the source's minimum. */
  readonly feedbackLeadWeeks?: number;
  /** The reviewing officer's role: firo (Dudley) or fro (Somerset). Default firo. */
  readonly officer?: 'firo' | 'fro';
}

const CARER_ACCESS_WEEKS = 2; // FC-R16
const CASE_NOTE_WD = 5; // FC-R20
const REPORT_WD = 20; // FC-R21
const CARER_COPY_WEEKS = 4; // FC-R22
const PANEL_REPORTS_WD = 10; // FP-R01
const PANEL_AGENDA_WD = 5; // FP-R02

function panelDeadlines(calendar: WorkingCalendar, input: FosterCarerTimelineInput, reviewDate: LocalDate): ReviewDeadline[] {
  const reports = { rule: 'FP-R01', responsible: 'supervising_social_worker', label: 'reports sent to the Panel Administrator' } as const;
  const agenda = { rule: 'FP-R02', responsible: 'panel_administrator', label: 'agenda agreed with the Chair and sent to panel members' } as const;
  if (input.panelDate === undefined) {
    if (!input.first) return [];
    const note = 'dated once the panel is booked';
    return [
      undated({ rule: 'FC-R24', responsible: 'supervising_social_worker', label: 'book a fostering panel date (automatic for a first review, FC-R05)' },
        'after', 'no-timescale', { event: 'review', date: reviewDate }),
      undated({ ...reports, note }, 'before', 'no-timescale', { event: 'panel', date: null }),
      undated({ ...agenda, note }, 'before', 'no-timescale', { event: 'panel', date: null }),
    ];
  }
  const panelDate = parseDate(input.panelDate, 'panel date', 'panelDate');
  if (panelDate < reviewDate) {
    throw new InvalidInputError(`the panel (${panelDate}) cannot consider a review held later (${reviewDate}): give a panel date on or after the review`, 'panelDate');
  }
  const panel = { event: 'panel', date: panelDate } as const;
  return [
    workingDaysBefore(calendar, reports, panel, PANEL_REPORTS_WD),
    workingDaysBefore(calendar, agenda, panel, PANEL_AGENDA_WD),
    onDay({ rule: input.first ? 'FC-R05' : 'FC-R10', responsible: 'supervising_social_worker',
      label: input.first ? 'first review presented to the fostering panel' : 'review presented to the fostering panel' }, panel),
  ];
}

function feedbackLead(weeks: number | undefined): number {
  const lead = weeks ?? 2;
  if (!Number.isInteger(lead) || lead < 2) {
    throw new InvalidInputError(
      `the feedback lead must be a whole number of weeks, at least 2 (FC-R15 "no less than 2 weeks"), not ${lead}`, 'feedbackLeadWeeks');
  }
  return lead;
}

/** Every preparation and follow-up deadline around a booked foster home review (DOMAIN.md §4.6, §4.7). */
export function fosterCarerReviewTimeline(input: FosterCarerTimelineInput, options: FosterCarerTimelineOptions): ReviewTimeline {
  const { calendar } = options;
  const officer = options.officer ?? 'firo';
  const lead = feedbackLead(options.feedbackLeadWeeks);
  const reviewDate = parseDate(input.reviewDate, 'review date', 'reviewDate');
  const review = { event: 'review', date: reviewDate } as const;

  const report = workingDaysAfter(calendar,
    { rule: 'FC-R21', responsible: officer, label: 'completed review report, recommendations and signature sheet on the case record' }, review, REPORT_WD);
  const carerCopy = calendarWeeks(calendar,
    { rule: 'FC-R22', responsible: 'business_support', label: 'full copy of the review emailed to the carers' }, review, CARER_COPY_WEEKS);
  const deadlines: ReviewDeadline[] = [
    calendarWeeks(calendar, { rule: 'FC-R15', responsible: 'business_support',
      label: "feedback requested from each placed child's social worker, the carer, the child's IRO and the child",
      ...(lead === 2 ? {} : { note: `lead set to ${lead} weeks (AMB-10)` }) }, review, -lead),
    calendarWeeks(calendar, { rule: 'FC-R16', responsible: 'supervising_social_worker',
      label: 'carers can see the reports prepared for the review (without confidential third-party information)' }, review, -CARER_ACCESS_WEEKS),
    onDay({ rule: 'FC-R19', responsible: officer, label: 'review held; recommendations shared at the meeting' }, review),
    workingDaysAfter(calendar, { rule: 'FC-R20', responsible: officer, label: "recommendations recorded as a case note on the carer's record" }, review, CASE_NOTE_WD),
    report,
    carerCopy,
    undated({ rule: 'FC-R26', responsible: officer, label: 'quality of practice questionnaire completed; raise a QoP alert if it finds issues',
      note: 'the source gives no timescale: after the review' }, 'after', 'no-timescale', review),
    ...panelDeadlines(calendar, input, reviewDate),
  ];
  const warnings: string[] = [];
  const closed = describeNonWorkingDay(calendar, reviewDate);
  if (closed) warnings.push(`the review date ${reviewDate} is ${closed}, not a working day`);
  if (report.date! > carerCopy.date!) {
    warnings.push(`AMB-09: the report is due ${report.date} (FC-R21, 20 working days) but the carers' copy is due ${carerCopy.date} `
      + '(FC-R22, 4 weeks): complete the report by the earlier date so the copy can go out in time');
  }
  return { kind: 'foster-carer', reviewDate, deadlines: inDateOrder(deadlines), warnings };
}
