import { z } from 'zod';
import type { WorkingCalendar } from '../calendar/index.js';
import { isLocalDate } from '../calendar/index.js';
import type { Policy } from '../policies/schema.js';

/**
 * What a person (or the deadline dispatcher) asks of a case. Card data is untrusted: adapters
 * may parse it with `caseCommandSchema`, and `decide` checks it again whatever the caller did.
 * The actor is always the authenticated user's Entra object id, never something from the card.
 */

const personId = z.string().trim().min(1, 'a person id is required');
const words = (what: string, max = 8000) =>
  z.string().trim().min(1, `${what} must not be empty`).max(max, `${what} must be at most ${max} characters`);
const optionalWords = (what: string) => words(what).optional();
const localDate = z
  .string()
  .refine((s) => isLocalDate(s), 'must be a real date written YYYY-MM-DD, e.g. 2026-03-10');

const base = {
  caseId: z.string().trim().min(1, 'the case id is required'),
  actor: personId,
  /** The case revision (CaseState.revision) the actor's card was drawn at, if known: stale cards never act. */
  expectedVersion: z.number().int().min(0).optional(),
};
/** The stage the actor saw when they acted. */
const seen = { stageId: z.string().trim().min(1, 'the stage the card was for is required') };
/** The people the directory found for the stage's roles; none found is refused, after the stage checks, as no-addressee. */
const people = {
  to: z.array(personId).readonly(),
  cc: z.array(personId).readonly().default([]),
  /**
   * AMB-30: the people holding the ladder's `closure.actionsConfirmedBy` roles for this case
   * (`actionConfirmerRoles(policy)`), found by the directory as it finds To and CC. Recorded on the
   * stage entry: only they may confirm an agreed action complete. Ignored, and may be left out,
   * on a ladder where each action's owner confirms it.
   */
  actionConfirmers: z.array(personId).readonly().default([]),
  /**
   * §8.4: each To addressee's own line manager, by addressee, as the directory found them: the
   * overdue chaser is copied to them where the ladder's `chasing.copyAddresseesManager` says so.
   */
  managers: z.record(personId, personId).default({}),
  /** §8.4: the people holding the ladder's `chasing.overallLimitWatchers` roles for the case, warned with the officer. */
  limitWatchers: z.array(personId).readonly().default([]),
};

export const raiseCommandSchema = z.object({
  type: z.literal('raise'),
  ...base,
  /** Opaque case reference, e.g. "OX-2026-0142": no names. */
  reference: z.string().trim().min(1, 'the case reference is required').max(64),
  subjectInitials: z
    .string()
    .trim()
    .regex(/^[A-Z](\.?[A-Z]){0,3}\.?$/, 'must be initials only, e.g. "J.T."'),
  policyId: z.string().trim().min(1),
  alertTypeId: z.string().trim().min(1),
  /**
   * Entra object id of the case's allocated worker: the child's allocated social worker, or the
   * foster carer's supervising social worker. Every stage's roles (team manager, service manager,
   * Director...) are found from them. Required for alerts and disputes (`decide` refuses without
   * it); a notification may leave it out.
   */
  allocatedWorkerId: personId.optional(),
  /** Defaults to the alert type's entry stage; a later stage is a bypass. */
  entryStageId: z.string().trim().min(1).optional(),
  category: optionalWords('the category'),
  issue: words('the issue'),
  impactOnChild: words('the impact on the child'),
  resolutionSought: words('the resolution sought'),
  resolutionSoughtBy: localDate.optional(),
  /**
   * AMB-29, D-P6: the officer says the issues of concern relate solely to a child's care plan. On a
   * ladder with `carePlanOnlyIssuesToChildIro` an alert or dispute so marked is refused
   * (refer-to-child-iro): the matter goes directly to the child's IRO. Read by no other ladder.
   */
  solelyAboutChildCarePlan: z.boolean().default(false),
  /** AMB-28 severity flags by id, e.g. "serious_safeguarding". */
  severityFlags: z.array(z.string().trim().min(1)).readonly().default([]),
  /** What the officer said about entering at a later stage; whether it is a bypass at all is `decide`'s question. */
  bypass: z
    .object({
      reason: optionalWords('the bypass reason'),
      lineManagerDiscussed: z.boolean().default(false),
      emergency: z.boolean().default(false),
    })
    .optional(),
  ...people,
});

export const respondCommandSchema = z.object({
  type: z.literal('respond'),
  ...base,
  ...seen,
  response: z.enum(['accept', 'propose-alternative', 'decline']),
  text: optionalWords('the response text'),
});

/** §8.3: the raising officer accepts the alternative proposed (it becomes the agreed course) or rejects it, with a reason. */
export const answerProposalCommandSchema = z.object({
  type: z.literal('answer-proposal'),
  ...base,
  ...seen,
  accept: z.boolean(),
  reason: optionalWords('the reason'),
});

export const agreeActionCommandSchema = z.object({
  type: z.literal('agree-action'),
  ...base,
  ...seen,
  /** Chosen by the caller (ids are generated outside the domain). */
  actionId: z.string().trim().min(1),
  owner: personId,
  dueDate: localDate,
  text: words('the action'),
});

export const completeActionCommandSchema = z.object({
  type: z.literal('complete-action'),
  ...base,
  actionId: z.string().trim().min(1),
  note: optionalWords('the note'),
});

export const escalateCommandSchema = z.object({
  type: z.literal('escalate'),
  ...base,
  ...seen,
  /** Empty is refused as reason-required once the stage checks pass. */
  reason: z.string().trim().max(8000, 'the reason for escalating must be at most 8000 characters').default(''),
  resolutionSoughtBy: localDate.optional(),
  ...people,
});

export const bypassCommandSchema = z.object({
  type: z.literal('bypass'),
  ...base,
  ...seen,
  targetStageId: z.string().trim().min(1),
  reason: words('the reason for bypassing'),
  lineManagerDiscussed: z.boolean().default(false),
  emergency: z.boolean().default(false),
  resolutionSoughtBy: localDate.optional(),
  ...people,
});

export const setResolutionDateCommandSchema = z.object({
  type: z.literal('set-resolution-date'),
  ...base,
  ...seen,
  resolutionSoughtBy: localDate,
  reason: optionalWords('the reason'),
});

export const recordChaseCommandSchema = z.object({
  type: z.literal('record-chase'),
  ...base,
  ...seen,
  note: optionalWords('the note'),
});

export const resolveCommandSchema = z.object({
  type: z.literal('resolve'),
  ...base,
  outcome: optionalWords('the outcome'),
  keyLearningPoints: optionalWords('the key learning points'),
});

export const referToCafcassCommandSchema = z.object({
  type: z.literal('refer-to-cafcass'),
  ...base,
  reason: words('the reason for the referral'),
  /**
   * ESC-C3, AMB-33: refer before the ladder offers a referral (`outsideReferral.earliest`), under
   * the IRO's statutory right to refer at any time. Recorded on the CafcassReferred event, with the
   * reason, when the referral needed it.
   */
  statutoryOverride: z.boolean().default(false),
});

export const withdrawCommandSchema = z.object({
  type: z.literal('withdraw'),
  ...base,
  reason: words('the reason for withdrawing'),
});

export const deadlineReachedCommandSchema = z.object({
  type: z.literal('deadline-reached'),
  ...base,
  /** A DeadlineSpec key from deadlinesOf. */
  key: z.string().trim().min(1),
  /**
   * §8.4: on a ladder that escalates automatically when a response is overdue
   * (`chasing.whenOverdue: escalate-automatically`), the people the next stage would go to, as the
   * directory found them; without them the officer is prompted instead.
   */
  escalateTo: z.object(people).optional(),
});

/** From the outbox, not a person: where a person's case card landed (its actor is the system). */
export const recordCardPostedCommandSchema = z.object({
  type: z.literal('record-card-posted'),
  ...base,
  recipient: personId,
  location: z.object({
    conversationId: z.string().trim().min(1).max(512),
    messageId: z.string().trim().min(1).max(512),
    serviceUrl: z.string().trim().url().max(512),
  }),
  /** The card recorded earlier was gone, and this one was sent in its place. */
  replacesGone: z.boolean().default(false),
});

/** AMB-20, §3.2: the briefing note's answers by field id, as the officer typed them; `decide` checks each against the ladder's fields. */
const briefingAnswers = z.record(z.string().trim().min(1).max(64), z.string().max(8000)).default({});

/** AMB-20: the officer keeps their answers to the Director briefing note part-way (Save for later). */
export const saveBriefingDraftCommandSchema = z.object({
  type: z.literal('save-briefing-draft'),
  ...base,
  ...seen,
  /** The stage the note is for: a later stage that needs one, or the stage the case was raised at. */
  forStageId: z.string().trim().min(1, 'the stage the briefing note is for is required'),
  answers: briefingAnswers,
});

/** AMB-20: the officer completes the Director briefing note; every required field must be answered. */
export const completeBriefingCommandSchema = z.object({
  type: z.literal('complete-briefing'),
  ...base,
  ...seen,
  forStageId: z.string().trim().min(1, 'the stage the briefing note is for is required'),
  answers: briefingAnswers,
  /** The people the directory found holding the ladder's `briefing.sendTo` roles for the case (the Director, the Deputy Director). */
  sendTo: z.array(personId).readonly().default([]),
});

export const caseCommandSchema = z.discriminatedUnion('type', [
  raiseCommandSchema,
  respondCommandSchema,
  answerProposalCommandSchema,
  agreeActionCommandSchema,
  completeActionCommandSchema,
  escalateCommandSchema,
  bypassCommandSchema,
  setResolutionDateCommandSchema,
  recordChaseCommandSchema,
  resolveCommandSchema,
  referToCafcassCommandSchema,
  withdrawCommandSchema,
  deadlineReachedCommandSchema,
  recordCardPostedCommandSchema,
  saveBriefingDraftCommandSchema,
  completeBriefingCommandSchema,
]);

/** A command as callers write it (defaults may be left out). */
export type CaseCommand = z.input<typeof caseCommandSchema>;
/** A command after checking, defaults filled in. */
export type CheckedCommand = z.output<typeof caseCommandSchema>;
export type CaseCommandType = CaseCommand['type'];
export type RaiseCommand = z.input<typeof raiseCommandSchema>;

export interface DecideContext {
  readonly now: Date;
  /** The ladder the case runs under (its `policyId`). */
  readonly policy: Policy;
  readonly calendar: WorkingCalendar;
}
