/**
 * Booking review meetings in Outlook (issue 9, "Booking" and "Rearranging and cancelling";
 * DOMAIN §8.5, OX-S01, §4.2). The use cases the bot calls, answering with plain data:
 *
 *   findSlots        the series, its next review due and booking window, its attendees and their
 *                    free/busy (getSchedule, plus the meetings Resolve booked), and the best times
 *                    (domain/reviews/slots.ts)
 *   bookReview       `book` on the series: its calendar.create effect goes out with the command
 *   rearrangeReview  `rearrange`, with a reason from the fixed list: one calendar.update
 *   cancelReview     `cancel-booking`, with the comment sent to everyone: one calendar.cancel
 *
 * Every rule about the review (booked already, past the statutory date, ...) is the domain's; these
 * ask it and pass its answer on. A refusal says what is wrong and how to put it right, and changes
 * nothing. What delivery learns comes back to the series through calendar-delivery.ts.
 */
import { randomUUID } from 'node:crypto';
import { TZDate } from '@date-fns/tz';
import type { LocalDate } from '../../domain/calendar/index.js';
import {
  bookingWindow,
  normaliseEmail,
  REARRANGEMENT_REASONS,
  reviewSeriesDue,
  type NextReviewDue,
  type RearrangementReason,
  type RegisterRefusalCode,
  type ReviewKind,
  type ReviewSeriesCommand,
  type ReviewSeriesEvent,
  type ReviewSeriesState,
} from '../../domain/reviews/index.js';
import {
  DEFAULT_MEETING_MINUTES, DEFAULT_WORKING_HOURS, findReviewSlots,
  type BusyTime, type SlotAttendee, type SlotOrder, type SlotSearch, type WorkingHours,
} from '../../domain/reviews/slots.js';
import type { Availability, BusyInterval, Calendar, FreeBusyStatus } from '../../graph/calendar.js';
import { GraphRequestError, GraphUnavailableError } from '../../graph/client.js';
import type { Directory, Person } from '../../graph/directory/index.js';
import { OFFICER_ROLES } from '../../graph/directory/types.js';
import type { Clock } from '../../store/clock.js';
import { handleCommand, type StreamModel } from '../../store/command.js';
import type { Db } from '../../store/db.js';
import { errorFields, type Logger } from '../log.js';
import { loadReviewSeries, reviewSeriesModel, reviewSeriesStreamId, type ReviewStoreContext } from './model.js';

// ---------------------------------------------------------------------------------------------
// Settings and options

/** Whose calendar holds the meeting: the series' reviewing officer's, or a shared reviews mailbox. */
export type ReviewOrganiserSetting = { readonly kind: 'officer' } | { readonly kind: 'mailbox'; readonly email: string };

/** The authority's booking settings (bin/config.ts: REVIEW_WORKING_HOURS, _MEETING_MINUTES, _ORGANISER, _SLOT_ORDER). */
export interface ReviewBookingSettings {
  readonly workingHours: WorkingHours;
  readonly meetingMinutes: number;
  readonly organiser: ReviewOrganiserSetting;
  readonly slotOrder: SlotOrder;
}

export const DEFAULT_BOOKING_SETTINGS: ReviewBookingSettings = {
  workingHours: DEFAULT_WORKING_HOURS,
  meetingMinutes: DEFAULT_MEETING_MINUTES,
  organiser: { kind: 'officer' },
  slotOrder: 'soonest',
};

export interface ReviewBookingOptions extends ReviewStoreContext {
  readonly db: Db;
  readonly clock: Clock;
  readonly directory: Directory;
  /** Free/busy: Graph getSchedule, or the file calendar locally. Absent: the calendar service cannot be reached. */
  readonly freeBusy?: Calendar;
  readonly settings: ReviewBookingSettings;
  readonly logger?: Logger;
  readonly maxAttempts?: number;
}

// ---------------------------------------------------------------------------------------------
// What the use cases answer

export interface SeriesKey {
  readonly kind: ReviewKind;
  /** The case system's opaque reference, e.g. LCS-104233. */
  readonly reference: string;
}

export type BookingRefusalCode =
  /** Neither business support nor a reviewing officer (directory.rolesOf). */
  | 'not-allowed'
  /** The time chosen has filled for a required attendee since it was offered. */
  | 'slot-taken'
  | 'no-officer'
  | 'no-worker'
  /** The officer or worker recorded on the series is not in the directory. */
  | 'not-in-directory'
  /** No calendar service, or Graph did not answer (GraphUnavailableError). */
  | 'calendar-unavailable'
  /** Graph refused the free/busy question (GraphRequestError: permissions, a bad mailbox). */
  | 'calendar-refused'
  /** The latest meeting date is before today: no time inside the statutory window is left. */
  | 'window-passed'
  | 'invalid-time'
  | 'time-passed'
  | 'outside-working-hours'
  /** Before the booking window's earliest day: the preparation deadlines would already be past. */
  | 'before-window'
  /** The series changed since the times were offered (`expectedVersion`). */
  | 'stale'
  | 'unknown-reason'
  | 'no-reason-text'
  | 'no-comment'
  | 'comment-too-long'
  | 'comment-not-private'
  /** The domain's own refusals (decideReviewSeries), passed on as they come. */
  | RegisterRefusalCode;

export interface BookingRefusal {
  readonly ok: false;
  readonly code: BookingRefusalCode;
  /** What is wrong and how to put it right; ends "Nothing was changed." */
  readonly message: string;
  /** The input at fault, where there is one (`start`, `reasonCode`, `comment`...). */
  readonly field?: string;
}

export interface ReviewAttendee {
  readonly email: string;
  /** From the directory, when the person is in it. */
  readonly displayName?: string;
  /** How the slot search names them (its `missingOptional`, `fullyBooked`...): the display name, else the email. */
  readonly name: string;
  readonly required: boolean;
  readonly role: 'officer' | 'worker' | 'invitee';
}

export interface DueInfo {
  readonly review: NextReviewDue['review'];
  /** The statutory due date. */
  readonly due: LocalDate;
  readonly latestMeetingDate: LocalDate;
  readonly rule: string;
  readonly explanation: string;
}

export interface WindowInfo {
  readonly earliest: LocalDate;
  readonly latest: LocalDate;
  /** False when no day leaves room for the preparation: times are then offered from today. */
  readonly feasible: boolean;
  readonly limitingRule: string;
  readonly explanation: string;
}

export interface BookedMeeting {
  readonly start: string;
  readonly end: string;
  readonly organiser: string;
  /** Whether the calendar has the meeting yet (its event id recorded). */
  readonly confirmed: boolean;
}

export interface SlotsFound extends SeriesKey {
  readonly ok: true;
  readonly streamId: string;
  /** Pass back as `expectedVersion` when booking one of these times. */
  readonly version: number;
  readonly due: DueInfo;
  readonly window: WindowInfo;
  /** The meeting as booked now (rearranging), or null. */
  readonly booked: BookedMeeting | null;
  /** The calendar the meeting goes in. */
  readonly organiser: string;
  readonly meetingMinutes: number;
  /** Everyone invited, required first; optional attendees are invited even when `dropOptional`. */
  readonly attendees: readonly ReviewAttendee[];
  /** Attendees whose calendar could not be read: the times offered do not know when they are busy. */
  readonly unknownSchedules: readonly ReviewAttendee[];
  /** The optional attendees were left out of the search. */
  readonly droppedOptional: boolean;
  /** The statutory date has passed: these are the soonest times, and the review will count as held late. */
  readonly late: boolean;
  /** Outlook refused the last booking's meeting: the review is not booked and needs booking again. */
  readonly lastBookingFailed: boolean;
  /** domain/reviews/slots.ts's answer; attendees named by `ReviewAttendee.name`. */
  readonly search: SlotSearch;
}

export interface BookedReview extends SeriesKey {
  readonly ok: true;
  /** `already-booked`: that time was booked already (a second click); nothing changed. */
  readonly outcome: 'booked' | 'already-booked';
  readonly start: string;
  readonly end: string;
  readonly organiser: string;
  readonly attendees: readonly { readonly email: string; readonly name: string; readonly required: boolean }[];
  readonly confirmed: boolean;
  readonly version: number;
}

export interface RearrangedReview extends SeriesKey {
  readonly ok: true;
  /** `unchanged`: it was moved to that time already (a second click); nothing changed. */
  readonly outcome: 'rearranged' | 'unchanged';
  readonly from: { readonly start: string; readonly end: string };
  readonly to: { readonly start: string; readonly end: string };
  readonly reasonCode: RearrangementReason;
  readonly version: number;
}

export interface CancelledReview extends SeriesKey {
  readonly ok: true;
  /** `already-cancelled`: cancelled already with this comment (a second click); nothing changed. */
  readonly outcome: 'cancelled' | 'already-cancelled';
  readonly start: string;
  readonly end: string;
  readonly version: number;
}

/** A series as the booked-meeting card shows it: no free/busy asked for. */
export type ReviewDescription = Pick<SlotsFound, 'ok' | 'kind' | 'reference' | 'version' | 'due' | 'booked' | 'organiser' | 'attendees'>;

export type SlotsOutcome = SlotsFound | BookingRefusal;
export type BookOutcome = BookedReview | BookingRefusal;
export type RearrangeOutcome = RearrangedReview | BookingRefusal;
export type CancelOutcome = CancelledReview | BookingRefusal;

export interface SlotsRequest extends SeriesKey {
  /** Search for the required attendees only (the optional ones are still invited). */
  readonly dropOptional?: boolean;
}

export interface BookRequest extends SeriesKey {
  /** ISO instants with Z or an offset: one of the times `findSlots` offered. */
  readonly start: string;
  readonly end: string;
  /** `SlotsFound.version`: refused as stale if the series changed since. */
  readonly expectedVersion?: number;
}

export interface RearrangeRequest extends SeriesKey {
  readonly reasonCode: string;
  /** Kept on the series for the reports; never sent to the invitees. */
  readonly reasonText: string;
  readonly start: string;
  readonly end: string;
}

export interface CancelRequest extends SeriesKey {
  /** Sent to every invitee with the cancellation: the reason only. */
  readonly comment: string;
}

export interface ReviewBooking {
  findSlots(request: SlotsRequest): Promise<SlotsOutcome>;
  /** The series, its next review due, its meeting and who is invited, without asking anyone's calendar (for the card after a booking, move or cancel). */
  describeReview(request: SeriesKey): Promise<ReviewDescription | BookingRefusal>;
  bookReview(actorId: string, request: BookRequest): Promise<BookOutcome>;
  rearrangeReview(actorId: string, request: RearrangeRequest): Promise<RearrangeOutcome>;
  cancelReview(actorId: string, request: CancelRequest): Promise<CancelOutcome>;
  /** Whether this person may book, rearrange and cancel reviews; a refusal saying why not. */
  mayBook(actorId: string): Promise<BookingRefusal | undefined>;
  /** Whether this person may act on this series (business support, or its recorded officer). */
  mayActOn(actorId: string, key: SeriesKey): Promise<BookingRefusal | undefined>;
}

// ---------------------------------------------------------------------------------------------
// Helpers

export const NOTHING_CHANGED = 'Nothing was changed.';
export const CALENDAR_UNREACHABLE = 'The calendar service cannot be reached; nothing was changed; try again in a minute.';
/** Graph's cancel comment limit (graph/calendar/types.ts). */
export const MAX_CANCEL_COMMENT = 1000;
/** An overdue review: how far ahead the soonest times are looked for. */
export const LATE_SEARCH_WORKING_DAYS = 10;

const refuse = (code: BookingRefusalCode, message: string, field?: string): BookingRefusal =>
  ({ ok: false, code, message: /Nothing was changed\.$|nothing was changed; try again/.test(message) ? message : `${message} ${NOTHING_CHANGED}`, ...(field !== undefined && { field }) });
/** The domain's refusal (a RegisterRefusal, or the stale guard's), passed on with its code and field. */
function domainRefusal(refusal: { readonly code: string; readonly message: string; readonly field?: string }): BookingRefusal {
  return refuse(refusal.code as BookingRefusalCode, refusal.message, refusal.field);
}
const isRefusal = (x: unknown): x is BookingRefusal => (x as { ok?: unknown } | null)?.ok === false;

/** Free/busy statuses that keep a person from a meeting. `workingElsewhere` is working, so free for a Teams meeting. */
const BUSY_STATUSES: ReadonlySet<FreeBusyStatus> = new Set<FreeBusyStatus>(['busy', 'tentative', 'oof', 'unknown']);

/**
 * A person's busy times without the series' own meeting, which is not in the way of moving it:
 * only once the calendar has made it, only for someone it invites (or its organiser), and only
 * one busy time at exactly its start and end. Free/busy gives times, not meetings, and merges
 * identical ones, so a meeting of the person's own at exactly those times cannot be told from it.
 */
function withoutOwnMeeting(busy: readonly BusyInterval[], email: string, booking: ReviewSeriesState['booking']): readonly BusyInterval[] {
  if (booking === null || booking.graphEventId === null) return busy;
  const invited = [booking.organiser, ...booking.attendees].some((a) => normaliseEmail(a) === normaliseEmail(email));
  if (!invited) return busy;
  const [start, end] = [Date.parse(booking.start), Date.parse(booking.end)];
  const own = busy.findIndex((b) => b.start.getTime() === start && b.end.getTime() === end);
  return own === -1 ? busy : busy.filter((_, i) => i !== own);
}

/** The meeting as booked now, or null. */
const bookedMeeting = ({ booking }: ReviewSeriesState): BookedMeeting | null =>
  booking === null ? null : { start: booking.start, end: booking.end, organiser: booking.organiser, confirmed: booking.graphEventId !== null };

const seriesWords = (key: SeriesKey) => (key.kind === 'looked-after' ? `the child's review series ${key.reference}` : `the foster carer's review series ${key.reference}`);
const officerWord = (kind: ReviewKind) => (kind === 'looked-after' ? 'IRO' : 'fostering reviewing officer (FIRO or FRO)');
const workerWord = (kind: ReviewKind) => (kind === 'looked-after' ? 'social worker' : 'supervising social worker');

/** The instant a local wall-clock time on `day` names in `timeZone`. */
function localInstant(day: LocalDate, hhmm: string, timeZone: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new TZDate(y, m - 1, d, Number(hhmm.slice(0, 2)), Number(hhmm.slice(3, 5)), 0, timeZone).getTime();
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

function instantOf(value: string): number | undefined {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value.trim())) return undefined;
  const ms = Date.parse(value.trim());
  return Number.isNaN(ms) ? undefined : ms;
}

const EMAIL_IN_TEXT = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const POSTCODE_IN_TEXT = /\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/i;

/** A model whose decisions are checked first against the state the command meets (under the stream's lock). */
function guarded(
  model: StreamModel<ReviewSeriesState, ReviewSeriesCommand, ReviewSeriesEvent>,
  guard: (state: ReviewSeriesState | undefined) => { code: string; message: string } | undefined,
): StreamModel<ReviewSeriesState, ReviewSeriesCommand, ReviewSeriesEvent> {
  return {
    ...model,
    decide(state, command, now) {
      const refusal = guard(state);
      return refusal !== undefined ? { ok: false, refusal } : model.decide(state, command, now);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The use cases

export function createReviewBooking(options: ReviewBookingOptions): ReviewBooking {
  const { db, clock, directory, settings, logger } = options;
  const calendar = options.calendar;
  const zone = calendar.timeZone;
  const model = reviewSeriesModel({ calendar, ...(options.rules !== undefined && { rules: options.rules }), ...(options.tenant !== undefined && { tenant: options.tenant }) });
  const dueOptions = { calendar, ...(options.rules !== undefined && { rules: options.rules }) };

  async function mayBook(actorId: string): Promise<BookingRefusal | undefined> {
    const roles = await directory.rolesOf(actorId);
    if (roles.includes('business_support') || roles.some((r) => OFFICER_ROLES.includes(r))) return undefined;
    return refuse('not-allowed',
      'Booking, rearranging and cancelling review meetings is for business support and reviewing officers (IRO, FIRO, FRO), '
      + 'and the directory lists you as neither: ask your administrator to add you to the business support or reviewing officer role.');
  }

  /**
   * Whether this person may act on this series: business support on any, a reviewing officer on the
   * series they are recorded on (as "due" shows them only theirs), so a reference typed or forged
   * shows nobody else's attendees and moves nobody else's meeting.
   */
  async function mayActOn(actorId: string, key: SeriesKey): Promise<BookingRefusal | undefined> {
    const denied = await mayBook(actorId);
    if (denied) return denied;
    if ((await directory.rolesOf(actorId)).includes('business_support')) return undefined;
    const found = await loadAny(key);
    if (isRefusal(found)) return found;
    if (found.state.officer === actorId) return undefined;
    return refuse('not-allowed',
      `${seriesWords(key)} is held by another reviewing officer: only business support and the officer recorded on a series book, move or cancel its meetings. `
      + 'Ask business support, or ask them to record you as its officer.');
  }

  interface Loaded {
    readonly streamId: string;
    readonly state: ReviewSeriesState;
    readonly due: NextReviewDue;
  }

  async function loadAny(key: SeriesKey): Promise<{ streamId: string; state: ReviewSeriesState } | BookingRefusal> {
    const reference = key.reference.trim();
    const { state } = await loadReviewSeries(db, key.kind, reference);
    if (state === undefined) {
      return refuse('not-found', `There is no ${key.kind} review series ${reference} in the register: check the reference and the kind, or add the series to the register first.`, 'reference');
    }
    return { streamId: reviewSeriesStreamId(key.kind, reference), state };
  }

  /** The series and its next review due: refused once it has ceased. */
  async function load(key: SeriesKey): Promise<Loaded | BookingRefusal> {
    const reference = key.reference.trim();
    const found = await loadAny(key);
    if (isRefusal(found)) return found;
    const { state } = found;
    const due = reviewSeriesDue(state, dueOptions);
    if (due === null) {
      return refuse('series-ceased', `${seriesWords({ kind: key.kind, reference })} has ceased (${key.kind === 'looked-after' ? 'the child is no longer looked after' : 'the approval has ended'}): there is no review to book.`);
    }
    return { streamId: found.streamId, state, due };
  }

  interface People {
    readonly officer: Person;
    readonly worker: Person;
    readonly organiser: string;
    readonly attendees: readonly ReviewAttendee[];
  }

  /** The required attendees (officer and worker, from the directory), the invitees, and the organiser. */
  async function people(state: ReviewSeriesState): Promise<People | BookingRefusal> {
    const key = { kind: state.kind, reference: state.reference };
    if (state.officer === null) {
      return refuse('no-officer', `No ${officerWord(state.kind)} is recorded for ${seriesWords(key)}: record the reviewing officer on the register, then book.`);
    }
    if (state.worker === null) {
      return refuse('no-worker', `No ${workerWord(state.kind)} is recorded for ${seriesWords(key)}: record them on the register, then book.`);
    }
    const [officer, worker] = await Promise.all([directory.person(state.officer), directory.person(state.worker)]);
    if (officer === undefined) {
      return refuse('not-in-directory', `The ${officerWord(state.kind)} recorded for ${seriesWords(key)} is no longer in the directory: record the current reviewing officer on the register, then book.`);
    }
    if (worker === undefined) {
      return refuse('not-in-directory', `The ${workerWord(state.kind)} recorded for ${seriesWords(key)} is no longer in the directory: record the current ${workerWord(state.kind)} on the register, then book.`);
    }
    const known = state.invitees.length === 0 ? [] : await directory.people().catch(() => [] as Person[]);
    const byEmail = new Map(known.map((p) => [normaliseEmail(p.email), p]));
    const entries: Omit<ReviewAttendee, 'name'>[] = [];
    const add = (email: string, displayName: string | undefined, required: boolean, role: ReviewAttendee['role']) => {
      const normal = normaliseEmail(email);
      if (entries.some((e) => e.email === normal)) return;
      entries.push({ email: normal, ...(displayName !== undefined && { displayName }), required, role });
    };
    add(officer.email, officer.displayName, true, 'officer');
    add(worker.email, worker.displayName, true, 'worker');
    for (const invitee of state.invitees) add(invitee, byEmail.get(normaliseEmail(invitee))?.displayName, false, 'invitee');
    // Display names name people in the slot search; two people with one name are told apart by their address.
    const count = new Map<string, number>();
    for (const e of entries) if (e.displayName !== undefined) count.set(e.displayName.toLowerCase(), (count.get(e.displayName.toLowerCase()) ?? 0) + 1);
    const attendees = entries.map((e): ReviewAttendee => ({
      ...e,
      name: e.displayName === undefined ? e.email : count.get(e.displayName.toLowerCase())! > 1 ? `${e.displayName} (${e.email})` : e.displayName,
    }));
    const organiser = settings.organiser.kind === 'mailbox' ? normaliseEmail(settings.organiser.email) : normaliseEmail(officer.email);
    return { officer, worker, organiser, attendees };
  }

  function windowOf(loaded: Loaded, today: LocalDate): WindowInfo {
    const { due } = loaded;
    const w = bookingWindow(
      { kind: loaded.state.kind, due: due.due, bookingOn: today, initial: due.review === 'initial' || due.review === 'first' },
      { calendar },
    );
    return { earliest: w.earliest, latest: w.latest, feasible: w.feasible, limitingRule: w.limitingRule, explanation: w.explanation };
  }

  function dueInfo(due: NextReviewDue): DueInfo {
    return { review: due.review, due: due.due, latestMeetingDate: due.latestMeetingDate, rule: due.rule, explanation: due.explanation };
  }

  function windowPassed(loaded: Loaded): BookingRefusal {
    const { due } = loaded;
    return refuse('window-passed',
      `The ${due.review} review of ${loaded.state.reference} was due by ${due.due} (${due.rule}), and its latest meeting date, ${due.latestMeetingDate}, has passed: `
      + `no time inside the statutory window is left. These are the soonest times in the next ${LATE_SEARCH_WORKING_DAYS} working days; agree one with the reviewing officer: the review will count as held late.`);
  }

  /** The meetings Resolve booked for these people in other series, from the register (booked but perhaps not delivered yet). */
  async function resolveBookings(streamId: string, ids: ReadonlyMap<string, string>, from: Date, to: Date): Promise<Map<string, BusyTime[]>> {
    const busy = new Map<string, BusyTime[]>();
    const rows = await db.query<{ officer: string | null; worker: string | null; booked_start: Date | string; booked_end: Date | string }>(
      `SELECT officer, worker, booked_start, booked_end FROM review_due
        WHERE booked_start IS NOT NULL AND booked_end > $1::timestamptz AND booked_start < $2::timestamptz AND stream_id <> $3
          AND (officer = ANY($4::text[]) OR worker = ANY($4::text[]))`,
      [from.toISOString(), to.toISOString(), streamId, [...ids.keys()]],
    );
    for (const row of rows) {
      for (const person of new Set([row.officer, row.worker])) {
        const email = person === null ? undefined : ids.get(person);
        if (email === undefined) continue;
        busy.set(email, [...(busy.get(email) ?? []), { start: new Date(row.booked_start), end: new Date(row.booked_end) }]);
      }
    }
    return busy;
  }

  async function schedules(emails: readonly string[], from: Date, to: Date): Promise<Availability[] | BookingRefusal> {
    if (options.freeBusy === undefined) return refuse('calendar-unavailable', CALENDAR_UNREACHABLE);
    try {
      return await options.freeBusy.getSchedule({ schedules: emails, from, to });
    } catch (error) {
      logger?.warn('review.free_busy_failed', errorFields(error));
      if (error instanceof GraphUnavailableError) return refuse('calendar-unavailable', CALENDAR_UNREACHABLE);
      if (error instanceof GraphRequestError) {
        return refuse('calendar-refused',
          'Microsoft Graph refused to share the attendees\' free/busy times: ask your administrator to check the app\'s Calendars.ReadWrite permission and that every attendee has a mailbox.');
      }
      throw error;
    }
  }

  /**
   * The chosen time is still free for every required attendee: their calendars again, and the
   * meetings Resolve has booked for them in other series. A refusal names who is now busy. `own`
   * is the series' meeting being moved, which is not in the way of its own new time.
   */
  async function stillFree(streamId: string, found: People, time: { start: number; end: number }, own: ReviewSeriesState['booking'] = null): Promise<BookingRefusal | undefined> {
    const required = found.attendees.filter((a) => a.required);
    const from = new Date(time.start);
    const to = new Date(time.end);
    const availability = await schedules(required.map((a) => a.email), from, to);
    if (isRefusal(availability)) return availability;
    const overlaps = (b: { start: Date; end: Date }) => b.start.getTime() < time.end && b.end.getTime() > time.start;
    const busy = new Set<string>();
    required.forEach((attendee, i) => {
      if (withoutOwnMeeting(availability[i]?.busy ?? [], attendee.email, own).some((b) => BUSY_STATUSES.has(b.status) && overlaps(b))) busy.add(attendee.name);
    });
    const ids = new Map<string, string>([[found.officer.id, normaliseEmail(found.officer.email)], [found.worker.id, normaliseEmail(found.worker.email)]]);
    for (const [email, times] of await resolveBookings(streamId, ids, from, to)) {
      if (times.some((t) => overlaps({ start: new Date(t.start), end: new Date(t.end) }))) busy.add(required.find((a) => a.email === email)?.name ?? email);
    }
    if (busy.size === 0) return undefined;
    return refuse('slot-taken', `That time is no longer free for ${[...busy].join(', ')}: find the times again and choose another.`, 'start');
  }

  async function findSlots(request: SlotsRequest): Promise<SlotsOutcome> {
    const loaded = await load(request);
    if (isRefusal(loaded)) return loaded;
    const { state, due, streamId } = loaded;
    const found = await people(state);
    if (isRefusal(found)) return found;
    const now = clock.now();
    const today = calendar.localDateOf(now);
    // Overdue: nothing inside the statutory window is left, so the soonest times are offered; the review will count as held late.
    const late = due.latestMeetingDate < today;
    const latest = late ? calendar.addWorkingDays(today, LATE_SEARCH_WORKING_DAYS) : due.latestMeetingDate;
    const window = late ? { earliest: today, latest, feasible: false, limitingRule: due.rule, explanation: windowPassed(loaded).message } : windowOf(loaded, today);
    const dropOptional = request.dropOptional === true;
    const asked = found.attendees.filter((a) => a.required || !dropOptional);

    const { start: dayStart, end: dayEnd } = settings.workingHours;
    const from = new Date(Math.max(now.getTime(), window.feasible ? localInstant(window.earliest, dayStart, zone) : now.getTime()));
    const to = new Date(localInstant(latest, dayEnd, zone));
    const busy = new Map<string, BusyTime[]>(asked.map((a) => [a.email, []]));
    const unknown: ReviewAttendee[] = [];
    if (from < to) {
      const availability = await schedules(asked.map((a) => a.email), from, to);
      if (isRefusal(availability)) return availability;
      asked.forEach((attendee, i) => {
        const answer = availability[i];
        if (answer === undefined || answer.error !== undefined) unknown.push(attendee);
        for (const b of withoutOwnMeeting(answer?.busy ?? [], attendee.email, state.booking)) {
          if (BUSY_STATUSES.has(b.status)) busy.get(attendee.email)!.push({ start: b.start, end: b.end });
        }
      });
      const ids = new Map<string, string>([[found.officer.id, normaliseEmail(found.officer.email)], [found.worker.id, normaliseEmail(found.worker.email)]]);
      for (const [email, times] of await resolveBookings(streamId, ids, from, to)) busy.get(email)?.push(...times);
    }
    const attendees: SlotAttendee[] = asked.map((a) => ({ id: a.name, required: a.required, busy: busy.get(a.email) ?? [] }));
    const search = findReviewSlots(
      { attendees, now, latestMeetingDate: latest, ...(window.feasible && { earliestDate: window.earliest }) },
      { calendar, workingHours: settings.workingHours, meetingMinutes: settings.meetingMinutes, order: settings.slotOrder },
    );
    logger?.info('review.slots_found', { reference: state.reference, kind: state.kind, outcome: search.outcome, unknownSchedules: unknown.length });
    return {
      ok: true,
      kind: state.kind,
      reference: state.reference,
      streamId,
      version: state.version,
      due: dueInfo(due),
      window,
      booked: bookedMeeting(state),
      organiser: found.organiser,
      meetingMinutes: settings.meetingMinutes,
      attendees: found.attendees,
      unknownSchedules: unknown,
      droppedOptional: dropOptional,
      late,
      lastBookingFailed: state.bookingFailed !== null,
      search,
    };
  }

  async function describeReview(request: SeriesKey): Promise<ReviewDescription | BookingRefusal> {
    const loaded = await load(request);
    if (isRefusal(loaded)) return loaded;
    const { state, due } = loaded;
    const found = await people(state);
    if (isRefusal(found)) return found;
    return {
      ok: true, kind: state.kind, reference: state.reference, version: state.version, due: dueInfo(due),
      booked: bookedMeeting(state),
      organiser: found.organiser, attendees: found.attendees,
    };
  }

  /** The time chosen is still one Resolve would offer: ahead of now, on a working day, in working hours. */
  function checkTime(request: { start: string; end: string }): { start: number; end: number } | BookingRefusal {
    const start = instantOf(request.start);
    const end = instantOf(request.end);
    if (start === undefined) return refuse('invalid-time', `The start "${String(request.start).slice(0, 40)}" is not a time: give an ISO instant with Z or an offset, e.g. 2026-03-31T09:00:00Z.`, 'start');
    if (end === undefined) return refuse('invalid-time', `The end "${String(request.end).slice(0, 40)}" is not a time: give an ISO instant with Z or an offset, e.g. 2026-03-31T10:30:00Z.`, 'end');
    if (end <= start) return refuse('end-before-start', 'The meeting must end after it starts: choose one of the times offered.', 'end');
    if (start <= clock.now().getTime()) return refuse('time-passed', 'That time has passed: find the times again and choose another.', 'start');
    const day = calendar.localDateOf(new Date(start));
    const { start: open, end: close } = settings.workingHours;
    if (!calendar.isWorkingDay(day)) return refuse('outside-working-hours', `${day} is not a working day: choose a time on a working day.`, 'start');
    if (start < localInstant(day, open, zone) || end > localInstant(day, close, zone)) {
      return refuse('outside-working-hours', `Review meetings are booked within working hours, ${open} to ${close} (UK time), on one day: choose one of the times offered.`, 'start');
    }
    return { start, end };
  }

  const sameTime = (booking: { start: string; end: string } | null, start: number, end: number) =>
    booking !== null && Date.parse(booking.start) === start && Date.parse(booking.end) === end;

  function bookedReview(state: ReviewSeriesState, outcome: BookedReview['outcome'], found: People | undefined): BookedReview {
    const booking = state.booking!;
    const names = new Map((found?.attendees ?? []).map((a) => [a.email, a]));
    return {
      ok: true, outcome, kind: state.kind, reference: state.reference, start: booking.start, end: booking.end, organiser: booking.organiser,
      attendees: booking.attendees.map((email) => ({ email, name: names.get(email)?.name ?? email, required: names.get(email)?.required ?? !state.invitees.includes(email) })),
      confirmed: booking.graphEventId !== null,
      version: state.version,
    };
  }

  async function bookReview(actorId: string, request: BookRequest): Promise<BookOutcome> {
    const denied = await mayActOn(actorId, request);
    if (denied) return denied;
    const loaded = await load(request);
    if (isRefusal(loaded)) return loaded;
    const { state, due } = loaded;
    // The same time clicked again: it is booked, and nothing changes.
    const [start, end] = [instantOf(request.start), instantOf(request.end)];
    if (start !== undefined && end !== undefined && sameTime(state.booking, start, end)) return bookedReview(state, 'already-booked', undefined);
    const time = checkTime(request);
    if (isRefusal(time)) return time;
    const found = await people(state);
    if (isRefusal(found)) return found;
    const today = calendar.localDateOf(clock.now());
    const day = calendar.localDateOf(new Date(time.start));
    if (due.latestMeetingDate >= today && state.booking === null) {
      const window = windowOf(loaded, today);
      if (window.feasible && day < window.earliest) {
        return refuse('before-window',
          `${day} leaves too little time for the preparation (${window.limitingRule}): book on or after ${window.earliest}. Find the times again and choose another.`, 'start');
      }
    }
    // The time offered may have filled since the card was drawn: ask again for the people who must be there.
    const taken = await stillFree(loaded.streamId, found, time);
    if (taken !== undefined) return taken;
    const expected = request.expectedVersion;
    const stale = (s: ReviewSeriesState | undefined) => (expected !== undefined && s !== undefined && s.version !== expected && s.booking === null
      ? { code: 'stale', message: `${seriesWords(request)} has changed since these times were offered: find the times again.` }
      : undefined);
    const command: ReviewSeriesCommand = {
      type: 'book', kind: state.kind, reference: state.reference, actor: actorId,
      start: new Date(time.start).toISOString(), end: new Date(time.end).toISOString(),
      organiser: found.organiser, attendees: found.attendees.map((a) => a.email),
      transactionId: `review-${randomUUID()}`,
    };
    const outcome = await handleCommand(db, guarded(model, stale), loaded.streamId, command, { clock, ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }) });
    if (!outcome.ok) {
      // Two clicks at once: the other one booked this very time.
      if (outcome.refusal.code === 'already-booked' && outcome.state !== undefined && sameTime(outcome.state.booking, time.start, time.end)) {
        return bookedReview(outcome.state, 'already-booked', found);
      }
      logger?.info('review.book_refused', { reference: state.reference, kind: state.kind, userId: actorId, code: outcome.refusal.code });
      return domainRefusal(outcome.refusal);
    }
    logger?.info('review.booked', { reference: state.reference, kind: state.kind, userId: actorId, version: outcome.version });
    return bookedReview(outcome.state!, 'booked', found);
  }

  async function rearrangeReview(actorId: string, request: RearrangeRequest): Promise<RearrangeOutcome> {
    const denied = await mayActOn(actorId, request);
    if (denied) return denied;
    const reasonCode = REARRANGEMENT_REASONS.find((r) => r === request.reasonCode);
    if (reasonCode === undefined) {
      return refuse('unknown-reason', `"${String(request.reasonCode).slice(0, 40)}" is not a reason for rearranging: choose one of ${REARRANGEMENT_REASONS.join(', ')}.`, 'reasonCode');
    }
    const reasonText = typeof request.reasonText === 'string' ? request.reasonText.trim() : '';
    if (reasonText === '') return refuse('no-reason-text', 'Say in a sentence why the review is moving: it is kept on the review for the reports, and not sent to the invitees.', 'reasonText');
    const loaded = await load(request);
    if (isRefusal(loaded)) return loaded;
    const { state } = loaded;
    const booking = state.booking;
    const [start, end] = [instantOf(request.start), instantOf(request.end)];
    if (booking !== null && start !== undefined && end !== undefined && sameTime(booking, start, end)) {
      const last = state.rearrangements.at(-1);
      // Moved to this time already (a second click): nothing changes. The time first booked stays a refusal (same-time).
      if (last !== undefined && sameTime(last.to, start, end)) {
        return { ok: true, outcome: 'unchanged', kind: state.kind, reference: state.reference, from: last.from, to: last.to, reasonCode: last.reasonCode, version: state.version };
      }
    }
    const time = checkTime(request);
    // With nothing booked the domain says so (not-booked), whatever the time.
    if (isRefusal(time) && (booking !== null || time.code === 'invalid-time')) return time;
    if (booking !== null && !isRefusal(time)) {
      // As for a booking: the new time may have filled since the card was drawn.
      const found = await people(state);
      if (isRefusal(found)) return found;
      const taken = await stillFree(loaded.streamId, found, time, booking);
      if (taken !== undefined) return taken;
    }
    const command: ReviewSeriesCommand = {
      type: 'rearrange', kind: state.kind, reference: state.reference, actor: actorId, reasonCode, reasonText,
      start: isRefusal(time) ? request.start : new Date(time.start).toISOString(), end: isRefusal(time) ? request.end : new Date(time.end).toISOString(),
    };
    const outcome = await handleCommand(db, model, loaded.streamId, command, { clock, ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }) });
    if (!outcome.ok) {
      logger?.info('review.rearrange_refused', { reference: state.reference, kind: state.kind, userId: actorId, code: outcome.refusal.code });
      return domainRefusal(outcome.refusal);
    }
    const moved = outcome.state!.rearrangements.at(-1)!;
    logger?.info('review.rearranged', { reference: state.reference, kind: state.kind, userId: actorId, reason: reasonCode, version: outcome.version });
    return { ok: true, outcome: 'rearranged', kind: state.kind, reference: state.reference, from: moved.from, to: moved.to, reasonCode, version: outcome.version };
  }

  async function cancelReview(actorId: string, request: CancelRequest): Promise<CancelOutcome> {
    const denied = await mayActOn(actorId, request);
    if (denied) return denied;
    const comment = typeof request.comment === 'string' ? request.comment.trim() : '';
    if (comment === '') return refuse('no-comment', 'Give the reason for cancelling (for example "The child has left care"): it is sent to everyone invited.', 'comment');
    if (comment.length > MAX_CANCEL_COMMENT) {
      return refuse('comment-too-long', `The reason for cancelling is ${comment.length} characters, and at most ${MAX_CANCEL_COMMENT} go with the cancellation: shorten it.`, 'comment');
    }
    if (EMAIL_IN_TEXT.test(comment) || POSTCODE_IN_TEXT.test(comment)) {
      return refuse('comment-not-private',
        'The reason for cancelling is sent to everyone invited, who may be parents, carers or other agencies: leave out email addresses and postcodes, and give the reason only.', 'comment');
    }
    // A series that has ceased (the child left care) may still have its meeting to cancel (OX-S04).
    const loaded = await loadAny(request);
    if (isRefusal(loaded)) return loaded;
    const { state } = loaded;
    const last = state.cancellations.at(-1);
    if (state.booking === null && last !== undefined && last.comment === comment) {
      return { ok: true, outcome: 'already-cancelled', kind: state.kind, reference: state.reference, start: last.start, end: last.end, version: state.version };
    }
    const command: ReviewSeriesCommand = { type: 'cancel-booking', kind: state.kind, reference: state.reference, actor: actorId, comment };
    const outcome = await handleCommand(db, model, loaded.streamId, command, { clock, ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }) });
    if (!outcome.ok) {
      logger?.info('review.cancel_refused', { reference: state.reference, kind: state.kind, userId: actorId, code: outcome.refusal.code });
      return domainRefusal(outcome.refusal);
    }
    const cancelled = outcome.state!.cancellations.at(-1)!;
    logger?.info('review.cancelled', { reference: state.reference, kind: state.kind, userId: actorId, version: outcome.version });
    return { ok: true, outcome: 'cancelled', kind: state.kind, reference: state.reference, start: cancelled.start, end: cancelled.end, version: outcome.version };
  }

  return { findSlots, describeReview, bookReview, rearrangeReview, cancelReview, mayBook, mayActOn };
}
