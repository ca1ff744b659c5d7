import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { getPolicy } from '../../../domain/policies/index.js';
import { resolve, resolveJson } from './run-cli.js';

/**
 * Hand-counted over Christmas 2026 (AMB-07: England & Wales bank holidays; AMB-08: the day of the
 * step is day 0): Fri 25 Dec is Christmas Day, Mon 28 Dec the substitute for Boxing Day (Sat 26),
 * Fri 1 Jan 2027 New Year's Day. Working days from Mon 21 Dec: 22, 23, 24, 29, 30, 31 Dec, 4 Jan...
 */

interface Simulated {
  stage: string;
  responseDue: string | null;
  overallLimit: string | null;
  cafcassPromptFrom: string | null;
  previousStageResponseDue: string | null;
}

const simulate = (policy: string, alertType: string, ...steps: string[]) =>
  resolveJson('simulate', '--policy', policy, '--alert-type', alertType, ...steps.flatMap((s) => ['--step', s])) as Promise<Simulated>;
const run = (policy: string, alertType: string, ...steps: string[]) =>
  resolve('simulate', '--policy', policy, '--alert-type', alertType, ...steps.flatMap((s) => ['--step', s]));

describe('bin/commands: resolve simulate', () => {
  describe('dudley', () => {
    it('ESC-D1..3: a DRP raised at Stage 1 on Mon 21 Dec 2026 is due 5 working days later, Wed 30 Dec, over Christmas and the Boxing Day substitute', async () => {
      assert.deepEqual(await simulate('dudley', 'drp', 'raise:stage1:2026-12-21'), {
        stage: 'stage1', responseDue: '2026-12-30', overallLimit: null, cafcassPromptFrom: null, previousStageResponseDue: null,
      });
    });

    it('ESC-D1..3: escalating from Stage 1 on Tue 29 Dec makes Stage 2 due Wed 6 Jan 2027 (New Year\'s Day skipped), Stage 1\'s Wed 30 Dec kept as the previous', async () => {
      assert.deepEqual(await simulate('dudley', 'drp', 'raise:stage1:2026-12-21', 'escalate:stage1:2026-12-29'), {
        stage: 'stage2', responseDue: '2027-01-06', overallLimit: null, cafcassPromptFrom: null, previousStageResponseDue: '2026-12-30',
      });
    });

    it('D-B1: a Quality of Practice alert raised straight at Stage 1 is a bypass, simulated with a reason and the line manager discussion', async () => {
      const r = await simulate('dudley', 'qop', 'raise:stage1:2026-12-21');
      assert.deepEqual([r.stage, r.responseDue], ['stage1', '2026-12-30']);
    });

    it('ESC-D4, AMB-04: Stage 4 has no timescale, so raising there without BY is refused (exit 2), and with BY is due on it', async () => {
      const refused = await run('dudley', 'drp', 'raise:stage4:2026-12-21');
      assert.equal(refused.code, 2);
      assert.equal(refused.err, 'resolve simulate: step 1 "raise:stage4:2026-12-21" refused (resolution-date-required): '
        + 'Stage 4 Formal dispute resolution has no timescale in Dudley MBC\'s procedure: set the date resolution is sought by.');
      assert.equal((await simulate('dudley', 'drp', 'raise:stage4:2026-12-21:2027-01-08')).responseDue, '2027-01-08');
    });

    it('escalating from a stage the case is not at is refused with the domain\'s stale-stage message, exit 2, nothing on stdout', async () => {
      const r = await resolve('simulate', '--policy', 'dudley', '--alert-type', 'drp',
        '--step', 'raise:stage1:2026-12-21', '--step', 'escalate:stage2:2026-12-22', '--json');
      assert.equal(r.code, 2);
      assert.equal(r.out, '');
      assert.equal(r.err, 'resolve simulate: step 2 "escalate:stage2:2026-12-22" refused (stale-stage): '
        + 'This dispute is at Stage 1 Formal dispute resolution; your card was for Stage 2 Formal dispute resolution, which it has not reached.');
    });
  });

  describe('somerset', () => {
    it('ESC-S1: Informal Resolution raised Mon 14 Dec 2026 is due up to 10 working days later, Wed 30 Dec', async () => {
      assert.equal((await simulate('somerset', 'informal', 'raise:informal:2026-12-14')).responseDue, '2026-12-30');
    });

    it('ESC-S2: escalating from informal on Wed 23 Dec makes Formal Issue Resolution due Mon 4 Jan 2027', async () => {
      assert.deepEqual(await simulate('somerset', 'informal', 'raise:informal:2026-12-14', 'escalate:informal:2026-12-23'), {
        stage: 'formal', responseDue: '2027-01-04', overallLimit: null, cafcassPromptFrom: null, previousStageResponseDue: '2026-12-30',
      });
    });

    it('AMB-05: the FRO\'s own BY date within the maximum is the due date; one beyond it is refused, exit 2', async () => {
      assert.equal((await simulate('somerset', 'informal', 'raise:informal:2026-12-14:2026-12-18')).responseDue, '2026-12-18');
      const r = await run('somerset', 'informal', 'raise:informal:2026-12-14:2027-01-04');
      assert.equal(r.code, 2);
      assert.match(r.err, /refused \(resolution-date-too-late\): Informal Resolution \(Stage 1\) allows at most 10 working days: the latest date resolution can be sought by is Wednesday 30 December 2026, not Monday 4 January 2027\.$/);
    });
  });

  describe('oxfordshire', () => {
    it('O-T0, AMB-04, AMB-33: Stage 1 raised Mon 21 Dec with BY Mon 4 Jan is due then; the 20-working-day limit and the Cafcass prompt both fall on Thu 21 Jan 2027', async () => {
      assert.deepEqual(await simulate('oxfordshire', 'r_and_e', 'raise:stage1:2026-12-21:2027-01-04'), {
        stage: 'stage1', responseDue: '2027-01-04', overallLimit: '2027-01-21', cafcassPromptFrom: '2027-01-21', previousStageResponseDue: null,
      });
    });

    it('ESC-O2: escalating from Stage 1 on Tue 22 Dec gives the ASCMs 5 working days, to Thu 31 Dec; the overall limit keeps running', async () => {
      assert.deepEqual(await simulate('oxfordshire', 'r_and_e', 'raise:stage1:2026-12-21:2027-01-04', 'escalate:stage1:2026-12-22'), {
        stage: 'stage2', responseDue: '2026-12-31', overallLimit: '2027-01-21', cafcassPromptFrom: '2027-01-21', previousStageResponseDue: '2027-01-04',
      });
    });

    it('AMB-02: the overall limit starts with Stage 1, not the informal discussion: escalated Tue 29 Dec, it ends Wed 27 Jan 2027', async () => {
      const informal = await run('oxfordshire', 'informal', 'raise:informal:2026-12-21:2026-12-24');
      assert.equal(informal.code, 0);
      assert.equal(informal.out, [
        'Stage: Informal resolution [informal]',
        'Response due: 2026-12-24',
        'Overall limit: not started: it starts when the case enters a formal stage',
        'Earliest Cafcass prompt: not started: it starts when the case enters a formal stage',
        'Previous stage\'s response due: none: this is the first stage',
      ].join('\n'));
      assert.deepEqual(await simulate('oxfordshire', 'informal', 'raise:informal:2026-12-21:2026-12-24', 'escalate:informal:2026-12-29:2027-01-08'), {
        stage: 'stage1', responseDue: '2027-01-08', overallLimit: '2027-01-27', cafcassPromptFrom: '2027-01-27', previousStageResponseDue: '2026-12-24',
      });
    });
  });

  describe('cheshire_east', () => {
    it('ESC-C1, ESC-C3, ESC-Ccap: an informal alert raised Mon 14 Dec 2026 is due Mon 21 Dec; Cafcass prompt after 15 working days, Thu 7 Jan; limit 20, Thu 14 Jan', async () => {
      assert.deepEqual(await simulate('cheshire-east', 'informal', 'raise:informal:2026-12-14'), {
        stage: 'informal', responseDue: '2026-12-21', overallLimit: '2027-01-14', cafcassPromptFrom: '2027-01-07', previousStageResponseDue: null,
      });
    });

    it('ESC-C2, AMB-03: escalating to formal on Tue 22 Dec allows a further 10 working days, to Fri 8 Jan 2027; the clocks started at the raise stay', async () => {
      assert.deepEqual(await simulate('cheshire_east', 'informal', 'raise:informal:2026-12-14', 'escalate:informal:2026-12-22'), {
        stage: 'formal', responseDue: '2027-01-08', overallLimit: '2027-01-14', cafcassPromptFrom: '2027-01-07', previousStageResponseDue: '2026-12-21',
      });
    });

    it('escalating from the last stage is refused with the domain\'s no-further-stage message, exit 2', async () => {
      const r = await run('cheshire_east', 'formal', 'raise:formal:2026-12-14', 'escalate:formal:2026-12-22');
      assert.equal(r.code, 2);
      assert.equal(r.err, 'resolve simulate: step 2 "escalate:formal:2026-12-22" refused (no-further-stage): '
        + 'Formal practice alert is the last stage of Cheshire East Council\'s ladder; resolve the dispute, refer it to Cafcass, or withdraw it.');
    });
  });

  describe('output', () => {
    it('--json prints exactly stage, responseDue, overallLimit, cafcassPromptFrom and previousStageResponseDue', async () => {
      const r = await resolve('simulate', '--policy', 'oxfordshire', '--alert-type', 'r_and_e', '--step', 'raise:stage1:2026-12-21:2027-01-04', '--json');
      assert.equal(r.code, 0);
      const json = JSON.parse(r.out) as Record<string, unknown>;
      assert.deepEqual(Object.keys(json), ['stage', 'responseDue', 'overallLimit', 'cafcassPromptFrom', 'previousStageResponseDue']);
      for (const key of ['responseDue', 'overallLimit', 'cafcassPromptFrom']) assert.match(String(json[key]), /^\d{4}-\d{2}-\d{2}$/);
      assert.equal(json.previousStageResponseDue, null);
    });

    it('without --json prints one readable line per field, naming what is not set and why', async () => {
      const r = await run('dudley', 'drp', 'raise:stage1:2026-12-21', 'escalate:stage1:2026-12-29');
      assert.equal(r.code, 0);
      assert.equal(r.out, [
        'Stage: Stage 2 Formal dispute resolution [stage2]',
        'Response due: 2027-01-06',
        'Overall limit: none: the ladder sets no overall limit',
        'Earliest Cafcass prompt: none: the ladder has no Cafcass referral',
        'Previous stage\'s response due: 2026-12-30 (Stage 1 Formal dispute resolution [stage1])',
      ].join('\n'));
    });

    it('help says how a bypass is simulated', async () => {
      const r = await resolve('help', 'simulate');
      assert.equal(r.code, 0);
      assert.match(r.out, /bypass, simulated with the reason "simulated" and the line manager discussion confirmed/);
    });
  });

  describe('the command line', () => {
    let dir: string;
    before(async () => { dir = await mkdtemp(join(tmpdir(), 'resolve-simulate-')); });
    after(async () => { await rm(dir, { recursive: true, force: true }); });

    it('--policy takes an authority\'s own YAML ladder file, like policy check', async () => {
      const file = join(dir, 'dudley-local.yaml');
      await writeFile(file, stringify({ ...getPolicy('dudley'), id: 'dudley_local' }));
      assert.equal((await simulate(file, 'drp', 'raise:stage1:2026-12-21')).responseDue, '2026-12-30');
    });

    it('--policy naming no shipped ladder nor a ladder file exits 2 and lists the known ladders', async () => {
      const r = await run('norfolk', 'drp', 'raise:stage1:2026-12-21');
      assert.equal(r.code, 2);
      assert.match(r.err, /^resolve simulate: --policy "norfolk" is not a shipped ladder \(dudley, somerset, oxfordshire, cheshire_east\) nor a \.yaml, \.yml or \.json ladder file\n\nusage: resolve simulate/);
    });

    it('--policy naming a ladder file that is not there exits 2', async () => {
      const r = await run(join(dir, 'missing.yaml'), 'drp', 'raise:stage1:2026-12-21');
      assert.equal(r.code, 2);
      assert.match(r.err, /there is no file at .*missing\.yaml/);
    });

    it('a date that does not exist exits 2 with the calendar\'s error', async () => {
      const r = await run('dudley', 'drp', 'raise:stage1:2026-02-30');
      assert.deepEqual([r.code, r.err], [2, 'resolve simulate: the date of step 1 "2026-02-30" is not a date: February 2026 has 28 days']);
      const by = await run('dudley', 'drp', 'raise:stage1:2026-12-21:2027-13-01');
      assert.deepEqual([by.code, by.err], [2, 'resolve simulate: the "resolution sought by" date of step 1 "2027-13-01" is not a date: the month must be 01 to 12']);
    });

    it('an unknown alert type or stage exits 2 and lists the valid ones', async () => {
      const type = await run('dudley', 'complaint', 'raise:stage1:2026-12-21');
      assert.deepEqual([type.code, type.err], [2, 'resolve simulate: Dudley MBC has no alert type "complaint"; choose one of: good_practice, qop, drp']);
      const stage = await run('dudley', 'drp', 'raise:stage9:2026-12-21');
      assert.deepEqual([stage.code, stage.err], [2, 'resolve simulate: "stage9" is not a stage of Dudley MBC\'s ladder; stages: qop_alert, stage1, stage2, stage3, stage4']);
    });

    it('a notification alert type has no stages to simulate: exit 2 naming the types that do', async () => {
      const r = await run('cheshire_east', 'good_practice', 'raise:informal:2026-12-21');
      assert.equal(r.code, 2);
      assert.match(r.err, /"good_practice" is a notification: it has no stages or due dates to simulate; choose one of: informal, formal/);
    });

    it('steps must start with one raise and go in time order, each malformed step named (exit 2)', async () => {
      const cases: [string[], RegExp][] = [
        [[], /give at least one --step/],
        [['escalate:stage1:2026-12-21'], /the first --step must raise the case/],
        [['raise:stage1:2026-12-21', 'raise:stage2:2026-12-22'], /a case is raised once: step 2/],
        [['raise:stage1:2026-12-21', 'escalate:stage1:2026-12-18'], /steps go in time order: step 2 "escalate:stage1:2026-12-18" is before step 1/],
        [['raise:stage1'], /--step "raise:stage1" must be raise:STAGE:DATE\[:BY\] or escalate:STAGE:DATE\[:BY\], e\.g\. raise:stage2:2026-12-21/],
        [['bypass:stage1:2026-12-21'], /--step "bypass:stage1:2026-12-21" must be/],
      ];
      for (const [steps, message] of cases) {
        const r = await run('dudley', 'drp', ...steps);
        assert.equal(r.code, 2, steps.join(' '));
        assert.match(r.err, message);
      }
    });

    it('--policy and --alert-type are required', async () => {
      const r = await resolve('simulate', '--alert-type', 'drp', '--step', 'raise:stage1:2026-12-21');
      assert.deepEqual([r.code, r.err.split('\n')[0]], [2, 'resolve simulate: --policy is required']);
    });
  });
});
