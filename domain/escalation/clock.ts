import { addCalendarDays, type LocalDate, type WorkingCalendar } from '../calendar/index.js';
import type { TimeSpan } from '../policies/schema.js';

/**
 * When a span measured from `start` runs out, as the end of a working day. Working days count
 * from the start's day as day 0 ("within N working days of X"). A calendar-day span that ends on
 * a weekend or holiday runs to the end of the next working day: nobody is due on a closed day.
 */
export function spanEndsAt(calendar: WorkingCalendar, start: Date, span: TimeSpan): Date {
  const day0 = calendar.localDateOf(start);
  return calendar.endOfWorkingDay(spanEndDay(calendar, day0, span));
}

export function spanEndDay(calendar: WorkingCalendar, day0: LocalDate, span: TimeSpan): LocalDate {
  return 'workingDays' in span
    ? calendar.addWorkingDays(day0, span.workingDays)
    : calendar.nextWorkingDayOnOrAfter(addCalendarDays(day0, span.calendarDays));
}

/** An officer's "by this date": the end of the last working day on or before it. */
export function byDateEndsAt(calendar: WorkingCalendar, date: LocalDate, notBefore: LocalDate): Date {
  const last = calendar.lastWorkingDayOnOrBefore(date);
  return calendar.endOfWorkingDay(last < notBefore ? calendar.nextWorkingDayOnOrAfter(notBefore) : last);
}

/** "Tuesday 3 March 2026" in the calendar's zone, for sentences a person reads. */
export function longDate(calendar: WorkingCalendar, instantOrDate: Date | LocalDate): string {
  const instant = typeof instantOrDate === 'string' ? new Date(`${instantOrDate}T12:00:00Z`) : instantOrDate;
  return new Intl.DateTimeFormat('en-GB', {
    weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: typeof instantOrDate === 'string' ? 'UTC' : calendar.timeZone,
  }).format(instant).replace(',', '');
}

/** "3 March" in the calendar's zone. */
export function shortDate(calendar: WorkingCalendar, instant: Date): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', timeZone: calendar.timeZone }).format(instant);
}
