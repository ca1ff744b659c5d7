/**
 * The Director's briefing card: minimal by rule (DOMAIN §8.6). The note itself lives in an
 * access-controlled document; the card carries the case reference, the stage, and the way in.
 * Never a child's name, date of birth, address or any other identifier.
 */
import { actionSet, adaptiveCard, execute, factSet, heading, text, type AdaptiveCardJson } from './elements.js';
import { caseData, caseRecordLink, casePreview } from './parts.js';
import { VERBS } from './verbs.js';
import type { BriefingCardView } from './view-models.js';

export function briefingCardPreview(view: BriefingCardView): string {
  return casePreview('Director briefing', view.header);
}

export function briefingCard(view: BriefingCardView): AdaptiveCardJson {
  const { header } = view;
  return adaptiveCard({
    fallbackText: briefingCardPreview(view),
    body: [
      text(`${header.authorityLabel} · ${header.alertTypeLabel}`, { isSubtle: true, size: 'Small' }),
      heading('Director briefing note'),
      factSet([['Case reference', header.reference], ['Stage', header.stageLabel]]),
      caseRecordLink(view.briefingUrl, 'Open the briefing note')
        ?? text('The briefing note is being prepared; open the case for its details.', { isSubtle: true }),
      actionSet([execute('Open the case', VERBS.openCase, caseData(header), { associatedInputs: 'none' })]),
    ],
  });
}
