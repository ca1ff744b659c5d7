import type { LocalDate, WorkingCalendar } from '../calendar/index.js';
import { InvalidInputError } from '../errors.js';
import { parseDate } from './dates.js';
import { unitWords } from './due.js';
import { fosterCarerReviewTimeline } from './foster-carer-timeline.js';
import { lookedAfterReviewTimeline } from './looked-after-timeline.js';
import type { ReviewDeadline, ReviewKind } from './types.js';

export interface BookingWindowInput {
  readonly kind: ReviewKind;
  /** The statutory due date of the review being booked. */
  readonly due: string;
  /** The day the booking is made: no preparation deadline may fall before it. */
  readonly bookingOn: string;
  /** The child's initial review, or the carer's first review. */
  readonly initial?: boolean;
}

export interface BookingWindowOptions {
  readonly calendar: WorkingCalendar;
  /** AMB-10, for foster home reviews (FC-R15). */
  readonly feedbackLeadWeeks?: number;
}

export interface BookingWindow {
  /** The first working day whose preparation deadlines all fall on or after `bookingOn`. */
  readonly earliest: LocalDate;
  /** The last working day on or before the due date. */
  readonly latest: LocalDate;
  /** Whether any day leaves room for the preparation and still meets the due date. */
  readonly feasible: boolean;
  /** The preparation rule that sets `earliest`, e.g. OX-R08a. */
  readonly limitingRule: string;
  readonly explanation: string;
}

/** A review day beyond which no search goes: the longest lead (4 weeks or 20 working days) is well inside it. */
const SEARCH_DAYS = 120;

function preparation(input: BookingWindowInput, options: BookingWindowOptions, reviewDate: LocalDate): ReviewDeadline[] {
  const timeline = input.kind === 'looked-after'
    ? lookedAfterReviewTimeline({ reviewDate, initial: input.initial ?? false }, { calendar: options.calendar })
    : fosterCarerReviewTimeline({ reviewDate }, {
      calendar: options.calendar,
      ...(options.feedbackLeadWeeks === undefined ? {} : { feedbackLeadWeeks: options.feedbackLeadWeeks }),
    });
  return timeline.deadlines.filter((d) => d.direction === 'before' && d.date !== null && d.anchor.event === 'review');
}

/**
 * The days a review can be booked on (DOMAIN.md §8.5): late enough that every preparation deadline
 * (OX-R08 to OX-R10a; FC-R15, FC-R16) is still ahead of the booking, and no later than the last
 * working day on or before the due date.
 */
export function bookingWindow(input: BookingWindowInput, options: BookingWindowOptions): BookingWindow {
  const { calendar } = options;
  const due = parseDate(input.due, 'due date', 'due');
  const bookingOn = parseDate(input.bookingOn, 'booking date', 'bookingOn');
  const latest = calendar.lastWorkingDayOnOrBefore(due);
  let candidate = calendar.nextWorkingDayOnOrAfter(bookingOn);
  for (let step = 0; step < SEARCH_DAYS; step += 1) {
    const tasks = preparation(input, options, candidate);
    const tooEarly = tasks.filter((d) => d.date! < bookingOn);
    if (tooEarly.length === 0) {
      const limiting = [...tasks].sort((a, b) => (a.date! < b.date! ? -1 : a.date! > b.date! ? 1 : 0))[0];
      const limitingRule = limiting?.rule ?? 'none';
      const feasible = candidate <= latest;
      const lead = limiting?.offset
        ? `${limiting.rule} (${limiting.label}) needs ${unitWords(limiting.offset)} before the meeting` : 'no preparation lead applies';
      return {
        earliest: candidate, latest, feasible, limitingRule,
        explanation: feasible
          ? `Book between ${candidate} and ${latest}: ${lead}, and the review is due by ${due}.`
          : `No date leaves room for the preparation: ${lead}, so the earliest date is ${candidate}, after the latest meeting `
            + `date ${latest} (due ${due}). Hold the review in time and record why the preparation was short.`,
      };
    }
    candidate = calendar.addWorkingDays(candidate, 1);
  }
  throw new InvalidInputError(`no review date within ${SEARCH_DAYS} working days of ${bookingOn} leaves room for the preparation`, 'bookingOn');
}
