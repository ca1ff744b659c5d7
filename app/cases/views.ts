/**
 * From the case as the domain holds it to what each person's card shows. Pure: the state, the
 * events, the policy, staff names and the time in; view models out. Who may press which
 * button is a hint for the card only: the domain checks every command again.
 */
import type {
  ActionCardView, CaseActionName, CaseEventView, CaseHeaderView, CaseStatus, CaseView, ChaserCardView, OutcomeView, PersonView,
  ReadOnlyCardView, ResponseKind as CardResponseKind, StageRouteView, StatusCardView,
} from '../../cards/index.js';
import { mayCompleteAction, type CaseEvent, type CaseState, type ResponseKind } from '../../domain/escalation/index.js';
import type { Policy } from '../../domain/policies/index.js';

/** Display names of staff by Entra object id (from the directory). */
export type NameOf = (personId: string) => string;

export type ViewerRole = 'to' | 'officer' | 'cc';

const RESPONSE_KIND: Readonly<Record<ResponseKind, CardResponseKind>> = {
  accept: 'accepted',
  'propose-alternative': 'proposed',
  decline: 'declined',
};

export const person = (nameOf: NameOf) => (id: string): PersonView => ({ id, name: nameOf(id) });

export function caseHeader(state: CaseState): CaseHeaderView {
  return {
    caseId: state.caseId,
    stageId: state.stage.stageId,
    version: state.revision,
    reference: state.reference,
    authorityLabel: state.authority,
    alertKind: state.kind,
    alertTypeLabel: state.alertTypeLabel,
    stageLabel: state.stage.stageLabel,
  };
}

export function caseStatus(state: CaseState, now: Date): CaseStatus {
  if (state.status === 'resolved') return 'resolved';
  if (state.status === 'withdrawn') return 'withdrawn';
  if (state.status === 'referred') return 'referred_to_cafcass';
  if (state.stage.response !== null) return 'responded';
  const due = state.stage.responseDueAt;
  return due !== null && now.getTime() > Date.parse(due) ? 'overdue' : 'awaiting_response';
}

export function caseView(state: CaseState, policy: Policy | undefined, nameOf: NameOf, now: Date): CaseView {
  const who = person(nameOf);
  const flagLabels = state.severityFlags.map((id) => policy?.severityFlags.find((f) => f.id === id)?.label ?? id);
  const { response } = state.stage;
  return {
    header: caseHeader(state),
    facts: {
      ...(state.category !== null && { category: state.category }),
      ...(flagLabels.length > 0 && { severityFlagLabels: flagLabels }),
      issue: state.issue,
      impact: state.impactOnChild,
      resolutionSought: state.resolutionSought,
      ...(state.stage.resolutionSoughtBy !== null && { resolutionSoughtBy: state.stage.resolutionSoughtBy }),
    },
    status: caseStatus(state, now),
    ...(state.stage.responseDueAt !== null && { responseDue: new Date(state.stage.responseDueAt) }),
    ...(response !== null && {
      response: {
        kind: RESPONSE_KIND[response.response], by: who(response.by), at: new Date(response.at), ...(response.text !== null && { text: response.text }),
        ...(response.agreedBy !== undefined && { agreed: { by: who(response.agreedBy.by), at: new Date(response.agreedBy.at) } }),
      },
    }),
    agreedActions: state.actions.map((a) => ({
      actionId: a.actionId,
      description: a.text,
      owner: who(a.owner),
      due: a.dueDate,
      ...(a.completedAt !== null && { doneAt: new Date(a.completedAt) }),
    })),
  };
}

/** What this person is to the case now: addressed (To), the raising officer, or copied. */
export function viewerRole(state: CaseState, viewerId: string): ViewerRole {
  if (state.stage.to.includes(viewerId)) return 'to';
  if (state.raisedBy === viewerId) return 'officer';
  return 'cc';
}

const isOpen = (state: CaseState) => state.status === 'open';

function addresseeActions(state: CaseState, policy: Policy | undefined, viewerId: string): CaseActionName[] {
  if (!isOpen(state)) return [];
  const actions: CaseActionName[] = state.stage.response === null ? ['respondAccept', 'respondPropose', 'respondDecline'] : ['agreeAction'];
  // AMB-30: who confirms an action done is the domain's rule (the owner, or the ladder's confirming role).
  const confirms = (a: CaseState['actions'][number]) => (policy === undefined ? a.owner === viewerId : mayCompleteAction(state, policy, viewerId, a));
  if (state.actions.some((a) => a.completedAt === null && confirms(a))) actions.push('completeAction');
  return actions;
}

function officerActions(state: CaseState, policy: Policy | undefined, hasNext: boolean, bypassable: boolean, cafcassOffered: boolean): CaseActionName[] {
  if (!isOpen(state)) return [];
  const { response } = state.stage;
  const proposalOpen = response !== null && response.response === 'propose-alternative' && response.agreedBy === undefined;
  return [
    ...(proposalOpen ? (['answerProposal'] as const) : []),
    ...(hasNext ? (['escalate'] as const) : []),
    ...(bypassable ? (['bypass'] as const) : []),
    'resolve',
    ...(policy?.outsideReferral && cafcassOffered ? (['referCafcass'] as const) : []),
    'withdraw',
  ];
}

/**
 * `refreshIds` are the Teams MRIs that refresh this copy: each copy lives in its holder's 1:1
 * chat, so it is the holder's own MRI, or none (the chat refreshes for its one person anyway).
 */
export function actionCardView(state: CaseState, policy: Policy | undefined, nameOf: NameOf, now: Date, viewerId: string, refreshIds: readonly string[] = []): ActionCardView {
  const who = person(nameOf);
  const view = caseView(state, policy, nameOf, now);
  const mayMark = (owner: string) => (policy === undefined ? owner === viewerId : mayCompleteAction(state, policy, viewerId, { owner }));
  return {
    ...view,
    agreedActions: view.agreedActions.map((a) => ({ ...a, canMarkDone: mayMark(a.owner.id) })),
    viewerIds: refreshIds,
    viewerId,
    allowed: addresseeActions(state, policy, viewerId),
    actionOwners: [...new Set([...state.stage.to, state.raisedBy])].map(who),
  };
}

export function readOnlyCardView(state: CaseState, policy: Policy | undefined, nameOf: NameOf, now: Date, refreshIds: readonly string[] = []): ReadOnlyCardView {
  return { ...caseView(state, policy, nameOf, now), viewerIds: refreshIds };
}

/** The event as history shows it; undefined for bookkeeping events (deadlines that fired). */
export function eventView(event: CaseEvent, nameOf: NameOf): CaseEventView | undefined {
  const by = event.actor === 'system' ? { id: 'system', name: 'Resolve' } : person(nameOf)(event.actor);
  const at = new Date(event.at);
  switch (event.type) {
    case 'CaseRaised':
      return { kind: 'raised', by, at, stageLabel: event.stage.stageLabel };
    case 'ResponseRecorded':
      return { kind: RESPONSE_KIND[event.response], by, at };
    case 'ProposalAnswered':
      return { kind: event.accepted ? 'proposal_accepted' : 'proposal_rejected', by, at };
    case 'ActionAgreed':
      return { kind: 'action_agreed', by, at };
    case 'ActionCompleted':
      return { kind: 'action_completed', by, at };
    case 'StageEscalated':
      return { kind: event.bypass === null ? 'escalated' : 'bypassed', by, at, stageLabel: event.stage.stageLabel };
    case 'ChaseRecorded':
      return { kind: 'chased', by, at };
    case 'CaseResolved':
      return { kind: 'resolved', by, at };
    case 'CafcassReferred':
      return { kind: 'referred_to_cafcass', by, at };
    case 'CaseWithdrawn':
      return { kind: 'withdrawn', by, at };
    default:
      return undefined;
  }
}

export interface StatusExtras {
  /** Where "escalate" would go, with the people it would reach. */
  readonly nextStage?: StatusCardView['nextStage'];
  /** The officer's MRI, when known (see actionCardView). */
  readonly refreshIds?: readonly string[];
  /** ESC-C3: whether the ladder offers the Cafcass referral yet (the domain's cafcassReferralOffered); default yes. */
  readonly cafcassOffered?: boolean;
}

export function statusCardView(
  state: CaseState,
  events: readonly CaseEvent[],
  policy: Policy | undefined,
  nameOf: NameOf,
  now: Date,
  extras: StatusExtras = {},
): StatusCardView {
  const who = person(nameOf);
  const at = policy?.stages.findIndex((s) => s.id === state.stage.stageId) ?? -1;
  const later = at >= 0 && policy !== undefined ? policy.stages.slice(at + 1) : [];
  const bypassTargets =
    policy?.bypass.allowed === true
      ? later
          .filter((s) => s.id !== extras.nextStage?.stageId)
          .map((s) => ({ stageId: s.id, label: s.label, needsLineManagerDiscussion: policy.bypass.requiresLineManagerDiscussion }))
      : [];
  return {
    ...caseView(state, policy, nameOf, now),
    viewerIds: extras.refreshIds ?? [],
    withTo: state.stage.to.map(who),
    cc: state.stage.cc.map(who),
    history: events.map((e) => eventView(e, nameOf)).filter((e): e is CaseEventView => e !== undefined),
    ...(extras.nextStage !== undefined && { nextStage: extras.nextStage }),
    bypassTargets,
    allowed: officerActions(state, policy, extras.nextStage !== undefined, bypassTargets.length > 0, extras.cafcassOffered ?? true),
  };
}

/**
 * The officer's overdue chaser (the escalate prompt): who holds the case, and the one-click
 * Escalate to the next stage when there is one. Undefined when the stage has no due time.
 */
export function escalatePromptView(state: CaseState, nameOf: NameOf, nextStage: StageRouteView | undefined): ChaserCardView | undefined {
  const due = state.stage.responseDueAt;
  if (due === null) return undefined;
  return {
    header: caseHeader(state),
    kind: 'overdue',
    audience: 'officer',
    responseDue: new Date(due),
    withTo: state.stage.to.map(person(nameOf)),
    ...(nextStage !== undefined && { nextStage }),
  };
}

export function outcomeView(state: CaseState, now: Date, result: OutcomeView['result']): OutcomeView {
  const view = { header: caseHeader(state), status: caseStatus(state, now), result };
  return state.stage.responseDueAt === null ? view : { ...view, responseDue: new Date(state.stage.responseDueAt) };
}
