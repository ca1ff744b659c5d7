/** The raising officer's card: where the case is, with whom, what happened, and the officer's moves. */
import { fitCard } from './fit.js';
import { adaptiveCard, execute, showCard, text, type AdaptiveCardJson, type CardAction } from './elements.js';
import { choiceInput, dateInput, textInput, toggleInput } from './inputs.js';
import { caseData, caseOverview, casePreview, refreshFor, stageRoute } from './parts.js';
import { MAX_TEXT_LENGTH, VERBS } from './verbs.js';
import type { CaseActionName, StageRouteView, StatusCardView } from './view-models.js';

export function statusCardPreview(view: StatusCardView): string {
  return casePreview('Case status', view.header);
}

export function statusCard(view: StatusCardView): AdaptiveCardJson {
  return fitCard(view, draw);
}

function draw(view: StatusCardView): AdaptiveCardJson {
  const { refresh, notice } = refreshFor(view.header, view.viewerIds);
  const may = (name: CaseActionName) => view.allowed.includes(name);
  return adaptiveCard({
    fallbackText: statusCardPreview(view),
    body: [...caseOverview(view), notice],
    actions: [
      may('escalate') && view.nextStage && escalateAction(view, view.nextStage),
      may('bypass') && view.bypassTargets.length > 0 && bypassAction(view),
      may('answerProposal') && acceptProposalAction(view),
      may('answerProposal') && rejectProposalAction(view),
      may('resolve') && resolveAction(view),
      may('referCafcass') && cafcassAction(view),
      may('referCafcassEarly') && cafcassEarlyAction(view),
      may('withdraw') && withdrawAction(view),
    ],
    refresh,
  });
}

/** AMB-04: the next stage has no timescale, so the date is asked for, the ladder's default offered. */
export function requiredSoughtByInput(next: StageRouteView) {
  return dateInput({
    id: 'escalateSoughtBy', label: `Resolution sought by (${next.label} has no timescale of its own)`, isRequired: true,
    errorMessage: 'Give the date resolution is sought by', ...(next.soughtByRequired !== undefined && { value: next.soughtByRequired.suggested }),
  });
}

/** Somerset records the date resolution is sought by at each level (§3.1); optional elsewhere. */
function soughtByInput(id: 'escalateSoughtBy' | 'bypassSoughtBy') {
  return dateInput({ id, label: 'Resolution sought by (optional)' });
}

function escalateAction(view: StatusCardView, next: StageRouteView): CardAction {
  return showCard('Escalate', [
    ...stageRoute(next),
    ...reasonInput('escalateReason', 'Reason for escalating', 'Say why it needs the next stage'),
    ...(next.soughtByRequired !== undefined ? requiredSoughtByInput(next) : soughtByInput('escalateSoughtBy')),
  ], execute(`Escalate to ${next.label}`, VERBS.escalate, caseData(view.header)));
}

function reasonInput(id: string, label: string, hint: string) {
  return textInput({
    id, label, isRequired: true, isMultiline: true, maxLength: MAX_TEXT_LENGTH,
    errorMessage: `${hint}, in at most ${MAX_TEXT_LENGTH} characters`,
  });
}

function bypassAction(view: StatusCardView): CardAction {
  const needing = view.bypassTargets.filter((t) => t.needsLineManagerDiscussion);
  return showCard('Bypass', [
    ...choiceInput({
      id: 'bypassStageId', label: 'Stage to go to', isRequired: true, errorMessage: 'Pick the stage',
      choices: view.bypassTargets.map((t) => ({ title: t.label, value: t.stageId })),
    }),
    ...reasonInput('bypassReason', 'Reason for bypassing', 'Say why the earlier stages are skipped'),
    needing.length > 0 && text(
      `Going straight to ${needing.map((t) => t.label).join(', ')} needs a discussion with your line manager first, unless it is an emergency.`,
      { isSubtle: true, size: 'Small' }),
    ...(needing.length > 0 ? [
      ...toggleInput({ id: 'discussedWithLineManager', label: 'Line manager', title: 'I have discussed this with my line manager' }),
      ...toggleInput({ id: 'emergency', label: 'Emergency', title: 'This is an emergency' }),
    ] : []),
    ...soughtByInput('bypassSoughtBy'),
  ], execute('Bypass', VERBS.bypass, caseData(view.header)));
}

function resolveAction(view: StatusCardView): CardAction {
  return showCard('Resolve', [
    ...reasonInput('outcome', 'Outcome of the issue', 'Record the outcome'),
    ...textInput({ id: 'learningPoints', label: 'Key learning points', isMultiline: true, maxLength: MAX_TEXT_LENGTH }),
  ], execute('Resolve', VERBS.resolve, caseData(view.header), { style: 'positive' }));
}

/** §8.3: take the alternative proposed as the agreed course. */
function acceptProposalAction(view: StatusCardView): CardAction {
  return execute('Accept the proposal', VERBS.acceptProposal, caseData(view.header), { style: 'positive', associatedInputs: 'none' });
}

/** §8.3: reject the alternative proposed, saying why: the stage waits for a response again, or the officer escalates. */
function rejectProposalAction(view: StatusCardView): CardAction {
  return showCard('Reject the proposal',
    reasonInput('rejectReason', 'Reason for rejecting the proposal', 'Say why the alternative does not resolve it'),
    execute('Reject the proposal', VERBS.rejectProposal, caseData(view.header)));
}

function cafcassAction(view: StatusCardView): CardAction {
  return showCard('Refer to Cafcass',
    reasonInput('cafcassReason', 'Reason for the referral', 'Record why the case is referred'),
    execute('Record Cafcass referral', VERBS.referCafcass, caseData(view.header)));
}

/** §2.5: before the ladder offers it, the IRO may still refer under the statutory right to refer at any time: confirmed, and recorded so. */
function cafcassEarlyAction(view: StatusCardView): CardAction {
  return showCard('Refer to Cafcass now', [
    text('The procedure offers a Cafcass referral later in the process. You may refer now under your statutory right to refer at any time; it is recorded as such.', { size: 'Small', isSubtle: true }),
    ...reasonInput('cafcassReason', 'Reason for referring now', 'Record why the case is referred now'),
    ...toggleInput({ id: 'statutoryOverride', label: 'Statutory right', title: 'I am using my statutory right to refer at any time', isRequired: true, errorMessage: 'Confirm you are using the statutory right' }),
  ], execute('Record Cafcass referral', VERBS.referCafcass, caseData(view.header)));
}

function withdrawAction(view: StatusCardView): CardAction {
  return showCard('Withdraw',
    reasonInput('withdrawReason', 'Reason for withdrawing', 'Say why it is withdrawn'),
    execute('Withdraw', VERBS.withdraw, caseData(view.header), { style: 'destructive' }));
}
