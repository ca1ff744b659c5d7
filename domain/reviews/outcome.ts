import type { LocalDate } from '../calendar/index.js';
import type { RoleKey } from '../policies/roles.js';
import type { ReviewKind } from './types.js';

/** Why a change to a booked review was refused; `rule` is the DOMAIN.md rule it would break. */
export type ReviewRefusalCode =
  | 'not-applicable'
  | 'already-adjourned'
  | 'adjournment-too-long'
  | 'not-after-meeting'
  | 'same-date'
  | 'beyond-due-date';

export interface ReviewRefusal {
  readonly ok: false;
  readonly code: ReviewRefusalCode;
  readonly rule: string;
  /** A sentence a person can act on: what is wrong and what would be allowed. */
  readonly message: string;
  readonly field?: string;
}

export type ReviewOutcome<T> = { readonly ok: true; readonly value: T } | ReviewRefusal;

/** Something a person or the bot must do because of the change. */
export interface ReviewPrompt {
  readonly rule: string;
  readonly action:
    | 'refer_to_sm_qa' // OX-S14
    | 'prompt_practice_alert' // AMB-46
    | 'record_exceptional_circumstances' // OX-S01 override
    | 'consider_effect_of_delay' // OX-S16
    | 'implementation_freeze'; // OX-S17
  readonly notify?: RoleKey;
  readonly message: string;
}

/** A booked review as the rearrangement rules see it. */
export interface ScheduledReview {
  readonly kind: ReviewKind;
  /** The statutory due date (from nextLookedAfterReview or nextFosterCarerReview). */
  readonly due: LocalDate;
  /** The meeting as currently booked. */
  readonly scheduled: LocalDate;
  /** Present once the meeting has been adjourned (OX-S15: once only). */
  readonly adjourned?: { readonly on: LocalDate; readonly resumeOn: LocalDate };
}

export function refuse(code: ReviewRefusalCode, rule: string, message: string, field?: string): ReviewRefusal {
  return { ok: false, code, rule, message, ...(field === undefined ? {} : { field }) };
}
