import type { Command } from './command.js';
import { addWorkingDaysCommand } from './add-working-days.js';
import { workingDaysBetweenCommand } from './working-days-between.js';
import { nextReviewCommand } from './next-review.js';
import { timelineCommand } from './timeline.js';
import { adjournCommand } from './adjourn.js';
import { rearrangeCommand } from './rearrange.js';
import { bookingWindowCommand } from './booking-window.js';
import { auditCommand } from './audit.js';
import { caseCommand } from './case-export.js';
import { policyCommand } from './policy.js';
import { simulateCommand } from './simulate.js';
import { reviewsCommand } from './reviews.js';
import { reportCommand } from './report.js';

export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, type CliIO, type Command } from './command.js';

/** Every `resolve` sub-command. Register a new one with one line here. */
export const commands: readonly Command[] = [
  addWorkingDaysCommand,
  workingDaysBetweenCommand,
  nextReviewCommand,
  timelineCommand,
  adjournCommand,
  rearrangeCommand,
  bookingWindowCommand,
  auditCommand,
  caseCommand,
  policyCommand,
  simulateCommand,
  reviewsCommand,
  reportCommand,
];
