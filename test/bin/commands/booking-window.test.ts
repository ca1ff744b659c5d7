import assert from 'node:assert/strict';
import { resolve, resolveJson } from './run-cli.js';

describe('bin/commands: resolve booking-window', () => {
  it('§8.5/OX-R08a: a looked-after review booked on 5 Jan 2026 fits between 2 Feb and its due date', async () => {
    const w = await resolveJson('booking-window', '--kind', 'looked-after', '--due', '2026-05-01', '--booking-on', '2026-01-05');
    assert.deepEqual(w, {
      earliest: '2026-02-02', latest: '2026-05-01', feasible: true, limitingRule: 'OX-R08a',
      explanation: (w as { explanation: string }).explanation,
    });
  });

  it('prints the window as text, and says when no date fits', async () => {
    const ok = await resolve('booking-window', '--kind', 'foster-carer', '--due', '2026-12-01', '--booking-on', '2026-06-01');
    assert.match(ok.out, /^Book from 2026-06-15 to 2026-12-01\./);
    const none = await resolve('booking-window', '--kind', 'looked-after', '--due', '2026-05-01', '--booking-on', '2026-04-20');
    assert.equal(none.code, 0);
    assert.match(none.out, /^No date fits\./);
  });

  it('without --booking-on it counts from today', async () => {
    const run = await resolve('booking-window', '--kind', 'looked-after', '--due', '2099-12-31');
    assert.equal(run.code, 0);
    assert.match(run.out, /^Book from \d{4}-\d{2}-\d{2} to 2099-12-31\./);
  });

  it('a bad --feedback-lead-weeks exits 2', async () => {
    const run = await resolve('booking-window', '--kind', 'foster-carer', '--due', '2026-12-01', '--feedback-lead-weeks', 'two');
    assert.equal(run.code, 2);
    assert.match(run.err, /--feedback-lead-weeks must be a whole number, not "two"/);
  });
});
