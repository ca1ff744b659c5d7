import assert from 'node:assert/strict';
import { SYSTEM_ACTOR, caseNoteText, summarise } from '../../../domain/escalation/index.js';
import { Scenario, people, raiseStep } from './harness.js';

const NAMES: Record<string, string> = {
  [people.officer]: 'Priya Okonjo (FRO)',
  [people.sw]: 'Tomasz Wren',
  [people.ps]: 'Kofi Hale',
  [people.tm]: 'Aisha Bell',
  [people.om]: 'Rhian Cole',
};
const nameOf = (id: string) => NAMES[id] ?? `unknown person ${id}`;

/** A Somerset case that runs from March (GMT) into April (BST). */
function somersetCase(): Scenario {
  const s = Scenario.of('somerset');
  s.do(raiseStep({ policyId: 'somerset', alertTypeId: 'formal', to: [people.ps, people.tm], cc: [people.sw], category: 'Statutory requirements for the foster carer(s) not being met' }), '2026-03-20T10:15:00Z');
  s.do({ type: 'deadline-reached', actor: SYSTEM_ACTOR, key: 'reminder:formal' }, '2026-03-26T17:00:00Z');
  s.do({ type: 'escalate', actor: people.officer, stageId: 'formal', reason: 'No reply from the PS or TM.', to: [people.om], cc: [people.ps, people.tm] }, '2026-03-30T08:30:00Z');
  s.do({ type: 'respond', actor: people.om, stageId: 'level1', response: 'accept', text: 'Supervision visit booked.' }, '2026-03-31T13:00:00Z');
  s.do({ type: 'agree-action', actor: people.om, stageId: 'level1', actionId: 'a1', owner: people.sw, dueDate: '2026-04-03', text: 'Visit the carers and update the plan.' }, '2026-03-31T13:05:00Z');
  s.do({ type: 'complete-action', actor: people.sw, actionId: 'a1' }, '2026-04-02T15:00:00Z');
  s.do({ type: 'resolve', actor: people.officer, outcome: 'Monthly supervision restored.', keyLearningPoints: 'Escalate missed visits sooner.' }, '2026-04-07T09:00:00Z');
  return s;
}

describe('domain/escalation: projections and the case record', () => {
  describe('summarise (the store\'s query rows)', () => {
    it('an open alert lists who it is addressed to, who is copied, when a response is due and whether it is overdue', () => {
      const s = Scenario.of('cheshire_east');
      s.do(raiseStep({ policyId: 'cheshire_east', alertTypeId: 'informal', to: [people.tm], cc: [people.sw] }), '2026-03-02T10:00:00Z');
      const before = summarise(s.state, new Date('2026-03-09T16:59:00Z'));
      assert.deepEqual(before, {
        caseId: 'case-0001', reference: 'RES-2026-0142', policyId: 'cheshire_east', kind: 'alert', alertTypeId: 'informal',
        alertTypeLabel: 'Informal practice alert', status: 'open', stageId: 'informal', stageLabel: 'Informal practice alert',
        raisedBy: people.officer, allocatedWorkerId: people.sw, addressees: [people.tm], copied: [people.sw], actionOwners: [],
        responseDueAt: '2026-03-09T17:00:00.000Z', overdue: false, overallLimitAt: '2026-03-30T16:00:00.000Z',
        version: 1, revision: 1, updatedAt: '2026-03-02T10:00:00.000Z',
      });
      assert.equal(summarise(s.state, new Date('2026-03-09T17:00:01Z')).overdue, true);
    });

    it('a resolved case is neither overdue nor under an overall limit', () => {
      const s = somersetCase();
      const row = summarise(s.state, new Date('2026-06-01T10:00:00Z'));
      assert.deepEqual([row.status, row.overdue, row.overallLimitAt, row.stageId], ['resolved', false, null, 'level1']);
    });

    it('owners of open actions are listed so their cases show under "my cases"', () => {
      const s = Scenario.of('dudley');
      s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', to: [people.sw, people.tm] }), '2026-03-03T10:00:00Z');
      s.do({ type: 'agree-action', actor: people.tm, stageId: 'qop_alert', actionId: 'a1', owner: people.om, dueDate: '2026-03-06', text: 'Arrange training.' }, '2026-03-04T10:00:00Z');
      assert.deepEqual(summarise(s.state, new Date('2026-03-04T10:00:00Z')).actionOwners, [people.om]);
    });
  });

  describe('caseNoteText (REC-01: the record for LCS, Mosaic, Eclipse)', () => {
    it('lists who did what, when in Europe/London time (GMT then BST, Easter skipped) and at which stage', () => {
      assert.equal(caseNoteText(somersetCase().events, nameOf), [
        'Case RES-2026-0142 (J.T.): Formal Issue Resolution, Somerset Council.',
        '20/03/2026 10:15 [Formal Issue Resolution (Stage 2)] Priya Okonjo (FRO) raised a Formal Issue Resolution. To: Kofi Hale, Aisha Bell. CC: Tomasz Wren. Allocated worker: Tomasz Wren.' +
          ' Category: Statutory requirements for the foster carer(s) not being met. Issue: Statutory visits have not taken place since January.' +
          ' Impact on the child: J.T. has not seen their social worker and is anxious about contact. Resolution sought: A visit within the week and a plan for monthly visits.' +
          ' Response due 27/03/2026 17:00.',
        '26/03/2026 17:00 [Formal Issue Resolution (Stage 2)] Reminder sent: a response is due 27/03/2026 17:00.',
        '30/03/2026 09:30 [Formal Dispute (Stage 3): Level 1] Priya Okonjo (FRO) escalated from Formal Issue Resolution (Stage 2) to Formal Dispute (Stage 3): Level 1. Reason: No reply from the PS or TM. To: Rhian Cole. CC: Kofi Hale, Aisha Bell. Response due 08/04/2026 17:00.',
        '31/03/2026 14:00 [Formal Dispute (Stage 3): Level 1] Rhian Cole accepted. Note: Supervision visit booked.',
        '31/03/2026 14:05 [Formal Dispute (Stage 3): Level 1] Rhian Cole agreed an action for Tomasz Wren, due 03/04/2026: Visit the carers and update the plan.',
        '02/04/2026 16:00 [Formal Dispute (Stage 3): Level 1] Tomasz Wren marked the action complete: Visit the carers and update the plan.',
        '07/04/2026 10:00 [Formal Dispute (Stage 3): Level 1] Priya Okonjo (FRO) recorded the matter as resolved. Outcome: Monthly supervision restored. Key learning points: Escalate missed visits sooner.',
      ].join('\n'));
    });

    it('without a name lookup it shows person ids, never anything else about them', () => {
      const text = caseNoteText(somersetCase().events);
      assert.ok(text.includes(people.officer));
      assert.ok(!text.includes('Priya'));
    });

    it('a bypass, a withdrawal and an overdue response are recorded in plain words', () => {
      const s = Scenario.of('dudley');
      s.do(raiseStep({
        policyId: 'dudley', alertTypeId: 'drp', entryStageId: 'stage4', to: [people.om], resolutionSoughtBy: '2026-03-06',
        bypass: { reason: 'Child at immediate risk of harm.', emergency: true },
      }), '2026-03-03T10:00:00Z');
      s.do({ type: 'deadline-reached', actor: SYSTEM_ACTOR, key: 'response-due:stage4' }, '2026-03-06T17:00:00Z');
      s.do({ type: 'withdraw', actor: people.officer, reason: 'Placement ended; concern passed to the LADO.' }, '2026-03-09T10:00:00Z');
      const lines = caseNoteText(s.events, nameOf).split('\n');
      assert.match(lines[1] ?? '', /Entered at this stage by bypass: Child at immediate risk of harm\. \(emergency\)\./);
      assert.equal(lines[2], '06/03/2026 17:00 [Stage 4 Formal dispute resolution] No response by 06/03/2026 17:00: the response is overdue.');
      assert.equal(lines[3], '09/03/2026 10:00 [Stage 4 Formal dispute resolution] Priya Okonjo (FRO) withdrew the case. Reason: Placement ended; concern passed to the LADO.');
    });
  });
});
