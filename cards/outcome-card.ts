/**
 * The reply to a click: what was recorded, or, for a stale or refused click, what had already
 * happened, who did it and when, and that nothing was changed; then the case as it stands.
 */
import { actionSet, adaptiveCard, execute, factSet, plainText, text, type AdaptiveCardJson, type CardElement } from './elements.js';
import { formatDeadline } from './format.js';
import { caseData, caseHeader, casePreview } from './parts.js';
import { STATUS_LABELS, alreadyDone, youDid } from './phrases.js';
import { VERBS } from './verbs.js';
import type { OutcomeView } from './view-models.js';

export const NOTHING_CHANGED = 'Nothing was changed.';

export function outcomeCardPreview(view: OutcomeView): string {
  return casePreview(view.result.kind === 'done' ? 'Recorded' : 'Nothing changed', view.header);
}

function resultBlocks(view: OutcomeView): CardElement[] {
  const { result, header } = view;
  switch (result.kind) {
    case 'done':
      return [text(youDid(header.alertKind, result.event), { color: 'Good', weight: 'Bolder' })];
    case 'already':
      return [text(`${alreadyDone(header.alertKind, result.event)} ${NOTHING_CHANGED}`, { color: 'Warning', weight: 'Bolder' })];
    case 'refused':
      return [text(NOTHING_CHANGED, { color: 'Attention', weight: 'Bolder' }), plainText(result.reason, { spacing: 'None' })];
  }
}

export function outcomeCard(view: OutcomeView): AdaptiveCardJson {
  return adaptiveCard({
    fallbackText: outcomeCardPreview(view),
    body: [
      caseHeader(view.header, view.status),
      ...resultBlocks(view),
      text('Where the case stands now', { weight: 'Bolder', spacing: 'Medium' }),
      factSet([
        ['Stage', view.header.stageLabel],
        ['Status', STATUS_LABELS[view.status]],
        ['Response due', view.responseDue && formatDeadline(view.responseDue)],
      ]),
      actionSet([execute('Show the current card', VERBS.refresh, caseData(view.header), { associatedInputs: 'none' })]),
    ],
  });
}
