import assert from 'node:assert/strict';
import { actionConfirmersOf, hasPart, mayCompleteAction, type CaseRaised } from '../../../domain/escalation/index.js';
import { actionConfirmerRoles, getPolicy, recipientRoles } from '../../../domain/policies/index.js';
import { Scenario, people, raiseStep } from './harness.js';

/**
 * The 2026 audit of the Dudley ladder against its source, `000_d0729f27a4114716.txt` §6
 * (DOMAIN.md §2.1): bypass on entry, who the DRP goes to, who confirms actions and closes, the
 * care-plan-only routing, and who Stage 4 copies.
 */
const dudley = getPolicy('dudley');
const RAISED = '2026-03-03T10:00:00Z'; // Tuesday
const NEXT_DAY = '2026-03-04T09:30:00Z';
const LATER = '2026-03-10T11:00:00Z';
const DRP = ['supervising_social_worker', 'fostering_support_team_manager', 'fostering_service_manager'] as const;

function raised(s: Scenario): CaseRaised {
  const first = s.events[0];
  assert.ok(first && first.type === 'CaseRaised');
  return first;
}

/** A QoP alert To the SSW and the Fostering Support TM, the directory having found the TM as the confirmer. */
function qop(): Scenario {
  const s = Scenario.of('dudley');
  s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', to: [people.sw, people.tm], actionConfirmers: [people.tm] }), RAISED);
  return s;
}

describe('Dudley, as the procedure says (audit 2026)', () => {
  describe('D-B1 "The FIRO may bypass any stage and progress the issue to the level s/he considers appropriate subject to prior discussion with their line manager, except in emergencies."', () => {
    const step = raiseStep({ policyId: 'dudley', alertTypeId: 'drp', entryStageId: 'stage3', to: [people.sw, people.tm, people.sm, people.hos] });

    it('D-B1: a DRP raised straight at Stage 3 skips Stage 2, so it needs a reason and the line-manager discussion', () => {
      const s = Scenario.of('dudley');
      assert.equal(s.refused(step, RAISED).code, 'reason-required');
      assert.deepEqual(s.refused({ ...step, bypass: { reason: 'The Fostering Service Manager is the subject of the concern.' } }, RAISED), {
        code: 'bypass-needs-line-manager',
        message: 'Dudley MBC lets the FIRO bypass a stage only after discussing it with their line manager, except in an emergency. Confirm the discussion took place, or mark this an emergency.',
      });
      s.do({ ...step, bypass: { reason: 'The Fostering Service Manager is the subject of the concern.', lineManagerDiscussed: true } }, RAISED);
      assert.deepEqual(raised(s).bypass, {
        skippedFromStageId: 'stage2', reason: 'The Fostering Service Manager is the subject of the concern.', lineManagerDiscussed: true, emergency: false,
      });
    });

    it('D-B1 "except in emergencies": in an emergency the DRP may start at Stage 3 without the discussion, recorded as such', () => {
      const s = Scenario.of('dudley');
      s.do({ ...step, bypass: { reason: 'A child is at immediate risk of harm.', emergency: true } }, RAISED);
      assert.deepEqual(s.state.stage.bypass, { skippedFromStageId: 'stage2', reason: 'A child is at immediate risk of harm.', lineManagerDiscussed: false, emergency: true });
    });

    it('D-B1: Stage 1 (the Team Manager meeting, "or an immediate concern if reported outside of the Review process") stays a plain entry', () => {
      const s = Scenario.of('dudley');
      s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'drp', entryStageId: 'stage1', to: [people.tm] }), RAISED);
      assert.equal(s.state.stage.bypass, null);
    });
  });

  describe('AMB-15 "The DRP will be sent to the Supervising Social, Fostering Support Team Manager, Fostering Service Manager."', () => {
    it('AMB-15: at its default Stage 2 the DRP goes to those three and the S&R Service Manager, whom Stage 2 meets ("Fostering Service Manager and S&R Service Manager")', () => {
      assert.deepEqual(recipientRoles(dudley, 'stage2', 'drp'), { to: [...DRP, 'sr_service_manager'], cc: [] });
    });

    it('AMB-15: at whatever stage the DRP starts, it goes to those three beside that stage\'s own people', () => {
      assert.deepEqual(recipientRoles(dudley, 'stage1', 'drp'), { to: [...DRP, 'team_manager'], cc: [] });
      assert.deepEqual(recipientRoles(dudley, 'stage3', 'drp'), { to: [...DRP, 'hos_children_in_care_and_resources', 'head_of_safeguarding_practice_qa'], cc: [] });
      const s4 = recipientRoles(dudley, 'stage4', 'drp');
      assert.deepEqual(s4.to, [...DRP, 'service_director']);
    });

    it('AMB-15: an escalation is not the DRP being sent: it goes to the stage\'s own people', () => {
      assert.deepEqual(recipientRoles(dudley, 'stage2'), { to: ['fostering_service_manager', 'sr_service_manager'], cc: [] });
    });
  });

  describe('AMB-30 "The Team Manager will confirm when actions are completed, and FIRO will confirm that the matter has been resolved."', () => {
    it('AMB-30: the roles the directory resolves as confirmers are the Fostering Support Team Manager\'s (the Team Manager the QoP alert goes to, AMB-14)', () => {
      assert.deepEqual(actionConfirmerRoles(dudley), ['fostering_support_team_manager']);
      assert.deepEqual(actionConfirmerRoles(getPolicy('somerset')), []);
    });

    it('AMB-30: the confirmers the directory found are recorded on the stage entry, on raise and on every escalation', () => {
      const s = qop();
      assert.deepEqual(raised(s).stage.actionConfirmers, [people.tm]);
      s.do({ type: 'escalate', actor: people.officer, stageId: 'qop_alert', reason: 'No response.', to: [people.sm], actionConfirmers: [people.tm, people.tm] }, LATER);
      assert.deepEqual(s.state.stage.actionConfirmers, [people.tm]);
      assert.deepEqual(actionConfirmersOf(s.state), [people.tm]);
    });

    it('AMB-30: the owner of an action who is not the Team Manager cannot confirm it complete; the Team Manager does', () => {
      const s = qop();
      s.do({ type: 'agree-action', actor: people.tm, stageId: 'qop_alert', actionId: 'a1', owner: people.sw, dueDate: '2026-03-06', text: 'Book the overdue supervision visit.' }, NEXT_DAY);
      const action = s.state.actions[0];
      assert.ok(action);
      assert.deepEqual([people.sw, people.tm, people.officer].map((p) => mayCompleteAction(s.state, dudley, p, action)), [false, true, false]);
      assert.deepEqual(s.refused({ type: 'complete-action', actor: people.sw, actionId: 'a1' }, LATER), {
        code: 'not-authorised',
        message: "In Dudley MBC's procedure the Fostering Support Team Manager confirms when actions are completed; ask them to mark this action complete.",
      });
      s.do({ type: 'complete-action', actor: people.tm, actionId: 'a1', note: 'Visit held on 9 March.' }, LATER);
      assert.equal(s.state.actions[0]?.completedBy, people.tm);
    });

    it('AMB-30: a Team Manager the directory found as confirmer, though never sent the case, may act on it', () => {
      const s = Scenario.of('dudley');
      s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', to: [people.sw], actionConfirmers: [people.om] }), RAISED);
      assert.ok(hasPart(s.state, people.om));
      s.do({ type: 'agree-action', actor: people.officer, stageId: 'qop_alert', actionId: 'a1', owner: people.sw, dueDate: '2026-03-06', text: 'Upload the Safer Caring statement.' }, NEXT_DAY);
      s.do({ type: 'complete-action', actor: people.om, actionId: 'a1' }, LATER);
    });

    it('AMB-30: with no Team Manager found for the case, completing an action is refused saying so, and nothing is recorded', () => {
      const s = Scenario.of('dudley');
      s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', to: [people.sw, people.tm] }), RAISED);
      s.do({ type: 'agree-action', actor: people.tm, stageId: 'qop_alert', actionId: 'a1', owner: people.tm, dueDate: '2026-03-06', text: 'Arrange training.' }, NEXT_DAY);
      assert.deepEqual(s.refused({ type: 'complete-action', actor: people.tm, actionId: 'a1' }, LATER), {
        code: 'no-action-confirmer',
        message: "In Dudley MBC's procedure the Fostering Support Team Manager confirms when actions are completed, but the directory found nobody in that role for this case when it entered Quality of Practice Alert; ask your administrator to add them to the directory.",
      });
      assert.equal(s.state.actions[0]?.completedAt, null);
    });

    it('AMB-30: "FIRO will confirm that the matter has been resolved": only the FIRO closes, and only with the outcome', () => {
      const s = qop();
      assert.equal(s.refused({ type: 'resolve', actor: people.tm, outcome: 'Visits back on track.' }, LATER).message, 'Only the FIRO who raised this alert can resolve it.');
      assert.deepEqual(s.refused({ type: 'resolve', actor: people.officer }, LATER), {
        code: 'closure-incomplete',
        message: 'Dudley MBC closes a case only with the outcome. The record: Quality of Practice alert form on LCS: the Team Manager confirms the actions are complete, then the FIRO confirms the matter is resolved, with the outcome.',
      });
      s.do({ type: 'resolve', actor: people.officer, outcome: 'Visits back on track.' }, LATER);
      assert.deepEqual([s.state.status, s.state.outcome], ['resolved', 'Visits back on track.']);
    });

    it('AMB-30: on a ladder where the owner confirms (Somerset), confirmers passed in are not recorded, and the owner may mark it done', () => {
      const s = Scenario.of('somerset');
      s.do(raiseStep({ policyId: 'somerset', alertTypeId: 'formal', to: [people.ps, people.tm], actionConfirmers: [people.tm] }), RAISED);
      assert.deepEqual(s.state.stage.actionConfirmers, []);
      assert.deepEqual([people.sw, people.tm].map((p) => mayCompleteAction(s.state, s.policy, p, { owner: people.sw })), [true, false]);
    });
  });

  describe('D-P6, AMB-29 "Where the issues of concern relate solely to a child care plan the FIRO will refer the matter directly to the child’s IRO for her/him to take appropriate action."', () => {
    for (const alertTypeId of ['qop', 'drp']) {
      it(`D-P6: a ${alertTypeId} raised as solely about a child's care plan is refused, directing the FIRO to the child's IRO; nothing is recorded`, () => {
        const s = Scenario.of('dudley');
        const refusal = s.refused(raiseStep({ policyId: 'dudley', alertTypeId, solelyAboutChildCarePlan: true, to: [people.sw, people.tm] }), RAISED);
        assert.equal(refusal.code, 'refer-to-child-iro');
        assert.match(refusal.message, /^Where the issues of concern relate solely to a child's care plan, the FIRO refers the matter directly to the child's IRO for them to take appropriate action \(Dudley MBC's procedure\); it is not raised as a /);
        assert.match(refusal.message, /Refer it to the child's IRO; if there are concerns about the foster carer's care or support as well, raise those without marking the issue as solely about the care plan\.$/);
        assert.equal(s.events.length, 0);
      });
    }

    it('D-P6: the same concern not marked as solely about the care plan is raised as usual', () => {
      const s = Scenario.of('dudley');
      s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', solelyAboutChildCarePlan: false, to: [people.sw, people.tm] }), RAISED);
      assert.equal(s.state.stage.stageId, 'qop_alert');
    });

    it('D-P6 is Dudley\'s routing: an IRO ladder (Oxfordshire), where the care plan is the IRO\'s own business, raises the alert', () => {
      assert.equal(getPolicy('oxfordshire').carePlanOnlyIssuesToChildIro, false);
      const s = Scenario.of('oxfordshire');
      s.do(raiseStep({ policyId: 'oxfordshire', alertTypeId: 'r_and_e', solelyAboutChildCarePlan: true, resolutionSoughtBy: '2026-03-10' }), RAISED);
      assert.equal(s.state.status, 'open');
    });
  });

  describe('ESC-D4 "HOS safeguarding and Review alerts Service Director.  Service Director meeting with FIRO and HOS’s."', () => {
    it('ESC-D4: Stage 4 goes To the Service Director and copies the Heads of Service, the HOS Safeguarding and Review among them', () => {
      assert.deepEqual(recipientRoles(dudley, 'stage4'), {
        to: ['service_director'],
        cc: ['hos_safeguarding_and_review', 'hos_children_in_care_and_resources', 'head_of_safeguarding_practice_qa'],
      });
    });

    it('ESC-D4: escalating from Stage 3 to Stage 4 copies the Heads of Service the directory found', () => {
      const s = Scenario.of('dudley');
      s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'drp', to: [people.sw, people.tm, people.sm] }), RAISED);
      s.do({ type: 'escalate', actor: people.officer, stageId: 'stage2', reason: 'No agreement at the Stage 2 meeting.', to: [people.hos, 'aad-hos-safeguarding-qa'] }, LATER);
      s.do({ type: 'escalate', actor: people.officer, stageId: 'stage3', reason: 'Responses unsatisfactory.', to: [people.director], cc: ['aad-hos-sr', people.hos, 'aad-hos-safeguarding-qa'], resolutionSoughtBy: '2026-03-24' }, '2026-03-17T11:00:00Z');
      assert.deepEqual([s.state.stage.to, s.state.stage.cc], [[people.director], ['aad-hos-sr', people.hos, 'aad-hos-safeguarding-qa']]);
    });
  });
});
