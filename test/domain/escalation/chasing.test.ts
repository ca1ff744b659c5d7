import assert from 'node:assert/strict';
import { SYSTEM_ACTOR, deadlinesOf, type CaseEvent, type DeadlineSpec } from '../../../domain/escalation/index.js';
import { notificationsFor } from '../../../domain/escalation/notifications.js';
import { getPolicy, type Policy } from '../../../domain/policies/index.js';
import { Scenario, calendar, people, raiseStep } from './harness.js';

/**
 * §8.4 chasing, as ladder settings with defaults: the overdue chaser repeats every N working days
 * until the stage is answered, is copied to each addressee's own line manager, the officer and the
 * service manager are warned at 75% of the overall limit and at breach, and a ladder may escalate
 * automatically when a response is overdue (the default prompts the officer).
 */

const due = (s: Scenario): DeadlineSpec[] => deadlinesOf(s.state, { policy: s.policy, calendar });
const dueAt = (s: Scenario, key: string) => due(s).find((d) => d.key === key)?.dueAt;
const reached = (s: Scenario, key: string, at: string) => s.do({ type: 'deadline-reached', actor: SYSTEM_ACTOR, key }, at);
/** Who is told what by a change, as `purpose -> recipients`. */
function told(s: Scenario, events: readonly CaseEvent[]): Record<string, string[]> {
  const before = new Scenario(s.policy, s.caseId);
  before.events.push(...s.events.slice(0, s.events.length - events.length));
  const out: Record<string, string[]> = {};
  for (const n of notificationsFor({ before: before.events.length > 0 ? before.state : undefined, after: s.state, events })) {
    (out[n.purpose] ??= []).push(n.recipient);
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}
const withChasing = (id: string, chasing: Partial<Policy['chasing']>): Policy => {
  const policy = getPolicy(id);
  return { ...policy, chasing: { ...policy.chasing, ...chasing } };
};

/** Dudley QoP alert raised Tuesday 3 March 2026: response due Tuesday 10 March, 17:00. The SSW's manager is the TM; the TM's is the SM. */
function dudleyQop(policy: Policy = getPolicy('dudley')): Scenario {
  const s = new Scenario(policy);
  s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', to: [people.sw, people.tm], actionConfirmers: [people.tm], managers: { [people.sw]: people.tm, [people.tm]: people.sm } }), '2026-03-03T10:00:00Z');
  return s;
}

describe('domain/escalation: chasing (§8.4)', () => {
  describe('the overdue chaser repeats until the stage is answered', () => {
    it('§8.4: with the default interval of 2 working days, repeats fall on Thursday 12 and Monday 16 March, each once', () => {
      const s = dudleyQop();
      assert.equal(s.policy.chasing.repeatEveryWorkingDays, 2);
      reached(s, 'response-due:qop_alert', '2026-03-10T17:00:00Z');
      assert.equal(dueAt(s, 'chase-repeat:qop_alert:1'), '2026-03-12T17:00:00.000Z');
      assert.deepEqual(reached(s, 'chase-repeat:qop_alert:1', '2026-03-12T16:59:00Z'), [], 'not before its time');
      const [first] = reached(s, 'chase-repeat:qop_alert:1', '2026-03-12T17:00:00Z');
      assert.equal(first?.type, 'ChaserRepeated');
      assert.deepEqual(reached(s, 'chase-repeat:qop_alert:1', '2026-03-12T17:05:00Z'), [], 'a replay sends nothing');
      assert.equal(dueAt(s, 'chase-repeat:qop_alert:2'), '2026-03-16T17:00:00.000Z', 'the weekend is not counted');
      const [second] = reached(s, 'chase-repeat:qop_alert:2', '2026-03-16T17:00:00Z');
      assert.equal(second?.type === 'ChaserRepeated' && second.repeat, 2);
    });

    it('§8.4: each repeat chases the addressees in Teams and by email and copies their managers, and prompts nobody again', () => {
      const s = dudleyQop();
      reached(s, 'response-due:qop_alert', '2026-03-10T17:00:00Z');
      const events = reached(s, 'chase-repeat:qop_alert:1', '2026-03-12T17:00:00Z');
      assert.deepEqual(told(s, events), { overdue: [people.sw, people.tm].sort(), 'overdue-copy': [people.sm] });
      assert.ok(notificationsFor({ before: undefined, after: s.state, events }).filter((n) => n.purpose !== 'card-new').every((n) => n.emailToo));
    });

    it('§8.4: a response stops the repeats; so does escalating, and the new stage starts its own clock', () => {
      const answered = dudleyQop();
      reached(answered, 'response-due:qop_alert', '2026-03-10T17:00:00Z');
      answered.do({ type: 'respond', actor: people.sw, stageId: 'qop_alert', response: 'accept' }, '2026-03-11T09:00:00Z');
      assert.deepEqual(due(answered).filter((d) => d.kind === 'chase-repeat'), []);
      assert.deepEqual(reached(answered, 'chase-repeat:qop_alert:1', '2026-03-12T17:00:00Z'), []);

      const escalated = dudleyQop();
      reached(escalated, 'response-due:qop_alert', '2026-03-10T17:00:00Z');
      escalated.do({ type: 'escalate', actor: people.officer, stageId: 'qop_alert', reason: 'No response.', to: [people.sm], cc: [people.hos] }, '2026-03-11T09:00:00Z');
      assert.deepEqual(due(escalated).filter((d) => d.kind === 'chase-repeat'), []);
      assert.ok(due(escalated).some((d) => d.key === 'response-due:stage2'), 'D-B2: a QoP alert escalates to Stage 2');
    });

    it('§8.4: after a delay (nothing could send for a week), the repeats resume on the rhythm after the late chaser, never in a burst', () => {
      const s = dudleyQop();
      // Due Tuesday 10 March; the overdue chaser only went on Wednesday 18th.
      reached(s, 'response-due:qop_alert', '2026-03-18T09:00:00Z');
      const next = due(s).find((d) => d.kind === 'chase-repeat');
      assert.deepEqual(next && { key: next.key, dueAt: next.dueAt }, { key: 'chase-repeat:qop_alert:3', dueAt: '2026-03-18T17:00:00.000Z' }, 'slots 1 and 2 (12 and 16 March), before the late chaser, are skipped');
      const [repeat] = reached(s, 'chase-repeat:qop_alert:3', '2026-03-18T17:00:00Z');
      assert.ok(repeat?.type === 'ChaserRepeated' && repeat.repeat === 1 && repeat.slot === 3, 'it is the first repeat, at slot 3');
      assert.equal(dueAt(s, 'chase-repeat:qop_alert:4'), '2026-03-20T17:00:00.000Z');
    });

    it('§8.4: an interval of 0 chases once only', () => {
      const s = dudleyQop(withChasing('dudley', { repeatEveryWorkingDays: 0 }));
      reached(s, 'response-due:qop_alert', '2026-03-10T17:00:00Z');
      assert.deepEqual(due(s), []);
    });

    it('AMB-07: a repeat due over Christmas skips the bank holidays (due Thursday 24 December 2026, repeat Tuesday 29th)', () => {
      const s = new Scenario(getPolicy('dudley'));
      s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', to: [people.sw] }), '2026-12-17T10:00:00Z');
      assert.equal(s.state.stage.responseDueAt, '2026-12-24T17:00:00.000Z');
      reached(s, 'response-due:qop_alert', '2026-12-24T17:00:00Z');
      assert.equal(dueAt(s, 'chase-repeat:qop_alert:1'), '2026-12-30T17:00:00.000Z', '25 and 28 December are bank holidays: 2 working days after the 24th is the 30th');
    });
  });

  describe('the overdue chaser is copied to each addressee\'s own line manager', () => {
    it('§8.4: the managers found when the stage was entered are copied, except anyone the stage already goes To and the officer', () => {
      const s = dudleyQop();
      assert.deepEqual(s.state.stage.managers, { [people.sw]: people.tm, [people.tm]: people.sm });
      const events = reached(s, 'response-due:qop_alert', '2026-03-10T17:00:00Z');
      const [overdue] = events;
      assert.deepEqual(overdue?.type === 'ResponseOverdue' && overdue.copiedTo, [people.sm], 'the TM is To already; only the TM\'s own manager is copied');
      assert.deepEqual(told(s, events), {
        'card-update': [people.officer, people.sw, people.tm].sort(),
        overdue: [people.sw, people.tm].sort(),
        'overdue-copy': [people.sm],
        'escalate-prompt': [people.officer],
      });
    });

    it('§8.4: a ladder set not to copy managers records none and copies nobody', () => {
      const s = dudleyQop(withChasing('dudley', { copyAddresseesManager: false }));
      assert.deepEqual(s.state.stage.managers, {});
      const [overdue] = reached(s, 'response-due:qop_alert', '2026-03-10T17:00:00Z');
      assert.deepEqual(overdue?.type === 'ResponseOverdue' && overdue.copiedTo, []);
    });
  });

  describe('the overall limit: a warning at 75% and at breach, to the officer and the service manager', () => {
    /** Oxfordshire R&E raised at Stage 1 on Tuesday 3 March 2026: 20 working days from Stage 1 (O-T0). */
    function oxfordshire(policy: Policy = getPolicy('oxfordshire')): Scenario {
      const s = new Scenario(policy);
      s.do(raiseStep({ policyId: 'oxfordshire', alertTypeId: 'r_and_e', entryStageId: 'stage1', to: [people.sw], cc: [people.tm], limitWatchers: [people.sm], resolutionSoughtBy: '2026-03-10' }), '2026-03-03T10:00:00Z');
      return s;
    }

    it('O-T0, §8.4: 75% of 20 working days is the end of working day 15 (Tuesday 24 March), before the limit on Tuesday 31 March', () => {
      const s = oxfordshire();
      assert.equal(s.state.overallLimitAt, '2026-03-31T16:00:00.000Z');
      assert.equal(dueAt(s, 'overall-limit-warning'), '2026-03-24T17:00:00.000Z');
      const events = reached(s, 'overall-limit-warning', '2026-03-24T17:00:00Z');
      const [warning] = events;
      assert.ok(warning?.type === 'OverallLimitWarning');
      assert.equal(warning.percent, 75);
      assert.equal(warning.limitAt, '2026-03-31T16:00:00.000Z');
      assert.deepEqual(told(s, events), { 'limit-warning': [people.officer, people.sm].sort() });
      assert.deepEqual(reached(s, 'overall-limit-warning', '2026-03-25T09:00:00Z'), [], 'never twice');
    });

    it('AMB-01, §8.4: at breach the officer, the stage\'s addressees and the service manager are told, by email too', () => {
      const s = oxfordshire();
      const events = reached(s, 'overall-limit', '2026-03-31T16:00:00Z');
      assert.deepEqual(told(s, events), { 'overall-limit': [people.officer, people.sw, people.sm].sort() });
      assert.ok(notificationsFor({ before: undefined, after: s.state, events }).every((n) => n.emailToo));
    });

    it('§8.4: a warning reached only after the limit has passed (the bot was down) sends nothing: the breach notice says it all', () => {
      const s = oxfordshire();
      assert.deepEqual(reached(s, 'overall-limit-warning', '2026-03-31T16:30:00Z'), []);
      assert.equal(reached(s, 'overall-limit', '2026-03-31T16:30:00Z')[0]?.type, 'OverallLimitReached');
    });

    it('§8.4: a warning share of 0 sends no early warning; a ladder with no overall limit (Dudley) has none', () => {
      assert.equal(dueAt(oxfordshire(withChasing('oxfordshire', { overallLimitWarningPercent: 0 })), 'overall-limit-warning'), undefined);
      assert.equal(dueAt(dudleyQop(), 'overall-limit-warning'), undefined);
      assert.deepEqual(dudleyQop().state.stage.limitWatchers, [], 'nobody is recorded to warn about a limit that does not exist');
    });

    it('§8.4: nothing fires after resolution: a resolved case has no deadlines, and a late deadline does nothing', () => {
      const s = oxfordshire();
      s.do({ type: 'respond', actor: people.sw, stageId: 'stage1', response: 'accept' }, '2026-03-04T10:00:00Z');
      s.do({ type: 'resolve', actor: people.officer, outcome: 'A visit took place.' }, '2026-03-05T10:00:00Z');
      assert.deepEqual(due(s), []);
      for (const key of ['overall-limit-warning', 'overall-limit', 'response-due:stage1', 'chase-repeat:stage1:1']) {
        assert.deepEqual(reached(s, key, '2026-04-30T10:00:00Z'), [], key);
      }
    });
  });

  describe('escalating automatically when overdue: an authority setting, default off', () => {
    it('§8.4: the shipped ladders all prompt the officer ("It is for the IRO to determine")', () => {
      for (const id of ['oxfordshire', 'dudley', 'somerset', 'cheshire_east']) assert.equal(getPolicy(id).chasing.whenOverdue, 'prompt-officer', id);
    });

    it('§8.4: set to escalate automatically, the overdue response moves the case to the next stage, by Resolve, with the reason', () => {
      const s = dudleyQop(withChasing('dudley', { whenOverdue: 'escalate-automatically' }));
      const events = s.do({ type: 'deadline-reached', actor: SYSTEM_ACTOR, key: 'response-due:qop_alert', escalateTo: { to: [people.sm], cc: [people.hos] } }, '2026-03-10T17:00:00Z');
      assert.deepEqual(events.map((e) => e.type), ['ResponseOverdue', 'StageEscalated']);
      const escalated = events[1];
      assert.ok(escalated?.type === 'StageEscalated');
      assert.equal(escalated.actor, SYSTEM_ACTOR);
      assert.equal(escalated.automatic, true);
      assert.deepEqual(events[0]?.type === 'ResponseOverdue' && events[0].copiedTo, [], 'nobody is chased for the stage left behind, so nobody is recorded as copied');
      assert.match(escalated.reason, /No response to .* was received by Tuesday 10 March 2026; escalated automatically/);
      assert.equal(s.state.stage.stageId, 'stage2', 'D-B2: a QoP alert escalates to Stage 2');
      const notices = told(s, events);
      assert.equal(notices.overdue, undefined, 'no chaser for a stage left behind');
      assert.equal(notices['escalate-prompt'], undefined, 'nothing for the officer to decide');
      assert.deepEqual(notices['card-new'], [people.hos, people.sm].sort());
    });

    it('AMB-04, §8.4: escalating automatically to a stage with no timescale takes the ladder\'s default date', () => {
      const policy = withChasing('dudley', { whenOverdue: 'escalate-automatically' });
      const s = new Scenario(policy);
      s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'drp', entryStageId: 'stage3', to: [people.hos], bypass: { reason: 'Urgent.', lineManagerDiscussed: true } }), '2026-03-03T10:00:00Z');
      const dueKey = `response-due:${s.state.stage.stageId}`;
      const events = s.do({ type: 'deadline-reached', actor: SYSTEM_ACTOR, key: dueKey, escalateTo: { to: [people.director] } }, s.state.stage.responseDueAt!);
      const escalated = events.find((e) => e.type === 'StageEscalated');
      assert.ok(escalated?.type === 'StageEscalated', events.map((e) => e.type).join(', '));
      const today = calendar.localDateOf(new Date(s.state.stage.enteredAt));
      assert.equal(escalated.stage.resolutionSoughtBy, calendar.addWorkingDays(today, policy.defaultSoughtByWorkingDays));
    });

    it('§8.4: without the next stage\'s people (none found), or at the last stage, it prompts the officer instead', () => {
      const s = dudleyQop(withChasing('dudley', { whenOverdue: 'escalate-automatically' }));
      const events = reached(s, 'response-due:qop_alert', '2026-03-10T17:00:00Z');
      assert.deepEqual(events.map((e) => e.type), ['ResponseOverdue']);
      assert.deepEqual(told(s, events)['escalate-prompt'], [people.officer]);
    });
  });
});
