/**
 * The work around each booked review through the real store, on the controllable clock (DOMAIN
 * §4.5, §4.6, §8.4): a review booked with the register's `book` command, its task deadlines kept by
 * `reviewTaskDeadlines`, fired by the deadline dispatcher with `reviewTaskDeadlineHandler`, the
 * people found by the sample organisation's directory, and the messages queued by
 * `reviewTaskEffects`. The clock steps one calendar day at a time, to 16:59:30 and 17:00:30 London
 * time, with the dispatcher run until it claims nothing at each step.
 *
 * Until app/reviews/model.ts carries these deadlines and effects itself, the series runs here in
 * `reviewSeriesModel` extended with them. Every expected day was counted by hand from the rules
 * (England & Wales bank holidays; the end of a working day is 17:00 London: 17:00Z in GMT, 16:00Z
 * in BST); the domain tests (test/domain/reviews/tasks.test.ts) show the counting.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { reviewSeriesModel, reviewSeriesStreamId } from '../../../app/reviews/model.js';
import {
  createReviewTaskComposer, markReviewTaskDone, parseReviewTaskPayload, REVIEW_TASK_TOPIC, reviewTaskDeadlineHandler, reviewTaskDeadlines, reviewTaskEffects,
} from '../../../app/reviews/tasks.js';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import type { RegisterEntry, ReviewKind, ReviewSeriesCommand, ReviewSeriesEvent, ReviewSeriesState } from '../../../domain/reviews/index.js';
import { createOrgFileDirectory, loadOrganisationFile, type Directory } from '../../../graph/directory/index.js';
import { TestClock } from '../../../store/clock.js';
import { handleCommand, type StreamModel } from '../../../store/command.js';
import type { Db } from '../../../store/db.js';
import { createDeadlineDispatcher, listDeadlines, type DeadlineDispatcher } from '../../../store/deadlines.js';
import { readStream } from '../../../store/events.js';
import { listEffects, type OutboxRecord } from '../../../store/outbox.js';
import { describeOnEngines } from '../../store/engines.js';

const ORG_FILE = fileURLToPath(new URL('../../../graph/samples/organisation.yaml', import.meta.url));

/** The fictional people of graph/samples/organisation.yaml, by the name the logs below use. */
const PEOPLE = {
  priya: 'ff53a46f-5ead-403a-84c4-b877678537a3', // Independent Reviewing Officer
  marcus: 'e179f773-a6e0-43c0-9514-b7dde2ad0478', // Fostering Independent Reviewing Officer
  samira: '3c3ae353-fb14-428e-90b4-01a6c1cc0aff', // Social Worker, Children in Care North
  bethan: '5796a670-482c-490e-8d97-82bfcdc83011', // Team Manager, Children in Care North
  niamh: 'bbeeb636-1d33-4c6d-96f0-da847a2a3b87', // Supervising Social Worker, Fostering Support
  lorna: 'a398d022-d435-4df4-8322-905089933837', // Business Support Officer (authority-wide business support)
  dev: '4c8b1eb4-4f1e-4ccf-8372-a2a784a67245', // Business Support Officer (authority-wide business support)
  ffion: 'c1d2b3a4-5e6f-4a7b-8c9d-0e1f2a3b4c5d', // Social Worker, Children in Care South: nothing to do with these series
} as const;
type Name = keyof typeof PEOPLE;
const NAMES = new Map<string, string>(Object.entries(PEOPLE).map(([name, id]) => [id, name]));
const nameOf = (id: string): string => NAMES.get(id) ?? id;

/** British Summer Time, entered by hand: from the last Sunday of March to the last Sunday of October. */
const BST: Readonly<Record<number, readonly [string, string]>> = { 2026: ['2026-03-29', '2026-10-25'], 2027: ['2027-03-28', '2027-10-31'] };
/** A London wall-clock time on a day as an instant. */
function london(day: string, time: string): Date {
  const summer = BST[Number(day.slice(0, 4))];
  assert.ok(summer, `no clock-change dates entered for ${day}`);
  return new Date(`${day}T${time}${day >= summer[0] && day < summer[1] ? '+01:00' : 'Z'}`);
}
const nextDay = (day: string): string => new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

const calendar = createWorkingCalendar();
const ctx = { calendar, tenant: 'tenant-northmoor' };
/** The review series model with the task deadlines and messages, as app/reviews/model.ts will carry them. */
const model: StreamModel<ReviewSeriesState, ReviewSeriesCommand, ReviewSeriesEvent> = {
  ...reviewSeriesModel(ctx),
  deadlinesOf: (state) => reviewTaskDeadlines(state, ctx),
  effectsOf: (change) => reviewTaskEffects(change, ctx),
};

type Act = readonly [when: Date, run: () => Promise<unknown>];
/** A command of the series, without the series' kind and reference (each member of the union on its own). */
type SeriesCommand = ReviewSeriesCommand extends infer C ? (C extends unknown ? Omit<C, 'kind' | 'reference'> : never) : never;

/** One review series on the store, driven through a stretch of the calendar. */
class Series {
  /** What the dispatcher appended: "<day> <time> <event> <task> -> <who>", and the messages queued for it. */
  readonly fired: string[] = [];
  readonly messages: string[] = [];
  readonly clock: TestClock;
  readonly dispatcher: DeadlineDispatcher;
  readonly reference = `LCS-${randomUUID().slice(0, 8)}`;
  readonly streamId: string;
  #seenVersion = 0;
  #seenEffect = 0;

  constructor(readonly db: Db, readonly directory: Directory, readonly kind: ReviewKind, start: Date) {
    this.clock = new TestClock(start);
    this.streamId = reviewSeriesStreamId(kind, this.reference);
    this.dispatcher = createDeadlineDispatcher({
      db, clock: this.clock, workerId: `tasks-${this.reference}`, handler: reviewTaskDeadlineHandler({ ...ctx, directory, model }),
    });
  }

  async run(command: SeriesCommand): Promise<void> {
    const outcome = await handleCommand(this.db, model, this.streamId, { ...command, kind: this.kind, reference: this.reference } as ReviewSeriesCommand, { clock: this.clock });
    if (!outcome.ok) assert.fail(`${command.type} refused: ${outcome.refusal.code}: ${outcome.refusal.message}`);
    await this.#catchUp('acted');
  }

  record(...entries: RegisterEntry[]): Promise<void> {
    return this.run({ type: 'record', actor: PEOPLE.lorna, entries });
  }

  book(start: string, end: string): Promise<void> {
    return this.run({ type: 'book', actor: PEOPLE.lorna, start, end, organiser: 'reviews@northmoor.example', attendees: ['priya.okonjo@northmoor.example'], transactionId: randomUUID() });
  }

  /** "Mark done" on the card, as the bot would pass it: the acting person and the card's data. */
  async markDone(who: Name, taskId: string): Promise<Awaited<ReturnType<typeof markReviewTaskDone>>> {
    const reply = await markReviewTaskDone({ db: this.db, clock: this.clock, calendar, directory: this.directory, model }, PEOPLE[who], { reference: this.reference, kind: this.kind, taskId });
    await this.#catchUp('acted');
    return reply;
  }

  /** Steps day by day from `from` to `to` (inclusive), running `acts` at their moments and the dispatcher at 16:59:30 and 17:00:30. */
  async step(from: string, to: string, acts: readonly Act[] = []): Promise<void> {
    const pending = [...acts].sort((a, b) => a[0].getTime() - b[0].getTime());
    for (let day = from; day <= to; day = nextDay(day)) {
      for (const time of ['16:59:30', '17:00:30']) {
        const at = london(day, time);
        while (pending.length > 0 && pending[0]![0].getTime() <= at.getTime()) {
          const [when, act] = pending.shift()!;
          if (when.getTime() > this.clock.now().getTime()) this.clock.set(when);
          await act();
        }
        this.clock.set(at);
        while ((await this.dispatcher.runOnce()).claimed > 0) { /* until nothing is due */ }
        await this.#catchUp(`${day} ${time}`);
      }
    }
    assert.equal(pending.length, 0, 'every act ran');
  }

  async #catchUp(label: string): Promise<void> {
    const { records } = await readStream<ReviewSeriesEvent>(this.db, this.streamId);
    for (const { event, version } of records) {
      if (version <= this.#seenVersion) continue;
      if (event.type === 'ReviewTaskReminderDue' || event.type === 'ReviewTaskOverdue' || event.type === 'DecisionsDeemedAgreed') {
        this.fired.push(`${label} ${event.type} ${event.taskId} -> ${event.notified.map(nameOf).join(', ')}`);
      }
    }
    this.#seenVersion = records.at(-1)?.version ?? this.#seenVersion;
    for (const effect of await this.effects()) {
      if (effect.id <= this.#seenEffect) continue;
      this.messages.push(`${label} ${effect.destination.replace(/:(.+)$/, (_, id: string) => `:${nameOf(id)}`)}`);
      this.#seenEffect = effect.id;
    }
  }

  effects(): Promise<OutboxRecord[]> {
    return listEffects(this.db, { streamId: this.streamId });
  }

  async scheduled(): Promise<string[]> {
    return (await listDeadlines(this.db, this.streamId)).filter((d) => d.status === 'scheduled').map((d) => d.key);
  }
}

const fact = (event: NonNullable<RegisterEntry['fact']>['event'], date: string, more: Omit<RegisterEntry, 'fact'> = {}): RegisterEntry => ({ fact: { event, date }, ...more });

describeOnEngines('app/reviews/tasks: reminders and chasers around each booked review, on the store (DOMAIN §4.5, §4.6, §8.4)', (engine) => {
  let directory: Directory;
  before(async () => {
    directory = createOrgFileDirectory(await loadOrganisationFile(ORG_FILE));
  });

  it('OX-R08a/b, OX-R09a, OX-R10a, OX-R12, OX-R16, OX-R17, OX-R19, OX-R13, OX-R14: each reminder and chaser fires once, on its working day, to the person holding the role; Mark done stops its chaser; deemed agreed at receipt + 5 working days', async function () {
    this.timeout(120_000);
    const series = new Series(engine.db, directory, 'looked-after', london('2026-03-02', '10:00:00'));
    await series.record(fact('became-looked-after', '2026-01-05', { officer: PEOPLE.priya, worker: PEOPLE.samira }), fact('review-held', '2026-01-30'));
    await series.book('2026-04-28T09:00:00Z', '2026-04-28T10:30:00Z');
    assert.deepEqual((await series.scheduled()).sort(), [
      'review-task-overdue:OX-R08a/b:booking-1', 'review-task-overdue:OX-R09a:booking-1', 'review-task-overdue:OX-R10a:booking-1',
      'review-task-reminder:OX-R08a/b:booking-1', 'review-task-reminder:OX-R09a:booking-1', 'review-task-reminder:OX-R10a:booking-1',
    ]);

    let lornasReminder: OutboxRecord | undefined;
    const compose = createReviewTaskComposer({ db: engine.db, calendar });
    await series.step('2026-03-02', '2026-05-29', [
      [london('2026-03-30', '10:00:00'), () => series.markDone('samira', 'OX-R08a/b:booking-1')],
      [london('2026-04-14', '10:00:00'), async () => {
        lornasReminder = (await series.effects()).find((e) => e.destination === `teams:${PEOPLE.lorna}`);
        const message = await compose(lornasReminder!, parseReviewTaskPayload(lornasReminder!.payload)!);
        assert.equal(message?.preview, `Review task due soon: case ${series.reference}, invitations`);
        assert.equal(message?.email, undefined, 'the email goes as its own effect');
        const button = (message?.card as { actions?: { verb: string; data: unknown }[] }).actions?.[0];
        assert.deepEqual(button && [button.verb, button.data], ['reviewTaskDone', { reference: series.reference, kind: 'looked-after', taskId: 'OX-R09a:booking-1' }]);
        const reply = await series.markDone('lorna', 'OX-R09a:booking-1');
        assert.ok('card' in reply, JSON.stringify(reply));
        assert.match(JSON.stringify(reply.card), /marked done at 10:00 on 14 April by Lorna Pike/);
        assert.ok(!JSON.stringify(reply.card).includes('reviewTaskDone'), 'no button once done');
        assert.equal(await compose(lornasReminder!, parseReviewTaskPayload(lornasReminder!.payload)!), undefined, 'a reminder delivered after the click is not sent');
      }],
      [london('2026-04-28', '15:00:00'), () => series.record(fact('review-held', '2026-04-28'))],
      [london('2026-04-30', '10:00:00'), () => series.markDone('priya', 'OX-R12:held-2026-04-28')],
      [london('2026-05-13', '09:00:00'), () => series.markDone('samira', 'OX-R19:held-2026-04-28')],
    ]);

    assert.deepEqual(series.fired, [
      '2026-03-26 17:00:30 ReviewTaskReminderDue OX-R08a/b:booking-1 -> samira', // GMT
      '2026-03-27 17:00:30 ReviewTaskOverdue OX-R08a/b:booking-1 -> samira',
      '2026-04-13 17:00:30 ReviewTaskReminderDue OX-R09a:booking-1 -> lorna, dev', // BST, after Easter; marked done the next morning: no chaser
      '2026-04-22 17:00:30 ReviewTaskReminderDue OX-R10a:booking-1 -> samira',
      '2026-04-23 17:00:30 ReviewTaskOverdue OX-R10a:booking-1 -> samira',
      // Held Tue 28 Apr; decisions circulated Thu 30 Apr (before their reminder on Tue 5 May), so the team manager's 5 days run to Fri 8 May.
      '2026-05-07 17:00:30 ReviewTaskReminderDue OX-R16:held-2026-04-28 -> bethan',
      '2026-05-08 17:00:30 DecisionsDeemedAgreed OX-R16:held-2026-04-28 -> samira',
      '2026-05-12 17:00:30 ReviewTaskReminderDue OX-R19:held-2026-04-28 -> samira', // marked done the next morning: no chaser
      '2026-05-19 17:00:30 ReviewTaskReminderDue OX-R13:held-2026-04-28 -> priya',
      '2026-05-20 17:00:30 ReviewTaskOverdue OX-R13:held-2026-04-28 -> priya',
      '2026-05-27 17:00:30 ReviewTaskReminderDue OX-R14:held-2026-04-28 -> lorna, dev', // Mon 25 May is a bank holiday
      '2026-05-28 17:00:30 ReviewTaskOverdue OX-R14:held-2026-04-28 -> lorna, dev',
    ]);
    const perFired = (line: string) => {
      const [stamp, who] = line.split(' -> ') as [string, string];
      const when = stamp.split(' ').slice(0, 2).join(' ');
      return who.split(', ').flatMap((n) => [`${when} teams:${n}`, `${when} email:${n}`]);
    };
    assert.deepEqual([...series.messages].sort(), series.fired.flatMap(perFired).sort(), 'a Teams card and an email to each person told, when it fired, and nothing else');
    assert.deepEqual(await series.scheduled(), [], 'nothing left pending');

    const emails = (await series.effects()).filter((e) => e.kind === 'email').map((e) => (e.payload as { email: { subject: string } }).email.subject);
    assert.ok(emails.includes(`Resolve: review ${series.reference}: decisions deemed agreed`), emails.join('\n'));
    for (const subject of emails) {
      assert.match(subject, new RegExp(`^Resolve: review ${series.reference}: [a-z A-Z]+$`), subject);
    }
    const deemed = (await series.effects()).find((e) => e.destination === `teams:${PEOPLE.samira}` && parseReviewTaskPayload(e.payload)?.request.purpose === 'deemed-agreed');
    const notice = await compose(deemed!, parseReviewTaskPayload(deemed!.payload)!);
    assert.match(JSON.stringify(notice?.card), /deemed agreed by the local authority \(OX-R17\)/);
    assert.equal(notice?.preview, `Review decisions deemed agreed: case ${series.reference}, team manager response`);

    const late = await series.markDone('bethan', 'OX-R16:held-2026-04-28');
    assert.ok('message' in late && /deemed agreed \(OX-R17\).*Nothing was changed\./.test(late.message), JSON.stringify(late));
    const again = await series.markDone('lorna', 'OX-R09a:booking-1');
    assert.ok('message' in again && /held, cancelled or replaced/.test(again.message), JSON.stringify(again));
  });

  it('§8.4: Mark done is refused to someone with no part in the task, and for a forged card, changing nothing', async () => {
    const series = new Series(engine.db, directory, 'looked-after', london('2026-03-02', '10:00:00'));
    await series.record(fact('became-looked-after', '2026-01-05', { officer: PEOPLE.priya, worker: PEOPLE.samira }), fact('review-held', '2026-01-30'));
    await series.book('2026-04-28T09:00:00Z', '2026-04-28T10:30:00Z');
    const before = (await readStream(engine.db, series.streamId)).version;
    const stranger = await series.markDone('ffion', 'OX-R09a:booking-1');
    assert.deepEqual(stranger, { message: 'That review task is not one of yours, or it does not exist. Nothing was changed.' });
    const unknown = await series.markDone('priya', 'OX-R99:booking-1');
    assert.ok('message' in unknown && /has no task "OX-R99:booking-1"/.test(unknown.message), JSON.stringify(unknown));
    const forged = await markReviewTaskDone({ db: engine.db, clock: series.clock, calendar, directory, model }, PEOPLE.priya, { reference: 'Jayden Thornbury', kind: 'looked-after', taskId: 'x' });
    assert.ok('message' in forged && /reference is not a review series reference.*Nothing was changed\./.test(forged.message), JSON.stringify(forged));
    assert.equal((await readStream(engine.db, series.streamId)).version, before);
    // Business support may mark the invitations done before any reminder told them: they hold the task's role.
    const early = await series.markDone('dev', 'OX-R09a:booking-1');
    assert.ok('card' in early, JSON.stringify(early));
    assert.ok(!(await series.scheduled()).some((k) => k.includes('OX-R09a')));
    // Leave nothing pending for the later tests' dispatchers, which share this database.
    await series.run({ type: 'cancel-booking', actor: PEOPLE.lorna, comment: 'Test over.' });
    assert.deepEqual(await series.scheduled(), []);
  });

  it('CE-R11: nothing fires for a booking that was cancelled; its deadlines are cancelled', async function () {
    this.timeout(60_000);
    const series = new Series(engine.db, directory, 'looked-after', london('2026-03-02', '10:00:00'));
    await series.record(fact('became-looked-after', '2026-01-05', { officer: PEOPLE.priya, worker: PEOPLE.samira }), fact('review-held', '2026-01-30'));
    await series.book('2026-04-28T09:00:00Z', '2026-04-28T10:30:00Z');
    await series.step('2026-03-20', '2026-04-30', [
      [london('2026-03-20', '10:00:00'), () => series.run({ type: 'cancel-booking', actor: PEOPLE.lorna, comment: 'The review is joined with the placement review.' })],
    ]);
    assert.deepEqual([series.fired, series.messages], [[], []]);
    const rows = await listDeadlines(engine.db, series.streamId);
    assert.equal(rows.length, 6);
    assert.ok(rows.every((d) => d.status === 'cancelled'), JSON.stringify(rows.map((d) => [d.key, d.status])));
  });

  it('FC-R15, FC-R16, FC-R20: a foster home review in January chased over Christmas, and nothing after the carer\'s approval ended', async function () {
    this.timeout(120_000);
    const series = new Series(engine.db, directory, 'foster-carer', london('2026-11-02', '10:00:00'));
    await series.record(fact('approved', '2026-03-02', { officer: PEOPLE.marcus, worker: PEOPLE.niamh }));
    await series.book('2027-01-08T10:00:00Z', '2027-01-08T11:30:00Z');
    await series.step('2026-12-21', '2027-02-10', [
      [london('2026-12-24', '09:00:00'), () => series.markDone('niamh', 'FC-R16:booking-1')],
      [london('2027-01-08', '15:00:00'), () => series.record(fact('review-held', '2027-01-08'))],
      [london('2027-01-18', '10:00:00'), () => series.record(fact('ceased', '2027-01-18'))],
    ]);
    assert.deepEqual(series.fired, [
      // Two weeks before Fri 8 Jan is Christmas Day: due Christmas Eve, reminded the day before.
      '2026-12-23 17:00:30 ReviewTaskReminderDue FC-R15:booking-1 -> lorna, dev',
      '2026-12-23 17:00:30 ReviewTaskReminderDue FC-R16:booking-1 -> niamh',
      '2026-12-24 17:00:30 ReviewTaskOverdue FC-R15:booking-1 -> lorna, dev',
      // Held Fri 8 Jan: the case note within 5 working days, Fri 15 Jan, by the FIRO.
      '2027-01-14 17:00:30 ReviewTaskReminderDue FC-R20:held-2027-01-08 -> marcus',
      '2027-01-15 17:00:30 ReviewTaskOverdue FC-R20:held-2027-01-08 -> marcus',
      // Ceased Mon 18 Jan: the report (FC-R21) and the carers' copy (FC-R22), due Fri 5 Feb, are not chased.
    ]);
    assert.deepEqual(await series.scheduled(), []);
  });

  it('the payload a review task message carries is checked when it is delivered', () => {
    assert.equal(parseReviewTaskPayload({ topic: 'case', recipient: 'x', request: {} }), undefined);
    assert.equal(parseReviewTaskPayload({ topic: REVIEW_TASK_TOPIC, recipient: 'x', request: { kind: 'looked-after', reference: 'LCS-1', taskId: 't', purpose: 'shout', key: 'k', dueAt: 'd' } }), undefined);
  });
});
