/**
 * Calendars for booking reviews. Graph's findMeetingTimes is delegated-only, so Resolve reads
 * free/busy with `getSchedule` (app-only; at most 20 schedules and under 62 days a call; larger
 * questions are split here and the answers merged) and chooses slots itself. Events are created
 * with a `transactionId`, so a retried create makes one event. Locally, events are `.ics` files
 * in `DATA_DIR/outbox-calendar/`, and those files are the local free/busy.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { InvalidInputError } from '../domain/errors.js';
import { callGraph } from './client.js';
import { outboxFileName } from './mail.js';
import { assertOpaqueSubject } from './privacy.js';
import { instantOf, utcDateTime, type DateTimeTimeZone } from './time.js';

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
  readonly busy: readonly BusyInterval[];
  /** Set when Graph could not read this schedule (e.g. no mailbox); treat as unknown. */
  readonly error?: string;
}

export interface ScheduleQuery {
  readonly schedules: readonly string[];
  readonly from: Date;
  readonly to: Date;
  readonly intervalMinutes?: number;
}

export interface EventRequest {
  /** The mailbox whose calendar holds the event (the booking officer or a shared mailbox). */
  readonly organiser: string;
  /** Opaque case reference and the kind of meeting only. */
  readonly subject: string;
  readonly html: string;
  readonly text?: string;
  readonly start: Date;
  readonly end: Date;
  readonly attendees: readonly { readonly email: string; readonly type?: 'required' | 'optional' }[];
  readonly location?: string;
  /** Stable per booking (the outbox key): Graph makes one event per transactionId. */
  readonly transactionId: string;
}

export interface CreatedEvent {
  readonly id: string;
  readonly via: 'graph' | 'file';
  readonly webLink?: string;
  readonly file?: string;
}

export interface Calendar {
  getSchedule(query: ScheduleQuery): Promise<Availability[]>;
  createEvent(event: EventRequest): Promise<CreatedEvent>;
}

const email = z.string().trim().email('is not an email address');
const querySchema = z
  .object({
    schedules: z.array(email).min(1, 'name at least one person'),
    from: z.date({ invalid_type_error: 'must be a date-time' }),
    to: z.date({ invalid_type_error: 'must be a date-time' }),
    intervalMinutes: z.number().int().min(5).max(1440).optional(),
  })
  .refine((q) => q.from < q.to, { message: 'must be after "from"', path: ['to'] });
const eventSchema = z
  .object({
    organiser: email,
    subject: z.string(),
    html: z.string(),
    start: z.date({ invalid_type_error: 'must be a date-time' }),
    end: z.date({ invalid_type_error: 'must be a date-time' }),
    attendees: z.array(z.object({ email, type: z.enum(['required', 'optional']).optional() })),
    transactionId: z.string().trim().min(1, 'give the booking its outbox key').max(200),
  })
  .refine((e) => e.start < e.end, { message: 'must be after the start', path: ['end'] });

function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): void {
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

function merge(query: ScheduleQuery, answers: Availability[]): Availability[] {
  return query.schedules.map((schedule) => {
    const mine = answers.filter((a) => a.schedule.toLowerCase() === schedule.toLowerCase());
    const error = mine.find((a) => a.error !== undefined)?.error;
    const busy = mine.flatMap((a) => a.busy).sort((a, b) => a.start.getTime() - b.start.getTime());
    return { schedule, busy, ...(error !== undefined && { error }) };
  });
}

const STATUSES: Readonly<Record<string, FreeBusyStatus>> = {
  free: 'free',
  tentative: 'tentative',
  busy: 'busy',
  oof: 'oof',
  workingelsewhere: 'workingElsewhere',
};

interface GraphScheduleInformation {
  scheduleId: string;
  scheduleItems?: { status: string; start: DateTimeTimeZone; end: DateTimeTimeZone }[];
  error?: { message?: string; responseCode?: string };
}

export function createGraphCalendar(options: { readonly client: Client; readonly mailbox: string }): Calendar {
  const { client, mailbox } = options;
  return {
    async getSchedule(query) {
      validate(querySchema, query, 'free/busy question');
      const answers: Availability[] = [];
      for (const part of splitScheduleQuery(query)) {
        const result = await callGraph('reading free/busy', () =>
          client
            .api(`/users/${encodeURIComponent(mailbox)}/calendar/getSchedule`)
            .header('Prefer', 'outlook.timezone="UTC"')
            .post({ schedules: part.schedules, startTime: utcDateTime(part.from), endTime: utcDateTime(part.to), availabilityViewInterval: part.intervalMinutes ?? 30 }) as Promise<{
            value: GraphScheduleInformation[];
          }>,
        );
        for (const info of result.value) {
          answers.push({
            schedule: info.scheduleId,
            busy: (info.scheduleItems ?? [])
              .map((item) => ({ start: instantOf(item.start), end: instantOf(item.end), status: STATUSES[item.status.toLowerCase()] ?? 'unknown' }))
              .filter((item) => item.status !== 'free'),
            ...(info.error && { error: info.error.message ?? info.error.responseCode ?? 'unreadable schedule' }),
          });
        }
      }
      return merge(query, answers);
    },

    async createEvent(event) {
      validate(eventSchema, event, 'calendar event');
      assertOpaqueSubject(event.subject, 'event subject');
      const created = await callGraph('creating a calendar event', () =>
        client.api(`/users/${encodeURIComponent(event.organiser)}/events`).post({
          subject: event.subject,
          body: { contentType: 'HTML', content: event.html },
          start: utcDateTime(event.start),
          end: utcDateTime(event.end),
          attendees: event.attendees.map((a) => ({ emailAddress: { address: a.email }, type: a.type ?? 'required' })),
          ...(event.location !== undefined && { location: { displayName: event.location } }),
          allowNewTimeProposals: true,
          transactionId: event.transactionId,
        }) as Promise<{ id: string; webLink?: string }>,
      );
      return { id: created.id, via: 'graph', ...(created.webLink !== undefined && { webLink: created.webLink }) };
    },
  };
}

// --- local mode: iCalendar (RFC 5545) files ---------------------------------------------------

const icsTime = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const parseIcsTime = (s: string) => new Date(s.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
const icsText = (s: string) => s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');

/** Folds a content line at 75 octets, as RFC 5545 §3.1 requires. */
function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  for (const ch of line) {
    const limit = out.length === 0 ? 75 : 74;
    if (Buffer.byteLength(current + ch, 'utf8') > limit) {
      out.push(current);
      current = '';
    }
    current += ch;
  }
  out.push(current);
  return out.join('\r\n ');
}

export function composeIcs(event: EventRequest, stamp: Date): string {
  const description = event.text ?? event.html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Resolve//Review booking//EN',
    'METHOD:REQUEST',
    'BEGIN:VEVENT',
    `UID:${icsText(event.transactionId)}@resolve.local`,
    `DTSTAMP:${icsTime(stamp)}`,
    `DTSTART:${icsTime(event.start)}`,
    `DTEND:${icsTime(event.end)}`,
    `SUMMARY:${icsText(event.subject)}`,
    `DESCRIPTION:${icsText(description)}`,
    ...(event.location !== undefined ? [`LOCATION:${icsText(event.location)}`] : []),
    `ORGANIZER:mailto:${event.organiser}`,
    ...event.attendees.map((a) => `ATTENDEE;ROLE=${a.type === 'optional' ? 'OPT-PARTICIPANT' : 'REQ-PARTICIPANT'};RSVP=TRUE:mailto:${a.email}`),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}

/** The start, end and people of each VEVENT in a file Resolve wrote. */
function readIcs(text: string): { start: Date; end: Date; people: string[] }[] {
  const unfolded = text.replace(/\r\n[ \t]/g, '');
  return unfolded
    .split('BEGIN:VEVENT')
    .slice(1)
    .map((block) => ({
      start: parseIcsTime(/^DTSTART:(\S+)/m.exec(block)?.[1] ?? ''),
      end: parseIcsTime(/^DTEND:(\S+)/m.exec(block)?.[1] ?? ''),
      people: [...block.matchAll(/^(?:ORGANIZER|ATTENDEE)[^:\r\n]*:mailto:(\S+)/gm)].map((m) => m[1]!.toLowerCase()),
    }));
}

export function createFileCalendar(options: { readonly dir: string; readonly now?: () => Date }): Calendar {
  const now = options.now ?? (() => new Date());
  return {
    async getSchedule(query) {
      validate(querySchema, query, 'free/busy question');
      const files = await readdir(options.dir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? [] : Promise.reject(e)));
      const events = (await Promise.all(files.filter((f) => f.endsWith('.ics')).map((f) => readFile(path.join(options.dir, f), 'utf8')))).flatMap(readIcs);
      return query.schedules.map((schedule) => ({
        schedule,
        busy: events
          .filter((e) => e.people.includes(schedule.toLowerCase()) && e.start < query.to && e.end > query.from)
          .map((e) => ({ start: e.start, end: e.end, status: 'busy' as const }))
          .sort((a, b) => a.start.getTime() - b.start.getTime()),
      }));
    },

    async createEvent(event) {
      validate(eventSchema, event, 'calendar event');
      assertOpaqueSubject(event.subject, 'event subject');
      await mkdir(options.dir, { recursive: true });
      const file = path.join(options.dir, outboxFileName(event.transactionId, 'ics'));
      try {
        await writeFile(file, composeIcs(event, now()), { flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      return { id: `${event.transactionId}@resolve.local`, via: 'file', file };
    },
  };
}
