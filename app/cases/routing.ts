/**
 * Who a stage of a case goes to: the ladder names roles (To, CC), and the directory resolves each
 * role from the case's allocated worker and the raising officer. Someone on automatic replies now
 * is covered by their cover (else their manager), who joins To; the absent person is copied, so
 * the card is there when they return and the officer's card shows who has it.
 */
import { InvalidInputError } from '../../domain/errors.js';
import type { CaseState } from '../../domain/escalation/index.js';
import { actionConfirmerRoles, chasingRoles, recipientRoles, type Policy, type RoleKey } from '../../domain/policies/index.js';
import type { Directory } from '../../graph/directory/index.js';
import type { Clock } from '../../store/clock.js';
import type { Logger } from '../log.js';

export interface StagePeople {
  readonly to: readonly string[];
  readonly cc: readonly string[];
  /** AMB-30: who confirms agreed actions complete, where the ladder names a role for it (Dudley's team manager). */
  readonly actionConfirmers: readonly string[];
  /** §8.4: each To addressee's own line manager, where the ladder copies the overdue chaser to them. */
  readonly managers: Readonly<Record<string, string>>;
  /** §8.4: who is warned with the officer about the overall limit (the service manager). */
  readonly limitWatchers: readonly string[];
}

export interface CaseRouting {
  /** The people a set of stage roles reaches for a case with this allocated worker and officer. */
  route(roles: StageRoles, allocatedWorkerId: string, officerId: string): Promise<StagePeople>;
  /**
   * Who this stage of the case would go to, from the allocated worker recorded when it was
   * raised; nobody when the case has none recorded or the ladder has no such stage (the domain
   * then refuses the move and says why).
   */
  stagePeople(state: CaseState, policy: Policy, stageId: string): Promise<StagePeople>;
}

/** The roles a stage names, and the ladder's action-confirming roles. */
export interface StageRoles {
  readonly to: readonly RoleKey[];
  readonly cc: readonly RoleKey[];
  readonly actionConfirmers?: readonly RoleKey[];
  /** §8.4: find each To addressee's line manager. */
  readonly copyManagers?: boolean;
  readonly limitWatchers?: readonly RoleKey[];
}

const unique = (ids: readonly string[]) => [...new Set(ids)];
const NOBODY: StagePeople = { to: [], cc: [], actionConfirmers: [], managers: {}, limitWatchers: [] };

export function createCaseRouting(options: { readonly directory: Directory; readonly clock: Clock; readonly logger: Logger }): CaseRouting {
  const { directory, clock, logger } = options;

  async function holders(roles: readonly RoleKey[], allocatedWorkerId: string, officerId: string): Promise<string[]> {
    const found = await Promise.all(roles.map((role) => directory.resolveRole(role, { allocatedWorkerId, officerId })));
    return unique(found.flat().map((p) => p.id));
  }

  async function route(roles: StageRoles, allocatedWorkerId: string, officerId: string): Promise<StagePeople> {
    const addressed = await holders(roles.to, allocatedWorkerId, officerId);
    const now = clock.now();
    const covers = await Promise.all(addressed.map((id) => directory.cover(id, now)));
    const to: string[] = [];
    const away: string[] = [];
    addressed.forEach((id, i) => {
      const cover = covers[i];
      if (cover === undefined) {
        to.push(id);
        return;
      }
      to.push(cover.person.id);
      away.push(id);
      logger.info('route.covered', { personId: id, coverId: cover.person.id });
    });
    const toIds = unique(to);
    const cc = unique([...away, ...(await holders(roles.cc, allocatedWorkerId, officerId))]).filter((id) => !toIds.includes(id));
    const actionConfirmers = await holders(roles.actionConfirmers ?? [], allocatedWorkerId, officerId);
    const managers: Record<string, string> = {};
    if (roles.copyManagers === true) {
      const found = await Promise.all(toIds.map((id) => directory.manager(id)));
      toIds.forEach((id, i) => {
        const manager = found[i];
        if (manager !== undefined) managers[id] = manager.id;
      });
    }
    const limitWatchers = await holders(roles.limitWatchers ?? [], allocatedWorkerId, officerId);
    return { to: toIds, cc, actionConfirmers, managers, limitWatchers };
  }

  async function stagePeople(state: CaseState, policy: Policy, stageId: string): Promise<StagePeople> {
    if (state.allocatedWorkerId === null || !policy.stages.some((s) => s.id === stageId)) return NOBODY;
    try {
      return await route({ ...recipientRoles(policy, stageId), actionConfirmers: actionConfirmerRoles(policy), ...chasingRoles(policy) }, state.allocatedWorkerId, state.raisedBy);
    } catch (error) {
      // The allocated worker or their team has left the directory: nobody can be found.
      if (error instanceof InvalidInputError) return NOBODY;
      throw error;
    }
  }

  return { route, stagePeople };
}
