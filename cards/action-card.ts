/** The card for a stage's To recipients: the facts, and Accept / Propose / Decline / Agree action. */
import { fitCard } from './fit.js';
import { adaptiveCard, execute, showCard, type AdaptiveCardJson, type CardAction } from './elements.js';
import { choiceInput, dateInput, textInput } from './inputs.js';
import {
  agreedActionsSection, caseData, caseFacts, caseHeader, casePreview, contextSection, refreshFor, responseSection,
} from './parts.js';
import { MAX_TEXT_LENGTH, VERBS } from './verbs.js';
import type { ActionCardView, CaseActionName } from './view-models.js';

export function actionCardPreview(view: ActionCardView): string {
  return casePreview('Action needed', view.header);
}

export function actionCard(view: ActionCardView): AdaptiveCardJson {
  return fitCard(view, draw);
}

function draw(view: ActionCardView): AdaptiveCardJson {
  const { refresh, notice } = refreshFor(view.header, view.viewerIds);
  const may = (name: CaseActionName) => view.allowed.includes(name);
  return adaptiveCard({
    fallbackText: actionCardPreview(view),
    body: [
      caseHeader(view.header, view.status),
      contextSection(view.context),
      ...caseFacts(view),
      responseSection(view.response),
      agreedActionsSection(view, may('completeAction') ? view.viewerId : undefined),
      notice,
    ],
    actions: [
      may('respondAccept') && execute('Accept', VERBS.respondAccept, caseData(view.header), {
        style: 'positive', associatedInputs: 'none',
      }),
      may('respondPropose') && proposeAction(view),
      may('respondDecline') && declineAction(view),
      may('agreeAction') && view.actionOwners.length > 0 && agreeActionAction(view),
    ],
    refresh,
  });
}

function proposeAction(view: ActionCardView): CardAction {
  return showCard('Propose alternative', textInput({
    id: 'proposal', label: 'Your proposal (for example a different timescale)', isRequired: true,
    isMultiline: true, maxLength: MAX_TEXT_LENGTH,
    errorMessage: `Say what you propose instead, in at most ${MAX_TEXT_LENGTH} characters`,
  }), execute('Send proposal', VERBS.respondPropose, caseData(view.header)));
}

function declineAction(view: ActionCardView): CardAction {
  return showCard('Decline', textInput({
    id: 'declineReason', label: 'Reason for declining', isRequired: true,
    isMultiline: true, maxLength: MAX_TEXT_LENGTH,
    errorMessage: `A reason is required to decline, in at most ${MAX_TEXT_LENGTH} characters`,
  }), execute('Decline', VERBS.respondDecline, caseData(view.header), { style: 'destructive' }));
}

function agreeActionAction(view: ActionCardView): CardAction {
  return showCard('Agree action', [
    ...textInput({
      id: 'actionText', label: 'The action', isRequired: true, isMultiline: true, maxLength: MAX_TEXT_LENGTH,
      errorMessage: `Say what will be done, in at most ${MAX_TEXT_LENGTH} characters`,
    }),
    ...choiceInput({
      id: 'actionOwnerId', label: 'Owner', isRequired: true, errorMessage: 'Pick who will do it',
      choices: view.actionOwners.map((p) => ({ title: p.name, value: p.id })),
    }),
    ...dateInput({ id: 'actionDue', label: 'Due date', isRequired: true, errorMessage: 'Pick the date it is due' }),
  ], execute('Agree action', VERBS.agreeAction, caseData(view.header)));
}
