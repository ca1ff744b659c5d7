import assert from 'node:assert/strict';
import { resolve } from './run-cli.js';

const base = ['rearrange', '--due', '2026-03-20', '--scheduled', '2026-03-02'];

describe('bin/commands: resolve rearrange', () => {
  it('OX-S01: a new date within the due date is allowed', async () => {
    const run = await resolve(...base, '--new-date', '2026-03-16', '--reason', 'social_worker_in_court');
    assert.equal(run.code, 0);
    assert.match(run.out, /moves to 2026-03-16/);
  });

  it('OX-S01: a new date after the due date is refused with exit 1, unless the IRO overrides', async () => {
    const refused = await resolve(...base, '--new-date', '2026-03-23', '--reason', 'iro_unavailable');
    assert.equal(refused.code, 1);
    assert.match(refused.err, /refused \(OX-S01\)/);
    const overridden = await resolve(...base, '--new-date', '2026-03-23', '--reason', 'iro_unavailable',
      '--iro-override', 'hearing re-timetabled by the court');
    assert.equal(overridden.code, 0);
    assert.match(overridden.out, /OX-S01: .*hearing re-timetabled/);
  });

  it('OX-S14: a second postponement in the performance year is referred to the Service Manager, QA', async () => {
    const run = await resolve(...base, '--new-date', '2026-03-16', '--reason', 'child_or_carer_request',
      '--earlier-postponements', '2025-10-06', '--json');
    assert.equal(run.code, 0);
    const out = JSON.parse(run.out) as { postponementsInWindow: number; prompts: { rule: string }[] };
    assert.equal(out.postponementsInWindow, 2);
    assert.deepEqual(out.prompts.map((p) => p.rule), ['OX-S14']);
  });

  it('AMB-44: --window rolling-12m counts across 1 April', async () => {
    const args = ['rearrange', '--due', '2026-04-30', '--scheduled', '2026-04-07', '--new-date', '2026-04-14',
      '--reason', 'child_or_carer_request', '--earlier-postponements', '2026-03-02'];
    assert.doesNotMatch((await resolve(...args)).out, /OX-S14/);
    assert.match((await resolve(...args, '--window', 'rolling-12m')).out, /OX-S14/);
  });

  it('AMB-46: --lack-of-preparation-alert prompts a practice alert', async () => {
    const run = await resolve(...base, '--new-date', '2026-03-16', '--reason', 'lack_of_preparation', '--lack-of-preparation-alert');
    assert.match(run.out, /AMB-46: .*practice alert/);
  });

  it('an unknown reason exits 2 and lists the reasons', async () => {
    const run = await resolve(...base, '--new-date', '2026-03-16', '--reason', 'holiday');
    assert.equal(run.code, 2);
    assert.match(run.err, /"holiday" is not a rearrangement reason: use one of child_or_carer_request/);
  });
});
