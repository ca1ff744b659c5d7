/**
 * The annual report as a Word document, following the structure of Cheshire East's IRO annual
 * report (DOMAIN §5.2): contents, introduction, an executive summary as two lists ("What has gone
 * well?" / "What are we worried about?"), review activity, participation, consultation, dispute
 * resolution and practice alerts (with the three-column table "What is going well? / What are we
 * worried about? / Future focus" and the themes by alert type), then the sections the service
 * writes itself (feedback, progress on last year's plans, future planning) as headed tables to
 * complete. Every figure is in a table, this year beside last year. Counts and percentages only;
 * every sentence is Resolve's own, built from the figures.
 */
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { formatFigure, type FigureUnit, type ReportSeries } from '../cards/report-view.js';

/** A figure this year, and the same figure the year before when it is known. */
export interface ComparedFigure {
  readonly key: string;
  readonly label: string;
  readonly unit: FigureUnit;
  readonly value: number | null;
  readonly previous?: number | null;
}

export interface ConsultationRow {
  readonly category: string;
  readonly sent: number;
  readonly received: number;
}

export interface AnnualReportView {
  /** "Independent Reviewing Service annual report 2025-26" */
  readonly title: string;
  readonly organisation?: string;
  /** "2025-26" and "2024-25" */
  readonly yearLabel: string;
  readonly previousYearLabel: string;
  readonly from: string;
  readonly to: string;
  /** The day it was produced (YYYY-MM-DD). */
  readonly producedOn: string;
  readonly introduction: readonly string[];
  readonly executiveSummary: { readonly goneWell: readonly string[]; readonly worries: readonly string[] };
  /** "Cared for reviews", "Foster home reviews": a table each. */
  readonly reviewActivity: readonly { readonly heading: string; readonly figures: readonly ComparedFigure[] }[];
  readonly participation: readonly ComparedFigure[];
  /** Forms sent and received by category; a sentence instead when Resolve holds none. */
  readonly consultation: { readonly rows: readonly ConsultationRow[] } | { readonly none: string };
  readonly alerts: {
    readonly figures: readonly ComparedFigure[];
    readonly byType: ReportSeries;
    readonly byStage: ReportSeries;
    readonly table: { readonly goingWell: readonly string[]; readonly worries: readonly string[]; readonly futureFocus: readonly string[] };
    /** "Good Practice Alerts", "Informal Alerts", "Formal Alerts": the themes of each. */
    readonly themes: readonly { readonly heading: string; readonly series: ReportSeries }[];
  };
}

/** The section headings, in order, as the contents list them (DOMAIN §5.2, Cheshire East's contents). */
export const ANNUAL_REPORT_HEADINGS = {
  introduction: 'Introduction',
  executiveSummary: 'Executive Summary',
  reviewActivity: 'Review activity',
  participation: 'Participation in reviews',
  consultation: 'Consultation',
  alerts: 'Dispute Resolution and Practice Alerts',
  feedback: 'Feedback about the service and our impact',
  progress: "Progress on plans from last year's report",
  future: 'Future planning',
} as const;

export const EXECUTIVE_SUMMARY_LISTS = { goneWell: 'What has gone well?', worries: 'What are we worried about?' } as const;
export const ALERT_TABLE_COLUMNS = ['What is going well?', 'What are we worried about?', 'Future focus'] as const;
export const PROGRESS_COLUMNS = [
  'Priority team objective',
  'Impact statement (when you achieve this what will the impact be for children, young people and their families)',
  'Measures of success',
  'Actions needed to achieve priority objective',
  'Update on plan',
] as const;
export const FUTURE_COLUMNS = PROGRESS_COLUMNS.slice(0, 4);

const TO_COMPLETE = 'For the service to complete: Resolve records counts and percentages only, so this section is left for the team to write.';

const para = (text: string) => new Paragraph({ children: [new TextRun(text)], spacing: { after: 120 } });
const headingOf = (text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]) => new Paragraph({ text, heading: level, spacing: { before: 240, after: 120 } });
const bullets = (items: readonly string[], none: string) =>
  (items.length === 0 ? [para(none)] : items.map((item) => new Paragraph({ text: item, bullet: { level: 0 } })));

function cell(text: string, options: { readonly bold?: boolean; readonly right?: boolean } = {}): TableCell {
  return new TableCell({
    children: [new Paragraph({ children: [new TextRun({ text, bold: options.bold === true })], ...(options.right === true && { alignment: AlignmentType.RIGHT }) })],
  });
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: header.map((h) => cell(h, { bold: true })) }),
      ...rows.map((row) => new TableRow({ children: row.map((value, i) => cell(value, { right: i > 0 && /^[\d.,]+%?$|^none|^not/.test(value) })) })),
    ],
  });
}

function comparedTable(view: AnnualReportView, figures: readonly ComparedFigure[]): Table {
  return table(
    ['Measure', view.yearLabel, view.previousYearLabel],
    figures.map((f) => [f.label, formatFigure(f.value, f.unit), f.previous === undefined ? 'not recorded' : formatFigure(f.previous, f.unit)]),
  );
}

function seriesTable(series: ReportSeries, firstColumn: string): (Paragraph | Table)[] {
  if (series.points.length === 0) return [para(`${series.title}: none this year.`)];
  return [para(series.title), table([firstColumn, series.unit === 'percent' ? 'Share' : 'Number'], series.points.map((p) => [p.label, formatFigure(p.value, series.unit)]))];
}

function consultation(view: AnnualReportView): (Paragraph | Table)[] {
  const c = view.consultation;
  if ('none' in c) return [para(c.none)];
  return [
    para(`Recorded invitations and consultation forms sent out, and forms received, ${view.yearLabel}.`),
    table(['Category', 'Sent', 'Received', 'Received as a share of sent'], c.rows.map((r) => [
      r.category, formatFigure(r.sent, 'count'), formatFigure(r.received, 'count'), formatFigure(r.sent === 0 ? null : Math.round((r.received / r.sent) * 1000) / 10, 'percent'),
    ])),
  ];
}

function alertTable(view: AnnualReportView): Table {
  const { goingWell, worries, futureFocus } = view.alerts.table;
  const rows = Math.max(goingWell.length, worries.length, futureFocus.length, 1);
  return table(ALERT_TABLE_COLUMNS, Array.from({ length: rows }, (_, i) => [goingWell[i] ?? '', worries[i] ?? '', futureFocus[i] ?? '']));
}

/** The document's paragraphs and tables, in order. */
function body(view: AnnualReportView): (Paragraph | Table)[] {
  const H = ANNUAL_REPORT_HEADINGS;
  const H1 = HeadingLevel.HEADING_1;
  const H2 = HeadingLevel.HEADING_2;
  return [
    new Paragraph({ text: view.title, heading: HeadingLevel.TITLE }),
    ...(view.organisation !== undefined ? [para(view.organisation)] : []),
    para(`1 April to 31 March: ${view.from} to ${view.to}. Produced by Resolve on ${view.producedOn}.`),
    headingOf('Contents', H1),
    ...Object.values(H).map((h) => new Paragraph({ text: h, bullet: { level: 0 } })),
    headingOf(H.introduction, H1),
    ...view.introduction.map(para),
    headingOf(H.executiveSummary, H1),
    headingOf(EXECUTIVE_SUMMARY_LISTS.goneWell, H2),
    ...bullets(view.executiveSummary.goneWell, 'Nothing stood out from the figures this year.'),
    headingOf(EXECUTIVE_SUMMARY_LISTS.worries, H2),
    ...bullets(view.executiveSummary.worries, 'Nothing in the figures gives cause for concern this year.'),
    headingOf(H.reviewActivity, H1),
    ...view.reviewActivity.flatMap((part) => [headingOf(part.heading, H2), comparedTable(view, part.figures)]),
    headingOf(H.participation, H1),
    para('Participation can be through completion of consultation documents, providing views via an advocate or their carers, or attendance at the review meeting; it is measured for children aged 4 and over (C69).'),
    comparedTable(view, view.participation),
    headingOf(H.consultation, H1),
    ...consultation(view),
    headingOf(H.alerts, H1),
    comparedTable(view, view.alerts.figures),
    ...seriesTable(view.alerts.byType, 'Type of alert'),
    ...seriesTable(view.alerts.byStage, 'Stage reached'),
    alertTable(view),
    ...view.alerts.themes.flatMap((t) => [headingOf(t.heading, H2), ...seriesTable(t.series, 'Theme')]),
    headingOf(H.feedback, H1),
    para(TO_COMPLETE),
    headingOf(H.progress, H1),
    para(TO_COMPLETE),
    table(PROGRESS_COLUMNS, [PROGRESS_COLUMNS.map(() => '')]),
    headingOf(H.future, H1),
    para(TO_COMPLETE),
    table(FUTURE_COLUMNS, [FUTURE_COLUMNS.map(() => '')]),
  ];
}

/** The annual report as the bytes of a .docx file. */
export async function annualReportDocx(view: AnnualReportView): Promise<Buffer> {
  const document = new Document({
    creator: 'Resolve',
    title: view.title,
    description: `Annual report ${view.yearLabel}: counts and percentages only`,
    sections: [{ children: body(view) }],
  });
  return Packer.toBuffer(document);
}

/** "annual-report-2025-26.docx" */
export function annualReportFileName(view: Pick<AnnualReportView, 'yearLabel'>): string {
  return `annual-report-${view.yearLabel.replace(/[^0-9A-Za-z-]/g, '-')}.docx`;
}
