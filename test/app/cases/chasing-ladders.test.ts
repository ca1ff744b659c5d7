/**
 * Whole ladders on the controllable clock, through the real store (DOMAIN §8.4, issue 8 "Proof"):
 * for each shipped authority a case is raised, climbs its ladder with the people the sample
 * organisation's directory finds for each stage, and ends (resolved, referred to Cafcass, or at the
 * top stage). The clock steps one calendar day at a time, to 16:59:30 and 17:00:30 London time,
 * with the deadline dispatcher run until it claims nothing at each step; every deadline event the
 * case gains and every outbox effect it queues is recorded against the day and moment it came.
 *
 * Each scenario's expected days were counted by hand from the rules (England & Wales bank
 * holidays, Monday to Friday, day 0 = the day a span starts, the end of a working day 17:00
 * London: 17:00Z in GMT, 16:00Z in BST), never by asking the code under test. Each span crosses
 * a bank holiday (Easter, Christmas and New Year) and most cross a clock change (British Summer
 * Time begins on the last Sunday of March).
 *
 * Isolation: `describeOnEngines` gives this file a database of its own (PGlite in memory, a fresh
 * PostgreSQL schema), so no other suite's deadlines are in it. Within the file each scenario has
 * its own case id and its own stretch of the calendar, reads only its own stream and outbox rows,
 * and leaves nothing scheduled behind (asserted), so a later scenario's dispatcher finds nothing of it.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { stageCommandPeople } from '../../../app/cases/commands.js';
import { caseDeadlineHandler, handleCaseCommand, loadCase, type CaseStoreOptions } from '../../../app/cases/model.js';
import { createCaseRouting, type CaseRouting } from '../../../app/cases/routing.js';
import { createLogger } from '../../../app/log.js';
import { DEFAULT_ORG_FILE } from '../../../bin/config.js';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import { SYSTEM_ACTOR, type CaseCommand, type CaseEvent, type CaseState } from '../../../domain/escalation/index.js';
import { actionConfirmerRoles, chasingRoles, getPolicy, nextStage, recipientRoles, type Policy } from '../../../domain/policies/index.js';
import { createOrgFileDirectory, loadOrganisationFile, type Directory } from '../../../graph/directory/index.js';
import { TestClock } from '../../../store/clock.js';
import type { Db } from '../../../store/db.js';
import { createDeadlineDispatcher, listDeadlines, type DeadlineDispatcher } from '../../../store/deadlines.js';
import type { StreamRecord } from '../../../store/events.js';
import { listEffects, type OutboxRecord } from '../../../store/outbox.js';
import { describeOnEngines } from '../../store/engines.js';
import { completeBriefingAnswers } from '../../domain/escalation/briefing-answers.js';

/** The fictional people of graph/samples/organisation.yaml, by the name the logs below use. */
const PEOPLE = {
  priya: 'ff53a46f-5ead-403a-84c4-b877678537a3', // Independent Reviewing Officer (Oxfordshire, Cheshire East)
  marcus: 'e179f773-a6e0-43c0-9514-b7dde2ad0478', // Fostering IRO (Dudley FIRO)
  elin: '0c28cec1-b947-42af-a4b9-36976b4b76b0', // Fostering Reviewing Officer (Somerset FRO)
  samira: '3c3ae353-fb14-428e-90b4-01a6c1cc0aff', // Social Worker, Children in Care North; manager Imogen
  imogen: '45ac16b9-c20d-4c21-8f8a-7abff2e91ac7', // Practice Supervisor, North; manager Bethan
  bethan: '5796a670-482c-490e-8d97-82bfcdc83011', // Team Manager, North; manager Farah
  ffion: 'c1d2b3a4-5e6f-4a7b-8c9d-0e1f2a3b4c5d', // Social Worker, Children in Care South; manager Daniel
  daniel: 'd5c4b3a2-1f0e-4d9c-8b7a-6f5e4d3c2b1a', // Team Manager, South; manager Farah
  farah: 'a712755f-6cac-44d5-99d5-269512e74f7b', // Ops / Service Manager and ASCM for both CiC teams; manager Grace
  grace: 'bc67ba94-637d-4efa-a09e-467ada679f81', // Head of Service, CiC and Fostering; manager Tomasz
  rupert: 'fab36728-a78b-4b7e-8787-c0de2f960063', // Service Manager, Safeguarding and QA (S&R SM, HOS S&R); manager Tomasz
  adaeze: '68e58909-ccb2-4416-925a-56c9a30f4300', // Safeguarding and Review Manager; manager Rupert
  tomasz: '8a119b9e-16bc-4732-8f7b-7676d015b0dc', // Deputy Director (and Dudley's Service Director); manager Helena
  helena: '2c63888f-28f0-4481-be6d-dce7a7ace732', // Director of Children's Services; manager Margaret
  margaret: 'f6fadfa7-e5c1-4b62-9362-da5cc13da58a', // Chief Executive (Head of Paid Service)
  niamh: 'bbeeb636-1d33-4c6d-96f0-da847a2a3b87', // Supervising Social Worker, Fostering Support; manager Oliver
  oliver: 'dd2ee150-d284-4277-b89c-1af40ce8fcc9', // Practice Supervisor, Fostering Support; manager Kwame
  kwame: '0b80a255-53a1-4945-a932-58ef7777682c', // Team Manager, Fostering Support (Fostering Support TM); manager Declan
  declan: 'ac8efe12-1c59-49f1-ba2d-de83458bfed0', // Service Manager, Fostering (Fostering Service Manager); manager Grace
} as const;
type Name = keyof typeof PEOPLE;
const NAMES = new Map<string, string>(Object.entries(PEOPLE).map(([name, id]) => [id, name]));
const nameOf = (id: string): string => NAMES.get(id) ?? (id === SYSTEM_ACTOR ? 'Resolve' : id);

/**
 * British Summer Time, entered by hand: from the last Sunday of March to the last Sunday of
 * October. The moments used here (10:00 to 17:00) all fall after the 01:00 UTC change.
 */
const BST: Readonly<Record<number, readonly [string, string]>> = {
  2026: ['2026-03-29', '2026-10-25'],
  2027: ['2027-03-28', '2027-10-31'],
  2028: ['2028-03-26', '2028-10-29'],
  2029: ['2029-03-25', '2029-10-28'],
};
/** A London wall-clock time on a day as an instant. */
function london(day: string, time: string): Date {
  const summer = BST[Number(day.slice(0, 4))];
  assert.ok(summer, `no clock-change dates entered for ${day}`);
  return new Date(`${day}T${time}${day >= summer[0] && day < summer[1] ? '+01:00' : 'Z'}`);
}
const nextDay = (day: string): string => new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** What a change told whom: purpose -> `teams:<name>` / `email:<name>`, sorted. */
type Told = Record<string, string[]>;
/** One change to the case: when it came (a day alone = its 17:00:30 step), its events, and its outbox effects. */
interface Entry {
  readonly at: string;
  readonly events: readonly string[];
  readonly told: Told;
}

const teams = (...names: Name[]) => names.map((n) => `teams:${n}`);
const email = (...names: Name[]) => names.map((n) => `email:${n}`);
const both = (...names: Name[]) => [...teams(...names), ...email(...names)];
function told(t: Record<string, readonly string[]>): Told {
  return Object.fromEntries(Object.entries(t).map(([purpose, list]) => [purpose, [...list].sort()]));
}
const byTime = (a: Entry, b: Entry) => a.at.localeCompare(b.at) || (a.events[0] ?? '').localeCompare(b.events[0] ?? '');
const sorted = (entries: readonly Entry[]) => [...entries].sort(byTime);

function describeEvent(e: CaseEvent): string {
  switch (e.type) {
    case 'ReminderDue':
    case 'ResponseOverdue':
    case 'ChaserRepeated':
    case 'OverallLimitWarning':
    case 'OverallLimitReached':
    case 'CafcassPromptDue':
    case 'ActionOverdue':
      return `${e.type} ${e.key} @${e.dueAt}`;
    case 'StageEscalated':
      return `StageEscalated ${e.fromStageId} -> ${e.stage.stageId}${e.automatic === true ? ' automatically' : ''} by ${nameOf(e.actor)}`;
    default:
      return `${e.type} by ${nameOf(e.actor)}`;
  }
}

const CHASER_PURPOSES = new Set(['reminder', 'overdue', 'overdue-copy', 'escalate-prompt', 'limit-warning', 'overall-limit', 'cafcass-prompt', 'action-overdue']);

type Act = readonly [when: string, run: () => Promise<unknown>];

/**
 * One case on the store, driven through a stretch of the calendar: the officer's and the
 * addressees' commands at set moments, the deadline dispatcher at 16:59:30 and 17:00:30 every day.
 */
class Ladder {
  /** What the dispatcher appended, change by change, with the moment it came. */
  readonly fired: Entry[] = [];
  /** What each person's command appended. */
  readonly acted: Entry[] = [];
  readonly caseId = `case-${randomUUID()}`;
  readonly clock: TestClock;
  readonly options: CaseStoreOptions;
  readonly routing: CaseRouting;
  readonly dispatcher: DeadlineDispatcher;
  /** The last day stepped. */
  steppedUntil = '';
  #seenVersion = 0;
  #seenEffect = 0;
  #allKeys = new Set<string>();

  constructor(readonly db: Db, directory: Directory, readonly policyFor: (id: string) => Policy, start: string) {
    this.clock = new TestClock(start);
    this.options = { db, clock: this.clock, policyFor, calendar: createWorkingCalendar(), tenant: 'tenant-northmoor' };
    this.routing = createCaseRouting({ directory, clock: this.clock, logger: createLogger({ level: 'silent' }) });
    this.dispatcher = createDeadlineDispatcher({
      db, clock: this.clock, workerId: `ladder-${this.caseId}`, handler: caseDeadlineHandler(this.options, { routing: this.routing }),
    });
  }

  async state(): Promise<CaseState> {
    const { state } = await loadCase(this.db, this.caseId);
    assert.ok(state, 'the case was raised');
    return state;
  }

  policy(state: CaseState): Policy {
    return this.policyFor(state.policyId);
  }

  async ok(command: CaseCommand): Promise<CaseState> {
    const outcome = await handleCaseCommand(this.options, command);
    if (!outcome.ok) assert.fail(`${command.type} refused: ${outcome.refusal.code}: ${outcome.refusal.message}`);
    return this.state();
  }

  async refused(command: CaseCommand, code: string): Promise<string> {
    const outcome = await handleCaseCommand(this.options, command);
    assert.ok(!outcome.ok, `${command.type} was expected to be refused as ${code}`);
    assert.equal(outcome.refusal.code, code, outcome.refusal.message);
    return outcome.refusal.message;
  }

  /** Raise at the alert type's entry stage, to the people the directory finds for it from the allocated worker. */
  async raise(input: { policyId: string; alertTypeId: string; officer: Name; worker: Name; resolutionSoughtBy?: string }): Promise<CaseState> {
    const policy = this.policyFor(input.policyId);
    const entry = policy.alertTypes.find((t) => t.id === input.alertTypeId)?.entryStage;
    assert.ok(entry, `${input.alertTypeId} has an entry stage`);
    const people = await this.routing.route(
      { ...recipientRoles(policy, entry, input.alertTypeId), actionConfirmers: actionConfirmerRoles(policy), ...chasingRoles(policy) },
      PEOPLE[input.worker], PEOPLE[input.officer],
    );
    return this.ok({
      type: 'raise', caseId: this.caseId, actor: PEOPLE[input.officer], reference: `LCS-${this.caseId.slice(5, 13)}`, subjectInitials: 'J.T.',
      allocatedWorkerId: PEOPLE[input.worker], policyId: policy.id, alertTypeId: input.alertTypeId,
      issue: 'Statutory visits and supervision are overdue.', impactOnChild: 'Nobody has seen the placement for ten weeks.',
      resolutionSought: 'A visit and supervision this month, and a plan for them after.',
      ...(input.resolutionSoughtBy !== undefined && { resolutionSoughtBy: input.resolutionSoughtBy }), ...stageCommandPeople(people),
    });
  }

  /** The officer escalates to the next stage (or bypasses to `target`), as a card would: at the revision shown, with the stage's people. */
  async move(officer: Name, options: { reason: string; soughtBy?: string; bypassTo?: string }): Promise<CaseCommand> {
    const state = await this.state();
    const policy = this.policy(state);
    const target = options.bypassTo ?? nextStage(policy, state.stage.stageId)?.id;
    assert.ok(target, `${state.stage.stageId} has a stage after it`);
    const people = stageCommandPeople(await this.routing.stagePeople(state, policy, target));
    assert.ok(people.to.length > 0, `the directory finds somebody for ${target}`);
    const seen = { caseId: this.caseId, actor: PEOPLE[officer], stageId: state.stage.stageId, expectedVersion: state.revision };
    const soughtBy = options.soughtBy !== undefined && { resolutionSoughtBy: options.soughtBy };
    return options.bypassTo === undefined
      ? { type: 'escalate', ...seen, reason: options.reason, ...soughtBy, ...people }
      : { type: 'bypass', ...seen, targetStageId: options.bypassTo, reason: options.reason, ...soughtBy, ...people };
  }

  async respond(person: Name, response: 'accept' | 'decline' | 'propose-alternative', text: string): Promise<CaseState> {
    const state = await this.state();
    return this.ok({ type: 'respond', caseId: this.caseId, actor: PEOPLE[person], stageId: state.stage.stageId, expectedVersion: state.revision, response, text });
  }

  /** Everything this case gained since the last look: its events and its outbox effects. */
  async #drain(): Promise<{ records: StreamRecord<CaseEvent>[]; effects: OutboxRecord[] }> {
    const { records } = await loadCase(this.db, this.caseId);
    const fresh = records.filter((r) => r.version > this.#seenVersion);
    this.#seenVersion = records.at(-1)?.version ?? this.#seenVersion;
    const effects = (await listEffects(this.db, { streamId: this.caseId })).filter((e) => e.id > this.#seenEffect);
    this.#seenEffect = effects.at(-1)?.id ?? this.#seenEffect;
    return { records: fresh, effects };
  }

  /**
   * The new events as changes: an effect's idempotency key names the case version it was planned
   * from (`<case>/v<version>/<purpose>/<recipient>[/email]`), the version after the change's last event.
   */
  async #entries(at: string): Promise<Entry[]> {
    const { records, effects } = await this.#drain();
    const byVersion = new Map<number, OutboxRecord[]>();
    for (const effect of effects) {
      assert.ok(!this.#allKeys.has(effect.idempotencyKey), `queued once: ${effect.idempotencyKey}`);
      this.#allKeys.add(effect.idempotencyKey);
      const parts = effect.idempotencyKey.split('/');
      assert.equal(parts[0], this.caseId, effect.idempotencyKey);
      const [, v, purpose, recipient, channel] = parts;
      assert.ok(v !== undefined && /^v\d+$/.test(v) && purpose !== undefined && recipient !== undefined, effect.idempotencyKey);
      assert.ok(parts.length === 4 || (parts.length === 5 && channel === 'email'), effect.idempotencyKey);
      assert.equal(effect.destination, `${channel === 'email' ? 'email' : 'teams'}:${recipient}`, effect.idempotencyKey);
      assert.equal(effect.kind, channel === 'email' ? 'email' : purpose === 'card-update' ? 'teams.update' : 'teams.card', effect.idempotencyKey);
      const version = Number(v.slice(1));
      byVersion.set(version, [...(byVersion.get(version) ?? []), effect]);
    }
    const out: Entry[] = [];
    let pending: string[] = [];
    for (const record of records) {
      pending.push(describeEvent(record.event));
      const mine = byVersion.get(record.version);
      if (mine === undefined) continue;
      byVersion.delete(record.version);
      const t: Record<string, string[]> = {};
      for (const effect of mine) {
        const [, , purpose, recipient, channel] = effect.idempotencyKey.split('/') as [string, string, string, string, string?];
        (t[purpose] ??= []).push(`${channel === 'email' ? 'email' : 'teams'}:${nameOf(recipient)}`);
      }
      out.push({ at, events: pending, told: told(t) });
      pending = [];
    }
    if (pending.length > 0) out.push({ at, events: pending, told: {} });
    assert.deepEqual([...byVersion.keys()], [], `every effect queued at ${at} belongs to an event appended then`);
    return out;
  }

  /** Runs the dispatcher until it claims nothing, and records what it did to this case. */
  async #tick(at: string): Promise<void> {
    for (let rounds = 0; (await this.dispatcher.runOnce()).claimed > 0; rounds++) {
      assert.ok(rounds < 20, `the dispatcher keeps finding deadlines at ${at}`);
    }
    this.fired.push(...(await this.#entries(at)));
  }

  /**
   * Steps from `from` to `until`, a calendar day at a time: the day's acts at their times (each
   * followed by a dispatcher run, when nothing should be due), then the dispatcher just before and
   * just after 17:00 London time.
   */
  async run(from: string, until: string, acts: readonly Act[]): Promise<void> {
    let done = 0;
    let last = 0;
    const setClock = (day: string, time: string) => {
      const to = london(day, time);
      assert.ok(to.getTime() > last, `the clock only moves forward (${day} ${time})`);
      last = to.getTime();
      this.clock.set(to);
    };
    for (let day = from; day <= until; day = nextDay(day)) {
      for (const [when, act] of acts.filter(([w]) => w.slice(0, 10) === day)) {
        const time = when.slice(11);
        assert.ok(time < '16:59', `acts come before the day's deadlines (${when})`);
        setClock(day, time);
        await act();
        this.acted.push(...(await this.#entries(when)));
        await this.#tick(when);
        done += 1;
      }
      setClock(day, '16:59:30');
      await this.#tick(`${day} 16:59:30`);
      setClock(day, '17:00:30');
      await this.#tick(day);
    }
    assert.equal(done, acts.length, 'every act fell inside the days stepped');
    this.steppedUntil = until;
    assert.equal(this.dispatcher.totals.failed, 0, 'no deadline handler failed');
  }

  /** Deadlines that were still to come when the case closed, and were cancelled with it (they would otherwise have fired). */
  async assertCancelled(keys: readonly string[]): Promise<void> {
    assert.ok(keys.length > 0);
    const deadlines = await listDeadlines(this.db, this.caseId);
    for (const key of keys) assert.equal(deadlines.find((d) => d.key === key)?.status, 'cancelled', key);
  }

  /** Once the case is closed, nothing of it is left scheduled. */
  async assertNothingScheduled(): Promise<void> {
    const deadlines = await listDeadlines(this.db, this.caseId);
    assert.ok(deadlines.length > 0, 'the case had deadlines');
    assert.deepEqual(deadlines.filter((d) => d.status === 'scheduled').map((d) => `${d.key} @${d.dueAt.toISOString()}`), []);
  }
}

/** Asserts the dispatcher's record of a case against the hand-counted one, and that no chaser came from a person's command. */
function assertFired(ladder: Ladder, expected: readonly Entry[]): void {
  assert.ok(expected.length > 0);
  assert.deepEqual(sorted(ladder.fired), sorted(expected));
  const chasersFromActs = ladder.acted.flatMap((e) => Object.keys(e.told).filter((p) => CHASER_PURPOSES.has(p)).map((p) => `${e.at}: ${p}`));
  assert.deepEqual(chasersFromActs, [], 'chasers come from deadlines only');
}

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / 86_400_000);

/**
 * §8.4: nothing fires once the case is closed (resolved, or referred to Cafcass): no event, no
 * effect, on that day or any after, for at least 30 days. `lastActOn`: the last day anyone acted
 * (a referred case still has its outcome recorded).
 */
function assertQuietFrom(ladder: Ladder, closedOn: string, lastActOn = closedOn): void {
  const days = daysBetween(closedOn, ladder.steppedUntil);
  assert.ok(days >= 30, `stepped ${days} days after closing`);
  assert.deepEqual(ladder.fired.filter((e) => e.at.slice(0, 10) >= closedOn), [], `nothing fired from ${closedOn}`);
  assert.deepEqual(ladder.acted.filter((e) => e.at.slice(0, 10) > lastActOn), [], `nobody acted after ${lastActOn}`);
}

describeOnEngines('app/cases: whole ladders on the controllable clock, chased per DOMAIN §8.4', (ctx) => {
  let directory: Directory;
  before(async () => {
    directory = createOrgFileDirectory(await loadOrganisationFile(DEFAULT_ORG_FILE));
  });

  it('Oxfordshire R&E alert (O-T0, ESC-O2, AMB-01, AMB-04, AMB-33, §8.4): Stage 1 reminder, overdue with the SW\'s manager copied, a repeat; Stage 2 the same over Easter and into BST; Stage 3 by date; the 75% warning on working day 15 and the breach on day 20 to the IRO and the service manager; resolved before Stage 3 falls due, then six weeks of silence', async () => {
    const ladder = new Ladder(ctx.db, directory, getPolicy, '2027-03-08T09:00:00Z');
    const escalateToStage3 = () => ladder.move('priya', { reason: 'The ASCM has not responded and visits are still not happening.', soughtBy: '2027-04-09' });
    await ladder.run('2027-03-08', '2027-05-24', [
      ['2027-03-08 10:00', async () => {
        // Monday 8 March 2027 (GMT). Stage 1 has no timescale (AMB-04): resolution sought by Friday 12 March.
        const s = await ladder.raise({ policyId: 'oxfordshire', alertTypeId: 'r_and_e', officer: 'priya', worker: 'samira', resolutionSoughtBy: '2027-03-12' });
        assert.equal(s.stage.stageId, 'stage1');
        assert.deepEqual([s.stage.to, s.stage.cc], [[PEOPLE.samira], [PEOPLE.bethan]]);
        assert.equal(s.stage.responseDueAt, '2027-03-12T17:00:00.000Z');
        assert.deepEqual(s.stage.managers, { [PEOPLE.samira]: PEOPLE.imogen });
        assert.deepEqual(s.stage.limitWatchers, [PEOPLE.farah], 'the service manager for the child\'s team watches the overall limit');
        // O-T0: 20 working days from Stage 1 (day 0 Mon 8 Mar): Good Friday 26 and Easter Monday 29 March do not count,
        // so day 20 is Wednesday 7 April 2027, 17:00 BST = 16:00Z; the Cafcass prompt comes with it (AMB-33).
        assert.equal(s.overallLimitAt, '2027-04-07T16:00:00.000Z');
        assert.equal(s.cafcassPromptAt, '2027-04-07T16:00:00.000Z');
      }],
      ['2027-03-17 10:00', async () => {
        const s = await ladder.ok(await ladder.move('priya', { reason: 'No response from the social worker; visits are still overdue.' }));
        // ESC-O2: the ASCM responds within 5 working days: Wednesday 24 March.
        assert.deepEqual([s.stage.stageId, s.stage.to, s.stage.cc, s.stage.responseDueAt], ['stage2', [PEOPLE.farah], [PEOPLE.rupert], '2027-03-24T17:00:00.000Z']);
      }],
      ['2027-03-31 10:00', async () => {
        const { resolutionSoughtBy: _none, ...noDate } = await escalateToStage3() as Extract<CaseCommand, { type: 'escalate' }>;
        await ladder.refused(noDate, 'resolution-date-required');
        const s = await ladder.ok(await escalateToStage3());
        // AMB-04: Stage 3 has no timescale; the IRO's date, Friday 9 April 2027, 17:00 BST.
        assert.deepEqual([s.stage.stageId, s.stage.to, s.stage.cc], ['stage3', [PEOPLE.tomasz], [PEOPLE.adaeze]]);
        assert.deepEqual([s.stage.resolutionSoughtBy, s.stage.responseDueAt], ['2027-04-09', '2027-04-09T16:00:00.000Z']);
      }],
      // Agreed with the Deputy Director by telephone: the IRO resolves on the morning Stage 3 falls due, unanswered on the card.
      ['2027-04-09 11:00', async () => {
        const s = await ladder.ok({ type: 'resolve', caseId: ladder.caseId, actor: PEOPLE.priya, outcome: 'Weekly visits agreed with the Deputy Director by telephone.' });
        assert.equal(s.status, 'resolved');
      }],
    ]);

    const everyone7 = teams('priya', 'samira', 'bethan', 'farah', 'rupert', 'tomasz', 'adaeze');
    assert.deepEqual(sorted(ladder.acted), sorted([
      { at: '2027-03-08 10:00', events: ['CaseRaised by priya'], told: told({ 'card-new': teams('priya', 'samira', 'bethan') }) },
      { at: '2027-03-17 10:00', events: ['StageEscalated stage1 -> stage2 by priya'], told: told({ 'card-update': teams('priya', 'samira', 'bethan'), 'card-new': teams('farah', 'rupert') }) },
      { at: '2027-03-31 10:00', events: ['StageEscalated stage2 -> stage3 by priya'], told: told({ 'card-update': teams('priya', 'samira', 'bethan', 'farah', 'rupert'), 'card-new': teams('tomasz', 'adaeze') }) },
      { at: '2027-04-09 11:00', events: ['CaseResolved by priya'], told: told({ 'card-update': everyone7 }) },
    ]));
    assertFired(ladder, [
      // §8.4: the reminder 1 working day before the response is due, to the addressee, in Teams.
      { at: '2027-03-11', events: ['ReminderDue reminder:stage1 @2027-03-11T17:00:00.000Z'], told: told({ reminder: teams('samira') }) },
      // §8.4: overdue at the end of the due day: the SW in Teams and by email, copied to her own manager (the practice
      // supervisor), the officer prompted to escalate; every card holder's card updates.
      {
        at: '2027-03-12', events: ['ResponseOverdue response-due:stage1 @2027-03-12T17:00:00.000Z'],
        told: told({ 'card-update': teams('priya', 'samira', 'bethan'), overdue: both('samira'), 'overdue-copy': both('imogen'), 'escalate-prompt': teams('priya') }),
      },
      // §8.4: repeated 2 working days after the due day (Tuesday 16 March); no second prompt. The repeat due
      // Thursday 18 March never comes: the IRO escalated on the 17th.
      { at: '2027-03-16', events: ['ChaserRepeated chase-repeat:stage1:1 @2027-03-16T17:00:00.000Z'], told: told({ overdue: both('samira'), 'overdue-copy': both('imogen') }) },
      { at: '2027-03-23', events: ['ReminderDue reminder:stage2 @2027-03-23T17:00:00.000Z'], told: told({ reminder: teams('farah') }) },
      {
        at: '2027-03-24', events: ['ResponseOverdue response-due:stage2 @2027-03-24T17:00:00.000Z'],
        told: told({ 'card-update': teams('priya', 'samira', 'bethan', 'farah', 'rupert'), overdue: both('farah'), 'overdue-copy': both('grace'), 'escalate-prompt': teams('priya') }),
      },
      // 2 working days after Wednesday 24 March: Thursday 25, then (Good Friday, the weekend, Easter Monday) Tuesday 30
      // March, now in BST: 17:00 London is 16:00Z.
      { at: '2027-03-30', events: ['ChaserRepeated chase-repeat:stage2:1 @2027-03-30T16:00:00.000Z'], told: told({ overdue: both('farah'), 'overdue-copy': both('grace') }) },
      // §8.4, O-T0: 75% of 20 working days = the end of working day 15, Wednesday 31 March: the IRO and the service manager.
      { at: '2027-03-31', events: ['OverallLimitWarning overall-limit-warning @2027-03-31T16:00:00.000Z'], told: told({ 'limit-warning': both('priya', 'farah') }) },
      // AMB-01: the breach on working day 20: the IRO, the stage's addressee and the service manager; AMB-33: consider Cafcass.
      { at: '2027-04-07', events: ['OverallLimitReached overall-limit @2027-04-07T16:00:00.000Z'], told: told({ 'overall-limit': both('priya', 'tomasz', 'farah') }) },
      { at: '2027-04-07', events: ['CafcassPromptDue cafcass-prompt @2027-04-07T16:00:00.000Z'], told: told({ 'cafcass-prompt': teams('priya') }) },
      { at: '2027-04-08', events: ['ReminderDue reminder:stage3 @2027-04-08T16:00:00.000Z'], told: told({ reminder: teams('tomasz') }) },
      // Resolved on Friday 9 April at 11:00: Stage 3's 17:00 deadline that day never fires, nor anything after.
    ]);
    await ladder.assertCancelled(['response-due:stage3']);
    assertQuietFrom(ladder, '2027-04-09');
    await ladder.assertNothingScheduled();
  });

  it('Dudley QoP alert (ESC-D0..D4, D-B2, AMB-13, AMB-30, §8.4): overdue at the end of day 5 (the clock change), copied to both addressees\' managers, repeated twice; straight to Stage 2 (declined), Stage 3 over Easter, Stage 4 by date; the Fostering Support TM alone confirms the action, then the FIRO resolves', async () => {
    const ladder = new Ladder(ctx.db, directory, getPolicy, '2028-03-20T09:00:00Z');
    const actionId = `action-${ladder.caseId.slice(5, 13)}`;
    await ladder.run('2028-03-20', '2028-06-16', [
      ['2028-03-20 10:00', async () => {
        // Monday 20 March 2028 (GMT). ESC-D0: a response within 5 working days: Monday 27 March, after BST began on the 26th.
        const s = await ladder.raise({ policyId: 'dudley', alertTypeId: 'qop', officer: 'marcus', worker: 'niamh' });
        assert.deepEqual([s.stage.stageId, s.stage.to, s.stage.responseDueAt], ['qop_alert', [PEOPLE.niamh, PEOPLE.kwame], '2028-03-27T16:00:00.000Z']);
        assert.deepEqual(s.stage.managers, { [PEOPLE.niamh]: PEOPLE.oliver, [PEOPLE.kwame]: PEOPLE.declan });
        assert.deepEqual(s.stage.actionConfirmers, [PEOPLE.kwame], 'AMB-30: the Fostering Support Team Manager confirms actions');
        assert.equal(s.overallLimitAt, null, 'AMB-01: Dudley states no overall limit');
        assert.deepEqual(s.stage.limitWatchers, []);
      }],
      ['2028-04-03 10:00', async () => {
        const s = await ladder.ok(await ladder.move('marcus', { reason: 'The alert was unsuccessful: no response in 5 working days.' }));
        // D-B2, AMB-13: a QoP alert goes straight to Stage 2; ESC-D1..3: 5 working days, Monday 10 April.
        assert.deepEqual([s.stage.stageId, s.stage.to, s.stage.responseDueAt], ['stage2', [PEOPLE.declan, PEOPLE.rupert], '2028-04-10T16:00:00.000Z']);
      }],
      ['2028-04-06 10:00', () => ladder.respond('declan', 'decline', 'Supervision capacity is committed elsewhere this quarter.')],
      ['2028-04-07 10:00', async () => {
        const s = await ladder.ok(await ladder.move('marcus', { reason: 'The Fostering Service Manager declined; the problem is unresolved.' }));
        // Friday 7 April + 5 working days, Good Friday 14 and Easter Monday 17 April not counted: Tuesday 18 April.
        assert.deepEqual([s.stage.stageId, s.stage.to, s.stage.responseDueAt], ['stage3', [PEOPLE.grace, PEOPLE.rupert], '2028-04-18T16:00:00.000Z']);
      }],
      ['2028-04-19 10:00', async () => {
        const s = await ladder.ok(await ladder.move('marcus', { reason: 'No response from the Heads of Service.', soughtBy: '2028-04-28' }));
        // ESC-D4, AMB-04: Stage 4 has no timescale: the FIRO's date, Friday 28 April.
        assert.deepEqual([s.stage.stageId, s.stage.to, s.stage.cc, s.stage.responseDueAt], ['stage4', [PEOPLE.tomasz], [PEOPLE.rupert, PEOPLE.grace], '2028-04-28T16:00:00.000Z']);
        assert.equal(s.stage.senderRole, 'hos_safeguarding_and_review', 'AMB-26: the HOS Safeguarding and Review alerts the Service Director');
      }],
      ['2028-04-28 10:00', () => ladder.respond('tomasz', 'accept', 'The Fostering Service Manager will arrange supervision for the carers.')],
      ['2028-04-28 10:30', async () => {
        const s = await ladder.state();
        // Due Tuesday 2 May 2028 (Monday 1 May is the early May bank holiday).
        await ladder.ok({ type: 'agree-action', caseId: ladder.caseId, actor: PEOPLE.marcus, stageId: s.stage.stageId, actionId, owner: PEOPLE.declan, dueDate: '2028-05-02', text: 'Arrange supervision for the carers.' });
        assert.equal((await ladder.state()).actions[0]?.dueAt, '2028-05-02T16:00:00.000Z');
      }],
      ['2028-04-28 11:00', () => ladder.refused({ type: 'resolve', caseId: ladder.caseId, actor: PEOPLE.marcus, outcome: 'Supervision arranged.' }, 'closure-incomplete')],
      ['2028-05-03 10:00', async () => {
        // AMB-30: "The Team Manager will confirm when actions are completed": not the action's owner.
        await ladder.refused({ type: 'complete-action', caseId: ladder.caseId, actor: PEOPLE.declan, actionId }, 'not-authorised');
        await ladder.ok({ type: 'complete-action', caseId: ladder.caseId, actor: PEOPLE.kwame, actionId, note: 'Supervision took place on 3 May.' });
      }],
      ['2028-05-03 11:00', async () => {
        // "... and FIRO will confirm that the matter has been resolved."
        const s = await ladder.ok({ type: 'resolve', caseId: ladder.caseId, actor: PEOPLE.marcus, outcome: 'Supervision in place; carers supported.' });
        assert.equal(s.status, 'resolved');
      }],
    ]);

    const all6 = teams('marcus', 'niamh', 'kwame', 'declan', 'rupert', 'grace');
    const all7 = [...all6, ...teams('tomasz')];
    assert.deepEqual(sorted(ladder.acted), sorted([
      { at: '2028-03-20 10:00', events: ['CaseRaised by marcus'], told: told({ 'card-new': teams('marcus', 'niamh', 'kwame') }) },
      { at: '2028-04-03 10:00', events: ['StageEscalated qop_alert -> stage2 by marcus'], told: told({ 'card-update': teams('marcus', 'niamh', 'kwame'), 'card-new': teams('declan', 'rupert') }) },
      { at: '2028-04-06 10:00', events: ['ResponseRecorded by declan'], told: told({ 'card-update': teams('marcus', 'niamh', 'kwame', 'declan', 'rupert') }) },
      { at: '2028-04-07 10:00', events: ['StageEscalated stage2 -> stage3 by marcus'], told: told({ 'card-update': teams('marcus', 'niamh', 'kwame', 'declan', 'rupert'), 'card-new': teams('grace') }) },
      { at: '2028-04-19 10:00', events: ['StageEscalated stage3 -> stage4 by marcus'], told: told({ 'card-update': all6, 'card-new': teams('tomasz') }) },
      { at: '2028-04-28 10:00', events: ['ResponseRecorded by tomasz'], told: told({ 'card-update': all7 }) },
      { at: '2028-04-28 10:30', events: ['ActionAgreed by marcus'], told: told({ 'card-update': all7 }) },
      { at: '2028-05-03 10:00', events: ['ActionCompleted by kwame'], told: told({ 'card-update': all7 }) },
      { at: '2028-05-03 11:00', events: ['CaseResolved by marcus'], told: told({ 'card-update': all7 }) },
    ]));
    const qopChase = told({ overdue: both('niamh', 'kwame'), 'overdue-copy': both('oliver', 'declan') });
    assertFired(ladder, [
      { at: '2028-03-24', events: ['ReminderDue reminder:qop_alert @2028-03-24T17:00:00.000Z'], told: told({ reminder: teams('niamh', 'kwame') }) },
      // The TM's own manager (the Fostering Service Manager) and the SSW's (the practice supervisor) are copied.
      {
        at: '2028-03-27', events: ['ResponseOverdue response-due:qop_alert @2028-03-27T16:00:00.000Z'],
        told: told({ 'card-update': teams('marcus', 'niamh', 'kwame'), overdue: both('niamh', 'kwame'), 'overdue-copy': both('oliver', 'declan'), 'escalate-prompt': teams('marcus') }),
      },
      { at: '2028-03-29', events: ['ChaserRepeated chase-repeat:qop_alert:1 @2028-03-29T16:00:00.000Z'], told: qopChase },
      { at: '2028-03-31', events: ['ChaserRepeated chase-repeat:qop_alert:2 @2028-03-31T16:00:00.000Z'], told: qopChase },
      // Stage 2 was declined on 6 April before its reminder (7 April): no reminder, no overdue.
      // Stage 3's reminder is 1 working day before Tuesday 18 April: Thursday 13 April, before Easter.
      { at: '2028-04-13', events: ['ReminderDue reminder:stage3 @2028-04-13T16:00:00.000Z'], told: told({ reminder: teams('grace', 'rupert') }) },
      // Both Heads of Service report to the Service Director: copied once.
      {
        at: '2028-04-18', events: ['ResponseOverdue response-due:stage3 @2028-04-18T16:00:00.000Z'],
        told: told({ 'card-update': all6, overdue: both('grace', 'rupert'), 'overdue-copy': both('tomasz'), 'escalate-prompt': teams('marcus') }),
      },
      { at: '2028-04-27', events: ['ReminderDue reminder:stage4 @2028-04-27T16:00:00.000Z'], told: told({ reminder: teams('tomasz') }) },
      // The agreed action is overdue at the end of Tuesday 2 May: its owner (Teams and email), the FIRO (Teams).
      { at: '2028-05-02', events: [`ActionOverdue action-due:${actionId} @2028-05-02T16:00:00.000Z`], told: told({ 'action-overdue': [...both('declan'), ...teams('marcus')] }) },
    ]);
    assertQuietFrom(ladder, '2028-05-03');
    await ladder.assertNothingScheduled();
  });

  it('Somerset informal to Director (ESC-S1..S6, S-B1, AMB-05, AMB-20, AMB-30, §8.4): overdue and repeats at every level, a bypass of Level 1, a rejected proposal chased the same day, Level 4 with the Director\'s briefing note required; closed with outcome and learning points', async () => {
    const ladder = new Ladder(ctx.db, directory, getPolicy, '2029-03-05T09:00:00Z');
    await ladder.run('2029-03-05', '2029-06-15', [
      ['2029-03-05 10:00', async () => {
        // Monday 5 March 2029 (GMT). ESC-S1: up to 10 working days: Monday 19 March.
        const s = await ladder.raise({ policyId: 'somerset', alertTypeId: 'informal', officer: 'elin', worker: 'niamh' });
        assert.deepEqual([s.stage.stageId, s.stage.to, s.stage.cc, s.stage.responseDueAt], ['informal', [PEOPLE.niamh], [PEOPLE.oliver, PEOPLE.kwame], '2029-03-19T17:00:00.000Z']);
        assert.equal(s.overallLimitAt, null, 'AMB-01: Somerset states no overall limit');
      }],
      ['2029-03-22 10:00', async () => {
        const s = await ladder.ok(await ladder.move('elin', { reason: 'Not resolved informally.' }));
        // ESC-S2: up to 5 working days from Thursday 22 March: Thursday 29 March, in BST (from the 25th).
        assert.deepEqual([s.stage.stageId, s.stage.to, s.stage.cc, s.stage.responseDueAt], ['formal', [PEOPLE.oliver, PEOPLE.kwame], [PEOPLE.niamh], '2029-03-29T16:00:00.000Z']);
      }],
      ['2029-04-05 10:00', async () => {
        // S-B1: the FRO may bypass any stage; Level 1 (the Ops Manager) is skipped, with the reason recorded.
        const s = await ladder.ok(await ladder.move('elin', { reason: 'The issue is serious enough for the Head of Service.', bypassTo: 'level2', soughtBy: '2029-04-11' }));
        assert.deepEqual([s.stage.stageId, s.stage.to, s.stage.cc], ['level2', [PEOPLE.grace], [PEOPLE.kwame]]);
        assert.equal(s.stage.bypass?.skippedFromStageId, 'level1');
        // AMB-05: a date within the 5-working-day maximum (Thursday 12 April): Wednesday 11 April.
        assert.deepEqual([s.stage.resolutionSoughtBy, s.stage.responseDueAt], ['2029-04-11', '2029-04-11T16:00:00.000Z']);
      }],
      ['2029-04-11 10:00', () => ladder.respond('grace', 'propose-alternative', 'A review of the carers\' support in six weeks instead.')],
      ['2029-04-11 11:00', async () => {
        const s = await ladder.state();
        await ladder.ok({ type: 'answer-proposal', caseId: ladder.caseId, actor: PEOPLE.elin, stageId: s.stage.stageId, expectedVersion: s.revision, accept: false, reason: 'Six weeks is too long for the carers.' });
      }],
      ['2029-04-12 10:00', async () => {
        const s = await ladder.ok(await ladder.move('elin', { reason: 'The Head of Service\'s proposal does not meet the carers\' needs.' }));
        assert.deepEqual([s.stage.stageId, s.stage.to, s.stage.responseDueAt, s.stage.directorBriefingRequired], ['level3', [PEOPLE.tomasz], '2029-04-19T16:00:00.000Z', false]);
      }],
      ['2029-04-20 10:00', async () => {
        // AMB-20: Level 4 is entered only with the Director's briefing note complete (test/app/briefings).
        await ladder.ok({ type: 'complete-briefing', caseId: ladder.caseId, actor: PEOPLE.elin, stageId: 'level3', forStageId: 'level4', answers: completeBriefingAnswers(), sendTo: [PEOPLE.helena, PEOPLE.tomasz] });
        const s = await ladder.ok(await ladder.move('elin', { reason: 'No response from the Deputy Director.', soughtBy: '2029-04-27' }));
        // ESC-S6, AMB-04, AMB-20: Level 4 has no timescale, and the Director's briefing note must be completed.
        assert.deepEqual([s.stage.stageId, s.stage.to, s.stage.cc], ['level4', [PEOPLE.helena], [PEOPLE.kwame, PEOPLE.grace, PEOPLE.tomasz]]);
        assert.deepEqual([s.stage.responseDueAt, s.stage.directorBriefingRequired], ['2029-04-27T16:00:00.000Z', true]);
        assert.equal(nextStage(getPolicy('somerset'), 'level4'), undefined, 'Level 4 is the top of the ladder');
      }],
      ['2029-05-02 10:00', () => ladder.respond('helena', 'accept', 'A new supervising social worker is allocated from Monday.')],
      ['2029-05-02 11:00', () => ladder.refused({ type: 'resolve', caseId: ladder.caseId, actor: PEOPLE.elin, outcome: 'A new SSW is allocated.' }, 'closure-incomplete')],
      ['2029-05-02 11:30', async () => {
        const s = await ladder.ok({
          type: 'resolve', caseId: ladder.caseId, actor: PEOPLE.elin, outcome: 'A new SSW is allocated.', keyLearningPoints: 'Escalate supervision gaps at the first missed visit.',
        });
        assert.equal(s.status, 'resolved');
      }],
    ]);

    const upTo = (...extra: Name[]) => teams('elin', 'niamh', 'oliver', 'kwame', ...extra);
    assert.deepEqual(sorted(ladder.acted), sorted([
      { at: '2029-03-05 10:00', events: ['CaseRaised by elin'], told: told({ 'card-new': upTo() }) },
      { at: '2029-03-22 10:00', events: ['StageEscalated informal -> formal by elin'], told: told({ 'card-update': upTo() }) },
      { at: '2029-04-05 10:00', events: ['StageEscalated formal -> level2 by elin'], told: told({ 'card-update': upTo(), 'card-new': teams('grace') }) },
      { at: '2029-04-11 10:00', events: ['ResponseRecorded by grace'], told: told({ 'card-update': upTo('grace') }) },
      { at: '2029-04-11 11:00', events: ['ProposalAnswered by elin'], told: told({ 'card-update': upTo('grace') }) },
      { at: '2029-04-12 10:00', events: ['StageEscalated level2 -> level3 by elin'], told: told({ 'card-update': upTo('grace'), 'card-new': teams('tomasz') }) },
      {
        at: '2029-04-20 10:00', events: ['BriefingCompleted by elin', 'StageEscalated level3 -> level4 by elin'],
        told: told({ 'card-update': upTo('grace', 'tomasz'), 'card-new': teams('helena'), briefing: teams('helena', 'tomasz') }),
      },
      { at: '2029-05-02 10:00', events: ['ResponseRecorded by helena'], told: told({ 'card-update': upTo('grace', 'tomasz', 'helena') }) },
      { at: '2029-05-02 11:30', events: ['CaseResolved by elin'], told: told({ 'card-update': upTo('grace', 'tomasz', 'helena') }) },
    ]));
    assertFired(ladder, [
      { at: '2029-03-16', events: ['ReminderDue reminder:informal @2029-03-16T17:00:00.000Z'], told: told({ reminder: teams('niamh') }) },
      // The SSW's own manager, the practice supervisor, gets the manager's copy (he is also CC on the stage, not To).
      {
        at: '2029-03-19', events: ['ResponseOverdue response-due:informal @2029-03-19T17:00:00.000Z'],
        told: told({ 'card-update': upTo(), overdue: both('niamh'), 'overdue-copy': both('oliver'), 'escalate-prompt': teams('elin') }),
      },
      { at: '2029-03-21', events: ['ChaserRepeated chase-repeat:informal:1 @2029-03-21T17:00:00.000Z'], told: told({ overdue: both('niamh'), 'overdue-copy': both('oliver') }) },
      { at: '2029-03-28', events: ['ReminderDue reminder:formal @2029-03-28T16:00:00.000Z'], told: told({ reminder: teams('oliver', 'kwame') }) },
      // The PS's manager is the TM, who is To already: only the TM's own manager is copied.
      {
        at: '2029-03-29', events: ['ResponseOverdue response-due:formal @2029-03-29T16:00:00.000Z'],
        told: told({ 'card-update': upTo(), overdue: both('oliver', 'kwame'), 'overdue-copy': both('declan'), 'escalate-prompt': teams('elin') }),
      },
      // 2 working days after Thursday 29 March: Good Friday 30 March and Easter Monday 2 April do not count.
      { at: '2029-04-04', events: ['ChaserRepeated chase-repeat:formal:1 @2029-04-04T16:00:00.000Z'], told: told({ overdue: both('oliver', 'kwame'), 'overdue-copy': both('declan') }) },
      { at: '2029-04-10', events: ['ReminderDue reminder:level2 @2029-04-10T16:00:00.000Z'], told: told({ reminder: teams('grace') }) },
      // §8.3: the rejected proposal leaves Level 2 unanswered, and it is still due at 17:00 that day.
      {
        at: '2029-04-11', events: ['ResponseOverdue response-due:level2 @2029-04-11T16:00:00.000Z'],
        told: told({ 'card-update': upTo('grace'), overdue: both('grace'), 'overdue-copy': both('tomasz'), 'escalate-prompt': teams('elin') }),
      },
      { at: '2029-04-18', events: ['ReminderDue reminder:level3 @2029-04-18T16:00:00.000Z'], told: told({ reminder: teams('tomasz') }) },
      {
        at: '2029-04-19', events: ['ResponseOverdue response-due:level3 @2029-04-19T16:00:00.000Z'],
        told: told({ 'card-update': upTo('grace', 'tomasz'), overdue: both('tomasz'), 'overdue-copy': both('helena'), 'escalate-prompt': teams('elin') }),
      },
      { at: '2029-04-26', events: ['ReminderDue reminder:level4 @2029-04-26T16:00:00.000Z'], told: told({ reminder: teams('helena') }) },
      // At the top of the ladder the FRO is still told (the chaser offers no Escalate there), and the Director's own manager is copied.
      {
        at: '2029-04-27', events: ['ResponseOverdue response-due:level4 @2029-04-27T16:00:00.000Z'],
        told: told({ 'card-update': upTo('grace', 'tomasz', 'helena'), overdue: both('helena'), 'overdue-copy': both('margaret'), 'escalate-prompt': teams('elin') }),
      },
      { at: '2029-05-01', events: ['ChaserRepeated chase-repeat:level4:1 @2029-05-01T16:00:00.000Z'], told: told({ overdue: both('helena'), 'overdue-copy': both('margaret') }) },
    ]);
    assertQuietFrom(ladder, '2029-05-02');
    await ladder.assertNothingScheduled();
  });

  it('Cheshire East informal to formal to Cafcass (ESC-C1..C3, ESC-Ccap, AMB-01, AMB-02, AMB-33, §8.4): the warning and the Cafcass prompt at the end of working day 15, a referral refused earlier that day, the formal alert chased to the 20-day cap, then referred; nothing after', async () => {
    const ladder = new Ladder(ctx.db, directory, getPolicy, '2026-03-16T09:00:00Z');
    const refer = { type: 'refer-to-cafcass', caseId: ladder.caseId, actor: PEOPLE.priya, reason: 'No agreement on the plan after 15 days; the child\'s plan is drifting.' } as const;
    await ladder.run('2026-03-16', '2026-06-01', [
      ['2026-03-16 10:00', async () => {
        // Monday 16 March 2026 (GMT). ESC-C1: 5 working days with the team manager: Monday 23 March.
        const s = await ladder.raise({ policyId: 'cheshire_east', alertTypeId: 'informal', officer: 'priya', worker: 'ffion' });
        assert.deepEqual([s.stage.stageId, s.stage.to, s.stage.responseDueAt], ['informal', [PEOPLE.daniel], '2026-03-23T17:00:00.000Z']);
        assert.deepEqual(s.stage.limitWatchers, [PEOPLE.farah]);
        // ESC-Ccap, AMB-02: 20 working days from the informal alert (day 0 Mon 16 March), Good Friday 3 and Easter Monday
        // 6 April 2026 not counted: Wednesday 15 April, in BST (from 29 March). ESC-C3: Cafcass after 15: Wednesday 8 April.
        assert.equal(s.overallLimitAt, '2026-04-15T16:00:00.000Z');
        assert.equal(s.cafcassPromptAt, '2026-04-08T16:00:00.000Z');
      }],
      ['2026-03-24 10:00', async () => {
        const s = await ladder.ok(await ladder.move('priya', { reason: 'Not resolved with the team manager within 5 working days.' }));
        // ESC-C2: a further 10 (working) days from Tuesday 24 March: Thursday 9 April.
        assert.deepEqual([s.stage.stageId, s.stage.to, s.stage.responseDueAt], ['formal', [PEOPLE.farah], '2026-04-09T16:00:00.000Z']);
      }],
      // ESC-C3: "after 15 days": on the morning of working day 15 the referral is not yet offered.
      ['2026-04-08 10:00', () => ladder.refused(refer, 'cafcass-not-yet')],
      ['2026-04-16 10:00', async () => {
        const s = await ladder.ok(refer);
        assert.equal(s.status, 'referred');
        const { records } = await loadCase(ctx.db, ladder.caseId);
        const referred = records.at(-1)?.event;
        assert.ok(referred?.type === 'CafcassReferred' && referred.statutoryOverride === false, 'offered by then: no override needed');
      }],
      ['2026-04-21 10:00', () => ladder.ok({ type: 'resolve', caseId: ladder.caseId, actor: PEOPLE.priya, outcome: 'Cafcass took the referral; the plan is before the court.' })],
    ]);

    assert.deepEqual(sorted(ladder.acted), sorted([
      { at: '2026-03-16 10:00', events: ['CaseRaised by priya'], told: told({ 'card-new': teams('priya', 'daniel') }) },
      { at: '2026-03-24 10:00', events: ['StageEscalated informal -> formal by priya'], told: told({ 'card-update': teams('priya', 'daniel'), 'card-new': teams('farah') }) },
      { at: '2026-04-16 10:00', events: ['CafcassReferred by priya'], told: told({ 'card-update': teams('priya', 'daniel', 'farah') }) },
      { at: '2026-04-21 10:00', events: ['CaseResolved by priya'], told: told({ 'card-update': teams('priya', 'daniel', 'farah') }) },
    ]));
    const formalChase = told({ overdue: both('farah'), 'overdue-copy': both('grace') });
    assertFired(ladder, [
      { at: '2026-03-20', events: ['ReminderDue reminder:informal @2026-03-20T17:00:00.000Z'], told: told({ reminder: teams('daniel') }) },
      {
        at: '2026-03-23', events: ['ResponseOverdue response-due:informal @2026-03-23T17:00:00.000Z'],
        told: told({ 'card-update': teams('priya', 'daniel'), overdue: both('daniel'), 'overdue-copy': both('farah'), 'escalate-prompt': teams('priya') }),
      },
      // Working day 15, Wednesday 8 April: the reminder for the formal alert, the 75% warning, and the Cafcass prompt.
      { at: '2026-04-08', events: ['ReminderDue reminder:formal @2026-04-08T16:00:00.000Z'], told: told({ reminder: teams('farah') }) },
      { at: '2026-04-08', events: ['OverallLimitWarning overall-limit-warning @2026-04-08T16:00:00.000Z'], told: told({ 'limit-warning': both('priya', 'farah') }) },
      { at: '2026-04-08', events: ['CafcassPromptDue cafcass-prompt @2026-04-08T16:00:00.000Z'], told: told({ 'cafcass-prompt': teams('priya') }) },
      {
        at: '2026-04-09', events: ['ResponseOverdue response-due:formal @2026-04-09T16:00:00.000Z'],
        told: told({ 'card-update': teams('priya', 'daniel', 'farah'), overdue: both('farah'), 'overdue-copy': both('grace'), 'escalate-prompt': teams('priya') }),
      },
      { at: '2026-04-13', events: ['ChaserRepeated chase-repeat:formal:1 @2026-04-13T16:00:00.000Z'], told: formalChase },
      { at: '2026-04-15', events: ['ChaserRepeated chase-repeat:formal:2 @2026-04-15T16:00:00.000Z'], told: formalChase },
      // AMB-01: the cap, working day 20: the IRO and the service manager (also the stage's addressee), once each.
      { at: '2026-04-15', events: ['OverallLimitReached overall-limit @2026-04-15T16:00:00.000Z'], told: told({ 'overall-limit': both('priya', 'farah') }) },
      // Referred on Thursday 16 April: the third repeat (Friday 17 April) never comes.
    ]);
    await ladder.assertCancelled(['chase-repeat:formal:3']);
    assertQuietFrom(ladder, '2026-04-16', '2026-04-21');
    await ladder.assertNothingScheduled();
  });

  it('§8.3, §8.4: a proposal rejected after the chaser went leaves the stage unanswered again; the repeats resume on their 2-working-day rhythm from the due day, one at a time, never as a burst of the ones missed while the proposal stood (Dudley QoP across the end of BST, 25 October 2026)', async () => {
    const ladder = new Ladder(ctx.db, directory, getPolicy, '2026-10-19T08:00:00Z');
    await ladder.run('2026-10-19', '2026-12-11', [
      ['2026-10-19 10:00', async () => {
        // Monday 19 October 2026 (BST): due 5 working days later, Monday 26 October, 17:00 GMT (BST ended on the 25th).
        const s = await ladder.raise({ policyId: 'dudley', alertTypeId: 'qop', officer: 'marcus', worker: 'niamh' });
        assert.equal(s.stage.responseDueAt, '2026-10-26T17:00:00.000Z');
      }],
      ['2026-10-27 10:00', () => ladder.respond('niamh', 'propose-alternative', 'Supervision in December, once a new SSW starts.')],
      ['2026-11-04 10:00', async () => {
        const s = await ladder.state();
        await ladder.ok({ type: 'answer-proposal', caseId: ladder.caseId, actor: PEOPLE.marcus, stageId: s.stage.stageId, expectedVersion: s.revision, accept: false, reason: 'December is too late for the carers.' });
        assert.equal((await ladder.state()).stage.response, null, 'the stage is unanswered again');
      }],
      ['2026-11-10 10:00', () => ladder.respond('kwame', 'accept', 'Supervision is booked for Thursday.')],
      ['2026-11-10 11:00', () => ladder.ok({ type: 'resolve', caseId: ladder.caseId, actor: PEOPLE.marcus, outcome: 'Supervision took place.' })],
    ]);

    // No burst: never more than one repeat at a moment, and none sent late for a day that passed while the proposal stood.
    const repeats = ladder.fired.filter((e) => e.events.some((x) => x.startsWith('ChaserRepeated')));
    assert.ok(repeats.length > 0, 'the stage was chased again after the rejection');
    assert.deepEqual(repeats.filter((e) => e.at.length > 10).map((e) => `${e.at}: ${e.events.join(', ')}`), [], 'every repeat comes at the end of its own working day, not in a burst when the proposal is rejected');
    // The repeat's number is how a fix counts; the day, the instant and the people are the rule.
    const unnumbered = (entries: readonly Entry[]) => entries.map((e) => ({ ...e, events: e.events.map((x) => x.replace(/^(ChaserRepeated chase-repeat:[a-z0-9_]+):\d+ /, '$1:n ')) }));
    const chase = told({ overdue: both('niamh', 'kwame'), 'overdue-copy': both('oliver', 'declan') });
    assert.deepEqual(sorted(unnumbered(ladder.fired)), sorted([
      { at: '2026-10-23', events: ['ReminderDue reminder:qop_alert @2026-10-23T16:00:00.000Z'], told: told({ reminder: teams('niamh', 'kwame') }) },
      {
        at: '2026-10-26', events: ['ResponseOverdue response-due:qop_alert @2026-10-26T17:00:00.000Z'],
        told: told({ 'card-update': teams('marcus', 'niamh', 'kwame'), overdue: both('niamh', 'kwame'), 'overdue-copy': both('oliver', 'declan'), 'escalate-prompt': teams('marcus') }),
      },
      // Answered (a proposal) on 27 October: nothing on 28 or 30 October or 3 November. Rejected on Wednesday 4
      // November at 10:00, working day 7 after the due day: the next repeat on the rhythm is day 8, Thursday 5 November.
      { at: '2026-11-05', events: ['ChaserRepeated chase-repeat:qop_alert:n @2026-11-05T17:00:00.000Z'], told: chase },
      { at: '2026-11-09', events: ['ChaserRepeated chase-repeat:qop_alert:n @2026-11-09T17:00:00.000Z'], told: chase },
    ]));
    assertQuietFrom(ladder, '2026-11-10');
    await ladder.assertNothingScheduled();
  });

  it('§8.4, AMB-05, D-T0: when the FIRO agrees a later date after the chasers went, the new date is chased afresh: a reminder, the overdue chaser, then a repeat every 2 working days after the new due day (Dudley QoP, June 2026)', async () => {
    const ladder = new Ladder(ctx.db, directory, getPolicy, '2026-06-08T08:00:00Z');
    await ladder.run('2026-06-08', '2026-08-14', [
      // Monday 8 June 2026 (BST): due Monday 15 June.
      ['2026-06-08 10:00', () => ladder.raise({ policyId: 'dudley', alertTypeId: 'qop', officer: 'marcus', worker: 'niamh' })],
      ['2026-06-22 10:00', async () => {
        // D-T0 "unless an alternative timescale has been agreed with the FHR Officer": Friday 26 June.
        const s = await ladder.state();
        const after = await ladder.ok({
          type: 'set-resolution-date', caseId: ladder.caseId, actor: PEOPLE.marcus, stageId: s.stage.stageId, expectedVersion: s.revision,
          resolutionSoughtBy: '2026-06-26', reason: 'The supervising social worker is on leave until Thursday.',
        });
        assert.equal(after.stage.responseDueAt, '2026-06-26T16:00:00.000Z');
      }],
      ['2026-07-06 10:00', () => ladder.respond('kwame', 'accept', 'Supervision is booked.')],
      ['2026-07-06 11:00', () => ladder.ok({ type: 'resolve', caseId: ladder.caseId, actor: PEOPLE.marcus, outcome: 'Supervision took place.' })],
    ]);

    const unnumbered = (entries: readonly Entry[]) => entries.map((e) => ({ ...e, events: e.events.map((x) => x.replace(/^(ChaserRepeated chase-repeat:[a-z0-9_]+):\d+ /, '$1:n ')) }));
    const chase = told({ overdue: both('niamh', 'kwame'), 'overdue-copy': both('oliver', 'declan') });
    const overdue = told({ 'card-update': teams('marcus', 'niamh', 'kwame'), overdue: both('niamh', 'kwame'), 'overdue-copy': both('oliver', 'declan'), 'escalate-prompt': teams('marcus') });
    assert.deepEqual(sorted(unnumbered(ladder.fired)), sorted([
      { at: '2026-06-12', events: ['ReminderDue reminder:qop_alert @2026-06-12T16:00:00.000Z'], told: told({ reminder: teams('niamh', 'kwame') }) },
      { at: '2026-06-15', events: ['ResponseOverdue response-due:qop_alert @2026-06-15T16:00:00.000Z'], told: overdue },
      { at: '2026-06-17', events: ['ChaserRepeated chase-repeat:qop_alert:n @2026-06-17T16:00:00.000Z'], told: chase },
      { at: '2026-06-19', events: ['ChaserRepeated chase-repeat:qop_alert:n @2026-06-19T16:00:00.000Z'], told: chase },
      // The date agreed on Monday 22 June: the repeat due that day (and each after it) is off; the new date is chased.
      { at: '2026-06-25', events: ['ReminderDue reminder:qop_alert @2026-06-25T16:00:00.000Z'], told: told({ reminder: teams('niamh', 'kwame') }) },
      { at: '2026-06-26', events: ['ResponseOverdue response-due:qop_alert @2026-06-26T16:00:00.000Z'], told: overdue },
      // 2 working days after Friday 26 June: Tuesday 30 June, then Thursday 2 July.
      { at: '2026-06-30', events: ['ChaserRepeated chase-repeat:qop_alert:n @2026-06-30T16:00:00.000Z'], told: chase },
      { at: '2026-07-02', events: ['ChaserRepeated chase-repeat:qop_alert:n @2026-07-02T16:00:00.000Z'], told: chase },
    ]));
    assertQuietFrom(ladder, '2026-07-06');
    await ladder.assertNothingScheduled();
  });

  it('§8.4, AMB-04, D-B2: a Dudley ladder set to escalate automatically when overdue climbs from the QoP alert to Stage 4 through the dispatcher over Christmas and New Year, each stage\'s people found by routing, then prompts the FIRO at the top', async () => {
    const dudley = getPolicy('dudley');
    const automatic: Policy = { ...dudley, chasing: { ...dudley.chasing, whenOverdue: 'escalate-automatically' } };
    const ladder = new Ladder(ctx.db, directory, (id) => (id === 'dudley' ? automatic : getPolicy(id)), '2026-12-17T09:00:00Z');
    await ladder.run('2026-12-17', '2027-03-05', [
      // Thursday 17 December 2026: due 5 working days later, Thursday 24 December.
      ['2026-12-17 10:00', () => ladder.raise({ policyId: 'dudley', alertTypeId: 'qop', officer: 'marcus', worker: 'niamh' })],
      ['2027-01-22 10:00', async () => {
        const s = await ladder.state();
        // AMB-04: Stage 4 has no timescale: Resolve took the ladder's default, 5 working days from Tuesday 12 January.
        assert.deepEqual([s.stage.stageId, s.stage.to, s.stage.resolutionSoughtBy, s.stage.responseDueAt], ['stage4', [PEOPLE.tomasz], '2027-01-19', '2027-01-19T17:00:00.000Z']);
        assert.deepEqual(s.previousStages.map((v) => [v.stageId, v.responseDueAt]), [
          ['qop_alert', '2026-12-24T17:00:00.000Z'],
          // 25 and 28 December and 1 January are bank holidays.
          ['stage2', '2027-01-05T17:00:00.000Z'],
          ['stage3', '2027-01-12T17:00:00.000Z'],
        ]);
        const { records } = await loadCase(ctx.db, ladder.caseId);
        const escalations = records.map((r) => r.event).filter((e) => e.type === 'StageEscalated');
        assert.equal(escalations.length, 3);
        for (const e of escalations) {
          assert.ok(e.type === 'StageEscalated' && e.actor === SYSTEM_ACTOR && e.automatic === true);
          assert.match(e.reason, /^No response to .+ was received by .+; escalated automatically under Dudley MBC's setting\.$/);
        }
      }],
      // The Service Director met the FIRO and arranged supervision: the FIRO resolves with the repeats still running.
      ['2027-01-22 11:00', () => ladder.ok({ type: 'resolve', caseId: ladder.caseId, actor: PEOPLE.marcus, outcome: 'Supervision arranged by the Service Director.' })],
    ]);

    const all7 = teams('marcus', 'niamh', 'kwame', 'declan', 'rupert', 'grace', 'tomasz');
    assert.deepEqual(sorted(ladder.acted), sorted([
      { at: '2026-12-17 10:00', events: ['CaseRaised by marcus'], told: told({ 'card-new': teams('marcus', 'niamh', 'kwame') }) },
      { at: '2027-01-22 11:00', events: ['CaseResolved by marcus'], told: told({ 'card-update': all7 }) },
    ]));
    assertFired(ladder, [
      { at: '2026-12-23', events: ['ReminderDue reminder:qop_alert @2026-12-23T17:00:00.000Z'], told: told({ reminder: teams('niamh', 'kwame') }) },
      // Escalated in the same change as the overdue response: no chaser for the stage left behind, nothing for the FIRO
      // to decide; the next stage's people get their cards. Stage 2: 5 working days from Christmas Eve is Tuesday 5 January.
      {
        at: '2026-12-24', events: ['ResponseOverdue response-due:qop_alert @2026-12-24T17:00:00.000Z', 'StageEscalated qop_alert -> stage2 automatically by Resolve'],
        told: told({ 'card-update': teams('marcus', 'niamh', 'kwame'), 'card-new': teams('declan', 'rupert') }),
      },
      { at: '2027-01-04', events: ['ReminderDue reminder:stage2 @2027-01-04T17:00:00.000Z'], told: told({ reminder: teams('declan', 'rupert') }) },
      {
        at: '2027-01-05', events: ['ResponseOverdue response-due:stage2 @2027-01-05T17:00:00.000Z', 'StageEscalated stage2 -> stage3 automatically by Resolve'],
        told: told({ 'card-update': teams('marcus', 'niamh', 'kwame', 'declan', 'rupert'), 'card-new': teams('grace') }),
      },
      { at: '2027-01-11', events: ['ReminderDue reminder:stage3 @2027-01-11T17:00:00.000Z'], told: told({ reminder: teams('grace', 'rupert') }) },
      {
        at: '2027-01-12', events: ['ResponseOverdue response-due:stage3 @2027-01-12T17:00:00.000Z', 'StageEscalated stage3 -> stage4 automatically by Resolve'],
        told: told({ 'card-update': teams('marcus', 'niamh', 'kwame', 'declan', 'rupert', 'grace'), 'card-new': teams('tomasz') }),
      },
      { at: '2027-01-18', events: ['ReminderDue reminder:stage4 @2027-01-18T17:00:00.000Z'], told: told({ reminder: teams('tomasz') }) },
      // Stage 4 is the last: overdue there, the Service Director is chased, his manager copied, the FIRO prompted.
      {
        at: '2027-01-19', events: ['ResponseOverdue response-due:stage4 @2027-01-19T17:00:00.000Z'],
        told: told({ 'card-update': all7, overdue: both('tomasz'), 'overdue-copy': both('helena'), 'escalate-prompt': teams('marcus') }),
      },
      { at: '2027-01-21', events: ['ChaserRepeated chase-repeat:stage4:1 @2027-01-21T17:00:00.000Z'], told: told({ overdue: both('tomasz'), 'overdue-copy': both('helena') }) },
    ]);
    await ladder.assertCancelled(['chase-repeat:stage4:2']);
    assertQuietFrom(ladder, '2027-01-22');
    await ladder.assertNothingScheduled();
  });
});
