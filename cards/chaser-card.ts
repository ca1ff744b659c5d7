/**
 * A chaser: a reminder before a response is due, or an overdue notice. The recipient is asked to
 * respond; the officer sees who holds it and can escalate in one click. The bot never escalates
 * by itself (DOMAIN §8.4). A chaser is a message of its own and stays as sent: it has no refresh,
 * so viewing it never turns it into the status card and loses the one click.
 */
import { adaptiveCard, execute, factSet, text, type AdaptiveCardJson } from './elements.js';
import { formatDeadline } from './format.js';
import { caseData, caseHeader, casePreview, names, stageRoute } from './parts.js';
import { alertNoun } from './phrases.js';
import { requiredSoughtByInput } from './status-card.js';
import { VERBS } from './verbs.js';
import type { ChaserCardView } from './view-models.js';

export function chaserCardPreview(view: ChaserCardView): string {
  return casePreview(view.kind === 'overdue' ? 'Response overdue' : 'Response due soon', view.header);
}

function sentence(view: ChaserCardView): string {
  const noun = alertNoun(view.header.alertKind);
  const due = formatDeadline(view.responseDue);
  if (view.kind === 'reminder') {
    return view.audience === 'recipient'
      ? `Your response to this ${noun} is due by ${due}.`
      : `The response to your ${noun} is due by ${due}.`;
  }
  return view.audience === 'recipient'
    ? `Your response to this ${noun} was due by ${due} and has not been received.`
    : `The response to your ${noun} was due by ${due} and has not been received. You decide whether to escalate.`;
}

export function chaserCard(view: ChaserCardView): AdaptiveCardJson {
  const canEscalate = view.audience === 'officer' && view.kind === 'overdue' && view.nextStage !== undefined;
  return adaptiveCard({
    fallbackText: chaserCardPreview(view),
    body: [
      caseHeader(view.header, view.kind === 'overdue' ? 'overdue' : 'awaiting_response'),
      text(sentence(view), { weight: 'Bolder', color: view.kind === 'overdue' ? 'Attention' : 'Warning' }),
      factSet([['Case reference', view.header.reference], ['With', names(view.withTo)]]),
      ...(canEscalate && view.nextStage ? stageRoute(view.nextStage) : []),
      // A stage with no timescale needs a date: asked here, the default filled in, so escalating stays one submit.
      ...(canEscalate && view.nextStage?.soughtByRequired !== undefined ? requiredSoughtByInput(view.nextStage) : []),
    ],
    actions: [
      canEscalate && view.nextStage && execute(`Escalate to ${view.nextStage.label}`, VERBS.escalate, caseData(view.header), {
        style: 'destructive', associatedInputs: view.nextStage.soughtByRequired !== undefined ? 'auto' : 'none',
      }),
      execute(view.audience === 'recipient' ? 'Open the case to respond' : 'Open the case', VERBS.openCase, caseData(view.header), {
        associatedInputs: 'none',
      }),
    ],
  });
}
