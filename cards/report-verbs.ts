/**
 * The Action.Execute verbs of the report card (run the report for another period, send its
 * CSV), a zod schema for the data each carries, and "report ..." typed in chat read as a period.
 * Card data is untrusted: the period is one Resolve offers, and dates are real dates, in order,
 * within bounds. Whether this person may see reports is the use case's question (app/reports).
 */
import { z } from 'zod';
import { calendarDaysBetween, isLocalDate, type LocalDate } from '../domain/calendar/index.js';

export const REPORT_VERBS = {
  reportShow: 'reportShow',
  reportCsv: 'reportCsv',
} as const;
export type ReportVerb = (typeof REPORT_VERBS)[keyof typeof REPORT_VERBS];

/** The periods the card and the chat command offer; `range` is any two dates. */
export const REPORT_PERIODS = ['this-year', 'last-year', 'this-quarter', 'last-quarter', 'this-month', 'last-month', 'range'] as const;
export type ReportPeriodChoice = (typeof REPORT_PERIODS)[number];

export const REPORT_PERIOD_LABELS: Readonly<Record<ReportPeriodChoice, string>> = {
  'this-year': 'This year', 'last-year': 'Last year', 'this-quarter': 'This quarter', 'last-quarter': 'Last quarter',
  'this-month': 'This month', 'last-month': 'Last month', range: 'Choose dates',
};

/** The earliest and latest dates a report may cover, and its longest span. */
export const REPORT_EARLIEST: LocalDate = '2000-01-01' as LocalDate;
export const REPORT_LATEST: LocalDate = '2099-12-31' as LocalDate;
export const REPORT_MAX_DAYS = 3 * 366;

/** The card's date inputs (ids), so the schema and the card agree. */
export const REPORT_INPUTS = { from: 'reportFrom', to: 'reportTo' } as const;

/** A period asked for: one of the named ones, or two dates. */
export type ReportPeriodRequest =
  | { readonly kind: Exclude<ReportPeriodChoice, 'range'> }
  | { readonly kind: 'range'; readonly from: LocalDate; readonly to: LocalDate };

const DAMAGED = 'the card is damaged or was not sent by Resolve; type "report" to see the report again';

const dateField = (label: string) =>
  z.unknown().transform((value, ctx): LocalDate | undefined => {
    if (value === undefined || value === null || value === '') return undefined;
    const t = typeof value === 'string' ? value.trim() : '';
    if (isLocalDate(t) && t >= REPORT_EARLIEST && t <= REPORT_LATEST) return t;
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: isLocalDate(t)
        ? `${label} must fall between ${REPORT_EARLIEST} and ${REPORT_LATEST}`
        : `${label} "${t.slice(0, 20)}" is not a real date: pick one written YYYY-MM-DD, e.g. 2026-03-31`,
    });
    return z.NEVER;
  });

/** Why two dates cannot be a report's period; undefined when they can. */
export function rangeProblem(from: LocalDate, to: LocalDate): string | undefined {
  if (from > to) return `The period must start before it ends: ${from} is after ${to}`;
  if (calendarDaysBetween(from, to) + 1 > REPORT_MAX_DAYS) return `The period is too long: a report covers at most ${REPORT_MAX_DAYS} days (three years)`;
  return undefined;
}

const period = z.unknown().transform((value, ctx): ReportPeriodChoice => {
  if (typeof value === 'string' && (REPORT_PERIODS as readonly string[]).includes(value)) return value as ReportPeriodChoice;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: `The period is not one Resolve offers: ${DAMAGED}` });
  return z.NEVER;
});

/** Shape and bounds of each verb's data; the checks across fields (a range in order) are `parseReportAction`'s. */
export const REPORT_VERB_DATA_SCHEMAS = {
  reportShow: z.object({ period, [REPORT_INPUTS.from]: dateField('The first day'), [REPORT_INPUTS.to]: dateField('The last day') }),
  reportCsv: z.object({ from: dateField('The first day'), to: dateField('The last day') }),
} as const;

export type ParsedReportAction =
  | { readonly verb: 'reportShow'; readonly period: ReportPeriodRequest }
  | { readonly verb: 'reportCsv'; readonly from: LocalDate; readonly to: LocalDate };

export type ReportActionResult =
  | { readonly ok: true; readonly action: ParsedReportAction }
  | { readonly ok: false; readonly message: string; readonly fieldErrors: Readonly<Record<string, string>> };

export function isReportVerb(value: unknown): value is ReportVerb {
  return typeof value === 'string' && Object.hasOwn(REPORT_VERB_DATA_SCHEMAS, value);
}

/** Verbs the reports answer (bot/app.ts routes these to the report flows). */
export function routesToReports(value: unknown): boolean {
  return isReportVerb(value);
}

/** Checks a report card's verb and data; on failure, each input's message by its id. */
export function parseReportAction(verb: unknown, data: unknown): ReportActionResult {
  if (!isReportVerb(verb)) return { ok: false, message: `Unknown action: ${DAMAGED}`, fieldErrors: {} };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, message: `The card data is not an object: ${DAMAGED}`, fieldErrors: {} };
  const fieldErrors: Record<string, string> = {};
  const refuse = (): ReportActionResult => ({ ok: false, message: `${Object.values(fieldErrors).join('. ')}.`, fieldErrors });
  const result = REPORT_VERB_DATA_SCHEMAS[verb].safeParse(data);
  if (!result.success) {
    for (const issue of result.error.issues) fieldErrors[String(issue.path[0] ?? '')] ??= issue.message;
    return refuse();
  }
  if (verb === 'reportCsv') {
    const { from, to } = result.data as z.output<(typeof REPORT_VERB_DATA_SCHEMAS)['reportCsv']>;
    if (from === undefined || to === undefined) fieldErrors.from = `The report's dates are missing: ${DAMAGED}`;
    else {
      const problem = rangeProblem(from, to);
      if (problem !== undefined) fieldErrors.to = `${problem}: ${DAMAGED}`;
    }
    return from !== undefined && to !== undefined && Object.keys(fieldErrors).length === 0 ? { ok: true, action: { verb, from, to } } : refuse();
  }
  const d = result.data as z.output<(typeof REPORT_VERB_DATA_SCHEMAS)['reportShow']>;
  if (d.period !== 'range') return { ok: true, action: { verb, period: { kind: d.period } } };
  const from = d[REPORT_INPUTS.from];
  const to = d[REPORT_INPUTS.to];
  if (from === undefined) fieldErrors[REPORT_INPUTS.from] = 'The first day is required: pick a date';
  if (to === undefined) fieldErrors[REPORT_INPUTS.to] = 'The last day is required: pick a date';
  if (from === undefined || to === undefined) return refuse();
  const problem = rangeProblem(from, to);
  if (problem !== undefined) {
    fieldErrors[REPORT_INPUTS.to] = problem;
    return refuse();
  }
  return { ok: true, action: { verb, period: { kind: 'range', from, to } } };
}

const SPOKEN: Readonly<Record<string, Exclude<ReportPeriodChoice, 'range'>>> = {
  '': 'this-year', year: 'this-year', 'this year': 'this-year', 'the year': 'this-year', 'last year': 'last-year',
  quarter: 'this-quarter', 'this quarter': 'this-quarter', 'last quarter': 'last-quarter',
  month: 'this-month', 'this month': 'this-month', 'last month': 'last-month',
};

/**
 * The words after "report" typed in chat, as a period: nothing or "this year", "last quarter",
 * "this month" and so on, or two dates ("2026-01-01 to 2026-03-31"). Anything else says what
 * it can be.
 */
export function parseReportWords(words: string): { readonly ok: true; readonly period: ReportPeriodRequest } | { readonly ok: false; readonly message: string } {
  const said = words.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.!?]+$/, '').slice(0, 200);
  const named = SPOKEN[said.replace(/^(for|from) /, '')];
  if (named !== undefined) return { ok: true, period: { kind: named } };
  const m = /^(?:from )?(\d{4}-\d{2}-\d{2})(?: to | - | until |\s*–\s*)(\d{4}-\d{2}-\d{2})$/.exec(said);
  if (m !== null) {
    const [from, to] = [m[1]!, m[2]!];
    if (!isLocalDate(from) || !isLocalDate(to)) return { ok: false, message: `"${said.slice(0, 40)}" does not hold two real dates: write them YYYY-MM-DD, for example report 2026-01-01 to 2026-03-31.` };
    if (from < REPORT_EARLIEST || to > REPORT_LATEST) return { ok: false, message: `A report covers dates between ${REPORT_EARLIEST} and ${REPORT_LATEST}.` };
    const problem = rangeProblem(from, to);
    return problem === undefined ? { ok: true, period: { kind: 'range', from, to } } : { ok: false, message: `${problem}.` };
  }
  return {
    ok: false,
    message: 'Type **report** for this performance year, or **report last quarter**, **report this month**, **report last year**, or two dates: **report 2026-01-01 to 2026-03-31**.',
  };
}
