/**
 * A case email: the opaque reference and the stage, never a name or a detail of the child, and
 * where to look in Teams. Pure, so an email effect is composed once, in the transaction that
 * queued it; a Teams message that cannot be delivered falls back to the same text.
 */
import type { CaseState } from '../../domain/escalation/index.js';
import type { NotificationPurpose } from '../../domain/escalation/notifications.js';
import type { EmailContent } from '../delivery/messages.js';

const WHY: Readonly<Record<NotificationPurpose, string>> = {
  'card-new': 'for your attention',
  'card-update': 'updated',
  reminder: 'a response is due soon',
  overdue: 'response overdue',
  'escalate-prompt': 'response overdue: you decide whether to escalate',
  'overall-limit': 'the overall time limit has run out',
  'cafcass-prompt': 'consider a referral to Cafcass',
  'action-overdue': 'an agreed action is overdue',
};

/** What the message is about, in a few words: the reference and stage only. */
export function caseMessageLine(state: Pick<CaseState, 'reference' | 'stage'>, purpose: NotificationPurpose): string {
  return `Resolve: ${state.reference} (${state.stage.stageLabel}): ${WHY[purpose]}`;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function caseEmail(state: Pick<CaseState, 'reference' | 'stage'>, purpose: NotificationPurpose): EmailContent {
  const subject = caseMessageLine(state, purpose);
  const look = `Open Resolve in Microsoft Teams and type "case ${state.reference}" to see it.`;
  return {
    subject,
    html: `<p>${escapeHtml(subject)}.</p><p>${escapeHtml(look).replace(`case ${escapeHtml(state.reference)}`, `<b>case ${escapeHtml(state.reference)}</b>`)}</p>`,
    text: `${subject}.\n\n${look}\n`,
  };
}
