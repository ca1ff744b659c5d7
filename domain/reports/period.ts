/**
 * The period a report covers (DOMAIN §5.1: "measured from 1st April to 31st March each year").
 * Both ends are civil dates and both are inside the period. Pure: no clock; "today" comes in.
 */
import { parseLocalDate, type LocalDate } from '../calendar/index.js';
import { InvalidInputError } from '../errors.js';

export interface Period {
  /** The first day of the period. */
  readonly from: LocalDate;
  /** The last day of the period (inclusive). */
  readonly to: LocalDate;
  /** How a person reads it: "2026-27", "Q1 2026-27", "April 2026", "2026-04-01 to 2026-06-30". */
  readonly label: string;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'] as const;

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}` as LocalDate;
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

function parts(date: string, field: string): [number, number, number] {
  return parseLocalDate(date, field).split('-').map(Number) as [number, number, number];
}

/** The year a performance year starts in: 1 April 2026 to 31 March 2027 starts in 2026. */
function startYearOf(date: string): number {
  const [y, m] = parts(date, 'date');
  return m >= 4 ? y : y - 1;
}

const yearLabel = (start: number) => `${start}-${pad((start + 1) % 100)}`;

/** Whether `date` lies inside `period` (both ends included). */
export function inPeriod(period: Period, date: LocalDate): boolean {
  return period.from <= date && date <= period.to;
}

/** The performance year (1 April to 31 March, §5.1) that `date` falls in, labelled e.g. "2026-27". */
export function performanceYear(date: string): Period {
  const start = startYearOf(date);
  return { from: ymd(start, 4, 1), to: ymd(start + 1, 3, 31), label: yearLabel(start) };
}

/**
 * The quarter of the performance year that `date` falls in: Q1 April to June, Q2 July to
 * September, Q3 October to December, Q4 January to March; labelled e.g. "Q4 2026-27".
 */
export function quarterOf(date: string): Period {
  const [y, m] = parts(date, 'date');
  const start = startYearOf(date);
  const quarter = m >= 4 ? Math.floor((m - 4) / 3) + 1 : 4;
  const firstMonth = ((quarter - 1) * 3 + 3) % 12 + 1; // 4, 7, 10, 1
  const lastMonth = firstMonth + 2;
  return { from: ymd(y, firstMonth, 1), to: ymd(y, lastMonth, daysIn(y, lastMonth)), label: `Q${quarter} ${yearLabel(start)}` };
}

/** The calendar month `date` falls in, labelled e.g. "April 2026". */
export function monthOf(date: string): Period {
  const [y, m] = parts(date, 'date');
  return { from: ymd(y, m, 1), to: ymd(y, m, daysIn(y, m)), label: `${MONTHS[m - 1]} ${y}` };
}

/**
 * Any two dates, both inside the period. Two dates that span exactly a performance year, a quarter
 * or a month are labelled as one ("2026-27", "Q1 2026-27", "April 2026"). A date that does not
 * exist, or an end before the start, is refused with an InvalidInputError that says which and why.
 */
export function periodBetween(from: string, to: string): Period {
  const start = parseLocalDate(from, 'from');
  const end = parseLocalDate(to, 'to');
  if (end < start) {
    throw new InvalidInputError(`the period ends (${end}) before it starts (${start}): give the start date first, on or before the end date`, 'to');
  }
  const named = [performanceYear(start), quarterOf(start), monthOf(start)].find((p) => p.from === start && p.to === end);
  return named ?? { from: start, to: end, label: `${start} to ${end}` };
}

/** The performance year from 1 April to `today` (inclusive), labelled e.g. "2026-27 to 2026-10-14". */
export function performanceYearToDate(today: string): Period {
  const year = performanceYear(today);
  const end = parseLocalDate(today, 'today');
  return { from: year.from, to: end, label: `${year.label} to ${end}` };
}
