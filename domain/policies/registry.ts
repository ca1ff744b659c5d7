import { InvalidInputError } from '../errors.js';
import { cheshireEast } from './authorities/cheshire-east.js';
import { dudley } from './authorities/dudley.js';
import { oxfordshire } from './authorities/oxfordshire.js';
import { somerset } from './authorities/somerset.js';
import type { AlertKind, OfficerRole, Policy, PolicyInput, SubjectType, TimeSpan } from './schema.js';
import { validatePolicy } from './validate.js';

/** One line per shipped ladder, for lists and pickers. */
export interface PolicySummary {
  readonly id: string;
  readonly authority: string;
  readonly process: string;
  readonly officerRole: OfficerRole;
  readonly subjectType: SubjectType;
  readonly version: string;
  readonly stages: readonly { readonly id: string; readonly label: string }[];
  readonly alertTypes: readonly { readonly id: string; readonly label: string; readonly kind: AlertKind }[];
  /** e.g. "20 working days from stage1_raised", or null where the source states no cap. */
  readonly overallLimit: string | null;
  readonly cafcassReferral: boolean;
}

export function describeTimeSpan(span: TimeSpan): string {
  return 'workingDays' in span
    ? `${span.workingDays} working ${span.workingDays === 1 ? 'day' : 'days'}`
    : `${span.calendarDays} calendar ${span.calendarDays === 1 ? 'day' : 'days'}`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const SHIPPED: readonly PolicyInput[] = [dudley, somerset, oxfordshire, cheshireEast];

/** The shipped ladders, each checked against the schema when this module loads. */
const policies: ReadonlyMap<string, Policy> = new Map(
  SHIPPED.map((input) => [input.id, deepFreeze(validatePolicy(input, `the shipped ladder "${input.id}"`))]),
);

export function summarisePolicy(policy: Policy): PolicySummary {
  return {
    id: policy.id,
    authority: policy.authority,
    process: policy.labels.process,
    officerRole: policy.officerRole,
    subjectType: policy.subjectType,
    version: policy.version,
    stages: policy.stages.map(({ id, label }) => ({ id, label })),
    alertTypes: policy.alertTypes.map(({ id, label, kind }) => ({ id, label, kind })),
    overallLimit: policy.overallLimit
      ? `${describeTimeSpan(policy.overallLimit)} from ${policy.overallLimit.startsAt}`
      : null,
    cafcassReferral: policy.outsideReferral !== null,
  };
}

export function listPolicies(): PolicySummary[] {
  return [...policies.values()].map(summarisePolicy);
}

export function policyIds(): string[] {
  return [...policies.keys()];
}

/** A shipped ladder by id; an unknown id is refused with the known ids named. */
export function getPolicy(id: string): Policy {
  const policy = policies.get(id);
  if (!policy) {
    throw new InvalidInputError(
      `there is no ladder "${id}"; known ladders: ${policyIds().join(', ')}`,
      'policyId',
    );
  }
  return policy;
}
