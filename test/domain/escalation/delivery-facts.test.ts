import assert from 'node:assert/strict';
import { caseNoteText, hasPart, isResponseOverdue, SYSTEM_ACTOR } from '../../../domain/escalation/index.js';
import { notificationsFor } from '../../../domain/escalation/notifications.js';
import { Scenario, people, raiseStep } from './harness.js';

const RAISED = '2026-03-03T10:00:00Z'; // Tuesday
const LATER = '2026-03-10T11:00:00Z';
const location = { conversationId: 'a:personal-sw', messageId: '1700000000001', serviceUrl: 'https://smba.trafficmanager.net/uk/' };

function dudleyQop(): Scenario {
  const s = Scenario.of('dudley');
  s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', to: [people.sw, people.tm] }), RAISED);
  return s;
}

describe('domain/escalation: delivery facts (where each person\'s case card landed)', () => {
  it('the outbox records where a person\'s card landed; it changes nothing on any card, so no card goes stale and nobody is told', () => {
    const s = dudleyQop();
    const before = s.state;
    const events = s.do({ type: 'record-card-posted', actor: SYSTEM_ACTOR, recipient: people.sw, location }, RAISED);
    assert.equal(events.length, 1);
    assert.deepEqual(s.state.cards[people.sw], location);
    assert.equal(s.state.revision, before.revision, 'the revision (what cards carry) stays');
    assert.deepEqual(notificationsFor({ before, after: s.state, events }), [], 'a delivery fact sends nothing');
    // A card drawn before the fact still acts.
    s.do({ type: 'respond', actor: people.tm, stageId: 'qop_alert', response: 'accept', expectedVersion: before.revision }, LATER);
  });

  it('the first card a person was sent is the one kept: a repeat records nothing', () => {
    const s = dudleyQop();
    s.do({ type: 'record-card-posted', actor: SYSTEM_ACTOR, recipient: people.sw, location }, RAISED);
    const again = s.try({ type: 'record-card-posted', actor: SYSTEM_ACTOR, recipient: people.sw, location: { ...location, messageId: 'other' } }, LATER);
    assert.deepEqual(again, { ok: true, events: [] });
    assert.equal(s.state.cards[people.sw]?.messageId, location.messageId);
  });

  it('only Resolve itself records delivery facts, not a person', () => {
    const s = dudleyQop();
    assert.equal(s.refused({ type: 'record-card-posted', actor: people.officer, recipient: people.sw, location }, RAISED).code, 'not-authorised');
  });

  it('a delivery fact is not part of the case record: the case-note export leaves it out', () => {
    const s = dudleyQop();
    const without = caseNoteText(s.events);
    s.do({ type: 'record-card-posted', actor: SYSTEM_ACTOR, recipient: people.sw, location }, RAISED);
    assert.equal(caseNoteText(s.events), without);
  });
});

describe('domain/escalation: the checks the bot asks the domain for', () => {
  it('hasPart: the officer, everyone sent or copied and action owners have a part; nobody else', () => {
    const s = dudleyQop();
    assert.ok(hasPart(s.state, people.officer));
    assert.ok(hasPart(s.state, people.sw));
    assert.ok(!hasPart(s.state, people.hos));
  });

  it('§8.4 isResponseOverdue: only once the due time has passed with no response at an open stage', () => {
    const s = dudleyQop();
    const due = Date.parse(s.state.stage.responseDueAt!);
    assert.equal(isResponseOverdue(s.state, new Date(due - 1)), false);
    assert.equal(isResponseOverdue(s.state, new Date(due)), true);
    s.do({ type: 'respond', actor: people.tm, stageId: 'qop_alert', response: 'accept' }, RAISED);
    assert.equal(isResponseOverdue(s.state, new Date(due + 1)), false, 'a response stops the clock');
  });

  it('escalating past the last stage is refused by the domain as no-further-stage, whoever it would have gone to', () => {
    const s = dudleyQop();
    s.do({ type: 'escalate', actor: people.officer, stageId: 'qop_alert', reason: 'No response.', to: [people.sm] }, LATER);
    s.do({ type: 'escalate', actor: people.officer, stageId: 'stage2', reason: 'Still none.', to: [people.hos] }, LATER);
    s.do({ type: 'escalate', actor: people.officer, stageId: 'stage3', reason: 'Still none.', resolutionSoughtBy: '2026-03-20', to: [people.hos] }, LATER);
    assert.equal(s.refused({ type: 'escalate', actor: people.officer, stageId: s.state.stage.stageId, reason: 'More.', to: [] }, LATER).code, 'no-further-stage');
  });

  it('an escalation needs a reason (reason-required) and someone to go To (no-addressee), each said in words', () => {
    const s = dudleyQop();
    const noReason = s.refused({ type: 'escalate', actor: people.officer, stageId: 'qop_alert', reason: '', to: [people.sm] }, LATER);
    assert.equal(noReason.code, 'reason-required');
    assert.match(noReason.message, /a reason for escalating is required/);
    const nobody = s.refused({ type: 'escalate', actor: people.officer, stageId: 'qop_alert', reason: 'No response.', to: [] }, LATER);
    assert.equal(nobody.code, 'no-addressee');
    assert.match(nobody.message, /Nobody in the directory holds the roles Stage 2/);
  });
});

describe('domain/escalation: a card that is gone is replaced by the one sent in its place', () => {
  it('a new location is recorded only when the delivery says the earlier card was gone; the case\'s last update does not move', () => {
    const s = Scenario.of('dudley');
    s.do(raiseStep({ policyId: 'dudley', alertTypeId: 'qop', to: [people.sw, people.tm] }), '2026-03-03T10:00:00Z');
    s.do({ type: 'record-card-posted', actor: SYSTEM_ACTOR, recipient: people.sw, location }, '2026-03-03T10:01:00Z');
    const moved = { ...location, conversationId: 'a:personal-sw-reinstalled', messageId: '1700000000999' };
    assert.deepEqual(s.try({ type: 'record-card-posted', actor: SYSTEM_ACTOR, recipient: people.sw, location: moved }, '2026-03-04T10:00:00Z'), { ok: true, events: [] });
    s.do({ type: 'record-card-posted', actor: SYSTEM_ACTOR, recipient: people.sw, location: moved, replacesGone: true }, '2026-03-04T10:00:00Z');
    assert.deepEqual(s.state.cards[people.sw], moved);
    assert.equal(s.state.updatedAt, '2026-03-03T10:00:00.000Z', 'delivery bookkeeping is not a change to the case');
  });
});
