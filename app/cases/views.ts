/**
 * From the case as the domain holds it to what each person's card shows. Pure: the state, the
 * events, the policy, staff names and the time in; view models out. Who may press which
 * button is a hint for the card only: the domain checks every command again.
 */
import { formatDeadline } from '../../cards/index.js';
import type {
  ActionCardView, CaseActionName, CaseContextView, CaseEventView, CaseHeaderView, CaseStatus, CaseView, ChaserCardView, NoticeCardView, OutcomeView, PersonView,
  ReadOnlyCardView, ResponseKind as CardResponseKind, StageRouteView, StatusCardView,
} from '../../cards/index.js';
import { mayCompleteAction, type CaseEvent, type CaseState, type ResponseKind } from '../../domain/escalation/index.js';
import { nextStage, type Policy } from '../../domain/policies/index.js';

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
  const { response } = state.stage;
  if (response !== null) return response.response === 'decline' ? 'declined' : response.response === 'propose-alternative' && response.agreedBy === undefined ? 'alternative_proposed' : 'responded';
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
      ...(policy?.subjectType === 'foster_carer' && { impactLabel: 'Impact on the foster carers and the children in their care' }),
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

const dueWords = (iso: string) => formatDeadline(new Date(iso));

/**
 * At a glance, for this person: what is asked of them and by when, who raised it, what happens if
 * nobody answers, why an escalated case came here (with the reason), each earlier response, and a
 * closed case's outcome. Someone whose part in the case has ended is told so.
 */
export function caseContext(state: CaseState, events: readonly CaseEvent[], policy: Policy | undefined, nameOf: NameOf, viewerId: string): CaseContextView {
  const officer = policy?.labels.officer ?? 'reviewing officer';
  const raisedBy = `${nameOf(state.raisedBy)}, ${officer}`;
  const noun = state.kind === 'dispute' ? 'dispute' : state.kind === 'notification' ? 'notification' : 'alert';
  const { stage } = state;
  const due = stage.responseDueAt;
  const next = policy === undefined ? undefined : nextStage(policy, stage.stageId);
  const withTo = stage.to.map(nameOf).join(', ') || 'nobody yet';
  const open = state.status === 'open';
  const role = viewerRole(state, viewerId);
  const stillOn = stage.to.includes(viewerId) || stage.cc.includes(viewerId) || state.raisedBy === viewerId || state.actions.some((a) => a.owner === viewerId && a.completedAt === null);

  let asked: string;
  if (!open) asked = state.status === 'resolved' ? `This ${noun} is resolved: nothing more is asked of anyone.` : `This ${noun} is closed: nothing more is asked of anyone.`;
  else if (role === 'to' && stage.response === null) asked = `You are asked to respond${due === null ? '' : ` by ${dueWords(due)}`}: accept, propose another course, or decline with a reason.`;
  else if (role === 'to') asked = 'Your stage has its response: agree any actions with the officer here.';
  else if (role === 'officer') asked = stage.response === null ? `You raised this ${noun}. It is with ${withTo}${due === null ? '' : ` for a response by ${dueWords(due)}`}.` : `You raised this ${noun}. ${stage.stageLabel} has its response.`;
  else if (!stillOn) asked = `You were on this ${noun} earlier. It has moved on to ${stage.stageLabel}, so nothing is asked of you now; you are kept informed.`;
  else asked = 'You are copied in for information: nothing is asked of you.';

  const ifNoAnswer = !open || due === null || stage.response !== null ? undefined
    : next !== undefined ? `If nobody responds by ${dueWords(due)}, ${nameOf(state.raisedBy)} is prompted to escalate it to ${next.label}.`
    : `If nobody responds by ${dueWords(due)}, ${nameOf(state.raisedBy)} decides what happens next: this is the last stage of the ladder.`;

  const arrived = [...events].reverse().find((e): e is Extract<CaseEvent, { type: 'StageEscalated' }> => e.type === 'StageEscalated' && e.stage.stageId === stage.stageId);
  const whyHere = arrived === undefined ? undefined
    : { how: arrived.bypass === null ? 'escalated' as const : 'bypassed' as const, fromStageLabel: arrived.fromStageLabel, reason: arrived.bypass === null ? arrived.reason : `${arrived.reason} (bypass: ${arrived.bypass.reason})` };

  const earlierResponses = [...state.previousStages, stage].flatMap((visit) => [
    ...(visit.rejectedProposals ?? []).map((p) => ({ stageLabel: visit.stageLabel, kind: 'rejected_proposal' as const, by: nameOf(p.by), text: p.reason === null ? p.proposal : `${p.proposal} Rejected: ${p.reason}` })),
    ...(visit !== stage && visit.response !== null
      ? [{ stageLabel: visit.stageLabel, kind: RESPONSE_KIND[visit.response.response], by: nameOf(visit.response.by), ...(visit.response.text !== null && { text: visit.response.text }) }]
      : []),
  ]);

  const closing = state.status === 'resolved' && (state.outcome !== null || state.keyLearningPoints !== null)
    ? { ...(state.outcome !== null && { outcome: state.outcome }), ...(state.keyLearningPoints !== null && { learningPoints: state.keyLearningPoints }) }
    : undefined;

  return { raisedBy, asked, ...(ifNoAnswer !== undefined && { ifNoAnswer }), ...(whyHere !== undefined && { whyHere }), earlierResponses, ...(closing !== undefined && { closing }) };
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
    ...(policy?.outsideReferral && !cafcassOffered ? (['referCafcassEarly'] as const) : []),
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

/**
 * §8.4: the notice to an addressee's line manager (the response is overdue) or to the officer and
 * the service manager (the overall limit nears or has passed). Opaque: no substance of the case.
 */
export function noticeView(
  state: CaseState,
  kind: NoticeCardView['kind'],
  policy: Policy | undefined,
  nameOf: NameOf,
  options: { readonly canOpen: boolean; readonly warningPercent?: number },
): NoticeCardView | undefined {
  const next = policy === undefined ? undefined : nextStage(policy, state.stage.stageId);
  const common = {
    header: caseHeader(state),
    raisedBy: `${nameOf(state.raisedBy)}, ${policy?.labels.officer ?? 'reviewing officer'}`,
    withTo: state.stage.to.map(person(nameOf)),
    canOpen: options.canOpen,
    ...(next !== undefined && { nextStageLabel: next.label }),
  };
  if (kind === 'overdue-copy') {
    return state.stage.responseDueAt === null ? undefined : { ...common, kind, responseDue: new Date(state.stage.responseDueAt), repeat: state.stage.autoChases };
  }
  if (state.overallLimitAt === null) return undefined;
  const limitAt = new Date(state.overallLimitAt);
  return kind === 'limit-warning'
    ? { ...common, kind, limitAt, percent: options.warningPercent ?? policy?.chasing.overallLimitWarningPercent ?? 75 }
    : { ...common, kind, limitAt };
}

export function outcomeView(state: CaseState, now: Date, result: OutcomeView['result']): OutcomeView {
  const view = { header: caseHeader(state), status: caseStatus(state, now), result };
  return state.stage.responseDueAt === null ? view : { ...view, responseDue: new Date(state.stage.responseDueAt) };
}
