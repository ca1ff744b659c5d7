import type { LocalDate, WorkingCalendar } from '../calendar/index.js';
import type { NextReviewDue, Offset, RelatedDeadline } from './types.js';

/** Why a day cannot hold a meeting, in words: "a Saturday", "Christmas Day (bank holiday)". */
export function describeNonWorkingDay(calendar: WorkingCalendar, date: LocalDate): string | undefined {
  const reason = calendar.nonWorkingReason(date);
  if (!reason) return undefined;
  if (reason.kind === 'weekend') {
    return `a ${new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' })}`;
  }
  if (reason.kind === 'bank-holiday') return `${reason.name ?? 'a bank holiday'} (bank holiday)`;
  return 'a local closure day';
}

/** A due date before its latest meeting date and explanation are worked out. */
export type DueParts = Omit<NextReviewDue, 'latestMeetingDate' | 'explanation' | 'related'> & {
  /** The first sentence of the explanation: the rule and its arithmetic. */
  readonly because: string;
};

/**
 * A review due "within N working days of" an event, the event's day being day 0.
 * `held` starts the sentence ("The initial review must be held"); `of` names the event.
 */
export function withinWorkingDays(
  calendar: WorkingCalendar,
  parts: Pick<DueParts, 'kind' | 'review' | 'rule' | 'anchor'> & { days: number; held: string; of: string; reading?: string },
): DueParts {
  const { days, held, of, reading, ...facts } = parts;
  const due = calendar.addWorkingDays(facts.anchor.date, days);
  const day0 = facts.anchor.date;
  return {
    ...facts, offset: { amount: days, unit: 'working-days' }, due,
    because: `${held} within ${days} working days of ${of} on ${day0} (${facts.rule}${reading ? `, ${reading}` : ''}): `
      + `counting ${day0} as day 0, working day ${days} is ${due}.`,
  };
}

/** Completes a due date with the latest meeting date and the sentence about moving back from a closed day. */
export function completeDue(calendar: WorkingCalendar, parts: DueParts, related: readonly RelatedDeadline[]): NextReviewDue {
  const latestMeetingDate = calendar.lastWorkingDayOnOrBefore(parts.due);
  const closed = describeNonWorkingDay(calendar, parts.due);
  const explanation = closed === undefined
    ? `${parts.because} The meeting can be held on any working day up to and including ${parts.due}.`
    : `${parts.because} ${parts.due} is ${closed}, so the latest working day for the meeting is ${latestMeetingDate}.`;
  const { because: _because, ...facts } = parts;
  return { ...facts, latestMeetingDate, explanation, related };
}

export function unitWords(offset: Offset): string {
  const words: Record<Offset['unit'], [string, string]> = {
    'working-days': ['working day', 'working days'],
    'calendar-days': ['day', 'days'],
    weeks: ['week', 'weeks'],
    months: ['month', 'months'],
    years: ['year', 'years'],
  };
  const [one, many] = words[offset.unit];
  return `${offset.amount} ${offset.amount === 1 ? one : many}`;
}
