/**
 * Conversation references kept in the store, so proactive delivery survives a restart and works
 * across instances. Each person's reference is a stream `conversation-reference/<Entra id>` in
 * the event store; a new event is appended only when the reference changes (a new chat, another
 * region's service URL), so chatting with the bot writes nothing most of the time.
 */
import { canonicalJson } from '../store/canonical-json.js';
import type { Clock } from '../store/clock.js';
import type { Db } from '../store/db.js';
import { appendToStream, ConcurrencyConflict, readStream } from '../store/events.js';
import type { ConversationReferences, StoredConversationReference } from './conversations.js';

interface ReferenceKept {
  readonly type: 'ConversationReferenceKept';
  readonly at: string;
  readonly userId: string;
  readonly reference: StoredConversationReference;
}

const streamOf = (userId: string) => `conversation-reference/${userId.toLowerCase()}`;

async function latest(db: Db, userId: string): Promise<{ version: number; reference: StoredConversationReference | undefined }> {
  const { version, records } = await readStream<ReferenceKept>(db, streamOf(userId));
  return { version, reference: records.at(-1)?.event.reference };
}

export function createStoredConversationReferences(db: Db, clock: Clock): ConversationReferences {
  /** What this process last saw stored per person, so an unchanged reference costs no query. */
  const seen = new Map<string, string>();
  return {
    save: async (userId, reference) => {
      const text = canonicalJson(reference);
      if (seen.get(userId.toLowerCase()) === text) return;
      const known = await latest(db, userId);
      seen.set(userId.toLowerCase(), text);
      if (known.reference !== undefined && canonicalJson(known.reference) === text) return;
      const now = clock.now();
      const event: ReferenceKept = { type: 'ConversationReferenceKept', at: now.toISOString(), userId, reference };
      try {
        await db.transaction((tx) => appendToStream(tx, streamOf(userId), known.version, [event], now));
      } catch (error) {
        // Someone else kept a reference for this person at the same moment: theirs is as good.
        if (!(error instanceof ConcurrencyConflict)) throw error;
      }
    },
    find: async (userId) => (await latest(db, userId)).reference,
  };
}
