import assert from 'node:assert/strict';
import { commandFor, isMovingAction } from '../../../app/cases/commands.js';
import { requireActionData } from '../../../cards/index.js';
import { caseCommandSchema } from '../../../domain/escalation/index.js';

const key = { caseId: 'case-form-1', stageId: 'stage1', version: 3 };
const ACTOR = 'ff53a46f-5ead-403a-84c4-b877678537a3';
const inputs = { actorId: ACTOR, newId: () => 'action-1', defaultEscalationReason: undefined, people: { to: ['p-to'], cc: ['p-cc'], actionConfirmers: ['p-tm'], managers: { 'p-to': 'p-tm' }, limitWatchers: ['p-sm'] } };

/** Each verb that changes a case, with data as a card sends it (strings, toggles "true"/"false"). */
const CLICKS: Record<string, Record<string, string | number>> = {
  respondAccept: key,
  respondPropose: { ...key, proposal: 'A review meeting next week instead.' },
  respondDecline: { ...key, declineReason: 'The plan was shared on Monday.' },
  agreeAction: { ...key, actionOwnerId: ACTOR, actionDue: '2026-12-11', actionText: 'Share the plan with the carers.' },
  completeAction: { ...key, actionId: 'action-1' },
  escalate: { ...key, escalateReason: 'No response.', escalateSoughtBy: '2026-12-11' },
  bypass: { ...key, bypassStageId: 'stage3', bypassReason: 'Urgent.', discussedWithLineManager: 'true', emergency: 'false' },
  resolve: { ...key, outcome: 'Plan shared.', learningPoints: 'Share plans within a week.' },
  referCafcass: { ...key, cafcassReason: 'No progress at the Director stage.' },
  withdraw: { ...key, withdrawReason: 'Raised in error.' },
};

function moving(verb: string, data: Record<string, unknown>) {
  const action = requireActionData(verb, data);
  assert.ok(isMovingAction(action), `${verb} changes a case`);
  return action;
}

describe('app/cases: card data to a domain command, by parsing (DESIGN: never a cast)', () => {
  for (const [verb, data] of Object.entries(CLICKS)) {
    it(`${verb}: the parsed card data becomes a command the domain's own schema accepts, acted by the clicker at the card's revision`, () => {
      const command = commandFor(moving(verb, data), inputs);
      const checked = caseCommandSchema.safeParse(command);
      assert.ok(checked.success, JSON.stringify(checked.success ? '' : checked.error.issues));
      assert.equal(command.actor, ACTOR);
      assert.equal(command.caseId, 'case-form-1');
      assert.equal(command.expectedVersion, 3);
    });
  }

  it('each field lands where the domain reads it (a proposal is the response text, a decline reason too, the bypass target and its answers, the action)', () => {
    assert.deepEqual(commandFor(moving('respondPropose', CLICKS.respondPropose!), inputs), {
      type: 'respond', caseId: 'case-form-1', actor: ACTOR, expectedVersion: 3, stageId: 'stage1', response: 'propose-alternative', text: 'A review meeting next week instead.',
    });
    assert.deepEqual(commandFor(moving('respondDecline', CLICKS.respondDecline!), inputs), {
      type: 'respond', caseId: 'case-form-1', actor: ACTOR, expectedVersion: 3, stageId: 'stage1', response: 'decline', text: 'The plan was shared on Monday.',
    });
    assert.deepEqual(commandFor(moving('bypass', CLICKS.bypass!), inputs), {
      type: 'bypass', caseId: 'case-form-1', actor: ACTOR, expectedVersion: 3, stageId: 'stage1', targetStageId: 'stage3', reason: 'Urgent.',
      lineManagerDiscussed: true, emergency: false, to: ['p-to'], cc: ['p-cc'], actionConfirmers: ['p-tm'], managers: { 'p-to': 'p-tm' }, limitWatchers: ['p-sm'],
    });
    assert.deepEqual(commandFor(moving('agreeAction', CLICKS.agreeAction!), inputs), {
      type: 'agree-action', caseId: 'case-form-1', actor: ACTOR, expectedVersion: 3, stageId: 'stage1', actionId: 'action-1',
      owner: ACTOR, dueDate: '2026-12-11', text: 'Share the plan with the carers.',
    });
    assert.deepEqual(commandFor(moving('resolve', CLICKS.resolve!), inputs), {
      type: 'resolve', caseId: 'case-form-1', actor: ACTOR, expectedVersion: 3, outcome: 'Plan shared.', keyLearningPoints: 'Share plans within a week.',
    });
  });

  it('escalate and bypass carry the people the target stage reaches; a one-click escalation takes the default reason', () => {
    const oneClick = commandFor(moving('escalate', key), { ...inputs, defaultEscalationReason: 'No response by the due date.' });
    assert.ok(oneClick.type === 'escalate');
    assert.equal(oneClick.reason, 'No response by the due date.');
    assert.deepEqual([oneClick.to, oneClick.cc], [['p-to'], ['p-cc']]);
    const none = commandFor(moving('escalate', key), inputs);
    assert.ok(none.type === 'escalate');
    assert.equal(none.reason, '', 'no reason given and none to default to: the domain refuses it as reason-required');
  });

  it('refresh and open-case only show a case: they are not moving actions', () => {
    assert.equal(isMovingAction(requireActionData('refresh', key)), false);
    assert.equal(isMovingAction(requireActionData('openCase', key)), false);
  });
});
