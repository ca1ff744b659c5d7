import assert from 'node:assert/strict';
import { caseNoteText } from '../../../domain/escalation/index.js';
import { Scenario, people, raiseStep } from './harness.js';

const RAISED = '2026-03-03T10:00:00Z';
const LATER = '2026-03-04T10:00:00Z';

function proposed(): Scenario {
  const s = Scenario.of('dudley');
  s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', to: [people.sw, people.tm] }), RAISED);
  s.do({ type: 'respond', actor: people.tm, stageId: 'qop_alert', response: 'propose-alternative', text: 'A joint visit next week instead of a new plan.' }, RAISED);
  return s;
}

describe('domain/escalation: the officer answers a proposed alternative (§8.3)', () => {
  it('accepted, the alternative is the agreed course: the stage keeps the response, marked agreed, and a second answer is refused', () => {
    const s = proposed();
    s.do({ type: 'answer-proposal', actor: people.officer, stageId: 'qop_alert', accept: true }, LATER);
    assert.equal(s.state.stage.response?.response, 'propose-alternative');
    assert.deepEqual(s.state.stage.response?.agreedBy, { by: people.officer, at: '2026-03-04T10:00:00.000Z' });
    assert.equal(s.refused({ type: 'answer-proposal', actor: people.officer, stageId: 'qop_alert', accept: false, reason: 'Changed my mind.' }, LATER).code, 'already-responded');
    assert.match(caseNoteText(s.events), /accepted the alternative proposed, "A joint visit next week instead of a new plan\." It is the agreed course\./);
  });

  it('rejected with a reason, the stage is open for a response again, the rejected proposal kept with the stage', () => {
    const s = proposed();
    assert.equal(s.refused({ type: 'answer-proposal', actor: people.officer, stageId: 'qop_alert', accept: false }, LATER).code, 'reason-required');
    s.do({ type: 'answer-proposal', actor: people.officer, stageId: 'qop_alert', accept: false, reason: 'The carers need the plan itself.' }, LATER);
    const open = s.state;
    assert.equal(open.stage.response, null);
    assert.deepEqual(open.stage.rejectedProposals?.map((p) => [p.proposal, p.by, p.reason]), [['A joint visit next week instead of a new plan.', people.tm, 'The carers need the plan itself.']]);
    s.do({ type: 'respond', actor: people.tm, stageId: 'qop_alert', response: 'accept' }, LATER);
    assert.equal(s.state.stage.response?.response, 'accept');
  });

  it('only the raising officer answers, and only a proposal', () => {
    const s = proposed();
    assert.equal(s.refused({ type: 'answer-proposal', actor: people.tm, stageId: 'qop_alert', accept: true }, LATER).code, 'not-authorised');
    const plain = Scenario.of('dudley');
    plain.do(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', to: [people.sw, people.tm] }), RAISED);
    assert.equal(plain.refused({ type: 'answer-proposal', actor: people.officer, stageId: 'qop_alert', accept: true }, LATER).code, 'no-proposal');
  });
});
