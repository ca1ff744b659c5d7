/**
 * The raise form. It comes back after a failed submit with every value the officer typed and,
 * under each faulty field, what is wrong, plus a summary at the top.
 */
import { InvalidInputError } from '../domain/errors.js';
import {
  actionSet, adaptiveCard, container, execute, heading, text, type AdaptiveCardJson, type CardElement,
} from './elements.js';
import { choiceInput, dateInput, textInput, toggleInput } from './inputs.js';
import {
  CASE_REFERENCE_PATTERN, INITIALS_PATTERN, MAX_SHORT_TEXT_LENGTH, MAX_TEXT_LENGTH, VERBS,
} from './verbs.js';
import {
  type RaiseField, type RaiseFormValues, type RaiseFormView, type RaisePolicyOption,
} from './view-models.js';

/** The labels the form shows, also used to name faulty fields in the summary. */
export const RAISE_FIELD_LABELS: Readonly<Record<RaiseField, string>> = {
  caseReference: 'Case reference',
  subjectInitials: 'Child or carer initials',
  allocatedWorkerId: 'Allocated social worker (or supervising social worker)',
  policyId: 'Policy',
  alertTypeId: 'Type',
  entryStageId: 'Entry stage (leave empty for the type\'s usual stage)',
  category: 'Category',
  issue: 'The issue',
  impact: 'Impact on the child',
  resolutionSought: 'Resolution sought',
  resolutionSoughtBy: 'Resolution sought by',
  severityFlags: 'Severity',
  bypassReason: 'Reason for entering at a later stage',
  discussedWithLineManager: 'Line manager',
  emergency: 'Emergency',
  solelyAboutChildCarePlan: 'The child\'s care plan',
};

export function raiseFormPreview(): string {
  return 'Raise a practice alert or dispute';
}

/** The policy whose stages the form lists: the one chosen, else the first. */
export function selectedPolicy(view: RaiseFormView): RaisePolicyOption {
  const chosen = view.policies.find((p) => p.policyId === view.values?.policyId) ?? view.policies[0];
  if (!chosen) {
    throw new InvalidInputError('The raise form needs at least one escalation policy: configure the authority\'s ladder first', 'policies');
  }
  return chosen;
}

export function raiseForm(view: RaiseFormView): AdaptiveCardJson {
  const policy = selectedPolicy(view);
  const values: Partial<RaiseFormValues> = view.values ?? {};
  const errors = view.errors ?? {};
  // A foster carer's ladder asks about the carers, not "the child" (Dudley, Somerset).
  const labelOf = (id: RaiseField) => (id === 'impact' && policy.subjectType === 'foster_carer' ? 'Impact on the foster carers and the children in their care' : RAISE_FIELD_LABELS[id]);
  const field = (id: RaiseField) => ({ id, label: labelOf(id), error: errors[id] });
  const long = (id: 'issue' | 'impact' | 'resolutionSought', hint: string) => textInput({
    ...field(id), value: values[id], isRequired: true, isMultiline: true, maxLength: MAX_TEXT_LENGTH,
    errorMessage: `${hint}, in at most ${MAX_TEXT_LENGTH} characters`,
  });
  return adaptiveCard({
    fallbackText: raiseFormPreview(),
    body: [
      heading('Raise a notification, alert or dispute'),
      errorSummary(view),
      ...textInput({
        ...field('caseReference'), value: values.caseReference, isRequired: true, maxLength: 40,
        regex: CASE_REFERENCE_PATTERN, placeholder: 'e.g. LCS-204518',
        errorMessage: 'Give the case-system id, e.g. LCS-204518 (it has a digit; never a name)',
      }),
      ...textInput({
        ...field('subjectInitials'), value: values.subjectInitials, isRequired: true, maxLength: 8,
        regex: INITIALS_PATTERN, placeholder: 'e.g. J.T.',
        errorMessage: 'Initials only, e.g. J.T.; never a full name',
      }),
      ...workerInput(view, values.allocatedWorkerId, errors.allocatedWorkerId),
      ...policyInputs(view, policy),
      ...choiceInput({
        ...field('alertTypeId'), value: values.alertTypeId, isRequired: true, errorMessage: 'Pick the type',
        choices: policy.alertTypes.map((t) => ({ title: t.label, value: t.alertTypeId })),
      }),
      ...choiceInput({
        ...field('entryStageId'), value: values.entryStageId, placeholder: 'The usual stage for this type',
        choices: policy.stages.map((s) => ({ title: s.label, value: s.stageId })),
      }),
      ...categoryInput(policy, values.category, errors.category),
      ...long('issue', 'Say what the issue is'),
      ...long('impact', 'Say how it affects the child or carer'),
      ...long('resolutionSought', 'Say what would resolve it'),
      ...dateInput({ ...field('resolutionSoughtBy'), value: values.resolutionSoughtBy }),
      ...(policy.severityFlags.length > 0 ? choiceInput({
        ...field('severityFlags'), value: values.severityFlags?.join(','), isMultiSelect: true, style: 'expanded',
        choices: policy.severityFlags.map((f) => ({ title: f.label, value: f.flagId })),
      }) : []),
      ...carePlanOnlyInput(policy, values, errors),
      bypassSection(policy, values, errors),
    ],
    actions: [execute('Raise', VERBS.raiseSubmit, { formId: view.formId }, { style: 'positive' })],
  });
}

function errorSummary(view: RaiseFormView): CardElement | undefined {
  const faulty = (Object.keys(view.errors ?? {}) as RaiseField[]).filter((f) => view.errors?.[f] !== undefined);
  if (faulty.length === 0 && view.formError === undefined) return undefined;
  const lines = [
    faulty.length > 0 && `Please correct ${faulty.length === 1 ? 'this field' : `these ${faulty.length} fields`}: ${faulty.map((f) => RAISE_FIELD_LABELS[f]).join(', ')}. Everything you typed is still here.`,
    view.formError,
  ].filter((l): l is string => typeof l === 'string');
  return container(lines.map((l) => text(l, { color: 'Attention', weight: 'Bolder' })), { style: 'attention' });
}

/** The case's allocated worker, from the people the view offers; the people every stage reaches are found from them. */
function workerInput(view: RaiseFormView, value: string | undefined, error: string | undefined): CardElement[] {
  if (view.workers.length === 0) {
    return [
      text(RAISE_FIELD_LABELS.allocatedWorkerId, { weight: 'Bolder' }),
      text('No social workers are set up to choose from, so nothing can be raised yet: ask your administrator to add the case-holding teams to the organisation directory.', { color: 'Attention', size: 'Small', spacing: 'None' }),
    ];
  }
  const offered = value !== undefined && view.workers.some((w) => w.id === value) ? value : undefined;
  return choiceInput({
    id: 'allocatedWorkerId', label: RAISE_FIELD_LABELS.allocatedWorkerId, error, value: offered,
    isRequired: true, style: 'filtered', placeholder: 'Pick a person',
    errorMessage: 'Pick the child\'s allocated social worker, or the foster carer\'s supervising social worker',
    choices: view.workers.map((w) => ({ title: w.name, value: w.id })),
  });
}

function policyInputs(view: RaiseFormView, policy: RaisePolicyOption): CardElement[] {
  const errors = view.errors ?? {};
  const choice = choiceInput({
    id: 'policyId', label: RAISE_FIELD_LABELS.policyId, error: errors.policyId, value: policy.policyId,
    isRequired: true, errorMessage: 'Pick the policy',
    choices: view.policies.map((p) => ({ title: p.label, value: p.policyId })),
  });
  if (view.policies.length < 2) return choice;
  return [
    ...choice,
    text(`The stages and categories below are ${policy.label}'s. If you pick another policy, update the form to see its own.`, { isSubtle: true, size: 'Small' }),
    actionSet([execute('Update the form for this policy', VERBS.raiseUpdate, { formId: view.formId })]),
  ].filter((e): e is CardElement => e !== undefined);
}

function categoryInput(policy: RaisePolicyOption, value: string | undefined, error: string | undefined): CardElement[] {
  const common = { id: 'category', label: RAISE_FIELD_LABELS.category, error, value };
  if (policy.categories.length === 0) return textInput({ ...common, maxLength: MAX_SHORT_TEXT_LENGTH });
  return choiceInput({
    ...common, style: 'filtered', placeholder: 'Pick a category',
    choices: policy.categories.map((c) => ({ title: c, value: c })),
  });
}

/** Dudley D-P6: a concern solely about a child's care plan is the child's IRO's, not this process's. */
function carePlanOnlyInput(policy: RaisePolicyOption, values: Partial<RaiseFormValues>, errors: RaiseFormView['errors'] = {}): CardElement[] {
  if (policy.asksCarePlanOnly !== true) return [];
  return toggleInput({
    id: 'solelyAboutChildCarePlan', label: RAISE_FIELD_LABELS.solelyAboutChildCarePlan, error: errors.solelyAboutChildCarePlan,
    title: 'The concern is solely about a child\'s care plan (it then goes to the child\'s IRO instead)', value: values.solelyAboutChildCarePlan,
  });
}

function bypassSection(policy: RaisePolicyOption, values: Partial<RaiseFormValues>, errors: RaiseFormView['errors'] = {}): CardElement | undefined {
  const first = policy.stages[0];
  if (!first || policy.stages.length < 2) return undefined;
  return container([
    text('Starting at a later stage', { weight: 'Bolder' }),
    text(`Only if you picked a stage later than the type's usual one: say why${policy.bypassNeedsLineManagerDiscussion ? ', and confirm you discussed it with your line manager unless it is an emergency' : ''}.`, { isSubtle: true, size: 'Small', spacing: 'None' }),
    ...textInput({
      id: 'bypassReason', label: RAISE_FIELD_LABELS.bypassReason, error: errors.bypassReason, value: values.bypassReason,
      isMultiline: true, maxLength: MAX_TEXT_LENGTH,
    }),
    ...(policy.bypassNeedsLineManagerDiscussion ? [
      ...toggleInput({
        id: 'discussedWithLineManager', label: RAISE_FIELD_LABELS.discussedWithLineManager, error: errors.discussedWithLineManager,
        title: 'I have discussed this with my line manager', value: values.discussedWithLineManager,
      }),
      ...toggleInput({
        id: 'emergency', label: RAISE_FIELD_LABELS.emergency, error: errors.emergency,
        title: 'This is an emergency', value: values.emergency,
      }),
    ] : []),
  ], { separator: true, spacing: 'Medium' });
}
