import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { getPolicy } from '../../../domain/policies/index.js';
import { resolve, resolveJson } from './run-cli.js';

describe('bin/commands: resolve policy', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'resolve-policy-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('policy list prints one line per shipped ladder', async () => {
    const run = await resolve('policy', 'list');
    assert.equal(run.code, 0);
    const lines = run.out.split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0] ?? '', /^dudley\s+Dudley MBC: .* \(FIRO, foster carer\); 5 stages; overall limit none$/);
    assert.match(lines[2] ?? '', /^oxfordshire\s+Oxfordshire County Council: Resolution and Escalation Process \(IRO, child\); 6 stages; overall limit 20 working days from stage1_raised; Cafcass prompt$/);
  });

  it('policy list --json gives the summaries', async () => {
    const list = (await resolveJson('policy', 'list')) as { id: string; cafcassReferral: boolean }[];
    assert.deepEqual(list.map((p) => [p.id, p.cafcassReferral]), [['dudley', false], ['somerset', false], ['oxfordshire', true], ['cheshire_east', true]]);
  });

  it('policy show <id> --json prints the whole ladder as validated', async () => {
    assert.deepEqual(await resolveJson('policy', 'show', 'somerset'), JSON.parse(JSON.stringify(getPolicy('somerset'))));
  });

  it('policy show <id> prints the stages with the authority\'s role titles, times and gap settings', async () => {
    const run = await resolve('policy', 'show', 'somerset');
    assert.equal(run.code, 0);
    assert.match(run.out, /^Somerset Council: Quality Assurance Issue Resolution \/ Dispute \[somerset, version 1\.0\.0 from 2026-01-01\]/);
    assert.match(run.out, / {2}3\. Formal Dispute \(Stage 3\): Level 1 \[level1\] \(formal; own date within the time\)\n {5}To: Ops Manager; CC: Practice Supervisor, Team Manager\n {5}Response: up to 5 working days; by direct communication/);
    assert.match(run.out, /Level 4 \[level4\] \(formal; Director briefing note required\)/);
    assert.match(run.out, /Bypass: allowed at the FRO's discretion/);
    assert.match(run.out, /AMB-04 stages\.level4\.responseTime = null: none: the Level 4 row has no timescale/);
  });

  it('policy show with an unknown id exits 2 and names the known ladders', async () => {
    const run = await resolve('policy', 'show', 'norfolk');
    assert.equal(run.code, 2);
    assert.equal(run.err, 'resolve policy: there is no ladder "norfolk"; known ladders: dudley, somerset, oxfordshire, cheshire_east');
  });

  it('policy with no action, or an unknown one, exits 2 with the usage', async () => {
    for (const argv of [['policy'], ['policy', 'delete', 'dudley'], ['policy', 'show']]) {
      const run = await resolve(...argv);
      assert.equal(run.code, 2);
      assert.match(run.err, /usage: resolve policy list/);
    }
  });

  it('policy check accepts an authority\'s own YAML ladder', async () => {
    const file = join(dir, 'oxfordshire-copy.yaml');
    await writeFile(file, stringify({ ...getPolicy('oxfordshire'), id: 'oxfordshire_local' }));
    const run = await resolve('policy', 'check', file);
    assert.deepEqual([run.code, run.out], [0, `${file}: a valid ladder "oxfordshire_local" for Oxfordshire County Council with 6 stages`]);
  });

  it('policy check refuses a bad file with every fault listed by path, exit 2', async () => {
    const file = join(dir, 'bad.json');
    const ladder = JSON.parse(JSON.stringify(getPolicy('dudley'))) as { stages: { to: string[]; mode: string }[] };
    ladder.stages[1]!.to = ['team_mgr'];
    ladder.stages[2]!.mode = 'fax';
    await writeFile(file, JSON.stringify(ladder));
    const run = await resolve('policy', 'check', file);
    assert.equal(run.code, 2);
    assert.match(run.err, /has 2 faults/);
    assert.match(run.err, /- stages\[1\]\.to\[0\]: "team_mgr" is not a known role; known roles: /);
    assert.match(run.err, /- stages\[2\]\.mode: "fax" is not one of: /);
  });

  it('policy check needs a .yaml, .yml or .json file', async () => {
    const run = await resolve('policy', 'check', join(dir, 'ladder.txt'));
    assert.equal(run.code, 2);
    assert.match(run.err, /must end in \.yaml, \.yml or \.json/);
  });
});
