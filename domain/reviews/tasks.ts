/**
 * The work around each booked review (DOMAIN §4.5, §4.6, §8.4): the preparation tasks of the
 * booked meeting and, once it is held, the follow-up tasks counted from the day it was held. Each
 * task's date and the role it falls to come from the timelines (`lookedAfterReviewTimeline`,
 * `fosterCarerReviewTimeline`); this file picks the tasks that are chased, names them, and says
 * which deadlines they want: a reminder one working day before a task is due and an overdue
 * chaser at the end of its due day, or, for the team manager's response to the decisions (OX-R16),
 * the decisions deemed agreed (OX-R17) instead of a chaser.
 *
 *   state --reviewTasks--> tasks --taskDeadlinesOf--> the deadlines the store should hold
 *   a due deadline --`deadline-reached`--> ReviewTaskReminderDue / ReviewTaskOverdue / DecisionsDeemedAgreed
 *   one click --`complete-task`--> ReviewTaskCompleted (again: nothing)
 *
 * Tasks are derived, never stored: a rearranged booking moves its tasks (same ids, so the same
 * deadline keys at new times), a cancelled one drops them, and a series that has ceased keeps its
 * tasks but wants no deadline. Pure: no I/O, no clock; `now` comes in.
 */
import type { LocalDate, WorkingCalendar } from '../calendar/index.js';
import { fosterCarerReviewTimeline, type FosterCarerTimelineOptions } from './foster-carer-timeline.js';
import { lookedAfterReviewTimeline, type LookedAfterTimelineOptions } from './looked-after-timeline.js';
import {
  currentEpisode,
  reviewSeriesDue,
  type CheckedSeriesCommand,
  type RegisterDecision,
  type ReviewDueOptions,
  type ReviewSeriesContext,
  type ReviewSeriesEvent,
  type ReviewSeriesState,
  type TaskCompletion,
} from './register.js';
import type { ReviewDeadline, ReviewKind, ReviewTimeline, TimelineRole } from './types.js';

/** The authority's choices for the tasks: who sends invitations (AMB-42), what distribution counts from (AMB-41), the feedback lead (AMB-10), the carers' officer. */
export interface ReviewTaskRules {
  readonly lookedAfter?: Pick<LookedAfterTimelineOptions, 'administrator' | 'distributionAnchor'>;
  readonly fosterCarer?: Pick<FosterCarerTimelineOptions, 'feedbackLeadWeeks' | 'officer'>;
}

export type TaskPhase = 'preparation' | 'follow-up';

interface TaskDefinition {
  /** The rule (or rules) the task carries out, as shown: also the start of its id. */
  readonly rule: string;
  /** The timeline entries it is made of; the first gives its date and role. */
  readonly from: readonly string[];
  readonly phase: TaskPhase;
  /** A few words for a notification preview: no punctuation beyond letters, digits and spaces. */
  readonly short: string;
  /** Its own label, where it joins two timeline entries; otherwise the timeline's. */
  readonly label?: string;
  /** Its clock starts when this task is done: it counts from that task's completion. */
  readonly after?: string;
  /** With no response recorded by the end of its due day the decisions are deemed agreed (OX-R17), instead of an overdue chaser. */
  readonly deemedAgreed?: true;
}

/** OX-R08a/b happen in one conversation with the child, on one day: one task, one chaser (§8.4). */
const LOOKED_AFTER_TASKS: readonly TaskDefinition[] = [
  {
    rule: 'OX-R08a/b', from: ['OX-R08a', 'OX-R08b'], phase: 'preparation', short: 'consultation with the child',
    label: 'social worker discusses with the child who should attend and where the meeting is held, and the purpose of the review with the child, parents and carers',
  },
  { rule: 'OX-R09a', from: ['OX-R09a'], phase: 'preparation', short: 'invitations' },
  { rule: 'OX-R10a', from: ['OX-R10a'], phase: 'preparation', short: 'reports to the IRO' },
  { rule: 'OX-R12', from: ['OX-R12'], phase: 'follow-up', short: 'decisions circulated' },
  { rule: 'OX-R16', from: ['OX-R16'], phase: 'follow-up', short: 'team manager response', after: 'OX-R12', deemedAgreed: true },
  { rule: 'OX-R19', from: ['OX-R19'], phase: 'follow-up', short: 'care plan updated' },
  { rule: 'OX-R13', from: ['OX-R13'], phase: 'follow-up', short: 'full record' },
  { rule: 'OX-R14', from: ['OX-R14'], phase: 'follow-up', short: 'copies distributed' },
];

const FOSTER_CARER_TASKS: readonly TaskDefinition[] = [
  { rule: 'FC-R15', from: ['FC-R15'], phase: 'preparation', short: 'feedback requests' },
  { rule: 'FC-R16', from: ['FC-R16'], phase: 'preparation', short: 'reports shared with carers' },
  { rule: 'FC-R20', from: ['FC-R20'], phase: 'follow-up', short: 'recommendations case note' },
  { rule: 'FC-R21', from: ['FC-R21'], phase: 'follow-up', short: 'review report' },
  { rule: 'FC-R22', from: ['FC-R22'], phase: 'follow-up', short: 'copy to carers' },
];

const TASKS: Readonly<Record<ReviewKind, readonly TaskDefinition[]>> = { 'looked-after': LOOKED_AFTER_TASKS, 'foster-carer': FOSTER_CARER_TASKS };

/** The rules chased around a review of this kind, in the order of the review's life. */
export function chasedRules(kind: ReviewKind): string[] {
  return TASKS[kind].map((t) => t.rule);
}

/** One task around one review. */
export interface ReviewTask {
  /** Stable while the review it belongs to stands: `<rule>:booking-<n>` before the meeting, `<rule>:held-<date>` after it. */
  readonly id: string;
  readonly rule: string;
  readonly label: string;
  /** A few words for a preview (letters, digits and spaces only). */
  readonly short: string;
  readonly phase: TaskPhase;
  readonly responsible: TimelineRole;
  /** The booked meeting's date (preparation), or the day it was held (follow-up). */
  readonly reviewDate: LocalDate;
  /** The last day the task can be done on. */
  readonly due: LocalDate;
  /** The end of that working day: when it becomes overdue. */
  readonly dueAt: string;
  /** False while its clock waits for another task (OX-R16 counts from the decisions being circulated, OX-R12): its date is then the timeline's estimate. */
  readonly started: boolean;
  /** When the task's dates became known (the booking, the review recorded as held, the task it waits for done). */
  readonly since: string;
  readonly done: TaskCompletion | null;
  /** OX-R17: the decisions were deemed agreed before the team manager responded; the task is closed. */
  readonly deemedAgreedAt: string | null;
}

function timelineOf(state: ReviewSeriesState, options: ReviewDueOptions, input: { reviewDate: LocalDate; initial?: boolean; decisionsReceived?: LocalDate; fullRecordCompleted?: LocalDate }): ReviewTimeline {
  const { calendar } = options;
  if (state.kind === 'looked-after') return lookedAfterReviewTimeline(input, { calendar, ...options.rules?.tasks?.lookedAfter });
  return fosterCarerReviewTimeline({ reviewDate: input.reviewDate }, { calendar, ...options.rules?.tasks?.fosterCarer });
}

const doneOn = (calendar: WorkingCalendar, completion: TaskCompletion | undefined, notBefore: LocalDate): LocalDate | undefined => {
  if (completion === undefined) return undefined;
  const day = calendar.localDateOf(new Date(completion.at));
  return day < notBefore ? notBefore : day;
};

function completionOf(state: ReviewSeriesState, id: string): TaskCompletion | undefined {
  return state.taskCompletions.find((c) => c.taskId === id);
}

function tasksFrom(
  state: ReviewSeriesState, options: ReviewDueOptions, phase: TaskPhase, timeline: ReviewTimeline, idOf: (rule: string) => string, since: string,
): ReviewTask[] {
  const { calendar } = options;
  const distributionFromRecord = options.rules?.tasks?.lookedAfter?.distributionAnchor === 'full_record_completed';
  const tasks: ReviewTask[] = [];
  for (const def of TASKS[state.kind]) {
    if (def.phase !== phase) continue;
    const entry = timeline.deadlines.find((d): d is ReviewDeadline & { date: LocalDate } => d.rule === def.from[0] && d.date !== null);
    if (entry === undefined) continue; // undated here (an initial review's consultation, AMB-35): nothing to chase
    const id = idOf(def.rule);
    const waitsFor = def.after ?? (def.rule === 'OX-R14' && distributionFromRecord ? 'OX-R13' : undefined);
    const anchorDone = waitsFor === undefined ? undefined : completionOf(state, idOf(waitsFor));
    const deemed = def.deemedAgreed === true ? state.deemedAgreed.find((d) => d.reviewDate === timeline.reviewDate) : undefined;
    tasks.push({
      id, rule: def.rule, label: def.label ?? entry.label, short: def.short, phase, responsible: entry.responsible,
      reviewDate: timeline.reviewDate, due: entry.date, dueAt: calendar.endOfWorkingDay(entry.date).toISOString(),
      started: waitsFor === undefined || anchorDone !== undefined,
      since: anchorDone?.at ?? since,
      done: completionOf(state, id) ?? null,
      deemedAgreedAt: deemed?.at ?? null,
    });
  }
  return tasks;
}

/** The booking the preparation tasks belong to, in the series' own numbering. */
const bookingTaskId = (rule: string, booking: number) => `${rule}:booking-${booking}`;
const heldTaskId = (rule: string, date: LocalDate) => `${rule}:held-${date}`;

/**
 * Every task around the series' reviews now: the booked meeting's preparation tasks, and the
 * follow-up tasks of each review held on a booked meeting in the current period (a child who left
 * care and came back starts again). In due-date order, ties in the order of the rules.
 */
export function reviewTasks(state: ReviewSeriesState, options: ReviewDueOptions): ReviewTask[] {
  const { calendar } = options;
  const episode = currentEpisode(state);
  if (episode === undefined) return [];
  const tasks: ReviewTask[] = [];
  for (const held of state.heldBookings) {
    if (held.date < episode.from) continue;
    const idOf = (rule: string) => heldTaskId(rule, held.date);
    const decisionsReceived = doneOn(calendar, completionOf(state, idOf('OX-R12')), held.date);
    const fullRecordCompleted = doneOn(calendar, completionOf(state, idOf('OX-R13')), held.date);
    const timeline = timelineOf(state, options, {
      reviewDate: held.date,
      ...(decisionsReceived !== undefined && { decisionsReceived }),
      ...(fullRecordCompleted !== undefined && { fullRecordCompleted }),
    });
    tasks.push(...tasksFrom(state, options, 'follow-up', timeline, idOf, held.recordedAt));
  }
  const booking = state.booking;
  if (booking !== null) {
    const initial = state.kind === 'looked-after' && reviewSeriesDue(state, options)?.review === 'initial';
    const timeline = timelineOf(state, options, { reviewDate: calendar.localDateOf(new Date(booking.start)), initial });
    tasks.push(...tasksFrom(state, options, 'preparation', timeline, (rule) => bookingTaskId(rule, state.bookingsMade), booking.bookedAt));
  }
  const order = chasedRules(state.kind);
  return tasks.sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : order.indexOf(a.rule) - order.indexOf(b.rule)));
}

export type TaskDeadlineKind = 'task-reminder' | 'task-overdue' | 'decisions-deemed-agreed';

export interface TaskDeadlineSpec {
  /** Stable for the task: a moved task keeps its keys and changes `dueAt`. */
  readonly key: string;
  readonly kind: TaskDeadlineKind;
  /** ISO instant: the end of a working day. */
  readonly dueAt: string;
  readonly taskId: string;
  /** Who is told when it fires: the task's role, or the social worker who implements decisions deemed agreed (OX-R17). */
  readonly role: TimelineRole;
}

export const taskDeadlineKey = {
  reminder: (taskId: string) => `review-task-reminder:${taskId}`,
  overdue: (taskId: string) => `review-task-overdue:${taskId}`,
  deemedAgreed: (taskId: string) => `review-decisions-deemed-agreed:${taskId}`,
};

/** Who implements decisions deemed agreed (OX-R17): the child's social worker. */
export const DEEMED_AGREED_ROLE: TimelineRole = 'social_worker';

/** Whether the series is in a period that has not ceased: only then does anything fire (OX-S04). */
function isLive(state: ReviewSeriesState): boolean {
  const episode = currentEpisode(state);
  return episode !== undefined && episode.ceased === null;
}

/**
 * Every task deadline that should be pending now; the store makes its table agree. None for a task
 * done, deemed agreed or still waiting for another, none already fired at that time, and none at
 * all once the series has ceased. A reminder whose moment had passed before the task's dates were
 * known is left out (a meeting booked at short notice); an overdue chaser is not: the task is late.
 */
export function taskDeadlinesOf(state: ReviewSeriesState, options: ReviewDueOptions): TaskDeadlineSpec[] {
  if (!isLive(state)) return [];
  const { calendar } = options;
  const fired = new Set(state.firedTaskDeadlines);
  const specs: TaskDeadlineSpec[] = [];
  for (const task of reviewTasks(state, options)) {
    if (task.done !== null || task.deemedAgreedAt !== null || !task.started) continue;
    const remindAt = calendar.endOfWorkingDay(calendar.subtractWorkingDays(task.due, 1)).toISOString();
    if (Date.parse(remindAt) > Date.parse(task.since)) {
      specs.push({ key: taskDeadlineKey.reminder(task.id), kind: 'task-reminder', dueAt: remindAt, taskId: task.id, role: task.responsible });
    }
    const deemed = TASKS[state.kind].find((d) => d.rule === task.rule)?.deemedAgreed === true;
    specs.push(deemed
      ? { key: taskDeadlineKey.deemedAgreed(task.id), kind: 'decisions-deemed-agreed', dueAt: task.dueAt, taskId: task.id, role: DEEMED_AGREED_ROLE }
      : { key: taskDeadlineKey.overdue(task.id), kind: 'task-overdue', dueAt: task.dueAt, taskId: task.id, role: task.responsible });
  }
  return specs.filter((d) => !fired.has(`${d.key}@${d.dueAt}`));
}

const accept = (...events: ReviewSeriesEvent[]): RegisterDecision => ({ ok: true, events });

/** A task deadline the store says is due: its event if it is still pending and due, otherwise nothing (idempotent). */
export function decideTaskDeadline(state: ReviewSeriesState, cmd: CheckedSeriesCommand<'deadline-reached'>, ctx: ReviewSeriesContext): RegisterDecision {
  const spec = taskDeadlinesOf(state, ctx).find((d) => d.key === cmd.key);
  const now = ctx.now.getTime();
  if (spec === undefined || Date.parse(spec.dueAt) > now) return accept();
  const task = reviewTasks(state, ctx).find((t) => t.id === spec.taskId);
  if (task === undefined) return accept();
  // A reminder delivered once the task is already overdue would only contradict the chaser.
  if (spec.kind === 'task-reminder' && Date.parse(task.dueAt) <= now) return accept();
  const base = {
    at: ctx.now.toISOString(), actor: cmd.actor, key: spec.key, dueAt: spec.dueAt, taskId: task.id, rule: task.rule,
    reviewDate: task.reviewDate, due: task.due, role: spec.role, notified: [...new Set(cmd.notify)],
  };
  switch (spec.kind) {
    case 'task-reminder':
      return accept({ type: 'ReviewTaskReminderDue', ...base });
    case 'task-overdue':
      return accept({ type: 'ReviewTaskOverdue', ...base });
    case 'decisions-deemed-agreed': {
      const circulated = state.taskCompletions.find((c) => c.taskId === heldTaskId('OX-R12', task.reviewDate));
      const receivedOn = doneOn(ctx.calendar, circulated, task.reviewDate) ?? task.reviewDate;
      return accept({ type: 'DecisionsDeemedAgreed', ...base, receivedOn });
    }
  }
}

const refuse = (code: 'unknown-task' | 'task-closed' | 'window-closed', message: string): RegisterDecision =>
  ({ ok: false, refusal: { code, message, field: 'taskId' } });

/** A task id of this series that no longer names a current task: a booking held, cancelled or replaced, or an earlier period. */
function closedTask(state: ReviewSeriesState, taskId: string): boolean {
  const m = /^(.+):(?:booking-(\d+)|held-(\d{4}-\d{2}-\d{2}))$/.exec(taskId);
  if (m === null || !chasedRules(state.kind).includes(m[1]!)) return false;
  if (m[2] !== undefined) {
    const n = Number(m[2]);
    return n >= 1 && (n < state.bookingsMade || (n === state.bookingsMade && state.booking === null));
  }
  return state.heldBookings.some((h) => h.date === m[3]);
}

/** One click "Mark done": the task is recorded done once; a second click changes nothing. */
export function decideCompleteTask(state: ReviewSeriesState, cmd: CheckedSeriesCommand<'complete-task'>, ctx: ReviewSeriesContext): RegisterDecision {
  const task = reviewTasks(state, ctx).find((t) => t.id === cmd.taskId);
  if (task === undefined) {
    return closedTask(state, cmd.taskId)
      ? refuse('task-closed', `That task of ${state.reference} was for a review meeting that has since been held, cancelled or replaced, so there is nothing left to mark done.`)
      : refuse('unknown-task', `${state.reference} has no task "${cmd.taskId}": the card may be damaged or not from Resolve. Type "due" to see the reviews again.`);
  }
  if (task.done !== null) return accept();
  if (task.deemedAgreedAt !== null) {
    return refuse('window-closed', `No response from the team manager was recorded within 5 working days of receiving the decisions of the review on ${task.reviewDate}, so they were deemed agreed (OX-R17); a disagreement now goes to the IRO in writing.`);
  }
  return accept({ type: 'ReviewTaskCompleted', at: ctx.now.toISOString(), actor: cmd.actor, taskId: task.id, rule: task.rule, reviewDate: task.reviewDate, due: task.due });
}
