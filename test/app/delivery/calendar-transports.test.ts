import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EFFECT_KINDS, type CalendarCancelPayload, type CalendarCreatePayload, type CalendarUpdatePayload } from '../../../app/delivery/messages.js';
import { createDeliveryTransport, type DeliveryOptions } from '../../../app/delivery/transports.js';
import { createLogger } from '../../../app/log.js';
import { createFileCalendar, readMeeting } from '../../../graph/calendar.js';
import type { OutboxRecord } from '../../../store/outbox.js';

const ORGANISER = 'priya.okonjo@northmoor.example';
let nextId = 1;

function effect(kind: string, payload: unknown, key = `review:LCS-104233/booking-${nextId}`): OutboxRecord {
  return {
    id: nextId++, idempotencyKey: key, streamId: 'review:LCS-104233', destination: 'calendar:review:LCS-104233', tenant: '', kind, payload,
    status: 'pending', attempts: 0, ambiguousAttempts: 0, nextAttemptAt: new Date(), claimedBy: null, leaseUntil: null, fencingToken: 1,
    lastError: null, receipt: null, deliveredAt: null,
  };
}

describe('app/delivery: calendar effects by kind (create, update, cancel)', () => {
  let dir: string;
  let known: string | undefined;
  let deliver: ReturnType<typeof createDeliveryTransport>;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'resolve-calendar-transport-'));
    known = undefined;
    const unused = async () => { throw new Error('not used here'); };
    const options: DeliveryOptions = {
      composers: {},
      teams: { send: unused, sendToChat: unused },
      installer: { ensurePersonalChat: unused },
      mail: { send: unused },
      emailOf: async () => undefined,
      calendar: createFileCalendar({ dir: path.join(dir, 'outbox-calendar') }),
      calendarEvents: { review: async () => known },
      logger: createLogger({ write: () => undefined }),
    };
    deliver = createDeliveryTransport(options);
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const create: CalendarCreatePayload = {
    topic: 'review', stream: 'review:LCS-104233',
    request: {
      organiser: ORGANISER, subject: 'Review meeting LCS-104233', html: '<p>Review meeting for LCS-104233.</p>',
      start: '2026-12-08T10:00:00.000Z', end: '2026-12-08T11:30:00.000Z', attendees: [{ email: 'samira.haddad@northmoor.example' }],
    },
  };

  it('a create books the meeting and its receipt names the event; the update and cancel that follow act on that event', async () => {
    const created = await deliver(effect(EFFECT_KINDS.calendarCreate, create, 'review:LCS-104233/book-1'));
    assert.equal(created.outcome, 'delivered');
    known = created.outcome === 'delivered' ? (JSON.parse(created.receipt ?? '{}') as { eventId: string }).eventId : undefined;
    assert.ok(known);

    const move: CalendarUpdatePayload = { topic: 'review', stream: 'review:LCS-104233', change: { organiser: ORGANISER, start: '2026-12-09T13:00:00.000Z', end: '2026-12-09T14:30:00.000Z' } };
    assert.equal((await deliver(effect(EFFECT_KINDS.calendarUpdate, move))).outcome, 'delivered');
    const cancel: CalendarCancelPayload = { topic: 'review', stream: 'review:LCS-104233', organiser: ORGANISER, comment: 'The child has left care.' };
    assert.equal((await deliver(effect(EFFECT_KINDS.calendarCancel, cancel))).outcome, 'delivered');

    const files = (await readdir(path.join(dir, 'outbox-calendar'))).filter((f) => f.endsWith('.ics')).sort();
    assert.equal(files.length, 3, files.join(', '));
    const meetings = await Promise.all(files.map(async (f) => readMeeting(await readFile(path.join(dir, 'outbox-calendar', f), 'utf8'))));
    assert.deepEqual(meetings.map((m) => m.sequence), [0, 1, 2]);
    assert.equal(new Set(meetings.map((m) => m.uid)).size, 1, 'one meeting, one UID');
    assert.equal(meetings[1]!.start.toISOString(), '2026-12-09T13:00:00.000Z');
    assert.equal(meetings[2]!.method, 'CANCEL');
  });

  it('an update whose meeting is not created yet waits (retry), it is not lost; a damaged payload is rejected, saying so', async () => {
    const move: CalendarUpdatePayload = { topic: 'review', stream: 'review:LCS-104233', change: { organiser: ORGANISER, start: '2026-12-09T13:00:00.000Z', end: '2026-12-09T14:30:00.000Z' } };
    const waiting = await deliver(effect(EFFECT_KINDS.calendarUpdate, move));
    assert.equal(waiting.outcome, 'retry');
    assert.match(waiting.outcome === 'retry' ? waiting.error : '', /not been created in the calendar yet/);
    const damaged = await deliver(effect(EFFECT_KINDS.calendarCancel, { topic: 'review', stream: 'review:LCS-104233' }));
    assert.deepEqual(damaged, { outcome: 'rejected', error: 'the effect is not a calendar cancellation' });
    const noOwner = await deliver(effect(EFFECT_KINDS.calendarUpdate, { ...move, topic: 'nobody' }));
    assert.equal(noOwner.outcome, 'rejected');
  });
});
