import { TZDate } from '@date-fns/tz';
import { InvalidInputError } from '../errors.js';
import { englandAndWalesBankHolidays, type Holiday } from './bank-holidays.js';
import { wallClockOf } from './zone.js';
import {
  addCalendarDays,
  isoWeekday,
  parseLocalDate,
  yearOf,
  type LocalDate,
} from './local-date.js';

export interface CalendarOptions {
  /** IANA zone in which working days begin and end. Default Europe/London. */
  readonly timeZone?: string;
  /** When a working day ends, `HH:MM` in 24-hour time. Default 17:00. */
  readonly endOfDay?: string;
  /** The authority's own closure days on top of bank holidays (e.g. a Christmas shutdown). */
  readonly closureDays?: readonly string[];
}

/** A day on which offices are shut, and why. */
export interface NonWorkingReason {
  readonly kind: 'weekend' | 'bank-holiday' | 'closure';
  readonly name?: string;
}

export interface WorkingCalendar {
  readonly timeZone: string;
  readonly endOfDay: string;
  isWorkingDay(date: LocalDate): boolean;
  /** Why the day is not a working day, or undefined when it is one. */
  nonWorkingReason(date: LocalDate): NonWorkingReason | undefined;
  /**
   * The Nth working day after `date`, which is day 0 whatever day it is. N = 0 gives `date` back.
   * "Within 5 working days of X" ends on `addWorkingDays(X, 5)`.
   */
  addWorkingDays(date: LocalDate, days: number): LocalDate;
  /** The Nth working day before `date` (day 0). "At least 10 working days before R" is `subtractWorkingDays(R, 10)`. */
  subtractWorkingDays(date: LocalDate, days: number): LocalDate;
  /** Working days in the half-open range (from, to]; negative when `to` is before `from`. */
  workingDaysBetween(from: LocalDate, to: LocalDate): number;
  nextWorkingDayOnOrAfter(date: LocalDate): LocalDate;
  lastWorkingDayOnOrBefore(date: LocalDate): LocalDate;
  /** The instant the working day `date` ends, in the calendar's zone. */
  endOfWorkingDay(date: LocalDate): Date;
  /** The deadline instant for "within N working days of `anchor`": the end of the Nth working day after it. */
  deadlineWithin(anchor: LocalDate, days: number): Date;
  /** The civil date of an instant in the calendar's zone. */
  localDateOf(instant: Date): LocalDate;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
  } catch {
    throw new InvalidInputError(
      `time zone "${timeZone}" is not an IANA time zone: use a name such as Europe/London`, 'timeZone');
  }
}

function assertCount(days: number, what: string): void {
  if (!Number.isInteger(days)) {
    throw new InvalidInputError(`${what} must be a whole number of working days, not ${days}`, 'days');
  }
  if (days < 0) {
    throw new InvalidInputError(
      `${what} must be zero or more working days, not ${days}: to count backwards, use the "before" form`, 'days');
  }
}

/** A guard against runaway walks: no statutory deadline spans more than a few years. */
const MAX_SPAN_DAYS = 366 * 20;
/** Answers a calendar remembers (steps of working days, ends of working days); past it, it starts again. */
const ANSWERS_KEPT = 20_000;

export function createWorkingCalendar(options: CalendarOptions = {}): WorkingCalendar {
  const timeZone = options.timeZone ?? 'Europe/London';
  assertTimeZone(timeZone);
  const endOfDay = options.endOfDay ?? '17:00';
  const hm = HH_MM.exec(endOfDay);
  if (!hm) {
    throw new InvalidInputError(`end of working day "${endOfDay}" must be HH:MM in 24-hour time, e.g. 17:00`, 'endOfDay');
  }
  const [endHour, endMinute] = [Number(hm[1]), Number(hm[2])];
  const closures = new Map<LocalDate, string>(
    (options.closureDays ?? []).map((d) => [parseLocalDate(d, 'closure day'), 'local closure day']),
  );
  const holidayYears = new Map<number, ReadonlyMap<LocalDate, Holiday>>();

  function holidaysOf(year: number): ReadonlyMap<LocalDate, Holiday> {
    let map = holidayYears.get(year);
    if (!map) {
      map = new Map(englandAndWalesBankHolidays(year).map((h) => [h.date, h]));
      holidayYears.set(year, map);
    }
    return map;
  }

  function nonWorkingReason(date: LocalDate): NonWorkingReason | undefined {
    if (isoWeekday(date) >= 6) return { kind: 'weekend' };
    const holiday = holidaysOf(yearOf(date)).get(date);
    if (holiday) return { kind: 'bank-holiday', name: holiday.name };
    const closure = closures.get(date);
    if (closure) return { kind: 'closure', name: closure };
    return undefined;
  }

  const isWorkingDay = (date: LocalDate): boolean => nonWorkingReason(date) === undefined;

  // Deadlines are counted from the same few dates again and again (each command recomputes its
  // case's deadlines, and cases raised on one day share them), so each answer is remembered.
  const steps = new Map<string, LocalDate>();
  const endsOfDay = new Map<LocalDate, number>();
  const remember = <K, V>(memory: Map<K, V>, key: K, value: V): V => {
    if (memory.size >= ANSWERS_KEPT) memory.clear();
    memory.set(key, value);
    return value;
  };

  function step(date: LocalDate, days: number, direction: 1 | -1): LocalDate {
    const key = `${date}${direction > 0 ? '+' : '-'}${days}`;
    return steps.get(key) ?? remember(steps, key, walk(date, days, direction));
  }

  function walk(date: LocalDate, days: number, direction: 1 | -1): LocalDate {
    let current = date;
    let remaining = days;
    let walked = 0;
    while (remaining > 0) {
      current = addCalendarDays(current, direction);
      if (isWorkingDay(current)) remaining -= 1;
      if (++walked > MAX_SPAN_DAYS) {
        throw new InvalidInputError(`${days} working days is beyond the calendar's range of 20 years`, 'days');
      }
    }
    return current;
  }

  function endOfWorkingDay(date: LocalDate): Date {
    const known = endsOfDay.get(date);
    if (known !== undefined) return new Date(known);
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return new Date(remember(endsOfDay, date, new TZDate(y, m - 1, d, endHour, endMinute, 0, timeZone).getTime()));
  }

  return {
    timeZone,
    endOfDay,
    isWorkingDay,
    nonWorkingReason,
    addWorkingDays(date, days) {
      assertCount(days, 'the number of working days to add');
      return step(date, days, 1);
    },
    subtractWorkingDays(date, days) {
      assertCount(days, 'the number of working days to go back');
      return step(date, days, -1);
    },
    workingDaysBetween(from, to) {
      if (from === to) return 0;
      const forward = from < to;
      const end = forward ? to : from;
      let current = forward ? from : to;
      let count = 0;
      let walked = 0;
      while (current < end) {
        current = addCalendarDays(current, 1);
        if (isWorkingDay(current)) count += 1;
        if (++walked > MAX_SPAN_DAYS) {
          throw new InvalidInputError(`${from} to ${to} is beyond the calendar's range of 20 years`, 'to');
        }
      }
      return forward ? count : -count;
    },
    nextWorkingDayOnOrAfter(date) {
      return isWorkingDay(date) ? date : step(date, 1, 1);
    },
    lastWorkingDayOnOrBefore(date) {
      return isWorkingDay(date) ? date : step(date, 1, -1);
    },
    endOfWorkingDay,
    deadlineWithin(anchor, days) {
      assertCount(days, 'the number of working days allowed');
      return endOfWorkingDay(step(anchor, days, 1));
    },
    localDateOf(instant) {
      if (Number.isNaN(instant.getTime())) {
        throw new InvalidInputError('the instant is not a valid time', 'instant');
      }
      const { year, month, day } = wallClockOf(timeZone, instant);
      return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` as LocalDate;
    },
  };
}
