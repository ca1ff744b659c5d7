/**
 * Practice alerts and disputes for a period (DOMAIN §5.2 CE-K15..K20, §5.3 D-K01, §5.4 O-K02, §5.5;
 * the §5.7 keys). A fold over each case's events, whole: pure, no I/O, no clock.
 *
 * Which cases: those RAISED in the period (the day of `CaseRaised` in the calendar's zone). What
 * happened to them afterwards (escalations, resolution, breaches, referrals) counts from every event
 * given, including those after the period ends: a report on a past quarter run later shows how its
 * cases turned out. Pass only the events up to a day to see the figures as they stood then.
 *
 * Counts and percentages only. Map keys are the ladder's own words (alert type and stage labels,
 * its category list) and never the officer's: a category that is not on the ladder's list reports as
 * "Other", so nothing typed on a raise form can reach a report.
 */
import type { LocalDate, WorkingCalendar } from '../calendar/index.js';
import { fold, type CaseEvent, type CaseRaised, type CaseState } from '../escalation/index.js';
import type { Policy } from '../policies/index.js';
import { maximum, mean, median, pct, sortedKeys, tally } from './figures.js';
import { inPeriod, type Period } from './period.js';

/**
 * The three kinds the councils report (CE-K15..K17; §5.7 `alerts_by_type`), from how a case was
 * raised: good practice = a notification (Dudley "Good or Excellent Practice Notification");
 * formal = raised as a dispute, or at a stage the ladder marks `formal` (Cheshire East's formal
 * alert, Dudley's DRP, Oxfordshire's Resolution and Escalation Alert at stage 1 to 3, Somerset's
 * Formal Issue Resolution and Formal Dispute); informal = every other alert (Cheshire East's
 * informal alert, Dudley's QoP alert, Oxfordshire's and Somerset's informal resolution).
 */
export type AlertReportKind = 'good_practice' | 'informal' | 'formal';
export const ALERT_REPORT_KINDS = ['good_practice', 'informal', 'formal'] as const satisfies readonly AlertReportKind[];

export type AlertKindCounts = Readonly<Record<AlertReportKind, number>>;

export interface ThemeShare {
  readonly count: number;
  /** Of the group's alerts, one decimal; null when the group is empty. */
  readonly pct: number | null;
}

export const UNCATEGORISED = 'Uncategorised';
/** A category not on the ladder's list (its `categories` and the alert type's `triggers`). */
export const OTHER_CATEGORY = 'Other';

export interface AlertIndicators {
  readonly period: Period;
  /** Cases raised in the period: good-practice notifications, alerts and disputes. */
  readonly alerts_total: number;
  /**
   * By kind (good practice / informal / formal), and by the ladder's alert type label in
   * `by_alert_type`. Labels are prefixed with the authority ("Dudley MBC: Quality of Practice Alert")
   * only when the period holds cases of more than one ladder.
   */
  readonly alerts_by_type: AlertKindCounts & { readonly by_alert_type: Readonly<Record<string, number>> };
  /** By the furthest stage each case reached on its ladder (its label); a notification by its type's label. */
  readonly alerts_by_stage_reached: Readonly<Record<string, number>>;
  /** By category, of all alerts and of each kind (CE-K19/K20 are shares of the informal alerts). */
  readonly alert_theme_distribution: Readonly<Record<'all' | AlertReportKind, Readonly<Record<string, ThemeShare>>>>;
  /** CE-K16: formal ÷ all alerts raised, good practice included (AMB-54). */
  readonly formal_alert_pct: number | null;
  /** CE-K15: good practice ÷ all alerts raised. */
  readonly good_practice_alert_pct: number | null;
  /**
   * CE-K18, §5.7 "resolved ≤ stage due date ÷ closed": of the alerts and disputes closed (resolved,
   * withdrawn or referred to Cafcass), those resolved on or before the response due date of the stage
   * they were resolved at (after any "resolution sought by" date set for it), or, where that stage
   * has none, within the overall limit; where there is neither, a resolution is in timescale.
   */
  readonly alerts_resolved_in_timescale_pct: number | null;
  /** AMB-01: cases whose overall limit ran out (`OverallLimitReached`), or closed after it. */
  readonly overall_limit_breaches: number;
  /** §2.5: cases referred to Cafcass. */
  readonly cafcass_referrals: number;
  /** Working days (bank holidays and closure days excluded) from the day raised to the day resolved, over resolved alerts and disputes. */
  readonly time_to_resolution_working_days: {
    readonly count: number;
    readonly median: number | null;
    readonly mean: number | null;
    readonly max: number | null;
  };
}

export interface AlertReportContext {
  readonly calendar: WorkingCalendar;
  /** The ladder a case ran under, by its `policyId` (app/cases `policyLookup`). */
  readonly policyFor: (policyId: string) => Policy;
}

/** One case as the report sees it. */
interface ReportedCase {
  readonly raised: CaseRaised;
  readonly state: CaseState;
  readonly events: readonly CaseEvent[];
  readonly policy: Policy;
  readonly kind: AlertReportKind;
}

/** How a case was raised, as the councils count it (see `AlertReportKind`). */
export function alertReportKind(raised: Pick<CaseRaised, 'kind' | 'stage'>): AlertReportKind {
  if (raised.kind === 'notification') return 'good_practice';
  return raised.kind === 'dispute' || raised.stage.formal ? 'formal' : 'informal';
}

function reportedCase(events: readonly CaseEvent[], period: Period, ctx: AlertReportContext): ReportedCase | undefined {
  const raised = events[0];
  if (raised?.type !== 'CaseRaised') return undefined;
  if (!inPeriod(period, ctx.calendar.localDateOf(new Date(raised.at)))) return undefined;
  const state = fold(events);
  if (state === undefined) return undefined;
  return { raised, state, events, policy: ctx.policyFor(raised.policyId), kind: alertReportKind(raised) };
}

/** The furthest stage reached: the last on the ladder's order among those the case entered. */
function stageReached(c: ReportedCase): string {
  const visits = [...c.state.previousStages, c.state.stage];
  const order = (stageId: string) => c.policy.stages.findIndex((s) => s.id === stageId);
  let furthest = visits[0]!;
  for (const v of visits) if (order(v.stageId) >= order(furthest.stageId)) furthest = v;
  return furthest.stageLabel;
}

function themeOf(c: ReportedCase): string {
  const category = c.raised.category;
  if (category === null) return UNCATEGORISED;
  const type = c.policy.alertTypes.find((t) => t.id === c.raised.alertTypeId);
  return [...c.policy.categories, ...(type?.triggers ?? [])].includes(category) ? category : OTHER_CATEGORY;
}

function shares(cases: readonly ReportedCase[]): Record<string, ThemeShare> {
  const counts: Record<string, number> = {};
  for (const c of cases) tally(counts, themeOf(c));
  return sortedKeys(Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, { count: n, pct: pct(n, cases.length) }])));
}

const isClosed = (s: CaseState) => s.status === 'resolved' || s.status === 'withdrawn' || s.status === 'referred';
const resolution = (c: ReportedCase) => c.events.findLast((e) => e.type === 'CaseResolved');

/** Resolved on or before the due date of the stage it was resolved at, else within the overall limit. */
function resolvedInTimescale(c: ReportedCase): boolean {
  const resolved = resolution(c);
  if (c.state.status !== 'resolved' || resolved === undefined) return false;
  const due = c.state.stage.responseDueAt ?? c.state.overallLimitAt;
  return due === null || Date.parse(resolved.at) <= Date.parse(due);
}

function breachedOverallLimit(c: ReportedCase): boolean {
  if (c.events.some((e) => e.type === 'OverallLimitReached')) return true;
  const limit = c.state.overallLimitAt;
  const closed = c.state.closedAt ?? c.state.referredAt;
  return limit !== null && closed !== null && Date.parse(closed) > Date.parse(limit);
}

/**
 * The alert indicators of the cases raised in `period` (see the file's comment for what counts).
 * Streams that do not start with `CaseRaised` are not cases and are passed over.
 */
export function alertIndicators(cases: readonly (readonly CaseEvent[])[], period: Period, ctx: AlertReportContext): AlertIndicators {
  const reported = cases.map((events) => reportedCase(events, period, ctx)).filter((c): c is ReportedCase => c !== undefined);
  const oneLadder = new Set(reported.map((c) => c.raised.policyId)).size <= 1;
  const named = (c: ReportedCase, label: string) => (oneLadder ? label : `${c.raised.authority}: ${label}`);

  const byKind: Record<AlertReportKind, number> = { good_practice: 0, informal: 0, formal: 0 };
  const byType: Record<string, number> = {};
  const byStage: Record<string, number> = {};
  for (const c of reported) {
    byKind[c.kind] += 1;
    tally(byType, named(c, c.raised.alertTypeLabel));
    tally(byStage, named(c, stageReached(c)));
  }

  const asked = reported.filter((c) => c.kind !== 'good_practice');
  const closed = asked.filter((c) => isClosed(c.state));
  const days = asked.flatMap((c) => {
    const resolved = resolution(c);
    if (c.state.status !== 'resolved' || resolved === undefined) return [];
    const from: LocalDate = ctx.calendar.localDateOf(new Date(c.raised.at));
    return [ctx.calendar.workingDaysBetween(from, ctx.calendar.localDateOf(new Date(resolved.at)))];
  });

  return {
    period,
    alerts_total: reported.length,
    alerts_by_type: { ...byKind, by_alert_type: sortedKeys(byType) },
    alerts_by_stage_reached: sortedKeys(byStage),
    alert_theme_distribution: {
      all: shares(reported),
      good_practice: shares(reported.filter((c) => c.kind === 'good_practice')),
      informal: shares(reported.filter((c) => c.kind === 'informal')),
      formal: shares(reported.filter((c) => c.kind === 'formal')),
    },
    formal_alert_pct: pct(byKind.formal, reported.length),
    good_practice_alert_pct: pct(byKind.good_practice, reported.length),
    alerts_resolved_in_timescale_pct: pct(closed.filter(resolvedInTimescale).length, closed.length),
    overall_limit_breaches: asked.filter(breachedOverallLimit).length,
    cafcass_referrals: asked.filter((c) => c.events.some((e) => e.type === 'CafcassReferred')).length,
    time_to_resolution_working_days: { count: days.length, median: median(days), mean: mean(days), max: maximum(days) },
  };
}
