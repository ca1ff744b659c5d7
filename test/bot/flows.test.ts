import assert from 'node:assert/strict';
import { ONE_CLICK_ESCALATION_REASON } from '../../app/cases/flows.js';
import type { CaseEvent } from '../../domain/escalation/index.js';
import { loadCase } from '../../app/cases/model.js';
import type { Db } from '../../store/db.js';
import { listEffects } from '../../store/outbox.js';
import { EFFECT_KINDS } from '../../app/delivery/messages.js';
import { actionsIn, invokeCard, verbsOn } from './card-queries.js';
import { cardsIn, type JsonObject, type SentActivity } from './recording-connector.js';
import { startBotHarness, type BotHarness } from './harness.js';

// Fictional people from graph/samples/organisation.yaml (Northmoor Borough Council).
const IRO = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // Priya Okonjo, IRO
const WORKER = '3c3ae353-fb14-428e-90b4-01a6c1cc0aff'; // Samira Haddad, social worker (Children in Care North)
const TEAM_MANAGER = '5796a670-482c-490e-8d97-82bfcdc83011'; // Bethan Pryce, her team manager
const STRANGER = '0b80a255-53a1-4945-a932-58ef7777682c'; // Kwame Asante, no part in the case
const ASCM = 'a712755f-6cac-44d5-99d5-269512e74f7b'; // Farah Siddiqui, operations manager (ASCM) over Samira's team
const FFION = 'c1d2b3a4-5e6f-4a7b-8c9d-0e1f2a3b4c5d'; // Ffion Marsh, social worker (Children in Care South)
const DANIEL = 'd5c4b3a2-1f0e-4d9c-8b7a-6f5e4d3c2b1a'; // Daniel Okafor manages Ffion's team

/** Oxfordshire "Resolution and Escalation" alert: stage 1 goes To the social worker, CC the team manager. */
const raiseForm = (formId: string): JsonObject => ({
  formId,
  allocatedWorkerId: WORKER,
  caseReference: 'LCS-204518',
  subjectInitials: 'j.t.',
  policyId: 'oxfordshire',
  alertTypeId: 'r_and_e',
  // Officers write freely inside the bot; a child's name must never reach a preview or a subject.
  issue: 'Jamie Thompson\'s care plan has not been reviewed since the placement move.',
  impact: 'Contact arrangements are unclear to the child and carers.',
  resolutionSought: 'A reviewed care plan shared with the carers.',
  // Oxfordshire sets no stage 1 timescale, so the officer gives one (AMB-04).
  resolutionSoughtBy: '2026-12-04',
});

const lastCard = (sent: readonly SentActivity[]) => cardsIn(sent.at(-1)?.activity ?? {}).at(0);

async function eventsOf(db: Db | undefined, caseId: string): Promise<CaseEvent[]> {
  assert.ok(db, 'the harness has a database');
  return (await loadCase(db, caseId)).records.map((r) => r.event);
}

describe('bot flows: later stages reach the people of the allocated worker recorded in the case', function () {
  this.timeout(60_000);
  it('the raise records the allocated worker in the case itself (no side stream), and escalation resolves the next stage\'s people from it', async () => {
    const bot = await startBotHarness({ cases: true });
    try {
      // Oxfordshire informal resolution goes To the social worker and team manager; Stage 1 To the social worker, CC the team manager.
      const raised = invokeCard((await bot.invoke(IRO, 'raiseSubmit', {
        ...raiseForm('form-ffion'), caseReference: 'LCS-310077', allocatedWorkerId: FFION, alertTypeId: 'informal', resolutionSoughtBy: '2026-11-27',
      })).body);
      const escalate = actionsIn(raised).find((a) => a.verb === 'escalate');
      assert.ok(escalate, `Escalate on the officer's card (had ${verbsOn(raised).join(',')})`);
      const caseId = String((escalate.data as JsonObject).caseId);
      const [first] = await eventsOf(bot.db, caseId);
      assert.ok(first?.type === 'CaseRaised');
      assert.equal(first.allocatedWorkerId, FFION, 'the allocated worker is a fact of the raise');
      const streams = await bot.db!.query<{ stream_id: string }>('SELECT DISTINCT stream_id FROM events');
      assert.deepEqual(streams.map((s) => s.stream_id), [caseId], 'one stream: the case; no case-context side stream');
      assert.match(JSON.stringify(raised), /Daniel Okafor/, 'the status card says Stage 1 would copy Ffion\'s team manager');

      const reply = await bot.invoke(IRO, 'escalate', { ...(escalate.data as JsonObject), escalateReason: 'No agreement reached informally.', escalateSoughtBy: '2026-12-04' });
      assert.doesNotMatch(JSON.stringify(invokeCard(reply.body)), /Nothing was changed/);
      const escalated = (await eventsOf(bot.db, caseId)).find((e) => e.type === 'StageEscalated');
      assert.ok(escalated?.type === 'StageEscalated');
      assert.deepEqual([escalated.stage.stageId, escalated.stage.to, escalated.stage.cc], ['stage1', [FFION], [DANIEL]]);
      await bot.deliver();
      assert.deepEqual(bot.sentTo(TEAM_MANAGER), [], 'the team manager of another team (Samira\'s) is told nothing');
    } finally {
      await bot.close();
    }
  });
});

describe('bot flows: one-click escalation from the overdue chaser', function () {
  this.timeout(60_000);
  it('§8.4: the officer gets the "escalate now?" chaser when no response came by the due date, and its one-click Escalate moves the case on with a recorded reason', async () => {
    const bot = await startBotHarness({ cases: true });
    try {
      // Stage 1 response due Friday 27 November 2026, 17:00.
      await bot.invoke(IRO, 'raiseSubmit', { ...raiseForm('form-late'), resolutionSoughtBy: '2026-11-27' });
      await bot.deliver();
      bot.clock.advance(7 * 24 * 3600 * 1000); // Monday 30 November, 10:00: nobody responded
      const fired = await bot.fireDeadlines();
      assert.ok(fired.fired >= 1, JSON.stringify(fired));
      bot.connector.clear();
      await bot.deliver();
      const chaser = bot.cardsTo(IRO).find((c) => /Response overdue/.test(String(c.fallbackText)));
      assert.ok(chaser, `the officer got the overdue chaser (got ${bot.cardsTo(IRO).map((c) => String(c.fallbackText)).join(' | ')})`);
      const oneClick = actionsIn(chaser).find((a) => a.verb === 'escalate');
      assert.ok(oneClick, 'the chaser has Escalate');
      assert.equal(oneClick.associatedInputs, 'none', 'one click: no reason to type');
      assert.equal(chaser.refresh, undefined, 'the prompt stays as sent: viewing it does not refresh it into the status card');
      assert.match(JSON.stringify(chaser), /Farah Siddiqui/, 'the chaser says who Stage 2 would reach');

      const reply = await bot.invoke(IRO, 'escalate', oneClick.data as JsonObject);
      const after = JSON.stringify(invokeCard(reply.body));
      assert.doesNotMatch(after, /Nothing was changed/);
      assert.match(after, /Stage 2/);
      const caseId = String((oneClick.data as JsonObject).caseId);
      const escalated = (await eventsOf(bot.db, caseId)).find((e) => e.type === 'StageEscalated');
      assert.ok(escalated?.type === 'StageEscalated');
      assert.equal(escalated.reason, ONE_CLICK_ESCALATION_REASON);
      assert.deepEqual(escalated.stage.to, [ASCM]);

      const again = JSON.stringify(invokeCard((await bot.invoke(IRO, 'escalate', oneClick.data as JsonObject)).body));
      assert.match(again, /moved to Stage 2 on .*; your card was for Stage 1\..*Nothing was changed/, 'a second click on the old chaser does nothing, and the domain says why');
      assert.equal((await eventsOf(bot.db, caseId)).filter((e) => e.type === 'StageEscalated').length, 1);
    } finally {
      await bot.close();
    }
  });

  it('§8.4: before the response is overdue, Escalate without a reason changes nothing and asks for one', async () => {
    const bot = await startBotHarness({ cases: true });
    try {
      const raised = invokeCard((await bot.invoke(IRO, 'raiseSubmit', { ...raiseForm('form-early'), resolutionSoughtBy: '2026-11-27' })).body);
      const escalate = actionsIn(raised).find((a) => a.verb === 'escalate');
      assert.ok(escalate);
      const reply = JSON.stringify(invokeCard((await bot.invoke(IRO, 'escalate', escalate.data as JsonObject)).body));
      assert.match(reply, /Say why it needs Stage 2: a reason for escalating is required\. Nothing was changed\./);
      const events = await eventsOf(bot.db, String((escalate.data as JsonObject).caseId));
      assert.deepEqual(events.map((e) => e.type).filter((t) => t !== 'CardPosted'), ['CaseRaised'], 'nothing but the raise (and where its card is)');
    } finally {
      await bot.close();
    }
  });
});

describe('bot flows: someone on automatic replies is covered', function () {
  this.timeout(60_000);
  it('a team manager away over Christmas is covered by their cover, who gets the action card; the absent manager is copied', async () => {
    const bot = await startBotHarness({ cases: true });
    try {
      bot.clock.advance(29 * 24 * 3600 * 1000); // 22 December 2026: Bethan Pryce's automatic replies are on
      const kwame = STRANGER; // Kwame Asante covers for Bethan Pryce
      const reply = await bot.invoke(IRO, 'raiseSubmit', { ...raiseForm('form-x'), alertTypeId: 'informal', resolutionSoughtBy: '2027-01-08' });
      assert.match(JSON.stringify(invokeCard(reply.body)), /Kwame Asante/, 'the officer\'s card shows who has it');
      await bot.deliver();
      assert.ok(verbsOn(lastCard(bot.sentTo(kwame))).includes('respondAccept'), 'the cover gets the action card');
      assert.deepEqual(verbsOn(lastCard(bot.sentTo(TEAM_MANAGER))).filter((v) => v.startsWith('respond')), [], 'the absent manager is copied, read-only');
    } finally {
      await bot.close();
    }
  });
});

describe('bot flows over HTTP: raise, deliver to the right people, act, update every copy', function () {
  this.timeout(60_000);
  let bot: BotHarness;
  before(async () => {
    bot = await startBotHarness({ cases: true });
  });
  after(async () => {
    await bot.close();
  });

  let respondData: JsonObject;

  it('the officer raises from the form; the answer is their status card, and nothing is sent before the outbox runs', async () => {
    const reply = await bot.invoke(IRO, 'raiseSubmit', raiseForm('form-a'));
    const card = invokeCard(reply.body);
    const text = JSON.stringify(card);
    assert.match(text, /LCS-204518/);
    assert.deepEqual(bot.sentTo(WORKER), []);
    assert.ok(verbsOn(card).includes('refresh') || verbsOn(card).includes('escalate') || verbsOn(card).includes('resolve'), `officer moves on the status card: ${verbsOn(card).join(',')}`);
  });

  it('the stage\'s To gets the action card, CC a read-only card, the officer a status card (people who never talked to the bot get a new 1:1 chat)', async () => {
    const report = await bot.deliver();
    assert.equal(report.failed, 0, JSON.stringify(report));
    const workerCard = lastCard(bot.sentTo(WORKER));
    assert.ok(workerCard, 'the social worker got a card');
    assert.deepEqual(verbsOn(workerCard).filter((v) => v.startsWith('respond')), ['respondAccept', 'respondPropose', 'respondDecline']);
    const managerCard = lastCard(bot.sentTo(TEAM_MANAGER));
    assert.ok(managerCard, 'the team manager (CC) got a card');
    assert.deepEqual(verbsOn(managerCard).filter((v) => v.startsWith('respond')), [], 'CC cannot respond');
    assert.ok(lastCard(bot.sentTo(IRO)), 'the officer got their status card');
    assert.deepEqual(bot.sentTo(STRANGER), []);
    assert.deepEqual([...bot.installs].sort(), [WORKER, TEAM_MANAGER].sort(), 'the app was installed for the two who never talked to the bot');
    respondData = actionsIn(workerCard).find((a) => a.verb === 'respondAccept')?.data as JsonObject;
    assert.equal(typeof respondData.caseId, 'string');
  });

  it('a CC recipient forging an Accept with the real card data changes nothing and is told why', async () => {
    const before = bot.connector.sent.length;
    const reply = await bot.invoke(TEAM_MANAGER, 'respondAccept', respondData);
    assert.match(JSON.stringify(invokeCard(reply.body)), /Nothing was changed/);
    assert.match(JSON.stringify(invokeCard(reply.body)), /Only the people/);
    await bot.deliver();
    assert.equal(bot.connector.sent.length, before, `nobody was sent anything: ${JSON.stringify(bot.connector.sent.slice(before).map((s) => [s.kind, s.conversationId, s.activity.summary, s.activity.text]))}`);
  });

  it('someone with no part in the case gets nothing back about it', async () => {
    const reply = await bot.invoke(STRANGER, 'refresh', respondData);
    assert.match(JSON.stringify(reply.body), /You have no part in that case/);
    assert.doesNotMatch(JSON.stringify(reply.body), /LCS-204518/);
  });

  it('the social worker accepts: their card updates, and every other copy is updated in place', async () => {
    const reply = await bot.invoke(WORKER, 'respondAccept', respondData);
    const card = invokeCard(reply.body);
    assert.deepEqual(verbsOn(card).filter((v) => v.startsWith('respond')), [], 'no respond buttons once accepted');
    bot.connector.clear();
    await bot.deliver();
    const officerUpdate = bot.sentTo(IRO).find((s) => s.kind === 'update');
    const managerUpdate = bot.sentTo(TEAM_MANAGER).find((s) => s.kind === 'update');
    assert.ok(officerUpdate, 'the officer\'s card was updated in place');
    assert.ok(managerUpdate, 'the CC card was updated in place');
    assert.match(JSON.stringify(officerUpdate.activity), /[Aa]ccepted/);
  });

  it('the social worker agrees an action with an owner and due date, and the owner marks it done', async () => {
    const accepted = lastCard(bot.sentTo(WORKER)) ?? {};
    const refreshed = invokeCard((await bot.invoke(WORKER, 'refresh', respondData)).body);
    const agree = actionsIn(refreshed).find((a) => a.verb === 'agreeAction');
    assert.ok(agree, `an Agree action button once accepted (had ${verbsOn(accepted).join(',')})`);
    const agreed = invokeCard(
      (await bot.invoke(WORKER, 'agreeAction', { ...(agree.data as JsonObject), actionOwnerId: WORKER, actionDue: '2026-12-02', actionText: 'Share the updated placement plan with the carers' })).body,
    );
    const done = actionsIn(agreed).find((a) => a.verb === 'completeAction');
    assert.ok(done, 'the owner sees Mark done');
    const completed = invokeCard((await bot.invoke(WORKER, 'completeAction', done.data as JsonObject)).body);
    assert.equal(actionsIn(completed).find((a) => a.verb === 'completeAction'), undefined, 'no Mark done once done');
    await bot.deliver();
  });

  it('a second click on the old card is stale: it changes nothing and says what happened', async () => {
    const before = bot.connector.sent.length;
    const reply = await bot.invoke(WORKER, 'respondAccept', respondData);
    const text = JSON.stringify(invokeCard(reply.body));
    assert.match(text, /Nothing was changed/);
    await bot.deliver();
    assert.equal(bot.connector.sent.length, before);
  });

  it('the officer escalates: the next stage\'s people (found from the allocated worker) get their cards, and earlier copies update', async () => {
    const statusCard = invokeCard((await bot.invoke(IRO, 'refresh', respondData)).body);
    assert.match(JSON.stringify(statusCard), /Farah Siddiqui/, 'the status card says who stage 2 would reach');
    const escalate = actionsIn(statusCard).find((a) => a.verb === 'escalate');
    assert.ok(escalate, `Escalate on the officer's card (had ${verbsOn(statusCard).join(',')})`);
    const reply = await bot.invoke(IRO, 'escalate', { ...(escalate.data as JsonObject), escalateReason: 'No progress on the care plan review.', escalateSoughtBy: '2026-11-27' });
    const after = JSON.stringify(invokeCard(reply.body));
    assert.doesNotMatch(after, /Nothing was changed/);
    assert.match(after, /Stage 2/);
    bot.connector.clear();
    const report = await bot.deliver();
    assert.equal(report.failed, 0, JSON.stringify(report));
    const ascm = 'a712755f-6cac-44d5-99d5-269512e74f7b'; // Farah Siddiqui, operations manager (ASCM)
    assert.ok(verbsOn(lastCard(bot.sentTo(ascm))).includes('respondAccept'), 'stage 2 To gets the action card');
    assert.ok(bot.sentTo(WORKER).some((x) => x.kind === 'update'), 'the social worker\'s card is updated in place');
  });

  it('"my cases" lists the open case for the officer and the stage\'s people now, and for nobody else', async () => {
    bot.connector.clear();
    await bot.say(IRO, 'my cases');
    await bot.say(STRANGER, 'my cases');
    assert.match(JSON.stringify(bot.cardsTo(IRO)), /LCS-204518/);
    assert.doesNotMatch(JSON.stringify(bot.cardsTo(STRANGER)), /LCS-204518/);
  });

  it('"case <reference>" shows the case in full to someone with a part in it, and nothing to anyone else', async () => {
    bot.connector.clear();
    await bot.say(TEAM_MANAGER, 'case lcs-204518');
    await bot.say(STRANGER, 'case LCS-204518');
    const detail = JSON.stringify(bot.cardsTo(TEAM_MANAGER));
    assert.match(detail, /LCS-204518/);
    assert.match(detail, /Samira Haddad/);
    assert.deepEqual(bot.cardsTo(STRANGER), []);
    assert.match(bot.textsTo(STRANGER)[0] ?? '', /You have no case with the reference LCS-204518/);
  });

  it('"case <reference>" in a group chat shows nothing there and points to the 1:1 chat', async () => {
    bot.connector.clear();
    await bot.say(IRO, 'case LCS-204518', { conversationType: 'groupChat' });
    const sent = bot.connector.sent.map((x) => JSON.stringify(x.activity)).join(' ');
    assert.doesNotMatch(sent, /LCS-204518|Samira/);
    assert.match(sent, /only in your 1:1 chat/);
  });

  it('the same raise form sent twice raises one case', async () => {
    const again = await bot.invoke(IRO, 'raiseSubmit', raiseForm('form-a'));
    assert.match(JSON.stringify(invokeCard(again.body)), /LCS-204518/);
    const other = await bot.invoke(IRO, 'raiseSubmit', raiseForm('form-b'));
    assert.match(JSON.stringify(invokeCard(other.body)), /already exists/);
  });

  it('the officer withdraws another case with a reason: it closes, and a click on its old card is refused', async () => {
    const raised = invokeCard((await bot.invoke(IRO, 'raiseSubmit', { ...raiseForm('form-c'), caseReference: 'LCS-204519' })).body);
    const withdraw = actionsIn(raised).find((a) => a.verb === 'withdraw');
    assert.ok(withdraw, 'Withdraw on the officer\'s card');
    await bot.deliver();
    const workerCard = lastCard(bot.sentTo(WORKER));
    const accept = actionsIn(workerCard).find((a) => a.verb === 'respondAccept')?.data as JsonObject;
    const closed = JSON.stringify(invokeCard((await bot.invoke(IRO, 'withdraw', { ...(withdraw.data as JsonObject), withdrawReason: 'Raised against the wrong case.' })).body));
    assert.doesNotMatch(closed, /Nothing was changed/);
    assert.match(closed, /[Ww]ithdrawn/);
    const late = JSON.stringify(invokeCard((await bot.invoke(WORKER, 'respondAccept', accept)).body));
    assert.match(late, /Nothing was changed/);
  });

  it('previews, notification text and email subjects carry the opaque reference and stage only', () => {
    const outbound = [
      ...bot.connector.sent.map((s) => [s.activity.summary, s.activity.text, (cardsIn(s.activity)[0] as JsonObject | undefined)?.fallbackText]),
      ...bot.mails.map((m) => [m.subject]),
    ].flat().filter((v): v is string => typeof v === 'string');
    for (const text of outbound) assert.doesNotMatch(text, /J\.T\.|care plan|placement/i, text);
  });
});

describe('bot flows over HTTP: the addressee proposes another course or declines, with a reason', function () {
  this.timeout(60_000);
  let bot: BotHarness;
  before(async () => {
    bot = await startBotHarness({ cases: true });
  });
  after(async () => {
    await bot.close();
  });

  /** Raises a case and returns the social worker's action card data for `verb`. */
  async function raisedFor(formId: string, reference: string, verb: string): Promise<JsonObject> {
    await bot.invoke(IRO, 'raiseSubmit', { ...raiseForm(formId), caseReference: reference });
    await bot.deliver();
    const card = lastCard(bot.sentTo(WORKER));
    const action = card === undefined ? undefined : actionsIn(card).find((a) => a.verb === verb);
    assert.ok(action, `the social worker's card has ${verb}`);
    return action.data as JsonObject;
  }

  it('Decline needs a reason: without one nothing is recorded and the card says what to add', async () => {
    const data = await raisedFor('form-decline-1', 'LCS-204601', 'respondDecline');
    const events = await eventsOf(bot.db, String(data.caseId));
    const reply = await bot.invoke(WORKER, 'respondDecline', { ...data, declineReason: '' });
    assert.match(JSON.stringify(reply.body), /Nothing was changed/);
    assert.match(JSON.stringify(reply.body), /[Rr]eason for declining/);
    assert.deepEqual(await eventsOf(bot.db, String(data.caseId)), events, 'no event was written');
  });

  it('Decline with a reason is recorded, and the officer\'s copy shows who declined and why', async () => {
    const data = await raisedFor('form-decline-2', 'LCS-204602', 'respondDecline');
    bot.connector.clear();
    await bot.invoke(WORKER, 'respondDecline', { ...data, declineReason: 'The plan was reviewed at the last review; see the decisions.' });
    const recorded = (await eventsOf(bot.db, String(data.caseId))).at(-1);
    assert.ok(recorded?.type === 'ResponseRecorded' && recorded.response === 'decline');
    assert.equal(recorded.actor, WORKER, 'the actor is the signed-in user, not anything in the card');
    await bot.deliver();
    const officerUpdate = bot.sentTo(IRO).find((s) => s.kind === 'update');
    assert.ok(officerUpdate, 'the officer\'s card was updated in place');
    assert.match(JSON.stringify(officerUpdate.activity), /[Dd]eclined/);
    assert.match(JSON.stringify(officerUpdate.activity), /reviewed at the last review/);
  });

  it('Propose alternative records the proposal as the response, shown to the officer', async () => {
    const data = await raisedFor('form-propose', 'LCS-204603', 'respondPropose');
    bot.connector.clear();
    await bot.invoke(WORKER, 'respondPropose', { ...data, proposal: 'A joint visit with the carers on Thursday instead of a new plan.' });
    const recorded = (await eventsOf(bot.db, String(data.caseId))).at(-1);
    assert.ok(recorded?.type === 'ResponseRecorded' && recorded.response === 'propose-alternative');
    assert.equal(recorded.text, 'A joint visit with the carers on Thursday instead of a new plan.');
    await bot.deliver();
    const officerUpdate = bot.sentTo(IRO).find((s) => s.kind === 'update');
    assert.ok(officerUpdate);
    assert.match(JSON.stringify(officerUpdate.activity), /joint visit/);
  });
});

describe('bot flows: the card a person clicks is answered in place, not also updated through the outbox (issue 11)', function () {
  this.timeout(60_000);
  /** A case raised by the officer and delivered: the social worker (who has talked to the bot) has her card in her 1:1 chat. */
  async function raisedWithHerCard(bot: BotHarness, formId: string): Promise<{ caseId: string; posted: SentActivity }> {
    await bot.say(WORKER, 'help');
    const raised = invokeCard((await bot.invoke(IRO, 'raiseSubmit', raiseForm(formId))).body);
    const escalate = actionsIn(raised).find((a) => a.verb === 'escalate');
    assert.ok(escalate);
    bot.connector.clear();
    await bot.deliver();
    const posted = bot.sentTo(WORKER).find((s) => (s.kind === 'send' || s.kind === 'reply') && cardsIn(s.activity).length > 0);
    assert.ok(posted, 'the social worker was sent her card');
    assert.equal(posted.conversationId, bot.conversationIdOf(WORKER), 'in her 1:1 chat with the bot');
    assert.match(posted.activityId, /\S/, 'the message her card is in');
    bot.connector.clear();
    return { caseId: String((escalate.data as JsonObject).caseId), posted };
  }

  it('the social worker accepts on her own card: the answer replaces it and Teams is not sent it again; the officer\'s and the team manager\'s copies are updated', async () => {
    const bot = await startBotHarness({ cases: true });
    try {
      const { caseId, posted } = await raisedWithHerCard(bot, 'form-in-place');
      const reply = await bot.invoke(WORKER, 'respondAccept', { caseId, stageId: 'stage1', version: 1 }, { replyToId: posted.activityId });
      assert.doesNotMatch(JSON.stringify(invokeCard(reply.body)), /Nothing was changed/);
      const updates = (await listEffects(bot.db!, { streamId: caseId })).filter((e) => e.kind === EFFECT_KINDS.teamsUpdate).map((e) => e.destination);
      assert.ok(updates.includes(`teams:${IRO}`) && updates.includes(`teams:${TEAM_MANAGER}`), `the others' copies are queued: ${updates.join(', ')}`);
      assert.ok(!updates.includes(`teams:${WORKER}`), 'no update of her own card is queued');
      await bot.deliver();
      assert.deepEqual(bot.sentTo(WORKER).filter((s) => s.activityId === posted.activityId), [], 'her card was answered in place; no update of it went to Teams');
      assert.ok(bot.sentTo(IRO).some((s) => s.kind === 'update'), 'the officer\'s card was updated');
      assert.ok(bot.sentTo(TEAM_MANAGER).some((s) => s.kind === 'update'), 'the team manager\'s copy was updated');
    } finally {
      await bot.close();
    }
  });

  it('clicked on a card that is not her case card (an older message), her case card is still updated through the outbox', async () => {
    const bot = await startBotHarness({ cases: true });
    try {
      const { caseId, posted } = await raisedWithHerCard(bot, 'form-elsewhere');
      await bot.invoke(WORKER, 'respondAccept', { caseId, stageId: 'stage1', version: 1 }, { replyToId: 'some-other-message' });
      await bot.deliver();
      assert.ok(bot.sentTo(WORKER).some((s) => s.kind === 'update' && s.activityId === posted.activityId), 'her case card was updated in place');
    } finally {
      await bot.close();
    }
  });
});
