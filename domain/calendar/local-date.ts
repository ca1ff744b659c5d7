import { addMonths, addYears } from 'date-fns';
import { TZDate } from '@date-fns/tz';
import { InvalidInputError } from '../errors.js';

/**
 * A civil date (no time, no zone) written `YYYY-MM-DD`. Branded so that only
 * validated strings reach the calendar arithmetic.
 */
export type LocalDate = string & { readonly __localDate: unique symbol };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'] as const;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Parses `YYYY-MM-DD`, refusing dates that do not exist (2026-02-30) with a message that says why. */
export function parseLocalDate(input: string, field = 'date'): LocalDate {
  const m = ISO_DATE.exec(input.trim());
  if (!m) {
    throw new InvalidInputError(`${field} "${input}" is not a date: write it as YYYY-MM-DD, for example 2026-03-31`, field);
  }
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12) {
    throw new InvalidInputError(`${field} "${input}" is not a date: the month must be 01 to 12`, field);
  }
  const last = daysInMonth(year, month);
  if (day < 1 || day > last) {
    throw new InvalidInputError(
      `${field} "${input}" is not a date: ${MONTHS[month - 1]} ${year} has ${last} days`, field);
  }
  return input.trim() as LocalDate;
}

export function isLocalDate(input: unknown): input is LocalDate {
  if (typeof input !== 'string') return false;
  try {
    parseLocalDate(input);
    return true;
  } catch {
    return false;
  }
}

/** Midnight UTC of the civil date; only for arithmetic, never shown to anyone. */
function utc(date: LocalDate): TZDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new TZDate(y, m - 1, d, 'UTC');
}

function fromUtc(date: Date): LocalDate {
  return date.toISOString().slice(0, 10) as LocalDate;
}

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01: day steps are the calendar's hot path, so they stay integer arithmetic. */
function epochDay(date: LocalDate): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

function fromEpochDay(day: number): LocalDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10) as LocalDate;
}

export function addCalendarDays(date: LocalDate, days: number): LocalDate {
  return fromEpochDay(epochDay(date) + days);
}

/** Calendar-month arithmetic: 31 January + 1 month is 28 (or 29) February. */
export function addCalendarMonths(date: LocalDate, months: number): LocalDate {
  return fromUtc(addMonths(utc(date), months));
}

/** 29 February + 1 year is 28 February. */
export function addCalendarYears(date: LocalDate, years: number): LocalDate {
  return fromUtc(addYears(utc(date), years));
}

export function calendarDaysBetween(from: LocalDate, to: LocalDate): number {
  return epochDay(to) - epochDay(from);
}

/** 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(date: LocalDate): number {
  return ((((epochDay(date) + 3) % 7) + 7) % 7) + 1;
}

export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function minLocalDate(a: LocalDate, b: LocalDate): LocalDate {
  return a <= b ? a : b;
}

export function yearOf(date: LocalDate): number {
  return Number(date.slice(0, 4));
}
