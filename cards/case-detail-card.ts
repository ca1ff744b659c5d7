/** `case <reference>`: the facts, the people and the history, read-only, with a way to one's own view. */
import { fitCard } from './fit.js';
import { actionSet, adaptiveCard, execute, type AdaptiveCardJson } from './elements.js';
import { caseData, caseOverview, casePreview } from './parts.js';
import { VERBS } from './verbs.js';
import type { CaseDetailView } from './view-models.js';

export function caseDetailCardPreview(view: CaseDetailView): string {
  return casePreview('Case', view.header);
}

export function caseDetailCard(view: CaseDetailView): AdaptiveCardJson {
  return fitCard(view, draw);
}

function draw(view: CaseDetailView): AdaptiveCardJson {
  return adaptiveCard({
    fallbackText: caseDetailCardPreview(view),
    body: [
      ...caseOverview(view),
      actionSet([execute('Show my actions', VERBS.refresh, caseData(view.header), { associatedInputs: 'none' })]),
    ],
  });
}
