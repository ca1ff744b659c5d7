import assert from 'node:assert/strict';
import { resolve, resolveJson } from './run-cli.js';

describe('bin/commands: resolve add-working-days', () => {
  it('OX-R06 calculator: 5 working days after Thu 18 Dec 2025 is Mon 29 Dec (Christmas and Boxing Day skipped)', async () => {
    const run = await resolve('add-working-days', '2025-12-18', '5');
    assert.deepEqual(run, { code: 0, out: '2025-12-29', err: '' });
  });

  it('--before counts back: 5 working days before Mon 29 Dec 2025 is Thu 18 Dec', async () => {
    assert.equal((await resolve('add-working-days', '2025-12-29', '5', '--before')).out, '2025-12-18');
  });

  it('--closure-days adds the authority\'s own closures', async () => {
    assert.equal((await resolve('add-working-days', '2025-12-18', '5', '--closure-days', '2025-12-29,2025-12-30')).out, '2025-12-31');
  });

  it('--json gives the inputs and the date', async () => {
    assert.deepEqual(await resolveJson('add-working-days', '2025-12-18', '5'),
      { from: '2025-12-18', workingDays: 5, direction: 'after', date: '2025-12-29' });
  });

  it('a date that does not exist exits 2 and says why', async () => {
    const run = await resolve('add-working-days', '2026-02-30', '5');
    assert.equal(run.code, 2);
    assert.match(run.err, /"2026-02-30" is not a date: February 2026 has 28 days/);
  });

  it('a negative count exits 2 and points to --before', async () => {
    const run = await resolve('add-working-days', '2025-12-18', '-5');
    assert.equal(run.code, 2);
    assert.match(run.err, /must be zero or more, not -5.*--before/);
  });

  it('a count that is not a whole number exits 2', async () => {
    const run = await resolve('add-working-days', '2025-12-18', '2.5');
    assert.equal(run.code, 2);
    assert.match(run.err, /whole number/);
  });

  it('a bad closure day exits 2 and names it', async () => {
    const run = await resolve('add-working-days', '2025-12-18', '5', '--closure-days', '2025-12-32');
    assert.equal(run.code, 2);
    assert.match(run.err, /closure day "2025-12-32"/);
  });

  it('a missing count exits 2 with the usage', async () => {
    const run = await resolve('add-working-days', '2025-12-18');
    assert.equal(run.code, 2);
    assert.match(run.err, /expected a date and a number of working days/);
    assert.match(run.err, /usage:/);
  });
});
