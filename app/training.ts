/**
 * Trying Resolve without waiting: in local mode a trainer moves the bot's clock forward (by
 * working days, days or hours) to see reminders, chasers and the overall-limit warning arrive.
 * With an app id set the bot runs for real and its clock is never moved.
 */
import { TZDate } from '@date-fns/tz';
import type { WorkingCalendar } from '../domain/calendar/index.js';
import type { Logger } from './log.js';
import type { Reply } from './replies.js';

/** A clock a trainer can move forward (store/clock.ts AdjustableClock; a test clock in tests). */
export interface MovableClock {
  now(): Date;
  moveTo(to: Date): Date;
}

export type ClockMove = { readonly amount: number; readonly unit: 'working-days' | 'days' | 'hours' };

/** How far one move may go: enough for any ladder's whole run, not a typo's worth of years. */
export const MAX_MOVE: Readonly<Record<ClockMove['unit'], number>> = { 'working-days': 60, days: 90, hours: 24 * 14 };

export interface TrainingFlows {
  /** Shows the bot's time, or moves it forward; refused unless the clock can move (local mode). */
  clock(actorId: string, move: ClockMove | undefined): Promise<Reply>;
}

export const CLOCK_REFUSED = 'Moving the clock is only for trying Resolve locally. This bot runs with an app id, for real, so its clock always shows the real time. Nothing was changed.';

const UNIT_WORDS: Readonly<Record<ClockMove['unit'], [string, string]>> = { 'working-days': ['working day', 'working days'], days: ['day', 'days'], hours: ['hour', 'hours'] };

export function createTrainingFlows(options: { readonly clock: MovableClock | undefined; readonly calendar: WorkingCalendar; readonly logger: Logger }): TrainingFlows {
  const { calendar, logger } = options;
  const when = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: calendar.timeZone });
  const say = (instant: Date) => when.format(instant).replace(',', '').replace(' at ', ', ');

  /** The same London time of day, `days` working days on. */
  function workingDaysOn(from: Date, days: number): Date {
    const date = calendar.addWorkingDays(calendar.localDateOf(from), days);
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    const local = new TZDate(from.getTime(), calendar.timeZone);
    return new Date(new TZDate(y, m - 1, d, local.getHours(), local.getMinutes(), local.getSeconds(), calendar.timeZone).getTime());
  }

  return {
    async clock(actorId, move) {
      const clock = options.clock;
      if (clock === undefined) return { message: CLOCK_REFUSED };
      const before = clock.now();
      if (move === undefined) return { message: `Resolve's clock reads ${say(before)}. To move it, type for example "clock forward 3 working days".` };
      const [one, many] = UNIT_WORDS[move.unit];
      if (!Number.isInteger(move.amount) || move.amount < 1 || move.amount > MAX_MOVE[move.unit]) {
        return { message: `Move the clock forward by a whole number of ${many} from 1 to ${MAX_MOVE[move.unit]}, for example "clock forward 3 ${many}". Nothing was changed.` };
      }
      const to = move.unit === 'working-days' ? workingDaysOn(before, move.amount)
        : new Date(before.getTime() + move.amount * (move.unit === 'days' ? 24 : 1) * 3_600_000);
      clock.moveTo(to);
      logger.info('training.clock_moved', { userId: actorId, amount: move.amount, unit: move.unit });
      return {
        message: `Resolve's clock moved forward ${move.amount} ${move.amount === 1 ? one : many}, from ${say(before)} to ${say(to)}. ` +
          'Reminders, chasers and warnings due by then go out within a minute. It never moves back: to start again at the real time, start the bot on a fresh DATA_DIR.',
      };
    },
  };
}
