/**
 * Delivery by kind: one table maps each outbox effect kind to its transport, so a calendar effect
 * can never be sent to Teams. There is one email path, used both by email effects and by a Teams
 * message that cannot reach its person, so a fix to how email fails is made once.
 *
 *   teams.card / teams.update  compose (once) -> Teams -> email when Teams cannot reach the person
 *   email                      address from the directory -> mail
 *   calendar.create            Graph event (transactionId = the outbox key) -> its event id
 *   calendar.update / cancel   the event its aggregate recorded for the stream -> moved / cancelled
 */
import { InvalidInputError } from '../../domain/errors.js';
import type { Calendar } from '../../graph/calendar.js';
import { GraphRequestError, GraphUnavailableError } from '../../graph/client.js';
import type { MailSender } from '../../graph/mail.js';
import type { PersonalChat, TeamsInstaller } from '../../graph/teams-install.js';
import type { DeliveryResult, OutboxRecord, Transport } from '../../store/outbox.js';
import { errorFields, type Logger } from '../log.js';
import { calendarPayloadSchemas, EFFECT_KINDS, type EffectKind, type EmailContent, type EmailEffectPayload, type MessageLocation, type PersonalMessage, type Receipt, type TeamsEffectPayload } from './messages.js';

/**
 * What Teams did with a message: it landed (`replacedGone` when the card it was to replace was
 * gone and it went as a new message), there is no chat with the person to send it in, or an
 * outbox result (retry, ambiguous, rejected).
 */
export type TeamsOutcome =
  | { readonly outcome: 'delivered'; readonly location: MessageLocation; readonly replacedGone?: boolean }
  | { readonly outcome: 'no-chat'; readonly replacedGone: boolean }
  | Exclude<DeliveryResult, { readonly outcome: 'delivered' }>;

/** The Teams side (bot/delivery.ts). */
export interface TeamsTransport {
  /** Replaces `message.replaces` in place, or sends in the person's stored 1:1 chat. */
  send(message: PersonalMessage): Promise<TeamsOutcome>;
  /** Sends in the 1:1 chat the app's installation opened ('' when Graph gave no id: a new conversation). */
  sendToChat(message: PersonalMessage, chatId: string, replacedGone: boolean): Promise<TeamsOutcome>;
}

/** A Teams chat just opened by installing the app may refuse messages for a short while; try this many times before email. */
const FRESH_INSTALL_ATTEMPTS = 3;

/** Renders a Teams effect for its recipient as things stand now; undefined when there is nothing to send any more. */
export type Composer = (effect: OutboxRecord, payload: TeamsEffectPayload) => Promise<PersonalMessage | undefined>;

/** A calendar event's id, undefined while not known yet, or why it never will be (its create failed for good). */
export type CalendarEventLookup = string | undefined | { readonly never: string };

export interface DeliveryOptions {
  /** One composer per aggregate, by the payload's topic (e.g. "case"). */
  readonly composers: Readonly<Record<string, Composer>>;
  readonly teams: TeamsTransport;
  /** Installs the Teams app for someone with no chat with Resolve yet, and answers with that chat. */
  readonly installer: TeamsInstaller;
  readonly mail: MailSender;
  /** A person's email address from the directory. */
  readonly emailOf: (personId: string) => Promise<string | undefined>;
  readonly calendar?: Calendar;
  /**
   * By topic: the calendar event a stream's meeting is, as its aggregate recorded it when the
   * create was delivered; undefined while it is not known yet; `{ never }` when its create failed
   * for good, so no event will ever be known (the update or cancel is refused at once, saying why).
   */
  readonly calendarEvents?: Readonly<Record<string, (stream: string, effect: OutboxRecord) => Promise<CalendarEventLookup>>>;
  readonly logger: Logger;
}

const delivered = (receipt: Receipt): DeliveryResult => ({ outcome: 'delivered', receipt: JSON.stringify(receipt) });

function teamsPayload(payload: unknown): TeamsEffectPayload | undefined {
  const p = payload as Partial<TeamsEffectPayload> | null;
  return typeof p?.topic === 'string' && typeof p.recipient === 'string' ? { topic: p.topic, recipient: p.recipient, request: p.request } : undefined;
}

function emailPayload(payload: unknown): EmailEffectPayload | undefined {
  const p = payload as Partial<EmailEffectPayload> | null;
  const e = p?.email;
  return typeof p?.topic === 'string' && typeof p.recipient === 'string' && typeof e?.subject === 'string' && typeof e.html === 'string'
    ? { topic: p.topic, recipient: p.recipient, email: e }
    : undefined;
}

export function createDeliveryTransport(options: DeliveryOptions): Transport {
  const { logger } = options;

  /** The one email path. A message the sender or Graph refuses fails the same way every time, so it is rejected, not retried. */
  async function sendEmail(effect: OutboxRecord, recipientId: string, email: EmailContent | undefined, why?: string): Promise<DeliveryResult> {
    const ids = { effectId: effect.id, recipientId };
    if (email === undefined) return { outcome: 'rejected', error: `Teams cannot reach the recipient (${why ?? 'unknown'}); this message has no email of its own (a chaser's email goes separately)` };
    const to = await options.emailOf(recipientId);
    if (to === undefined) return { outcome: 'rejected', error: 'the recipient has no email address in the directory' };
    try {
      await options.mail.send({ to: [to], subject: email.subject, html: email.html, ...(email.text !== undefined && { text: email.text }), idempotencyKey: effect.idempotencyKey });
    } catch (error) {
      logger.warn('delivery.email_failed', { ...ids, ...errorFields(error) });
      if (error instanceof InvalidInputError || error instanceof GraphRequestError) return { outcome: 'rejected', error: `email refused: ${error.name}` };
      return { outcome: 'retry', error: 'email could not be sent' };
    }
    logger.info(why === undefined ? 'delivery.email_sent' : 'delivery.email_fallback', { ...ids, ...(why !== undefined && { reason: why }) });
    return delivered({ channel: 'email' });
  }

  /** The person's 1:1 chat through Graph: a chat id, or why not (Graph busy is a retry; the app not installable, email). */
  async function openChat(recipientId: string): Promise<PersonalChat | DeliveryResult> {
    try {
      return await options.installer.ensurePersonalChat(recipientId);
    } catch (error) {
      logger.warn('delivery.install_failed', { recipientId, ...errorFields(error) });
      if (error instanceof GraphUnavailableError) return { outcome: 'retry', error: 'Microsoft Graph was unavailable while installing the app' };
      if (error instanceof GraphRequestError && (error.status === 429 || error.status >= 500)) return { outcome: 'retry', error: `Microsoft Graph answered ${error.status} while installing the app` };
      return { status: 'unavailable', reason: 'installing the app failed' };
    }
  }

  async function teams(effect: OutboxRecord): Promise<DeliveryResult> {
    const payload = teamsPayload(effect.payload);
    if (payload === undefined) return { outcome: 'rejected', error: 'the effect is not a Teams message (no topic or recipient)' };
    const composer = options.composers[payload.topic];
    if (composer === undefined) return { outcome: 'rejected', error: `nothing composes messages about "${payload.topic}"` };
    const message = await composer(effect, payload);
    if (message === undefined) return { outcome: 'rejected', error: 'nothing to deliver: the composer returned no message' };
    let sent = await options.teams.send(message);
    if (sent.outcome === 'no-chat') {
      const chat = await openChat(message.recipientId);
      if ('outcome' in chat) return chat;
      if (chat.status === 'pending') return { outcome: 'retry', error: chat.reason };
      if (chat.status === 'unavailable') return sendEmail(effect, message.recipientId, message.email, chat.reason);
      const replacedGone = sent.replacedGone;
      sent = await options.teams.sendToChat(message, chat.chatId, replacedGone);
      if (sent.outcome === 'no-chat') {
        // Teams may take a moment to set the bot up in a chat Graph has just opened.
        if (chat.installed && effect.attempts < FRESH_INSTALL_ATTEMPTS) return { outcome: 'retry', error: 'the new chat does not take messages yet', retryAfterMs: 30_000 };
        return sendEmail(effect, message.recipientId, message.email, 'conversation refused');
      }
    }
    if (sent.outcome === 'delivered') return delivered({ channel: 'teams', ...sent.location, ...(sent.replacedGone === true && { replacedGone: true }) });
    return sent;
  }

  async function email(effect: OutboxRecord): Promise<DeliveryResult> {
    const payload = emailPayload(effect.payload);
    if (payload === undefined) return { outcome: 'rejected', error: 'the effect is not an email (no recipient, subject or body)' };
    return sendEmail(effect, payload.recipient, payload.email);
  }

  /** A calendar call: Graph (or the file calendar) refusing is final; unreachable is a retry. */
  async function calendarCall(effect: OutboxRecord, call: (calendar: Calendar) => Promise<string>): Promise<DeliveryResult> {
    if (options.calendar === undefined) return { outcome: 'rejected', error: 'no calendar is configured' };
    try {
      return delivered({ channel: 'calendar', eventId: await call(options.calendar) });
    } catch (error) {
      logger.warn('delivery.calendar_failed', { effectId: effect.id, kind: effect.kind, ...errorFields(error) });
      if (error instanceof InvalidInputError || error instanceof GraphRequestError) return { outcome: 'rejected', error: `calendar refused: ${error.name}` };
      return { outcome: 'retry', error: 'the calendar could not be reached' };
    }
  }

  /** The calendar event an update or cancel is for, from its aggregate; a retry while its create is not delivered yet, refused once it never will be. */
  async function eventIdFor(effect: OutboxRecord, topic: string, stream: string): Promise<string | DeliveryResult> {
    const lookup = options.calendarEvents?.[topic];
    if (lookup === undefined) return { outcome: 'rejected', error: `nothing knows the calendar events of "${topic}"` };
    const id = await lookup(stream, effect);
    if (typeof id === 'object') return { outcome: 'rejected', error: id.never };
    return id ?? { outcome: 'retry', error: 'the meeting has not been created in the calendar yet', retryAfterMs: 5_000 };
  }

  async function calendarCreate(effect: OutboxRecord): Promise<DeliveryResult> {
    const parsed = calendarPayloadSchemas.create.safeParse(effect.payload);
    if (!parsed.success) return { outcome: 'rejected', error: 'the effect is not a calendar event' };
    const { request } = parsed.data;
    return calendarCall(effect, async (calendar) =>
      (await calendar.createEvent({ ...request, start: new Date(request.start), end: new Date(request.end), transactionId: effect.idempotencyKey })).id);
  }

  async function calendarUpdate(effect: OutboxRecord): Promise<DeliveryResult> {
    const parsed = calendarPayloadSchemas.update.safeParse(effect.payload);
    if (!parsed.success) return { outcome: 'rejected', error: 'the effect is not a calendar change' };
    const { topic, stream, change } = parsed.data;
    const id = await eventIdFor(effect, topic, stream);
    if (typeof id !== 'string') return id;
    const { start, end, ...rest } = change;
    return calendarCall(effect, async (calendar) => {
      const updated = await calendar.updateEvent({ ...rest, id, ...(start !== undefined && { start: new Date(start) }), ...(end !== undefined && { end: new Date(end) }) });
      // Moved, but its invitation still says the old time somewhere Resolve cannot find (edited in Outlook).
      if (updated.bodyLeftAsItWas === true) logger.warn('delivery.calendar_body_left', { effectId: effect.id, destination: effect.destination });
      return updated.id;
    });
  }

  async function calendarCancel(effect: OutboxRecord): Promise<DeliveryResult> {
    const parsed = calendarPayloadSchemas.cancel.safeParse(effect.payload);
    if (!parsed.success) return { outcome: 'rejected', error: 'the effect is not a calendar cancellation' };
    const { topic, stream, organiser, comment } = parsed.data;
    const id = await eventIdFor(effect, topic, stream);
    if (typeof id !== 'string') return id;
    // Already gone (cancelled, or deleted in Outlook) is what was wanted.
    return calendarCall(effect, async (calendar) => (await calendar.cancelEvent({ organiser, id, comment })).id);
  }

  const table: Readonly<Record<EffectKind, Transport>> = {
    [EFFECT_KINDS.teamsCard]: teams,
    [EFFECT_KINDS.teamsUpdate]: teams,
    [EFFECT_KINDS.email]: email,
    [EFFECT_KINDS.calendarCreate]: calendarCreate,
    [EFFECT_KINDS.calendarUpdate]: calendarUpdate,
    [EFFECT_KINDS.calendarCancel]: calendarCancel,
  };
  const isKind = (kind: string): kind is EffectKind => Object.hasOwn(table, kind);

  return async (effect) => {
    const result: DeliveryResult = isKind(effect.kind) ? await table[effect.kind](effect) : { outcome: 'rejected', error: `no transport delivers effects of kind "${effect.kind}"` };
    if (result.outcome === 'rejected') logger.warn('delivery.rejected', { effectId: effect.id, kind: effect.kind, error: result.error });
    return result;
  };
}
