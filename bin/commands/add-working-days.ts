import { parseArgs } from 'node:util';
import { parseLocalDate } from '../../domain/calendar/index.js';
import { InvalidInputError } from '../../domain/errors.js';
import { COMMON_OPTIONS, calendarFrom, writeJson } from './args.js';
import { EXIT_OK, UsageError, type Command } from './command.js';

const USAGE = 'resolve add-working-days <YYYY-MM-DD> <N> [--before] [--closure-days D1,D2] [--json]';

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) {
    throw new InvalidInputError(`the number of working days must be a whole number, zero or more, not "${value}"`, 'days');
  }
  return Number(value);
}

/** `resolve add-working-days 2025-12-18 5` -> 2025-12-29: the Nth working day after (or before) a date, which is day 0. */
export const addWorkingDaysCommand: Command = {
  name: 'add-working-days',
  summary: 'the Nth working day after a date (day 0), or before it with --before',
  usage: USAGE,
  async run(args, io) {
    const negative = args.find((a) => /^-\d/.test(a));
    if (negative !== undefined) {
      throw new InvalidInputError(
        `the number of working days must be zero or more, not ${negative}: to count backwards, use --before`, 'days');
    }
    const { values, positionals } = parseArgs({
      args, allowPositionals: true, strict: true,
      options: { ...COMMON_OPTIONS, before: { type: 'boolean', default: false } },
    });
    if (positionals.length !== 2) {
      throw new UsageError(`expected a date and a number of working days, got ${positionals.length} argument(s)`);
    }
    const from = parseLocalDate(positionals[0]!, 'date');
    const days = parseCount(positionals[1]!);
    const calendar = calendarFrom(values['closure-days']);
    const date = values.before ? calendar.subtractWorkingDays(from, days) : calendar.addWorkingDays(from, days);
    if (values.json) writeJson(io, { from, workingDays: days, direction: values.before ? 'before' : 'after', date });
    else io.out(date);
    return EXIT_OK;
  },
};
