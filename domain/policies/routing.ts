import { InvalidInputError } from '../errors.js';
import type { RoleKey } from './roles.js';
import type { AlertType, Policy, Stage } from './schema.js';

/**
 * Questions adapters ask of a ladder before they build a command: who to resolve for a stage,
 * where "escalate" goes, whether a chosen stage is a bypass, which stage the severity flags
 * suggest. `decide` answers the same questions with the same functions.
 */

export function findAlertType(policy: Policy, alertTypeId: string): AlertType {
  const type = policy.alertTypes.find((t) => t.id === alertTypeId);
  if (!type) {
    throw new InvalidInputError(
      `${policy.authority} has no alert type "${alertTypeId}"; choose one of: ${policy.alertTypes.map((t) => t.id).join(', ')}`,
      'alertTypeId',
    );
  }
  return type;
}

export function findStage(policy: Policy, stageId: string): Stage {
  const stage = policy.stages.find((s) => s.id === stageId);
  if (!stage) {
    throw new InvalidInputError(
      `"${stageId}" is not a stage of ${policy.authority}'s ladder; stages: ${policy.stages.map((s) => s.id).join(', ')}`,
      'stageId',
    );
  }
  return stage;
}

export function stageOrder(policy: Policy, stageId: string): number {
  return policy.stages.findIndex((s) => s.id === stageId);
}

/** Where "escalate" goes from a stage: its `escalatesTo` (AMB-13) or the next in order; undefined at the top. */
export function nextStage(policy: Policy, stageId: string): Stage | undefined {
  const at = stageOrder(policy, stageId);
  const stage = policy.stages[at];
  if (!stage) return undefined;
  return stage.escalatesTo !== undefined ? policy.stages.find((s) => s.id === stage.escalatesTo) : policy.stages[at + 1];
}

/**
 * The roles the directory resolves for a stage. Raising (`alertTypeId` given) applies the alert
 * type's own recipients (AMB-14, AMB-15, AMB-16): in place of its default entry stage's roles, or
 * added to those of whatever stage it is raised at (`recipientsAtEntry: add_at_entry`, Dudley's
 * DRP). Escalating (no alert type) goes to the stage's own roles.
 */
export function recipientRoles(policy: Policy, stageId: string, alertTypeId?: string): { to: RoleKey[]; cc: RoleKey[] } {
  const type = alertTypeId === undefined ? undefined : findAlertType(policy, alertTypeId);
  if (type && type.entryStage === null) return { to: [...(type.to ?? [])], cc: [...(type.cc ?? [])] };
  const stage = findStage(policy, stageId);
  if (type && type.recipientsAtEntry === 'add_at_entry') {
    const to = [...new Set([...(type.to ?? []), ...stage.to])];
    return { to, cc: [...new Set([...(type.cc ?? []), ...stage.cc])].filter((r) => !to.includes(r)) };
  }
  const atDefaultEntry = type !== undefined && type.entryStage === stageId;
  return {
    to: [...((atDefaultEntry ? type.to : undefined) ?? stage.to)],
    cc: [...((atDefaultEntry ? type.cc : undefined) ?? stage.cc)],
  };
}

/**
 * AMB-30: the roles whose holders confirm agreed actions complete (Dudley "The Team Manager will
 * confirm when actions are completed"). The directory resolves them for the case, beside a
 * stage's To and CC, whenever the case enters a stage: they go in the command's `actionConfirmers`.
 * Empty: each action's owner confirms it, and nothing need be resolved.
 */
export function actionConfirmerRoles(policy: Policy): RoleKey[] {
  return [...policy.closure.actionsConfirmedBy];
}

/**
 * §8.4: what the directory must find, with a stage's people, for chasing: whether each addressee's
 * own line manager is wanted, and the roles warned about the overall limit (none without one).
 */
export function chasingRoles(policy: Policy): { readonly copyManagers: boolean; readonly limitWatchers: RoleKey[] } {
  return {
    copyManagers: policy.chasing.copyAddresseesManager,
    limitWatchers: policy.overallLimit === null ? [] : [...policy.chasing.overallLimitWatchers],
  };
}

/**
 * AMB-31: what every email about a case of this alert type is headed with (Oxfordshire "All emails
 * should be headed Resolution and Escalation Alert."), or null when the ladder sets no heading for it.
 */
export function emailHeading(policy: Policy, alertTypeId: string): string | null {
  return findAlertType(policy, alertTypeId).emailsHeaded ? policy.emailSubjectPrefix : null;
}

/**
 * Raising at `entryStageId`: a normal entry (the type's entry stage or one of its
 * `otherEntryStages`), a bypass (any other later stage, which needs the ladder's bypass
 * preconditions and is recorded as one; D-B1, S-B1, O-B1), or not possible (an earlier stage).
 * The stage it would otherwise have entered is named for the record.
 */
export function entryKind(policy: Policy, alertTypeId: string, entryStageId: string): { kind: 'entry' } | { kind: 'bypass'; skipped: string } | { kind: 'too-early'; startsAt: string } {
  const type = findAlertType(policy, alertTypeId);
  const defaultEntry = type.entryStage ?? '';
  if ([defaultEntry, ...type.otherEntryStages].includes(entryStageId)) return { kind: 'entry' };
  return stageOrder(policy, entryStageId) < stageOrder(policy, defaultEntry)
    ? { kind: 'too-early', startsAt: defaultEntry }
    : { kind: 'bypass', skipped: defaultEntry };
}

/** Moving from `fromStageId` to a later `targetStageId` is a bypass when it skips the stage "escalate" would enter. */
export function skipsStages(policy: Policy, fromStageId: string, targetStageId: string): string | undefined {
  const next = nextStage(policy, fromStageId);
  if (!next) return undefined;
  return stageOrder(policy, targetStageId) > stageOrder(policy, next.id) ? next.id : undefined;
}

/** AMB-28: the stage the ticked severity flags suggest (the highest of them), else the type's entry stage. */
export function suggestedEntryStage(policy: Policy, alertTypeId: string, severityFlags: readonly string[]): string | null {
  const type = findAlertType(policy, alertTypeId);
  if (type.entryStage === null) return null;
  return policy.severityFlags
    .filter((f) => severityFlags.includes(f.id))
    .map((f) => f.suggestsEntryStage)
    .reduce((best, id) => (stageOrder(policy, id) > stageOrder(policy, best) ? id : best), type.entryStage);
}
