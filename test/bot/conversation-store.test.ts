import assert from 'node:assert/strict';
import { createStoredConversationReferences } from '../../bot/conversation-store.js';
import { TestClock } from '../../store/clock.js';
import { IN_MEMORY, openDatabase, type Db } from '../../store/db.js';
import { readStream } from '../../store/events.js';

const WORKER = '3c3ae353-fb14-428e-90b4-01a6c1cc0aff'; // Samira Haddad (fictional)
const reference = (conversationId: string) => ({ channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/uk/', conversation: { id: conversationId, conversationType: 'personal' } });

describe('bot/conversation-store: conversation references in the event store', () => {
  let db: Db;
  before(async () => {
    db = await openDatabase({ kind: 'pglite', dataDir: IN_MEMORY });
  });
  after(async () => {
    await db.close();
  });

  it('keeps a reference that a new instance (or a restart) finds, whatever the case of the id', async () => {
    await createStoredConversationReferences(db, new TestClock('2026-11-23T10:00:00Z')).save(WORKER, reference('a:1'));
    const again = createStoredConversationReferences(db, new TestClock('2026-11-23T11:00:00Z'));
    assert.deepEqual(await again.find(WORKER.toUpperCase()), reference('a:1'));
    assert.equal(await again.find('00000000-0000-4000-8000-000000000000'), undefined);
  });

  it('writes only when the reference changes, and the latest one wins', async () => {
    const refs = createStoredConversationReferences(db, new TestClock('2026-11-23T12:00:00Z'));
    await refs.save(WORKER, reference('a:1'));
    await refs.save(WORKER, reference('a:1'));
    assert.equal((await readStream(db, `conversation-reference/${WORKER}`)).version, 1);
    await refs.save(WORKER, reference('a:2'));
    assert.equal((await readStream(db, `conversation-reference/${WORKER}`)).version, 2);
    assert.deepEqual(await refs.find(WORKER), reference('a:2'));
  });
});
