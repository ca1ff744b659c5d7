/**
 * The annual report as a Word document (documents/annual-report-docx.ts), built from a year's
 * indicators and the year before (app/reports/annual.ts), read back with mammoth: every section
 * heading of Cheshire East's structure (DOMAIN §5.2) in order, both executive summary lists, the
 * three-column alerts table, the themes by alert type, every figure of every table, and no words
 * typed by hand.
 */
import assert from 'node:assert/strict';
import mammoth from 'mammoth';
import { annualReportView } from '../../app/reports/annual.js';
import { formatFigure } from '../../cards/report-view.js';
import {
  ALERT_TABLE_COLUMNS, ANNUAL_REPORT_HEADINGS, annualReportDocx, annualReportFileName, EXECUTIVE_SUMMARY_LISTS, FUTURE_COLUMNS, PROGRESS_COLUMNS, type AnnualReportView,
} from '../../documents/annual-report-docx.js';
import { labels, lastYear, ladderTheme, thisYear, typedTheme } from '../app/reports/fixtures.js';

const text = async (view: AnnualReportView) => (await mammoth.extractRawText({ buffer: await annualReportDocx(view) })).value;
/** mammoth puts each paragraph and table cell on its own line. */
const lines = (raw: string) => raw.split(/\n+/).map((l) => l.trim()).filter((l) => l !== '');

describe('the annual report as a Word document (DOMAIN §5.2, Cheshire East\'s structure)', () => {
  const view = annualReportView(thisYear, lastYear, labels, { producedOn: '2026-04-01', organisation: 'Northmoor Borough Council' });
  let raw = '';
  before(async () => {
    raw = await text(view);
  });

  it('is a .docx (a zip holding word/document.xml) named for its year', async () => {
    const bytes = await annualReportDocx(view);
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK');
    assert.ok(bytes.includes(Buffer.from('word/document.xml')));
    assert.equal(annualReportFileName(view), 'annual-report-2025-26.docx');
  });

  it('holds the title, the organisation and every section heading, in the order of the contents', () => {
    const read = lines(raw);
    assert.ok(read.includes('Independent Reviewing Service annual report 2025-26'));
    assert.ok(read.includes('Northmoor Borough Council'));
    const headings = Object.values(ANNUAL_REPORT_HEADINGS);
    // Listed once in the contents, then each heads its section, in the same order.
    let at = read.indexOf('Contents');
    assert.ok(at >= 0);
    for (const h of headings) {
      const contents = read.indexOf(h, at);
      assert.ok(contents > 0, `${h} missing from the contents`);
      at = contents;
    }
    for (const h of headings) {
      const section = read.indexOf(h, at + 1);
      assert.ok(section > at, `${h} heading missing or out of order`);
      at = section;
    }
  });

  it('the executive summary is two lists, each sentence with its figures and last year\'s', () => {
    for (const list of Object.values(EXECUTIVE_SUMMARY_LISTS)) assert.ok(lines(raw).includes(list), list);
    assert.ok(raw.includes('96% reviews were held within statutory timescales, up from 88% last year.'));
    assert.ok(raw.includes('98% of children aged 4 and over took part in their review (C69), up from 97% last year.'));
    assert.ok(raw.includes('Formal alerts were 9.9% of all alerts (10 formal), down from 12% last year.'));
    assert.ok(raw.includes('2 alerts went past the overall time limit.'));
    assert.ok(raw.includes('4 children had more than one review postponed this year (O-K04).'));
    assert.ok(raw.includes('62 reviews were held after their statutory date.'));
    const worried = lines(raw).indexOf(EXECUTIVE_SUMMARY_LISTS.worries);
    assert.ok(lines(raw).indexOf('4 children had more than one review postponed this year (O-K04).') > worried);
  });

  it('every figure of every table is there, this year beside last year', () => {
    // Each table after its own heading (the two review tables share some labels).
    const H = ANNUAL_REPORT_HEADINGS;
    const tables = [
      ...view.reviewActivity.map((p) => [p.heading, p.figures] as const),
      [H.participation, view.participation] as const,
      [H.alerts, view.alerts.figures] as const,
    ];
    assert.ok(tables.flatMap(([, figures]) => figures).length >= 25);
    const read = lines(raw);
    const afterContents = read.indexOf(H.future) + 1;
    for (const [heading, figures] of tables) for (const f of figures) {
      const at = read.indexOf(f.label, read.indexOf(heading, afterContents));
      assert.ok(at >= 0, `${f.label} missing`);
      assert.equal(read[at + 1], formatFigure(f.value, f.unit), `${f.label} this year`);
      assert.equal(read[at + 2], f.previous === undefined ? 'not recorded' : formatFigure(f.previous, f.unit), `${f.label} last year`);
    }
    assert.ok(read.includes('Cared for reviews') && read.includes('Foster home reviews'));
  });

  it('alerts by type and by stage as tables, the three-column table, and the themes of good practice, informal and formal alerts', () => {
    const read = lines(raw);
    for (const column of ALERT_TABLE_COLUMNS) assert.ok(read.includes(column), column);
    for (const heading of ['Good Practice Alerts', 'Informal Alerts', 'Formal Alerts']) assert.ok(read.includes(heading), heading);
    for (const series of [view.alerts.byType, view.alerts.byStage, ...view.alerts.themes.map((t) => t.series)]) {
      for (const p of series.points) {
        const at = read.indexOf(p.label, read.indexOf(series.title));
        assert.ok(at >= 0, `${series.title}: ${p.label}`);
        assert.equal(read[at + 1], formatFigure(p.value, series.unit), `${series.title}: ${p.label}`);
      }
    }
    assert.ok(read.includes(ladderTheme));
  });

  it('the sections the team writes are headed tables with Cheshire East\'s columns, to complete', () => {
    const read = lines(raw);
    for (const column of [...PROGRESS_COLUMNS, ...FUTURE_COLUMNS]) assert.ok(read.includes(column), column);
    assert.match(raw, /For the service to complete/);
    assert.match(raw, /Resolve does not record consultation forms/);
  });

  it('holds no words typed by hand: a category typed by hand is counted as "Other category"', () => {
    assert.ok(!raw.includes(typedTheme));
    assert.ok(!raw.includes('Jayden'));
    assert.ok(lines(raw).includes('Other category'));
  });

  it('with no year before to compare, says "not recorded" and writes the sentences without a comparison', async () => {
    const first = await text(annualReportView(thisYear, undefined, labels, { producedOn: '2026-04-01' }));
    assert.ok(first.includes('96% reviews were held within statutory timescales.'));
    assert.ok(lines(first).includes('not recorded'));
    assert.ok(lines(first).includes('2024-25'));
  });
});
