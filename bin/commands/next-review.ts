import {
  fosterCarerReviewHistory, lookedAfterReviewHistory, nextFosterCarerReview, nextLookedAfterReview,
  type FirstReviewRule, type HeldReviewTimeliness, type IncidentReviewMode, type NextReviewDue,
} from '../../domain/reviews/index.js';
import { calendarFrom, choice, listOption, parseOptions, required, writeJson } from './args.js';
import { EXIT_OK, UsageError, type CliIO, type Command } from './command.js';

const USAGE = [
  'resolve next-review looked-after --became-looked-after D [--placement-change D1,D2] [--held D1,D2,...]',
  '                                 [--placement-change-keeps-cycle] [--annual-review-exception]',
  '                                 [--closure-days D1,D2] [--json]',
  '       resolve next-review foster-carer --approved D [--held D1,D2,...] [--policy statutory|dudley|best-practice]',
  '                                 [--first-placement D] [--concern-raised D [--incident-mode decide-by|hold-by]]',
  '                                 [--closure-days D1,D2] [--json]',
].join('\n');

const POLICIES: Readonly<Record<string, FirstReviewRule>> = {
  statutory: 'statutory_12m', dudley: 'local_6m', 'best-practice': 'best_practice_min',
  statutory_12m: 'statutory_12m', local_6m: 'local_6m', best_practice_min: 'best_practice_min',
};
const INCIDENT_MODES: Readonly<Record<string, IncidentReviewMode>> = {
  'decide-by': 'decide_by', 'hold-by': 'hold_by', decide_by: 'decide_by', hold_by: 'hold_by',
};

interface Answer {
  readonly json: boolean;
  readonly result: NextReviewDue;
  readonly history: readonly HeldReviewTimeliness[];
}

function lookedAfter(args: string[]): Answer {
  const values = parseOptions(args, {
    'became-looked-after': { type: 'string' },
    'placement-change': { type: 'string', multiple: true },
    held: { type: 'string', multiple: true },
    'placement-change-keeps-cycle': { type: 'boolean', default: false },
    'annual-review-exception': { type: 'boolean', default: false },
  });
  const input = {
    becameLookedAfter: required(values['became-looked-after'], '--became-looked-after'),
    placementChanges: listOption(values['placement-change']),
    held: listOption(values.held),
  };
  const options = {
    calendar: calendarFrom(values['closure-days']),
    placementChangeResetsCycle: !values['placement-change-keeps-cycle'],
    annualReviewException: values['annual-review-exception'],
  };
  return { json: values.json, result: nextLookedAfterReview(input, options), history: lookedAfterReviewHistory(input, options) };
}

function fosterCarer(args: string[]): Answer {
  const values = parseOptions(args, {
    approved: { type: 'string' },
    held: { type: 'string', multiple: true },
    policy: { type: 'string', default: 'statutory' },
    'first-placement': { type: 'string' },
    'concern-raised': { type: 'string' },
    'incident-mode': { type: 'string', default: 'decide-by' },
  });
  const input = {
    approved: required(values.approved, '--approved'),
    held: listOption(values.held),
    ...(values['first-placement'] === undefined ? {} : { firstPlacement: values['first-placement'] }),
    ...(values['concern-raised'] === undefined ? {} : { concernRaised: values['concern-raised'] }),
  };
  const options = {
    calendar: calendarFrom(values['closure-days']),
    firstReviewRule: choice(values.policy, '--policy', POLICIES),
    incidentReviewMode: choice(values['incident-mode'], '--incident-mode', INCIDENT_MODES),
  };
  return { json: values.json, result: nextFosterCarerReview(input, options), history: fosterCarerReviewHistory(input, options) };
}

function printText(io: CliIO, r: NextReviewDue, history: readonly HeldReviewTimeliness[]): void {
  const held = history.map((h) => `  ${h.held}  ${h.rule.padEnd(7)}  ${h.review} review due ${h.due}: `
    + (h.onTime ? 'on time' : `${h.daysLate} day${h.daysLate === 1 ? '' : 's'} late`));
  io.out([
    `Next review: ${r.review} (${r.rule})`,
    `Due: ${r.due}`,
    `Latest meeting date: ${r.latestMeetingDate}`,
    '',
    r.explanation,
    ...(r.related.length === 0 ? [] : ['', 'Also:', ...r.related.map((x) => `  ${x.date}  ${x.rule.padEnd(7)}  ${x.label}`)]),
    ...(held.length === 0 ? [] : ['', 'Reviews held:', ...held]),
  ].join('\n'));
}

/** `resolve next-review looked-after|foster-carer ...`: the next statutory review due date and why. */
export const nextReviewCommand: Command = {
  name: 'next-review',
  summary: 'when the next looked-after or foster carer review is due, and the latest meeting date',
  usage: USAGE,
  async run(args, io) {
    const [kind, ...rest] = args;
    let out: Answer;
    if (kind === 'looked-after') out = lookedAfter(rest);
    else if (kind === 'foster-carer') out = fosterCarer(rest);
    else if (kind === undefined || kind.startsWith('-')) throw new UsageError('say which review: looked-after or foster-carer');
    else throw new UsageError(`unknown review kind "${kind}": use looked-after or foster-carer`);
    const { result: r, history } = out;
    if (out.json) {
      writeJson(io, {
        due: r.due, latestMeetingDate: r.latestMeetingDate, rule: r.rule, kind: r.kind, review: r.review,
        anchor: r.anchor, offset: r.offset, explanation: r.explanation, related: r.related, history,
      });
    } else {
      printText(io, r, history);
    }
    return EXIT_OK;
  },
};
