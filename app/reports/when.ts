/**
 * When each regular report falls due, in London time across the clock change: the weekly digest
 * on a weekday at a time (default Monday 08:00; on the next working day when that day is a bank
 * holiday or a closure day), the monthly thematic report on the first working
 * day of each month, the quarterly themes report on the first working day after each quarter of
 * the performance year (April, July, October, January), and the annual report on the first working
 * day of April, after the year ends on 31 March. Working days are the calendar's (bank holidays
 * and the authority's closure days).
 */
import { TZDate } from '@date-fns/tz';
import { addCalendarDays, addCalendarMonths, isoWeekday, type LocalDate, type WorkingCalendar } from '../../domain/calendar/index.js';
import { monthOf, performanceYear, quarterOf, type Period } from '../../domain/reports/index.js';

export const REGULAR_REPORTS = ['weekly-digest', 'monthly-thematic', 'quarterly-themes', 'annual'] as const;
export type RegularReport = (typeof REGULAR_REPORTS)[number];

export const REGULAR_REPORT_LABELS: Readonly<Record<RegularReport, string>> = {
  'weekly-digest': 'Weekly digest',
  'monthly-thematic': 'Monthly thematic report',
  'quarterly-themes': 'Quarterly themes report',
  annual: 'Annual report',
};

/** `HH:MM`, 24-hour, London. */
export type WallTime = string;

/** When one regular report goes, or null when it is switched off. */
export type ReportTiming =
  | { readonly report: 'weekly-digest'; readonly weekday: number; readonly time: WallTime }
  | { readonly report: Exclude<RegularReport, 'weekly-digest'>; readonly time: WallTime };

const ZONE = 'Europe/London';

/** The instant a London wall-clock time on a day is (GMT in winter, BST in summer). */
export function londonInstant(date: LocalDate, time: WallTime): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  return new Date(new TZDate(y, m - 1, d, h, mi, 0, ZONE).getTime());
}

const firstOfMonth = (date: LocalDate): LocalDate => `${date.slice(0, 7)}-01` as LocalDate;

/** The months a report of this kind is sent in: every month, each quarter's first, or April. */
function sendsInMonth(report: Exclude<RegularReport, 'weekly-digest'>, month: number): boolean {
  if (report === 'monthly-thematic') return true;
  if (report === 'quarterly-themes') return month % 3 === 1;
  return month === 4;
}

/** The first instant strictly after `after` at which the report is due. */
export function nextDue(timing: ReportTiming, after: Date, calendar: WorkingCalendar): Date {
  const today = calendar.localDateOf(after);
  if (timing.report === 'weekly-digest') {
    // From a week back: a digest whose day was a bank holiday goes on the next working day.
    for (let i = -7; i <= 7; i++) {
      const day = addCalendarDays(today, i);
      if (isoWeekday(day) !== timing.weekday) continue;
      const at = londonInstant(calendar.nextWorkingDayOnOrAfter(day), timing.time);
      if (at.getTime() > after.getTime()) return at;
    }
    throw new Error(`no weekday ${timing.weekday} found in the weeks around ${today}`);
  }
  for (let i = 0; i <= 13; i++) {
    const month = addCalendarMonths(firstOfMonth(today), i);
    if (!sendsInMonth(timing.report, Number(month.slice(5, 7)))) continue;
    const at = londonInstant(calendar.nextWorkingDayOnOrAfter(month), timing.time);
    if (at.getTime() > after.getTime()) return at;
  }
  throw new Error(`no month found for ${timing.report} in the year after ${today}`);
}

/** What a regular report covers: its key (one report per key, ever), its first and last day. */
export interface CoveredPeriod {
  readonly key: string;
  readonly from: LocalDate;
  readonly to: LocalDate;
}

const lastDayBefore = (date: LocalDate): LocalDate => addCalendarDays(date, -1);

/**
 * The period a report due at `dueAt` covers: the digest the seven days before its day (its key is
 * its week), the monthly report the month before, the quarterly the quarter of the performance year
 * before, the annual the performance year that ended on 31 March.
 */
export function periodCovered(report: RegularReport, dueAt: Date, calendar: WorkingCalendar): CoveredPeriod {
  const day = calendar.localDateOf(dueAt);
  const month = firstOfMonth(day);
  if (report === 'weekly-digest') {
    // Keyed by the week (its Monday), so a digest moved to the Tuesday by a bank holiday is still that week's.
    const monday = addCalendarDays(day, 1 - isoWeekday(day));
    return { key: `week of ${monday}`, from: addCalendarDays(day, -7), to: lastDayBefore(day) };
  }
  const before = (period: Period): LocalDate => lastDayBefore(period.from);
  const covered = (period: Period, key = period.label): CoveredPeriod => ({ key, from: period.from, to: period.to });
  if (report === 'monthly-thematic') {
    const previous = monthOf(lastDayBefore(month));
    return covered(previous, previous.from.slice(0, 7));
  }
  if (report === 'quarterly-themes') return covered(quarterOf(before(quarterOf(day))));
  return covered(performanceYear(before(performanceYear(day))));
}
