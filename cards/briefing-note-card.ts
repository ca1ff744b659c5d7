/**
 * The Director briefing note opened (DOMAIN §3.2, §8.6): every field of the note with the
 * officer's answer, shown only in answer to a click by someone with a part in the case (the use
 * case checks), in their own 1:1 chat. It folds away again to the card that carries the reference
 * and stage only, and exports as a Word document for the case record.
 */
import { actionSet, adaptiveCard, compact, container, execute, factSet, heading, plainText, text, type AdaptiveCardJson, type CardElement } from './elements.js';
import { formatMoment } from './format.js';
import { caseData, casePreview } from './parts.js';
import { BRIEFING_VERBS } from './briefing-verbs.js';
import { VERBS } from './verbs.js';
import type { CaseHeaderView } from './view-models.js';

export interface BriefingNoteView {
  readonly header: CaseHeaderView;
  readonly title: string;
  readonly forStageId: string;
  readonly forStageLabel: string;
  /** Who wrote it, as staff are named on cards. */
  readonly completedBy: string;
  readonly completedAt: Date;
  readonly fields: readonly { readonly label: string; readonly group?: string; readonly value?: string }[];
}

export function briefingNoteCardPreview(view: BriefingNoteView): string {
  return casePreview('Director briefing', { reference: view.header.reference, stageLabel: view.forStageLabel });
}

function answers(fields: BriefingNoteView['fields']): CardElement[] {
  const out: CardElement[] = [];
  let group: string | undefined;
  for (const field of fields) {
    if (field.group !== group && field.group !== undefined) out.push(text(field.group, { weight: 'Bolder', spacing: 'Medium', color: 'Accent' }));
    group = field.group;
    out.push(container(compact([
      text(field.label, { weight: 'Bolder', size: 'Small' }),
      field.value !== undefined && field.value !== '' ? plainText(field.value, { spacing: 'None' }) : text('Not answered', { isSubtle: true, size: 'Small', spacing: 'None' }),
    ]), { spacing: 'Small' }));
  }
  return out;
}

export function briefingNoteCard(view: BriefingNoteView): AdaptiveCardJson {
  const key = caseData(view.header, { forStageId: view.forStageId });
  return adaptiveCard({
    fallbackText: briefingNoteCardPreview(view),
    body: [
      text(`${view.header.authorityLabel} · ${view.header.alertTypeLabel}`, { isSubtle: true, size: 'Small' }),
      heading(view.title),
      factSet([['Case reference', view.header.reference], ['Stage', view.forStageLabel], ['Completed', `${formatMoment(view.completedAt)} by ${view.completedBy}`]]),
      text('This note holds the child\'s details. It opens only for people on the case; hide it again when you have read it.', { size: 'Small', isSubtle: true }),
      container(answers(view.fields), { separator: true, spacing: 'Medium' }),
      actionSet([execute('Open the case', VERBS.openCase, caseData(view.header), { associatedInputs: 'none' })]),
    ],
    actions: [
      execute('Export as Word', BRIEFING_VERBS.briefingExport, key, { associatedInputs: 'none' }),
      execute('Hide the details', BRIEFING_VERBS.briefingHide, key, { associatedInputs: 'none' }),
    ],
  });
}
