/**
 * Indicators as domain/reports gives them (DOMAIN §5.7 keys), written by hand for two
 * performance years, with Cheshire East's 2020-21 figures where the report has them (CE-K06 96%,
 * CE-K15 35.6%, CE-K16 9.9%, CE-K17 10 formal of 101). For the renderers and the mapping; the
 * indicators' own arithmetic is tested in test/domain/reports.
 */
import type { LocalDate } from '../../../domain/calendar/index.js';
import { getPolicy } from '../../../domain/policies/index.js';
import { OTHER_CATEGORY, UNCATEGORISED, type AlertIndicators, type Period, type ReviewIndicators } from '../../../domain/reports/index.js';
import { REARRANGEMENT_REASONS, type RearrangementReason } from '../../../domain/reviews/index.js';
import type { Indicators } from '../../../app/reports/figures.js';
import { reportLabels } from '../../../app/reports/view.js';

const year = (start: number): Period => ({ from: `${start}-04-01` as LocalDate, to: `${start + 1}-03-31` as LocalDate, label: `${start}-${String((start + 1) % 100).padStart(2, '0')}` });

export const cheshireEast = getPolicy('cheshire_east');
export const labels = reportLabels([cheshireEast, getPolicy('dudley')]);
/** A category a ladder offers (so its words may show), and one typed by hand (so they must not). */
export const ladderTheme = labels.themes.values().next().value as string;
export const typedTheme = 'Jayden Thornbury missed contact';

export function alerts(period: Period, over: Partial<AlertIndicators> = {}): AlertIndicators {
  return {
    period,
    alerts_total: 101,
    alerts_by_type: { good_practice: 36, informal: 55, formal: 10, by_alert_type: { 'Good Practice Alert': 36, 'Informal Alert': 55, 'Formal Alert': 10 } },
    alerts_by_stage_reached: { 'Informal alert': 60, 'Formal alert': 31, 'Dispute resolution': 10 },
    alert_theme_distribution: {
      all: { [ladderTheme]: { count: 32, pct: 31.7 }, [OTHER_CATEGORY]: { count: 5, pct: 5 }, [typedTheme]: { count: 3, pct: 3 }, [UNCATEGORISED]: { count: 61, pct: 60.4 } },
      good_practice: { [ladderTheme]: { count: 12, pct: 33.3 } },
      informal: { [ladderTheme]: { count: 18, pct: 32.7 }, [typedTheme]: { count: 3, pct: 5.5 } },
      formal: { [ladderTheme]: { count: 2, pct: 20 } },
    },
    formal_alert_pct: 9.9,
    good_practice_alert_pct: 35.6,
    alerts_resolved_in_timescale_pct: 66.7,
    overall_limit_breaches: 2,
    cafcass_referrals: 1,
    time_to_resolution_working_days: { median: 7.5, mean: 8.2, max: 19, count: 48 },
    ...over,
  };
}

const noReasons = Object.fromEntries(REARRANGEMENT_REASONS.map((r) => [r, 0])) as Record<RearrangementReason, number>;

export function reviews(period: Period, over: Partial<ReviewIndicators> = {}): ReviewIndicators {
  return {
    period,
    reviews_held: { looked_after: 1415, foster_carer: 212, total: 1627 },
    reviews_held_by_type: { initial: 160, placement_change: 0, second: 150, subsequent: 1105, first: 12, annual: 200, significant_incident: 0 },
    reviews_in_timescale_pct: 96,
    children_all_reviews_on_time_pct: 93.4,
    participation_pct_age4plus: 98,
    participation_unknown_count: 7,
    rearranged_pct: { looked_after: 30, foster_carer: 12.3 },
    rearranged_by_reason: { looked_after: { ...noReasons, social_worker_in_court: 40, new_social_worker_care_plan: 12 }, foster_carer: { ...noReasons, social_worker_in_court: 2 } },
    cancelled_count: { looked_after: 3, foster_carer: 1 },
    postponements_gt1_per_child_year: 4,
    held_late_with_reason: { looked_after: { held_late: 57, with_reason: 50 }, foster_carer: { held_late: 5, with_reason: 5 } },
    decisions_circulated_5wd_pct: 87.5,
    tm_response_5wd_pct: 71.2,
    care_plan_updated_10wd_pct: 64,
    full_record_15wd_pct: 82.1,
    distributed_20wd_pct: 90.4,
    deemed_agreed_count: 11,
    fhr_on_time_pct: 94.8,
    fhr_report_20wd_pct: 77.3,
    fhr_copy_4wk_pct: null,
    ...over,
  };
}

export const year2526 = year(2025);
export const year2425 = year(2024);
export const thisYear: Indicators = { alerts: alerts(year2526), reviews: reviews(year2526) };
export const lastYear: Indicators = {
  alerts: alerts(year2425, { alerts_total: 95, formal_alert_pct: 12, good_practice_alert_pct: 31.6, overall_limit_breaches: 0 }),
  reviews: reviews(year2425, { reviews_in_timescale_pct: 88, participation_pct_age4plus: 97 }),
};
