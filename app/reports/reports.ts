/**
 * Reports, put together for the composition root (bin/serve.ts) and the test harness: the chat
 * flows `bot/` calls, the outbox composer for topic "report", the deadline handler for the report
 * schedule, and `start()`, which sets the schedule to the configured settings (run it once at
 * start-up; with several instances each may run it: the same settings change nothing).
 */
import type { WorkingCalendar } from '../../domain/calendar/index.js';
import type { Policy } from '../../domain/policies/index.js';
import type { ReviewDueRules } from '../../domain/reviews/index.js';
import type { Directory } from '../../graph/directory/index.js';
import type { Clock } from '../../store/clock.js';
import type { Db } from '../../store/db.js';
import type { DeadlineHandler } from '../../store/deadlines.js';
import type { Composer } from '../delivery/transports.js';
import type { Logger } from '../log.js';
import { createReportChat, type ReportChatFlows } from './chat.js';
import { createReportComposer } from './compose.js';
import { createReportFigures } from './figures.js';
import { createLocalReportFiles } from './files.js';
import { configureReportSchedule, reportScheduleDeadlineHandler, type ReportScheduleSettings } from './schedule.js';
import { reportLabels } from './view.js';

export { REPORT_TOPIC, withReportDeadlines, type ReportScheduleSettings } from './schedule.js';
export type { ReportChatFlows } from './chat.js';

export interface ReportsOptions {
  readonly db: Db;
  readonly clock: Clock;
  readonly calendar: WorkingCalendar;
  /** The ladders cases run under (their labels and categories name the figures). */
  readonly policies: readonly Policy[];
  readonly rules?: ReviewDueRules;
  readonly directory: Pick<Directory, 'people' | 'rolesOf'>;
  readonly logger: Logger;
  readonly tenant?: string;
  /** Where report files are kept (`<DATA_DIR>/reports`); without it none are written. */
  readonly filesDir?: string;
  readonly organisation?: string;
  readonly settings: ReportScheduleSettings;
}

export interface Reports {
  readonly chat: ReportChatFlows;
  readonly composer: Composer;
  readonly deadlineHandler: DeadlineHandler;
  /** Sets the report schedule to `settings`. */
  start(): Promise<void>;
}

export function createReports(options: ReportsOptions): Reports {
  const { db, clock, calendar, directory, logger } = options;
  const figures = createReportFigures({ db, calendar, policies: options.policies, ...(options.rules !== undefined && { rules: options.rules }) });
  const labels = reportLabels(options.policies);
  const files = options.filesDir === undefined ? undefined : createLocalReportFiles(options.filesDir);
  const tenant = options.tenant !== undefined ? { tenant: options.tenant } : {};
  return {
    chat: createReportChat({ db, figures, labels, directory, clock, calendar, logger, ...tenant, ...(options.filesDir !== undefined && { filesLocation: options.filesDir }) }),
    composer: createReportComposer({
      db, figures, labels, directory, calendar, clock, logger, ...(files !== undefined && { files }), ...(options.organisation !== undefined && { organisation: options.organisation }),
    }),
    deadlineHandler: reportScheduleDeadlineHandler({ calendar, directory, logger, ...tenant }),
    async start() {
      const outcome = await configureReportSchedule({ db, clock, calendar, settings: options.settings, ...tenant });
      if (outcome.ok && outcome.records.length > 0) logger.info('report.schedule_set', { reports: Object.keys(options.settings).join(',') });
    },
  };
}
