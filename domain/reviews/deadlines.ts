import { addCalendarDays, type LocalDate, type WorkingCalendar } from '../calendar/index.js';
import type { ReviewDeadline, TimelineAnchorEvent, TimelineRole } from './types.js';

interface Task {
  readonly rule: string;
  readonly label: string;
  readonly responsible: TimelineRole;
  readonly note?: string;
}

type Anchor = { readonly event: TimelineAnchorEvent; readonly date: LocalDate };

/** "At least N working days before the anchor": the Nth working day before it, the anchor being day 0. */
export function workingDaysBefore(calendar: WorkingCalendar, task: Task, anchor: Anchor, days: number): ReviewDeadline {
  return {
    ...task, direction: 'before', timing: 'dated', anchor,
    date: calendar.subtractWorkingDays(anchor.date, days), offset: { amount: days, unit: 'working-days' },
  };
}

/** "Within N working days of the anchor": the end of the Nth working day after it, the anchor being day 0. */
export function workingDaysAfter(calendar: WorkingCalendar, task: Task, anchor: Anchor, days: number): ReviewDeadline {
  return {
    ...task, direction: 'after', timing: 'dated', anchor,
    date: calendar.addWorkingDays(anchor.date, days), offset: { amount: days, unit: 'working-days' },
  };
}

/**
 * Calendar weeks before (negative) or after (positive) the anchor. A date on a closed day moves back
 * to the working day before it, which still meets "at least N weeks before" and "within N weeks".
 */
export function calendarWeeks(calendar: WorkingCalendar, task: Task, anchor: Anchor, weeks: number): ReviewDeadline {
  const exact = addCalendarDays(anchor.date, weeks * 7);
  const date = calendar.lastWorkingDayOnOrBefore(exact);
  return {
    ...task, direction: weeks < 0 ? 'before' : 'after', timing: 'dated', anchor, date,
    offset: { amount: Math.abs(weeks), unit: 'weeks' },
    ...(date === exact ? {} : { movedFrom: exact }),
  };
}

export function onDay(task: Task, anchor: Anchor): ReviewDeadline {
  return { ...task, direction: 'on', timing: 'dated', anchor, date: anchor.date, offset: null };
}

export function undated(
  task: Task, direction: ReviewDeadline['direction'], timing: 'as-soon-as-possible' | 'no-timescale',
  anchor: { readonly event: TimelineAnchorEvent; readonly date: LocalDate | null },
): ReviewDeadline {
  return { ...task, direction, timing, anchor, date: null, offset: null };
}

/**
 * Date order; an undated "as soon as possible" task comes first, one with no timescale last.
 * Ties keep the order given (the order of the rules).
 */
export function inDateOrder(deadlines: readonly ReviewDeadline[]): ReviewDeadline[] {
  const key = (d: ReviewDeadline): string => d.date ?? (d.timing === 'as-soon-as-possible' ? '' : '~');
  return [...deadlines].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
