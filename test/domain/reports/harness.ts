/**
 * Small scenario harnesses for the report tests: escalation cases driven through `decide`, and
 * review series driven through `decideReviewSeries`, each command at a given instant, so every
 * event is one the domain itself would record. Every person, child and carer is fictional.
 */
import assert from 'node:assert/strict';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import { decide, fold, type CaseCommand, type CaseEvent, type CaseState } from '../../../domain/escalation/index.js';
import { getPolicy, type Policy } from '../../../domain/policies/index.js';
import {
  decideReviewSeries, foldReviewSeries,
  type RegisterEntry, type ReviewDueRules, type ReviewKind, type ReviewSeriesCommand, type ReviewSeriesEvent, type ReviewSeriesState,
} from '../../../domain/reviews/index.js';

export const calendar = createWorkingCalendar();

/** Fictional people, by Entra-style object id. */
export const people = {
  officer: 'aad-priya-okonjo',
  sw: 'aad-tomasz-wren',
  tm: 'aad-aisha-bell',
  sm: 'aad-ines-varga',
  hos: 'aad-mark-osei',
  admin: 'aad-lorna-pike',
} as const;

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type Step = Without<CaseCommand, 'caseId'>;

/** One escalation case under one ladder. */
export class CaseRun {
  readonly events: CaseEvent[] = [];
  readonly policy: Policy;

  constructor(policyId: string, readonly caseId: string) {
    this.policy = getPolicy(policyId);
  }

  get state(): CaseState {
    const state = fold(this.events);
    assert.ok(state, 'the case has been raised');
    return state;
  }

  /** A command that must be accepted, at `at`. */
  do(step: Step, at: string): this {
    const decision = decide(fold(this.events), { ...step, caseId: this.caseId } as CaseCommand, { now: new Date(at), policy: this.policy, calendar });
    if (!decision.ok) assert.fail(`${this.caseId}: ${step.type} refused: ${decision.refusal.code}: ${decision.refusal.message}`);
    this.events.push(...decision.events);
    return this;
  }

  raise(alertTypeId: string, at: string, more: Partial<Extract<Step, { type: 'raise' }>> = {}): this {
    return this.do({
      type: 'raise', actor: people.officer, reference: `REF-${this.caseId}`, subjectInitials: 'J.T.', policyId: this.policy.id, alertTypeId,
      allocatedWorkerId: people.sw, issue: 'Statutory visits have not taken place since January.',
      impactOnChild: 'J.T. is anxious about contact.', resolutionSought: 'A visit within the week.', to: [people.sw], cc: [people.tm], ...more,
    } as Step, at);
  }

  respond(at: string, response: 'accept' | 'decline' = 'accept'): this {
    return this.do({ type: 'respond', actor: people.sw, stageId: this.state.stage.stageId, response, ...(response === 'decline' && { text: 'We disagree.' }) } as Step, at);
  }

  escalate(at: string, more: { resolutionSoughtBy?: string } = {}): this {
    return this.do({ type: 'escalate', actor: people.officer, stageId: this.state.stage.stageId, reason: 'No agreement reached.', to: [people.sm], cc: [people.tm], ...more } as Step, at);
  }

  resolve(at: string): this {
    return this.do({ type: 'resolve', actor: people.officer, outcome: 'Visits now weekly.', keyLearningPoints: 'Plan visits ahead.' } as Step, at);
  }
}

/** One review series: a child's or a foster carer's, under the given rules. */
export class SeriesRun {
  readonly events: ReviewSeriesEvent[] = [];

  constructor(readonly kind: ReviewKind, readonly reference: string, readonly rules?: ReviewDueRules) {}

  get state(): ReviewSeriesState {
    const state = foldReviewSeries(this.events);
    assert.ok(state, 'the series has been opened');
    return state;
  }

  do(command: Without<ReviewSeriesCommand, 'kind' | 'reference'>, at: string): this {
    const full = { ...command, kind: this.kind, reference: this.reference } as ReviewSeriesCommand;
    const decision = decideReviewSeries(foldReviewSeries(this.events), full, { now: new Date(at), calendar, ...(this.rules !== undefined && { rules: this.rules }) });
    if (!decision.ok) assert.fail(`${this.reference}: ${command.type} refused: ${decision.refusal.code}: ${decision.refusal.message}`);
    this.events.push(...decision.events);
    return this;
  }

  /** A dated fact, recorded at 15:00Z on its own day unless `at` says otherwise. */
  fact(event: NonNullable<RegisterEntry['fact']>['event'], date: string, more: Omit<NonNullable<RegisterEntry['fact']>, 'event' | 'date'> = {}, at = `${date}T15:00:00Z`): this {
    return this.do({ type: 'record', actor: people.admin, entries: [{ fact: { event, date, ...more } }] }, at);
  }

  held(date: string, more: { participated?: boolean | null; aged4Plus?: boolean | null; lateReason?: string } = {}): this {
    return this.fact('review-held', date, more);
  }

  book(start: string, at: string): this {
    const end = new Date(Date.parse(start) + 90 * 60_000).toISOString();
    return this.do({ type: 'book', actor: people.admin, start, end, organiser: 'reviews@northmoor.example', attendees: ['priya.okonjo@northmoor.example'], transactionId: `tx-${this.reference}-${start}` }, at);
  }

  rearrange(start: string, reasonCode: Extract<ReviewSeriesCommand, { type: 'rearrange' }>['reasonCode'], at: string): this {
    const end = new Date(Date.parse(start) + 90 * 60_000).toISOString();
    return this.do({ type: 'rearrange', actor: people.admin, reasonCode, reasonText: 'The child has a hospital appointment that morning.', start, end }, at);
  }

  /** Delivery could not make the meeting of the booking made at `start`. */
  bookingFailed(start: string, at: string): this {
    return this.do({ type: 'booking-failed', actor: 'calendar-delivery', transactionId: `tx-${this.reference}-${start}`, reason: 'calendar refused: GraphRequestError' }, at);
  }

  cancel(at: string): this {
    return this.do({ type: 'cancel-booking', actor: people.admin, comment: 'The carers asked to cancel: family bereavement.' }, at);
  }

  done(taskId: string, at: string): this {
    return this.do({ type: 'complete-task', actor: people.sw, taskId }, at);
  }

  reached(key: string, at: string): this {
    return this.do({ type: 'deadline-reached', actor: 'system', key, notify: [people.sw] }, at);
  }
}
