/**
 * The review register on the store: the domain's decider wired into the store's one-transaction
 * command cycle, one stream per review series. A command loads the series' events, folds them,
 * decides, and appends the new events with the series' `review_due` row in the same transaction.
 */
import type { WorkingCalendar } from '../../domain/calendar/index.js';
import {
  decideReviewSeries,
  evolveReviewSeries,
  foldReviewSeries,
  reviewSeriesDue,
  type ReviewDueRules,
  type ReviewKind,
  type ReviewSeriesCommand,
  type ReviewSeriesEvent,
  type ReviewSeriesState,
} from '../../domain/reviews/index.js';
import type { Clock } from '../../store/clock.js';
import { handleCommand, type CommandOutcome, type StreamModel } from '../../store/command.js';
import type { Db, Queryable } from '../../store/db.js';
import { readStream, type EventRecord } from '../../store/events.js';
import { upsertReviewDue, type ReviewDueRow } from './due.js';

export interface ReviewStoreContext {
  readonly calendar: WorkingCalendar;
  /** The authority's choices for the due-date calculators (`reviewDueRulesFor`). */
  readonly rules?: ReviewDueRules;
}

export interface ReviewStoreOptions extends ReviewStoreContext {
  readonly db: Db;
  readonly clock: Clock;
  readonly maxAttempts?: number;
}

/** The stream a series lives in: its kind and reference, which never change. */
export function reviewSeriesStreamId(kind: ReviewKind, reference: string): string {
  return `review-series:${kind}:${reference.trim()}`;
}

/** The series' row in `review_due`, as the state stands. */
export function reviewDueRowOf(streamId: string, state: ReviewSeriesState, ctx: ReviewStoreContext): ReviewDueRow {
  const due = reviewSeriesDue(state, ctx);
  return {
    kind: state.kind,
    reference: state.reference,
    streamId,
    review: due?.review ?? null,
    due: due?.due ?? null,
    latestMeetingDate: due?.latestMeetingDate ?? null,
    rule: due?.rule ?? null,
    officer: state.officer,
    worker: state.worker,
    bookedStart: state.booking?.start ?? null,
    bookedEnd: state.booking?.end ?? null,
    version: state.version,
    updatedAt: state.updatedAt,
  };
}

export function reviewSeriesModel(ctx: ReviewStoreContext): StreamModel<ReviewSeriesState, ReviewSeriesCommand, ReviewSeriesEvent> {
  return {
    evolve: evolveReviewSeries,
    decide: (state, command, now) => decideReviewSeries(state, command, { now, calendar: ctx.calendar, ...(ctx.rules !== undefined && { rules: ctx.rules }) }),
    async project(tx, change) {
      await upsertReviewDue(tx, reviewDueRowOf(change.streamId, change.after, ctx));
    },
  };
}

/** Runs a command on a review series in its own transaction. */
export function handleReviewCommand(options: ReviewStoreOptions, command: ReviewSeriesCommand): Promise<CommandOutcome<ReviewSeriesState, ReviewSeriesEvent>> {
  return handleCommand(options.db, reviewSeriesModel(options), reviewSeriesStreamId(command.kind, command.reference), command, {
    clock: options.clock,
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
  });
}

export async function loadReviewSeries(
  q: Queryable, kind: ReviewKind, reference: string,
): Promise<{ state: ReviewSeriesState | undefined; version: number; records: EventRecord<ReviewSeriesEvent>[] }> {
  const { version, records } = await readStream<ReviewSeriesEvent>(q, reviewSeriesStreamId(kind, reference));
  return { state: foldReviewSeries(records.map((r) => r.event)), version, records };
}
