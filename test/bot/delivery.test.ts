import assert from 'node:assert/strict';
import { InvalidInputError } from '../../domain/errors.js';
import { GraphRequestError, GraphUnavailableError } from '../../graph/client.js';
import type { MailMessage, MailSender } from '../../graph/mail.js';
import type { PersonalChat, TeamsInstaller } from '../../graph/teams-install.js';
import type { OutboxRecord } from '../../store/outbox.js';
import { createPersonalDelivery, parseReceipt, type PersonalMessage } from '../../bot/delivery.js';
import { createLogger } from '../../bot/log.js';
import { startBotHarness, TEST_TENANT_ID, type BotHarness } from './harness.js';

// Fictional people from graph/samples/organisation.yaml.
const IRO = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // Priya Okonjo
const MANAGER = '5796a670-482c-490e-8d97-82bfcdc83011'; // Bethan Pryce
const NEWCOMER = 'a712755f-6cac-44d5-99d5-269512e74f7b'; // Farah Siddiqui, never talked to the bot

const card = (title: string) => ({
  preview: 'Case LCS-204518: stage 1',
  card: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: title }] },
});

const silent = createLogger({ level: 'silent' });
let nextId = 1;
function effect(key: string): OutboxRecord {
  const now = new Date('2026-11-23T10:00:00Z');
  return {
    id: nextId++, idempotencyKey: key, streamId: 'case-1', destination: 'teams:x', tenant: TEST_TENANT_ID, kind: 'case-notification', payload: {},
    status: 'delivering', attempts: 1, ambiguousAttempts: 0, nextAttemptAt: now, claimedBy: 'w', leaseUntil: now, fencingToken: 1, lastError: null, receipt: null, deliveredAt: null,
  };
}

describe('bot/delivery: proactive delivery to a person (outbox transport)', () => {
  let bot: BotHarness;
  let mails: MailMessage[];
  let installs: string[];
  let installResult: PersonalChat;
  const mail: MailSender = { send: async (m) => { mails.push(m); return { via: 'file', duplicate: false }; } };
  const installer: TeamsInstaller = { ensurePersonalChat: async (userId) => { installs.push(userId); return installResult; } };

  const transportFor = (message: PersonalMessage) =>
    createPersonalDelivery({
      adapter: bot.running.adapter, botAppId: '', tenantId: TEST_TENANT_ID, conversations: bot.conversations, installer, mail,
      serviceUrl: bot.connector.serviceUrl, compose: async () => message, logger: silent,
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
    assert.deepEqual(receipt, { channel: 'teams', conversationId: bot.conversationIdOf(MANAGER), activityId: sent?.activityId, serviceUrl: bot.connector.serviceUrl });
    assert.deepEqual(bot.sentTo(IRO), []);
  });

  it('an update replaces the earlier card in place (same activity id), not a new message', async () => {
    await bot.say(MANAGER, 'help');
    const first = await transportFor({ recipientId: MANAGER, ...card('v1') })(effect('k1'));
    const receipt = parseReceipt(first.outcome === 'delivered' ? first.receipt : undefined);
    assert.equal(receipt?.channel, 'teams');
    bot.connector.clear();
    const second = await transportFor({ recipientId: MANAGER, ...card('v2'), replaces: receipt as never })(effect('k2'));
    assert.equal(second.outcome, 'delivered');
    const [updated] = bot.sentTo(MANAGER);
    assert.equal(updated?.kind, 'update');
    assert.equal(updated?.activityId, (receipt as { activityId: string }).activityId);
    assert.match(JSON.stringify(updated?.activity), /v2/);
  });

  it('someone who never talked to the bot: the app is installed for them and a 1:1 conversation created with their Entra id', async () => {
    installResult = { status: 'ready', chatId: '19:newcomer@unq.gbl.spaces', installed: true };
    const result = await transportFor({ recipientId: NEWCOMER, ...card('Action needed') })(effect('k3'));
    assert.equal(result.outcome, 'delivered');
    assert.deepEqual(installs, [NEWCOMER]);
    const [created] = bot.connector.created;
    assert.equal(created?.userId, NEWCOMER);
    assert.equal(created?.parameters.tenantId, TEST_TENANT_ID);
    assert.equal(bot.sentTo(NEWCOMER).length, 1);
    assert.ok(await bot.conversations.find(NEWCOMER), 'the new conversation is kept for next time');
  });

  it('falls back to email when the app cannot be installed, with the outbox key as the idempotency key', async () => {
    const email = { to: 'farah.siddiqui@northmoor.example', subject: 'Resolve: case LCS-204518 needs your response', html: '<p>Open Resolve in Teams.</p>' };
    const result = await transportFor({ recipientId: NEWCOMER, ...card('x'), email })(effect('k4'));
    assert.deepEqual(result, { outcome: 'delivered', receipt: JSON.stringify({ channel: 'email' }) });
    assert.equal(mails.length, 1);
    assert.equal(mails[0]?.idempotencyKey, 'k4');
    assert.deepEqual(mails[0]?.to, [email.to]);
    assert.deepEqual(bot.connector.sent, []);
  });

  it('a stored conversation Teams refuses (403: the bot was removed) is retried through installation, then email', async () => {
    await bot.say(MANAGER, 'help');
    bot.connector.clear();
    bot.connector.failConversation(bot.conversationIdOf(MANAGER), { status: 403 });
    const email = { to: 'bethan.pryce@northmoor.example', subject: 'Resolve: case LCS-204518', html: '<p>x</p>' };
    const result = await transportFor({ recipientId: MANAGER, ...card('x'), email })(effect('k5'));
    assert.equal(result.outcome, 'delivered');
    assert.deepEqual(installs, [MANAGER]);
    assert.equal(mails.length, 1);
  });

  it('an email the sender refuses for good is a rejection, not retried for ever; Graph being unavailable is retried', async () => {
    const email = { to: 'farah.siddiqui@northmoor.example', subject: 'Resolve: case LCS-204518', html: '<p>x</p>' };
    const failing = (error: Error) =>
      createPersonalDelivery({
        adapter: bot.running.adapter, botAppId: '', tenantId: TEST_TENANT_ID, conversations: bot.conversations, installer,
        mail: { send: async () => { throw error; } },
        serviceUrl: bot.connector.serviceUrl, compose: async () => ({ recipientId: NEWCOMER, ...card('x'), email }), logger: silent,
      });
    const refused = await failing(new InvalidInputError('the subject carries a date', 'subject'))(effect('k7'));
    assert.equal(refused.outcome, 'rejected');
    const graphRefused = await failing(new GraphRequestError('sendMail', 400, 'ErrorInvalidRecipients', 'no such mailbox'))(effect('k8'));
    assert.equal(graphRefused.outcome, 'rejected');
    const unavailable = await failing(new GraphUnavailableError('sendMail', 503, 'service unavailable'))(effect('k9'));
    assert.equal(unavailable.outcome, 'retry');
  });

  it('without an email fallback, unreachable in Teams is a rejection the outbox records as failed', async () => {
    const result = await transportFor({ recipientId: NEWCOMER, ...card('x') })(effect('k6'));
    assert.equal(result.outcome, 'rejected');
  });

  // The connector client retries 429s itself (honouring Retry-After) before giving up, hence 1 s.
  it('Teams throttling (429 with Retry-After) is a retry that honours Retry-After; nothing is emailed', async () => {
    await bot.say(MANAGER, 'help');
    bot.connector.failConversation(bot.conversationIdOf(MANAGER), { status: 429, retryAfterSeconds: 1 });
    const email = { to: 'bethan.pryce@northmoor.example', subject: 'Resolve: case LCS-204518', html: '<p>x</p>' };
    const result = await transportFor({ recipientId: MANAGER, ...card('x'), email })(effect('k7'));
    assert.equal(result.outcome, 'retry');
    assert.equal(result.outcome === 'retry' ? result.retryAfterMs : undefined, 1000);
    assert.deepEqual(mails, []);
  });
});
