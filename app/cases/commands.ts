/**
 * Card data to a case command. The data was parsed by its verb's schema (cards/verbs.ts), so its
 * shape is known; each builder maps it to the domain command field by field, with no casts. Who
 * may do this, to which case, now, is the domain's question: nothing is checked here.
 */
import type { ParsedAction, VerbData } from '../../cards/index.js';
import type { CaseCommand } from '../../domain/escalation/index.js';
import type { StagePeople } from './routing.js';

type Command<T extends CaseCommand['type']> = Extract<CaseCommand, { type: T }>;

/** The actions that change a case (the others only show it). */
export type MovingAction = Extract<
  ParsedAction,
  {
    verb: 'respondAccept' | 'respondPropose' | 'respondDecline' | 'acceptProposal' | 'rejectProposal' | 'agreeAction' | 'completeAction'
      | 'escalate' | 'bypass' | 'resolve' | 'referCafcass' | 'withdraw';
  }
>;

export type ViewingAction = Extract<ParsedAction, { verb: 'refresh' | 'openCase' }>;

const MOVING_VERBS: ReadonlySet<ParsedAction['verb']> = new Set([
  'respondAccept', 'respondPropose', 'respondDecline', 'acceptProposal', 'rejectProposal', 'agreeAction', 'completeAction', 'escalate', 'bypass', 'resolve', 'referCafcass', 'withdraw',
]);

export function isMovingAction(action: ParsedAction): action is MovingAction {
  return MOVING_VERBS.has(action.verb);
}

export interface CommandInputs {
  readonly actorId: string;
  /** A fresh id for an action being agreed (ids are made outside the domain). */
  readonly newId: () => string;
  /** The reason recorded when an escalation carries none (the one-click Escalate on the overdue chaser). */
  readonly defaultEscalationReason: string | undefined;
  /** The people the target stage reaches, for escalate and bypass. */
  readonly people: StagePeople;
}

const base = (data: VerbData<'refresh'>, actorId: string) => ({ caseId: data.caseId, actor: actorId, expectedVersion: data.version });
const seen = (data: VerbData<'refresh'>, actorId: string) => ({ ...base(data, actorId), stageId: data.stageId });

function respond(action: Extract<MovingAction, { verb: 'respondAccept' | 'respondPropose' | 'respondDecline' }>, actorId: string): Command<'respond'> {
  switch (action.verb) {
    case 'respondAccept':
      return { type: 'respond', ...seen(action.data, actorId), response: 'accept' };
    case 'respondPropose':
      return { type: 'respond', ...seen(action.data, actorId), response: 'propose-alternative', text: action.data.proposal };
    case 'respondDecline':
      return { type: 'respond', ...seen(action.data, actorId), response: 'decline', text: action.data.declineReason };
  }
}

export function commandFor(action: MovingAction, inputs: CommandInputs): CaseCommand {
  const { actorId, people } = inputs;
  switch (action.verb) {
    case 'respondAccept':
    case 'respondPropose':
    case 'respondDecline':
      return respond(action, actorId);
    case 'acceptProposal':
      return { type: 'answer-proposal', ...seen(action.data, actorId), accept: true };
    case 'rejectProposal':
      return { type: 'answer-proposal', ...seen(action.data, actorId), accept: false, reason: action.data.rejectReason };
    case 'agreeAction':
      return {
        type: 'agree-action', ...seen(action.data, actorId), actionId: inputs.newId(),
        owner: action.data.actionOwnerId, dueDate: action.data.actionDue ?? '', text: action.data.actionText,
      };
    case 'completeAction':
      return { type: 'complete-action', ...base(action.data, actorId), actionId: action.data.actionId };
    case 'escalate': {
      const { escalateReason, escalateSoughtBy } = action.data;
      return {
        type: 'escalate', ...seen(action.data, actorId), reason: escalateReason ?? inputs.defaultEscalationReason ?? '',
        ...(escalateSoughtBy !== undefined && { resolutionSoughtBy: escalateSoughtBy }), ...stageCommandPeople(people),
      };
    }
    case 'bypass': {
      const { bypassStageId, bypassReason, discussedWithLineManager, emergency, bypassSoughtBy } = action.data;
      return {
        type: 'bypass', ...seen(action.data, actorId), targetStageId: bypassStageId, reason: bypassReason,
        lineManagerDiscussed: discussedWithLineManager, emergency,
        ...(bypassSoughtBy !== undefined && { resolutionSoughtBy: bypassSoughtBy }), ...stageCommandPeople(people),
      };
    }
    case 'resolve': {
      const { outcome, learningPoints } = action.data;
      return { type: 'resolve', ...base(action.data, actorId), outcome, ...(learningPoints !== undefined && { keyLearningPoints: learningPoints }) };
    }
    case 'referCafcass':
      return { type: 'refer-to-cafcass', ...base(action.data, actorId), reason: action.data.cafcassReason, statutoryOverride: action.data.statutoryOverride };
    case 'withdraw':
      return { type: 'withdraw', ...base(action.data, actorId), reason: action.data.withdrawReason };
  }
}

/** The raise form, checked, as the domain's raise command. A chosen entry stage carries what the officer said about bypassing; the domain decides whether it is a bypass. */
export function raiseCommandFor(form: VerbData<'raiseSubmit'>, inputs: { readonly actorId: string; readonly policyId: string; readonly people: StagePeople }): Command<'raise'> {
  return {
    type: 'raise',
    caseId: `case-${form.formId}`,
    actor: inputs.actorId,
    reference: form.caseReference,
    subjectInitials: form.subjectInitials.toUpperCase(),
    allocatedWorkerId: form.allocatedWorkerId,
    policyId: inputs.policyId,
    alertTypeId: form.alertTypeId,
    ...(form.entryStageId !== undefined && { entryStageId: form.entryStageId }),
    ...(form.category !== undefined && { category: form.category }),
    issue: form.issue,
    impactOnChild: form.impact,
    resolutionSought: form.resolutionSought,
    ...(form.resolutionSoughtBy !== undefined && { resolutionSoughtBy: form.resolutionSoughtBy }),
    severityFlags: form.severityFlags,
    solelyAboutChildCarePlan: form.solelyAboutChildCarePlan,
    ...(form.entryStageId !== undefined && {
      bypass: { ...(form.bypassReason !== undefined && { reason: form.bypassReason }), lineManagerDiscussed: form.discussedWithLineManager, emergency: form.emergency },
    }),
    ...stageCommandPeople(inputs.people),
  };
}

/** The people a stage was found to go to, as a command carries them. */
export function stageCommandPeople(people: StagePeople) {
  return { to: people.to, cc: people.cc, actionConfirmers: people.actionConfirmers, managers: people.managers, limitWatchers: people.limitWatchers };
}
