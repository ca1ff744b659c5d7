/** Dates and times as people in England read them: always Europe/London, whatever the server. */
import { format } from 'date-fns';
import { TZDate } from '@date-fns/tz';
import type { IsoDate } from './view-models.js';

const ZONE = 'Europe/London';

function london(instant: Date): TZDate {
  return new TZDate(instant.getTime(), ZONE);
}

/** "10:42 on 3 March": when something happened. */
export function formatMoment(instant: Date): string {
  return format(london(instant), "HH:mm 'on' d MMMM");
}

/** "17:00 on Tuesday 3 March 2026": when something is due. */
export function formatDeadline(instant: Date): string {
  return format(london(instant), "HH:mm 'on' EEEE d MMMM yyyy");
}

/** "Tuesday 3 March 2026" for a civil date `YYYY-MM-DD`; anything else is shown as given. */
export function formatIsoDate(date: IsoDate): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  return format(new TZDate(Number(m[1]), Number(m[2]) - 1, Number(m[3]), ZONE), 'EEEE d MMMM yyyy');
}

/** "3 Mar 2026": a compact date for lists. */
export function formatShortDate(instant: Date): string {
  return format(london(instant), 'd MMM yyyy');
}
