import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createAuditCommand } from '../../../bin/commands/audit.js';
import { createCaseCommand } from '../../../bin/commands/case-export.js';
import { runCli } from '../../../bin/commands/dispatch.js';
import type { Command } from '../../../bin/commands/command.js';
import { DEFAULT_ORG_FILE } from '../../../bin/config.js';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import { getPolicy } from '../../../domain/policies/index.js';
import { createOrgFileDirectory, loadOrganisationFile } from '../../../graph/directory/index.js';
import { handleCaseCommand } from '../../../app/cases/model.js';
import { TestClock } from '../../../store/clock.js';
import type { Db } from '../../../store/db.js';
import { describeOnEngines } from '../../store/engines.js';

// Fictional people from graph/samples/organisation.yaml (Northmoor Borough Council).
const PRIYA = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // Independent Reviewing Officer
const SAMIRA = '3c3ae353-fb14-428e-90b4-01a6c1cc0aff'; // Social Worker
const BETHAN = '5796a670-482c-490e-8d97-82bfcdc83011'; // Team Manager, Children in Care (North)
/** An Entra object id anywhere in the output (DOMAIN §6.1: never printed). */
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

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
  const caseCmd = createCaseCommand(borrowed, async () => createOrgFileDirectory(await loadOrganisationFile(DEFAULT_ORG_FILE)));
  const reference = `OX-2026-${randomUUID().slice(0, 8)}`;
  const caseId = `case-${randomUUID()}`;

  before(async () => {
    const clock = new TestClock('2026-03-09T10:00:00.000Z');
    const options = { db: ctx.db, clock, policyFor: getPolicy, calendar: createWorkingCalendar() };
    await handleCaseCommand(options, {
      type: 'raise', caseId, actor: PRIYA, reference, subjectInitials: 'J.T.', allocatedWorkerId: SAMIRA, policyId: 'oxfordshire', alertTypeId: 'r_and_e',
      entryStageId: 'stage1', issue: 'Statutory visits are overdue.', impactOnChild: 'The child has not been seen in placement.',
      resolutionSought: 'A visit this week.', resolutionSoughtBy: '2026-03-13', to: [SAMIRA], cc: [BETHAN],
    });
    clock.advance(3_600_000);
    await handleCaseCommand(options, { type: 'respond', caseId, actor: SAMIRA, stageId: 'stage1', response: 'accept', text: 'A visit is booked for Thursday.' });
  });

  it('DOMAIN §6.1: case export prints the case note, people named with their role and each decision dated, never an Entra object id', async () => {
    const result = await run(caseCmd, 'export', reference);
    assert.equal(result.code, 0, result.err);
    assert.doesNotMatch(result.out, GUID);
    assert.deepEqual(result.out.split('\n'), [
      `Case ${reference} (J.T.): Resolution and Escalation Alert, Oxfordshire County Council. Raised by Priya Okonjo, Independent Reviewing Officer, on Monday 9 March 2026, 10:00.` +
        ' Allocated worker: Samira Haddad, Social Worker.',
      'Monday 9 March 2026, 10:00 [Stage 1] Priya Okonjo, Independent Reviewing Officer, raised the Resolution and Escalation Alert. Issue: "Statutory visits are overdue."' +
        ' Impact on the looked after child: "The child has not been seen in placement." Resolution sought: "A visit this week." It went to Samira Haddad, Social Worker.' +
        ' Bethan Pryce, Team Manager, Children in Care (North), was copied in. Resolution was sought by Friday 13 March 2026. A response was requested by 17:00 on Friday 13 March 2026.',
      'Monday 9 March 2026, 11:00 [Stage 1] Samira Haddad, Social Worker, accepted, noting "A visit is booked for Thursday."',
    ]);
  });

  it('case export of an unknown reference exits 1 and says there is no such case', async () => {
    const result = await run(caseCmd, 'export', 'OX-1999-0000');
    assert.equal(result.code, 1);
    assert.equal(result.out, '');
    assert.equal(result.err, 'resolve case: there is no case with reference OX-1999-0000; check the reference on the case card');
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
