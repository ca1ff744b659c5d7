/**
 * Teams conventions, over the Bot Framework protocol with a recording connector: refresh.userIds
 * holds MRIs (or nothing), card updates find the card from the case's own record of where it
 * landed, a welcome on install says what Resolve does for the person's part, and one recipient
 * whose Teams conversation hangs or fails holds up nobody else.
 */
import assert from 'node:assert/strict';
import type { CaseEvent } from '../../domain/escalation/index.js';
import { loadCase } from '../../app/cases/model.js';
import { createLogger } from '../../app/log.js';
import { CLOCK_REFUSED, createTrainingFlows } from '../../app/training.js';
import { createWorkingCalendar } from '../../domain/calendar/index.js';
import { getPolicy } from '../../domain/policies/index.js';
import { actionsIn, invokeCard } from './card-queries.js';
import { cardsIn, type JsonObject, type SentActivity } from './recording-connector.js';
import { startBotHarness, type BotHarness } from './harness.js';

// Fictional people from graph/samples/organisation.yaml (Northmoor Borough Council).
const IRO = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // Priya Okonjo, IRO
const WORKER = '3c3ae353-fb14-428e-90b4-01a6c1cc0aff'; // Samira Haddad, social worker
const TEAM_MANAGER = '5796a670-482c-490e-8d97-82bfcdc83011'; // Bethan Pryce, her team manager
const DIRECTOR = '2c63888f-28f0-4481-be6d-dce7a7ace732'; // Helena Marsh-Adeyemi, DCS
const ADMIN = 'a398d022-d435-4df4-8322-905089933837'; // Lorna Pike, business support
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const raiseForm = (formId: string, caseReference: string): JsonObject => ({
  formId,
  allocatedWorkerId: WORKER,
  caseReference,
  subjectInitials: 'R.M.',
  policyId: 'oxfordshire',
  alertTypeId: 'r_and_e',
  issue: 'The pathway plan has not been updated since the move.',
  impact: 'The young person does not know who their personal adviser is.',
  resolutionSought: 'An updated pathway plan.',
  resolutionSoughtBy: '2026-12-04',
});

const refreshOf = (card: JsonObject | undefined) => card?.refresh as { userIds?: string[]; action?: JsonObject } | undefined;
const caseCards = (sent: readonly SentActivity[]) => sent.flatMap((s) => cardsIn(s.activity));

async function eventsOf(bot: BotHarness, caseId: string): Promise<CaseEvent[]> {
  return (await loadCase(bot.db!, caseId)).records.map((r) => r.event);
}

describe('bot: refresh.userIds holds Teams MRIs, never Entra ids (DESIGN Cards)', function () {
  this.timeout(60_000);
  let bot: BotHarness;
  beforeEach(async () => {
    bot = await startBotHarness({ cases: true });
  });
  afterEach(async () => {
    await bot.close();
  });

  it('a person who has talked to the bot gets their 1:1 card refreshing for their MRI; one who has not, a card that refreshes in its chat with no list', async () => {
    await bot.say(WORKER, 'help');
    await bot.invoke(IRO, 'raiseSubmit', raiseForm('form-mri', 'LCS-550101'));
    await bot.deliver();
    const worker = refreshOf(caseCards(bot.sentTo(WORKER)).at(-1));
    assert.deepEqual(worker?.userIds, [`29:${WORKER}`], 'the social worker\'s MRI, from the reference kept when she talked to the bot');
    assert.equal(worker?.action?.verb, 'refresh');
    const manager = refreshOf(caseCards(bot.sentTo(TEAM_MANAGER)).at(-1));
    assert.ok(manager?.action, 'the team manager\'s copy still refreshes itself');
    assert.equal(manager?.userIds, undefined, 'no MRI known yet: no list (a 1:1 chat refreshes for its one person)');
    for (const card of [...caseCards(bot.connector.sent)]) {
      for (const id of refreshOf(card)?.userIds ?? []) assert.doesNotMatch(id, GUID, `an Entra object id in refresh.userIds: ${id}`);
    }
  });

  it('the card answering a click refreshes for the clicker\'s MRI', async () => {
    await bot.say(IRO, 'help');
    const reply = await bot.invoke(IRO, 'raiseSubmit', raiseForm('form-mri-2', 'LCS-550102'));
    assert.deepEqual(refreshOf(invokeCard(reply.body))?.userIds, [`29:${IRO}`]);
  });
});

describe('bot: a card update replaces the card the case recorded as delivered (no outbox scan)', function () {
  this.timeout(60_000);
  it('each delivered case card is recorded on the case as CardPosted; an update replaces exactly that message even when the outbox no longer holds its receipt', async () => {
    const bot = await startBotHarness({ cases: true });
    try {
      await bot.invoke(IRO, 'raiseSubmit', raiseForm('form-loc', 'LCS-550103'));
      await bot.deliver();
      const caseId = 'case-form-loc';
      const posted = (await eventsOf(bot, caseId)).filter((e) => e.type === 'CardPosted');
      assert.deepEqual(posted.map((e) => (e.type === 'CardPosted' ? e.recipient : '')).sort(), [IRO, WORKER, TEAM_MANAGER].sort());
      const managerFirst = bot.sentTo(TEAM_MANAGER).at(-1);
      assert.ok(managerFirst);

      // Forget every receipt the outbox kept: the update must come from the case's own record.
      await bot.db!.exec('UPDATE outbox SET receipt = NULL');
      const accept = actionsIn(caseCards(bot.sentTo(WORKER)).at(-1)).find((a) => a.verb === 'respondAccept');
      assert.ok(accept);
      bot.connector.clear();
      const reply = await bot.invoke(WORKER, 'respondAccept', accept.data as JsonObject);
      assert.doesNotMatch(JSON.stringify(reply.body), /Nothing was changed/);
      await bot.deliver();
      const update = bot.sentTo(TEAM_MANAGER).find((s) => s.kind === 'update');
      assert.ok(update, `the team manager's copy is updated in place (got ${bot.sentTo(TEAM_MANAGER).map((s) => s.kind).join(',')})`);
      assert.equal(update.activityId, managerFirst.activityId);
      assert.equal(update.conversationId, managerFirst.conversationId);
      assert.equal((await eventsOf(bot, caseId)).filter((e) => e.type === 'CardPosted').length, 3, 'an update records nothing new: the first card stays the one');
    } finally {
      await bot.close();
    }
  });
});

describe('bot: a welcome when the app is installed (installationUpdate)', function () {
  this.timeout(60_000);
  let bot: BotHarness;
  before(async () => {
    bot = await startBotHarness({ cases: true });
  });
  after(async () => {
    await bot.close();
  });
  const install = (userId: string, conversationType: 'personal' | 'groupChat' = 'personal', action = 'add') =>
    bot.post({ ...bot.activityFromUser(userId, '', { conversationType }), type: 'installationUpdate', action, text: undefined });
  const welcomeTo = (userId: string) => caseCards(bot.sentTo(userId)).find((c) => c.fallbackText === 'Welcome to Resolve');

  it('an officer is told they can raise alerts and disputes, with Raise and My cases', async () => {
    assert.equal((await install(IRO)).status, 200);
    const card = welcomeTo(IRO);
    assert.ok(card, 'the officer got the welcome');
    assert.match(JSON.stringify(card), /Raise a good-practice notification, practice alert or dispute/);
    assert.match(JSON.stringify(card), /Northmoor Borough Council/);
    assert.deepEqual(actionsIn(card).map((a) => a.verb), ['raiseOpen', 'myCases']);
  });

  it('a team manager is told cards arrive to accept, propose another course or decline; a social worker that they respond and agree actions; a Director and business support each their own', async () => {
    await install(TEAM_MANAGER);
    assert.match(JSON.stringify(welcomeTo(TEAM_MANAGER)), /accept, propose another course or decline/);
    assert.deepEqual(actionsIn(welcomeTo(TEAM_MANAGER)).map((a) => a.verb), ['myCases'], 'no Raise for a manager');
    await install(WORKER);
    assert.match(JSON.stringify(welcomeTo(WORKER)), /agree actions with the reviewing officer/);
    await install(DIRECTOR);
    assert.match(JSON.stringify(welcomeTo(DIRECTOR)), /reaches your level of the procedure/);
    await install(ADMIN);
    assert.match(JSON.stringify(welcomeTo(ADMIN)), /Type \\"due\\" to see the reviews falling due/);
    assert.deepEqual(actionsIn(welcomeTo(ADMIN)).map((a) => a.verb), ['reviewsDue', 'myCases'], 'business support is offered the reviews due');
  });

  it('added to a group chat: a welcome that says case details never appear there, and no My cases', async () => {
    const reply = await install(IRO, 'groupChat');
    assert.equal(reply.status, 200);
    const shared = bot.connector.sent.filter((s) => s.conversationId.includes('groupChat')).flatMap((s) => cardsIn(s.activity));
    assert.equal(shared.length, 1);
    assert.match(JSON.stringify(shared[0]), /Case details are never posted here/);
    assert.deepEqual(actionsIn(shared[0]).map((a) => a.verb), []);
  });

  it('removing the app sends nothing', async () => {
    bot.connector.clear();
    await install(WORKER, 'personal', 'remove');
    assert.deepEqual(bot.sentTo(WORKER), []);
  });
});

describe('bot: one recipient whose Teams conversation hangs or fails delays nobody else', function () {
  this.timeout(60_000);
  for (const trouble of ['hangs', 'answers 500'] as const) {
    it(`the social worker's conversation ${trouble}: the team manager's and the officer's cards arrive at once; hers is settled as ambiguous after the attempt timeout`, async () => {
      const bot = await startBotHarness({ cases: true, attemptTimeoutMs: 1500 });
      try {
        await bot.say(WORKER, 'help');
        await bot.say(TEAM_MANAGER, 'help');
        await bot.say(IRO, 'help');
        if (trouble === 'hangs') bot.connector.hangConversation(bot.conversationIdOf(WORKER), true);
        else bot.connector.failConversation(bot.conversationIdOf(WORKER), { status: 500 });
        await bot.invoke(IRO, 'raiseSubmit', raiseForm(`form-slow-${trouble.length}`, `LCS-5502${trouble.length}`));
        const started = Date.now();
        const delivering = bot.deliver();
        while (bot.sentTo(TEAM_MANAGER).length === 0 || bot.sentTo(IRO).length < 1) {
          assert.ok(Date.now() - started < 1000, 'the others\' cards arrived within a second, not after the slow one');
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        const report = await delivering;
        assert.equal(report.delivered, 2, JSON.stringify(report));
        assert.equal(report.ambiguous, 1, 'the slow one may have been delivered: recorded ambiguous and tried again later');
        assert.deepEqual(bot.sentTo(WORKER).filter((s) => cardsIn(s.activity).length > 0 && s.kind !== 'reply'), []);
      } finally {
        bot.connector.hangConversation(bot.conversationIdOf(WORKER), false);
        await bot.close();
      }
    });
  }
});

describe('bot: a card that is gone, a click after the commit, an upgrade and a failing turn', function () {
  this.timeout(60_000);
  let bot: BotHarness;
  beforeEach(async () => {
    bot = await startBotHarness({ cases: true });
  });
  afterEach(async () => {
    await bot.close();
  });

  it('when a person\'s card is gone (Teams answers 404 to the update), the current card goes as a new message and becomes the card later updates replace', async () => {
    await bot.invoke(IRO, 'raiseSubmit', raiseForm('form-gone', 'LCS-550201'));
    await bot.deliver();
    const first = bot.sentTo(TEAM_MANAGER).at(-1)!;
    bot.connector.failActivity(first.activityId, { status: 404 });
    const accept = actionsIn(caseCards(bot.sentTo(WORKER)).at(-1)).find((a) => a.verb === 'respondAccept');
    bot.connector.clear();
    await bot.invoke(WORKER, 'respondAccept', accept!.data as JsonObject);
    const report = await bot.deliver();
    assert.equal(report.failed, 0, JSON.stringify(report));
    const replacement = bot.sentTo(TEAM_MANAGER).find((s) => s.kind !== 'update');
    assert.ok(replacement, `a new message replaced the deleted card (got ${bot.sentTo(TEAM_MANAGER).map((s) => s.kind).join(',')})`);
    const card = (await eventsOf(bot, 'case-form-gone')).filter((e) => e.type === 'CardPosted' && e.recipient === TEAM_MANAGER).at(-1);
    assert.ok(card?.type === 'CardPosted');
    assert.equal(card.location.messageId, replacement.activityId, 'the new message is recorded as the team manager\'s card');
  });

  it('a chaser that is also emailed gets no second email as its Teams fallback', async () => {
    await bot.invoke(IRO, 'raiseSubmit', raiseForm('form-mail', 'LCS-550202'));
    const effect = {
      id: 1, idempotencyKey: 'k', streamId: 'case-form-mail', destination: `teams:${WORKER}`, tenant: '', kind: 'teams.card', status: 'delivering' as const,
      attempts: 1, ambiguousAttempts: 0, nextAttemptAt: new Date(), claimedBy: 'w', leaseUntil: new Date(), fencingToken: 1, lastError: null, receipt: null, deliveredAt: null,
    };
    const request = (purpose: string, emailToo: boolean) => ({ key: `case-form-mail/v1/${purpose}/${WORKER}`, caseId: 'case-form-mail', recipient: WORKER, purpose, stageId: 'stage1', version: 1, emailToo });
    const payload = (purpose: string, emailToo: boolean) => ({ topic: 'case', recipient: WORKER, request: request(purpose, emailToo) });
    const chaser = await bot.flows!.composer.compose({ ...effect, payload: payload('overdue', true) }, payload('overdue', true));
    assert.equal(chaser?.email, undefined, 'the email effect beside it sends the one email');
    const reminder = await bot.flows!.composer.compose({ ...effect, payload: payload('reminder', false) }, payload('reminder', false));
    assert.match(reminder?.email?.subject ?? '', /^Resolution and Escalation Alert: Resolve: LCS-550202 \(.+\): a response is due soon$/, 'a Teams-only message keeps its email fallback, headed as Oxfordshire heads every R&E email');
    assert.equal(await bot.flows!.composer.compose({ ...effect, payload: { topic: 'case', recipient: WORKER } }, { topic: 'case', recipient: WORKER, request: undefined }), undefined, 'a malformed payload composes nothing');
  });

  it('a click whose change is saved but whose card then cannot be drawn says it is done, never "nothing was changed"', async () => {
    await bot.invoke(IRO, 'raiseSubmit', raiseForm('form-after', 'LCS-550203'));
    await bot.deliver();
    const accept = actionsIn(caseCards(bot.sentTo(WORKER)).at(-1)).find((a) => a.verb === 'respondAccept');
    const composer = bot.flows!.composer;
    const cardFor = composer.cardFor;
    composer.cardFor = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    };
    try {
      const reply = await bot.invoke(WORKER, 'respondAccept', accept!.data as JsonObject);
      assert.match(JSON.stringify(reply.body), /Done: your change is saved/);
      assert.doesNotMatch(JSON.stringify(reply.body), /Nothing was changed/i);
    } finally {
      composer.cardFor = cardFor;
    }
    assert.ok((await eventsOf(bot, 'case-form-after')).some((e) => e.type === 'ResponseRecorded'), 'the accept is recorded');
  });

  it('clicked on her own case card, whose answer could not carry the card, her card is still updated through the outbox ("will update shortly")', async () => {
    await bot.say(WORKER, 'help');
    await bot.invoke(IRO, 'raiseSubmit', raiseForm('form-after-own', 'LCS-550209'));
    bot.connector.clear();
    await bot.deliver();
    const posted = bot.sentTo(WORKER).find((s) => s.kind !== 'update' && caseCards([s]).length > 0);
    assert.ok(posted, 'the social worker was sent her card');
    assert.equal(posted.conversationId, bot.conversationIdOf(WORKER), 'in the 1:1 chat her click comes from');
    const accept = actionsIn(caseCards([posted]).at(-1)).find((a) => a.verb === 'respondAccept');
    const composer = bot.flows!.composer;
    const cardFor = composer.cardFor;
    composer.cardFor = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    };
    try {
      const reply = await bot.invoke(WORKER, 'respondAccept', accept!.data as JsonObject, { replyToId: posted.activityId });
      assert.match(JSON.stringify(reply.body), /will update shortly/);
    } finally {
      composer.cardFor = cardFor;
    }
    bot.connector.clear();
    await bot.deliver();
    const updated = bot.sentTo(WORKER).find((s) => s.kind === 'update' && s.activityId === posted.activityId);
    assert.ok(updated, 'her card was updated in place by the outbox');
    assert.doesNotMatch(JSON.stringify(updated.activity), /respondAccept/, 'to the accepted card');
  });

  it('an app upgrade (add-upgrade) welcomes nobody again', async () => {
    const reply = await bot.post({ ...bot.activityFromUser(IRO, ''), type: 'installationUpdate', action: 'add-upgrade', text: undefined });
    assert.equal(reply.status, 200);
    assert.deepEqual(bot.sentTo(IRO), []);
  });

  it('a card action that fails for another reason is answered 500 with "nothing was changed", not left unanswered (501)', async () => {
    const act = bot.flows!.act;
    bot.flows!.act = async () => {
      throw new Error('a bug');
    };
    try {
      const reply = await bot.invoke(IRO, 'refresh', { caseId: 'case-x', stageId: 'stage1', version: 1 });
      assert.equal(reply.status, 500);
      assert.match(JSON.stringify(reply.body), /Something went wrong and nothing was changed/);
    } finally {
      bot.flows!.act = act;
    }
  });
});

describe('bot: exactly one case card per person per case', function () {
  this.timeout(60_000);
  it('the officer\'s raise form becomes their case card: the card answering the click is the one later changes update, never a second copy', async () => {
    const bot = await startBotHarness({ cases: true });
    try {
      await bot.say(IRO, 'raise');
      const form = bot.sentTo(IRO).at(-1)!;
      const reply = await bot.invoke(IRO, 'raiseSubmit', raiseForm('form-one', 'LCS-550301'), { replyToId: form.activityId });
      assert.doesNotMatch(JSON.stringify(reply.body), /Nothing was changed/);
      bot.connector.clear();
      await bot.deliver();
      const toOfficer = bot.sentTo(IRO);
      assert.deepEqual(toOfficer.map((s) => s.kind), ['update'], 'the officer\'s card is updated in place, not sent again');
      assert.equal(toOfficer[0]?.activityId, form.activityId);
      const accept = actionsIn(caseCards(bot.sentTo(WORKER)).at(-1)).find((a) => a.verb === 'respondAccept');
      bot.connector.clear();
      await bot.invoke(WORKER, 'respondAccept', accept!.data as JsonObject);
      await bot.deliver();
      assert.deepEqual(bot.sentTo(IRO).map((s) => [s.kind, s.activityId]), [['update', form.activityId]], 'and every later change updates that same card');
    } finally {
      await bot.close();
    }
  });

  it('raised from a message (a dialog, no card in the chat), the officer gets one new case card', async () => {
    const bot = await startBotHarness({ cases: true });
    try {
      await bot.say(IRO, 'help');
      bot.connector.clear();
      await bot.post({ ...bot.activityFromUser(IRO, ''), type: 'invoke', name: 'composeExtension/submitAction', value: { commandId: 'raiseFromMessage', data: raiseForm('form-dialog', 'LCS-550302') } });
      await bot.deliver();
      assert.deepEqual(bot.sentTo(IRO).filter((s) => caseCards([s]).length > 0).map((s) => s.kind).filter((k) => k !== 'update').length, 1);
    } finally {
      await bot.close();
    }
  });
});

describe('bot: trying it without waiting (the trainer\'s clock, local mode only)', function () {
  this.timeout(60_000);
  it('in local mode "clock forward 3 working days" moves the bot\'s clock, and the reminder and overdue chaser due by then go out', async () => {
    const bot = await startBotHarness({ cases: true });
    try {
      await bot.say(WORKER, 'help');
      await bot.say(IRO, 'raise');
      await bot.invoke(IRO, 'raiseSubmit', { ...raiseForm('form-clock', 'LCS-550401'), resolutionSoughtBy: '2026-11-25' });
      await bot.deliver();
      bot.connector.clear();
      await bot.say(IRO, 'clock');
      assert.match(bot.textsTo(IRO).at(-1) ?? '', /Resolve's clock reads Monday 23 November 2026, 10:00/);
      await bot.say(IRO, 'clock forward 3 working days');
      assert.match(bot.textsTo(IRO).at(-1) ?? '', /moved forward 3 working days, from Monday 23 November 2026, 10:00 to Thursday 26 November 2026, 10:00/);
      assert.equal(bot.clock.now().toISOString(), '2026-11-26T10:00:00.000Z');
      const fired = await bot.fireDeadlines();
      assert.ok(fired.fired >= 2, `the reminder and the response deadline fired (${JSON.stringify(fired)})`);
      await bot.deliver();
      assert.ok(bot.textsTo(WORKER).some((t) => /LCS-550401 .*: response overdue/.test(t)), `the social worker got the overdue chaser (${bot.textsTo(WORKER).join(' | ')})`);
      assert.ok(bot.cardsTo(IRO).some((c) => /overdue/i.test(String(c.fallbackText))), 'the officer got the escalate-now chaser');
      await bot.say(IRO, 'clock forward 3 fortnights');
      assert.match(bot.textsTo(IRO).at(-1) ?? '', /clock forward 3 working days/);
      await bot.say(IRO, 'clock forward 400 working days');
      assert.match(bot.textsTo(IRO).at(-1) ?? '', /from 1 to 60, for example .*Nothing was changed\./);
    } finally {
      await bot.close();
    }
  });

  it('with an app id set (a real deployment) there is no clock to move: asked to, it refuses and says why', async () => {
    const training = createTrainingFlows({ clock: undefined, calendar: createWorkingCalendar(), logger: createLogger({ level: 'silent' }) });
    assert.deepEqual(await training.clock(IRO, { amount: 3, unit: 'working-days' }), { message: CLOCK_REFUSED });
    assert.match(CLOCK_REFUSED, /only for trying Resolve locally.*Nothing was changed/);
  });
});

describe('bot: Dudley\'s team manager confirms actions done, as the procedure says (AMB-30)', function () {
  this.timeout(60_000);
  it('"The Team Manager will confirm when actions are completed": the action\'s owner has no Mark done, the fostering support team manager has it and it works', async () => {
    const NIAMH = 'bbeeb636-1d33-4c6d-96f0-da847a2a3b87'; // Niamh Delaney, supervising social worker
    const KWAME = '0b80a255-53a1-4945-a932-58ef7777682c'; // Kwame Asante, Fostering Support team manager
    const bot = await startBotHarness({ cases: true });
    try {
      await bot.invoke(IRO, 'raiseSubmit', {
        ...raiseForm('form-dudley', 'LCS-550501'), policyId: 'dudley', alertTypeId: 'qop', allocatedWorkerId: NIAMH,
        impact: 'The carers feel unsupported.', resolutionSought: 'Supervision visits restored.',
      });
      await bot.deliver();
      const kwameCard = () => caseCards(bot.sentTo(KWAME)).at(-1);
      const accept = actionsIn(kwameCard()).find((a) => a.verb === 'respondAccept');
      assert.ok(accept, `the team manager holds the action card (${JSON.stringify(bot.sentTo(KWAME).length)})`);
      const accepted = invokeCard((await bot.invoke(KWAME, 'respondAccept', accept.data as JsonObject)).body);
      const agree = actionsIn(accepted).find((a) => a.verb === 'agreeAction');
      assert.ok(agree);
      const agreed = await bot.invoke(KWAME, 'agreeAction', { ...(agree.data as JsonObject), actionOwnerId: NIAMH, actionDue: '2026-12-04', actionText: 'Visit the carers.' });
      assert.doesNotMatch(JSON.stringify(agreed.body), /Nothing was changed/);
      await bot.deliver();
      const niamhVerbs = actionsIn(caseCards(bot.sentTo(NIAMH)).at(-1)).map((a) => a.verb);
      assert.ok(!niamhVerbs.includes('completeAction'), `the owner is not offered Mark done (${niamhVerbs.join(',')})`);
      const done = actionsIn(kwameCard()).find((a) => a.verb === 'completeAction');
      assert.ok(done, 'the team manager is offered Mark done');
      const reply = await bot.invoke(KWAME, 'completeAction', done.data as JsonObject);
      assert.doesNotMatch(JSON.stringify(reply.body), /Nothing was changed/);
      assert.ok((await eventsOf(bot, 'case-form-dudley')).some((e) => e.type === 'ActionCompleted'));
    } finally {
      await bot.close();
    }
  });
});

describe('bot: the officer answers a proposed alternative on the card (§8.3)', function () {
  this.timeout(60_000);
  it('the social worker proposes; the officer rejects it with a reason (she may respond again), then accepts the next one as the agreed course', async () => {
    const bot = await startBotHarness({ cases: true });
    try {
      const raised = invokeCard((await bot.invoke(IRO, 'raiseSubmit', raiseForm('form-prop', 'LCS-550601'))).body);
      await bot.deliver();
      const propose = () => actionsIn(caseCards(bot.sentTo(WORKER)).at(-1)).find((a) => a.verb === 'respondPropose');
      const officerCard = () => caseCards(bot.sentTo(IRO)).at(-1) ?? raised;
      assert.ok(propose());
      await bot.invoke(WORKER, 'respondPropose', { ...(propose()!.data as JsonObject), proposal: 'A review meeting in two weeks instead.' });
      await bot.deliver();
      const reject = actionsIn(officerCard()).find((a) => a.verb === 'rejectProposal');
      assert.ok(reject, `the officer's card offers Reject the proposal (${actionsIn(officerCard()).map((a) => a.verb).join(',')})`);
      const rejected = await bot.invoke(IRO, 'rejectProposal', { ...(reject.data as JsonObject), rejectReason: 'Two weeks leaves contact unclear over Christmas.' });
      assert.doesNotMatch(JSON.stringify(rejected.body), /Nothing was changed/);
      await bot.deliver();
      assert.ok(propose(), 'the social worker may respond again');
      await bot.invoke(WORKER, 'respondPropose', { ...(propose()!.data as JsonObject), proposal: 'A review meeting this Friday.' });
      await bot.deliver();
      const accept = actionsIn(officerCard()).find((a) => a.verb === 'acceptProposal');
      assert.ok(accept);
      const accepted = invokeCard((await bot.invoke(IRO, 'acceptProposal', accept.data as JsonObject)).body);
      assert.match(JSON.stringify(accepted), /Agreed course: accepted by Priya Okonjo/);
      const answers = (await eventsOf(bot, 'case-form-prop')).filter((e) => e.type === 'ProposalAnswered').map((e) => (e.type === 'ProposalAnswered' ? e.accepted : undefined));
      assert.deepEqual(answers, [false, true]);
    } finally {
      await bot.close();
    }
  });
});

describe('bot: every card answers at a glance, for every person on the case', function () {
  this.timeout(60_000);
  it('the stage 2 manager sees why it came to her (the escalation reason and the earlier decline with its reason); the social worker is told her part has ended; a resolved case shows its outcome to everyone', async () => {
    const ASCM = 'a712755f-6cac-44d5-99d5-269512e74f7b'; // Farah Siddiqui, operations manager (ASCM)
    const bot = await startBotHarness({ cases: true });
    try {
      await bot.invoke(IRO, 'raiseSubmit', raiseForm('form-ctx', 'LCS-550701'));
      await bot.deliver();
      const workerCard = caseCards(bot.sentTo(WORKER)).at(-1)!;
      assert.match(JSON.stringify(workerCard), /You are asked to respond by 17:00 on Friday 4 December 2026: accept, propose another course, or decline with a reason\./);
      assert.match(JSON.stringify(workerCard), /Raised by Priya Okonjo, IRO\./);
      assert.match(JSON.stringify(workerCard), /If nobody responds by 17:00 on Friday 4 December 2026, Priya Okonjo is prompted to escalate it to Stage 2/);
      const decline = actionsIn(workerCard).find((a) => a.verb === 'respondDecline')!;
      await bot.invoke(WORKER, 'respondDecline', { ...(decline.data as JsonObject), declineReason: 'The plan was shared with the carers on Monday.' });
      await bot.deliver();
      const officer = invokeCard((await bot.invoke(IRO, 'refresh', decline.data as JsonObject)).body);
      assert.match(JSON.stringify(officer), /Stage 1 · Declined","wrap":true,"spacing":"None","weight":"Bolder","color":"Attention"/, 'a decline is not green');
      const escalate = actionsIn(officer).find((a) => a.verb === 'escalate')!;
      const escalated = await bot.invoke(IRO, 'escalate', { ...(escalate.data as JsonObject), escalateReason: 'The carers say they have not seen the plan.' });
      assert.doesNotMatch(JSON.stringify(escalated.body), /Nothing was changed/, JSON.stringify(escalated.body).slice(600, 1600));
      await bot.deliver();
      const manager = JSON.stringify(caseCards(bot.sentTo(ASCM)).at(-1));
      assert.match(manager, /Escalated here from Stage 1:/);
      assert.match(manager, /The carers say they have not seen the plan\./);
      assert.match(manager, /Stage 1: Samira Haddad declined/);
      assert.match(manager, /The plan was shared with the carers on Monday\./);
      assert.match(JSON.stringify(caseCards(bot.sentTo(WORKER)).at(-1)), /You were on this alert earlier\. It has moved on to Stage 2, so nothing is asked of you now/);
      const resolve = actionsIn(invokeCard((await bot.invoke(IRO, 'refresh', { ...(escalate.data as JsonObject), stageId: 'stage2', version: 4 })).body)).find((a) => a.verb === 'resolve');
      assert.ok(resolve, 'the officer can resolve');
      await bot.invoke(IRO, 'resolve', { ...(resolve.data as JsonObject), outcome: 'The plan was shared again and discussed with the carers.', learningPoints: 'Confirm with carers that plans arrived.' });
      await bot.deliver();
      for (const person of [WORKER, TEAM_MANAGER, ASCM]) {
        const card = JSON.stringify(caseCards(bot.sentTo(person)).at(-1));
        assert.match(card, /The plan was shared again and discussed with the carers\./, `the outcome reaches ${person}`);
        assert.match(card, /Confirm with carers that plans arrived\./);
      }
    } finally {
      await bot.close();
    }
  });
});

describe('bot: "overdue" lists what is late across a person\'s cases, as one card (§8.4)', function () {
  this.timeout(60_000);
  it('once a response is overdue the officer and the addressee see it listed; someone with nothing late is told so', async () => {
    const bot = await startBotHarness({ cases: true });
    try {
      await bot.invoke(IRO, 'raiseSubmit', { ...raiseForm('form-late-list', 'LCS-550801'), resolutionSoughtBy: '2026-11-25' });
      await bot.invoke(IRO, 'raiseSubmit', { ...raiseForm('form-on-time', 'LCS-550802'), resolutionSoughtBy: '2026-12-04' });
      await bot.say(IRO, 'clock forward 3 working days');
      await bot.say(IRO, 'overdue');
      const officer = JSON.stringify(bot.cardsTo(IRO).at(-1));
      assert.match(officer, /What is late/);
      assert.match(officer, /LCS-550801/);
      assert.doesNotMatch(officer, /LCS-550802/, 'a case still in time is not listed');
      await bot.say(WORKER, 'overdue');
      assert.match(JSON.stringify(bot.cardsTo(WORKER).at(-1)), /LCS-550801/);
      await bot.say(DIRECTOR, 'overdue');
      assert.match(JSON.stringify(bot.cardsTo(DIRECTOR).at(-1)), /Nothing across your cases is overdue\./);
    } finally {
      await bot.close();
    }
  });
});

describe('bot: Cheshire East\'s Cafcass referral from day 15, and the IRO\'s statutory right before it (ESC-C3, §2.5)', function () {
  this.timeout(60_000);
  it('on day 1 the officer\'s card offers only "Refer to Cafcass now" under the statutory right; used, the referral records the override', async () => {
    const bot = await startBotHarness({ cases: true, policies: [getPolicy('cheshire_east')] });
    try {
      const { resolutionSoughtBy: _timed, ...form } = raiseForm('form-ce', 'LCS-550901');
      const raised = invokeCard((await bot.invoke(IRO, 'raiseSubmit', { ...form, policyId: 'cheshire_east', alertTypeId: 'informal' })).body);
      const titles = actionsIn(raised).map((a) => String(a.title));
      assert.ok(titles.includes('Refer to Cafcass now') && !titles.includes('Refer to Cafcass'), titles.join(', '));
      const refer = actionsIn(raised).find((a) => a.verb === 'referCafcass')!;
      const reply = await bot.invoke(IRO, 'referCafcass', { ...(refer.data as JsonObject), cafcassReason: 'The child\'s plan is failing and the LA will not engage.', statutoryOverride: 'true' });
      assert.doesNotMatch(JSON.stringify(reply.body), /Nothing was changed/, JSON.stringify(reply.body).slice(0, 400));
      const referred = (await eventsOf(bot, 'case-form-ce')).find((e) => e.type === 'CafcassReferred');
      assert.ok(referred?.type === 'CafcassReferred' && referred.statutoryOverride === true, 'recorded as the statutory override');
    } finally {
      await bot.close();
    }
  });
});

describe('bot: Dudley\'s care-plan-only concerns go to the child\'s IRO (D-P6)', function () {
  this.timeout(60_000);
  it('"Where the issues of concern relate solely to a child care plan the FIRO will refer the matter directly to the child\'s IRO": the form asks, and such a raise comes back saying so, nothing recorded', async () => {
    const NIAMH = 'bbeeb636-1d33-4c6d-96f0-da847a2a3b87';
    const bot = await startBotHarness({ cases: true });
    try {
      const form = invokeCard((await bot.invoke(IRO, 'raiseUpdate', { formId: 'form-cp', policyId: 'dudley' })).body);
      assert.match(JSON.stringify(form), /"id":"solelyAboutChildCarePlan"/, 'Dudley\'s form asks');
      const oxfordshire = invokeCard((await bot.invoke(IRO, 'raiseUpdate', { formId: 'form-cp', policyId: 'oxfordshire' })).body);
      assert.doesNotMatch(JSON.stringify(oxfordshire), /solelyAboutChildCarePlan/, 'a ladder without the rule does not');
      const reply = JSON.stringify((await bot.invoke(IRO, 'raiseSubmit', {
        ...raiseForm('form-cp', 'LCS-551001'), policyId: 'dudley', alertTypeId: 'qop', allocatedWorkerId: NIAMH, solelyAboutChildCarePlan: 'true',
      })).body);
      assert.match(reply, /IRO/);
      assert.match(reply, /Raise a notification, alert or dispute/, 'the form comes back, everything kept');
      assert.deepEqual(await bot.db!.query('SELECT 1 FROM events'), [], 'nothing was recorded');
    } finally {
      await bot.close();
    }
  });
});
