/**
 * Conversation references kept in the database, so proactive delivery survives a restart and
 * works across instances. They are delivery addresses, not audit records: one row per person in
 * the `conversation_reference` table (store/conversation-references.ts), replaced when the
 * reference changes (a new chat, another region's service URL). This process remembers what it
 * last stored per person, so chatting with the bot writes nothing most of the time.
 */
import type { Clock } from '../../store/clock.js';
import { conversationKey, findConversationReference, saveConversationReference } from '../../store/conversation-references.js';
import type { Db } from '../../store/db.js';

/** A Bot Framework conversation reference as plain JSON, without display names (bot/conversations.ts makes them). */
export type StoredConversationReference = Readonly<Record<string, unknown>>;

/** Where each person can be reached proactively: their 1:1 chat with the bot, by Entra object id. */
export interface ConversationReferences {
  /** Keeps (or replaces) the reference for a person's 1:1 chat. */
  save(userId: string, reference: StoredConversationReference): Promise<void>;
  find(userId: string): Promise<StoredConversationReference | undefined>;
}

export { conversationKey };

/**
 * Remembers `value` for `key` as the most recently seen, forgetting the least recently seen once
 * `kept` are remembered: the people who use the bot most are the last forgotten.
 */
export function rememberRecent<V>(memory: Map<string, V>, key: string, value: V, kept: number): void {
  memory.delete(key);
  memory.set(key, value);
  if (memory.size > kept) memory.delete(memory.keys().next().value as string);
}

/** People whose last stored reference one process remembers; past it, the least recently seen is forgotten first. */
const REFERENCES_KEPT = 50_000;

export function createStoredConversationReferences(db: Db, clock: Clock, kept = REFERENCES_KEPT): ConversationReferences {
  /**
   * What this process last saw stored per person, as JSON text, so an unchanged reference costs
   * no query. The text is not canonical: the same reference with its keys in another order only
   * costs an upsert, which writes nothing when the stored reference is the same (jsonb equality).
   */
  const seen = new Map<string, string>();
  return {
    save: async (userId, reference) => {
      const key = conversationKey(userId);
      const text = JSON.stringify(reference);
      if (seen.get(key) !== text) await saveConversationReference(db, userId, reference, clock.now());
      rememberRecent(seen, key, text, kept);
    },
    find: async (userId) => (await findConversationReference<StoredConversationReference>(db, userId))?.reference,
  };
}
