import assert from 'node:assert/strict';
import { InvalidInputError } from '../../domain/errors.js';
import { findConversationReference, saveConversationReference } from '../../store/conversation-references.js';
import { describeOnEngines } from './engines.js';

// Fictional people (Entra-style object ids).
const WORKER = '3c3ae353-fb14-428e-90b4-01a6c1cc0aff'; // Samira Haddad
const MANAGER = '5796a670-482c-490e-8d97-82bfcdc83011'; // Bethan Pryce
const reference = (conversationId: string, serviceUrl = 'https://smba.trafficmanager.net/uk/') => ({
  channelId: 'msteams', serviceUrl, conversation: { id: conversationId, conversationType: 'personal' },
});
const at = (iso: string) => new Date(iso);

describeOnEngines('store/conversation-references: delivery addresses in a plain table, outside the audit trail', (ctx) => {
  it('a saved reference is found again, whatever the case of the Entra id; someone never seen has none', async () => {
    assert.equal(await saveConversationReference(ctx.db, WORKER, reference('a:1'), at('2026-11-23T10:00:00Z')), true);
    const found = await findConversationReference(ctx.db, WORKER.toUpperCase());
    assert.deepEqual(found?.reference, reference('a:1'));
    assert.equal(found?.updatedAt.toISOString(), '2026-11-23T10:00:00.000Z');
    assert.equal(await findConversationReference(ctx.db, '00000000-0000-4000-8000-000000000000'), undefined);
  });

  it('saving the same reference again writes nothing (key order does not matter) and keeps its time', async () => {
    await saveConversationReference(ctx.db, MANAGER, reference('a:7'), at('2026-11-23T10:00:00Z'));
    const reordered = { conversation: { conversationType: 'personal', id: 'a:7' }, serviceUrl: 'https://smba.trafficmanager.net/uk/', channelId: 'msteams' };
    assert.equal(await saveConversationReference(ctx.db, MANAGER.toUpperCase(), reordered, at('2026-11-23T11:00:00Z')), false);
    assert.equal((await findConversationReference(ctx.db, MANAGER))?.updatedAt.toISOString(), '2026-11-23T10:00:00.000Z');
  });

  it('a changed reference replaces the old one: one row per person, the latest wins', async () => {
    const user = 'a712755f-6cac-44d5-99d5-269512e74f7b'; // Farah Siddiqui
    await saveConversationReference(ctx.db, user, reference('a:1'), at('2026-11-23T10:00:00Z'));
    assert.equal(await saveConversationReference(ctx.db, user, reference('a:1', 'https://smba.trafficmanager.net/emea/'), at('2026-11-23T12:00:00Z')), true);
    const found = await findConversationReference(ctx.db, user);
    assert.deepEqual(found?.reference, reference('a:1', 'https://smba.trafficmanager.net/emea/'));
    assert.equal(found?.updatedAt.toISOString(), '2026-11-23T12:00:00.000Z');
    const rows = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM conversation_reference WHERE user_id = $1', [user]);
    assert.equal(rows[0]?.n, 1);
  });

  it('references are not audit records: saving one appends nothing to the event store', async () => {
    const before = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    await saveConversationReference(ctx.db, 'ff53a46f-5ead-403a-84c4-b877678537a3', reference('a:9'), at('2026-11-23T13:00:00Z'));
    const after = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    assert.equal(after[0]?.n, before[0]?.n);
  });

  it('an empty user id is refused with a message that says what is missing', async () => {
    await assert.rejects(saveConversationReference(ctx.db, '  ', reference('a:1'), at('2026-11-23T10:00:00Z')),
      (e: unknown) => e instanceof InvalidInputError && /Entra object id/.test(e.message));
  });
});
