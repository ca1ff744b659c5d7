/**
 * The escalation use cases: raise a case, act on it from a card, list and show cases, welcome a
 * person. Each takes the acting person's Entra object id (from the activity, never from the card)
 * and untrusted card data, turns the data into a domain command by parsing, runs it through the
 * store's one-transaction cycle, and answers with the card to show. Every rule (may this person do
 * this, is the card stale, is there a next stage) is the domain's: a refusal is shown as it comes.
 */
import { randomUUID } from 'node:crypto';
import {
  caseDetailCard, isBriefingVerb, myCasesCard, outcomeCard, parseActionData, raiseFormValuesFrom, VERBS, welcomeCard,
  type AdaptiveCardJson, type WelcomeAudience,
} from '../../cards/index.js';
import type { WorkingCalendar } from '../../domain/calendar/index.js';
import { InvalidInputError } from '../../domain/errors.js';
import { hasPart, isResponseOverdue, SYSTEM_ACTOR, type CaseCommand, type CaseState, type CaseSummary } from '../../domain/escalation/index.js';
import { actionConfirmerRoles, chasingRoles, nextStage, recipientRoles, type Policy, type RoleKey } from '../../domain/policies/index.js';
import type { Directory } from '../../graph/directory/index.js';
import { DuplicateReferenceError, openCasesFor } from './summary.js';
import type { Clock } from '../../store/clock.js';
import { handleCommandIn, withConcurrencyRetry } from '../../store/command.js';
import type { Db } from '../../store/db.js';
import type { DeadlineHandler } from '../../store/deadlines.js';
import { errorFields, type Logger } from '../log.js';
import type { MessageLocation } from '../delivery/messages.js';
import type { RaiseOutcome, Reply } from '../replies.js';
import { commandFor, isMovingAction, raiseCommandFor } from './commands.js';
import { createCaseComposer, type CaseComposer } from './compose.js';
import {
  caseDeadlineHandler, caseDeliveryRecorder, caseModel, findCaseByReference, handleCaseCommand, loadCase, loadCaseForCommand, policyLookup, queueOwnCardUpdate, type CaseStoreOptions,
} from './model.js';
import { checkRaiseSubmission, renderRaiseForm, type CaseWorkers } from './raise-form.js';
import { createCaseRouting } from './routing.js';
import { caseView, outcomeView, statusCardView } from './views.js';
import { createBriefingFlows } from '../briefings/flows.js';

/** The reason recorded when the officer escalates from the overdue reminder in one click, without writing one. */
export const ONE_CLICK_ESCALATION_REASON = 'No response by the due date (escalated from the overdue reminder).';

export interface CaseFlowOptions {
  readonly db: Db;
  readonly clock: Clock;
  readonly calendar: WorkingCalendar;
  readonly policies: readonly Policy[];
  readonly directory: Directory;
  /** Who can be a case's allocated worker (the raise form's choices), by what the ladder is about. */
  readonly workers: CaseWorkers;
  readonly tenant?: string;
  /** A person's Teams MRI when known, for `refresh.userIds`. */
  readonly mriOf?: (personId: string) => Promise<string | undefined>;
  /** The organisation's name, for the welcome card. */
  readonly organisation?: string;
  readonly logger: Logger;
  /** Local mode: where "Export as Word" writes Director briefing notes (`<DATA_DIR>/briefings`); absent, the card says how to export instead. */
  readonly briefingsDir?: string;
}

export interface CaseFlows {
  /** A new raise form, or the same one drawn again with the values typed so far (optionally an issue to start from). */
  raiseForm(request?: { readonly formId?: string; readonly data?: unknown; readonly issue?: string }): AdaptiveCardJson;
  /** `origin`: the message the form was on, when it came from a card in the person's 1:1 chat; the case card replaces it. */
  submitRaise(actorId: string, data: unknown, origin?: MessageLocation): Promise<RaiseOutcome>;
  /** Any case action from a card (respond, agree, escalate, refresh...): the card to show the actor. */
  act(actorId: string, verb: string, data: unknown, origin?: MessageLocation): Promise<Reply>;
  myCases(actorId: string): Promise<Reply>;
  /** §8.4 `overdue`: every response overdue across the person's cases, as one card. */
  overdue(actorId: string): Promise<Reply>;
  caseByReference(actorId: string, reference: string): Promise<Reply>;
  /** What Resolve does for this person, when the app is installed for them or added to a chat. */
  welcome(actorId: string, where: 'personal' | 'shared'): Promise<Reply>;
  readonly composer: CaseComposer;
  /** The outbox hook recording where each case card landed. */
  readonly recordDelivery: ReturnType<typeof caseDeliveryRecorder>;
  /** The deadline dispatcher's handler for cases, on the same ladders. */
  readonly deadlineHandler: DeadlineHandler;
}

const NOT_YOURS = 'You have no part in that case, or it does not exist. Nothing was changed.';

/** Said when the change is saved but the card to show for it could not be drawn: never "nothing was changed". */
export const DONE_CARD_LATER = 'Done: your change is saved. Your card could not be drawn just now and will update shortly.';

const OFFICERS: ReadonlySet<RoleKey> = new Set(['iro', 'firo', 'fro']);
const LEADERS: ReadonlySet<RoleKey> = new Set(['director', 'deputy_director', 'dd_safeguarding', 'service_director', 'head_of_paid_service']);
const WORKERS: ReadonlySet<RoleKey> = new Set(['social_worker', 'supervising_social_worker']);

/** The part a person plays, for the welcome: officers first, then leaders, managers, administrators, workers. */
export function welcomeAudience(roles: readonly RoleKey[]): WelcomeAudience {
  if (roles.some((r) => OFFICERS.has(r))) return 'officer';
  if (roles.some((r) => LEADERS.has(r))) return 'leader';
  if (roles.some((r) => !WORKERS.has(r) && r !== 'business_support' && r !== 'cafcass')) return 'manager';
  if (roles.includes('business_support')) return 'administrator';
  if (roles.some((r) => WORKERS.has(r))) return 'worker';
  return 'colleague';
}

export function createCaseFlows(options: CaseFlowOptions): CaseFlows {
  const { db, clock, directory, logger, policies, workers } = options;
  const store: CaseStoreOptions = { db, clock, calendar: options.calendar, policyFor: policyLookup(policies), ...(options.tenant !== undefined && { tenant: options.tenant }) };
  const routing = createCaseRouting({ directory, clock, logger });
  const composer = createCaseComposer({ db, clock, policies, directory, routing, calendar: options.calendar, ...(options.mriOf !== undefined && { mriOf: options.mriOf }) });
  const briefings = createBriefingFlows({
    db, clock, calendar: options.calendar, store, policies, directory, routing, composer, logger, ...(options.briefingsDir !== undefined && { documentsDir: options.briefingsDir }),
  });
  /** Draws the card after a command committed; a failure then must not be reported as "nothing was changed". */
  async function afterCommit<T>(draw: () => Promise<T>, caseId: string, userId: string): Promise<T | undefined> {
    try {
      return await draw();
    } catch (error) {
      logger.warn('case.card_after_commit_failed', { caseId, userId, ...errorFields(error) });
      return undefined;
    }
  }
  const refused = (state: CaseState, reason: string): Reply => ({ card: outcomeCard(outcomeView(state, clock.now(), { kind: 'refused', reason })) });

  function raiseForm(request: { readonly formId?: string; readonly data?: unknown; readonly issue?: string } = {}): AdaptiveCardJson {
    const values = request.data !== undefined ? raiseFormValuesFrom(request.data) : request.issue !== undefined && request.issue !== '' ? { issue: request.issue } : undefined;
    return renderRaiseForm({ policies, workers, ...(request.formId !== undefined && { formId: request.formId }), ...(values !== undefined && { values }) });
  }

  /**
   * Raises the case; raised from a form card in the officer's chat, the same transaction records
   * that message as the officer's case card, so the card that answers the click is the one every
   * later change updates (one card per person per case, never a second copy).
   */
  async function runRaise(command: CaseCommand, actorId: string, origin: MessageLocation | undefined) {
    if (origin === undefined) return handleCaseCommand(store, command);
    const model = caseModel(store);
    const { value } = await withConcurrencyRetry(() =>
      db.transaction(async (tx) => {
        const now = clock.now();
        const raised = await handleCommandIn(tx, model, command.caseId, command, now);
        if (raised.ok) {
          await handleCommandIn(tx, model, command.caseId, { type: 'record-card-posted', caseId: command.caseId, actor: SYSTEM_ACTOR, recipient: actorId, location: origin }, now);
        }
        return raised;
      }),
    );
    return value;
  }

  async function submitRaise(actorId: string, data: unknown, origin?: MessageLocation): Promise<RaiseOutcome> {
    const checked = checkRaiseSubmission(policies, data, workers);
    if (!checked.ok) return 'damaged' in checked ? { kind: 'damaged', message: checked.damaged } : { kind: 'form', card: checked.card };
    const { form, policy } = checked;
    const again = (formError: string): RaiseOutcome => ({
      kind: 'form', card: renderRaiseForm({ policies, workers, formId: form.formId, values: raiseFormValuesFrom(data), formError }),
    });
    if ((await directory.person(form.allocatedWorkerId)) === undefined) {
      return again('The allocated social worker chosen is no longer in the directory: choose the allocated social worker (or supervising social worker) from the list again.');
    }
    const type = policy.alertTypes.find((t) => t.id === form.alertTypeId);
    const roles = { ...recipientRoles(policy, form.entryStageId ?? type?.entryStage ?? policy.stages[0]!.id, form.alertTypeId), actionConfirmers: actionConfirmerRoles(policy), ...chasingRoles(policy) };
    let people;
    try {
      people = await routing.route(roles, form.allocatedWorkerId, actorId);
    } catch (error) {
      if (error instanceof InvalidInputError) return again(error.message);
      throw error;
    }
    const command = raiseCommandFor(form, { actorId, policyId: policy.id, people });
    let outcome;
    try {
      outcome = await runRaise(command, actorId, origin);
    } catch (error) {
      if (error instanceof DuplicateReferenceError) {
        return again(`A case with the reference ${form.caseReference} already exists: open it with "case ${form.caseReference}", or check the reference.`);
      }
      throw error;
    }
    if (!outcome.ok) {
      // The same form sent twice raises once: show the case it raised, to the officer who raised it.
      if (outcome.refusal.code === 'already-raised' && outcome.state?.raisedBy === actorId) return { kind: 'raised', card: (await composer.cardFor(outcome.state, actorId)).card };
      return again(outcome.refusal.message);
    }
    logger.info('case.raised', { caseId: command.caseId, userId: actorId, to: people.to.length, cc: people.cc.length });
    // A new case's history is the raise itself: no second read of the stream.
    const card = await afterCommit(() => composer.cardFor(outcome.state!, actorId, { events: outcome.records.map((r) => r.event) }), command.caseId, actorId);
    return card === undefined ? { kind: 'saved', message: DONE_CARD_LATER } : { kind: 'raised', card: card.card };
  }

  async function act(actorId: string, verb: string, data: unknown, origin?: MessageLocation): Promise<Reply> {
    // A raise form with faults is shown again with them under its fields, not refused as damaged.
    if (verb === VERBS.raiseSubmit) {
      const raised = await submitRaise(actorId, data, origin);
      return 'message' in raised ? { message: raised.message } : { card: raised.card };
    }
    // The Director briefing note's form and card (AMB-20): faults come back on the form, so it parses its own data.
    if (isBriefingVerb(verb)) return briefings.act(actorId, verb, data);
    const parsed = parseActionData(verb, data);
    if (!parsed.ok) return { message: `${parsed.message} Nothing was changed.` };
    const { action } = parsed;
    if (action.verb === 'raiseOpen') return { card: raiseForm() };
    if (action.verb === 'raiseUpdate') return { card: raiseForm({ formId: action.data.formId, data }) };
    if (action.verb === 'raiseSubmit') return { message: 'This form is damaged or was not sent by Resolve: type "raise" for a new one. Nothing was changed.' };
    if (action.verb === 'myCases') return myCases(actorId);
    // A review task's "Mark done" belongs to the reviews (the bot routes it there); a case never sees one.
    if (action.verb === 'reviewTaskDone') return { message: NOT_YOURS };

    const { state, loaded } = await loadCaseForCommand(db, action.data.caseId);
    if (state === undefined || !hasPart(state, actorId)) return { message: NOT_YOURS };
    const events = loaded.records.map((r) => r.event);
    if (!isMovingAction(action)) return { card: (await composer.cardFor(state, actorId, { events })).card };

    const policy = policies.find((p) => p.id === state.policyId);
    if (policy === undefined) return refused(state, `This case runs under the ladder "${state.policyId}", which is not configured here; ask your administrator. Nothing was changed.`);
    const target = action.verb === 'escalate' ? nextStage(policy, state.stage.stageId)?.id : action.verb === 'bypass' ? action.data.bypassStageId : undefined;
    const command = commandFor(action, {
      actorId,
      newId: randomUUID,
      // The overdue chaser's one-click Escalate sends no reason: the overdue response is the reason.
      defaultEscalationReason: isResponseOverdue(state, clock.now()) ? ONE_CLICK_ESCALATION_REASON : undefined,
      people: target === undefined ? { to: [], cc: [], actionConfirmers: [], managers: {}, limitWatchers: [] } : await routing.stagePeople(state, policy, target),
    });
    // The case as just read and folded: the command reads it again only if another change landed meanwhile.
    // Clicked on the actor's own case card in their 1:1 chat: the answer below replaces that card.
    const answered = origin === undefined ? undefined : { recipient: actorId, location: origin };
    const outcome = await handleCaseCommand(store, command, { loaded, state }, answered);
    // AMB-20: the stage needs the Director briefing note first: its form, to complete and escalate in one submit.
    if (!outcome.ok && outcome.refusal.code === 'briefing-required' && target !== undefined && (command.type === 'escalate' || command.type === 'bypass')) {
      return briefings.formFor(actorId, outcome.state ?? state, {
        kind: command.type, targetStageId: target, ...(command.reason !== undefined && command.reason !== '' && { reason: command.reason }),
        ...(command.resolutionSoughtBy !== undefined && { soughtBy: command.resolutionSoughtBy }),
        ...(command.type === 'bypass' && { lineManagerDiscussed: command.lineManagerDiscussed === true, emergency: command.emergency === true }),
      });
    }
    if (!outcome.ok) {
      logger.info('case.refused', { caseId: state.caseId, userId: actorId, code: outcome.refusal.code });
      return refused(outcome.state ?? state, `${outcome.refusal.message} Nothing was changed.`);
    }
    logger.info('case.acted', { caseId: state.caseId, userId: actorId, verb: action.verb, version: outcome.version });
    // The history read before the command, and what it appended: no second read of the stream.
    const after = [...events, ...outcome.records.map((r) => r.event)];
    const card = await afterCommit(() => composer.cardFor(outcome.state!, actorId, { events: after }), state.caseId, actorId);
    if (card !== undefined) return { card: card.card };
    // The answer cannot carry the card: the outbox brings it, as DONE_CARD_LATER says.
    if (answered !== undefined) {
      await queueOwnCardUpdate(store, { before: state, after: outcome.state!, events: outcome.records.map((r) => r.event) }, actorId).catch((error: unknown) => logger.warn('case.own_card_update_not_queued', { caseId: state.caseId, userId: actorId, ...errorFields(error) }));
    }
    return { message: DONE_CARD_LATER };
  }

  async function caseRows(actorId: string) {
    const rows = await openCasesFor<CaseSummary>(db, actorId);
    const now = clock.now();
    return rows.map(({ summary: s, responseDueAt: awaitedBy }) => ({
      caseId: s.caseId,
      stageId: s.stageId,
      version: s.revision,
      reference: s.reference,
      alertTypeLabel: s.alertTypeLabel,
      stageLabel: s.stageLabel,
      ...(s.responseDueAt !== null && { due: new Date(s.responseDueAt) }),
      overdue: awaitedBy !== null && now.getTime() > awaitedBy.getTime(),
    }));
  }

  async function myCases(actorId: string): Promise<Reply> {
    return { card: myCasesCard({ items: await caseRows(actorId) }) };
  }

  async function overdue(actorId: string): Promise<Reply> {
    const late = (await caseRows(actorId)).filter((row) => row.overdue);
    return { card: myCasesCard({ items: late, title: 'What is late', emptyText: 'Nothing across your cases is overdue.' }) };
  }

  /** `case <reference>`: the case in full, only to someone with a part in it. */
  async function caseByReference(actorId: string, reference: string): Promise<Reply> {
    const found = await findCaseByReference(db, reference);
    const { state, records } = found === undefined ? { state: undefined, records: [] } : await loadCase(db, found.caseId);
    if (state === undefined || !hasPart(state, actorId)) return { message: `You have no case with the reference ${reference}: check it, or type "my cases".` };
    const events = records.map((r) => r.event);
    const policy = policies.find((p) => p.id === state.policyId);
    const names = await composer.namesFor([...state.notified, state.raisedBy, ...events.map((e) => e.actor), ...state.actions.map((a) => a.owner)]);
    const status = statusCardView(state, events, policy, names, clock.now());
    return { card: caseDetailCard({ ...caseView(state, policy, names, clock.now()), withTo: status.withTo, cc: status.cc, history: status.history }) };
  }

  async function welcome(actorId: string, where: 'personal' | 'shared'): Promise<Reply> {
    const audience = where === 'shared' ? 'shared-chat' : welcomeAudience(await directory.rolesOf(actorId));
    logger.info('welcome.sent', { userId: actorId, audience });
    return { card: welcomeCard({ audience, ...(options.organisation !== undefined && { organisation: options.organisation }) }) };
  }

  return {
    raiseForm,
    submitRaise,
    act,
    myCases,
    overdue,
    caseByReference,
    welcome,
    composer,
    recordDelivery: caseDeliveryRecorder(store, clock),
    deadlineHandler: caseDeadlineHandler(store, { routing }),
  };
}
