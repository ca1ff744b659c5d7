import assert from 'node:assert/strict';
import type { StageEscalated } from '../../../domain/escalation/index.js';
import { Scenario, people, raiseStep } from './harness.js';
import { completeBriefingAnswers } from './briefing-answers.js';

const RAISED = '2026-03-03T10:00:00Z'; // Tuesday
const NEXT_DAY = '2026-03-04T09:30:00Z';
const LATER = '2026-03-10T11:00:00Z';

/** A Dudley QoP alert To the SSW and the Fostering Support TM, who confirms actions complete (AMB-30). */
function dudleyQop(): Scenario {
  const s = Scenario.of('dudley');
  s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', to: [people.sw, people.tm], actionConfirmers: [people.tm] }), RAISED);
  return s;
}

/** A Somerset formal issue To PS and TM, CC the SSW. */
function somersetFormal(): Scenario {
  const s = Scenario.of('somerset');
  s.do(raiseStep({ policyId: 'somerset', alertTypeId: 'formal', to: [people.ps, people.tm], cc: [people.sw] }), RAISED);
  return s;
}

const escalated = (s: Scenario): StageEscalated => {
  const last = s.events.at(-1);
  assert.ok(last && last.type === 'StageEscalated');
  return last;
};

describe('domain/escalation: acting on a case', () => {
  describe('responding (§8.3: accept, propose an alternative, decline with a reason)', () => {
    it('an addressee of the current stage accepts', () => {
      const s = dudleyQop();
      s.do({ type: 'respond', actor: people.tm, stageId: 'qop_alert', response: 'accept' }, NEXT_DAY);
      assert.deepEqual(s.state.stage.response, { response: 'accept', text: null, by: people.tm, at: '2026-03-04T09:30:00.000Z' });
    });

    it('someone only copied cannot respond, and is told why', () => {
      const s = somersetFormal();
      assert.deepEqual(s.refused({ type: 'respond', actor: people.sw, stageId: 'formal', response: 'accept' }, NEXT_DAY), {
        code: 'not-authorised',
        message: 'Only the people Formal Issue Resolution (Stage 2) went To can respond to it; you were copied for information.',
      });
    });

    it('someone with no part in the case cannot act on it at all, whatever their card says', () => {
      const s = dudleyQop();
      for (const step of [
        { type: 'respond', actor: people.stranger, stageId: 'qop_alert', response: 'accept' },
        { type: 'escalate', actor: people.stranger, stageId: 'qop_alert', reason: 'x', to: [people.sm] },
        { type: 'resolve', actor: people.stranger },
      ] as const) {
        assert.deepEqual(s.refused(step, NEXT_DAY), {
          code: 'not-authorised',
          message: 'You have no part in case RES-2026-0142, so you cannot act on it.',
        });
      }
    });

    it('a stage takes one response: a second click is refused and says what was recorded', () => {
      const s = dudleyQop();
      s.do({ type: 'respond', actor: people.sw, stageId: 'qop_alert', response: 'propose-alternative', text: 'A joint visit on 9 March instead.' }, NEXT_DAY);
      for (const actor of [people.sw, people.tm]) {
        assert.deepEqual(s.refused({ type: 'respond', actor, stageId: 'qop_alert', response: 'accept' }, NEXT_DAY), {
          code: 'already-responded',
          message: 'Quality of Practice Alert already has a response (an alternative proposed on 4 March); a stage takes one response.',
        });
      }
    });

    it('declining needs a reason; proposing an alternative needs the alternative', () => {
      const s = dudleyQop();
      assert.deepEqual(s.refused({ type: 'respond', actor: people.tm, stageId: 'qop_alert', response: 'decline' }, NEXT_DAY), {
        code: 'reason-required', message: 'Say why you are declining: a reason is required.',
      });
      assert.equal(s.refused({ type: 'respond', actor: people.tm, stageId: 'qop_alert', response: 'propose-alternative' }, NEXT_DAY).code, 'reason-required');
      s.do({ type: 'respond', actor: people.tm, stageId: 'qop_alert', response: 'decline', text: 'Visits are up to date on the system.' }, NEXT_DAY);
      assert.equal(s.state.stage.response?.text, 'Visits are up to date on the system.');
    });
  });

  describe('agreed actions (D Stage 0, AMB-30)', () => {
    it('an addressee agrees an action with an owner and due date; where the ladder names no confirmer (Somerset), only the owner completes it, once', () => {
      const s = somersetFormal();
      s.do({ type: 'agree-action', actor: people.tm, stageId: 'formal', actionId: 'act-1', owner: people.sw, dueDate: '2026-03-06', text: 'Upload the Safer Caring statement.' }, NEXT_DAY);
      assert.deepEqual(s.refused({ type: 'complete-action', actor: people.tm, actionId: 'act-1' }, LATER), {
        code: 'not-authorised', message: 'Only the owner of this action can mark it complete.',
      });
      s.do({ type: 'complete-action', actor: people.sw, actionId: 'act-1', note: 'Uploaded to LCS.' }, LATER);
      assert.equal(s.state.actions[0]?.completedBy, people.sw);
      assert.deepEqual(s.refused({ type: 'complete-action', actor: people.sw, actionId: 'act-1' }, LATER), {
        code: 'action-already-complete', message: 'This action was already marked complete on 10 March.',
      });
      assert.equal(s.refused({ type: 'complete-action', actor: people.sw, actionId: 'act-9' }, LATER).code, 'unknown-action');
    });

    it('someone copied cannot agree actions; an action id is used once; a past due date is refused', () => {
      const s = somersetFormal();
      const step = { type: 'agree-action', actor: people.sw, stageId: 'formal', actionId: 'a1', owner: people.sw, dueDate: '2026-03-06', text: 'Book supervision.' } as const;
      assert.equal(s.refused(step, NEXT_DAY).code, 'not-authorised');
      s.do({ ...step, actor: people.officer }, NEXT_DAY);
      assert.equal(s.refused({ ...step, actor: people.tm }, NEXT_DAY).code, 'duplicate-action');
      assert.deepEqual(s.refused({ ...step, actor: people.tm, actionId: 'a2', dueDate: '2026-03-02' }, NEXT_DAY), {
        code: 'date-in-past', message: "The action's due date, Monday 2 March 2026, has passed; choose today or a later date.",
      });
    });

    it('the action owner may act on the case even if never addressed', () => {
      const s = somersetFormal();
      s.do({ type: 'agree-action', actor: people.officer, stageId: 'formal', actionId: 'a1', owner: people.om, dueDate: '2026-03-06', text: 'Arrange training.' }, NEXT_DAY);
      s.do({ type: 'complete-action', actor: people.om, actionId: 'a1' }, LATER);
      assert.ok(s.state.actions.every((a) => a.completedAt !== null));
    });
  });

  describe('escalating and bypassing (D-B1, D-B2, AMB-13, AMB-23, AMB-26, S-B1)', () => {
    it('only the raising officer escalates', () => {
      const s = dudleyQop();
      assert.deepEqual(s.refused({ type: 'escalate', actor: people.tm, stageId: 'qop_alert', reason: 'No reply.', to: [people.sm] }, LATER), {
        code: 'not-authorised', message: 'Only the FIRO who raised this alert can escalate it.',
      });
    });

    it('D-B2, AMB-13: escalating a Dudley QoP alert goes straight to Stage 2, with a new 5 working-day clock', () => {
      const s = dudleyQop();
      s.do({ type: 'escalate', actor: people.officer, stageId: 'qop_alert', reason: 'No response and no visit booked.', to: [people.sm, people.hos] }, LATER);
      assert.equal(s.state.stage.stageId, 'stage2');
      assert.equal(s.state.stage.responseDueAt, '2026-03-17T17:00:00.000Z');
      assert.deepEqual(s.state.previousStages.map((v) => [v.stageId, v.leftAt]), [['qop_alert', '2026-03-10T11:00:00.000Z']]);
      assert.equal(escalated(s).bypass, null);
    });

    it('a stale card never acts: "This alert moved to Stage 2 on 10 March; your card was for the QoP alert"', () => {
      const s = dudleyQop();
      s.do({ type: 'escalate', actor: people.officer, stageId: 'qop_alert', reason: 'No response.', to: [people.sm] }, LATER);
      assert.deepEqual(s.refused({ type: 'respond', actor: people.tm, stageId: 'qop_alert', response: 'accept' }, LATER), {
        code: 'stale-stage',
        message: 'This alert moved to Stage 2 Formal dispute resolution on 10 March; your card was for Quality of Practice Alert.',
      });
      assert.deepEqual(s.refused({ type: 'escalate', actor: people.officer, stageId: 'stage4', reason: 'x', to: [people.director] }, LATER), {
        code: 'stale-stage',
        message: 'This alert is at Stage 2 Formal dispute resolution; your card was for Stage 4 Formal dispute resolution, which it has not reached.',
      });
    });

    it('a card rendered from an older version is refused even at the same stage', () => {
      const s = dudleyQop();
      s.do({ type: 'record-chase', actor: people.officer, stageId: 'qop_alert' }, NEXT_DAY);
      assert.deepEqual(s.refused({ type: 'respond', actor: people.tm, stageId: 'qop_alert', response: 'accept', expectedVersion: 1 }, NEXT_DAY), {
        code: 'stale-version', message: 'This alert has changed since your card was shown (1 update since); look at the latest card and act again.',
      });
      s.do({ type: 'respond', actor: people.tm, stageId: 'qop_alert', response: 'accept', expectedVersion: 2 }, NEXT_DAY);
    });

    it('§8.4: a reminder changes nothing on the card, so a card drawn before it still acts', () => {
      const s = dudleyQop();
      const drawnAt = s.state.revision;
      // D-T0: raised Tuesday 3 March, due Tuesday 10 March; the reminder falls a working day before.
      s.do({ type: 'deadline-reached', actor: 'system', key: 'reminder:qop_alert' }, '2026-03-09T17:00:00Z');
      assert.equal(s.events.at(-1)?.type, 'ReminderDue');
      assert.equal(s.state.revision, drawnAt, 'the reminder leaves the card revision alone');
      s.do({ type: 'respond', actor: people.tm, stageId: 'qop_alert', response: 'accept', expectedVersion: drawnAt }, '2026-03-10T09:00:00Z');
      assert.equal(s.state.stage.response?.response, 'accept');
    });

    it('an overdue response does show on the card, so a card drawn before it is refused as stale', () => {
      const s = dudleyQop();
      const drawnAt = s.state.revision;
      s.do({ type: 'deadline-reached', actor: 'system', key: 'response-due:qop_alert' }, '2026-03-10T17:00:00Z');
      assert.equal(s.state.revision, drawnAt + 1);
      assert.equal(s.refused({ type: 'respond', actor: people.tm, stageId: 'qop_alert', response: 'accept', expectedVersion: drawnAt }, LATER).code, 'stale-version');
    });

    it('AMB-13: bypassing from the QoP alert to Stage 1 skips nothing, so needs no line-manager discussion', () => {
      const s = dudleyQop();
      s.do({ type: 'bypass', actor: people.officer, stageId: 'qop_alert', targetStageId: 'stage1', reason: 'Prefer a TM meeting first.', to: [people.tm] }, LATER);
      assert.equal(s.state.stage.stageId, 'stage1');
      assert.equal(escalated(s).bypass, null);
    });

    it('D-B1: bypassing Stage 2 to Stage 3 needs the line-manager discussion, recorded with the reason', () => {
      const s = dudleyQop();
      const step = { type: 'bypass', actor: people.officer, stageId: 'qop_alert', targetStageId: 'stage3', reason: 'Concern about suitability of the placement.', to: [people.hos] } as const;
      assert.equal(s.refused(step, LATER).code, 'bypass-needs-line-manager');
      s.do({ ...step, lineManagerDiscussed: true }, LATER);
      assert.deepEqual(escalated(s).bypass, { skippedFromStageId: 'stage2', reason: 'Concern about suitability of the placement.', lineManagerDiscussed: true, emergency: false });
    });

    it('a bypass moves up the ladder only, to a stage that exists', () => {
      const s = dudleyQop();
      s.do({ type: 'escalate', actor: people.officer, stageId: 'qop_alert', reason: 'No response.', to: [people.sm] }, LATER);
      assert.deepEqual(s.refused({ type: 'bypass', actor: people.officer, stageId: 'stage2', targetStageId: 'stage1', reason: 'x', to: [people.tm] }, LATER), {
        code: 'not-a-later-stage', message: 'A bypass moves up the ladder: Stage 1 Formal dispute resolution is not after Stage 2 Formal dispute resolution.',
      });
      assert.equal(s.refused({ type: 'bypass', actor: people.officer, stageId: 'stage2', targetStageId: 'stage9', reason: 'x', to: [people.tm] }, LATER).code, 'unknown-stage');
    });

    it('AMB-26, ESC-D4: Dudley Stage 4 is sent by the HOS Safeguarding and Review and needs a date; it is the last stage', () => {
      const s = dudleyQop();
      s.do({ type: 'bypass', actor: people.officer, stageId: 'qop_alert', targetStageId: 'stage4', reason: 'Immediate risk.', emergency: true, to: [people.director], resolutionSoughtBy: '2026-03-13' }, LATER);
      assert.equal(s.state.stage.senderRole, 'hos_safeguarding_and_review');
      assert.deepEqual(s.refused({ type: 'escalate', actor: people.officer, stageId: 'stage4', reason: 'x', to: [people.director] }, LATER), {
        code: 'no-further-stage',
        message: "Stage 4 Formal dispute resolution is the last stage of Dudley MBC's ladder; resolve the alert or withdraw it.",
      });
    });

    it('S-B1: a Somerset bypass needs only the reason', () => {
      const s = somersetFormal();
      s.do({ type: 'bypass', actor: people.officer, stageId: 'formal', targetStageId: 'level3', reason: 'Two levels have already been tried informally.', to: [people.dd], cc: [people.tm, people.om, people.hos] }, LATER);
      assert.equal(escalated(s).bypass?.skippedFromStageId, 'level1');
    });

    it('AMB-20: escalating to Somerset Level 4 flags the Director briefing note', () => {
      const s = Scenario.of('somerset');
      s.do(raiseStep({ policyId: 'somerset', alertTypeId: 'dispute', entryStageId: 'level3', to: [people.dd] }), RAISED);
      // Level 4 is entered only with the briefing note complete (briefing.test.ts).
      s.do({ type: 'complete-briefing', actor: people.officer, stageId: 'level3', forStageId: 'level4', answers: completeBriefingAnswers(), sendTo: [people.director, people.dd] }, LATER);
      s.do({ type: 'escalate', actor: people.officer, stageId: 'level3', reason: 'Not resolved.', to: [people.director], cc: [people.tm, people.om, people.hos, people.dd], resolutionSoughtBy: '2026-03-20' }, LATER);
      assert.equal(escalated(s).stage.directorBriefingRequired, true);
    });

    it('AMB-23: Oxfordshire Stage 4 does not alert the Deputy Director Safeguarding again if already aware', () => {
      const s = Scenario.of('oxfordshire');
      s.do(raiseStep({ policyId: 'oxfordshire', alertTypeId: 'r_and_e', entryStageId: 'stage3', to: [people.dd], cc: [people.ddSafeguarding], resolutionSoughtBy: '2026-03-10' }), RAISED);
      s.do({ type: 'escalate', actor: people.officer, stageId: 'stage3', reason: 'Continuing failure to respond.', to: [people.director], cc: [people.ddSafeguarding], resolutionSoughtBy: '2026-03-13' }, LATER);
      assert.deepEqual(s.state.stage.cc, []);
      assert.deepEqual(escalated(s).ccNotRealerted, [people.ddSafeguarding]);
    });

    it('AMB-23: the Deputy Director Safeguarding is alerted at Stage 4 when not told before', () => {
      const s = Scenario.of('oxfordshire');
      s.do(raiseStep({ policyId: 'oxfordshire', alertTypeId: 'r_and_e', entryStageId: 'stage3', to: [people.dd], cc: [people.sm], resolutionSoughtBy: '2026-03-10' }), RAISED);
      s.do({ type: 'escalate', actor: people.officer, stageId: 'stage3', reason: 'Continuing failure to respond.', to: [people.director], cc: [people.ddSafeguarding], resolutionSoughtBy: '2026-03-13' }, LATER);
      assert.deepEqual(s.state.stage.cc, [people.ddSafeguarding]);
    });

    it('escalating needs the next stage\'s people and, where the stage has no time, a date', () => {
      const s = Scenario.of('oxfordshire');
      s.do(raiseStep({ policyId: 'oxfordshire', alertTypeId: 'r_and_e', entryStageId: 'stage2', to: ['aad-ascm'], cc: [people.sm] }), RAISED);
      assert.equal(s.refused({ type: 'escalate', actor: people.officer, stageId: 'stage2', reason: 'x', to: [] }, LATER).code, 'no-addressee');
      assert.equal(s.refused({ type: 'escalate', actor: people.officer, stageId: 'stage2', reason: 'x', to: [people.dd] }, LATER).code, 'resolution-date-required');
      assert.equal(s.refused({ type: 'escalate', actor: people.officer, stageId: 'stage2', reason: ' ', to: [people.dd], resolutionSoughtBy: '2026-03-13' }, LATER).code, 'reason-required');
    });
  });

  describe('closing (AMB-30, §2.5, AMB-33)', () => {
    it('AMB-30 Dudley: the FIRO cannot confirm resolution while an agreed action is not confirmed complete by the Team Manager', () => {
      const s = dudleyQop();
      s.do({ type: 'agree-action', actor: people.tm, stageId: 'qop_alert', actionId: 'a1', owner: people.tm, dueDate: '2026-03-06', text: 'Book the overdue training.' }, NEXT_DAY);
      assert.deepEqual(s.refused({ type: 'resolve', actor: people.officer, outcome: 'Training booked for 12 March.' }, LATER), {
        code: 'closure-incomplete',
        message: 'Dudley MBC closes a case only with 1 agreed action confirmed complete by the Fostering Support Team Manager. The record: Quality of Practice alert form on LCS: the Team Manager confirms the actions are complete, then the FIRO confirms the matter is resolved, with the outcome.',
      });
      s.do({ type: 'complete-action', actor: people.tm, actionId: 'a1' }, LATER);
      s.do({ type: 'resolve', actor: people.officer, outcome: 'Training booked for 12 March.' }, LATER);
      assert.equal(s.state.status, 'resolved');
    });

    it('AMB-30 Somerset: resolving needs the outcome and the key learning points', () => {
      const s = somersetFormal();
      const refusal = s.refused({ type: 'resolve', actor: people.officer, outcome: 'Supervision now monthly.' }, LATER);
      assert.equal(refusal.code, 'closure-incomplete');
      assert.match(refusal.message, /^Somerset Council closes a case only with the key learning points\. The record: /);
      s.do({ type: 'resolve', actor: people.officer, outcome: 'Supervision now monthly.', keyLearningPoints: 'Track visits on the team dashboard.' }, LATER);
      assert.deepEqual([s.state.outcome, s.state.keyLearningPoints], ['Supervision now monthly.', 'Track visits on the team dashboard.']);
    });

    it('only the raising officer resolves or withdraws', () => {
      const s = somersetFormal();
      assert.equal(s.refused({ type: 'resolve', actor: people.tm, outcome: 'x', keyLearningPoints: 'y' }, LATER).message, 'Only the FRO who raised this alert can resolve it.');
      assert.equal(s.refused({ type: 'withdraw', actor: people.tm, reason: 'x' }, LATER).message, 'Only the FRO who raised this alert can withdraw it.');
    });

    it('a closed case refuses everything, saying when and how it closed', () => {
      const s = somersetFormal();
      s.do({ type: 'withdraw', actor: people.officer, reason: 'Raised on the wrong carer record.' }, LATER);
      assert.deepEqual(s.refused({ type: 'respond', actor: people.tm, stageId: 'formal', response: 'accept' }, LATER), {
        code: 'case-closed', message: 'This alert was withdrawn on 10 March; nothing more can be done on it.',
      });
      assert.equal(s.refused({ type: 'resolve', actor: people.officer, outcome: 'x', keyLearningPoints: 'y' }, LATER).code, 'case-closed');
    });

    it('§2.5: a foster-carer ladder has no Cafcass referral', () => {
      const s = somersetFormal();
      assert.deepEqual(s.refused({ type: 'refer-to-cafcass', actor: people.officer, reason: 'x' }, LATER), {
        code: 'no-outside-referral',
        message: "Somerset Council's ladder has no Cafcass referral: Cafcass is for children's cases, and this procedure names none.",
      });
    });

    it('§2.5: an Oxfordshire IRO refers to Cafcass with reasons; afterwards only the outcome can be recorded', () => {
      const s = Scenario.of('oxfordshire');
      s.do(raiseStep({ policyId: 'oxfordshire', alertTypeId: 'r_and_e', entryStageId: 'stage2', to: ['aad-ascm'], cc: [people.sm] }), RAISED);
      assert.equal(s.refused({ type: 'refer-to-cafcass', actor: people.sm, reason: 'x' }, LATER).code, 'not-authorised');
      s.do({ type: 'refer-to-cafcass', actor: people.officer, reason: 'The plan has drifted for 20 working days despite Stage 3.' }, LATER);
      assert.equal(s.state.status, 'referred');
      assert.deepEqual(s.refused({ type: 'respond', actor: 'aad-ascm', stageId: 'stage2', response: 'accept' }, LATER), {
        code: 'case-closed', message: 'This alert was referred to Cafcass on 10 March; only its outcome can now be recorded.',
      });
      s.do({ type: 'resolve', actor: people.officer, outcome: 'Cafcass issued proceedings; plan revised.' }, '2026-04-20T10:00:00Z');
      assert.equal(s.state.status, 'resolved');
    });
  });

  it('commands on a case that does not exist are refused', () => {
    const s = Scenario.of('dudley');
    assert.deepEqual(s.refused({ type: 'respond', actor: people.tm, stageId: 'qop_alert', response: 'accept' }, LATER), {
      code: 'not-found', message: 'There is no case with id case-0001; it may not have been raised yet.',
    });
  });
});
