import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { policyLookup } from '../../app/cases/model.js';
import { createWorkingCalendar, minLocalDate, parseLocalDate, type LocalDate, type WorkingCalendar } from '../../domain/calendar/index.js';
import type { CaseEvent } from '../../domain/escalation/index.js';
import { getPolicy, parsePolicy, type Policy } from '../../domain/policies/index.js';
import {
  alertIndicators, indicatorRows, isPercentIndicator, performanceYear, performanceYearToDate, periodBetween, reviewIndicators,
  type AlertIndicators, type Period, type ReviewIndicators,
} from '../../domain/reports/index.js';
import { reviewDueRulesFor, type ReviewDueRules, type ReviewSeriesEvent } from '../../domain/reviews/index.js';
import { systemClock, type Clock } from '../../store/clock.js';
import { readStreamsByPrefix } from '../../store/events.js';
import { loadConfig, readEnvironment } from '../config.js';
import { writeJson } from './args.js';
import { EXIT_OK, UsageError, type CliIO, type Command } from './command.js';
import { openConfiguredDatabase, withDatabase, type OpenDb } from './store-access.js';

const USAGE = [
  'resolve report alerts|reviews [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json | --csv]',
  '  alerts     practice alerts and disputes RAISED in the period: by type, stage reached and theme, formal and good',
  '             practice shares, resolved in timescale, overall-limit breaches, Cafcass referrals, time to resolution',
  '  reviews    reviews HELD in the period: in timescale (C68 per review and per child), participation (C69),',
  '             rearranged, cancelled, postponed more than once, held late, and the follow-up within its deadlines',
  '  --from     the first day (default: 1 April of the performance year of --to)',
  '  --to       the last day, included (default: today)',
  '  --json     one object: the DOMAIN §5.7 keys and the period',
  '  --csv      indicator,value rows, nested figures flattened with dots (alerts_by_type.formal)',
  'Counts and percentages only: no reference, name or free text. A percentage with nothing to count is empty (n/a).',
].join('\n');

/** What the report needs from the configuration: the working calendar, the ladders cases ran under, the review rules. */
export interface ReportSettings {
  readonly calendar: WorkingCalendar;
  readonly policies: readonly Policy[];
  readonly rules: ReviewDueRules;
}

/** CLOSURE_DAYS, POLICY_FILE (else AUTHORITY's shipped ladder) and AUTHORITY's review rules, as `npm start` reads them. */
export const configuredReportSettings = async (): Promise<ReportSettings> => {
  const config = loadConfig(readEnvironment());
  const { file, authority } = config.policy;
  const policies = file === undefined
    ? [getPolicy(authority)]
    : [parsePolicy(await readFile(file, 'utf8'), /\.json$/i.test(file) ? 'json' : 'yaml', file)];
  return { calendar: createWorkingCalendar({ closureDays: config.closureDays }), policies, rules: reviewDueRulesFor(authority) };
};

export interface ReportCommandOptions {
  readonly open: OpenDb;
  readonly settings: () => Promise<ReportSettings>;
  readonly clock?: Clock;
}

/** Case streams are `case-<form id>` (app/cases), review series `review-series:<kind>:<reference>` (app/reviews). */
export const CASE_STREAM_PREFIX = 'case-';
export const REVIEW_SERIES_STREAM_PREFIX = 'review-series:';

const LABELS: Readonly<Record<string, string>> = {
  alerts_total: 'Alerts raised',
  alerts_by_type: 'By type',
  alerts_by_stage_reached: 'By furthest stage reached',
  alert_theme_distribution: 'By theme',
  formal_alert_pct: 'Formal alerts, of all alerts (CE-K16)',
  good_practice_alert_pct: 'Good practice alerts, of all alerts (CE-K15)',
  alerts_resolved_in_timescale_pct: 'Resolved in timescale, of those closed (CE-K18)',
  overall_limit_breaches: 'Overall limit breaches',
  cafcass_referrals: 'Cafcass referrals',
  time_to_resolution_working_days: 'Time to resolution, working days',
  reviews_held: 'Reviews held',
  reviews_held_by_type: 'Reviews held, by type',
  reviews_in_timescale_pct: "Children's reviews in timescale (C68 per review)",
  children_all_reviews_on_time_pct: 'Children with every review on time (C68 per child)',
  participation_pct_age4plus: 'Children aged 4+ who participated (C69)',
  participation_unknown_count: 'Reviews with age or participation not recorded',
  rearranged_pct: 'Booked meetings rearranged (CE-K07)',
  rearranged_by_reason: 'Rearrangements, by reason',
  cancelled_count: 'Booked meetings cancelled',
  postponements_gt1_per_child_year: 'Children postponed more than once (O-K04)',
  held_late_with_reason: 'Held late, and with a reason recorded',
  decisions_circulated_5wd_pct: 'Decisions circulated in 5 working days (OX-R12)',
  tm_response_5wd_pct: 'Team manager response in 5 working days (OX-R16)',
  care_plan_updated_10wd_pct: 'Care plan updated in 10 working days (OX-R19)',
  full_record_15wd_pct: 'Full record in 15 working days (OX-R13)',
  distributed_20wd_pct: 'Copies distributed in 20 working days (OX-R14)',
  deemed_agreed_count: 'Decisions deemed agreed (OX-R17)',
  fhr_on_time_pct: 'Foster home reviews on time (FC-R02)',
  fhr_report_20wd_pct: 'Review report in 20 working days (FC-R21)',
  fhr_copy_4wk_pct: 'Copy to the carers in 4 weeks (FC-R22)',
};

/** The period from --from and --to: either may be left out (see the usage). */
function periodOf(from: string | undefined, to: string | undefined, today: LocalDate): Period {
  const start = from === undefined ? undefined : parseLocalDate(from, '--from');
  const end = to === undefined ? undefined : parseLocalDate(to, '--to');
  if (start === undefined && end === undefined) return performanceYearToDate(today);
  const last = end ?? today;
  return periodBetween(start ?? performanceYear(last).from, last);
}

function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * `indicator,value` rows (RFC 4180 quoting); an empty value is a percentage with nothing to count. Every
 * indicator starts with a fixed key, so no cell begins as a spreadsheet formula.
 */
export function reportCsv(report: AlertIndicators | ReviewIndicators): string {
  const rows = indicatorRows(report).map(([indicator, value]) => `${csvField(indicator)},${value === null ? '' : csvField(String(value))}`);
  return ['indicator,value', ...rows].join('\n');
}

function shown(path: string, value: unknown): string {
  if (value === null) return 'n/a';
  return typeof value === 'number' && isPercentIndicator(path) ? `${value}%` : String(value);
}

/** A theme's count with its share, shown on one line. */
const isShare = (value: unknown): value is { count: number; pct: number | null } =>
  value !== null && typeof value === 'object' && Object.keys(value).join(',') === 'count,pct';

/** A table a person reads: the period, then each indicator with its label, nested figures indented under it. */
export function reportTable(title: string, report: AlertIndicators | ReviewIndicators): string {
  const lines: [string, string][] = [];
  const walk = (path: string, key: string, value: unknown, depth: number) => {
    const label = `${'  '.repeat(depth)}${depth === 0 ? (LABELS[key] ?? key) : key}`;
    if (isShare(value)) {
      lines.push([label, `${value.count} (${shown(`${path}.pct`, value.pct)})`]);
    } else if (value !== null && typeof value === 'object') {
      lines.push([label, '']);
      for (const [k, v] of Object.entries(value)) walk(`${path}.${k}`, k, v, depth + 1);
    } else {
      lines.push([label, shown(path, value)]);
    }
  };
  const { period, ...figures } = report;
  for (const [key, value] of Object.entries(figures)) walk(key, key, value, 0);
  const width = Math.min(Math.max(...lines.map(([l]) => l.length)), 72);
  return [
    `${title}, ${period.label} (${period.from} to ${period.to})`,
    '',
    ...lines.map(([label, value]) => (value === '' ? label : `${label.padEnd(width)}  ${value}`)),
  ].join('\n');
}

/**
 * `resolve report alerts|reviews`: the indicators of DOMAIN §5 for a period, from the events in the
 * store (every case stream, every review series), folded by domain/reports.
 */
export function createReportCommand(options: ReportCommandOptions): Command {
  const clock = options.clock ?? systemClock;
  return {
    name: 'report',
    summary: 'the alert or review indicators for a period (counts and percentages only)',
    usage: USAGE,
    async run(args: string[], io: CliIO) {
      const { values, positionals } = parseArgs({
        args, allowPositionals: true, strict: true,
        options: { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean', default: false }, csv: { type: 'boolean', default: false } },
      });
      const [which, ...rest] = positionals;
      if (which !== 'alerts' && which !== 'reviews') {
        throw new UsageError(which === undefined ? 'say which report: alerts or reviews' : `"${which}" is not a report; choose alerts or reviews`);
      }
      if (rest.length > 0) throw new UsageError(`give one report only, not also "${rest.join(' ')}"`);
      if (values.json && values.csv) throw new UsageError('choose --json or --csv, not both');
      const settings = await options.settings();
      const today = settings.calendar.localDateOf(clock.now());
      const period = periodOf(values.from, values.to, today);

      let report: AlertIndicators | ReviewIndicators;
      if (which === 'alerts') {
        const streams = await withDatabase(options.open, (db) => readStreamsByPrefix<CaseEvent>(db, CASE_STREAM_PREFIX));
        const cases = [...streams.values()].map((records) => records.map((r) => r.event));
        report = alertIndicators(cases, period, { calendar: settings.calendar, policyFor: policyLookup(settings.policies) });
      } else {
        const streams = await withDatabase(options.open, (db) => readStreamsByPrefix<ReviewSeriesEvent>(db, REVIEW_SERIES_STREAM_PREFIX));
        const series = [...streams.values()].map((records) => records.map((r) => r.event));
        report = reviewIndicators(series, period, { calendar: settings.calendar, rules: settings.rules, asOf: minLocalDate(today, period.to) });
      }

      if (values.json) writeJson(io, report);
      else if (values.csv) io.out(reportCsv(report));
      else io.out(reportTable(which === 'alerts' ? 'Practice alerts and disputes raised' : 'Reviews held', report));
      return EXIT_OK;
    },
  };
}

export const reportCommand = createReportCommand({ open: openConfiguredDatabase, settings: configuredReportSettings });
