/** Shown when Resolve cannot reach its database: nothing happened, and the person can simply try again. */
import { adaptiveCard, text, type AdaptiveCardJson } from './elements.js';

export const DATABASE_UNAVAILABLE_TEXT = 'Resolve cannot reach its database; nothing was changed; try again in a minute.';

export function unavailableCard(): AdaptiveCardJson {
  return adaptiveCard({
    fallbackText: DATABASE_UNAVAILABLE_TEXT,
    body: [
      text('Resolve is unavailable', { weight: 'Bolder', color: 'Attention' }),
      text(DATABASE_UNAVAILABLE_TEXT),
      text('If this goes on, tell your IT service desk: Resolve is running but its database is not answering.', { isSubtle: true, size: 'Small' }),
    ],
  });
}
