import { z } from 'zod';

export { escapeHtml } from '../../graph/html.js';
/**
 * What the delivery layer carries: the outbox effect kinds, one message for one person, where a
 * Teams message landed, and the receipts the outbox keeps. Plain data; no SDK types.
 */

/** Every kind of outbound effect, each with one transport (transports.ts). */
export const EFFECT_KINDS = {
  /** A new message in the person's 1:1 chat (a case card, a chaser); email when Teams cannot reach them. */
  teamsCard: 'teams.card',
  /** Replace the person's case card in place; sent as new when there is none to replace. */
  teamsUpdate: 'teams.update',
  email: 'email',
  calendarCreate: 'calendar.create',
  calendarUpdate: 'calendar.update',
  calendarCancel: 'calendar.cancel',
} as const;

export type EffectKind = (typeof EFFECT_KINDS)[keyof typeof EFFECT_KINDS];

/** Where a Teams message landed: enough to replace it later. */
export interface MessageLocation {
  readonly conversationId: string;
  readonly messageId: string;
  readonly serviceUrl: string;
}

/** An email's content. The subject carries the opaque case reference only. */
export interface EmailContent {
  readonly subject: string;
  readonly html: string;
  readonly text?: string;
}

/** One message for one person, composed once from an effect when it is delivered. */
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
  readonly replaces?: MessageLocation;
  /** Sent when Teams cannot reach the person. */
  readonly email?: EmailContent;
}

/** The payload of a Teams effect: which aggregate composes it, and what it asked for. */
export interface TeamsEffectPayload<T = unknown> {
  readonly topic: string;
  readonly recipient: string;
  readonly request: T;
}

/** The payload of an email effect: composed when it was queued, addressed when it is sent. */
export interface EmailEffectPayload {
  readonly topic: string;
  readonly recipient: string;
  readonly email: EmailContent;
}

const instant = z.string().datetime({ offset: true });
const attendees = z.array(z.object({ email: z.string().min(3), type: z.enum(['required', 'optional']).optional() }));

/**
 * A calendar effect's payload, checked when it is delivered (the outbox holds JSON). A create
 * carries the whole meeting; an update or cancel names the meeting by its aggregate's stream, and
 * the aggregate says, at delivery, which calendar event that is (its create is delivered first:
 * calendar effects of one stream share a destination, and a destination is delivered in order).
 */
export const calendarPayloadSchemas = {
  create: z.object({
    topic: z.string().min(1),
    stream: z.string().min(1),
    request: z.object({
      organiser: z.string().min(3), subject: z.string().min(1), html: z.string(), text: z.string().optional(),
      start: instant, end: instant, attendees, location: z.string().optional(), onlineMeeting: z.boolean().optional(),
    }),
  }),
  update: z.object({
    topic: z.string().min(1),
    stream: z.string().min(1),
    change: z.object({
      organiser: z.string().min(3), start: instant.optional(), end: instant.optional(), attendees: attendees.optional(),
      // A change queued before bodyEdit replaced html and text carried a whole new body: it is dropped (a body written over
      // an online meeting's join details turns the Teams meeting off), and the meeting still moves.
      subject: z.string().optional(), bodyEdit: z.object({ from: z.array(z.string().min(1)).min(1), to: z.string() }).optional(), location: z.string().optional(),
    }),
  }),
  cancel: z.object({
    topic: z.string().min(1),
    stream: z.string().min(1),
    organiser: z.string().min(3),
    comment: z.string().min(1),
  }),
} as const;
export type CalendarCreatePayload = z.input<typeof calendarPayloadSchemas.create>;
export type CalendarUpdatePayload = z.input<typeof calendarPayloadSchemas.update>;
export type CalendarCancelPayload = z.input<typeof calendarPayloadSchemas.cancel>;

/** What the outbox keeps as a delivered effect's receipt. */
export type Receipt =
  | ({ readonly channel: 'teams'; readonly replacedGone?: boolean } & MessageLocation)
  | { readonly channel: 'email' }
  | { readonly channel: 'calendar'; readonly eventId: string };

export function parseReceipt(receipt: string | null | undefined): Receipt | undefined {
  if (receipt === null || receipt === undefined) return undefined;
  try {
    const value = JSON.parse(receipt) as Record<string, unknown>;
    if (value.channel === 'email') return { channel: 'email' };
    if (value.channel === 'calendar' && typeof value.eventId === 'string') return { channel: 'calendar', eventId: value.eventId };
    const { conversationId, messageId, serviceUrl } = value;
    if (value.channel === 'teams' && typeof conversationId === 'string' && typeof messageId === 'string' && typeof serviceUrl === 'string') {
      return { channel: 'teams', conversationId, messageId, serviceUrl, ...(value.replacedGone === true && { replacedGone: true }) };
    }
  } catch {
    /* not one of ours */
  }
  return undefined;
}
