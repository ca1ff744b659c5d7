import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { dueReviews, todayIn } from '../../../app/reviews/due.js';
import { handleReviewCommand, loadReviewSeries, reviewSeriesStreamId } from '../../../app/reviews/model.js';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import type { RegisterEntry, ReviewKind, ReviewSeriesCommand } from '../../../domain/reviews/index.js';
import { TestClock } from '../../../store/clock.js';
import { describeOnEngines } from '../../store/engines.js';

// Fictional people from graph/samples/organisation.yaml (Northmoor Borough Council).
const PRIYA = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // Independent Reviewing Officer
const MARCUS = 'e179f773-a6e0-43c0-9514-b7dde2ad0478'; // Fostering Independent Reviewing Officer
const SAMIRA = '3c3ae353-fb14-428e-90b4-01a6c1cc0aff'; // Social Worker
const LORNA = 'a398d022-d435-4df4-8322-905089933837'; // Business Support Officer

const calendar = createWorkingCalendar();

describeOnEngines('app/reviews: the review register on the store and its review_due read model', (ctx) => {
  const clock = new TestClock('2026-01-06T10:00:00.000Z');
  const options = () => ({ db: ctx.db, clock, calendar });
  /** References of this run only: the database is shared by the block. */
  const prefix = `T${randomUUID().slice(0, 8)}`;
  const ref = (n: string) => `${prefix}-${n}`;
  const ours = <T extends { reference: string }>(rows: readonly T[]) => rows.filter((r) => r.reference.startsWith(prefix));
  const record = (kind: ReviewKind, reference: string, ...entries: RegisterEntry[]): ReviewSeriesCommand =>
    ({ type: 'record', kind, reference, actor: LORNA, entries });
  const at = (event: NonNullable<RegisterEntry['fact']>['event'], date: string, more: Omit<RegisterEntry, 'fact'> = {}): RegisterEntry => ({ fact: { event, date }, ...more });

  it('OX-R02: a recorded fact writes the series\' events and its review_due row in one transaction', async () => {
    const reference = ref('a');
    const outcome = await handleReviewCommand(options(), record('looked-after', reference, at('became-looked-after', '2026-01-05', { officer: PRIYA, worker: SAMIRA })));
    assert.ok(outcome.ok);
    const [row] = await ctx.db.query<{ stream_id: string; version: number; due: string; rule: string; officer: string; worker: string }>(
      `SELECT stream_id, version, to_char(due, 'YYYY-MM-DD') AS due, rule, officer, worker FROM review_due WHERE kind = 'looked-after' AND reference = $1`, [reference]);
    assert.deepEqual(row, { stream_id: reviewSeriesStreamId('looked-after', reference), version: outcome.version, due: '2026-02-02', rule: 'OX-R02', officer: PRIYA, worker: SAMIRA });
    const loaded = await loadReviewSeries(ctx.db, 'looked-after', reference);
    assert.deepEqual(loaded.state?.facts, [{ fact: 'became-looked-after', date: '2026-01-05' }]);
  });

  it('OX-R02: a refused command writes neither events nor a row', async () => {
    const reference = ref('refused');
    const outcome = await handleReviewCommand(options(), record('looked-after', reference, at('review-held', '2026-01-30')));
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.refusal.code, 'no-anchor');
    assert.equal((await loadReviewSeries(ctx.db, 'looked-after', reference)).version, 0);
    assert.deepEqual(await ctx.db.query('SELECT 1 FROM review_due WHERE reference = $1', [reference]), []);
  });

  it('the same fact recorded again appends nothing and leaves the row as it was', async () => {
    const reference = ref('again');
    const command = record('foster-carer', reference, at('approved', '2025-06-12', { officer: MARCUS }));
    const first = await handleReviewCommand(options(), command);
    const second = await handleReviewCommand(options(), command);
    assert.ok(first.ok && second.ok);
    assert.deepEqual([second.records.length, second.version], [0, first.version]);
    const [row] = await ctx.db.query<{ version: number }>('SELECT version FROM review_due WHERE reference = $1', [reference]);
    assert.equal(row?.version, first.version);
  });

  it('OX-R04, FC-R01: dueReviews lists what is due soonest first, with the statutory date, latest meeting date and rule', async () => {
    await handleReviewCommand(options(), record('foster-carer', ref('carer'), at('approved', '2025-06-12'))); // due 2026-06-12
    await handleReviewCommand(options(), record('looked-after', ref('second'), at('became-looked-after', '2026-01-05'), at('review-held', '2026-01-30'))); // 2026-05-01
    await handleReviewCommand(options(), record('looked-after', ref('initial'), at('became-looked-after', '2025-12-01'))); // 2025-12-31, overdue
    const due = ours(await dueReviews(ctx.db, { now: clock.now() })).filter((r) => ['carer', 'second', 'initial'].some((n) => r.reference === ref(n)));
    assert.deepEqual(due.map((r) => [r.reference, r.kind, r.review, r.due, r.latestMeetingDate, r.rule, r.booked]), [
      [ref('initial'), 'looked-after', 'initial', '2025-12-31', '2025-12-31', 'OX-R02', null],
      [ref('second'), 'looked-after', 'second', '2026-05-01', '2026-05-01', 'OX-R04', null],
      [ref('carer'), 'foster-carer', 'first', '2026-06-12', '2026-06-12', 'FC-R01', null],
    ]);
    const all = await dueReviews(ctx.db, { now: clock.now() });
    assert.deepEqual(all.map((r) => r.due), [...all.map((r) => r.due)].sort());
  });

  it('withinDays: only reviews due on or before today plus that many days, overdue ones included', async () => {
    await handleReviewCommand(options(), record('looked-after', ref('soon'), at('became-looked-after', '2026-01-05'))); // 2026-02-02 = today + 27
    await handleReviewCommand(options(), record('looked-after', ref('late'), at('became-looked-after', '2025-11-03'))); // 2025-12-01, overdue
    const names = async (withinDays: number) => ours(await dueReviews(ctx.db, { now: clock.now(), withinDays })).map((r) => r.reference);
    assert.equal(todayIn(clock.now()), '2026-01-06');
    assert.ok((await names(27)).includes(ref('soon')));
    assert.ok(!(await names(26)).includes(ref('soon')));
    assert.ok((await names(0)).includes(ref('late')));
    await assert.rejects(dueReviews(ctx.db, { now: clock.now(), withinDays: -1 }), /0 or more/);
  });

  it('person: the reviews a person is the officer or the worker of', async () => {
    const officer = `officer-${randomUUID()}`;
    const worker = `worker-${randomUUID()}`;
    await handleReviewCommand(options(), record('looked-after', ref('p1'), at('became-looked-after', '2026-01-05', { officer })));
    await handleReviewCommand(options(), record('looked-after', ref('p2'), at('became-looked-after', '2026-01-12', { officer, worker })));
    await handleReviewCommand(options(), record('looked-after', ref('p3'), at('became-looked-after', '2026-01-12', { worker })));
    assert.deepEqual((await dueReviews(ctx.db, { now: clock.now(), person: officer })).map((r) => r.reference), [ref('p1'), ref('p2')]);
    assert.deepEqual((await dueReviews(ctx.db, { now: clock.now(), person: worker })).map((r) => r.reference), [ref('p2'), ref('p3')]);
  });

  it('OX-S04: a series that ceased leaves the due list', async () => {
    const reference = ref('ceased');
    await handleReviewCommand(options(), record('looked-after', reference, at('became-looked-after', '2026-01-05')));
    assert.ok(ours(await dueReviews(ctx.db, { now: clock.now() })).some((r) => r.reference === reference));
    await handleReviewCommand(options(), record('looked-after', reference, at('ceased', '2026-01-20')));
    assert.ok(!ours(await dueReviews(ctx.db, { now: clock.now() })).some((r) => r.reference === reference));
    const [row] = await ctx.db.query<{ due: string | null; rule: string | null }>('SELECT due, rule FROM review_due WHERE reference = $1', [reference]);
    assert.deepEqual(row, { due: null, rule: null });
  });

  it('OX-S01: a booked review shows its start and end as ISO instants, and a cancelled one shows none', async () => {
    const reference = ref('booked');
    const base = { kind: 'looked-after' as const, reference, actor: LORNA };
    await handleReviewCommand(options(), record('looked-after', reference, at('became-looked-after', '2026-01-05')));
    const booked = await handleReviewCommand(options(), {
      type: 'book', ...base, start: '2026-01-27T10:00:00+00:00', end: '2026-01-27T11:30:00+00:00', organiser: 'priya.okonjo@northmoor.example',
      attendees: ['priya.okonjo@northmoor.example'], transactionId: randomUUID(),
    });
    assert.ok(booked.ok);
    const row = () => dueReviews(ctx.db, { now: clock.now() }).then((rows) => rows.find((r) => r.reference === reference));
    assert.deepEqual((await row())?.booked, { start: '2026-01-27T10:00:00.000Z', end: '2026-01-27T11:30:00.000Z' });
    await handleReviewCommand(options(), { type: 'cancel-booking', ...base, comment: 'Moved to the placement review.' });
    assert.equal((await row())?.booked, null);
  });
});
