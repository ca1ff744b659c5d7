/**
 * The Action.Execute verbs of review cards (what is due, slots, booking, rearranging, cancelling,
 * adding to the register), and a zod schema for the data each carries. Card data is untrusted:
 * these check shape and bounds only; whether this person may book this review now is the use
 * case's question (app/reviews). Inputs arrive as strings; an empty input means "not given".
 */
import { z } from 'zod';
import { isLocalDate } from '../domain/calendar/index.js';
import { CANCELLATION_REASONS, REARRANGEMENT_REASONS, REVIEW_KINDS, SERIES_FACTS } from '../domain/reviews/index.js';
import { MAX_TEXT_LENGTH, VERBS } from './verbs.js';

export const REVIEW_VERBS = {
  reviewsDue: 'reviewsDue',
  reviewSlots: 'reviewSlots',
  reviewBook: 'reviewBook',
  reviewRearrangeFind: 'reviewRearrangeFind',
  reviewRearrange: 'reviewRearrange',
  reviewCancel: 'reviewCancel',
  reviewRecordOpen: 'reviewRecordOpen',
  reviewRecordSubmit: 'reviewRecordSubmit',
} as const;
export type ReviewVerb = (typeof REVIEW_VERBS)[keyof typeof REVIEW_VERBS];

export const REVIEW_KIND_VALUES = REVIEW_KINDS;
export const REGISTER_EVENT_VALUES = SERIES_FACTS;
/** A case-system reference: opaque, a digit in it, so a name cannot pass for one. */
export const REVIEW_REFERENCE_PATTERN = '^(?=.*[0-9])[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$';

const DAMAGED = 'the card is damaged or was not sent by Resolve; type "due" to see the reviews again';

const text = (label: string, hint: string, max = MAX_TEXT_LENGTH) =>
  z.unknown().transform((value, ctx): string => {
    const t = typeof value === 'string' ? value.trim() : '';
    if (value !== undefined && value !== null && typeof value !== 'string') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${label} must be text` });
      return z.NEVER;
    }
    if (t === '') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${label} is required: ${hint}` });
      return z.NEVER;
    }
    if (t.length > max) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${label} is too long: ${t.length} characters, and the limit is ${max}. Shorten it and send again.` });
      return z.NEVER;
    }
    return t;
  });

const optionalText = (label: string, max = MAX_TEXT_LENGTH) =>
  z.unknown().transform((value, ctx): string | undefined => {
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
    if (typeof value !== 'string') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${label} must be text` });
      return z.NEVER;
    }
    if (value.trim().length > max) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${label} is too long: the limit is ${max} characters` });
      return z.NEVER;
    }
    return value.trim();
  });

const stamped = <T extends readonly [string, ...string[]]>(field: string, values: T) =>
  z.unknown().transform((value, ctx): T[number] => {
    if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${field} is not one Resolve offers: ${DAMAGED}` });
    return z.NEVER;
  });

const chosen = <T extends readonly [string, ...string[]]>(label: string, values: T) =>
  z.unknown().transform((value, ctx): T[number] => {
    if (typeof value === 'string' && (values as readonly string[]).includes(value.trim())) return value.trim();
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${label} is required: pick one from the list` });
    return z.NEVER;
  });

const reference = z.unknown().transform((value, ctx): string => {
  if (typeof value === 'string' && new RegExp(REVIEW_REFERENCE_PATTERN).test(value.trim())) return value.trim();
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: `The reference must be the case system's id, e.g. LCS-104233 (letters, digits and . _ / - only, with a digit in it)` });
  return z.NEVER;
});

const instant = (field: string) =>
  z.unknown().transform((value, ctx): string => {
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value))) {
      return new Date(value).toISOString();
    }
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${field} is not a time Resolve offered: ${DAMAGED}` });
    return z.NEVER;
  });

const date = (label: string) =>
  z.unknown().transform((value, ctx): string => {
    const t = typeof value === 'string' ? value.trim() : '';
    if (isLocalDate(t)) return t;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: t === '' ? `${label} is required: pick a date` : `${label} "${t.slice(0, 20)}" is not a real date: pick one written YYYY-MM-DD, e.g. 2026-03-10` });
    return z.NEVER;
  });

const yesNo = (label: string) =>
  z.unknown().transform((value, ctx): boolean | undefined => {
    if (value === undefined || value === null || value === '') return undefined;
    if (value === 'yes' || value === true || value === 'true') return true;
    if (value === 'no' || value === false || value === 'false') return false;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${label} must be yes, no or left empty` });
    return z.NEVER;
  });

const key = { reference, kind: stamped('kind', REVIEW_KIND_VALUES) };
const slot = { start: instant('start'), end: instant('end') };

export const REVIEW_VERB_DATA_SCHEMAS = {
  reviewsDue: z.object({}),
  reviewSlots: z.object({ ...key, dropOptional: z.unknown().transform((v) => v === true || v === 'true') }),
  reviewBook: z.object({
    ...key, ...slot,
    /** The series' version the times were offered at: a booking from an older card is refused as stale. */
    version: z.unknown().transform((v, ctx): number | undefined => {
      if (v === undefined || v === null || v === '') return undefined;
      if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `version is not one Resolve stamps: ${DAMAGED}` });
      return z.NEVER;
    }),
  }),
  reviewRearrangeFind: z.object({
    ...key,
    rearrangeReason: chosen('The reason for rearranging', REARRANGEMENT_REASONS),
    rearrangeText: text('What happened', 'say in a sentence why the review is moving'),
  }),
  reviewRearrange: z.object({
    ...key, ...slot,
    rearrangeReason: stamped('rearrangeReason', REARRANGEMENT_REASONS),
    rearrangeText: text('What happened', 'say in a sentence why the review is moving'),
  }),
  reviewCancel: z.object({ ...key, cancelReason: chosen('The reason for cancelling', CANCELLATION_REASONS) }),
  reviewRecordOpen: z.object({}),
  reviewRecordSubmit: z.object({
    reference: reference,
    kind: chosen('Whose reviews', REVIEW_KIND_VALUES),
    event: chosen('What happened', REGISTER_EVENT_VALUES),
    date: date('The date it happened'),
    officerId: optionalText('The reviewing officer', 128),
    workerId: optionalText('The social worker', 128),
    invitees: optionalText('Others to invite', 2000),
    participated: yesNo('Whether the child took part'),
    aged4Plus: yesNo('Whether the child was aged 4 or over'),
    lateReason: optionalText('Why it was held late', 2000),
  }),
} as const;

export type ReviewActionData<V extends ReviewVerb> = z.output<(typeof REVIEW_VERB_DATA_SCHEMAS)[V]>;
export type ParsedReviewAction = { [V in ReviewVerb]: { readonly verb: V; readonly data: ReviewActionData<V> } }[ReviewVerb];
export type ReviewActionResult =
  | { readonly ok: true; readonly action: ParsedReviewAction }
  | { readonly ok: false; readonly message: string; readonly fieldErrors: Readonly<Record<string, string>> };

export function isReviewVerb(value: unknown): value is ReviewVerb {
  return typeof value === 'string' && Object.hasOwn(REVIEW_VERB_DATA_SCHEMAS, value);
}

/** Verbs the reviews answer: the review cards', and a review task's "Mark done". */
export function routesToReviews(value: unknown): boolean {
  return isReviewVerb(value) || value === VERBS.reviewTaskDone;
}

/** Checks a review card's verb and data; on failure, each input's message by its id. */
export function parseReviewAction(verb: unknown, data: unknown): ReviewActionResult {
  if (!isReviewVerb(verb)) return { ok: false, message: `Unknown action: ${DAMAGED}`, fieldErrors: {} };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, message: `The card data is not an object: ${DAMAGED}`, fieldErrors: {} };
  const result = REVIEW_VERB_DATA_SCHEMAS[verb].safeParse(data);
  if (result.success) return { ok: true, action: { verb, data: result.data } as ParsedReviewAction };
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) fieldErrors[String(issue.path[0] ?? '')] ??= issue.message;
  return { ok: false, message: Object.values(fieldErrors).join(' '), fieldErrors };
}
