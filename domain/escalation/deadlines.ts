import type { WorkingCalendar } from '../calendar/index.js';
import type { Policy } from '../policies/schema.js';
import type { CaseState } from './state.js';

export type DeadlineKind = 'reminder' | 'response-due' | 'overall-limit' | 'action-due' | 'cafcass-prompt';

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
