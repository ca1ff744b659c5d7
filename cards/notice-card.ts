/**
 * A notice about a case to someone who may hold no part in it (§8.4): the line manager of an
 * addressee whose response is overdue, the service manager warned about the overall limit. It
 * says what is late, since when, who raised it and what happens next, and nothing of the case's
 * substance: no issue, no impact, no words anyone typed. Someone with a part in the case can open it.
 */
import { adaptiveCard, execute, factSet, text, type AdaptiveCardJson } from './elements.js';
import { formatDeadline } from './format.js';
import { caseData, caseHeader, casePreview, names } from './parts.js';
import { alertNoun } from './phrases.js';
import { VERBS } from './verbs.js';
import type { NoticeCardView } from './view-models.js';

const PREVIEW: Readonly<Record<NoticeCardView['kind'], string>> = {
  'overdue-copy': 'A response from your team is overdue',
  'limit-warning': 'Overall time limit nearly up',
  'limit-reached': 'Overall time limit passed',
};

export function noticeCardPreview(view: NoticeCardView): string {
  return casePreview(PREVIEW[view.kind], view.header);
}

function sentences(view: NoticeCardView): { readonly lead: string; readonly next: string } {
  const noun = alertNoun(view.header.alertKind);
  const withTo = names(view.withTo) ?? 'its addressees';
  switch (view.kind) {
    case 'overdue-copy':
      return {
        lead: `A response from ${withTo} to this ${noun} was due by ${formatDeadline(view.responseDue)} and has not been received` +
          `${view.repeat > 0 ? ` (chased ${view.repeat + 1} times)` : ''}.`,
        next: `You are copied as their line manager: please make sure it is answered. If it is not, ${view.raisedBy} may escalate it${view.nextStageLabel === undefined ? '' : ` to ${view.nextStageLabel}`}.`,
      };
    case 'limit-warning':
      return {
        lead: `${view.percent}% of the overall time limit for this ${noun} has passed: it must be resolved by ${formatDeadline(view.limitAt)}.`,
        next: `It is with ${withTo} at ${view.header.stageLabel}.${view.nextStageLabel === undefined ? '' : ` If it is not resolved, the next stage is ${view.nextStageLabel}.`}`,
      };
    case 'limit-reached':
      return {
        lead: `The overall time limit for this ${noun} ended at ${formatDeadline(view.limitAt)} without it being resolved.`,
        next: `It is with ${withTo} at ${view.header.stageLabel}; ${view.raisedBy} decides what happens next.`,
      };
  }
}

export function noticeCard(view: NoticeCardView): AdaptiveCardJson {
  const { lead, next } = sentences(view);
  return adaptiveCard({
    fallbackText: noticeCardPreview(view),
    body: [
      caseHeader(view.header, 'overdue'),
      text(lead, { weight: 'Bolder', color: view.kind === 'limit-warning' ? 'Warning' : 'Attention' }),
      text(next),
      factSet([['Case reference', view.header.reference], ['Raised by', view.raisedBy], ['With', names(view.withTo)]]),
    ],
    actions: [view.canOpen && execute('Open the case', VERBS.openCase, caseData(view.header), { associatedInputs: 'none' })],
  });
}
