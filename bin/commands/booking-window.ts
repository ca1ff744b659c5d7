import { bookingWindow } from '../../domain/reviews/index.js';
import { REVIEW_KINDS, calendarFrom, choice, parseOptions, required, wholeNumberOption, writeJson } from './args.js';
import { EXIT_OK, type Command } from './command.js';

/** `resolve booking-window ...`: the days a review can be booked on, from today (or --booking-on) to its due date. */
export const bookingWindowCommand: Command = {
  name: 'booking-window',
  summary: 'the days a review can be booked on: room for the preparation, and no later than the due date',
  usage: 'resolve booking-window --kind looked-after|foster-carer --due D [--booking-on D (default today)] [--initial]\n'
    + '                       [--feedback-lead-weeks N] [--closure-days D1,D2] [--json]',
  async run(args, io) {
    const values = parseOptions(args, {
      kind: { type: 'string' },
      due: { type: 'string' },
      'booking-on': { type: 'string' },
      initial: { type: 'boolean', default: false },
      'feedback-lead-weeks': { type: 'string' },
    });
    const calendar = calendarFrom(values['closure-days']);
    const lead = wholeNumberOption(values['feedback-lead-weeks'], '--feedback-lead-weeks');
    const window = bookingWindow({
      kind: choice(required(values.kind, '--kind'), '--kind', REVIEW_KINDS),
      due: required(values.due, '--due'),
      bookingOn: values['booking-on'] ?? calendar.localDateOf(new Date()),
      initial: values.initial,
    }, { calendar, ...(lead === undefined ? {} : { feedbackLeadWeeks: lead }) });
    if (values.json) writeJson(io, window);
    else io.out(`${window.feasible ? `Book from ${window.earliest} to ${window.latest}.` : 'No date fits.'}\n${window.explanation}`);
    return EXIT_OK;
  },
};
