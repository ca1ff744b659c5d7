import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeOnEngines } from './engines.js';

const EFFECT_KINDS_MIGRATION = readFileSync(fileURLToPath(new URL('../../store/migrations/0008_outbox_effect_kinds.sql', import.meta.url)), 'utf8');

describeOnEngines('store: migration 0008 carries outbox effects queued before delivery went by kind', (ctx) => {
  const notification = (purpose: string, recipient: string) => ({ key: `case-1/v2/${purpose}/${recipient}`, caseId: 'case-1', recipient, purpose, stageId: 'stage1', version: 2, emailToo: false });
  const legacy = async (key: string, kind: string, payload: object, status = 'pending') =>
    ctx.db.query(
      `INSERT INTO outbox (idempotency_key, stream_id, destination, kind, payload, status, next_attempt_at, created_at, updated_at)
       VALUES ($1, 'case-1', 'teams:x', $2, $3::jsonb, $4, now(), now(), now())`,
      [key, kind, JSON.stringify(payload), status],
    );
  const row = async (key: string) => (await ctx.db.query<{ kind: string; payload: Record<string, unknown>; status: string; last_error: string | null }>('SELECT kind, payload, status, last_error FROM outbox WHERE idempotency_key = $1', [key]))[0]!;

  it('a waiting case card becomes teams.card or teams.update with the { topic, recipient, request } payload; a waiting case email is closed with a note; delivered rows are left as they were', async () => {
    await legacy('m-new', 'case-notification', notification('card-new', 'sw-1'));
    await legacy('m-update', 'case-notification', notification('card-update', 'tm-1'), 'ambiguous');
    await legacy('m-email', 'case-notification-email', notification('overdue', 'sw-1'));
    await legacy('m-done', 'case-notification', notification('card-new', 'iro-1'), 'delivered');
    await ctx.db.exec(EFFECT_KINDS_MIGRATION);
    const created = await row('m-new');
    assert.equal(created.kind, 'teams.card');
    assert.deepEqual(created.payload, { topic: 'case', recipient: 'sw-1', request: notification('card-new', 'sw-1') });
    assert.equal((await row('m-update')).kind, 'teams.update');
    const email = await row('m-email');
    assert.deepEqual([email.status, email.kind], ['failed', 'case-notification-email']);
    assert.match(email.last_error ?? '', /queued before delivery went by kind/);
    assert.equal((await row('m-done')).kind, 'case-notification', 'a delivered row is history: left alone');
  });
});
