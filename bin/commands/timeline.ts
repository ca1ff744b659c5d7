import {
  fosterCarerReviewTimeline, lookedAfterReviewTimeline, unitWords, type DistributionAnchor, type ReviewDeadline, type ReviewTimeline,
} from '../../domain/reviews/index.js';
import { REVIEW_KINDS, calendarFrom, choice, parseOptions, required, wholeNumberOption, writeJson } from './args.js';
import { EXIT_OK, UsageError, type CliIO, type Command } from './command.js';

const USAGE = [
  'resolve timeline --review-date D --kind looked-after|foster-carer [--initial] [--closure-days D1,D2] [--json]',
  '  looked-after:  [--decisions-received D] [--distribution-anchor review-date|full-record] [--full-record-completed D]',
  '  foster-carer:  [--panel-date D] [--feedback-lead-weeks N] [--officer firo|fro]',
  '  --initial is the child\'s initial review, or the carer\'s first review (which goes to panel)',
].join('\n');

const ANCHORS: Readonly<Record<string, DistributionAnchor>> = {
  'review-date': 'review_date', 'full-record': 'full_record_completed',
  review_date: 'review_date', full_record_completed: 'full_record_completed',
};
const OFFICERS = { firo: 'firo', fro: 'fro' } as const;
const LAC_ONLY = ['decisions-received', 'distribution-anchor', 'full-record-completed'] as const;
const FC_ONLY = ['panel-date', 'feedback-lead-weeks', 'officer'] as const;

function describe(d: ReviewDeadline): string {
  const when = d.date ?? (d.timing === 'as-soon-as-possible' ? 'ASAP' : 'no date');
  const offset = d.offset ? `${unitWords(d.offset)} ${d.direction}` : d.direction;
  const note = d.note ? ` [${d.note}]` : '';
  const moved = d.movedFrom ? ` (moved back from ${d.movedFrom})` : '';
  return `${when.padEnd(10)}  ${d.rule.padEnd(7)}  ${offset.padEnd(22)}  ${d.responsible.padEnd(25)}  ${d.label}${moved}${note}`;
}

function printText(io: CliIO, t: ReviewTimeline): void {
  io.out([
    `${t.kind} review on ${t.reviewDate}`,
    '',
    ...t.deadlines.map(describe),
    ...(t.warnings.length === 0 ? [] : ['', ...t.warnings.map((w) => `warning: ${w}`)]),
  ].join('\n'));
}

/** `resolve timeline --review-date D --kind K`: every preparation and follow-up deadline around a booked review. */
export const timelineCommand: Command = {
  name: 'timeline',
  summary: 'every preparation and follow-up deadline around a booked review, with its rule id',
  usage: USAGE,
  async run(args, io) {
    const values = parseOptions(args, {
      'review-date': { type: 'string' },
      kind: { type: 'string' },
      initial: { type: 'boolean', default: false },
      'decisions-received': { type: 'string' },
      'distribution-anchor': { type: 'string', default: 'review-date' },
      'full-record-completed': { type: 'string' },
      'panel-date': { type: 'string' },
      'feedback-lead-weeks': { type: 'string' },
      officer: { type: 'string', default: 'firo' },
    });
    const kind = choice(required(values.kind, '--kind'), '--kind', REVIEW_KINDS);
    const reviewDate = required(values['review-date'], '--review-date');
    const given = (names: readonly string[]) => names.filter((n) => args.some((a) => a === `--${n}` || a.startsWith(`--${n}=`)));
    const misplaced = given(kind === 'looked-after' ? FC_ONLY : LAC_ONLY);
    if (misplaced.length > 0) throw new UsageError(`--${misplaced[0]} does not apply to a ${kind} review`);
    const calendar = calendarFrom(values['closure-days']);
    const timeline = kind === 'looked-after'
      ? lookedAfterReviewTimeline({
        reviewDate, initial: values.initial,
        ...(values['decisions-received'] === undefined ? {} : { decisionsReceived: values['decisions-received'] }),
        ...(values['full-record-completed'] === undefined ? {} : { fullRecordCompleted: values['full-record-completed'] }),
      }, { calendar, distributionAnchor: choice(values['distribution-anchor'], '--distribution-anchor', ANCHORS) })
      : fosterCarerReviewTimeline({
        reviewDate, first: values.initial,
        ...(values['panel-date'] === undefined ? {} : { panelDate: values['panel-date'] }),
      }, {
        calendar, officer: choice(values.officer, '--officer', OFFICERS),
        ...(values['feedback-lead-weeks'] === undefined ? {} : { feedbackLeadWeeks: wholeNumberOption(values['feedback-lead-weeks'], '--feedback-lead-weeks') }),
      });
    if (values.json) writeJson(io, timeline);
    else printText(io, timeline);
    return EXIT_OK;
  },
};
