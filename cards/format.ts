/**
 * Dates and times as people in England read them: always Europe/London, whatever the server's
 * own zone, in English names ("17:00 on Tuesday 3 March 2026"). The wall clock comes from the
 * runtime's time zone data, remembered per quarter hour (domain/calendar/zone.ts); the names are
 * written here. A TZDate and date-fns `format` cost about 40 µs a date, and a card shows several.
 */
import { wallClockOf, type WallClock } from '../domain/calendar/zone.js';
import type { IsoDate } from './view-models.js';

const ZONE = 'Europe/London';
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

const two = (n: number) => String(n).padStart(2, '0');
const time = (c: WallClock) => `${two(c.hour)}:${two(c.minute)}`;
const month = (c: Pick<WallClock, 'month'>) => MONTHS[c.month - 1]!;
const longDate = (c: Pick<WallClock, 'year' | 'month' | 'day' | 'weekday'>) => `${WEEKDAYS[c.weekday - 1]!} ${c.day} ${month(c)} ${c.year}`;

/** "10:42 on 3 March": when something happened. */
export function formatMoment(instant: Date): string {
  const c = wallClockOf(ZONE, instant);
  return `${time(c)} on ${c.day} ${month(c)}`;
}

/** "17:00 on Tuesday 3 March 2026": when something is due. */
export function formatDeadline(instant: Date): string {
  const c = wallClockOf(ZONE, instant);
  return `${time(c)} on ${longDate(c)}`;
}

/** "Tuesday 3 March 2026" for a civil date `YYYY-MM-DD`; anything else (or a date that does not exist) is shown as given. */
export function formatIsoDate(date: IsoDate): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const [year, monthNumber, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const noon = new Date(Date.UTC(year, monthNumber - 1, day, 12));
  if (noon.getUTCFullYear() !== year || noon.getUTCMonth() !== monthNumber - 1 || noon.getUTCDate() !== day) return date;
  return longDate({ year, month: monthNumber, day, weekday: ((noon.getUTCDay() + 6) % 7) + 1 });
}

/** "3 Mar 2026": a compact date for lists. */
export function formatShortDate(instant: Date): string {
  const c = wallClockOf(ZONE, instant);
  return `${c.day} ${month(c).slice(0, 3)} ${c.year}`;
}
