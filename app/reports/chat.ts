/**
 * Reports in chat, for senior leaders and the service manager for quality assurance: "report"
 * (or "report last quarter", "report 2026-01-01 to 2026-03-31") answers with the report card for
 * the period; its buttons run it again for another period, and "Download CSV" sends the same
 * figures as CSV text in a message in the person's 1:1 chat (through the outbox), and, when report
 * files are kept (locally under `<DATA_DIR>/reports/`), saves the file and says where.
 *
 * Why a message and not a file: in a 1:1 chat a bot can only send a file through Teams' file
 * consent exchange (a FileConsentCard the person accepts, an upload to their OneDrive, then a file
 * card), which needs `supportsFiles` in the manifest and a `fileConsent/invoke` handler in the bot;
 * Graph's alternative needs the person's own OneDrive by delegated sign-in. A CSV of a few dozen
 * lines copies cleanly from a message, and works in every client and in Agents Playground.
 */
import { reportCard, REPORT_VERBS, type ReportCardView, type ReportPeriodChoice, type ReportPeriodRequest } from '../../cards/index.js';
import { parseReportAction, parseReportWords } from '../../cards/report-verbs.js';
import type { LocalDate, WorkingCalendar } from '../../domain/calendar/index.js';
import { InvalidInputError } from '../../domain/errors.js';
import { periodBetween, type Period } from '../../domain/reports/index.js';
import type { Directory } from '../../graph/directory/index.js';
import type { Clock } from '../../store/clock.js';
import type { Db } from '../../store/db.js';
import { enqueueEffects } from '../../store/outbox.js';
import { EFFECT_KINDS } from '../delivery/messages.js';
import type { Logger } from '../log.js';
import type { Reply } from '../replies.js';
import { mayReport, NOT_FOR_YOU } from './access.js';
import type { ReportCsvTeamsPayload } from './compose.js';
import { resolvePeriod, type ReportFigures } from './figures.js';
import { REPORT_TOPIC } from './schedule.js';
import { reportViewOf, type ReportLabels } from './view.js';

/** Reports as `bot/` sees them. */
export interface ReportChatFlows {
  /** "report" and the words after it (a period): the report card, or why not. */
  report(actorId: string, words?: string): Promise<Reply>;
  /** A click on a report card (its verb already known to be a report verb: `routesToReports`). */
  act(actorId: string, verb: string, data: unknown): Promise<Reply>;
}

export interface ReportChatOptions {
  readonly db: Db;
  readonly figures: ReportFigures;
  readonly labels: ReportLabels;
  readonly directory: Pick<Directory, 'rolesOf'>;
  readonly clock: Clock;
  readonly calendar: WorkingCalendar;
  readonly logger: Logger;
  /** The council's tenant id, for pacing deliveries per tenant. */
  readonly tenant?: string;
  /** Said on the card after "Download CSV": where the file is kept ("<DATA_DIR>/reports/"), when it is. */
  readonly filesLocation?: string;
}

export function createReportChat(options: ReportChatOptions): ReportChatFlows {
  const { figures, labels, clock, calendar, logger } = options;

  async function cardOf(period: Period, choice: ReportPeriodChoice, note?: string): Promise<Reply> {
    const view = reportViewOf(await figures.indicators(period, calendar.localDateOf(clock.now())), labels);
    const card: ReportCardView = { report: view, period: choice, csv: { kind: 'send' }, canChoosePeriod: true, ...(note !== undefined && { note }) };
    return { card: reportCard(card) };
  }

  async function cardFor(request: ReportPeriodRequest): Promise<Reply> {
    let period: Period;
    try {
      period = resolvePeriod(request, calendar.localDateOf(clock.now()));
    } catch (error) {
      if (error instanceof InvalidInputError) return { message: `${error.message}. Nothing was shown.` };
      throw error;
    }
    return cardOf(period, request.kind);
  }

  async function report(actorId: string, words = ''): Promise<Reply> {
    if (!(await mayReport(options.directory, actorId))) {
      logger.info('report.refused', { userId: actorId, reason: 'no reporting role' });
      return { message: NOT_FOR_YOU };
    }
    const parsed = parseReportWords(words);
    if (!parsed.ok) return { message: parsed.message };
    logger.info('report.shown', { userId: actorId, period: parsed.period.kind });
    return cardFor(parsed.period);
  }

  async function sendCsv(actorId: string, from: LocalDate, to: LocalDate): Promise<Reply> {
    const now = clock.now();
    const payload: ReportCsvTeamsPayload = { topic: REPORT_TOPIC, recipient: actorId, request: { kind: 'csv', from, to } };
    // One message a minute for the same figures: a double click sends it once.
    const minute = now.toISOString().slice(0, 16);
    await enqueueEffects(options.db, [{
      idempotencyKey: `${REPORT_TOPIC}:csv:${actorId}:${from}:${to}@${minute}`, destination: `teams:${actorId}`, tenant: options.tenant ?? '', kind: EFFECT_KINDS.teamsCard, payload,
    }], { now });
    logger.info('report.csv_queued', { userId: actorId });
    const where = options.filesLocation === undefined ? '' : ` and saved in ${options.filesLocation}`;
    return cardOf(periodBetween(from, to), 'range', `The CSV of these figures is on its way as a message in this chat${where}.`);
  }

  async function act(actorId: string, verb: string, data: unknown): Promise<Reply> {
    if (!(await mayReport(options.directory, actorId))) {
      logger.info('report.refused', { userId: actorId, reason: 'no reporting role' });
      return { message: NOT_FOR_YOU };
    }
    const parsed = parseReportAction(verb, data);
    if (!parsed.ok) return { message: `${parsed.message} Nothing was shown.` };
    const { action } = parsed;
    logger.info('report.action', { userId: actorId, verb: action.verb });
    if (action.verb === REPORT_VERBS.reportCsv) return sendCsv(actorId, action.from, action.to);
    return cardFor(action.period);
  }

  return { report, act };
}
