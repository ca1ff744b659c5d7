/**
 * The regular reports on the store's durable deadlines: the weekly digest goes once a week, on
 * Monday at 08:00 London time in winter and in summer (07:00Z after the clock goes forward on 29
 * March 2026, 08:00Z again after it goes back on 25 October), on the Tuesday when the Monday is a
 * bank holiday (Easter Monday, 6 April 2026), and once only with two dispatchers on one database,
 * each running every half hour. The days were counted by hand from a 2026 calendar.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import {
  configureReportSchedule, holdersOfRoles, REPORT_SCHEDULE_STREAM, REPORT_TOPIC, reportScheduleDeadlineHandler, withReportDeadlines,
  type ReportScheduleEvent, type ReportScheduleSettings,
} from '../../../app/reports/schedule.js';
import { nextDue, periodCovered } from '../../../app/reports/when.js';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import { createOrgFileDirectory, loadOrganisationFile, type Directory } from '../../../graph/directory/index.js';
import { TestClock } from '../../../store/clock.js';
import { openDatabase, type Db } from '../../../store/db.js';
import { createDeadlineDispatcher, listDeadlines, type DeadlineHandler } from '../../../store/deadlines.js';
import { readStream } from '../../../store/events.js';
import { listEffects } from '../../../store/outbox.js';
import { describeOnEngines } from '../../store/engines.js';

const ORG_FILE = fileURLToPath(new URL('../../../graph/samples/organisation.yaml', import.meta.url));
/** The fictional senior leaders of graph/samples/organisation.yaml. */
const LEADERS = {
  helena: '2c63888f-28f0-4481-be6d-dce7a7ace732', // Director of Children's Services
  tomasz: '8a119b9e-16bc-4732-8f7b-7676d015b0dc', // Deputy Director
  grace: 'bc67ba94-637d-4efa-a09e-467ada679f81', // Head of Service, Children in Care and Fostering
  rupert: 'fab36728-a78b-4b7e-8787-c0de2f960063', // Service Manager, Safeguarding and QA (head of service of that team)
} as const;

const calendar = createWorkingCalendar();
const DIGEST: ReportScheduleSettings = { 'weekly-digest': { timing: { report: 'weekly-digest', weekday: 1, time: '08:00' }, roles: ['director', 'deputy_director', 'head_of_service'] } };
const HALF_HOUR = 30 * 60_000;

let directory: Directory;
before(async () => {
  directory = createOrgFileDirectory(await loadOrganisationFile(ORG_FILE));
});

describe('regular reports: when each falls due (London time, working days)', () => {
  const digest = DIGEST['weekly-digest']!.timing;
  it('the digest is due on Monday at 08:00 London: 08:00Z in winter, 07:00Z in summer', () => {
    assert.equal(nextDue(digest, new Date('2026-03-19T10:00:00Z'), calendar).toISOString(), '2026-03-23T08:00:00.000Z');
    assert.equal(nextDue(digest, new Date('2026-03-23T08:00:00Z'), calendar).toISOString(), '2026-03-30T07:00:00.000Z');
    assert.equal(nextDue(digest, new Date('2026-10-20T12:00:00Z'), calendar).toISOString(), '2026-10-26T08:00:00.000Z');
  });

  it('a digest whose Monday is a bank holiday goes on the Tuesday at the same time, still that week\'s', () => {
    assert.equal(nextDue(digest, new Date('2026-03-30T07:00:00Z'), calendar).toISOString(), '2026-04-07T07:00:00.000Z');
    assert.equal(nextDue(digest, new Date('2026-04-07T06:59:00Z'), calendar).toISOString(), '2026-04-07T07:00:00.000Z');
    assert.equal(periodCovered('weekly-digest', new Date('2026-04-07T07:00:00Z'), calendar).key, 'week of 2026-04-06');
  });

  it('the monthly report goes on the first working day of the month, for the month before', () => {
    const monthly = { report: 'monthly-thematic', time: '08:00' } as const;
    // 1 January 2027 is a bank holiday (a Friday): Monday 4 January.
    assert.equal(nextDue(monthly, new Date('2026-12-15T12:00:00Z'), calendar).toISOString(), '2027-01-04T08:00:00.000Z');
    // 1 August 2026 is a Saturday: Monday 3 August, in BST.
    assert.equal(nextDue(monthly, new Date('2026-07-01T08:00:00Z'), calendar).toISOString(), '2026-08-03T07:00:00.000Z');
    assert.deepEqual(periodCovered('monthly-thematic', new Date('2027-01-04T08:00:00Z'), calendar), { key: '2026-12', from: '2026-12-01', to: '2026-12-31' });
  });

  it('the quarterly report follows the quarters of the performance year; the annual report the year to 31 March', () => {
    const quarterly = { report: 'quarterly-themes', time: '08:00' } as const;
    assert.equal(nextDue(quarterly, new Date('2026-05-10T12:00:00Z'), calendar).toISOString(), '2026-07-01T07:00:00.000Z');
    assert.deepEqual(periodCovered('quarterly-themes', new Date('2026-07-01T07:00:00Z'), calendar), { key: 'Q1 2026-27', from: '2026-04-01', to: '2026-06-30' });
    assert.deepEqual(periodCovered('quarterly-themes', new Date('2027-01-04T08:00:00Z'), calendar), { key: 'Q3 2026-27', from: '2026-10-01', to: '2026-12-31' });
    assert.deepEqual(periodCovered('quarterly-themes', new Date('2026-04-01T07:00:00Z'), calendar), { key: 'Q4 2025-26', from: '2026-01-01', to: '2026-03-31' });
    const annual = { report: 'annual', time: '08:00' } as const;
    // 1 April 2028 is a Saturday: Monday 3 April.
    assert.equal(nextDue(annual, new Date('2027-04-01T07:00:00Z'), calendar).toISOString(), '2028-04-03T07:00:00.000Z');
    assert.deepEqual(periodCovered('annual', new Date('2028-04-03T07:00:00Z'), calendar), { key: '2027-28', from: '2027-04-01', to: '2028-03-31' });
  });
});

/**
 * Two dispatchers on one database, each running every half hour until `to`. On PostgreSQL the
 * second has its own connection pool, as a second instance of the bot would; PGlite in memory has
 * one connection, so there they share it.
 */
async function runTwoDispatchers(db: Db, clock: TestClock, handler: DeadlineHandler, to: string, second: Db = db): Promise<void> {
  const make = (workerId: string, on: Db) => createDeadlineDispatcher({ db: on, clock, workerId, handler, retryBaseMs: 1000 });
  const [a, b] = [make('instance-a', db), make('instance-b', second)];
  while (clock.now().getTime() < Date.parse(to)) {
    clock.advance(HALF_HOUR);
    const reports = await Promise.all([a.runOnce(), b.runOnce()]);
    for (const r of reports) assert.equal(r.failed, 0, 'a deadline handler failed');
  }
}

const sentEvents = async (db: Db) =>
  (await readStream<ReportScheduleEvent>(db, REPORT_SCHEDULE_STREAM)).records.map((r) => r.event).filter((e): e is Extract<ReportScheduleEvent, { type: 'RegularReportSent' }> => e.type === 'RegularReportSent');

describeOnEngines('regular reports: the weekly digest on durable deadlines', (engine) => {
  let second: Db | undefined;
  before(async () => {
    if (engine.engine === 'postgres') second = await openDatabase(engine.options);
  });
  after(async () => {
    await second?.close();
  });

  it('holders of the digest\'s roles are the Director, the Deputy Director and the heads of service', async () => {
    assert.deepEqual(await holdersOfRoles(directory, DIGEST['weekly-digest']!.roles), Object.values(LEADERS).sort());
  });

  it('fires once a week, Monday 08:00 London across the clock change, Tuesday after Easter Monday, once only with two dispatchers', async function () {
    this.timeout(120_000);
    const clock = new TestClock('2026-03-19T10:00:00Z');
    await configureReportSchedule({ db: engine.db, clock, calendar, settings: DIGEST, tenant: 'tenant-northmoor' });
    const reports = reportScheduleDeadlineHandler({ calendar, directory, tenant: 'tenant-northmoor' });
    const handler = withReportDeadlines(async () => assert.fail('a deadline of another stream'), reports);
    await runTwoDispatchers(engine.db, clock, handler, '2026-04-14T12:00:00Z', second);

    const sent = await sentEvents(engine.db);
    assert.deepEqual(sent.map((e) => [e.dueAt, e.at, e.period.key]), [
      ['2026-03-23T08:00:00.000Z', '2026-03-23T08:00:00.000Z', 'week of 2026-03-23'],
      ['2026-03-30T07:00:00.000Z', '2026-03-30T07:00:00.000Z', 'week of 2026-03-30'],
      ['2026-04-07T07:00:00.000Z', '2026-04-07T07:00:00.000Z', 'week of 2026-04-06'],
      ['2026-04-13T07:00:00.000Z', '2026-04-13T07:00:00.000Z', 'week of 2026-04-13'],
    ]);
    for (const e of sent) assert.deepEqual(e.recipients, Object.values(LEADERS).sort());
    // One card a week for each leader, in their own 1:1 chat.
    for (const id of Object.values(LEADERS)) {
      const cards = (await listEffects(engine.db)).filter((e) => e.destination === `teams:${id}`);
      assert.equal(cards.length, 4, id);
      assert.ok(cards.every((c) => c.kind === 'teams.card' && (c.payload as { topic: string }).topic === REPORT_TOPIC));
    }
    const [deadline] = await listDeadlines(engine.db, REPORT_SCHEDULE_STREAM);
    assert.equal(deadline?.status, 'scheduled');
    assert.equal(deadline?.dueAt.toISOString(), '2026-04-20T07:00:00.000Z');
  });

  it('after being down for months it sends the one digest it missed, not one for every week, then keeps Monday 08:00 (08:00Z after 25 October)', async function () {
    this.timeout(120_000);
    const clock = new TestClock('2026-10-14T09:00:00Z');
    const reports = reportScheduleDeadlineHandler({ calendar, directory, tenant: 'tenant-northmoor' });
    await runTwoDispatchers(engine.db, clock, reports, '2026-11-03T12:00:00Z', second);
    const sent = (await sentEvents(engine.db)).slice(4);
    assert.deepEqual(sent.map((e) => [e.dueAt, e.at]), [
      ['2026-04-20T07:00:00.000Z', '2026-10-14T09:30:00.000Z'],
      ['2026-10-19T07:00:00.000Z', '2026-10-19T07:00:00.000Z'],
      ['2026-10-26T08:00:00.000Z', '2026-10-26T08:00:00.000Z'],
      ['2026-11-02T08:00:00.000Z', '2026-11-02T08:00:00.000Z'],
    ]);
  });

  it('a setting moved within the week does not send that week\'s digest twice; the same settings again change nothing', async function () {
    this.timeout(60_000);
    const clock = new TestClock('2026-11-09T07:30:00Z');
    const reports = reportScheduleDeadlineHandler({ calendar, directory });
    await runTwoDispatchers(engine.db, clock, reports, '2026-11-09T08:30:00Z');
    assert.equal((await sentEvents(engine.db)).at(-1)?.period.key, 'week of 2026-11-09');
    const later: ReportScheduleSettings = { 'weekly-digest': { ...DIGEST['weekly-digest']!, timing: { report: 'weekly-digest', weekday: 1, time: '10:00' } } };
    await configureReportSchedule({ db: engine.db, clock, calendar, settings: later });
    const again = await configureReportSchedule({ db: engine.db, clock, calendar, settings: later });
    assert.ok(again.ok && again.records.length === 0, 'the same settings again recorded something');
    const count = (await sentEvents(engine.db)).length;
    await runTwoDispatchers(engine.db, clock, reports, '2026-11-09T12:00:00Z');
    const events = (await readStream<ReportScheduleEvent>(engine.db, REPORT_SCHEDULE_STREAM)).records.map((r) => r.event);
    assert.equal((await sentEvents(engine.db)).length, count, 'the week was sent already');
    const skipped = events.at(-1);
    assert.equal(skipped?.type, 'RegularReportSkipped');
    assert.equal(skipped?.type === 'RegularReportSkipped' && skipped.next, '2026-11-16T10:00:00.000Z');
  });

  it('a report switched off has no deadline any more', async () => {
    const clock = new TestClock('2026-11-10T12:00:00Z');
    await configureReportSchedule({ db: engine.db, clock, calendar, settings: {} });
    const deadlines = await listDeadlines(engine.db, REPORT_SCHEDULE_STREAM);
    assert.deepEqual(deadlines.map((d) => [d.key, d.status]), [['weekly-digest', 'cancelled']]);
  });
});
