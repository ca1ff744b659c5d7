/**
 * The directory from an organisation file (YAML or JSON): people with their manager, cover and
 * out-of-office windows; teams with their members and role holders; authority-wide role holders.
 * The format is documented in graph/samples/README.md.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InvalidInputError } from '../../domain/errors.js';
import { roleKeySchema, type RoleKey } from '../../domain/policies/roles.js';
import { CASE_WORKER_ROLES, OFFICER_ROLES, type CaseContext, type Cover, type Directory, type Person, type Team } from './types.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const personId = z.string().regex(GUID, 'must be an Entra object id (a GUID)');
const holders = z.union([personId, z.array(personId).min(1, 'list at least one person')]).transform((v) => (Array.isArray(v) ? v : [v]));
const roleKey = z.string().refine((k) => roleKeySchema.safeParse(k).success, (k) => ({
  message: `"${k}" is not a role key; use one of those in domain/policies/roles.ts, such as team_manager or head_of_service`,
}));
const roleHolders = z.record(roleKey, holders).transform((r) => r as Partial<Record<RoleKey, string[]>>);
const instant = z.string().datetime({ offset: true, message: 'must be a date and time with an offset, for example 2026-12-21T09:00:00Z' });

const personSchema = z
  .object({
    id: personId,
    name: z.string().trim().min(1, 'give the display name'),
    email: z.string().email('must be an email address'),
    title: z.string().trim().min(1).optional(),
    manager: personId.optional(),
    cover: personId.optional(),
    outOfOffice: z
      .array(
        z
          .object({ from: instant, to: instant })
          .strict()
          .refine((w) => Date.parse(w.from) < Date.parse(w.to), { message: '"from" must be before "to"' }),
      )
      .default([]),
  })
  .strict();

const teamSchema = z
  .object({
    id: z.string().trim().min(1, 'give the team an id'),
    name: z.string().trim().min(1, 'give the team a name'),
    members: z.array(personId).default([]),
    roles: roleHolders.default({}),
    /** What the team's practitioners (members holding no role) are to a case: social workers, or fostering's supervising social workers. */
    caseWorkerRole: z.enum(['social_worker', 'supervising_social_worker']).default('social_worker'),
  })
  .strict();

export const organisationSchema = z
  .object({
    organisation: z.object({ name: z.string().trim().min(1) }).strict().optional(),
    people: z.array(personSchema).min(1, 'list at least one person'),
    teams: z.array(teamSchema).default([]),
    authorityRoles: roleHolders.default({}),
  })
  .strict()
  .strict();

export type OrganisationFile = z.infer<typeof organisationSchema>;
type OrgPerson = OrganisationFile['people'][number];

interface Fault {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asRecord = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const asIds = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/**
 * Checks what the shape cannot: unique ids, every referenced person exists, no manager loops.
 * Works on the raw input so that these faults are listed beside any shape faults.
 */
function referenceFaults(raw: unknown): Fault[] {
  const faults: Fault[] = [];
  const root = asRecord(raw);
  const people = asArray(root.people).map(asRecord);
  const ids = new Set<unknown>();
  people.forEach((p, i) => {
    if (ids.has(p.id)) faults.push({ path: ['people', i, 'id'], message: `person id ${String(p.id)} appears more than once` });
    ids.add(p.id);
  });
  const known = (id: unknown, path: (string | number)[]) => {
    if (typeof id === 'string' && !ids.has(id)) faults.push({ path, message: `unknown person id ${id}: add them to people, or correct the id` });
  };
  const managerOf = new Map(people.map((p) => [p.id, p.manager]));
  people.forEach((p, i) => {
    known(p.manager, ['people', i, 'manager']);
    known(p.cover, ['people', i, 'cover']);
    const seen = new Set([p.id]);
    for (let m = p.manager; m !== undefined && ids.has(m); m = managerOf.get(m)) {
      if (seen.has(m)) {
        faults.push({ path: ['people', i, 'manager'], message: 'the manager chain loops back on itself' });
        break;
      }
      seen.add(m);
    }
  });
  const teamIds = new Set<unknown>();
  asArray(root.teams).map(asRecord).forEach((t, i) => {
    if (teamIds.has(t.id)) faults.push({ path: ['teams', i, 'id'], message: `team id ${String(t.id)} appears more than once` });
    teamIds.add(t.id);
    asArray(t.members).forEach((m, j) => known(m, ['teams', i, 'members', j]));
    for (const [role, list] of Object.entries(asRecord(t.roles))) asIds(list).forEach((h, j) => known(h, ['teams', i, 'roles', role, j]));
  });
  for (const [role, list] of Object.entries(asRecord(root.authorityRoles))) asIds(list).forEach((h, j) => known(h, ['authorityRoles', role, j]));
  return faults;
}

/** Parses and checks an organisation file's text; every fault is listed by its path. */
export function parseOrganisation(text: string, source = 'organisation file'): OrganisationFile {
  let raw: unknown;
  try {
    raw = source.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new InvalidInputError(`${source} is not valid ${source.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`, 'ORG_FILE');
  }
  const result = organisationSchema.safeParse(raw);
  const faults: Fault[] = [...(result.success ? [] : result.error.issues), ...referenceFaults(raw)];
  if (!result.success || faults.length > 0) {
    const lines = faults.map((f) => `  - ${f.path.length ? f.path.join('.') : '(top level)'}: ${f.message}`);
    throw new InvalidInputError(`${source} has ${lines.length} fault(s); see graph/samples/README.md for the format:\n${lines.join('\n')}`, 'ORG_FILE');
  }
  return result.data;
}

export async function loadOrganisationFile(file: string): Promise<OrganisationFile> {
  return parseOrganisation(await readFile(file, 'utf8'), file);
}

const toPerson = (p: OrgPerson): Person => ({ id: p.id, displayName: p.name, email: p.email, ...(p.title !== undefined && { jobTitle: p.title }) });

export function createOrgFileDirectory(org: OrganisationFile): Directory {
  const people = new Map(org.people.map((p) => [p.id, p]));
  const teams = new Map(org.teams.map((t) => [t.id, t]));

  const mustFind = (id: string, field: string): OrgPerson => {
    const p = people.get(id);
    if (!p) throw new InvalidInputError(`${field} ${id} is not in the organisation file: add the person, or correct the id`, field);
    return p;
  };
  const isAway = (p: OrgPerson, at: Date) => p.outOfOffice.some((w) => Date.parse(w.from) <= at.getTime() && at.getTime() < Date.parse(w.to));
  const teamOf = (ctx: CaseContext) => {
    if (ctx.teamId !== undefined) {
      const team = teams.get(ctx.teamId);
      if (!team) throw new InvalidInputError(`teamId ${ctx.teamId} is not a team in the organisation file`, 'teamId');
      return team;
    }
    return org.teams.find((t) => t.members.includes(ctx.allocatedWorkerId));
  };
  const holdersOf = (ids: readonly string[] | undefined) => (ids ?? []).map((id) => toPerson(people.get(id)!));

  return {
    person: async (id) => (people.has(id) ? toPerson(people.get(id)!) : undefined),
    people: async () => org.people.map(toPerson),
    teams: async () => org.teams.map((t): Team => ({ id: t.id, name: t.name, memberIds: t.members, roles: t.roles })),

    async rolesOf(personId: string) {
      const held = new Set<RoleKey>();
      for (const [role, ids] of Object.entries(org.authorityRoles) as [RoleKey, readonly string[] | undefined][]) if (ids?.includes(personId)) held.add(role);
      for (const team of org.teams) {
        for (const [role, ids] of Object.entries(team.roles) as [RoleKey, readonly string[] | undefined][]) if (ids?.includes(personId)) held.add(role);
      }
      // A practitioner: a member of a case-holding team who holds no role anywhere.
      if (held.size === 0) for (const team of org.teams) if (team.members.includes(personId)) held.add(team.caseWorkerRole);
      return [...held];
    },

    async resolveRole(role: RoleKey, ctx: CaseContext) {
      const worker = mustFind(ctx.allocatedWorkerId, 'allocatedWorkerId');
      if (CASE_WORKER_ROLES.includes(role)) return [toPerson(worker)];
      if (OFFICER_ROLES.includes(role) || role === 'officer_line_manager') {
        if (ctx.officerId === undefined) return holdersOf(org.authorityRoles[role]);
        const officer = mustFind(ctx.officerId, 'officerId');
        if (role !== 'officer_line_manager') return [toPerson(officer)];
        return officer.manager ? [toPerson(mustFind(officer.manager, 'manager'))] : [];
      }
      return holdersOf(teamOf(ctx)?.roles[role] ?? org.authorityRoles[role]);
    },

    async manager(personId: string) {
      const managerId = people.get(personId)?.manager;
      return managerId === undefined ? undefined : toPerson(people.get(managerId)!);
    },

    async cover(personId: string, at: Date): Promise<Cover | undefined> {
      const person = people.get(personId);
      if (!person || !isAway(person, at)) return undefined;
      const candidates: string[] = person.cover ? [person.cover] : [];
      for (let m = person.manager; m !== undefined; m = people.get(m)?.manager) if (!candidates.includes(m)) candidates.push(m);
      const covering = candidates.map((id) => people.get(id)!).find((p) => !isAway(p, at));
      return covering ? { person: toPerson(covering), reason: 'automatic-replies' } : undefined;
    },
  };
}
