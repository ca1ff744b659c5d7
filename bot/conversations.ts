/**
 * Where each person can be reached proactively: the Bot Framework conversation reference of
 * their 1:1 chat with the bot, kept whenever they talk to it. The store persists it as JSON;
 * nothing outside bot/ needs to know its shape.
 */
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import { conversationKey, rememberRecent, type ConversationReferences, type StoredConversationReference } from '../app/delivery/conversation-references.js';

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
      byUser.set(conversationKey(userId), reference);
    },
    find: async (userId) => byUser.get(conversationKey(userId)),
  };
}

/** How many people's MRIs one process keeps: a council's staff many times over; past it, the least recently seen is forgotten first. */
const MRIS_KEPT = 50_000;

/** The Teams user MRI (`29:...`) a reference addresses, when it is one. */
const mriIn = (reference: StoredConversationReference | undefined): string | undefined => {
  const id = (reference?.user as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id.startsWith('29:') ? id : undefined;
};

/**
 * People's Teams user MRIs (`29:...`), for `refresh.userIds` on their 1:1 cards; undefined for
 * someone Resolve has never talked with (their cards then leave `refresh.userIds` out).
 *
 * A person's MRI for this bot never changes, so this process remembers each one it sees: from every
 * reference saved (each time someone talks to the bot, before their turn is handled) and every one
 * found. The card that answers a person's click is drawn for them, so it needs no query for their
 * MRI. Only the MRI is remembered: the rest of a reference (its conversation, its service URL) can
 * change under another instance, so delivery always reads it from the store.
 */
export function rememberingMris(conversations: ConversationReferences, kept = MRIS_KEPT): { readonly conversations: ConversationReferences; mriOf(userId: string): Promise<string | undefined> } {
  const known = new Map<string, string>();
  const remember = (userId: string, mri: string | undefined) => {
    if (mri !== undefined) rememberRecent(known, conversationKey(userId), mri, kept);
  };
  return {
    conversations: {
      save: async (userId, reference) => {
        await conversations.save(userId, reference);
        remember(userId, mriIn(reference));
      },
      find: async (userId) => {
        const reference = await conversations.find(userId);
        remember(userId, mriIn(reference));
        return reference;
      },
    },
    mriOf: async (userId) => {
      const mri = known.get(conversationKey(userId));
      if (mri !== undefined) {
        remember(userId, mri);
        return mri;
      }
      const found = mriIn(await conversations.find(userId));
      remember(userId, found);
      return found;
    },
  };
}
