import { createWorkingCalendar, type WorkingCalendar } from '../../domain/calendar/index.js';
import { UsageError, type CliIO } from './command.js';

/** Options every date command takes. */
export const COMMON_OPTIONS = {
  json: { type: 'boolean', default: false },
  'closure-days': { type: 'string', multiple: true },
} as const;

/** `--x a,b --x c` -> [a, b, c]; blanks dropped. */
export function listOption(values: readonly string[] | string | undefined): string[] {
  const all = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  return all.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** The England & Wales working calendar plus any `--closure-days`. */
export function calendarFrom(closureDays: readonly string[] | undefined): WorkingCalendar {
  return createWorkingCalendar({ closureDays: listOption(closureDays) });
}

export function required<T>(value: T | undefined, option: string): T {
  if (value === undefined) throw new UsageError(`${option} is required`);
  return value;
}

/** Picks a value from a fixed set, accepting the listed spellings; refuses anything else, naming the choices. */
export function choice<T extends string>(value: string, option: string, spellings: Readonly<Record<string, T>>): T {
  const found = spellings[value];
  if (found === undefined) {
    throw new UsageError(`${option} "${value}" is not one of: ${Object.keys(spellings).join(', ')}`);
  }
  return found;
}

export function writeJson(io: CliIO, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}
