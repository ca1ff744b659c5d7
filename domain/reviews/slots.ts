/**
 * Choosing times for a review meeting (DOMAIN.md §8.5; DESIGN.md "Booking"): Graph's
 * findMeetingTimes is delegated-only, so Resolve reads free/busy itself (getSchedule or `.ics`
 * files) and chooses the slots here, with no I/O and no clock: the caller passes `now`.
 *
 * A slot is offered only on a working day of the authority's calendar (AMB-07: Monday to Friday,
 * no England & Wales bank holiday, no local closure day), wholly inside working hours in the
 * calendar's zone (so 09:00 is 09:00 in London on both sides of the clock change), starting on the
 * granularity grid counted from the start of working hours, not before `now` (nor before the
 * booking window's earliest day), and ending by the end of working hours on the latest meeting
 * date (the last working day on or before the statutory due date, OX-S01). Offered slots never
 * overlap one another: three times in one morning are one choice, not three.
 */
import { format } from 'date-fns';
import { TZDate } from '@date-fns/tz';
import { addCalendarDays, calendarDaysBetween, type LocalDate, type WorkingCalendar } from '../calendar/index.js';
import { InvalidInputError } from '../errors.js';
import { parseDate } from './dates.js';

/** A busy time from free/busy: half-open, so a meeting may start the minute another ends. */
export interface BusyTime {
  /** A Date, or an ISO instant with `Z` or an offset (a bare local time would depend on the server's zone). */
  readonly start: Date | string;
  readonly end: Date | string;
}

export interface SlotAttendee {
  /** The attendee's email address; named as given in the result. Compared case-insensitively. */
  readonly id: string;
  readonly required: boolean;
  /** Only the times the caller counts as busy (whether `tentative` counts is the caller's decision). */
  readonly busy: readonly BusyTime[];
}

export interface SlotRequest {
  /** Someone listed twice counts once, required if either entry is. */
  readonly attendees: readonly SlotAttendee[];
  /** The clock reading: no slot starts before it. */
  readonly now: Date | string;
  /** The booking window's earliest day (`bookingWindow().earliest`), if later than today. */
  readonly earliestDate?: string;
  /** The last day a meeting may be held: the last working day on or before the due date. */
  readonly latestMeetingDate: string;
}

export interface WorkingHours {
  /** `HH:MM`, 24-hour, local time in the calendar's zone. */
  readonly start: string;
  readonly end: string;
}

/**
 * How to rank slots that are equally good for attendance:
 * - `soonest`: the earliest first (the issue's default);
 * - `one-per-day`: the earliest first, but no two on the same day while other days have room, so a
 *   carer or parent who cannot do one day still has a choice; same-day slots fill in only when
 *   there are too few days. Attendance still outranks the day: a second time on one day that suits
 *   everyone comes before a time on another day that an optional attendee would miss.
 */
export const SLOT_ORDERS = ['soonest', 'one-per-day'] as const;
export type SlotOrder = (typeof SLOT_ORDERS)[number];

export interface SlotOptions {
  /** The authority's working calendar; its time zone is the zone of the working hours. */
  readonly calendar: WorkingCalendar;
  /** Default 09:00 to 17:00. */
  readonly workingHours?: WorkingHours;
  /** Default 90. */
  readonly meetingMinutes?: number;
  /** Slots start every this many minutes from the start of working hours. Default 30. */
  readonly granularityMinutes?: number;
  /** How many slots to offer. Default 3. */
  readonly count?: number;
  /** Default `soonest`. */
  readonly order?: SlotOrder;
}

export const DEFAULT_WORKING_HOURS: WorkingHours = { start: '09:00', end: '17:00' };
export const DEFAULT_MEETING_MINUTES = 90;
export const DEFAULT_GRANULARITY_MINUTES = 30;
export const DEFAULT_SLOT_COUNT = 3;

export interface OfferedSlot {
  readonly start: Date;
  readonly end: Date;
  /** Optional attendees busy at this time, as named in the request; empty when everyone can come. */
  readonly missingOptional: readonly string[];
}

/** A slot offered although some required attendees are busy: only in a `none` result. */
export interface FallbackSlot extends OfferedSlot {
  /** Never empty. */
  readonly missingRequired: readonly string[];
}

export type NoSlotReason =
  /** No slot of the meeting's length lies in working hours between the earliest moment and the latest meeting date. */
  | { readonly kind: 'window-empty' }
  /**
   * Every slot has at least one required attendee busy. `fullyBooked` names the required
   * attendees busy for every slot in the window; it is empty when each is free at some time but
   * never all together.
   */
  | { readonly kind: 'required-busy'; readonly fullyBooked: readonly string[] };

/**
 * What the search found, best slot first.
 * - `everyone-free`: every attendee, required and optional, is free for every slot. There are
 *   fewer than `count` slots only when the window holds no more for the required attendees.
 * - `optional-missing`: fewer than `count` slots suit everyone, so they are followed by slots free
 *   for every required attendee, fewest optional attendees missing first, each naming who would
 *   miss it (`missingOptional`, the union in `missing`).
 * - `none`: no slot before the latest meeting date has every required attendee free. `fallback`
 *   holds the slots with the fewest required attendees missing, naming them (empty when the window
 *   itself is empty); booking one is the administrator's decision, never the default.
 * Every outcome carries the instants searched: `from` (the earliest moment) to `to` (the end of
 * working hours on the latest meeting date); `to` is before `from` when the window has closed.
 */
export type SlotSearch =
  | {
    readonly outcome: 'everyone-free';
    readonly slots: readonly OfferedSlot[];
    readonly window: SearchedWindow;
  }
  | {
    readonly outcome: 'optional-missing';
    readonly slots: readonly OfferedSlot[];
    readonly missing: readonly string[];
    readonly explanation: string;
    readonly window: SearchedWindow;
  }
  | {
    readonly outcome: 'none';
    readonly reason: NoSlotReason;
    readonly fallback: readonly FallbackSlot[];
    readonly explanation: string;
    readonly window: SearchedWindow;
  };

export interface SearchedWindow {
  readonly from: Date;
  readonly to: Date;
}

/** No review is booked further ahead than this; a longer search is a mistake in the dates. */
const MAX_SEARCH_DAYS = 731;
const MINUTE = 60_000;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const HAS_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i;

interface Attendee {
  readonly id: string;
  readonly required: boolean;
  /** Merged busy intervals [start, end) in epoch ms, sorted and disjoint. */
  readonly busy: readonly (readonly [number, number])[];
}

interface Candidate {
  readonly start: number;
  readonly end: number;
  readonly day: LocalDate;
  readonly missingRequired: readonly string[];
  readonly missingOptional: readonly string[];
}

function instant(value: Date | string, label: string, field: string): number {
  if (typeof value === 'string' && !HAS_ZONE.test(value.trim())) {
    throw new InvalidInputError(
      `${label} "${value}" has no time zone: write it as an ISO instant with Z or an offset, e.g. 2026-03-31T09:00:00Z`, field);
  }
  const ms = typeof value === 'string' ? Date.parse(value) : value instanceof Date ? value.getTime() : NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidInputError(`${label} "${String(value)}" is not a time: give a Date or an ISO instant`, field);
  }
  return ms;
}

function minutesOf(hhmm: string, label: string): number {
  const m = HH_MM.exec(hhmm);
  if (!m) throw new InvalidInputError(`${label} "${hhmm}" must be HH:MM in 24-hour time, e.g. 09:00`, 'workingHours');
  return Number(m[1]) * 60 + Number(m[2]);
}

function positiveWhole(value: number, label: string, field: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidInputError(`${label} must be a whole number of 1 or more, not ${value}`, field);
  }
  return value;
}

/** The instant a local wall-clock time on `day` names in `timeZone`. */
function at(day: LocalDate, minutes: number, timeZone: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new TZDate(y, m - 1, d, Math.floor(minutes / 60), minutes % 60, 0, timeZone).getTime();
}

function mergeAttendees(attendees: readonly SlotAttendee[]): Attendee[] {
  const byKey = new Map<string, { id: string; required: boolean; busy: [number, number][] }>();
  attendees.forEach((a, i) => {
    if (typeof a.id !== 'string' || a.id.trim() === '') {
      throw new InvalidInputError(`attendee ${i + 1} has no id: give their email address`, 'attendees');
    }
    const key = a.id.trim().toLowerCase();
    const entry = byKey.get(key) ?? { id: a.id.trim(), required: false, busy: [] };
    entry.required ||= a.required;
    for (const b of a.busy) {
      const start = instant(b.start, `a busy time of ${entry.id} starts at`, 'busy');
      const end = instant(b.end, `a busy time of ${entry.id} ends at`, 'busy');
      if (end < start) {
        throw new InvalidInputError(
          `a busy time of ${entry.id} ends (${new Date(end).toISOString()}) before it starts (${new Date(start).toISOString()})`, 'busy');
      }
      if (end > start) entry.busy.push([start, end]);
    }
    byKey.set(key, entry);
  });
  return [...byKey.values()].map(({ id, required, busy }) => {
    busy.sort((x, y) => x[0] - y[0]);
    const merged: [number, number][] = [];
    for (const [s, e] of busy) {
      const last = merged[merged.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else merged.push([s, e]);
    }
    return { id, required, busy: merged };
  });
}

/** Whether [start, end) meets any of the sorted, disjoint intervals. */
function overlapsAny(busy: readonly (readonly [number, number])[], start: number, end: number): boolean {
  let lo = 0;
  let hi = busy.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (busy[mid]![1] <= start) lo = mid + 1;
    else hi = mid;
  }
  const first = busy[lo];
  return first !== undefined && first[0] < end;
}

function when(ms: number, timeZone: string): string {
  return format(new TZDate(ms, timeZone), 'EEE d MMM yyyy HH:mm');
}

function list(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Takes slots in rank order that overlap none already chosen (and, for one-per-day, share no day with one until days run out). */
function choose<T extends Candidate>(ranked: readonly T[], chosen: Candidate[], count: number, order: SlotOrder): T[] {
  const taken: T[] = [];
  const passes = order === 'one-per-day' ? [true, false] : [false];
  for (const distinctDays of passes) {
    for (const c of ranked) {
      if (chosen.length >= count) return taken;
      if (chosen.some((o) => c.start < o.end && o.start < c.end)) continue;
      if (distinctDays && chosen.some((o) => o.day === c.day)) continue;
      chosen.push(c);
      taken.push(c);
    }
  }
  return taken;
}

const byTime = (a: Candidate, b: Candidate): number => a.start - b.start;

function offered(c: Candidate): OfferedSlot {
  return { start: new Date(c.start), end: new Date(c.end), missingOptional: c.missingOptional };
}

/**
 * The best times for a review meeting (DOMAIN.md §8.5), as a {@link SlotSearch}. Throws
 * InvalidInputError, naming the field, for input it cannot use: a meeting longer than the working
 * day, working hours that end before they start, a busy time with no zone, a search over two years.
 */
export function findReviewSlots(request: SlotRequest, options: SlotOptions): SlotSearch {
  const { calendar } = options;
  const timeZone = calendar.timeZone;
  const hours = options.workingHours ?? DEFAULT_WORKING_HOURS;
  const dayStart = minutesOf(hours.start, 'the start of working hours');
  const dayEnd = minutesOf(hours.end, 'the end of working hours');
  if (dayEnd <= dayStart) {
    throw new InvalidInputError(
      `working hours ${hours.start} to ${hours.end} end before they start: give the start first, e.g. 09:00 to 17:00`, 'workingHours');
  }
  const meeting = positiveWhole(options.meetingMinutes ?? DEFAULT_MEETING_MINUTES, 'the meeting length in minutes', 'meetingMinutes');
  if (meeting > dayEnd - dayStart) {
    throw new InvalidInputError(
      `a ${meeting}-minute meeting does not fit in the working day (${hours.start} to ${hours.end}, ${dayEnd - dayStart} minutes): `
      + 'shorten the meeting or lengthen the working hours', 'meetingMinutes');
  }
  const step = positiveWhole(options.granularityMinutes ?? DEFAULT_GRANULARITY_MINUTES, 'the slot granularity in minutes', 'granularityMinutes');
  const count = positiveWhole(options.count ?? DEFAULT_SLOT_COUNT, 'the number of slots', 'count');
  const order = options.order ?? 'soonest';
  if (!SLOT_ORDERS.includes(order)) {
    throw new InvalidInputError(`slot order "${String(order)}" is not one of ${SLOT_ORDERS.join(', ')}`, 'order');
  }

  const now = instant(request.now, 'now', 'now');
  const latest = parseDate(request.latestMeetingDate, 'latest meeting date', 'latestMeetingDate');
  const earliestDate = request.earliestDate === undefined
    ? undefined : parseDate(request.earliestDate, 'earliest date', 'earliestDate');
  const from = Math.max(now, earliestDate === undefined ? -Infinity : at(earliestDate, dayStart, timeZone));
  const to = at(latest, dayEnd, timeZone);
  const window: SearchedWindow = { from: new Date(from), to: new Date(to) };
  const firstDay = calendar.localDateOf(new Date(from));
  if (calendarDaysBetween(firstDay, latest) > MAX_SEARCH_DAYS) {
    throw new InvalidInputError(
      `${firstDay} to ${latest} is more than two years: no review is booked that far ahead, so check the latest meeting date`,
      'latestMeetingDate');
  }

  const attendees = mergeAttendees(request.attendees);
  const candidates: Candidate[] = [];
  for (let day = firstDay; day <= latest; day = addCalendarDays(day, 1)) {
    if (!calendar.isWorkingDay(day)) continue;
    const open = at(day, dayStart, timeZone);
    const close = at(day, dayEnd, timeZone);
    for (let start = open; start + meeting * MINUTE <= close; start += step * MINUTE) {
      if (start < from) continue;
      const end = start + meeting * MINUTE;
      const busy = attendees.filter((a) => overlapsAny(a.busy, start, end));
      candidates.push({
        start, end, day,
        missingRequired: busy.filter((a) => a.required).map((a) => a.id),
        missingOptional: busy.filter((a) => !a.required).map((a) => a.id),
      });
    }
  }

  const chosen: Candidate[] = [];
  const everyone = choose(candidates.filter((c) => c.missingRequired.length === 0 && c.missingOptional.length === 0),
    chosen, count, order);
  const requiredFree = candidates
    .filter((c) => c.missingRequired.length === 0 && c.missingOptional.length > 0)
    .sort((a, b) => a.missingOptional.length - b.missingOptional.length || byTime(a, b));
  const withoutOptional = choose(requiredFree, chosen, count, order);

  if (withoutOptional.length > 0) {
    const missing = [...new Set(withoutOptional.flatMap((c) => c.missingOptional))];
    return {
      outcome: 'optional-missing',
      slots: [...everyone, ...withoutOptional].map(offered),
      missing,
      explanation: `${everyone.length === 0 ? 'No time' : `Only ${everyone.length} time${everyone.length === 1 ? '' : 's'}`} `
        + `before the end of ${latest} suit${everyone.length > 1 ? '' : 's'} everyone; the other times offered suit every required `
        + `attendee but not ${list(missing)}.`,
      window,
    };
  }
  if (everyone.length > 0) return { outcome: 'everyone-free', slots: everyone.map(offered), window };

  if (candidates.length === 0) {
    return {
      outcome: 'none',
      reason: { kind: 'window-empty' },
      fallback: [],
      explanation: `No ${meeting}-minute slot in working hours (${hours.start} to ${hours.end}) lies between `
        + `${when(from, timeZone)} and the end of ${latest}, the latest meeting date.`,
      window,
    };
  }
  const required = attendees.filter((a) => a.required).map((a) => a.id);
  const fullyBooked = required.filter((id) => candidates.every((c) => c.missingRequired.includes(id)));
  const fallback = choose([...candidates].sort((a, b) => a.missingRequired.length - b.missingRequired.length
    || a.missingOptional.length - b.missingOptional.length || byTime(a, b)), [], count, order)
    .map((c): FallbackSlot => ({ ...offered(c), missingRequired: c.missingRequired }));
  return {
    outcome: 'none',
    reason: { kind: 'required-busy', fullyBooked },
    fallback,
    explanation: `No time before the end of ${latest} has every required attendee free: `
      + (fullyBooked.length > 0
        ? `${list(fullyBooked)} ${fullyBooked.length === 1 ? 'is' : 'are'} busy throughout ${when(from, timeZone)} to ${when(to, timeZone)}.`
        : `${list(required)} are never free together.`)
      + ' The times offered miss the fewest required attendees, named with each.',
    window,
  };
}
