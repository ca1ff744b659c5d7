import type { AlertKind } from '../policies/schema.js';

/**
 * The facts of an escalation case, append-only. Every event is JSON-serialisable and holds ids,
 * dates and the officer's own words only: no names, no child's details beyond initials.
 * Instants are ISO strings (UTC); civil dates are `YYYY-MM-DD` in the authority's zone.
 */

/** The actor of events produced by the deadline dispatcher rather than a person. */
export const SYSTEM_ACTOR = 'system';

interface EventBase<T extends string> {
  readonly type: T;
  readonly caseId: string;
  /** ISO instant the event happened (the decision's `now`). */
  readonly at: string;
  /** Entra object id of the person who acted, or SYSTEM_ACTOR. */
  readonly actor: string;
}

/** Where a case stands after it enters a stage: who it went to and when a response is due. */
export interface StageEntry {
  readonly stageId: string;
  readonly stageLabel: string;
  readonly formal: boolean;
  /** Person ids resolved by the directory for the stage's To roles. */
  readonly to: readonly string[];
  readonly cc: readonly string[];
  /** "CC" or, for Oxfordshire, "Alert". */
  readonly ccLabel: string;
  /** End of the working day the response is due, or null where there is none (a notification). */
  readonly responseDueAt: string | null;
  /** The officer's "resolution sought by" date, where set (AMB-04, AMB-05). */
  readonly resolutionSoughtBy: string | null;
  /** AMB-20: a Director briefing note must be complete before the case enters this stage (`briefingRequiredAt`). */
  readonly directorBriefingRequired: boolean;
  /** AMB-26: the role that sends the stage's communication, when not the raising officer. */
  readonly senderRole: string;
  /**
   * AMB-30: the people the directory found holding the ladder's `closure.actionsConfirmedBy` roles
   * for the case when it entered this stage; only they confirm agreed actions complete. Empty where
   * each action's owner confirms it (and in streams written before this was recorded).
   */
  readonly actionConfirmers: readonly string[];
  /**
   * §8.4: each To addressee's own line manager, by addressee, as the directory found them when the
   * case entered the stage; the overdue chaser is copied to them. Absent in older streams.
   */
  readonly managers?: Readonly<Record<string, string>>;
  /** §8.4: who is warned with the officer as the overall limit nears and passes (the service manager). Absent in older streams. */
  readonly limitWatchers?: readonly string[];
}

/** A stage skipped: recorded with the officer's reason and the ladder's precondition (D-B1, AMB-17). */
export interface BypassRecord {
  /** The stage the case would otherwise have entered. */
  readonly skippedFromStageId: string;
  readonly reason: string;
  readonly lineManagerDiscussed: boolean;
  readonly emergency: boolean;
}

/** What the officer raised, fixed for the life of the case. */
export interface CaseFacts {
  readonly reference: string;
  readonly subjectInitials: string;
  readonly policyId: string;
  /** GOV-07: the rule-set version in force when the case was raised. */
  readonly policyVersion: string;
  readonly authority: string;
  readonly alertTypeId: string;
  readonly alertTypeLabel: string;
  readonly kind: AlertKind;
  /**
   * Entra object id of the allocated social worker (child) or supervising social worker (foster
   * carer): the person every stage's roles are resolved from. Always set for alerts and disputes;
   * null for a notification raised without one.
   */
  readonly allocatedWorkerId: string | null;
  readonly category: string | null;
  readonly issue: string;
  readonly impactOnChild: string;
  readonly resolutionSought: string;
  readonly severityFlags: readonly string[];
}

export type CaseRaised = EventBase<'CaseRaised'> & CaseFacts & {
  readonly stage: StageEntry;
  readonly bypass: BypassRecord | null;
  /** AMB-01/AMB-02: when the overall limit runs out, once its start event has happened. */
  readonly overallLimitAt: string | null;
  /** AMB-33: when the officer is prompted to consider Cafcass, once known. */
  readonly cafcassPromptAt: string | null;
};

export type StageEscalated = EventBase<'StageEscalated'> & {
  readonly fromStageId: string;
  readonly fromStageLabel: string;
  readonly stage: StageEntry;
  readonly reason: string;
  readonly bypass: BypassRecord | null;
  /** AMB-23: people the stage copies "if not already aware" who were already told. */
  readonly ccNotRealerted: readonly string[];
  readonly overallLimitAt: string | null;
  readonly cafcassPromptAt: string | null;
  /**
   * §8.4: escalated by Resolve because the response was overdue, under the ladder's
   * `chasing.whenOverdue: escalate-automatically` (the actor is SYSTEM_ACTOR). Absent otherwise.
   */
  readonly automatic?: true;
};

export type ResponseKind = 'accept' | 'propose-alternative' | 'decline';

export type ResponseRecorded = EventBase<'ResponseRecorded'> & {
  readonly stageId: string;
  readonly response: ResponseKind;
  /** The alternative proposed, the reason for declining, or a note with an acceptance. */
  readonly text: string | null;
};

/**
 * §8.3: the officer's answer to an alternative the addressee proposed: accepted, it is the
 * agreed course; rejected (with the reason), the stage is open for a response again.
 */
export type ProposalAnswered = EventBase<'ProposalAnswered'> & {
  readonly stageId: string;
  readonly accepted: boolean;
  /** The proposal answered, as it was. */
  readonly proposal: string;
  readonly reason: string | null;
};

export type ActionAgreed = EventBase<'ActionAgreed'> & {
  readonly stageId: string;
  readonly actionId: string;
  readonly owner: string;
  readonly dueDate: string;
  /** End of the last working day on or before `dueDate`. */
  readonly dueAt: string;
  readonly text: string;
};

export type ActionCompleted = EventBase<'ActionCompleted'> & {
  readonly actionId: string;
  readonly note: string | null;
};

export type ResolutionDateSet = EventBase<'ResolutionDateSet'> & {
  readonly stageId: string;
  readonly resolutionSoughtBy: string;
  readonly responseDueAt: string;
  readonly reason: string | null;
};

export type ChaseRecorded = EventBase<'ChaseRecorded'> & {
  readonly stageId: string;
  readonly note: string | null;
};

export type CaseResolved = EventBase<'CaseResolved'> & {
  readonly stageId: string;
  readonly outcome: string | null;
  readonly keyLearningPoints: string | null;
};

export type CafcassReferred = EventBase<'CafcassReferred'> & {
  readonly stageId: string;
  readonly reason: string;
  /**
   * ESC-C3, AMB-33: referred before the ladder offers a referral, under the IRO's statutory right
   * to refer at any time. False when the referral was already offered (and in older streams).
   */
  readonly statutoryOverride: boolean;
};

export type CaseWithdrawn = EventBase<'CaseWithdrawn'> & {
  readonly stageId: string;
  readonly reason: string;
};

/**
 * AMB-20, §3.2: the officer's answers to the Director briefing note for a stage, kept part-way
 * (Save for later). The answers hold the child's details: they stay in the case's record and are
 * shown only on the form, the note's own card and its document, to people with a part in the case.
 */
export type BriefingDraftSaved = EventBase<'BriefingDraftSaved'> & {
  /** The stage the note is for (the one it lets the case enter). */
  readonly forStageId: string;
  readonly forStageLabel: string;
  /** The stage the case was at when it was saved. */
  readonly stageId: string;
  readonly answers: Readonly<Record<string, string>>;
};

/**
 * AMB-20, §3.2: the Director briefing note for a stage, complete: every required field answered.
 * It goes to `sendTo` (the Director and the Deputy Director, as the directory found them) when the
 * case enters that stage, or at once when the case is already there.
 */
export type BriefingCompleted = EventBase<'BriefingCompleted'> & {
  readonly forStageId: string;
  readonly forStageLabel: string;
  readonly stageId: string;
  readonly answers: Readonly<Record<string, string>>;
  /** The note's fields, in order, as the ladder had them: the record reads the same whatever the ladder later becomes. */
  readonly fields: readonly { readonly id: string; readonly label: string; readonly group?: string }[];
  readonly sendTo: readonly string[];
};

/** Where a person's copy of the case card landed, so later changes replace it in place. */
export interface CardLocation {
  readonly conversationId: string;
  readonly messageId: string;
  readonly serviceUrl: string;
}

/** Whether two locations are the same Teams message (the service URL may differ by region; the message does not). */
export function sameCardMessage(a: CardLocation | undefined, b: CardLocation): boolean {
  return a !== undefined && a.conversationId === b.conversationId && a.messageId === b.messageId;
}

/**
 * A delivery fact fed back by the outbox: the person's case card was posted here. Recorded by the
 * system, it changes nothing a person sees (the revision stays), and only the first card counts.
 */
export type CardPosted = EventBase<'CardPosted'> & { readonly recipient: string; readonly location: CardLocation };

/** Deadline events: fed back by the dispatcher through the `deadline-reached` command. */
export type ReminderDue = EventBase<'ReminderDue'> & { readonly key: string; readonly stageId: string; readonly dueAt: string; readonly responseDueAt: string };
/**
 * §8.4: the response is overdue: the addressees are chased in Teams and by email, and `copiedTo`
 * (their own line managers, where the ladder copies them) are told. Absent `copiedTo` in older streams.
 */
export type ResponseOverdue = EventBase<'ResponseOverdue'> & {
  readonly key: string; readonly stageId: string; readonly dueAt: string; readonly copiedTo?: readonly string[];
};
/**
 * §8.4: the overdue chaser again, the `repeat`th time (1, 2, ...) after the first, while the stage
 * is unanswered; `slot` is its place on the rhythm (due day + N working days x slot), past `repeat`
 * when slots went by while the stage was answered (a proposal later rejected) or nothing could send.
 */
export type ChaserRepeated = EventBase<'ChaserRepeated'> & {
  readonly key: string; readonly stageId: string; readonly dueAt: string; readonly repeat: number; readonly slot?: number; readonly copiedTo: readonly string[];
};
/** §8.4: `percent` of the overall limit has passed; the officer and `warned` (the service manager) are told when it ends. */
export type OverallLimitWarning = EventBase<'OverallLimitWarning'> & {
  readonly key: string; readonly stageId: string; readonly dueAt: string; readonly percent: number; readonly limitAt: string; readonly warned: readonly string[];
};
/** AMB-01: the overall limit has run out; `warned` are told with the officer and the stage's addressees (absent in older streams). */
export type OverallLimitReached = EventBase<'OverallLimitReached'> & {
  readonly key: string; readonly stageId: string; readonly dueAt: string; readonly warned?: readonly string[];
};
export type CafcassPromptDue = EventBase<'CafcassPromptDue'> & { readonly key: string; readonly stageId: string; readonly dueAt: string };
export type ActionOverdue = EventBase<'ActionOverdue'> & { readonly key: string; readonly actionId: string; readonly owner: string; readonly dueAt: string };

export type DeadlineEvent = ReminderDue | ResponseOverdue | ChaserRepeated | OverallLimitWarning | OverallLimitReached | CafcassPromptDue | ActionOverdue;

export type CaseEvent =
  | CaseRaised
  | StageEscalated
  | ResponseRecorded
  | ProposalAnswered
  | ActionAgreed
  | ActionCompleted
  | ResolutionDateSet
  | ChaseRecorded
  | CaseResolved
  | CafcassReferred
  | CaseWithdrawn
  | CardPosted
  | BriefingDraftSaved
  | BriefingCompleted
  | DeadlineEvent;

export type CaseEventType = CaseEvent['type'];
