/**
 * What the cards show, as plain data. The bot maps domain state to these; the cards never see
 * the domain, the store or the SDK. Nothing here names a child: a case is known by its opaque
 * reference (the case-system id), and the only people named are staff.
 */

/** A civil date `YYYY-MM-DD` (Europe/London). */
export type IsoDate = string;

/** A member of staff. `id` is the Entra object id; `name` is the display name. */
export interface PersonView {
  readonly id: string;
  readonly name: string;
}

/** The same vocabulary as the policies' alert kinds: a good-practice notification, an alert, a dispute. */
export const ALERT_KINDS = ['notification', 'alert', 'dispute'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Stamped into every case action's data, so a click on an old card can be recognised. */
export interface CaseKey {
  readonly caseId: string;
  readonly stageId: string;
  /** The case version (event count) the card was rendered for. */
  readonly version: number;
}

export interface CaseHeaderView extends CaseKey {
  /** The opaque case reference (case-system id, e.g. LCS-204518). Never a name. */
  readonly reference: string;
  readonly authorityLabel: string;
  readonly alertKind: AlertKind;
  /** The alert type's label as the policy words it (e.g. "Quality of Practice Alert"). */
  readonly alertTypeLabel: string;
  readonly stageLabel: string;
}

export const CASE_STATUSES = [
  'awaiting_response', 'responded', 'alternative_proposed', 'declined', 'overdue', 'resolved', 'withdrawn', 'referred_to_cafcass',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export interface CaseFactsView {
  /** "Impact on the child" for a child's case; the ladder's own words for a foster carer's. */
  readonly impactLabel?: string;
  readonly category?: string;
  /** The policy's labels for the flags ticked (AMB-28), e.g. "Serious safeguarding issue". */
  readonly severityFlagLabels?: readonly string[];
  readonly issue: string;
  readonly impact: string;
  readonly resolutionSought: string;
  readonly resolutionSoughtBy?: IsoDate;
}

export interface AgreedActionView {
  readonly actionId: string;
  readonly description: string;
  readonly owner: PersonView;
  readonly due: IsoDate;
  readonly doneAt?: Date;
  /** The viewer may mark it done (the owner, or the ladder's confirming role). Unset: the owner only. */
  readonly canMarkDone?: boolean;
}

export type ResponseKind = 'accepted' | 'proposed' | 'declined';

export interface ResponseView {
  readonly kind: ResponseKind;
  readonly by: PersonView;
  readonly at: Date;
  /** The alternative proposed, or the reason for declining. */
  readonly text?: string;
  /** A proposed alternative the officer accepted: the agreed course. */
  readonly agreed?: { readonly by: PersonView; readonly at: Date };
}

/** Everything a card about one case shows, whoever looks at it. */
/** What a card says at a glance about this person's part: what is asked, by whom, by when, what happens next, and why it came to them. */
export interface CaseContextView {
  /** The raising officer: "Priya Okonjo, IRO". */
  readonly raisedBy: string;
  /** What is asked of this person now, and by when. */
  readonly asked: string;
  /** What happens if nobody answers in time. */
  readonly ifNoAnswer?: string;
  /** Why an escalated or bypassed case came to this stage. */
  readonly whyHere?: { readonly how: 'escalated' | 'bypassed'; readonly fromStageLabel: string; readonly reason: string };
  /** Each earlier stage's response and its words. */
  readonly earlierResponses: readonly { readonly stageLabel: string; readonly kind: ResponseKind | 'rejected_proposal'; readonly by: string; readonly text?: string }[];
  /** A resolved case's outcome and learning points, for everyone on it. */
  readonly closing?: { readonly outcome?: string; readonly learningPoints?: string };
}

export interface CaseView {
  readonly header: CaseHeaderView;
  readonly facts: CaseFactsView;
  readonly context?: CaseContextView;
  readonly status: CaseStatus;
  /** The current stage's response deadline, if the stage has one. */
  readonly responseDue?: Date;
  readonly response?: ResponseView;
  readonly agreedActions: readonly AgreedActionView[];
  /** Deep link to the case-system form (https only; anything else is not shown). */
  readonly caseRecordUrl?: string;
}

/** Who holds this copy of the card: each sees the view for their role when it refreshes. */
export interface AudienceView {
  /**
   * Teams user MRIs (`29:...`) for `refresh.userIds`; empty refreshes for everyone in the chat
   * (a 1:1 copy). Over 60, the card says it will not update by itself.
   */
  readonly viewerIds: readonly string[];
}

/** The buttons a person's card offers on a case (app/cases/views.ts); the domain checks every click again. */
export type CaseActionName =
  | 'respondAccept' | 'respondPropose' | 'respondDecline' | 'agreeAction' | 'completeAction' | 'answerProposal' | 'referCafcassEarly'
  | 'escalate' | 'bypass' | 'resolve' | 'referCafcass' | 'withdraw';

/** The card for the stage's To recipients. */
export interface ActionCardView extends CaseView, AudienceView {
  /** Whose copy this is: the "Mark done" buttons appear for this person's own open actions. */
  readonly viewerId: string;
  readonly allowed: readonly CaseActionName[];
  /** Who can own an agreed action (the choice list). */
  readonly actionOwners: readonly PersonView[];
}

/** The card for CC recipients: the same facts, no buttons. */
export type ReadOnlyCardView = CaseView & AudienceView;

export interface StageRouteView {
  readonly stageId: string;
  readonly label: string;
  readonly to: readonly PersonView[];
  readonly cc: readonly PersonView[];
  /** The stage has no timescale: escalating asks for the date resolution is sought by, this one offered. */
  readonly soughtByRequired?: { readonly suggested: IsoDate };
}

export interface BypassTargetView {
  readonly stageId: string;
  readonly label: string;
  /** Dudley: a bypass needs a discussion with the officer's line manager, unless an emergency. */
  readonly needsLineManagerDiscussion: boolean;
}

export const CASE_EVENT_KINDS = [
  'raised', 'accepted', 'proposed', 'declined', 'action_agreed', 'action_completed', 'escalated',
  'bypassed', 'chased', 'deemed_agreed', 'resolved', 'referred_to_cafcass', 'withdrawn', 'proposal_accepted', 'proposal_rejected',
] as const;
export type CaseEventKind = (typeof CASE_EVENT_KINDS)[number];

export interface CaseEventView {
  readonly kind: CaseEventKind;
  readonly by: PersonView;
  readonly at: Date;
  /** For raised, escalated and bypassed: the stage the case went to. */
  readonly stageLabel?: string;
}

/** The officer's card: where the case is, with whom, what happened, and the officer's moves. */
export interface StatusCardView extends CaseView, AudienceView {
  readonly withTo: readonly PersonView[];
  readonly cc: readonly PersonView[];
  readonly history: readonly CaseEventView[];
  readonly nextStage?: StageRouteView;
  readonly bypassTargets: readonly BypassTargetView[];
  readonly allowed: readonly CaseActionName[];
}

/** `case <reference>`: the facts, the people, the history; no buttons but "show my view". */
export interface CaseDetailView extends CaseView {
  readonly withTo: readonly PersonView[];
  readonly cc: readonly PersonView[];
  readonly history: readonly CaseEventView[];
}

/** The reply to a click: what was recorded, or why nothing was. */
export type OutcomeResult =
  | { readonly kind: 'done'; readonly event: CaseEventView }
  | { readonly kind: 'already'; readonly event: CaseEventView }
  | { readonly kind: 'refused'; readonly reason: string };

export interface OutcomeView {
  readonly header: CaseHeaderView;
  readonly status: CaseStatus;
  readonly responseDue?: Date;
  readonly result: OutcomeResult;
}

export interface HelpView {
  /** Officers see the Raise button. */
  readonly canRaise: boolean;
}

/** Who the welcome is for: what Resolve does for them depends on the part they play. */
export type WelcomeAudience = 'officer' | 'manager' | 'worker' | 'leader' | 'administrator' | 'colleague' | 'shared-chat';

export interface WelcomeView {
  readonly audience: WelcomeAudience;
  /** The organisation's name, from the directory. */
  readonly organisation?: string;
}

export interface MyCaseItemView extends CaseKey {
  readonly reference: string;
  readonly alertTypeLabel: string;
  readonly stageLabel: string;
  readonly due?: Date;
  readonly overdue: boolean;
}

export interface MyCasesView {
  readonly items: readonly MyCaseItemView[];
  /** Default "My cases"; "What is late" for the overdue list. */
  readonly title?: string;
  /** Said when there are no rows. Default "You have no open cases." */
  readonly emptyText?: string;
}

export interface ChaserCardView {
  readonly header: CaseHeaderView;
  readonly kind: 'reminder' | 'overdue';
  readonly audience: 'recipient' | 'officer';
  readonly responseDue: Date;
  readonly withTo: readonly PersonView[];
  /** For the officer's one-click escalation: where it would go. */
  readonly nextStage?: StageRouteView;
}

/** §8.4: a notice to someone who may hold no part in the case: no substance, only what is late and what happens next. */
export type NoticeCardView = {
  readonly header: CaseHeaderView;
  /** The raising officer, by name and role ("Aisha Rahman, IRO"). */
  readonly raisedBy: string;
  /** The stage's addressees: whose response is awaited. */
  readonly withTo: readonly PersonView[];
  /** Where the case would go next, when there is a further stage. */
  readonly nextStageLabel?: string;
  /** The recipient has a part in the case, so the card may offer to open it. */
  readonly canOpen: boolean;
} & (
  | { readonly kind: 'overdue-copy'; readonly responseDue: Date; readonly repeat: number }
  | { readonly kind: 'limit-warning'; readonly limitAt: Date; readonly percent: number }
  | { readonly kind: 'limit-reached'; readonly limitAt: Date }
);

export interface BriefingCardView {
  readonly header: CaseHeaderView;
  /** The access-controlled briefing document (https only; anything else is not shown). */
  readonly briefingUrl?: string;
}

/** The raise form's fields, as the officer typed them (prefill, or values sent back on error). */
export interface RaiseFormValues {
  readonly caseReference: string;
  readonly subjectInitials: string;
  /** Entra object id of the allocated social worker (child) or supervising social worker (carer). */
  readonly allocatedWorkerId: string;
  readonly policyId: string;
  readonly alertTypeId: string;
  readonly entryStageId: string;
  readonly category: string;
  readonly issue: string;
  readonly impact: string;
  readonly resolutionSought: string;
  readonly resolutionSoughtBy: IsoDate;
  readonly severityFlags: readonly string[];
  readonly bypassReason: string;
  readonly discussedWithLineManager: boolean;
  readonly emergency: boolean;
  /** Dudley D-P6: the concern is solely about a child's care plan (then it goes to the child's IRO instead). */
  readonly solelyAboutChildCarePlan: boolean;
}
export type RaiseField = keyof RaiseFormValues;

export interface RaisePolicyOption {
  readonly policyId: string;
  readonly label: string;
  /** The policy's alert types by id, labelled as the policy words them. */
  readonly alertTypes: readonly { readonly alertTypeId: string; readonly label: string }[];
  /** In ladder order; the first is the normal entry point, any later one is a bypass. */
  readonly stages: readonly { readonly stageId: string; readonly label: string }[];
  /** The policy's category list; empty means free text. */
  readonly categories: readonly string[];
  /** The policy's severity flags (AMB-28); empty hides the field. */
  readonly severityFlags: readonly { readonly flagId: string; readonly label: string }[];
  readonly bypassNeedsLineManagerDiscussion: boolean;
  /** What the ladder is about: a looked-after child, or a foster carer (the form's words follow). */
  readonly subjectType?: 'child' | 'foster_carer';
  /** Dudley D-P6: the form asks whether the concern is solely about a child's care plan. */
  readonly asksCarePlanOnly?: boolean;
}

export interface RaiseFormView {
  /** Opaque id of this form, so a double submit raises once. */
  readonly formId: string;
  readonly policies: readonly RaisePolicyOption[];
  /**
   * The social workers and supervising social workers the case's allocated worker is chosen from
   * (the directory's case-holding teams). Every stage's people are found from that choice.
   */
  readonly workers: readonly PersonView[];
  readonly values?: Partial<RaiseFormValues>;
  readonly errors?: Partial<Record<RaiseField, string>>;
  /** A fault not tied to one field (e.g. the domain refused the raise). */
  readonly formError?: string;
}
