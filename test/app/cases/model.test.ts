import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import type { CaseCommand } from '../../../domain/escalation/index.js';
import { getPolicy } from '../../../domain/policies/index.js';
import { openCasesAtStage, openCasesFor, overdueCases } from '../../../app/cases/summary.js';
import { exportCaseNotes } from '../../../app/cases/case-notes.js';
import { caseDeadlineHandler, findCaseByReference, handleCaseCommand, loadCase, type CaseStoreOptions } from '../../../app/cases/model.js';
import { DEFAULT_ORG_FILE } from '../../../bin/config.js';
import { createOrgFileDirectory, loadOrganisationFile } from '../../../graph/directory/index.js';
import { TestClock } from '../../../store/clock.js';
import { createDeadlineDispatcher, listDeadlines } from '../../../store/deadlines.js';
import { verifyChain } from '../../../store/events.js';
import { listEffects } from '../../../store/outbox.js';
import { describeOnEngines } from '../../store/engines.js';

const calendar = createWorkingCalendar();
const IRO = 'iro-priya-okonjo';
const SW = 'sw-tom-adeyemi';
const TM = 'tm-rosa-lindqvist';

describeOnEngines('store: escalation cases on the store (domain wired in)', (ctx) => {
  let n = 0;
  // Each test runs a year earlier than the one before, so deadlines left by earlier tests are never due.
  const setUp = () => {
    const year = 2030 - n++;
    const clock = new TestClock(`${year}-03-09T10:00:00.000Z`);
    const options: CaseStoreOptions = { db: ctx.db, clock, policyFor: getPolicy, calendar, tenant: 'tenant-northmoor' };
    const caseId = `case-${randomUUID()}`;
    const reference = `OX-${year}-${String(n).padStart(4, '0')}-${caseId.slice(5, 9)}`;
    const raise: CaseCommand = {
      type: 'raise',
      caseId,
      actor: IRO,
      reference,
      subjectInitials: 'J.T.',
      allocatedWorkerId: SW,
      policyId: 'oxfordshire',
      alertTypeId: 'r_and_e',
      entryStageId: 'stage1',
      issue: 'Statutory visits are overdue.',
      impactOnChild: 'The child has not been seen in placement.',
      resolutionSought: 'A visit this week.',
      resolutionSoughtBy: `${year}-03-13`,
      to: [SW],
      cc: [TM],
    };
    return { clock, options, caseId, reference, raise };
  };

  it('raising a case appends its event with the summary, its deadlines and the new-card notifications in one go', async () => {
    const { options, caseId, reference, raise } = setUp();
    const outcome = await handleCaseCommand(options, raise);
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.refusal.message);
    const { records, state } = await loadCase(ctx.db, caseId);
    assert.deepEqual(records.map((r) => r.event.type), ['CaseRaised']);
    assert.equal(state!.reference, reference);

    const summary = await findCaseByReference(ctx.db, reference);
    assert.equal(summary!.caseId, caseId);
    assert.equal(summary!.isOpen, true);
    assert.equal(summary!.stageId, 'stage1');
    assert.equal(summary!.summary.raisedBy, IRO);

    const deadlines = await listDeadlines(ctx.db, caseId);
    assert.ok(deadlines.some((d) => d.key === 'response-due:stage1' && d.status === 'scheduled'));
    assert.equal(deadlines.find((d) => d.key === 'response-due:stage1')!.dueAt.toISOString(), state!.stage.responseDueAt);

    const effects = await listEffects(ctx.db, { streamId: caseId });
    assert.deepEqual(effects.map((e) => e.destination).sort(), [`teams:${IRO}`, `teams:${SW}`, `teams:${TM}`].sort());
    assert.ok(effects.every((e) => e.tenant === 'tenant-northmoor' && e.status === 'pending'));
  });

  it('finds open cases by person (raiser, addressee, copied) and by stage', async () => {
    const { options, caseId, raise } = setUp();
    await handleCaseCommand(options, raise);
    for (const person of [IRO, SW, TM]) {
      assert.ok((await openCasesFor(ctx.db, person)).some((c) => c.caseId === caseId), `${person} sees the case`);
    }
    assert.equal((await openCasesFor(ctx.db, 'someone-else')).some((c) => c.caseId === caseId), false);
    assert.ok((await openCasesAtStage(ctx.db, 'stage1')).some((c) => c.caseId === caseId));
  });

  it('a due response deadline fires through the domain: the case is chased, listed overdue, and the addressee gets Teams and email', async () => {
    const { options, clock, caseId, raise } = setUp();
    await handleCaseCommand(options, raise);
    const dueAt = (await loadCase(ctx.db, caseId)).state!.stage.responseDueAt!;
    assert.equal((await overdueCases(ctx.db, clock.now())).some((c) => c.caseId === caseId), false);

    const dispatcher = createDeadlineDispatcher({ db: ctx.db, clock, workerId: 'dispatcher-1', handler: caseDeadlineHandler(options) });
    clock.set(new Date(Date.parse(dueAt) + 60_000));
    for (let i = 0; i < 5 && (await dispatcher.runOnce()).claimed > 0; i++);
    assert.equal(dispatcher.totals.failed, 0);

    const types = (await loadCase(ctx.db, caseId)).records.map((r) => r.event.type);
    assert.ok(types.includes('ResponseOverdue'), `events: ${types.join(', ')}`);
    assert.equal(types.filter((t) => t === 'ResponseOverdue').length, 1);
    assert.ok((await overdueCases(ctx.db, clock.now())).some((c) => c.caseId === caseId));
    const deadline = (await listDeadlines(ctx.db, caseId)).find((d) => d.key === 'response-due:stage1')!;
    assert.equal(deadline.status, 'fired');
    const overdue = (await listEffects(ctx.db, { streamId: caseId })).filter((e) => e.idempotencyKey.includes('/overdue/'));
    assert.deepEqual(overdue.map((e) => e.destination).sort(), [`email:${SW}`, `teams:${SW}`]);
  });

  it('a response clears the case from the overdue list and cancels its response deadlines', async () => {
    const { options, clock, caseId, raise } = setUp();
    await handleCaseCommand(options, raise);
    clock.advance(3_600_000);
    const outcome = await handleCaseCommand(options, { type: 'respond', caseId, actor: SW, stageId: 'stage1', response: 'accept', text: 'A visit is booked for Thursday.' });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.refusal.message);
    assert.ok(outcome.deadlines.cancelled.includes('response-due:stage1'));
    clock.advance(30 * 86_400_000);
    assert.equal((await overdueCases(ctx.db, clock.now())).some((c) => c.caseId === caseId), false);
  });

  it('a refused command writes nothing: no event, no summary change, no outbox row', async () => {
    const { options, caseId, raise } = setUp();
    await handleCaseCommand(options, raise);
    const before = await listEffects(ctx.db, { streamId: caseId });
    const outcome = await handleCaseCommand(options, { type: 'respond', caseId, actor: 'stranger-0001', stageId: 'stage1', response: 'accept' });
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok && outcome.refusal.code === 'not-authorised');
    assert.equal((await loadCase(ctx.db, caseId)).version, 1);
    assert.deepEqual(await listEffects(ctx.db, { streamId: caseId }), before);
  });

  it('a command on a case that was never raised is refused as not found', async () => {
    const { options } = setUp();
    const outcome = await handleCaseCommand(options, { type: 'record-chase', caseId: 'case-missing', actor: IRO, stageId: 'stage1' });
    assert.ok(!outcome.ok && outcome.refusal.code === 'not-found');
  });

  it('exports the whole history as case-note text by reference, people named with their role (DOMAIN §6.1), and the audit chain stays intact', async () => {
    // Fictional people from graph/samples/organisation.yaml.
    const priya = 'ff53a46f-5ead-403a-84c4-b877678537a3';
    const samira = '3c3ae353-fb14-428e-90b4-01a6c1cc0aff';
    const bethan = '5796a670-482c-490e-8d97-82bfcdc83011';
    const directory = createOrgFileDirectory(await loadOrganisationFile(DEFAULT_ORG_FILE));
    const { options, clock, caseId, reference, raise } = setUp();
    if (raise.type !== 'raise') assert.fail('setUp raises a case');
    await handleCaseCommand(options, { ...raise, actor: priya, allocatedWorkerId: samira, to: [samira], cc: [bethan] });
    clock.advance(3_600_000);
    await handleCaseCommand(options, { type: 'respond', caseId, actor: samira, stageId: 'stage1', response: 'accept', text: 'A visit is booked for Thursday.' });
    const text = await exportCaseNotes(ctx.db, reference, directory);
    assert.ok(text);
    const lines = text.split('\n');
    assert.match(lines[0]!, new RegExp(`^Case ${reference} \\(J\\.T\\.\\): .* Raised by Priya Okonjo, Independent Reviewing Officer, on `));
    assert.ok(lines.some((l) => l.endsWith('Samira Haddad, Social Worker, accepted, noting "A visit is booked for Thursday."')), text);
    assert.ok(![priya, samira, bethan].some((id) => text.includes(id)), 'no Entra object id is printed');
    assert.equal(await exportCaseNotes(ctx.db, 'OX-0000-NONE', directory), undefined);
    assert.equal((await verifyChain(ctx.db)).ok, true);
  });
});
