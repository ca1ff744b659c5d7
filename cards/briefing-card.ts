/**
 * The Director briefing note's card, minimal by rule (DOMAIN §6.3, §8.6, RED-07): it carries the
 * case reference, the stage, who wrote the note and when, and the way in. Never a child's name,
 * date of birth, address or any other identifier, and none of the note's words: those open only
 * on request, for someone with a part in the case (the use case checks), in their own 1:1 chat.
 *
 * To the Director and the Deputy Director it brings the completed note; to the officer of a case
 * raised straight at a stage that needs one, it asks for the note. Without a note it is the older
 * card: a link to an access-controlled document, or a note that one is being prepared.
 */
import { actionSet, adaptiveCard, execute, factSet, heading, text, type AdaptiveCardJson, type CardAction } from './elements.js';
import { formatMoment } from './format.js';
import { caseData, caseRecordLink, casePreview } from './parts.js';
import { BRIEFING_VERBS } from './briefing-verbs.js';
import { VERBS } from './verbs.js';
import type { BriefingCardView } from './view-models.js';

export type BriefingNoticeView = BriefingCardView & {
  readonly note?:
    | {
      readonly kind: 'sent';
      readonly forStageId: string;
      readonly forStageLabel: string;
      /** Who wrote it, as staff are named on cards ("Elin Rhys, FRO"). */
      readonly author: string;
      readonly completedAt: Date;
      /** The holder has a part in the case, so the note opens for them. */
      readonly canOpen: boolean;
    }
    | { readonly kind: 'to-complete'; readonly forStageId: string; readonly forStageLabel: string };
};

export function briefingCardPreview(view: BriefingNoticeView): string {
  if (view.note?.kind === 'to-complete') return casePreview('Director briefing note needed', { reference: view.header.reference, stageLabel: view.note.forStageLabel });
  if (view.note?.kind === 'sent') return casePreview('Director briefing', { reference: view.header.reference, stageLabel: view.note.forStageLabel });
  return casePreview('Director briefing', view.header);
}

export function briefingCard(view: BriefingNoticeView): AdaptiveCardJson {
  const { header, note } = view;
  const openCase = execute('Open the case', VERBS.openCase, caseData(header), { associatedInputs: 'none' });
  const key = (forStageId: string) => caseData(header, { forStageId });
  let body;
  let actions: (CardAction | false)[];
  if (note?.kind === 'sent') {
    body = [
      factSet([['Case reference', header.reference], ['Stage', note.forStageLabel], ['From', note.author], ['Completed', formatMoment(note.completedAt)]]),
      text(note.canOpen
        ? 'The note holds the child\'s details, so it opens here only, for people on the case.'
        : 'You have no part in this case, so the note does not open for you.', { size: 'Small', isSubtle: true }),
    ];
    actions = [note.canOpen && execute('Open the briefing note', BRIEFING_VERBS.briefingOpen, key(note.forStageId), { associatedInputs: 'none', style: 'positive' }), note.canOpen && openCase];
  } else if (note?.kind === 'to-complete') {
    body = [
      factSet([['Case reference', header.reference], ['Stage', note.forStageLabel]]),
      text(`${note.forStageLabel} needs the Director's briefing note, and it has not been completed. The Director and the Deputy Director get it once it is.`, { weight: 'Bolder' }),
    ];
    actions = [execute('Complete the briefing note', BRIEFING_VERBS.briefingForm, key(note.forStageId), { associatedInputs: 'none', style: 'positive' }), openCase];
  } else {
    body = [
      factSet([['Case reference', header.reference], ['Stage', header.stageLabel]]),
      caseRecordLink(view.briefingUrl, 'Open the briefing note')
        ?? text('The briefing note is being prepared; open the case for its details.', { isSubtle: true }),
    ];
    actions = [openCase];
  }
  return adaptiveCard({
    fallbackText: briefingCardPreview(view),
    body: [
      text(`${header.authorityLabel} · ${header.alertTypeLabel}`, { isSubtle: true, size: 'Small' }),
      heading('Director briefing note'),
      ...body,
      actionSet(actions),
    ],
  });
}
