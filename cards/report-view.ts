/**
 * A report as every renderer reads it (the card, the CSV, the Word documents): a title, the
 * period, the headline figures and sections of figures with the series their charts draw.
 * Counts and percentages only: nothing here may carry a case reference, a person's name or words
 * anyone typed. The labels are Resolve's own, or a ladder's category list.
 */
import type { IsoDate } from './view-models.js';

export const FIGURE_UNITS = ['count', 'percent', 'working-days'] as const;
export type FigureUnit = (typeof FIGURE_UNITS)[number];

export interface ReportFigure {
  /** The KPI key (DOMAIN §5.7), e.g. `reviews_in_timescale_pct`: the CSV's indicator. */
  readonly key: string;
  readonly label: string;
  /** Null when there is nothing to measure (a percentage of none). */
  readonly value: number | null;
  readonly unit: FigureUnit;
}

export interface ReportPoint {
  /** Stable within its series: the CSV's indicator is `<series key>[<point key>]`. */
  readonly key: string;
  readonly label: string;
  readonly value: number;
}

export const CHART_KINDS = ['vertical-bar', 'horizontal-bar', 'pie', 'donut'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

export interface ReportSeries {
  /** The KPI key of the distribution, e.g. `alerts_by_type`. */
  readonly key: string;
  readonly title: string;
  readonly chart: ChartKind;
  readonly unit: FigureUnit;
  readonly points: readonly ReportPoint[];
  readonly xAxisTitle?: string;
  readonly yAxisTitle?: string;
}

export interface ReportSection {
  readonly key: string;
  readonly heading: string;
  readonly figures: readonly ReportFigure[];
  readonly series: readonly ReportSeries[];
}

export interface ReportView {
  readonly title: string;
  /** "1 April 2025 to 31 March 2026 (performance year 2025-26)" */
  readonly periodLabel: string;
  readonly from: IsoDate;
  readonly to: IsoDate;
  /** The percentages a reader looks at first. */
  readonly headline: readonly ReportFigure[];
  readonly sections: readonly ReportSection[];
}

const nf = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

/** "96.5%", "12", "4.5 working days"; "none to measure" for a percentage of nothing. */
export function formatFigure(value: number | null, unit: FigureUnit): string {
  if (value === null || !Number.isFinite(value)) return unit === 'percent' ? 'none to measure' : 'not known';
  if (unit === 'percent') return `${nf.format(value)}%`;
  if (unit === 'working-days') return `${nf.format(value)} working day${value === 1 ? '' : 's'}`;
  return nf.format(value);
}
