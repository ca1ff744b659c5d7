import type { LocalDate, WorkingCalendar } from '../calendar/index.js';
import { parseDate } from './dates.js';
import { describeNonWorkingDay } from './due.js';
import { refuse, type ReviewOutcome, type ReviewPrompt, type ScheduledReview } from './outcome.js';

export const ADJOURNMENT_MAX_WORKING_DAYS = 20; // OX-S15

export interface AdjournRequest {
  /** The day the adjourned meeting resumes. */
  readonly resumeOn: string;
}

export interface Adjournment {
  readonly review: ScheduledReview;
  /** The last day the resumed meeting could have been set for: the meeting day + 20 working days. */
  readonly latestResumeDate: LocalDate;
  readonly prompts: readonly ReviewPrompt[];
  readonly warnings: readonly string[];
}

/** The latest day an adjourned meeting may resume (OX-S15): 20 working days after it, the meeting day being day 0. */
export function latestResumeDate(calendar: WorkingCalendar, meeting: LocalDate): LocalDate {
  return calendar.addWorkingDays(meeting, ADJOURNMENT_MAX_WORKING_DAYS);
}

/**
 * Adjourns a looked-after child's review meeting held on its scheduled day (OX-S15): once only, to a
 * day no more than 20 working days later. Nothing under consideration may be implemented until the
 * review is completed (OX-S17).
 */
export function adjournReview(
  review: ScheduledReview, request: AdjournRequest, options: { readonly calendar: WorkingCalendar },
): ReviewOutcome<Adjournment> {
  const { calendar } = options;
  const resumeOn = parseDate(request.resumeOn, 'date the meeting resumes', 'resumeOn');
  if (review.kind !== 'looked-after') {
    return refuse('not-applicable', 'OX-S15',
      'adjournment is a looked-after review rule (OX-S15); a foster home review is rearranged instead');
  }
  if (review.adjourned) {
    return refuse('already-adjourned', 'OX-S15',
      `this review was already adjourned on ${review.adjourned.on}; the IRO may adjourn a review meeting once only`);
  }
  const meeting = review.scheduled;
  if (resumeOn <= meeting) {
    return refuse('not-after-meeting', 'OX-S15',
      `the meeting must resume after the adjourned meeting on ${meeting}, not on ${resumeOn}`, 'resumeOn');
  }
  const latest = latestResumeDate(calendar, meeting);
  if (resumeOn > latest) {
    return refuse('adjournment-too-long', 'OX-S15',
      `an adjournment may last no more than ${ADJOURNMENT_MAX_WORKING_DAYS} working days: the meeting on ${meeting} `
      + `must resume by ${latest}, not ${resumeOn}`, 'resumeOn');
  }
  const closed = describeNonWorkingDay(calendar, resumeOn);
  return {
    ok: true,
    value: {
      review: { ...review, scheduled: resumeOn, adjourned: { on: meeting, resumeOn } },
      latestResumeDate: latest,
      prompts: [
        { rule: 'OX-S17', action: 'implementation_freeze',
          message: `no proposal under consideration at the review adjourned on ${meeting} may be implemented until the review is completed` },
        { rule: 'OX-S16', action: 'consider_effect_of_delay',
          message: 'consider the effect of the delay on the child, and seek the wishes and feelings of the child, carer and parents' },
      ],
      warnings: closed ? [`the meeting would resume on ${resumeOn}, which is ${closed}`] : [],
    },
  };
}
