/**
 * The Director briefing note's form (DOMAIN §3.2, AMB-20): every field of the "Case Briefing for
 * Deputy Director/DCS" template, in order, with its label and guidance, then any the ladder adds;
 * filled in ahead from what Resolve knows, or with the officer's saved answers. "Save for later"
 * keeps the answers; "Complete and escalate" completes the note and moves the case in one submit.
 *
 * No input is marked required on the card: a client would then refuse "Save for later" with
 * fields still empty. Which answers completing needs is the domain's check, and the form says so.
 * The form holds the child's details, so its preview and fallback carry the reference and stage only.
 */
import { actionSet, adaptiveCard, compact, container, execute, heading, text, type AdaptiveCardJson, type CardElement } from './elements.js';
import { formatMoment } from './format.js';
import { dateInput, textInput, toggleInput } from './inputs.js';
import { caseData, casePreview } from './parts.js';
import { BRIEFING_VERBS, MAX_MOVE_REASON_LENGTH, type BriefingMoveKind } from './briefing-verbs.js';
import { VERBS } from './verbs.js';
import type { CaseHeaderView } from './view-models.js';

export interface BriefingFormField {
  /** The input's id on the form (cards/briefing-verbs.ts). */
  readonly inputId: string;
  /** The template's label, verbatim. */
  readonly label: string;
  readonly guidance?: string;
  /** The heading the field sits under, when it is one of several (Family Composition). */
  readonly group?: string;
  readonly kind: 'date' | 'text' | 'long';
  readonly maxLength: number;
  readonly value?: string;
  /** What was wrong with it on the last submit. */
  readonly error?: string;
}

export interface BriefingFormMove {
  readonly kind: BriefingMoveKind;
  /** The reason for escalating or bypassing, as typed on the card that opened the form. */
  readonly reason?: string;
  /** The stage has no timescale (AMB-04): the date resolution is sought by is needed, this one offered. */
  readonly soughtBy?: { readonly required: boolean; readonly value?: string };
  /** A bypass: what the officer confirmed on the Bypass form. */
  readonly lineManagerDiscussed?: boolean;
  readonly emergency?: boolean;
}

export interface BriefingFormView {
  /** The case as the card was drawn: the stage it is at now, and its revision. */
  readonly header: CaseHeaderView;
  readonly title: string;
  /** The stage the note is for. */
  readonly forStageId: string;
  readonly forStageLabel: string;
  readonly fields: readonly BriefingFormField[];
  /** The labels of the fields completing needs an answer for. */
  readonly requiredLabels: readonly string[];
  readonly move: BriefingFormMove;
  /** The answers were saved then (Save for later). */
  readonly savedAt?: Date;
  /** A fault not tied to one field: the domain refused the submit, and why. */
  readonly formError?: string;
}

export function briefingFormPreview(view: Pick<BriefingFormView, 'header' | 'forStageLabel'>): string {
  return casePreview('Director briefing note to complete', { reference: view.header.reference, stageLabel: view.forStageLabel });
}

function completeTitle(view: BriefingFormView): string {
  switch (view.move.kind) {
    case 'escalate':
      return `Complete and escalate to ${view.forStageLabel}`;
    case 'bypass':
      return `Complete and go to ${view.forStageLabel}`;
    case 'none':
      return 'Complete and send';
  }
}

function fieldInputs(field: BriefingFormField): CardElement[] {
  const common = { id: field.inputId, label: field.label, error: field.error, value: field.value };
  const input = field.kind === 'date'
    ? dateInput(common)
    : textInput({ ...common, maxLength: field.maxLength, ...(field.kind === 'long' && { isMultiline: true }) });
  return compact([
    ...input,
    field.guidance !== undefined && text(field.guidance, { isSubtle: true, size: 'Small', spacing: 'None' }),
  ]);
}

/** The fields in order, each group (Family Composition) under its own heading. */
function fieldsSection(fields: readonly BriefingFormField[]): CardElement[] {
  const out: CardElement[] = [];
  let group: string | undefined;
  for (const field of fields) {
    if (field.group !== group && field.group !== undefined) out.push(text(field.group, { weight: 'Bolder', spacing: 'Medium' }));
    group = field.group;
    out.push(...fieldInputs(field));
  }
  return out;
}

function moveSection(view: BriefingFormView): CardElement | undefined {
  const { move } = view;
  if (move.kind === 'none') return undefined;
  const reasonLabel = move.kind === 'bypass' ? 'Reason for bypassing' : 'Reason for escalating';
  return container(compact([
    text(move.kind === 'bypass' ? `Going straight to ${view.forStageLabel}` : `Escalating to ${view.forStageLabel}`, { weight: 'Bolder' }),
    ...textInput({ id: 'moveReason', label: reasonLabel, value: move.reason, isMultiline: true, maxLength: MAX_MOVE_REASON_LENGTH }),
    ...(move.soughtBy !== undefined
      ? dateInput({
        id: 'moveSoughtBy',
        label: move.soughtBy.required ? `Resolution sought by (${view.forStageLabel} has no timescale of its own)` : 'Resolution sought by (optional)',
        value: move.soughtBy.value,
      })
      : []),
    ...(move.kind === 'bypass' && move.lineManagerDiscussed === true
      ? toggleInput({ id: 'discussedWithLineManager', label: 'Line manager', title: 'I have discussed this with my line manager', value: true })
      : []),
    ...(move.kind === 'bypass' && move.emergency === true ? toggleInput({ id: 'emergency', label: 'Emergency', title: 'This is an emergency', value: true }) : []),
  ]), { separator: true, spacing: 'Medium' });
}

export function briefingForm(view: BriefingFormView): AdaptiveCardJson {
  const data = caseData(view.header, { forStageId: view.forStageId, move: view.move.kind });
  const faulty = view.fields.filter((f) => f.error !== undefined);
  return adaptiveCard({
    fallbackText: briefingFormPreview(view),
    body: [
      text(`${view.header.authorityLabel} · Case ${view.header.reference}`, { isSubtle: true, size: 'Small' }),
      heading(view.title),
      text(
        `${view.forStageLabel} needs this briefing note before the case goes there. It goes to the Director and the Deputy Director in their own chats with Resolve; ` +
          'only people on the case can open it. Save for later keeps your answers; nothing is sent until you complete it.',
        { size: 'Small' },
      ),
      text(`To complete it, answer: ${view.requiredLabels.join('; ')}.`, { size: 'Small', isSubtle: true }),
      view.savedAt !== undefined && text(`Saved at ${formatMoment(view.savedAt)}. Nothing has been sent.`, { color: 'Good', weight: 'Bolder' }),
      (view.formError !== undefined || faulty.length > 0) && container(compact([
        faulty.length > 0 && text(`Please correct ${faulty.length === 1 ? 'this field' : `these ${faulty.length} fields`}: ${faulty.map((f) => f.label).join(', ')}. Everything you typed is still here.`, { color: 'Attention', weight: 'Bolder' }),
        view.formError !== undefined && text(view.formError, { color: 'Attention', weight: 'Bolder' }),
      ]), { style: 'attention' }),
      ...fieldsSection(view.fields),
      moveSection(view),
      actionSet([execute('Back to the case', VERBS.openCase, caseData(view.header), { associatedInputs: 'none' })]),
    ],
    actions: [
      execute('Save for later', BRIEFING_VERBS.briefingSave, data),
      execute(completeTitle(view), BRIEFING_VERBS.briefingComplete, data, { style: 'positive' }),
    ],
  });
}
