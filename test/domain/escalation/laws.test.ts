import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addCalendarDays, type LocalDate } from '../../../domain/calendar/index.js';
import {
  SYSTEM_ACTOR,
  caseNoteText,
  decide,
  deadlinesOf,
  evolve,
  fold,
  summarise,
  type CaseCommand,
  type CaseEvent,
  type CaseState,
} from '../../../domain/escalation/index.js';
import { getPolicy, type Policy } from '../../../domain/policies/index.js';
import { calendar, people } from './harness.js';

const CASE = 'case-law';
const POOL = [people.officer, people.sw, people.tm, people.sm, people.dd, people.stranger];
/** Weighted towards the commands that move a case along; the closing ones come rarely. */
const KINDS = [
  'respond', 'respond', 'agree-action', 'agree-action', 'complete-action', 'complete-action',
  'escalate', 'escalate', 'escalate', 'bypass', 'bypass', 'set-resolution-date', 'record-chase',
  'deadline-reached', 'deadline-reached', 'deadline-reached', 'resolve', 'refer-to-cafcass', 'withdraw',
] as const;

/** One randomly chosen intention; turned into a concrete command against the case as it stands. */
const intention = fc.record({
  kind: fc.constantFrom(...KINDS),
  /** Below POOL.length: someone from the pool; otherwise the person entitled to act (most of the time). */
  actor: fc.nat(POOL.length * 3),
  pick: fc.nat(20),
  flag: fc.boolean(),
  staleStage: fc.boolean(),
  days: fc.integer({ min: -1, max: 25 }),
  advanceMinutes: fc.integer({ min: 0, max: 6 * 24 * 60 }),
  text: fc.option(fc.constantFrom('Agreed.', 'Visits booked for every month.', 'Resources are not available.'), { nil: undefined }),
});
type Intention = typeof intention extends fc.Arbitrary<infer T> ? T : never;

const start = fc.record({
  policyId: fc.constantFrom('dudley', 'somerset', 'oxfordshire', 'cheshire_east'),
  alertPick: fc.nat(5),
  entryPick: fc.option(fc.nat(6), { nil: undefined }),
  bypassLineManager: fc.boolean(),
  dateDays: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
  startMinutes: fc.integer({ min: 0, max: 400 * 24 * 60 }),
});

const pickOf = <T>(items: readonly T[], n: number): T => items[n % items.length] as T;
const dayAfter = (now: Date, days: number): string => addCalendarDays(calendar.localDateOf(now), days) as string;

function raiseCommand(policy: Policy, s: typeof start extends fc.Arbitrary<infer T> ? T : never, now: Date): CaseCommand {
  const type = pickOf(policy.alertTypes, s.alertPick);
  return {
    type: 'raise',
    caseId: CASE,
    actor: people.officer,
    reference: 'RES-2026-0999',
    subjectInitials: 'A.B.',
    allocatedWorkerId: people.sw,
    policyId: policy.id,
    alertTypeId: type.id,
    entryStageId: type.kind === 'notification' || s.entryPick === undefined ? undefined : pickOf(policy.stages, s.entryPick).id,
    issue: 'The plan has not been updated.',
    impactOnChild: 'Delay for the child.',
    resolutionSought: 'An updated plan.',
    resolutionSoughtBy: s.dateDays === undefined ? undefined : dayAfter(now, s.dateDays),
    bypass: { reason: 'Seriousness of the issue.', lineManagerDiscussed: s.bypassLineManager },
    to: [people.sw, people.tm],
    cc: [people.sm],
  };
}

function commandFor(state: CaseState, policy: Policy, i: Intention, n: number, now: Date): CaseCommand {
  const entitled =
    i.kind === 'respond' ? state.stage.to[0]
      : i.kind === 'complete-action' ? state.actions.find((a) => a.completedAt === null)?.owner
      : i.kind === 'agree-action' ? state.stage.to[0]
      : people.officer;
  const actor = i.kind === 'deadline-reached' ? SYSTEM_ACTOR : i.actor < POOL.length ? pickOf(POOL, i.actor) : entitled ?? people.officer;
  const stageId = i.staleStage ? pickOf(policy.stages, i.pick).id : state.stage.stageId;
  const base = { caseId: CASE, actor };
  const who = { to: [pickOf(POOL, i.pick)], cc: [pickOf(POOL, i.pick + 1)] };
  const date = i.flag ? dayAfter(now, i.days) : undefined;
  switch (i.kind) {
    case 'respond':
      return { ...base, type: 'respond', stageId, response: pickOf(['accept', 'propose-alternative', 'decline'] as const, i.pick), text: i.text };
    case 'agree-action':
      return { ...base, type: 'agree-action', stageId, actionId: `a${n}`, owner: pickOf(POOL, i.pick), dueDate: dayAfter(now, i.days), text: 'Update the plan.' };
    case 'complete-action':
      return { ...base, type: 'complete-action', actionId: (i.flag ? state.actions.find((a) => a.owner === actor && a.completedAt === null) : state.actions[i.pick % Math.max(1, state.actions.length)])?.actionId ?? 'a0' };
    case 'escalate':
      return { ...base, type: 'escalate', stageId, reason: 'Not resolved.', resolutionSoughtBy: date, ...who };
    case 'bypass':
      return { ...base, type: 'bypass', stageId, targetStageId: pickOf(policy.stages, i.pick).id, reason: 'Urgent.', lineManagerDiscussed: i.flag, emergency: !i.flag && i.pick % 2 === 0, resolutionSoughtBy: date, ...who };
    case 'set-resolution-date':
      return { ...base, type: 'set-resolution-date', stageId, resolutionSoughtBy: dayAfter(now, i.days) };
    case 'record-chase':
      return { ...base, type: 'record-chase', stageId, note: i.text };
    case 'resolve':
      return { ...base, type: 'resolve', outcome: i.text, keyLearningPoints: i.flag ? 'Track plans weekly.' : undefined };
    case 'refer-to-cafcass':
      return { ...base, type: 'refer-to-cafcass', reason: 'No agreement within the limit.' };
    case 'withdraw':
      return { ...base, type: 'withdraw', reason: 'Raised in error.' };
    case 'deadline-reached': {
      const keys = deadlinesOf(state, { policy, calendar }).map((d) => d.key);
      return { ...base, type: 'deadline-reached', key: i.flag && keys.length > 0 ? pickOf(keys, i.pick) : pickOf(['overall-limit', 'reminder:stage1', 'junk'], i.pick) };
    }
  }
}

/** Drive one random case and check the invariants after every decision. */
function run(s: typeof start extends fc.Arbitrary<infer T> ? T : never, steps: readonly Intention[], check: (ctx: { state: CaseState; events: CaseEvent[]; policy: Policy; now: Date; decided: CaseEvent[]; command: CaseCommand }) => void): void {
  const policy = getPolicy(s.policyId);
  let now = new Date(Date.parse('2026-01-05T09:00:00Z') + s.startMinutes * 60_000);
  const events: CaseEvent[] = [];
  const first = decide(undefined, raiseCommand(policy, s, now), { now, policy, calendar });
  if (!first.ok) return;
  events.push(...first.events);
  steps.forEach((i, n) => {
    now = new Date(now.getTime() + i.advanceMinutes * 60_000);
    const before = fold(events) as CaseState;
    const command = commandFor(before, policy, i, n, now);
    const decision = decide(before, command, { now, policy, calendar });
    const decided = decision.ok ? decision.events : [];
    if (!decision.ok) assert.match(decision.refusal.message, /\S.*[.;]$/s, 'a refusal is a sentence');
    events.push(...decided);
    const state = decided.reduce<CaseState>((st, e) => evolve(st, e), before);
    check({ state, events, policy, now, decided, command });
  });
}

describe('domain/escalation: laws over random command sequences (fast-check)', () => {
  it('folding any decided sequence never throws; the case is always at exactly one stage of its ladder, only ever moving up', () => {
    fc.assert(
      fc.property(start, fc.array(intention, { maxLength: 25 }), (s, steps) => {
        run(s, steps, ({ state, events, policy }) => {
          assert.deepEqual(fold(events), state);
          assert.equal(state.version, events.length);
          const visits = [...state.previousStages, state.stage];
          const order = visits.map((v) => policy.stages.findIndex((st) => st.id === v.stageId));
          if (state.kind === 'notification') {
            assert.deepEqual(visits.map((v) => v.stageId), ['notification']);
          } else {
            assert.ok(order.every((o) => o >= 0), 'every stage visited belongs to the ladder');
            assert.ok(order.every((o, k) => k === 0 || o > (order[k - 1] as number)), 'stages only move up, never twice');
          }
          assert.equal(visits.filter((v) => v.leftAt === null).length, 1, 'exactly one current stage');
        });
      }),
      { numRuns: 150 },
    );
  });

  it('every pending deadline ends a working day, and a reminder comes before its response is due', () => {
    fc.assert(
      fc.property(start, fc.array(intention, { maxLength: 20 }), (s, steps) => {
        run(s, steps, ({ state, policy }) => {
          const specs = deadlinesOf(state, { policy, calendar });
          assert.equal(new Set(specs.map((d) => d.key)).size, specs.length, 'keys are unique');
          for (const d of specs) {
            const day = calendar.localDateOf(new Date(d.dueAt)) as LocalDate;
            assert.ok(calendar.isWorkingDay(day), `${d.key} falls on ${day}`);
            assert.equal(calendar.endOfWorkingDay(day).toISOString(), d.dueAt);
          }
          const reminder = specs.find((d) => d.kind === 'reminder');
          const response = specs.find((d) => d.kind === 'response-due');
          if (reminder) assert.ok(response && reminder.dueAt < response.dueAt);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('a deadline fires at most once: reaching the same key again at the same moment decides nothing', () => {
    fc.assert(
      fc.property(start, fc.array(intention, { maxLength: 20 }), (s, steps) => {
        run(s, steps, ({ state, policy, now, command, decided }) => {
          if (command.type !== 'deadline-reached') return;
          const again = decide(state, command, { now, policy, calendar });
          assert.deepEqual(again, { ok: true, events: [] });
          assert.ok(decided.length <= 1);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('a closed case stays closed (a referral may only be resolved), and no decision ever auto-escalates on a deadline', () => {
    fc.assert(
      fc.property(start, fc.array(intention, { maxLength: 25 }), (s, steps) => {
        let previous: CaseState['status'] = 'open';
        run(s, steps, ({ state, decided, command }) => {
          if (previous === 'resolved' || previous === 'withdrawn') assert.equal(state.status, previous);
          if (previous === 'referred') assert.ok(state.status === 'referred' || state.status === 'resolved');
          if (command.type === 'deadline-reached') assert.ok(decided.every((e) => e.type !== 'StageEscalated'));
          previous = state.status;
        });
      }),
      { numRuns: 150 },
    );
  });

  it('summaries and case notes can be produced from any state the laws reach', () => {
    fc.assert(
      fc.property(start, fc.array(intention, { maxLength: 15 }), (s, steps) => {
        run(s, steps, ({ state, events, now }) => {
          const summary = summarise(state, now);
          assert.equal(summary.stageId, state.stage.stageId);
          if (summary.overdue) assert.equal(summary.status, 'open');
          assert.equal(caseNoteText(events).split('\n').length, events.length + 1);
        });
      }),
      { numRuns: 60 },
    );
  });
});
