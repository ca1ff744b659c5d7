/**
 * A last line of defence for what leaves Resolve in mail and calendar headers. Callers build
 * subjects from the opaque case reference and the stage only (DESIGN.md, privacy); this refuses
 * subjects that carry what a child's details look like: dates, email addresses, postcodes, or
 * long free text.
 */
import { InvalidInputError } from '../domain/errors.js';

const DATE_LIKE = /\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b/;
const POSTCODE_LIKE = /\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/i;
export const MAX_SUBJECT_LENGTH = 120;

export function assertOpaqueSubject(subject: string, field = 'subject'): void {
  const fault =
    subject.trim() === '' ? 'is empty'
    : subject.length > MAX_SUBJECT_LENGTH ? `is longer than ${MAX_SUBJECT_LENGTH} characters`
    : /[\r\n]/.test(subject) ? 'spans more than one line'
    : subject.includes('@') ? 'contains an email address'
    : DATE_LIKE.test(subject) ? 'contains a date'
    : POSTCODE_LIKE.test(subject) ? 'contains what looks like a postcode'
    : undefined;
  if (fault) {
    throw new InvalidInputError(
      `The ${field} ${fault}. Subjects carry only the opaque case reference and the stage (for example "Resolve NBC-2026-0042: practice alert, stage 2"); put details inside the bot.`,
      field,
    );
  }
}

/** `subject` when it passes `assertOpaqueSubject`; otherwise `fallback` (which leaves the reference to the body). */
export function opaqueSubjectOr(subject: string, fallback: string): string {
  try {
    assertOpaqueSubject(subject);
    return subject;
  } catch {
    return fallback;
  }
}
