/**
 * The outbox composer for reports (topic "report"): each message drawn when it is delivered.
 *
 *   regular  weekly digest      the person's digest card (their level, breaches, overdue, reviews this month)
 *            monthly / quarterly the themes report card for the month or quarter before, with its CSV button
 *            annual             the annual report as a Word document, kept in the report files; a card
 *                               with the headline figures says where it is (or links it)
 *   csv      the figures of a report card as CSV text in the person's chat (a bot cannot attach a
 *            file to a 1:1 message without the file-consent exchange, which Resolve does not run)
 *
 * A regular report goes to the holders of its setting's roles; a CSV only to someone who still
 * holds a reporting role. Each message has an email to fall
 * back on, with the headline figures only.
 */
import { z } from 'zod';
import { reportCard, reportCardPreview, type ReportCardView } from '../../cards/report-card.js';
import { formatFigure, type ReportView } from '../../cards/report-view.js';
import { addCalendarDays, isLocalDate, type LocalDate, type WorkingCalendar } from '../../domain/calendar/index.js';
import type { Directory } from '../../graph/directory/index.js';
import { annualReportDocx, annualReportFileName } from '../../documents/annual-report-docx.js';
import { indicatorCsv, reportCsvFileName, reportCsvRows } from '../../documents/report-csv.js';
import type { Queryable } from '../../store/db.js';
import type { Clock } from '../../store/clock.js';
import { escapeHtml, type EmailContent, type PersonalMessage, type TeamsEffectPayload } from '../delivery/messages.js';
import type { Composer } from '../delivery/transports.js';
import type { Logger } from '../log.js';
import { mayReport } from './access.js';
import { annualReportView } from './annual.js';
import { digestView } from './digest.js';
import type { ReportFigures } from './figures.js';
import type { ReportFiles } from './files.js';
import { REPORT_TOPIC } from './schedule.js';
import { REGULAR_REPORT_LABELS, REGULAR_REPORTS } from './when.js';
import { reportViewOf, withLadderThemesOnly, type ReportLabels } from './view.js';
import { performanceYear, periodBetween } from '../../domain/reports/index.js';

/** What a CSV follow-up asks for: the figures of the report for these dates. */
export interface ReportCsvRequest {
  readonly kind: 'csv';
  readonly from: LocalDate;
  readonly to: LocalDate;
}

const localDate = z.string().refine(isLocalDate);
const requestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('csv'), from: localDate, to: localDate }),
  z.object({
    kind: z.literal('regular'), report: z.enum(REGULAR_REPORTS), dueAt: z.string().datetime(),
    period: z.object({ key: z.string().min(1).max(40), from: localDate, to: localDate }),
  }),
]);
const payloadSchema = z.object({ topic: z.literal(REPORT_TOPIC), recipient: z.string().min(1), request: requestSchema });
type ReportPayload = z.output<typeof payloadSchema>;

/** A report effect's payload, checked (the outbox holds JSON); undefined when it is not one. */
export function parseReportPayload(payload: unknown): ReportPayload | undefined {
  const parsed = payloadSchema.safeParse(payload);
  return parsed.success ? parsed.data : undefined;
}

export type ReportCsvTeamsPayload = TeamsEffectPayload<ReportCsvRequest>;

export interface ReportComposerOptions {
  readonly db: Queryable;
  readonly figures: ReportFigures;
  readonly labels: ReportLabels;
  readonly directory: Pick<Directory, 'rolesOf'>;
  readonly calendar: WorkingCalendar;
  readonly clock: Clock;
  /** Where the annual report's .docx (and CSVs) are kept; without it the annual card says it could not be kept. */
  readonly files?: ReportFiles;
  readonly organisation?: string;
  readonly logger?: Logger;
}


/** The email a report falls back on: its title and period, and the headline figures. */
export function reportEmail(view: ReportView, extra?: string): EmailContent {
  const subject = `Resolve: ${view.title}, ${view.periodLabel}`.slice(0, 120);
  const lines = view.headline.map((f) => `${f.label}: ${formatFigure(f.value, f.unit)}`);
  const look = 'Open Resolve in Microsoft Teams to see the whole report.';
  return {
    subject,
    html: `<p>${escapeHtml(view.title)}, ${escapeHtml(view.periodLabel)}.</p><ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>${extra === undefined ? '' : `<p>${escapeHtml(extra)}</p>`}<p>${look}</p>`,
    text: `${view.title}, ${view.periodLabel}.\n\n${lines.join('\n')}\n\n${extra === undefined ? '' : `${extra}\n\n`}${look}\n`,
  };
}

/** The CSV as a chat message: a code block a person can copy into a file. */
export function csvMessage(view: Pick<ReportView, 'title' | 'periodLabel'>, csv: string, saved?: string): string {
  const where = saved === undefined ? '' : ` It is also saved as ${saved}.`;
  return `${view.title}, ${view.periodLabel}, as CSV: copy the lines below into a file ending .csv.${where}\n\n\`\`\`\n${csv}\`\`\``;
}

const ANNUAL_HEADLINE_KEYS = ['reviews_in_timescale_pct', 'children_all_reviews_on_time_pct', 'participation_pct_age4plus', 'formal_alert_pct', 'good_practice_alert_pct'];

export function createReportComposer(options: ReportComposerOptions): Composer {
  const { figures, labels, calendar } = options;

  async function regular(recipient: string, request: Extract<ReportPayload['request'], { kind: 'regular' }>): Promise<PersonalMessage | undefined> {
    const now = options.clock.now();
    const today = calendar.localDateOf(now);
    const title = REGULAR_REPORT_LABELS[request.report];
    const period = periodBetween(request.period.from as LocalDate, request.period.to as LocalDate);
    // The report's roles are the setting's; running other reports needs a reporting role.
    const canChoosePeriod = await mayReport(options.directory, recipient);
    if (request.report === 'weekly-digest') {
      const view = await digestView({ db: options.db, figures, calendar }, recipient, now);
      // Not a period's report: every period button is offered.
      const card: ReportCardView = { report: view, period: 'range', canChoosePeriod };
      return { recipientId: recipient, card: reportCard(card), preview: reportCardPreview(card), text: `Resolve: ${title}.`, email: reportEmail(view) };
    }
    const indicators = await figures.indicators(period, today);
    if (request.report !== 'annual') {
      const view = reportViewOf(indicators, labels, { title: `${title}`, focus: 'themes' });
      const card: ReportCardView = { report: view, period: request.report === 'monthly-thematic' ? 'last-month' : 'last-quarter', csv: { kind: 'send' }, canChoosePeriod };
      return { recipientId: recipient, card: reportCard(card), preview: reportCardPreview(card), text: `Resolve: ${title}, ${view.periodLabel}.`, email: reportEmail(view) };
    }
    const before = await figures.indicators(performanceYear(addCalendarDays(period.from, -1)), today);
    const annual = annualReportView(indicators, before, labels, { producedOn: today, ...(options.organisation !== undefined && { organisation: options.organisation }) });
    const name = annualReportFileName(annual);
    const saved = options.files === undefined ? undefined : await options.files.save(name, await annualReportDocx(annual));
    const summary = reportViewOf(indicators, labels, { title: annual.title });
    const view: ReportView = { ...summary, headline: summary.headline.filter((f) => ANNUAL_HEADLINE_KEYS.includes(f.key)), sections: [] };
    const note = saved === undefined
      ? `The Word document (${name}) could not be kept: no place for report files is set up. Ask your administrator.`
      : saved.url === undefined ? `The Word document is saved as ${saved.location}.` : 'The Word document is ready: Download it below.';
    const card: ReportCardView = { report: view, period: 'last-year', canChoosePeriod, note, ...(saved?.url !== undefined && { download: { title: 'Download the Word document', url: saved.url } }) };
    options.logger?.info('report.annual_written', { year: annual.yearLabel, kept: saved !== undefined });
    return { recipientId: recipient, card: reportCard(card), preview: reportCardPreview(card), text: `Resolve: ${annual.title}.`, email: reportEmail(view, note) };
  }

  async function csv(recipient: string, request: ReportCsvRequest): Promise<PersonalMessage> {
    const today = calendar.localDateOf(options.clock.now());
    const indicators = await figures.indicators(periodBetween(request.from, request.to), today);
    const view = reportViewOf(indicators, labels);
    const text = indicatorCsv(reportCsvRows({ ...indicators, alerts: withLadderThemesOnly(indicators.alerts, labels) }));
    const saved = options.files === undefined ? undefined : await options.files.save(reportCsvFileName(view), text);
    return { recipientId: recipient, text: csvMessage(view, text, saved?.location), preview: `${view.title}, ${view.periodLabel}: CSV`.slice(0, 120) };
  }

  return async (effect): Promise<PersonalMessage | undefined> => {
    const payload = parseReportPayload(effect.payload);
    if (payload === undefined) return undefined;
    const { request } = payload;
    if (request.kind === 'regular') return regular(payload.recipient, request);
    if (!(await mayReport(options.directory, payload.recipient))) {
      options.logger?.info('report.not_sent', { effectId: effect.id, recipientId: payload.recipient, reason: 'no reporting role' });
      return undefined;
    }
    return csv(payload.recipient, { kind: 'csv', from: request.from as LocalDate, to: request.to as LocalDate });
  };
}
