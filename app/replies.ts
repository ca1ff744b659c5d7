/** What a use case answers a person with, as the bot shows it: a card, or a short message. */
import type { AdaptiveCardJson } from '../cards/index.js';

export type Reply = { readonly card: AdaptiveCardJson } | { readonly message: string };

/** A submitted raise form: the case's card, the form again with its faults, or a damaged card. */
export type RaiseOutcome =
  | { readonly kind: 'raised'; readonly card: AdaptiveCardJson }
  | { readonly kind: 'form'; readonly card: AdaptiveCardJson }
  | { readonly kind: 'damaged'; readonly message: string }
  /** Raised, but its card could not be drawn just now: the message says so. */
  | { readonly kind: 'saved'; readonly message: string };

export const NOT_AVAILABLE = 'That is not available in this version yet. Nothing was changed.';
