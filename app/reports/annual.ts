/**
 * The annual report (DOMAIN §5.2, Cheshire East's structure) from this year's and last year's
 * indicators: the figures in tables beside last year's, and the executive summary's lists
 * ("What has gone well?" / "What are we worried about?") written by Resolve from the figures by
 * plain rules, each sentence with its numbers. Counts and percentages only.
 */
import type { ReportSeries } from '../../cards/report-view.js';
import type { AnnualReportView, ComparedFigure } from '../../documents/annual-report-docx.js';
import type { ReportLabels } from './view.js';
import { alertSection, themePoints } from './view.js';
import type { Indicators } from './figures.js';

/** A share at or above this is "gone well" (CE-K03 98%, CE-K06 96%); below the lower mark it is a worry. */
const GOOD_PCT = 90;
const WORRY_PCT = 80;

const pctText = (v: number) => `${Math.round(v * 10) / 10}%`;

function compared(key: string, label: string, unit: ComparedFigure['unit'], value: number | null, previous: number | null | undefined): ComparedFigure {
  return { key, label, unit, value, ...(previous !== undefined && { previous }) };
}

/** "up from 88% last year", "down from 12% last year", "" when there is no last year to compare. */
function versus(value: number, previous: number | null | undefined): string {
  if (previous === null || previous === undefined) return '';
  if (previous === value) return `, the same as last year`;
  return `, ${value > previous ? 'up' : 'down'} from ${pctText(previous)} last year`;
}

/** Sentences for the executive summary and the alerts table, from the figures by fixed rules. */
function findings(now: Indicators, before: Indicators | undefined) {
  const goneWell: string[] = [];
  const worries: string[] = [];
  const alertsWell: string[] = [];
  const alertsWorries: string[] = [];
  const futureFocus: string[] = [];
  const r = now.reviews;
  const a = now.alerts;
  const shares: [string, number | null, number | null | undefined, string][] = [
    ['reviews were held within statutory timescales', r.reviews_in_timescale_pct, before?.reviews.reviews_in_timescale_pct, 'reviews'],
    ['of children had every review of the year on time (C68)', r.children_all_reviews_on_time_pct, before?.reviews.children_all_reviews_on_time_pct, 'reviews'],
    ['of children aged 4 and over took part in their review (C69)', r.participation_pct_age4plus, before?.reviews.participation_pct_age4plus, 'reviews'],
    ['of review decisions were circulated within 5 working days', r.decisions_circulated_5wd_pct, before?.reviews.decisions_circulated_5wd_pct, 'reviews'],
    ['of alerts were resolved within their timescale', a.alerts_resolved_in_timescale_pct, before?.alerts.alerts_resolved_in_timescale_pct, 'alerts'],
  ];
  for (const [what, value, previous, area] of shares) {
    if (value === null) continue;
    const sentence = `${pctText(value)} ${what}${versus(value, previous)}.`;
    if (value >= GOOD_PCT) (area === 'alerts' ? alertsWell : goneWell).push(sentence);
    else if (value < WORRY_PCT) (area === 'alerts' ? alertsWorries : worries).push(sentence);
  }
  if (a.good_practice_alert_pct !== null && a.alerts_total > 0) {
    alertsWell.push(`Good practice alerts were ${pctText(a.good_practice_alert_pct)} of all ${a.alerts_total} alerts raised${versus(a.good_practice_alert_pct, before?.alerts.good_practice_alert_pct)}.`);
  }
  if (a.formal_alert_pct !== null && a.alerts_total > 0) {
    const prev = before?.alerts.formal_alert_pct;
    const line = `Formal alerts were ${pctText(a.formal_alert_pct)} of all alerts (${a.alerts_by_type.formal} formal)${versus(a.formal_alert_pct, prev)}.`;
    (prev !== null && prev !== undefined && a.formal_alert_pct > prev ? alertsWorries : alertsWell).push(line);
  }
  if (a.overall_limit_breaches > 0) {
    alertsWorries.push(`${a.overall_limit_breaches} alert${a.overall_limit_breaches === 1 ? '' : 's'} went past the overall time limit.`);
    futureFocus.push('Resolve alerts within the overall time limit: look at where the breaches stalled.');
  }
  if (r.postponements_gt1_per_child_year > 0) {
    worries.push(`${r.postponements_gt1_per_child_year} ${r.postponements_gt1_per_child_year === 1 ? 'child had' : 'children had'} more than one review postponed this year (O-K04).`);
  }
  const late = r.held_late_with_reason.looked_after.held_late + r.held_late_with_reason.foster_carer.held_late;
  if (late > 0) worries.push(`${late} review${late === 1 ? ' was' : 's were'} held after ${late === 1 ? 'its' : 'their'} statutory date.`);
  if (r.participation_unknown_count > 0) futureFocus.push(`Record whether the child took part for the ${r.participation_unknown_count} review${r.participation_unknown_count === 1 ? '' : 's'} where it is not recorded.`);
  if (a.cafcass_referrals > 0) alertsWorries.push(`${a.cafcass_referrals} case${a.cafcass_referrals === 1 ? ' was' : 's were'} referred to Cafcass.`);
  const topTheme = Object.entries(a.alert_theme_distribution.informal).sort(([, x], [, y]) => y.count - x.count)[0];
  if (topTheme !== undefined) futureFocus.push('Work with the teams on the commonest theme of informal alerts (see the themes below).');
  return { goneWell: [...goneWell, ...alertsWell], worries: [...worries, ...alertsWorries], alertsWell, alertsWorries, futureFocus };
}

/** The annual report's view from this year's indicators (and last year's, for the comparison). */
export function annualReportView(
  now: Indicators,
  before: Indicators | undefined,
  labels: ReportLabels,
  options: { readonly producedOn: string; readonly organisation?: string },
): AnnualReportView {
  const r = now.reviews;
  const p = before?.reviews;
  const a = now.alerts;
  const b = before?.alerts;
  const f = findings(now, before);
  const section = alertSection(a, labels);
  const byKey = (key: string): ReportSeries => section.series.find((s) => s.key === key)!;
  const theme = (heading: string, group: 'good_practice' | 'informal' | 'formal'): { heading: string; series: ReportSeries } => ({
    heading,
    series: { key: `alert_theme_distribution_${group}`, title: `Themes of ${heading.toLowerCase()}`, chart: 'horizontal-bar', unit: 'percent', points: themePoints(a.alert_theme_distribution[group], labels) },
  });
  const year = a.period.label;
  const previousYear = b?.period.label ?? `${Number(year.slice(0, 4)) - 1}-${year.slice(2, 4)}`;
  return {
    title: `Independent Reviewing Service annual report ${year}`,
    ...(options.organisation !== undefined && { organisation: options.organisation }),
    yearLabel: year,
    previousYearLabel: previousYear,
    from: a.period.from,
    to: a.period.to,
    producedOn: options.producedOn,
    introduction: [
      `This report covers the performance year ${year}, from 1 April to 31 March. Its figures come from the events Resolve recorded: the reviews in the review register and the practice alerts and disputes raised through Resolve.`,
      'It holds counts and percentages only: no child, carer or case is named. The sections the team writes itself (feedback, progress on last year\'s plans and future planning) are left for the team to complete.',
    ],
    executiveSummary: { goneWell: f.goneWell, worries: f.worries },
    reviewActivity: [
      {
        heading: 'Cared for reviews',
        figures: [
          compared('reviews_held[looked_after]', 'Cared for reviews held', 'count', r.reviews_held.looked_after, p?.reviews_held.looked_after),
          compared('reviews_in_timescale_pct', 'Reviews held within statutory timescales (C68, per review)', 'percent', r.reviews_in_timescale_pct, p?.reviews_in_timescale_pct),
          compared('children_all_reviews_on_time_pct', 'Children with every review on time (C68, per child)', 'percent', r.children_all_reviews_on_time_pct, p?.children_all_reviews_on_time_pct),
          compared('rearranged_pct[looked_after]', 'Reviews rearranged', 'percent', r.rearranged_pct.looked_after, p?.rearranged_pct.looked_after),
          compared('cancelled_count[looked_after]', 'Reviews cancelled', 'count', r.cancelled_count.looked_after, p?.cancelled_count.looked_after),
          compared('held_late[looked_after]', 'Reviews held late', 'count', r.held_late_with_reason.looked_after.held_late, p?.held_late_with_reason.looked_after.held_late),
          compared('postponements_gt1_per_child_year', 'Children with more than one postponement', 'count', r.postponements_gt1_per_child_year, p?.postponements_gt1_per_child_year),
          compared('decisions_circulated_5wd_pct', 'Decisions circulated within 5 working days', 'percent', r.decisions_circulated_5wd_pct, p?.decisions_circulated_5wd_pct),
          compared('deemed_agreed_count', 'Decisions deemed agreed', 'count', r.deemed_agreed_count, p?.deemed_agreed_count),
        ],
      },
      {
        heading: 'Foster home reviews',
        figures: [
          compared('reviews_held[foster_carer]', 'Foster home reviews held', 'count', r.reviews_held.foster_carer, p?.reviews_held.foster_carer),
          compared('fhr_on_time_pct', 'Foster home reviews on time', 'percent', r.fhr_on_time_pct, p?.fhr_on_time_pct),
          compared('rearranged_pct[foster_carer]', 'Reviews rearranged', 'percent', r.rearranged_pct.foster_carer, p?.rearranged_pct.foster_carer),
          compared('cancelled_count[foster_carer]', 'Reviews cancelled', 'count', r.cancelled_count.foster_carer, p?.cancelled_count.foster_carer),
          compared('fhr_report_20wd_pct', 'Report within 20 working days', 'percent', r.fhr_report_20wd_pct, p?.fhr_report_20wd_pct),
          compared('fhr_copy_4wk_pct', 'Carers sent their copy within 4 weeks', 'percent', r.fhr_copy_4wk_pct, p?.fhr_copy_4wk_pct),
        ],
      },
    ],
    participation: [
      compared('participation_pct_age4plus', 'Children aged 4 and over who took part (C69)', 'percent', r.participation_pct_age4plus, p?.participation_pct_age4plus),
      compared('participation_unknown_count', 'Reviews with participation not recorded', 'count', r.participation_unknown_count, p?.participation_unknown_count),
    ],
    consultation: { none: 'Resolve does not record consultation forms sent and received yet, so this year\'s returns by category are not in this report.' },
    alerts: {
      figures: [
        compared('alerts_total', 'Alerts raised', 'count', a.alerts_total, b?.alerts_total),
        compared('alerts_by_type[good_practice]', 'Good practice alerts', 'count', a.alerts_by_type.good_practice, b?.alerts_by_type.good_practice),
        compared('alerts_by_type[informal]', 'Informal alerts', 'count', a.alerts_by_type.informal, b?.alerts_by_type.informal),
        compared('alerts_by_type[formal]', 'Formal alerts', 'count', a.alerts_by_type.formal, b?.alerts_by_type.formal),
        compared('good_practice_alert_pct', 'Good practice alerts, of all alerts', 'percent', a.good_practice_alert_pct, b?.good_practice_alert_pct),
        compared('formal_alert_pct', 'Formal alerts, of all alerts', 'percent', a.formal_alert_pct, b?.formal_alert_pct),
        compared('alerts_resolved_in_timescale_pct', 'Resolved within timescale', 'percent', a.alerts_resolved_in_timescale_pct, b?.alerts_resolved_in_timescale_pct),
        compared('overall_limit_breaches', 'Past the overall time limit', 'count', a.overall_limit_breaches, b?.overall_limit_breaches),
        compared('cafcass_referrals', 'Referred to Cafcass', 'count', a.cafcass_referrals, b?.cafcass_referrals),
        compared('time_to_resolution_working_days[median]', 'Time to resolution (median)', 'working-days', a.time_to_resolution_working_days.median, b?.time_to_resolution_working_days.median),
      ],
      byType: byKey('alerts_by_alert_type'),
      byStage: byKey('alerts_by_stage_reached'),
      table: { goingWell: f.alertsWell, worries: f.alertsWorries, futureFocus: f.futureFocus },
      themes: [theme('Good Practice Alerts', 'good_practice'), theme('Informal Alerts', 'informal'), theme('Formal Alerts', 'formal')],
    },
  };
}
