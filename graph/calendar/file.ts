/**
 * The calendar without Microsoft 365 (GRAPH_MODE=local).
 *
 * Each booking, move and cancellation is a new iTIP file in `DATA_DIR/outbox-calendar/`, the way
 * each email is a new `.eml` in `outbox-mail/`: `<booking>.000.ics` (METHOD:REQUEST, SEQUENCE 0),
 * `<booking>.001.ics` for the first change, and so on, with METHOD:CANCEL for a cancellation. All
 * of one meeting's files share its UID. Opened in Outlook in order (or only the newest), each one
 * updates the same meeting, and a cancellation removes it; an older file opened after a newer one
 * is out of date and changes nothing. Files are never overwritten, so the folder is the history.
 *
 * Free/busy is a person's own calendar, `DATA_DIR/calendars/<email>.ics` when it exists, plus the
 * newest state of every meeting in outbox-calendar they organise or are invited to (a cancelled
 * one leaves them free). Where the person's file holds a copy of one of Resolve's meetings (same
 * UID: an imported invitation), Resolve's own newest file is taken instead.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '../../domain/errors.js';
import { outboxFileName } from '../mail.js';
import { assertOpaqueSubject } from '../privacy.js';
import { busyFromIcs, composeIcs, plainText, readMeeting, type IcsMeeting } from './ics.js';
import {
  applyBodyEdit,
  cancellationSchema,
  changeSchema,
  eventSchema,
  querySchema,
  tidyBusy,
  validate,
  type Attendee,
  type Availability,
  type BusyInterval,
  type Calendar,
  type EventChange,
} from './types.js';

const UID_DOMAIN = '@resolve.local';
const WRITE_ATTEMPTS = 5;

export interface FileCalendarOptions {
  /** Where meeting files are written: `DATA_DIR/outbox-calendar`. */
  readonly dir: string;
  /** People's own calendars, `<email>.ics` each; by default `calendars/` beside `dir` (`DATA_DIR/calendars`). */
  readonly calendarsDir?: string;
  readonly now?: () => Date;
}

interface Stored {
  readonly meeting: IcsMeeting;
  readonly file: string;
}

/** The later of two states of one meeting: higher SEQUENCE, then later DTSTAMP, then the cancellation. */
function later(a: Stored, b: Stored): Stored {
  const x = a.meeting;
  const y = b.meeting;
  if (x.sequence !== y.sequence) return x.sequence > y.sequence ? a : b;
  if (x.stamp.getTime() !== y.stamp.getTime()) return x.stamp > y.stamp ? a : b;
  return y.method === 'CANCEL' ? b : a;
}

const sameAttendees = (a: readonly Attendee[], b: readonly Attendee[]) =>
  a.length === b.length && a.every((x, i) => x.email.toLowerCase() === b[i]!.email.toLowerCase() && (x.type ?? 'required') === (b[i]!.type ?? 'required'));

const sameMeeting = (a: IcsMeeting, b: IcsMeeting) =>
  a.start.getTime() === b.start.getTime() &&
  a.end.getTime() === b.end.getTime() &&
  a.subject === b.subject &&
  a.description === b.description &&
  a.location === b.location &&
  sameAttendees(a.attendees, b.attendees);

const people = (m: IcsMeeting) => [m.organiser, ...m.attendees.map((a) => a.email)].map((e) => e.toLowerCase());
const isMissing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function createFileCalendar(options: FileCalendarOptions): Calendar {
  const { dir } = options;
  const calendarsDir = options.calendarsDir ?? path.join(path.dirname(dir), 'calendars');
  const now = options.now ?? (() => new Date());

  /** Files of one booking: `<readable key>-<digest>.<sequence>.ics`. */
  const prefixOf = (transactionId: string) => outboxFileName(transactionId, '');
  const fileFor = (transactionId: string, sequence: number) => path.join(dir, outboxFileName(transactionId, `${String(sequence).padStart(3, '0')}.ics`));

  const listing = async () => (await readdir(dir).catch((e: unknown) => (isMissing(e) ? [] : Promise.reject(e)))).filter((f) => f.endsWith('.ics')).sort();

  async function read(file: string): Promise<Stored> {
    const full = path.join(dir, file);
    try {
      return { meeting: readMeeting(await readFile(full, 'utf8')), file: full };
    } catch (e) {
      throw new Error(`The meeting file ${full} cannot be read (${message(e)}); Resolve wrote it, so restore it from a backup or remove it.`, { cause: e });
    }
  }

  /** The newest state of each meeting in outbox-calendar, by UID. */
  async function meetings(files?: readonly string[]): Promise<Map<string, Stored>> {
    const newest = new Map<string, Stored>();
    for (const stored of await Promise.all((files ?? (await listing())).map(read))) {
      const seen = newest.get(stored.meeting.uid);
      newest.set(stored.meeting.uid, seen ? later(seen, stored) : stored);
    }
    return newest;
  }

  function transactionOf(id: string): string {
    if (!id.endsWith(UID_DOMAIN) || id.length === UID_DOMAIN.length) {
      throw new InvalidInputError(`"${id}" is not a meeting Resolve booked locally (those ids end in ${UID_DOMAIN}).`, 'id');
    }
    return id.slice(0, -UID_DOMAIN.length);
  }

  /** The booking's newest state, or a refusal saying why it cannot change. */
  async function current(id: string, organiser: string): Promise<{ readonly transactionId: string; readonly latest: Stored }> {
    const transactionId = transactionOf(id);
    const prefix = prefixOf(transactionId);
    const latest = (await meetings((await listing()).filter((f) => f.startsWith(prefix)))).get(id);
    if (latest === undefined) throw new InvalidInputError(`There is no meeting ${id} in ${dir}.`, 'id');
    if (latest.meeting.organiser !== organiser.toLowerCase()) {
      throw new InvalidInputError(`Meeting ${id} is in ${latest.meeting.organiser}'s calendar, not ${organiser}'s.`, 'organiser');
    }
    return { transactionId, latest };
  }

  /** Writes the next state as a new file; false when another writer took that sequence number first. */
  async function write(transactionId: string, meeting: IcsMeeting): Promise<string | undefined> {
    await mkdir(dir, { recursive: true });
    const file = fileFor(transactionId, meeting.sequence);
    try {
      await writeFile(file, composeIcs(meeting), { flag: 'wx' });
      return file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
      throw e;
    }
  }

  function changed(meeting: IcsMeeting, change: EventChange): IcsMeeting {
    // As in Outlook, only the sentence named is replaced; a description without it stays as it is.
    const description = change.bodyEdit === undefined ? undefined : applyBodyEdit(meeting.description, change.bodyEdit);
    return {
      ...meeting,
      method: 'REQUEST',
      sequence: meeting.sequence + 1,
      stamp: now(),
      ...(change.start !== undefined && { start: change.start }),
      ...(change.end !== undefined && { end: change.end }),
      ...(change.subject !== undefined && { subject: change.subject }),
      ...(description !== undefined && { description }),
      ...(change.location !== undefined && { location: change.location }),
      ...(change.attendees !== undefined && { attendees: change.attendees.map((a) => ({ email: a.email, type: a.type ?? 'required' })) }),
    };
  }

  async function ownBusy(person: string, from: Date, to: Date, resolveUids: ReadonlySet<string>): Promise<{ busy: BusyInterval[]; error?: string }> {
    const file = path.join(calendarsDir, `${person}.ics`);
    let source: string;
    try {
      source = await readFile(file, 'utf8');
    } catch (e) {
      if (isMissing(e)) return { busy: [] };
      return { busy: [], error: `${file} could not be read: ${message(e)}` };
    }
    try {
      return { busy: busyFromIcs(source, { from, to, person }).filter((b) => !resolveUids.has(b.uid)) };
    } catch (e) {
      return { busy: [], error: `${file} is not a calendar Resolve can read (${message(e)}); export it again as iCalendar (.ics)` };
    }
  }

  return {
    async getSchedule(query) {
      validate(querySchema, query, 'free/busy question');
      const booked = await meetings();
      const live = [...booked.values()].map((s) => s.meeting).filter((m) => m.method !== 'CANCEL' && m.start < query.to && m.end > query.from);
      const resolveUids = new Set(booked.keys());
      return Promise.all(
        query.schedules.map(async (schedule): Promise<Availability> => {
          const person = schedule.trim().toLowerCase();
          const own = await ownBusy(person, query.from, query.to, resolveUids);
          const fromResolve = live.filter((m) => people(m).includes(person)).map((m) => ({ start: m.start, end: m.end, status: 'busy' as const }));
          const busy = tidyBusy([...own.busy, ...fromResolve].map((b) => ({ start: b.start, end: b.end, status: b.status })));
          return { schedule, busy, ...(own.error !== undefined && { error: own.error }) };
        }),
      );
    },

    async createEvent(event) {
      validate(eventSchema, event, 'calendar event');
      assertOpaqueSubject(event.subject, 'event subject');
      const id = `${event.transactionId}${UID_DOMAIN}`;
      const prefix = prefixOf(event.transactionId);
      const earlier = (await listing()).find((f) => f.startsWith(prefix));
      if (earlier !== undefined) return { id, via: 'file', file: path.join(dir, earlier) };
      const meeting: IcsMeeting = {
        uid: id,
        sequence: 0,
        method: 'REQUEST',
        stamp: now(),
        organiser: event.organiser.toLowerCase(),
        subject: event.subject,
        description: event.text ?? plainText(event.html),
        ...(event.location !== undefined && { location: event.location }),
        start: event.start,
        end: event.end,
        attendees: event.attendees.map((a) => ({ email: a.email, type: a.type ?? 'required' })),
      };
      return { id, via: 'file', file: (await write(event.transactionId, meeting)) ?? fileFor(event.transactionId, 0) };
    },

    async updateEvent(change) {
      validate(changeSchema, change, 'calendar change');
      if (change.subject !== undefined) assertOpaqueSubject(change.subject, 'event subject');
      for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
        const { transactionId, latest } = await current(change.id, change.organiser);
        if (latest.meeting.method === 'CANCEL') {
          throw new InvalidInputError(`Meeting ${change.id} was cancelled (${latest.file}); book a new meeting rather than moving it.`, 'id');
        }
        const next = changed(latest.meeting, change);
        // A retried change that already stands writes nothing.
        if (sameMeeting(latest.meeting, next)) return { id: change.id, via: 'file' };
        const file = await write(transactionId, next);
        if (file !== undefined) return { id: change.id, via: 'file', file };
      }
      throw new Error(`Meeting ${change.id} kept changing while Resolve was moving it; try again.`);
    },

    async cancelEvent(cancellation) {
      validate(cancellationSchema, cancellation, 'cancellation');
      for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
        const { transactionId, latest } = await current(cancellation.id, cancellation.organiser);
        if (latest.meeting.method === 'CANCEL') return { id: cancellation.id, via: 'file', outcome: 'already-gone', file: latest.file };
        const next: IcsMeeting = {
          ...latest.meeting,
          method: 'CANCEL',
          sequence: latest.meeting.sequence + 1,
          stamp: now(),
          description: cancellation.comment,
          comment: cancellation.comment,
        };
        const file = await write(transactionId, next);
        if (file !== undefined) return { id: cancellation.id, via: 'file', outcome: 'cancelled', file };
      }
      throw new Error(`Meeting ${cancellation.id} kept changing while Resolve was cancelling it; try again.`);
    },
  };
}
