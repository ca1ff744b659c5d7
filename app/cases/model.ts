/**
 * The case model on the store: the domain's decider wired into the store's one-transaction
 * command cycle. A command loads the case's events, folds them, decides, and appends the new
 * events with the case summary, the deadlines the new state implies and the messages to send,
 * one outbox effect per person and channel. What delivery learns (where a card landed) comes
 * back as a CardPosted event, in the transaction that settles the delivery.
 */
import type { WorkingCalendar } from '../../domain/calendar/index.js';
import {
  deadlineKey,
  deadlinesOf,
  decide,
  evolve,
  summarise,
  SYSTEM_ACTOR,
  sameCardMessage,
  type CardLocation,
  type CaseCommand,
  type CaseEvent,
  type CaseState,
  type CaseSummary,
} from '../../domain/escalation/index.js';
import { notificationOf, notificationsFor, type Notification } from '../../domain/escalation/notifications.js';
import { emailHeading, getPolicy, nextStage, type Policy } from '../../domain/policies/index.js';
import { caseSummaryProjection, duplicateReferenceOf, findCaseSummary, type CaseSummaryRow } from './summary.js';
import type { Clock } from '../../store/clock.js';
import { foldEvents, handleCommand, handleCommandIn, type CommandOutcome, type LoadedStream, type StreamModel } from '../../store/command.js';
import { readForCommand } from '../../store/stream-write.js';
import type { Db, Queryable, Tx } from '../../store/db.js';
import type { DeadlineHandler } from '../../store/deadlines.js';
import { readStream, type StreamRecord } from '../../store/events.js';
import { enqueueEffects, type OutboxEffect, type OutboxRecord } from '../../store/outbox.js';
import { z } from 'zod';
import { EFFECT_KINDS, parseReceipt, type EmailEffectPayload, type TeamsEffectPayload } from '../delivery/messages.js';
import { stageCommandPeople } from './commands.js';
import { caseEmail } from './email.js';
import type { CaseRouting } from './routing.js';

export interface CaseStoreContext {
  readonly policyFor: (policyId: string) => Policy;
  readonly calendar: WorkingCalendar;
  /** The council's tenant id, for pacing deliveries per tenant. */
  readonly tenant?: string;
}

/** The topic case effects carry, so delivery finds the case composer. */
export const CASE_TOPIC = 'case';

export type CaseTeamsPayload = TeamsEffectPayload<Notification>;

/** Every purpose, checked complete by the compiler: a purpose left out here would make its effects unreadable. */
const PURPOSE_NAMES: Readonly<Record<Notification['purpose'], true>> = {
  'card-new': true, 'card-update': true, reminder: true, overdue: true, 'overdue-copy': true, 'escalate-prompt': true,
  'limit-warning': true, 'overall-limit': true, 'cafcass-prompt': true, 'action-overdue': true, briefing: true,
};
const PURPOSES = Object.keys(PURPOSE_NAMES) as [Notification['purpose'], ...Notification['purpose'][]];

const caseTeamsPayloadSchema = z.object({
  topic: z.literal(CASE_TOPIC),
  recipient: z.string().min(1),
  request: z.object({
    key: z.string().min(1),
    caseId: z.string().min(1),
    recipient: z.string().min(1),
    purpose: z.enum(PURPOSES),
    stageId: z.string(),
    version: z.number().int(),
    emailToo: z.boolean(),
  }),
});

/** A case Teams effect's payload, checked (the outbox holds JSON); undefined when it is not one. */
export function parseCaseTeamsPayload(payload: unknown): CaseTeamsPayload | undefined {
  const parsed = caseTeamsPayloadSchema.safeParse(payload);
  return parsed.success ? parsed.data : undefined;
}

/**
 * One Teams effect per notification (a card update replaces the person's card; everything else
 * is a new message), and an email beside it when the domain asks for one, composed now from the
 * state that caused it.
 */
export function caseEffects(notifications: readonly Notification[], state: CaseState, tenant = '', heading: string | null = null): OutboxEffect[] {
  return notifications.flatMap((n) => {
    const payload: CaseTeamsPayload = { topic: CASE_TOPIC, recipient: n.recipient, request: n };
    const kind = n.purpose === 'card-update' ? EFFECT_KINDS.teamsUpdate : EFFECT_KINDS.teamsCard;
    const teams: OutboxEffect = { idempotencyKey: n.key, destination: `teams:${n.recipient}`, tenant, kind, payload };
    if (!n.emailToo) return [teams];
    const email: EmailEffectPayload = { topic: CASE_TOPIC, recipient: n.recipient, email: caseEmail(state, n.purpose, heading) };
    return [teams, { idempotencyKey: `${n.key}/email`, destination: `email:${n.recipient}`, tenant, kind: EFFECT_KINDS.email, payload: email }];
  });
}

/**
 * The ladder a case runs under: the configured one, else the shipped ladder of that id (a case
 * raised before the authority's configuration changed keeps its own ladder). One lookup for
 * commands, deadlines and delivery facts alike.
 */
export function policyLookup(policies: readonly Policy[]): (policyId: string) => Policy {
  return (policyId) => policies.find((p) => p.id === policyId) ?? getPolicy(policyId);
}

/**
 * The person's own case card that a command was clicked on, and which the answer to that click
 * replaces (an Action.Execute answered with the updated card).
 */
export interface AnsweredCard {
  readonly recipient: string;
  readonly location: CardLocation;
}

export function caseModel(ctx: CaseStoreContext, answered?: AnsweredCard): StreamModel<CaseState, CaseCommand, CaseEvent> {
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
      // The card the person clicked is their case card, and the answer to the click replaces it
      // with the new one: an update through the outbox would send Teams the same card again.
      // (Should the answer not reach Teams, the card refreshes itself when next shown: refresh.userIds.)
      const answeredHere = (n: Notification) =>
        answered !== undefined && n.purpose === 'card-update' && n.recipient === answered.recipient && sameCardMessage(change.before?.cards[answered.recipient], answered.location);
      const notifications = notificationsFor({ before: change.before, after: change.after, events: change.events }).filter((n) => !answeredHere(n));
      return caseEffects(notifications, change.after, ctx.tenant, emailHeading(policyOf(change.after), change.after.alertTypeId));
    },
    projectionsOf(change) {
      const state = change.after;
      return [
        caseSummaryProjection(summarise(state, change.now), {
          isOpen: state.status === 'open' || state.status === 'referred',
          awaitingResponseBy: state.status === 'open' && state.stage.response === null ? state.stage.responseDueAt : null,
        }),
      ];
    },
    writeError: (error, change) => duplicateReferenceOf(error, change.after.reference),
  };
}

export interface CaseStoreOptions extends CaseStoreContext {
  readonly db: Db;
  readonly clock: Clock;
  readonly maxAttempts?: number;
}

/** Runs a person's command on a case; the case's stream id is its case id. */
export function handleCaseCommand(
  options: CaseStoreOptions,
  command: CaseCommand,
  /** The case as `loadCaseForCommand` returned it: the command neither reads nor folds it again. */
  read?: { readonly loaded: LoadedStream<CaseEvent>; readonly state: CaseState | undefined },
  /** The actor's own case card the command was clicked on, which the answer to the click replaces. */
  answered?: AnsweredCard,
): Promise<CommandOutcome<CaseState, CaseEvent>> {
  return handleCommand(options.db, caseModel(options, answered), command.caseId, command, {
    clock: options.clock, ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
    ...(read !== undefined && { loaded: read.loaded, loadedState: { state: read.state } }),
  });
}

/**
 * The person's own card update, queued after all: their click was answered in place (so the
 * command queued none for them), but the answer could not carry the card. Only if the change
 * would have queued one (it showed on their card); its key is the one the command would have
 * used, so it is queued once however often this is called. Says whether it queued one.
 */
export async function queueOwnCardUpdate(options: CaseStoreOptions, change: { readonly before: CaseState; readonly after: CaseState; readonly events: readonly CaseEvent[] }, recipient: string): Promise<boolean> {
  const wanted = notificationsFor(change).some((n) => n.purpose === 'card-update' && n.recipient === recipient);
  if (!wanted) return false;
  const { after } = change;
  await enqueueEffects(options.db, caseEffects([notificationOf(after, recipient, 'card-update')], after, options.tenant), { streamId: after.caseId, now: options.clock.now() });
  return true;
}

/** The deadline dispatcher's handler for cases: a `deadline-reached` command from the system. */
export function caseDeadlineHandler(ctx: CaseStoreContext, options: { readonly routing?: Pick<CaseRouting, 'stagePeople'> } = {}): DeadlineHandler {
  const model = caseModel(ctx);
  return async (tx, deadline, { now }) => {
    // One read under the case's lock serves both the choice of who the next stage goes to and the command.
    const loaded = await readForCommand<CaseEvent>(tx, deadline.streamId, { lock: true });
    const state = foldEvents(evolve, loaded.records.map((r) => r.event));
    const escalateTo = await automaticEscalationPeople(state, deadline.key);
    await handleCommandIn(tx, model, deadline.streamId, {
      type: 'deadline-reached', caseId: deadline.streamId, actor: SYSTEM_ACTOR, key: deadline.key, ...(escalateTo !== undefined && { escalateTo }),
    }, now, { loaded, folded: { state } });
  };

  /**
   * §8.4: on a ladder that escalates automatically when a response is overdue, who the next stage
   * goes to, found before the overdue response is recorded; the domain decides whether it escalates.
   */
  async function automaticEscalationPeople(state: CaseState | undefined, key: string) {
    if (!key.startsWith(deadlineKey.responseDue('')) || options.routing === undefined || state === undefined) return undefined;
    const policy = ctx.policyFor(state.policyId);
    const next = nextStage(policy, state.stage.stageId);
    if (policy.chasing.whenOverdue !== 'escalate-automatically' || next === undefined) return undefined;
    const people = await options.routing.stagePeople(state, policy, next.id);
    return people.to.length === 0 ? undefined : stageCommandPeople(people);
  }
}

/**
 * The outbox's delivery hook for cases: a person's case card (new or updated) that landed in Teams
 * is recorded on the case as CardPosted, so later updates replace it without reading the outbox.
 */
export function caseDeliveryRecorder(ctx: CaseStoreContext, clock: Clock): (tx: Tx, effect: OutboxRecord, receipt: string | undefined) => Promise<void> {
  const model = caseModel(ctx);
  return async (tx, effect, receipt) => {
    const n = parseCaseTeamsPayload(effect.payload)?.request;
    if (n === undefined || (n.purpose !== 'card-new' && n.purpose !== 'card-update')) return;
    const landed = parseReceipt(receipt);
    if (landed?.channel !== 'teams') return;
    const { channel: _channel, replacedGone, ...location } = landed;
    await handleCommandIn(tx, model, n.caseId, {
      type: 'record-card-posted', caseId: n.caseId, actor: SYSTEM_ACTOR, recipient: n.recipient, location, replacesGone: replacedGone === true,
    }, clock.now());
  };
}

export async function loadCase(q: Queryable, caseId: string): Promise<{ state: CaseState | undefined; version: number; records: StreamRecord<CaseEvent>[] }> {
  const { version, records } = await readStream<CaseEvent>(q, caseId);
  return { state: foldEvents(evolve, records.map((r) => r.event)), version, records };
}

/**
 * The case as a command will need it: its events and its deadlines in one statement. Give
 * `loaded` to `handleCaseCommand` and the command reads nothing more unless another change lands
 * first.
 */
export async function loadCaseForCommand(q: Queryable, caseId: string): Promise<{ state: CaseState | undefined; loaded: LoadedStream<CaseEvent> }> {
  const loaded = await readForCommand<CaseEvent>(q, caseId, { lock: false });
  return { state: foldEvents(evolve, loaded.records.map((r) => r.event)), loaded };
}

export function findCaseByReference(q: Queryable, reference: string): Promise<CaseSummaryRow<CaseSummary> | undefined> {
  return findCaseSummary<CaseSummary>(q, { reference });
}
