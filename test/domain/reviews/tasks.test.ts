/**
 * The work around each booked review (DOMAIN §4.5, §4.6, §8.4). Every expected date was counted by
 * hand from the rules (England & Wales bank holidays, Monday to Friday, the review day is day 0,
 * a working day ends 17:00 London: 17:00Z in GMT, 16:00Z in BST), never by asking the code.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addCalendarDays, createWorkingCalendar, type LocalDate } from '../../../domain/calendar/index.js';
import {
  decideReviewSeries,
  evolveReviewSeries,
  foldReviewSeries,
  reviewTasks,
  taskDeadlineKey,
  taskDeadlinesOf,
  type RegisterEntry,
  type RegisterRefusal,
  type ReviewDueRules,
  type ReviewSeriesCommand,
  type ReviewSeriesEvent,
  type ReviewSeriesState,
} from '../../../domain/reviews/index.js';

const calendar = createWorkingCalendar();
// Fictional people from graph/samples/organisation.yaml (Northmoor Borough Council).
const PRIYA = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // Independent Reviewing Officer
const MARCUS = 'e179f773-a6e0-43c0-9514-b7dde2ad0478'; // Fostering Independent Reviewing Officer
const SAMIRA = '3c3ae353-fb14-428e-90b4-01a6c1cc0aff'; // Social Worker
const NIAMH = 'bbeeb636-1d33-4c6d-96f0-da847a2a3b87'; // Supervising Social Worker
const BETHAN = '5796a670-482c-490e-8d97-82bfcdc83011'; // Team Manager
const LORNA = 'a398d022-d435-4df4-8322-905089933837'; // Business Support Officer
const CHILD = 'LCS-104233';
const CARER = 'FC-20331';
const SYSTEM = 'system';

interface Run {
  state: ReviewSeriesState | undefined;
  events: ReviewSeriesEvent[];
}

const ctxAt = (now: string | Date, rules?: ReviewDueRules) => ({ now: new Date(now), calendar, ...(rules !== undefined && { rules }) });

/** Applies each command at `now`, every one of which must be accepted. */
function apply(now: string, commands: readonly ReviewSeriesCommand[], from?: ReviewSeriesState, rules?: ReviewDueRules): Run {
  let state = from;
  const events: ReviewSeriesEvent[] = [];
  for (const command of commands) {
    const decision = decideReviewSeries(state, command, ctxAt(now, rules));
    if (!decision.ok) assert.fail(`${command.type} refused: ${decision.refusal.code}: ${decision.refusal.message}`);
    events.push(...decision.events);
    state = decision.events.reduce<ReviewSeriesState | undefined>(evolveReviewSeries, state);
  }
  return { state, events };
}

function refusal(now: string, state: ReviewSeriesState | undefined, command: ReviewSeriesCommand): RegisterRefusal {
  const decision = decideReviewSeries(state, command, ctxAt(now));
  if (decision.ok) assert.fail(`${command.type} was accepted with ${decision.events.map((e) => e.type).join(', ') || 'no events'}`);
  return decision.refusal;
}

const child = { kind: 'looked-after' as const, reference: CHILD };
const carer = { kind: 'foster-carer' as const, reference: CARER };
type Series = typeof child | typeof carer;
const fact = (event: NonNullable<RegisterEntry['fact']>['event'], date: string, more: Omit<RegisterEntry, 'fact'> = {}): RegisterEntry => ({ fact: { event, date }, ...more });
const record = (series: Series, ...entries: RegisterEntry[]): ReviewSeriesCommand => ({ type: 'record', ...series, actor: LORNA, entries });
const book = (series: Series, start: string, end: string): ReviewSeriesCommand => ({
  type: 'book', ...series, actor: LORNA, start, end, organiser: 'reviews@northmoor.example', attendees: ['priya.okonjo@northmoor.example'], transactionId: `tx-${start}`,
});
const rearrange = (series: Series, start: string, end: string): ReviewSeriesCommand => ({
  type: 'rearrange', ...series, actor: LORNA, reasonCode: 'iro_unavailable', reasonText: 'The IRO is on leave that week.', start, end,
});
const done = (series: Series, taskId: string, actor = SAMIRA): ReviewSeriesCommand => ({ type: 'complete-task', ...series, actor, taskId });
const reached = (series: Series, key: string, notify: string[] = []): ReviewSeriesCommand => ({ type: 'deadline-reached', ...series, actor: SYSTEM, key, notify });

/** Each task as [id, rule, role, due]. */
const tasksOf = (state: ReviewSeriesState | undefined, rules?: ReviewDueRules) =>
  reviewTasks(state!, { calendar, ...(rules !== undefined && { rules }) }).map((t) => [t.id, t.rule, t.responsible, t.due]);
/** Each pending deadline as [key, dueAt]. */
const deadlinesOf = (state: ReviewSeriesState | undefined, rules?: ReviewDueRules) =>
  taskDeadlinesOf(state!, { calendar, ...(rules !== undefined && { rules }) }).map((d) => [d.key, d.dueAt]).sort((a, b) => a[1]!.localeCompare(b[1]!) || a[0]!.localeCompare(b[0]!));

/**
 * LCS-104233: looked after from 5 January 2026, first review held 30 January; the second review
 * (due 1 May, OX-R04) booked on 2 March for Tuesday 28 April, 10:00 London (BST).
 */
function bookedSecondReview(): ReviewSeriesState {
  const { state } = apply('2026-03-02T10:00:00Z', [
    record(child, fact('became-looked-after', '2026-01-05', { officer: PRIYA, worker: SAMIRA }), fact('review-held', '2026-01-30')),
    book(child, '2026-04-28T09:00:00Z', '2026-04-28T10:30:00Z'),
  ]);
  return state!;
}

/** The same review held on its booked day, recorded at 15:00 that day. */
function heldSecondReview(): ReviewSeriesState {
  return apply('2026-04-28T14:00:00Z', [record(child, fact('review-held', '2026-04-28'))], bookedSecondReview()).state!;
}

describe('domain/reviews/tasks: the work around each booked review (DOMAIN §4.5, §4.6, §8.4)', () => {
  describe('looked-after preparation, across Easter and the clock change', () => {
    it('OX-R08a/b, OX-R09a, OX-R10a: consultation 20, invitations 10 and reports 3 working days before the booked meeting', () => {
      // Back from Tue 28 Apr: 27, 24, 23 (3); ... 14 (10); 13, 10, 9, 8, 7, [Easter Mon 6, Good Fri 3], 2, 1, 31 Mar, 30 Mar, Fri 27 Mar (20).
      assert.deepEqual(tasksOf(bookedSecondReview()), [
        ['OX-R08a/b:booking-1', 'OX-R08a/b', 'social_worker', '2026-03-27'],
        ['OX-R09a:booking-1', 'OX-R09a', 'business_support', '2026-04-14'],
        ['OX-R10a:booking-1', 'OX-R10a', 'social_worker', '2026-04-23'],
      ]);
    });

    it('§8.4: a reminder at the end of the working day before each is due, the chaser at the end of its due day, in London time across the clock change', () => {
      assert.deepEqual(deadlinesOf(bookedSecondReview()), [
        [taskDeadlineKey.reminder('OX-R08a/b:booking-1'), '2026-03-26T17:00:00.000Z'], // Thu, GMT
        [taskDeadlineKey.overdue('OX-R08a/b:booking-1'), '2026-03-27T17:00:00.000Z'], // Fri, GMT; BST from Sun 29 Mar
        [taskDeadlineKey.reminder('OX-R09a:booking-1'), '2026-04-13T16:00:00.000Z'], // Mon 13 Apr, BST
        [taskDeadlineKey.overdue('OX-R09a:booking-1'), '2026-04-14T16:00:00.000Z'],
        [taskDeadlineKey.reminder('OX-R10a:booking-1'), '2026-04-22T16:00:00.000Z'],
        [taskDeadlineKey.overdue('OX-R10a:booking-1'), '2026-04-23T16:00:00.000Z'],
      ]);
    });

    it('OX-R09a (AMB-42): the authority may give invitations to another role', () => {
      const rules: ReviewDueRules = { tasks: { lookedAfter: { administrator: 'iro' } } };
      assert.equal(tasksOf(bookedSecondReview(), rules).find(([, rule]) => rule === 'OX-R09a')?.[2], 'iro');
    });

    it('OX-R08a/b (AMB-35): an initial review has no dated consultation to chase; invitations and reports are', () => {
      const { state } = apply('2026-01-06T10:00:00Z', [
        record(child, fact('became-looked-after', '2026-01-05', { officer: PRIYA, worker: SAMIRA })),
        book(child, '2026-01-27T10:00:00Z', '2026-01-27T11:30:00Z'),
      ]);
      // Back from Tue 27 Jan: 26, 23, 22 (3); 21, 20, 19, 16, 15, 14, 13 (10).
      assert.deepEqual(tasksOf(state), [
        ['OX-R09a:booking-1', 'OX-R09a', 'business_support', '2026-01-13'],
        ['OX-R10a:booking-1', 'OX-R10a', 'social_worker', '2026-01-22'],
      ]);
    });

    it('§8.4: a meeting booked at short notice gets no reminder for a time already past, but the overdue chaser for a task already late', () => {
      const { state } = apply('2026-01-14T10:00:00Z', [
        record(child, fact('became-looked-after', '2026-01-05', { officer: PRIYA, worker: SAMIRA })),
        book(child, '2026-01-27T10:00:00Z', '2026-01-27T11:30:00Z'),
      ]);
      assert.deepEqual(deadlinesOf(state), [
        [taskDeadlineKey.overdue('OX-R09a:booking-1'), '2026-01-13T17:00:00.000Z'],
        [taskDeadlineKey.reminder('OX-R10a:booking-1'), '2026-01-21T17:00:00.000Z'],
        [taskDeadlineKey.overdue('OX-R10a:booking-1'), '2026-01-22T17:00:00.000Z'],
      ]);
      const late = apply('2026-01-14T10:01:00Z', [reached(child, taskDeadlineKey.overdue('OX-R09a:booking-1'), [LORNA])], state);
      assert.deepEqual(late.events.map((e) => e.type), ['ReviewTaskOverdue']);
    });
  });

  describe('looked-after follow-up, from the day the review was held', () => {
    it('OX-R12, OX-R16, OX-R19, OX-R13, OX-R14: decisions 5, team manager 5 after receipt, care plan 10, full record 15, copies 20 working days after', () => {
      // From Tue 28 Apr: 29, 30, 1 May, [Mon 4 May], 5, 6 (5); 7, 8, 11, 12, 13 (10); 14, 15, 18, 19, 20 (15); 21, 22, [Mon 25 May], 26, 27, 28 (20).
      assert.deepEqual(tasksOf(heldSecondReview()), [
        ['OX-R12:held-2026-04-28', 'OX-R12', 'iro', '2026-05-06'],
        ['OX-R16:held-2026-04-28', 'OX-R16', 'team_manager', '2026-05-13'],
        ['OX-R19:held-2026-04-28', 'OX-R19', 'social_worker', '2026-05-13'],
        ['OX-R13:held-2026-04-28', 'OX-R13', 'iro', '2026-05-20'],
        ['OX-R14:held-2026-04-28', 'OX-R14', 'business_support', '2026-05-28'],
      ]);
    });

    it('OX-R16: the team manager\'s clock waits for the decisions: no reminder and no deemed agreement before they are circulated', () => {
      const state = heldSecondReview();
      const tm = reviewTasks(state, { calendar }).find((t) => t.rule === 'OX-R16');
      assert.equal(tm?.started, false);
      assert.ok(!deadlinesOf(state).some(([key]) => key!.includes('OX-R16')));
      assert.deepEqual(deadlinesOf(state).filter(([key]) => key!.includes('OX-R12')), [
        [taskDeadlineKey.reminder('OX-R12:held-2026-04-28'), '2026-05-05T16:00:00.000Z'], // Tue 5 May: Mon 4 May is a bank holiday
        [taskDeadlineKey.overdue('OX-R12:held-2026-04-28'), '2026-05-06T16:00:00.000Z'],
      ]);
    });

    it('OX-R16, OX-R17: decisions circulated on 30 April: the team manager is reminded on 7 May, and with no response by the end of 8 May they are deemed agreed and the social worker is told', () => {
      const circulated = apply('2026-04-30T10:00:00Z', [done(child, 'OX-R12:held-2026-04-28', PRIYA)], heldSecondReview()).state;
      // Receipt Thu 30 Apr: 1 May (1), [4 May], 5, 6, 7 (4), Fri 8 May (5).
      assert.deepEqual(tasksOf(circulated).find(([, rule]) => rule === 'OX-R16'), ['OX-R16:held-2026-04-28', 'OX-R16', 'team_manager', '2026-05-08']);
      const key = taskDeadlineKey.deemedAgreed('OX-R16:held-2026-04-28');
      assert.deepEqual(deadlinesOf(circulated).filter(([k]) => k!.includes('OX-R16')), [
        [taskDeadlineKey.reminder('OX-R16:held-2026-04-28'), '2026-05-07T16:00:00.000Z'],
        [key, '2026-05-08T16:00:00.000Z'],
      ]);
      assert.deepEqual(apply('2026-05-08T15:59:00Z', [reached(child, key, [SAMIRA])], circulated).events, [], 'not before the end of the fifth working day');
      const deemed = apply('2026-05-08T16:00:30Z', [reached(child, key, [SAMIRA, SAMIRA])], circulated);
      assert.deepEqual(deemed.events, [{
        type: 'DecisionsDeemedAgreed', at: '2026-05-08T16:00:30.000Z', actor: SYSTEM, key, dueAt: '2026-05-08T16:00:00.000Z',
        taskId: 'OX-R16:held-2026-04-28', rule: 'OX-R16', reviewDate: '2026-04-28', due: '2026-05-08', role: 'social_worker', notified: [SAMIRA], receivedOn: '2026-04-30',
      }]);
      assert.deepEqual(deemed.state?.deemedAgreed, [{ reviewDate: '2026-04-28', at: '2026-05-08T16:00:30.000Z' }]);
      assert.ok(!deadlinesOf(deemed.state).some(([k]) => k!.includes('OX-R16')), 'nothing more for the team manager');
      assert.deepEqual(apply('2026-05-08T16:05:00Z', [reached(child, key, [SAMIRA])], deemed.state).events, [], 'once only');
      const late = refusal('2026-05-11T09:00:00Z', deemed.state, done(child, 'OX-R16:held-2026-04-28', BETHAN));
      assert.deepEqual([late.code, late.field], ['window-closed', 'taskId']);
      assert.match(late.message, /deemed agreed \(OX-R17\)/);
    });

    it('OX-R16: a response recorded in time means nothing is deemed agreed', () => {
      const answered = apply('2026-05-06T11:00:00Z', [done(child, 'OX-R12:held-2026-04-28', PRIYA), done(child, 'OX-R16:held-2026-04-28', BETHAN)], heldSecondReview()).state;
      assert.ok(!deadlinesOf(answered).some(([k]) => k!.includes('OX-R16')));
      assert.deepEqual(apply('2026-05-13T17:00:00Z', [reached(child, taskDeadlineKey.deemedAgreed('OX-R16:held-2026-04-28'), [SAMIRA])], answered).events, []);
    });

    it('OX-R14 (AMB-41): copies counted from the full record\'s completion wait for it', () => {
      const rules: ReviewDueRules = { tasks: { lookedAfter: { distributionAnchor: 'full_record_completed' } } };
      const held = heldSecondReview();
      assert.ok(!deadlinesOf(held, rules).some(([k]) => k!.includes('OX-R14')));
      // Full record done Mon 11 May: 20 working days on is Tue 9 Jun ([Mon 25 May]).
      const recorded = apply('2026-05-11T12:00:00Z', [done(child, 'OX-R13:held-2026-04-28', PRIYA)], held, rules).state;
      assert.deepEqual(tasksOf(recorded, rules).find(([, rule]) => rule === 'OX-R14'), ['OX-R14:held-2026-04-28', 'OX-R14', 'business_support', '2026-06-09']);
    });

    it('OX-R12: a review held without a booked meeting (imported from the case system) has no follow-up chased', () => {
      const { state } = apply('2026-05-01T10:00:00Z', [record(child, fact('became-looked-after', '2026-01-05'), fact('review-held', '2026-01-30'), fact('review-held', '2026-04-28'))]);
      assert.deepEqual(tasksOf(state), []);
    });

    it('OX-R10a: once the review is held its preparation tasks are closed: a late click says so', () => {
      const r = refusal('2026-04-29T09:00:00Z', heldSecondReview(), done(child, 'OX-R10a:booking-1'));
      assert.deepEqual([r.code, r.field], ['task-closed', 'taskId']);
    });
  });

  describe('in Christmas week', () => {
    /** LCS-104233 again, later: looked after from 1 June 2026, reviews held 26 June and 25 September; the next booked for Christmas Eve. */
    function christmasEve(): ReviewSeriesState {
      return apply('2026-10-01T10:00:00Z', [
        record(child, fact('became-looked-after', '2026-06-01', { officer: PRIYA, worker: SAMIRA }), fact('review-held', '2026-06-26'), fact('review-held', '2026-09-25')),
        book(child, '2026-12-24T10:00:00Z', '2026-12-24T11:30:00Z'),
      ]).state!;
    }

    it('OX-R08a/b, OX-R09a, OX-R10a: a meeting on Christmas Eve', () => {
      // Back from Thu 24 Dec: 23, 22, 21 (3); 18, 17, 16, 15, 14, 11, 10 (10); 9, 8, 7, 4, 3, 2, 1, 30 Nov, 27 Nov, Thu 26 Nov (20).
      assert.deepEqual(tasksOf(christmasEve()).map(([, rule, , due]) => [rule, due]), [['OX-R08a/b', '2026-11-26'], ['OX-R09a', '2026-12-10'], ['OX-R10a', '2026-12-21']]);
    });

    it('OX-R12, OX-R19: held on Christmas Eve, the decisions are due after Christmas, Boxing Day\'s substitute and New Year\'s Day, and the reminder skips them too', () => {
      const held = apply('2026-12-24T15:00:00Z', [record(child, fact('review-held', '2026-12-24'))], christmasEve()).state;
      // From Thu 24 Dec: [Fri 25, Mon 28 Dec (Boxing Day substitute)], Tue 29, Wed 30, Thu 31, [Fri 1 Jan], Mon 4 (4), Tue 5 Jan (5);
      // 6, 7, 8, 11, 12 Jan (10).
      assert.deepEqual(tasksOf(held).filter(([, rule]) => rule === 'OX-R12' || rule === 'OX-R19'), [
        ['OX-R12:held-2026-12-24', 'OX-R12', 'iro', '2027-01-05'],
        ['OX-R19:held-2026-12-24', 'OX-R19', 'social_worker', '2027-01-12'],
      ]);
      assert.deepEqual(deadlinesOf(held).filter(([k]) => k!.includes('OX-R12')), [
        [taskDeadlineKey.reminder('OX-R12:held-2026-12-24'), '2027-01-04T17:00:00.000Z'],
        [taskDeadlineKey.overdue('OX-R12:held-2026-12-24'), '2027-01-05T17:00:00.000Z'],
      ]);
    });

    it('FC-R15, FC-R16: two weeks before a foster home review on 8 January is Christmas Day, so both move back to Christmas Eve; FC-R20, FC-R21, FC-R22 after it', () => {
      const { state } = apply('2026-11-02T10:00:00Z', [
        record(carer, fact('approved', '2026-03-02', { officer: MARCUS, worker: NIAMH })),
        book(carer, '2027-01-08T10:00:00Z', '2027-01-08T11:30:00Z'),
      ]);
      assert.deepEqual(tasksOf(state), [
        ['FC-R15:booking-1', 'FC-R15', 'business_support', '2026-12-24'],
        ['FC-R16:booking-1', 'FC-R16', 'supervising_social_worker', '2026-12-24'],
      ]);
      assert.deepEqual(deadlinesOf(state).filter(([k]) => k!.includes('FC-R15')), [
        [taskDeadlineKey.reminder('FC-R15:booking-1'), '2026-12-23T17:00:00.000Z'],
        [taskDeadlineKey.overdue('FC-R15:booking-1'), '2026-12-24T17:00:00.000Z'],
      ]);
      const held = apply('2027-01-08T14:00:00Z', [record(carer, fact('review-held', '2027-01-08'))], state).state;
      // From Fri 8 Jan: 11, 12, 13, 14, 15 (5); ... Fri 5 Feb (20); four weeks on is Fri 5 Feb.
      assert.deepEqual(tasksOf(held), [
        ['FC-R20:held-2027-01-08', 'FC-R20', 'firo', '2027-01-15'],
        ['FC-R21:held-2027-01-08', 'FC-R21', 'firo', '2027-02-05'],
        ['FC-R22:held-2027-01-08', 'FC-R22', 'business_support', '2027-02-05'],
      ]);
    });
  });

  describe('marking a task done (one click)', () => {
    it('§8.4: Mark done records who and when, stops its reminder and chaser, and a second click changes nothing', () => {
      const booked = bookedSecondReview();
      const first = apply('2026-04-10T09:30:00Z', [done(child, 'OX-R09a:booking-1', LORNA)], booked);
      assert.deepEqual(first.events, [{ type: 'ReviewTaskCompleted', at: '2026-04-10T09:30:00.000Z', actor: LORNA, taskId: 'OX-R09a:booking-1', rule: 'OX-R09a', reviewDate: '2026-04-28', due: '2026-04-14' }]);
      assert.deepEqual(reviewTasks(first.state!, { calendar }).find((t) => t.rule === 'OX-R09a')?.done, { taskId: 'OX-R09a:booking-1', at: '2026-04-10T09:30:00.000Z', by: LORNA });
      assert.ok(!deadlinesOf(first.state).some(([k]) => k!.includes('OX-R09a')));
      assert.deepEqual(apply('2026-04-10T09:31:00Z', [done(child, 'OX-R09a:booking-1', PRIYA)], first.state).events, []);
      assert.deepEqual(apply('2026-04-14T16:00:00Z', [reached(child, taskDeadlineKey.overdue('OX-R09a:booking-1'), [LORNA])], first.state).events, []);
    });

    it('an unknown task id is refused, saying so; nothing is recorded', () => {
      for (const taskId of ['OX-R99:booking-1', 'OX-R09a:booking-7', 'anything']) {
        const r = refusal('2026-04-10T09:30:00Z', bookedSecondReview(), done(child, taskId));
        assert.deepEqual([r.code, r.field], ['unknown-task', 'taskId'], taskId);
        assert.match(r.message, /has no task/);
      }
      assert.equal(refusal('2026-04-10T09:30:00Z', bookedSecondReview(), done(child, '')).code, 'invalid-command');
    });
  });

  describe('deadlines fire once, move with the booking and stop with it', () => {
    it('§8.4: a deadline fires once with who was told; a reminder that comes after its task is due says nothing', () => {
      const booked = bookedSecondReview();
      const key = taskDeadlineKey.reminder('OX-R10a:booking-1');
      assert.deepEqual(apply('2026-04-22T15:59:00Z', [reached(child, key, [SAMIRA])], booked).events, [], 'not yet due');
      const fired = apply('2026-04-22T16:00:30Z', [reached(child, key, [SAMIRA])], booked);
      assert.deepEqual(fired.events, [{
        type: 'ReviewTaskReminderDue', at: '2026-04-22T16:00:30.000Z', actor: SYSTEM, key, dueAt: '2026-04-22T16:00:00.000Z',
        taskId: 'OX-R10a:booking-1', rule: 'OX-R10a', reviewDate: '2026-04-28', due: '2026-04-23', role: 'social_worker', notified: [SAMIRA],
      }]);
      assert.deepEqual(apply('2026-04-22T16:01:00Z', [reached(child, key, [SAMIRA])], fired.state).events, []);
      assert.ok(!deadlinesOf(fired.state).some(([k]) => k === key));
      assert.deepEqual(apply('2026-04-23T16:00:00Z', [reached(child, key, [SAMIRA])], booked).events, [], 'too late for a reminder');
      assert.deepEqual(apply('2026-04-23T16:00:00Z', [reached(child, 'review-task-reminder:nothing', [SAMIRA])], booked).events, []);
    });

    it('OX-S01: a rearranged booking moves its tasks: the same ids and keys at new times, done tasks stay done, and a fired reminder fires again at its new time', () => {
      const booked = bookedSecondReview();
      const reminded = apply('2026-04-13T16:00:30Z', [reached(child, taskDeadlineKey.reminder('OX-R09a:booking-1'), [LORNA]), done(child, 'OX-R08a/b:booking-1')], booked).state;
      const moved = apply('2026-04-13T17:00:00Z', [rearrange(child, '2026-04-30T09:00:00Z', '2026-04-30T10:30:00Z')], reminded).state;
      // Back from Thu 30 Apr: 29, 28, 27 (3); 24, 23, 22, 21, 20, 17, 16 (10).
      assert.deepEqual(tasksOf(moved), [
        ['OX-R08a/b:booking-1', 'OX-R08a/b', 'social_worker', '2026-03-31'],
        ['OX-R09a:booking-1', 'OX-R09a', 'business_support', '2026-04-16'],
        ['OX-R10a:booking-1', 'OX-R10a', 'social_worker', '2026-04-27'],
      ]);
      assert.deepEqual(deadlinesOf(moved), [
        [taskDeadlineKey.reminder('OX-R09a:booking-1'), '2026-04-15T16:00:00.000Z'],
        [taskDeadlineKey.overdue('OX-R09a:booking-1'), '2026-04-16T16:00:00.000Z'],
        [taskDeadlineKey.reminder('OX-R10a:booking-1'), '2026-04-24T16:00:00.000Z'],
        [taskDeadlineKey.overdue('OX-R10a:booking-1'), '2026-04-27T16:00:00.000Z'],
      ]);
    });

    it('CE-R11: a cancelled booking drops its tasks and deadlines; the next booking has tasks of its own', () => {
      const cancelled = apply('2026-04-01T10:00:00Z', [{ type: 'cancel-booking', ...child, actor: LORNA, comment: 'Moved to the placement review.' }], bookedSecondReview()).state;
      assert.deepEqual([tasksOf(cancelled), deadlinesOf(cancelled)], [[], []]);
      assert.deepEqual(apply('2026-04-13T16:00:30Z', [reached(child, taskDeadlineKey.reminder('OX-R09a:booking-1'), [LORNA])], cancelled).events, []);
      assert.equal(refusal('2026-04-02T10:00:00Z', cancelled, done(child, 'OX-R09a:booking-1')).code, 'task-closed');
      const again = apply('2026-04-02T10:00:00Z', [book(child, '2026-04-29T09:00:00Z', '2026-04-29T10:30:00Z')], cancelled).state;
      assert.deepEqual(tasksOf(again).map(([id]) => id), ['OX-R08a/b:booking-2', 'OX-R09a:booking-2', 'OX-R10a:booking-2']);
    });

    it('OX-S04: nothing fires once the series has ceased', () => {
      const held = heldSecondReview();
      const ceased = apply('2026-04-30T10:00:00Z', [record(child, fact('ceased', '2026-04-29'))], held).state;
      assert.deepEqual(deadlinesOf(ceased), []);
      assert.deepEqual(apply('2026-05-06T16:00:30Z', [reached(child, taskDeadlineKey.overdue('OX-R12:held-2026-04-28'), [PRIYA])], ceased).events, []);
    });

    it('§6.4: the state folded from the events alone is the state the decisions built', () => {
      const { state, events } = apply('2026-03-02T10:00:00Z', [
        record(child, fact('became-looked-after', '2026-01-05', { officer: PRIYA, worker: SAMIRA }), fact('review-held', '2026-01-30')),
        book(child, '2026-04-28T09:00:00Z', '2026-04-28T10:30:00Z'),
        done(child, 'OX-R09a:booking-1', LORNA),
      ]);
      const later = apply('2026-03-26T17:00:30Z', [reached(child, taskDeadlineKey.reminder('OX-R08a/b:booking-1'), [SAMIRA])], state);
      assert.deepEqual(foldReviewSeries([...events, ...later.events]), later.state);
    });
  });

  describe('laws (fast-check)', () => {
    const day = fc.integer({ min: 0, max: 3 * 365 }).map((n) => addCalendarDays('2026-01-01' as LocalDate, n));

    it('§8.4: for any booked meeting, each pending task has its reminder at the end of the working day before it is due and its chaser at the end of its due day; keys are unique', () => {
      fc.assert(fc.property(day, (meeting) => {
        const start = `${meeting}T12:00:00Z`;
        // Looked after 70 days before the meeting, first review 10 days later: the second is due about a month after the meeting.
        const bookedAt = `${addCalendarDays(meeting, -50)}T08:00:00Z`;
        const opened = apply(bookedAt, [record(child, fact('became-looked-after', addCalendarDays(meeting, -70), { worker: SAMIRA }), fact('review-held', addCalendarDays(meeting, -60)))]).state!;
        const decision = decideReviewSeries(opened, book(child, start, `${meeting}T13:00:00Z`), ctxAt(bookedAt));
        assert.ok(decision.ok, decision.ok ? '' : decision.refusal.message);
        const state = decision.events.reduce(evolveReviewSeries, opened);
        const specs = taskDeadlinesOf(state, { calendar });
        assert.equal(new Set(specs.map((s) => s.key)).size, specs.length);
        for (const task of reviewTasks(state, { calendar })) {
          assert.ok(calendar.isWorkingDay(task.due), `${task.id} due ${task.due}`);
          assert.ok(task.due < meeting);
          const reminder = specs.find((s) => s.key === taskDeadlineKey.reminder(task.id));
          assert.equal(reminder?.dueAt, calendar.endOfWorkingDay(calendar.subtractWorkingDays(task.due, 1)).toISOString());
          assert.equal(specs.find((s) => s.key === taskDeadlineKey.overdue(task.id))?.dueAt, calendar.endOfWorkingDay(task.due).toISOString());
        }
      }), { numRuns: 60 });
    });
  });
});
