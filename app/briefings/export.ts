/**
 * The Director briefing note as a Word document for the case record (DOMAIN §3.2, §3.1 row 10,
 * §6.1): `resolve case briefing REFERENCE --docx FILE`, and "Export as Word" on the note's card.
 * Only a completed note exports; its file is named by the opaque reference and the stage.
 */
import { noteStamp, type BriefingRecord, type CaseState } from '../../domain/escalation/index.js';
import type { Policy } from '../../domain/policies/index.js';
import type { Directory } from '../../graph/directory/types.js';
import type { Queryable } from '../../store/db.js';
import { BRIEFING_TEMPLATE_TITLE } from '../../domain/policies/index.js';
import { briefingDocx } from '../../documents/briefing-docx.js';
import { describePeople } from '../cases/case-notes.js';
import { findCaseByReference, loadCase } from '../cases/model.js';
import { noteFields } from './views.js';

/** "LCS-104233-level4.docx": the reference and the stage, with anything but letters, digits, - and _ made a dash (no path can hide in it). */
export function briefingFileName(reference: string, stageId: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'case';
  return `${safe(reference)}-${safe(stageId)}.docx`;
}

/** The completed note for a stage, or the one completed last. */
export function completedBriefing(state: CaseState, stageId?: string): BriefingRecord | undefined {
  const complete = Object.values(state.briefings).filter((b) => b.status === 'complete');
  if (stageId !== undefined) return complete.find((b) => b.forStageId === stageId);
  return complete.sort((a, b) => (a.completedAt ?? '').localeCompare(b.completedAt ?? '')).at(-1);
}

/** The note's .docx bytes: every field's label and answer, headed with the template's title. */
export async function briefingDocumentBytes(state: CaseState, policy: Policy | undefined, note: BriefingRecord, directory: Directory): Promise<Buffer> {
  const describe = await describePeople(directory, [note.savedBy]);
  return briefingDocx({
    title: BRIEFING_TEMPLATE_TITLE,
    authority: state.authority,
    reference: state.reference,
    stageLabel: note.forStageLabel,
    completed: `${noteStamp(note.completedAt ?? note.savedAt)}, by ${describe(note.savedBy)}`,
    fields: noteFields(note, policy),
  });
}

export type BriefingExport =
  | { readonly ok: true; readonly fileName: string; readonly bytes: Buffer; readonly stageId: string; readonly stageLabel: string }
  | { readonly ok: false; readonly reason: 'no-case' | 'no-briefing'; readonly message: string };

/** `resolve case briefing REFERENCE`: the case's completed note (the stage's, or the last one) as .docx bytes. */
export async function exportBriefing(
  q: Queryable,
  reference: string,
  options: { readonly directory: Directory; readonly stageId?: string; readonly policyFor?: (policyId: string) => Policy | undefined },
): Promise<BriefingExport> {
  const found = await findCaseByReference(q, reference);
  const { state } = found === undefined ? { state: undefined } : await loadCase(q, found.caseId);
  if (state === undefined) return { ok: false, reason: 'no-case', message: `there is no case with reference ${reference}; check the reference on the case card` };
  const note = completedBriefing(state, options.stageId);
  if (note === undefined) {
    const which = options.stageId === undefined ? '' : ` for the stage "${options.stageId}"`;
    return { ok: false, reason: 'no-briefing', message: `case ${reference} has no completed Director briefing note${which}` };
  }
  const bytes = await briefingDocumentBytes(state, options.policyFor?.(state.policyId), note, options.directory);
  return { ok: true, fileName: briefingFileName(state.reference, note.forStageId), bytes, stageId: note.forStageId, stageLabel: note.forStageLabel };
}

