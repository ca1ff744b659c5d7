import { isLocalDate } from '../calendar/index.js';
import { BRIEFING_TEMPLATE, type BriefingField, type Policy, type Stage } from '../policies/schema.js';
import type { CaseState } from './state.js';

/**
 * The Director briefing note (DOMAIN §3.2, §8.6, AMB-20, AMB-21). Pure: which stages need one,
 * its fields, and what makes a set of answers complete. The answers are the most sensitive words
 * in Resolve (a child's name, date of birth, family address): they live in the case's events,
 * which are its record, and go nowhere else but the form, the note's own card and its document.
 */

/** The longest answer a field takes, by kind: every card that carries the note stays within Teams' limit. */
export const BRIEFING_FIELD_MAX_LENGTH: Readonly<Record<BriefingField['kind'], number>> = { date: 10, text: 600, long: 2000 };
/** What an officer may type across the whole note. */
export const BRIEFING_MAX_TOTAL_LENGTH = 14_000;

/** AMB-20: does entering this stage need a completed briefing note? */
export function briefingRequiredAt(policy: Policy, stage: Stage): boolean {
  return stage.directorBriefingRequired || (policy.briefing.atDirectorStages && stage.to.includes('director'));
}

/** The note's fields in order: the §3.2 template, then the ladder's own (AMB-21). */
export function briefingFields(policy: Policy): readonly BriefingField[] {
  return [...BRIEFING_TEMPLATE, ...policy.briefing.fields];
}

/** A field as a completed note records it, so the note reads the same whatever the ladder later becomes. */
export interface BriefingFieldRecord {
  readonly id: string;
  readonly label: string;
  readonly group?: string;
}

export type BriefingAnswers = Readonly<Record<string, string>>;

export type AnswersCheck =
  | { readonly ok: true; readonly answers: BriefingAnswers }
  | { readonly ok: false; readonly fieldId: string; readonly message: string };

/**
 * The answers as kept: trimmed, empty ones dropped, each a field of this note, within its length,
 * and a date field a date that exists.
 */
export function checkBriefingAnswers(fields: readonly BriefingField[], given: Readonly<Record<string, string>>): AnswersCheck {
  const answers: Record<string, string> = {};
  let total = 0;
  for (const [id, raw] of Object.entries(given)) {
    const field = fields.find((f) => f.id === id);
    if (field === undefined) return { ok: false, fieldId: id, message: `"${id.slice(0, 64)}" is not a field of this briefing note.` };
    const value = raw.trim();
    if (value === '') continue;
    const max = BRIEFING_FIELD_MAX_LENGTH[field.kind];
    if (value.length > max) return { ok: false, fieldId: id, message: `${field.label} is too long: at most ${max} characters.` };
    if (field.kind === 'date' && !isLocalDate(value)) return { ok: false, fieldId: id, message: `${field.label} must be a date that exists, written YYYY-MM-DD.` };
    total += value.length;
    answers[id] = value;
  }
  if (total > BRIEFING_MAX_TOTAL_LENGTH) {
    return { ok: false, fieldId: '', message: `The briefing note is too long: at most ${BRIEFING_MAX_TOTAL_LENGTH.toLocaleString('en-GB')} characters in all. Shorten the longest answers.` };
  }
  return { ok: true, answers };
}

/** The required fields these answers leave empty, in the note's order. */
export function missingBriefingFields(fields: readonly BriefingField[], answers: BriefingAnswers): BriefingField[] {
  return fields.filter((f) => f.required && (answers[f.id] ?? '').trim() === '');
}

/** Is the briefing note for this stage complete (and so the stage may be entered)? */
export function briefingComplete(state: Pick<CaseState, 'briefings'>, stageId: string): boolean {
  return state.briefings[stageId]?.status === 'complete';
}
