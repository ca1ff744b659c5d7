/**
 * Conversation references: where to reach each person proactively (their 1:1 chat with the bot).
 * They are delivery addresses that change, not facts about a case, so they live in a plain table
 * (`conversation_reference`, migration 0005), one row per person, replaced when it changes.
 * User ids are Entra object ids, compared without regard to case.
 */
import { InvalidInputError } from '../domain/errors.js';
import type { Queryable } from './db.js';

/** A stored reference: any JSON object (the bot keeps a Bot Framework ConversationReference). */
export type ConversationReferenceJson = Readonly<Record<string, unknown>>;

/** A person's key: their Entra object id, trimmed, in lower case (ids are compared without regard to case). */
export const conversationKey = (userId: string) => userId.trim().toLowerCase();

function checkUserId(userId: string): void {
  if (conversationKey(userId) === '') throw new InvalidInputError('A conversation reference needs the person\'s Entra object id, and it was empty.', 'userId');
}

/**
 * Keeps `reference` as this person's conversation reference. Writes only when it differs from
 * the one stored (jsonb equality, so key order does not matter). Returns whether it wrote.
 */
export async function saveConversationReference(db: Queryable, userId: string, reference: ConversationReferenceJson, at: Date): Promise<boolean> {
  checkUserId(userId);
  const rows = await db.query<{ user_id: string }>(
    `INSERT INTO conversation_reference (user_id, reference, updated_at)
     VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (user_id) DO UPDATE SET reference = EXCLUDED.reference, updated_at = EXCLUDED.updated_at
       WHERE conversation_reference.reference IS DISTINCT FROM EXCLUDED.reference
     RETURNING user_id`,
    [conversationKey(userId), JSON.stringify(reference), at.toISOString()],
  );
  return rows.length > 0;
}

/** This person's conversation reference, or undefined if they never talked to the bot. */
export async function findConversationReference<T extends ConversationReferenceJson = ConversationReferenceJson>(
  db: Queryable,
  userId: string,
): Promise<{ readonly reference: T; readonly updatedAt: Date } | undefined> {
  checkUserId(userId);
  const [row] = await db.query<{ reference: T; updated_at: Date | string }>(
    'SELECT reference, updated_at FROM conversation_reference WHERE user_id = $1',
    [conversationKey(userId)],
  );
  return row === undefined ? undefined : { reference: row.reference, updatedAt: new Date(row.updated_at) };
}
