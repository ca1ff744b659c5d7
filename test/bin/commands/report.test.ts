/**
 * `resolve report alerts|reviews` on both engines: the year of the proof (test/domain/reports/
 * year-fixture.ts) written to the store as the bot writes it, one stream per case and per review
 * series, then read back by the command and folded by domain/reports.
 */
import assert from 'node:assert/strict';
import { runCli } from '../../../bin/commands/dispatch.js';
import { createReportCommand, type ReportSettings } from '../../../bin/commands/report.js';
import type { Command } from '../../../bin/commands/command.js';
import { getPolicy } from '../../../domain/policies/index.js';
import { alertIndicators, performanceYear, reviewIndicators } from '../../../domain/reports/index.js';
import { TestClock } from '../../../store/clock.js';
import type { Db } from '../../../store/db.js';
import { appendToStream } from '../../../store/events.js';
import { describeOnEngines } from '../../store/engines.js';
import { calendar } from '../../domain/reports/harness.js';
import { rules, theCases, theSeries } from '../../domain/reports/year-fixture.js';
import { resolve } from './run-cli.js';

async function run(command: Command, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli([command.name, ...argv], { out: (s) => out.push(s), err: (s) => err.push(s) }, [command]);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const YEAR = ['--from', '2026-04-01', '--to', '2027-03-31'];

describeOnEngines('bin/commands: resolve report', (ctx) => {
  /** The command closes the database it is given, as the real one does; hand it a view that does not. */
  const borrowed = async (): Promise<Db> => ({ ...ctx.db, close: async () => undefined });
  const settings = async (): Promise<ReportSettings> => ({ calendar, policies: [], rules });
  const clock = new TestClock('2027-06-01T12:00:00Z');
  const report = createReportCommand({ open: borrowed, settings, clock });
  const cases = theCases();
  const series = theSeries();

  before(async () => {
    const recordedAt = new Date('2027-06-01T00:00:00Z');
    await ctx.db.transaction(async (tx) => {
      for (const c of cases) await appendToStream(tx, c.caseId, 0, c.events, recordedAt);
      for (const s of series) await appendToStream(tx, `review-series:${s.kind}:${s.reference}`, 0, s.events, recordedAt);
      // Not a case nor a review series: never read by either report; and a stream named like a case that is none is passed over.
      await appendToStream(tx, 'casework-note-1', 0, [{ type: 'Noted', at: '2026-05-01T10:00:00Z' }], recordedAt);
      await appendToStream(tx, 'case-import-log', 0, [{ type: 'Noted', at: '2026-05-01T10:00:00Z' }], recordedAt);
    });
  });

  it('alerts --json: one object with the §5.7 keys and the period, the domain fold of every case stream', async () => {
    const result = await run(report, 'alerts', ...YEAR, '--json');
    assert.equal(result.code, 0, result.err);
    const printed = JSON.parse(result.out) as Record<string, unknown>;
    assert.deepEqual(printed, JSON.parse(JSON.stringify(alertIndicators(cases.map((c) => c.events), performanceYear('2026-04-01'), { calendar, policyFor: getPolicy }))));
    assert.deepEqual(printed.period, { from: '2026-04-01', to: '2027-03-31', label: '2026-27' });
    assert.equal(printed.alerts_total, 14);
    assert.equal(printed.formal_alert_pct, 35.7);
    assert.equal(printed.alerts_resolved_in_timescale_pct, 55.6);
    assert.deepEqual(Object.keys(printed), [
      'period', 'alerts_total', 'alerts_by_type', 'alerts_by_stage_reached', 'alert_theme_distribution', 'formal_alert_pct',
      'good_practice_alert_pct', 'alerts_resolved_in_timescale_pct', 'overall_limit_breaches', 'cafcass_referrals', 'time_to_resolution_working_days',
    ]);
  });

  it('reviews --json: the review series streams folded, the follow-up judged as at the end of the period', async () => {
    const result = await run(report, 'reviews', ...YEAR, '--json');
    assert.equal(result.code, 0, result.err);
    const printed = JSON.parse(result.out) as Record<string, unknown>;
    const year = performanceYear('2026-04-01');
    assert.deepEqual(printed, JSON.parse(JSON.stringify(reviewIndicators(series.map((s) => s.events), year, { calendar, rules }))));
    assert.deepEqual(printed.reviews_held, { looked_after: 9, foster_carer: 4, total: 13 });
    assert.equal(printed.reviews_in_timescale_pct, 77.8);
    assert.equal(printed.children_all_reviews_on_time_pct, 50);
    assert.equal(printed.participation_pct_age4plus, 75);
  });

  it('--csv: indicator,value rows, nested maps flattened with dots, a percentage with nothing to count empty', async () => {
    const alerts = await run(report, 'alerts', ...YEAR, '--csv');
    assert.equal(alerts.code, 0, alerts.err);
    const lines = alerts.out.split('\n');
    assert.equal(lines[0], 'indicator,value');
    assert.deepEqual(lines.slice(1, 4), ['period.from,2026-04-01', 'period.to,2027-03-31', 'period.label,2026-27']);
    for (const row of ['alerts_total,14', 'alerts_by_type.good_practice,3', 'alerts_by_type.informal,6', 'alerts_by_type.formal,5',
      'alerts_by_type.by_alert_type.Dudley MBC: Quality of Practice Alert,1', 'alerts_by_stage_reached.Oxfordshire County Council: Stage 2,1',
      'alert_theme_distribution.all.Uncategorised.count,2', 'alert_theme_distribution.all.Uncategorised.pct,14.3',
      'formal_alert_pct,35.7', 'good_practice_alert_pct,21.4', 'overall_limit_breaches,2', 'cafcass_referrals,1',
      'time_to_resolution_working_days.median,10', 'time_to_resolution_working_days.mean,9.9']) {
      assert.ok(lines.includes(row), `missing row ${row}`);
    }
    // Q1 (April to June): no foster carer's review held on a booked meeting, so nothing to count.
    const q1 = await run(report, 'reviews', '--from', '2026-04-01', '--to', '2026-06-30', '--csv');
    assert.equal(q1.code, 0, q1.err);
    const q1Lines = q1.out.split('\n');
    assert.ok(q1Lines.includes('fhr_report_20wd_pct,'), q1.out);
    assert.ok(q1Lines.includes('rearranged_by_reason.looked_after.child_unwell_or_commitment,1'), q1.out);
    assert.ok(q1Lines.every((l) => /^[^,]+,[^,]*$/.test(l) || /^"/.test(l)), 'two columns a row');
  });

  it('by default: a readable table of the performance year to date', async () => {
    const oct = createReportCommand({ open: borrowed, settings, clock: new TestClock('2026-10-14T12:00:00Z') });
    const result = await run(oct, 'alerts');
    assert.equal(result.code, 0, result.err);
    const lines = result.out.split('\n');
    assert.equal(lines[0], 'Practice alerts and disputes raised, 2026-27 to 2026-10-14 (2026-04-01 to 2026-10-14)');
    // Raised by 14 October: CE1-CE4, D1, D2, O1, O2.
    assert.match(result.out, /^Alerts raised\s+8$/m);
    assert.match(result.out, /^Formal alerts, of all alerts \(CE-K16\)\s+12\.5%$/m); // CE4 of 8
    assert.match(result.out, /^ {2}good_practice\s+3$/m);
    const json = JSON.parse((await run(oct, 'alerts', '--json')).out) as { period: unknown };
    assert.deepEqual(json.period, { from: '2026-04-01', to: '2026-10-14', label: '2026-27 to 2026-10-14' });
    const reviews = await run(oct, 'reviews');
    assert.equal(reviews.code, 0, reviews.err);
    assert.match(reviews.out, /^Reviews held, 2026-27 to 2026-10-14/);
    assert.match(reviews.out, /^Foster home reviews on time \(FC-R02\)\s+100%$/m); // FC-2 on 19 Jun; FC-1's 15 Oct is not yet
  });

  it('--to alone runs from 1 April of its performance year', async () => {
    const result = await run(report, 'alerts', '--to', '2026-06-30', '--json');
    assert.equal(result.code, 0, result.err);
    const printed = JSON.parse(result.out) as { period: unknown; alerts_total: number };
    assert.deepEqual(printed.period, { from: '2026-04-01', to: '2026-06-30', label: 'Q1 2026-27' });
    assert.equal(printed.alerts_total, 5); // CE1, CE2, CE3, D1, O1
  });

  it('bad dates and a bad command line exit 2 with what is wrong', async () => {
    const noDay = await run(report, 'alerts', '--from', '2026-02-30', '--to', '2026-03-31');
    assert.equal(noDay.code, 2);
    assert.match(noDay.err, /--from "2026-02-30" is not a date: February 2026 has 28 days/);
    const reversed = await run(report, 'reviews', '--from', '2026-05-01', '--to', '2026-04-01');
    assert.equal(reversed.code, 2);
    assert.match(reversed.err, /the period ends \(2026-04-01\) before it starts \(2026-05-01\)/);
    const badFormat = await run(report, 'alerts', '--to', '31/03/2027');
    assert.equal(badFormat.code, 2);
    assert.match(badFormat.err, /--to "31\/03\/2027" is not a date: write it as YYYY-MM-DD/);
    for (const argv of [['budgets'], [], ['alerts', 'reviews'], ['alerts', '--json', '--csv'], ['alerts', '--form', '2026-04-01']]) {
      const bad = await run(report, ...argv);
      assert.equal(bad.code, 2, `${argv.join(' ')}: ${bad.out}`);
      assert.match(bad.err, /usage: resolve report alerts\|reviews/);
    }
  });

  it('DOMAIN §6.3: no output names a reference, a person, initials or anything typed as free text', async () => {
    const outputs = await Promise.all(['alerts', 'reviews'].flatMap((which) => [[], ['--json'], ['--csv']].map((f) => run(report, which, ...YEAR, ...f))));
    const text = outputs.map((o) => o.out).join('\n');
    for (const c of cases) {
      assert.ok(!text.includes(c.caseId) && !text.includes(c.state.reference), c.caseId);
    }
    for (const s of series) assert.ok(!text.includes(s.reference), s.reference);
    for (const forbidden of ['J.T.', 'aad-', '@northmoor', 'Statutory visits', 'in court on another case', 'carers were unwell', 'hospital appointment', 'bereavement', 'Excellent support', 'Visits now weekly', 'Resolved in supervision']) {
      assert.ok(!text.includes(forbidden), forbidden);
    }
  });
});

describe('bin/commands: resolve report is registered', () => {
  it('resolve help report prints its usage', async () => {
    const result = await resolve('help', 'report');
    assert.equal(result.code, 0);
    assert.match(result.out, /resolve report alerts\|reviews \[--from YYYY-MM-DD\] \[--to YYYY-MM-DD\] \[--json \| --csv\]/);
  });
});
