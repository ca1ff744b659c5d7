import { parseLocalDate } from '../../domain/calendar/index.js';
import { adjournReview } from '../../domain/reviews/index.js';
import { calendarFrom, parseOptions, printOutcome, promptLines, required } from './args.js';
import type { Command } from './command.js';

/** `resolve adjourn --meeting D --resume D`: may a looked-after review meeting be adjourned to that day (OX-S15)? */
export const adjournCommand: Command = {
  name: 'adjourn',
  summary: 'check an adjournment of a looked-after review: once only, to within 20 working days (OX-S15)',
  usage: 'resolve adjourn --meeting D --resume D [--already-adjourned] [--closure-days D1,D2] [--json]',
  async run(args, io) {
    const values = parseOptions(args, {
      meeting: { type: 'string' },
      resume: { type: 'string' },
      'already-adjourned': { type: 'boolean', default: false },
    });
    const meeting = parseLocalDate(required(values.meeting, '--meeting'), 'meeting');
    const outcome = adjournReview({
      kind: 'looked-after', scheduled: meeting, due: meeting,
      ...(values['already-adjourned'] ? { adjourned: { on: meeting, resumeOn: meeting } } : {}),
    }, { resumeOn: required(values.resume, '--resume') }, { calendar: calendarFrom(values['closure-days']) });
    return printOutcome(io, values.json, outcome, (v) => [
      `Adjournment allowed: the meeting resumes on ${v.review.scheduled} (latest allowed ${v.latestResumeDate}).`,
      ...promptLines(v.prompts, v.warnings),
    ].join('\n'));
  },
};
