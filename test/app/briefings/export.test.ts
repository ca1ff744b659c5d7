/**
 * `resolve case briefing REFERENCE --docx FILE` (DOMAIN §3.2, §6.1), on PGlite and PostgreSQL: the
 * case's completed Director briefing note written as a Word document for the case record, read
 * back with mammoth; nothing of the note printed; a case with none, or no such case, exits 1.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mammoth from 'mammoth';
import { briefingFileName } from '../../../app/briefings/export.js';
import { handleCaseCommand } from '../../../app/cases/model.js';
import { createCaseCommand } from '../../../bin/commands/case-export.js';
import { runCli } from '../../../bin/commands/dispatch.js';
import { DEFAULT_ORG_FILE } from '../../../bin/config.js';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import { BRIEFING_TEMPLATE, getPolicy } from '../../../domain/policies/index.js';
import { createOrgFileDirectory, loadOrganisationFile } from '../../../graph/directory/index.js';
import { TestClock } from '../../../store/clock.js';
import type { Db } from '../../../store/db.js';
import { describeOnEngines } from '../../store/engines.js';
import { FICTIONAL_CHILD, completeBriefingAnswers } from '../../domain/escalation/briefing-answers.js';

const ELIN = '0c28cec1-b947-42af-a4b9-36976b4b76b0'; // Fostering Reviewing Officer
const NIAMH = 'bbeeb636-1d33-4c6d-96f0-da847a2a3b87'; // Supervising Social Worker
const TOMASZ = '8a119b9e-16bc-4732-8f7b-7676d015b0dc'; // Deputy Director
const HELENA = '2c63888f-28f0-4481-be6d-dce7a7ace732'; // Director of Children's Services

describe('app/briefings: the note\'s file name', () => {
  it('is the reference and the stage, with anything that could make a path made a dash', () => {
    assert.equal(briefingFileName('LCS-104233', 'level4'), 'LCS-104233-level4.docx');
    assert.equal(briefingFileName('../../etc/LCS.1', 'level4'), 'etc-LCS-1-level4.docx');
    assert.equal(briefingFileName('LCS/2026/7', 'level_4'), 'LCS-2026-7-level_4.docx');
  });
});

describeOnEngines('bin: resolve case briefing REFERENCE --docx FILE', (ctx) => {
  const borrowed = async (): Promise<Db> => ({ ...ctx.db, close: async () => undefined });
  const command = createCaseCommand(borrowed, async () => createOrgFileDirectory(await loadOrganisationFile(DEFAULT_ORG_FILE)));
  const reference = `LCS-${randomUUID().slice(0, 6)}9`;
  const bare = `LCS-${randomUUID().slice(0, 6)}8`;
  let dir: string;

  async function run(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['case', ...argv], { out: (s) => out.push(s), err: (s) => err.push(s) }, [command]);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'resolve-briefing-cli-'));
    const options = { db: ctx.db, clock: new TestClock('2026-11-23T10:00:00Z'), policyFor: getPolicy, calendar: createWorkingCalendar() };
    for (const ref of [reference, bare]) {
      const caseId = `case-${randomUUID()}`;
      const raised = await handleCaseCommand(options, {
        type: 'raise', caseId, actor: ELIN, reference: ref, subjectInitials: 'J.T.', allocatedWorkerId: NIAMH, policyId: 'somerset', alertTypeId: 'dispute',
        entryStageId: 'level3', issue: 'Supervision has stopped.', impactOnChild: 'The carers are unsupported.', resolutionSought: 'Supervision restored.', to: [TOMASZ],
      });
      assert.ok(raised.ok);
      if (ref === bare) continue;
      const done = await handleCaseCommand(options, {
        type: 'complete-briefing', caseId, actor: ELIN, stageId: 'level3', forStageId: 'level4', answers: completeBriefingAnswers({ lcsNumber: ref }), sendTo: [HELENA, TOMASZ],
      });
      assert.ok(done.ok, done.ok ? '' : done.refusal.message);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the completed note as .docx with every label and answer, says where, and prints nothing of it', async () => {
    const file = path.join(dir, 'note.docx');
    const result = await run('briefing', reference, '--docx', file);
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out, `Wrote the Director briefing note for ${reference} (Formal Dispute (Stage 3): Level 4) to ${file}`);
    for (const secret of [FICTIONAL_CHILD.name, FICTIONAL_CHILD.address]) assert.ok(!result.out.includes(secret) && !result.err.includes(secret));
    assert.equal(statSync(file).mode & 0o077, 0, 'readable by its owner only');
    const { value } = await mammoth.extractRawText({ buffer: readFileSync(file) });
    assert.match(value, /^Case Briefing for Deputy Director\/DCS/);
    for (const field of BRIEFING_TEMPLATE) assert.ok(value.includes(`${field.label}:`), field.label);
    for (const answer of Object.values(completeBriefingAnswers({ lcsNumber: reference }))) assert.ok(value.includes(answer), answer);
    assert.match(value, /Completed Monday 23 November 2026, 10:00, by Elin Rhys, Fostering Reviewing Officer/);
    assert.equal((await run('briefing', reference, '--docx', path.join(dir, 'again.docx'), '--stage', 'level4')).code, 0);
  });

  it('a case with no completed note, a stage with none, or no such case: exit 1, saying so; no --docx: exit 2', async () => {
    const none = await run('briefing', bare, '--docx', path.join(dir, 'x.docx'));
    assert.deepEqual([none.code, none.err], [1, `resolve case briefing: case ${bare} has no completed Director briefing note`]);
    const stage = await run('briefing', reference, '--docx', path.join(dir, 'x.docx'), '--stage', 'level3');
    assert.equal(stage.code, 1);
    assert.match(stage.err, /has no completed Director briefing note for the stage "level3"/);
    const unknown = await run('briefing', 'LCS-000000', '--docx', path.join(dir, 'x.docx'));
    assert.deepEqual([unknown.code, unknown.err], [1, 'resolve case briefing: there is no case with reference LCS-000000; check the reference on the case card']);
    assert.equal((await run('briefing', reference)).code, 2);
    assert.equal((await run('export', reference, '--docx', 'x.docx')).code, 2);
  });
});
