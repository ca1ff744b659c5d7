import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createAuditCommand } from '../../../bin/commands/audit.js';
import { createCaseCommand } from '../../../bin/commands/case-export.js';
import { runCli } from '../../../bin/commands/dispatch.js';
import type { Command } from '../../../bin/commands/command.js';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import { getPolicy } from '../../../domain/policies/index.js';
import { handleCaseCommand } from '../../../app/cases/model.js';
import { TestClock } from '../../../store/clock.js';
import type { Db } from '../../../store/db.js';
import { describeOnEngines } from '../../store/engines.js';

async function run(command: Command, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli([command.name, ...argv], { out: (s) => out.push(s), err: (s) => err.push(s) }, [command]);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describeOnEngines('bin/commands: resolve audit verify and resolve case export', (ctx) => {
  /** The commands close the database they are given, as the real ones do; hand them a view that does not. */
  const borrowed = async (): Promise<Db> => ({ ...ctx.db, close: async () => undefined });
  const audit = createAuditCommand(borrowed);
  const caseCmd = createCaseCommand(borrowed);
  const reference = `OX-2026-${randomUUID().slice(0, 8)}`;
  const caseId = `case-${randomUUID()}`;

  before(async () => {
    const clock = new TestClock('2026-03-09T10:00:00.000Z');
    const options = { db: ctx.db, clock, policyFor: getPolicy, calendar: createWorkingCalendar() };
    await handleCaseCommand(options, {
      type: 'raise', caseId, actor: 'iro-priya-okonjo', reference, subjectInitials: 'J.T.', allocatedWorkerId: 'sw-tom-adeyemi', policyId: 'oxfordshire', alertTypeId: 'r_and_e',
      entryStageId: 'stage1', issue: 'Statutory visits are overdue.', impactOnChild: 'The child has not been seen in placement.',
      resolutionSought: 'A visit this week.', resolutionSoughtBy: '2026-03-13', to: ['sw-tom-adeyemi'], cc: ['tm-rosa-lindqvist'],
    });
    clock.advance(3_600_000);
    await handleCaseCommand(options, { type: 'respond', caseId, actor: 'sw-tom-adeyemi', stageId: 'stage1', response: 'accept', text: 'A visit is booked for Thursday.' });
  });

  it('case export prints the whole history as case-note text, one entry a line', async () => {
    const result = await run(caseCmd, 'export', reference);
    assert.equal(result.code, 0, result.err);
    const lines = result.out.split('\n');
    assert.match(lines[0]!, new RegExp(`^Case ${reference} \\(J\\.T\\.\\)`));
    assert.match(lines[1]!, /^09\/03\/2026 10:00 \[Stage 1[^\]]*\] iro-priya-okonjo raised/);
    assert.match(lines[2]!, /^09\/03\/2026 11:00 \[.*\] sw-tom-adeyemi accepted\. Note: A visit is booked for Thursday\.$/);
  });

  it('case export of an unknown reference exits 1 and says so', async () => {
    const result = await run(caseCmd, 'export', 'OX-1999-0000');
    assert.equal(result.code, 1);
    assert.match(result.err, /no case with reference OX-1999-0000/);
  });

  it('case without "export <reference>" is a usage error (exit 2)', async () => {
    assert.equal((await run(caseCmd)).code, 2);
    assert.equal((await run(caseCmd, 'export')).code, 2);
    assert.equal((await run(caseCmd, 'delete', reference)).code, 2);
  });

  it('audit verify exits 0 and prints the head hash when the chain is intact', async () => {
    const [head] = await ctx.db.query<{ hash: string; seq: number }>('SELECT hash, seq FROM audit_head');
    const result = await run(audit, 'verify');
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out, `audit trail intact: ${head!.seq} events, head ${head!.hash}`);
  });

  it('audit verify exits 1 and names the first bad sequence when a superuser edited a row', async () => {
    const [row] = await ctx.db.query<{ seq: number; event: unknown }>('SELECT seq, event FROM events WHERE stream_id = $1 ORDER BY seq LIMIT 1', [caseId]);
    const tamper = (event: unknown) =>
      ctx.db.transaction(async (tx) => {
        await tx.query('SET LOCAL session_replication_role = replica');
        await tx.query('UPDATE events SET event = $2::jsonb WHERE seq = $1', [row!.seq, JSON.stringify(event)]);
      });
    await tamper({ ...(row!.event as object), issue: 'Nothing to see here.' });
    try {
      const result = await run(audit, 'verify');
      assert.equal(result.code, 1);
      assert.match(result.err, new RegExp(`^audit trail broken at sequence ${row!.seq}: event ${row!.seq} was altered`));
      const json = await run(audit, 'verify', '--json');
      assert.equal((JSON.parse(json.out) as { firstBadSeq: number }).firstBadSeq, row!.seq);
    } finally {
      await tamper(row!.event);
    }
    assert.equal((await run(audit, 'verify')).code, 0);
  });

  it('audit without "verify" is a usage error (exit 2)', async () => {
    assert.equal((await run(audit)).code, 2);
    assert.equal((await run(audit, 'repair')).code, 2);
  });
});
