/**
 * The regular reports as their own aggregate: one stream, `report-schedule`, whose state holds
 * the next due instant of each report switched on and the periods already sent. Its deadlines
 * are those instants (one per report, keyed by the report), so the store's dispatcher fires each
 * once across instances (claim, lease and fencing token); the stream's sent periods make a second
 * firing for the same period (a setting moved within the period, a deadline re-armed) send
 * nothing. A report sent queues one Teams card for each recipient's 1:1 chat, keyed by report,
 * period and person, drawn at delivery by the report composer (compose.ts).
 *
 *   start-up --configure(settings)--> ReportScheduleSet { next }            --> deadlines
 *   deadline --handler: roles -> people--> fire --> RegularReportSent { period, recipients, next }
 *                                                --> teams.card to teams:<id> for each (topic "report")
 *   a period already sent                          --> RegularReportSkipped { next }
 */
import { z } from 'zod';
import type { WorkingCalendar } from '../../domain/calendar/index.js';
import { SYSTEM_ACTOR } from '../../domain/escalation/index.js';
import type { RoleKey } from '../../domain/policies/index.js';
import type { Directory } from '../../graph/directory/index.js';
import type { Clock } from '../../store/clock.js';
import { foldEvents, handleCommand, handleCommandIn, type CommandOutcome, type Decision, type StreamChange, type StreamModel } from '../../store/command.js';
import type { Db } from '../../store/db.js';
import type { DeadlineHandler, DesiredDeadline } from '../../store/deadlines.js';
import { readStream } from '../../store/events.js';
import type { OutboxEffect } from '../../store/outbox.js';
import { EFFECT_KINDS, type TeamsEffectPayload } from '../delivery/messages.js';
import type { Logger } from '../log.js';
import { nextDue, periodCovered, REGULAR_REPORTS, type CoveredPeriod, type RegularReport, type ReportTiming } from './when.js';

export const REPORT_SCHEDULE_STREAM = 'report-schedule';
/** The topic a report's Teams effects carry, so delivery finds the report composer. */
export const REPORT_TOPIC = 'report';
const DEADLINE_KIND = 'regular-report';

/** Each regular report's timing and who gets it (by role); a report left out is switched off. */
export interface RegularReportSetting {
  readonly timing: ReportTiming;
  readonly roles: readonly RoleKey[];
}
export type ReportScheduleSettings = Readonly<Partial<Record<RegularReport, RegularReportSetting>>>;

export type ReportScheduleEvent =
  | { readonly type: 'ReportScheduleSet'; readonly at: string; readonly settings: ReportScheduleSettings; readonly next: Readonly<Partial<Record<RegularReport, string>>> }
  | {
      readonly type: 'RegularReportSent'; readonly at: string; readonly report: RegularReport; readonly dueAt: string;
      readonly period: CoveredPeriod; readonly recipients: readonly string[]; readonly next: string;
    }
  | { readonly type: 'RegularReportSkipped'; readonly at: string; readonly report: RegularReport; readonly dueAt: string; readonly periodKey: string; readonly next: string };

export type ReportScheduleCommand =
  | { readonly type: 'configure'; readonly actor: string; readonly settings: ReportScheduleSettings }
  | { readonly type: 'fire'; readonly actor: string; readonly report: RegularReport; readonly dueAt: string; readonly recipients: readonly string[] };

export interface ReportScheduleState {
  readonly settings: ReportScheduleSettings;
  /** The next due instant of each report switched on (ISO 8601). */
  readonly next: Readonly<Partial<Record<RegularReport, string>>>;
  /** The periods sent, by report: each is sent once. */
  readonly sent: Readonly<Partial<Record<RegularReport, readonly string[]>>>;
}

export interface ReportScheduleContext {
  readonly calendar: WorkingCalendar;
  /** The council's tenant id, for pacing deliveries per tenant. */
  readonly tenant?: string;
}

const canonical = (value: unknown): string => JSON.stringify(value, (_k, v: unknown) =>
  (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v));
const sameSetting = (a: RegularReportSetting | undefined, b: RegularReportSetting | undefined) => canonical(a) === canonical(b);

export function evolveReportSchedule(state: ReportScheduleState | undefined, event: ReportScheduleEvent): ReportScheduleState {
  const s = state ?? { settings: {}, next: {}, sent: {} };
  switch (event.type) {
    case 'ReportScheduleSet':
      return { ...s, settings: event.settings, next: event.next };
    case 'RegularReportSent':
      return { ...s, next: { ...s.next, [event.report]: event.next }, sent: { ...s.sent, [event.report]: [...(s.sent[event.report] ?? []), event.period.key] } };
    case 'RegularReportSkipped':
      return { ...s, next: { ...s.next, [event.report]: event.next } };
  }
}

export function decideReportSchedule(state: ReportScheduleState | undefined, command: ReportScheduleCommand, now: Date, ctx: ReportScheduleContext): Decision<ReportScheduleEvent> {
  const at = now.toISOString();
  if (command.type === 'configure') {
    const before = state?.settings ?? {};
    if (canonical(before) === canonical(command.settings)) return { ok: true, events: [] };
    const next: Partial<Record<RegularReport, string>> = {};
    for (const report of REGULAR_REPORTS) {
      const setting = command.settings[report];
      if (setting === undefined) continue;
      // A report whose setting is unchanged keeps its due time; a new or changed one is due next from now.
      const kept = sameSetting(before[report], setting) ? state?.next[report] : undefined;
      next[report] = kept ?? nextDue(setting.timing, now, ctx.calendar).toISOString();
    }
    return { ok: true, events: [{ type: 'ReportScheduleSet', at, settings: command.settings, next }] };
  }
  const setting = state?.settings[command.report];
  // Switched off, or moved since the deadline was claimed: nothing is due at this time.
  if (state === undefined || setting === undefined || state.next[command.report] !== command.dueAt) return { ok: true, events: [] };
  const due = new Date(command.dueAt);
  const next = nextDue(setting.timing, new Date(Math.max(now.getTime(), due.getTime())), ctx.calendar).toISOString();
  const period = periodCovered(command.report, due, ctx.calendar);
  if ((state.sent[command.report] ?? []).includes(period.key)) {
    return { ok: true, events: [{ type: 'RegularReportSkipped', at, report: command.report, dueAt: command.dueAt, periodKey: period.key, next }] };
  }
  const recipients = [...new Set(command.recipients)].sort();
  return { ok: true, events: [{ type: 'RegularReportSent', at, report: command.report, dueAt: command.dueAt, period, recipients, next }] };
}

/** The deadlines the schedule should hold: one per report switched on, at its next due time. */
export function reportScheduleDeadlines(state: ReportScheduleState): DesiredDeadline[] {
  return REGULAR_REPORTS.flatMap((report) => {
    const dueAt = state.next[report];
    return dueAt === undefined ? [] : [{ key: report, kind: DEADLINE_KIND, dueAt }];
  });
}

/** What a regular report's Teams effect asks the composer for. */
export interface RegularReportRequest {
  readonly kind: 'regular';
  readonly report: RegularReport;
  readonly period: CoveredPeriod;
  readonly dueAt: string;
}
export type RegularReportTeamsPayload = TeamsEffectPayload<RegularReportRequest>;

/** One Teams card for each recipient of a report sent, keyed by report, period and person: queued once. */
export function reportScheduleEffects(change: StreamChange<ReportScheduleState, ReportScheduleEvent>, ctx: Pick<ReportScheduleContext, 'tenant'>): OutboxEffect[] {
  return change.events.flatMap((event) => {
    if (event.type !== 'RegularReportSent') return [];
    const request: RegularReportRequest = { kind: 'regular', report: event.report, period: event.period, dueAt: event.dueAt };
    return event.recipients.map((recipient): OutboxEffect => ({
      idempotencyKey: `${REPORT_TOPIC}:${event.report}:${event.period.key}/${recipient}`,
      destination: `teams:${recipient}`,
      tenant: ctx.tenant ?? '',
      kind: EFFECT_KINDS.teamsCard,
      payload: { topic: REPORT_TOPIC, recipient, request } satisfies RegularReportTeamsPayload,
    }));
  });
}

export type ReportScheduleModel = StreamModel<ReportScheduleState, ReportScheduleCommand, ReportScheduleEvent>;

export function reportScheduleModel(ctx: ReportScheduleContext): ReportScheduleModel {
  return {
    evolve: evolveReportSchedule,
    decide: (state, command, now) => decideReportSchedule(state, command, now, ctx),
    deadlinesOf: (state) => reportScheduleDeadlines(state),
    effectsOf: (change) => reportScheduleEffects(change, ctx),
  };
}

/** Sets the schedule to the configured settings (at start-up); nothing changes when they are the same. */
export async function configureReportSchedule(
  options: ReportScheduleContext & { readonly db: Db; readonly clock: Clock; readonly settings: ReportScheduleSettings },
): Promise<CommandOutcome<ReportScheduleState, ReportScheduleEvent>> {
  return handleCommand(options.db, reportScheduleModel(options), REPORT_SCHEDULE_STREAM, { type: 'configure', actor: SYSTEM_ACTOR, settings: options.settings }, { clock: options.clock });
}

/** Everyone holding any of `roles` anywhere in the directory, each once, in a stable order. */
export async function holdersOfRoles(directory: Pick<Directory, 'people' | 'rolesOf'>, roles: readonly RoleKey[]): Promise<string[]> {
  const wanted = new Set<string>(roles);
  const people = await directory.people();
  const holding = await Promise.all(people.map(async (p) => ((await directory.rolesOf(p.id)).some((r) => wanted.has(r)) ? p.id : undefined)));
  return holding.filter((id): id is string => id !== undefined).sort();
}

export interface ReportScheduleHandlerContext extends ReportScheduleContext {
  readonly directory: Pick<Directory, 'people' | 'rolesOf'>;
  readonly logger?: Logger;
}

const reportSchema = z.enum(REGULAR_REPORTS);

/**
 * The deadline dispatcher's handler for the report schedule: who holds the report's roles now,
 * then `fire` on the schedule with them, in the dispatcher's transaction.
 */
export function reportScheduleDeadlineHandler(ctx: ReportScheduleHandlerContext): DeadlineHandler {
  const model = reportScheduleModel(ctx);
  return async (tx, deadline, { now }) => {
    if (deadline.streamId !== REPORT_SCHEDULE_STREAM) return;
    const report = reportSchema.safeParse(deadline.key);
    if (!report.success) return;
    // The dispatcher holds the stream's lock: the roles read here are those the command decides on.
    const { records } = await readStream<ReportScheduleEvent>(tx, REPORT_SCHEDULE_STREAM);
    const state = foldEvents(evolveReportSchedule, records.map((r) => r.event));
    const roles = state?.settings[report.data]?.roles ?? [];
    const recipients = roles.length === 0 ? [] : await holdersOfRoles(ctx.directory, roles);
    const outcome = await handleCommandIn(tx, model, REPORT_SCHEDULE_STREAM, {
      type: 'fire', actor: SYSTEM_ACTOR, report: report.data, dueAt: deadline.dueAt.toISOString(), recipients,
    }, now);
    if (outcome.ok && outcome.records.length > 0) {
      const event = outcome.records[0]!.event;
      ctx.logger?.info(event.type === 'RegularReportSent' ? 'report.sent' : 'report.skipped', { report: report.data, told: event.type === 'RegularReportSent' ? event.recipients.length : 0, next: event.type === 'ReportScheduleSet' ? null : event.next });
    }
  };
}

/** The dispatcher's one handler: the report schedule's deadlines to `reports`, every other stream's to `others`. */
export function withReportDeadlines(others: DeadlineHandler, reports: DeadlineHandler): DeadlineHandler {
  return (tx, deadline, fire) => (deadline.streamId === REPORT_SCHEDULE_STREAM ? reports(tx, deadline, fire) : others(tx, deadline, fire));
}
