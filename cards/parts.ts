/** Pieces every case card shares: header, facts, response, agreed actions, history, refresh. */
import {
  MAX_REFRESH_USER_IDS, actionSet, compact, container, execute, factSet, heading, plainText, text,
  type ActionData, type CardElement, type Refresh,
} from './elements.js';
import { formatDeadline, formatIsoDate, formatMoment } from './format.js';
import { RESPONSE_LABELS, STATUS_LABELS, historyLine } from './phrases.js';
import { VERBS } from './verbs.js';
import {
  type AgreedActionView, type CaseContextView, type CaseEventView, type CaseHeaderView, type CaseKey, type CaseStatus,
  type CaseView, type PersonView, type ResponseView, type StageRouteView,
} from './view-models.js';

/** The stamp every case action carries (see verbs.ts). */
export function caseData(key: CaseKey, extra: ActionData = {}): ActionData {
  return { caseId: key.caseId, stageId: key.stageId, version: key.version, ...extra };
}

/** Notification text: opaque reference and stage only, never names or free text. */
export function casePreview(prefix: string, header: Pick<CaseHeaderView, 'reference' | 'stageLabel'>): string {
  return `${prefix}: case ${header.reference}, ${header.stageLabel}`;
}

const STATUS_COLOURS: Readonly<Record<CaseStatus, 'Default' | 'Good' | 'Warning' | 'Attention'>> = {
  awaiting_response: 'Default',
  responded: 'Good',
  alternative_proposed: 'Warning',
  declined: 'Attention',
  overdue: 'Attention',
  resolved: 'Good',
  withdrawn: 'Default',
  referred_to_cafcass: 'Warning',
};

export function caseHeader(header: CaseHeaderView, status: CaseStatus): CardElement {
  return container([
    text(`${header.authorityLabel} · ${header.alertTypeLabel}`, { isSubtle: true, size: 'Small' }),
    heading(`Case ${header.reference}`),
    text(`${header.stageLabel} · ${STATUS_LABELS[status]}`, {
      spacing: 'None', weight: 'Bolder', color: STATUS_COLOURS[status],
    }),
  ]);
}

export function names(people: readonly PersonView[]): string | undefined {
  return people.length > 0 ? people.map((p) => p.name).join(', ') : undefined;
}

/** A label over words someone typed. */
function labelled(label: string, value: string | undefined): CardElement[] {
  if (value === undefined || value === '') return [];
  return [text(label, { weight: 'Bolder', spacing: 'Medium' }), plainText(value, { spacing: 'None' })];
}

/** Reference, category, issue, impact, resolution sought, deadlines. */
export function caseFacts(view: CaseView): CardElement[] {
  const { facts } = view;
  const flags = facts.severityFlagLabels?.join('; ');
  return compact([
    factSet([
      ['Case reference', view.header.reference],
      ['Response due', view.responseDue && formatDeadline(view.responseDue)],
      ['Resolution sought by', facts.resolutionSoughtBy && formatIsoDate(facts.resolutionSoughtBy)],
      ['Severity', flags || undefined],
    ]),
    ...labelled('Category', facts.category),
    ...labelled('The issue', facts.issue),
    ...labelled(facts.impactLabel ?? 'Impact on the child', facts.impact),
    ...labelled('Resolution sought', facts.resolutionSought),
    caseRecordLink(view.caseRecordUrl),
  ]);
}

const EARLIER: Readonly<Record<CaseContextView['earlierResponses'][number]['kind'], string>> = {
  accepted: 'accepted', proposed: 'proposed an alternative', declined: 'declined', rejected_proposal: 'proposed an alternative, which was rejected',
};

/** At a glance: who raised it, what is asked of you and by when, what happens if nobody answers, why it is here, what came before, how it ended. */
export function contextSection(context: CaseContextView | undefined): CardElement | undefined {
  if (context === undefined) return undefined;
  return container(compact([
    text(context.asked, { weight: 'Bolder' }),
    text(`Raised by ${context.raisedBy}.`, { size: 'Small', spacing: 'None' }),
    context.ifNoAnswer !== undefined && text(context.ifNoAnswer, { size: 'Small', isSubtle: true, spacing: 'None' }),
    context.whyHere !== undefined && text(`${context.whyHere.how === 'bypassed' ? 'Moved straight here' : 'Escalated here'} from ${context.whyHere.fromStageLabel}:`, { weight: 'Bolder', size: 'Small' }),
    context.whyHere !== undefined && plainText(context.whyHere.reason, { spacing: 'None' }),
    ...context.earlierResponses.flatMap((r) => [
      text(`${r.stageLabel}: ${r.by} ${EARLIER[r.kind]}`, { size: 'Small', weight: 'Bolder', color: r.kind === 'declined' ? 'Attention' : 'Default' }),
      r.text !== undefined && plainText(r.text, { spacing: 'None' }),
    ]),
    context.closing?.outcome !== undefined && text('Outcome', { weight: 'Bolder' }),
    context.closing?.outcome !== undefined && plainText(context.closing.outcome, { spacing: 'None' }),
    context.closing?.learningPoints !== undefined && text('Key learning points', { weight: 'Bolder' }),
    context.closing?.learningPoints !== undefined && plainText(context.closing.learningPoints, { spacing: 'None' }),
  ]), { separator: true, spacing: 'Medium' });
}

/** A link to the case-system form, shown only for an https address. */
export function caseRecordLink(url: string | undefined, title = 'Open the case record'): CardElement | undefined {
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:') return undefined;
  const safe = parsed.href.replaceAll('(', '%28').replaceAll(')', '%29');
  return text(`[${title}](${safe})`, { spacing: 'Medium' });
}

export function responseSection(response: ResponseView | undefined): CardElement | undefined {
  if (!response) return undefined;
  return container([
    text(`${RESPONSE_LABELS[response.kind]} by ${response.by.name} at ${formatMoment(response.at)}`, {
      weight: 'Bolder', color: response.kind === 'declined' ? 'Attention' : 'Good',
    }),
    response.text !== undefined && plainText(response.text, { spacing: 'None' }),
    response.agreed !== undefined && text(`Agreed course: accepted by ${response.agreed.by.name} at ${formatMoment(response.agreed.at)}`, { weight: 'Bolder', color: 'Good' }),
  ], { separator: true, spacing: 'Medium' });
}

/** Agreed actions; the viewer's own open ones get a "Mark done" button when they may complete. */
/** At most this many agreed actions are drawn: the viewer's open ones first, then other open ones, then done. */
export const AGREED_ACTIONS_SHOWN = 8;

export function agreedActionsSection(view: CaseView, markDoneFor?: string): CardElement | undefined {
  if (view.agreedActions.length === 0) return undefined;
  const open = view.agreedActions.filter((a) => !a.doneAt);
  const ordered = [
    ...open.filter((a) => a.owner.id === markDoneFor),
    ...open.filter((a) => a.owner.id !== markDoneFor),
    ...view.agreedActions.filter((a) => a.doneAt),
  ];
  const hidden = ordered.length - AGREED_ACTIONS_SHOWN;
  return container([
    text('Agreed actions', { weight: 'Bolder' }),
    ...ordered.slice(0, AGREED_ACTIONS_SHOWN).map((action) => agreedAction(view.header, action, markDoneFor)),
    hidden > 0 && text(`${hidden} more agreed ${hidden === 1 ? 'action' : 'actions'} not shown`, { isSubtle: true, size: 'Small' }),
  ], { separator: true, spacing: 'Medium' });
}

function agreedAction(key: CaseKey, action: AgreedActionView, markDoneFor: string | undefined): CardElement {
  const state = action.doneAt ? `done at ${formatMoment(action.doneAt)}` : `due ${formatIsoDate(action.due)}`;
  const canMark = markDoneFor !== undefined && !action.doneAt && (action.canMarkDone ?? action.owner.id === markDoneFor);
  return container([
    plainText(action.description),
    text(`${action.owner.name} · ${state}`, {
      isSubtle: true, size: 'Small', spacing: 'None', ...(action.doneAt ? { color: 'Good' } : {}),
    }),
    canMark && actionSet([
      execute('Mark done', VERBS.completeAction, caseData(key, { actionId: action.actionId }), {
        associatedInputs: 'none',
      }),
    ]),
  ], { spacing: 'Small' });
}

export function peopleFacts(withTo: readonly PersonView[], cc: readonly PersonView[]): CardElement | undefined {
  return factSet([['With', names(withTo)], ['Copied to', names(cc)]]);
}

/** Most recent last; only the latest few, so the card stays small. */
export const HISTORY_SHOWN = 10;

export function historySection(header: CaseHeaderView, history: readonly CaseEventView[]): CardElement | undefined {
  if (history.length === 0) return undefined;
  const hidden = Math.max(0, history.length - HISTORY_SHOWN);
  return container([
    text('History', { weight: 'Bolder' }),
    hidden > 0 && text(`${hidden} earlier ${hidden === 1 ? 'entry' : 'entries'} not shown`, { isSubtle: true, size: 'Small', spacing: 'None' }),
    ...history.slice(hidden).map((event) => text(historyLine(header.alertKind, event), { size: 'Small', spacing: 'None' })),
  ], { separator: true, spacing: 'Medium' });
}

export interface RefreshParts {
  readonly refresh?: Refresh;
  /** Shown when the card cannot refresh itself for everyone. */
  readonly notice?: CardElement;
}

/**
 * Each listed person sees the view for their role. `userIds` are Teams user MRIs (`29:...`), not
 * Entra ids. With none listed the card refreshes for everyone in the chat, which is how a 1:1
 * copy stays current. Teams refreshes for at most 60 listed users; past that the list is dropped
 * and the card says so and offers a Refresh button instead of silently picking 60 people.
 */
export function refreshFor(key: CaseKey, viewerIds: readonly string[]): RefreshParts {
  const unique = [...new Set(viewerIds)];
  const action = { type: 'Action.Execute' as const, verb: VERBS.refresh, data: caseData(key) };
  if (unique.length === 0) return { refresh: { action } };
  if (unique.length <= MAX_REFRESH_USER_IDS) return { refresh: { action, userIds: unique } };
  return {
    refresh: { action },
    notice: container([
      text(`This card is shared with ${unique.length} people, more than the ${MAX_REFRESH_USER_IDS} it can keep up to date by itself. Select Refresh to see the current state and your actions.`, {
        isSubtle: true, size: 'Small', color: 'Warning',
      }),
      actionSet([execute('Refresh', VERBS.refresh, caseData(key), { associatedInputs: 'none' })]),
    ], { separator: true }),
  };
}

/** Where an escalation would send the case: "Escalating sends this to Stage 2", To, CC. */
export function stageRoute(route: StageRouteView): CardElement[] {
  return compact([
    text(`Escalating sends this to ${route.label}.`, { weight: 'Bolder' }),
    factSet([['To', names(route.to) ?? 'nobody is assigned yet'], ['Copied to', names(route.cc)]]),
  ]);
}

/** The whole case as the officer and the case view show it: people, facts, response, actions, history. */
export function caseOverview(view: CaseView & {
  readonly withTo: readonly PersonView[];
  readonly cc: readonly PersonView[];
  readonly history: readonly CaseEventView[];
}): CardElement[] {
  return compact([
    caseHeader(view.header, view.status),
    contextSection(view.context),
    peopleFacts(view.withTo, view.cc),
    ...caseFacts(view),
    responseSection(view.response),
    agreedActionsSection(view),
    historySection(view.header, view.history),
  ]);
}
