/**
 * The adapter keeps one ConnectorClient per bot, audience and service URL instead of botbuilder's
 * one per turn (issue 11, Node CPU per invoke): every turn that calls the same service URL shares it.
 */
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { createAdapter } from '../../bot/adapter.js';

const activity = (serviceUrl: string) => ({ type: 'invoke', channelId: 'msteams', serviceUrl, from: { id: '29:1a' }, recipient: { id: '28:bot' }, conversation: { id: 'a:1' } }) as Partial<Activity> as Activity;
const EMEA = 'https://smba.trafficmanager.net/emea/';
const UK = 'https://smba.trafficmanager.net/uk/';

describe('bot: one Bot Connector client per service URL, shared by turns (issue 11)', () => {
  it('gives two turns from the same service URL the same client, and a turn from another service URL its own', async () => {
    const adapter = createAdapter({ credential: { kind: 'none' } });
    const first = await adapter.authenticate(activity(UK), '');
    const second = await adapter.authenticate(activity(UK), '');
    const third = await adapter.authenticate(activity(EMEA), '');
    const [a, b, c] = await Promise.all([first.connectorFactory!.create(UK), second.connectorFactory!.create(UK), third.connectorFactory!.create(EMEA)]);
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.equal((a as unknown as { baseUri?: string }).baseUri, UK, 'the client calls the service URL it was made for');
    assert.equal((c as unknown as { baseUri?: string }).baseUri, EMEA);
  });

  it('keeps apart clients for different audiences at one service URL', async () => {
    const adapter = createAdapter({ credential: { kind: 'none' } });
    const turn = await adapter.authenticate(activity(UK), '');
    const [a, b] = await Promise.all([turn.connectorFactory!.create(UK, 'https://api.botframework.com'), turn.connectorFactory!.create(UK, 'https://other.example')]);
    assert.notEqual(a, b);
  });
});

describe('bot: one UserTokenClient per bot, shared by turns (issue 11)', () => {
  const userTokenClientOf = async (adapter: ReturnType<typeof createAdapter>, serviceUrl: string) => {
    const authenticated = await adapter.authenticate(activity(serviceUrl), '');
    let seen: unknown;
    await adapter.runAuthenticated(authenticated, activity(serviceUrl), async (context) => {
      seen = context.turnState.get(adapter.UserTokenClientKey);
    });
    return seen;
  };

  it('gives every turn of one bot the same user token client, whatever the service URL', async () => {
    const adapter = createAdapter({ credential: { kind: 'none' } });
    const first = await userTokenClientOf(adapter, UK);
    const second = await userTokenClientOf(adapter, UK);
    const third = await userTokenClientOf(adapter, EMEA);
    assert.ok(first !== undefined && typeof (first as { getUserToken?: unknown }).getUserToken === 'function', 'the turn has a user token client');
    assert.equal(first, second);
    assert.equal(first, third);
  });

  it('keeps the user token client per bot app id: the same one for this bot, none kept for an app id it is not', async () => {
    const appId = '00000000-0000-4000-8000-00000000000a';
    const adapter = createAdapter({ appId, tenantId: '7d1f3c2a-0b4e-4f6a-9c8d-2e5b1a0f9c31', credential: { kind: 'secret', password: 'not-a-real-secret' } });
    const auth = (adapter as unknown as { botFrameworkAuthentication: { createUserTokenClient(claims: unknown): Promise<unknown> } }).botFrameworkAuthentication;
    const claims = (aud: string) => ({ getClaimValue: (type: string) => (type === 'aud' ? aud : null), claims: [{ type: 'aud', value: aud }], isAuthenticated: true });
    const first = await auth.createUserTokenClient(claims(appId));
    assert.equal(await auth.createUserTokenClient(claims(appId)), first);
    // Another app id is refused by botbuilder's credential factory, every time (a failure is not kept), and the bot's own client stays.
    await assert.rejects(auth.createUserTokenClient(claims('00000000-0000-4000-8000-00000000000b')), /Invalid appId/);
    await assert.rejects(auth.createUserTokenClient(claims('00000000-0000-4000-8000-00000000000b')), /Invalid appId/);
    assert.equal(await auth.createUserTokenClient(claims(appId)), first);
  });
});
