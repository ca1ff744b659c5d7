import type { WorkingCalendar } from '../calendar/index.js';
import type { OverallLimit, Policy } from '../policies/schema.js';
import { spanEndsAt } from './clock.js';
import type { CaseState } from './state.js';

export type DeadlineKind = 'reminder' | 'response-due' | 'chase-repeat' | 'overall-limit-warning' | 'overall-limit' | 'action-due' | 'cafcass-prompt';

export interface DeadlineSpec {
  /** Stable for the thing it times: a moved deadline keeps its key and changes `dueAt`. */
  readonly key: string;
  readonly kind: DeadlineKind;
  /** ISO instant: always the end of a working day in the authority's calendar. */
  readonly dueAt: string;
  readonly stageId?: string;
}

export const deadlineKey = {
  reminder: (stageId: string) => `reminder:${stageId}`,
  responseDue: (stageId: string) => `response-due:${stageId}`,
  /** The nth repeat of the overdue chaser at a stage (n = 1, 2, ...): each repeat its own key, so each fires once. */
  chaseRepeat: (stageId: string, n: number) => `chase-repeat:${stageId}:${n}`,
  overallLimitWarning: () => 'overall-limit-warning',
  overallLimit: () => 'overall-limit',
  cafcassPrompt: () => 'cafcass-prompt',
  actionDue: (actionId: string) => `action-due:${actionId}`,
};

/**
 * Every deadline that should be pending for the case now; the store diffs this set against what
 * it holds (added, moved, cancelled). Deadlines already fired are left out, and a closed case
 * has none. Nothing here ever escalates a case: a deadline only tells people (§8.4).
 */
export function deadlinesOf(state: CaseState, ctx: { policy: Policy; calendar: WorkingCalendar }): DeadlineSpec[] {
  if (state.status !== 'open') return [];
  const { calendar, policy } = ctx;
  const specs: DeadlineSpec[] = [];
  const stage = state.stage;

  const fired = new Set(state.firedDeadlines);
  if (stage.response === null && stage.responseDueAt !== null) {
    const before = policy.reminders.beforeDueWorkingDays;
    const overdueFired = fired.has(`${deadlineKey.responseDue(stage.stageId)}@${stage.responseDueAt}`);
    if (before > 0 && !overdueFired) {
      const dueDay = calendar.localDateOf(new Date(stage.responseDueAt));
      const remindAt = calendar.endOfWorkingDay(calendar.subtractWorkingDays(dueDay, before));
      if (remindAt.getTime() > Date.parse(stage.enteredAt)) {
        specs.push({ key: deadlineKey.reminder(stage.stageId), kind: 'reminder', dueAt: remindAt.toISOString(), stageId: stage.stageId });
      }
    }
    specs.push({ key: deadlineKey.responseDue(stage.stageId), kind: 'response-due', dueAt: stage.responseDueAt, stageId: stage.stageId });
    // §8.4: once the overdue chaser has gone, it repeats every N working days until the stage is answered.
    const every = policy.chasing.repeatEveryWorkingDays;
    if (overdueFired && every > 0) {
      const next = nextChaseSlot(stage, every, calendar);
      specs.push({ key: deadlineKey.chaseRepeat(stage.stageId, next.slot), kind: 'chase-repeat', dueAt: next.at, stageId: stage.stageId });
    }
  }
  const warnAt = overallLimitWarningAt(state, ctx);
  if (warnAt !== null) {
    specs.push({ key: deadlineKey.overallLimitWarning(), kind: 'overall-limit-warning', dueAt: warnAt });
  }
  if (state.overallLimitAt !== null) {
    specs.push({ key: deadlineKey.overallLimit(), kind: 'overall-limit', dueAt: state.overallLimitAt });
  }
  if (state.cafcassPromptAt !== null && policy.outsideReferral !== null) {
    specs.push({ key: deadlineKey.cafcassPrompt(), kind: 'cafcass-prompt', dueAt: state.cafcassPromptAt });
  }
  for (const action of state.actions) {
    if (action.completedAt === null) {
      specs.push({ key: deadlineKey.actionDue(action.actionId), kind: 'action-due', dueAt: action.dueAt, stageId: action.stageId });
    }
  }
  return specs.filter((d) => !fired.has(`${d.key}@${d.dueAt}`));
}

/**
 * §8.4: the next repeat of the overdue chaser: on the rhythm of N working days from the due day,
 * at the first slot after the last chase and after the stage last reopened (a proposal rejected),
 * so slots that went by while the stage was answered, or while nothing could send, are skipped
 * rather than sent at once.
 */
export function nextChaseSlot(stage: CaseState['stage'], every: number, calendar: WorkingCalendar): { readonly slot: number; readonly at: string } {
  const dueDay = calendar.localDateOf(new Date(stage.responseDueAt ?? stage.enteredAt));
  const reopened = stage.rejectedProposals?.at(-1)?.at;
  const floor = Math.max(Date.parse(stage.lastChasedAt ?? '') || 0, Date.parse(reopened ?? '') || 0);
  const slotAt = (n: number) => calendar.endOfWorkingDay(calendar.addWorkingDays(dueDay, every * n));
  let slot = stage.chaseSlot + 1;
  // Bounded: a year of working days is far more than any stage stays open.
  while (slotAt(slot).getTime() <= floor && slot < stage.chaseSlot + 260) slot++;
  return { slot, at: slotAt(slot).toISOString() };
}

type ClockStart = OverallLimit['startsAt'];

/**
 * §8.4: when the officer and the service manager are warned that the overall limit is near: the
 * ladder's `chasing.overallLimitWarningPercent` of the limit's span from when its clock started
 * (75% of 20 working days: the end of working day 15). Null with no limit running, no warning
 * set, or a warning that would not come before the limit itself.
 */
export function overallLimitWarningAt(
  state: Pick<CaseState, 'overallLimitAt' | 'raisedAt' | 'stage' | 'previousStages'>,
  ctx: { readonly policy: Policy; readonly calendar: WorkingCalendar },
): string | null {
  const limit = ctx.policy.overallLimit;
  const percent = ctx.policy.chasing.overallLimitWarningPercent;
  if (limit === null || state.overallLimitAt === null || percent === 0) return null;
  const started = clockStartedAt(limit.startsAt, state.raisedAt, [...state.previousStages, state.stage]);
  if (started === null) return null;
  const part = (n: number) => Math.floor((n * percent) / 100);
  const span = 'workingDays' in limit ? { workingDays: part(limit.workingDays) } : { calendarDays: part(limit.calendarDays) };
  const at = spanEndsAt(ctx.calendar, new Date(started), span);
  return at.getTime() < Date.parse(state.overallLimitAt) ? at.toISOString() : null;
}

/** When a clock that starts at `startsAt` started for a case: at its raise, or when it first entered a formal stage; null = not yet (AMB-02). */
export function clockStartedAt(startsAt: ClockStart, raisedAt: string, visits: readonly { readonly formal: boolean; readonly enteredAt: string }[]): string | null {
  return startsAt === 'informal_raised' ? raisedAt : visits.find((v) => v.formal)?.enteredAt ?? null;
}

/** When a ladder offers a Cafcass referral on a case (§2.5, ESC-C3, AMB-33). */
export type CafcassReferralWindow =
  /** The ladder has no Cafcass referral (a foster-carer ladder). */
  | { readonly kind: 'none' }
  /** Whenever the officer considers it appropriate (no `outsideReferral.earliest`). */
  | { readonly kind: 'any-time' }
  /** Its clock starts when the case first enters a formal stage, which it has not yet. */
  | { readonly kind: 'not-started'; readonly startsAt: ClockStart }
  /** Offered from this instant (the end of a working day). */
  | { readonly kind: 'from'; readonly at: string };

/** The referral window, from the ladder's `outsideReferral.earliest` and the case's clock-start events. */
export function referralWindowFrom(
  ctx: { readonly policy: Policy; readonly calendar: WorkingCalendar },
  raisedAt: string,
  visits: readonly { readonly formal: boolean; readonly enteredAt: string }[],
): CafcassReferralWindow {
  const referral = ctx.policy.outsideReferral;
  if (referral === null) return { kind: 'none' };
  const earliest = referral.earliest;
  if (earliest === null) return { kind: 'any-time' };
  const started = clockStartedAt(earliest.startsAt, raisedAt, visits);
  if (started === null) return { kind: 'not-started', startsAt: earliest.startsAt };
  return { kind: 'from', at: spanEndsAt(ctx.calendar, new Date(started), earliest).toISOString() };
}

export function cafcassReferralWindow(
  state: Pick<CaseState, 'raisedAt' | 'stage' | 'previousStages'>,
  ctx: { readonly policy: Policy; readonly calendar: WorkingCalendar },
): CafcassReferralWindow {
  return referralWindowFrom(ctx, state.raisedAt, [...state.previousStages, state.stage]);
}

/**
 * Does the ladder offer a Cafcass referral on this case at `now`: the case is open and the
 * referral's earliest day has come (ESC-C3 "If there is still no agreement after 15 days, then
 * the IRO may escalate the concern to Cafcass"). Cards show "Refer to Cafcass" only then;
 * earlier, a referral needs the IRO's statutory override (`statutoryOverride` on refer-to-cafcass).
 */
export function cafcassReferralOffered(
  state: Pick<CaseState, 'status' | 'raisedAt' | 'stage' | 'previousStages'>,
  ctx: { readonly policy: Policy; readonly calendar: WorkingCalendar },
  now: Date,
): boolean {
  if (state.status !== 'open') return false;
  const window = cafcassReferralWindow(state, ctx);
  return window.kind === 'any-time' || (window.kind === 'from' && Date.parse(window.at) <= now.getTime());
}
