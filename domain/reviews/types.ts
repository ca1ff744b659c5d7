import type { LocalDate } from '../calendar/index.js';
import type { RoleKey } from '../policies/roles.js';

/** Whose review: a looked-after child (IRO) or a foster carer's household (FIRO / FRO). */
export type ReviewKind = 'looked-after' | 'foster-carer';

/** Which review in the cycle the next one is. */
export type ReviewOrdinal =
  | 'initial' // OX-R02
  | 'placement-change' // OX-R03
  | 'second' // OX-R04
  | 'subsequent' // OX-R05
  | 'first' // FC-R01 / FC-R03 / FC-R04
  | 'annual' // FC-R01 / FC-R02
  | 'significant-incident'; // FC-R06

export type OffsetUnit = 'working-days' | 'calendar-days' | 'weeks' | 'months' | 'years';

/** An offset exactly as the source states it (DOMAIN.md §0.2: never converted silently). */
export interface Offset {
  readonly amount: number;
  readonly unit: OffsetUnit;
}

/** The event a due date is counted from. */
export interface Anchor {
  readonly event:
    | 'became-looked-after'
    | 'placement-change'
    | 'initial-review'
    | 'previous-review'
    | 'approval'
    | 'first-placement'
    | 'concern-raised';
  readonly date: LocalDate;
}

/** Another obligation that was weighed, or that follows from the same facts, with its own date. */
export interface RelatedDeadline {
  readonly rule: string;
  readonly date: LocalDate;
  readonly label: string;
}

/** When the next review must happen and why. */
export interface NextReviewDue {
  readonly kind: ReviewKind;
  readonly review: ReviewOrdinal;
  /** The DOMAIN.md rule id that sets the due date, e.g. OX-R04. */
  readonly rule: string;
  readonly anchor: Anchor;
  readonly offset: Offset;
  /** The statutory due date: the review must be held on or before it. */
  readonly due: LocalDate;
  /** The last working day on or before `due`: the latest day a meeting can be booked. */
  readonly latestMeetingDate: LocalDate;
  /** One or two sentences a person can read, naming the rule, anchor and arithmetic. */
  readonly explanation: string;
  /** The other obligations that were weighed (later than `due`), or that follow from the same facts. */
  readonly related: readonly RelatedDeadline[];
}

/** Roles a review task can fall to: the shared role keys, plus the fostering panel's administrator. */
export type TimelineRole = RoleKey | 'panel_administrator';

/**
 * How a timeline entry is timed: a date, "as soon as possible" with no date (AMB-35),
 * or no timescale in the source (e.g. FC-R26).
 */
export type DeadlineTiming = 'dated' | 'as-soon-as-possible' | 'no-timescale';

/** One preparation or follow-up task around a booked review. */
export interface ReviewDeadline {
  readonly rule: string;
  readonly label: string;
  /** before: done at least the offset before the anchor; after: done within the offset after it; on: on the anchor day. */
  readonly direction: 'before' | 'after' | 'on';
  readonly timing: DeadlineTiming;
  /** The last day the task can be done on; null when `timing` is not `dated`. */
  readonly date: LocalDate | null;
  readonly offset: Offset | null;
  readonly anchor: { readonly event: TimelineAnchorEvent; readonly date: LocalDate | null };
  readonly responsible: TimelineRole;
  /** Set when a calendar-week date fell on a non-working day and was moved back to the working day before it. */
  readonly movedFrom?: LocalDate;
  readonly note?: string;
}

export type TimelineAnchorEvent =
  | 'review'
  | 'decisions-received'
  | 'full-record-completed'
  | 'panel'
  | 'appointment';

export interface ReviewTimeline {
  readonly kind: ReviewKind;
  readonly reviewDate: LocalDate;
  /** Every deadline, in date order; undated entries (as soon as possible, no timescale) keep their place by rule. */
  readonly deadlines: readonly ReviewDeadline[];
  /** Things a person should look at, e.g. AMB-09 when the report deadline falls after the carer's copy. */
  readonly warnings: readonly string[];
}
