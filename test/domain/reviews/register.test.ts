import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addCalendarDays, createWorkingCalendar, type LocalDate } from '../../../domain/calendar/index.js';
import {
  decideReviewSeries,
  evolveReviewSeries,
  foldReviewSeries,
  nextFosterCarerReview,
  nextLookedAfterReview,
  reviewDueRulesFor,
  reviewSeriesDue,
  type RegisterEntry,
  type RegisterRefusal,
  type ReviewDueRules,
  type ReviewKind,
  type ReviewSeriesCommand,
  type ReviewSeriesEvent,
  type ReviewSeriesState,
} from '../../../domain/reviews/index.js';

const calendar = createWorkingCalendar();
const NOW = new Date('2026-01-06T10:00:00.000Z');
// Fictional people from graph/samples/organisation.yaml (Northmoor Borough Council).
const PRIYA = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // Independent Reviewing Officer
const MARCUS = 'e179f773-a6e0-43c0-9514-b7dde2ad0478'; // Fostering Independent Reviewing Officer
const SAMIRA = '3c3ae353-fb14-428e-90b4-01a6c1cc0aff'; // Social Worker
const JOEL = 'b9c8b9ff-e46e-4627-9419-c7723226db94'; // Social Worker
const LORNA = 'a398d022-d435-4df4-8322-905089933837'; // Business Support Officer
const CHILD = 'LCS-104233';
const CARER = 'FC-20331';

interface Run {
  state: ReviewSeriesState | undefined;
  events: ReviewSeriesEvent[];
}

function ctxAt(now = NOW, rules?: ReviewDueRules) {
  return { now, calendar, ...(rules !== undefined && { rules }) };
}

/** Applies each command in turn, every one of which must be accepted. */
function apply(commands: readonly ReviewSeriesCommand[], from?: ReviewSeriesState, now = NOW, rules?: ReviewDueRules): Run {
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

function refusal(state: ReviewSeriesState | undefined, command: ReviewSeriesCommand, now = NOW, rules?: ReviewDueRules): RegisterRefusal {
  const decision = decideReviewSeries(state, command, ctxAt(now, rules));
  if (decision.ok) assert.fail(`${command.type} was accepted with ${decision.events.map((e) => e.type).join(', ') || 'no events'}`);
  return decision.refusal;
}

const fact = (event: NonNullable<RegisterEntry['fact']>['event'], date: string, more: Partial<NonNullable<RegisterEntry['fact']>> = {}): RegisterEntry =>
  ({ fact: { event, date, ...more } });
const record = (kind: ReviewKind, reference: string, ...entries: RegisterEntry[]): ReviewSeriesCommand =>
  ({ type: 'record', kind, reference, actor: LORNA, entries });
const child = (...entries: RegisterEntry[]) => record('looked-after', CHILD, ...entries);
const carer = (...entries: RegisterEntry[]) => record('foster-carer', CARER, ...entries);
const dueOf = (state: ReviewSeriesState | undefined, rules?: ReviewDueRules) => reviewSeriesDue(state!, { calendar, ...(rules !== undefined && { rules }) });

describe('domain/reviews/register: the review register', () => {
  describe('looked-after children (OX-R02 to OX-R06)', () => {
    it('OX-R02: a child who became looked after opens a series whose initial review is due 20 working days later', () => {
      const { state, events } = apply([child({ ...fact('became-looked-after', '2026-01-05'), officer: PRIYA, worker: SAMIRA })]);
      assert.deepEqual(events.map((e) => e.type), ['ReviewSeriesOpened', 'BecameLookedAfter', 'OfficerAssigned', 'WorkerAssigned']);
      assert.equal(events[0]?.at, NOW.toISOString());
      const due = dueOf(state);
      assert.deepEqual([due?.review, due?.rule, due?.due, due?.latestMeetingDate], ['initial', 'OX-R02', '2026-02-02', '2026-02-02']);
      assert.deepEqual([state?.officer, state?.worker], [PRIYA, SAMIRA]);
    });

    it('OX-R04: once the initial review is held, the second is due 91 days after it', () => {
      const { state } = apply([child(fact('became-looked-after', '2026-01-05'), fact('review-held', '2026-01-30'))]);
      assert.deepEqual([dueOf(state)?.review, dueOf(state)?.rule, dueOf(state)?.due], ['second', 'OX-R04', '2026-05-01']);
    });

    it('OX-R05: after the second review, the next is due 183 days after the previous one', () => {
      const { state } = apply([child(fact('became-looked-after', '2026-01-05'), fact('review-held', '2026-01-30'), fact('review-held', '2026-04-28'))]);
      assert.deepEqual([dueOf(state)?.review, dueOf(state)?.rule, dueOf(state)?.due], ['subsequent', 'OX-R05', addCalendarDays('2026-04-28' as LocalDate, 183)]);
    });

    it('OX-R06: the due date is the review calculator\'s, from the same facts, counted in days and never rounded to months', () => {
      const { state } = apply([child(fact('became-looked-after', '2025-09-15'), fact('review-held', '2025-10-10'), fact('placement-change', '2025-11-03'), fact('review-held', '2026-01-08'))]);
      assert.deepEqual(dueOf(state), nextLookedAfterReview(
        { becameLookedAfter: '2025-09-15', placementChanges: ['2025-11-03'], held: ['2025-10-10', '2026-01-08'] }, { calendar }));
    });

    it('OX-R03: a placement change after the last review brings the next review forward to 20 working days after the move', () => {
      const { state } = apply([child(fact('became-looked-after', '2026-01-05'), fact('review-held', '2026-01-30'), fact('placement-change', '2026-03-02'))]);
      assert.deepEqual([dueOf(state)?.review, dueOf(state)?.rule, dueOf(state)?.due], ['placement-change', 'OX-R03', '2026-03-30']);
    });

    it('AMB-36: the authority\'s choice on placement-change reviews reaches the calculator', () => {
      const facts = [fact('became-looked-after', '2026-01-05'), fact('review-held', '2026-01-30'), fact('placement-change', '2026-02-16'), fact('review-held', '2026-03-09')];
      const { state } = apply([child(...facts)]);
      const keeps: ReviewDueRules = { lookedAfter: { placementChangeResetsCycle: false } };
      assert.equal(dueOf(state)?.due, addCalendarDays('2026-03-09' as LocalDate, 183));
      assert.equal(dueOf(state, keeps)?.due, '2026-05-01'); // still 91 days from the initial review
    });

    it('OX-R02: facts arriving out of date order are kept in date order, so the due date is the same', () => {
      const a = apply([child(fact('became-looked-after', '2026-01-05'), fact('review-held', '2026-01-30'), fact('review-held', '2026-04-28'))]).state;
      const b = apply([child(fact('became-looked-after', '2026-01-05'), fact('review-held', '2026-04-28'), fact('review-held', '2026-01-30'))]).state;
      assert.deepEqual(b?.facts, a?.facts);
      assert.deepEqual(dueOf(b), dueOf(a));
    });
  });

  describe('foster carers (FC-R01 to FC-R06)', () => {
    it('FC-R01: an approved carer\'s first review is due not more than a year after approval', () => {
      const { state } = apply([carer({ ...fact('approved', '2025-06-12'), officer: MARCUS })]);
      assert.deepEqual([dueOf(state)?.review, dueOf(state)?.rule, dueOf(state)?.due], ['first', 'FC-R01', '2026-06-12']);
    });

    it('FC-R02: after a review is held, the next is due a year after it', () => {
      const { state } = apply([carer(fact('approved', '2024-11-04'), fact('review-held', '2025-10-20'))]);
      assert.deepEqual([dueOf(state)?.review, dueOf(state)?.rule, dueOf(state)?.due], ['annual', 'FC-R02', '2026-10-20']);
    });

    it('FC-R03 (AMB-38): Dudley\'s rules hold the first review 6 months after approval', () => {
      const { state } = apply([carer(fact('approved', '2025-06-12'))]);
      const rules = reviewDueRulesFor('dudley');
      assert.deepEqual([dueOf(state, rules)?.rule, dueOf(state, rules)?.due], ['FC-R03', '2025-12-12']);
      assert.deepEqual(reviewDueRulesFor('oxfordshire'), {});
    });

    it('FC-R04: best practice counts 6 months from the first placement when that is sooner than 11 months after approval', () => {
      const rules: ReviewDueRules = { fosterCarer: { firstReviewRule: 'best_practice_min' } };
      const { state } = apply([carer(fact('approved', '2025-06-12'), fact('first-placement', '2025-07-01'))], undefined, NOW, rules);
      assert.deepEqual(dueOf(state, rules), nextFosterCarerReview({ approved: '2025-06-12', firstPlacement: '2025-07-01' }, { calendar, ...rules.fosterCarer }));
      assert.equal(dueOf(state, rules)?.due, '2026-01-01');
    });

    it('FC-R04: with no child placed yet, best practice holds the first review 11 months after approval, and says so', () => {
      const rules: ReviewDueRules = { fosterCarer: { firstReviewRule: 'best_practice_min' } };
      const { state } = apply([carer(fact('approved', '2025-06-12'))], undefined, NOW, rules);
      const due = dueOf(state, rules);
      assert.deepEqual([due?.rule, due?.due, due?.anchor], ['FC-R04', '2026-05-12', { event: 'approval', date: '2025-06-12' }]);
      assert.match(due!.explanation, /^No child has been placed yet/);
    });

    it('FC-R06 (AMB-11): a significant incident since the last review brings the review forward when the authority holds it by 20 working days', () => {
      const facts = [fact('approved', '2024-11-04'), fact('review-held', '2025-10-20'), fact('significant-incident', '2026-02-09')];
      const { state } = apply([carer(...facts)]);
      assert.equal(dueOf(state)?.rule, 'FC-R02');
      assert.ok(dueOf(state)?.related.some((r) => r.rule === 'FC-R06'));
      const holdBy: ReviewDueRules = { fosterCarer: { incidentReviewMode: 'hold_by' } };
      assert.deepEqual([dueOf(state, holdBy)?.review, dueOf(state, holdBy)?.rule, dueOf(state, holdBy)?.due], ['significant-incident', 'FC-R06', '2026-03-09']);
    });
  });

  describe('C69: participation in reviews held', () => {
    it('C69 (KPI-C69): a review held records whether the child participated and was aged 4 or over', () => {
      const { state } = apply([child(fact('became-looked-after', '2026-01-05'), fact('review-held', '2026-01-30', { participated: true, aged4Plus: false }))]);
      assert.deepEqual(state?.facts[1], { fact: 'review-held', date: '2026-01-30', participated: true, aged4Plus: false });
    });

    it('C69: the details filled in later are a new fact about the same review; the same details again, or blanks, change nothing', () => {
      const first = apply([child(fact('became-looked-after', '2026-01-05'), fact('review-held', '2026-01-30'))]).state;
      const filled = apply([child(fact('review-held', '2026-01-30', { participated: true, aged4Plus: true }))], first);
      assert.deepEqual(filled.events.map((e) => e.type), ['ReviewHeld']);
      assert.deepEqual(apply([child(fact('review-held', '2026-01-30', { participated: true, aged4Plus: true }))], filled.state).events, []);
      assert.deepEqual(apply([child(fact('review-held', '2026-01-30'))], filled.state).events, []);
      assert.equal(filled.state?.facts.filter((f) => f.fact === 'review-held').length, 1);
    });

    it('C69: participation on anything but a review held is refused, naming the field', () => {
      const { state } = apply([child(fact('became-looked-after', '2026-01-05'))]);
      const r = refusal(state, child(fact('placement-change', '2026-02-02', { participated: true })));
      assert.deepEqual([r.code, r.field, r.entry], ['not-a-review', 'participated', 0]);
    });
  });

  describe('idempotence: recording the same fact twice changes nothing', () => {
    const childFacts = [
      fact('became-looked-after', '2025-09-15'), fact('review-held', '2025-10-10', { participated: false, aged4Plus: false }),
      fact('placement-change', '2025-11-03'), fact('review-adjourned', '2026-01-08'), fact('review-held', '2026-01-22'),
      fact('review-postponed', '2026-06-01'), fact('ceased', '2026-07-01'),
    ];
    const carerFacts = [
      fact('approved', '2024-11-04'), fact('first-placement', '2024-12-01'), fact('review-held', '2025-10-20'),
      fact('significant-incident', '2026-02-09'), fact('review-postponed', '2026-03-01'), fact('ceased', '2026-04-01'),
    ];

    it('OX-R02..OX-R05: every looked-after fact recorded again is accepted with no events', () => {
      const { state } = apply([child(...childFacts)]);
      for (const f of childFacts) assert.deepEqual(apply([child(f)], state).events, [], JSON.stringify(f));
      assert.deepEqual(apply([child(...childFacts)], state).events, []);
    });

    it('FC-R01..FC-R06: every foster carer fact recorded again is accepted with no events', () => {
      const { state } = apply([carer(...carerFacts)]);
      for (const f of carerFacts) assert.deepEqual(apply([carer(f)], state).events, [], JSON.stringify(f));
    });

    it('§1.1, §1.2: officer and worker assignments are dated facts, each kept once, so the rows again change nothing', () => {
      const rows = [
        child({ ...fact('became-looked-after', '2026-01-05'), officer: PRIYA, worker: SAMIRA }),
        child({ ...fact('placement-change', '2026-03-02'), worker: JOEL }),
      ];
      const { state, events } = apply(rows);
      assert.deepEqual(state?.workers, [{ person: SAMIRA, from: '2026-01-05' }, { person: JOEL, from: '2026-03-02' }]);
      assert.equal(state?.worker, JOEL);
      assert.deepEqual(apply(rows, state).events, []);
      assert.deepEqual(apply([...rows].reverse(), state).events, []);
      // A change recorded out of date order does not make the later one stop being current.
      const earlier = apply([child({ ...fact('review-held', '2026-01-30'), worker: SAMIRA })], state);
      assert.deepEqual([earlier.events.map((e) => e.type), earlier.state?.worker], [['ReviewHeld', 'WorkerAssigned'], JOEL]);
      assert.equal(events.filter((e) => e.type === 'OfficerAssigned').length, 1);
    });

    it('§1.6: an invitee is kept once, in lower case, and may be outside the council', () => {
      const { state, events } = apply([child({ ...fact('became-looked-after', '2026-01-05'), invitees: ['Carer.Ashdown@Carers.example', 'carer.ashdown@carers.example'] })]);
      assert.deepEqual(state?.invitees, ['carer.ashdown@carers.example']);
      assert.equal(events.filter((e) => e.type === 'InviteesAdded').length, 1);
      assert.deepEqual(apply([child({ invitees: ['CARER.ASHDOWN@carers.example'] })], state).events, []);
    });

    it('law: any accepted sequence of facts that agrees with itself, recorded again in any order, adds no events and leaves the state as it was', () => {
      const dates = fc.integer({ min: 0, max: 400 }).map((n) => addCalendarDays('2025-01-06' as LocalDate, n));
      const entry = fc.record({
        event: fc.constantFrom('placement-change', 'review-held', 'review-adjourned', 'review-postponed', 'ceased', 'became-looked-after' as const),
        date: dates,
        given: fc.boolean(),
        officer: fc.option(fc.constantFrom(PRIYA, MARCUS), { nil: undefined }),
      });
      fc.assert(fc.property(fc.array(entry, { maxLength: 12 }), fc.boolean(), (entries, reverse) => {
        let state = apply([child(fact('became-looked-after', '2025-01-06'))]).state;
        const accepted: RegisterEntry[] = [];
        for (const e of entries) {
          const one: RegisterEntry = {
            // One file says one thing about a review: participation, where given, is the same on every row for that day.
            fact: { event: e.event, date: e.date, ...(e.event === 'review-held' && e.given && { participated: Number(e.date.slice(-1)) % 2 === 0 }) },
            ...(e.officer !== undefined && { officer: e.officer }),
          };
          const decision = decideReviewSeries(state, child(one), ctxAt());
          if (!decision.ok) continue;
          accepted.push(one);
          state = decision.events.reduce<ReviewSeriesState | undefined>(evolveReviewSeries, state);
        }
        const again = reverse ? [...accepted].reverse().map((e) => ({ ...e, officer: undefined })) : accepted;
        const replay = decideReviewSeries(state, child(fact('became-looked-after', '2025-01-06'), ...again), ctxAt());
        assert.ok(replay.ok, !replay.ok ? replay.refusal.message : '');
        assert.deepEqual(replay.events, []);
      }), { numRuns: 200 });
    });
  });

  describe('periods of care: ceasing and coming back (OX-S04, CE-R11)', () => {
    it('OX-S04: a child who ceased to be looked after has no review due', () => {
      const { state } = apply([child(fact('became-looked-after', '2026-01-05'), fact('review-held', '2026-01-30'), fact('ceased', '2026-03-02'))]);
      assert.equal(dueOf(state), null);
    });

    it('OX-S04: nothing is recorded after the child ceased to be looked after, and ceasing cannot come before what is recorded', () => {
      const { state } = apply([child(fact('became-looked-after', '2026-01-05'), fact('review-held', '2026-01-30'))]);
      assert.equal(refusal(state, child(fact('ceased', '2026-01-20'))).code, 'facts-after-ceased');
      const ceased = apply([child(fact('ceased', '2026-03-02'))], state).state;
      assert.deepEqual([refusal(ceased, child(fact('review-held', '2026-03-10'))).code, refusal(ceased, child(fact('review-held', '2026-03-10'))).field], ['after-ceased', 'date']);
      assert.equal(refusal(ceased, child(fact('ceased', '2026-03-09'))).code, 'already-ceased');
    });

    it('OX-R02: a child who comes back into care starts a new period with a new initial review, 20 working days on', () => {
      const { state } = apply([child(fact('became-looked-after', '2025-06-02'), fact('review-held', '2025-06-27'), fact('ceased', '2025-09-01'), fact('became-looked-after', '2026-01-05'))]);
      assert.deepEqual([dueOf(state)?.review, dueOf(state)?.due], ['initial', '2026-02-02']);
    });

    it('OX-R02: a second became-looked-after while the first period is open is refused, saying a ceased row comes first', () => {
      const { state } = apply([child(fact('became-looked-after', '2026-01-05'))]);
      const r = refusal(state, child(fact('became-looked-after', '2026-02-01')));
      assert.deepEqual([r.code, r.field], ['already-open', 'date']);
      assert.match(r.message, /ceased/);
    });
  });

  describe('what the register refuses', () => {
    it('OX-R02: a new child\'s series must start with the day the child became looked after', () => {
      const r = refusal(undefined, child(fact('review-held', '2026-01-30')));
      assert.deepEqual([r.code, r.field, r.entry], ['no-anchor', 'event', 0]);
    });

    it('FC-R01: a new carer\'s series must start with the approval date', () => {
      assert.equal(refusal(undefined, carer(fact('review-held', '2026-01-30'))).code, 'no-anchor');
    });

    it('OX-R02: a fact before the child became looked after is refused with both dates', () => {
      const { state } = apply([child(fact('became-looked-after', '2026-01-05'))]);
      const r = refusal(state, child(fact('placement-change', '2025-12-01')));
      assert.deepEqual([r.code, r.field], ['before-anchor', 'date']);
      assert.match(r.message, /2025-12-01.*2026-01-05/);
    });

    it('FC-R01: a foster carer fact in a child\'s series (and the other way round) is refused as the wrong kind', () => {
      assert.deepEqual([refusal(undefined, child(fact('approved', '2026-01-05'))).code, refusal(undefined, child(fact('approved', '2026-01-05'))).field], ['wrong-kind', 'event']);
      const { state } = apply([carer(fact('approved', '2025-06-12'))]);
      assert.equal(refusal(state, carer(fact('placement-change', '2025-09-01'))).code, 'wrong-kind');
    });

    it('OX-S15: a foster home review is never adjourned (it is rearranged instead)', () => {
      const { state } = apply([carer(fact('approved', '2025-06-12'))]);
      const r = refusal(state, carer(fact('review-adjourned', '2026-01-12')));
      assert.equal(r.code, 'wrong-kind');
      assert.match(r.message, /OX-S15/);
    });

    it('OX-S15: a review adjourned once shows the day it must resume by, and a second adjournment of it is refused', () => {
      const { state } = apply([child(fact('became-looked-after', '2026-01-05'), fact('review-adjourned', '2026-01-28'))]);
      assert.deepEqual(dueOf(state)?.related.find((r) => r.rule === 'OX-S15')?.date, calendar.addWorkingDays('2026-01-28' as LocalDate, 20));
      assert.equal(dueOf(state)?.rule, 'OX-R02'); // an adjourned meeting is not a review held
      assert.equal(refusal(state, child(fact('review-adjourned', '2026-02-11'))).code, 'already-adjourned');
      const resumed = apply([child(fact('review-held', '2026-02-11'))], state).state;
      assert.equal(dueOf(resumed)?.related.find((r) => r.rule === 'OX-S15'), undefined);
      assert.equal(refusal(resumed, child(fact('review-held', '2026-01-28'))).code, 'conflicting-fact');
    });

    it('FC-R04: a carer\'s first placement is one date', () => {
      const { state } = apply([carer(fact('approved', '2025-06-12'), fact('first-placement', '2025-07-01'))]);
      assert.equal(refusal(state, carer(fact('first-placement', '2025-08-01'))).code, 'conflicting-fact');
    });

    it('OX-R06: a date that does not exist is refused before anything is decided', () => {
      const r = refusal(undefined, child(fact('became-looked-after', '2026-02-30')));
      assert.deepEqual([r.code, r.field], ['invalid-command', 'date']);
    });

    it('§6.3 (RED-01): a reference that is not a case-system reference (a name, say) is refused', () => {
      assert.equal(refusal(undefined, record('looked-after', 'Jane Doe', fact('became-looked-after', '2026-01-05'))).code, 'invalid-command');
    });

    it('OX-R02: a later entry refused refuses the whole command, naming the entry', () => {
      const r = refusal(undefined, child(fact('became-looked-after', '2026-01-05'), fact('review-held', '2026-01-30'), fact('placement-change', '2025-01-01')));
      assert.deepEqual([r.code, r.entry], ['before-anchor', 2]);
    });
  });

  describe('booking facts (OX-S01, DOMAIN §4.2)', () => {
    const base = () => apply([child({ ...fact('became-looked-after', '2026-01-05'), officer: PRIYA }), child(fact('review-held', '2026-01-30'))]).state;
    const cmd = { kind: 'looked-after' as const, reference: CHILD, actor: LORNA };
    const book = (start: string, end: string): ReviewSeriesCommand => ({
      type: 'book', ...cmd, start, end, organiser: 'reviews@northmoor.example', attendees: ['priya.okonjo@northmoor.example', 'carer.ashdown@carers.example'], transactionId: 'tx-1',
    });

    it('OX-S01: a review booked inside the window is kept with its times, organiser, attendees and transaction id', () => {
      const { state, events } = apply([book('2026-04-28T09:00:00Z', '2026-04-28T10:30:00Z')], base());
      assert.deepEqual(events.map((e) => e.type), ['ReviewBooked']);
      assert.deepEqual(state?.booking, {
        start: '2026-04-28T09:00:00.000Z', end: '2026-04-28T10:30:00.000Z', organiser: 'reviews@northmoor.example',
        attendees: ['priya.okonjo@northmoor.example', 'carer.ashdown@carers.example'], transactionId: 'tx-1', graphEventId: null, bookedAt: NOW.toISOString(), bookedBy: LORNA,
      });
      assert.equal(refusal(state, book('2026-04-29T09:00:00Z', '2026-04-29T10:30:00Z')).code, 'already-booked');
    });

    it('OX-S01: a booking after the due date is refused with the latest meeting date, while the review can still be held in time', () => {
      const r = refusal(base(), book('2026-05-04T09:00:00Z', '2026-05-04T10:30:00Z'));
      assert.deepEqual([r.code, r.field], ['beyond-due-date', 'start']);
      assert.match(r.message, /2026-05-01/);
    });

    it('OX-S01: a review already overdue can still be booked, as soon as it can be', () => {
      const late = new Date('2026-05-06T10:00:00Z');
      assert.ok(decideReviewSeries(base(), book('2026-05-11T09:00:00Z', '2026-05-11T10:30:00Z'), ctxAt(late)).ok);
    });

    it('OX-S01: a booking whose meeting the calendar never made (booking-failed) is no longer booked and may be booked again; an old or confirmed booking is never undone so', () => {
      const failedCmd = (transactionId: string): ReviewSeriesCommand => ({ type: 'booking-failed', ...cmd, actor: 'calendar-delivery', transactionId, reason: 'calendar refused: GraphRequestError' });
      const booked = apply([book('2026-04-28T09:00:00Z', '2026-04-28T10:30:00Z')], base()).state;
      // Another booking's create (one cancelled and made again) changes nothing.
      assert.deepEqual(apply([failedCmd('tx-other')], booked).events, []);
      const failed = apply([failedCmd('tx-1')], booked);
      assert.deepEqual(failed.events.map((e) => e.type), ['BookingFailed']);
      assert.equal(failed.state?.booking, null);
      // Who booked it is kept, to be told.
      assert.deepEqual(failed.state?.bookingFailed, {
        at: NOW.toISOString(), start: '2026-04-28T09:00:00.000Z', end: '2026-04-28T10:30:00.000Z', reason: 'calendar refused: GraphRequestError', transactionId: 'tx-1', bookedBy: LORNA,
      });
      // Told twice (the same failure recorded again): nothing more.
      assert.deepEqual(apply([failedCmd('tx-1')], failed.state).events, []);
      // Booked again: nothing left to book again.
      const again = apply([{ ...book('2026-04-29T09:00:00Z', '2026-04-29T10:30:00Z'), transactionId: 'tx-2' } as ReviewSeriesCommand], failed.state).state;
      assert.equal(again?.booking?.transactionId, 'tx-2');
      assert.equal(again?.bookingFailed, null);
      // A booking confirmed as a calendar event is never undone by a failure of its create.
      const confirmed = apply([{ type: 'confirm-booking', ...cmd, graphEventId: 'AAMk-1' }], booked).state;
      assert.deepEqual(apply([failedCmd('tx-1')], confirmed).events, []);
      assert.equal(base()?.bookingFailed, null, 'never booked: nothing failed');
      // The review held (recorded from the export) or the series ceased: nothing left to book again.
      assert.equal(apply([child(fact('review-held', '2026-04-28'))], failed.state).state?.bookingFailed, null);
      assert.equal(apply([child(fact('ceased', '2026-04-20'))], failed.state).state?.bookingFailed, null);
    });

    it('§4.2: the Graph event id is recorded once; the same id again changes nothing', () => {
      const booked = apply([book('2026-04-28T09:00:00Z', '2026-04-28T10:30:00Z'), { type: 'confirm-booking', ...cmd, graphEventId: 'AAMk-1' }], base());
      assert.equal(booked.state?.booking?.graphEventId, 'AAMk-1');
      assert.deepEqual(apply([{ type: 'confirm-booking', ...cmd, graphEventId: 'AAMk-1' }], booked.state).events, []);
      assert.equal(refusal(booked.state, { type: 'confirm-booking', ...cmd, graphEventId: 'AAMk-2' }).code, 'confirmed-differently');
    });

    it('OX-S01 (§4.2): a rearrangement keeps its reason and the times it moved from, and past the due date it is refused with the latest date', () => {
      const booked = apply([book('2026-04-28T09:00:00Z', '2026-04-28T10:30:00Z')], base()).state;
      const moved = apply([{ type: 'rearrange', ...cmd, reasonCode: 'social_worker_in_court', reasonText: 'Court listing moved.', start: '2026-04-30T13:00:00Z', end: '2026-04-30T14:30:00Z' }], booked).state;
      assert.deepEqual(moved?.rearrangements.map((r) => [r.reasonCode, r.from.start, r.to.start]), [['social_worker_in_court', '2026-04-28T09:00:00.000Z', '2026-04-30T13:00:00.000Z']]);
      assert.equal(moved?.booking?.start, '2026-04-30T13:00:00.000Z');
      const r = refusal(moved, { type: 'rearrange', ...cmd, reasonCode: 'iro_unavailable', reasonText: 'Leave.', start: '2026-05-05T09:00:00Z', end: '2026-05-05T10:30:00Z' });
      assert.equal(r.code, 'beyond-due-date');
      assert.match(r.message, /OX-S01.*2026-05-01/);
      assert.equal(refusal(moved, { type: 'rearrange', ...cmd, reasonCode: 'no_such_reason' as 'other', reasonText: 'x', start: '2026-04-29T09:00:00Z', end: '2026-04-29T10:30:00Z' }).code, 'invalid-command');
    });

    it('CE-R11: a cancelled booking keeps its comment and leaves the review unbooked', () => {
      const booked = apply([book('2026-04-28T09:00:00Z', '2026-04-28T10:30:00Z')], base()).state;
      const cancelled = apply([{ type: 'cancel-booking', ...cmd, comment: 'The child has left care.' }], booked).state;
      assert.equal(cancelled?.booking, null);
      assert.deepEqual(cancelled?.cancellations.map((c) => [c.comment, c.start]), [['The child has left care.', '2026-04-28T09:00:00.000Z']]);
      assert.equal(refusal(cancelled, { type: 'cancel-booking', ...cmd, comment: 'again' }).code, 'not-booked');
    });

    it('OX-R04: the review held on the booked day closes the booking; one held before it does not', () => {
      const booked = apply([book('2026-04-28T09:00:00Z', '2026-04-28T10:30:00Z')], base()).state;
      assert.notEqual(apply([child(fact('placement-change', '2026-03-02'))], booked).state?.booking, null);
      const held = apply([child(fact('review-held', '2026-04-28'))], booked);
      assert.equal((held.events[0] as { closesBooking?: boolean }).closesBooking, true);
      assert.equal(held.state?.booking, null);
      assert.equal(dueOf(held.state)?.review, 'subsequent');
    });

    it('§4: a command for another series than the state is refused', () => {
      assert.equal(refusal(base(), record('looked-after', 'LCS-999', fact('review-held', '2026-02-01'))).code, 'kind-mismatch');
    });
  });

  it('§6.4: the state folded from the events alone is the state the decisions built', () => {
    const { state, events } = apply([child({ ...fact('became-looked-after', '2026-01-05'), officer: PRIYA, invitees: ['carer.ashdown@carers.example'] }), child(fact('review-held', '2026-01-30'))]);
    assert.deepEqual(foldReviewSeries(events), state);
    assert.throws(() => evolveReviewSeries(undefined, events[1]!), /before the series was opened/);
  });
});
