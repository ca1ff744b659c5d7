import assert from 'node:assert/strict';
import {
  cafcassReferralOffered,
  cafcassReferralWindow,
  deadlinesOf,
  type CafcassReferred,
} from '../../../domain/escalation/index.js';
import { getPolicy, PolicyFileError, validatePolicy, type PolicyInput } from '../../../domain/policies/index.js';
import { Scenario, calendar, people, raiseStep } from './harness.js';

/**
 * The 2026 audit of the Cheshire East ladder against its source, the IRO annual report 2020-21
 * (`002_99b551ecd7b21763.txt`, DOMAIN.md §2.4): when a Cafcass referral is offered.
 */
const ce = getPolicy('cheshire_east');
const MON_2_MARCH = '2026-03-02T10:00:00Z';
/** 5 working days informal + "a further 10 days" formal, from Monday 2 March: the end of Monday 23 March. */
const DAY_15_ENDS = '2026-03-23T17:00:00.000Z';

function informal(policyId = 'cheshire_east', scenario = Scenario.of(policyId)): Scenario {
  scenario.do(raiseStep({ policyId, alertTypeId: 'informal', to: [people.tm] }), MON_2_MARCH);
  return scenario;
}

const referred = (s: Scenario): CafcassReferred => {
  const last = s.events.at(-1);
  assert.ok(last && last.type === 'CafcassReferred');
  return last;
};

describe('Cheshire East, as the report says (audit 2026)', () => {
  describe('ESC-C3 "If there is still no agreement after 15 days, then the IRO may escalate the concern to Cafcass."', () => {
    it('ESC-C3, AMB-03, AMB-33: the earliest day is a ladder setting: 15 working days from the informal alert, listed as a gap', () => {
      assert.deepEqual(
        ce.outsideReferral?.earliest && { ...ce.outsideReferral.earliest, rules: [], quotes: [] },
        { workingDays: 15, startsAt: 'informal_raised', rules: [], quotes: [] },
      );
      assert.ok(ce.gaps.some((g) => g.id === 'AMB-33' && g.setting === 'outsideReferral.earliest'));
    });

    it('ESC-C3: the referral is not offered on day 1, nor until the end of the 15th working day', () => {
      const s = informal();
      const ctx = { policy: s.policy, calendar };
      assert.deepEqual(cafcassReferralWindow(s.state, ctx), { kind: 'from', at: DAY_15_ENDS });
      assert.equal(cafcassReferralOffered(s.state, ctx, new Date(MON_2_MARCH)), false);
      assert.equal(cafcassReferralOffered(s.state, ctx, new Date('2026-03-23T16:59:59Z')), false);
      assert.equal(cafcassReferralOffered(s.state, ctx, new Date(DAY_15_ENDS)), true);
    });

    it('ESC-C3: a referral before then is refused, saying from when it is offered and how to use the statutory override', () => {
      const s = informal();
      assert.deepEqual(s.refused({ type: 'refer-to-cafcass', actor: people.officer, reason: 'The plan has drifted.' }, '2026-03-03T10:00:00Z'), {
        code: 'cafcass-not-yet',
        message:
          "Cheshire East Council's procedure offers a Cafcass referral when there is still no agreement after 15 working days from the start of the process: from the end of Monday 23 March 2026. " +
          "To refer now, under the IRO's statutory right to refer at any time, confirm the statutory override; your reason is recorded with it.",
      });
      assert.equal(s.state.status, 'open');
    });

    it('ESC-C3: the 15 days run from the informal alert, not from the escalation to a formal alert', () => {
      const s = informal();
      s.do({ type: 'escalate', actor: people.officer, stageId: 'informal', reason: 'No resolution with the team manager.', to: [people.sm] }, '2026-03-09T10:00:00Z');
      assert.deepEqual(cafcassReferralWindow(s.state, { policy: s.policy, calendar }), { kind: 'from', at: DAY_15_ENDS });
      assert.equal(s.refused({ type: 'refer-to-cafcass', actor: people.officer, reason: 'x' }, '2026-03-20T10:00:00Z').code, 'cafcass-not-yet');
      s.do({ type: 'refer-to-cafcass', actor: people.officer, reason: 'Still no agreement on the plan for discharge after 15 days.' }, '2026-03-24T10:00:00Z');
      assert.deepEqual([s.state.status, referred(s).statutoryOverride], ['referred', false]);
    });

    it('ESC-C3: a formal alert raised without an informal one counts its 15 days from its own raise', () => {
      const s = Scenario.of('cheshire_east');
      s.do(raiseStep({ policyId: 'cheshire_east', alertTypeId: 'formal', to: [people.sm] }), '2026-03-09T10:00:00Z');
      assert.deepEqual(cafcassReferralWindow(s.state, { policy: s.policy, calendar }), { kind: 'from', at: '2026-03-30T16:00:00.000Z' });
    });

    it('ESC-C3: the prompt to consider a referral comes at the same moment, never before', () => {
      const s = informal();
      assert.equal(deadlinesOf(s.state, { policy: s.policy, calendar }).find((d) => d.kind === 'cafcass-prompt')?.dueAt, DAY_15_ENDS);
    });

    it('ESC-C3: a ladder whose prompt would come before the referral is offered is refused when it loads; in other units, the prompt waits for it', () => {
      const base = ce as unknown as PolicyInput & { outsideReferral: NonNullable<PolicyInput['outsideReferral']> };
      const early = { ...base, outsideReferral: { ...base.outsideReferral, promptAfter: { workingDays: 10 } } };
      assert.throws(() => validatePolicy(early), (e: unknown) =>
        e instanceof PolicyFileError && e.faults.some((f) => f.path === 'outsideReferral.promptAfter' && /would come before the referral is offered/.test(f.message)));
      const weekly = validatePolicy({ ...base, outsideReferral: { ...base.outsideReferral, promptAfter: { calendarDays: 7 } } });
      const s = informal('cheshire_east', new Scenario(weekly));
      assert.equal(s.state.cafcassPromptAt, DAY_15_ENDS);
    });
  });

  describe('the IRO\'s statutory right to refer at any time: an explicit override, recorded', () => {
    it('ESC-C3, §2.5: with the statutory override the IRO refers on day 2, and the referral records the override and the reason', () => {
      const s = informal();
      s.do({ type: 'refer-to-cafcass', actor: people.officer, reason: 'The child\'s human rights are being breached now.', statutoryOverride: true }, '2026-03-03T10:00:00Z');
      assert.deepEqual([referred(s).statutoryOverride, referred(s).reason], [true, 'The child\'s human rights are being breached now.']);
      assert.equal(cafcassReferralOffered(s.state, { policy: s.policy, calendar }, new Date('2026-03-24T10:00:00Z')), false, 'a referred case is not offered it again');
    });

    it('the override is only for the officer who raised the case', () => {
      const s = informal();
      assert.equal(s.refused({ type: 'refer-to-cafcass', actor: people.tm, reason: 'x', statutoryOverride: true }, '2026-03-03T10:00:00Z').code, 'not-authorised');
    });

    it('§2.5, AMB-33: Oxfordshire offers the referral whenever the IRO "considers it appropriate", so no override is needed or recorded', () => {
      const ox = getPolicy('oxfordshire');
      assert.equal(ox.outsideReferral?.earliest, null);
      const s = Scenario.of('oxfordshire');
      s.do(raiseStep({ policyId: 'oxfordshire', alertTypeId: 'r_and_e', entryStageId: 'stage2', to: ['aad-ascm'], cc: [people.sm] }), MON_2_MARCH);
      assert.deepEqual(cafcassReferralWindow(s.state, { policy: ox, calendar }), { kind: 'any-time' });
      s.do({ type: 'refer-to-cafcass', actor: people.officer, reason: 'Serious conflict over the plan itself.', statutoryOverride: true }, '2026-03-03T10:00:00Z');
      assert.equal(referred(s).statutoryOverride, false);
    });

    it('§2.5: a foster-carer ladder has no referral window', () => {
      const s = Scenario.of('somerset');
      s.do(raiseStep({ policyId: 'somerset', alertTypeId: 'formal', to: [people.ps, people.tm] }), MON_2_MARCH);
      assert.deepEqual(cafcassReferralWindow(s.state, { policy: s.policy, calendar }), { kind: 'none' });
      assert.equal(cafcassReferralOffered(s.state, { policy: s.policy, calendar }, new Date('2026-06-01T10:00:00Z')), false);
    });
  });
});
