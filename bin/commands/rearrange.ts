import { parseLocalDate } from '../../domain/calendar/index.js';
import {
  REARRANGEMENT_REASONS, rearrangeReview, type Postponement, type PostponementWindow,
} from '../../domain/reviews/index.js';
import { REVIEW_KINDS, calendarFrom, choice, listOption, parseOptions, printOutcome, promptLines, required } from './args.js';
import type { Command } from './command.js';

const USAGE = [
  'resolve rearrange --kind looked-after|foster-carer --due D --scheduled D --new-date D --reason R',
  '                  [--note TEXT] [--iro-override "exceptional circumstances"] [--earlier-postponements D1,D2]',
  '                  [--window performance-year|rolling-12m] [--lack-of-preparation-alert] [--closure-days D1,D2] [--json]',
  `  reasons: ${REARRANGEMENT_REASONS.join(', ')}`,
  '  --earlier-postponements: the original dates of the child\'s earlier postponed reviews',
].join('\n');

const WINDOWS: Readonly<Record<string, PostponementWindow>> = {
  'performance-year': 'performance_year', 'rolling-12m': 'rolling_12m',
  performance_year: 'performance_year', rolling_12m: 'rolling_12m',
};

/** `resolve rearrange ...`: may a booked review move to a new date (OX-S01), and does it need referring (OX-S14, AMB-46)? */
export const rearrangeCommand: Command = {
  name: 'rearrange',
  summary: 'check moving a booked review: within the due date (OX-S01), postponements a year (OX-S14)',
  usage: USAGE,
  async run(args, io) {
    const values = parseOptions(args, {
      kind: { type: 'string', default: 'looked-after' },
      due: { type: 'string' },
      scheduled: { type: 'string' },
      'new-date': { type: 'string' },
      reason: { type: 'string' },
      note: { type: 'string' },
      'iro-override': { type: 'string' },
      'earlier-postponements': { type: 'string', multiple: true },
      window: { type: 'string', default: 'performance-year' },
      'lack-of-preparation-alert': { type: 'boolean', default: false },
    });
    const earlier: Postponement[] = listOption(values['earlier-postponements']).map((date) => {
      const originalDate = parseLocalDate(date, 'earlier postponement');
      return { originalDate, newDate: originalDate, reason: 'other' };
    });
    const outcome = rearrangeReview({
      kind: choice(values.kind, '--kind', REVIEW_KINDS),
      due: parseLocalDate(required(values.due, '--due'), 'due'),
      scheduled: parseLocalDate(required(values.scheduled, '--scheduled'), 'scheduled'),
    }, {
      newDate: required(values['new-date'], '--new-date'),
      reason: required(values.reason, '--reason'),
      ...(values.note === undefined ? {} : { note: values.note }),
      ...(values['iro-override'] === undefined ? {} : { iroOverride: { exceptionalCircumstances: values['iro-override'] } }),
    }, {
      calendar: calendarFrom(values['closure-days']),
      earlierPostponements: earlier,
      policy: {
        postponementWindow: choice(values.window, '--window', WINDOWS),
        lackOfPreparationPromptsAlert: values['lack-of-preparation-alert'],
      },
    });
    return printOutcome(io, values.json, outcome, (v) => [
      `Rearrangement allowed: the review moves to ${v.review.scheduled}.`,
      v.postponement
        ? `Postponements in ${v.window.from} to ${v.window.to}: ${v.postponementsInWindow}.`
        : 'Brought forward: not a postponement.',
      ...promptLines(v.prompts, v.warnings),
    ].join('\n'));
  },
};
