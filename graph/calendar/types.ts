/**
 * The calendar port both adapters implement (Graph, and `.ics` files locally), the input checks
 * they share, and the free/busy splitting that Graph's getSchedule limits call for.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../domain/errors.js';

/**
 * getSchedule answers for at most 20 people a call ("up to 20 entities at once", counting the
 * members of a distribution list) and over a period of less than 62 days (Microsoft Graph,
 * "Get free/busy schedule of Outlook calendar users and resources", limits and error conditions).
 */
export const MAX_SCHEDULES_PER_CALL = 20;
/** getSchedule refuses 62 days or more; windows are cut at 61. */
export const MAX_WINDOW_MS = 61 * 24 * 60 * 60 * 1000;

export type FreeBusyStatus = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';

export interface BusyInterval {
  readonly start: Date;
  readonly end: Date;
  readonly status: FreeBusyStatus;
}

export interface Availability {
  /** The address asked about, as given. */
  readonly schedule: string;
  /** Everything but `free`, soonest first; items overlapping the window are given whole. */
  readonly busy: readonly BusyInterval[];
  /** Set when this schedule could not be read (no mailbox, an unreadable calendar file); treat as unknown. */
  readonly error?: string;
}

export interface ScheduleQuery {
  readonly schedules: readonly string[];
  readonly from: Date;
  readonly to: Date;
  /** Graph's availabilityViewInterval: 5 to 1440 minutes, 30 when left out. */
  readonly intervalMinutes?: number;
}

export interface Attendee {
  readonly email: string;
  /** Graph attendee type; in .ics ROLE=REQ-PARTICIPANT or OPT-PARTICIPANT. Required when left out. */
  readonly type?: 'required' | 'optional';
}

export interface EventRequest {
  /** The mailbox whose calendar holds the event (the reviewing officer or a shared reviews mailbox). */
  readonly organiser: string;
  /** Opaque case reference and the kind of meeting only (graph/privacy.ts refuses dates, addresses, postcodes). */
  readonly subject: string;
  /** Logistics only: the reference, where and how to join. Invitees may be parents, carers and other agencies. */
  readonly html: string;
  readonly text?: string;
  readonly start: Date;
  readonly end: Date;
  readonly attendees: readonly Attendee[];
  readonly location?: string;
  /** A Teams meeting on the event (Graph `isOnlineMeeting`, `teamsForBusiness`); default true. */
  readonly onlineMeeting?: boolean;
  /** Stable per booking (the outbox key): a retried create with the same one never makes a second meeting. */
  readonly transactionId: string;
}

/** A change to a booked meeting: what is given replaces what was there (attendees as a whole list). */
export interface EventChange {
  readonly organiser: string;
  /** The id `createEvent` returned. */
  readonly id: string;
  /** Give both or neither. */
  readonly start?: Date;
  readonly end?: Date;
  readonly attendees?: readonly Attendee[];
  readonly subject?: string;
  /**
   * A sentence of the invitation's body (plain text, as it was written) to replace with another,
   * the first of `from` that the body holds,
   * e.g. the meeting's time. The body is never replaced as a whole: Exchange keeps an online
   * meeting's join details in it, and a body written over them turns the Teams meeting off
   * (Graph's event update: "preserve the meeting blob"). A body that no longer holds `from`
   * (edited in Outlook) is left as it is.
   */
  readonly bodyEdit?: BodyEdit;
  readonly location?: string;
}

export interface BodyEdit {
  /** The sentence as it may stand in the body now, most likely first (the time before the move, then earlier ones). */
  readonly from: readonly string[];
  readonly to: string;
}

/** `body` with the first of `edit.from` it holds replaced by `edit.to` (each passed through `encode`); undefined when it holds none. */
export function applyBodyEdit(body: string, edit: BodyEdit, encode: (text: string) => string = (text) => text): string | undefined {
  const from = edit.from.map(encode).find((candidate) => body.includes(candidate));
  return from === undefined ? undefined : body.split(from).join(encode(edit.to));
}

export interface EventCancellation {
  readonly organiser: string;
  readonly id: string;
  /** Sent to every attendee with the cancellation: the neutral wording of a reason from the fixed list (app/reviews), never a child's details. */
  readonly comment: string;
}

export interface CreatedEvent {
  readonly id: string;
  readonly via: 'graph' | 'file';
  readonly webLink?: string;
  /** The Teams meeting's join link, when Graph made one. */
  readonly joinUrl?: string;
  /** Local mode: the `.ics` file written (or found, on a repeated create). */
  readonly file?: string;
}

export interface UpdatedEvent {
  readonly id: string;
  readonly via: 'graph' | 'file';
  readonly webLink?: string;
  /** Local mode: the `.ics` file for this change; absent when the meeting already stood so (nothing written). */
  readonly file?: string;
  /** A `bodyEdit` found none of its sentences in the body (edited in Outlook): the body was left as it was. */
  readonly bodyLeftAsItWas?: true;
}

export interface CancelledEvent {
  readonly id: string;
  readonly via: 'graph' | 'file';
  /** `already-gone`: nothing to cancel (Graph answered 404; locally, the meeting's last file is a CANCEL). */
  readonly outcome: 'cancelled' | 'already-gone';
  readonly file?: string;
}

export interface Calendar {
  /** Free/busy for each person asked about, in the order asked; split into calls Graph accepts. */
  getSchedule(query: ScheduleQuery): Promise<Availability[]>;
  /** Books the meeting in the organiser's calendar; the same transactionId gives the same meeting. */
  createEvent(event: EventRequest): Promise<CreatedEvent>;
  /** Moves the meeting or changes its attendees or subject; attendees are sent the update. */
  updateEvent(change: EventChange): Promise<UpdatedEvent>;
  /** Cancels the meeting for everyone, with the comment. */
  cancelEvent(cancellation: EventCancellation): Promise<CancelledEvent>;
}

const email = z.string().trim().email('is not an email address');
const dateTime = z.date({ invalid_type_error: 'must be a date-time' });
const attendees = z.array(z.object({ email, type: z.enum(['required', 'optional']).optional() }));

export const querySchema = z
  .object({
    schedules: z.array(email).min(1, 'name at least one person'),
    from: dateTime,
    to: dateTime,
    intervalMinutes: z.number().int().min(5).max(1440).optional(),
  })
  .refine((q) => q.from < q.to, { message: 'must be after "from"', path: ['to'] });

export const eventSchema = z
  .object({
    organiser: email,
    subject: z.string(),
    html: z.string(),
    start: dateTime,
    end: dateTime,
    attendees,
    transactionId: z.string().trim().min(1, 'give the booking its outbox key').max(200),
  })
  .refine((e) => e.start < e.end, { message: 'must be after the start', path: ['end'] });

export const changeSchema = z
  .object({
    organiser: email,
    id: z.string().trim().min(1, 'give the id the booking returned'),
    start: dateTime.optional(),
    end: dateTime.optional(),
    attendees: attendees.optional(),
    subject: z.string().optional(),
    bodyEdit: z.object({ from: z.array(z.string().trim().min(1, 'give the text to replace')).min(1, 'give the text to replace'), to: z.string() }).optional(),
  })
  .refine((c) => (c.start === undefined) === (c.end === undefined), { message: 'must be given with the start (both or neither)', path: ['end'] })
  .refine((c) => c.start === undefined || c.end === undefined || c.start < c.end, { message: 'must be after the start', path: ['end'] });

export const cancellationSchema = z.object({
  organiser: email,
  id: z.string().trim().min(1, 'give the id the booking returned'),
  comment: z.string().trim().min(1, 'say why the meeting is cancelled').max(1000, 'is longer than 1000 characters'),
});

export function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): void {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join('.');
    throw new InvalidInputError(`The ${what}'s ${field} ${issue.message}`, field);
  }
}

/** Splits a free/busy question into calls Graph accepts: ≤ 20 schedules, < 62 days each. */
export function splitScheduleQuery(query: ScheduleQuery): ScheduleQuery[] {
  const parts: ScheduleQuery[] = [];
  for (let i = 0; i < query.schedules.length; i += MAX_SCHEDULES_PER_CALL) {
    const schedules = query.schedules.slice(i, i + MAX_SCHEDULES_PER_CALL);
    for (let from = query.from.getTime(); from < query.to.getTime(); from += MAX_WINDOW_MS) {
      parts.push({ ...query, schedules, from: new Date(from), to: new Date(Math.min(from + MAX_WINDOW_MS, query.to.getTime())) });
    }
  }
  return parts;
}

const byStart = (a: BusyInterval, b: BusyInterval) => a.start.getTime() - b.start.getTime() || a.end.getTime() - b.end.getTime();

/** Busy times sorted, with the copies dropped that two windows (or two sources) both reported. */
export function tidyBusy(busy: readonly BusyInterval[]): BusyInterval[] {
  const seen = new Set<string>();
  return [...busy].sort(byStart).filter((b) => {
    const key = `${b.start.getTime()}|${b.end.getTime()}|${b.status}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One answer per person asked about, in the order asked, from the answers of every part. */
export function mergeAvailability(query: ScheduleQuery, answers: readonly Availability[]): Availability[] {
  return query.schedules.map((schedule) => {
    const mine = answers.filter((a) => a.schedule.toLowerCase() === schedule.toLowerCase());
    // No answer at all for a person is not "free": it is reported, so nobody is booked over a calendar nobody read.
    const error = mine.length === 0 ? 'Microsoft Graph gave no answer for this calendar' : mine.find((a) => a.error !== undefined)?.error;
    return { schedule, busy: tidyBusy(mine.flatMap((a) => a.busy)), ...(error !== undefined && { error }) };
  });
}
