import { z } from 'zod';
import { roleKeySchema } from './roles.js';

/**
 * An escalation ladder ("authority policy") as data: DOMAIN.md §2 per authority, §7 gaps as
 * explicit settings, §8.2 the generic machine it parameterises. Objects are strict so that a
 * mistyped key in an authority's own file is reported rather than silently ignored.
 */

const idPattern = /^[a-z][a-z0-9_]*$/;
const idSchema = z
  .string()
  .regex(idPattern, 'must be lower-case letters, digits and underscores, starting with a letter (e.g. "stage_2")');
const text = z.string().trim().min(1, 'must not be empty');
const localDateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD');
const positiveWhole = z.number().int('must be a whole number').positive('must be more than 0');

/** Source traceability: DOMAIN.md rule ids and verbatim quotes. */
const sourceFields = {
  rules: z.array(z.string().regex(/^[A-Z][A-Z0-9]*(-[A-Za-z0-9.]+)+$/, 'must be a DOMAIN.md rule id such as "D-T0" or "AMB-15"')).default([]),
  quotes: z.array(text).default([]),
};

const exactlyOne = (keys: readonly string[]) => (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
  const present = keys.filter((k) => value[k] !== undefined);
  if (present.length !== 1) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: present.length === 0
        ? `give one of ${keys.join(' or ')}`
        : `give only one of ${keys.join(' or ')}, not ${present.join(' and ')}`,
    });
  }
};

/** A length of time the source states: in working days (AMB-07) or calendar days. */
export type TimeSpan = { workingDays: number } | { calendarDays: number };

const timeSpanFields = { workingDays: positiveWhole.optional(), calendarDays: positiveWhole.optional() };
const toTimeSpan = (v: { workingDays?: number; calendarDays?: number }): TimeSpan =>
  v.workingDays !== undefined ? { workingDays: v.workingDays } : { calendarDays: v.calendarDays ?? 0 };

export const timeSpanSchema = z
  .object(timeSpanFields)
  .strict()
  .superRefine(exactlyOne(['workingDays', 'calendarDays']))
  .transform(toTimeSpan);

export const OFFICER_ROLES = ['iro', 'firo', 'fro'] as const;
export const SUBJECT_TYPES = ['child', 'foster_carer'] as const;
export const ALERT_KINDS = ['notification', 'alert', 'dispute'] as const;
export const STAGE_MODES = ['discussion', 'direct_communication', 'email', 'form', 'meeting', 'referral'] as const;
/** AMB-05: may the raiser set their own "resolution sought by" date for a stage? */
export const CUSTOM_DUE_DATE = ['not_allowed', 'allowed', 'within_maximum'] as const;
/** AMB-02: which event starts the overall clock. `stage1_raised` = the case first reaches a formal stage. */
export const LIMIT_STARTS = ['informal_raised', 'stage1_raised'] as const;
/** AMB-30: what must be true before the raising officer may close a case. */
export const CLOSURE_REQUIREMENTS = ['outcome', 'key_learning_points', 'actions_complete'] as const;
/**
 * AMB-14, AMB-15: how an alert type's own To / CC combine with the roles of the stage it is raised at.
 * `replace_at_default_entry`: they replace the default entry stage's roles, and any other entry stage
 * keeps its own. `add_at_entry`: they are added to the roles of whichever stage it is raised at.
 */
export const TYPE_RECIPIENTS = ['replace_at_default_entry', 'add_at_entry'] as const;

export const stageSchema = z
  .object({
    id: idSchema,
    /** The authority's own name for the stage (AMB-12): no global numbering. */
    label: text,
    /** Part of the formal process (AMB-12 `is_formal`); the first formal stage starts `stage1_raised` clocks. */
    formal: z.boolean(),
    to: z.array(roleKeySchema).min(1, 'a stage must go To at least one role'),
    cc: z.array(roleKeySchema).default([]),
    /** Oxfordshire "alert X" rather than "CC X": shown as "Alert" on cards and emails. */
    ccLabel: z.enum(['CC', 'Alert']).default('CC'),
    /** AMB-23 "[if not already aware]": people already told about this case are not copied again. */
    ccOnlyIfNotAlreadyAware: z.boolean().default(false),
    /** AMB-03/AMB-04: null = the source gives none, so the raiser must set a "resolution sought by" date. */
    responseTime: timeSpanSchema.nullable(),
    /** AMB-05: the time is an upper bound ("Up to"), not a fixed period. */
    responseTimeIsMaximum: z.boolean().default(false),
    /** AMB-05: a custom "resolution sought by" date: never, any date, or no later than the stage's time. */
    customDueDate: z.enum(CUSTOM_DUE_DATE).default('not_allowed'),
    recording: text,
    /** Fields the officer records on entering the stage (Somerset dispute levels, §3.1 rows 7-10). */
    recordFields: z.array(text).default([]),
    mode: z.enum(STAGE_MODES),
    /** AMB-26: who sends the stage's communication; usually the raising officer. */
    sender: z.union([z.literal('raising_officer'), roleKeySchema]).default('raising_officer'),
    /** AMB-20: a Director briefing note (§3.2) must be completed on entering this stage. */
    directorBriefingRequired: z.boolean().default(false),
    /** Oxfordshire "[expectation stages 4 and 5 are rarely used]". */
    rarelyUsed: z.boolean().default(false),
    /** Where "escalate" goes from here when not the next stage in order (AMB-13). */
    escalatesTo: idSchema.optional(),
    ...sourceFields,
  })
  .strict();

export const alertTypeSchema = z
  .object({
    id: idSchema,
    label: text,
    kind: z.enum(ALERT_KINDS),
    /** The stage a case of this type starts at; null for a notification, which has no ladder. */
    entryStage: idSchema.nullable(),
    /** Other stages it may start at without counting as a bypass (AMB-15 override, S-B2, O-B1). */
    otherEntryStages: z.array(idSchema).default([]),
    /** To / CC where the source names them for the type (AMB-14, AMB-16); `recipientsAtEntry` says how they combine with the stage's. */
    to: z.array(roleKeySchema).optional(),
    cc: z.array(roleKeySchema).optional(),
    /**
     * `replace_at_default_entry` (default): `to` / `cc` replace the roles of the type's default entry stage.
     * `add_at_entry`: they are added to the roles of whichever stage the case is raised at (Dudley
     * "The DRP will be sent to the Supervising Social, Fostering Support Team Manager, Fostering
     * Service Manager." whatever stage the DRP starts at). Escalations use the stage's own roles.
     */
    recipientsAtEntry: z.enum(TYPE_RECIPIENTS).default('replace_at_default_entry'),
    /**
     * AMB-31: every email about a case of this type is headed with the ladder's `emailSubjectPrefix`
     * (Oxfordshire "All emails should be headed Resolution and Escalation Alert."). Read it with
     * `emailHeading(policy, alertTypeId)`.
     */
    emailsHeaded: z.boolean().default(false),
    /** Verbatim trigger list from the source, offered as categories for this type (§2.1.2). */
    triggers: z.array(text).default([]),
    ...sourceFields,
  })
  .strict();

export const severityFlagSchema = z
  .object({
    id: idSchema,
    label: text,
    /** AMB-28: the entry stage the raise form suggests when this flag is ticked; the officer can override. */
    suggestsEntryStage: idSchema,
    ...sourceFields,
  })
  .strict();

export const bypassSchema = z
  .object({
    allowed: z.boolean(),
    /** D-B1: a prior discussion with the officer's line manager is required... */
    requiresLineManagerDiscussion: z.boolean(),
    /** ...except in emergencies. */
    exceptInEmergency: z.boolean(),
    /** O-B1: a role the officer is advised (not required) to consult first. */
    advisoryConsult: roleKeySchema.nullable().default(null),
    ...sourceFields,
  })
  .strict();

/** A span that runs from one of the case's clock-start events (AMB-02). */
const startedSpanSchema = z
  .object({ ...timeSpanFields, startsAt: z.enum(LIMIT_STARTS), ...sourceFields })
  .strict()
  .superRefine(exactlyOne(['workingDays', 'calendarDays']))
  .transform(({ startsAt, rules, quotes, ...span }) => ({ ...toTimeSpan(span), startsAt, rules, quotes }));

export const overallLimitSchema = startedSpanSchema;

export const outsideReferralSchema = z
  .object({
    to: z.literal('cafcass'),
    /** §2.5 [DESIGN]: never auto-refer; prompt the officer to consider it. */
    mode: z.literal('prompt'),
    /** AMB-33: when the "consider a referral" prompt appears. */
    promptAfter: z
      .object({ ...timeSpanFields, atOverallLimit: z.literal(true).optional() })
      .strict()
      .superRefine(exactlyOne(['workingDays', 'calendarDays', 'atOverallLimit']))
      .transform((v): TimeSpan | { atOverallLimit: true } =>
        v.atOverallLimit ? { atOverallLimit: true } : toTimeSpan(v)),
    promptStartsAt: z.enum(LIMIT_STARTS),
    /**
     * ESC-C3, AMB-33: the referral is offered only once this span has run from `startsAt` (Cheshire
     * East "If there is still no agreement after 15 days, then the IRO may escalate the concern to
     * Cafcass": 15 working days from the informal alert). The prompt never comes before it. Earlier,
     * the officer may still refer under their statutory right to refer at any time, as an explicit
     * override recorded on the referral (`statutoryOverride` on `refer-to-cafcass`). null (the
     * default): the officer may refer whenever they consider it appropriate (Oxfordshire).
     */
    earliest: startedSpanSchema.nullable().default(null),
    ...sourceFields,
  })
  .strict();

export const suspensionWindowSchema = z
  .object({ from: localDateText, to: localDateText, reason: text })
  .strict();

export const gapSchema = z
  .object({
    id: z.string().regex(/^AMB-\d{2}$/, 'must be a DOMAIN.md §7 id such as "AMB-15"'),
    /** Where the setting lives in this policy, e.g. "alertTypes.drp.entryStage" (array items by id). */
    setting: text,
    /** The default this policy ships with and why (the source is silent or conflicting). */
    default: text,
  })
  .strict();

/**
 * DOMAIN §3.2: the Somerset "Case Briefing for Deputy Director/DCS" template, every field in order
 * with its verbatim label and guidance (the source ends at field 14; AMB-21). Each ladder's
 * briefing note has these fields, then any the ladder adds (`briefing.fields`). Which are
 * required to complete it is Resolve's setting [DESIGN]: the source marks none.
 */
export const BRIEFING_TEMPLATE_TITLE = 'Case Briefing for Deputy Director/DCS';
export const BRIEFING_FIELD_KINDS = ['date', 'text', 'long'] as const;
export type BriefingFieldKind = (typeof BRIEFING_FIELD_KINDS)[number];

export interface BriefingField {
  readonly id: string;
  readonly label: string;
  /** The template's own guidance, shown with the field. */
  readonly guidance?: string;
  /** A heading the field sits under (Family Composition: Parents, Siblings, Extended Family). */
  readonly group?: string;
  readonly kind: BriefingFieldKind;
  readonly required: boolean;
}

export const BRIEFING_TEMPLATE: readonly BriefingField[] = [
  { id: 'dateOfBriefing', label: 'Date of Briefing', kind: 'date', required: true },
  { id: 'author', label: 'Author, Designation & Team Service', kind: 'text', required: true },
  { id: 'childName', label: 'Child’s name', kind: 'text', required: true },
  { id: 'lcsNumber', label: 'LCS Number', kind: 'text', required: true },
  { id: 'childDateOfBirth', label: 'Child’s date of birth', kind: 'date', required: true },
  { id: 'legalStatus', label: 'Legal Status & Date of any orders', kind: 'text', required: true },
  { id: 'parents', label: 'Parents', group: 'Family Composition', kind: 'text', required: true },
  { id: 'siblings', label: 'Siblings', group: 'Family Composition', kind: 'text', required: false },
  { id: 'extendedFamily', label: 'Extended Family', group: 'Family Composition', kind: 'text', required: false },
  { id: 'familyAddress', label: 'Family Address', kind: 'text', required: true },
  { id: 'otherAgencies', label: 'Other Agencies Involved', kind: 'text', required: false },
  { id: 'dateOpenedToCsc', label: 'Date Opened to CSC', kind: 'date', required: true },
  {
    id: 'incident', label: 'Incident leading to Briefing', kind: 'long', required: true,
    guidance: '(Please outline the reasons for undertaking this briefing and events leading to this)',
  },
  { id: 'background', label: 'Background Information', kind: 'long', required: true, guidance: '(please outline background on family)' },
  {
    id: 'interventions', label: 'Interventions', kind: 'long', required: true,
    guidance: '(please outline previous contacts, assessments, interventions and outcomes of work undertaken)',
  },
  { id: 'currentPlan', label: 'Current Plan of Intervention proposed and Outcomes Sought', kind: 'long', required: true },
];

/** At most this many fields a ladder adds to the template (each card must stay within Teams' size limit). */
export const MAX_EXTRA_BRIEFING_FIELDS = 4;

export const briefingFieldSchema = z
  .object({
    id: idSchema,
    label: text,
    guidance: text.optional(),
    kind: z.enum(BRIEFING_FIELD_KINDS).default('long'),
    required: z.boolean().default(false),
    ...sourceFields,
  })
  .strict();

/**
 * AMB-20, AMB-21: the Director briefing note. Which stages need one is each stage's
 * `directorBriefingRequired` (Somerset Level 4; set it on Level 3 too), or every stage that goes to
 * the Director with `atDirectorStages`. A stage that needs one cannot be entered until it is complete.
 */
export const briefingSettingsSchema = z
  .object({
    /** Also require the note at every stage that goes To the Director of Children's Services. */
    atDirectorStages: z.boolean().default(false),
    /** Who the completed note goes to, in their 1:1 chat: role keys resolved for the case. */
    sendTo: z.array(roleKeySchema).min(1, 'the briefing note must go to at least one role').default(['director', 'deputy_director']),
    /** Fields this authority's template has after the §3.2 ones (AMB-21: the template is extensible). */
    fields: z.array(briefingFieldSchema).max(MAX_EXTRA_BRIEFING_FIELDS, `a ladder adds at most ${MAX_EXTRA_BRIEFING_FIELDS} fields to the briefing note`).default([]),
    ...sourceFields,
  })
  .strict()
  .superRefine((value, ctx) => {
    const taken = new Set(BRIEFING_TEMPLATE.map((f) => f.id));
    value.fields.forEach((field, i) => {
      if (taken.has(field.id)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['fields', i, 'id'], message: `"${field.id}" is already the id of a briefing field; ids must be unique` });
      }
      taken.add(field.id);
    });
  });

export const policySchema = z
  .object({
    id: idSchema,
    /** GOV-07: rule-set version and effective date, stamped on every case raised under it. */
    version: text,
    effectiveFrom: localDateText,
    authority: text,
    officerRole: z.enum(OFFICER_ROLES),
    subjectType: z.enum(SUBJECT_TYPES),
    /** AMB-47: the authority's words. */
    labels: z
      .object({
        officer: text,
        officerLong: text,
        subject: text,
        process: text,
      })
      .strict(),
    /** AMB-22, AMB-25: the authority's own titles for role keys. */
    roleLabels: z.record(roleKeySchema, text).default({}),
    alertTypes: z.array(alertTypeSchema).min(1, 'give at least one alert type'),
    stages: z.array(stageSchema).min(1, 'give at least one stage'),
    severityFlags: z.array(severityFlagSchema).default([]),
    categories: z.array(text).default([]),
    bypass: bypassSchema,
    /**
     * AMB-04: where a stage has no timescale the officer must set the date resolution is sought
     * by; Resolve offers this many working days from the day of escalating (Resolve's setting:
     * the sources give none).
     */
    defaultSoughtByWorkingDays: z.number().int().min(1).max(60).default(5),
    overallLimit: overallLimitSchema.nullable(),
    outsideReferral: outsideReferralSchema.nullable(),
    closure: z
      .object({
        requires: z.array(z.enum(CLOSURE_REQUIREMENTS)).default(['outcome']),
        /**
         * AMB-30: who confirms an agreed action complete. Empty (the default): the action's owner.
         * Otherwise only the people holding one of these roles for the case, as the directory found them
         * when the case entered its stages (`actionConfirmers` on raise, escalate and bypass; Dudley
         * "The Team Manager will confirm when actions are completed").
         */
        actionsConfirmedBy: z.array(roleKeySchema).default([]),
        record: text,
        ...sourceFields,
      })
      .strict(),
    /** AMB-32: date ranges in which no alerts are raised (disputes resolved by discussion). */
    suspensionWindows: z.array(suspensionWindowSchema).default([]),
    /** §8.4: a reminder this many working days before a response falls due. */
    reminders: z.object({ beforeDueWorkingDays: z.number().int().min(0) }).strict().default({ beforeDueWorkingDays: 1 }),
    /**
     * §8.4: how an unanswered stage is chased once its response is overdue (Resolve's settings: the
     * procedures set response times and leave the chasing to the council).
     */
    chasing: z
      .object({
        /** The overdue chaser again every this many working days until the stage is answered; 0 = once only. */
        repeatEveryWorkingDays: z.number().int().min(0).max(20).default(2),
        /** Copy the overdue chaser (and each repeat) to each addressee's own line manager, from the directory. */
        copyAddresseesManager: z.boolean().default(true),
        /** Warn the officer and `overallLimitWatchers` when this share of the overall limit has passed; 0 = no early warning. */
        overallLimitWarningPercent: z.number().int().min(0).max(99).default(75),
        /** Who is warned with the officer at that point and at breach: role keys resolved for the case. */
        overallLimitWatchers: z.array(roleKeySchema).default(['service_manager']),
        /**
         * When the response is overdue: prompt the officer with one-click escalation (the default,
         * "It is for the IRO to determine"), or escalate to the next stage automatically, the ladder's
         * default "resolution sought by" date applying where that stage has no timescale.
         */
        whenOverdue: z.enum(['prompt-officer', 'escalate-automatically']).default('prompt-officer'),
      })
      .strict()
      .default({}),
    /**
     * AMB-31: the heading for the emails of the alert types marked `emailsHeaded` (Oxfordshire "All
     * emails should be headed Resolution and Escalation Alert"); use `emailHeading(policy, alertTypeId)`.
     */
    emailSubjectPrefix: text.nullable().default(null),
    /**
     * AMB-29, D-P6: an alert or dispute raised as solely about a child's care plan
     * (`solelyAboutChildCarePlan` on raise) is refused with the direction to refer it to the child's
     * IRO (Dudley "Where the issues of concern relate solely to a child care plan the FIRO will refer
     * the matter directly to the child's IRO").
     */
    carePlanOnlyIssuesToChildIro: z.boolean().default(false),
    /** AMB-20, AMB-21: the Director briefing note (DOMAIN §3.2, §8.6). */
    briefing: briefingSettingsSchema.default({}),
    /** Every §7 gap this ladder fills with a default, and where that default lives. */
    gaps: z.array(gapSchema).default([]),
  })
  .strict();

export type Policy = z.output<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;
export type Stage = Policy['stages'][number];
export type AlertType = Policy['alertTypes'][number];
export type SeverityFlag = Policy['severityFlags'][number];
export type BypassRule = Policy['bypass'];
export type OverallLimit = NonNullable<Policy['overallLimit']>;
export type ChasingSettings = Policy['chasing'];
export type OutsideReferral = NonNullable<Policy['outsideReferral']>;
export type ClosureRequirement = (typeof CLOSURE_REQUIREMENTS)[number];
export type TypeRecipients = (typeof TYPE_RECIPIENTS)[number];
export type EarliestReferral = NonNullable<OutsideReferral['earliest']>;
export type OfficerRole = (typeof OFFICER_ROLES)[number];
export type SubjectType = (typeof SUBJECT_TYPES)[number];
export type AlertKind = (typeof ALERT_KINDS)[number];
export type BriefingSettings = Policy['briefing'];
