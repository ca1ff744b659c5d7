/**
 * The report card for senior leaders and the service manager for quality assurance: the title
 * and period, the headline percentages as facts, each section's figures, and its distributions
 * drawn with Teams' chart elements (`Chart.VerticalBar`, `Chart.HorizontalBar`, `Chart.Pie`,
 * `Chart.Donut`; schema 1.5). Each chart carries a `fallback` with the same figures as a table,
 * so a client without charts (and the adaptivecards SDK) shows them. Buttons run the report again
 * for another period and send its CSV. Counts and percentages only.
 *
 * Teams refuses a message over about 28 KB: with many categories the card is drawn again with
 * fewer points a chart (the rest summed as "Other"), then as tables only, then the headline only,
 * and says so; the CSV always has every figure.
 */
import { actionSet, adaptiveCard, compact, container, execute, factSet, heading, showCard, text, type AdaptiveCardJson, type CardAction, type CardElement } from './elements.js';
import { cardBytes, MAX_CARD_BYTES } from './fit.js';
import { dateInput } from './inputs.js';
import { REPORT_EARLIEST, REPORT_INPUTS, REPORT_LATEST, REPORT_PERIOD_LABELS, REPORT_VERBS, type ReportPeriodChoice } from './report-verbs.js';
import { formatFigure, type ReportFigure, type ReportPoint, type ReportSeries, type ReportView } from './report-view.js';

/** The chart element types Teams draws, as this card writes them. */
export const TEAMS_CHART_TYPES = {
  'vertical-bar': 'Chart.VerticalBar',
  'horizontal-bar': 'Chart.HorizontalBar',
  pie: 'Chart.Pie',
  donut: 'Chart.Donut',
} as const;

/** How the CSV is offered: a button that sends it in the chat, or a link to the file where one exists. */
export type ReportCsvOffer = { readonly kind: 'send' } | { readonly kind: 'link'; readonly url: string };

export interface ReportCardView {
  readonly report: ReportView;
  /** The period the report was asked for (its button is not offered again). */
  readonly period: ReportPeriodChoice;
  /** Offer the CSV of these figures (not on a digest, whose figures are not a period's indicators). */
  readonly csv?: ReportCsvOffer;
  /** A file to download that goes with the report (the annual report's Word document), over https. */
  readonly download?: { readonly title: string; readonly url: string };
  /** Offer the period buttons (false on a report sent by itself to someone who may not run reports). */
  readonly canChoosePeriod: boolean;
  /** One line on top: what just happened ("The CSV is in the next message."). */
  readonly note?: string;
}

/** Points a chart shows before the rest are summed as "Other", at each step of fitting. */
const POINT_STEPS = [Number.POSITIVE_INFINITY, 12, 8, 5] as const;
/** A chart axis label longer than this is cut (the table under it keeps the whole label). */
const AXIS_LABEL_MAX = 32;
/** Rows a table shows when the charts are left off to fit. */
const TABLE_POINTS = 5;
const QUICK_PERIODS: readonly Exclude<ReportPeriodChoice, 'range'>[] = ['this-year', 'last-quarter', 'this-month'];

type Mode = { readonly kind: 'charts'; readonly maxPoints: number } | { readonly kind: 'tables' } | { readonly kind: 'headline' };

export function reportCardPreview(view: ReportCardView): string {
  const line = `${view.report.title}, ${view.report.periodLabel}`;
  return line.length <= 120 ? line : `${line.slice(0, 119).trimEnd()}…`;
}

const shortLabel = (label: string) => (label.length <= AXIS_LABEL_MAX ? label : `${label.slice(0, AXIS_LABEL_MAX - 1).trimEnd()}…`);

/** The first `max - 1` points and the rest summed as one "Other" point. */
export function cappedPoints(points: readonly ReportPoint[], max: number): ReportPoint[] {
  if (points.length <= max) return [...points];
  const kept = points.slice(0, Math.max(1, max - 1));
  const rest = points.slice(kept.length);
  const sum = Math.round(rest.reduce((total, p) => total + p.value, 0) * 10) / 10;
  return [...kept, { key: 'other_grouped', label: `Other (${rest.length} more)`, value: sum }];
}

function facts(figures: readonly ReportFigure[]): CardElement | undefined {
  return factSet(figures.map((f) => [f.label, formatFigure(f.value, f.unit)] as const));
}

function table(series: ReportSeries, points: readonly ReportPoint[]): CardElement {
  return container([
    text(series.title, { weight: 'Bolder', spacing: 'Medium' }),
    factSet(points.map((p) => [p.label, formatFigure(p.value, series.unit)] as const)),
  ]);
}

/** One Teams chart with its table as the fallback. */
export function chartElement(series: ReportSeries, maxPoints: number = Number.POSITIVE_INFINITY): CardElement {
  const points = cappedPoints(series.points, maxPoints);
  const type = TEAMS_CHART_TYPES[series.chart];
  const common = { type, title: series.title, colorSet: 'categorical', fallback: table(series, points) };
  if (series.chart === 'pie' || series.chart === 'donut') {
    return { ...common, data: points.map((p) => ({ legend: shortLabel(p.label), value: p.value })) };
  }
  return {
    ...common,
    ...(series.xAxisTitle !== undefined && { xAxisTitle: series.xAxisTitle }),
    ...(series.yAxisTitle !== undefined && { yAxisTitle: series.yAxisTitle }),
    ...(series.chart === 'horizontal-bar' && { displayMode: 'AbsoluteWithAxis' }),
    data: points.map((p) => ({ x: shortLabel(p.label), y: p.value })),
  };
}

function seriesElement(series: ReportSeries, mode: Mode): CardElement | undefined {
  if (series.points.length === 0) return text(`${series.title}: none in this period.`, { isSubtle: true, spacing: 'Medium' });
  if (mode.kind === 'tables') return table(series, cappedPoints(series.points, TABLE_POINTS));
  if (mode.kind === 'charts') return chartElement(series, mode.maxPoints);
  return undefined;
}

function periodActions(view: ReportCardView): CardElement | undefined {
  if (!view.canChoosePeriod) return undefined;
  const quick = QUICK_PERIODS.filter((p) => p !== view.period).map((p) => execute(REPORT_PERIOD_LABELS[p], REPORT_VERBS.reportShow, { period: p }, { associatedInputs: 'none' }));
  const range = showCard(REPORT_PERIOD_LABELS.range, [
    ...dateInput({ id: REPORT_INPUTS.from, label: 'First day', isRequired: true, errorMessage: 'Pick the first day of the period', value: view.report.from }),
    ...dateInput({ id: REPORT_INPUTS.to, label: 'Last day', isRequired: true, errorMessage: 'Pick the last day of the period', value: view.report.to }),
  ], execute('Show the report', REPORT_VERBS.reportShow, { period: 'range' }));
  return actionSet([...quick, withDateBounds(range)]);
}

/** The show card's date inputs, bounded as the verb's schema is. */
function withDateBounds(action: CardAction): CardAction {
  const card = action.card as { body: CardElement[] };
  return { ...action, card: { ...card, body: card.body.map((e) => (e.type === 'Input.Date' ? { ...e, min: REPORT_EARLIEST, max: REPORT_LATEST } : e)) } };
}

const isHttps = (url: string) => /^https:\/\/[^\s]+$/.test(url);

function csvAction(view: ReportCardView): CardAction | undefined {
  if (view.csv === undefined) return undefined;
  if (view.csv.kind === 'link') return isHttps(view.csv.url) ? { type: 'Action.OpenUrl', title: 'Download CSV', url: view.csv.url } : undefined;
  return execute('Download CSV', REPORT_VERBS.reportCsv, { from: view.report.from, to: view.report.to }, { associatedInputs: 'none' });
}

function downloadAction(view: ReportCardView): CardAction | undefined {
  return view.download !== undefined && isHttps(view.download.url) ? { type: 'Action.OpenUrl', title: view.download.title, url: view.download.url } : undefined;
}

function draw(view: ReportCardView, mode: Mode): AdaptiveCardJson {
  const { report } = view;
  const shortened = mode.kind === 'charts' && Number.isFinite(mode.maxPoints)
    ? `To fit in Teams, charts show ${mode.maxPoints} categories at most, the rest added up as Other; the CSV has every figure.`
    : mode.kind === 'tables' ? `To fit in Teams, the distributions are tables of ${TABLE_POINTS} rows at most, without charts; the CSV has every figure.`
      : mode.kind === 'headline' ? 'Too many figures to show in Teams: here are the headline figures; the CSV has every figure.' : undefined;
  return adaptiveCard({
    fallbackText: reportCardPreview(view),
    body: [
      heading(report.title),
      text(report.periodLabel, { isSubtle: true, spacing: 'None' }),
      view.note !== undefined && text(view.note, { color: 'Good' }),
      facts(report.headline),
      shortened !== undefined && text(shortened, { isSubtle: true, size: 'Small' }),
      ...(mode.kind === 'headline' ? [] : report.sections.flatMap((section) => compact([
        text(section.heading, { weight: 'Bolder', size: 'Medium', separator: true, spacing: 'Large' }),
        facts(section.figures),
        ...section.series.map((s) => seriesElement(s, mode)),
      ]))),
      text('Counts and percentages only: no child, carer or case is named in a report.', { isSubtle: true, size: 'Small', spacing: 'Large' }),
      periodActions(view),
    ],
    actions: [csvAction(view), downloadAction(view)],
  });
}

/** The report card, within Teams' size limit however many categories the report has. */
export function reportCard(view: ReportCardView): AdaptiveCardJson {
  const modes: Mode[] = [...POINT_STEPS.map((maxPoints): Mode => ({ kind: 'charts', maxPoints })), { kind: 'tables' }, { kind: 'headline' }];
  let card = draw(view, modes[0]!);
  for (const mode of modes.slice(1)) {
    if (cardBytes(card) <= MAX_CARD_BYTES) return card;
    card = draw(view, mode);
  }
  return card;
}
