/**
 * The review register's read model (`review_due`, migration 0009): one row per review series,
 * written in the transaction that appends the series' events, so "what is due" is one indexed
 * query for the command line, the bot's `due` card and, later, the reports.
 */
import { TZDate } from '@date-fns/tz';
import { addCalendarDays, type LocalDate } from '../../domain/calendar/index.js';
import { InvalidInputError } from '../../domain/errors.js';
import type { ReviewKind } from '../../domain/reviews/index.js';
import type { Queryable } from '../../store/db.js';
import type { Projection } from '../../store/stream-write.js';

export interface ReviewDueRow {
  readonly kind: ReviewKind;
  readonly reference: string;
  readonly streamId: string;
  /** Null once the series has ceased: nothing is due. */
  readonly review: string | null;
  readonly due: string | null;
  readonly latestMeetingDate: string | null;
  readonly rule: string | null;
  readonly officer: string | null;
  readonly worker: string | null;
  readonly bookedStart: string | null;
  readonly bookedEnd: string | null;
  /** Outlook did not make the last booking's meeting, and nothing has been booked since (migration 0018). */
  readonly bookingFailed: boolean;
  readonly version: number;
  readonly updatedAt: string;
}

/** A review falling due, soonest first: what the administrator books. */
export interface DueReview {
  readonly reference: string;
  readonly kind: ReviewKind;
  readonly review: string;
  /** The statutory due date: the review is held on or before it. */
  readonly due: string;
  /** The last working day on or before `due`. */
  readonly latestMeetingDate: string;
  readonly rule: string;
  /** Entra object ids; for filtering and routing, never to print. */
  readonly officer: string | null;
  readonly worker: string | null;
  readonly booked: { readonly start: string; readonly end: string } | null;
  /** Outlook did not make the last booking's meeting: the review needs booking again. */
  readonly bookingFailed: boolean;
}

export interface DueQuery {
  readonly now: Date;
  /** Only reviews due on or before today + this many days (overdue ones included). */
  readonly withinDays?: number;
  /** Only the series this person (Entra object id) is the officer or the worker of. */
  readonly person?: string;
  /** Whose "today": default Europe/London. */
  readonly timeZone?: string;
}

/** The row as the store writes it with the series' events (`project_review_due`, migration 0011). */
export function reviewDueProjection(row: ReviewDueRow): Projection {
  return { fn: 'project_review_due', row: { ...row } };
}

interface Row {
  kind: ReviewKind;
  reference: string;
  review: string;
  due: string;
  latest_meeting_date: string;
  rule: string;
  officer: string | null;
  worker: string | null;
  booked_start: Date | string | null;
  booked_end: Date | string | null;
  booking_failed: boolean;
}

const iso = (value: Date | string) => new Date(value).toISOString();

/** The civil date of `now` in `timeZone`. */
export function todayIn(now: Date, timeZone = 'Europe/London'): LocalDate {
  const local = new TZDate(now.getTime(), timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}` as LocalDate;
}

/** Reviews with a due date, soonest first (then by latest meeting date and reference). */
export async function dueReviews(q: Queryable, query: DueQuery): Promise<DueReview[]> {
  const where = ['due IS NOT NULL'];
  const params: unknown[] = [];
  if (query.withinDays !== undefined) {
    if (!Number.isInteger(query.withinDays) || query.withinDays < 0) {
      throw new InvalidInputError(`within days must be a whole number of days, 0 or more, not ${query.withinDays}`, 'withinDays');
    }
    params.push(addCalendarDays(todayIn(query.now, query.timeZone), query.withinDays));
    where.push(`due <= $${params.length}::date`);
  }
  if (query.person !== undefined) {
    params.push(query.person);
    where.push(`(officer = $${params.length} OR worker = $${params.length})`);
  }
  const rows = await q.query<Row>(
    `SELECT kind, reference, review, to_char(due, 'YYYY-MM-DD') AS due, to_char(latest_meeting_date, 'YYYY-MM-DD') AS latest_meeting_date,
            rule, officer, worker, booked_start, booked_end, booking_failed
       FROM review_due WHERE ${where.join(' AND ')}
      ORDER BY due, latest_meeting_date, reference, kind`,
    params,
  );
  return rows.map((r) => ({
    reference: r.reference,
    kind: r.kind,
    review: r.review,
    due: r.due,
    latestMeetingDate: r.latest_meeting_date,
    rule: r.rule,
    officer: r.officer,
    worker: r.worker,
    booked: r.booked_start === null || r.booked_end === null ? null : { start: iso(r.booked_start), end: iso(r.booked_end) },
    bookingFailed: r.booking_failed === true,
  }));
}
