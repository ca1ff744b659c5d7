import assert from 'node:assert/strict';
import { resolve, resolveJson } from './run-cli.js';

describe('bin/commands: resolve working-days-between', () => {
  it('counts the working days after the first date up to and including the second, skipping bank holidays', async () => {
    // 19, 22, 23, 24, 29 Dec 2025: five working days.
    assert.deepEqual(await resolve('working-days-between', '2025-12-18', '2025-12-29'), { code: 0, out: '5', err: '' });
  });

  it('is negative when the second date is earlier', async () => {
    assert.deepEqual(await resolveJson('working-days-between', '2025-12-29', '2025-12-18'),
      { from: '2025-12-29', to: '2025-12-18', workingDays: -5 });
  });

  it('refuses a date that does not exist, naming it', async () => {
    const run = await resolve('working-days-between', '2025-12-18', '2025-02-29');
    assert.equal(run.code, 2);
    assert.match(run.err, /to "2025-02-29" is not a date/);
  });
});
