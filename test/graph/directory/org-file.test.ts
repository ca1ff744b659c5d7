import assert from 'node:assert/strict';
import { DEFAULT_ORG_FILE, loadConfig } from '../../../bin/config.js';
import { createDirectory } from '../../../graph/directory/index.js';
import { InvalidInputError } from '../../../domain/errors.js';
import { ROLE_KEYS } from '../../../domain/policies/roles.js';
import { createOrgFileDirectory, loadOrganisationFile, parseOrganisation, type OrganisationFile } from '../../../graph/directory/org-file.js';
import type { Directory, Person } from '../../../graph/directory/types.js';

const names = (people: Person[]) => people.map((p) => p.displayName).sort();

describe('graph/directory/org-file', () => {
  let org: OrganisationFile;
  let dir: Directory;
  const idOf = (name: string) => org.people.find((p) => p.name === name)!.id;

  before(async () => {
    org = await loadOrganisationFile(DEFAULT_ORG_FILE);
    dir = createOrgFileDirectory(org);
  });

  it('the shipped fictional sample (Northmoor) loads and has officers, workers, two case teams and a chain up to a Director', async () => {
    assert.equal(org.organisation?.name, 'Northmoor Borough Council');
    assert.ok(org.teams.length >= 2);
    assert.equal((await dir.people()).length, org.people.length);
    const director = await dir.resolveRole('director', { allocatedWorkerId: idOf('Samira Haddad') });
    assert.deepEqual(names(director), ['Helena Marsh-Adeyemi']);
    for (const role of ['iro', 'firo', 'fro', 'business_support', 'cafcass'] as const) {
      assert.ok((await dir.resolveRole(role, { allocatedWorkerId: idOf('Samira Haddad') })).length > 0, `${role} has a holder`);
    }
  });

  it('every role key used by the ladders resolves to someone for a child case in the sample', async () => {
    const ctx = { allocatedWorkerId: idOf('Samira Haddad'), officerId: idOf('Priya Okonjo') };
    for (const role of ROLE_KEYS) assert.ok((await dir.resolveRole(role, ctx)).length > 0, `nobody holds ${role}`);
  });

  it("the allocated social worker and that worker's team chain resolve for a child's case", async () => {
    const ctx = { allocatedWorkerId: idOf('Samira Haddad') };
    assert.deepEqual(names(await dir.resolveRole('social_worker', ctx)), ['Samira Haddad']);
    assert.deepEqual(names(await dir.resolveRole('practice_supervisor', ctx)), ['Imogen Blake']);
    assert.deepEqual(names(await dir.resolveRole('team_manager', ctx)), ['Bethan Pryce']);
    assert.deepEqual(names(await dir.resolveRole('operations_manager', ctx)), ['Farah Siddiqui']);
    assert.deepEqual(names(await dir.resolveRole('head_of_service', ctx)), ['Grace Nwankwo']);
    assert.deepEqual(names(await dir.resolveRole('deputy_director', ctx)), ['Tomasz Wieczorek']);
  });

  it("the supervising social worker's fostering team holds the roles for a foster carer's case", async () => {
    const ctx = { allocatedWorkerId: idOf('Niamh Delaney') };
    assert.deepEqual(names(await dir.resolveRole('supervising_social_worker', ctx)), ['Niamh Delaney']);
    assert.deepEqual(names(await dir.resolveRole('team_manager', ctx)), ['Kwame Asante']);
    assert.deepEqual(names(await dir.resolveRole('fostering_service_manager', ctx)), ['Declan Morrow']);
  });

  it('an explicit teamId wins over the worker’s membership', async () => {
    const ctx = { allocatedWorkerId: idOf('Samira Haddad'), teamId: 'fostering-support' };
    assert.deepEqual(names(await dir.resolveRole('team_manager', ctx)), ['Kwame Asante']);
  });

  it('authority-wide holders answer when the team names none (sm_safeguarding, business support)', async () => {
    const ctx = { allocatedWorkerId: idOf('Samira Haddad') };
    assert.deepEqual(names(await dir.resolveRole('sm_safeguarding', ctx)), ['Rupert Elms']);
    assert.deepEqual(names(await dir.resolveRole('business_support', ctx)), ['Dev Patel-Grant', 'Lorna Pike']);
  });

  it("the case's officer holds the officer role, and their own manager is the officer's line manager (D-B1)", async () => {
    const ctx = { allocatedWorkerId: idOf('Niamh Delaney'), officerId: idOf('Marcus Oduya') };
    assert.deepEqual(names(await dir.resolveRole('firo', ctx)), ['Marcus Oduya']);
    assert.deepEqual(names(await dir.resolveRole('officer_line_manager', ctx)), ['Adaeze Fairbairn']);
  });

  it('an unknown allocated worker or team is refused with a clear error, not silently empty', async () => {
    await assert.rejects(dir.resolveRole('team_manager', { allocatedWorkerId: '00000000-0000-4000-8000-000000000000' }), (e: Error) => e instanceof InvalidInputError && /allocatedWorkerId .* not in the organisation file/.test(e.message));
    await assert.rejects(dir.resolveRole('team_manager', { allocatedWorkerId: idOf('Samira Haddad'), teamId: 'no-such-team' }), /teamId no-such-team/);
  });

  it("§8.4: a person's line manager is the one the file names; someone with none, or unknown, has none", async () => {
    const samira = org.people.find((p) => p.name === 'Samira Haddad')!;
    assert.ok(samira.manager, 'the sample names her manager');
    assert.equal((await dir.manager(samira.id))?.id, samira.manager);
    const top = org.people.find((p) => p.manager === undefined)!;
    assert.equal(await dir.manager(top.id), undefined);
    assert.equal(await dir.manager('00000000-0000-4000-8000-000000000000'), undefined);
  });

  it('someone on automatic replies is covered by their named cover', async () => {
    const cover = await dir.cover(idOf('Bethan Pryce'), new Date('2026-12-22T10:00:00Z'));
    assert.equal(cover?.person.displayName, 'Kwame Asante');
    assert.equal(cover?.reason, 'automatic-replies');
  });

  it('nobody covers a person who is at work: before, after and at the end of the window', async () => {
    assert.equal(await dir.cover(idOf('Bethan Pryce'), new Date('2026-12-21T07:59:59Z')), undefined);
    assert.equal(await dir.cover(idOf('Bethan Pryce'), new Date('2027-01-04T08:00:00Z')), undefined);
    assert.equal(await dir.cover(idOf('Samira Haddad'), new Date('2026-12-22T10:00:00Z')), undefined);
  });

  it('without a cover, or when the cover is away too, the manager chain covers', () => {
    const text = `
people:
  - { id: 11111111-1111-4111-8111-111111111111, name: Ava Lindqvist, email: ava@northmoor.example }
  - { id: 22222222-2222-4222-8222-222222222222, name: Ben Osei, email: ben@northmoor.example, manager: 11111111-1111-4111-8111-111111111111,
      outOfOffice: [{ from: "2026-05-01T00:00:00Z", to: "2026-05-10T00:00:00Z" }] }
  - { id: 33333333-3333-4333-8333-333333333333, name: Cara Mbeki, email: cara@northmoor.example, manager: 22222222-2222-4222-8222-222222222222,
      cover: 22222222-2222-4222-8222-222222222222, outOfOffice: [{ from: "2026-05-02T00:00:00Z", to: "2026-05-03T00:00:00Z" }] }
`;
    const small = createOrgFileDirectory(parseOrganisation(text, 'small.yaml'));
    return Promise.all([
      small.cover('22222222-2222-4222-8222-222222222222', new Date('2026-05-05T12:00:00Z')).then((c) => assert.equal(c?.person.displayName, 'Ava Lindqvist')),
      small.cover('33333333-3333-4333-8333-333333333333', new Date('2026-05-02T12:00:00Z')).then((c) => assert.equal(c?.person.displayName, 'Ava Lindqvist')),
    ]);
  });

  it('a bad organisation file is refused with every fault listed by path, including unknown person ids', () => {
    const text = JSON.stringify({
      people: [
        { id: '11111111-1111-4111-8111-111111111111', name: 'Ava Lindqvist', email: 'ava@northmoor.example', manager: '99999999-9999-4999-8999-999999999999' },
        { id: '11111111-1111-4111-8111-111111111111', name: '', email: 'not-an-email' },
      ],
      teams: [{ id: 't1', name: 'Team One', members: ['88888888-8888-4888-8888-888888888888'], roles: { team_manager: '77777777-7777-4777-8777-777777777777', chief: '11111111-1111-4111-8111-111111111111' } }],
      authorityRoles: { director: '66666666-6666-4666-8666-666666666666' },
    });
    assert.throws(
      () => parseOrganisation(text, 'bad.json'),
      (e: Error) => {
        assert.ok(e instanceof InvalidInputError);
        for (const path of ['people.1.name', 'people.1.email', 'teams.0.roles.chief', 'people.0.manager', 'people.1.id', 'teams.0.members.0', 'teams.0.roles.team_manager.0', 'authorityRoles.director.0']) {
          assert.ok(e.message.includes(`${path}:`), `fault at ${path} is listed in:\n${e.message}`);
        }
        assert.match(e.message, /unknown person id 99999999-9999-4999-8999-999999999999/);
        return true;
      },
    );
  });

  it('a manager chain that loops is refused', () => {
    const text = `
people:
  - { id: 11111111-1111-4111-8111-111111111111, name: Ava Lindqvist, email: ava@northmoor.example, manager: 22222222-2222-4222-8222-222222222222 }
  - { id: 22222222-2222-4222-8222-222222222222, name: Ben Osei, email: ben@northmoor.example, manager: 11111111-1111-4111-8111-111111111111 }
`;
    assert.throws(() => parseOrganisation(text, 'loop.yaml'), /people\.0\.manager: the manager chain loops/);
  });

  it('a file that is not YAML at all is refused with the file name', () => {
    assert.throws(() => parseOrganisation('people: [unclosed', 'broken.yaml'), /broken\.yaml is not valid YAML/);
  });

  it('people are looked up by Entra object id, never by name', async () => {
    assert.equal((await dir.person(idOf('Priya Okonjo')))?.email, 'priya.okonjo@northmoor.example');
    assert.equal(await dir.person('Priya Okonjo'), undefined);
  });

  it('teams list their members and role holders by id', async () => {
    const team = (await dir.teams()).find((t) => t.id === 'cic-north');
    assert.ok(team?.memberIds.includes(idOf('Joel Whitcombe')));
    assert.deepEqual(team?.roles.team_manager, [idOf('Bethan Pryce')]);
  });
});

describe('graph/directory createDirectory', () => {
  it('picks the organisation file by configuration and loads it', async () => {
    const dir = await createDirectory(loadConfig({}));
    assert.ok((await dir.people()).some((p) => p.displayName === 'Priya Okonjo'));
  });

  it('refuses the Entra source without a Graph client, saying how to fix it', async () => {
    await assert.rejects(createDirectory({ directory: { source: 'entra', orgFile: '', roleGroups: {} } }), /GRAPH_MODE=graph/);
  });
});
