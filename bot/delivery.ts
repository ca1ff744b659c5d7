/**
 * The outbox transport for messages to people: Teams first, email when Teams cannot reach them.
 *
 * 1. The person's stored 1:1 conversation reference: `continueConversationAsync`.
 * 2. None, or Teams says that conversation is gone (403/404): install the app for them through
 *    Graph and `createConversationAsync` with their Entra object id; keep the new reference.
 * 3. Teams cannot reach them for good: send the email the composer provided.
 * Throttling and server errors are retried by the outbox (honouring Retry-After).
 */
import { CardFactory, type Activity, type ConversationParameters, type ConversationReference, type TurnContext } from 'botbuilder';
import { InvalidInputError } from '../domain/errors.js';
import { GraphRequestError } from '../graph/client.js';
import type { MailSender } from '../graph/mail.js';
import type { TeamsInstaller } from '../graph/teams-install.js';
import type { DeliveryResult, OutboxRecord, Transport } from '../store/outbox.js';
import type { ResolveAdapter } from './adapter.js';
import { asConversationReference, personalReferenceOf, type ConversationReferences } from './conversations.js';
import { errorFields, type Logger } from './log.js';

/** Where a Teams message landed: kept as the outbox receipt, so a later update can replace it. */
export interface TeamsReceipt {
  readonly channel: 'teams';
  readonly conversationId: string;
  readonly activityId: string;
  readonly serviceUrl: string;
}

export interface EmailReceipt {
  readonly channel: 'email';
}

export type Receipt = TeamsReceipt | EmailReceipt;

/** One message for one person, composed (rendered) from an outbox effect at delivery time. */
export interface PersonalMessage {
  /** Entra object id. */
  readonly recipientId: string;
  /** The Adaptive Card to send (or to replace the earlier one with). */
  readonly card?: object;
  /** Message text shown with the card; the opaque reference and stage only. */
  readonly text?: string;
  /** The notification preview; the opaque reference and stage only. */
  readonly preview?: string;
  /** Replace this earlier message in place (a card update) instead of sending a new one. */
  readonly replaces?: TeamsReceipt;
  /** Sent when Teams cannot reach the person. Subjects carry the opaque reference only. */
  readonly email?: { readonly to: string; readonly subject: string; readonly html: string; readonly text?: string };
}

export interface PersonalDeliveryOptions {
  readonly adapter: ResolveAdapter;
  /** The bot's app id; '' in local mode. */
  readonly botAppId: string;
  readonly tenantId?: string;
  readonly conversations: ConversationReferences;
  readonly installer: TeamsInstaller;
  readonly mail: MailSender;
  /** The Bot Connector endpoint for new conversations (the tenant's region). */
  readonly serviceUrl: string;
  /** Renders the effect for its recipient now; undefined when there is nothing to send any more. */
  readonly compose: (effect: OutboxRecord) => Promise<PersonalMessage | undefined>;
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

export function parseReceipt(receipt: string | null | undefined): Receipt | undefined {
  if (receipt === null || receipt === undefined) return undefined;
  try {
    const value = JSON.parse(receipt) as Partial<Omit<TeamsReceipt, 'channel'>> & { channel?: string };
    if (value.channel === 'email') return { channel: 'email' };
    if (value.channel === 'teams' && typeof value.conversationId === 'string' && typeof value.activityId === 'string' && typeof value.serviceUrl === 'string') {
      return { channel: 'teams', conversationId: value.conversationId, activityId: value.activityId, serviceUrl: value.serviceUrl };
    }
  } catch {
    /* not ours */
  }
  return undefined;
}

type Failure = { readonly kind: 'gone' } | { readonly kind: 'result'; readonly result: DeliveryResult };

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

export function createPersonalDelivery(options: PersonalDeliveryOptions): Transport {
  const { adapter, botAppId, conversations, logger } = options;

  const receiptOf = (context: TurnContext, activityId: string | undefined): TeamsReceipt => ({
    channel: 'teams',
    conversationId: context.activity.conversation.id,
    activityId: activityId ?? '',
    serviceUrl: context.activity.serviceUrl,
  });

  const sendVia = (reference: Partial<ConversationReference>, message: PersonalMessage) =>
    inTurn(
      (logic) => adapter.continueConversationAsync(botAppId, reference, logic),
      async (context) => receiptOf(context, (await context.sendActivity(toActivity(message)))?.id),
    );

  const update = (message: PersonalMessage, replaces: TeamsReceipt) =>
    inTurn(
      (logic) =>
        adapter.continueConversationAsync(
          botAppId,
          { channelId: 'msteams', serviceUrl: replaces.serviceUrl, conversation: { id: replaces.conversationId, isGroup: false, conversationType: 'personal', name: '' }, bot: { id: botAppId, name: '' } },
          logic,
        ),
      async (context) => {
        await context.updateActivity({ ...toActivity(message), id: replaces.activityId });
        return replaces;
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
        return receiptOf(context, (await context.sendActivity(toActivity(message)))?.id);
      },
    );
  };

  const delivered = (receipt: Receipt): DeliveryResult => ({ outcome: 'delivered', receipt: JSON.stringify(receipt) });

  async function byEmail(effect: OutboxRecord, message: PersonalMessage, why: string): Promise<DeliveryResult> {
    if (message.email === undefined) return { outcome: 'rejected', error: `Teams cannot reach the recipient (${why}) and there is no email fallback for this message` };
    try {
      await options.mail.send({ to: [message.email.to], subject: message.email.subject, html: message.email.html, ...(message.email.text !== undefined && { text: message.email.text }), idempotencyKey: effect.idempotencyKey });
    } catch (error) {
      logger.warn('delivery.email_failed', { effectId: effect.id, recipientId: message.recipientId, ...errorFields(error) });
      // A message the mail sender refuses, or one Graph refuses, fails the same way every time.
      if (error instanceof InvalidInputError || error instanceof GraphRequestError) {
        return { outcome: 'rejected', error: `email refused: ${error.name}` };
      }
      return { outcome: 'retry', error: 'email could not be sent' };
    }
    logger.info('delivery.email_fallback', { effectId: effect.id, recipientId: message.recipientId, reason: why });
    return delivered({ channel: 'email' });
  }

  return async (effect) => {
    const message = await options.compose(effect);
    if (message === undefined) return { outcome: 'rejected', error: 'nothing to deliver: the composer returned no message' };
    const ids = { effectId: effect.id, recipientId: message.recipientId };

    try {
      if (message.replaces !== undefined) return delivered(await update(message, message.replaces));
      const stored = await conversations.find(message.recipientId);
      if (stored !== undefined) return delivered(await sendVia(asConversationReference(stored), message));
    } catch (error) {
      const failure = classifyTeamsError(error);
      logger.warn('delivery.teams_failed', { ...ids, ...errorFields(error), gone: failure.kind === 'gone' });
      if (failure.kind === 'result') return failure.result;
      if (message.replaces !== undefined) return { outcome: 'rejected', error: 'the message to update is gone' };
    }

    const chat = await options.installer.ensurePersonalChat(message.recipientId).catch((error: unknown) => {
      logger.warn('delivery.install_failed', { ...ids, ...errorFields(error) });
      return { status: 'unavailable' as const, reason: 'installing the app failed' };
    });
    if (chat.status === 'unavailable') return byEmail(effect, message, 'app not installable');
    try {
      return delivered(await createAndSend(message));
    } catch (error) {
      const failure = classifyTeamsError(error);
      logger.warn('delivery.create_conversation_failed', { ...ids, ...errorFields(error) });
      return failure.kind === 'gone' ? byEmail(effect, message, 'conversation refused') : failure.result;
    }
  };
}
