import assert from 'node:assert/strict';
import { SYSTEM_ACTOR, deadlinesOf, summarise, type DeadlineSpec } from '../../../domain/escalation/index.js';
import { Scenario, calendar, people, raiseStep } from './harness.js';

const due = (s: Scenario): DeadlineSpec[] => deadlinesOf(s.state, { policy: s.policy, calendar });
const byKey = (s: Scenario) => Object.fromEntries(due(s).map((d) => [d.key, d.dueAt]));
const reached = (s: Scenario, key: string, at: string) => s.do({ type: 'deadline-reached', actor: SYSTEM_ACTOR, key }, at);

/** A Dudley QoP alert To the SSW and the Fostering Support TM, who confirms actions complete (AMB-30). */
function dudleyQop(at = '2026-03-03T10:00:00Z'): Scenario {
  const s = Scenario.of('dudley');
  s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', to: [people.sw, people.tm], actionConfirmers: [people.tm] }), at);
  return s;
}

describe('domain/escalation: deadlines (§4.8, §8.4)', () => {
  describe('the current stage\'s response and its reminder', () => {
    it('ESC-D0, §8.4: a Dudley QoP alert raised Tuesday 3 March has a reminder 1 WD before (Monday 9th) and is due Tuesday 10th, 17:00', () => {
      assert.deepEqual(due(dudleyQop()), [
        { key: 'reminder:qop_alert', kind: 'reminder', dueAt: '2026-03-09T17:00:00.000Z', stageId: 'qop_alert' },
        { key: 'response-due:qop_alert', kind: 'response-due', dueAt: '2026-03-10T17:00:00.000Z', stageId: 'qop_alert' },
      ]);
    });

    it('a deadline reached early does nothing; at its time it fires once; a replay does nothing (idempotent)', () => {
      const s = dudleyQop();
      assert.deepEqual(reached(s, 'reminder:qop_alert', '2026-03-09T16:59:59Z'), []);
      const [event] = reached(s, 'reminder:qop_alert', '2026-03-09T17:00:00Z');
      assert.deepEqual(event, {
        type: 'ReminderDue', caseId: 'case-0001', actor: SYSTEM_ACTOR, at: '2026-03-09T17:00:00.000Z',
        key: 'reminder:qop_alert', dueAt: '2026-03-09T17:00:00.000Z', stageId: 'qop_alert', responseDueAt: '2026-03-10T17:00:00.000Z',
      });
      assert.deepEqual(reached(s, 'reminder:qop_alert', '2026-03-09T17:05:00Z'), []);
      assert.deepEqual(due(s).map((d) => d.key), ['response-due:qop_alert']);
    });

    it('§8.4: an overdue response is reported and the case is not escalated automatically', () => {
      const s = dudleyQop();
      const [event] = reached(s, 'response-due:qop_alert', '2026-03-10T17:00:00Z');
      assert.equal(event?.type, 'ResponseOverdue');
      assert.equal(s.state.stage.stageId, 'qop_alert');
      assert.equal(s.state.status, 'open');
      assert.equal(summarise(s.state, new Date('2026-03-10T17:01:00Z')).overdue, true);
      assert.deepEqual(due(s).map((d) => d.kind), ['chase-repeat'], 'only the repeat chaser is left (§8.4)');
    });

    it('a reminder reached late, after the response fell due, sends nothing', () => {
      const s = dudleyQop();
      assert.deepEqual(reached(s, 'reminder:qop_alert', '2026-03-10T17:30:00Z'), []);
      assert.equal(reached(s, 'response-due:qop_alert', '2026-03-10T17:30:00Z')[0]?.type, 'ResponseOverdue');
      assert.deepEqual(due(s).map((d) => d.kind), ['chase-repeat']);
    });

    it('a response ends the response clock: no reminder and no response-due', () => {
      const s = dudleyQop();
      s.do({ type: 'respond', actor: people.tm, stageId: 'qop_alert', response: 'accept' }, '2026-03-04T10:00:00Z');
      assert.deepEqual(due(s), []);
      assert.deepEqual(reached(s, 'response-due:qop_alert', '2026-03-10T17:00:00Z'), []);
      assert.equal(summarise(s.state, new Date('2026-03-11T10:00:00Z')).overdue, false);
    });

    it('escalating replaces the old stage\'s deadlines; the old key is stale and does nothing', () => {
      const s = dudleyQop();
      s.do({ type: 'escalate', actor: people.officer, stageId: 'qop_alert', reason: 'No response.', to: [people.sm] }, '2026-03-10T11:00:00Z');
      assert.deepEqual(byKey(s), { 'reminder:stage2': '2026-03-16T17:00:00.000Z', 'response-due:stage2': '2026-03-17T17:00:00.000Z' });
      assert.deepEqual(reached(s, 'response-due:qop_alert', '2026-03-10T17:00:00Z'), []);
      assert.deepEqual(reached(s, 'no-such-key', '2026-03-10T17:00:00Z'), []);
    });

    it('D-T0, AMB-05: agreeing an alternative timescale moves the deadlines under the same keys; the reminder can fire again', () => {
      const s = dudleyQop();
      reached(s, 'reminder:qop_alert', '2026-03-09T17:00:00Z');
      s.do({ type: 'set-resolution-date', actor: people.officer, stageId: 'qop_alert', resolutionSoughtBy: '2026-03-20', reason: 'Agreed with the TM.' }, '2026-03-09T17:30:00Z');
      assert.deepEqual(byKey(s), { 'reminder:qop_alert': '2026-03-19T17:00:00.000Z', 'response-due:qop_alert': '2026-03-20T17:00:00.000Z' });
      assert.equal(reached(s, 'reminder:qop_alert', '2026-03-19T17:00:00Z')[0]?.type, 'ReminderDue');
    });

    it('AMB-05: only the raising officer sets the date, and within the ladder\'s rules', () => {
      const s = Scenario.of('somerset');
      s.do(raiseStep({ policyId: 'somerset', alertTypeId: 'formal', to: [people.ps, people.tm] }), '2026-03-02T10:00:00Z');
      assert.equal(s.refused({ type: 'set-resolution-date', actor: people.tm, stageId: 'formal', resolutionSoughtBy: '2026-03-05' }, '2026-03-03T10:00:00Z').code, 'not-authorised');
      assert.equal(s.refused({ type: 'set-resolution-date', actor: people.officer, stageId: 'formal', resolutionSoughtBy: '2026-03-10' }, '2026-03-03T10:00:00Z').code, 'resolution-date-too-late');
      s.do({ type: 'set-resolution-date', actor: people.officer, stageId: 'formal', resolutionSoughtBy: '2026-03-09' }, '2026-03-03T10:00:00Z');
      assert.equal(s.state.stage.responseDueAt, '2026-03-09T17:00:00.000Z');
    });

    it('no reminder is scheduled when it would fall before the stage began (a same-day date)', () => {
      const s = Scenario.of('dudley');
      s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', resolutionSoughtBy: '2026-03-03' }), '2026-03-03T10:00:00Z');
      assert.deepEqual(due(s).map((d) => d.kind), ['response-due']);
    });
  });

  describe('the overall limit and Cafcass prompt (AMB-01, AMB-02, AMB-33, ESC-C3)', () => {
    it('AMB-01: Dudley and Somerset have no overall limit and no Cafcass prompt', () => {
      assert.ok(due(dudleyQop()).every((d) => d.kind === 'reminder' || d.kind === 'response-due'));
      const s = Scenario.of('somerset');
      s.do(raiseStep({ policyId: 'somerset', alertTypeId: 'informal' }), '2026-03-02T10:00:00Z');
      assert.deepEqual(due(s).map((d) => d.kind), ['reminder', 'response-due']);
    });

    it('O-T0, AMB-02: Oxfordshire\'s 20 working days start at Stage 1, not at the informal discussion; Easter is skipped', () => {
      const s = Scenario.of('oxfordshire');
      s.do(raiseStep({ policyId: 'oxfordshire', alertTypeId: 'informal', to: [people.sw, people.tm], resolutionSoughtBy: '2026-03-06' }), '2026-03-03T10:00:00Z');
      assert.equal(s.state.overallLimitAt, null);
      assert.ok(!due(s).some((d) => d.kind === 'overall-limit'));
      s.do({ type: 'escalate', actor: people.officer, stageId: 'informal', reason: 'Not resolved informally.', to: [people.sw], cc: [people.tm], resolutionSoughtBy: '2026-03-17' }, '2026-03-10T11:00:00Z');
      assert.equal(byKey(s)['overall-limit'], '2026-04-09T16:00:00.000Z');
      assert.equal(byKey(s)['cafcass-prompt'], '2026-04-09T16:00:00.000Z', 'AMB-33: the Cafcass prompt comes at the limit');
    });

    it('AMB-02: an Oxfordshire alert raised straight at Stage 2 starts the 20 working days at once', () => {
      const s = Scenario.of('oxfordshire');
      s.do(raiseStep({ policyId: 'oxfordshire', alertTypeId: 'r_and_e', entryStageId: 'stage2', to: ['aad-ascm'], cc: [people.sm] }), '2026-03-03T10:00:00Z');
      assert.equal(s.state.overallLimitAt, '2026-03-31T16:00:00.000Z');
      assert.equal(byKey(s)['response-due:stage2'], '2026-03-10T17:00:00.000Z');
    });

    it('ESC-C1, ESC-C2, ESC-C3, ESC-Ccap: Cheshire East informal 5 WD, formal +10, Cafcass prompt at 15, cap at 20, from the first alert', () => {
      const s = Scenario.of('cheshire_east');
      s.do(raiseStep({ policyId: 'cheshire_east', alertTypeId: 'informal', to: [people.tm] }), '2026-03-02T10:00:00Z');
      assert.deepEqual(byKey(s), {
        'reminder:informal': '2026-03-06T17:00:00.000Z',
        'response-due:informal': '2026-03-09T17:00:00.000Z',
        'overall-limit': '2026-03-30T16:00:00.000Z',
        'overall-limit-warning': '2026-03-23T17:00:00.000Z',
        'cafcass-prompt': '2026-03-23T17:00:00.000Z',
      });
      s.do({ type: 'escalate', actor: people.officer, stageId: 'informal', reason: 'No agreement with the TM.', to: [people.sm] }, '2026-03-09T11:00:00Z');
      assert.deepEqual(byKey(s), {
        'reminder:formal': '2026-03-20T17:00:00.000Z',
        'response-due:formal': '2026-03-23T17:00:00.000Z',
        'overall-limit': '2026-03-30T16:00:00.000Z',
        'overall-limit-warning': '2026-03-23T17:00:00.000Z',
        'cafcass-prompt': '2026-03-23T17:00:00.000Z',
      });
    });

    it('AMB-01: reaching the overall limit is reported and the case stays open (no auto-close)', () => {
      const s = Scenario.of('cheshire_east');
      s.do(raiseStep({ policyId: 'cheshire_east', alertTypeId: 'informal', to: [people.tm] }), '2026-03-02T10:00:00Z');
      assert.equal(reached(s, 'overall-limit', '2026-03-30T16:00:00Z')[0]?.type, 'OverallLimitReached');
      assert.equal(s.state.status, 'open');
    });

    it('AMB-33, §2.5: the Cafcass prompt asks the IRO to consider a referral; it never refers', () => {
      const s = Scenario.of('cheshire_east');
      s.do(raiseStep({ policyId: 'cheshire_east', alertTypeId: 'informal', to: [people.tm] }), '2026-03-02T10:00:00Z');
      const [prompt] = reached(s, 'cafcass-prompt', '2026-03-23T17:00:00Z');
      assert.equal(prompt?.type, 'CafcassPromptDue');
      assert.equal(s.state.status, 'open');
      s.do({ type: 'refer-to-cafcass', actor: people.officer, reason: 'No agreement after 15 days on the plan for discharge.' }, '2026-03-24T10:00:00Z');
      assert.deepEqual(due(s), []);
    });
  });

  describe('agreed actions and closed cases', () => {
    it('an action due on a Saturday is due at the end of the Friday before; completing it removes the deadline', () => {
      const s = dudleyQop();
      s.do({ type: 'agree-action', actor: people.tm, stageId: 'qop_alert', actionId: 'a1', owner: people.sw, dueDate: '2026-03-07', text: 'Complete the overdue supervision visit.' }, '2026-03-04T10:00:00Z');
      assert.equal(byKey(s)['action-due:a1'], '2026-03-06T17:00:00.000Z');
      const [overdue] = reached(s, 'action-due:a1', '2026-03-06T17:00:00Z');
      assert.deepEqual(overdue && overdue.type === 'ActionOverdue' && [overdue.actionId, overdue.owner], ['a1', people.sw]);
      s.do({ type: 'agree-action', actor: people.tm, stageId: 'qop_alert', actionId: 'a2', owner: people.sw, dueDate: '2026-03-12', text: 'Send the training record.' }, '2026-03-06T18:00:00Z');
      // AMB-30: in Dudley "The Team Manager will confirm when actions are completed".
      s.do({ type: 'complete-action', actor: people.tm, actionId: 'a2' }, '2026-03-09T10:00:00Z');
      assert.ok(!('action-due:a2' in byKey(s)));
    });

    it('a closed case has no deadlines and a due deadline on it does nothing', () => {
      const s = dudleyQop();
      s.do({ type: 'resolve', actor: people.officer, outcome: 'Visits back on track.' }, '2026-03-04T10:00:00Z');
      assert.deepEqual(due(s), []);
      assert.deepEqual(reached(s, 'response-due:qop_alert', '2026-03-10T17:00:00Z'), []);
    });

    it('every deadline is the end of a working day in Europe/London', () => {
      const s = Scenario.of('cheshire_east');
      s.do(raiseStep({ policyId: 'cheshire_east', alertTypeId: 'informal', to: [people.tm] }), '2026-03-27T16:30:00Z');
      for (const d of due(s)) {
        const day = calendar.localDateOf(new Date(d.dueAt));
        assert.ok(calendar.isWorkingDay(day), `${d.key} on ${day}`);
        assert.equal(calendar.endOfWorkingDay(day).toISOString(), d.dueAt);
      }
    });
  });
});
