import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { TZDate } from '@date-fns/tz';
import { parseLocalDate, type LocalDate, type WorkingCalendar } from '../../domain/calendar/index.js';
import { decide, evolve, type CaseCommand, type CaseState } from '../../domain/escalation/index.js';
import { findAlertType, findStage, getPolicy, parsePolicy, policyIds, type Policy } from '../../domain/policies/index.js';
import { calendarFrom, parseOptions, required, writeJson } from './args.js';
import { EXIT_OK, EXIT_USAGE, UsageError, type CliIO, type Command } from './command.js';

const USAGE = [
  'resolve simulate --policy P --alert-type T --step raise:STAGE:DATE[:BY] [--step escalate:STAGE:DATE[:BY] ...]',
  '                 [--closure-days D1,D2] [--json]',
  `  --policy      a shipped ladder id (${policyIds().join(', ')}; - or _ alike) or a .yaml, .yml or .json ladder file`,
  '  raise         raises the case entering at STAGE: the alert type\'s usual entry stage or a later one. A later one',
  '                is a bypass, simulated with the reason "simulated" and the line manager discussion confirmed',
  '  escalate      escalates from STAGE, the stage the case is at, to the next one',
  '  DATE          each step happens at 10:00 London time on DATE; steps go in time order',
  '  BY            the "resolution sought by" date given with that step',
  '  prints the stage, its response due date, the overall limit, the earliest Cafcass prompt and the',
  '  previous stage\'s response due date; a step the ladder refuses exits 2 with the reason',
].join('\n');

const FORMATS: Readonly<Record<string, 'json' | 'yaml'>> = { '.json': 'json', '.yaml': 'yaml', '.yml': 'yaml' };

/** Fictional placeholders: a stage's timing does not depend on who it goes to. */
const SIMULATED = {
  caseId: 'simulated-case',
  reference: 'SIM-0001',
  officer: 'simulated-officer',
  allocatedWorker: 'simulated-allocated-worker',
  to: ['simulated-to'],
  cc: ['simulated-cc'],
  words: 'simulated',
} as const;

/** The hour, London time, at which each step happens. */
const STEP_HOUR = 10;

interface Step {
  readonly text: string;
  readonly kind: 'raise' | 'escalate';
  readonly stageId: string;
  readonly date: LocalDate;
  readonly by: LocalDate | undefined;
}

interface Simulated {
  readonly stage: string;
  readonly responseDue: string | null;
  readonly overallLimit: string | null;
  readonly cafcassPromptFrom: string | null;
  readonly previousStageResponseDue: string | null;
}

/** `--policy`: a shipped ladder id, hyphen or underscore (as AUTHORITY), or the path of an authority's own ladder file. */
async function policyFrom(value: string): Promise<Policy> {
  const format = FORMATS[extname(value).toLowerCase()];
  if (format) {
    let text: string;
    try {
      text = await readFile(value, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`--policy: there is no file at ${value}`);
      throw error;
    }
    return parsePolicy(text, format, value);
  }
  const id = value.trim().toLowerCase().replace(/-/g, '_');
  if (!policyIds().includes(id)) {
    throw new UsageError(`--policy "${value}" is not a shipped ladder (${policyIds().join(', ')}) nor a .yaml, .yml or .json ladder file`);
  }
  return getPolicy(id);
}

function parseStep(text: string, n: number, policy: Policy, entryStageId: string): Step {
  const parts = text.split(':');
  const [kind, stageId, date, by] = parts;
  if (parts.length < 3 || parts.length > 4 || (kind !== 'raise' && kind !== 'escalate') || !stageId || !date) {
    throw new UsageError(`--step "${text}" must be raise:STAGE:DATE[:BY] or escalate:STAGE:DATE[:BY], e.g. raise:${entryStageId}:2026-12-21`);
  }
  findStage(policy, stageId);
  return {
    text,
    kind,
    stageId,
    date: parseLocalDate(date, `the date of step ${n}`),
    by: by === undefined || by === '' ? undefined : parseLocalDate(by, `the "resolution sought by" date of step ${n}`),
  };
}

/** Raise first, then escalations, each on or after the one before. */
function checkOrder(steps: readonly Step[]): void {
  if (steps.length === 0) throw new UsageError('give at least one --step, starting with raise:STAGE:DATE');
  steps.forEach((step, i) => {
    if (i === 0 && step.kind !== 'raise') throw new UsageError(`the first --step must raise the case (raise:STAGE:DATE), not "${step.text}"`);
    if (i > 0 && step.kind === 'raise') throw new UsageError(`a case is raised once: step ${i + 1} "${step.text}" must be an escalate step`);
    const before = steps[i - 1];
    if (before && step.date < before.date) {
      throw new UsageError(`steps go in time order: step ${i + 1} "${step.text}" is before step ${i} "${before.text}"`);
    }
  });
}

function commandFor(step: Step, policy: Policy, alertTypeId: string): CaseCommand {
  const people = { caseId: SIMULATED.caseId, actor: SIMULATED.officer, to: [...SIMULATED.to], cc: [...SIMULATED.cc] };
  const by = step.by === undefined ? {} : { resolutionSoughtBy: step.by };
  if (step.kind === 'escalate') return { type: 'escalate', ...people, stageId: step.stageId, reason: SIMULATED.words, ...by };
  return {
    type: 'raise',
    ...people,
    reference: SIMULATED.reference,
    subjectInitials: 'A.B.',
    policyId: policy.id,
    alertTypeId,
    allocatedWorkerId: SIMULATED.allocatedWorker,
    entryStageId: step.stageId,
    issue: SIMULATED.words,
    impactOnChild: SIMULATED.words,
    resolutionSought: SIMULATED.words,
    // Read by decide only when the entry stage is a bypass.
    bypass: { reason: SIMULATED.words, lineManagerDiscussed: true },
    ...by,
  };
}

/** 10:00 on the date in the calendar's zone (Europe/London), whatever the offset that day. */
function stepInstant(calendar: WorkingCalendar, date: LocalDate): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, STEP_HOUR, 0, 0, calendar.timeZone).getTime());
}

function result(state: CaseState, calendar: WorkingCalendar): Simulated {
  const day = (iso: string | null | undefined) => (iso == null ? null : calendar.localDateOf(new Date(iso)));
  return {
    stage: state.stage.stageId,
    responseDue: day(state.stage.responseDueAt),
    overallLimit: day(state.overallLimitAt),
    cafcassPromptFrom: day(state.cafcassPromptAt),
    previousStageResponseDue: day(state.previousStages.at(-1)?.responseDueAt),
  };
}

/** A clock that starts with the first formal stage, while the case is still informal (AMB-02). */
const NOT_STARTED = 'not started: it starts when the case enters a formal stage';

function printText(io: CliIO, r: Simulated, state: CaseState, policy: Policy): void {
  const previous = state.previousStages.at(-1);
  io.out([
    `Stage: ${state.stage.stageLabel} [${r.stage}]`,
    `Response due: ${r.responseDue ?? 'none'}`,
    `Overall limit: ${r.overallLimit ?? (policy.overallLimit ? NOT_STARTED : 'none: the ladder sets no overall limit')}`,
    `Earliest Cafcass prompt: ${r.cafcassPromptFrom ?? (policy.outsideReferral ? NOT_STARTED : 'none: the ladder has no Cafcass referral')}`,
    `Previous stage's response due: ${previous ? `${r.previousStageResponseDue ?? 'none'} (${previous.stageLabel} [${previous.stageId}])` : 'none: this is the first stage'}`,
  ].join('\n'));
}

/** `resolve simulate --policy P --alert-type T --step ...`: where a case would stand after these steps, and when each thing is due. */
export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'what if: raise and escalate a case on given dates and see the stage, its due dates and the overall limit',
  usage: USAGE,
  async run(args, io) {
    const values = parseOptions(args, {
      policy: { type: 'string' },
      'alert-type': { type: 'string' },
      step: { type: 'string', multiple: true },
    });
    const policy = await policyFrom(required(values.policy, '--policy'));
    const type = findAlertType(policy, required(values['alert-type'], '--alert-type'));
    if (type.entryStage === null) {
      const staged = policy.alertTypes.filter((t) => t.entryStage !== null).map((t) => t.id).join(', ');
      throw new UsageError(`--alert-type "${type.id}" is a notification: it has no stages or due dates to simulate; choose one of: ${staged}`);
    }
    const { entryStage } = type;
    const steps = (values.step ?? []).map((s, i) => parseStep(s, i + 1, policy, entryStage));
    checkOrder(steps);
    const calendar = calendarFrom(values['closure-days']);
    let state: CaseState | undefined;
    for (const [i, step] of steps.entries()) {
      const decision = decide(state, commandFor(step, policy, type.id), { now: stepInstant(calendar, step.date), policy, calendar });
      if (!decision.ok) {
        io.err(`resolve simulate: step ${i + 1} "${step.text}" refused (${decision.refusal.code}): ${decision.refusal.message}`);
        return EXIT_USAGE;
      }
      state = decision.events.reduce<CaseState | undefined>(evolve, state);
    }
    if (!state) throw new Error('the simulation raised no case');
    const r = result(state, calendar);
    if (values.json) writeJson(io, r);
    else printText(io, r, state, policy);
    return EXIT_OK;
  },
};
