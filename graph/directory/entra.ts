/**
 * The directory from Entra ID through Microsoft Graph (application permissions User.Read.All,
 * GroupMember.Read.All, MailboxSettings.Read).
 *
 * - A person is an Entra user; email is `mail`, else the UPN.
 * - Each role key maps to one Entra group (ENTRA_ROLE_GROUPS). For a case, the first manager up
 *   the allocated worker's chain (`/users/{id}/manager`) who is a transitive member of the role's
 *   group holds the role; if nobody in the chain is, every member of the group does (authority-wide
 *   roles such as business support).
 * - A team is a member of the `team_manager` group with their direct reports; its id is the team
 *   manager's object id, so a case's `teamId` starts the chain at that manager.
 * - Cover: a user whose Outlook automatic replies are on (always, or scheduled around the moment)
 *   is covered by the first manager up their chain whose replies are off.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { InvalidInputError } from '../../domain/errors.js';
import type { RoleKey } from '../../domain/policies/roles.js';
import { callGraph, isNotFound } from '../client.js';
import { instantOf, type DateTimeTimeZone } from '../time.js';
import { CASE_WORKER_ROLES, OFFICER_ROLES, type CaseContext, type Cover, type Directory, type Person, type Team } from './types.js';

export interface EntraDirectoryOptions {
  readonly client: Client;
  readonly roleGroups: Readonly<Partial<Record<RoleKey, string>>>;
  /** How long group memberships and manager links are kept before being read again. */
  readonly cacheSeconds?: number;
  /** The clock for the cache; tests pass a fixed one. */
  readonly now?: () => Date;
}

interface GraphUser {
  id: string;
  displayName?: string | null;
  mail?: string | null;
  userPrincipalName?: string | null;
  jobTitle?: string | null;
}

interface AutomaticReplies {
  status?: 'disabled' | 'alwaysEnabled' | 'scheduled';
  scheduledStartDateTime?: DateTimeTimeZone;
  scheduledEndDateTime?: DateTimeTimeZone;
}

const USER_FIELDS = 'id,displayName,mail,userPrincipalName,jobTitle';
const MAX_CHAIN = 12;

const toPerson = (u: GraphUser): Person => ({
  id: u.id,
  displayName: u.displayName ?? u.userPrincipalName ?? u.id,
  email: u.mail ?? u.userPrincipalName ?? '',
  ...(u.jobTitle ? { jobTitle: u.jobTitle } : {}),
});

/** Every page of a Graph collection, following `@odata.nextLink`. */
export async function getAllPages<T>(client: Client, operation: string, path: string): Promise<T[]> {
  const items: T[] = [];
  for (let next: string | undefined = path; next !== undefined; ) {
    const url: string = next;
    const page = await callGraph(operation, () => client.api(url).get() as Promise<{ value: T[]; '@odata.nextLink'?: string }>);
    items.push(...page.value);
    const link = page['@odata.nextLink'];
    // The SDK re-adds its own origin and version, so follow the link as a relative path.
    next = link === undefined ? undefined : (({ pathname, search }) => pathname.replace(/^\/v1\.0/, '') + search)(new URL(link));
  }
  return items;
}

export function createEntraDirectory(options: EntraDirectoryOptions): Directory {
  const { client, roleGroups } = options;
  const ttlMs = (options.cacheSeconds ?? 600) * 1000;
  const now = options.now ?? (() => new Date());
  const cache = new Map<string, { until: number; value: Promise<unknown> }>();

  function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = cache.get(key);
    if (hit && hit.until > now().getTime()) return hit.value as Promise<T>;
    const value = load();
    cache.set(key, { until: now().getTime() + ttlMs, value });
    value.catch(() => cache.delete(key));
    return value;
  }

  const user = (id: string) =>
    cached(`user:${id}`, async () => {
      try {
        return await callGraph('reading a user', () => client.api(`/users/${encodeURIComponent(id)}`).select(USER_FIELDS).get() as Promise<GraphUser>);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    });

  const mustFind = async (id: string, field: string) => {
    const u = await user(id);
    if (!u) throw new InvalidInputError(`${field} ${id} is not a user in Entra ID: check the case's ${field}`, field);
    return u;
  };

  const managerOf = (id: string) =>
    cached(`manager:${id}`, async () => {
      try {
        return await callGraph('reading a manager', () => client.api(`/users/${encodeURIComponent(id)}/manager`).select(USER_FIELDS).get() as Promise<GraphUser>);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    });

  /** `from` and the managers above them, nearest first. */
  const chainFrom = async (from: GraphUser): Promise<GraphUser[]> => {
    const chain = [from];
    for (let m = await managerOf(from.id); m && chain.length < MAX_CHAIN && !chain.some((c) => c.id === m!.id); m = await managerOf(m.id)) chain.push(m);
    return chain;
  };

  const groupMembers = (groupId: string) =>
    cached(`group:${groupId}`, () =>
      getAllPages<GraphUser>(client, 'reading a role group', `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$select=${USER_FIELDS}`),
    );

  const roleMembers = async (role: RoleKey) => {
    const group = roleGroups[role];
    return group === undefined ? [] : groupMembers(group);
  };

  const isAway = async (id: string, at: Date): Promise<boolean> => {
    let replies: AutomaticReplies;
    try {
      replies = await callGraph('reading automatic replies', () =>
        client.api(`/users/${encodeURIComponent(id)}/mailboxSettings/automaticRepliesSetting`).header('Prefer', 'outlook.timezone="UTC"').get() as Promise<AutomaticReplies>,
      );
    } catch (e) {
      if (isNotFound(e)) return false; // no mailbox: no automatic replies
      throw e;
    }
    if (replies.status === 'alwaysEnabled') return true;
    if (replies.status !== 'scheduled' || !replies.scheduledStartDateTime || !replies.scheduledEndDateTime) return false;
    return instantOf(replies.scheduledStartDateTime) <= at && at < instantOf(replies.scheduledEndDateTime);
  };

  return {
    person: async (id) => {
      const u = await user(id);
      return u && toPerson(u);
    },

    async people() {
      const all = new Map<string, Person>();
      for (const group of new Set(Object.values(roleGroups))) for (const u of await groupMembers(group)) all.set(u.id, toPerson(u));
      return [...all.values()];
    },

    async teams() {
      const managers = await roleMembers('team_manager');
      return Promise.all(
        managers.map(async (m): Promise<Team> => {
          const reports = await getAllPages<{ id: string }>(client, 'reading direct reports', `/users/${encodeURIComponent(m.id)}/directReports/microsoft.graph.user?$select=id`);
          return { id: m.id, name: `Team of ${toPerson(m).displayName}`, memberIds: reports.map((r) => r.id), roles: { team_manager: [m.id] } };
        }),
      );
    },

    /** The role groups this person is in (one checkMemberGroups call); a practitioner below a team manager is a social worker. */
    async rolesOf(personId: string) {
      const groups = [...new Set(Object.values(roleGroups))];
      if (groups.length === 0 || (await user(personId)) === undefined) return [];
      const member = await callGraph('checking a user\'s role groups', () =>
        client.api(`/users/${encodeURIComponent(personId)}/checkMemberGroups`).post({ groupIds: groups }) as Promise<{ value: string[] }>,
      );
      const inGroup = new Set(member.value);
      const held = (Object.entries(roleGroups) as [RoleKey, string][]).filter(([, group]) => inGroup.has(group)).map(([role]) => role);
      // A practitioner holds no role group (a supervising_social_worker group, if mapped, names fostering's);
      // someone up their manager chain manages a team.
      if (held.length === 0) {
        const teamManagers = new Set((await roleMembers('team_manager')).map((m) => m.id));
        const chain = await chainFrom((await user(personId))!);
        if (chain.slice(1).some((m) => teamManagers.has(m.id))) held.push('social_worker');
      }
      return held;
    },

    async resolveRole(role: RoleKey, ctx: CaseContext) {
      const worker = await mustFind(ctx.allocatedWorkerId, 'allocatedWorkerId');
      if (CASE_WORKER_ROLES.includes(role)) return [toPerson(worker)];
      if (OFFICER_ROLES.includes(role) || role === 'officer_line_manager') {
        if (ctx.officerId === undefined) return (await roleMembers(role)).map(toPerson);
        const officer = await mustFind(ctx.officerId, 'officerId');
        if (role !== 'officer_line_manager') return [toPerson(officer)];
        const manager = await managerOf(officer.id);
        return manager ? [toPerson(manager)] : [];
      }
      const members = await roleMembers(role);
      if (members.length === 0) return [];
      const memberIds = new Set(members.map((m) => m.id));
      const start = ctx.teamId !== undefined ? await mustFind(ctx.teamId, 'teamId') : worker;
      const holder = (await chainFrom(start)).find((p) => memberIds.has(p.id));
      return holder ? [toPerson(holder)] : members.map(toPerson);
    },

    async manager(personId: string) {
      const manager = await managerOf(personId);
      return manager ? toPerson(manager) : undefined;
    },

    async cover(personId: string, at: Date): Promise<Cover | undefined> {
      const person = await user(personId);
      if (!person || !(await isAway(person.id, at))) return undefined;
      for (const manager of (await chainFrom(person)).slice(1)) {
        if (!(await isAway(manager.id, at))) return { person: toPerson(manager), reason: 'automatic-replies' };
      }
      return undefined;
    },
  };
}
