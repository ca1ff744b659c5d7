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

/** The roles the directory resolves for a stage: the alert type's own recipients at its default entry (AMB-14, AMB-16). */
export function recipientRoles(policy: Policy, stageId: string, alertTypeId?: string): { to: RoleKey[]; cc: RoleKey[] } {
  const type = alertTypeId === undefined ? undefined : findAlertType(policy, alertTypeId);
  if (type && type.entryStage === null) return { to: [...(type.to ?? [])], cc: [...(type.cc ?? [])] };
  const stage = findStage(policy, stageId);
  const atDefaultEntry = type !== undefined && type.entryStage === stageId;
  return {
    to: [...((atDefaultEntry ? type.to : undefined) ?? stage.to)],
    cc: [...((atDefaultEntry ? type.cc : undefined) ?? stage.cc)],
  };
}

/**
 * Raising at `entryStageId`: a normal entry, a bypass (a later stage than the type allows;
 * D-B1, S-B1), or not possible (an earlier stage). The stage it would otherwise have entered is
 * named for the record.
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
