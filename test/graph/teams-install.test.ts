import assert from 'node:assert/strict';
import { GraphRequestError, GraphUnavailableError } from '../../graph/client.js';
import { createGraphTeamsInstaller, createLocalTeamsInstaller, TeamsAppNotInCatalogError } from '../../graph/teams-install.js';
import { graphError, useFakeGraph, type FakeGraph } from './fake-graph.js';

const MANIFEST_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const CATALOG_ID = 'e3a4b5c6-0000-4000-8000-00000000c4ta';
const USER = 'aaaaaaaa-0000-4000-8000-000000000001';
const CHAT = '19:aaaaaaaa-0000-4000-8000-000000000001_bot@unq.gbl.spaces';

/** A fake tenant where the app is in the catalog; `installedFor` says who already has it. */
function catalogAndInstalls(graph: FakeGraph, installedFor: Set<string>, installStatus = 201): void {
  graph
    .on('GET', /^\/appCatalogs\/teamsApps$/, (req) => ({ body: { value: req.query.get('$filter') === `externalId eq '${MANIFEST_ID}'` ? [{ id: CATALOG_ID, externalId: MANIFEST_ID }] : [] } }))
    .on('GET', /^\/users\/([^/]+)\/teamwork\/installedApps$/, (req, m) => ({
      body: { value: installedFor.has(m[1]!) && req.query.get('$filter') === `teamsApp/externalId eq '${MANIFEST_ID}'` ? [{ id: `install-${m[1]}`, teamsApp: { id: CATALOG_ID, externalId: MANIFEST_ID } }] : [] },
    }))
    .on('POST', /^\/users\/([^/]+)\/teamwork\/installedApps$/, (_req, m) => {
      if (installStatus >= 400) return graphError(installStatus, installStatus === 409 ? 'Conflict' : 'Forbidden', 'refused');
      installedFor.add(m[1]!);
      return { status: 201 };
    })
    .on('GET', /^\/users\/([^/]+)\/teamwork\/installedApps\/install-([^/]+)\/chat$/, { body: { id: CHAT } });
}

describe('graph/teams-install', () => {
  const fake = useFakeGraph();
  const installer = () => createGraphTeamsInstaller({ client: fake.client(), teamsAppId: MANIFEST_ID, graphBaseUrl: 'https://graph.microsoft.com' });

  it('installs the app for a user who never used it, binding the catalog app, and returns their 1:1 chat id', async () => {
    catalogAndInstalls(fake.graph, new Set());
    assert.deepEqual(await installer().ensurePersonalChat(USER), { status: 'ready', chatId: CHAT, installed: true });
    const post = fake.graph.calls('POST', /installedApps$/)[0]!;
    assert.equal(post.path, `/users/${USER}/teamwork/installedApps`);
    assert.deepEqual(post.body, { 'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${CATALOG_ID}` });
    assert.equal(fake.graph.calls('GET', /installedApps$/)[0]!.query.get('$expand'), 'teamsApp');
  });

  it('a user who already has the app gets the chat without an install', async () => {
    catalogAndInstalls(fake.graph, new Set([USER]));
    assert.deepEqual(await installer().ensurePersonalChat(USER), { status: 'ready', chatId: CHAT, installed: false });
    assert.equal(fake.graph.calls('POST', /installedApps$/).length, 0);
  });

  it('409 Conflict on install (installed meanwhile) counts as success', async () => {
    const installed = new Set<string>();
    let lookups = 0;
    // The first lookup sees no installation; by the second, a racing install has landed.
    fake.graph.on('GET', /^\/users\/[^/]+\/teamwork\/installedApps$/, () => {
      if (++lookups === 2) installed.add(USER);
      return undefined;
    });
    catalogAndInstalls(fake.graph, installed, 409);
    const result = await installer().ensurePersonalChat(USER);
    assert.deepEqual(result, { status: 'ready', chatId: CHAT, installed: true });
  });

  it('the catalog id is looked up once for many users', async () => {
    catalogAndInstalls(fake.graph, new Set());
    const one = installer();
    await one.ensurePersonalChat(USER);
    await one.ensurePersonalChat('aaaaaaaa-0000-4000-8000-000000000002');
    assert.equal(fake.graph.calls('GET', /^\/appCatalogs\/teamsApps$/).length, 1);
  });

  it('a configured catalog id is used without looking the app up', async () => {
    catalogAndInstalls(fake.graph, new Set());
    await createGraphTeamsInstaller({ client: fake.client(), teamsAppId: MANIFEST_ID, catalogAppId: CATALOG_ID }).ensurePersonalChat(USER);
    assert.equal(fake.graph.calls('GET', /^\/appCatalogs\/teamsApps$/).length, 0);
    assert.deepEqual(fake.graph.calls('POST', /installedApps$/)[0]!.body, { 'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${CATALOG_ID}` });
  });

  it('an app missing from the catalog gives a typed error saying how to publish it', async () => {
    fake.graph
      .on('GET', /^\/appCatalogs\/teamsApps$/, { body: { value: [] } })
      .on('GET', /installedApps$/, { body: { value: [] } });
    await assert.rejects(installer().ensurePersonalChat(USER), (e: Error) => e instanceof TeamsAppNotInCatalogError && /Teams admin center/.test(e.message));
  });

  it('a refused install (403) is a GraphRequestError', async () => {
    catalogAndInstalls(fake.graph, new Set(), 403);
    await assert.rejects(installer().ensurePersonalChat(USER), (e: Error) => e instanceof GraphRequestError && e.status === 403);
  });

  it('Graph down while installing is a GraphUnavailableError, so the delivery stays queued', async () => {
    fake.graph.on('GET', /installedApps$/, graphError(503, 'ServiceUnavailable', 'down', { 'Retry-After': '0' }));
    await assert.rejects(installer().ensurePersonalChat(USER), GraphUnavailableError);
  });

  it('local mode reports that installation is not available locally', async () => {
    const result = await createLocalTeamsInstaller().ensurePersonalChat(USER);
    assert.equal(result.status, 'unavailable');
    assert.match(result.status === 'unavailable' ? result.reason : '', /not available locally/);
  });
});
