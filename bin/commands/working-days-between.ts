import { parseArgs } from 'node:util';
import { parseLocalDate } from '../../domain/calendar/index.js';
import { COMMON_OPTIONS, calendarFrom, writeJson } from './args.js';
import { EXIT_OK, UsageError, type Command } from './command.js';

/** `resolve working-days-between A B`: working days in (A, B], negative when B is before A. */
export const workingDaysBetweenCommand: Command = {
  name: 'working-days-between',
  summary: 'how many working days from one date to another (the first day not counted)',
  usage: 'resolve working-days-between <YYYY-MM-DD> <YYYY-MM-DD> [--closure-days D1,D2] [--json]',
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: COMMON_OPTIONS });
    if (positionals.length !== 2) throw new UsageError(`expected two dates, got ${positionals.length} argument(s)`);
    const from = parseLocalDate(positionals[0]!, 'from');
    const to = parseLocalDate(positionals[1]!, 'to');
    const workingDays = calendarFrom(values['closure-days']).workingDaysBetween(from, to);
    if (values.json) writeJson(io, { from, to, workingDays });
    else io.out(String(workingDays));
    return EXIT_OK;
  },
};
