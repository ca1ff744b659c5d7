import assert from 'node:assert/strict';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import { decide, evolve, type CaseCommand, type CaseEvent, type CaseState } from '../../../domain/escalation/index.js';
import { notificationsFor, type Notification } from '../../../domain/escalation/notifications.js';
import { getPolicy } from '../../../domain/policies/index.js';

const calendar = createWorkingCalendar();
const policy = getPolicy('oxfordshire');
const IRO = 'iro-0001';
const SW = 'sw-0001';
const TM = 'tm-0001';
const ASCM = 'ascm-0001';
const SMS = 'sms-0001';

/** Applies a command and returns what the planner says for that change. */
function step(state: CaseState | undefined, command: CaseCommand, now: string): { state: CaseState; planned: Notification[] } {
  const decision = decide(state, command, { now: new Date(now), policy, calendar });
  if (!decision.ok) throw new Error(`refused: ${decision.refusal.message}`);
  const after = decision.events.reduce<CaseState | undefined>(evolve, state) as CaseState;
  return { state: after, planned: notificationsFor({ before: state, after, events: decision.events as CaseEvent[] }) };
}

const raise: CaseCommand = {
  type: 'raise',
  caseId: 'case-1',
  actor: IRO,
  reference: 'OX-2026-0142',
  subjectInitials: 'J.T.',
  allocatedWorkerId: SW,
  policyId: 'oxfordshire',
  alertTypeId: 'r_and_e',
  entryStageId: 'stage1',
  issue: 'Statutory visits are overdue.',
  impactOnChild: 'The child has not been seen in placement.',
  resolutionSought: 'A visit this week.',
  resolutionSoughtBy: '2026-03-13',
  to: [SW],
  cc: [TM],
};

const who = (planned: Notification[], purpose: Notification['purpose']) =>
  planned.filter((n) => n.purpose === purpose).map((n) => n.recipient).sort();

describe('domain/escalation: who is told what (§8.3, §8.4)', () => {
  it('O Stage 1: raising sends a new case card To the social worker, CC the team manager, and to the officer', () => {
    const { planned } = step(undefined, raise, '2026-03-09T10:00:00Z');
    assert.deepEqual(who(planned, 'card-new'), [IRO, SW, TM].sort());
    assert.deepEqual(who(planned, 'card-update'), []);
  });

  it('escalating to Stage 2 sends new cards to the ASCM and SM Safeguarding and updates every earlier copy in place', () => {
    const raised = step(undefined, raise, '2026-03-09T10:00:00Z').state;
    const { planned } = step(raised, {
      type: 'escalate', caseId: 'case-1', actor: IRO, stageId: 'stage1', reason: 'No visit arranged.', to: [ASCM], cc: [SMS],
    }, '2026-03-16T10:00:00Z');
    assert.deepEqual(who(planned, 'card-new'), [ASCM, SMS].sort());
    assert.deepEqual(who(planned, 'card-update'), [IRO, SW, TM].sort());
  });

  it('a response updates every holder\'s card and sends no new ones', () => {
    const raised = step(undefined, raise, '2026-03-09T10:00:00Z').state;
    const { planned } = step(raised, {
      type: 'respond', caseId: 'case-1', actor: SW, stageId: 'stage1', response: 'accept',
    }, '2026-03-10T09:00:00Z');
    assert.deepEqual(who(planned, 'card-new'), []);
    assert.deepEqual(who(planned, 'card-update'), [IRO, SW, TM].sort());
  });

  it('§8.4: an overdue response chases the addressee in Teams and by email and prompts the officer to escalate', () => {
    const raised = step(undefined, raise, '2026-03-09T10:00:00Z').state;
    const { planned } = step(raised, {
      type: 'deadline-reached', caseId: 'case-1', actor: 'system', key: 'response-due:stage1',
    }, '2026-03-14T10:00:00Z');
    const overdue = planned.filter((n) => n.purpose === 'overdue');
    assert.deepEqual(overdue.map((n) => n.recipient), [SW]);
    assert.equal(overdue[0]?.emailToo, true);
    assert.deepEqual(who(planned, 'escalate-prompt'), [IRO]);
  });

  it('keys are stable for the same change and differ between changes (outbox idempotency)', () => {
    const first = step(undefined, raise, '2026-03-09T10:00:00Z');
    const again = step(undefined, raise, '2026-03-09T10:00:00Z');
    assert.deepEqual(first.planned.map((n) => n.key), again.planned.map((n) => n.key));
    const next = step(first.state, { type: 'respond', caseId: 'case-1', actor: SW, stageId: 'stage1', response: 'accept' }, '2026-03-10T09:00:00Z');
    const keys = new Set(first.planned.map((n) => n.key));
    assert.ok(next.planned.every((n) => !keys.has(n.key)));
  });
});
