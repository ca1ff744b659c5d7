import {
  addCalendarDays, addCalendarMonths, addCalendarYears, type LocalDate, type WorkingCalendar,
} from '../calendar/index.js';
import { assertNoneBefore, parseDate, parseDateHistory } from './dates.js';
import { completeDue, withinWorkingDays, type DueParts } from './due.js';
import type { NextReviewDue, RelatedDeadline } from './types.js';

export interface LookedAfterReviewInput {
  /** The day the child became looked after. */
  readonly becameLookedAfter: string;
  /** Days the child moved to a new placement, earliest first (not the first placement). */
  readonly placementChanges?: readonly string[];
  /** Days reviews were held so far, earliest first; the first is the initial review. */
  readonly held?: readonly string[];
}

export interface LookedAfterReviewOptions {
  readonly calendar: WorkingCalendar;
  /**
   * AMB-36: whether a review held after a placement change restarts the 91/183-day cycle.
   * Default true: the next review counts from the latest review held, whatever prompted it.
   * When false, the first review held after a placement change is taken to be the placement-change
   * review, and the cycle keeps counting from the reviews before it.
   */
  readonly placementChangeResetsCycle?: boolean;
  /**
   * CE-R03 (AMB-37): a very settled child for whom an SGO is not appropriate has annual reviews after
   * the second, with a six-monthly risk assessment (CE-R04). Default false. Turn it off again when
   * CE-R05 applies (concerns, a significant event, or transition planning with a Pathway Plan).
   */
  readonly annualReviewException?: boolean;
}

export const INITIAL_REVIEW_WORKING_DAYS = 20; // OX-R02, OX-R03
export const SECOND_REVIEW_DAYS = 91; // OX-R04
export const SUBSEQUENT_REVIEW_DAYS = 183; // OX-R05
export const NOTIFY_IRO_ADMIN_WORKING_DAYS = 2; // OX-R01

function cycleReviews(held: readonly LocalDate[], placementChanges: readonly LocalDate[], resets: boolean): LocalDate[] {
  if (resets) return [...held];
  return held.filter((date, i) => {
    if (i === 0) return true;
    const previous = held[i - 1]!;
    return !placementChanges.some((pc) => pc > previous && pc <= date);
  });
}

function annualObligation(last: LocalDate): DueParts {
  const due = addCalendarYears(last, 1);
  return {
    kind: 'looked-after', review: 'subsequent', rule: 'CE-R03',
    anchor: { event: 'previous-review', date: last }, offset: { amount: 1, unit: 'years' }, due,
    because: `Under the annual review exception (CE-R03, AMB-37) the next review is held within a year of the previous `
      + `review on ${last}: the due date is ${due}.`,
  };
}

function cycleObligation(calendar: WorkingCalendar, lac: LocalDate, cycle: readonly LocalDate[], annual: boolean): DueParts {
  const last = cycle[cycle.length - 1];
  if (last === undefined) {
    return withinWorkingDays(calendar, {
      kind: 'looked-after', review: 'initial', rule: 'OX-R02', anchor: { event: 'became-looked-after', date: lac },
      days: INITIAL_REVIEW_WORKING_DAYS, held: 'The initial review must be held', of: 'the child becoming looked after',
    });
  }
  if (cycle.length === 1) {
    const due = addCalendarDays(last, SECOND_REVIEW_DAYS);
    return {
      kind: 'looked-after', review: 'second', rule: 'OX-R04',
      anchor: { event: 'initial-review', date: last },
      offset: { amount: SECOND_REVIEW_DAYS, unit: 'calendar-days' }, due,
      because: `The second review must be held within ${SECOND_REVIEW_DAYS} days of the initial review on ${last} `
        + `(OX-R04), counted in days, not rounded to 3 months (OX-R06): ${last} + ${SECOND_REVIEW_DAYS} days is ${due}.`,
    };
  }
  if (annual) return annualObligation(last);
  const due = addCalendarDays(last, SUBSEQUENT_REVIEW_DAYS);
  return {
    kind: 'looked-after', review: 'subsequent', rule: 'OX-R05',
    anchor: { event: 'previous-review', date: last },
    offset: { amount: SUBSEQUENT_REVIEW_DAYS, unit: 'calendar-days' }, due,
    because: `The next review must be held not more than ${SUBSEQUENT_REVIEW_DAYS} days after the previous review on `
      + `${last} (OX-R05), counted in days, not rounded to 6 months (OX-R06): ${last} + ${SUBSEQUENT_REVIEW_DAYS} days is ${due}.`,
  };
}

function placementChangeObligation(calendar: WorkingCalendar, placementChange: LocalDate): DueParts {
  return withinWorkingDays(calendar, {
    kind: 'looked-after', review: 'placement-change', rule: 'OX-R03', anchor: { event: 'placement-change', date: placementChange },
    days: INITIAL_REVIEW_WORKING_DAYS, held: 'A review must be held', of: 'the new placement',
  });
}

/**
 * When the next looked-after child review is due (OX-R02 to OX-R06), from the day the child became
 * looked after, any placement changes, and the reviews held so far. The earliest obligation wins;
 * the others come back in `related`.
 */
export function nextLookedAfterReview(input: LookedAfterReviewInput, options: LookedAfterReviewOptions): NextReviewDue {
  const { calendar } = options;
  const lac = parseDate(input.becameLookedAfter, 'date the child became looked after', 'becameLookedAfter');
  const placementChanges = parseDateHistory(input.placementChanges, 'placement change date', 'placementChanges');
  assertNoneBefore(placementChanges, lac, 'placement change date', 'the date the child became looked after', 'placementChanges');
  const held = parseDateHistory(input.held, 'held review date', 'held');
  assertNoneBefore(held, lac, 'held review date', 'the date the child became looked after', 'held');

  const moves = placementChanges.filter((pc) => pc > lac);
  const cycle = cycleReviews(held, moves, options.placementChangeResetsCycle ?? true);
  const annual = options.annualReviewException ?? false;
  const candidates: DueParts[] = [cycleObligation(calendar, lac, cycle, annual)];
  const lastHeld = held[held.length - 1];
  const uncovered = moves.find((pc) => lastHeld === undefined || pc > lastHeld);
  if (uncovered !== undefined && held.length > 0) candidates.push(placementChangeObligation(calendar, uncovered));

  const [chosen, ...others] = [...candidates].sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : 0));
  const related: RelatedDeadline[] = others.map((o) => ({
    rule: o.rule, date: o.due, label: `${o.review} review due (later than the ${chosen!.review} review)`,
  }));
  const lastCycle = cycle[cycle.length - 1];
  if (annual && cycle.length >= 2 && lastCycle !== undefined) {
    related.push({
      rule: 'CE-R04', date: addCalendarMonths(lastCycle, 6),
      label: 'six-monthly risk assessment: is the annual review still appropriate? (CE-R05: revert to six-monthly if not)',
    });
  }
  if (held.length === 0) {
    related.unshift({
      rule: 'OX-R01',
      date: calendar.addWorkingDays(lac, NOTIFY_IRO_ADMIN_WORKING_DAYS),
      label: 'social worker notifies the IRO administrator that the child is looked after',
    });
  }
  return completeDue(calendar, chosen!, related);
}
