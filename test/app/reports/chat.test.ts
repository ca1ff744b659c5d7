/**
 * Reports in chat (app/reports/chat.ts) and their messages (app/reports/compose.ts), on the real
 * store with the fictional sample organisation: who may see them (directory.rolesOf), the period
 * asked for, the card, "Download CSV" as a message through the outbox and a file under the report
 * files, the regular reports drawn at delivery (the digest from the read models, the themes
 * reports, the annual report's Word document). The indicators are the fixtures' (domain/reports
 * tests their arithmetic); the figures source records which period was asked for.
 *
 * Not through the Bot Framework: bot/app.ts has no "report" route yet (see the hand-over).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mammoth from 'mammoth';
import { NOT_FOR_YOU } from '../../../app/reports/access.js';
import { createReportChat } from '../../../app/reports/chat.js';
import { createReportComposer, parseReportPayload } from '../../../app/reports/compose.js';
import type { Indicators, ReportFigures } from '../../../app/reports/figures.js';
import { createLocalReportFiles } from '../../../app/reports/files.js';
import { REPORT_TOPIC, type RegularReportTeamsPayload } from '../../../app/reports/schedule.js';
import { createLogger } from '../../../app/log.js';
import { REPORT_VERBS, type AdaptiveCardJson } from '../../../cards/index.js';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import type { Period } from '../../../domain/reports/index.js';
import { createOrgFileDirectory, loadOrganisationFile, type Directory } from '../../../graph/directory/index.js';
import { TestClock } from '../../../store/clock.js';
import { IN_MEMORY, openDatabase, type Db } from '../../../store/db.js';
import { listEffects, type OutboxRecord } from '../../../store/outbox.js';
import { walk } from '../../cards/catalog.js';
import { alerts, labels, reviews } from './fixtures.js';

const ORG_FILE = fileURLToPath(new URL('../../../graph/samples/organisation.yaml', import.meta.url));
const PEOPLE = {
  helena: '2c63888f-28f0-4481-be6d-dce7a7ace732', // Director of Children's Services
  rupert: 'fab36728-a78b-4b7e-8787-c0de2f960063', // Service Manager, Safeguarding and Quality Assurance
  priya: 'ff53a46f-5ead-403a-84c4-b877678537a3', // Independent Reviewing Officer: not a reader of reports
  samira: '3c3ae353-fb14-428e-90b4-01a6c1cc0aff', // Social Worker
} as const;

const calendar = createWorkingCalendar();
const logger = createLogger({ level: 'silent' });

/** The fixtures' figures for whatever period is asked, and the periods asked for. */
function fakeFigures(): ReportFigures & { readonly asked: Period[] } {
  const asked: Period[] = [];
  return {
    asked,
    async indicators(period): Promise<Indicators> {
      asked.push(period);
      return { alerts: alerts(period), reviews: reviews(period) };
    },
  };
}

const texts = (card: AdaptiveCardJson) => [...walk(card)].map(({ value }) => value).filter((v) => typeof v.text === 'string').map((v) => String(v.text));
const cardOf = (reply: { card: AdaptiveCardJson } | { message: string }) => {
  assert.ok('card' in reply, 'message' in reply ? reply.message : '');
  return reply.card;
};

describe('reports in chat: report, its period buttons and Download CSV', function () {
  this.timeout(30_000);
  let db: Db;
  let directory: Directory;
  let dir: string;
  const clock = new TestClock('2026-11-23T10:00:00Z');
  let figures: ReturnType<typeof fakeFigures>;
  let chat: ReturnType<typeof createReportChat>;

  before(async () => {
    db = await openDatabase({ kind: 'pglite', dataDir: IN_MEMORY });
    directory = createOrgFileDirectory(await loadOrganisationFile(ORG_FILE));
    dir = mkdtempSync(path.join(tmpdir(), 'resolve-reports-'));
  });
  after(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    figures = fakeFigures();
    chat = createReportChat({ db, figures, labels, directory, clock, calendar, logger, tenant: 'tenant-northmoor', filesLocation: path.join(dir, 'reports') });
  });

  it('the Director and the service manager for quality assurance get the card; an IRO and a social worker are told who reports are for', async () => {
    for (const id of [PEOPLE.helena, PEOPLE.rupert]) assert.ok('card' in (await chat.report(id)), id);
    for (const id of [PEOPLE.priya, PEOPLE.samira]) {
      assert.deepEqual(await chat.report(id), { message: NOT_FOR_YOU });
      assert.deepEqual(await chat.act(id, REPORT_VERBS.reportCsv, { from: '2026-04-01', to: '2026-11-23' }), { message: NOT_FOR_YOU });
    }
    assert.equal(figures.asked.length, 2, 'nothing was counted for people who may not see it');
  });

  it('"report" is this performance year so far; "report last quarter" on 23 November 2026 is July to September', async () => {
    const card = cardOf(await chat.report(PEOPLE.helena));
    assert.deepEqual(figures.asked[0], { from: '2026-04-01', to: '2026-11-23', label: '2026-27 so far' });
    assert.ok(texts(card).includes('2026-27 so far: 1 Apr 2026 to 23 Nov 2026'));
    cardOf(await chat.report(PEOPLE.helena, 'last quarter'));
    assert.deepEqual(figures.asked[1], { from: '2026-07-01', to: '2026-09-30', label: 'Q2 2026-27' });
    cardOf(await chat.report(PEOPLE.helena, 'last year'));
    assert.deepEqual(figures.asked[2], { from: '2025-04-01', to: '2026-03-31', label: '2025-26' });
    cardOf(await chat.report(PEOPLE.helena, 'last month'));
    assert.deepEqual(figures.asked[3], { from: '2026-10-01', to: '2026-10-31', label: 'October 2026' });
  });

  it('typed dates that are not a period are answered with what to type, and nothing is counted', async () => {
    const reply = await chat.report(PEOPLE.helena, '2026-02-30 to 2026-03-31');
    assert.ok('message' in reply && /real dates/.test(reply.message));
    assert.equal(figures.asked.length, 0);
  });

  it('the card\'s "Choose dates" runs the report for the dates picked; a forged period changes nothing and says so', async () => {
    const card = cardOf(await chat.act(PEOPLE.rupert, REPORT_VERBS.reportShow, { period: 'range', reportFrom: '2026-01-01', reportTo: '2026-03-31' }));
    assert.deepEqual(figures.asked[0], { from: '2026-01-01', to: '2026-03-31', label: 'Q4 2025-26' });
    assert.ok(card.body.length > 3);
    const forged = await chat.act(PEOPLE.rupert, REPORT_VERBS.reportShow, { period: 'all-time' });
    assert.ok('message' in forged && /damaged/.test(forged.message) && /Nothing was shown/.test(forged.message));
  });

  it('Download CSV: the card again saying the CSV is on its way, one message queued to the person\'s own chat (a double click queues one)', async () => {
    const data = { from: '2025-04-01', to: '2026-03-31' };
    const card = cardOf(await chat.act(PEOPLE.rupert, REPORT_VERBS.reportCsv, data));
    assert.ok(texts(card).some((t) => /CSV of these figures is on its way as a message in this chat and saved in .*reports/.test(t)));
    await chat.act(PEOPLE.rupert, REPORT_VERBS.reportCsv, data);
    const queued = await listEffects(db, { destination: `teams:${PEOPLE.rupert}` });
    assert.equal(queued.length, 1);
    assert.deepEqual(queued[0]!.payload, { topic: REPORT_TOPIC, recipient: PEOPLE.rupert, request: { kind: 'csv', ...data } });
  });

  it('the CSV message holds indicator,value rows of the same figures as a code block, and the file is saved under the report files', async () => {
    const compose = createReportComposer({ db, figures, labels, directory, calendar, clock, files: createLocalReportFiles(path.join(dir, 'reports')), logger });
    const [effect] = await listEffects(db, { destination: `teams:${PEOPLE.rupert}` });
    const message = await compose(effect!, { topic: REPORT_TOPIC, recipient: PEOPLE.rupert, request: effect!.payload });
    assert.ok(message !== undefined && message.card === undefined);
    assert.match(message.text!, /^Alerts and reviews report, 2025-26: 1 Apr 2025 to 31 Mar 2026, as CSV/);
    // The rows of `resolve report --csv`: the period once, then alerts, then reviews, nested figures with dots.
    assert.match(message.text!, /```\nindicator,value\nperiod.from,2025-04-01\nperiod.to,2026-03-31\nperiod.label,2025-26\nalerts_total,101\n/);
    assert.match(message.text!, /\nreviews_in_timescale_pct,96\n/);
    assert.match(message.text!, /\nalerts_by_type.formal,10\n/);
    assert.match(message.text!, /\nrearranged_pct.looked_after,30\n/);
    assert.match(message.text!, /\nfhr_copy_4wk_pct,\n/);
    assert.equal(message.text!.match(/period.from/g)?.length, 1);
    const file = path.join(dir, 'reports', 'report-2025-04-01-to-2026-03-31.csv');
    assert.match(message.text!, new RegExp(`saved as ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    const csv = readFileSync(file, 'utf8');
    assert.ok(csv.startsWith('indicator,value\n'));
    assert.ok(csv.includes('\nformal_alert_pct,9.9\n'));
    assert.ok(!csv.includes('Jayden'), 'a category typed by hand never reaches the CSV');
  });

  it('a CSV for someone who no longer holds a reporting role is not composed', async () => {
    const compose = createReportComposer({ db, figures, labels, directory, calendar, clock, logger });
    const payload = { topic: REPORT_TOPIC, recipient: PEOPLE.priya, request: { kind: 'csv', from: '2025-04-01', to: '2026-03-31' } };
    assert.equal(await compose({ payload } as unknown as OutboxRecord, payload), undefined);
  });
});

describe('regular reports: each drawn when it is delivered', function () {
  this.timeout(30_000);
  let db: Db;
  let directory: Directory;
  let dir: string;
  const clock = new TestClock('2026-11-09T08:00:00Z');
  const effectOf = (payload: RegularReportTeamsPayload) => ({ payload }) as unknown as OutboxRecord;
  const regular = (report: RegularReportTeamsPayload['request']['report'], period: { key: string; from: string; to: string }, recipient: string = PEOPLE.helena): RegularReportTeamsPayload =>
    ({ topic: REPORT_TOPIC, recipient, request: { kind: 'regular', report, period: period as RegularReportTeamsPayload['request']['period'], dueAt: clock.now().toISOString() } });

  before(async () => {
    db = await openDatabase({ kind: 'pglite', dataDir: IN_MEMORY });
    directory = createOrgFileDirectory(await loadOrganisationFile(ORG_FILE));
    dir = mkdtempSync(path.join(tmpdir(), 'resolve-reports-'));
    // Three open cases (one waiting for the Director, past due and past the overall limit) and one closed; two reviews past their date.
    const row = (id: string, open: boolean, addressees: string[], due: string | null, limit: string | null, stage: string) => db.query(
      `INSERT INTO case_summary (case_id, reference, policy_id, kind, status, is_open, stage_id, stage_label, raised_by, addressees, copied, response_due_at, overall_limit_at, updated_at, version, summary)
       VALUES ($1, $1, 'somerset', 'dispute', 'awaiting_response', $2, 'x', $6, $7, $3::jsonb, '[]', $4, $5, now(), 1, '{}')`,
      [id, open, JSON.stringify(addressees), due, limit, stage, PEOPLE.priya],
    );
    await row('LCS-900001', true, [PEOPLE.helena], '2026-11-02T17:00:00Z', '2026-11-06T17:00:00Z', 'Level 4');
    await row('LCS-900002', true, [PEOPLE.rupert], '2026-11-20T17:00:00Z', '2026-12-01T17:00:00Z', 'Level 2');
    await row('LCS-900003', true, [PEOPLE.rupert], null, null, 'Level 2');
    await row('LCS-900004', false, [PEOPLE.helena], '2026-10-01T17:00:00Z', '2026-10-02T17:00:00Z', 'Level 4');
    for (const [ref, due] of [['LCS-800001', '2026-11-03'], ['LCS-800002', '2026-10-12'], ['LCS-800003', '2026-12-01']] as const) {
      await db.query(`INSERT INTO review_due (kind, reference, stream_id, review, due, latest_meeting_date, rule, version, updated_at) VALUES ('looked-after', $1, $2, 'subsequent', $3, $3, 'OX-R05', 1, now())`, [ref, `review-series:looked-after:${ref}`, due]);
    }
  });
  after(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the weekly digest: open cases waiting for the reader, past the overall limit, overdue, and reviews out of timescale this month', async () => {
    const figures = fakeFigures();
    const compose = createReportComposer({ db, figures, labels, directory, calendar, clock, logger });
    const payload = regular('weekly-digest', { key: 'week of 2026-11-09', from: '2026-11-02', to: '2026-11-08' });
    const message = await compose(effectOf(payload), payload);
    assert.ok(message?.card !== undefined);
    const facts = [...walk(message.card)].map(({ value }) => value).find((v) => v.type === 'FactSet')!.facts as { title: string; value: string }[];
    // 62 held late this month (the fixture) + 1 past its date this month and not held (3 November).
    assert.deepEqual(facts.map((f) => [f.title, f.value]), [
      ['Open cases waiting for you', '1'], ['Open cases past the overall time limit', '1'], ['Responses overdue', '1'], ['Reviews out of timescale in November 2026', '63'],
    ]);
    assert.deepEqual(figures.asked[0], { from: '2026-11-01', to: '2026-11-09', label: 'November 2026' });
    assert.equal(message.preview, 'Weekly digest, As at 08:00 on Monday 9 November 2026');
    assert.ok(!JSON.stringify(message).includes('LCS-'), 'no reference in a report');
    assert.ok(message.email !== undefined && /Open cases waiting for you: 1/.test(message.email.text!));
  });

  it('the monthly thematic report covers the month before, themes first, with its CSV button', async () => {
    const figures = fakeFigures();
    const compose = createReportComposer({ db, figures, labels, directory, calendar, clock, logger });
    const payload = regular('monthly-thematic', { key: '2026-10', from: '2026-10-01', to: '2026-10-31' });
    const message = await compose(effectOf(payload), payload);
    assert.deepEqual(figures.asked[0], { from: '2026-10-01', to: '2026-10-31', label: 'October 2026' });
    const charts = [...walk(message!.card)].map(({ value }) => value).filter((v) => String(v.type).startsWith('Chart.'));
    assert.equal(charts[0]!.title, 'Themes (share of alerts)');
    assert.equal(message!.preview, 'Monthly thematic report, October 2026: 1 Oct 2026 to 31 Oct 2026');
    assert.ok([...walk(message!.card)].some(({ value }) => value.verb === REPORT_VERBS.reportCsv));
  });

  it('the annual report: the Word document saved under the report files, and a card saying where with the headline figures', async () => {
    const figures = fakeFigures();
    const files = createLocalReportFiles(path.join(dir, 'reports'));
    const compose = createReportComposer({ db, figures, labels, directory, calendar, clock, files, logger, organisation: 'Northmoor Borough Council' });
    const payload = regular('annual', { key: '2025-26', from: '2025-04-01', to: '2026-03-31' }, PEOPLE.rupert);
    const message = await compose(effectOf(payload), payload);
    assert.deepEqual(figures.asked.map((p) => p.label), ['2025-26', '2024-25']);
    const file = path.join(dir, 'reports', 'annual-report-2025-26.docx');
    assert.ok(texts(message!.card as AdaptiveCardJson).includes(`The Word document is saved as ${file}.`));
    const raw = (await mammoth.extractRawText({ buffer: readFileSync(file) })).value;
    assert.match(raw, /Independent Reviewing Service annual report 2025-26/);
    assert.match(raw, /Dispute Resolution and Practice Alerts/);
  });

  it('a report effect of another shape is not one of these', () => {
    assert.equal(parseReportPayload({ topic: REPORT_TOPIC, recipient: PEOPLE.helena, request: { kind: 'regular', report: 'daily' } }), undefined);
    assert.equal(parseReportPayload({ topic: 'case', recipient: PEOPLE.helena, request: { kind: 'csv', from: '2026-01-01', to: '2026-01-31' } }), undefined);
  });
});
