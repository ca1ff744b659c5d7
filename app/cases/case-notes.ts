/**
 * The case-note export (DOMAIN §6.1, REC-01 to REC-05): a case's whole history as text an officer
 * pastes into the council's record (LCS, Mosaic, Eclipse), every person named with their role
 * from the directory, never by their Entra object id.
 */
import { caseNoteText, peopleIn, type CaseEvent, type CaseNoteLadder, type DescribePerson } from '../../domain/escalation/index.js';
import { getPolicy, policyIds } from '../../domain/policies/index.js';
import type { Directory } from '../../graph/directory/types.js';
import type { Queryable } from '../../store/db.js';
import { readStream } from '../../store/events.js';
import { findCaseByReference } from './model.js';

/** Said of someone the case names who is no longer in the directory (left, or renamed out of it). */
export const NOT_IN_DIRECTORY = 'a person no longer in the directory';

const ACRONYMS = new Set(['iro', 'firo', 'fro', 'ascm', 'qa', 'sm', 'sr', 'hos', 'dd']);
const SMALL_WORDS = new Set(['and', 'of', 'in', 'the']);

/** A role key as words: "social_worker" -> "Social Worker", "head_of_service" -> "Head of Service". */
export function roleKeyLabel(key: string): string {
  return key
    .split('_')
    .filter((w) => w !== '')
    .map((w, i) => (ACRONYMS.has(w) ? w.toUpperCase() : i > 0 && SMALL_WORDS.has(w) ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(' ');
}

/**
 * "Name, Role" for each person, from the directory: the job title where the directory has one,
 * else the first role they hold; someone the directory no longer has is said to be so.
 */
export async function describePeople(directory: Directory, ids: readonly string[]): Promise<DescribePerson> {
  const described = new Map<string, string>();
  await Promise.all(ids.map(async (id) => {
    const person = await directory.person(id);
    if (!person) return;
    const role = person.jobTitle?.trim() || (await directory.rolesOf(id)).map(roleKeyLabel)[0];
    described.set(id, role ? `${person.displayName}, ${role}` : person.displayName);
  }));
  return (id) => described.get(id) ?? NOT_IN_DIRECTORY;
}

/** The shipped ladder a case was raised under, for its subject (child or foster carer); undefined for any other. */
function shippedLadder(policyId: string): CaseNoteLadder | undefined {
  return policyIds().includes(policyId) ? getPolicy(policyId) : undefined;
}

export interface CaseNoteOptions {
  /** The ladder a policy id names; without one the note labels the impact neutrally. */
  readonly ladderFor?: (policyId: string) => CaseNoteLadder | undefined;
}

/** The case's whole history as case-note text, or undefined when no case has that reference. */
export async function exportCaseNotes(q: Queryable, reference: string, directory: Directory, options: CaseNoteOptions = {}): Promise<string | undefined> {
  const found = await findCaseByReference(q, reference);
  if (!found) return undefined;
  const { records } = await readStream<CaseEvent>(q, found.caseId);
  const events = records.map((r) => r.event);
  const raised = events.find((e) => e.type === 'CaseRaised');
  const ladder = raised === undefined ? undefined : (options.ladderFor ?? shippedLadder)(raised.policyId);
  return caseNoteText(events, await describePeople(directory, peopleIn(events)), ladder);
}
