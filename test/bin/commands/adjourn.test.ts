import assert from 'node:assert/strict';
import { resolve } from './run-cli.js';

describe('bin/commands: resolve adjourn', () => {
  it('OX-S15: resuming on the 20th working day is allowed, with the OX-S17 implementation freeze', async () => {
    const run = await resolve('adjourn', '--meeting', '2026-03-10', '--resume', '2026-04-09');
    assert.equal(run.code, 0);
    assert.match(run.out, /resumes on 2026-04-09/);
    assert.match(run.out, /OX-S17/);
  });

  it('OX-S15: the 21st working day is refused with exit 1, naming the latest day', async () => {
    const run = await resolve('adjourn', '--meeting', '2026-03-10', '--resume', '2026-04-10');
    assert.equal(run.code, 1);
    assert.match(run.err, /refused \(OX-S15\).*must resume by 2026-04-09/);
  });

  it('OX-S15: --already-adjourned is refused as a second adjournment, in JSON too', async () => {
    const run = await resolve('adjourn', '--meeting', '2026-03-10', '--resume', '2026-03-20', '--already-adjourned', '--json');
    assert.equal(run.code, 1);
    assert.equal((JSON.parse(run.out) as { code: string }).code, 'already-adjourned');
  });

  it('a missing --resume exits 2 with the usage', async () => {
    const run = await resolve('adjourn', '--meeting', '2026-03-10');
    assert.equal(run.code, 2);
    assert.match(run.err, /--resume is required/);
  });
});
