/**
 * Where each person can be reached proactively: the Bot Framework conversation reference of
 * their 1:1 chat with the bot, kept whenever they talk to it. The store persists it as JSON;
 * nothing outside bot/ needs to know its shape.
 */
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { ConversationReferences, StoredConversationReference } from '../app/delivery/conversation-references.js';

export type { ConversationReferences, StoredConversationReference };

/**
 * The reference to keep for this activity, or undefined when the activity is not from a person
 * in a 1:1 chat (group chats and channels are not a person's address).
 */
export function personalReferenceOf(activity: Partial<Activity>): { userId: string; reference: StoredConversationReference } | undefined {
  const userId = activity.from?.aadObjectId;
  const type = activity.conversation?.conversationType;
  if (userId === undefined || userId === '' || (type !== undefined && type !== 'personal') || activity.conversation?.isGroup === true) {
    return undefined;
  }
  // Without the activity id: proactive messages start new threads, not replies to this one.
  const { activityId: _activityId, ...reference } = TurnContext.getConversationReference(activity);
  const withoutNames = {
    ...reference,
    ...(reference.user && { user: { id: reference.user.id, aadObjectId: userId, role: reference.user.role } }),
    ...(reference.bot && { bot: { id: reference.bot.id, role: reference.bot.role } }),
    ...(reference.conversation && {
      conversation: { ...reference.conversation, name: undefined },
    }),
  };
  return { userId, reference: JSON.parse(JSON.stringify(withoutNames)) as StoredConversationReference };
}

export function asConversationReference(stored: StoredConversationReference): Partial<ConversationReference> {
  return stored as Partial<ConversationReference>;
}

/** Keeps references in process memory only; they are lost on restart. For tests without a store. */
export function createVolatileConversationReferences(): ConversationReferences {
  const byUser = new Map<string, StoredConversationReference>();
  return {
    save: async (userId, reference) => {
      byUser.set(userId.toLowerCase(), reference);
    },
    find: async (userId) => byUser.get(userId.toLowerCase()),
  };
}

/**
 * A person's Teams user MRI (`29:...`), from the reference kept when they last talked to the bot;
 * undefined when Resolve has none (it then leaves `refresh.userIds` out of their 1:1 cards).
 */
export function createMriLookup(conversations: ConversationReferences): (userId: string) => Promise<string | undefined> {
  return async (userId) => {
    const user = (await conversations.find(userId))?.user as { id?: unknown } | undefined;
    return typeof user?.id === 'string' && user.id.startsWith('29:') ? user.id : undefined;
  };
}
