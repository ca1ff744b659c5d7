/**
 * The report card (cards/report-card.ts) and its verbs (cards/report-verbs.ts): Teams' chart
 * elements with a table fallback holding the same figures, the period pickers and the CSV button,
 * the size limit with many categories, and the verbs' untrusted data (real dates, in order, bounded).
 */
import assert from 'node:assert/strict';
import {
  cappedPoints, cardBytes, chartElement, MAX_CARD_BYTES, parseReportAction, parseReportWords, REPORT_INPUTS, REPORT_VERBS, reportCard,
  type ReportCardView, type ReportSeries,
} from '../../cards/index.js';
import { walk } from './catalog.js';
import { reportViews } from './fixtures.js';

type Json = Record<string, unknown>;
const elements = (card: unknown) => [...walk(card)].map(({ value }) => value);

describe('report card: Teams charts with a table fallback', () => {
  const card = reportCard(reportViews.year!);

  it('shows the title, the period and the headline percentages as facts', () => {
    const texts = elements(card).filter((e) => e.type === 'TextBlock').map((e) => e.text);
    assert.ok(texts.includes('Alerts and reviews report'));
    assert.ok(texts.includes('2025-26: 1 Apr 2025 to 31 Mar 2026'));
    const facts = (elements(card).find((e) => e.type === 'FactSet')!.facts as Json[]).map((f) => [f.title, f.value]);
    assert.deepEqual(facts.slice(0, 3), [['Reviews held in timescale', '96.2%'], ['Children with every review on time', '91.5%'], ['Children aged 4+ taking part', '98%']]);
    assert.deepEqual(facts[5], ['Alerts resolved within timescale', 'none to measure']);
  });

  it('draws each distribution with its chart type, and its fallback table holds the same figures', () => {
    const charts = elements(card).filter((e) => String(e.type).startsWith('Chart.'));
    assert.deepEqual(charts.map((c) => c.type), ['Chart.Donut', 'Chart.VerticalBar', 'Chart.HorizontalBar', 'Chart.VerticalBar']);
    const donut = charts[0]!;
    assert.deepEqual(donut.data, [{ legend: 'Good practice', value: 36 }, { legend: 'Informal', value: 55 }, { legend: 'Formal', value: 10 }]);
    const fallbackFacts = (elements(donut.fallback).find((e) => e.type === 'FactSet')!.facts as Json[]).map((f) => [f.title, f.value]);
    assert.deepEqual(fallbackFacts, [['Good practice', '36'], ['Informal', '55'], ['Formal', '10']]);
    const bar = charts[1]!;
    assert.equal(bar.xAxisTitle, 'Stage');
    assert.deepEqual(bar.data, [{ x: 'Stage 1', y: 70 }, { x: 'Stage 2', y: 21 }, { x: 'Stage 3', y: 10 }]);
    assert.equal(charts[2]!.displayMode, 'AbsoluteWithAxis');
  });

  it('a distribution with nothing in it says so instead of drawing an empty chart', () => {
    assert.ok(elements(card).some((e) => e.text === 'Alerts by type: none in this period.'));
  });

  it('offers the other periods (not the one shown), dates from/to in a show card, and Download CSV for these dates', () => {
    const quick = elements(card).filter((e) => e.type === 'Action.Execute' && e.verb === REPORT_VERBS.reportShow && e.associatedInputs === 'none');
    assert.deepEqual(quick.map((a) => [a.title, (a.data as Json).period]), [['Last quarter', 'last-quarter'], ['This month', 'this-month']]);
    const range = elements(card).find((e) => e.type === 'Action.ShowCard')!;
    const inputs = elements(range.card).filter((e) => e.type === 'Input.Date');
    assert.deepEqual(inputs.map((i) => [i.id, i.value, i.min, i.max, i.isRequired]), [
      [REPORT_INPUTS.from, '2025-04-01', '2000-01-01', '2099-12-31', true], [REPORT_INPUTS.to, '2026-03-31', '2000-01-01', '2099-12-31', true],
    ]);
    assert.deepEqual(card.actions?.map((a) => [a.type, a.title, a.verb, a.data]), [['Action.Execute', 'Download CSV', REPORT_VERBS.reportCsv, { from: '2025-04-01', to: '2026-03-31' }]]);
  });

  it('links the CSV or a document with Action.OpenUrl only over https', () => {
    const linked = reportCard({ ...reportViews.year!, csv: { kind: 'link', url: 'https://northmoor.sharepoint.example/reports/2025-26.csv' }, download: { title: 'Download the Word document', url: 'https://northmoor.sharepoint.example/reports/annual-report-2025-26.docx' } });
    assert.deepEqual(linked.actions?.map((a) => [a.type, a.title]), [['Action.OpenUrl', 'Download CSV'], ['Action.OpenUrl', 'Download the Word document']]);
    const plain = reportCard({ ...reportViews.year!, csv: { kind: 'link', url: 'http://example.invalid/x.csv' }, download: { title: 'Download', url: 'javascript:alert(1)' } });
    assert.equal(plain.actions, undefined);
  });

  it('a digest has no CSV button, and a person who may not run reports gets no period buttons', () => {
    const digest = reportCard({ ...reportViews.digest!, canChoosePeriod: false });
    assert.equal(digest.actions, undefined);
    assert.ok(!elements(digest).some((e) => e.type === 'ActionSet'));
  });
});

describe('report card: within Teams\' size limit however many categories', () => {
  it('80 long themes in three charts: drawn within the card budget, the rest added up as Other, and it says the CSV has every figure', () => {
    const card = reportCard(reportViews.manyCategories!);
    assert.ok(cardBytes(card) <= MAX_CARD_BYTES, `${cardBytes(card)} bytes`);
    const chart = elements(card).find((e) => e.type === 'Chart.HorizontalBar')!;
    const data = chart.data as Json[];
    assert.ok(data.length <= 12);
    assert.equal(data.at(-1)!.x, `Other (${80 - data.length + 1} more)`);
    assert.ok(elements(card).some((e) => typeof e.text === 'string' && /the CSV has every figure/.test(e.text)));
  });

  it('so many that even tables would not fit: the headline figures only, and it says so', () => {
    const huge: ReportCardView = {
      ...reportViews.manyCategories!,
      report: { ...reportViews.manyCategories!.report, sections: Array.from({ length: 40 }, (_, i) => ({ ...reportViews.manyCategories!.report.sections[0]!, key: `s${i}` })) },
    };
    const card = reportCard(huge);
    assert.ok(cardBytes(card) <= MAX_CARD_BYTES, `${cardBytes(card)} bytes`);
    assert.ok(elements(card).some((e) => typeof e.text === 'string' && /here are the headline figures/.test(e.text)));
    assert.ok(!elements(card).some((e) => String(e.type).startsWith('Chart.')));
  });

  it('the "Other" point adds up what it stands for; an axis label is cut, its table keeps the whole label', () => {
    const points = [5, 4, 3, 2, 1].map((value, i) => ({ key: `k${i}`, label: `Theme ${i}`, value }));
    assert.deepEqual(cappedPoints(points, 3), [points[0], points[1], { key: 'other_grouped', label: 'Other (3 more)', value: 6 }]);
    const long = 'Key documents not provided to the reviewing officer before the review';
    const series: ReportSeries = { key: 'k', title: 'T', chart: 'vertical-bar', unit: 'count', points: [{ key: 'a', label: long, value: 1 }] };
    const chart = chartElement(series);
    assert.equal(((chart.data as Json[])[0]!.x as string).length, 32);
    assert.ok(JSON.stringify(chart.fallback).includes(long));
  });
});

describe('report verbs: untrusted card data', () => {
  it('a named period parses; two dates in order parse as a range', () => {
    assert.deepEqual(parseReportAction('reportShow', { period: 'last-quarter' }), { ok: true, action: { verb: 'reportShow', period: { kind: 'last-quarter' } } });
    assert.deepEqual(parseReportAction('reportShow', { period: 'range', reportFrom: '2026-01-01', reportTo: '2026-03-31' }), { ok: true, action: { verb: 'reportShow', period: { kind: 'range', from: '2026-01-01', to: '2026-03-31' } } });
    assert.deepEqual(parseReportAction('reportCsv', { from: '2025-04-01', to: '2026-03-31' }), { ok: true, action: { verb: 'reportCsv', from: '2025-04-01', to: '2026-03-31' } });
  });

  it('refuses a date that does not exist, dates out of order, a span over three years, or dates out of bounds, each under its input', () => {
    const refused = (data: Json) => {
      const r = parseReportAction('reportShow', { period: 'range', ...data });
      assert.equal(r.ok, false);
      return r.ok ? {} : r.fieldErrors;
    };
    assert.match(refused({ reportFrom: '2026-02-30', reportTo: '2026-03-31' }).reportFrom!, /not a real date/);
    assert.match(refused({ reportFrom: '2026-04-01', reportTo: '2026-03-31' }).reportTo!, /must start before it ends/);
    assert.match(refused({ reportFrom: '2020-01-01', reportTo: '2026-03-31' }).reportTo!, /too long/);
    assert.match(refused({ reportFrom: '1999-12-31', reportTo: '2000-01-31' }).reportFrom!, /between 2000-01-01 and 2099-12-31/);
    assert.match(refused({ reportTo: '2026-03-31' }).reportFrom!, /required/);
    assert.match(refused({ reportFrom: { $gt: '' }, reportTo: '2026-03-31' }).reportFrom!, /not a real date/);
  });

  it('refuses a period Resolve does not offer, and CSV dates that are missing or out of order, saying the card is damaged', () => {
    for (const [verb, data] of [['reportShow', { period: 'forever' }], ['reportCsv', {}], ['reportCsv', { from: '2026-03-31', to: '2026-01-01' }], ['reportShow', 'x'], ['reportDelete', {}]] as const) {
      const r = parseReportAction(verb, data);
      assert.equal(r.ok, false, JSON.stringify([verb, data]));
      if (!r.ok && typeof data === 'object' && verb !== 'reportDelete' && Object.keys(data).length > 0) assert.match(r.message, /damaged|start before/);
    }
  });

  it('"report ..." typed in chat: nothing or a named period, or two dates; anything else says what it can be', () => {
    assert.deepEqual(parseReportWords(''), { ok: true, period: { kind: 'this-year' } });
    assert.deepEqual(parseReportWords('Last Quarter.'), { ok: true, period: { kind: 'last-quarter' } });
    assert.deepEqual(parseReportWords('for this month'), { ok: true, period: { kind: 'this-month' } });
    assert.deepEqual(parseReportWords('2026-01-01 to 2026-03-31'), { ok: true, period: { kind: 'range', from: '2026-01-01', to: '2026-03-31' } });
    assert.equal(parseReportWords('2026-02-30 to 2026-03-31').ok, false);
    assert.equal(parseReportWords('2026-03-31 to 2026-01-01').ok, false);
    const unclear = parseReportWords('about Jayden');
    assert.ok(!unclear.ok && /report last quarter/.test(unclear.message) && !unclear.message.includes('Jayden'));
  });
});
