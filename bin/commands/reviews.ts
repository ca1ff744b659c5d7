import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { createReviewBooking, DEFAULT_BOOKING_SETTINGS, type ReviewBookingSettings, type SlotsFound } from '../../app/reviews/booking.js';
import { dueReviews, type DueReview } from '../../app/reviews/due.js';
import {
  importReviewRegister, parseRegisterCsv, personFinder, REGISTER_COLUMNS,
  type ImportProgress, type ImportSummary, type RowProblem,
} from '../../app/reviews/import.js';
import { loadReviewSeries, type ReviewStoreContext } from '../../app/reviews/model.js';
import { createWorkingCalendar } from '../../domain/calendar/index.js';
import { REVIEW_KINDS, reviewDueRulesFor, type ReviewKind } from '../../domain/reviews/index.js';
import type { Calendar } from '../../graph/calendar.js';
import { systemClock, type Clock } from '../../store/clock.js';
import { loadConfig, readEnvironment } from '../config.js';
import { choice, REVIEW_KINDS as KIND_OPTIONS, wholeNumberOption, writeJson } from './args.js';
import { openConfiguredDirectory, type OpenDirectory } from './case-export.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, type CliIO, type Command } from './command.js';
import { openConfiguredDatabase, withDatabase, type OpenDb } from './store-access.js';

const USAGE = [
  'resolve reviews import FILE.csv [--dry-run] [--json]',
  '       resolve reviews due [--within-days N] [--json]',
  '       resolve reviews slots REFERENCE [--kind looked-after|foster-carer] [--drop-optional] [--json]',
  '  import         loads the review register from the case system\'s export, one row per fact. The header row is',
  `                 exactly ${REGISTER_COLUMNS.join(',')}`,
  '                 kind: looked-after or foster-carer; date: YYYY-MM-DD; officer, worker: emails of people in the',
  '                 directory; invitees: emails separated by ";"; participated, aged_4_plus: yes, no or empty (review-held only).',
  '                 A file with any bad row imports nothing and lists every bad row (exit 2); a good file goes in',
  '                 whole, in one transaction. Importing the same file again changes nothing.',
  '  --dry-run      check the file against the register and say what would change, writing nothing',
  '  due            the reviews falling due, soonest first, with the statutory date, latest meeting date and rule',
  '  --within-days  only those due within N days from today (overdue ones included)',
  '  slots          the best times for the series\' next review meeting: inside the booking window, on working days, in',
  '                 REVIEW_WORKING_HOURS, REVIEW_MEETING_MINUTES long, free for the officer and the worker (free/busy from',
  '                 Microsoft Graph, or locally DATA_DIR/calendars/<email>.ics and the meetings Resolve booked).',
  '                 JSON: an array of { start, end } ISO instants (empty when no time suits every required attendee)',
  '  --kind         which series, when the reference names both a child\'s and a foster carer\'s',
  '  --drop-optional  search for the required attendees only',
].join('\n');

/** Where the register's rules come from: the working calendar and the authority's choices. */
export type ReviewSettings = () => ReviewStoreContext;

/** The configuration's calendar (bank holidays and CLOSURE_DAYS) and AUTHORITY's review rules. */
export const configuredReviewSettings: ReviewSettings = () => {
  const config = loadConfig(readEnvironment());
  return { calendar: createWorkingCalendar({ closureDays: config.closureDays }), rules: reviewDueRulesFor(config.policy.authority) };
};

/** The configuration's booking settings (REVIEW_WORKING_HOURS, REVIEW_MEETING_MINUTES, REVIEW_ORGANISER, REVIEW_SLOT_ORDER). */
export const configuredBookingSettings = (): ReviewBookingSettings => loadConfig(readEnvironment()).reviews;

/**
 * Free/busy as the bot reads it: locally the file calendar on DATA_DIR (DATA_DIR/calendars/<email>.ics
 * and the meetings in DATA_DIR/outbox-calendar), in graph mode Microsoft Graph's getSchedule.
 */
export const openConfiguredCalendar = async (): Promise<Calendar> => {
  const { createGraphServices } = await import('../../graph/index.js');
  return (await createGraphServices(loadConfig(readEnvironment()))).calendar;
};

export interface ReviewsCommandOptions {
  readonly open: OpenDb;
  readonly openDirectory: OpenDirectory;
  readonly settings: ReviewSettings;
  /** Default: the built-in defaults (09:00-17:00, 90 minutes, the officer's calendar, soonest first). */
  readonly bookingSettings?: () => ReviewBookingSettings;
  /** Free/busy for `slots`; default the configured calendar. */
  readonly openCalendar?: () => Promise<Calendar>;
  readonly clock?: Clock;
  /** An import of this many rows or more reports its progress on stderr. */
  readonly progressFromRows?: number;
}

const DEFAULT_PROGRESS_FROM_ROWS = 1000;
const ZONE = 'Europe/London';

function problemLine(p: RowProblem): string {
  return `row ${p.row}${p.column === null ? '' : `, ${p.column}`}: ${p.problem}. Fix: ${p.fix}.`;
}

function summaryLine(file: string, s: ImportSummary): string {
  const counts = `${s.rows} row${s.rows === 1 ? '' : 's'}, ${s.series} review series (${s.newSeries} new, ${s.changedSeries} changed, ${s.unchangedSeries} unchanged)`;
  if (s.dryRun) return `dry run of ${file}, nothing written: ${counts}; importing it would add ${s.newEvents} new event${s.newEvents === 1 ? '' : 's'}`;
  if (s.newEvents === 0) return `imported ${file}: ${counts}; 0 new events: the register already holds everything in this file`;
  return `imported ${file}: ${counts}; ${s.newEvents} new event${s.newEvents === 1 ? '' : 's'}`;
}

/** Progress on stderr in tenths, so a large file says how far it has got without flooding the terminal. */
function progressReporter(io: CliIO): (p: ImportProgress) => void {
  let last = { phase: '', tenth: -1 };
  return (p) => {
    const tenth = Math.floor((p.done * 10) / Math.max(p.total, 1));
    if (p.phase === last.phase && tenth === last.tenth) return;
    last = { phase: p.phase, tenth };
    io.err(`${p.phase === 'checking' ? 'checked' : 'wrote'} ${p.done} of ${p.total} review series`);
  };
}

function hhmm(iso: string): { day: string; time: string } {
  const d = new TZDate(Date.parse(iso), ZONE);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { day: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`, time: `${pad(d.getHours())}:${pad(d.getMinutes())}` };
}

function bookedText(booked: DueReview['booked']): string {
  if (booked === null) return 'not booked';
  const start = hhmm(booked.start);
  const end = hhmm(booked.end);
  return `${start.day} ${start.time}-${end.day === start.day ? '' : `${end.day} `}${end.time}`;
}

const WEEKDAY_TIME = (instant: Date) => {
  const d = new TZDate(instant.getTime(), ZONE);
  return { day: format(d, 'EEE d MMM yyyy'), time: format(d, 'HH:mm') };
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The slots as lines a person reads: times in UK time, and who cannot come as counts (no names: the terminal may be shared). */
function slotLines(found: SlotsFound): string[] {
  const { due, search } = found;
  const lines = [
    `${found.reference} (${found.kind}): ${due.review} review due by ${due.due} (${due.rule}), latest meeting date ${due.latestMeetingDate}`,
    found.late
      ? `OVERDUE: the statutory date has passed; the soonest times to ${found.window.latest} are offered, and the review will count as held late; `
        + `${found.meetingMinutes}-minute meetings, times in UK time`
      : `booking window ${found.window.feasible ? `${found.window.earliest} to ${found.window.latest}` : `from today to ${found.window.latest} (too late for the full preparation)`}; `
        + `${found.meetingMinutes}-minute meetings, times in UK time`,
  ];
  if (found.booked !== null) {
    const start = WEEKDAY_TIME(new Date(found.booked.start));
    lines.push(`booked now: ${start.day} ${start.time}-${WEEKDAY_TIME(new Date(found.booked.end)).time}${found.booked.confirmed ? '' : ' (not in the calendar yet)'}`);
  }
  if (search.outcome === 'none') {
    lines.push(search.reason.kind === 'window-empty'
      ? `no ${found.meetingMinutes}-minute time in working hours is left before the end of ${due.latestMeetingDate}`
      : `no time before the end of ${due.latestMeetingDate} has every required attendee free`
        + (search.reason.fullyBooked.length > 0 ? ` (${plural(search.reason.fullyBooked.length, 'required attendee')} busy throughout)` : ''));
  } else {
    for (const slot of search.slots) {
      const start = WEEKDAY_TIME(slot.start);
      const missing = slot.missingOptional.length;
      lines.push(`  ${start.day} ${start.time}-${WEEKDAY_TIME(slot.end).time}  ${missing === 0 ? 'everyone free' : `${plural(missing, 'optional attendee')} busy`}`);
    }
  }
  if (found.unknownSchedules.length > 0) {
    lines.push(`note: ${plural(found.unknownSchedules.length, 'attendee')}' calendars could not be read, so these times may not suit them`);
  }
  return lines;
}

function dueTable(reviews: readonly DueReview[]): string {
  const rows = [
    ['reference', 'kind', 'review', 'due', 'latest meeting', 'rule', 'booked (London time)'],
    ...reviews.map((r) => [r.reference, r.kind, r.review, r.due, r.latestMeetingDate, r.rule, r.booked === null && r.bookingFailed ? 'no: Outlook did not make the last booking' : bookedText(r.booked)]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

/**
 * `resolve reviews import FILE.csv` and `resolve reviews due`: the review register from the case
 * system's export, and what falls due next. Output names references, kinds, dates and rules only.
 */
export function createReviewsCommand(options: ReviewsCommandOptions): Command {
  const clock = options.clock ?? systemClock;

  async function runImport(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true, strict: true,
      options: { 'dry-run': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    });
    const [file, ...rest] = positionals;
    if (file === undefined) throw new UsageError('give the CSV file to import, e.g. resolve reviews import reviews.csv');
    if (rest.length > 0) throw new UsageError(`give one file only, not also "${rest.join(' ')}"`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') throw new UsageError(`there is no file at ${file}`);
      throw error;
    }
    const settings = options.settings();
    const directory = await options.openDirectory();
    const parsed = parseRegisterCsv(text, personFinder(await directory.people()));
    const large = parsed.rows.length >= (options.progressFromRows ?? DEFAULT_PROGRESS_FROM_ROWS);
    if (large) io.err(`read ${parsed.rows.length} rows from ${file}`);
    const result = await withDatabase(options.open, (db) => importReviewRegister(db, parsed, {
      ...settings,
      now: clock.now(),
      dryRun: values['dry-run'],
      ...(large && { onProgress: progressReporter(io) }),
    }));
    if (!result.ok) {
      const rows = new Set(result.problems.map((p) => p.row)).size;
      if (values.json) writeJson(io, { ok: false, file, badRows: rows, errors: result.problems });
      else {
        for (const p of result.problems) io.err(problemLine(p));
        io.err(`nothing was imported: ${rows} bad row${rows === 1 ? '' : 's'} in ${file}; fix ${rows === 1 ? 'it' : 'them'} and import the file again`);
      }
      return EXIT_USAGE;
    }
    if (values.json) writeJson(io, { ok: true, file, ...result.summary });
    else io.out(summaryLine(file, result.summary));
    return EXIT_OK;
  }

  async function runDue(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true, strict: true,
      options: { 'within-days': { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    if (positionals.length > 0) throw new UsageError(`"due" takes no arguments, not "${positionals.join(' ')}"`);
    const withinDays = wholeNumberOption(values['within-days'], '--within-days');
    const reviews = await withDatabase(options.open, (db) => dueReviews(db, { now: clock.now(), ...(withinDays !== undefined && { withinDays }) }));
    if (values.json) {
      writeJson(io, reviews.map((r) => ({
        reference: r.reference, kind: r.kind, review: r.review, due: r.due, latestMeetingDate: r.latestMeetingDate, rule: r.rule, booked: r.booked, bookingFailed: r.bookingFailed,
      })));
    } else if (reviews.length === 0) {
      io.out(withinDays === undefined ? 'no reviews are due: the register holds no open review series' : `no reviews are due within ${withinDays} day${withinDays === 1 ? '' : 's'}`);
    } else {
      io.out(dueTable(reviews));
    }
    return EXIT_OK;
  }

  /** The series the reference names: the kind given, or the only kind it exists as. */
  async function seriesKind(db: Parameters<typeof loadReviewSeries>[0], reference: string, kind: ReviewKind | undefined): Promise<ReviewKind | undefined> {
    if (kind !== undefined) return kind;
    const found: ReviewKind[] = [];
    for (const k of REVIEW_KINDS) if ((await loadReviewSeries(db, k, reference)).state !== undefined) found.push(k);
    if (found.length > 1) throw new UsageError(`${reference} is both a child's and a foster carer's review series: say which with --kind looked-after or --kind foster-carer`);
    return found[0];
  }

  async function runSlots(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true, strict: true,
      options: { kind: { type: 'string' }, 'drop-optional': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    });
    const [reference, ...rest] = positionals;
    if (reference === undefined || reference.trim() === '') throw new UsageError('give the series\' reference, e.g. resolve reviews slots LCS-104233');
    if (rest.length > 0) throw new UsageError(`give one reference only, not also "${rest.join(' ')}"`);
    const given = values.kind === undefined ? undefined : choice(values.kind, '--kind', KIND_OPTIONS);
    const settings = options.settings();
    const [directory, freeBusy] = [await options.openDirectory(), await (options.openCalendar ?? openConfiguredCalendar)()];
    const booking = (options.bookingSettings ?? (() => DEFAULT_BOOKING_SETTINGS))();
    const outcome = await withDatabase(options.open, async (db) => {
      const kind = await seriesKind(db, reference.trim(), given);
      if (kind === undefined) return undefined;
      return createReviewBooking({ ...settings, db, clock, directory, freeBusy, settings: booking })
        .findSlots({ kind, reference: reference.trim(), dropOptional: values['drop-optional'] });
    });
    if (outcome === undefined) {
      io.err(`resolve reviews slots: there is no review series ${reference.trim()} in the register: check the reference, or import the register first (resolve reviews import FILE.csv)`);
      return EXIT_FAILURE;
    }
    if (!outcome.ok) {
      io.err(`resolve reviews slots: ${outcome.message}`);
      return EXIT_FAILURE;
    }
    const slots = outcome.search.outcome === 'none' ? [] : outcome.search.slots;
    if (values.json) {
      writeJson(io, slots.map((s) => ({ start: s.start.toISOString(), end: s.end.toISOString() })));
      if (outcome.late) io.err(`resolve reviews slots: ${outcome.window.explanation}`);
      if (outcome.search.outcome === 'none') io.err(slotLines(outcome).at(-1)!);
    } else {
      io.out(slotLines(outcome).join('\n'));
    }
    return EXIT_OK;
  }

  return {
    name: 'reviews',
    summary: 'import the review register from the case system\'s CSV export, list the reviews falling due, and find times for a review meeting',
    usage: USAGE,
    async run(args, io) {
      const [action, ...rest] = args;
      if (action === 'import') return runImport(rest, io);
      if (action === 'due') return runDue(rest, io);
      if (action === 'slots') return runSlots(rest, io);
      throw new UsageError(action === undefined || action.startsWith('-') ? 'say what to do: import FILE.csv, due, or slots REFERENCE' : `"${action}" is not a reviews action; use import, due or slots`);
    },
  };
}

export const reviewsCommand = createReviewsCommand({
  open: openConfiguredDatabase,
  openDirectory: openConfiguredDirectory,
  settings: configuredReviewSettings,
  bookingSettings: configuredBookingSettings,
  openCalendar: openConfiguredCalendar,
});
