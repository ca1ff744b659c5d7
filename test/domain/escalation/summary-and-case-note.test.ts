import assert from 'node:assert/strict';
import { SYSTEM_ACTOR, caseNoteText, peopleIn, summarise } from '../../../domain/escalation/index.js';
import { getPolicy } from '../../../domain/policies/index.js';
import { Scenario, people, raiseStep } from './harness.js';

/** Fictional people from graph/samples/organisation.yaml, described as the directory would ("Name, Role"). */
const DESCRIBED: Record<string, string> = {
  [people.officer]: 'Elin Rhys, Fostering Reviewing Officer',
  [people.sw]: 'Niamh Delaney, Supervising Social Worker',
  [people.ps]: 'Oliver Chen-Harris, Practice Supervisor, Fostering Support',
  [people.tm]: 'Kwame Asante, Team Manager, Fostering Support',
  [people.om]: 'Declan Morrow, Service Manager, Fostering',
  [people.sm]: 'Rupert Elms, Service Manager, Safeguarding and Quality Assurance',
  [people.hos]: 'Grace Nwankwo, Head of Service, Children in Care and Fostering',
  [people.dd]: 'Tomasz Wieczorek, Deputy Director, Children and Families',
  [people.director]: "Helena Marsh-Adeyemi, Director of Children's Services",
};
const describePerson = (id: string) => DESCRIBED[id] ?? 'a person no longer in the directory';
/** An Entra object id: what the export must never print (DOMAIN §6.1). */
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

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

  describe('caseNoteText (DOMAIN §6.1, REC-01 to REC-05: the case note an officer pastes into LCS, Mosaic or Eclipse)', () => {
    it('§6.1: a heading (reference, initials, alert type, authority, who raised it and when, allocated worker), then one dated entry a line, in Europe/London time (GMT then BST)', () => {
      assert.equal(caseNoteText(somersetCase().events, describePerson, getPolicy('somerset')), [
        'Case RES-2026-0142 (J.T.): Formal Issue Resolution, Somerset Council. Raised by Elin Rhys, Fostering Reviewing Officer, on Friday 20 March 2026, 10:15.' +
          ' Allocated worker: Niamh Delaney, Supervising Social Worker.',
        'Friday 20 March 2026, 10:15 [Formal Issue Resolution (Stage 2)] Elin Rhys, Fostering Reviewing Officer, raised the Formal Issue Resolution.' +
          ' Category: "Statutory requirements for the foster carer(s) not being met". Issue: "Statutory visits have not taken place since January."' +
          ' Impact: "J.T. has not seen their social worker and is anxious about contact." Resolution sought: "A visit within the week and a plan for monthly visits."' +
          ' It went to Oliver Chen-Harris, Practice Supervisor, Fostering Support; and Kwame Asante, Team Manager, Fostering Support.' +
          ' Niamh Delaney, Supervising Social Worker, was copied in. A response was requested by 17:00 on Friday 27 March 2026.',
        'Thursday 26 March 2026, 17:00 [Formal Issue Resolution (Stage 2)] Resolve sent a reminder that a response is due by 17:00 on Friday 27 March 2026.',
        'Monday 30 March 2026, 09:30 [Formal Dispute (Stage 3): Level 1] Elin Rhys, Fostering Reviewing Officer, escalated the case from Formal Issue Resolution (Stage 2)' +
          ' to Formal Dispute (Stage 3): Level 1 because "No reply from the PS or TM." It went to Declan Morrow, Service Manager, Fostering.' +
          ' Oliver Chen-Harris, Practice Supervisor, Fostering Support; and Kwame Asante, Team Manager, Fostering Support, were copied in.' +
          ' A response was requested by 17:00 on Wednesday 8 April 2026.',
        'Tuesday 31 March 2026, 14:00 [Formal Dispute (Stage 3): Level 1] Declan Morrow, Service Manager, Fostering, accepted, noting "Supervision visit booked."',
        'Tuesday 31 March 2026, 14:05 [Formal Dispute (Stage 3): Level 1] Declan Morrow, Service Manager, Fostering, agreed an action for Niamh Delaney, Supervising Social Worker,' +
          ' due by Friday 3 April 2026: "Visit the carers and update the plan."',
        'Thursday 2 April 2026, 16:00 [Formal Dispute (Stage 3): Level 1] Niamh Delaney, Supervising Social Worker, marked their action as complete: "Visit the carers and update the plan."',
        'Tuesday 7 April 2026, 10:00 [Formal Dispute (Stage 3): Level 1] Elin Rhys, Fostering Reviewing Officer, recorded the case as resolved.' +
          ' Outcome: "Monthly supervision restored." Key learning points: "Escalate missed visits sooner."',
      ].join('\n'));
    });

    it('§6.1: every person is named with their role, and no person id is ever printed', () => {
      const s = somersetCase();
      const text = caseNoteText(s.events, describePerson, getPolicy('somerset'));
      for (const id of Object.values(people)) assert.ok(!text.includes(id), `${id} is printed`);
      assert.doesNotMatch(text, GUID);
      assert.match(text, /Declan Morrow, Service Manager, Fostering, accepted/);
    });

    it('§6.1: each response is stated with its words and date: accepted, proposed an alternative ("…"), declined because "…"', () => {
      const responded = (response: 'accept' | 'propose-alternative' | 'decline', text?: string) => {
        const s = Scenario.of('cheshire_east');
        s.do(raiseStep({ policyId: 'cheshire_east', alertTypeId: 'informal', to: [people.tm], cc: [people.sw] }), '2026-03-02T10:00:00Z');
        s.do({ type: 'respond', actor: people.tm, stageId: 'informal', response, ...(text !== undefined && { text }) }, '2026-03-04T14:30:00Z');
        return caseNoteText(s.events, describePerson, getPolicy('cheshire_east')).split('\n')[2];
      };
      const at = 'Wednesday 4 March 2026, 14:30 [Informal practice alert] Kwame Asante, Team Manager, Fostering Support,';
      assert.equal(responded('accept'), `${at} accepted.`);
      assert.equal(responded('propose-alternative', 'A joint visit with the IRO next week'), `${at} proposed an alternative: "A joint visit with the IRO next week".`);
      assert.equal(responded('decline', 'The plan was updated on Monday.'), `${at} declined because "The plan was updated on Monday."`);
    });

    it('§6.1: an escalation states its reason, who it went to, who was alerted (Oxfordshire\'s word) and who already knew (AMB-23)', () => {
      const s = Scenario.of('oxfordshire');
      s.do(raiseStep({ policyId: 'oxfordshire', alertTypeId: 'r_and_e', entryStageId: 'stage1', to: [people.sw], cc: [people.tm], resolutionSoughtBy: '2026-03-13' }), '2026-03-09T10:00:00Z');
      s.do({ type: 'escalate', actor: people.officer, stageId: 'stage1', reason: 'No visit has been booked.', resolutionSoughtBy: '2026-03-20', to: [people.sm], cc: [people.dd] }, '2026-03-16T10:00:00Z');
      s.do({ type: 'escalate', actor: people.officer, stageId: 'stage2', reason: 'Still no visit.', resolutionSoughtBy: '2026-03-27', to: [people.dd], cc: [people.hos] }, '2026-03-23T10:00:00Z');
      s.do({ type: 'escalate', actor: people.officer, stageId: 'stage3', reason: 'The placement is at risk.', resolutionSoughtBy: '2026-04-02', to: [people.director], cc: [people.dd] }, '2026-03-30T10:00:00Z');
      const lines = caseNoteText(s.events, describePerson, getPolicy('oxfordshire')).split('\n');
      assert.equal(lines[2], 'Monday 16 March 2026, 10:00 [Stage 2] Elin Rhys, Fostering Reviewing Officer, escalated the case from Stage 1 to Stage 2 because "No visit has been booked."' +
        ' It went to Rupert Elms, Service Manager, Safeguarding and Quality Assurance. Tomasz Wieczorek, Deputy Director, Children and Families, was alerted.' +
        ' Resolution was sought by Friday 20 March 2026. A response was requested by 17:00 on Friday 20 March 2026.');
      assert.match(lines[4] ?? '', /^Monday 30 March 2026, 11:00 \[Stage 4\] .* It went to Helena Marsh-Adeyemi, Director of Children's Services\. Tomasz Wieczorek, Deputy Director, Children and Families, was already aware and not alerted again\./);
    });

    it('§6.1: a bypass is recorded with its reason, the line-manager discussion and the emergency; a withdrawal with its reason; an overdue response with its deadline', () => {
      const s = Scenario.of('dudley');
      s.do(raiseStep({
        policyId: 'dudley', alertTypeId: 'drp', entryStageId: 'stage4', to: [people.om], resolutionSoughtBy: '2026-03-06',
        issue: 'The carers\' household has changed and no assessment is booked.', impactOnChild: 'The carers are unsure what support they will have.',
        bypass: { reason: 'Immediate risk of placement breakdown.', emergency: true },
      }), '2026-03-03T10:00:00Z');
      s.do({ type: 'deadline-reached', actor: SYSTEM_ACTOR, key: 'response-due:stage4' }, '2026-03-06T17:00:00Z');
      s.do({ type: 'withdraw', actor: people.officer, reason: 'Placement ended; concern passed to the LADO.' }, '2026-03-09T10:00:00Z');
      const lines = caseNoteText(s.events, describePerson, getPolicy('dudley')).split('\n');
      assert.match(lines[1] ?? '', /raised the Formal Dispute Resolution \(DRP\)\. The case entered at this stage, bypassing the stages before it, because "Immediate risk of placement breakdown\." It was an emergency\./);
      assert.equal(lines[2], 'Friday 6 March 2026, 17:00 [Stage 4 Formal dispute resolution] No response by 17:00 on Friday 6 March 2026: the response is overdue.');
      assert.equal(lines[3], 'Monday 9 March 2026, 10:00 [Stage 4 Formal dispute resolution] Elin Rhys, Fostering Reviewing Officer, withdrew the case because "Placement ended; concern passed to the LADO."');
    });

    it('§6.1: an agreed action names its owner and due date; its completion and an action left overdue are recorded', () => {
      const s = Scenario.of('cheshire_east');
      s.do(raiseStep({ policyId: 'cheshire_east', alertTypeId: 'informal', to: [people.tm], cc: [people.sw] }), '2026-03-02T10:00:00Z');
      s.do({ type: 'agree-action', actor: people.tm, stageId: 'informal', actionId: 'a1', owner: people.sw, dueDate: '2026-03-06', text: 'Update the care plan' }, '2026-03-04T10:00:00Z');
      s.do({ type: 'agree-action', actor: people.tm, stageId: 'informal', actionId: 'a2', owner: people.ps, dueDate: '2026-03-05', text: 'Arrange training.' }, '2026-03-04T10:05:00Z');
      s.do({ type: 'deadline-reached', actor: SYSTEM_ACTOR, key: 'action-due:a2' }, '2026-03-05T17:00:00Z');
      s.do({ type: 'complete-action', actor: people.sw, actionId: 'a1', note: 'Shared with the carers.' }, '2026-03-06T09:00:00Z');
      const lines = caseNoteText(s.events, describePerson, getPolicy('cheshire_east')).split('\n');
      assert.deepEqual(lines.slice(2), [
        'Wednesday 4 March 2026, 10:00 [Informal practice alert] Kwame Asante, Team Manager, Fostering Support, agreed an action for Niamh Delaney, Supervising Social Worker, due by Friday 6 March 2026: "Update the care plan".',
        'Wednesday 4 March 2026, 10:05 [Informal practice alert] Kwame Asante, Team Manager, Fostering Support, agreed an action for Oliver Chen-Harris, Practice Supervisor, Fostering Support, due by Thursday 5 March 2026: "Arrange training."',
        'Thursday 5 March 2026, 17:00 [Informal practice alert] The action agreed for Oliver Chen-Harris, Practice Supervisor, Fostering Support, was not complete by 17:00 on Thursday 5 March 2026: "Arrange training."',
        'Friday 6 March 2026, 09:00 [Informal practice alert] Niamh Delaney, Supervising Social Worker, marked their action as complete: "Update the care plan". Note: "Shared with the carers."',
      ]);
    });

    it('§6.1: a resolution quotes its outcome, and says so when no key learning points were recorded', () => {
      const s = Scenario.of('cheshire_east');
      s.do(raiseStep({ policyId: 'cheshire_east', alertTypeId: 'informal', to: [people.tm] }), '2026-03-02T10:00:00Z');
      s.do({ type: 'resolve', actor: people.officer, outcome: 'The plan was updated' }, '2026-03-04T10:00:00Z');
      assert.equal(caseNoteText(s.events, describePerson).split('\n').at(-1),
        'Wednesday 4 March 2026, 10:00 [Informal practice alert] Elin Rhys, Fostering Reviewing Officer, recorded the case as resolved. Outcome: "The plan was updated". No key learning points were recorded.');
    });

    it('§6.1: a foster carer\'s case (Dudley, Somerset) never says "child"; a child\'s case uses the ladder\'s own word', () => {
      for (const policyId of ['dudley', 'somerset'] as const) {
        const s = Scenario.of(policyId);
        const alertTypeId = policyId === 'dudley' ? 'qop' : 'informal';
        s.do(raiseStep({ policyId, alertTypeId, to: [people.sw], issue: 'Supervision has lapsed since January.', impactOnChild: 'The carers feel unsupported.' }), '2026-03-03T10:00:00Z');
        const text = caseNoteText(s.events, describePerson, getPolicy(policyId));
        assert.doesNotMatch(text, /child/i, `${policyId}: ${text}`);
        assert.match(text, / Impact: "The carers feel unsupported\."/);
      }
      const s = Scenario.of('oxfordshire');
      s.do(raiseStep({ policyId: 'oxfordshire', alertTypeId: 'r_and_e', entryStageId: 'stage1', to: [people.sw], resolutionSoughtBy: '2026-03-13' }), '2026-03-09T10:00:00Z');
      assert.match(caseNoteText(s.events, describePerson, getPolicy('oxfordshire')), / Impact on the looked after child: "J\.T\. has not seen their social worker/);
      assert.match(caseNoteText(s.events, describePerson), / Impact: "J\.T\./, 'without the ladder, the neutral label');
    });

    it('without a description of people the note names nobody, and still prints no person id', () => {
      const text = caseNoteText(somersetCase().events);
      for (const id of Object.values(people)) assert.ok(!text.includes(id), `${id} is printed`);
      assert.match(text, /^Case RES-2026-0142 \(J\.T\.\): Formal Issue Resolution, Somerset Council\. Raised by an unnamed person on Friday 20 March 2026, 10:15\./);
    });

    it('peopleIn lists everyone the note describes, once each, without Resolve itself', () => {
      assert.deepEqual(peopleIn(somersetCase().events), [people.officer, people.sw, people.ps, people.tm, people.om]);
    });
  });
});
