import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DuplicateReferenceError, findCaseSummary, upsertCaseSummary, type CaseSummaryInput } from '../../../app/cases/summary.js';
import { describeOnEngines } from '../../store/engines.js';

const summary = (caseId: string, reference: string, version: number): CaseSummaryInput => ({
  caseId,
  reference,
  policyId: 'oxfordshire',
  kind: 'escalation',
  status: 'open',
  stageId: 'stage1',
  stageLabel: 'Stage 1',
  raisedBy: 'user-priya-okonjo',
  addressees: ['user-samira-haddad'],
  copied: [],
  responseDueAt: '2026-03-09T17:00:00.000Z',
  overallLimitAt: null,
  updatedAt: '2026-03-02T09:00:00.000Z',
  version,
});

describeOnEngines('store: the case summary read model', (ctx) => {
  it('writes a case row, then replaces it on the next version', async () => {
    const caseId = `case-${randomUUID()}`;
    const reference = `LCS-${randomUUID().slice(0, 8)}`;
    await ctx.db.transaction((tx) => upsertCaseSummary(tx, summary(caseId, reference, 1), { isOpen: true, awaitingResponseBy: '2026-03-09T17:00:00.000Z' }));
    await ctx.db.transaction((tx) => upsertCaseSummary(tx, { ...summary(caseId, reference, 2), status: 'resolved' }, { isOpen: false, awaitingResponseBy: null }));
    const row = await findCaseSummary(ctx.db, { caseId });
    assert.deepEqual([row?.reference, row?.version, row?.status, row?.isOpen, row?.responseDueAt], [reference, 2, 'resolved', false, null]);
  });

  it('refuses a reference another case holds with DuplicateReferenceError, and writes nothing for the second case', async () => {
    const reference = `LCS-${randomUUID().slice(0, 8)}`;
    const first = `case-${randomUUID()}`;
    const second = `case-${randomUUID()}`;
    await ctx.db.transaction((tx) => upsertCaseSummary(tx, summary(first, reference, 1), { isOpen: true, awaitingResponseBy: null }));
    await assert.rejects(
      ctx.db.transaction((tx) => upsertCaseSummary(tx, summary(second, reference, 1), { isOpen: true, awaitingResponseBy: null })),
      (error: unknown) => error instanceof DuplicateReferenceError && error.reference === reference,
    );
    assert.equal(await findCaseSummary(ctx.db, { caseId: second }), undefined);
    assert.equal((await findCaseSummary(ctx.db, { reference }))?.caseId, first);
  });

  it('refuses the same reference raised by two cases at the same moment: one lands, the other gets DuplicateReferenceError', async () => {
    const reference = `LCS-${randomUUID().slice(0, 8)}`;
    const cases = [`case-${randomUUID()}`, `case-${randomUUID()}`];
    const results = await Promise.allSettled(
      cases.map((caseId) => ctx.db.transaction((tx) => upsertCaseSummary(tx, summary(caseId, reference, 1), { isOpen: true, awaitingResponseBy: null }))),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const refused = results.find((r) => r.status === 'rejected');
    assert.ok(refused?.status === 'rejected' && refused.reason instanceof DuplicateReferenceError, String(refused?.status === 'rejected' && refused.reason));
  });
});
