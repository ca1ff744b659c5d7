/**
 * Composing a person's message about a case: the card for their part in it (To gets actions, the
 * officer the status or the overdue chaser, everyone else a read-only copy), its preview and text,
 * the email to fall back on, and the earlier card it replaces. Each message is composed once, from
 * one read of the case, when it is delivered, so a late delivery still shows the case as it is.
 */
import {
  actionCard, actionCardPreview, briefingCard, briefingCardPreview, chaserCard, chaserCardPreview, noticeCard, noticeCardPreview, readOnlyCard, readOnlyCardPreview, statusCard, statusCardPreview,
  type AdaptiveCardJson, type NoticeCardView,
} from '../../cards/index.js';
import type { WorkingCalendar } from '../../domain/calendar/index.js';
import { cafcassReferralOffered, hasPart, isResponseOverdue, soughtByNeeded, type CaseEvent, type CaseState } from '../../domain/escalation/index.js';
import type { Notification } from '../../domain/escalation/notifications.js';
import { emailHeading, nextStage, type Policy } from '../../domain/policies/index.js';
import type { Directory } from '../../graph/directory/index.js';
import type { Clock } from '../../store/clock.js';
import type { Db } from '../../store/db.js';
import type { PersonalMessage } from '../delivery/messages.js';
import type { Composer } from '../delivery/transports.js';
import { caseEmail, caseMessageLine } from './email.js';
import { loadCase, parseCaseTeamsPayload } from './model.js';
import type { CaseRouting } from './routing.js';
import { actionCardView, caseContext, escalatePromptView, noticeView, readOnlyCardView, statusCardView, viewerRole, type NameOf } from './views.js';
import { briefingNoticeView } from '../briefings/views.js';

export interface ComposedCard {
  readonly card: AdaptiveCardJson;
  readonly preview: string;
}

export interface CaseComposer {
  /**
   * The card this person should hold for the case now. `events` is the case's history when the
   * caller has read it already; `escalatePrompt` gives the officer the overdue chaser with its
   * one-click Escalate while the response is still overdue.
   */
  cardFor(state: CaseState, viewerId: string, options?: { readonly events?: readonly CaseEvent[]; readonly escalatePrompt?: boolean }): Promise<ComposedCard>;
  /** Display names by Entra id, from the directory. */
  namesFor(ids: readonly string[]): Promise<NameOf>;
  /** The outbox composer for case messages. */
  compose: Composer;
}

export interface CaseComposerOptions {
  readonly db: Db;
  readonly clock: Clock;
  readonly policies: readonly Policy[];
  readonly directory: Directory;
  readonly routing: CaseRouting;
  readonly calendar: WorkingCalendar;
  /** A person's Teams MRI (`29:...`) when Resolve has talked with them, for `refresh.userIds`. */
  readonly mriOf?: (personId: string) => Promise<string | undefined>;
}

const NO_LONGER_HERE = 'someone no longer in the directory';

const NOTICE_KINDS: Partial<Record<Notification['purpose'], NoticeCardView['kind']>> = {
  'overdue-copy': 'overdue-copy',
  'limit-warning': 'limit-warning',
  'overall-limit': 'limit-reached',
};

export function createCaseComposer(options: CaseComposerOptions): CaseComposer {
  const { db, clock, directory, routing } = options;
  const policyOf = (state: CaseState) => options.policies.find((p) => p.id === state.policyId);

  async function namesFor(ids: readonly string[]): Promise<NameOf> {
    const names = new Map<string, string>();
    await Promise.all([...new Set(ids)].map(async (id) => names.set(id, (await directory.person(id))?.displayName ?? NO_LONGER_HERE)));
    return (id) => names.get(id) ?? NO_LONGER_HERE;
  }

  const refreshIdsOf = async (personId: string): Promise<string[]> => {
    const mri = await options.mriOf?.(personId);
    return mri === undefined ? [] : [mri];
  };

  async function cardFor(state: CaseState, viewerId: string, extra: { readonly events?: readonly CaseEvent[]; readonly escalatePrompt?: boolean } = {}): Promise<ComposedCard> {
    const policy = policyOf(state);
    const role = viewerRole(state, viewerId);
    const now = clock.now();
    const refreshIds = await refreshIdsOf(viewerId);
    const people = [...state.notified, state.raisedBy, ...state.stage.to, ...state.stage.cc, ...state.actions.map((a) => a.owner), ...(state.stage.response === null ? [] : [state.stage.response.by])];
    // Every card says why the case is here and what came before: it needs the history.
    const events = extra.events ?? (await loadCase(db, state.caseId)).records.map((r) => r.event);
    const actors = events.map((e) => e.actor);
    if (role === 'to') {
      const names = await namesFor([...people, ...actors]);
      const view = { ...actionCardView(state, policy, names, now, viewerId, refreshIds), context: caseContext(state, events, policy, names, viewerId) };
      return { card: actionCard(view), preview: actionCardPreview(view) };
    }
    if (role === 'cc') {
      const names = await namesFor([...people, ...actors]);
      const view = { ...readOnlyCardView(state, policy, names, now, refreshIds), context: caseContext(state, events, policy, names, viewerId) };
      return { card: readOnlyCard(view), preview: readOnlyCardPreview(view) };
    }
    // Only the officer's card shows where an escalation would go.
    const next = policy === undefined ? undefined : nextStage(policy, state.stage.stageId);
    const route = next === undefined || policy === undefined ? undefined : await routing.stagePeople(state, policy, next.id);
    const names = await namesFor([...people, ...actors, ...(route?.to ?? []), ...(route?.cc ?? [])]);
    const who = (ids: readonly string[] = []) => ids.map((id) => ({ id, name: names(id) }));
    const soughtBy = next === undefined || policy === undefined ? undefined : soughtByNeeded(policy, next.id, options.calendar, now);
    const nextStageView = next === undefined ? undefined : {
      stageId: next.id, label: next.label, to: who(route?.to), cc: who(route?.cc), ...(soughtBy !== undefined && { soughtByRequired: { suggested: soughtBy.suggested } }),
    };
    if (extra.escalatePrompt === true && isResponseOverdue(state, now)) {
      const prompt = escalatePromptView(state, names, route !== undefined && route.to.length > 0 ? nextStageView : undefined);
      if (prompt !== undefined) return { card: chaserCard(prompt), preview: chaserCardPreview(prompt) };
    }
    const cafcassOffered = policy === undefined || cafcassReferralOffered(state, { policy, calendar: options.calendar }, now);
    const view = {
      ...statusCardView(state, events, policy, names, now, { refreshIds, cafcassOffered, ...(nextStageView !== undefined && { nextStage: nextStageView }) }),
      context: caseContext(state, events, policy, names, viewerId),
    };
    return { card: statusCard(view), preview: statusCardPreview(view) };
  }

  /**
   * §8.4: a line manager's copy of an overdue chaser, and the overall-limit warnings, are notices:
   * what is late and what happens next, never the case's substance, as the recipient may hold no
   * part in it; the Director briefing note goes as its own card (AMB-20, §8.6). Undefined for every
   * other purpose (the person's own card is sent).
   */
  async function noticeFor(state: CaseState, purpose: Notification['purpose'], recipient: string, policy: Policy | undefined, stageId: string): Promise<ComposedCard | undefined> {
    if (purpose === 'briefing') {
      // AMB-20, §8.6: the note's own card: the reference and stage, the way in for people on the case; never the note itself.
      const names = await namesFor([state.briefings[stageId]?.savedBy ?? state.raisedBy]);
      const view = briefingNoticeView(state, policy, stageId, recipient, names);
      return { card: briefingCard(view), preview: briefingCardPreview(view) };
    }
    const kind = NOTICE_KINDS[purpose];
    if (kind === undefined) return undefined;
    const names = await namesFor([state.raisedBy, ...state.stage.to]);
    const view = noticeView(state, kind, policy, names, { canOpen: hasPart(state, recipient) });
    return view === undefined ? undefined : { card: noticeCard(view), preview: noticeCardPreview(view) };
  }

  const compose: Composer = async (effect): Promise<PersonalMessage | undefined> => {
    const n = parseCaseTeamsPayload(effect.payload)?.request;
    if (n === undefined) return undefined;
    const { state, records } = await loadCase(db, n.caseId);
    if (state === undefined) return undefined;
    const events = records.map((r) => r.event);
    const policy = policyOf(state);
    const { card, preview } = (await noticeFor(state, n.purpose, n.recipient, policy, n.stageId)) ?? (await cardFor(state, n.recipient, { events, escalatePrompt: n.purpose === 'escalate-prompt' }));
    // A chaser that is also emailed has its own email effect: no second email as a Teams fallback.
    const heading = policy === undefined ? null : emailHeading(policy, state.alertTypeId);
    const email = n.emailToo ? undefined : caseEmail(state, n.purpose, heading);
    if (n.purpose === 'card-new' || n.purpose === 'card-update') {
      // One case card per person: whichever of new or update comes, it replaces the card already there.
      const replaces = state.cards[n.recipient];
      return { recipientId: n.recipient, card, preview, ...(replaces !== undefined && { replaces }), ...(n.purpose === 'card-new' && email !== undefined && { email }) };
    }
    return { recipientId: n.recipient, card, preview, text: `${caseMessageLine(state, n.purpose)}.`, ...(email !== undefined && { email }) };
  };

  return { cardFor, namesFor, compose };
}
