/**
 * The Action.Execute verbs, and a zod schema for the `data` each one carries.
 *
 * Card data is untrusted: anyone can post an invoke with any payload. These schemas check its
 * shape and bounds only; whether this person may do this to this case now is the domain's
 * question (app/cases asks it). Every case action carries `caseId`, `stageId` and `version` (the case
 * version the card was drawn for), so a click on an old card is recognised and changes nothing.
 * Inputs arrive as strings (toggles as "true"/"false", multi-selects comma-separated); an empty
 * input may arrive as "" or not at all, and both mean "not given".
 */
import { z } from 'zod';
import { parseLocalDate, type LocalDate } from '../domain/calendar/index.js';
import { InvalidInputError } from '../domain/errors.js';
import { REVIEW_KINDS, SERIES_REFERENCE } from '../domain/reviews/register.js';
import type { RaiseFormValues } from './view-models.js';
import { BRIEFING_VERBS, BRIEFING_VERB_DATA_SCHEMAS } from './briefing-verbs.js';

export const VERBS = {
  raiseOpen: 'raiseOpen',
  raiseUpdate: 'raiseUpdate',
  raiseSubmit: 'raiseSubmit',
  respondAccept: 'respondAccept',
  respondPropose: 'respondPropose',
  respondDecline: 'respondDecline',
  agreeAction: 'agreeAction',
  completeAction: 'completeAction',
  escalate: 'escalate',
  bypass: 'bypass',
  resolve: 'resolve',
  referCafcass: 'referCafcass',
  withdraw: 'withdraw',
  acceptProposal: 'acceptProposal',
  rejectProposal: 'rejectProposal',
  refresh: 'refresh',
  openCase: 'openCase',
  myCases: 'myCases',
  reviewTaskDone: 'reviewTaskDone',
  ...BRIEFING_VERBS,
} as const;
export type Verb = (typeof VERBS)[keyof typeof VERBS];

/** Longest free text accepted in any field (a reason, the issue, an outcome). */
export const MAX_TEXT_LENGTH = 2000;
export const MAX_SHORT_TEXT_LENGTH = 200;
export const MAX_ID_LENGTH = 128;
/** A case reference is a case-system id: it must contain a digit, so a name cannot pass for one. */
export const CASE_REFERENCE_PATTERN = '^(?=.*[0-9])[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}$';
/** Initials only: up to four letters, each optionally followed by a dot (stored upper-case, e.g. J.T.). */
export const INITIALS_PATTERN = '^[A-Za-z](\\.?[A-Za-z]){0,3}\\.?$';

const DAMAGED = 'the card is damaged or was not sent by Resolve; open the case again by typing "case" and its reference';
const nf = new Intl.NumberFormat('en-GB');

type Ctx = z.RefinementCtx;

function fail(ctx: Ctx, message: string): typeof z.NEVER {
  ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  return z.NEVER;
}

/** Trimmed text, or undefined for absent/empty; refuses anything that is not a string. */
function readText(value: unknown, label: string, ctx: Ctx): string | undefined | typeof z.NEVER {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return fail(ctx, `${label} must be text, not ${typeof value}`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function checkLength(value: string, label: string, max: number, ctx: Ctx): string {
  if (value.length > max) {
    fail(ctx, `${label} is too long: ${nf.format(value.length)} characters, and the limit is ${nf.format(max)}. Shorten it and send again.`);
  }
  return value;
}

/** Free text a person typed, bounded; `hint` says what to write when it is missing. */
function requiredText(label: string, hint: string, max = MAX_TEXT_LENGTH) {
  return z.unknown().transform((value, ctx): string => {
    const t = readText(value, label, ctx);
    if (t === undefined) return fail(ctx, `${label} is required: ${hint}`);
    return checkLength(t, label, max, ctx);
  });
}

function optionalText(label: string, max = MAX_TEXT_LENGTH) {
  return z.unknown().transform((value, ctx): string | undefined => {
    const t = readText(value, label, ctx);
    return t === undefined ? undefined : checkLength(t, label, max, ctx);
  });
}

/** An opaque id stamped by Resolve (case, stage, action, person, policy, form). */
function opaqueId(field: string) {
  return z.unknown().transform((value, ctx): string => {
    if (value === undefined || value === null || value === '') return fail(ctx, `${field} is missing: ${DAMAGED}`);
    if (typeof value !== 'string') return fail(ctx, `${field} must be text, not ${typeof value}: ${DAMAGED}`);
    if (value.length > MAX_ID_LENGTH) return fail(ctx, `${field} is longer than ${MAX_ID_LENGTH} characters: ${DAMAGED}`);
    if (!/^[\x21-\x7e]+$/.test(value)) return fail(ctx, `${field} may hold only printable characters without spaces: ${DAMAGED}`);
    return value;
  });
}

/** A choice the person picked from a list the card offered (an id). */
function chosenId(label: string) {
  return z.unknown().transform((value, ctx): string => {
    const t = readText(value, label, ctx);
    if (t === undefined) return fail(ctx, `${label} is required: pick one from the list`);
    if (t.length > MAX_ID_LENGTH || !/^[\x21-\x7e]+$/.test(t)) return fail(ctx, `${label} is not one of the choices offered: pick one from the list`);
    return t;
  });
}

function optionalChosenId(label: string) {
  const chosen = chosenId(label);
  return z.unknown().transform((value, ctx): string | undefined => {
    if (readText(value, label, ctx) === undefined) return undefined;
    const parsed = chosen.safeParse(value);
    return parsed.success ? parsed.data : fail(ctx, parsed.error.issues[0]?.message ?? `${label} is not one of the choices offered`);
  });
}

const version = z.unknown().transform((value, ctx): number => {
  if (value === undefined) return fail(ctx, `version is missing: ${DAMAGED}`);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    return fail(ctx, `version must be a whole number of at least 0: ${DAMAGED}`);
  }
  return value;
});

function date(label: string, required: boolean) {
  return z.unknown().transform((value, ctx): LocalDate | undefined => {
    const t = readText(value, label, ctx);
    if (t === undefined) return required ? fail(ctx, `${label} is required: pick a date`) : undefined;
    try {
      return parseLocalDate(t, label);
    } catch (error) {
      return fail(ctx, error instanceof InvalidInputError ? error.message : `${label} is not a date`);
    }
  });
}

function toggle(label: string) {
  return z.unknown().transform((value, ctx): boolean => {
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false' || value === undefined || value === null || value === '') return false;
    return fail(ctx, `${label} must be "true" or "false"`);
  });
}

/** A multi-select's ids, sent comma-separated; which ids the policy knows is the domain's check. */
const severityFlags = z.unknown().transform((value, ctx): string[] => {
  if (value === undefined || value === null || value === '') return [];
  const parts: unknown[] | undefined = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  if (parts === undefined) return fail(ctx, 'Severity flags must be a comma-separated list of the flags offered');
  const flags = parts.map((p) => (typeof p === 'string' ? p.trim() : p));
  if (flags.length > 20 || !flags.every((f) => typeof f === 'string' && /^[\x21-\x7e]{1,128}$/.test(f) && !f.includes(','))) {
    return fail(ctx, 'Severity flags must be a comma-separated list of the flags offered');
  }
  return [...new Set(flags as string[])];
});

/** The stamp on every case action. */
export const caseKeySchema = z.object({ caseId: opaqueId('caseId'), stageId: opaqueId('stageId'), version });

const noData = z.object({});

const REVIEW_DAMAGED = 'the card is damaged or was not sent by Resolve; type "due" to see the reviews again';

/** The task a review task card is about: its series (kind and opaque reference) and the task's id, all stamped by Resolve. */
export const reviewTaskKeySchema = z.object({
  reference: z.unknown().transform((value, ctx): string => {
    if (typeof value !== 'string' || !SERIES_REFERENCE.test(value)) return fail(ctx, `reference is not a review series reference: ${REVIEW_DAMAGED}`);
    return value;
  }),
  kind: z.unknown().transform((value, ctx): (typeof REVIEW_KINDS)[number] => {
    const kind = REVIEW_KINDS.find((k) => k === value);
    return kind ?? fail(ctx, `kind must be ${REVIEW_KINDS.join(' or ')}: ${REVIEW_DAMAGED}`);
  }),
  taskId: z.unknown().transform((value, ctx): string => {
    if (typeof value !== 'string' || value === '') return fail(ctx, `taskId is missing: ${REVIEW_DAMAGED}`);
    if (value.length > MAX_ID_LENGTH || !/^[\x21-\x7e]+$/.test(value)) return fail(ctx, `taskId is not one Resolve writes: ${REVIEW_DAMAGED}`);
    return value;
  }),
});

export const raiseSubmitSchema = z.object({
  formId: opaqueId('formId'),
  caseReference: z.unknown().transform((value, ctx): string => {
    const t = readText(value, 'Case reference', ctx);
    if (t === undefined) return fail(ctx, 'Case reference is required: give the case-system id, e.g. LCS-204518');
    if (!new RegExp(CASE_REFERENCE_PATTERN).test(t)) {
      return fail(ctx, 'Case reference must be the case-system id (letters, digits, - / _ . and at least one digit, at most 40 characters), e.g. LCS-204518; never a name');
    }
    return t;
  }),
  subjectInitials: z.unknown().transform((value, ctx): string => {
    const t = readText(value, 'Initials', ctx);
    if (t === undefined) return fail(ctx, 'Initials are required: give the child\'s or carer\'s initials, e.g. J.T.');
    if (!new RegExp(INITIALS_PATTERN).test(t)) return fail(ctx, 'Initials only, e.g. J.T. (at most 4 letters), never a full name');
    return t.toUpperCase();
  }),
  /** The allocated social worker or supervising social worker; whether they are one offered is checked by app/cases/raise-form.ts. */
  allocatedWorkerId: z.unknown().transform((value, ctx): string => {
    const t = readText(value, 'Allocated social worker', ctx);
    if (t === undefined) return fail(ctx, 'Allocated social worker is required: pick the child\'s allocated social worker, or the foster carer\'s supervising social worker, from the list');
    if (t.length > MAX_ID_LENGTH || !/^[\x21-\x7e]+$/.test(t)) return fail(ctx, 'Allocated social worker is not one of the people offered: pick one from the list');
    return t;
  }),
  policyId: chosenId('Policy'),
  alertTypeId: chosenId('Type'),
  /** Empty: the alert type's own entry stage (the domain's default); a later one is a bypass. */
  entryStageId: optionalChosenId('Entry stage'),
  category: optionalText('Category', MAX_SHORT_TEXT_LENGTH),
  issue: requiredText('The issue', 'say what the issue is'),
  impact: requiredText('Impact on the child', 'say how the issue affects the child or carer'),
  resolutionSought: requiredText('Resolution sought', 'say what would resolve it'),
  resolutionSoughtBy: date('Resolution sought by', false),
  severityFlags,
  bypassReason: optionalText('Reason for entering at a later stage'),
  discussedWithLineManager: toggle('Discussed with my line manager'),
  emergency: toggle('Emergency'),
  solelyAboutChildCarePlan: toggle('Solely about a child\'s care plan'),
});

const looseText = z.string().max(20 * MAX_TEXT_LENGTH).optional().catch(undefined);

/**
 * What the officer typed, kept even when it is wrong, so the form can come back with nothing
 * lost. Anything that is not plausibly a form value is dropped.
 */
export const raiseDraftSchema = z.object({
  formId: opaqueId('formId'),
  caseReference: looseText,
  subjectInitials: looseText,
  allocatedWorkerId: looseText,
  policyId: looseText,
  alertTypeId: looseText,
  entryStageId: looseText,
  category: looseText,
  issue: looseText,
  impact: looseText,
  resolutionSought: looseText,
  resolutionSoughtBy: looseText,
  severityFlags: severityFlags.catch([]),
  bypassReason: looseText,
  discussedWithLineManager: z.unknown().transform((v) => v === true || v === 'true'),
  emergency: z.unknown().transform((v) => v === true || v === 'true'),
  solelyAboutChildCarePlan: z.unknown().transform((v) => v === true || v === 'true'),
});

export const VERB_DATA_SCHEMAS = {
  raiseOpen: noData,
  raiseUpdate: raiseDraftSchema,
  raiseSubmit: raiseSubmitSchema,
  respondAccept: caseKeySchema,
  respondPropose: caseKeySchema.extend({
    proposal: requiredText('Your proposal', 'say what you propose instead, e.g. a different timescale'),
  }),
  respondDecline: caseKeySchema.extend({
    declineReason: requiredText('Reason for declining', 'say why you are declining'),
  }),
  agreeAction: caseKeySchema.extend({
    actionOwnerId: chosenId('Action owner'),
    actionDue: date('Action due date', true),
    actionText: requiredText('The action', 'say what will be done'),
  }),
  completeAction: caseKeySchema.extend({ actionId: opaqueId('actionId') }),
  /** No reason from a one-click chaser button: app/cases then records its own ("no response by the due date"). */
  escalate: caseKeySchema.extend({
    escalateReason: optionalText('Reason for escalating'),
    escalateSoughtBy: date('Resolution sought by', false),
  }),
  bypass: caseKeySchema.extend({
    bypassStageId: chosenId('Stage to go to'),
    bypassReason: requiredText('Reason for bypassing', 'say why the earlier stages are skipped'),
    discussedWithLineManager: toggle('Discussed with my line manager'),
    emergency: toggle('Emergency'),
    bypassSoughtBy: date('Resolution sought by', false),
  }),
  resolve: caseKeySchema.extend({
    outcome: requiredText('Outcome', 'record the outcome of the issue'),
    learningPoints: optionalText('Key learning points'),
  }),
  referCafcass: caseKeySchema.extend({
    cafcassReason: requiredText('Reason for the Cafcass referral', 'record why the case is referred'),
    /** §2.5: the IRO refers before the ladder's earliest day, under their statutory right (recorded as such). */
    statutoryOverride: toggle('Statutory right to refer'),
  }),
  withdraw: caseKeySchema.extend({
    withdrawReason: requiredText('Reason for withdrawing', 'say why the alert is withdrawn'),
  }),
  /** §8.3: the officer takes the alternative proposed as the agreed course. */
  acceptProposal: caseKeySchema,
  rejectProposal: caseKeySchema.extend({
    rejectReason: requiredText('Reason for rejecting the proposal', 'say why the alternative does not resolve it'),
  }),
  refresh: caseKeySchema,
  openCase: caseKeySchema,
  myCases: noData,
  /** §8.4: a task around a booked review marked done, in one click, from its reminder or chaser. */
  reviewTaskDone: reviewTaskKeySchema,
  ...BRIEFING_VERB_DATA_SCHEMAS,
} as const satisfies Record<Verb, z.ZodTypeAny>;

export type VerbData<V extends Verb> = z.output<(typeof VERB_DATA_SCHEMAS)[V]>;
export type ParsedAction = { [V in Verb]: { readonly verb: V; readonly data: VerbData<V> } }[Verb];

export type ActionDataResult =
  | { readonly ok: true; readonly action: ParsedAction }
  | { readonly ok: false; readonly message: string; readonly fieldErrors: Readonly<Record<string, string>> };

export function isVerb(value: unknown): value is Verb {
  return typeof value === 'string' && Object.hasOwn(VERB_DATA_SCHEMAS, value);
}

/** Checks an invoke's verb and data. On failure, `fieldErrors` maps each input id to its message. */
export function parseActionData(verb: unknown, data: unknown): ActionDataResult {
  if (!isVerb(verb)) {
    return { ok: false, message: `Unknown action "${String(verb).slice(0, 40)}": ${DAMAGED}`, fieldErrors: {} };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, message: `The card data is not an object: ${DAMAGED}`, fieldErrors: {} };
  }
  const result = VERB_DATA_SCHEMAS[verb].safeParse(data);
  if (result.success) return { ok: true, action: { verb, data: result.data } as ParsedAction };
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '');
    fieldErrors[field] ??= issue.message;
  }
  return { ok: false, message: Object.values(fieldErrors).join('. '), fieldErrors };
}

/** As parseActionData, but throws InvalidInputError naming the first faulty field. */
export function requireActionData(verb: unknown, data: unknown): ParsedAction {
  const result = parseActionData(verb, data);
  if (result.ok) return result.action;
  throw new InvalidInputError(result.message, Object.keys(result.fieldErrors)[0]);
}

/** The raise form's values as typed, for sending the form back after a fault. */
export function raiseFormValuesFrom(data: unknown): Partial<RaiseFormValues> {
  const parsed = raiseDraftSchema.omit({ formId: true }).safeParse(data);
  if (!parsed.success) return {};
  return Object.fromEntries(
    Object.entries(parsed.data).filter(([, v]) => v !== undefined && v !== ''),
  ) as Partial<RaiseFormValues>;
}
