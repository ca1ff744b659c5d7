/**
 * Wall-clock time in a time zone, for the working calendar and for what cards show. A zone's
 * offset from UTC comes from the runtime's time zone data (through @date-fns/tz's `tzOffset`),
 * asked once per quarter hour of UTC and remembered: today's zones change their offsets on
 * quarter hours of UTC, so one answer holds for the whole quarter. Where the offset differs
 * between a quarter's first and last millisecond (a change at another instant, as in the
 * nineteenth century's local mean times), nothing is remembered for that quarter and each instant
 * in it is asked about on its own. Pure: the same instant always gives the same answer, and
 * nothing here reads the clock.
 */
import { tzOffset } from '@date-fns/tz';
import { InvalidInputError } from '../errors.js';

const QUARTER_HOUR_MS = 15 * 60_000;
/** Quarter hours remembered per zone (about three years' worth); past it, the memory starts again. */
const QUARTERS_KEPT = 100_000;
const offsets = new Map<string, Map<number, number>>();

/** Minutes the zone is ahead of UTC at the instant (60 for London in summer); throws for an unknown zone. */
export function zoneOffsetMinutes(timeZone: string, instantMs: number): number {
  const quarter = Math.floor(instantMs / QUARTER_HOUR_MS);
  let zone = offsets.get(timeZone);
  const known = zone?.get(quarter);
  if (known !== undefined) return known;
  const first = tzOffset(timeZone, new Date(quarter * QUARTER_HOUR_MS));
  const last = tzOffset(timeZone, new Date((quarter + 1) * QUARTER_HOUR_MS - 1));
  if (Number.isNaN(first) || Number.isNaN(last)) {
    throw new InvalidInputError(`time zone "${timeZone}" is not an IANA time zone: use a name such as Europe/London`, 'timeZone');
  }
  if (first !== last) return tzOffset(timeZone, new Date(instantMs));
  if (zone === undefined) offsets.set(timeZone, (zone = new Map()));
  if (zone.size >= QUARTERS_KEPT) zone.clear();
  zone.set(quarter, first);
  return first;
}

/** The fields of a wall clock: month 1 to 12, weekday 1 (Monday) to 7 (Sunday). */
export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly weekday: number;
}

/** What a clock on the wall in the zone showed at the instant. */
export function wallClockOf(timeZone: string, instant: Date): WallClock {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new InvalidInputError('the instant is not a valid time', 'instant');
  const shifted = new Date(ms + zoneOffsetMinutes(timeZone, ms) * 60_000);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    weekday: ((shifted.getUTCDay() + 6) % 7) + 1,
  };
}
