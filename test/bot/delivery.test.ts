import assert from 'node:assert/strict';
import { EFFECT_KINDS, parseReceipt, type PersonalMessage } from '../../app/delivery/messages.js';
import { createDeliveryTransport } from '../../app/delivery/transports.js';
import { createLogger } from '../../app/log.js';
import { createTeamsDelivery } from '../../bot/delivery.js';
import { InvalidInputError } from '../../domain/errors.js';
import { GraphRequestError, GraphUnavailableError } from '../../graph/client.js';
import type { MailMessage, MailSender } from '../../graph/mail.js';
import type { PersonalChat, TeamsInstaller } from '../../graph/teams-install.js';
import type { OutboxRecord } from '../../store/outbox.js';
import { startBotHarness, TEST_TENANT_ID, type BotHarness } from './harness.js';

// Fictional people from graph/samples/organisation.yaml.
const IRO = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // Priya Okonjo
const MANAGER = '5796a670-482c-490e-8d97-82bfcdc83011'; // Bethan Pryce
const NEWCOMER = 'a712755f-6cac-44d5-99d5-269512e74f7b'; // Farah Siddiqui, never talked to the bot
const ADDRESSES: Record<string, string> = { [MANAGER]: 'bethan.pryce@northmoor.example', [NEWCOMER]: 'farah.siddiqui@northmoor.example' };

const card = (title: string) => ({
  preview: 'Case LCS-204518: stage 1',
  card: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: title }] },
});

const silent = createLogger({ level: 'silent' });
let nextId = 1;
function effect(key: string, kind: string = EFFECT_KINDS.teamsCard, payload: unknown = { topic: 'test', recipient: 'x', request: {} }): OutboxRecord {
  const now = new Date('2026-11-23T10:00:00Z');
  return {
    id: nextId++, idempotencyKey: key, streamId: 'case-1', destination: 'teams:x', tenant: TEST_TENANT_ID, kind, payload,
    status: 'delivering', attempts: 1, ambiguousAttempts: 0, nextAttemptAt: now, claimedBy: 'w', leaseUntil: now, fencingToken: 1, lastError: null, receipt: null, deliveredAt: null,
  };
}

describe('delivery: a message to a person, by Teams then email (the teams.card transport with the bot\'s Teams delivery)', () => {
  let bot: BotHarness;
  let mails: MailMessage[];
  let installs: string[];
  let installResult: PersonalChat;
  const mail: MailSender = { send: async (m) => { mails.push(m); return { via: 'file', duplicate: false }; } };
  const installer: TeamsInstaller = {
    ensurePersonalChat: async (userId) => {
      installs.push(userId);
      if (installResult.status === 'ready') bot.connector.registerConversation(installResult.chatId, userId);
      return installResult;
    },
  };

  const transportFor = (message: PersonalMessage, sender: MailSender = mail) =>
    createDeliveryTransport({
      composers: { test: async () => message },
      teams: createTeamsDelivery({
        adapter: bot.running.adapter, botAppId: '', tenantId: TEST_TENANT_ID, conversations: bot.conversations,
        serviceUrl: bot.connector.serviceUrl, logger: silent,
      }),
      installer,
      mail: sender,
      emailOf: async (id) => ADDRESSES[id],
      logger: silent,
    });

  beforeEach(async () => {
    bot = await startBotHarness();
    mails = [];
    installs = [];
    installResult = { status: 'unavailable', reason: 'local mode' };
  });
  afterEach(async () => {
    await bot.close();
  });

  it('someone who has talked to the bot gets the card in their stored 1:1 conversation, with a receipt', async () => {
    await bot.say(MANAGER, 'help');
    bot.connector.clear();
    const result = await transportFor({ recipientId: MANAGER, ...card('Action needed') })(effect('k1'));
    assert.equal(result.outcome, 'delivered');
    const [sent] = bot.sentTo(MANAGER);
    // botbuilder posts proactive messages as replies to the continuation; in a 1:1 chat Teams shows a new message.
    assert.ok(sent?.kind === 'send' || sent?.kind === 'reply', `a new message, not ${sent?.kind}`);
    assert.equal(sent?.conversationId, bot.conversationIdOf(MANAGER));
    const receipt = parseReceipt(result.outcome === 'delivered' ? result.receipt : undefined);
    assert.deepEqual(receipt, { channel: 'teams', conversationId: bot.conversationIdOf(MANAGER), messageId: sent?.activityId, serviceUrl: bot.connector.serviceUrl });
    assert.deepEqual(bot.sentTo(IRO), []);
  });

  it('an update replaces the earlier card in place (same activity id), not a new message', async () => {
    await bot.say(MANAGER, 'help');
    const first = await transportFor({ recipientId: MANAGER, ...card('v1') })(effect('k1'));
    const receipt = parseReceipt(first.outcome === 'delivered' ? first.receipt : undefined);
    assert.ok(receipt?.channel === 'teams');
    const { channel: _channel, ...location } = receipt;
    bot.connector.clear();
    const second = await transportFor({ recipientId: MANAGER, ...card('v2'), replaces: location })(effect('k2', EFFECT_KINDS.teamsUpdate));
    assert.equal(second.outcome, 'delivered');
    const [updated] = bot.sentTo(MANAGER);
    assert.equal(updated?.kind, 'update');
    assert.equal(updated?.activityId, location.messageId);
    assert.match(JSON.stringify(updated?.activity), /v2/);
  });

  it('someone who never talked to the bot: the app is installed for them and the card goes to the 1:1 chat the install returned (no second conversation)', async () => {
    const chatId = '19:newcomer-resolve@unq.gbl.spaces';
    installResult = { status: 'ready', chatId, installed: true };
    const result = await transportFor({ recipientId: NEWCOMER, ...card('Action needed') })(effect('k3'));
    assert.equal(result.outcome, 'delivered');
    assert.deepEqual(installs, [NEWCOMER]);
    assert.deepEqual(bot.connector.created, [], 'no conversation is created: the install already opened the chat');
    const sent = bot.sentTo(NEWCOMER);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.conversationId, chatId);
    assert.equal(parseReceipt(result.outcome === 'delivered' ? result.receipt : undefined)?.channel, 'teams');
    const kept = await bot.conversations.find(NEWCOMER);
    assert.equal((kept?.conversation as { id?: string } | undefined)?.id, chatId, 'the chat is kept as their address for next time');
  });

  it('when Graph gives no chat id, a 1:1 conversation is created with their Entra id', async () => {
    installResult = { status: 'ready', chatId: '', installed: true };
    const result = await transportFor({ recipientId: NEWCOMER, ...card('Action needed') })(effect('k3b'));
    assert.equal(result.outcome, 'delivered');
    const [created] = bot.connector.created;
    assert.equal(created?.userId, NEWCOMER);
    assert.equal(created?.parameters.tenantId, TEST_TENANT_ID);
    assert.ok(await bot.conversations.find(NEWCOMER), 'the new conversation is kept for next time');
  });

  it('falls back to email when the app cannot be installed, with the outbox key as the idempotency key', async () => {
    const email = { subject: 'Resolve: case LCS-204518 needs your response', html: '<p>Open Resolve in Teams.</p>' };
    const result = await transportFor({ recipientId: NEWCOMER, ...card('x'), email })(effect('k4'));
    assert.deepEqual(result, { outcome: 'delivered', receipt: JSON.stringify({ channel: 'email' }) });
    assert.equal(mails.length, 1);
    assert.equal(mails[0]?.idempotencyKey, 'k4');
    assert.deepEqual(mails[0]?.to, [ADDRESSES[NEWCOMER]], 'addressed from the directory');
    assert.deepEqual(bot.connector.sent, []);
  });

  it('a stored conversation Teams refuses (403: the bot was removed) is retried through installation, then email', async () => {
    await bot.say(MANAGER, 'help');
    bot.connector.clear();
    bot.connector.failConversation(bot.conversationIdOf(MANAGER), { status: 403 });
    const email = { subject: 'Resolve: case LCS-204518', html: '<p>x</p>' };
    const result = await transportFor({ recipientId: MANAGER, ...card('x'), email })(effect('k5'));
    assert.equal(result.outcome, 'delivered');
    assert.deepEqual(installs, [MANAGER]);
    assert.equal(mails.length, 1);
  });

  it('an email the sender refuses for good is a rejection, not retried for ever; Graph being unavailable is retried', async () => {
    const email = { subject: 'Resolve: case LCS-204518', html: '<p>x</p>' };
    const throwing = (error: Error): MailSender => ({ send: async () => { throw error; } });
    // The Teams fallback and an email effect go through the same email path, so both fail the same way.
    const viaFallback = (error: Error, key: string) => transportFor({ recipientId: NEWCOMER, ...card('x'), email }, throwing(error))(effect(key));
    const viaEmailEffect = (error: Error, key: string) =>
      transportFor({ recipientId: NEWCOMER }, throwing(error))(effect(key, EFFECT_KINDS.email, { topic: 'test', recipient: NEWCOMER, email }));
    for (const send of [viaFallback, viaEmailEffect]) {
      const refused = await send(new InvalidInputError('the subject carries a date', 'subject'), `${send.name}-k7`);
      assert.equal(refused.outcome, 'rejected');
      const graphRefused = await send(new GraphRequestError('sendMail', 400, 'ErrorInvalidRecipients', 'no such mailbox'), `${send.name}-k8`);
      assert.equal(graphRefused.outcome, 'rejected');
      const unavailable = await send(new GraphUnavailableError('sendMail', 503, 'service unavailable'), `${send.name}-k9`);
      assert.equal(unavailable.outcome, 'retry');
    }
  });

  it('Graph busy or down while installing the app is a retry, not an email; an installation Graph does not show yet is a retry too', async () => {
    const throwing: TeamsInstaller = { ensurePersonalChat: async () => { throw new GraphUnavailableError('installing the app', 503, 'service unavailable'); } };
    const withInstaller = (chosen: TeamsInstaller) =>
      createDeliveryTransport({
        composers: { test: async () => ({ recipientId: NEWCOMER, ...card('x'), email: { subject: 'Resolve: case LCS-204518', html: '<p>x</p>' } }) },
        teams: createTeamsDelivery({ adapter: bot.running.adapter, botAppId: '', tenantId: TEST_TENANT_ID, conversations: bot.conversations, serviceUrl: bot.connector.serviceUrl, logger: silent }),
        installer: chosen, mail, emailOf: async (id) => ADDRESSES[id], logger: silent,
      });
    assert.equal((await withInstaller(throwing)(effect('k11'))).outcome, 'retry');
    const throttled: TeamsInstaller = { ensurePersonalChat: async () => { throw new GraphRequestError('installing the app', 429, 'TooManyRequests', 'slow down'); } };
    assert.equal((await withInstaller(throttled)(effect('k12'))).outcome, 'retry');
    const pending: TeamsInstaller = { ensurePersonalChat: async () => ({ status: 'pending', reason: 'not visible yet' }) };
    assert.equal((await withInstaller(pending)(effect('k13'))).outcome, 'retry');
    assert.deepEqual(mails, [], 'nothing was emailed for a passing problem');
  });

  it('a chat Graph has just opened that refuses the first messages is tried again a few times, then the email goes', async () => {
    const chatId = '19:newcomer-fresh@unq.gbl.spaces';
    installResult = { status: 'ready', chatId, installed: true };
    bot.connector.failConversation(chatId, { status: 403 });
    const email = { subject: 'Resolve: case LCS-204518', html: '<p>x</p>' };
    const early = await transportFor({ recipientId: NEWCOMER, ...card('x'), email })({ ...effect('k14'), attempts: 1 });
    assert.equal(early.outcome, 'retry');
    assert.deepEqual(mails, []);
    const late = await transportFor({ recipientId: NEWCOMER, ...card('x'), email })({ ...effect('k14'), attempts: 3 });
    assert.deepEqual(late, { outcome: 'delivered', receipt: JSON.stringify({ channel: 'email' }) });
    assert.equal(mails.length, 1);
  });

  it('an effect of an unknown kind is rejected by name, and a Teams-shaped payload on a calendar kind goes to the calendar transport, never to Teams', async () => {
    const unknown = await transportFor({ recipientId: MANAGER, ...card('x') })(effect('k10', 'fax.send', { topic: 'test', recipient: MANAGER, request: {} }));
    assert.deepEqual(unknown, { outcome: 'rejected', error: 'no transport delivers effects of kind "fax.send"' });
    const misfiled = await transportFor({ recipientId: MANAGER, ...card('x') })(effect('k11', EFFECT_KINDS.calendarUpdate, { topic: 'test', recipient: MANAGER, request: {} }));
    assert.deepEqual(misfiled, { outcome: 'rejected', error: 'the effect is not a calendar change' });
    assert.deepEqual(bot.connector.sent, []);
  });

  it('without an email fallback, unreachable in Teams is a rejection the outbox records as failed', async () => {
    const result = await transportFor({ recipientId: NEWCOMER, ...card('x') })(effect('k6'));
    assert.equal(result.outcome, 'rejected');
  });

  // The connector client retries 429s itself (honouring Retry-After) before giving up, hence 1 s.
  it('Teams throttling (429 with Retry-After) is a retry that honours Retry-After; nothing is emailed', async () => {
    await bot.say(MANAGER, 'help');
    bot.connector.failConversation(bot.conversationIdOf(MANAGER), { status: 429, retryAfterSeconds: 1 });
    const email = { subject: 'Resolve: case LCS-204518', html: '<p>x</p>' };
    const result = await transportFor({ recipientId: MANAGER, ...card('x'), email })(effect('k7'));
    assert.equal(result.outcome, 'retry');
    assert.equal(result.outcome === 'retry' ? result.retryAfterMs : undefined, 1000);
    assert.deepEqual(mails, []);
  });
});
