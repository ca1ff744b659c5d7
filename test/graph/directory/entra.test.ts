import assert from 'node:assert/strict';
import { InvalidInputError } from '../../../domain/errors.js';
import { createGraphClient } from '../../../graph/client.js';
import { createEntraDirectory } from '../../../graph/directory/entra.js';
import type { Directory } from '../../../graph/directory/types.js';
import { fakeCredential, FakeGraph, graphError } from '../fake-graph.js';

// A fictional tenant: worker -> practice supervisor -> team manager -> head of service -> director.
const id = (n: number) => `aaaaaaaa-0000-4000-8000-${String(n).padStart(12, '0')}`;
const users = {
  worker: { id: id(1), displayName: 'Samira Haddad', mail: 'samira.haddad@northmoor.example', userPrincipalName: 'shaddad@northmoor.example', jobTitle: 'Social Worker' },
  supervisor: { id: id(2), displayName: 'Imogen Blake', mail: null, userPrincipalName: 'iblake@northmoor.example', jobTitle: 'Practice Supervisor' },
  teamManager: { id: id(3), displayName: 'Bethan Pryce', mail: 'bethan.pryce@northmoor.example', userPrincipalName: 'bpryce@northmoor.example', jobTitle: null },
  headOfService: { id: id(4), displayName: 'Grace Nwankwo', mail: 'grace.nwankwo@northmoor.example', userPrincipalName: 'gnwankwo@northmoor.example', jobTitle: null },
  director: { id: id(5), displayName: 'Helena Marsh-Adeyemi', mail: 'helena.marsh-adeyemi@northmoor.example', userPrincipalName: 'hmarsh@northmoor.example', jobTitle: null },
  otherTeamManager: { id: id(6), displayName: 'Kwame Asante', mail: 'kwame.asante@northmoor.example', userPrincipalName: 'kasante@northmoor.example', jobTitle: null },
  support1: { id: id(7), displayName: 'Lorna Pike', mail: 'lorna.pike@northmoor.example', userPrincipalName: 'lpike@northmoor.example', jobTitle: null },
  support2: { id: id(8), displayName: 'Dev Patel-Grant', mail: 'dev.patel-grant@northmoor.example', userPrincipalName: 'dpatel@northmoor.example', jobTitle: null },
  officer: { id: id(9), displayName: 'Priya Okonjo', mail: 'priya.okonjo@northmoor.example', userPrincipalName: 'pokonjo@northmoor.example', jobTitle: 'IRO' },
  officerManager: { id: id(10), displayName: 'Adaeze Fairbairn', mail: 'adaeze.fairbairn@northmoor.example', userPrincipalName: 'afairbairn@northmoor.example', jobTitle: null },
};
const managers: Record<string, string> = {
  [id(1)]: id(2),
  [id(2)]: id(3),
  [id(3)]: id(4),
  [id(4)]: id(5),
  [id(9)]: id(10),
};
const groups = {
  team_manager: 'bbbbbbbb-0000-4000-8000-000000000001',
  head_of_service: 'bbbbbbbb-0000-4000-8000-000000000002',
  business_support: 'bbbbbbbb-0000-4000-8000-000000000003',
  director: 'bbbbbbbb-0000-4000-8000-000000000004',
} as const;
const byId = new Map(Object.values(users).map((u) => [u.id, u]));
const memberOf: Record<string, readonly string[]> = {
  [id(3)]: [groups.team_manager], [id(6)]: [groups.team_manager], [id(4)]: [groups.head_of_service], [id(5)]: [groups.director],
  [id(7)]: [groups.business_support], [id(8)]: [groups.business_support],
};

function fakeTenant(graph: FakeGraph, replies: Record<string, unknown>): void {
  graph
    .on('GET', /^\/users\/([^/]+)$/, (_r, m) => (byId.has(m[1]!) ? { body: byId.get(m[1]!) } : undefined))
    .on('POST', /^\/users\/([^/]+)\/checkMemberGroups$/, (r, m) => {
      const asked = (r.body as { groupIds?: string[] } | undefined)?.groupIds ?? [];
      return { body: { value: asked.filter((g) => (memberOf[m[1]!] ?? []).includes(g)) } };
    })
    .on('GET', /^\/users\/([^/]+)\/manager$/, (_r, m) => (managers[m[1]!] ? { body: byId.get(managers[m[1]!]!) } : graphError(404, 'Request_ResourceNotFound', 'Resource manager does not exist')))
    .on('GET', /^\/users\/([^/]+)\/mailboxSettings\/automaticRepliesSetting$/, (_r, m) => ({ body: replies[m[1]!] ?? { status: 'disabled' } }))
    .on('GET', /^\/users\/([^/]+)\/directReports\/microsoft\.graph\.user$/, (_r, m) => ({
      body: { value: Object.entries(managers).filter(([, mgr]) => mgr === m[1]).map(([report]) => ({ id: report })) },
    }))
    .on('GET', new RegExp(`^/groups/${groups.team_manager}/transitiveMembers/microsoft.graph.user$`), { body: { value: [users.teamManager, users.otherTeamManager] } })
    .on('GET', new RegExp(`^/groups/${groups.head_of_service}/transitiveMembers/microsoft.graph.user$`), { body: { value: [users.headOfService] } })
    .on('GET', new RegExp(`^/groups/${groups.director}/transitiveMembers/microsoft.graph.user$`), { body: { value: [users.director] } })
    .on('GET', new RegExp(`^/groups/${groups.business_support}/transitiveMembers/microsoft.graph.user$`), (r) =>
      r.query.get('page') === '2'
        ? { body: { value: [users.support2] } }
        : { body: { value: [users.support1], '@odata.nextLink': `http://${r.headers.host}/v1.0/groups/${groups.business_support}/transitiveMembers/microsoft.graph.user?page=2` } },
    );
}

describe('graph/directory/entra (against a fake Graph on loopback)', () => {
  let graph: FakeGraph;
  let dir: Directory;
  const replies: Record<string, unknown> = {};

  beforeEach(async () => {
    for (const key of Object.keys(replies)) delete replies[key];
    graph = new FakeGraph();
    fakeTenant(graph, replies);
    const client = createGraphClient({ credential: fakeCredential, baseUrl: await graph.start(), retry: { delaySeconds: 0, maxRetries: 1 } });
    dir = createEntraDirectory({ client, roleGroups: groups });
  });
  afterEach(() => graph.stop());

  it('a person is read by object id; email falls back to the UPN when mail is empty', async () => {
    const p = await dir.person(users.supervisor.id);
    assert.deepEqual(p, { id: users.supervisor.id, displayName: 'Imogen Blake', email: 'iblake@northmoor.example', jobTitle: 'Practice Supervisor' });
    assert.equal(graph.requests[0]?.query.get('$select'), 'id,displayName,mail,userPrincipalName,jobTitle');
    assert.equal(await dir.person(id(99)), undefined);
  });

  it("the team manager for a case is the first manager up the worker's chain who is in the team_manager group", async () => {
    const people = await dir.resolveRole('team_manager', { allocatedWorkerId: users.worker.id });
    assert.deepEqual(people.map((p) => p.displayName), ['Bethan Pryce']);
    assert.ok(graph.calls('GET', /\/users\/.+\/manager$/).length >= 2, 'walked the manager chain');
  });

  it('the head of service and director resolve further up the same chain', async () => {
    const ctx = { allocatedWorkerId: users.worker.id };
    assert.deepEqual((await dir.resolveRole('head_of_service', ctx)).map((p) => p.displayName), ['Grace Nwankwo']);
    assert.deepEqual((await dir.resolveRole('director', ctx)).map((p) => p.displayName), ['Helena Marsh-Adeyemi']);
  });

  it('a role nobody in the chain holds goes to every member of its group, across pages (business support)', async () => {
    const people = await dir.resolveRole('business_support', { allocatedWorkerId: users.worker.id });
    assert.deepEqual(people.map((p) => p.displayName).sort(), ['Dev Patel-Grant', 'Lorna Pike']);
  });

  it('a role with no group configured resolves to nobody', async () => {
    assert.deepEqual(await dir.resolveRole('sm_safeguarding', { allocatedWorkerId: users.worker.id }), []);
  });

  it("the allocated worker holds social_worker; the officer's manager is officer_line_manager", async () => {
    const ctx = { allocatedWorkerId: users.worker.id, officerId: users.officer.id };
    assert.deepEqual((await dir.resolveRole('social_worker', ctx)).map((p) => p.id), [users.worker.id]);
    assert.deepEqual((await dir.resolveRole('iro', ctx)).map((p) => p.id), [users.officer.id]);
    assert.deepEqual((await dir.resolveRole('officer_line_manager', ctx)).map((p) => p.id), [users.officerManager.id]);
  });

  it('the roles a person holds come from one checkMemberGroups call; a practitioner below a team manager is a social worker (for the welcome)', async () => {
    assert.deepEqual(await dir.rolesOf(users.teamManager.id), ['team_manager']);
    assert.equal(graph.calls('POST', /checkMemberGroups$/).length, 1);
    assert.deepEqual(await dir.rolesOf(users.director.id), ['director']);
    assert.deepEqual(await dir.rolesOf(users.support1.id), ['business_support']);
    assert.deepEqual(await dir.rolesOf(users.worker.id), ['social_worker']);
    assert.deepEqual(await dir.rolesOf(users.officer.id), [], 'an officer outside every role group and every team');
    assert.deepEqual(await dir.rolesOf(id(99)), [], 'someone not in Entra ID holds nothing');
  });

  it('an allocated worker who is not in Entra ID is refused with a clear error', async () => {
    await assert.rejects(dir.resolveRole('team_manager', { allocatedWorkerId: id(99) }), (e: Error) => e instanceof InvalidInputError && /not a user in Entra ID/.test(e.message));
  });

  it('group memberships are cached: a second case does not read the group again', async () => {
    await dir.resolveRole('team_manager', { allocatedWorkerId: users.worker.id });
    await dir.resolveRole('team_manager', { allocatedWorkerId: users.supervisor.id });
    assert.equal(graph.calls('GET', /^\/groups\//).length, 1);
  });

  it('a user with scheduled automatic replies around the moment is covered by their manager', async () => {
    replies[users.teamManager.id] = {
      status: 'scheduled',
      scheduledStartDateTime: { dateTime: '2026-12-21T08:00:00.0000000', timeZone: 'UTC' },
      scheduledEndDateTime: { dateTime: '2027-01-04T08:00:00.0000000', timeZone: 'UTC' },
    };
    const cover = await dir.cover(users.teamManager.id, new Date('2026-12-22T10:00:00Z'));
    assert.deepEqual(cover, { person: { id: users.headOfService.id, displayName: 'Grace Nwankwo', email: 'grace.nwankwo@northmoor.example' }, reason: 'automatic-replies' });
    assert.equal(await dir.cover(users.teamManager.id, new Date('2027-01-04T08:00:00Z')), undefined, 'the window has ended');
  });

  it("scheduled windows in the mailbox's own zone are read in that zone (GMT Standard Time in summer)", async () => {
    replies[users.teamManager.id] = {
      status: 'scheduled',
      scheduledStartDateTime: { dateTime: '2026-07-01T09:00:00.0000000', timeZone: 'GMT Standard Time' },
      scheduledEndDateTime: { dateTime: '2026-07-02T09:00:00.0000000', timeZone: 'GMT Standard Time' },
    };
    assert.ok(await dir.cover(users.teamManager.id, new Date('2026-07-01T08:30:00Z')), '09:30 BST is inside (read as UTC it would be before the start)');
    assert.equal(await dir.cover(users.teamManager.id, new Date('2026-07-02T08:30:00Z')), undefined, '09:30 BST next day is after the end (read as UTC it would be inside)');
  });

  it('always-on automatic replies skip a manager who is away too', async () => {
    replies[users.supervisor.id] = { status: 'alwaysEnabled' };
    replies[users.teamManager.id] = { status: 'alwaysEnabled' };
    const cover = await dir.cover(users.supervisor.id, new Date('2026-03-02T10:00:00Z'));
    assert.equal(cover?.person.displayName, 'Grace Nwankwo');
  });

  it('nobody covers a person whose automatic replies are off', async () => {
    assert.equal(await dir.cover(users.worker.id, new Date('2026-03-02T10:00:00Z')), undefined);
  });

  it('teams are the team_manager group members with their direct reports', async () => {
    const teams = await dir.teams();
    const bethan = teams.find((t) => t.id === users.teamManager.id);
    assert.deepEqual(bethan?.memberIds, [users.supervisor.id]);
    assert.equal(teams.length, 2);
  });

  it('people are the members of every configured role group, once each', async () => {
    const people = await dir.people();
    assert.equal(people.length, new Set(people.map((p) => p.id)).size);
    assert.ok(people.some((p) => p.id === users.support2.id));
  });
});
