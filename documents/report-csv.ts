/**
 * A report's figures as CSV: `indicator,value` rows in the one shape `resolve report --csv` has too
 * (domain/reports `indicatorRows`: the DOMAIN §5.7 keys, nested figures flattened with dots, e.g.
 * `alerts_by_type.formal`, the period first). Alerts and reviews in one file, the period once.
 * A percentage with nothing to count is left empty. Quoted as RFC 4180 has it; an indicator a
 * spreadsheet would read as a formula is written as text.
 */
import { indicatorRows, type AlertIndicators, type IndicatorRow, type ReviewIndicators } from '../domain/reports/index.js';

export const CSV_HEADER = 'indicator,value';

function field(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The rows of alerts and reviews for one period, the period's rows once. */
export function reportCsvRows(indicators: { readonly alerts: AlertIndicators; readonly reviews: ReviewIndicators }): IndicatorRow[] {
  const alerts = indicatorRows(indicators.alerts);
  const reviews = indicatorRows(indicators.reviews).filter(([indicator]) => !indicator.startsWith('period.'));
  return [...alerts, ...reviews];
}

/** The CSV text: the header, then one line a row. */
export function indicatorCsv(rows: readonly IndicatorRow[]): string {
  return `${[CSV_HEADER, ...rows.map(([indicator, value]) => `${field(indicator)},${value === null ? '' : field(String(value))}`)].join('\n')}\n`;
}

/** A file name for a report's CSV: `<slug>-<from>-to-<to>.csv`. */
export function reportCsvFileName(period: { readonly from: string; readonly to: string }, slug = 'report'): string {
  const safe = slug.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'report';
  return `${safe}-${period.from}-to-${period.to}.csv`;
}
