/**
 * The Action.Execute verbs of the Director briefing note (DOMAIN §3.2, §8.6, AMB-20), and a zod
 * schema for the data each carries. Card data is untrusted: these check shape and bounds only
 * (every text bounded, every date one that exists); whether this person may write, send or open
 * this note now is the domain's and the use case's question (app/briefings). Like every case
 * action each carries `caseId`, `stageId` and `version`, and `forStageId`: the stage the note is for.
 *
 * Standalone on purpose: cards/verbs.ts lists these verbs beside the others, so this file imports
 * nothing of it.
 */
import { z } from 'zod';
import { isLocalDate } from '../domain/calendar/index.js';
import { BRIEFING_FIELD_MAX_LENGTH } from '../domain/escalation/briefing.js';
import { BRIEFING_TEMPLATE, MAX_EXTRA_BRIEFING_FIELDS, type BriefingFieldKind } from '../domain/policies/schema.js';

export const BRIEFING_VERBS = {
  /** The officer opens the note's form (from the card asking for it). */
  briefingForm: 'briefingForm',
  /** "Save for later": the answers so far are kept; nothing is sent. */
  briefingSave: 'briefingSave',
  /** "Complete and escalate": the note is completed and the case moves to its stage, in one submit. */
  briefingComplete: 'briefingComplete',
  /** Someone on the case opens the completed note from its card. */
  briefingOpen: 'briefingOpen',
  /** The note's details folded away again, leaving the card with the reference and stage only. */
  briefingHide: 'briefingHide',
  /** The note as a Word document for the case record. */
  briefingExport: 'briefingExport',
} as const;
export type BriefingVerb = (typeof BRIEFING_VERBS)[keyof typeof BRIEFING_VERBS];

/** The longest answer a form input takes, by kind: the domain's limits (it checks them again). */
export const BRIEFING_INPUT_MAX_LENGTH: Readonly<Record<BriefingFieldKind, number>> = BRIEFING_FIELD_MAX_LENGTH;
export const MAX_MOVE_REASON_LENGTH = 2000;

/** The form's input id for a template field. */
export const briefingInputId = (fieldId: string): string => `bf_${fieldId}`;
/** The form's input id for the nth field a ladder adds (1-based): extra fields take numbered slots, so every input id is known here. */
export const briefingExtraInputId = (n: number): string => `bf_extra${n}`;

/** Every answer input the form can hold, with the kind that bounds it. A ladder's own field may be a date: the domain checks it. */
export const BRIEFING_ANSWER_INPUTS: readonly { readonly inputId: string; readonly label: string; readonly kind: BriefingFieldKind }[] = [
  ...BRIEFING_TEMPLATE.map((f) => ({ inputId: briefingInputId(f.id), label: f.label, kind: f.kind })),
  ...Array.from({ length: MAX_EXTRA_BRIEFING_FIELDS }, (_, i) => ({ inputId: briefingExtraInputId(i + 1), label: `Additional field ${i + 1}`, kind: 'long' as const })),
];

const DAMAGED = 'the card is damaged or was not sent by Resolve; open the case again by typing "case" and its reference';
const MAX_ID_LENGTH = 128;

type Ctx = z.RefinementCtx;
function fail(ctx: Ctx, message: string): typeof z.NEVER {
  ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  return z.NEVER;
}

function opaqueId(field: string) {
  return z.unknown().transform((value, ctx): string => {
    if (value === undefined || value === null || value === '') return fail(ctx, `${field} is missing: ${DAMAGED}`);
    if (typeof value !== 'string') return fail(ctx, `${field} must be text, not ${typeof value}: ${DAMAGED}`);
    if (value.length > MAX_ID_LENGTH || !/^[\x21-\x7e]+$/.test(value)) return fail(ctx, `${field} is not an id Resolve writes: ${DAMAGED}`);
    return value;
  });
}

const version = z.unknown().transform((value, ctx): number => {
  if (value === undefined) return fail(ctx, `version is missing: ${DAMAGED}`);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return fail(ctx, `version must be a whole number of at least 0: ${DAMAGED}`);
  return value;
});

/** Text a person typed: trimmed, empty as not given, never more than `max` characters. */
function answer(label: string, max: number) {
  return z.unknown().transform((value, ctx): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') return fail(ctx, `${label} must be text, not ${typeof value}`);
    const t = value.trim();
    if (t === '') return undefined;
    if (t.length > max) return fail(ctx, `${label} is too long: ${t.length.toLocaleString('en-GB')} characters, and the limit is ${max.toLocaleString('en-GB')}. Shorten it and send again.`);
    return t;
  });
}

/** A date picked on the form: empty as not given, otherwise one that exists (2026-02-30 does not). */
function dateAnswer(label: string) {
  return z.unknown().transform((value, ctx): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') return fail(ctx, `${label} must be a date, not ${typeof value}`);
    const t = value.trim();
    if (t === '') return undefined;
    if (!isLocalDate(t)) return fail(ctx, `${label} "${t.slice(0, 20)}" is not a date that exists: pick one written YYYY-MM-DD, e.g. 2026-03-10`);
    return t;
  });
}

function toggle(label: string) {
  return z.unknown().transform((value, ctx): boolean => {
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false' || value === undefined || value === null || value === '') return false;
    return fail(ctx, `${label} must be "true" or "false"`);
  });
}

const MOVES = ['escalate', 'bypass', 'none'] as const;
export type BriefingMoveKind = (typeof MOVES)[number];

/** The case and the stage the note is for, stamped by Resolve on every briefing action. */
export const briefingKeySchema = z.object({
  caseId: opaqueId('caseId'),
  stageId: opaqueId('stageId'),
  version,
  forStageId: opaqueId('forStageId'),
});

const answerShape: Record<string, z.ZodType<string | undefined, z.ZodTypeDef, unknown>> = Object.fromEntries(
  BRIEFING_ANSWER_INPUTS.map((i) => [i.inputId, i.kind === 'date' ? dateAnswer(i.label) : answer(i.label, BRIEFING_INPUT_MAX_LENGTH[i.kind])]),
);
/** The answer inputs alone, by input id. */
export const briefingAnswersSchema = z.object(answerShape);

/** The form's submit: the answers, and the move the officer asked for (stamped) with its reason and date. */
export const briefingSubmitSchema = briefingKeySchema.extend({
  /** Escalate to the next stage, bypass to a later one, or nothing (the case is at the note's stage already). */
  move: z.unknown().transform((value, ctx): BriefingMoveKind => MOVES.find((m) => m === value) ?? fail(ctx, `move is not one Resolve writes: ${DAMAGED}`)),
  /** For a bypass: what the officer confirmed on the Bypass form. */
  discussedWithLineManager: toggle('Discussed with my line manager'),
  emergency: toggle('Emergency'),
  moveReason: answer('Reason for escalating', MAX_MOVE_REASON_LENGTH),
  moveSoughtBy: dateAnswer('Resolution sought by'),
  ...answerShape,
});

export const BRIEFING_VERB_DATA_SCHEMAS = {
  briefingForm: briefingKeySchema,
  briefingSave: briefingSubmitSchema,
  briefingComplete: briefingSubmitSchema,
  briefingOpen: briefingKeySchema,
  briefingHide: briefingKeySchema,
  briefingExport: briefingKeySchema,
} as const satisfies Record<BriefingVerb, z.ZodTypeAny>;

export type BriefingActionData<V extends BriefingVerb> = z.output<(typeof BRIEFING_VERB_DATA_SCHEMAS)[V]>;

export function isBriefingVerb(value: unknown): value is BriefingVerb {
  return typeof value === 'string' && Object.hasOwn(BRIEFING_VERB_DATA_SCHEMAS, value);
}

/** The answers on a submitted form by input id, given ones only; undefined when any is faulty (parseActionData says which). */
export function briefingAnswersIn(data: unknown): Record<string, string> | undefined {
  const parsed = briefingAnswersSchema.safeParse(data);
  if (!parsed.success) return undefined;
  return Object.fromEntries(Object.entries(parsed.data).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * What the officer typed, kept even where it is wrong (a date that does not exist, a text too
 * long), so the form comes back with nothing lost. Anything that is not a plausible input is dropped.
 */
export function briefingValuesFrom(data: unknown): Record<string, string> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return {};
  const record = data as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const id of [...BRIEFING_ANSWER_INPUTS.map((i) => i.inputId), 'moveReason', 'moveSoughtBy']) {
    const value = record[id];
    if (typeof value === 'string' && value.length <= 20_000) out[id] = value;
  }
  return out;
}

const looseIntentSchema = z.object({
  move: z.enum(MOVES).optional().catch(undefined),
  discussedWithLineManager: z.unknown().transform((v) => v === true || v === 'true'),
  emergency: z.unknown().transform((v) => v === true || v === 'true'),
});

/** The move a form was for, read leniently from a submit that did not parse, so the form can come back as it was. */
export function briefingIntentFrom(data: unknown): { readonly move?: BriefingMoveKind; readonly discussedWithLineManager: boolean; readonly emergency: boolean } {
  const parsed = looseIntentSchema.safeParse(typeof data === 'object' && data !== null ? data : {});
  return parsed.success ? { ...(parsed.data.move !== undefined && { move: parsed.data.move }), discussedWithLineManager: parsed.data.discussedWithLineManager, emergency: parsed.data.emergency } : { discussedWithLineManager: false, emergency: false };
}
