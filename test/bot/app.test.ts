import assert from 'node:assert/strict';
import { startBotHarness, TEST_TENANT_ID, type BotHarness } from './harness.js';

// Fictional people from graph/samples/organisation.yaml.
const IRO = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // Priya Okonjo, IRO
const MANAGER = '5796a670-482c-490e-8d97-82bfcdc83011'; // Bethan Pryce, team manager

describe('bot/app over HTTP: chat commands', () => {
  let bot: BotHarness;
  beforeEach(async () => {
    bot = await startBotHarness();
  });
  afterEach(async () => {
    await bot.close();
  });

  it('help replies to the person who asked, in their 1:1 chat, listing every command', async () => {
    const reply = await bot.say(IRO, 'help');
    assert.equal(reply.status, 200);
    const cards = bot.cardsTo(IRO);
    assert.equal(cards.length, 1);
    for (const command of ['raise', 'my cases', 'case REFERENCE', 'help']) assert.ok(JSON.stringify(cards[0]).includes(`"${command}"`), command);
    assert.deepEqual(bot.sentTo(MANAGER), []);
    const [sent] = bot.sentTo(IRO);
    assert.equal(sent?.kind, 'reply');
    assert.equal(sent?.conversationId, bot.conversationIdOf(IRO));
  });

  it('an unknown command gets "I did not understand" and the help list', async () => {
    await bot.say(IRO, 'please escalate everything');
    assert.match(bot.textsTo(IRO)[0] ?? '', /^I did not understand that\./);
    assert.match(JSON.stringify(bot.cardsTo(IRO)[0]), /my cases/);
  });

  it('"case" without a reference asks which case, with an example', async () => {
    await bot.say(IRO, 'case');
    assert.match(bot.textsTo(IRO)[0] ?? '', /Which case\? Type \*\*case\*\* and its reference/);
  });

  it('a message without an Entra object id is refused and nothing is recorded for anyone', async () => {
    const activity = bot.activityFromUser(IRO, 'help');
    (activity.from as Record<string, unknown>).aadObjectId = undefined;
    const reply = await bot.post(activity);
    assert.equal(reply.status, 200);
    assert.match(String(bot.connector.sent[0]?.activity.text), /cannot tell who you are/);
    assert.equal(bot.connector.sent.length, 1);
  });

  it('keeps the 1:1 conversation reference of whoever talks to the bot, without display names', async () => {
    const activity = bot.activityFromUser(MANAGER, 'help');
    (activity.from as Record<string, unknown>).name = 'Bethan Pryce';
    await bot.post(activity);
    const stored = await bot.conversations.find(MANAGER);
    assert.ok(stored, 'reference stored');
    assert.equal((stored.conversation as Record<string, unknown>).id, bot.conversationIdOf(MANAGER));
    assert.equal((stored.conversation as Record<string, unknown>).tenantId, TEST_TENANT_ID);
    assert.equal(stored.serviceUrl, bot.connector.serviceUrl);
    assert.doesNotMatch(JSON.stringify(stored), /Bethan|Pryce/);
  });

  it('does not keep group-chat conversations as a person\'s address', async () => {
    await bot.say(IRO, 'help', { conversationType: 'groupChat' });
    assert.equal(await bot.conversations.find(IRO), undefined);
  });

  it('an Action.Execute with an unknown verb changes nothing and says the card is damaged', async () => {
    const reply = await bot.invoke(IRO, 'no.such.verb', { caseId: 'RES-2026-0001' });
    assert.equal(reply.status, 200);
    assert.match(JSON.stringify(reply.body), /damaged or was not sent by Resolve.*Nothing was changed/);
    assert.deepEqual(bot.sentTo(IRO), []);
  });

  it('logs carry ids, never the text people typed', async () => {
    await bot.say(IRO, 'case about J.T. at Larkfield School');
    const logText = JSON.stringify(bot.logs);
    assert.doesNotMatch(logText, /J\.T\.|Larkfield/);
    assert.ok(bot.logs.some((l) => l.event === 'activity.received' && l.userId === IRO));
  });
});
