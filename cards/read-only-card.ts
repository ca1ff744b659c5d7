/** The card for CC recipients: the same facts as the action card, and no buttons. */
import { fitCard } from './fit.js';
import { adaptiveCard, text, type AdaptiveCardJson } from './elements.js';
import { agreedActionsSection, caseFacts, caseHeader, casePreview, contextSection, refreshFor, responseSection } from './parts.js';
import type { ReadOnlyCardView } from './view-models.js';

export function readOnlyCardPreview(view: ReadOnlyCardView): string {
  return casePreview('For information', view.header);
}

export function readOnlyCard(view: ReadOnlyCardView): AdaptiveCardJson {
  return fitCard(view, draw);
}

function draw(view: ReadOnlyCardView): AdaptiveCardJson {
  const { refresh, notice } = refreshFor(view.header, view.viewerIds);
  return adaptiveCard({
    fallbackText: readOnlyCardPreview(view),
    body: [
      caseHeader(view.header, view.status),
      view.context === undefined ? text('You are copied in for information. No action is needed from you.', { isSubtle: true, size: 'Small' }) : contextSection(view.context),
      ...caseFacts(view),
      responseSection(view.response),
      agreedActionsSection(view),
      notice,
    ],
    refresh,
  });
}
