import assert from 'node:assert/strict';
import { resolve, resolveJson } from './run-cli.js';

interface TimelineJson {
  kind: string;
  reviewDate: string;
  deadlines: { rule: string; date: string | null; timing: string }[];
  warnings: string[];
}

const timeline = (...args: string[]) => resolveJson('timeline', ...args) as Promise<TimelineJson>;
const dates = (t: TimelineJson) => Object.fromEntries(t.deadlines.map((d) => [d.rule, d.date]));

describe('bin/commands: resolve timeline', () => {
  it('looked-after --json lists every deadline with its rule id and date', async () => {
    const t = await timeline('--review-date', '2026-03-10', '--kind', 'looked-after');
    assert.equal(t.kind, 'looked-after');
    assert.deepEqual(dates(t), {
      'OX-R08a': '2026-02-10', 'OX-R08b': '2026-02-10', 'OX-R09a': '2026-02-24', 'OX-R10a': '2026-03-05',
      'OX-R07': '2026-03-10', 'OX-R12': '2026-03-17', 'OX-R16': '2026-03-24', 'OX-R17': '2026-03-24',
      'OX-R19': '2026-03-24', 'OX-R13': '2026-03-31', 'OX-R14': '2026-04-09',
    });
  });

  it('AMB-35: --initial makes the consultation "as soon as possible", with no date', async () => {
    const t = await timeline('--review-date', '2026-03-10', '--kind', 'looked-after', '--initial');
    const consult = t.deadlines.filter((d) => d.rule.startsWith('OX-R08'));
    assert.deepEqual(consult.map((d) => [d.date, d.timing]), [[null, 'as-soon-as-possible'], [null, 'as-soon-as-possible']]);
  });

  it('AMB-41: --distribution-anchor full-record with --full-record-completed', async () => {
    const t = await timeline('--review-date', '2026-03-10', '--kind', 'looked-after',
      '--distribution-anchor', 'full-record', '--full-record-completed', '2026-03-20');
    assert.equal(dates(t)['OX-R14'], '2026-04-21');
  });

  it('foster-carer --initial --panel-date lists the panel deadlines and the AMB-09 warning', async () => {
    const t = await timeline('--review-date', '2026-03-10', '--kind', 'foster-carer', '--initial', '--panel-date', '2026-04-15');
    assert.deepEqual(dates(t), {
      'FC-R15': '2026-02-24', 'FC-R16': '2026-02-24', 'FC-R19': '2026-03-10', 'FC-R20': '2026-03-17',
      'FP-R01': '2026-03-30', 'FC-R22': '2026-04-07', 'FP-R02': '2026-04-08', 'FC-R21': '2026-04-09',
      'FC-R05': '2026-04-15', 'FC-R26': null,
    });
    assert.match(t.warnings.join(), /AMB-09/);
  });

  it('prints a readable table without --json', async () => {
    const run = await resolve('timeline', '--review-date', '2026-03-10', '--kind', 'looked-after');
    assert.equal(run.code, 0);
    assert.match(run.out, /^2026-02-24 {2}OX-R09a {2}10 working days before/m);
  });

  it('an unknown --kind exits 2 and lists the kinds', async () => {
    const run = await resolve('timeline', '--review-date', '2026-03-10', '--kind', 'pathway');
    assert.equal(run.code, 2);
    assert.match(run.err, /--kind "pathway" is not one of: looked-after, foster-carer/);
  });

  it('a foster-carer option on a looked-after review exits 2', async () => {
    const run = await resolve('timeline', '--review-date', '2026-03-10', '--kind', 'looked-after', '--panel-date', '2026-04-15');
    assert.equal(run.code, 2);
    assert.match(run.err, /--panel-date does not apply to a looked-after review/);
  });

  it('a review date that does not exist exits 2 and says why', async () => {
    const run = await resolve('timeline', '--review-date', '2026-02-30', '--kind', 'foster-carer');
    assert.equal(run.code, 2);
    assert.match(run.err, /review date "2026-02-30" is not a date/);
  });

  it('a missing --review-date exits 2', async () => {
    const run = await resolve('timeline', '--kind', 'foster-carer');
    assert.equal(run.code, 2);
    assert.match(run.err, /--review-date is required/);
  });
});
