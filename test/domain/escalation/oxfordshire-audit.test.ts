import assert from 'node:assert/strict';
import { emailHeading, entryKind, getPolicy, PolicyFileError, validatePolicy } from '../../../domain/policies/index.js';
import { Scenario, people, raiseStep } from './harness.js';

/**
 * The 2026 audit of the Oxfordshire ladder against its source, `003_ba65ddae328976d2.txt` §15
 * (DOMAIN.md §2.3): the stages an R&E alert may start at, and the heading of its emails.
 */
const ox = getPolicy('oxfordshire');
const TUE_3_MARCH = '2026-03-03T10:00:00Z';

const faultsOf = (input: unknown): string[] => {
  try {
    validatePolicy(input);
  } catch (error) {
    if (error instanceof PolicyFileError) return error.faults.map((f) => `${f.path}: ${f.message}`);
    throw error;
  }
  return [];
};

describe('Oxfordshire, as the procedure says (audit 2026)', () => {
  describe('O-B1 "a serious conflict over the plan itself is likely to be escalated to Stages 2 and 3 from the outset."', () => {
    it('O-B1: Stages 2 and 3 are entries from the outset; Stages 4 and 5 are bypasses of Stage 1', () => {
      assert.deepEqual(entryKind(ox, 'r_and_e', 'stage1'), { kind: 'entry' });
      assert.deepEqual(entryKind(ox, 'r_and_e', 'stage2'), { kind: 'entry' });
      assert.deepEqual(entryKind(ox, 'r_and_e', 'stage3'), { kind: 'entry' });
      assert.deepEqual(entryKind(ox, 'r_and_e', 'stage4'), { kind: 'bypass', skipped: 'stage1' });
      assert.deepEqual(entryKind(ox, 'r_and_e', 'stage5'), { kind: 'bypass', skipped: 'stage1' });
    });

    for (const [stageId, to, cc] of [['stage4', people.director, people.ddSafeguarding], ['stage5', 'aad-head-of-paid-service', people.director]] as const) {
      it(`O-B1, AMB-17: an R&E alert raised straight at ${stageId} is refused without a reason, and recorded as a bypass with one`, () => {
        const s = Scenario.of('oxfordshire');
        const step = raiseStep({
          policyId: 'oxfordshire', alertTypeId: 'r_and_e', entryStageId: stageId, to: [to], cc: [cc],
          severityFlags: ['human_rights_breach'], resolutionSoughtBy: '2026-03-13',
        });
        assert.deepEqual(s.refused(step, TUE_3_MARCH), {
          code: 'reason-required',
          message: 'Skipping Stage 1 is a bypass: give the reason for going straight to this stage.',
        });
        s.do({ ...step, bypass: { reason: 'Continuing breach of the child\'s right to family life; the Deputy Director has not responded.' } }, TUE_3_MARCH);
        assert.equal(s.state.stage.stageId, stageId);
        // O-B1: "[with the support of the Service Manager]" is advice, not a precondition.
        assert.deepEqual(s.state.stage.bypass, {
          skippedFromStageId: 'stage1',
          reason: 'Continuing breach of the child\'s right to family life; the Deputy Director has not responded.',
          lineManagerDiscussed: false,
          emergency: false,
        });
      });
    }

    it('O-B1: an R&E alert raised at Stage 2 "from the outset" is not a bypass', () => {
      const s = Scenario.of('oxfordshire');
      s.do(raiseStep({ policyId: 'oxfordshire', alertTypeId: 'r_and_e', entryStageId: 'stage2', to: ['aad-ascm'], cc: [people.sm], severityFlags: ['plan_conflict'] }), TUE_3_MARCH);
      assert.equal(s.state.stage.bypass, null);
    });
  });

  describe('AMB-31 "All emails should be headed Resolution and Escalation Alert."', () => {
    it('AMB-31: every email of a Resolution and Escalation Alert is headed "Resolution and Escalation Alert"', () => {
      assert.equal(emailHeading(ox, 'r_and_e'), 'Resolution and Escalation Alert');
    });

    it('AMB-31: the informal discussion (face to face or by telephone) and good-practice notes are not R&E alerts, so are not headed', () => {
      assert.equal(emailHeading(ox, 'informal'), null);
      assert.equal(emailHeading(ox, 'good_practice'), null);
    });

    it('AMB-31: the other three ladders head no emails', () => {
      for (const id of ['dudley', 'somerset', 'cheshire_east']) {
        const policy = getPolicy(id);
        assert.deepEqual(policy.alertTypes.map((t) => emailHeading(policy, t.id)), policy.alertTypes.map(() => null), id);
      }
    });

    it('AMB-31: a heading no alert type uses is refused when the ladder loads, and so is a headed type with no heading', () => {
      const unused = { ...ox, alertTypes: ox.alertTypes.map((t) => ({ ...t, emailsHeaded: false })) };
      assert.deepEqual(faultsOf(unused), [
        'emailSubjectPrefix: no alert type uses this heading; set emailsHeaded: true on the alert types whose emails it heads, or remove it',
      ]);
      assert.deepEqual(faultsOf({ ...ox, emailSubjectPrefix: null }), [
        'alertTypes[2].emailsHeaded: this ladder has no emailSubjectPrefix to head the emails with; set one or remove this',
      ]);
    });

    it('AMB-31: an unknown alert type is refused naming the choices', () => {
      assert.throws(() => emailHeading(ox, 'complaint'), /has no alert type "complaint"; choose one of: good_practice, informal, r_and_e/);
    });
  });
});
