/**
 * The Director briefing note's use cases (DOMAIN §3.2, §8.6, AMB-20): open its form (when an
 * escalation or a bypass needs it, or from the card asking for it), save the answers for later,
 * complete it and move the case in one submit, open the completed note, fold it away, and export
 * it as a Word document. Each takes the acting person's Entra id and untrusted card data; every
 * rule (who may write it, what completing needs, whether the stage may be entered) is the
 * domain's, and its refusal comes back on the form with nothing the officer typed lost.
 *
 * The answers hold a child's name, date of birth and family address: they are logged never (ids
 * and codes only), shown only on the form and the note's own card in answer to a click by someone
 * with a part in the case, and written to a file only by "Export as Word" in local mode.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  briefingAnswersIn, briefingCard, briefingForm, briefingIntentFrom, briefingKeySchema, briefingNoteCard, briefingValuesFrom, outcomeCard, parseActionData,
  type BriefingFormMove, type BriefingMoveKind, type BriefingVerb,
} from '../../cards/index.js';
import type { WorkingCalendar } from '../../domain/calendar/index.js';
import { InvalidInputError } from '../../domain/errors.js';
import { hasPart, soughtByNeeded, type CaseCommand, type CaseState } from '../../domain/escalation/index.js';
import { nextStage, type Policy, type Stage } from '../../domain/policies/index.js';
import type { Directory } from '../../graph/directory/index.js';
import type { Clock } from '../../store/clock.js';
import { handleCommandIn, withConcurrencyRetry, type Refusal } from '../../store/command.js';
import type { Db } from '../../store/db.js';
import type { Logger } from '../log.js';
import type { Reply } from '../replies.js';
import { stageCommandPeople } from '../cases/commands.js';
import type { CaseComposer } from '../cases/compose.js';
import { caseModel, handleCaseCommand, loadCase, type CaseStoreOptions } from '../cases/model.js';
import type { CaseRouting } from '../cases/routing.js';
import { outcomeView } from '../cases/views.js';
import { briefingDocumentBytes, briefingFileName, completedBriefing } from './export.js';
import { answersByField, briefingFormView, briefingNoteView, briefingNoticeView, prefillAnswers } from './views.js';

export interface BriefingFlowOptions {
  readonly db: Db;
  readonly clock: Clock;
  readonly calendar: WorkingCalendar;
  readonly store: CaseStoreOptions;
  readonly policies: readonly Policy[];
  readonly directory: Directory;
  readonly routing: CaseRouting;
  readonly composer: CaseComposer;
  readonly logger: Logger;
  /**
   * Local mode: the folder "Export as Word" writes each note to (`<DATA_DIR>/briefings`). Absent
   * (a tenant), the card says how an administrator exports it instead.
   */
  readonly documentsDir?: string;
}

/** What the officer asked for when the stage turned out to need the note first. */
export interface BriefingIntent {
  readonly kind: 'escalate' | 'bypass';
  readonly targetStageId: string;
  readonly reason?: string;
  readonly soughtBy?: string;
  readonly lineManagerDiscussed?: boolean;
  readonly emergency?: boolean;
}

export interface BriefingFlows {
  /** The escalation or bypass needs the note: its form, with the saved answers or filled in ahead. */
  formFor(actorId: string, state: CaseState, intent: BriefingIntent): Promise<Reply>;
  /** A briefing card's action (cards/briefing-verbs.ts), with its untrusted data. */
  act(actorId: string, verb: BriefingVerb, data: unknown): Promise<Reply>;
}

const NOT_YOURS = 'You have no part in that case, or it does not exist. Nothing was changed.';
const KEPT = 'Your answers are saved; nothing has been sent.';

/** Thrown inside the transaction to undo the completed note when the move that was to go with it is refused. */
class MoveRefused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.code);
  }
}

export function createBriefingFlows(options: BriefingFlowOptions): BriefingFlows {
  const { db, clock, calendar, directory, routing, composer, logger, store } = options;
  const policyOf = (state: CaseState) => options.policies.find((p) => p.id === state.policyId);
  const refused = (state: CaseState, reason: string): Reply => ({ card: outcomeCard(outcomeView(state, clock.now(), { kind: 'refused', reason })) });

  /** "Elin Rhys, Fostering Reviewing Officer, Safeguarding and Review Service": name, job title and team from the directory. */
  async function authorLine(personId: string): Promise<string> {
    const person = await directory.person(personId);
    if (person === undefined) return '';
    const teams = (await directory.teams()).filter((t) => t.memberIds.includes(personId)).map((t) => t.name);
    return [person.displayName, person.jobTitle?.trim(), ...teams].filter((p): p is string => p !== undefined && p !== '').join(', ');
  }

  /** Who the completed note goes to: the ladder's `briefing.sendTo` roles for this case (the Director, the Deputy Director). */
  async function recipients(state: CaseState, policy: Policy): Promise<string[]> {
    if (state.allocatedWorkerId === null) return [];
    try {
      const found = await Promise.all(policy.briefing.sendTo.map((role) => directory.resolveRole(role, { allocatedWorkerId: state.allocatedWorkerId!, officerId: state.raisedBy })));
      return [...new Set(found.flat().map((p) => p.id))];
    } catch (error) {
      if (error instanceof InvalidInputError) return [];
      throw error;
    }
  }

  function moveFor(policy: Policy, target: Stage, intent: { kind: BriefingMoveKind; reason?: string; soughtBy?: string; lineManagerDiscussed?: boolean; emergency?: boolean }): BriefingFormMove {
    if (intent.kind === 'none') return { kind: 'none' };
    const needed = soughtByNeeded(policy, target.id, calendar, clock.now());
    const soughtBy = needed !== undefined
      ? { required: true, value: intent.soughtBy ?? needed.suggested }
      : target.customDueDate !== 'not_allowed' ? { required: false, ...(intent.soughtBy !== undefined && { value: intent.soughtBy }) } : undefined;
    return {
      kind: intent.kind,
      ...(intent.reason !== undefined && { reason: intent.reason }),
      ...(soughtBy !== undefined && { soughtBy }),
      ...(intent.lineManagerDiscussed === true && { lineManagerDiscussed: true }),
      ...(intent.emergency === true && { emergency: true }),
    };
  }

  /** The form for the note for `target`: the saved answers if there are any, else what Resolve knows. */
  async function drawForm(
    actorId: string, state: CaseState, policy: Policy, target: Stage, move: BriefingFormMove,
    extra: { readonly typed?: Record<string, string>; readonly errors?: Record<string, string>; readonly formError?: string } = {},
  ): Promise<Reply> {
    const note = state.briefings[target.id];
    let answers = note?.answers;
    if (answers === undefined) {
      const { records } = await loadCase(db, state.caseId);
      const names = await composer.namesFor([...state.notified, state.raisedBy, ...state.actions.map((a) => a.owner), ...[...state.previousStages, state.stage].flatMap((v) => [
        ...(v.response === null ? [] : [v.response.by]), ...(v.rejectedProposals ?? []).flatMap((p) => [p.by, p.rejectedBy]),
      ])]);
      answers = prefillAnswers({
        state, events: records.map((r) => r.event), policy, target, author: await authorLine(actorId), nameOf: names,
        today: calendar.localDateOf(clock.now()), dateOf: (instant) => calendar.localDateOf(new Date(instant)),
        ...(move.reason !== undefined && { reason: move.reason }),
      });
    }
    const view = briefingFormView({
      state, policy, target, answers, move,
      ...(note?.status === 'draft' && { savedAt: new Date(note.savedAt) }),
      ...(extra.typed !== undefined && { typed: extra.typed }),
      ...(extra.errors !== undefined && { errors: extra.errors }),
      ...(extra.formError !== undefined && { formError: extra.formError }),
    });
    return { card: briefingForm(view) };
  }

  async function formFor(actorId: string, state: CaseState, intent: BriefingIntent): Promise<Reply> {
    const policy = policyOf(state);
    const target = policy?.stages.find((s) => s.id === intent.targetStageId);
    if (policy === undefined || target === undefined) return refused(state, `This case's ladder "${state.policyId}" is not configured here; ask your administrator. Nothing was changed.`);
    logger.info('briefing.form_opened', { caseId: state.caseId, userId: actorId, forStageId: target.id });
    return drawForm(actorId, state, policy, target, moveFor(policy, target, intent));
  }

  /** Keeps the officer's answers as a draft (never stale: a draft decides nothing). */
  function saveDraft(state: CaseState, actorId: string, forStageId: string, answers: Record<string, string>) {
    return handleCaseCommand(store, { type: 'save-briefing-draft', caseId: state.caseId, actor: actorId, stageId: state.stage.stageId, forStageId, answers });
  }

  /** The move that goes with completing the note: escalate to it, or bypass to it, as the officer asked. */
  async function moveCommand(state: CaseState, policy: Policy, actorId: string, data: { stageId: string; version: number; move: BriefingMoveKind; forStageId: string; moveReason?: string; moveSoughtBy?: string; discussedWithLineManager: boolean; emergency: boolean }): Promise<CaseCommand | undefined> {
    if (data.move === 'none') return undefined;
    const people = stageCommandPeople(await routing.stagePeople(state, policy, data.forStageId));
    const seen = { caseId: state.caseId, actor: actorId, stageId: data.stageId, expectedVersion: data.version };
    const soughtBy = data.moveSoughtBy !== undefined && { resolutionSoughtBy: data.moveSoughtBy };
    if (data.move === 'escalate' && nextStage(policy, data.stageId)?.id === data.forStageId) {
      return { type: 'escalate', ...seen, reason: data.moveReason ?? '', ...soughtBy, ...people };
    }
    return {
      type: 'bypass', ...seen, targetStageId: data.forStageId, reason: data.moveReason ?? '',
      lineManagerDiscussed: data.discussedWithLineManager, emergency: data.emergency, ...soughtBy, ...people,
    };
  }

  async function act(actorId: string, verb: BriefingVerb, data: unknown): Promise<Reply> {
    const key = briefingKeySchema.safeParse(data);
    const parsed = parseActionData(verb, data);
    if (!key.success) return { message: `${parsed.ok ? 'The card is damaged.' : parsed.message} Nothing was changed.` };
    const { state } = await loadCase(db, key.data.caseId);
    if (state === undefined || !hasPart(state, actorId)) return { message: NOT_YOURS };
    const policy = policyOf(state);
    const target = policy?.stages.find((s) => s.id === key.data.forStageId);
    if (policy === undefined || target === undefined) return refused(state, 'This briefing note is for a stage this case\'s ladder no longer has; ask your administrator. Nothing was changed.');
    // The move this form was for: at the note's stage already, nothing; else the escalation or bypass it came from.
    const loose = briefingIntentFrom(data);
    const defaultMove: BriefingMoveKind = state.stage.stageId === target.id ? 'none' : nextStage(policy, state.stage.stageId)?.id === target.id ? 'escalate' : 'bypass';
    const rawIntent = { kind: loose.move ?? defaultMove, lineManagerDiscussed: loose.discussedWithLineManager, emergency: loose.emergency };

    if (!parsed.ok) {
      if (verb !== 'briefingSave' && verb !== 'briefingComplete') return { message: `${parsed.message} Nothing was changed.` };
      // Faults come back beside their fields, with everything typed.
      return drawForm(actorId, state, policy, target, moveFor(policy, target, rawIntent), {
        typed: briefingValuesFrom(data), errors: parsed.fieldErrors, formError: `Nothing was saved. ${Object.keys(parsed.fieldErrors).length > 1 ? 'Some answers need' : 'An answer needs'} another look.`,
      });
    }
    const { action } = parsed;
    switch (action.verb) {
      case 'briefingForm': {
        // Sent already (a second click on the card that asked for it): the note as it went.
        const sent = state.briefings[target.id];
        if (sent?.status === 'complete' && sent.sentAt !== null) return { card: briefingNoteCard(briefingNoteView(state, policy, sent, await composer.namesFor([sent.savedBy]))) };
        logger.info('briefing.form_opened', { caseId: state.caseId, userId: actorId, forStageId: target.id });
        return drawForm(actorId, state, policy, target, moveFor(policy, target, { kind: defaultMove }));
      }
      case 'briefingSave':
      case 'briefingComplete': {
        const answers = answersByField(policy, briefingAnswersIn(data) ?? {});
        const move = moveFor(policy, target, {
          kind: action.data.move, lineManagerDiscussed: action.data.discussedWithLineManager, emergency: action.data.emergency,
          ...(action.data.moveReason !== undefined && { reason: action.data.moveReason }),
          ...(action.data.moveSoughtBy !== undefined && { soughtBy: action.data.moveSoughtBy }),
        });
        if (action.verb === 'briefingSave') {
          const saved = await saveDraft(state, actorId, target.id, answers);
          if (!saved.ok) {
            logger.info('briefing.refused', { caseId: state.caseId, userId: actorId, code: saved.refusal.code });
            if (saved.refusal.code === 'briefing-already-sent') return { message: `${saved.refusal.message} Nothing was changed.` };
            return drawForm(actorId, saved.state ?? state, policy, target, move, { typed: briefingValuesFrom(data), formError: `${saved.refusal.message} Nothing was saved.` });
          }
          logger.info('briefing.draft_saved', { caseId: state.caseId, userId: actorId, forStageId: target.id });
          return drawForm(actorId, saved.state ?? state, policy, target, move);
        }
        return complete(actorId, state, policy, target, move, answers, action.data, data);
      }
      case 'briefingOpen': {
        const note = completedBriefing(state, target.id);
        if (note === undefined) return { message: `The Director briefing note for ${target.label} is not complete yet.` };
        logger.info('briefing.opened', { caseId: state.caseId, userId: actorId, forStageId: target.id });
        const names = await composer.namesFor([note.savedBy]);
        return { card: briefingNoteCard(briefingNoteView(state, policy, note, names)) };
      }
      case 'briefingHide': {
        const names = await composer.namesFor([state.briefings[target.id]?.savedBy ?? state.raisedBy]);
        return { card: briefingCard(briefingNoticeView(state, policy, target.id, actorId, names)) };
      }
      case 'briefingExport':
        return exportAsWord(actorId, state, policy, target);
      default:
        return { message: 'That is not a briefing note action. Nothing was changed.' };
    }
  }

  /**
   * "Complete and escalate": the note completed and the case moved, in one transaction. Either
   * refused, neither happens: the answers are kept as a draft and the form comes back saying why.
   */
  async function complete(
    actorId: string, state: CaseState, policy: Policy, target: Stage, move: BriefingFormMove, answers: Record<string, string>,
    data: Parameters<typeof moveCommand>[3], raw: unknown,
  ): Promise<Reply> {
    const sendTo = await recipients(state, policy);
    const moving = await moveCommand(state, policy, actorId, data);
    const model = caseModel(store);
    let outcome: { ok: true; state: CaseState } | { ok: false; refusal: Refusal };
    try {
      const { value } = await withConcurrencyRetry(() => db.transaction(async (tx) => {
        const now = clock.now();
        const completed = await handleCommandIn(tx, model, state.caseId, {
          type: 'complete-briefing', caseId: state.caseId, actor: actorId, stageId: data.stageId, expectedVersion: data.version, forStageId: target.id, answers, sendTo,
        }, now);
        if (!completed.ok) return { ok: false as const, refusal: completed.refusal };
        if (moving === undefined) return { ok: true as const, state: completed.state! };
        const moved = await handleCommandIn(tx, model, state.caseId, moving, now);
        if (!moved.ok) throw new MoveRefused(moved.refusal);
        return { ok: true as const, state: moved.state! };
      }));
      outcome = value;
    } catch (error) {
      if (!(error instanceof MoveRefused)) throw error;
      outcome = { ok: false, refusal: error.refusal };
    }
    if (!outcome.ok) {
      logger.info('briefing.refused', { caseId: state.caseId, userId: actorId, code: outcome.refusal.code });
      // The officer's work is kept whatever was refused (a draft decides nothing, so it is never stale).
      const kept = await saveDraft(state, actorId, target.id, answers);
      // A second click on a form already sent: it went; say so rather than show the form again.
      if (!kept.ok && kept.refusal.code === 'briefing-already-sent') return { message: `${kept.refusal.message} Nothing more was changed.` };
      const after = kept.state ?? state;
      return drawForm(actorId, after, policy, target, move, { typed: briefingValuesFrom(raw), formError: `${outcome.refusal.message} ${kept.ok ? KEPT : 'Nothing was changed.'}` });
    }
    logger.info('briefing.completed', { caseId: state.caseId, userId: actorId, forStageId: target.id, sendTo: sendTo.length, moved: moving !== undefined });
    try {
      return { card: (await composer.cardFor(outcome.state, actorId)).card };
    } catch {
      return { message: 'Done: the briefing note is complete. Your card could not be drawn just now and will update shortly.' };
    }
  }

  /** "Export as Word": in local mode the document is written under the data folder, and the card says where. */
  async function exportAsWord(actorId: string, state: CaseState, policy: Policy, target: Stage): Promise<Reply> {
    const note = completedBriefing(state, target.id);
    if (note === undefined) return { message: `The Director briefing note for ${target.label} is not complete yet, so there is nothing to export.` };
    if (options.documentsDir === undefined) {
      return { message: `Word export from Teams is not set up here. An administrator can export this note with: resolve case briefing ${state.reference} --docx FILE` };
    }
    const bytes = await briefingDocumentBytes(state, policy, note, directory);
    const file = path.join(options.documentsDir, briefingFileName(state.reference, target.id));
    await mkdir(options.documentsDir, { recursive: true });
    await writeFile(file, bytes, { mode: 0o600 });
    logger.info('briefing.exported', { caseId: state.caseId, userId: actorId, forStageId: target.id, bytes: bytes.length });
    return { message: `The Director briefing note for ${state.reference} (${target.label}) is saved as a Word document: ${file}` };
  }

  return { formFor, act };
}
