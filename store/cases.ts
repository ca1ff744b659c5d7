/**
 * Escalation cases on the store: the domain's decider wired into the one-transaction command
 * cycle. A command loads the case's events, folds them, decides, and appends the new events with
 * the case summary, the deadlines the new state implies and the notifications to send.
 */
import type { WorkingCalendar } from '../domain/calendar/index.js';
import {
  caseNoteText,
  deadlinesOf,
  decide,
  evolve,
  summarise,
  SYSTEM_ACTOR,
  type CaseCommand,
  type CaseEvent,
  type CaseState,
  type CaseSummary,
} from '../domain/escalation/index.js';
import { notificationsFor, type Notification } from '../domain/escalation/notifications.js';
import type { Policy } from '../domain/policies/index.js';
import { findCaseSummary, upsertCaseSummary, type CaseSummaryRow } from './case-summary.js';
import type { Clock } from './clock.js';
import { foldEvents, handleCommand, handleCommandIn, type CommandOutcome, type StreamModel } from './command.js';
import type { Db, Queryable } from './db.js';
import type { DeadlineHandler } from './deadlines.js';
import { readStream, type EventRecord } from './events.js';
import type { OutboxEffect } from './outbox.js';

export interface CaseStoreContext {
  readonly policyFor: (policyId: string) => Policy;
  readonly calendar: WorkingCalendar;
  /** The council's tenant id, for pacing deliveries per tenant. */
  readonly tenant?: string;
}

/** The outbox kinds a case produces: a Teams message or card, and an email for chasers. */
export const CASE_EFFECT_KINDS = { teams: 'case-notification', email: 'case-notification-email' } as const;

/** One Teams effect per notification, and an email beside it when the domain asks for one. */
export function caseEffects(notifications: readonly Notification[], tenant = ''): OutboxEffect[] {
  return notifications.flatMap((n) => {
    const teams: OutboxEffect = { idempotencyKey: n.key, destination: `teams:${n.recipient}`, tenant, kind: CASE_EFFECT_KINDS.teams, payload: n };
    if (!n.emailToo) return [teams];
    return [teams, { idempotencyKey: `${n.key}/email`, destination: `email:${n.recipient}`, tenant, kind: CASE_EFFECT_KINDS.email, payload: n }];
  });
}

export function caseModel(ctx: CaseStoreContext): StreamModel<CaseState, CaseCommand, CaseEvent> {
  const policyOf = (state: CaseState | undefined, command?: CaseCommand) =>
    ctx.policyFor(state?.policyId ?? (command?.type === 'raise' ? command.policyId : ''));
  return {
    evolve,
    decide(state, command, now) {
      if (state === undefined && command.type !== 'raise') {
        return { ok: false, refusal: { code: 'not-found', message: `There is no case with id ${command.caseId}; it may not have been raised yet.` } };
      }
      return decide(state, command, { now, policy: policyOf(state, command), calendar: ctx.calendar });
    },
    deadlinesOf(state) {
      return deadlinesOf(state, { policy: policyOf(state), calendar: ctx.calendar }).map((d) => ({
        key: d.key,
        kind: d.kind,
        dueAt: d.dueAt,
        ...(d.stageId !== undefined && { data: { stageId: d.stageId } }),
      }));
    },
    effectsOf(change) {
      return caseEffects(notificationsFor({ before: change.before, after: change.after, events: change.events }), ctx.tenant);
    },
    async project(tx, change) {
      const summary = summarise(change.after, change.now);
      const state = change.after;
      await upsertCaseSummary(tx, summary, {
        isOpen: state.status === 'open' || state.status === 'referred',
        awaitingResponseBy: state.status === 'open' && state.stage.response === null ? state.stage.responseDueAt : null,
      });
    },
  };
}

export interface CaseStoreOptions extends CaseStoreContext {
  readonly db: Db;
  readonly clock: Clock;
  readonly maxAttempts?: number;
}

/** Runs a person's command on a case; the case's stream id is its case id. */
export function handleCaseCommand(options: CaseStoreOptions, command: CaseCommand): Promise<CommandOutcome<CaseState, CaseEvent>> {
  return handleCommand(options.db, caseModel(options), command.caseId, command, { clock: options.clock, ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }) });
}

/** The deadline dispatcher's handler for cases: a `deadline-reached` command from the system. */
export function caseDeadlineHandler(ctx: CaseStoreContext): DeadlineHandler {
  const model = caseModel(ctx);
  return async (tx, deadline, { now }) => {
    await handleCommandIn(tx, model, deadline.streamId, { type: 'deadline-reached', caseId: deadline.streamId, actor: SYSTEM_ACTOR, key: deadline.key }, now);
  };
}

export async function loadCase(q: Queryable, caseId: string): Promise<{ state: CaseState | undefined; version: number; records: EventRecord<CaseEvent>[] }> {
  const { version, records } = await readStream<CaseEvent>(q, caseId);
  return { state: foldEvents(evolve, records.map((r) => r.event)), version, records };
}

export function findCaseByReference(q: Queryable, reference: string): Promise<CaseSummaryRow<CaseSummary> | undefined> {
  return findCaseSummary<CaseSummary>(q, { reference });
}

/** The case's whole history as case-note text, or undefined when no case has that reference. */
export async function exportCaseNotes(q: Queryable, reference: string, nameOf?: (personId: string) => string): Promise<string | undefined> {
  const found = await findCaseByReference(q, reference);
  if (!found) return undefined;
  const { records } = await readStream<CaseEvent>(q, found.caseId);
  return caseNoteText(records.map((r) => r.event), nameOf);
}
