export * from './types.js';
export * from './outcome.js';
export { describeNonWorkingDay, unitWords } from './due.js';
export { nextLookedAfterReview, type LookedAfterReviewInput, type LookedAfterReviewOptions } from './looked-after-due.js';
export {
  nextFosterCarerReview, FIRST_REVIEW_RULES, INCIDENT_REVIEW_MODES,
  type FirstReviewRule, type IncidentReviewMode, type FosterCarerReviewInput, type FosterCarerReviewOptions,
} from './foster-carer-due.js';
export {
  lookedAfterReviewTimeline, DISTRIBUTION_ANCHORS,
  type DistributionAnchor, type LookedAfterTimelineInput, type LookedAfterTimelineOptions,
} from './looked-after-timeline.js';
export { fosterCarerReviewTimeline, type FosterCarerTimelineInput, type FosterCarerTimelineOptions } from './foster-carer-timeline.js';
export { adjournReview, latestResumeDate, ADJOURNMENT_MAX_WORKING_DAYS, type AdjournRequest, type Adjournment } from './adjournment.js';
export {
  rearrangeReview, postponementWindow, REARRANGEMENT_REASONS, REARRANGEMENT_REASON_LABELS,
  CANCELLATION_REASONS, CANCELLATION_REASON_LABELS, CANCELLATION_NOTICES, type CancellationReason, POSTPONEMENT_WINDOWS,
  type RearrangementReason, type PostponementWindow, type Postponement, type RearrangeRequest,
  type RearrangementPolicy, type RearrangeContext, type Rearrangement,
} from './rearrangement.js';
export { lookedAfterReviewHistory, fosterCarerReviewHistory, type HeldReviewTimeliness } from './history.js';
export { bookingWindow, type BookingWindow, type BookingWindowInput, type BookingWindowOptions } from './booking-window.js';
export {
  REVIEW_KINDS, SERIES_FACTS, FACTS_FOR_KIND, SERIES_ANCHOR, SERIES_REFERENCE,
  isEmailAddress, normaliseEmail, sameDayRank, assignedOn, episodesOf, currentEpisode,
  evolveReviewSeries, foldReviewSeries, decideReviewSeries, reviewSeriesDue, reviewDueRulesFor,
  registerEntrySchema, reviewSeriesCommandSchema,
  type SeriesFactName, type SeriesFactEvent, type ReviewSeriesEvent, type ReviewSeriesOpened,
  type BecameLookedAfter, type PlacementChanged, type ReviewHeld, type ReviewAdjourned, type ReviewPostponed,
  type CarerApproved, type FirstPlacementMade, type SignificantIncidentRaised, type SeriesCeased,
  type OfficerAssigned, type WorkerAssigned, type InviteesAdded, type InviteeRemoved,
  type ReviewBooked, type BookingConfirmed, type ReviewRearranged, type ReviewCancelled, type BookingFailed, type FailedBooking,
  type RecordedFact, type Assignment, type Booking, type RecordedRearrangement, type RecordedCancellation,
  type ReviewSeriesState, type Episode, type ReviewDueRules, type ReviewDueOptions,
  type RegisterEntry, type ReviewSeriesCommand, type ReviewSeriesContext,
  type RegisterRefusalCode, type RegisterRefusal, type RegisterDecision,
} from './register.js';
export {
  type ReviewTaskCompleted, type ReviewTaskReminderDue, type ReviewTaskOverdue, type DecisionsDeemedAgreed, type ReviewTaskEvent,
  type HeldBooking, type TaskCompletion, type CheckedSeriesCommand,
} from './register.js';
export {
  reviewTasks, taskDeadlinesOf, taskDeadlineKey, chasedRules, DEEMED_AGREED_ROLE,
  type ReviewTask, type ReviewTaskRules, type TaskPhase, type TaskDeadlineKind, type TaskDeadlineSpec,
} from './tasks.js';
