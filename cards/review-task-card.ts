/**
 * A task around a booked review (DOMAIN §4.5, §4.6, §8.4): the reminder one working day before it
 * is due, the chaser once it is overdue, or the notice that a review's decisions are deemed agreed
 * (OX-R17). It names the series by its opaque reference, the task by its rule and the label the
 * timeline gives it, its due date and the review's date, and offers "Mark done" in one click.
 * Nothing about the child or the carer, and nothing anyone typed. Like a chaser it stays as sent:
 * no refresh.
 */
import { adaptiveCard, container, execute, factSet, heading, text, type AdaptiveCardJson } from './elements.js';
import { formatDeadline, formatIsoDate, formatMoment } from './format.js';
import { VERBS } from './verbs.js';
import type { IsoDate } from './view-models.js';

/** Why the card was sent: before the task is due, once it is overdue, decisions deemed agreed, or the task as it stands (after a click). */
export type ReviewTaskCardPurpose = 'reminder' | 'overdue' | 'deemed-agreed' | 'status';

export interface ReviewTaskCardView {
  /** The series' opaque case-system reference, e.g. LCS-104233. Never a name. */
  readonly reference: string;
  readonly kind: 'looked-after' | 'foster-carer';
  readonly taskId: string;
  /** The rule the task carries out, e.g. OX-R09a. */
  readonly rule: string;
  /** What is to be done, in the timeline's words (written by Resolve, never typed by a person). */
  readonly label: string;
  /** A few words for the preview: letters, digits and spaces only, e.g. "invitations". */
  readonly short: string;
  readonly purpose: ReviewTaskCardPurpose;
  readonly phase: 'preparation' | 'follow-up';
  /** The last day it can be done on, and the end of that working day. */
  readonly due: IsoDate;
  readonly dueAt: Date;
  /** The booked meeting (preparation), or the day the review was held (follow-up). */
  readonly reviewDate: IsoDate;
  /** Who the task falls to, as a role: "Social worker". */
  readonly responsible: string;
  readonly done?: { readonly at: Date; readonly by?: string };
  /** The viewer may mark it done: shown only while it is not done. */
  readonly canMarkDone: boolean;
}

const PREVIEW: Readonly<Record<ReviewTaskCardPurpose, string>> = {
  reminder: 'Review task due soon',
  overdue: 'Review task overdue',
  'deemed-agreed': 'Review decisions deemed agreed',
  status: 'Review task',
};

/** Notification text: the opaque reference and the task's few words only. */
export function reviewTaskCardPreview(view: ReviewTaskCardView): string {
  const what = view.purpose === 'status' && view.done !== undefined ? 'Review task done' : PREVIEW[view.purpose];
  return `${what}: case ${view.reference}, ${view.short}`;
}

const KIND_LABEL: Readonly<Record<ReviewTaskCardView['kind'], string>> = {
  'looked-after': 'Looked-after child review',
  'foster-carer': 'Foster home review',
};

function status(view: ReviewTaskCardView): { readonly line: string; readonly colour: 'Good' | 'Warning' | 'Attention' | 'Default' } {
  if (view.done !== undefined) return { line: 'Done', colour: 'Good' };
  switch (view.purpose) {
    case 'reminder': return { line: 'Due soon', colour: 'Warning' };
    case 'overdue': return { line: 'Overdue', colour: 'Attention' };
    case 'deemed-agreed': return { line: 'Decisions deemed agreed', colour: 'Good' };
    case 'status': return { line: 'To do', colour: 'Default' };
  }
}

function sentence(view: ReviewTaskCardView): string {
  const due = formatDeadline(view.dueAt);
  if (view.done !== undefined) return `This task was marked done at ${formatMoment(view.done.at)}${view.done.by === undefined ? '' : ` by ${view.done.by}`}.`;
  switch (view.purpose) {
    case 'reminder': return `This task is due by ${due}.`;
    case 'overdue': return `This task was due by ${due} and is not marked done.`;
    case 'deemed-agreed':
      return `No response from the team manager was recorded by ${due}, so the decisions of the review held on ${formatIsoDate(view.reviewDate)} `
        + 'are deemed agreed by the local authority (OX-R17). Please implement them within the timescales they set.';
    case 'status': return `This task is due by ${due}.`;
  }
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function reviewTaskCard(view: ReviewTaskCardView): AdaptiveCardJson {
  const { line, colour } = status(view);
  const markable = view.canMarkDone && view.done === undefined && view.purpose !== 'deemed-agreed';
  return adaptiveCard({
    fallbackText: reviewTaskCardPreview(view),
    body: [
      container([
        text(KIND_LABEL[view.kind], { isSubtle: true, size: 'Small' }),
        heading(`Review ${view.reference}`),
        text(line, { spacing: 'None', weight: 'Bolder', color: colour }),
      ]),
      text(sentence(view), { weight: 'Bolder', ...(view.done === undefined && view.purpose === 'overdue' && { color: 'Attention' }) }),
      view.purpose !== 'deemed-agreed' && text(`${capitalised(view.label)}.`),
      factSet([
        ['Case reference', view.reference],
        ['Rule', view.purpose === 'deemed-agreed' ? `${view.rule}, OX-R17` : view.rule],
        ['Due', formatDeadline(view.dueAt)],
        [view.phase === 'preparation' ? 'Review meeting' : 'Review held', formatIsoDate(view.reviewDate)],
        ['For', view.responsible],
      ]),
    ],
    actions: [
      markable && execute('Mark done', VERBS.reviewTaskDone, { reference: view.reference, kind: view.kind, taskId: view.taskId }, {
        style: 'positive', associatedInputs: 'none',
      }),
    ],
  });
}
