import assert from 'node:assert/strict';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import {
  decide,
  fold,
  type CaseCommand,
  type CaseEvent,
  type CaseState,
  type Decision,
} from '../../../domain/escalation/index.js';
import { getPolicy, type Policy } from '../../../domain/policies/index.js';

export const calendar = createWorkingCalendar();

/** Fictional people, by Entra-style object id. */
export const people = {
  officer: 'aad-priya-okonjo', // the raising IRO / FIRO / FRO
  otherOfficer: 'aad-dev-marsh',
  sw: 'aad-tomasz-wren',
  tm: 'aad-aisha-bell',
  ps: 'aad-kofi-hale',
  om: 'aad-rhian-cole',
  sm: 'aad-ines-varga',
  hos: 'aad-mark-osei',
  dd: 'aad-ruth-lang',
  ddSafeguarding: 'aad-omar-price',
  director: 'aad-june-abara',
  stranger: 'aad-no-part',
} as const;

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A command without the case id (the scenario supplies it). */
export type Step = Without<CaseCommand, 'caseId'>;

/** One case under one ladder, driven by commands at given instants, keeping its events. */
export class Scenario {
  readonly events: CaseEvent[] = [];
  readonly caseId: string;

  constructor(
    readonly policy: Policy,
    caseId = 'case-0001',
  ) {
    this.caseId = caseId;
  }

  static of(policyId: string): Scenario {
    return new Scenario(getPolicy(policyId));
  }

  get state(): CaseState {
    const state = fold(this.events);
    assert.ok(state, 'the case has been raised');
    return state;
  }

  try(step: Step, at: string): Decision {
    return decide(fold(this.events), { ...step, caseId: this.caseId } as CaseCommand, {
      now: new Date(at),
      policy: this.policy,
      calendar,
    });
  }

  /** Run a command that must be accepted; returns the events it produced. */
  do(step: Step, at: string): CaseEvent[] {
    const decision = this.try(step, at);
    if (!decision.ok) assert.fail(`refused ${step.type}: ${decision.refusal.code}: ${decision.refusal.message}`);
    this.events.push(...decision.events);
    return decision.events;
  }

  /** Run a command that must be refused; returns the refusal. */
  refused(step: Step, at: string): { code: string; message: string } {
    const decision = this.try(step, at);
    if (decision.ok) assert.fail(`expected ${step.type} to be refused, got ${decision.events.map((e) => e.type).join(', ') || 'no events'}`);
    return decision.refusal;
  }
}

export type RaiseStep = Extract<Step, { type: 'raise' }>;

export function raiseStep(overrides: Partial<RaiseStep> & { policyId: string; alertTypeId: string }): RaiseStep {
  return {
    type: 'raise',
    actor: people.officer,
    reference: 'RES-2026-0142',
    subjectInitials: 'J.T.',
    allocatedWorkerId: people.sw,
    issue: 'Statutory visits have not taken place since January.',
    impactOnChild: 'J.T. has not seen their social worker and is anxious about contact.',
    resolutionSought: 'A visit within the week and a plan for monthly visits.',
    to: [people.sw],
    cc: [],
    ...overrides,
  };
}
