import {
  addCalendarMonths, addCalendarYears, type LocalDate, type WorkingCalendar,
} from '../calendar/index.js';
import { InvalidInputError } from '../errors.js';
import { assertNoneBefore, parseDate, parseDateHistory } from './dates.js';
import { completeDue, withinWorkingDays, type DueParts } from './due.js';
import type { NextReviewDue, RelatedDeadline } from './types.js';

/**
 * AMB-38: which rule sets a foster carer's first review.
 * statutory_12m: not more than a year after approval (FC-R01; Somerset);
 * best_practice_min: the sooner of 6 months after the first child is placed and 11 months after approval (FC-R04);
 * local_6m: 6 months after approval (FC-R03; Dudley).
 */
export const FIRST_REVIEW_RULES = ['statutory_12m', 'best_practice_min', 'local_6m'] as const;
export type FirstReviewRule = (typeof FIRST_REVIEW_RULES)[number];

/** AMB-11: FC-R06 "consider calling a review within 20 working days" read as decide by, or hold by. */
export const INCIDENT_REVIEW_MODES = ['decide_by', 'hold_by'] as const;
export type IncidentReviewMode = (typeof INCIDENT_REVIEW_MODES)[number];

export interface FosterCarerReviewInput {
  /** The day the carer was approved. */
  readonly approved: string;
  /** Days foster home reviews were held so far, earliest first; the first is the first review. */
  readonly held?: readonly string[];
  /** The day the first child was placed; needed by the best_practice_min rule. */
  readonly firstPlacement?: string;
  /** The day a significant incident, investigation or change was raised with the reviewing officer (FC-R06). */
  readonly concernRaised?: string;
}

export interface FosterCarerReviewOptions {
  readonly calendar: WorkingCalendar;
  /** Default statutory_12m. */
  readonly firstReviewRule?: FirstReviewRule;
  /** Default decide_by. */
  readonly incidentReviewMode?: IncidentReviewMode;
}

export const INCIDENT_REVIEW_WORKING_DAYS = 20; // FC-R06

function statutoryFirst(approved: LocalDate): DueParts {
  const due = addCalendarYears(approved, 1);
  return {
    kind: 'foster-carer', review: 'first', rule: 'FC-R01',
    anchor: { event: 'approval', date: approved }, offset: { amount: 1, unit: 'years' }, due,
    because: `The first review must be held not more than a year after approval on ${approved} (FC-R01): the due date is ${due}.`,
  };
}

function firstReview(approved: LocalDate, rule: FirstReviewRule, firstPlacement: LocalDate | undefined): DueParts {
  if (rule === 'statutory_12m') return statutoryFirst(approved);
  if (rule === 'local_6m') {
    const due = addCalendarMonths(approved, 6);
    return {
      kind: 'foster-carer', review: 'first', rule: 'FC-R03',
      anchor: { event: 'approval', date: approved }, offset: { amount: 6, unit: 'months' }, due,
      because: `The local rule holds the first review 6 months after approval on ${approved} (FC-R03, AMB-38): `
        + `the due date is ${due}.`,
    };
  }
  if (firstPlacement === undefined) {
    throw new InvalidInputError(
      'the best-practice first review rule (FC-R04) needs the date the first child was placed: give firstPlacement', 'firstPlacement');
  }
  const afterPlacement = addCalendarMonths(firstPlacement, 6);
  const afterApproval = addCalendarMonths(approved, 11);
  const byPlacement = afterPlacement <= afterApproval;
  const due = byPlacement ? afterPlacement : afterApproval;
  return {
    kind: 'foster-carer', review: 'first', rule: 'FC-R04',
    anchor: byPlacement ? { event: 'first-placement', date: firstPlacement } : { event: 'approval', date: approved },
    offset: byPlacement ? { amount: 6, unit: 'months' } : { amount: 11, unit: 'months' }, due,
    because: `Best practice holds the first review within 6 months of the first placement (${afterPlacement}) or 11 months `
      + `after approval (${afterApproval}), whichever is sooner (FC-R04): the due date is ${due}.`,
  };
}

function annualReview(previous: LocalDate): DueParts {
  const due = addCalendarYears(previous, 1);
  return {
    kind: 'foster-carer', review: 'annual', rule: 'FC-R02',
    anchor: { event: 'previous-review', date: previous }, offset: { amount: 1, unit: 'years' }, due,
    because: `The next review must be held not more than a year after the previous review on ${previous} `
      + `(FC-R01, FC-R02): the due date is ${due}.`,
  };
}

function incidentReview(calendar: WorkingCalendar, concern: LocalDate): DueParts {
  return withinWorkingDays(calendar, {
    kind: 'foster-carer', review: 'significant-incident', rule: 'FC-R06', anchor: { event: 'concern-raised', date: concern },
    days: INCIDENT_REVIEW_WORKING_DAYS, held: 'A review after the concern must be held', of: 'the concern being raised',
    reading: 'read as "hold by", AMB-11',
  });
}

/**
 * When a foster carer's next review is due: the first by the chosen rule (FC-R01, FC-R03, FC-R04),
 * later ones a year after the previous (FC-R02), and a significant-incident review (FC-R06) when a
 * concern has been raised since the last review.
 */
export function nextFosterCarerReview(input: FosterCarerReviewInput, options: FosterCarerReviewOptions): NextReviewDue {
  const { calendar } = options;
  const approved = parseDate(input.approved, 'approval date', 'approved');
  const held = parseDateHistory(input.held, 'held review date', 'held');
  assertNoneBefore(held, approved, 'held review date', 'the approval date', 'held');
  const firstPlacement = input.firstPlacement === undefined
    ? undefined : parseDate(input.firstPlacement, 'first placement date', 'firstPlacement');
  if (firstPlacement !== undefined) {
    assertNoneBefore([firstPlacement], approved, 'first placement date', 'the approval date', 'firstPlacement');
  }
  const concern = input.concernRaised === undefined
    ? undefined : parseDate(input.concernRaised, 'date the concern was raised', 'concernRaised');
  if (concern !== undefined) {
    assertNoneBefore([concern], approved, 'date the concern was raised', 'the approval date', 'concernRaised');
  }

  const last = held[held.length - 1];
  const rule = options.firstReviewRule ?? 'statutory_12m';
  let chosen = last === undefined ? firstReview(approved, rule, firstPlacement) : annualReview(last);
  const related: RelatedDeadline[] = [];
  if (last === undefined && rule !== 'statutory_12m') {
    const statutory = statutoryFirst(approved);
    related.push({ rule: statutory.rule, date: statutory.due, label: 'statutory limit for the first review' });
  }

  if (concern !== undefined && (last === undefined || concern > last)) {
    const incident = incidentReview(calendar, concern);
    if ((options.incidentReviewMode ?? 'decide_by') === 'hold_by') {
      if (incident.due < chosen.due) {
        related.unshift({ rule: chosen.rule, date: chosen.due, label: `${chosen.review} review due (later than the incident review)` });
        chosen = incident;
      } else {
        related.push({ rule: incident.rule, date: incident.due, label: 'significant-incident review to be held by' });
      }
    } else {
      related.push(
        { rule: 'FC-R06', date: incident.due, label: 'decide whether to call a significant-incident review (AMB-11: decide by)' },
        { rule: 'FC-R07', date: incident.due, label: 'if the investigation is still going on, record oversight and the review plan' },
      );
    }
  }
  return completeDue(calendar, chosen, related);
}
