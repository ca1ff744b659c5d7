import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../bin/config.js';
import { createGraphServices, credentialFromConfig } from '../../graph/index.js';
import { fakeCredential, useFakeGraph } from './fake-graph.js';

const azure = {
  MicrosoftAppId: '6f1c2b0e-4a7d-4c1e-9b2a-3d5e7f901234',
  MicrosoftAppPassword: 'not-a-real-secret',
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppTenantId: '0b7e5d2c-1a3f-4e6b-8c9d-2f4a6b8c0d1e',
  MAIL_SENDER: 'resolve@northmoor.example',
  TEAMS_APP_ID: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
};
const mail = { to: ['bethan.pryce@northmoor.example'], subject: 'Resolve NBC-2026-0042: practice alert, stage 1', html: '<p>See Resolve.</p>', idempotencyKey: 'k1' };

describe('graph createGraphServices', () => {
  const fake = useFakeGraph();

  it('local mode: mail and calendar go to files in DATA_DIR, the sample organisation answers, installation is unavailable', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'resolve-data-'));
    const services = await createGraphServices(loadConfig({ DATA_DIR: dataDir }));
    const sent = await services.mail.send(mail);
    assert.equal(path.dirname(sent.file!), path.join(dataDir, 'outbox-mail'));
    const event = await services.calendar.createEvent({ organiser: 'priya.okonjo@northmoor.example', subject: 'Resolve NBC-2026-0042: review', html: '<p>x</p>', start: new Date('2026-03-10T10:00:00Z'), end: new Date('2026-03-10T11:00:00Z'), attendees: [], transactionId: 't1' });
    assert.ok(existsSync(event.file!) && path.dirname(event.file!) === path.join(dataDir, 'outbox-calendar'));
    assert.ok((await services.directory.people()).length > 10);
    assert.equal((await services.teamsInstaller.ensurePersonalChat('x')).status, 'unavailable');
  });

  it('graph mode: the services talk to the configured Graph with the app-only token', async () => {
    fake.graph.on('POST', /^\/users\/resolve@northmoor\.example\/sendMail$/, { status: 202 });
    const services = await createGraphServices(loadConfig({ ...azure, GRAPH_BASE_URL: fake.baseUrl }), { credential: fakeCredential });
    assert.deepEqual(await services.mail.send(mail), { via: 'graph', duplicate: false });
    assert.equal(fake.graph.requests[0]?.headers.authorization, 'Bearer fake-graph-token');
  });

  it('the app registration secret becomes a client-secret credential; no credential is refused', () => {
    const config = loadConfig(azure);
    assert.equal(credentialFromConfig(config.bot).constructor.name, 'ClientSecretCredential');
    assert.throws(() => credentialFromConfig(loadConfig({}).bot), /MicrosoftAppId/);
  });
});
