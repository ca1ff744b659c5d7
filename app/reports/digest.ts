/**
 * The weekly digest for the Director and senior leaders (DESIGN "Who uses it"): the open cases at
 * their level (waiting for them), every open case past the overall time limit, every response
 * overdue, and the reviews out of timescale this month (held late, or past their statutory date
 * and not held). From the read models (`case_summary`, `review_due`) as they stand when it is
 * delivered, and this month's review indicators. Counts only.
 */
import { formatDeadline } from '../../cards/format.js';
import type { ReportFigure, ReportView } from '../../cards/report-view.js';
import type { LocalDate, WorkingCalendar } from '../../domain/calendar/index.js';
import { monthOf } from '../../domain/reports/index.js';
import type { Queryable } from '../../store/db.js';
import type { ReportFigures } from './figures.js';
import { periodLine } from './view.js';

interface CaseCounts {
  open: number;
  at_level: number;
  overdue: number;
  breaches: number;
}

/** The digest's figures for one person, now. */
export async function digestView(
  options: { readonly db: Queryable; readonly figures: ReportFigures; readonly calendar: WorkingCalendar },
  personId: string,
  now: Date,
): Promise<ReportView> {
  const { db, calendar } = options;
  const today = calendar.localDateOf(now);
  const month = monthOf(today);
  const at = now.toISOString();
  const [counts] = await db.query<CaseCounts>(
    `SELECT count(*)::int AS open,
            count(*) FILTER (WHERE addressees ? $1)::int AS at_level,
            count(*) FILTER (WHERE response_due_at < $2::timestamptz)::int AS overdue,
            count(*) FILTER (WHERE overall_limit_at < $2::timestamptz)::int AS breaches
       FROM case_summary WHERE is_open`,
    [personId, at],
  );
  const byStage = await db.query<{ label: string; n: number }>(
    `SELECT coalesce(stage_label, 'No stage') AS label, count(*)::int AS n FROM case_summary WHERE is_open GROUP BY 1 ORDER BY 2 DESC, 1`,
  );
  const [due] = await db.query<{ past_due: number; past_due_this_month: number }>(
    `SELECT count(*)::int AS past_due, count(*) FILTER (WHERE due >= $2::date)::int AS past_due_this_month
       FROM review_due WHERE due IS NOT NULL AND due < $1::date`,
    [today, month.from],
  );
  const { reviews } = await options.figures.indicators({ ...month, to: today as LocalDate }, today);
  const heldLate = reviews.held_late_with_reason.looked_after.held_late + reviews.held_late_with_reason.foster_carer.held_late;
  const c = counts ?? { open: 0, at_level: 0, overdue: 0, breaches: 0 };
  const pastDueThisMonth = due?.past_due_this_month ?? 0;
  const f = (key: string, label: string, value: number): ReportFigure => ({ key, label, value, unit: 'count' });
  return {
    title: 'Weekly digest',
    periodLabel: `As at ${formatDeadline(now)}`,
    from: month.from,
    to: today,
    headline: [
      f('open_cases_at_your_level', 'Open cases waiting for you', c.at_level),
      f('overall_limit_breaches_open', 'Open cases past the overall time limit', c.breaches),
      f('responses_overdue', 'Responses overdue', c.overdue),
      f('reviews_out_of_timescale_this_month', `Reviews out of timescale in ${month.label}`, heldLate + pastDueThisMonth),
    ],
    sections: [
      {
        key: 'cases',
        heading: 'Practice alerts and disputes open now',
        figures: [f('open_cases', 'Open cases', c.open), f('open_cases_at_your_level', 'Waiting for you', c.at_level), f('responses_overdue', 'Responses overdue', c.overdue),
          f('overall_limit_breaches_open', 'Past the overall time limit', c.breaches)],
        series: [{
          key: 'open_cases_by_stage', title: 'Open cases by stage', chart: 'horizontal-bar', unit: 'count', yAxisTitle: 'Cases',
          points: byStage.map((r) => ({ key: r.label, label: r.label, value: r.n })),
        }],
      },
      {
        key: 'reviews',
        heading: `Reviews in ${periodLine(month)}`,
        figures: [
          f('reviews_held_this_month', 'Reviews held so far', reviews.reviews_held.total),
          f('reviews_held_late_this_month', 'Held after their statutory date', heldLate),
          f('reviews_past_due_this_month', 'Due this month, past their date and not held', pastDueThisMonth),
          f('reviews_past_due', 'Past their date and not held, all months', due?.past_due ?? 0),
        ],
        series: [],
      },
    ],
  };
}
