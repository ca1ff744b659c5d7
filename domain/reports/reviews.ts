/**
 * Reviews for a period (DOMAIN §5.1 C68 / C69, §5.2 CE-K06..K08, §5.4 O-K04, §4.5 OX-R12..R19,
 * §4.6 FC-R02 / FC-R21 / FC-R22; the §5.7 keys). A fold over each review series' events, whole:
 * pure, no I/O, no clock (`asOf` comes in).
 *
 * Which reviews: those HELD in the period (the review's own date). Each is measured against the due
 * date that applied when it was held: `reviewSeriesDue` over the series' facts before it, so the
 * first review of a year is measured from the last review of the year before (C68's baseline), and
 * a review held ON its due date is in time, the day after is late. Rearrangements and cancellations
 * are those of the meetings booked in Resolve that ended (held or cancelled) in the period.
 *
 * Counts and percentages only: never a reference, a name, free text (a late reason is counted, never
 * quoted). The keys that are about one kind of review (C68, C69 and OX-R.. about looked-after
 * children; fhr_.. about foster carers) are plain figures; the others are split by kind.
 */
import type { LocalDate, WorkingCalendar } from '../calendar/index.js';
import {
  REARRANGEMENT_REASONS, foldReviewSeries, reviewSeriesDue, reviewTasks, sameDayRank,
  type RearrangementReason, type RecordedFact, type ReviewDueRules, type ReviewOrdinal,
  type ReviewSeriesEvent, type ReviewSeriesState, type ReviewTask,
} from '../reviews/index.js';
import { pct, tally } from './figures.js';
import { inPeriod, type Period } from './period.js';

export interface ByKind<T> {
  readonly looked_after: T;
  readonly foster_carer: T;
}

/** Reviews held by type: looked-after initial, placement change, second, subsequent; foster carer first, annual, significant incident. */
export type ReviewsByType = Readonly<Record<'initial' | 'placement_change' | 'second' | 'subsequent' | 'first' | 'annual' | 'significant_incident', number>>;

export interface ReviewIndicators {
  readonly period: Period;
  /** CE-K01: reviews held in the period. */
  readonly reviews_held: ByKind<number> & { readonly total: number };
  /** The reviews held, by which review in the cycle each was (the rule its due date came from). */
  readonly reviews_held_by_type: ReviewsByType;
  /** C68 per review, CE-K06: looked-after reviews held on or before their due date ÷ looked-after reviews held. */
  readonly reviews_in_timescale_pct: number | null;
  /**
   * C68 per child (AMB-51): children with a review held in the period and none of them late ÷ children
   * with a review held in the period. One late review fails the child for the period.
   */
  readonly children_all_reviews_on_time_pct: number | null;
  /**
   * C69, CE-K03: looked-after reviews of children aged 4 or over at which the child participated ÷
   * such reviews. Under-4s are left out; so are reviews where the age or the participation was not
   * recorded, which are counted in `participation_unknown_count` instead.
   */
  readonly participation_pct_age4plus: number | null;
  /** Looked-after reviews held with `aged4Plus` unknown, or aged 4+ with participation unknown. */
  readonly participation_unknown_count: number;
  /**
   * CE-K07: meetings booked in Resolve that ended in the period (held or cancelled) and had been
   * rearranged at least once ÷ those meetings. Reviews recorded from the case system's export
   * without a booking are not in it: Resolve cannot know whether they moved.
   */
  readonly rearranged_pct: ByKind<number | null>;
  /** The rearrangements of those meetings, by reason code (every code present, 0 where none). */
  readonly rearranged_by_reason: ByKind<Readonly<Record<RearrangementReason, number>>>;
  /** CE-K09: booked meetings cancelled in the period. */
  readonly cancelled_count: ByKind<number>;
  /** O-K04, OX-S14, AMB-44: looked-after children with more than one review postponed (dated) in the period. */
  readonly postponements_gt1_per_child_year: number;
  /** Reviews held after their due date, and how many of those have a reason recorded (OX-S01); the reasons are never reported. */
  readonly held_late_with_reason: ByKind<{ readonly held_late: number; readonly with_reason: number }>;
  /** OX-R12: decisions circulated within 5 working days of the review. */
  readonly decisions_circulated_5wd_pct: number | null;
  /** OX-R16: the team manager responded within 5 working days of receiving the decisions (deemed agreed counts as not). */
  readonly tm_response_5wd_pct: number | null;
  /** OX-R19: care plan updated within 10 working days. */
  readonly care_plan_updated_10wd_pct: number | null;
  /** OX-R13: full written record within 15 working days. */
  readonly full_record_15wd_pct: number | null;
  /** OX-R14: copies distributed within 20 working days. */
  readonly distributed_20wd_pct: number | null;
  /** OX-R17: reviews held in the period whose decisions were deemed agreed. */
  readonly deemed_agreed_count: number;
  /** FC-R01 / FC-R02: foster home reviews held on or before their due date ÷ foster home reviews held. */
  readonly fhr_on_time_pct: number | null;
  /** FC-R21: review report, recommendations and signature sheet within 20 working days. */
  readonly fhr_report_20wd_pct: number | null;
  /** FC-R22: full copy to the carers within 4 weeks. */
  readonly fhr_copy_4wk_pct: number | null;
}

export interface ReviewReportContext {
  readonly calendar: WorkingCalendar;
  /** The authority's choices for the due dates and the tasks (`reviewDueRulesFor`). */
  readonly rules?: ReviewDueRules;
  /**
   * The last day the facts cover: a follow-up task not done and due after it is still in hand and is
   * not counted either way. Default the period's last day; the command line passes today.
   */
  readonly asOf?: LocalDate;
}

/** A review held, measured against the due date that applied when it was held. */
export interface MeasuredReview {
  readonly date: LocalDate;
  readonly due: LocalDate;
  readonly review: ReviewOrdinal;
  readonly onTime: boolean;
  readonly participated: boolean | null;
  readonly aged4Plus: boolean | null;
  readonly hasLateReason: boolean;
}

const HELD_RANK = sameDayRank('review-held');

/**
 * Every review the series held, each against the due date that applied when it was held: the facts
 * dated before it (and those earlier the same day) decide it, as `reviewSeriesDue` did at the time.
 */
export function measuredReviews(state: Pick<ReviewSeriesState, 'kind' | 'facts'>, ctx: Pick<ReviewReportContext, 'calendar' | 'rules'>): MeasuredReview[] {
  const measured: MeasuredReview[] = [];
  for (const fact of state.facts) {
    if (fact.fact !== 'review-held') continue;
    const before = state.facts.filter((f: RecordedFact) => f.date < fact.date || (f.date === fact.date && sameDayRank(f.fact) < HELD_RANK));
    const due = reviewSeriesDue({ kind: state.kind, facts: before }, { calendar: ctx.calendar, ...(ctx.rules !== undefined && { rules: ctx.rules }) });
    if (due === null) continue;
    measured.push({
      date: fact.date, due: due.due, review: due.review, onTime: fact.date <= due.due,
      participated: fact.participated, aged4Plus: fact.aged4Plus, hasLateReason: fact.lateReason !== undefined,
    });
  }
  return measured;
}

/** A meeting booked in Resolve, from its booking to being held or cancelled. */
interface BookedMeeting {
  readonly ended: { readonly how: 'held' | 'cancelled'; readonly on: LocalDate } | null;
  readonly reasons: readonly RearrangementReason[];
}

function bookedMeetings(events: readonly ReviewSeriesEvent[], calendar: WorkingCalendar): BookedMeeting[] {
  const meetings: BookedMeeting[] = [];
  let reasons: RearrangementReason[] | null = null;
  for (const e of events) {
    let ended: BookedMeeting['ended'] = null;
    if (e.type === 'ReviewBooked') reasons = [];
    else if (e.type === 'ReviewRearranged') reasons?.push(e.reasonCode);
    else if (e.type === 'ReviewHeld' && e.closesBooking) ended = { how: 'held', on: e.date };
    else if (e.type === 'ReviewCancelled') ended = { how: 'cancelled', on: calendar.localDateOf(new Date(e.at)) };
    if (ended !== null && reasons !== null) {
      meetings.push({ ended, reasons });
      reasons = null;
    }
  }
  if (reasons !== null) meetings.push({ ended: null, reasons });
  return meetings;
}

/** How a follow-up task stands: done by its due date, late (done after, deemed agreed, or overdue by `asOf`), or still in hand. */
type TaskStanding = 'on-time' | 'late' | 'in-hand';

function standing(task: ReviewTask, calendar: WorkingCalendar, asOf: LocalDate): TaskStanding {
  if (task.done !== null) return calendar.localDateOf(new Date(task.done.at)) <= task.due ? 'on-time' : 'late';
  if (task.deemedAgreedAt !== null) return 'late';
  if (!task.started) return 'in-hand'; // OX-R16 waits for the decisions to be circulated (OX-R12)
  return task.due < asOf ? 'late' : 'in-hand';
}

/** The compliance figures, by the rule of the task. */
const TASK_KEYS = {
  'OX-R12': 'decisions_circulated_5wd_pct',
  'OX-R16': 'tm_response_5wd_pct',
  'OX-R19': 'care_plan_updated_10wd_pct',
  'OX-R13': 'full_record_15wd_pct',
  'OX-R14': 'distributed_20wd_pct',
  'FC-R21': 'fhr_report_20wd_pct',
  'FC-R22': 'fhr_copy_4wk_pct',
} as const;
type TaskKey = (typeof TASK_KEYS)[keyof typeof TASK_KEYS];

const TYPE_KEY: Readonly<Record<ReviewOrdinal, keyof ReviewsByType>> = {
  initial: 'initial', 'placement-change': 'placement_change', second: 'second', subsequent: 'subsequent',
  first: 'first', annual: 'annual', 'significant-incident': 'significant_incident',
};

const zeroReasons = (): Record<RearrangementReason, number> =>
  Object.fromEntries(REARRANGEMENT_REASONS.map((r) => [r, 0])) as Record<RearrangementReason, number>;

interface KindTotals {
  held: number;
  onTime: number;
  late: number;
  lateWithReason: number;
  meetingsEnded: number;
  meetingsRearranged: number;
  reasons: Record<RearrangementReason, number>;
  cancelled: number;
}
const totals = (): KindTotals => ({ held: 0, onTime: 0, late: 0, lateWithReason: 0, meetingsEnded: 0, meetingsRearranged: 0, reasons: zeroReasons(), cancelled: 0 });

/** The review indicators of `period` (see the file's comment for what counts). */
export function reviewIndicators(series: readonly (readonly ReviewSeriesEvent[])[], period: Period, ctx: ReviewReportContext): ReviewIndicators {
  const { calendar } = ctx;
  const asOf = ctx.asOf ?? period.to;
  const kinds = { 'looked-after': totals(), 'foster-carer': totals() };
  const byType: Record<string, number> = { initial: 0, placement_change: 0, second: 0, subsequent: 0, first: 0, annual: 0, significant_incident: 0 };
  let childrenReviewed = 0;
  let childrenAllOnTime = 0;
  let participationAsked = 0;
  let participated = 0;
  let participationUnknown = 0;
  let postponedMoreThanOnce = 0;
  let deemedAgreed = 0;
  const tasks: Record<TaskKey, { onTime: number; counted: number }> = Object.fromEntries(
    Object.values(TASK_KEYS).map((k) => [k, { onTime: 0, counted: 0 }]),
  ) as Record<TaskKey, { onTime: number; counted: number }>;

  for (const events of series) {
    const state = foldReviewSeries(events);
    if (state === undefined) continue;
    const t = kinds[state.kind];
    const held = measuredReviews(state, ctx).filter((r) => inPeriod(period, r.date));
    for (const r of held) {
      t.held += 1;
      tally(byType, TYPE_KEY[r.review]);
      if (r.onTime) t.onTime += 1;
      else {
        t.late += 1;
        if (r.hasLateReason) t.lateWithReason += 1;
      }
    }
    for (const m of bookedMeetings(events, calendar)) {
      if (m.ended === null || !inPeriod(period, m.ended.on)) continue;
      t.meetingsEnded += 1;
      if (m.reasons.length > 0) t.meetingsRearranged += 1;
      for (const reason of m.reasons) t.reasons[reason] += 1;
      if (m.ended.how === 'cancelled') t.cancelled += 1;
    }
    for (const task of reviewTasks(state, { calendar, ...(ctx.rules !== undefined && { rules: ctx.rules }) })) {
      const key = TASK_KEYS[task.rule as keyof typeof TASK_KEYS] as TaskKey | undefined;
      if (key === undefined || task.phase !== 'follow-up' || !inPeriod(period, task.reviewDate)) continue;
      const s = standing(task, calendar, asOf);
      if (s === 'in-hand') continue;
      tasks[key].counted += 1;
      if (s === 'on-time') tasks[key].onTime += 1;
    }
    if (state.kind !== 'looked-after') continue;
    if (held.length > 0) {
      childrenReviewed += 1;
      if (held.every((r) => r.onTime)) childrenAllOnTime += 1;
    }
    for (const r of held) {
      if (r.aged4Plus === null || (r.aged4Plus && r.participated === null)) participationUnknown += 1;
      else if (r.aged4Plus) {
        participationAsked += 1;
        if (r.participated === true) participated += 1;
      }
    }
    const postponed = state.facts.filter((f) => f.fact === 'review-postponed' && inPeriod(period, f.date)).length;
    if (postponed > 1) postponedMoreThanOnce += 1;
    deemedAgreed += state.deemedAgreed.filter((d) => inPeriod(period, d.reviewDate)).length;
  }

  const lac = kinds['looked-after'];
  const fc = kinds['foster-carer'];
  const taskPct = (key: TaskKey) => pct(tasks[key].onTime, tasks[key].counted);
  return {
    period,
    reviews_held: { looked_after: lac.held, foster_carer: fc.held, total: lac.held + fc.held },
    reviews_held_by_type: byType as ReviewsByType,
    reviews_in_timescale_pct: pct(lac.onTime, lac.held),
    children_all_reviews_on_time_pct: pct(childrenAllOnTime, childrenReviewed),
    participation_pct_age4plus: pct(participated, participationAsked),
    participation_unknown_count: participationUnknown,
    rearranged_pct: { looked_after: pct(lac.meetingsRearranged, lac.meetingsEnded), foster_carer: pct(fc.meetingsRearranged, fc.meetingsEnded) },
    rearranged_by_reason: { looked_after: lac.reasons, foster_carer: fc.reasons },
    cancelled_count: { looked_after: lac.cancelled, foster_carer: fc.cancelled },
    postponements_gt1_per_child_year: postponedMoreThanOnce,
    held_late_with_reason: {
      looked_after: { held_late: lac.late, with_reason: lac.lateWithReason },
      foster_carer: { held_late: fc.late, with_reason: fc.lateWithReason },
    },
    decisions_circulated_5wd_pct: taskPct('decisions_circulated_5wd_pct'),
    tm_response_5wd_pct: taskPct('tm_response_5wd_pct'),
    care_plan_updated_10wd_pct: taskPct('care_plan_updated_10wd_pct'),
    full_record_15wd_pct: taskPct('full_record_15wd_pct'),
    distributed_20wd_pct: taskPct('distributed_20wd_pct'),
    deemed_agreed_count: deemedAgreed,
    fhr_on_time_pct: pct(fc.onTime, fc.held),
    fhr_report_20wd_pct: taskPct('fhr_report_20wd_pct'),
    fhr_copy_4wk_pct: taskPct('fhr_copy_4wk_pct'),
  };
}
