/**
 * iCalendar (RFC 5545) through ical.js: the meeting files Resolve writes in local mode (iTIP
 * REQUEST and CANCEL, RFC 5546), and the busy times in any calendar file, with recurrence.
 *
 * Times are read as follows: UTC as given; a TZID the file defines in a VTIMEZONE (as Outlook
 * exports write "GMT Standard Time") by that definition; a TZID with no VTIMEZONE as an IANA or
 * Windows zone name; floating times and all-day dates in Europe/London. An all-day event is busy
 * from midnight to midnight, London time, unless it is marked free.
 */
import ICAL from 'ical.js';
import { instantOf } from '../time.js';
import type { Attendee, BusyInterval, FreeBusyStatus } from './types.js';

export const LOCAL_ZONE = 'Europe/London';
/** Occurrences expanded per recurring event at most: enough for a daily meeting over decades. */
const MAX_OCCURRENCES = 20_000;
/** An exception may move an occurrence; look this far past the window for ones moved into it. */
const MOVED_OCCURRENCE_SLACK_MS = 31 * 24 * 60 * 60 * 1000;

/** One state of a meeting Resolve booked: what one file in outbox-calendar says. */
export interface IcsMeeting {
  readonly uid: string;
  /** 0 for the booking, raised by one on each change. */
  readonly sequence: number;
  readonly method: 'REQUEST' | 'CANCEL';
  readonly stamp: Date;
  readonly organiser: string;
  readonly subject: string;
  readonly description: string;
  readonly location?: string;
  readonly start: Date;
  readonly end: Date;
  readonly attendees: readonly Attendee[];
  /** The reason given with a cancellation. */
  readonly comment?: string;
}

export interface BusyBlock extends BusyInterval {
  readonly uid: string;
}

/** Folds a content line at 75 octets, continuation lines included (RFC 5545 §3.1). */
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

const unfold = (text: string) => text.replace(/\r?\n[ \t]/g, '');
const utc = (at: Date) => ICAL.Time.fromJSDate(at, true);
const mailto = (address: string) => `mailto:${address}`;
const addressOf = (value: unknown) => String(value ?? '').replace(/^mailto:/i, '').trim().toLowerCase();
const upper = (value: unknown) => (typeof value === 'string' ? value.toUpperCase() : '');
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** HTML as the one-paragraph plain text an .ics DESCRIPTION carries. */
export const plainText = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();

/** The meeting as an iTIP message: METHOD:REQUEST for a booking or change, METHOD:CANCEL to cancel. */
export function composeIcs(meeting: IcsMeeting): string {
  const calendar = new ICAL.Component(['vcalendar', [], []]);
  calendar.addPropertyWithValue('prodid', '-//Resolve//Review booking//EN');
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('calscale', 'GREGORIAN');
  calendar.addPropertyWithValue('method', meeting.method);

  const event = new ICAL.Component('vevent');
  event.addPropertyWithValue('uid', meeting.uid);
  event.addPropertyWithValue('sequence', meeting.sequence);
  event.addPropertyWithValue('dtstamp', utc(meeting.stamp));
  event.addPropertyWithValue('dtstart', utc(meeting.start));
  event.addPropertyWithValue('dtend', utc(meeting.end));
  event.addPropertyWithValue('summary', meeting.subject);
  event.addPropertyWithValue('description', meeting.description);
  if (meeting.location !== undefined) event.addPropertyWithValue('location', meeting.location);
  if (meeting.comment !== undefined) event.addPropertyWithValue('comment', meeting.comment);
  event.addPropertyWithValue('status', meeting.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED');
  event.addPropertyWithValue('transp', 'OPAQUE');
  event.addPropertyWithValue('organizer', mailto(meeting.organiser));
  for (const attendee of meeting.attendees) {
    const property = new ICAL.Property('attendee');
    property.setParameter('cutype', 'INDIVIDUAL');
    property.setParameter('role', attendee.type === 'optional' ? 'OPT-PARTICIPANT' : 'REQ-PARTICIPANT');
    property.setParameter('partstat', 'NEEDS-ACTION');
    property.setParameter('rsvp', meeting.method === 'CANCEL' ? 'FALSE' : 'TRUE');
    property.setValue(mailto(attendee.email));
    event.addProperty(property);
  }
  calendar.addSubcomponent(event);
  // ical.js folds continuation lines one octet long; unfold and fold again to the letter of §3.1.
  return unfold(calendar.toString()).split(/\r?\n/).map(fold).join('\r\n') + '\r\n';
}

function rootsOf(source: string): ICAL.Component[] {
  const parsed = ICAL.parse(source) as unknown[];
  const list = typeof parsed[0] === 'string' ? [parsed] : parsed;
  return list.map((jCal) => new ICAL.Component(jCal as unknown[]));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The instant an ical.js time names; `tzid` is the TZID its property was written with. */
function instantOfTime(time: ICAL.Time, tzid: string | undefined): Date {
  if (!time.isDate && time.zone !== undefined && time.zone.tzid !== 'floating') return new Date(time.toUnixTime() * 1000);
  const local = `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}T${time.isDate ? '00:00:00' : `${pad(time.hour)}:${pad(time.minute)}:${pad(time.second)}`}`;
  const zone = time.isDate ? LOCAL_ZONE : (tzid ?? LOCAL_ZONE);
  try {
    return instantOf({ dateTime: local, timeZone: zone });
  } catch {
    throw new Error(`the time zone "${zone}" is neither defined in the file (VTIMEZONE) nor a known zone name`);
  }
}

function tzidOf(component: ICAL.Component, name: 'dtstart' | 'dtend'): string | undefined {
  const property = component.getFirstProperty(name) ?? component.getFirstProperty('dtstart');
  const tzid = property?.getParameter('tzid');
  return typeof tzid === 'string' ? tzid : undefined;
}

function timeOf(component: ICAL.Component, name: 'dtstart' | 'dtend' | 'dtstamp'): Date | undefined {
  const value = component.getFirstPropertyValue(name);
  return value instanceof ICAL.Time ? instantOfTime(value, name === 'dtstamp' ? undefined : tzidOf(component, name)) : undefined;
}

/** How an event shows in its calendar for `person`; undefined when it leaves them free. */
function statusOf(component: ICAL.Component, person: string | undefined): FreeBusyStatus | undefined {
  const status = upper(component.getFirstPropertyValue('status'));
  if (status === 'CANCELLED') return undefined;
  if (upper(component.getFirstPropertyValue('transp')) === 'TRANSPARENT') return undefined;
  if (person !== undefined) {
    const mine = component.getAllProperties('attendee').find((p) => addressOf(p.getFirstValue()) === person);
    if (mine !== undefined && upper(mine.getParameter('partstat')) === 'DECLINED') return undefined;
  }
  switch (upper(component.getFirstPropertyValue('x-microsoft-cdo-busystatus'))) {
    case 'FREE':
      return undefined;
    case 'TENTATIVE':
      return 'tentative';
    case 'OOF':
      return 'oof';
    case 'WORKINGELSEWHERE':
      return 'workingElsewhere';
    case 'BUSY':
      return 'busy';
  }
  return status === 'TENTATIVE' ? 'tentative' : 'busy';
}

/**
 * The busy times in a calendar file that overlap [from, to): every VEVENT and each occurrence of
 * its RRULE / RDATE (less EXDATEs, with RECURRENCE-ID exceptions applied), except those that are
 * STATUS:CANCELLED, TRANSP:TRANSPARENT, shown as free, or declined by `person`. Throws, naming
 * the fault, when the file is not iCalendar.
 */
export function busyFromIcs(source: string, window: { readonly from: Date; readonly to: Date; readonly person?: string }): BusyBlock[] {
  const person = window.person?.toLowerCase();
  const from = window.from.getTime();
  const to = window.to.getTime();
  const found: BusyBlock[] = [];
  const add = (component: ICAL.Component, start: Date, end: Date, uid: string) => {
    const status = statusOf(component, person);
    if (status !== undefined && end > start && end.getTime() > from && start.getTime() < to) found.push({ uid, start, end, status });
  };

  for (const root of rootsOf(source)) {
    const byUid = new Map<string, { master?: ICAL.Component; exceptions: ICAL.Component[] }>();
    for (const component of root.getAllSubcomponents('vevent')) {
      const uid = text(component.getFirstPropertyValue('uid')) ?? `no-uid-${byUid.size}`;
      const entry = byUid.get(uid) ?? { exceptions: [] };
      if (component.hasProperty('recurrence-id')) entry.exceptions.push(component);
      else entry.master = component;
      byUid.set(uid, entry);
    }
    for (const [uid, { master, exceptions }] of byUid) {
      if (master === undefined) {
        // Exceptions whose series is not in the file: each stands alone.
        for (const e of exceptions) {
          const event = new ICAL.Event(e);
          add(e, instantOfTime(event.startDate, tzidOf(e, 'dtstart')), instantOfTime(event.endDate, tzidOf(e, 'dtend')), uid);
        }
        continue;
      }
      const event = new ICAL.Event(master, { exceptions, strictExceptions: false });
      if (!event.isRecurring()) {
        add(master, instantOfTime(event.startDate, tzidOf(master, 'dtstart')), instantOfTime(event.endDate, tzidOf(master, 'dtend')), uid);
        continue;
      }
      const seriesZone = tzidOf(master, 'dtstart');
      const iterator = event.iterator();
      for (let n = 0, next = iterator.next(); next && n < MAX_OCCURRENCES; n++, next = iterator.next()) {
        if (instantOfTime(next, seriesZone).getTime() >= to + MOVED_OCCURRENCE_SLACK_MS) break;
        const details = event.getOccurrenceDetails(next);
        const item = details.item?.component ?? master;
        // An occurrence of the series ends its duration after it starts, in the start's zone;
        // an exception carries its own DTEND.
        const endZone = item === master ? seriesZone : tzidOf(item, 'dtend');
        add(item, instantOfTime(details.startDate, tzidOf(item, 'dtstart')), instantOfTime(details.endDate, endZone), uid);
      }
    }
  }
  return found.sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** The meeting one of Resolve's own files describes (its first VEVENT). */
export function readMeeting(source: string): IcsMeeting {
  const root = rootsOf(source)[0];
  const event = root?.getFirstSubcomponent('vevent');
  if (!root || !event) throw new Error('there is no VEVENT in it');
  const uid = text(event.getFirstPropertyValue('uid'));
  const start = timeOf(event, 'dtstart');
  const end = timeOf(event, 'dtend');
  if (uid === undefined || start === undefined || end === undefined) throw new Error('its VEVENT lacks a UID, DTSTART or DTEND');
  const cancelled = upper(root.getFirstPropertyValue('method')) === 'CANCEL' || upper(event.getFirstPropertyValue('status')) === 'CANCELLED';
  const sequence = event.getFirstPropertyValue('sequence');
  const location = text(event.getFirstPropertyValue('location'));
  const comment = text(event.getFirstPropertyValue('comment'));
  return {
    uid,
    sequence: typeof sequence === 'number' ? sequence : 0,
    method: cancelled ? 'CANCEL' : 'REQUEST',
    stamp: timeOf(event, 'dtstamp') ?? new Date(0),
    organiser: addressOf(event.getFirstPropertyValue('organizer')),
    subject: text(event.getFirstPropertyValue('summary')) ?? '',
    description: text(event.getFirstPropertyValue('description')) ?? '',
    ...(location !== undefined && { location }),
    start,
    end,
    attendees: event.getAllProperties('attendee').map((p) => ({
      email: addressOf(p.getFirstValue()),
      type: upper(p.getParameter('role')) === 'OPT-PARTICIPANT' ? ('optional' as const) : ('required' as const),
    })),
    ...(comment !== undefined && { comment }),
  };
}
