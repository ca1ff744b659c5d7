import assert from 'node:assert/strict';
import { InvalidInputError } from '../../../domain/errors.js';
import {
  entryKind,
  getPolicy,
  nextStage,
  recipientRoles,
  skipsStages,
  suggestedEntryStage,
} from '../../../domain/policies/index.js';

const dudley = getPolicy('dudley');
const ox = getPolicy('oxfordshire');

describe('domain/policies: routing questions adapters ask of a ladder', () => {
  it('D-B2, AMB-13: "escalate" from the Dudley QoP alert goes to Stage 2; from Stage 1 to Stage 2; nowhere from Stage 4', () => {
    assert.equal(nextStage(dudley, 'qop_alert')?.id, 'stage2');
    assert.equal(nextStage(dudley, 'stage1')?.id, 'stage2');
    assert.equal(nextStage(dudley, 'stage4'), undefined);
  });

  it('AMB-15, AMB-14: a DRP goes to the DRP recipients beside its entry stage\'s roles; escalating to a stage uses that stage\'s own', () => {
    const drp = ['supervising_social_worker', 'fostering_support_team_manager', 'fostering_service_manager'];
    assert.deepEqual(recipientRoles(dudley, 'stage2', 'drp'), { to: [...drp, 'sr_service_manager'], cc: [] });
    assert.deepEqual(recipientRoles(dudley, 'stage3', 'drp').to, [...drp, 'hos_children_in_care_and_resources', 'head_of_safeguarding_practice_qa']);
    assert.deepEqual(recipientRoles(dudley, 'stage2'), { to: ['fostering_service_manager', 'sr_service_manager'], cc: [] });
    assert.deepEqual(recipientRoles(dudley, 'qop_alert', 'qop'), { to: ['supervising_social_worker', 'fostering_support_team_manager'], cc: [] });
  });

  it('AMB-16: a notification goes to its own named roles whatever stage is asked for', () => {
    assert.deepEqual(recipientRoles(ox, 'stage1', 'good_practice'), { to: ['social_worker', 'team_manager'], cc: [] });
  });

  it('D-B1: entering a DRP at Stage 3 or 4 is a bypass of Stage 2; Stage 1 is a plain entry; nothing starts before its type', () => {
    assert.deepEqual(entryKind(dudley, 'drp', 'stage4'), { kind: 'bypass', skipped: 'stage2' });
    assert.deepEqual(entryKind(dudley, 'drp', 'stage3'), { kind: 'bypass', skipped: 'stage2' });
    assert.deepEqual(entryKind(dudley, 'drp', 'stage1'), { kind: 'entry' });
    assert.deepEqual(entryKind(dudley, 'qop', 'qop_alert'), { kind: 'entry' });
    assert.deepEqual(entryKind(getPolicy('somerset'), 'dispute', 'formal'), { kind: 'too-early', startsAt: 'level1' });
  });

  it('a move skips stages only when it passes the stage "escalate" would enter', () => {
    assert.equal(skipsStages(dudley, 'qop_alert', 'stage1'), undefined);
    assert.equal(skipsStages(dudley, 'qop_alert', 'stage2'), undefined);
    assert.equal(skipsStages(dudley, 'qop_alert', 'stage3'), 'stage2');
    assert.equal(skipsStages(ox, 'stage1', 'stage4'), 'stage2');
  });

  it('AMB-28: Oxfordshire flags suggest the highest stage among them; no flag keeps the type\'s entry', () => {
    assert.equal(suggestedEntryStage(ox, 'r_and_e', []), 'stage1');
    assert.equal(suggestedEntryStage(ox, 'r_and_e', ['serious_safeguarding']), 'stage2');
    assert.equal(suggestedEntryStage(ox, 'r_and_e', ['serious_safeguarding', 'human_rights_breach']), 'stage3');
    assert.equal(suggestedEntryStage(ox, 'good_practice', ['serious_safeguarding']), null);
  });

  it('unknown alert types and stages are refused naming the choices', () => {
    assert.throws(() => recipientRoles(dudley, 'stage9'), (e: Error) => e instanceof InvalidInputError && /stages: qop_alert, stage1, stage2, stage3, stage4/.test(e.message));
    assert.throws(() => entryKind(dudley, 'complaint', 'stage1'), /has no alert type "complaint"; choose one of: good_practice, qop, drp/);
  });
});
