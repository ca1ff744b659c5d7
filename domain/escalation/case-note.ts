import type { CaseEvent } from './events.js';

/**
 * A case's history as plain case-note text for the council's record (LCS, Mosaic, Eclipse):
 * who, what, when (Europe/London) and the stage, one entry a line. The record stays the
 * authority's; this is what an officer pastes into it. People appear as `nameOf(id)`.
 */
export function caseNoteText(events: readonly CaseEvent[], nameOf: (personId: string) => string = (id) => id): string {
  const when = new Intl.DateTimeFormat('en-GB', {
    day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Europe/London',
  });
  const at = (iso: string) => when.format(new Date(iso)).replace(',', '');
  const day = (date: string) => date.split('-').reverse().join('/');
  const names = (ids: readonly string[]) => ids.map(nameOf).join(', ') || 'nobody';
  const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);
  const quoted = (label: string, text: string | null) => (text ? ` ${label}: ${sentence(text)}` : '');
  const actionText = new Map<string, { text: string; owner: string }>();
  let stage = '';
  const lines: string[] = [];

  for (const e of events) {
    const who = e.actor === 'system' ? 'Resolve' : nameOf(e.actor);
    let line: string;
    switch (e.type) {
      case 'CaseRaised': {
        stage = e.stage.stageLabel;
        lines.push(`Case ${e.reference} (${e.subjectInitials}): ${e.alertTypeLabel}, ${e.authority}.`);
        const copied = e.stage.cc.length ? ` ${e.stage.ccLabel}: ${names(e.stage.cc)}.` : '';
        const worker = e.allocatedWorkerId ? ` Allocated worker: ${nameOf(e.allocatedWorkerId)}.` : '';
        const bypass = e.bypass ? ` Entered at this stage by bypass: ${e.bypass.reason}${e.bypass.lineManagerDiscussed ? ' (discussed with line manager)' : ''}${e.bypass.emergency ? ' (emergency)' : ''}.` : '';
        const due = e.stage.responseDueAt ? ` Response due ${at(e.stage.responseDueAt)}.` : '';
        line = `${who} ${e.kind === 'notification' ? 'sent' : 'raised'} a ${e.alertTypeLabel}. To: ${names(e.stage.to)}.${copied}${worker}${bypass}` +
          `${quoted('Category', e.category)}${quoted('Issue', e.issue)}${quoted('Impact on the child', e.impactOnChild)}${quoted('Resolution sought', e.resolutionSought)}${due}`;
        break;
      }
      case 'StageEscalated': {
        stage = e.stage.stageLabel;
        const copied = e.stage.cc.length ? ` ${e.stage.ccLabel}: ${names(e.stage.cc)}.` : '';
        const how = e.bypass ? `bypassed ${e.fromStageLabel} and the stages after it to` : 'escalated from ' + e.fromStageLabel + ' to';
        const due = e.stage.responseDueAt ? ` Response due ${at(e.stage.responseDueAt)}.` : '';
        line = `${who} ${how} ${e.stage.stageLabel}.${quoted('Reason', e.reason)}${e.bypass?.lineManagerDiscussed ? ' Discussed with line manager.' : ''}${e.bypass?.emergency ? ' Emergency.' : ''} To: ${names(e.stage.to)}.${copied}${due}`;
        break;
      }
      case 'ResponseRecorded':
        line = e.response === 'accept' ? `${who} accepted.${quoted('Note', e.text)}`
          : e.response === 'decline' ? `${who} declined.${quoted('Reason', e.text)}`
          : `${who} proposed an alternative.${quoted('Proposal', e.text)}`;
        break;
      case 'ActionAgreed':
        actionText.set(e.actionId, { text: e.text, owner: e.owner });
        line = `${who} agreed an action for ${nameOf(e.owner)}, due ${day(e.dueDate)}: ${e.text}`;
        break;
      case 'ActionCompleted':
        line = `${who} marked the action complete: ${sentence(actionText.get(e.actionId)?.text ?? e.actionId)}${quoted('Note', e.note)}`;
        break;
      case 'ResolutionDateSet':
        line = `${who} set the date resolution is sought by to ${day(e.resolutionSoughtBy)}.${quoted('Reason', e.reason)}`;
        break;
      case 'ChaseRecorded':
        line = `${who} chased a response.${quoted('Note', e.note)}`;
        break;
      case 'CaseResolved':
        line = `${who} recorded the matter as resolved.${quoted('Outcome', e.outcome)}${quoted('Key learning points', e.keyLearningPoints)}`;
        break;
      case 'CafcassReferred':
        line = `${who} referred the case to Cafcass.${quoted('Reason', e.reason)}`;
        break;
      case 'CaseWithdrawn':
        line = `${who} withdrew the case.${quoted('Reason', e.reason)}`;
        break;
      case 'ReminderDue':
        line = `Reminder sent: a response is due ${at(e.responseDueAt)}.`;
        break;
      case 'ResponseOverdue':
        line = `No response by ${at(e.dueAt)}: the response is overdue.`;
        break;
      case 'OverallLimitReached':
        line = `The overall time limit ended ${at(e.dueAt)} without resolution.`;
        break;
      case 'CafcassPromptDue':
        line = 'Prompt to consider a referral to Cafcass.';
        break;
      case 'CardPosted':
        // Where a card landed is a delivery detail, not part of the case record.
        continue;
      case 'ActionOverdue': {
        const action = actionText.get(e.actionId);
        line = `The action for ${nameOf(e.owner)} was not complete by ${at(e.dueAt)}: ${sentence(action?.text ?? e.actionId)}`;
        break;
      }
    }
    lines.push(`${at(e.at)} [${stage}] ${line}`);
  }
  return lines.join('\n');
}
