/**
 * Where the indicators (domain/reports, DOMAIN §5.7) meet the renderers: `AlertIndicators` and
 * `ReviewIndicators` for a period become a `ReportView` (cards/report-view.ts) that the card, the
 * CSV and the Word documents draw. This is the one mapping between the two.
 *
 * Labels are Resolve's own or a ladder's: alert types and stages by the ladders' labels (the
 * indicators key them so), themes only when they are one of a ladder's categories or triggers:
 * the indicators already count a category off the ladder's list as "Other", and anything else
 * that is not a ladder's word is counted under "Other category" here too, so no free text can
 * reach a report.
 */
import { formatShortDate } from '../../cards/format.js';
import type { ChartKind, FigureUnit, ReportFigure, ReportPoint, ReportSection, ReportSeries, ReportView } from '../../cards/report-view.js';
import type { Policy } from '../../domain/policies/index.js';
import { OTHER_CATEGORY, UNCATEGORISED, type AlertIndicators, type Period, type ReviewIndicators, type ThemeShare } from '../../domain/reports/index.js';
import { REARRANGEMENT_REASON_LABELS } from '../../domain/reviews/index.js';

/** The ladders' words for their alert types, stages and categories. */
export interface ReportLabels {
  readonly alertTypes: ReadonlyMap<string, string>;
  readonly stages: ReadonlyMap<string, string>;
  /** Every category and trigger a ladder offers: the only theme labels a report shows. */
  readonly themes: ReadonlySet<string>;
}

export function reportLabels(policies: readonly Policy[]): ReportLabels {
  const alertTypes = new Map<string, string>();
  const stages = new Map<string, string>();
  const themes = new Set<string>();
  for (const policy of policies) {
    for (const t of policy.alertTypes) {
      if (!alertTypes.has(t.id)) alertTypes.set(t.id, t.label);
      alertTypes.set(`${policy.id}:${t.id}`, t.label);
      for (const trigger of t.triggers) themes.add(trigger);
    }
    for (const s of policy.stages) {
      if (!stages.has(s.id)) stages.set(s.id, s.label);
      stages.set(`${policy.id}:${s.id}`, s.label);
    }
    for (const c of policy.categories) themes.add(c);
  }
  return { alertTypes, stages, themes };
}

const figure = (key: string, label: string, value: number | null, unit: FigureUnit = 'count'): ReportFigure => ({ key, label, value, unit });

/** A code's words when nobody gave it a label: "placement_change" -> "Placement change". */
function humanised(key: string): string {
  const words = key.replace(/[_-]+/g, ' ').trim();
  return words === '' ? 'Not recorded' : words.charAt(0).toUpperCase() + words.slice(1);
}

/** The indicators key alert types and stages by the ladder's labels; an id, where one comes, by its label. */
const labelFrom = (map: ReadonlyMap<string, string>) => (key: string) => map.get(key) ?? key;

function series(key: string, title: string, chart: ChartKind, points: readonly ReportPoint[], unit: FigureUnit = 'count', axes: { x?: string; y?: string } = {}): ReportSeries {
  return { key, title, chart, unit, points, ...(axes.x !== undefined && { xAxisTitle: axes.x }), ...(axes.y !== undefined && { yAxisTitle: axes.y }) };
}

/** Counts by key as points, biggest first, each labelled; zero counts left out. */
function countPoints(counts: Readonly<Record<string, number>>, label: (key: string) => string): ReportPoint[] {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([key, value]) => ({ key, label: label(key), value }));
}

const OTHER_THEME = { key: 'other_category', label: 'Other category' } as const;
const NO_THEME = new Set(['', 'none', UNCATEGORISED.toLowerCase(), 'uncategorized', 'null', '(none)']);

/**
 * Theme shares as points: a ladder's category keeps its words; no category is "No category";
 * anything else (typed by hand) is added up under "Other category", so its words never show.
 */
export function themePoints(shares: Readonly<Record<string, ThemeShare>>, labels: ReportLabels): ReportPoint[] {
  const merged = new Map<string, { label: string; count: number; pct: number }>();
  for (const [theme, share] of Object.entries(shares)) {
    const known = labels.themes.has(theme) && theme !== OTHER_CATEGORY;
    const key = known ? theme : NO_THEME.has(theme.trim().toLowerCase()) ? 'no_category' : OTHER_THEME.key;
    const label = known ? theme : key === 'no_category' ? 'No category' : OTHER_THEME.label;
    const was = merged.get(key) ?? { label, count: 0, pct: 0 };
    merged.set(key, { label, count: was.count + share.count, pct: was.pct + (share.pct ?? 0) });
  }
  return [...merged.entries()]
    .filter(([, v]) => v.count > 0)
    .sort(([a, x], [b, y]) => y.count - x.count || a.localeCompare(b))
    .map(([key, v]) => ({ key, label: v.label, value: Math.round(v.pct * 10) / 10 }));
}

/**
 * The alert indicators with every theme that is not a ladder's word (nor "Other" or
 * "Uncategorised") added into "Other": the indicators do this already; this keeps the CSV to it
 * should a category typed by hand ever reach them.
 */
export function withLadderThemesOnly(alerts: AlertIndicators, labels: ReportLabels): AlertIndicators {
  const keep = (theme: string) => labels.themes.has(theme) || theme === OTHER_CATEGORY || theme === UNCATEGORISED;
  const group = (shares: Readonly<Record<string, ThemeShare>>): Record<string, ThemeShare> => {
    const out: Record<string, ThemeShare> = {};
    for (const [theme, share] of Object.entries(shares)) {
      const key = keep(theme) ? theme : OTHER_CATEGORY;
      const was = out[key];
      out[key] = was === undefined ? share : { count: was.count + share.count, pct: was.pct === null && share.pct === null ? null : Math.round(((was.pct ?? 0) + (share.pct ?? 0)) * 10) / 10 };
    }
    return out;
  };
  const d = alerts.alert_theme_distribution;
  return { ...alerts, alert_theme_distribution: { all: group(d.all), good_practice: group(d.good_practice), informal: group(d.informal), formal: group(d.formal) } };
}

const REVIEW_LABELS: Readonly<Record<string, string>> = {
  initial: 'Initial reviews', 'placement-change': 'After a placement change', placement_change: 'After a placement change', second: 'Second reviews',
  subsequent: 'Later reviews', first: 'First foster home reviews', annual: 'Annual foster home reviews', 'significant-incident': 'After a significant incident',
  significant_incident: 'After a significant incident',
};
const reasonLabel = (key: string) => (REARRANGEMENT_REASON_LABELS as Readonly<Record<string, string>>)[key] ?? humanised(key);

/** "2025-26: 1 Apr 2025 to 31 Mar 2026" */
export function periodLine(period: Period): string {
  const day = (d: string) => formatShortDate(new Date(`${d}T12:00:00Z`));
  const dates = `${day(period.from)} to ${day(period.to)}`;
  return period.label === `${period.from} to ${period.to}` ? dates : `${period.label}: ${dates}`;
}

/** The alert figures and charts (DOMAIN §5.7: CE-K15..K19, D-K01, O-K02). */
export function alertSection(a: AlertIndicators, labels: ReportLabels, options: { readonly themesFirst?: boolean } = {}): ReportSection {
  const t = a.time_to_resolution_working_days;
  const byKind = series('alerts_by_type', 'Alerts by kind', 'donut', [
    { key: 'good_practice', label: 'Good practice', value: a.alerts_by_type.good_practice },
    { key: 'informal', label: 'Informal', value: a.alerts_by_type.informal },
    { key: 'formal', label: 'Formal', value: a.alerts_by_type.formal },
  ].filter((p) => p.value > 0));
  const byLadderType = series('alerts_by_alert_type', 'Alerts by type', 'horizontal-bar', countPoints(a.alerts_by_type.by_alert_type, labelFrom(labels.alertTypes)), 'count', { y: 'Alerts' });
  const byStage = series('alerts_by_stage_reached', 'Highest stage reached', 'vertical-bar', countPoints(a.alerts_by_stage_reached, labelFrom(labels.stages)), 'count', { x: 'Stage', y: 'Alerts' });
  const themes = series('alert_theme_distribution', 'Themes (share of alerts)', 'horizontal-bar', themePoints(a.alert_theme_distribution.all, labels), 'percent', { y: '% of alerts' });
  const charts = options.themesFirst === true ? [themes, byKind, byLadderType, byStage] : [byKind, byLadderType, byStage, themes];
  return {
    key: 'alerts',
    heading: 'Practice alerts and disputes',
    figures: [
      figure('alerts_total', 'Alerts raised', a.alerts_total),
      figure('formal_alert_pct', 'Formal alerts, of all alerts', a.formal_alert_pct, 'percent'),
      figure('good_practice_alert_pct', 'Good practice alerts, of all alerts', a.good_practice_alert_pct, 'percent'),
      figure('alerts_resolved_in_timescale_pct', 'Resolved within timescale', a.alerts_resolved_in_timescale_pct, 'percent'),
      figure('overall_limit_breaches', 'Past the overall time limit', a.overall_limit_breaches),
      figure('cafcass_referrals', 'Referred to Cafcass', a.cafcass_referrals),
      figure('time_to_resolution_working_days[median]', 'Time to resolution (median)', t.median, 'working-days'),
      figure('time_to_resolution_working_days[max]', 'Time to resolution (longest)', t.max, 'working-days'),
      figure('time_to_resolution_working_days[count]', 'Alerts resolved', t.count),
    ],
    series: charts,
  };
}

/** The review figures (C68, C69, CE-K06..K11, O-K04) and after-review compliance (OX-R12..R19, FC-R02, R21, R22). */
export function reviewSections(r: ReviewIndicators): ReportSection[] {
  const heldLate = r.held_late_with_reason.looked_after.held_late + r.held_late_with_reason.foster_carer.held_late;
  const reasons: Record<string, number> = {};
  for (const byReason of [r.rearranged_by_reason.looked_after, r.rearranged_by_reason.foster_carer]) {
    for (const [k, n] of Object.entries(byReason)) reasons[k] = (reasons[k] ?? 0) + n;
  }
  return [
    {
      key: 'reviews',
      heading: 'Reviews',
      figures: [
        figure('reviews_held[total]', 'Reviews held', r.reviews_held.total),
        figure('reviews_held[looked_after]', 'Looked-after children\'s reviews held', r.reviews_held.looked_after),
        figure('reviews_held[foster_carer]', 'Foster home reviews held', r.reviews_held.foster_carer),
        figure('reviews_in_timescale_pct', 'Held in timescale (C68, per review)', r.reviews_in_timescale_pct, 'percent'),
        figure('children_all_reviews_on_time_pct', 'Children with every review on time (C68)', r.children_all_reviews_on_time_pct, 'percent'),
        figure('participation_pct_age4plus', 'Children aged 4+ who took part (C69)', r.participation_pct_age4plus, 'percent'),
        figure('participation_unknown_count', 'Reviews with participation not recorded', r.participation_unknown_count),
        figure('held_late', 'Reviews held late', heldLate),
        figure('rearranged_pct[looked_after]', 'Looked-after reviews rearranged', r.rearranged_pct.looked_after, 'percent'),
        figure('rearranged_pct[foster_carer]', 'Foster home reviews rearranged', r.rearranged_pct.foster_carer, 'percent'),
        figure('cancelled_count[looked_after]', 'Looked-after reviews cancelled', r.cancelled_count.looked_after),
        figure('cancelled_count[foster_carer]', 'Foster home reviews cancelled', r.cancelled_count.foster_carer),
        figure('postponements_gt1_per_child_year', 'Children with more than one postponement this year', r.postponements_gt1_per_child_year),
      ],
      series: [
        series('reviews_held_by_type', 'Reviews held, by review', 'vertical-bar', countPoints(r.reviews_held_by_type, (k) => REVIEW_LABELS[k] ?? humanised(k)), 'count', { y: 'Reviews' }),
        series('rearranged_by_reason', 'Why reviews were rearranged', 'horizontal-bar', countPoints(reasons, reasonLabel), 'count', { y: 'Reviews' }),
      ],
    },
    {
      key: 'after-review',
      heading: 'After the review',
      figures: [
        figure('decisions_circulated_5wd_pct', 'Decisions circulated within 5 working days', r.decisions_circulated_5wd_pct, 'percent'),
        figure('tm_response_5wd_pct', 'Team manager response within 5 working days', r.tm_response_5wd_pct, 'percent'),
        figure('deemed_agreed_count', 'Decisions deemed agreed', r.deemed_agreed_count),
        figure('care_plan_updated_10wd_pct', 'Care plan updated within 10 working days', r.care_plan_updated_10wd_pct, 'percent'),
        figure('full_record_15wd_pct', 'Full record within 15 working days', r.full_record_15wd_pct, 'percent'),
        figure('distributed_20wd_pct', 'Record distributed within 20 working days', r.distributed_20wd_pct, 'percent'),
        figure('fhr_on_time_pct', 'Foster home reviews on time', r.fhr_on_time_pct, 'percent'),
        figure('fhr_report_20wd_pct', 'Foster home review report within 20 working days', r.fhr_report_20wd_pct, 'percent'),
        figure('fhr_copy_4wk_pct', 'Carers sent their copy within 4 weeks', r.fhr_copy_4wk_pct, 'percent'),
      ],
      series: [],
    },
  ];
}

/** The headline percentages a reader looks at first. */
function headline(a: AlertIndicators, r: ReviewIndicators): ReportFigure[] {
  return [
    figure('reviews_in_timescale_pct', 'Reviews held in timescale', r.reviews_in_timescale_pct, 'percent'),
    figure('children_all_reviews_on_time_pct', 'Children with every review on time', r.children_all_reviews_on_time_pct, 'percent'),
    figure('participation_pct_age4plus', 'Children aged 4+ taking part', r.participation_pct_age4plus, 'percent'),
    figure('formal_alert_pct', 'Formal alerts, of all alerts', a.formal_alert_pct, 'percent'),
    figure('good_practice_alert_pct', 'Good practice alerts, of all alerts', a.good_practice_alert_pct, 'percent'),
    figure('alerts_resolved_in_timescale_pct', 'Alerts resolved within timescale', a.alerts_resolved_in_timescale_pct, 'percent'),
  ];
}

export type ReportFocus = 'all' | 'themes';

/**
 * The report for a period: alerts and reviews (`report` in chat, the CSV), or with the themes
 * first (the monthly thematic and quarterly themes reports).
 */
export function reportViewOf(
  indicators: { readonly alerts: AlertIndicators; readonly reviews: ReviewIndicators },
  labels: ReportLabels,
  options: { readonly title?: string; readonly focus?: ReportFocus } = {},
): ReportView {
  const { alerts, reviews } = indicators;
  const period = alerts.period;
  const themesFirst = options.focus === 'themes';
  return {
    title: options.title ?? 'Alerts and reviews report',
    periodLabel: periodLine(period),
    from: period.from,
    to: period.to,
    headline: headline(alerts, reviews),
    sections: [alertSection(alerts, labels, { themesFirst }), ...reviewSections(reviews)],
  };
}
