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
import type { Policy } from '../../domain/policies/index.js';
import type { Directory } from '../../graph/directory/index.js';

/** Everyone in a case-holding team: the choices for a case's allocated worker. */
export async function caseWorkers(directory: Directory): Promise<PersonView[]> {
  const ids = [...new Set((await directory.teams()).flatMap((t) => t.memberIds))];
  const people = await Promise.all(ids.map((id) => directory.person(id)));
  return people.flatMap((p) => (p === undefined ? [] : [{ id: p.id, name: p.displayName }])).sort((a, b) => a.name.localeCompare(b.name));
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
  };
}

export interface RaiseFormInput {
  readonly policies: readonly Policy[];
  /** Social workers and supervising social workers to choose the allocated one from. */
  readonly workers: readonly PersonView[];
  readonly formId?: string;
  readonly values?: Partial<RaiseFormValues>;
  readonly errors?: Partial<Record<RaiseField, string>>;
  readonly formError?: string;
}

export function renderRaiseForm(input: RaiseFormInput): AdaptiveCardJson {
  return raiseForm({
    formId: input.formId ?? randomUUID(),
    policies: input.policies.map(raisePolicyOption),
    workers: input.workers,
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
export function checkRaiseSubmission(policies: readonly Policy[], data: unknown, workers: readonly PersonView[]): RaiseCheck {
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
  if (!workers.some((w) => w.id === form.allocatedWorkerId)) {
    return again({ allocatedWorkerId: 'Allocated social worker is not one of the people offered: pick one from the list' });
  }
  const policy = policies.find((p) => p.id === form.policyId);
  if (policy === undefined) return again({ policyId: 'Policy is not one of the choices offered: pick one from the list' });
  if (form.entryStageId !== undefined && !policy.stages.some((s) => s.id === form.entryStageId)) {
    return again({ entryStageId: `Entry stage is not a stage of ${policy.authority}'s ladder: pick one from the list` });
  }
  if (!policy.alertTypes.some((t) => t.id === form.alertTypeId)) {
    return again({ alertTypeId: `Type is not one of ${policy.authority}'s: pick one from the list` });
  }
  return { ok: true, form, policy };
}
