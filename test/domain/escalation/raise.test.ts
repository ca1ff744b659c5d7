import assert from 'node:assert/strict';
import { deadlinesOf, type CaseRaised } from '../../../domain/escalation/index.js';
import { getPolicy, validatePolicy } from '../../../domain/policies/index.js';
import { Scenario, calendar, people, raiseStep } from './harness.js';

const TUE_3_MARCH = '2026-03-03T10:00:00Z';
const MON_2_MARCH = '2026-03-02T10:00:00Z';

function raised(scenario: Scenario): CaseRaised {
  const first = scenario.events[0];
  assert.ok(first && first.type === 'CaseRaised');
  return first;
}

describe('domain/escalation: raising a case', () => {
  describe('response times (D-T0, ESC-*, AMB-03/04/05)', () => {
    it('D-T0: a Dudley QoP alert raised on Tuesday 3 March is due at the end of the 5th working day, Tuesday 10 March 17:00', () => {
      const s = Scenario.of('dudley');
      s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', to: [people.sw, people.tm] }), TUE_3_MARCH);
      assert.equal(raised(s).stage.stageId, 'qop_alert');
      assert.equal(s.state.stage.responseDueAt, '2026-03-10T17:00:00.000Z');
    });

    it('D-T0 over Easter: raised Thursday 2 April 2026, Good Friday and Easter Monday are skipped, due Monday 13 April 17:00 BST', () => {
      const s = Scenario.of('dudley');
      s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'qop' }), '2026-04-02T09:00:00Z');
      assert.equal(s.state.stage.responseDueAt, '2026-04-13T16:00:00.000Z');
    });

    it('D-T0, AMB-05: an alternative timescale agreed with the FIRO may run past the 5 working days', () => {
      const s = Scenario.of('dudley');
      s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', resolutionSoughtBy: '2026-03-20' }), TUE_3_MARCH);
      assert.equal(s.state.stage.responseDueAt, '2026-03-20T17:00:00.000Z');
      assert.equal(s.state.stage.resolutionSoughtBy, '2026-03-20');
    });

    it('ESC-S1, AMB-05: a Somerset informal date may be earlier than 10 working days', () => {
      const s = Scenario.of('somerset');
      s.do(raiseStep({ policyId: 'somerset', alertTypeId: 'informal', resolutionSoughtBy: '2026-03-13' }), MON_2_MARCH);
      assert.equal(s.state.stage.responseDueAt, '2026-03-13T17:00:00.000Z');
    });

    it('ESC-S1, AMB-05: "Up to a maximum of 10 working days": a later date is refused, naming the latest allowed', () => {
      const s = Scenario.of('somerset');
      const refusal = s.refused(raiseStep({ policyId: 'somerset', alertTypeId: 'informal', resolutionSoughtBy: '2026-03-17' }), MON_2_MARCH);
      assert.deepEqual(refusal, {
        code: 'resolution-date-too-late',
        message: 'Informal Resolution (Stage 1) allows at most 10 working days: the latest date resolution can be sought by is Monday 16 March 2026, not Tuesday 17 March 2026.',
      });
    });

    it('AMB-05: a date that has already passed is refused', () => {
      const s = Scenario.of('dudley');
      const refusal = s.refused(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', resolutionSoughtBy: '2026-03-02' }), TUE_3_MARCH);
      assert.equal(refusal.code, 'date-in-past');
      assert.equal(refusal.message, 'The date resolution is sought by, Monday 2 March 2026, has passed; choose today or a later date.');
    });

    it('AMB-04, ESC-S6: a Somerset Level 4 dispute has no timescale, so the FRO must set the date resolution is sought by', () => {
      const s = Scenario.of('somerset');
      const refusal = s.refused(raiseStep({ policyId: 'somerset', alertTypeId: 'dispute', entryStageId: 'level4', to: [people.director] }), MON_2_MARCH);
      assert.deepEqual(refusal, {
        code: 'resolution-date-required',
        message: "Formal Dispute (Stage 3): Level 4 has no timescale in Somerset Council's procedure: set the date resolution is sought by.",
      });
      s.do(raiseStep({ policyId: 'somerset', alertTypeId: 'dispute', entryStageId: 'level4', to: [people.director], resolutionSoughtBy: '2026-03-27' }), MON_2_MARCH);
      assert.equal(s.state.stage.responseDueAt, '2026-03-27T17:00:00.000Z');
    });

    it('AMB-20: a case entering Somerset Level 4 carries the Director briefing requirement', () => {
      const s = Scenario.of('somerset');
      s.do(raiseStep({ policyId: 'somerset', alertTypeId: 'dispute', entryStageId: 'level4', to: [people.director], resolutionSoughtBy: '2026-03-27' }), MON_2_MARCH);
      assert.equal(raised(s).stage.directorBriefingRequired, true);
    });

    it('an officer\'s date on a weekend runs to the end of the Friday before it', () => {
      const s = Scenario.of('oxfordshire');
      s.do(raiseStep({ policyId: 'oxfordshire', alertTypeId: 'r_and_e', cc: [people.tm], resolutionSoughtBy: '2026-03-15' }), TUE_3_MARCH);
      assert.equal(s.state.stage.responseDueAt, '2026-03-13T17:00:00.000Z');
    });
  });

  describe('entry stage and bypass (D-B1, D-B2, S-B1, S-B2, O-B1, AMB-15, AMB-17, AMB-28)', () => {
    it('AMB-15: a Dudley DRP enters at Stage 2 by default, To the people the directory resolved', () => {
      const s = Scenario.of('dudley');
      s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'drp', to: [people.sw, people.tm, people.sm] }), TUE_3_MARCH);
      assert.equal(s.state.stage.stageId, 'stage2');
      assert.deepEqual(s.state.stage.to, [people.sw, people.tm, people.sm]);
      assert.equal(s.state.stage.bypass, null);
    });

    it('AMB-15: a DRP may be entered at Stage 1 without counting as a bypass (Stage 3 is a bypass: see dudley-audit.test.ts)', () => {
      const s = Scenario.of('dudley');
      s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'drp', entryStageId: 'stage1' }), TUE_3_MARCH);
      assert.equal(s.state.stage.stageId, 'stage1');
      assert.equal(s.state.stage.bypass, null);
    });

    it('D-B1: a DRP started at Stage 4 is a bypass, refused until the line-manager discussion is confirmed', () => {
      const s = Scenario.of('dudley');
      const step = raiseStep({ policyId: 'dudley', alertTypeId: 'drp', entryStageId: 'stage4', to: [people.director], resolutionSoughtBy: '2026-03-13' });
      assert.equal(s.refused(step, TUE_3_MARCH).code, 'reason-required');
      const refusal = s.refused({ ...step, bypass: { reason: 'Placement at risk of breakdown this week.' } }, TUE_3_MARCH);
      assert.deepEqual(refusal, {
        code: 'bypass-needs-line-manager',
        message: 'Dudley MBC lets the FIRO bypass a stage only after discussing it with their line manager, except in an emergency. Confirm the discussion took place, or mark this an emergency.',
      });
      s.do({ ...step, bypass: { reason: 'Placement at risk of breakdown this week.', lineManagerDiscussed: true } }, TUE_3_MARCH);
      assert.deepEqual(s.state.stage.bypass, {
        skippedFromStageId: 'stage2', reason: 'Placement at risk of breakdown this week.', lineManagerDiscussed: true, emergency: false,
      });
    });

    it('D-B1: in an emergency the FIRO may bypass without the line-manager discussion', () => {
      const s = Scenario.of('dudley');
      s.do(raiseStep({
        policyId: 'dudley', alertTypeId: 'drp', entryStageId: 'stage4', to: [people.director], resolutionSoughtBy: '2026-03-04',
        bypass: { reason: 'A child is at immediate risk of harm.', emergency: true },
      }), TUE_3_MARCH);
      assert.equal(s.state.stage.stageId, 'stage4');
      assert.equal(s.state.stage.bypass?.emergency, true);
    });

    it('S-B1: a Somerset FRO may start an informal issue at Dispute Level 2 with a reason and no line-manager condition', () => {
      const s = Scenario.of('somerset');
      s.do(raiseStep({
        policyId: 'somerset', alertTypeId: 'informal', entryStageId: 'level2', to: [people.hos], cc: [people.tm, people.om],
        bypass: { reason: 'Third missed supervision visit; the carer is considering resigning.' },
      }), MON_2_MARCH);
      assert.equal(s.state.stage.stageId, 'level2');
      assert.equal(s.state.stage.bypass?.skippedFromStageId, 'informal');
      assert.equal(s.state.stage.bypass?.lineManagerDiscussed, false);
    });

    it('S-B2: a Somerset dispute may start at any level without a bypass', () => {
      const s = Scenario.of('somerset');
      s.do(raiseStep({ policyId: 'somerset', alertTypeId: 'dispute', entryStageId: 'level3', to: [people.dd] }), MON_2_MARCH);
      assert.equal(s.state.stage.bypass, null);
    });

    it('a case cannot start before its type\'s entry stage', () => {
      const s = Scenario.of('somerset');
      const refusal = s.refused(raiseStep({ policyId: 'somerset', alertTypeId: 'dispute', entryStageId: 'informal' }), MON_2_MARCH);
      assert.deepEqual(refusal, {
        code: 'not-an-entry-stage',
        message: 'A Formal Dispute starts at Formal Dispute (Stage 3): Level 1; it cannot start earlier, at Informal Resolution (Stage 1).',
      });
    });

    it('O-B1, AMB-28: an Oxfordshire alert flagged as a potential human-rights breach may start at Stage 3 with no bypass', () => {
      const s = Scenario.of('oxfordshire');
      s.do(raiseStep({
        policyId: 'oxfordshire', alertTypeId: 'r_and_e', entryStageId: 'stage3', to: [people.dd], cc: [people.sm],
        severityFlags: ['human_rights_breach'], category: 'Judgement', resolutionSoughtBy: '2026-03-10',
      }), TUE_3_MARCH);
      assert.deepEqual(s.state.severityFlags, ['human_rights_breach']);
      assert.equal(s.state.stage.ccLabel, 'Alert');
      assert.equal(s.state.stage.bypass, null);
    });

    it('AMB-28: an unknown severity flag is refused, naming the ladder\'s flags', () => {
      const s = Scenario.of('oxfordshire');
      const refusal = s.refused(raiseStep({ policyId: 'oxfordshire', alertTypeId: 'r_and_e', severityFlags: ['urgent'], resolutionSoughtBy: '2026-03-10' }), TUE_3_MARCH);
      assert.equal(refusal.message, '"urgent" is not a severity flag on Oxfordshire County Council\'s ladder; flags: serious_safeguarding, plan_conflict, failure_to_respond, human_rights_breach.');
    });

    it('O-P2: a category outside the ladder\'s list is refused with the choices', () => {
      const s = Scenario.of('oxfordshire');
      const refusal = s.refused(raiseStep({ policyId: 'oxfordshire', alertTypeId: 'r_and_e', category: 'Finance', resolutionSoughtBy: '2026-03-10' }), TUE_3_MARCH);
      assert.deepEqual(refusal, {
        code: 'unknown-category',
        message: '"Finance" is not a category for a Resolution and Escalation Alert; choose one of: Practice; Judgement; Clarification of accountability; Strategic issues.',
      });
    });

    it('§2.1.2: a Dudley QoP alert takes one of its five verbatim triggers as its category', () => {
      const s = Scenario.of('dudley');
      s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', category: 'Training has not been provided' }), TUE_3_MARCH);
      assert.equal(s.state.category, 'Training has not been provided');
    });
  });

  describe('notifications, suspensions and bad input', () => {
    it('D-P4, AMB-16: a Good or Excellent Practice Notification is sent and complete, with no deadlines and nothing to answer', () => {
      const s = Scenario.of('dudley');
      s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'good_practice', to: [people.sw], cc: [people.tm], issue: 'Excellent support through a placement move.' }), TUE_3_MARCH);
      assert.equal(s.state.status, 'resolved');
      assert.equal(s.state.stage.stageId, 'notification');
      assert.deepEqual(deadlinesOf(s.state, { policy: s.policy, calendar }), []);
      const refusal = s.refused({ type: 'respond', actor: people.sw, stageId: 'notification', response: 'accept' }, TUE_3_MARCH);
      assert.deepEqual(refusal, { code: 'case-closed', message: 'This notification was sent on 3 March and needs no response.' });
    });

    it('AMB-32: no alerts are raised inside a suspension window, but a good-practice alert still is', () => {
      const ce = getPolicy('cheshire_east');
      const suspended = validatePolicy({ ...ce, suspensionWindows: [{ from: '2026-03-01', to: '2026-04-30', reason: 'alerts paused by agreement' }] });
      const s = new Scenario(suspended);
      const refusal = s.refused(raiseStep({ policyId: 'cheshire_east', alertTypeId: 'informal', to: [people.tm] }), TUE_3_MARCH);
      assert.deepEqual(refusal, {
        code: 'alerts-suspended',
        message: 'Cheshire East Council agreed not to raise alerts from Sunday 1 March 2026 to Thursday 30 April 2026 (alerts paused by agreement); resolve this by discussion and record it in a case note.',
      });
      s.do(raiseStep({ policyId: 'cheshire_east', alertTypeId: 'good_practice' }), TUE_3_MARCH);
      assert.equal(s.state.kind, 'notification');
    });

    it('an unknown alert type is refused with the ladder\'s types', () => {
      const s = Scenario.of('somerset');
      assert.deepEqual(s.refused(raiseStep({ policyId: 'somerset', alertTypeId: 'qop' }), MON_2_MARCH), {
        code: 'unknown-alert-type',
        message: 'Somerset Council has no alert type "qop"; choose one of: informal (Informal Resolution), formal (Formal Issue Resolution), dispute (Formal Dispute).',
      });
    });

    it('a raise form missing the issue, with a full name for initials, is refused field by field', () => {
      const s = Scenario.of('dudley');
      const refusal = s.refused(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', issue: '  ', subjectInitials: 'Jamie Tate', to: [] }), TUE_3_MARCH);
      assert.equal(refusal.code, 'invalid-command');
      assert.equal(refusal.message, 'The command is not complete: subjectInitials: must be initials only, e.g. "J.T."; issue: the issue must not be empty.');
    });

    it('a raise that the directory found nobody To for is refused as no-addressee, naming the roles the stage goes to', () => {
      const s = Scenario.of('dudley');
      const refusal = s.refused(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', to: [] }), TUE_3_MARCH);
      assert.equal(refusal.code, 'no-addressee');
      assert.match(refusal.message, /^Nobody in the directory holds the roles Quality of Practice Alert goes to \(.+\) for this case/);
    });

    it('an alert or dispute raised without the allocated worker is refused, saying whom to give', () => {
      const s = Scenario.of('dudley');
      const { allocatedWorkerId: _none, ...withoutWorker } = raiseStep({ policyId: 'dudley', alertTypeId: 'qop' });
      assert.deepEqual(s.refused(withoutWorker, TUE_3_MARCH), {
        code: 'allocated-worker-required',
        message: 'A Quality of Practice Alert needs the case\'s allocated worker: give the child\'s allocated social worker, or the foster carer\'s supervising social worker, so that every stage reaches the right people.',
      });
      assert.equal(s.refused(withoutWorker, TUE_3_MARCH).code, 'allocated-worker-required');
      const { allocatedWorkerId: _also, ...dispute } = raiseStep({ policyId: 'dudley', alertTypeId: 'drp', resolutionSoughtBy: '2026-03-06' });
      assert.equal(s.refused(dispute, TUE_3_MARCH).code, 'allocated-worker-required');
      assert.equal(s.events.length, 0, 'nothing was recorded');
    });

    it('the allocated worker is recorded in the raise and kept in the case state for later stages', () => {
      const s = Scenario.of('oxfordshire');
      s.do(raiseStep({ policyId: 'oxfordshire', alertTypeId: 'r_and_e', allocatedWorkerId: people.sw, resolutionSoughtBy: '2026-03-10' }), TUE_3_MARCH);
      assert.equal(raised(s).allocatedWorkerId, people.sw);
      s.do({ type: 'escalate', actor: people.officer, stageId: 'stage1', reason: 'No reply.', to: [people.om] }, '2026-03-11T10:00:00Z');
      assert.equal(s.state.allocatedWorkerId, people.sw);
    });

    it('D-P4: a good-practice notification may be sent without an allocated worker', () => {
      const s = Scenario.of('dudley');
      const { allocatedWorkerId: _none, ...withoutWorker } = raiseStep({ policyId: 'dudley', alertTypeId: 'good_practice' });
      s.do(withoutWorker, TUE_3_MARCH);
      assert.equal(s.state.allocatedWorkerId, null);
    });

    it('a raise for another ladder than the one deciding is refused', () => {
      const s = Scenario.of('dudley');
      assert.equal(s.refused(raiseStep({ policyId: 'somerset', alertTypeId: 'informal' }), TUE_3_MARCH).code, 'policy-mismatch');
    });

    it('a case cannot be raised twice', () => {
      const s = Scenario.of('dudley');
      s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'qop' }), TUE_3_MARCH);
      assert.deepEqual(s.refused(raiseStep({ policyId: 'dudley', alertTypeId: 'qop' }), TUE_3_MARCH), {
        code: 'already-raised',
        message: 'Case RES-2026-0142 was already raised on 3 March; raise a new case for a new issue.',
      });
    });

    it('GOV-07: the event stamps the ladder version and keeps only ids, initials and the officer\'s words', () => {
      const s = Scenario.of('oxfordshire');
      s.do(raiseStep({ policyId: 'oxfordshire', alertTypeId: 'r_and_e', cc: [people.tm], resolutionSoughtBy: '2026-03-10' }), TUE_3_MARCH);
      const event = raised(s);
      assert.equal(event.policyVersion, '1.0.0');
      assert.deepEqual(JSON.parse(JSON.stringify(event)), event);
      assert.deepEqual(Object.keys(event).sort(), [
        'actor', 'alertTypeId', 'alertTypeLabel', 'allocatedWorkerId', 'at', 'authority', 'bypass', 'cafcassPromptAt', 'caseId', 'category', 'impactOnChild',
        'issue', 'kind', 'overallLimitAt', 'policyId', 'policyVersion', 'reference', 'resolutionSought', 'severityFlags', 'stage',
        'subjectInitials', 'type',
      ]);
    });

    it('a person named both To and CC is only To; duplicates are dropped', () => {
      const s = Scenario.of('somerset');
      s.do(raiseStep({ policyId: 'somerset', alertTypeId: 'formal', to: [people.ps, people.tm, people.ps], cc: [people.tm, people.sw] }), MON_2_MARCH);
      assert.deepEqual([s.state.stage.to, s.state.stage.cc], [[people.ps, people.tm], [people.sw]]);
    });
  });
});
