/** The words cards use for statuses and events, in one place. */
import type { AlertKind, CaseEventKind, CaseEventView, CaseStatus, ResponseKind } from './view-models.js';
import { formatMoment } from './format.js';

const ALERT_NOUNS: Readonly<Record<AlertKind, string>> = {
  notification: 'notification',
  alert: 'alert',
  dispute: 'dispute',
};

export function alertNoun(kind: AlertKind): string {
  return ALERT_NOUNS[kind];
}

export const STATUS_LABELS: Readonly<Record<CaseStatus, string>> = {
  awaiting_response: 'Awaiting response',
  responded: 'Accepted',
  alternative_proposed: 'Alternative proposed',
  declined: 'Declined',
  overdue: 'Response overdue',
  resolved: 'Resolved',
  withdrawn: 'Withdrawn',
  referred_to_cafcass: 'Referred to Cafcass',
};

export const RESPONSE_LABELS: Readonly<Record<ResponseKind, string>> = {
  accepted: 'Accepted',
  proposed: 'Alternative proposed',
  declined: 'Declined',
};

/**
 * Each event as a verb phrase: `active` after "You", `passive` after "This alert was already".
 * `{stage}` is replaced by the stage the event moved the case to.
 */
const EVENT_PHRASES: Readonly<Record<CaseEventKind, { active: string; passive: string; history: string }>> = {
  raised: { active: 'raised this {noun} at {stage}', passive: 'raised at {stage}', history: 'Raised at {stage}' },
  accepted: { active: 'accepted this {noun}', passive: 'accepted', history: 'Accepted' },
  proposed: { active: 'proposed an alternative on this {noun}', passive: 'answered with an alternative proposal', history: 'Alternative proposed' },
  declined: { active: 'declined this {noun}', passive: 'declined', history: 'Declined' },
  action_agreed: { active: 'agreed an action on this {noun}', passive: 'given that agreed action', history: 'Action agreed' },
  action_completed: { active: 'marked an agreed action done on this {noun}', passive: 'updated: that action was marked done', history: 'Action marked done' },
  escalated: { active: 'escalated this {noun} to {stage}', passive: 'escalated to {stage}', history: 'Escalated to {stage}' },
  bypassed: { active: 'moved this {noun} straight to {stage}', passive: 'moved straight to {stage}', history: 'Moved straight to {stage}' },
  chased: { active: 'sent a reminder on this {noun}', passive: 'chased', history: 'Reminder sent' },
  deemed_agreed: { active: 'recorded this {noun} as deemed agreed', passive: 'deemed agreed', history: 'Deemed agreed' },
  resolved: { active: 'resolved this {noun}', passive: 'resolved', history: 'Resolved' },
  referred_to_cafcass: { active: 'referred this {noun} to Cafcass', passive: 'referred to Cafcass', history: 'Referred to Cafcass' },
  withdrawn: { active: 'withdrew this {noun}', passive: 'withdrawn', history: 'Withdrawn' },
  proposal_accepted: { active: 'accepted the alternative proposed as the agreed course', passive: 'given an agreed course', history: 'Alternative accepted as the agreed course' },
  proposal_rejected: { active: 'rejected the alternative proposed', passive: 'answered: the alternative was rejected', history: 'Alternative rejected' },
};

function fill(template: string, kind: AlertKind, event: CaseEventView): string {
  return template.replace('{noun}', alertNoun(kind)).replace('{stage}', event.stageLabel ?? 'the next stage');
}

/** "You accepted this alert at 10:42 on 3 March." */
export function youDid(kind: AlertKind, event: CaseEventView): string {
  return `You ${fill(EVENT_PHRASES[event.kind].active, kind, event)} at ${formatMoment(event.at)}.`;
}

/** "This alert was already accepted by Sam Adeyemi at 10:42 on 3 March." */
export function alreadyDone(kind: AlertKind, event: CaseEventView): string {
  const what = fill(EVENT_PHRASES[event.kind].passive, kind, event);
  return `This ${alertNoun(kind)} was already ${what} by ${event.by.name} at ${formatMoment(event.at)}.`;
}

/** "Accepted by Sam Adeyemi, 10:42 on 3 March" for a history line. */
export function historyLine(kind: AlertKind, event: CaseEventView): string {
  return `${fill(EVENT_PHRASES[event.kind].history, kind, event)} by ${event.by.name}, ${formatMoment(event.at)}`;
}
