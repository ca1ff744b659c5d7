/**
 * The directory: who people are, who holds a role for a case, and who covers someone who is
 * away. Implemented from an organisation file or from Entra ID; the bot depends on this only.
 * People are always identified by their Entra object id, never by name.
 */
import type { RoleKey } from '../../domain/policies/roles.js';

export interface Person {
  /** Entra object id (`activity.from.aadObjectId`). */
  readonly id: string;
  readonly displayName: string;
  readonly email: string;
  readonly jobTitle?: string;
}

export interface Team {
  readonly id: string;
  readonly name: string;
  readonly memberIds: readonly string[];
  /** Who holds each role for this team's cases. */
  readonly roles: Readonly<Partial<Record<RoleKey, readonly string[]>>>;
}

/** What a case tells the directory about itself, to resolve roles. */
export interface CaseContext {
  /** The child's allocated social worker, or the carer's supervising social worker. */
  readonly allocatedWorkerId: string;
  /** The allocated worker's team, when the case records it; otherwise found from the worker. */
  readonly teamId?: string;
  /** The reviewing officer (IRO, FIRO, FRO) who owns the case. */
  readonly officerId?: string;
}

export interface Cover {
  readonly person: Person;
  readonly reason: 'automatic-replies';
}

export interface Directory {
  person(id: string): Promise<Person | undefined>;
  /** The people holding `role` for this case; empty when nobody holds it. */
  resolveRole(role: RoleKey, ctx: CaseContext): Promise<Person[]>;
  /** The person's line manager; undefined when they have none recorded or are not in the directory. */
  manager(personId: string): Promise<Person | undefined>;
  /** Someone on automatic replies at `at` is covered by their cover, else their manager. */
  cover(personId: string, at: Date): Promise<Cover | undefined>;
  teams(): Promise<Team[]>;
  people(): Promise<Person[]>;
  /** The roles this person holds anywhere (a team's, the authority's, a case-holding team's member), for what Resolve offers them. */
  rolesOf(personId: string): Promise<RoleKey[]>;
}

/** Roles held by the case's practitioners and officer rather than by a team or the authority. */
export const CASE_WORKER_ROLES: readonly RoleKey[] = ['social_worker', 'supervising_social_worker'];
export const OFFICER_ROLES: readonly RoleKey[] = ['iro', 'firo', 'fro'];
