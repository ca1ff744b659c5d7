import assert from 'node:assert/strict';
import { createStoredConversationReferences } from '../../../app/delivery/conversation-references.js';
import { TestClock } from '../../../store/clock.js';
import { findConversationReference } from '../../../store/conversation-references.js';
import { IN_MEMORY, openDatabase, type Db } from '../../../store/db.js';

const WORKER = '3c3ae353-fb14-428e-90b4-01a6c1cc0aff'; // Samira Haddad (fictional)
const reference = (conversationId: string) => ({ channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/uk/', conversation: { id: conversationId, conversationType: 'personal' } });

describe('app/delivery: conversation references kept as operational data, not audit records', () => {
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
    const clock = new TestClock('2026-11-23T12:00:00Z');
    const refs = createStoredConversationReferences(db, clock);
    await refs.save(WORKER, reference('a:1'));
    clock.advance(60_000);
    await refs.save(WORKER, reference('a:1'));
    assert.equal((await findConversationReference(db, WORKER))?.updatedAt.toISOString(), '2026-11-23T10:00:00.000Z', 'unchanged: not rewritten');
    await refs.save(WORKER, reference('a:2'));
    assert.equal((await findConversationReference(db, WORKER))?.updatedAt.toISOString(), '2026-11-23T12:01:00.000Z');
    assert.deepEqual(await refs.find(WORKER), reference('a:2'));
  });

  it('costs no query for a reference this process saved unchanged, even with its keys in another order (the upsert writes nothing)', async () => {
    let queries = 0;
    const counting: Db = { ...db, query: (sql, params) => { queries += 1; return db.query(sql, params); } };
    const clock = new TestClock('2026-11-23T14:00:00Z');
    const refs = createStoredConversationReferences(counting, clock);
    await refs.save(WORKER, reference('a:4'));
    await refs.save(WORKER, reference('a:4'));
    assert.equal(queries, 1, 'the second save of the same reference is not sent');
    const reordered = { conversation: { conversationType: 'personal', id: 'a:4' }, serviceUrl: 'https://smba.trafficmanager.net/uk/', channelId: 'msteams' };
    clock.advance(60_000);
    await refs.save(WORKER, reordered);
    assert.equal(queries, 2);
    assert.equal((await findConversationReference(db, WORKER))?.updatedAt.toISOString(), '2026-11-23T14:00:00.000Z', 'the same reference in another key order: not rewritten');
  });

  it('forgets the person it remembered first once it holds as many as it keeps, and saves for them again', async () => {
    let queries = 0;
    const counting: Db = { ...db, query: (sql, params) => { queries += 1; return db.query(sql, params); } };
    const refs = createStoredConversationReferences(counting, new TestClock('2026-11-23T15:00:00Z'), 1);
    await refs.save(WORKER, reference('a:5'));
    await refs.save('5796a670-482c-490e-8d97-82bfcdc83011', reference('a:6'));
    await refs.save(WORKER, reference('a:5'));
    assert.equal(queries, 3);
  });

  it('nothing about conversations goes into the hash-chained event store', async () => {
    await createStoredConversationReferences(db, new TestClock('2026-11-23T13:00:00Z')).save('5796a670-482c-490e-8d97-82bfcdc83011', reference('a:3'));
    const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    assert.equal(rows[0]?.n, 0);
  });
});
