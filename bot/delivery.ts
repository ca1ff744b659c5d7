/**
 * Teams delivery of a composed message to one person (app/delivery/transports.ts decides what
 * happens when Teams cannot reach them):
 *
 * 1. A card update replaces the earlier message in place; when that message is gone, the card is
 *    sent as a new message (and the delivery says so, so the new one is recorded as the card).
 * 2. The person's stored 1:1 conversation reference: `continueConversationAsync`.
 * 3. None, or Teams says that conversation is gone (403/404): "no-chat". app/delivery then installs
 *    the app through Graph and calls `sendToChat` with the 1:1 chat id the install returned
 *    (`createConversationAsync` with their Entra object id when Graph gave none).
 * Throttling and server errors go back to the outbox to retry (honouring Retry-After).
 */
import { CardFactory, type Activity, type ConversationParameters, type ConversationReference, type TurnContext } from 'botbuilder';
import type { MessageLocation, PersonalMessage } from '../app/delivery/messages.js';
import type { TeamsOutcome, TeamsTransport } from '../app/delivery/transports.js';
import type { ResolveAdapter } from './adapter.js';
import { asConversationReference, personalReferenceOf, type ConversationReferences } from './conversations.js';
import { errorFields, type Logger } from '../app/log.js';

export interface TeamsDeliveryOptions {
  readonly adapter: ResolveAdapter;
  /** The bot's app id; '' in local mode. */
  readonly botAppId: string;
  readonly tenantId?: string;
  readonly conversations: ConversationReferences;
  /** The Bot Connector endpoint for new conversations (the tenant's region). */
  readonly serviceUrl: string;
  readonly logger: Logger;
}

/** The Bot Framework token audience of the public cloud's connector. */
const CONNECTOR_AUDIENCE = 'https://api.botframework.com';

/** The Bot Framework activity for a message. */
export function toActivity(message: PersonalMessage): Partial<Activity> {
  return {
    type: 'message',
    ...(message.text !== undefined && { text: message.text }),
    ...(message.preview !== undefined && { summary: message.preview }),
    ...(message.card !== undefined && { attachments: [CardFactory.adaptiveCard(message.card)] }),
  };
}

type Failure = { readonly kind: 'gone' } | { readonly kind: 'result'; readonly result: Exclude<TeamsOutcome, { outcome: 'delivered' | 'unreachable' }> };

/** What a failed connector call means for the outbox. */
export function classifyTeamsError(error: unknown): Failure {
  const statusCode = (error as { statusCode?: unknown }).statusCode;
  const code = (error as { code?: unknown }).code;
  const name = error instanceof Error ? error.name : 'Error';
  if (typeof statusCode === 'number') {
    if (statusCode === 403 || statusCode === 404) return { kind: 'gone' };
    const headers = (error as { response?: { headers?: { get?: (name: string) => string | undefined } } }).response?.headers;
    const retryAfter = Number(headers?.get?.('retry-after'));
    const retryAfterMs = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined;
    const described = `Teams answered ${statusCode}`;
    if (statusCode === 429 || statusCode === 503) return { kind: 'result', result: { outcome: 'retry', error: described, ...(retryAfterMs !== undefined && { retryAfterMs }) } };
    if (statusCode >= 500) return { kind: 'result', result: { outcome: 'ambiguous', error: described, ...(retryAfterMs !== undefined && { retryAfterMs }) } };
    return { kind: 'result', result: { outcome: 'rejected', error: described } };
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return { kind: 'result', result: { outcome: 'retry', error: `Teams unreachable (${String(code)})` } };
  }
  return { kind: 'result', result: { outcome: 'ambiguous', error: `${name}${typeof code === 'string' ? ` ${code}` : ''}` } };
}

/**
 * Runs `send` in a proactive turn and returns what it returned. Errors inside the turn are
 * carried out rather than left to the adapter's turn-error handler, so the outbox sees them.
 */
async function inTurn<T>(run: (logic: (context: TurnContext) => Promise<void>) => Promise<void>, send: (context: TurnContext) => Promise<T>): Promise<T> {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  await run(async (context) => {
    try {
      outcome = { ok: true, value: await send(context) };
    } catch (error) {
      outcome = { ok: false, error };
    }
  });
  if (outcome === undefined) throw new Error('the proactive turn did not run');
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

export function createTeamsDelivery(options: TeamsDeliveryOptions): TeamsTransport {
  const { adapter, botAppId, conversations, logger } = options;

  const locationOf = (context: TurnContext, activityId: string | undefined): MessageLocation => ({
    conversationId: context.activity.conversation.id,
    messageId: activityId ?? '',
    serviceUrl: context.activity.serviceUrl,
  });

  const sendVia = (reference: Partial<ConversationReference>, message: PersonalMessage) =>
    inTurn(
      (logic) => adapter.continueConversationAsync(botAppId, reference, logic),
      async (context) => locationOf(context, (await context.sendActivity(toActivity(message)))?.id),
    );

  const personalChat = (conversationId: string, serviceUrl: string): Partial<ConversationReference> => ({
    channelId: 'msteams',
    serviceUrl,
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '', ...(options.tenantId !== undefined && { tenantId: options.tenantId }) },
    bot: { id: botAppId, name: '' },
  });

  const update = (message: PersonalMessage, replaces: MessageLocation) =>
    inTurn(
      (logic) => adapter.continueConversationAsync(botAppId, personalChat(replaces.conversationId, replaces.serviceUrl), logic),
      async (context) => {
        await context.updateActivity({ ...toActivity(message), id: replaces.messageId });
        return replaces;
      },
    );

  /** The chat Graph opened when it installed the app: send there, and keep it as the person's address. */
  const sendToChat = (chatId: string, message: PersonalMessage) =>
    inTurn(
      (logic) => adapter.continueConversationAsync(botAppId, personalChat(chatId, options.serviceUrl), logic),
      async (context) => {
        // Kept before sending: a failed save is then retried without a second card.
        const reference = personalReferenceOf({ ...context.activity, from: { id: '', aadObjectId: message.recipientId, name: '' } });
        if (reference !== undefined) await conversations.save(reference.userId, reference.reference);
        return locationOf(context, (await context.sendActivity(toActivity(message)))?.id);
      },
    );

  const createAndSend = (message: PersonalMessage) => {
    const parameters: ConversationParameters = {
      isGroup: false,
      bot: { id: botAppId, name: '' },
      members: [{ id: message.recipientId, aadObjectId: message.recipientId, name: '' }],
      activity: undefined as unknown as Activity,
      channelData: options.tenantId === undefined ? {} : { tenant: { id: options.tenantId } },
      ...(options.tenantId !== undefined && { tenantId: options.tenantId }),
    };
    return inTurn(
      (logic) => adapter.createConversationAsync(botAppId, 'msteams', options.serviceUrl, CONNECTOR_AUDIENCE, parameters, logic),
      async (context) => {
        const reference = personalReferenceOf({ ...context.activity, from: { id: message.recipientId, aadObjectId: message.recipientId, name: '' } });
        if (reference !== undefined) await conversations.save(reference.userId, reference.reference);
        return locationOf(context, (await context.sendActivity(toActivity(message)))?.id);
      },
    );
  };

  const delivered = (location: MessageLocation, replacedGone = false): TeamsOutcome => ({ outcome: 'delivered', location, ...(replacedGone && { replacedGone }) });

  /** A failed call: gone (the conversation or message no longer takes messages), or an outbox result. */
  const failed = (error: unknown, event: string, recipientId: string) => {
    const failure = classifyTeamsError(error);
    logger.warn(event, { recipientId, ...errorFields(error), gone: failure.kind === 'gone' });
    return failure;
  };

  return {
    async send(message) {
      let replacedGone = false;
      if (message.replaces !== undefined) {
        try {
          return delivered(await update(message, message.replaces));
        } catch (error) {
          const failure = failed(error, 'delivery.update_failed', message.recipientId);
          if (failure.kind === 'result') return failure.result;
          // The card was deleted or the app reinstalled: send the current card as a new message.
          replacedGone = true;
        }
      }
      const fresh: PersonalMessage = { ...message, replaces: undefined };
      const stored = await conversations.find(message.recipientId);
      if (stored === undefined) return { outcome: 'no-chat', replacedGone };
      try {
        return delivered(await sendVia(asConversationReference(stored), fresh), replacedGone);
      } catch (error) {
        const failure = failed(error, 'delivery.teams_failed', message.recipientId);
        return failure.kind === 'result' ? failure.result : { outcome: 'no-chat', replacedGone };
      }
    },

    async sendToChat(message, chatId, replacedGone) {
      const fresh: PersonalMessage = { ...message, replaces: undefined };
      try {
        return delivered(chatId !== '' ? await sendToChat(chatId, fresh) : await createAndSend(fresh), replacedGone);
      } catch (error) {
        const failure = failed(error, 'delivery.new_chat_failed', message.recipientId);
        return failure.kind === 'result' ? failure.result : { outcome: 'no-chat', replacedGone };
      }
    },
  };
}
