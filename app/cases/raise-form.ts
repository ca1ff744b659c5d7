/**
 * The raise form: which ladders and case workers it offers, how a submitted form is checked, and
 * how a faulty one comes back with every value kept and each mistake under its field.
 */
import { randomUUID } from 'node:crypto';
import {
  parseActionData,
  raiseForm,
  raiseFormValuesFrom,
  VERBS,
  type AdaptiveCardJson,
  type PersonView,
  type RaiseField,
  type RaiseFormValues,
  type RaisePolicyOption,
  type VerbData,
} from '../../cards/index.js';
import type { Policy, RoleKey, SubjectType } from '../../domain/policies/index.js';
import type { Directory } from '../../graph/directory/index.js';

/** Who can be a case's allocated worker, by what the ladder is about: a child's social worker, or a foster carer's supervising social worker. */
export type CaseWorkers = Readonly<Record<SubjectType, readonly PersonView[]>>;

const WORKER_ROLE: Readonly<Record<SubjectType, RoleKey>> = { child: 'social_worker', foster_carer: 'supervising_social_worker' };

/**
 * The practitioners of the case-holding teams, as the directory knows them: social workers for
 * children's ladders, supervising social workers for foster carers'. Managers, officers and
 * business support are not offered.
 */
export async function caseWorkers(directory: Directory): Promise<CaseWorkers> {
  const ids = [...new Set((await directory.teams()).flatMap((t) => t.memberIds))];
  const found = await Promise.all(ids.map(async (id) => ({ person: await directory.person(id), roles: await directory.rolesOf(id) })));
  const holding = (role: RoleKey) =>
    found.flatMap(({ person, roles }) => (person !== undefined && roles.includes(role) ? [{ id: person.id, name: person.displayName }] : [])).sort((a, b) => a.name.localeCompare(b.name));
  return { child: holding(WORKER_ROLE.child), foster_carer: holding(WORKER_ROLE.foster_carer) };
}

/** The people the form offers for this ladder. */
export function workersFor(workers: CaseWorkers, policy: Policy | undefined): readonly PersonView[] {
  return policy === undefined ? [] : workers[policy.subjectType];
}

export function raisePolicyOption(policy: Policy): RaisePolicyOption {
  return {
    policyId: policy.id,
    label: `${policy.authority}: ${policy.labels.process}`,
    alertTypes: policy.alertTypes.map((t) => ({ alertTypeId: t.id, label: t.label })),
    stages: policy.stages.map((s) => ({ stageId: s.id, label: s.label })),
    categories: policy.categories,
    severityFlags: policy.severityFlags.map((f) => ({ flagId: f.id, label: f.label })),
    bypassNeedsLineManagerDiscussion: policy.bypass.requiresLineManagerDiscussion,
    subjectType: policy.subjectType,
    asksCarePlanOnly: policy.carePlanOnlyIssuesToChildIro,
  };
}

export interface RaiseFormInput {
  readonly policies: readonly Policy[];
  /** Who can be the allocated worker, by what each ladder is about. */
  readonly workers: CaseWorkers;
  readonly formId?: string;
  readonly values?: Partial<RaiseFormValues>;
  readonly errors?: Partial<Record<RaiseField, string>>;
  readonly formError?: string;
}

export function renderRaiseForm(input: RaiseFormInput): AdaptiveCardJson {
  // The form shows the ladder chosen so far (the first at the start): offer its case workers.
  const shown = input.policies.find((p) => p.id === input.values?.policyId) ?? input.policies[0];
  return raiseForm({
    formId: input.formId ?? randomUUID(),
    policies: input.policies.map(raisePolicyOption),
    workers: workersFor(input.workers, shown),
    ...(input.values !== undefined && { values: input.values }),
    ...(input.errors !== undefined && { errors: input.errors }),
    ...(input.formError !== undefined && { formError: input.formError }),
  });
}

export type RaiseCheck =
  | { readonly ok: true; readonly form: VerbData<'raiseSubmit'>; readonly policy: Policy }
  | { readonly ok: false; readonly card: AdaptiveCardJson }
  /** Not a raise form at all (no form id): the card was damaged or forged. */
  | { readonly ok: false; readonly damaged: string };

/** Checks a submitted raise form; on any fault, the form again with the values and the faults. */
export function checkRaiseSubmission(policies: readonly Policy[], data: unknown, workers: CaseWorkers): RaiseCheck {
  const formId = typeof data === 'object' && data !== null ? (data as { formId?: unknown }).formId : undefined;
  if (typeof formId !== 'string' || formId === '' || formId.length > 128) {
    return { ok: false, damaged: 'This form is damaged or was not sent by Resolve: type "raise" for a new one. Nothing was changed.' };
  }
  const again = (errors: Partial<Record<RaiseField, string>>, formError?: string) => ({
    ok: false as const,
    card: renderRaiseForm({ policies, workers, formId, values: raiseFormValuesFrom(data), errors, ...(formError !== undefined && { formError }) }),
  });
  const parsed = parseActionData(VERBS.raiseSubmit, data);
  if (!parsed.ok) return again(parsed.fieldErrors as Partial<Record<RaiseField, string>>);
  if (parsed.action.verb !== VERBS.raiseSubmit) return again({}, 'This is not a raise form.');
  const form = parsed.action.data;
  const policy = policies.find((p) => p.id === form.policyId);
  if (policy === undefined) return again({ policyId: 'Policy is not one of the choices offered: pick one from the list' });
  if (!workersFor(workers, policy).some((w) => w.id === form.allocatedWorkerId)) {
    const who = policy.subjectType === 'foster_carer' ? 'supervising social worker' : 'social worker';
    return again({ allocatedWorkerId: `Allocated ${who} is not one of the people offered for ${policy.authority}'s ladder: pick one from the list` });
  }
  if (form.entryStageId !== undefined && !policy.stages.some((s) => s.id === form.entryStageId)) {
    return again({ entryStageId: `Entry stage is not a stage of ${policy.authority}'s ladder: pick one from the list` });
  }
  if (!policy.alertTypes.some((t) => t.id === form.alertTypeId)) {
    return again({ alertTypeId: `Type is not one of ${policy.authority}'s: pick one from the list` });
  }
  return { ok: true, form, policy };
}
