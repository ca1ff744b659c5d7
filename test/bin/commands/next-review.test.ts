import assert from 'node:assert/strict';
import { resolve, resolveJson } from './run-cli.js';

interface DueJson {
  due: string;
  latestMeetingDate: string;
  rule: string;
  review: string;
  related: { rule: string; date: string }[];
}

const lac = (...args: string[]) => resolveJson('next-review', 'looked-after', ...args) as Promise<DueJson>;
const fc = (...args: string[]) => resolveJson('next-review', 'foster-carer', ...args) as Promise<DueJson>;

describe('bin/commands: resolve next-review', () => {
  describe('looked-after', () => {
    it('OX-R02: --became-looked-after 2026-01-05 --json prints due, latestMeetingDate and rule', async () => {
      const r = await lac('--became-looked-after', '2026-01-05');
      assert.equal(r.due, '2026-02-02');
      assert.equal(r.latestMeetingDate, '2026-02-02');
      assert.equal(r.rule, 'OX-R02');
      assert.deepEqual(Object.keys(r).slice(0, 3), ['due', 'latestMeetingDate', 'rule']);
    });

    it('OX-R05: --held takes a comma-separated list; a due date on a Saturday gives a Friday meeting date', async () => {
      const r = await lac('--became-looked-after', '2026-01-05', '--held', '2026-01-30,2026-05-01');
      assert.deepEqual([r.rule, r.due, r.latestMeetingDate], ['OX-R05', '2026-10-31', '2026-10-30']);
    });

    it('OX-R03: --placement-change after the last review gives the placement-change review', async () => {
      const r = await lac('--became-looked-after', '2026-01-05', '--held', '2026-01-30', '--held', '2026-04-20',
        '--placement-change', '2026-06-01');
      assert.deepEqual([r.rule, r.due], ['OX-R03', '2026-06-29']);
    });

    it('AMB-36: --placement-change-keeps-cycle counts the cycle from the review before the move', async () => {
      const r = await lac('--became-looked-after', '2026-01-05', '--held', '2026-01-30,2026-04-20,2026-06-20',
        '--placement-change', '2026-06-01', '--placement-change-keeps-cycle');
      assert.equal(r.due, '2026-10-20');
    });

    it('CE-R03: --annual-review-exception makes later reviews annual, with the CE-R04 risk assessment', async () => {
      const r = await lac('--became-looked-after', '2024-01-08', '--held', '2024-02-01,2024-05-01,2024-10-31', '--annual-review-exception');
      assert.deepEqual([r.rule, r.due], ['CE-R03', '2025-10-31']);
      assert.deepEqual(r.related.map((x) => x.rule), ['CE-R04']);
    });

    it('--closure-days moves the latest meeting date back past a closure', async () => {
      const r = await lac('--became-looked-after', '2026-01-05', '--held', '2026-01-30,2026-04-20,2026-06-25',
        '--closure-days', '2026-12-24');
      assert.deepEqual([r.due, r.latestMeetingDate], ['2026-12-25', '2026-12-23']);
    });

    it('prints readable text without --json', async () => {
      const run = await resolve('next-review', 'looked-after', '--became-looked-after', '2026-01-05');
      assert.equal(run.code, 0);
      assert.match(run.out, /^Next review: initial \(OX-R02\)\nDue: 2026-02-02\nLatest meeting date: 2026-02-02/);
      assert.match(run.out, /OX-R01/);
    });

    it('KPI-C68: --held reviews are each marked on time or late, in JSON and in text', async () => {
      const r = await lac('--became-looked-after', '2026-01-05', '--held', '2026-01-30,2026-05-02') as DueJson & {
        history: { held: string; rule: string; onTime: boolean; daysLate: number }[];
      };
      assert.deepEqual(r.history.map((h) => [h.held, h.rule, h.onTime, h.daysLate]),
        [['2026-01-30', 'OX-R02', true, 0], ['2026-05-02', 'OX-R04', false, 1]]);
      const text = await resolve('next-review', 'looked-after', '--became-looked-after', '2026-01-05', '--held', '2026-01-30,2026-05-02');
      assert.match(text.out, /2026-05-02 {2}OX-R04 {3}second review due 2026-05-01: 1 day late/);
    });

    it('a held review before the child became looked after exits 2 and says so', async () => {
      const run = await resolve('next-review', 'looked-after', '--became-looked-after', '2026-01-05', '--held', '2025-12-01');
      assert.equal(run.code, 2);
      assert.match(run.err, /2025-12-01 is before the date the child became looked after/);
    });

    it('a missing --became-looked-after exits 2 with the usage', async () => {
      const run = await resolve('next-review', 'looked-after');
      assert.equal(run.code, 2);
      assert.match(run.err, /--became-looked-after is required/);
    });
  });

  describe('foster-carer', () => {
    it('FC-R01: --approved gives the statutory first review a year on', async () => {
      const r = await fc('--approved', '2025-06-10');
      assert.deepEqual([r.rule, r.due, r.latestMeetingDate], ['FC-R01', '2026-06-10', '2026-06-10']);
    });

    it('FC-R03: --policy dudley gives the first review 6 months after approval', async () => {
      const r = await fc('--approved', '2025-08-31', '--policy', 'dudley');
      assert.deepEqual([r.rule, r.due, r.latestMeetingDate], ['FC-R03', '2026-02-28', '2026-02-27']);
    });

    it('FC-R04: --policy best-practice with --first-placement', async () => {
      const r = await fc('--approved', '2025-06-10', '--policy', 'best-practice', '--first-placement', '2025-07-01');
      assert.deepEqual([r.rule, r.due, r.latestMeetingDate], ['FC-R04', '2026-01-01', '2025-12-31']);
    });

    it('FC-R02: --held gives the next annual review', async () => {
      const r = await fc('--approved', '2024-06-10', '--held', '2024-12-10,2025-11-20');
      assert.deepEqual([r.rule, r.due], ['FC-R02', '2026-11-20']);
    });

    it('FC-R06: --concern-raised with --incident-mode hold-by', async () => {
      const r = await fc('--approved', '2024-06-10', '--held', '2025-06-01', '--concern-raised', '2026-03-23', '--incident-mode', 'hold-by');
      assert.deepEqual([r.rule, r.review, r.due], ['FC-R06', 'significant-incident', '2026-04-22']);
    });

    it('an unknown --policy exits 2 and lists the choices', async () => {
      const run = await resolve('next-review', 'foster-carer', '--approved', '2025-06-10', '--policy', 'somerset');
      assert.equal(run.code, 2);
      assert.match(run.err, /--policy "somerset" is not one of: statutory, dudley, best-practice/);
    });

    it('best-practice without --first-placement exits 2 and says what is missing', async () => {
      const run = await resolve('next-review', 'foster-carer', '--approved', '2025-06-10', '--policy', 'best-practice');
      assert.equal(run.code, 2);
      assert.match(run.err, /first child was placed/);
    });

    it('a looked-after option on a foster carer exits 2', async () => {
      const run = await resolve('next-review', 'foster-carer', '--approved', '2025-06-10', '--became-looked-after', '2025-01-01');
      assert.equal(run.code, 2);
      assert.match(run.err, /--became-looked-after/);
    });
  });

  it('an unknown kind exits 2 and names the kinds', async () => {
    const run = await resolve('next-review', 'adopted', '--approved', '2025-06-10');
    assert.equal(run.code, 2);
    assert.match(run.err, /unknown review kind "adopted": use looked-after or foster-carer/);
  });

  it('no kind exits 2', async () => {
    const run = await resolve('next-review', '--json');
    assert.equal(run.code, 2);
    assert.match(run.err, /say which review/);
  });
});
