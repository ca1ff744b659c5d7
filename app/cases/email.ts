/**
 * A case email: the opaque reference and the stage, never a name or a detail of the child, and
 * where to look in Teams. Pure, so an email effect is composed once, in the transaction that
 * queued it; a Teams message that cannot be delivered falls back to the same text.
 */
import type { CaseState } from '../../domain/escalation/index.js';
import type { NotificationPurpose } from '../../domain/escalation/notifications.js';
import { MAX_SUBJECT_LENGTH } from '../../graph/privacy.js';
import { escapeHtml, type EmailContent } from '../delivery/messages.js';

const WHY: Readonly<Record<NotificationPurpose, string>> = {
  'card-new': 'for your attention',
  'card-update': 'updated',
  reminder: 'a response is due soon',
  overdue: 'response overdue',
  'escalate-prompt': 'response overdue, escalate?',
  'overdue-copy': 'a response from your team is overdue',
  'limit-warning': 'the overall time limit is nearly up',
  'overall-limit': 'the overall time limit has run out',
  'cafcass-prompt': 'consider a referral to Cafcass',
  'action-overdue': 'an agreed action is overdue',
  briefing: 'a Director briefing note',
};

/** What the message is about, in a few words: the reference and stage only. */
export function caseMessageLine(state: Pick<CaseState, 'reference' | 'stage'>, purpose: NotificationPurpose): string {
  return `Resolve: ${state.reference} (${state.stage.stageLabel}): ${WHY[purpose]}`;
}



/** A stage name too long for the subject (mail refuses one over MAX_SUBJECT_LENGTH) is left to the body. */
export function caseEmail(state: Pick<CaseState, 'reference' | 'stage'>, purpose: NotificationPurpose, heading: string | null = null): EmailContent {
  // AMB-31: a ladder may head every email of an alert type (Oxfordshire "Resolution and Escalation Alert").
  const headed = (line: string) => (heading === null ? line : `${heading}: ${line}`);
  const full = headed(caseMessageLine(state, purpose));
  const short = headed(`Resolve: ${state.reference}: ${WHY[purpose]}`);
  const subject = full.length <= MAX_SUBJECT_LENGTH ? full : short.length <= MAX_SUBJECT_LENGTH ? short : `Resolve: ${state.reference}: ${WHY[purpose]}`;
  const look = `Open Resolve in Microsoft Teams and type "case ${state.reference}" to see it.`;
  return {
    subject,
    html: `<p>${escapeHtml(full)}.</p><p>Open Resolve in Microsoft Teams and type <b>case ${escapeHtml(state.reference)}</b> to see it.</p>`,
    text: `${full}.\n\n${look}\n`,
  };
}
