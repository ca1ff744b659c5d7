import type { CaseEvent } from './events.js';
import { CARD_VISIBLE_EVENTS, type CaseState } from './state.js';

/**
 * Who must be told what after a change to a case (DOMAIN.md §8.3, §8.4). Pure: app/cases turns each
 * notification into a message, rendered at delivery from the case as it then stands, for the
 * recipient's role on the case.
 *
 * Everyone involved holds one case card per case: it is sent the first time and updated in place
 * after every change, so no copy ever shows an out-of-date state. Chasers are separate messages.
 */
export type NotificationPurpose =
  /** The first copy of the person's case card. */
  | 'card-new'
  /** Replace the person's existing case card with the current state. */
  | 'card-update'
  /** §8.4: the response is due within a working day. */
  | 'reminder'
  /** §8.4: the response is overdue; sent in Teams and by email. */
  | 'overdue'
  /** §8.4: to the officer when a response is overdue: one-click escalation (never automatic). */
  | 'escalate-prompt'
  /** §8.4: to an addressee's own line manager: their report's response is overdue (Teams and email). */
  | 'overdue-copy'
  /** §8.4: the set share (75%) of the overall limit has passed: warn the officer and the service manager. */
  | 'limit-warning'
  /** AMB-01: the overall limit has run out: warn the officer, the stage's addressees and the service manager. */
  | 'overall-limit'
  /** §2.5, AMB-33: "consider a Cafcass referral"; the officer decides and records why. */
  | 'cafcass-prompt'
  /** An agreed action is overdue: to its owner (Teams and email), copied to the officer. */
  | 'action-overdue'
  /**
   * AMB-20, §8.6: the Director briefing note, to each of its recipients (the Director, the Deputy
   * Director) as it goes out; to the officer, when a case raised at a stage that needs one has
   * none yet. Teams only: a card that opens the note, never the note itself.
   */
  | 'briefing';

export interface Notification {
  /** Stable for the same change: the outbox's idempotency key. */
  readonly key: string;
  readonly caseId: string;
  readonly recipient: string;
  readonly purpose: NotificationPurpose;
  readonly stageId: string;
  /** The case version this notification was planned from. */
  readonly version: number;
  /** Chasers go by email as well as Teams. */
  readonly emailToo: boolean;
}

/** Everyone who holds (or should hold) a case card: the officer, everyone sent or copied, action owners. */
export function cardHolders(state: CaseState): readonly string[] {
  return [...new Set([state.raisedBy, ...state.notified, ...state.actions.map((a) => a.owner)])];
}

export interface CaseChange {
  readonly before: CaseState | undefined;
  readonly after: CaseState;
  readonly events: readonly CaseEvent[];
}

/** One notification about the case as it now is; its key makes it once per version, purpose and person. */
export function notificationOf(state: CaseState, recipient: string, purpose: NotificationPurpose, emailToo = false): Notification {
  return { key: `${state.caseId}/v${state.version}/${purpose}/${recipient}`, caseId: state.caseId, recipient, purpose, stageId: state.stage.stageId, version: state.version, emailToo };
}

export function notificationsFor(change: CaseChange): Notification[] {
  const { before, after, events } = change;
  const out: Notification[] = [];
  const add = (recipient: string, purpose: NotificationPurpose, emailToo = false): void => {
    if (out.some((n) => n.recipient === recipient && n.purpose === purpose)) return;
    out.push(notificationOf(after, recipient, purpose, emailToo));
  };

  if (events.some((e) => CARD_VISIBLE_EVENTS.has(e.type))) {
    const held = new Set(before ? cardHolders(before) : []);
    for (const person of cardHolders(after)) add(person, held.has(person) ? 'card-update' : 'card-new');
  }

  for (const event of events) {
    switch (event.type) {
      case 'ReminderDue':
        for (const person of after.stage.to) add(person, 'reminder');
        break;
      case 'ResponseOverdue':
        // Escalated automatically in the same change: everyone's updated card says so; no chaser for a stage left behind.
        if (after.stage.stageId !== event.stageId) break;
        for (const person of after.stage.to) add(person, 'overdue', true);
        for (const person of event.copiedTo ?? []) add(person, 'overdue-copy', true);
        add(after.raisedBy, 'escalate-prompt');
        break;
      case 'ChaserRepeated':
        for (const person of after.stage.to) add(person, 'overdue', true);
        for (const person of event.copiedTo) add(person, 'overdue-copy', true);
        break;
      case 'OverallLimitWarning':
        add(after.raisedBy, 'limit-warning', true);
        for (const person of event.warned) add(person, 'limit-warning', true);
        break;
      case 'OverallLimitReached':
        add(after.raisedBy, 'overall-limit', true);
        for (const person of after.stage.to) add(person, 'overall-limit', true);
        for (const person of event.warned ?? []) add(person, 'overall-limit', true);
        break;
      case 'CafcassPromptDue':
        add(after.raisedBy, 'cafcass-prompt');
        break;
      case 'ActionOverdue':
        add(event.owner, 'action-overdue', true);
        if (event.owner !== after.raisedBy) add(after.raisedBy, 'action-overdue');
        break;
      case 'CaseRaised':
        // AMB-20: raised straight at a stage that needs the briefing note: the officer is asked to complete it.
        if (after.stage.directorBriefingRequired && after.briefings[after.stage.stageId]?.sentAt == null) add(after.raisedBy, 'briefing');
        break;
      case 'StageEscalated':
      case 'BriefingCompleted': {
        // AMB-20, §8.6: the note went out with this change (the case entered its stage, or it was completed there).
        const note = after.briefings[after.stage.stageId];
        if (note?.sentAt === event.at && (event.type === 'StageEscalated' || event.forStageId === after.stage.stageId)) {
          for (const person of note.sendTo) add(person, 'briefing');
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}
