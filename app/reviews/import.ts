/**
 * Bulk load of the review register from the case system's export (`resolve reviews import`): one
 * row per fact, checked whole before anything is written. A file with any bad row writes nothing
 * and every bad row comes back with its row number, column, what is wrong and how to fix it; a
 * good file goes in one transaction. Facts already recorded are no-ops, so the same file imported
 * again changes nothing.
 *
 * Problems name rows, columns, dates, kinds and the email addresses the user typed; never a
 * person's name from the directory, and never the reference cell's text when it is not a reference.
 */
import { parse, type CsvError } from 'csv-parse/sync';
import { parseLocalDate } from '../../domain/calendar/index.js';
import { InvalidInputError } from '../../domain/errors.js';
import {
  decideReviewSeries,
  evolveReviewSeries,
  foldReviewSeries,
  isEmailAddress,
  normaliseEmail,
  REVIEW_KINDS,
  sameDayRank,
  SERIES_ANCHOR,
  SERIES_FACTS,
  SERIES_REFERENCE,
  type RegisterEntry,
  type RegisterRefusal,
  type ReviewKind,
  type ReviewSeriesEvent,
  type ReviewSeriesState,
  type SeriesFactName,
} from '../../domain/reviews/index.js';
import type { Person } from '../../graph/directory/types.js';
import { handleCommandIn } from '../../store/command.js';
import type { Db, Tx } from '../../store/db.js';
import { lockStream, readStream } from '../../store/events.js';
import { reviewSeriesModel, reviewSeriesStreamId, type ReviewStoreContext } from './model.js';

/** The export's columns, in this order, in the header row. */
export const REGISTER_COLUMNS = ['reference', 'kind', 'event', 'date', 'officer', 'worker', 'invitees', 'participated', 'aged_4_plus'] as const;
export type RegisterColumn = (typeof REGISTER_COLUMNS)[number];

/** Who the importer records as the actor of what it writes. */
export const IMPORT_ACTOR = 'register-import';

/**
 * One import is one transaction, and each series in it holds its stream's lock until the commit;
 * PostgreSQL's lock table (64 locks a connection by default) is shared by every session, so a file
 * is kept to this many series. Rows per series are not limited.
 */
export const MAX_SERIES_PER_IMPORT = 5000;

export interface RowProblem {
  /** The row in the file, the header being row 1 (as a spreadsheet numbers it). */
  readonly row: number;
  /** The column at fault, or null when it is the whole row. */
  readonly column: RegisterColumn | null;
  readonly problem: string;
  readonly fix: string;
}

/** A row that reads well: the series it is for and what it records. */
export interface RegisterRow {
  readonly row: number;
  readonly kind: ReviewKind;
  readonly reference: string;
  readonly event: SeriesFactName;
  readonly date: string;
  readonly entry: RegisterEntry;
}

export interface ParsedRegister {
  readonly rows: readonly RegisterRow[];
  readonly problems: readonly RowProblem[];
}

/** An email address to the Entra object id of the directory person who has it. */
export type FindPerson = (email: string) => string | undefined;

export function personFinder(people: readonly Person[]): FindPerson {
  const byEmail = new Map(people.map((p) => [normaliseEmail(p.email), p.id]));
  return (email) => byEmail.get(normaliseEmail(email));
}

const YES_NO: Readonly<Record<string, boolean>> = { yes: true, no: false };

function csvProblem(error: CsvError | undefined): RowProblem {
  const row = typeof error?.lines === 'number' ? error.lines : 1;
  const fix = 'a value holding a comma, a quote or a line break is written in double quotes, with any quote inside it doubled ("")';
  if (error?.code === 'CSV_QUOTE_NOT_CLOSED') {
    return { row, column: null, problem: 'a quote opened on or before this row is never closed, so the rest of the file cannot be read', fix };
  }
  if (error?.code === 'CSV_INVALID_CLOSING_QUOTE') {
    return { row, column: null, problem: 'a quote closes in the middle of a value', fix };
  }
  return { row, column: null, problem: `the row is not valid CSV (${error?.code ?? 'unreadable'})`, fix };
}

function headerProblem(found: readonly string[]): RowProblem | undefined {
  const names = found.map((c) => c.trim().toLowerCase());
  if (names.length === REGISTER_COLUMNS.length && names.every((n, i) => n === REGISTER_COLUMNS[i])) return undefined;
  const missing = REGISTER_COLUMNS.filter((c) => !names.includes(c));
  const unexpected = names.filter((n) => !(REGISTER_COLUMNS as readonly string[]).includes(n));
  const what = [
    ...(missing.length > 0 ? [`missing ${missing.join(', ')}`] : []),
    ...(unexpected.length > 0 ? [`${unexpected.length} unexpected column${unexpected.length === 1 ? '' : 's'}`] : []),
  ];
  return {
    row: 1,
    column: null,
    problem: `the header row is not the register's columns${what.length > 0 ? ` (${what.join('; ')})` : ' in their order'}`,
    fix: `make the first row exactly: ${REGISTER_COLUMNS.join(',')}`,
  };
}

/** Reads one row's cells; every problem in it is reported, not just the first. */
function readRow(row: number, cells: readonly string[], findPerson: FindPerson): { value?: RegisterRow; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const bad = (column: RegisterColumn, problem: string, fix: string) => problems.push({ row, column, problem, fix });
  const cell = (c: RegisterColumn) => cells[REGISTER_COLUMNS.indexOf(c)] ?? '';

  const reference = cell('reference');
  if (reference === '') bad('reference', 'is empty', 'give the case system\'s reference for the child or carer household, e.g. LCS-104233');
  else if (!SERIES_REFERENCE.test(reference)) {
    bad('reference', 'is not a case-system reference', 'use the reference only (letters, digits and . _ / -, at most 64 characters), never a name');
  }
  const kindText = cell('kind').toLowerCase();
  const kind = REVIEW_KINDS.find((k) => k === kindText);
  // Cell values are never echoed: a mistyped cell may hold a name (DESIGN Privacy).
  if (kind === undefined) bad('kind', kindText === '' ? 'is empty' : 'is not a kind of review series', `write ${REVIEW_KINDS.join(' or ')}`);
  const eventText = cell('event').toLowerCase();
  const event = SERIES_FACTS.find((e) => e === eventText);
  if (event === undefined) bad('event', eventText === '' ? 'is empty' : 'is not a register event', `write one of ${SERIES_FACTS.join(', ')}`);
  let date: string | undefined;
  if (cell('date') === '') bad('date', 'is empty', 'give the day it happened as YYYY-MM-DD, e.g. 2026-03-10');
  else {
    try {
      date = parseLocalDate(cell('date'), 'date');
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      bad('date', error.message, 'write a date that exists, as YYYY-MM-DD, e.g. 2026-02-28');
    }
  }
  const person = (column: 'officer' | 'worker'): string | undefined => {
    const email = cell(column);
    if (email === '') return undefined;
    if (!isEmailAddress(email)) {
      bad(column, 'is not an email address', `give the ${column === 'officer' ? 'reviewing officer' : 'social worker'}'s work email address, or leave it empty`);
      return undefined;
    }
    const id = findPerson(email);
    if (id === undefined) bad(column, `${email} is not a person in the directory`, 'check the spelling, or add them to the directory (organisation file or Entra ID) first');
    return id;
  };
  const officer = person('officer');
  const worker = person('worker');
  const invitees = cell('invitees').split(';').map((i) => i.trim()).filter((i) => i !== '');
  const notEmails = invitees.map((i, n) => ({ i, n })).filter(({ i }) => !isEmailAddress(i)).map(({ n }) => n + 1);
  if (notEmails.length > 0) {
    bad('invitees', `${notEmails.length === 1 ? `invitee ${notEmails[0]} is not an email address` : `invitees ${notEmails.join(', ')} are not email addresses`}`,
      'give email addresses only, separated by ";", e.g. carer@example.org;advocate@example.org');
  }
  const yesNo = (column: 'participated' | 'aged_4_plus'): boolean | null => {
    const text = cell(column).toLowerCase();
    if (text === '') return null;
    const value = YES_NO[text];
    if (value === undefined) bad(column, 'is not yes or no', 'write yes or no, or leave it empty when not known');
    return value ?? null;
  };
  const participated = yesNo('participated');
  const aged4Plus = yesNo('aged_4_plus');
  if (problems.length > 0 || kind === undefined || event === undefined || date === undefined) return { problems };
  return {
    problems,
    value: {
      row, kind, reference, event, date,
      entry: {
        fact: { event, date, participated, aged4Plus },
        ...(officer !== undefined && { officer }),
        ...(worker !== undefined && { worker }),
        ...(invitees.length > 0 && { invitees }),
      },
    },
  };
}

/**
 * Reads the export. The header row must be exactly `REGISTER_COLUMNS`; every other row is checked
 * on its own (the review rules are checked against the register by `importReviewRegister`).
 */
export function parseRegisterCsv(text: string, findPerson: FindPerson): ParsedRegister {
  const problems: RowProblem[] = [];
  const records = parse(text, {
    bom: true,
    info: true,
    trim: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      problems.push(csvProblem(error));
      return undefined;
    },
  }) as unknown as { record: string[]; info: { lines: number } }[];
  const [header, ...body] = records;
  if (header === undefined) {
    return { rows: [], problems: [{ row: 1, column: null, problem: 'the file has no header row', fix: `make the first row exactly: ${REGISTER_COLUMNS.join(',')}` }, ...problems] };
  }
  const wrongHeader = headerProblem(header.record);
  if (wrongHeader) return { rows: [], problems: [wrongHeader] };
  const rows: RegisterRow[] = [];
  for (const { record, info } of body) {
    // csv-parse counts the line a record ends on; a quoted line break inside it moves that on.
    const row = info.lines - record.reduce((n, v) => n + (v.match(/\n/g)?.length ?? 0), 0);
    if (record.length !== REGISTER_COLUMNS.length) {
      problems.push({
        row, column: null, problem: `has ${record.length} value${record.length === 1 ? '' : 's'}, not ${REGISTER_COLUMNS.length}`,
        fix: `give every row ${REGISTER_COLUMNS.length} values in the header's order, leaving empty (but keeping the commas for) those that do not apply`,
      });
      continue;
    }
    const read = readRow(row, record, findPerson);
    problems.push(...read.problems);
    if (read.value) rows.push(read.value);
  }
  return { rows, problems: sortProblems(problems) };
}

function sortProblems(problems: readonly RowProblem[]): RowProblem[] {
  const order = (c: RegisterColumn | null) => (c === null ? -1 : REGISTER_COLUMNS.indexOf(c));
  return [...problems].sort((a, b) => a.row - b.row || order(a.column) - order(b.column));
}

const REFUSAL_COLUMN: Readonly<Record<string, RegisterColumn>> = {
  date: 'date', event: 'event', participated: 'participated', aged4Plus: 'aged_4_plus',
  officer: 'officer', worker: 'worker', invitees: 'invitees', reference: 'reference', kind: 'kind',
};

function fixFor(refusal: RegisterRefusal, row: RegisterRow): string {
  const anchor = SERIES_ANCHOR[row.kind];
  switch (refusal.code) {
    case 'wrong-kind':
      return `use an event of a ${row.kind} series, or correct the kind`;
    case 'no-anchor':
      return `add a ${anchor} row for ${row.reference}, dated on or before this row's date`;
    case 'before-anchor':
      return `correct this row's date or the ${anchor} date of ${row.reference}`;
    case 'already-open':
      return `add a ceased row for ${row.reference}'s earlier period, or correct this row's date`;
    case 'before-ceased':
    case 'after-ceased':
    case 'already-ceased':
    case 'facts-after-ceased':
      return `correct this row's date or ${row.reference}'s ceased row`;
    case 'not-a-review':
      return 'leave participated and aged_4_plus empty on this row';
    case 'invalid-dates':
      return `correct the dates of ${row.reference}'s rows`;
    default:
      return 'correct or remove this row';
  }
}

export interface ImportProgress {
  readonly phase: 'checking' | 'writing';
  /** Series done so far, of `total`. */
  readonly done: number;
  readonly total: number;
}

export interface ImportOptions extends ReviewStoreContext {
  readonly now: Date;
  /** Check everything, write nothing. */
  readonly dryRun?: boolean;
  readonly actor?: string;
  readonly onProgress?: (progress: ImportProgress) => void;
}

export interface ImportSummary {
  readonly dryRun: boolean;
  readonly rows: number;
  readonly series: number;
  /** Series the register did not hold before. */
  readonly newSeries: number;
  /** Series that already existed and gained events. */
  readonly changedSeries: number;
  readonly unchangedSeries: number;
  /** Events written (or, in a dry run, that would be). 0 for a file already imported. */
  readonly newEvents: number;
}

export type ImportResult = { readonly ok: true; readonly summary: ImportSummary } | { readonly ok: false; readonly problems: readonly RowProblem[] };

interface SeriesPlan {
  readonly streamId: string;
  readonly kind: ReviewKind;
  readonly reference: string;
  readonly rows: RegisterRow[];
  isNew: boolean;
  newEvents: number;
}

function plansOf(rows: readonly RegisterRow[]): SeriesPlan[] {
  const plans = new Map<string, SeriesPlan>();
  for (const row of rows) {
    const streamId = reviewSeriesStreamId(row.kind, row.reference);
    const plan = plans.get(streamId) ?? { streamId, kind: row.kind, reference: row.reference, rows: [], isNew: false, newEvents: 0 };
    plan.rows.push(row);
    plans.set(streamId, plan);
  }
  // A series' facts in the order they happened, whatever the file's order; streams in one order, so
  // two imports at once never take each other's locks the other way round.
  // The export repeats the officer and worker on every row: only a change of person is sent, so
  // the same file always sends the same dated assignments.
  for (const plan of plans.values()) {
    plan.rows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : sameDayRank(a.event) - sameDayRank(b.event) || a.row - b.row));
    // Rows dated before the series' first start are wrong whatever the order; checked after the
    // start, they are told they come before it rather than that there is no start.
    const start = plan.rows.findIndex((r) => r.event === SERIES_ANCHOR[r.kind]);
    if (start > 0) plan.rows.unshift(...plan.rows.splice(start, 1));
    let officer: string | undefined;
    let worker: string | undefined;
    plan.rows.forEach((row, i) => {
      const { officer: o, worker: w, ...rest } = row.entry;
      plan.rows[i] = { ...row, entry: { ...rest, ...(o !== undefined && o !== officer && { officer: o }), ...(w !== undefined && w !== worker && { worker: w }) } };
      officer = o ?? officer;
      worker = w ?? worker;
    });
  }
  return [...plans.values()].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
}

/**
 * A file says one thing about each review held: two rows for the same review that disagree on C69
 * would correct each other in turn on every import, so the later one is a bad row.
 */
function contradictions(plan: SeriesPlan): RowProblem[] {
  const seen = new Map<string, RegisterRow>();
  const problems: RowProblem[] = [];
  for (const row of plan.rows) {
    if (row.event !== 'review-held') continue;
    const first = seen.get(row.date);
    if (first === undefined) {
      seen.set(row.date, row);
      continue;
    }
    for (const [key, column] of [['participated', 'participated'], ['aged4Plus', 'aged_4_plus']] as const) {
      const [a, b] = [first.entry.fact?.[key], row.entry.fact?.[key]];
      if (a === null || a === undefined || b === null || b === undefined || a === b) continue;
      problems.push({
        row: row.row, column,
        problem: `says ${b ? 'yes' : 'no'} for the review of ${row.reference} held on ${row.date}, but row ${first.row} says ${a ? 'yes' : 'no'}`,
        fix: 'give the review one answer: correct one of the two rows, or leave one empty',
      });
    }
  }
  return problems;
}

/** Checks one series' rows against the register as it stands, one row at a time, so every bad row is found. */
async function check(tx: Tx, plan: SeriesPlan, options: ImportOptions, actor: string): Promise<RowProblem[]> {
  await lockStream(tx, plan.streamId);
  const { records } = await readStream<ReviewSeriesEvent>(tx, plan.streamId);
  let state: ReviewSeriesState | undefined = foldReviewSeries(records.map((r) => r.event));
  plan.isNew = state === undefined;
  const ctx = { now: options.now, calendar: options.calendar, ...(options.rules !== undefined && { rules: options.rules }) };
  const problems = contradictions(plan);
  for (const row of plan.rows) {
    const decision = decideReviewSeries(state, { type: 'record', kind: row.kind, reference: row.reference, actor, entries: [row.entry] }, ctx);
    if (!decision.ok) {
      problems.push({ row: row.row, column: REFUSAL_COLUMN[decision.refusal.field ?? ''] ?? null, problem: decision.refusal.message.replace(/\.$/, ''), fix: fixFor(decision.refusal, row) });
      continue;
    }
    plan.newEvents += decision.events.length;
    state = decision.events.reduce<ReviewSeriesState | undefined>(evolveReviewSeries, state);
  }
  return problems;
}

/**
 * Imports the parsed export in one transaction: every series' rows are checked against the
 * register first (the problems of `parsed` and of the review rules together, in row order), and
 * only a file with no problem at all is written, or with `dryRun` only counted.
 */
export async function importReviewRegister(db: Db, parsed: ParsedRegister, options: ImportOptions): Promise<ImportResult> {
  const plans = plansOf(parsed.rows);
  if (plans.length > MAX_SERIES_PER_IMPORT) {
    throw new InvalidInputError(
      `the file holds ${plans.length} review series; one import takes at most ${MAX_SERIES_PER_IMPORT}: split it into files of at most `
      + `${MAX_SERIES_PER_IMPORT} references each (all of a reference's rows in the same file) and import them one after another`, 'file');
  }
  const actor = options.actor ?? IMPORT_ACTOR;
  const total = plans.length;
  return db.transaction(async (tx): Promise<ImportResult> => {
    const problems: RowProblem[] = [...parsed.problems];
    for (const [i, plan] of plans.entries()) {
      problems.push(...(await check(tx, plan, options, actor)));
      options.onProgress?.({ phase: 'checking', done: i + 1, total });
    }
    if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };
    const changing = plans.filter((p) => p.newEvents > 0);
    if (!options.dryRun) {
      const model = reviewSeriesModel(options);
      for (const [i, plan] of changing.entries()) {
        const command = { type: 'record' as const, kind: plan.kind, reference: plan.reference, actor, entries: plan.rows.map((r) => r.entry) };
        const outcome = await handleCommandIn(tx, model, plan.streamId, command, options.now);
        if (!outcome.ok || outcome.records.length !== plan.newEvents) {
          // The register moved between the check and the write under the same locks: nothing is kept.
          throw new Error(`the review series ${plan.reference} changed while it was being imported; nothing was imported: run the import again`);
        }
        options.onProgress?.({ phase: 'writing', done: i + 1, total: changing.length });
      }
    }
    return {
      ok: true,
      summary: {
        dryRun: options.dryRun ?? false,
        rows: parsed.rows.length,
        series: plans.length,
        newSeries: plans.filter((p) => p.isNew).length,
        changedSeries: changing.filter((p) => !p.isNew).length,
        unchangedSeries: plans.length - changing.length,
        newEvents: changing.reduce((n, p) => n + p.newEvents, 0),
      },
    };
  });
}
