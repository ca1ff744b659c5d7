import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createWorkingCalendar, type WorkingCalendar } from '../../domain/calendar/index.js';
import type { ReviewOutcome, ReviewPrompt } from '../../domain/reviews/index.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliIO } from './command.js';

/** Options every date command takes. */
export const COMMON_OPTIONS = {
  json: { type: 'boolean', default: false },
  'closure-days': { type: 'string', multiple: true },
} as const;

/** `--kind` spellings: the two review kinds. */
export const REVIEW_KINDS = { 'looked-after': 'looked-after', 'foster-carer': 'foster-carer' } as const;

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses `--options` only (plus --json and --closure-days); a stray argument is refused by parseArgs
 * with ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL, which the dispatcher reports with the usage.
 */
export function parseOptions<const O extends Options>(args: string[], options: O) {
  return parseArgs({ args, strict: true, allowPositionals: false, options: { ...COMMON_OPTIONS, ...options } }).values;
}

/** `--x a,b --x c` -> [a, b, c]; blanks dropped. */
export function listOption(values: readonly string[] | string | undefined): string[] {
  const all = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  return all.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** The England & Wales working calendar plus any `--closure-days`. */
export function calendarFrom(closureDays: readonly string[] | undefined): WorkingCalendar {
  return createWorkingCalendar({ closureDays: listOption(closureDays) });
}

/** An optional whole-number option, e.g. `--feedback-lead-weeks 4`. */
export function wholeNumberOption(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${option} must be a whole number, not "${value}"`);
  return Number(value);
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

/**
 * Prints a domain outcome: the value (exit 0), or the refusal with its rule (exit 1, since the
 * command line was fine but the rules say no). JSON goes to stdout either way.
 */
export function printOutcome<T>(
  io: CliIO, json: boolean, outcome: ReviewOutcome<T>, text: (value: T) => string,
): number {
  if (outcome.ok) {
    if (json) writeJson(io, { ok: true, ...outcome.value });
    else io.out(text(outcome.value));
    return EXIT_OK;
  }
  if (json) writeJson(io, outcome);
  else io.err(`refused (${outcome.rule}): ${outcome.message}`);
  return EXIT_FAILURE;
}

export function promptLines(prompts: readonly ReviewPrompt[], warnings: readonly string[]): string[] {
  return [
    ...prompts.map((p) => `${p.rule}: ${p.message}${p.notify ? ` (notify ${p.notify})` : ''}`),
    ...warnings.map((w) => `warning: ${w}`),
  ];
}
