import type { z } from 'zod';
import type { LocalDate, WorkingCalendar } from '../calendar/index.js';
import type { AlertType, Policy, Stage } from '../policies/schema.js';
import type { RoleKey } from '../policies/roles.js';
import { entryKind, nextStage, skipsStages, stageOrder } from '../policies/routing.js';
import { formatPath } from '../policies/validate.js';
import { byDateEndsAt, longDate, shortDate, spanEndDay, spanEndsAt } from './clock.js';
import { caseCommandSchema, type CaseCommand, type CheckedCommand, type DecideContext } from './commands.js';
import { cafcassReferralWindow, deadlinesOf, referralWindowFrom } from './deadlines.js';
import { soughtByNeeded } from './sought-by.js';
import { briefingComplete, briefingFields, briefingRequiredAt, checkBriefingAnswers, missingBriefingFields } from './briefing.js';
import { SYSTEM_ACTOR, sameCardMessage, type BypassRecord, type CaseEvent, type CaseRaised, type StageEntry, type StageEscalated } from './events.js';
import { actionConfirmersOf, hasPart, NOTIFICATION_STAGE_ID, type AgreedAction, type CaseState } from './state.js';

/** Why a command was refused, as a stable code for adapters and tests. */
export type RefusalCode =
  | 'invalid-command'
  | 'not-found'
  | 'already-raised'
  | 'policy-mismatch'
  | 'policy-changed'
  | 'unknown-alert-type'
  | 'unknown-stage'
  | 'unknown-severity-flag'
  | 'unknown-category'
  | 'allocated-worker-required'
  | 'refer-to-child-iro'
  | 'not-an-entry-stage'
  | 'alerts-suspended'
  | 'no-addressee'
  | 'resolution-date-required'
  | 'resolution-date-not-allowed'
  | 'resolution-date-too-late'
  | 'date-in-past'
  | 'bypass-not-allowed'
  | 'bypass-needs-line-manager'
  | 'not-authorised'
  | 'case-closed'
  | 'stale-stage'
  | 'stale-version'
  | 'already-responded'
  | 'no-proposal'
  | 'reason-required'
  | 'no-further-stage'
  | 'not-a-later-stage'
  | 'duplicate-action'
  | 'unknown-action'
  | 'action-already-complete'
  | 'no-action-confirmer'
  | 'closure-incomplete'
  | 'no-outside-referral'
  | 'cafcass-not-yet'
  | 'briefing-required'
  | 'briefing-incomplete'
  | 'briefing-not-required'
  | 'briefing-already-sent'
  | 'invalid-briefing-answer';

export interface Refusal {
  readonly code: RefusalCode;
  /** A sentence a person can read: what happened and what to do instead. */
  readonly message: string;
}

export type Decision = { ok: true; events: CaseEvent[] } | { ok: false; refusal: { code: string; message: string } };

const refuse = (code: RefusalCode, message: string): Decision => ({ ok: false, refusal: { code, message } });
const accept = (...events: CaseEvent[]): Decision => ({ ok: true, events });

type Cmd<T extends CheckedCommand['type']> = Extract<CheckedCommand, { type: T }>;
type Failure = Extract<Decision, { ok: false }>;
const failed = (x: unknown): x is Failure => typeof x === 'object' && x !== null && (x as { ok?: unknown }).ok === false;

const unique = (ids: readonly string[]) => [...new Set(ids)];
const noun = (state: Pick<CaseState, 'kind'>) => (state.kind === 'dispute' ? 'dispute' : state.kind === 'notification' ? 'notification' : 'alert');
const possessive = (authority: string) => `${authority}'s`;

function describeIssues(error: z.ZodError): string {
  return `The command is not complete: ${error.issues
    .map((i) => `${formatPath(i.path) || 'command'}: ${i.message === 'Required' ? 'is required' : i.message}`)
    .join('; ')}.`;
}

/** "the Fostering Support Team Manager", in the authority's own titles (AMB-47). */
function roleNames(policy: Policy, roles: readonly RoleKey[]): string {
  return roles.map((r) => `the ${policy.roleLabels[r] ?? r.replaceAll('_', ' ')}`).join(' or ');
}

function stageList(policy: Policy): string {
  return policy.stages.map((s) => `${s.id} (${s.label})`).join(', ');
}

/** D-B1, S-B1, O-B1, AMB-17: may the officer skip to this stage, on what they told us? */
function checkBypass(
  policy: Policy,
  skippedFromStageId: string,
  given: { reason?: string; lineManagerDiscussed?: boolean; emergency?: boolean } | undefined,
): BypassRecord | Failure {
  const rule = policy.bypass;
  const skipped = policy.stages.find((s) => s.id === skippedFromStageId)?.label ?? skippedFromStageId;
  if (!rule.allowed) {
    return refuse('bypass-not-allowed', `${possessive(policy.authority)} ladder does not allow stages to be bypassed; escalate one stage at a time from ${skipped}.`) as Failure;
  }
  if (!given?.reason) {
    return refuse('reason-required', `Skipping ${skipped} is a bypass: give the reason for going straight to this stage.`) as Failure;
  }
  const lineManagerDiscussed = given.lineManagerDiscussed ?? false;
  const emergency = given.emergency ?? false;
  if (rule.requiresLineManagerDiscussion && !lineManagerDiscussed && !(rule.exceptInEmergency && emergency)) {
    return refuse(
      'bypass-needs-line-manager',
      `${policy.authority} lets the ${policy.labels.officer} bypass a stage only after discussing it with their line manager` +
        `${rule.exceptInEmergency ? ', except in an emergency' : ''}. Confirm the discussion took place` +
        `${rule.exceptInEmergency ? ', or mark this an emergency' : ''}.`,
    ) as Failure;
  }
  return { skippedFromStageId, reason: given.reason, lineManagerDiscussed, emergency };
}

/** When a response to `stage`, entered at `start`, is due: the ladder's time or the officer's date (AMB-03/04/05). */
function responseDue(
  policy: Policy,
  stage: Stage,
  calendar: WorkingCalendar,
  start: Date,
  today: LocalDate,
  soughtBy: string | undefined,
): { responseDueAt: string; resolutionSoughtBy: string | null } | Failure {
  const day0 = calendar.localDateOf(start);
  const maxDay = stage.responseTime ? spanEndDay(calendar, day0, stage.responseTime) : null;
  if (soughtBy === undefined) {
    if (maxDay === null) {
      return refuse(
        'resolution-date-required',
        `${stage.label} has no timescale in ${possessive(policy.authority)} procedure: set the date resolution is sought by.`,
      ) as Failure;
    }
    return { responseDueAt: calendar.endOfWorkingDay(maxDay).toISOString(), resolutionSoughtBy: null };
  }
  const date = soughtBy as LocalDate;
  if (maxDay !== null && stage.customDueDate === 'not_allowed') {
    return refuse(
      'resolution-date-not-allowed',
      `${stage.label} has a fixed response time, due ${longDate(calendar, maxDay)}; it does not take a date of your own.`,
    ) as Failure;
  }
  if (date < today) {
    return refuse('date-in-past', `The date resolution is sought by, ${longDate(calendar, date)}, has passed; choose today or a later date.`) as Failure;
  }
  if (maxDay !== null && stage.customDueDate === 'within_maximum' && date > maxDay) {
    return refuse(
      'resolution-date-too-late',
      `${stage.label} allows at most ${describeSpan(stage)}: the latest date resolution can be sought by is ${longDate(calendar, maxDay)}, not ${longDate(calendar, date)}.`,
    ) as Failure;
  }
  return { responseDueAt: byDateEndsAt(calendar, date, day0).toISOString(), resolutionSoughtBy: date };
}

function describeSpan(stage: Stage): string {
  const t = stage.responseTime;
  if (!t) return 'no set time';
  return 'workingDays' in t ? `${t.workingDays} working days` : `${t.calendarDays} days`;
}

/** Each person once; someone both To and CC is To only. */
function addressees(people: { to: readonly string[]; cc: readonly string[] }): { to: string[]; cc: string[] } {
  const to = unique(people.to);
  return { to, cc: unique(people.cc).filter((p) => !to.includes(p)) };
}

function managersOf(to: readonly string[], managers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of to) {
    const manager = managers[id];
    if (manager !== undefined && manager !== id) out[id] = manager;
  }
  return out;
}

/** Enter a stage: who it goes to (deduplicated; AMB-23 "if not already aware") and when a response is due. */
function enterStage(
  policy: Policy,
  stage: Stage,
  ctx: DecideContext,
  people: {
    to: readonly string[]; cc: readonly string[]; actionConfirmers: readonly string[];
    managers?: Readonly<Record<string, string>>; limitWatchers?: readonly string[];
  },
  soughtBy: string | undefined,
  alreadyNotified: readonly string[],
): { entry: StageEntry; ccNotRealerted: string[] } | Failure {
  const { to } = addressees(people);
  if (to.length === 0) {
    return refuse('no-addressee', `Nobody in the directory holds the roles ${stage.label} goes to (${stage.to.join(' or ')}) for this case, so there is no one to send it to; ask your administrator to add them to the directory.`) as Failure;
  }
  let { cc } = addressees(people);
  let ccNotRealerted: string[] = [];
  if (stage.ccOnlyIfNotAlreadyAware) {
    ccNotRealerted = cc.filter((p) => alreadyNotified.includes(p));
    cc = cc.filter((p) => !alreadyNotified.includes(p));
  }
  const due = responseDue(policy, stage, ctx.calendar, ctx.now, ctx.calendar.localDateOf(ctx.now), soughtBy);
  if (failed(due)) return due;
  return {
    entry: {
      stageId: stage.id,
      stageLabel: stage.label,
      formal: stage.formal,
      to,
      cc,
      ccLabel: stage.ccLabel,
      responseDueAt: due.responseDueAt,
      resolutionSoughtBy: due.resolutionSoughtBy,
      directorBriefingRequired: briefingRequiredAt(policy, stage),
      senderRole: stage.sender,
      // AMB-30: recorded only where the ladder names who confirms actions.
      actionConfirmers: policy.closure.actionsConfirmedBy.length > 0 ? unique(people.actionConfirmers) : [],
      // §8.4: recorded only where the ladder copies managers, and only for the people it goes To.
      managers: policy.chasing.copyAddresseesManager ? managersOf(to, people.managers ?? {}) : {},
      limitWatchers: policy.overallLimit === null ? [] : unique(people.limitWatchers ?? []),
    },
    ccNotRealerted,
  };
}

/**
 * AMB-01/AMB-02/AMB-33: start the overall limit and the Cafcass prompt once their start event
 * happens. The prompt never comes before the referral is offered (ESC-C3, `outsideReferral.earliest`).
 */
function clocks(
  policy: Policy,
  ctx: DecideContext,
  current: CaseState | null,
  enteringFormal: boolean,
): { overallLimitAt: string | null; cafcassPromptAt: string | null } {
  const raising = current === null;
  const startsNow = (startsAt: 'informal_raised' | 'stage1_raised') =>
    raising ? startsAt === 'informal_raised' || enteringFormal : startsAt === 'stage1_raised' && enteringFormal;
  let overallLimitAt = current?.overallLimitAt ?? null;
  if (overallLimitAt === null && policy.overallLimit && startsNow(policy.overallLimit.startsAt)) {
    overallLimitAt = spanEndsAt(ctx.calendar, ctx.now, policy.overallLimit).toISOString();
  }
  let cafcassPromptAt = current?.cafcassPromptAt ?? null;
  const referral = policy.outsideReferral;
  if (cafcassPromptAt === null && referral) {
    if ('atOverallLimit' in referral.promptAfter) cafcassPromptAt = overallLimitAt;
    else if (startsNow(referral.promptStartsAt)) cafcassPromptAt = spanEndsAt(ctx.calendar, ctx.now, referral.promptAfter).toISOString();
    const now = ctx.now.toISOString();
    const visits = [...(current ? [...current.previousStages, current.stage] : []), { formal: enteringFormal, enteredAt: now }];
    const window = referralWindowFrom(ctx, current?.raisedAt ?? now, visits);
    if (cafcassPromptAt !== null && window.kind === 'from' && cafcassPromptAt < window.at) cafcassPromptAt = window.at;
  }
  return { overallLimitAt, cafcassPromptAt };
}

function header(cmd: { caseId: string; actor: string }, ctx: DecideContext) {
  return { caseId: cmd.caseId, actor: cmd.actor, at: ctx.now.toISOString() };
}

function raise(state: CaseState | undefined, cmd: Cmd<'raise'>, ctx: DecideContext): Decision {
  const { policy, calendar, now } = ctx;
  if (state) {
    return refuse('already-raised', `Case ${state.reference} was already raised on ${shortDate(calendar, new Date(state.raisedAt))}; raise a new case for a new issue.`);
  }
  if (cmd.policyId !== policy.id) {
    return refuse('policy-mismatch', `The raise form was for the ladder "${cmd.policyId}" but this service runs "${policy.id}"; open the form again.`);
  }
  const type = policy.alertTypes.find((t) => t.id === cmd.alertTypeId);
  if (!type) {
    return refuse('unknown-alert-type', `${policy.authority} has no alert type "${cmd.alertTypeId}"; choose one of: ${policy.alertTypes.map((t) => `${t.id} (${t.label})`).join(', ')}.`);
  }
  const today = calendar.localDateOf(now);
  if (type.kind !== 'notification') {
    const window = policy.suspensionWindows.find((w) => w.from <= today && today <= w.to);
    if (window) {
      return refuse('alerts-suspended', `${policy.authority} agreed not to raise alerts from ${longDate(calendar, window.from as LocalDate)} to ${longDate(calendar, window.to as LocalDate)} (${window.reason}); resolve this by discussion and record it in a case note.`);
    }
  }
  const unknownFlag = cmd.severityFlags.find((f) => !policy.severityFlags.some((s) => s.id === f));
  if (unknownFlag !== undefined) {
    const known = policy.severityFlags.map((s) => s.id).join(', ') || 'none';
    return refuse('unknown-severity-flag', `"${unknownFlag}" is not a severity flag on ${possessive(policy.authority)} ladder; flags: ${known}.`);
  }
  const categories = [...policy.categories, ...type.triggers];
  if (cmd.category !== undefined && categories.length > 0 && !categories.includes(cmd.category)) {
    return refuse('unknown-category', `"${cmd.category}" is not a category for a ${type.label}; choose one of: ${categories.join('; ')}.`);
  }
  if (type.kind !== 'notification' && cmd.solelyAboutChildCarePlan && policy.carePlanOnlyIssuesToChildIro) {
    return refuse(
      'refer-to-child-iro',
      `Where the issues of concern relate solely to a child's care plan, the ${policy.labels.officer} refers the matter directly to the child's IRO for them to take appropriate action (${possessive(policy.authority)} procedure); it is not raised as a ${type.label}. ` +
        `Refer it to the child's IRO; if there are concerns about the ${policy.labels.subject}'s care or support as well, raise those without marking the issue as solely about the care plan.`,
    );
  }
  if (type.kind !== 'notification' && cmd.allocatedWorkerId === undefined) {
    return refuse(
      'allocated-worker-required',
      `A ${type.label} needs the case's allocated worker: give the child's allocated social worker, or the foster carer's supervising social worker, so that every stage reaches the right people.`,
    );
  }
  const base = {
    type: 'CaseRaised' as const,
    ...header(cmd, ctx),
    reference: cmd.reference,
    subjectInitials: cmd.subjectInitials,
    policyId: policy.id,
    policyVersion: policy.version,
    authority: policy.authority,
    alertTypeId: type.id,
    alertTypeLabel: type.label,
    kind: type.kind,
    allocatedWorkerId: cmd.allocatedWorkerId ?? null,
    category: cmd.category ?? null,
    issue: cmd.issue,
    impactOnChild: cmd.impactOnChild,
    resolutionSought: cmd.resolutionSought,
    severityFlags: unique(cmd.severityFlags),
  };
  if (type.kind === 'notification') return raiseNotification(base, type, cmd);

  const defaultEntry = type.entryStage ?? '';
  const entryId = cmd.entryStageId ?? defaultEntry;
  const stage = policy.stages.find((s) => s.id === entryId);
  if (!stage) {
    return refuse('unknown-stage', `"${entryId}" is not a stage of ${possessive(policy.authority)} ladder; stages: ${stageList(policy)}.`);
  }
  let bypass: BypassRecord | null = null;
  const entry = entryKind(policy, type.id, entryId);
  if (entry.kind === 'too-early') {
    const defaultLabel = policy.stages.find((s) => s.id === entry.startsAt)?.label ?? entry.startsAt;
    return refuse('not-an-entry-stage', `A ${type.label} starts at ${defaultLabel}; it cannot start earlier, at ${stage.label}.`);
  }
  if (entry.kind === 'bypass') {
    const checked = checkBypass(policy, entry.skipped, cmd.bypass);
    if (failed(checked)) return checked;
    bypass = checked;
  }
  const entered = enterStage(policy, stage, ctx, cmd, cmd.resolutionSoughtBy, []);
  if (failed(entered)) return entered;
  const event: CaseRaised = { ...base, stage: entered.entry, bypass, ...clocks(policy, ctx, null, stage.formal) };
  return accept(event);
}

function raiseNotification(
  base: Omit<CaseRaised, 'stage' | 'bypass' | 'overallLimitAt' | 'cafcassPromptAt'>,
  type: AlertType,
  cmd: Cmd<'raise'>,
): Decision {
  if (cmd.entryStageId !== undefined) {
    return refuse('not-an-entry-stage', `A ${type.label} is a notification with no stages; leave the entry stage empty.`);
  }
  if (cmd.to.length === 0) {
    return refuse('no-addressee', `Nobody in the directory holds the roles a ${type.label} goes to (${(type.to ?? []).join(' or ') || 'none named'}) for this case, so there is no one to send it to; ask your administrator to add them to the directory.`);
  }
  const entry: StageEntry = {
    stageId: NOTIFICATION_STAGE_ID,
    stageLabel: type.label,
    formal: false,
    ...addressees(cmd),
    ccLabel: 'CC',
    responseDueAt: null,
    resolutionSoughtBy: null,
    directorBriefingRequired: false,
    senderRole: 'raising_officer',
    actionConfirmers: [],
  };
  return accept({ ...base, stage: entry, bypass: null, overallLimitAt: null, cafcassPromptAt: null });
}

const VERBS: Partial<Record<CheckedCommand['type'], string>> = {
  'answer-proposal': 'answer a proposal',
  escalate: 'escalate it',
  bypass: 'bypass a stage',
  'set-resolution-date': 'set the date resolution is sought by',
  'record-chase': 'record a chase',
  resolve: 'resolve it',
  'refer-to-cafcass': 'refer it to Cafcass',
  withdraw: 'withdraw it',
  'save-briefing-draft': 'write its Director briefing note',
  'complete-briefing': 'complete its Director briefing note',
};

function closedMessage(state: CaseState, calendar: WorkingCalendar): string {
  const when = shortDate(calendar, new Date(state.closedAt ?? state.referredAt ?? state.updatedAt));
  if (state.kind === 'notification') return `This notification was sent on ${when} and needs no response.`;
  if (state.status === 'resolved') return `This ${noun(state)} was resolved on ${when}; nothing more can be done on it.`;
  if (state.status === 'withdrawn') return `This ${noun(state)} was withdrawn on ${when}; nothing more can be done on it.`;
  return `This ${noun(state)} was referred to Cafcass on ${when}; only its outcome can now be recorded.`;
}

function staleStageMessage(state: CaseState, cardStageId: string, policy: Policy, calendar: WorkingCalendar): string {
  const seen = state.previousStages.find((s) => s.stageId === cardStageId);
  const cardLabel = seen?.stageLabel ?? policy.stages.find((s) => s.id === cardStageId)?.label ?? cardStageId;
  if (seen) {
    return `This ${noun(state)} moved to ${state.stage.stageLabel} on ${shortDate(calendar, new Date(state.stage.enteredAt))}; your card was for ${cardLabel}.`;
  }
  return `This ${noun(state)} is at ${state.stage.stageLabel}; your card was for ${cardLabel}, which it has not reached.`;
}

export function decide(state: CaseState | undefined, command: CaseCommand, ctx: DecideContext): Decision {
  const parsed = caseCommandSchema.safeParse(command);
  if (!parsed.success) return refuse('invalid-command', describeIssues(parsed.error));
  const cmd = parsed.data;
  if (cmd.type === 'raise') return raise(state, cmd, ctx);
  const { policy, calendar } = ctx;
  if (!state || state.caseId !== cmd.caseId) {
    return refuse('not-found', `There is no case with id ${cmd.caseId}; it may not have been raised yet.`);
  }
  if (policy.id !== state.policyId) {
    return refuse('policy-mismatch', `Case ${state.reference} runs under the ladder "${state.policyId}", not "${policy.id}".`);
  }
  if (cmd.type === 'deadline-reached') return deadlineReached(state, cmd, ctx);
  if (cmd.type === 'record-card-posted') return recordCardPosted(state, cmd, ctx);
  if (!hasPart(state, cmd.actor)) {
    return refuse('not-authorised', `You have no part in case ${state.reference}, so you cannot act on it.`);
  }
  if (state.status === 'resolved' || state.status === 'withdrawn' || (state.status === 'referred' && cmd.type !== 'resolve')) {
    return refuse('case-closed', closedMessage(state, calendar));
  }
  if ('stageId' in cmd && cmd.stageId !== state.stage.stageId) {
    return refuse('stale-stage', staleStageMessage(state, cmd.stageId, policy, calendar));
  }
  if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== state.revision) {
    const since = state.revision - cmd.expectedVersion;
    return refuse('stale-version', `This ${noun(state)} has changed since your card was shown (${since} update${since === 1 ? '' : 's'} since); look at the latest card and act again.`);
  }
  const verb = VERBS[cmd.type];
  if (verb !== undefined && cmd.actor !== state.raisedBy) {
    return refuse('not-authorised', `Only the ${policy.labels.officer} who raised this ${noun(state)} can ${verb}.`);
  }
  const stageDef = policy.stages.find((s) => s.id === state.stage.stageId);
  switch (cmd.type) {
    case 'respond':
      return respond(state, cmd, ctx);
    case 'answer-proposal':
      return answerProposal(state, cmd, ctx);
    case 'agree-action':
      return agreeAction(state, cmd, ctx);
    case 'complete-action':
      return completeAction(state, cmd, ctx);
    case 'escalate':
    case 'bypass':
    case 'set-resolution-date':
      if (!stageDef) {
        return refuse('policy-changed', `${state.stage.stageLabel} is no longer a stage of ${possessive(policy.authority)} ladder (version ${policy.version}); ask an administrator to move this case.`);
      }
      return cmd.type === 'set-resolution-date' ? setResolutionDate(state, cmd, stageDef, ctx) : move(state, cmd, stageDef, ctx);
    case 'record-chase':
      return accept({ type: 'ChaseRecorded', ...header(cmd, ctx), stageId: state.stage.stageId, note: cmd.note ?? null });
    case 'resolve':
      return resolve(state, cmd, ctx);
    case 'refer-to-cafcass':
      if (!policy.outsideReferral) {
        return refuse('no-outside-referral', `${possessive(policy.authority)} ladder has no Cafcass referral: Cafcass is for children's cases, and this procedure names none.`);
      }
      return referToCafcass(state, cmd, ctx);
    case 'withdraw':
      return accept({ type: 'CaseWithdrawn', ...header(cmd, ctx), stageId: state.stage.stageId, reason: cmd.reason });
    case 'save-briefing-draft':
    case 'complete-briefing':
      return briefing(state, cmd, ctx);
  }
}

function respond(state: CaseState, cmd: Cmd<'respond'>, ctx: DecideContext): Decision {
  const stage = state.stage;
  if (!stage.to.includes(cmd.actor)) {
    const copied = stage.cc.includes(cmd.actor);
    return refuse('not-authorised', `Only the people ${stage.stageLabel} went To can respond to it; ${copied ? 'you were copied for information' : 'you are not one of them'}.`);
  }
  if (stage.response) {
    const said = { accept: 'accepted', 'propose-alternative': 'an alternative proposed', decline: 'declined' }[stage.response.response];
    return refuse('already-responded', `${stage.stageLabel} already has a response (${said} on ${shortDate(ctx.calendar, new Date(stage.response.at))}); a stage takes one response.`);
  }
  if (cmd.response === 'decline' && !cmd.text) {
    return refuse('reason-required', 'Say why you are declining: a reason is required.');
  }
  if (cmd.response === 'propose-alternative' && !cmd.text) {
    return refuse('reason-required', 'Describe the alternative you propose.');
  }
  return accept({ type: 'ResponseRecorded', ...header(cmd, ctx), stageId: stage.stageId, response: cmd.response, text: cmd.text ?? null });
}

/** §8.3: only a proposed alternative, not yet answered, is accepted or rejected; a rejection says why. */
function answerProposal(state: CaseState, cmd: Cmd<'answer-proposal'>, ctx: DecideContext): Decision {
  const response = state.stage.response;
  if (response === null || response.response !== 'propose-alternative') {
    return refuse('no-proposal', `${state.stage.stageLabel} has no alternative proposed to answer.`);
  }
  if (response.agreedBy !== undefined) {
    return refuse('already-responded', `The alternative proposed at ${state.stage.stageLabel} was already accepted on ${shortDate(ctx.calendar, new Date(response.agreedBy.at))}.`);
  }
  if (!cmd.accept && !cmd.reason) return refuse('reason-required', 'Say why you are rejecting the alternative proposed: a reason is required.');
  return accept({
    type: 'ProposalAnswered', ...header(cmd, ctx), stageId: state.stage.stageId, accepted: cmd.accept, proposal: response.text ?? '', reason: cmd.reason ?? null,
  });
}

function agreeAction(state: CaseState, cmd: Cmd<'agree-action'>, ctx: DecideContext): Decision {
  if (cmd.actor !== state.raisedBy && !state.stage.to.includes(cmd.actor)) {
    return refuse('not-authorised', `Only the ${ctx.policy.labels.officer} who raised this ${noun(state)} or the people ${state.stage.stageLabel} went To can agree an action.`);
  }
  if (state.actions.some((a) => a.actionId === cmd.actionId)) {
    return refuse('duplicate-action', `An action with id ${cmd.actionId} was already agreed on this ${noun(state)}.`);
  }
  const today = ctx.calendar.localDateOf(ctx.now);
  const due = cmd.dueDate as LocalDate;
  if (due < today) {
    return refuse('date-in-past', `The action's due date, ${longDate(ctx.calendar, due)}, has passed; choose today or a later date.`);
  }
  return accept({
    type: 'ActionAgreed',
    ...header(cmd, ctx),
    stageId: state.stage.stageId,
    actionId: cmd.actionId,
    owner: cmd.owner,
    dueDate: cmd.dueDate,
    dueAt: byDateEndsAt(ctx.calendar, due, today).toISOString(),
    text: cmd.text,
  });
}

/**
 * AMB-30: may this person mark this agreed action complete? Its owner, or, where the ladder names
 * who confirms actions (`closure.actionsConfirmedBy`), only the people recorded in those roles for
 * the case. Cards offer "Mark done" to exactly these people.
 */
export function mayCompleteAction(state: CaseState, policy: Policy, personId: string, action: Pick<AgreedAction, 'owner'>): boolean {
  return policy.closure.actionsConfirmedBy.length === 0 ? action.owner === personId : actionConfirmersOf(state).includes(personId);
}

function completeAction(state: CaseState, cmd: Cmd<'complete-action'>, ctx: DecideContext): Decision {
  const { policy } = ctx;
  const action = state.actions.find((a) => a.actionId === cmd.actionId);
  if (!action) return refuse('unknown-action', `This ${noun(state)} has no action ${cmd.actionId}.`);
  if (!mayCompleteAction(state, policy, cmd.actor, action)) {
    const confirmingRoles = policy.closure.actionsConfirmedBy;
    if (confirmingRoles.length === 0) return refuse('not-authorised', 'Only the owner of this action can mark it complete.');
    const who = roleNames(policy, confirmingRoles);
    if (actionConfirmersOf(state).length === 0) {
      return refuse(
        'no-action-confirmer',
        `In ${possessive(policy.authority)} procedure ${who} confirms when actions are completed, but the directory found nobody in that role for this case when it entered ${state.stage.stageLabel}; ask your administrator to add them to the directory.`,
      );
    }
    return refuse('not-authorised', `In ${possessive(policy.authority)} procedure ${who} confirms when actions are completed; ask them to mark this action complete.`);
  }
  if (action.completedAt) {
    return refuse('action-already-complete', `This action was already marked complete on ${shortDate(ctx.calendar, new Date(action.completedAt))}.`);
  }
  return accept({ type: 'ActionCompleted', ...header(cmd, ctx), actionId: action.actionId, note: cmd.note ?? null });
}

/**
 * §2.5, ESC-C3, AMB-33: the officer refers with reasons, once the ladder offers a referral; earlier
 * only under the IRO's statutory right to refer at any time, recorded as an override.
 */
function referToCafcass(state: CaseState, cmd: Cmd<'refer-to-cafcass'>, ctx: DecideContext): Decision {
  const { policy, calendar } = ctx;
  const window = cafcassReferralWindow(state, ctx);
  const early =
    window.kind === 'not-started' || (window.kind === 'from' && Date.parse(window.at) > ctx.now.getTime());
  const earliest = policy.outsideReferral?.earliest;
  if (early && !cmd.statutoryOverride && earliest) {
    const span = 'workingDays' in earliest ? `${earliest.workingDays} working days` : `${earliest.calendarDays} days`;
    const from = earliest.startsAt === 'informal_raised' ? 'the start of the process' : 'the first formal stage';
    const when = window.kind === 'from'
      ? `from the end of ${longDate(calendar, new Date(window.at))}`
      : 'once the case has reached its first formal stage and that time has passed';
    return refuse(
      'cafcass-not-yet',
      `${possessive(policy.authority)} procedure offers a Cafcass referral when there is still no agreement after ${span} from ${from}: ${when}. ` +
        `To refer now, under the ${policy.labels.officer}'s statutory right to refer at any time, confirm the statutory override; your reason is recorded with it.`,
    );
  }
  return accept({ type: 'CafcassReferred', ...header(cmd, ctx), stageId: state.stage.stageId, reason: cmd.reason, statutoryOverride: early });
}

/**
 * The first card a person was sent is the one every later change replaces; a repeat records
 * nothing. When that card is gone (deleted, the app reinstalled) and a new one was sent in its
 * place, the new one is recorded instead.
 */
function recordCardPosted(state: CaseState, cmd: Cmd<'record-card-posted'>, ctx: DecideContext): Decision {
  if (cmd.actor !== SYSTEM_ACTOR) return refuse('not-authorised', 'Only Resolve itself records where a card was delivered.');
  const known = state.cards[cmd.recipient];
  if (sameCardMessage(known, cmd.location) || (known !== undefined && !cmd.replacesGone)) return accept();
  return accept({ type: 'CardPosted', ...header(cmd, ctx), recipient: cmd.recipient, location: cmd.location });
}

/** Escalate to the next stage (or the stage's `escalatesTo`, AMB-13), or bypass to a named later stage. */
function move(state: CaseState, cmd: Cmd<'escalate'> | Cmd<'bypass'>, current: Stage, ctx: DecideContext): Decision {
  const { policy } = ctx;
  const index = stageOrder(policy, current.id);
  const nextId = nextStage(policy, current.id)?.id;
  if (nextId === undefined) {
    return refuse('no-further-stage', `${current.label} is the last stage of ${possessive(policy.authority)} ladder; resolve the ${noun(state)}${policy.outsideReferral ? ', refer it to Cafcass,' : ''} or withdraw it.`);
  }
  let targetId = nextId;
  let bypass: BypassRecord | null = null;
  if (cmd.type === 'bypass') {
    targetId = cmd.targetStageId;
    const targetIndex = stageOrder(policy, targetId);
    if (targetIndex === -1) {
      return refuse('unknown-stage', `"${targetId}" is not a stage of ${possessive(policy.authority)} ladder; stages: ${stageList(policy)}.`);
    }
    if (targetIndex <= index) {
      return refuse('not-a-later-stage', `A bypass moves up the ladder: ${policy.stages[targetIndex]?.label ?? targetId} is not after ${current.label}.`);
    }
    const skipped = skipsStages(policy, current.id, targetId);
    if (skipped !== undefined) {
      const checked = checkBypass(policy, skipped, cmd);
      if (failed(checked)) return checked;
      bypass = checked;
    }
  }
  const target = policy.stages.find((s) => s.id === targetId) as Stage;
  // AMB-20: a stage that needs the Director briefing note is entered only once the note is complete.
  if (briefingRequiredAt(policy, target) && !briefingComplete(state, target.id)) {
    return refuse(
      'briefing-required',
      `${target.label} needs the Director's briefing note (${possessive(policy.authority)} procedure): complete the briefing, then the ${noun(state)} goes to ${target.label} with it.`,
    );
  }
  if (cmd.reason === '') return refuse('reason-required', `Say why it needs ${target.label}: a reason for escalating is required.`);
  const entered = enterStage(policy, target, ctx, cmd, cmd.resolutionSoughtBy, state.notified);
  if (failed(entered)) return entered;
  const event: StageEscalated = {
    type: 'StageEscalated',
    ...header(cmd, ctx),
    fromStageId: state.stage.stageId,
    fromStageLabel: state.stage.stageLabel,
    stage: entered.entry,
    reason: cmd.reason,
    bypass,
    ccNotRealerted: entered.ccNotRealerted,
    ...clocks(policy, ctx, state, target.formal),
  };
  return accept(event);
}

/**
 * AMB-20, §3.2: the officer saves or completes the Director briefing note for a stage that needs
 * one: a later stage, or the stage the case was raised at, before the note has gone out. A note
 * completes with every required field answered; it then goes to the Director and the Deputy
 * Director as the case enters that stage (or at once, when the case is already there).
 */
function briefing(state: CaseState, cmd: Cmd<'save-briefing-draft'> | Cmd<'complete-briefing'>, ctx: DecideContext): Decision {
  const { policy, calendar } = ctx;
  const target = policy.stages.find((s) => s.id === cmd.forStageId);
  if (target === undefined) {
    return refuse('unknown-stage', `"${cmd.forStageId}" is not a stage of ${possessive(policy.authority)} ladder; stages: ${stageList(policy)}.`);
  }
  if (!briefingRequiredAt(policy, target)) {
    return refuse('briefing-not-required', `${target.label} needs no Director briefing note in ${possessive(policy.authority)} procedure.`);
  }
  const existing = state.briefings[target.id];
  if (existing?.sentAt != null) {
    return refuse(
      'briefing-already-sent',
      `The Director briefing note for ${target.label} was completed and sent on ${shortDate(calendar, new Date(existing.sentAt))}; record any correction in the case record.`,
    );
  }
  const targetIndex = stageOrder(policy, target.id);
  const currentIndex = stageOrder(policy, state.stage.stageId);
  if (targetIndex < currentIndex || (targetIndex === currentIndex && state.stage.stageId !== target.id)) {
    return refuse('not-a-later-stage', `This ${noun(state)} is at ${state.stage.stageLabel}, past ${target.label}: a briefing note is written before the stage it is for.`);
  }
  const fields = briefingFields(policy);
  const checked = checkBriefingAnswers(fields, cmd.answers);
  if (!checked.ok) return refuse('invalid-briefing-answer', checked.message);
  const common = { ...header(cmd, ctx), forStageId: target.id, forStageLabel: target.label, stageId: state.stage.stageId, answers: checked.answers };
  if (cmd.type === 'save-briefing-draft') return accept({ type: 'BriefingDraftSaved', ...common });
  const missing = missingBriefingFields(fields, checked.answers);
  if (missing.length > 0) {
    return refuse(
      'briefing-incomplete',
      `The Director briefing note is not complete: ${missing.length === 1 ? 'this field needs' : 'these fields need'} an answer: ${missing.map((f) => (f.group === undefined ? f.label : `${f.group}: ${f.label}`)).join('; ')}.`,
    );
  }
  const sendTo = unique(cmd.sendTo);
  if (sendTo.length === 0) {
    return refuse(
      'no-addressee',
      `Nobody in the directory holds the roles the Director briefing note goes to (${roleNames(policy, policy.briefing.sendTo)}) for this case; ask your administrator to add them to the directory.`,
    );
  }
  return accept({
    type: 'BriefingCompleted', ...common, sendTo,
    fields: fields.map((f) => ({ id: f.id, label: f.label, ...(f.group !== undefined && { group: f.group }) })),
  });
}

function setResolutionDate(state: CaseState, cmd: Cmd<'set-resolution-date'>, stage: Stage, ctx: DecideContext): Decision {
  const today = ctx.calendar.localDateOf(ctx.now);
  const due = responseDue(ctx.policy, stage, ctx.calendar, new Date(state.stage.enteredAt), today, cmd.resolutionSoughtBy);
  if (failed(due)) return due;
  return accept({
    type: 'ResolutionDateSet',
    ...header(cmd, ctx),
    stageId: stage.id,
    resolutionSoughtBy: cmd.resolutionSoughtBy,
    responseDueAt: due.responseDueAt,
    reason: cmd.reason ?? null,
  });
}

/** AMB-30: the ladder's closure requirements, then the officer's confirmation. */
function resolve(state: CaseState, cmd: Cmd<'resolve'>, ctx: DecideContext): Decision {
  const { policy } = ctx;
  const missing: string[] = [];
  const needs = policy.closure.requires;
  if (needs.includes('outcome') && !cmd.outcome) missing.push('the outcome');
  if (needs.includes('key_learning_points') && !cmd.keyLearningPoints) missing.push('the key learning points');
  const open = state.actions.filter((a) => a.completedAt === null);
  if (needs.includes('actions_complete') && open.length > 0) {
    const by = policy.closure.actionsConfirmedBy.length > 0 ? roleNames(policy, policy.closure.actionsConfirmedBy) : open.length === 1 ? 'its owner' : 'their owners';
    missing.push(`${open.length} agreed ${open.length === 1 ? 'action' : 'actions'} confirmed complete by ${by}`);
  }
  if (missing.length > 0) {
    return refuse('closure-incomplete', `${policy.authority} closes a case only with ${missing.join(' and ')}. The record: ${policy.closure.record}`);
  }
  return accept({
    type: 'CaseResolved',
    ...header(cmd, ctx),
    stageId: state.stage.stageId,
    outcome: cmd.outcome ?? null,
    keyLearningPoints: cmd.keyLearningPoints ?? null,
  });
}

/** §8.4: the line managers of the stage's addressees the overdue chaser is copied to: never someone it already goes To, nor the officer. */
function managersToCopy(state: CaseState): string[] {
  const managers = state.stage.to.map((id) => state.stage.managers[id]).filter((m): m is string => m !== undefined);
  return unique(managers).filter((m) => !state.stage.to.includes(m) && m !== state.raisedBy);
}

/**
 * §8.4: on a ladder set to escalate automatically when a response is overdue, the escalation to the
 * next stage, by Resolve, with the ladder's default "resolution sought by" date where that stage
 * has no timescale. Undefined (the officer is prompted instead) on a ladder that prompts, at the
 * last stage, or when the next stage's people were not found or it would be refused.
 */
function automaticEscalation(state: CaseState, cmd: Cmd<'deadline-reached'>, ctx: DecideContext): CaseEvent | undefined {
  const { policy, calendar } = ctx;
  if (policy.chasing.whenOverdue !== 'escalate-automatically' || cmd.escalateTo === undefined) return undefined;
  const current = policy.stages.find((s) => s.id === state.stage.stageId);
  const next = current === undefined ? undefined : nextStage(policy, current.id);
  if (current === undefined || next === undefined) return undefined;
  const due = state.stage.responseDueAt === null ? '' : ` by ${longDate(calendar, new Date(state.stage.responseDueAt))}`;
  const soughtBy = soughtByNeeded(policy, next.id, calendar, ctx.now)?.suggested;
  const escalate: Cmd<'escalate'> = {
    type: 'escalate',
    caseId: state.caseId,
    actor: SYSTEM_ACTOR,
    stageId: state.stage.stageId,
    reason: `No response to ${state.stage.stageLabel} was received${due}; escalated automatically under ${possessive(policy.authority)} setting.`,
    ...(soughtBy !== undefined && { resolutionSoughtBy: soughtBy }),
    ...cmd.escalateTo,
  };
  const decision = move(state, escalate, current, ctx);
  const event = decision.ok ? decision.events[0] : undefined;
  return event?.type === 'StageEscalated' ? { ...event, automatic: true } : undefined;
}

/** A deadline the store says is due: an event if it is still pending and due, otherwise nothing (idempotent). */
function deadlineReached(state: CaseState, cmd: Cmd<'deadline-reached'>, ctx: DecideContext): Decision {
  const spec = deadlinesOf(state, ctx).find((d) => d.key === cmd.key);
  if (!spec || Date.parse(spec.dueAt) > ctx.now.getTime()) return accept();
  // A reminder delivered late, once the response is already due, would only contradict the overdue notice.
  if (spec.kind === 'reminder' && state.stage.responseDueAt !== null && Date.parse(state.stage.responseDueAt) <= ctx.now.getTime()) return accept();
  // Likewise a 75% warning reached once the limit itself has passed: the breach notice says it all.
  if (spec.kind === 'overall-limit-warning' && state.overallLimitAt !== null && Date.parse(state.overallLimitAt) <= ctx.now.getTime()) return accept();
  const base = { ...header(cmd, ctx), key: spec.key, dueAt: spec.dueAt };
  const stageId = state.stage.stageId;
  const watchers = state.stage.limitWatchers.filter((p) => p !== state.raisedBy);
  switch (spec.kind) {
    case 'reminder':
      return accept({ type: 'ReminderDue', ...base, stageId, responseDueAt: state.stage.responseDueAt ?? spec.dueAt });
    case 'response-due': {
      const escalated = automaticEscalation(state, cmd, ctx);
      // Escalated automatically, nobody is chased for the stage left behind, so nobody is recorded as copied.
      const overdue: CaseEvent = { type: 'ResponseOverdue', ...base, stageId, copiedTo: escalated === undefined ? managersToCopy(state) : [] };
      return escalated === undefined ? accept(overdue) : accept(overdue, escalated);
    }
    case 'chase-repeat':
      return accept({
        type: 'ChaserRepeated', ...base, stageId, repeat: state.stage.autoChases + 1, slot: Number(spec.key.split(':').at(-1)), copiedTo: managersToCopy(state),
      });
    case 'overall-limit-warning':
      return accept({
        type: 'OverallLimitWarning', ...base, stageId, percent: ctx.policy.chasing.overallLimitWarningPercent, limitAt: state.overallLimitAt ?? spec.dueAt, warned: watchers,
      });
    case 'overall-limit':
      return accept({ type: 'OverallLimitReached', ...base, stageId, warned: watchers });
    case 'cafcass-prompt':
      return accept({ type: 'CafcassPromptDue', ...base, stageId });
    case 'action-due': {
      const action = state.actions.find((a) => `action-due:${a.actionId}` === spec.key);
      return accept({ type: 'ActionOverdue', ...base, actionId: action?.actionId ?? '', owner: action?.owner ?? '' });
    }
  }
}
