/**
 * The indicators for a period, from the events Resolve records: every case stream (`case-...`)
 * and every review series (`review-series:...`) read in one statement each, folded by the pure
 * indicators of domain/reports. The chat, the CSV and the regular reports all ask here.
 */
import { addCalendarDays, type LocalDate, type WorkingCalendar } from '../../domain/calendar/index.js';
import type { CaseEvent } from '../../domain/escalation/index.js';
import type { Policy } from '../../domain/policies/index.js';
import {
  alertIndicators, monthOf, performanceYear, periodBetween, quarterOf, reviewIndicators,
  type AlertIndicators, type Period, type ReviewIndicators,
} from '../../domain/reports/index.js';
import type { ReviewDueRules, ReviewSeriesEvent } from '../../domain/reviews/index.js';
import type { ReportPeriodRequest } from '../../cards/report-verbs.js';
import type { Queryable } from '../../store/db.js';
import { readStreamsByPrefix } from '../../store/events.js';
import { policyLookup } from '../cases/model.js';

/** Where each aggregate's streams start (app/cases: `case-<id>`; app/reviews: `review-series:<kind>:<reference>`). */
export const CASE_STREAM_PREFIX = 'case-';
export const REVIEW_SERIES_STREAM_PREFIX = 'review-series:';

export interface Indicators {
  readonly alerts: AlertIndicators;
  readonly reviews: ReviewIndicators;
}

export interface ReportFigures {
  /** The alert and review indicators for `period`, as things stood on `asOf` (today). */
  indicators(period: Period, asOf: LocalDate): Promise<Indicators>;
}

export interface ReportFiguresOptions {
  readonly db: Queryable;
  readonly calendar: WorkingCalendar;
  readonly policies: readonly Policy[];
  readonly rules?: ReviewDueRules;
}

export function createReportFigures(options: ReportFiguresOptions): ReportFigures {
  const policyFor = policyLookup(options.policies);
  return {
    async indicators(period, asOf) {
      const [cases, series] = await Promise.all([
        readStreamsByPrefix<CaseEvent>(options.db, CASE_STREAM_PREFIX),
        readStreamsByPrefix<ReviewSeriesEvent>(options.db, REVIEW_SERIES_STREAM_PREFIX),
      ]);
      const events = <E>(streams: Map<string, { readonly event: E }[]>) => [...streams.values()].map((records) => records.map((r) => r.event));
      return {
        alerts: alertIndicators(events(cases), period, { calendar: options.calendar, policyFor }),
        reviews: reviewIndicators(events(series), period, { calendar: options.calendar, asOf, ...(options.rules !== undefined && { rules: options.rules }) }),
      };
    },
  };
}

const soFar = (period: Period, today: LocalDate): Period =>
  (today >= period.from && today < period.to ? { from: period.from, to: today, label: `${period.label} so far` } : period);

/**
 * The period a person asked for, on `today`: this year, quarter or month so far (the performance
 * year runs 1 April to 31 March), the last whole one, or any two dates.
 */
export function resolvePeriod(request: ReportPeriodRequest, today: LocalDate): Period {
  switch (request.kind) {
    case 'this-year': return soFar(performanceYear(today), today);
    case 'last-year': return performanceYear(addCalendarDays(performanceYear(today).from, -1));
    case 'this-quarter': return soFar(quarterOf(today), today);
    case 'last-quarter': return quarterOf(addCalendarDays(quarterOf(today).from, -1));
    case 'this-month': return soFar(monthOf(today), today);
    case 'last-month': return monthOf(addCalendarDays(monthOf(today).from, -1));
    case 'range': return periodBetween(request.from, request.to);
  }
}
