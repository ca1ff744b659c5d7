import assert from 'node:assert/strict';
import type { BotIdentity } from '../../bot/adapter.js';
import { createAdapter } from '../../bot/adapter.js';
import { createMessagesEndpoint } from '../../bot/inbound.js';
import { createLogger } from '../../app/log.js';
import { startBotServer, type BotServer } from '../../bot/server.js';
import { channelClaims, newPrivateKey, startFakeOpenId, type FakeOpenId } from './fake-openid.js';
import { startBotHarness, TEST_TENANT_ID, type BotHarness } from './harness.js';

const APP_ID = '3f0c8a51-6d2e-4b7a-9e14-8c5d2f7a1b90';
const IRO = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // Priya Okonjo (fictional)
const OTHER_TENANT = '0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d';

const azureIdentity = (openId: FakeOpenId): BotIdentity => ({
  appId: APP_ID,
  tenantId: TEST_TENANT_ID,
  credential: { kind: 'secret', password: 'not-a-real-secret' },
  openIdMetadataUrl: openId.metadataUrl,
});

describe('bot inbound authentication (SingleTenant app id configured)', () => {
  let openId: FakeOpenId;
  before(async () => {
    openId = await startFakeOpenId();
  });
  after(async () => {
    await openId.close();
  });

  describe('through the whole bot', () => {
    let bot: BotHarness;
    beforeEach(async () => {
      bot = await startBotHarness({ identity: azureIdentity(openId) });
    });
    afterEach(async () => {
      await bot.close();
    });

    const assertNothingProcessed = async () => {
      assert.deepEqual(bot.connector.sent, [], 'nothing was sent');
      assert.equal(await bot.conversations.find(IRO), undefined, 'no conversation reference was kept');
    };

    it('a request with no Authorization header gets 401 and nothing is processed', async () => {
      const reply = await bot.post(bot.activityFromUser(IRO, 'help'));
      assert.equal(reply.status, 401);
      await assertNothingProcessed();
    });

    it('a garbage bearer token gets 401 and nothing is processed', async () => {
      const reply = await bot.post(bot.activityFromUser(IRO, 'help'), { authorization: 'Bearer not.a.jwt' });
      assert.equal(reply.status, 401);
      await assertNothingProcessed();
    });

    it('a token signed by a key the issuer never published gets 401', async () => {
      const token = openId.token(channelClaims(APP_ID, bot.connector.serviceUrl), { signWith: newPrivateKey() });
      const reply = await bot.post(bot.activityFromUser(IRO, 'help'), { authorization: `Bearer ${token}` });
      assert.equal(reply.status, 401);
      await assertNothingProcessed();
    });

    it('a correctly signed token for another bot (audience) gets 401', async () => {
      const token = openId.token(channelClaims('11111111-2222-4333-8444-555555555555', bot.connector.serviceUrl));
      const reply = await bot.post(bot.activityFromUser(IRO, 'help'), { authorization: `Bearer ${token}` });
      assert.equal(reply.status, 401);
      await assertNothingProcessed();
    });

    it('an expired token gets 401', async () => {
      const longAgo = Math.floor(Date.now() / 1000) - 7200;
      const token = openId.token({ ...channelClaims(APP_ID, bot.connector.serviceUrl, longAgo), exp: longAgo + 60 });
      const reply = await bot.post(bot.activityFromUser(IRO, 'help'), { authorization: `Bearer ${token}` });
      assert.equal(reply.status, 401);
      await assertNothingProcessed();
    });

    it('a token whose serviceurl claim differs from the activity gets 401', async () => {
      const token = openId.token(channelClaims(APP_ID, 'https://smba.trafficmanager.net/emea/'));
      const reply = await bot.post(bot.activityFromUser(IRO, 'help'), { authorization: `Bearer ${token}` });
      assert.equal(reply.status, 401);
      await assertNothingProcessed();
    });

    it('a valid token on an activity from another tenant gets 403 and nothing is processed', async () => {
      const token = openId.token(channelClaims(APP_ID, bot.connector.serviceUrl));
      const reply = await bot.post(bot.activityFromUser(IRO, 'help', { tenantId: OTHER_TENANT }), { authorization: `Bearer ${token}` });
      assert.equal(reply.status, 403);
      await assertNothingProcessed();
    });

    it('an activity whose conversation and channelData name different tenants gets 403', async () => {
      const token = openId.token(channelClaims(APP_ID, bot.connector.serviceUrl));
      const activity = bot.activityFromUser(IRO, 'help');
      activity.channelData = { tenant: { id: OTHER_TENANT } };
      const reply = await bot.post(activity, { authorization: `Bearer ${token}` });
      assert.equal(reply.status, 403);
      await assertNothingProcessed();
    });
  });

  describe('the endpoint with a recording handler', () => {
    let server: BotServer;
    const handled: string[] = [];
    before(async () => {
      const logger = createLogger({ level: 'silent' });
      const adapter = createAdapter(azureIdentity(openId));
      const messages = createMessagesEndpoint({
        adapter,
        tenantId: TEST_TENANT_ID,
        logger,
        logic: async (context) => {
          handled.push(context.activity.id ?? '');
        },
      });
      server = await startBotServer({ host: '127.0.0.1', port: 0, messages, readiness: async () => ({ ready: true, checks: {} }), logger });
    });
    after(async () => {
      await server.close();
    });

    const activity = (id: string, tenantId = TEST_TENANT_ID) => ({
      type: 'message',
      id,
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      from: { id: `29:${IRO}`, aadObjectId: IRO },
      recipient: { id: `28:${APP_ID}` },
      conversation: { id: `a:${IRO}`, conversationType: 'personal', tenantId },
      channelData: { tenant: { id: tenantId } },
      text: 'help',
    });
    const post = (body: unknown, authorization?: string) =>
      fetch(`${server.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization !== undefined && { authorization }) },
        body: JSON.stringify(body),
      });

    it('a correctly signed Bot Framework token for this app and tenant reaches the handler', async () => {
      const token = openId.token(channelClaims(APP_ID, 'https://smba.trafficmanager.net/emea/'));
      const response = await post(activity('good-1'), `Bearer ${token}`);
      assert.equal(response.status, 200);
      assert.deepEqual(handled, ['good-1']);
    });

    it('the same activity without the token, or from another tenant, never reaches the handler', async () => {
      handled.length = 0;
      assert.equal((await post(activity('bad-1'))).status, 401);
      const token = openId.token(channelClaims(APP_ID, 'https://smba.trafficmanager.net/emea/'));
      assert.equal((await post(activity('bad-2', OTHER_TENANT), `Bearer ${token}`)).status, 403);
      assert.deepEqual(handled, []);
    });

    it('a body that is not an activity gets 400', async () => {
      assert.equal((await post({ hello: 'world' })).status, 400);
      assert.equal((await post([1, 2])).status, 400);
    });
  });
});

describe('bot inbound in local mode (no app id)', () => {
  it('accepts activities without a token, still refusing other tenants when a tenant is configured', async () => {
    const bot = await startBotHarness();
    try {
      assert.equal((await bot.say(IRO, 'help')).status, 200);
      assert.equal((await bot.say(IRO, 'help', { tenantId: OTHER_TENANT })).status, 403);
      assert.equal(bot.cardsTo(IRO).length, 1);
    } finally {
      await bot.close();
    }
  });
});
