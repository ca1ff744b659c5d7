/**
 * People's Teams MRIs for refresh.userIds (DESIGN Cards): remembered from the references this
 * process saves and finds, so the card answering a click costs no query for the clicker's MRI.
 */
import assert from 'node:assert/strict';
import { createVolatileConversationReferences, rememberingMris, type ConversationReferences, type StoredConversationReference } from '../../bot/conversations.js';

const AMARA = '0b8e6f52-3f0e-4d7a-9a51-6c2d1e9f7a10';
const TOBIAS = 'c41d2a77-58e9-4b0c-8f3e-2a6b9d0e5c21';
const referenceFor = (userId: string, userMri: string): StoredConversationReference => ({
  channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/uk/', user: { id: userMri, aadObjectId: userId }, conversation: { id: `a:${userId}`, conversationType: 'personal' },
});

/** The volatile store, counting the finds that reach it. */
function countingStore(): ConversationReferences & { finds: number } {
  const inner = createVolatileConversationReferences();
  const store = {
    finds: 0,
    save: (userId: string, reference: StoredConversationReference) => inner.save(userId, reference),
    find: (userId: string) => {
      store.finds += 1;
      return inner.find(userId);
    },
  };
  return store;
}

describe('bot: people\'s Teams MRIs, remembered by this process (DESIGN Cards, refresh.userIds)', () => {
  it('answers with the MRI of a reference this process saved, without reading the store', async () => {
    const store = countingStore();
    const { conversations, mriOf } = rememberingMris(store);
    await conversations.save(AMARA, referenceFor(AMARA, '29:1amara'));
    assert.equal(await mriOf(AMARA.toUpperCase()), '29:1amara', 'Entra object ids are compared without case');
    assert.equal(store.finds, 0);
    assert.deepEqual(await store.find(AMARA), referenceFor(AMARA, '29:1amara'), 'the save reached the store');
  });

  it('reads the store once for someone this process has not seen, then remembers what it found', async () => {
    const store = countingStore();
    await store.save(TOBIAS, referenceFor(TOBIAS, '29:1tobias'));
    const { mriOf } = rememberingMris(store);
    assert.equal(await mriOf(TOBIAS), '29:1tobias');
    assert.equal(await mriOf(TOBIAS), '29:1tobias');
    assert.equal(store.finds, 1);
  });

  it('has no MRI for someone never talked with, and asks the store again next time (they may have talked to another instance)', async () => {
    const store = countingStore();
    const { mriOf } = rememberingMris(store);
    assert.equal(await mriOf(AMARA), undefined);
    await store.save(AMARA, referenceFor(AMARA, '29:1amara'));
    assert.equal(await mriOf(AMARA), '29:1amara');
    assert.equal(store.finds, 2);
  });

  it('takes only a Teams user MRI (29:...) from a reference, never another id', async () => {
    const store = countingStore();
    const { conversations, mriOf } = rememberingMris(store);
    await conversations.save(AMARA, referenceFor(AMARA, AMARA));
    assert.equal(await mriOf(AMARA), undefined);
  });

  it('forgets the person seen least recently first: someone whose MRI was just asked for is kept', async () => {
    const store = countingStore();
    const { conversations, mriOf } = rememberingMris(store, 2);
    const third = 'e2f7c1a9-0d3b-4c6e-9a8f-1b2c3d4e5f60';
    await conversations.save(AMARA, referenceFor(AMARA, '29:1amara'));
    await conversations.save(TOBIAS, referenceFor(TOBIAS, '29:1tobias'));
    assert.equal(await mriOf(AMARA), '29:1amara');
    await conversations.save(third, referenceFor(third, '29:1third'));
    assert.equal(await mriOf(AMARA), '29:1amara');
    assert.equal(store.finds, 0, 'Amara, asked for just before, was kept');
    assert.equal(await mriOf(TOBIAS), '29:1tobias');
    assert.equal(store.finds, 1, 'Tobias, seen least recently, was forgotten');
  });

  it('forgets the person remembered first once it holds as many as it keeps, and reads the store for them again', async () => {
    const store = countingStore();
    const { conversations, mriOf } = rememberingMris(store, 1);
    await conversations.save(AMARA, referenceFor(AMARA, '29:1amara'));
    await conversations.save(TOBIAS, referenceFor(TOBIAS, '29:1tobias'));
    assert.equal(await mriOf(TOBIAS), '29:1tobias');
    assert.equal(store.finds, 0);
    assert.equal(await mriOf(AMARA), '29:1amara');
    assert.equal(store.finds, 1);
  });
});
