import { calendarDaysBetween, type LocalDate } from '../calendar/index.js';
import { parseDate, parseDateHistory } from './dates.js';
import { nextFosterCarerReview, type FosterCarerReviewInput, type FosterCarerReviewOptions } from './foster-carer-due.js';
import { nextLookedAfterReview, type LookedAfterReviewInput, type LookedAfterReviewOptions } from './looked-after-due.js';
import type { NextReviewDue, ReviewOrdinal } from './types.js';

/** Whether one held review met the due date that applied when it was held (C68 counts these). */
export interface HeldReviewTimeliness {
  readonly held: LocalDate;
  readonly review: ReviewOrdinal;
  readonly rule: string;
  readonly due: LocalDate;
  readonly onTime: boolean;
  /** Calendar days after the due date; 0 when on time. */
  readonly daysLate: number;
}

function judge(held: LocalDate, due: NextReviewDue): HeldReviewTimeliness {
  const daysLate = Math.max(0, calendarDaysBetween(due.due, held));
  return { held, review: due.review, rule: due.rule, due: due.due, onTime: daysLate === 0, daysLate };
}

/**
 * Each held looked-after review measured against the due date that applied when it was held: the
 * earliest obligation from the reviews and placement changes before it (C68, OX-R02 to OX-R05).
 */
export function lookedAfterReviewHistory(input: LookedAfterReviewInput, options: LookedAfterReviewOptions): HeldReviewTimeliness[] {
  nextLookedAfterReview(input, options); // validates the whole history once, with its messages
  const held = parseDateHistory(input.held, 'held review date', 'held');
  const moves = parseDateHistory(input.placementChanges, 'placement change date', 'placementChanges');
  return held.map((date, i) => judge(date, nextLookedAfterReview({
    becameLookedAfter: input.becameLookedAfter,
    placementChanges: moves.filter((pc) => pc <= date),
    held: held.slice(0, i),
  }, options)));
}

/** Each held foster home review measured against the due date that applied when it was held (FC-R01 to FC-R06). */
export function fosterCarerReviewHistory(input: FosterCarerReviewInput, options: FosterCarerReviewOptions): HeldReviewTimeliness[] {
  nextFosterCarerReview(input, options);
  const held = parseDateHistory(input.held, 'held review date', 'held');
  const { concernRaised, ...rest } = input;
  const concern = concernRaised === undefined ? undefined : parseDate(concernRaised, 'date the concern was raised', 'concernRaised');
  return held.map((date, i) => {
    const concernBefore = concern !== undefined && concern <= date ? { concernRaised: concern } : {};
    return judge(date, nextFosterCarerReview({ ...rest, ...concernBefore, held: held.slice(0, i) }, options));
  });
}
