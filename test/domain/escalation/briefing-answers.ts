/**
 * A fictional child's Director briefing note (DOMAIN §3.2), for the briefing tests: every field of
 * the template answered, by field id. Every name, date and address here is invented.
 */
export const FICTIONAL_CHILD = {
  name: 'Jamie Thompson',
  dateOfBirth: '2014-06-09',
  address: '14 Larkspur Row, Northmoor NM4 7QT',
} as const;

export function completeBriefingAnswers(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    dateOfBriefing: '2026-03-12',
    author: 'Elin Rhys, Fostering Reviewing Officer, Safeguarding and Review Service',
    childName: FICTIONAL_CHILD.name,
    lcsNumber: 'LCS-104233',
    childDateOfBirth: FICTIONAL_CHILD.dateOfBirth,
    legalStatus: 'Section 20 accommodation since 3 February 2025; no orders.',
    parents: 'Mother Dana Thompson; father not involved.',
    siblings: 'Two younger half-brothers living with their mother.',
    extendedFamily: 'Maternal grandmother, weekly contact.',
    familyAddress: FICTIONAL_CHILD.address,
    otherAgencies: 'School nurse; CAMHS (waiting list).',
    dateOpenedToCsc: '2024-11-18',
    incident: 'Supervision of the foster carers has not taken place since January.',
    background: 'Jamie has been with the carers for a year; the placement is stable.',
    interventions: 'Two supervisory visits missed; the Head of Service proposed a six-week review.',
    currentPlan: 'A new supervising social worker allocated and monthly supervision restored.',
    ...overrides,
  };
}
