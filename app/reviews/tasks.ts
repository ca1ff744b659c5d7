/**
 * The work around each booked review on the store (DOMAIN §4.5, §4.6, §8.4): the deadlines a
 * series should hold (`reviewTaskDeadlines`, for the model's `deadlinesOf`), the messages its
 * reminders, chasers and deemed-agreed notices send (`reviewTaskEffects`, for `effectsOf`), the
 * composer that draws each card when it is delivered, the deadline handler that finds who holds
 * the task's role and feeds `deadline-reached` to the series, and the one-click "Mark done".
 *
 *   due deadline --handler: role -> people (directory)--> deadline-reached --> ReviewTaskReminderDue ...
 *   event --reviewTaskEffects--> teams.card to teams:<id> (drawn at delivery) + email to email:<id>
 *   "Mark done" --markReviewTaskDone--> complete-task --> its reminder and chaser are cancelled
 *
 * Notifications carry the opaque series reference and the task's rule and few words, never a
 * child's or carer's name, and nothing anyone typed; logs carry ids only.
 */
import { z } from 'zod';
import { formatDeadline, formatIsoDate, parseActionData, VERBS } from '../../cards/index.js';
import { reviewTaskCard, reviewTaskCardPreview, type ReviewTaskCardPurpose, type ReviewTaskCardView } from '../../cards/review-task-card.js';
import type { WorkingCalendar } from '../../domain/calendar/index.js';
import { InvalidInputError } from '../../domain/errors.js';
import { SYSTEM_ACTOR } from '../../domain/escalation/index.js';
import { ROLE_KEYS, type RoleKey } from '../../domain/policies/index.js';
import {
  REVIEW_KINDS,
  reviewTasks,
  taskDeadlinesOf,
  type ReviewDueRules,
  type ReviewKind,
  type ReviewSeriesCommand,
  type ReviewSeriesEvent,
  type ReviewSeriesState,
  type ReviewTask,
  type ReviewTaskEvent,
  type TimelineRole,
} from '../../domain/reviews/index.js';
import type { Directory } from '../../graph/directory/index.js';
import { CASE_WORKER_ROLES, OFFICER_ROLES } from '../../graph/directory/types.js';
import { MAX_SUBJECT_LENGTH, opaqueSubjectOr } from '../../graph/privacy.js';
import type { Clock } from '../../store/clock.js';
import { handleCommand, handleCommandIn, type StreamChange, type StreamModel } from '../../store/command.js';
import type { Db, Queryable } from '../../store/db.js';
import type { DeadlineHandler, DesiredDeadline } from '../../store/deadlines.js';
import type { StreamRecord } from '../../store/events.js';
import type { OutboxEffect } from '../../store/outbox.js';
import { EFFECT_KINDS, escapeHtml, type EmailContent, type EmailEffectPayload, type PersonalMessage, type TeamsEffectPayload } from '../delivery/messages.js';
import type { Composer } from '../delivery/transports.js';
import type { Logger } from '../log.js';
import type { Reply } from '../replies.js';
import { loadReviewSeries, reviewSeriesModel, reviewSeriesStreamId } from './model.js';

/** The topic review task effects carry, so delivery finds this composer. */
export const REVIEW_TASK_TOPIC = 'review-task';

/** What the domain's task rules need: the calendar and the authority's choices (ReviewStoreContext fits). */
export interface ReviewTaskContext {
  readonly calendar: WorkingCalendar;
  readonly rules?: ReviewDueRules;
  /** The council's tenant id, for pacing deliveries per tenant. */
  readonly tenant?: string;
}

type Model = StreamModel<ReviewSeriesState, ReviewSeriesCommand, ReviewSeriesEvent>;
const dueOptions = (ctx: ReviewTaskContext) => ({ calendar: ctx.calendar, ...(ctx.rules !== undefined && { rules: ctx.rules }) });

/** The series' task deadlines as the store keeps them: for the review model's `deadlinesOf`. */
export function reviewTaskDeadlines(state: ReviewSeriesState, ctx: ReviewTaskContext): DesiredDeadline[] {
  return taskDeadlinesOf(state, dueOptions(ctx)).map((d) => ({ key: d.key, kind: d.kind, dueAt: d.dueAt, data: { taskId: d.taskId } }));
}

const PURPOSE: Readonly<Record<Exclude<ReviewTaskEvent['type'], 'ReviewTaskCompleted'>, Exclude<ReviewTaskCardPurpose, 'status'>>> = {
  ReviewTaskReminderDue: 'reminder',
  ReviewTaskOverdue: 'overdue',
  DecisionsDeemedAgreed: 'deemed-agreed',
};
const PURPOSES = ['reminder', 'overdue', 'deemed-agreed'] as const;
type Purpose = (typeof PURPOSES)[number];
type FiredEvent = Extract<ReviewSeriesEvent, { type: keyof typeof PURPOSE }>;
const isFired = (e: ReviewSeriesEvent): e is FiredEvent => Object.hasOwn(PURPOSE, e.type);

/** What a review task Teams effect asks the composer for. */
export interface ReviewTaskRequest {
  readonly kind: ReviewKind;
  readonly reference: string;
  readonly taskId: string;
  readonly purpose: Purpose;
  /** The deadline that fired, and when it was due. */
  readonly key: string;
  readonly dueAt: string;
}
export type ReviewTaskTeamsPayload = TeamsEffectPayload<ReviewTaskRequest>;

const payloadSchema = z.object({
  topic: z.literal(REVIEW_TASK_TOPIC),
  recipient: z.string().min(1),
  request: z.object({
    kind: z.enum(REVIEW_KINDS), reference: z.string().min(1), taskId: z.string().min(1), purpose: z.enum(PURPOSES), key: z.string().min(1), dueAt: z.string().min(1),
  }),
});

/** A review task Teams effect's payload, checked (the outbox holds JSON); undefined when it is not one. */
export function parseReviewTaskPayload(payload: unknown): ReviewTaskTeamsPayload | undefined {
  const parsed = payloadSchema.safeParse(payload);
  return parsed.success ? parsed.data : undefined;
}

const WHY: Readonly<Record<Purpose, string>> = { reminder: 'due soon', overdue: 'overdue', 'deemed-agreed': 'decisions deemed agreed' };

/** The message's one line: the reference and the task's few words. */
export function reviewTaskMessageLine(reference: string, task: Pick<ReviewTask, 'short'>, purpose: Purpose): string {
  return purpose === 'deemed-agreed' ? `Resolve: review ${reference}: ${WHY[purpose]}` : `Resolve: review ${reference}: ${task.short} ${WHY[purpose]}`;
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The email of a reminder, chaser or deemed-agreed notice: the subject holds the opaque reference
 * and the task's few words only (no date); the body the rule, what is to be done, and when.
 */
export function reviewTaskEmail(reference: string, task: Pick<ReviewTask, 'rule' | 'label' | 'short' | 'dueAt' | 'reviewDate' | 'phase'>, purpose: Purpose): EmailContent {
  const line = reviewTaskMessageLine(reference, task, purpose);
  // A reference that looks like a date or a postcode stays out of the subject (graph/privacy.ts), in the body only.
  const subject = opaqueSubjectOr(line.length <= MAX_SUBJECT_LENGTH ? line : `Resolve: review ${reference}: ${WHY[purpose]}`, `Resolve: review task: ${WHY[purpose]}`);
  const due = formatDeadline(new Date(task.dueAt));
  const review = `${task.phase === 'preparation' ? 'The review meeting is booked for' : 'The review was held on'} ${formatIsoDate(task.reviewDate)}.`;
  const what = purpose === 'deemed-agreed'
    ? `No response from the team manager was recorded by ${due}, so the decisions of the review are deemed agreed by the local authority (OX-R16, OX-R17). Please implement them within the timescales they set.`
    : `${capitalised(task.label)} (${task.rule}): ${purpose === 'reminder' ? `due by ${due}` : `was due by ${due} and is not marked done`}.`;
  const look = purpose === 'deemed-agreed' ? 'Open Resolve in Microsoft Teams to see it.' : 'Open Resolve in Microsoft Teams and press "Mark done" on its card once it is done.';
  return {
    subject,
    html: `<p>${escapeHtml(line)}.</p><p>${escapeHtml(what)}</p><p>${escapeHtml(review)}</p><p>${escapeHtml(look)}</p>`,
    text: `${line}.\n\n${what}\n${review}\n\n${look}\n`,
  };
}

/**
 * One Teams message and one email for each person a fired task deadline told (the event records
 * who): for the review model's `effectsOf`. Keys are stable per deadline, due time and person, so
 * a command run again queues nothing twice, and a deadline moved and fired again is a new message.
 */
export function reviewTaskEffects(change: StreamChange<ReviewSeriesState, ReviewSeriesEvent>, ctx: ReviewTaskContext): OutboxEffect[] {
  const fired = change.events.filter(isFired);
  if (fired.length === 0) return [];
  const state = change.after;
  const tasks = reviewTasks(state, dueOptions(ctx));
  const tenant = ctx.tenant ?? '';
  return fired.flatMap((event) => {
    const purpose = PURPOSE[event.type];
    const task = tasks.find((t) => t.id === event.taskId);
    if (task === undefined) return [];
    const base = `${REVIEW_TASK_TOPIC}:${change.streamId}:${event.key}@${event.dueAt}`;
    const email = reviewTaskEmail(state.reference, task, purpose);
    return event.notified.flatMap((recipient): OutboxEffect[] => {
      const request: ReviewTaskRequest = { kind: state.kind, reference: state.reference, taskId: task.id, purpose, key: event.key, dueAt: event.dueAt };
      const teams: ReviewTaskTeamsPayload = { topic: REVIEW_TASK_TOPIC, recipient, request };
      const mail: EmailEffectPayload = { topic: REVIEW_TASK_TOPIC, recipient, email };
      return [
        { idempotencyKey: `${base}/${recipient}`, destination: `teams:${recipient}`, tenant, kind: EFFECT_KINDS.teamsCard, payload: teams },
        { idempotencyKey: `${base}/${recipient}/email`, destination: `email:${recipient}`, tenant, kind: EFFECT_KINDS.email, payload: mail },
      ];
    });
  });
}

const ROLE_LABELS: Partial<Record<TimelineRole, string>> = {
  iro: 'IRO', firo: 'FIRO', fro: 'FRO', social_worker: 'Social worker', supervising_social_worker: 'Supervising social worker',
  team_manager: 'Team manager', business_support: 'Business support', panel_administrator: 'Panel administrator',
};
/** A role as a person reads it: "Social worker". */
export function roleLabel(role: TimelineRole): string {
  return ROLE_LABELS[role] ?? capitalised(role.replace(/_/g, ' '));
}

/** The card for a task, for a person who may mark it done. */
export function reviewTaskCardView(
  state: Pick<ReviewSeriesState, 'kind' | 'reference'>, task: ReviewTask, purpose: ReviewTaskCardPurpose, options: { readonly canMarkDone: boolean; readonly doneBy?: string },
): ReviewTaskCardView {
  return {
    reference: state.reference, kind: state.kind, taskId: task.id, rule: task.rule, label: task.label, short: task.short, purpose, phase: task.phase,
    due: task.due, dueAt: new Date(task.dueAt), reviewDate: task.reviewDate,
    responsible: roleLabel(purpose === 'deemed-agreed' ? 'social_worker' : task.responsible),
    canMarkDone: options.canMarkDone,
    ...(task.done !== null && { done: { at: new Date(task.done.at), ...(options.doneBy !== undefined && { by: options.doneBy }) } }),
  };
}

export interface ReviewTaskComposerOptions extends ReviewTaskContext {
  readonly db: Queryable;
}

/**
 * The outbox composer for review task messages: the card drawn from the series as it stands when
 * it is delivered. Nothing is sent for a task done, deemed agreed or gone (a booking cancelled or
 * held) since the deadline fired; the email goes as its own effect, so there is no email fallback.
 */
export function createReviewTaskComposer(options: ReviewTaskComposerOptions): Composer {
  return async (effect): Promise<PersonalMessage | undefined> => {
    const payload = parseReviewTaskPayload(effect.payload);
    if (payload === undefined) return undefined;
    const { recipient, request } = payload;
    const { state } = await loadReviewSeries(options.db, request.kind, request.reference);
    if (state === undefined) return undefined;
    const task = reviewTasks(state, dueOptions(options)).find((t) => t.id === request.taskId);
    if (task === undefined) return undefined;
    if (request.purpose !== 'deemed-agreed' && (task.done !== null || task.deemedAgreedAt !== null)) return undefined;
    const view = reviewTaskCardView(state, task, request.purpose, { canMarkDone: request.purpose !== 'deemed-agreed' });
    return { recipientId: recipient, card: reviewTaskCard(view), preview: reviewTaskCardPreview(view), text: `${reviewTaskMessageLine(state.reference, task, request.purpose)}.` };
  };
}

const STREAM = /^review-series:(looked-after|foster-carer):(.+)$/;

/** The series a stream id names, or undefined for another aggregate's stream. */
export function reviewSeriesOfStream(streamId: string): { readonly kind: ReviewKind; readonly reference: string } | undefined {
  const m = STREAM.exec(streamId);
  return m === null ? undefined : { kind: m[1] as ReviewKind, reference: m[2]! };
}

const isRoleKey = (role: TimelineRole): role is RoleKey => (ROLE_KEYS as readonly string[]).includes(role);

/**
 * The people holding a task's role for the series now, from the directory: the worker roles and
 * the officer roles are the series' own people; the rest (team manager, business support) are
 * found from the worker's team. With no worker recorded only the officer can be found; someone
 * the directory no longer knows is nobody.
 */
export async function reviewTaskHolders(directory: Pick<Directory, 'resolveRole'>, role: TimelineRole, state: Pick<ReviewSeriesState, 'worker' | 'officer'>): Promise<string[]> {
  if (!isRoleKey(role)) return [];
  if (state.worker === null) return OFFICER_ROLES.includes(role) && state.officer !== null ? [state.officer] : [];
  if (CASE_WORKER_ROLES.includes(role)) return [state.worker];
  try {
    const people = await directory.resolveRole(role, { allocatedWorkerId: state.worker, ...(state.officer !== null && { officerId: state.officer }) });
    return [...new Set(people.map((p) => p.id))];
  } catch (error) {
    if (error instanceof InvalidInputError) return [];
    throw error;
  }
}

export interface ReviewTaskHandlerContext extends ReviewTaskContext {
  readonly directory: Pick<Directory, 'resolveRole'>;
  /** The review series model the command runs in; default `reviewSeriesModel(ctx)`, which carries these deadlines and effects once wired. */
  readonly model?: Model;
  readonly logger?: Logger;
}

/**
 * The deadline dispatcher's handler for review series: who holds the task's role now, then
 * `deadline-reached` on the series with them, in the dispatcher's transaction. A deadline of
 * another aggregate's stream is not this handler's (route by `reviewSeriesOfStream`).
 */
export function reviewTaskDeadlineHandler(ctx: ReviewTaskHandlerContext): DeadlineHandler {
  const model = ctx.model ?? reviewSeriesModel(ctx);
  return async (tx, deadline, { now }) => {
    const series = reviewSeriesOfStream(deadline.streamId);
    if (series === undefined) return;
    const { state } = await loadReviewSeries(tx, series.kind, series.reference);
    if (state === undefined) return;
    const spec = taskDeadlinesOf(state, dueOptions(ctx)).find((d) => d.key === deadline.key);
    const notify = spec === undefined ? [] : await reviewTaskHolders(ctx.directory, spec.role, state);
    const outcome = await handleCommandIn(tx, model, deadline.streamId, {
      type: 'deadline-reached', ...series, actor: SYSTEM_ACTOR, key: deadline.key, notify,
    }, now);
    if (outcome.ok && outcome.records.length > 0) {
      ctx.logger?.info('review_task.deadline', { streamId: deadline.streamId, key: deadline.key, told: notify.length });
    }
  };
}

export interface ReviewTaskFlowOptions extends ReviewTaskContext {
  readonly db: Db;
  readonly clock: Clock;
  readonly directory: Pick<Directory, 'resolveRole' | 'person'>;
  /** As for the handler: default `reviewSeriesModel(options)`. */
  readonly model?: Model;
  readonly logger?: Logger;
}

const NOT_YOURS = 'That review task is not one of yours, or it does not exist. Nothing was changed.';

/** Who may mark a task done: the series' officer and worker, anyone a deadline of the task told, and whoever holds its role now. */
async function mayMark(options: ReviewTaskFlowOptions, state: ReviewSeriesState, records: readonly StreamRecord<ReviewSeriesEvent>[], actorId: string, taskId: string): Promise<boolean> {
  if (actorId === state.officer || actorId === state.worker) return true;
  if (records.some(({ event }) => isFired(event) && event.taskId === taskId && event.notified.includes(actorId))) return true;
  const task = reviewTasks(state, dueOptions(options)).find((t) => t.id === taskId);
  return task !== undefined && (await reviewTaskHolders(options.directory, task.responsible, state)).includes(actorId);
}

/**
 * "Mark done" on a review task card (verb `reviewTaskDone`): the untrusted card data parsed, the
 * actor checked, `complete-task` run; the answer is the card drawn again as done, or why not. A
 * second click shows the card as done and changes nothing.
 */
export async function markReviewTaskDone(options: ReviewTaskFlowOptions, actorId: string, data: unknown): Promise<Reply> {
  const parsed = parseActionData(VERBS.reviewTaskDone, data);
  if (!parsed.ok) return { message: `${parsed.message} Nothing was changed.` };
  if (parsed.action.verb !== VERBS.reviewTaskDone) return { message: NOT_YOURS };
  const { kind, reference, taskId } = parsed.action.data;
  const { state, records } = await loadReviewSeries(options.db, kind, reference);
  if (state === undefined || !(await mayMark(options, state, records, actorId, taskId))) return { message: NOT_YOURS };
  const model = options.model ?? reviewSeriesModel(options);
  const outcome = await handleCommand(options.db, model, reviewSeriesStreamId(kind, reference), { type: 'complete-task', kind, reference, actor: actorId, taskId }, { clock: options.clock });
  if (!outcome.ok) {
    options.logger?.info('review_task.refused', { userId: actorId, taskId, code: outcome.refusal.code });
    return { message: `${outcome.refusal.message} Nothing was changed.` };
  }
  const task = outcome.state === undefined ? undefined : reviewTasks(outcome.state, dueOptions(options)).find((t) => t.id === taskId);
  if (task === undefined || task.done === null) return { message: 'Done: the task is marked done.' };
  options.logger?.info('review_task.done', { userId: actorId, taskId, recorded: outcome.records.length > 0 });
  const doneBy = (await options.directory.person(task.done.by))?.displayName;
  return { card: reviewTaskCard(reviewTaskCardView(outcome.state!, task, 'status', { canMarkDone: false, ...(doneBy !== undefined && { doneBy }) })) };
}

/** The dispatcher's one handler: review series' deadlines to `reviews`, every other stream's to `others` (the cases). */
export function withReviewDeadlines(others: DeadlineHandler, reviews: DeadlineHandler): DeadlineHandler {
  return (tx, deadline, ctx) => (reviewSeriesOfStream(deadline.streamId) === undefined ? others(tx, deadline, ctx) : reviews(tx, deadline, ctx));
}
