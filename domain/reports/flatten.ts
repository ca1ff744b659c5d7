/**
 * A report as rows of `indicator, value`, nested maps flattened with dots (`alerts_by_type.formal`,
 * `rearranged_pct.looked_after`): one shape for the CSV on the command line and as an attachment.
 * The period comes first (`period.from`, `period.to`, `period.label`), then the indicators in the
 * order of the report.
 */
import type { AlertIndicators } from './alerts.js';
import type { ReviewIndicators } from './reviews.js';

export type IndicatorValue = number | string | null;
export type IndicatorRow = readonly [indicator: string, value: IndicatorValue];

function walk(prefix: string, value: unknown, rows: IndicatorRow[]): void {
  if (value === null || typeof value === 'number' || typeof value === 'string') {
    rows.push([prefix, value]);
    return;
  }
  if (typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) walk(prefix === '' ? key : `${prefix}.${key}`, child, rows);
  }
}

export function indicatorRows(report: AlertIndicators | ReviewIndicators): IndicatorRow[] {
  const rows: IndicatorRow[] = [];
  walk('', report, rows);
  return rows;
}

/** Whether the indicator is a percentage (a `pct` word in its key or the key of a map it is in: `formal_alert_pct`, `participation_pct_age4plus`, `...Judgement.pct`), e.g. for showing "%". */
export function isPercentIndicator(indicator: string): boolean {
  return indicator.split('.').some((part) => /(^|_)pct(_|$)/.test(part));
}
