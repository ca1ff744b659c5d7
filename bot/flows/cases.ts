/**
 * The escalation use cases behind the bot's handlers: raise a case, act on it, and render each
 * queued notification for its recipient at delivery time. Everything goes through the store's
 * one-transaction command cycle, so the event, the deadlines and the outbound cards commit
 * together; the domain checks every command (stale cards, other people's cases).
 */
import { randomUUID } from 'node:crypto';
import {
  actionCard, actionCardPreview, caseDetailCard, chaserCard, chaserCardPreview, myCasesCard, outcomeCard, readOnlyCard, readOnlyCardPreview, statusCard,
  statusCardPreview,
  type AdaptiveCardJson, type ParsedAction, type PersonView, type VerbData,
} from '../../cards/index.js';
import type { WorkingCalendar } from '../../domain/calendar/index.js';
import { InvalidInputError } from '../../domain/errors.js';
import type { CaseCommand, CaseState, CaseSummary } from '../../domain/escalation/index.js';
import type { Notification } from '../../domain/escalation/notifications.js';
import { nextStage, recipientRoles, type Policy, type RoleKey } from '../../domain/policies/index.js';
import type { Directory } from '../../graph/directory/index.js';
import { DuplicateReferenceError } from '../../store/case-summary.js';
import { CASE_EFFECT_KINDS, findCaseByReference, handleCaseCommand, loadCase, type CaseStoreOptions } from '../../store/cases.js';
import { openCasesFor } from '../../store/case-summary.js';
import type { Clock } from '../../store/clock.js';
import type { Db } from '../../store/db.js';
import { listEffects, type OutboxRecord, type Transport } from '../../store/outbox.js';
import type { MailSender } from '../../graph/mail.js';
import type { BotFlows, RaiseResult, Reply } from '../app.js';
import { parseReceipt, type PersonalMessage, type TeamsReceipt } from '../delivery.js';
import type { Logger } from '../log.js';
import { actionCardView, caseView, escalatePromptView, outcomeView, readOnlyCardView, statusCardView, viewerRole, type NameOf } from './views.js';

/** Everyone in a case-holding team: the choices for a case's allocated worker. */
export async function caseWorkers(directory: Directory): Promise<PersonView[]> {
  const ids = [...new Set((await directory.teams()).flatMap((t) => t.memberIds))];
  const people = await Promise.all(ids.map((id) => directory.person(id)));
  return people.flatMap((p) => (p === undefined ? [] : [{ id: p.id, name: p.displayName }])).sort((a, b) => a.name.localeCompare(b.name));
}

export interface CaseFlowOptions {
  readonly db: Db;
  readonly clock: Clock;
  readonly calendar: WorkingCalendar;
  readonly policies: readonly Policy[];
  readonly directory: Directory;
  readonly tenant?: string;
  readonly logger: Logger;
}

export interface CaseFlows extends BotFlows {
  /** Renders a queued case notification for its recipient, as the case stands now. */
  compose(effect: OutboxRecord): Promise<PersonalMessage | undefined>;
}

type CaseAction = Parameters<NonNullable<BotFlows['caseAction']>>[1];

const unique = (ids: readonly string[]) => [...new Set(ids)];

/** The reason recorded when the officer escalates from the overdue reminder in one click, without writing one. */
export const ONE_CLICK_ESCALATION_REASON = 'No response by the due date (escalated from the overdue reminder).';

const STALE_CARD = 'This case has changed since your card was shown: look at the latest card and act again. Nothing was changed.';

const NO_ALLOCATED_WORKER = 'This case was raised before Resolve recorded its allocated worker, so it cannot tell who the next stage goes to; ask your administrator. Nothing was changed.';

/** Open, nobody has responded at this stage, and the response was due by now. */
function responseOverdue(state: CaseState, now: Date): boolean {
  const due = state.stage.responseDueAt;
  return state.status === 'open' && state.stage.response === null && due !== null && now.getTime() >= Date.parse(due);
}

export function createCaseFlows(options: CaseFlowOptions): CaseFlows {
  const { db, clock, directory, logger } = options;
  const policyFor = (policyId: string): Policy => {
    const policy = options.policies.find((p) => p.id === policyId);
    if (policy === undefined) throw new InvalidInputError(`There is no ladder "${policyId}" configured here.`, 'policyId');
    return policy;
  };
  const store: CaseStoreOptions = { db, clock, calendar: options.calendar, policyFor, ...(options.tenant !== undefined && { tenant: options.tenant }) };

  async function namesFor(ids: readonly string[]): Promise<NameOf> {
    const names = new Map<string, string>();
    await Promise.all(unique(ids).map(async (id) => names.set(id, (await directory.person(id))?.displayName ?? 'someone no longer in the directory')));
    return (id) => names.get(id) ?? 'someone no longer in the directory';
  }

  async function peopleForRoles(roles: readonly RoleKey[], allocatedWorkerId: string, officerId: string): Promise<string[]> {
    const found = await Promise.all(roles.map((role) => directory.resolveRole(role, { allocatedWorkerId, officerId })));
    return unique(found.flat().map((p) => p.id));
  }

  /**
   * The people a stage's roles reach for a case. Someone on automatic replies now is covered by
   * their cover (else their manager), who joins To; the absent person is copied, so the card is
   * there when they return and the officer's card shows who has it.
   */
  async function route(roles: { readonly to: readonly RoleKey[]; readonly cc: readonly RoleKey[] }, allocatedWorkerId: string, officerId: string): Promise<{ to: string[]; cc: string[] }> {
    const addressed = await peopleForRoles(roles.to, allocatedWorkerId, officerId);
    const now = clock.now();
    const to: string[] = [];
    const away: string[] = [];
    for (const id of addressed) {
      const cover = await directory.cover(id, now);
      if (cover === undefined) {
        to.push(id);
      } else {
        to.push(cover.person.id);
        away.push(id);
        logger.info('route.covered', { personId: id, coverId: cover.person.id });
      }
    }
    const toIds = unique(to);
    const cc = unique([...away, ...(await peopleForRoles(roles.cc, allocatedWorkerId, officerId))]).filter((id) => !toIds.includes(id));
    return { to: toIds, cc };
  }

  /** Who a stage of this case would go to (To, CC), from the allocated worker recorded when it was raised; undefined when unknown. */
  async function routeTo(state: CaseState, policy: Policy, stageId: string): Promise<{ to: string[]; cc: string[] } | undefined> {
    if (state.allocatedWorkerId === null) return undefined;
    try {
      return await route(recipientRoles(policy, stageId), state.allocatedWorkerId, state.raisedBy);
    } catch (error) {
      if (error instanceof InvalidInputError) return undefined;
      throw error;
    }
  }

  /**
   * The card this person should hold for the case now: To gets actions, the officer the status, others read-only.
   * With `escalatePrompt`, the officer gets the overdue chaser with its one-click Escalate while the response is still overdue.
   */
  async function cardFor(state: CaseState, viewerId: string, escalatePrompt = false): Promise<{ card: AdaptiveCardJson; preview: string }> {
    const policy = options.policies.find((p) => p.id === state.policyId);
    const role = viewerRole(state, viewerId);
    // Only the officer's card shows the history; the others need the state alone.
    const events = role === 'officer' ? (await loadCase(db, state.caseId)).records.map((r) => r.event) : [];
    const next = role === 'officer' && policy !== undefined ? nextStage(policy, state.stage.stageId) : undefined;
    const route = next === undefined || policy === undefined ? undefined : await routeTo(state, policy, next.id);
    const names = await namesFor([
      ...state.notified, state.raisedBy, ...state.stage.to, ...state.stage.cc, ...events.map((e) => e.actor), ...state.actions.map((a) => a.owner),
      ...(route?.to ?? []), ...(route?.cc ?? []),
    ]);
    const now = clock.now();
    if (role === 'to') {
      const view = actionCardView(state, policy, names, now, viewerId);
      return { card: actionCard(view), preview: actionCardPreview(view) };
    }
    if (role === 'officer') {
      const who = (ids: readonly string[] = []) => ids.map((id) => ({ id, name: names(id) }));
      const nextStageView = next === undefined ? undefined : { stageId: next.id, label: next.label, to: who(route?.to), cc: who(route?.cc) };
      const prompt = escalatePrompt && responseOverdue(state, now) ? escalatePromptView(state, names, route !== undefined && route.to.length > 0 ? nextStageView : undefined) : undefined;
      if (prompt !== undefined) return { card: chaserCard(prompt), preview: chaserCardPreview(prompt) };
      const view = statusCardView(state, events, policy, names, now, nextStageView === undefined ? {} : { nextStage: nextStageView });
      return { card: statusCard(view), preview: statusCardPreview(view) };
    }
    const view = readOnlyCardView(state, policy, names, now);
    return { card: readOnlyCard(view), preview: readOnlyCardPreview(view) };
  }

  async function raise(actorId: string, form: VerbData<'raiseSubmit'>, policy: Policy): Promise<RaiseResult> {
    const { allocatedWorkerId } = form;
    if ((await directory.person(allocatedWorkerId)) === undefined) {
      return { ok: false, formError: 'The allocated social worker chosen is no longer in the directory: choose the allocated social worker (or supervising social worker) from the list again.' };
    }
    const type = policy.alertTypes.find((t) => t.id === form.alertTypeId);
    const chosen = form.entryStageId;
    const bypassing = chosen !== undefined && type !== undefined && type.entryStage !== null && type.entryStage !== chosen && !type.otherEntryStages.includes(chosen);
    const entry = chosen ?? type?.entryStage ?? policy.stages[0]!.id;
    const roles = recipientRoles(policy, entry, form.alertTypeId);
    let to: string[];
    let cc: string[];
    try {
      ({ to, cc } = await route(roles, allocatedWorkerId, actorId));
    } catch (error) {
      if (error instanceof InvalidInputError) return { ok: false, formError: error.message };
      throw error;
    }
    if (to.length === 0) {
      return { ok: false, formError: `Nobody in the directory holds ${roles.to.join(' or ')} for this case, so there is no one to send it to. Ask your administrator to add them to the organisation file.` };
    }
    const caseId = `case-${form.formId}`;
    const command: CaseCommand = {
      type: 'raise',
      caseId,
      actor: actorId,
      reference: form.caseReference,
      subjectInitials: form.subjectInitials.toUpperCase(),
      allocatedWorkerId,
      policyId: policy.id,
      alertTypeId: form.alertTypeId,
      ...(chosen !== undefined && { entryStageId: chosen }),
      ...(form.category !== undefined && { category: form.category }),
      issue: form.issue,
      impactOnChild: form.impact,
      resolutionSought: form.resolutionSought,
      ...(form.resolutionSoughtBy !== undefined && { resolutionSoughtBy: form.resolutionSoughtBy }),
      severityFlags: form.severityFlags,
      ...(bypassing && {
        bypass: { reason: form.bypassReason ?? '', lineManagerDiscussed: form.discussedWithLineManager, emergency: form.emergency },
      }),
      to,
      cc,
    } as CaseCommand;
    let outcome;
    try {
      outcome = await handleCaseCommand(store, command);
    } catch (error) {
      if (error instanceof DuplicateReferenceError) {
        return { ok: false, formError: `A case with the reference ${form.caseReference} already exists: open it with "case ${form.caseReference}", or check the reference.` };
      }
      throw error;
    }
    if (!outcome.ok) {
      // The same form sent twice raises once: show the case it raised, to the officer who raised it.
      if (outcome.refusal.code === 'already-raised' && outcome.state?.raisedBy === actorId) return { ok: true, card: (await cardFor(outcome.state, actorId)).card };
      return { ok: false, formError: outcome.refusal.message };
    }
    logger.info('case.raised', { caseId, userId: actorId, to: to.length, cc: cc.length });
    return { ok: true, card: (await cardFor(outcome.state!, actorId)).card };
  }

  async function movingCommand(actorId: string, action: CaseAction, state: CaseState): Promise<CaseCommand | string | undefined> {
    const policy = options.policies.find((p) => p.id === state.policyId);
    if (policy === undefined) return undefined;
    const base = { caseId: action.data.caseId, actor: actorId, expectedVersion: action.data.version, stageId: action.data.stageId };
    if (action.verb === 'escalate') {
      // An old card (a chaser clicked after the case moved on) is refused before any of the checks below.
      if (state.status === 'open' && (action.data.stageId !== state.stage.stageId || action.data.version !== state.revision)) return STALE_CARD;
      const next = nextStage(policy, state.stage.stageId);
      if (next === undefined) return `${state.stage.stageLabel} is the last stage of ${policy.authority}'s ladder: there is nowhere to escalate to. Nothing was changed.`;
      // The overdue chaser's one-click Escalate sends no reason: the overdue response is the reason.
      const reason = action.data.escalateReason ?? (responseOverdue(state, clock.now()) ? ONE_CLICK_ESCALATION_REASON : undefined);
      if (reason === undefined) return `Say why it needs ${next.label}: a reason for escalating is required. Nothing was changed.`;
      if (state.allocatedWorkerId === null) return NO_ALLOCATED_WORKER;
      const route = await routeTo(state, policy, next.id);
      if (route === undefined || route.to.length === 0) return `Nobody in the directory holds the roles ${next.label} goes to for this case. Nothing was changed.`;
      return {
        type: 'escalate', ...base, reason,
        ...(action.data.escalateSoughtBy !== undefined && { resolutionSoughtBy: action.data.escalateSoughtBy }), to: route.to, cc: route.cc,
      } as CaseCommand;
    }
    if (action.verb === 'bypass') {
      if (state.allocatedWorkerId === null) return NO_ALLOCATED_WORKER;
      const route = await routeTo(state, policy, action.data.bypassStageId);
      if (route === undefined || route.to.length === 0) return 'Nobody in the directory holds the roles that stage goes to for this case. Nothing was changed.';
      return {
        type: 'bypass', ...base, targetStageId: action.data.bypassStageId, reason: action.data.bypassReason,
        lineManagerDiscussed: action.data.discussedWithLineManager, emergency: action.data.emergency,
        ...(action.data.bypassSoughtBy !== undefined && { resolutionSoughtBy: action.data.bypassSoughtBy }), to: route.to, cc: route.cc,
      } as CaseCommand;
    }
    return commandFor(actorId, action);
  }

  function commandFor(actorId: string, action: CaseAction): CaseCommand | undefined {
    const { caseId, stageId, version } = action.data;
    const base = { caseId, actor: actorId, expectedVersion: version };
    switch (action.verb) {
      case 'respondAccept':
        return { type: 'respond', ...base, stageId, response: 'accept' } as CaseCommand;
      case 'respondPropose':
        return { type: 'respond', ...base, stageId, response: 'propose-alternative', text: action.data.proposal } as CaseCommand;
      case 'respondDecline':
        return { type: 'respond', ...base, stageId, response: 'decline', text: action.data.declineReason } as CaseCommand;
      case 'agreeAction':
        return { type: 'agree-action', ...base, stageId, actionId: randomUUID(), owner: action.data.actionOwnerId, dueDate: action.data.actionDue, text: action.data.actionText } as CaseCommand;
      case 'completeAction':
        return { type: 'complete-action', ...base, actionId: action.data.actionId } as CaseCommand;
      case 'resolve':
        return { type: 'resolve', ...base, outcome: action.data.outcome, ...(action.data.learningPoints !== undefined && { keyLearningPoints: action.data.learningPoints }) } as CaseCommand;
      case 'withdraw':
        return { type: 'withdraw', ...base, reason: action.data.withdrawReason } as CaseCommand;
      case 'referCafcass':
        return { type: 'refer-to-cafcass', ...base, reason: action.data.cafcassReason } as CaseCommand;
      default:
        return undefined;
    }
  }

  async function caseAction(actorId: string, action: CaseAction): Promise<Reply> {
    const { state } = await loadCase(db, action.data.caseId);
    const involved = state !== undefined && (state.raisedBy === actorId || state.notified.includes(actorId) || state.actions.some((a) => a.owner === actorId));
    if (state === undefined || !involved) return { message: 'You have no part in that case, or it does not exist. Nothing was changed.' };
    if (action.verb === 'refresh' || action.verb === 'openCase') return { card: (await cardFor(state, actorId)).card };
    const command = await movingCommand(actorId, action, state);
    if (command === undefined) return { message: 'That is not available in this version yet. Nothing was changed.' };
    if (typeof command === 'string') return { card: outcomeCard(outcomeView(state, clock.now(), { kind: 'refused', reason: command })) };
    const outcome = await handleCaseCommand(store, command);
    if (!outcome.ok) {
      logger.info('case.refused', { caseId: state.caseId, userId: actorId, code: outcome.refusal.code });
      const now = outcome.state ?? state;
      return { card: outcomeCard(outcomeView(now, clock.now(), { kind: 'refused', reason: outcome.refusal.message })) };
    }
    logger.info('case.acted', { caseId: state.caseId, userId: actorId, verb: action.verb, version: outcome.version });
    return { card: (await cardFor(outcome.state!, actorId)).card };
  }

  /**
   * Where this person's case card landed in Teams, so updates replace it: the first card (new or
   * update) delivered in Teams; updates keep its receipt, and chasers are separate messages.
   */
  async function earlierCard(caseId: string, recipient: string): Promise<TeamsReceipt | undefined> {
    const sent = await listEffects(db, { streamId: caseId, destination: `teams:${recipient}` });
    for (const effect of sent) {
      const { purpose } = effect.payload as Partial<Notification>;
      const receipt = parseReceipt(effect.receipt);
      if (effect.status === 'delivered' && (purpose === 'card-new' || purpose === 'card-update') && receipt?.channel === 'teams') return receipt;
    }
    return undefined;
  }

  async function compose(effect: OutboxRecord): Promise<PersonalMessage | undefined> {
    if (effect.kind !== CASE_EFFECT_KINDS.teams && effect.kind !== CASE_EFFECT_KINDS.email) return undefined;
    const n = effect.payload as Notification;
    const { state } = await loadCase(db, n.caseId);
    if (state === undefined) return undefined;
    const recipient = await directory.person(n.recipient);
    const subject = `Resolve: ${state.reference} (${state.stage.stageLabel})`;
    const email = recipient === undefined ? undefined : {
      to: recipient.email,
      subject: n.purpose === 'overdue' ? `${subject}: response overdue` : `${subject}: for your attention`,
      html: `<p>${subject}. Open Resolve in Microsoft Teams and type <b>case ${state.reference}</b> to see it.</p>`,
    };
    const { card, preview } = await cardFor(state, n.recipient, n.purpose === 'escalate-prompt');
    if (n.purpose === 'card-update') {
      const replaces = await earlierCard(state.caseId, n.recipient);
      return { recipientId: n.recipient, card, preview, ...(replaces !== undefined && { replaces }) };
    }
    if (n.purpose === 'card-new') return { recipientId: n.recipient, card, preview, ...(email !== undefined && { email }) };
    const what = n.purpose === 'reminder' ? 'a response is due soon'
      : n.purpose === 'overdue' ? 'the response is overdue'
      : n.purpose === 'escalate-prompt' ? 'the response is overdue; you decide whether to escalate'
      : 'needs your attention';
    return { recipientId: n.recipient, card, preview, text: `${subject}: ${what}.`, ...(email !== undefined && { email }) };
  }

  async function myCases(actorId: string): Promise<Reply> {
    const rows = await openCasesFor<CaseSummary>(db, actorId);
    const now = clock.now();
    return {
      card: myCasesCard({
        items: rows.map(({ summary: s, responseDueAt: awaitedBy }) => ({
          caseId: s.caseId,
          stageId: s.stageId,
          version: s.revision,
          reference: s.reference,
          alertTypeLabel: s.alertTypeLabel,
          stageLabel: s.stageLabel,
          ...(s.responseDueAt !== null && { due: new Date(s.responseDueAt) }),
          overdue: awaitedBy !== null && now.getTime() > awaitedBy.getTime(),
        })),
      }),
    };
  }

  /** `case <reference>`: the case in full, only to someone with a part in it. */
  async function caseByReference(actorId: string, reference: string): Promise<Reply> {
    const found = await findCaseByReference(db, reference);
    const { state, records } = found === undefined ? { state: undefined, records: [] } : await loadCase(db, found.caseId);
    const involved = state !== undefined && (state.raisedBy === actorId || state.notified.includes(actorId) || state.actions.some((a) => a.owner === actorId));
    if (state === undefined || !involved) return { message: `You have no case with the reference ${reference}: check it, or type "my cases".` };
    const events = records.map((r) => r.event);
    const policy = options.policies.find((p) => p.id === state.policyId);
    const names = await namesFor([...state.notified, state.raisedBy, ...events.map((e) => e.actor), ...state.actions.map((a) => a.owner)]);
    const status = statusCardView(state, events, policy, names, clock.now());
    return { card: caseDetailCard({ ...caseView(state, policy, names, clock.now()), withTo: status.withTo, cc: status.cc, history: status.history }) };
  }

  return {
    raise,
    caseAction,
    myCases,
    caseByReference,
    compose,
  };
}

/** For type checks in tests: the parsed action types the flows accept. */
export type { ParsedAction };

/**
 * The outbox transport for case notifications: the Teams kind goes through personal delivery
 * (Teams, then email when Teams cannot reach the person); the email kind (chasers) goes by email.
 */
export function createCaseTransport(options: { readonly flows: CaseFlows; readonly teams: Transport; readonly mail: MailSender }): Transport {
  return async (effect) => {
    if (effect.kind !== CASE_EFFECT_KINDS.email) return options.teams(effect);
    const message = await options.flows.compose(effect);
    if (message?.email === undefined) return { outcome: 'rejected', error: 'no email address for the recipient' };
    try {
      await options.mail.send({ to: [message.email.to], subject: message.email.subject, html: message.email.html, idempotencyKey: effect.idempotencyKey });
    } catch {
      return { outcome: 'retry', error: 'email could not be sent' };
    }
    return { outcome: 'delivered', receipt: JSON.stringify({ channel: 'email' }) };
  };
}
