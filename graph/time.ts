/** Graph's `dateTimeTimeZone` values, to and from instants. */
import { TZDate } from '@date-fns/tz';

export interface DateTimeTimeZone {
  readonly dateTime: string;
  readonly timeZone: string;
}

/** Windows zone names Graph may return for mailboxes in Britain, mapped to IANA names. */
const WINDOWS_ZONES: Readonly<Record<string, string>> = {
  'GMT Standard Time': 'Europe/London',
  'Greenwich Standard Time': 'Etc/GMT',
  'Coordinated Universal Time': 'UTC',
  UTC: 'UTC',
};

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;

/** The instant a Graph `dateTimeTimeZone` names. Throws on a zone it cannot place. */
export function instantOf(value: DateTimeTimeZone): Date {
  const zone = WINDOWS_ZONES[value.timeZone] ?? value.timeZone;
  const m = LOCAL.exec(value.dateTime);
  if (!m) {
    const parsed = Date.parse(value.dateTime);
    if (Number.isNaN(parsed)) throw new Error(`Graph returned an unreadable date-time "${value.dateTime}"`);
    return new Date(parsed);
  }
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  let time = NaN;
  try {
    time = new TZDate(y, mo - 1, d, h, mi, s, ms, zone).getTime();
  } catch {
    // an unknown zone: reported below
  }
  if (Number.isNaN(time)) throw new Error(`Graph returned a time zone Resolve cannot place: "${value.timeZone}"`);
  return new Date(time);
}

/** An instant as a Graph `dateTimeTimeZone` in UTC. */
export function utcDateTime(at: Date): DateTimeTimeZone {
  return { dateTime: at.toISOString().replace(/Z$/, ''), timeZone: 'UTC' };
}
