/**
 * Reviews in Outlook over the Bot Framework protocol: an administrator adds a child to the review
 * register from chat, types "due", finds times, books one, and the meeting reaches the (file)
 * calendar as an .ics with the right time; then moves it with a reason, and cancels it.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadReviewSeries } from '../../app/reviews/model.js';
import { readMeeting } from '../../graph/calendar.js';
import { GraphRequestError } from '../../graph/client.js';
import { actionsIn, invokeCard, invokeMessage } from './card-queries.js';
import { cardsIn, type JsonObject } from './recording-connector.js';
import { startBotHarness, type BotHarness } from './harness.js';

const ADMIN = 'a398d022-d435-4df4-8322-905089933837'; // Lorna Pike, business support
const IRO = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // Priya Okonjo, IRO
const WORKER = '3c3ae353-fb14-428e-90b4-01a6c1cc0aff'; // Samira Haddad, social worker
const REFERENCE = 'LCS-104900';

/** The data of the first Action.Execute with this verb on a card. */
function dataOf(card: unknown, verb: string): JsonObject {
  const action = actionsIn(card).find((a) => a.verb === verb);
  assert.ok(action, `the card offers ${verb}: ${actionsIn(card).map((a) => a.verb).join(', ')}`);
  return action.data as JsonObject;
}

async function meetings(bot: BotHarness) {
  const dir = path.join(bot.calendarDir, 'outbox-calendar');
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.ics')).sort();
  return Promise.all(files.map(async (f) => readMeeting(await readFile(path.join(dir, f), 'utf8'))));
}

describe('bot: reviews in Outlook (an administrator in chat)', function () {
  this.timeout(60_000);
  let bot: BotHarness;

  before(async () => {
    bot = await startBotHarness({ cases: true });
    // The IRO is busy all of Monday 23 and Tuesday 24 November 2026 (her own calendar, read locally).
    await mkdir(path.join(bot.calendarDir, 'calendars'), { recursive: true });
    await writeFile(path.join(bot.calendarDir, 'calendars', 'priya.okonjo@northmoor.example.ics'), [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN',
      'BEGIN:VEVENT', 'UID:busy-1@test', 'DTSTAMP:20261101T000000Z', 'DTSTART:20261123T080000Z', 'DTEND:20261124T180000Z', 'SUMMARY:Busy', 'END:VEVENT',
      'END:VCALENDAR', '',
    ].join('\r\n'));
  });
  after(async () => bot?.close());

  it('"add review" opens the register form; an event that does not exist on the calendar comes back on the form, saying what is wrong; a good one is recorded', async () => {
    await bot.say(ADMIN, 'add review');
    const form = cardsIn(bot.sentTo(ADMIN).at(-1)!.activity)[0];
    assert.match(JSON.stringify(form), /Add to the review register/);
    const bad = await bot.invoke(ADMIN, 'reviewRecordSubmit', { reference: REFERENCE, kind: 'looked-after', event: 'became-looked-after', date: '2026-02-30', officerId: IRO, workerId: WORKER });
    assert.match(JSON.stringify(invokeCard(bad.body)), /2026-02-30.*is not a real date/);
    const good = await bot.invoke(ADMIN, 'reviewRecordSubmit', { reference: REFERENCE, kind: 'looked-after', event: 'became-looked-after', date: '2026-11-16', officerId: IRO, workerId: WORKER });
    assert.match(JSON.stringify(invokeCard(good.body)), /LCS-104900: recorded/);
    const again = await bot.invoke(ADMIN, 'reviewRecordSubmit', { reference: REFERENCE, kind: 'looked-after', event: 'became-looked-after', date: '2026-11-16', officerId: IRO, workerId: WORKER });
    assert.match(JSON.stringify(invokeCard(again.body)), /recorded already; nothing changed/);
  });

  it('OX-R02: "due" lists the initial review (20 working days from Monday 16 November: Monday 14 December) with the rule and a Find times button', async () => {
    await bot.say(ADMIN, 'due');
    const card = cardsIn(bot.sentTo(ADMIN).at(-1)!.activity)[0];
    const text = JSON.stringify(card);
    assert.match(text, /LCS-104900/);
    assert.match(text, /Monday 14 December 2026/);
    assert.match(text, /OX-R02/);
    assert.deepEqual(dataOf(card, 'reviewSlots'), { reference: REFERENCE, kind: 'looked-after' });
  });

  it('someone who is neither business support nor a reviewing officer is told so, and shown nothing', async () => {
    await bot.say(WORKER, 'due');
    const last = bot.textsTo(WORKER).at(-1) ?? '';
    assert.match(last, /business support and reviewing officers/);
    assert.doesNotMatch(JSON.stringify(bot.sentTo(WORKER).at(-1)!.activity), /LCS-104900/);
  });

  it('a reviewing officer acts only on the series they are recorded on: another officer typing or forging the reference sees no attendees and moves nothing', async () => {
    const OTHER_OFFICER = 'e179f773-a6e0-43c0-9514-b7dde2ad0478'; // Marcus Oduya, FIRO
    for (const [verb, data] of [
      ['reviewSlots', { reference: REFERENCE, kind: 'looked-after' }],
      ['reviewBook', { reference: REFERENCE, kind: 'looked-after', start: '2026-12-01T10:00:00Z', end: '2026-12-01T11:30:00Z' }],
      ['reviewCancel', { reference: REFERENCE, kind: 'looked-after', cancelReason: 'other' }],
    ] as const) {
      const reply = invokeMessage((await bot.invoke(OTHER_OFFICER, verb, data)).body);
      assert.match(reply, /held by another reviewing officer/, verb);
      assert.doesNotMatch(reply, /samira|priya/i, `${verb}: no attendee is named`);
    }
  });

  it('§8.5, OX-S03: the times offered are working days within 09:00-17:00 London, 90 minutes, free for the IRO, by the latest meeting date; booking one puts it in Outlook (an .ics locally) at that time', async () => {
    const slots = invokeCard((await bot.invoke(ADMIN, 'reviewSlots', { reference: REFERENCE, kind: 'looked-after' })).body);
    const offers = actionsIn(slots).filter((a) => a.verb === 'reviewBook').map((a) => a.data as { start: string; end: string });
    assert.equal(offers.length, 3, JSON.stringify(slots).slice(0, 400));
    for (const offer of offers) {
      const start = new Date(offer.start);
      assert.equal(new Date(offer.end).getTime() - start.getTime(), 90 * 60_000);
      assert.ok(start.getTime() >= Date.parse('2026-11-24T18:00:00Z'), `${offer.start} is after the IRO's busy days`);
      assert.ok(start.getTime() <= Date.parse('2026-12-14T17:00:00Z'));
      const hour = start.getUTCHours() + start.getUTCMinutes() / 60; // GMT in November: London = UTC
      assert.ok(hour >= 9 && hour + 1.5 <= 17, `${offer.start} is within working hours`);
      assert.ok(![0, 6].includes(start.getUTCDay()), `${offer.start} is a weekday`);
    }

    const chosen = offers[0]!;
    const booked = invokeCard((await bot.invoke(ADMIN, 'reviewBook', { reference: REFERENCE, kind: 'looked-after', ...chosen })).body);
    assert.match(JSON.stringify(booked), /Booked/);
    const twice = invokeCard((await bot.invoke(ADMIN, 'reviewBook', { reference: REFERENCE, kind: 'looked-after', ...chosen })).body);
    assert.match(JSON.stringify(twice), /booked already: nothing was changed/);

    await bot.deliver();
    const written = await meetings(bot);
    assert.equal(written.length, 1, 'one meeting, however many clicks');
    assert.equal(written[0]!.start.toISOString(), new Date(chosen.start).toISOString());
    assert.equal(written[0]!.organiser, 'priya.okonjo@northmoor.example');
    assert.match(written[0]!.subject, /^Review meeting LCS-104900$/);
    assert.ok(written[0]!.attendees.some((a) => a.email === 'samira.haddad@northmoor.example'), 'the social worker is invited');

    await bot.say(ADMIN, 'due');
    assert.match(JSON.stringify(cardsIn(bot.sentTo(ADMIN).at(-1)!.activity)[0]), /Booked[^N]*December|Booked[^N]*November/);
  });

  it('OX-S01: rearranging needs a reason from the list; it moves the same meeting (SEQUENCE 1); cancelling sends METHOD:CANCEL with the comment', async () => {
    const noReason = await bot.invoke(ADMIN, 'reviewRearrangeFind', { reference: REFERENCE, kind: 'looked-after', rearrangeText: 'The SW is in court.' });
    assert.match(invokeMessage(noReason.body), /reason for rearranging is required: pick one from the list/i);
    const slots = invokeCard((await bot.invoke(ADMIN, 'reviewRearrangeFind', { reference: REFERENCE, kind: 'looked-after', rearrangeReason: 'social_worker_in_court', rearrangeText: 'The SW is in court that morning.' })).body);
    const move = actionsIn(slots).filter((a) => a.verb === 'reviewRearrange').map((a) => a.data as JsonObject).at(-1);
    assert.ok(move);
    assert.equal(move.rearrangeReason, 'social_worker_in_court');
    const moved = invokeCard((await bot.invoke(ADMIN, 'reviewRearrange', move)).body);
    assert.match(JSON.stringify(moved), /Moved, because: The social worker is needed in court/);
    await bot.deliver();

    const cancelled = invokeCard((await bot.invoke(ADMIN, 'reviewCancel', { reference: REFERENCE, kind: 'looked-after', cancelReason: 'no_longer_looked_after' })).body);
    assert.match(JSON.stringify(cancelled), /Cancelled/);
    await bot.deliver();
    const written = await meetings(bot);
    assert.deepEqual(written.map((m) => m.sequence), [0, 1, 2]);
    assert.equal(new Set(written.map((m) => m.uid)).size, 1);
    assert.equal(written[1]!.start.toISOString(), new Date(String(move.start)).toISOString());
    assert.equal(written[2]!.method, 'CANCEL');
    assert.equal(written[2]!.comment, 'This review meeting is cancelled: it is no longer needed.', 'the invitees get the fixed, neutral notice, not why');
  });

  it('OX-S01: a review held after its statutory date is recorded as late, with its reason, from the form; a reason on any other event is refused on the form', async () => {
    const held = await bot.invoke(ADMIN, 'reviewRecordSubmit', {
      reference: 'LCS-104901', kind: 'looked-after', event: 'became-looked-after', date: '2026-09-01', officerId: IRO, workerId: WORKER,
    });
    assert.match(JSON.stringify(invokeCard(held.body)), /LCS-104901: recorded/);
    const misplaced = await bot.invoke(ADMIN, 'reviewRecordSubmit', { reference: 'LCS-104901', kind: 'looked-after', event: 'placement-change', date: '2026-09-20', lateReason: 'Sickness.' });
    assert.match(JSON.stringify(invokeCard(misplaced.body)), /reason for being late is recorded for a review held only/);
    // Due by 29 September 2026 (OX-R02); held on 6 October.
    const late = await bot.invoke(ADMIN, 'reviewRecordSubmit', {
      reference: 'LCS-104901', kind: 'looked-after', event: 'review-held', date: '2026-10-06', participated: 'yes', aged4Plus: 'yes', lateReason: 'The IRO was off sick; the chair could not be covered.',
    });
    assert.match(JSON.stringify(invokeCard(late.body)), /LCS-104901: recorded/);
    const { state } = await loadReviewSeries(bot.db!, 'looked-after', 'LCS-104901');
    assert.deepEqual(state?.facts.find((f) => f.fact === 'review-held'), {
      fact: 'review-held', date: '2026-10-06', participated: true, aged4Plus: true, lateReason: 'The IRO was off sick; the chair could not be covered.',
    });
  });

  it('a damaged click (a time Resolve never offered) changes nothing and says so', async () => {
    const reply = await bot.invoke(ADMIN, 'reviewBook', { reference: REFERENCE, kind: 'looked-after', start: 'tomorrow', end: 'later' });
    assert.match(invokeMessage(reply.body), /not a time Resolve offered.*Nothing was changed/);
  });
});

describe('bot: a review meeting Outlook refuses to make (an administrator in chat)', function () {
  this.timeout(60_000);
  let bot: BotHarness;
  let refusing = true;

  before(async () => {
    bot = await startBotHarness({
      cases: true,
      deliveryCalendar: (files) => ({
        ...files,
        createEvent: async (request) => {
          if (refusing) throw new GraphRequestError('creating the event', 403, 'ErrorAccessDenied', 'Access is denied.');
          return files.createEvent(request);
        },
      }),
    });
  });
  after(async () => bot?.close());

  it('OX-S01: the booking is undone when Outlook refuses its meeting, whoever booked is told in Teams and by email, and Find a time books it again into the calendar', async () => {
    const recorded = await bot.invoke(ADMIN, 'reviewRecordSubmit', { reference: REFERENCE, kind: 'looked-after', event: 'became-looked-after', date: '2026-11-16', officerId: IRO, workerId: WORKER });
    assert.match(JSON.stringify(invokeCard(recorded.body)), /LCS-104900: recorded/);
    const offers = () => bot.invoke(ADMIN, 'reviewSlots', { reference: REFERENCE, kind: 'looked-after' }).then((r) => invokeCard(r.body));
    const first = await offers();
    assert.doesNotMatch(JSON.stringify(first), /did not make the meeting/);
    const chosen = actionsIn(first).filter((a) => a.verb === 'reviewBook').map((a) => a.data as JsonObject)[0]!;
    assert.match(JSON.stringify(invokeCard((await bot.invoke(ADMIN, 'reviewBook', { reference: REFERENCE, kind: 'looked-after', ...chosen })).body)), /Booked/);
    const cardsBefore = bot.cardsTo(ADMIN).length;
    await bot.deliver();
    assert.equal((await meetings(bot)).length, 0, 'Outlook made no meeting');

    // Whoever booked is told at once, in Teams and by email, with one click to book again.
    const notices = bot.cardsTo(ADMIN).slice(cardsBefore);
    assert.equal(notices.length, 1, 'one card to the administrator who booked');
    assert.match(JSON.stringify(notices[0]), /Review LCS-104900.*Outlook did not make the meeting, so this review is not booked/);
    const findATime = actionsIn(notices[0]!).find((a) => a.verb === 'reviewSlots');
    assert.deepEqual(findATime?.data, { reference: REFERENCE, kind: 'looked-after' });
    const mail = bot.mails.find((m) => m.subject.includes('LCS-104900'));
    assert.equal(mail?.subject, 'Resolve: review LCS-104900 is not booked: Outlook did not make the meeting');
    assert.match(mail!.text ?? '', /Nobody was invited/);

    // "due" says it too, where the administrator looks each morning.
    const dueNow = () => bot.invoke(ADMIN, 'reviewsDue', {}).then((r) => JSON.stringify(invokeCard(r.body)));
    assert.match(await dueNow(), /LCS-104900[^]*No: Outlook did not make the last booking[^]*choose a time to book it again/);

    const after = invokeCard((await bot.invoke(ADMIN, 'reviewSlots', findATime!.data as JsonObject)).body);
    assert.match(JSON.stringify(after), /Outlook did not make the meeting for the last booking, so this review is not booked: choose a time to book it again\./);
    refusing = false;
    const again = actionsIn(after).filter((a) => a.verb === 'reviewBook').map((a) => a.data as JsonObject)[0]!;
    assert.match(JSON.stringify(invokeCard((await bot.invoke(ADMIN, 'reviewBook', { reference: REFERENCE, kind: 'looked-after', ...again })).body)), /Booked/);
    await bot.deliver();
    assert.equal((await meetings(bot)).length, 1, 'booked again: the meeting is in the calendar');
    assert.doesNotMatch(JSON.stringify(await offers()), /did not make the meeting/);
    assert.doesNotMatch(await dueNow(), /did not make/);
  });
});
