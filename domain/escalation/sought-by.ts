import type { LocalDate, WorkingCalendar } from '../calendar/index.js';
import type { Policy } from '../policies/schema.js';

/**
 * AMB-04: entering a stage with no timescale needs the date resolution is sought by. Where it is
 * needed, the date offered ahead (the ladder's default working days from `now`), so escalating
 * stays one submit; undefined where the stage has its own timescale.
 */
export function soughtByNeeded(policy: Policy, stageId: string, calendar: WorkingCalendar, now: Date): { readonly suggested: LocalDate } | undefined {
  const stage = policy.stages.find((s) => s.id === stageId);
  if (stage === undefined || stage.responseTime !== null) return undefined;
  return { suggested: calendar.addWorkingDays(calendar.localDateOf(now), policy.defaultSoughtByWorkingDays) };
}
