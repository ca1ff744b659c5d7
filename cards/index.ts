/** Pure renderers from view model to Adaptive Card 1.5 JSON, the action verbs and their data schemas. */
export * from './elements.js';
export * from './view-models.js';
export * from './verbs.js';
export { formatDeadline, formatIsoDate, formatMoment } from './format.js';
export { refreshFor, type RefreshParts, AGREED_ACTIONS_SHOWN, HISTORY_SHOWN } from './parts.js';
export { MAX_CARD_BYTES, SHORTENED_MARK, cardBytes, clipCaseView, fitCard } from './fit.js';
export * from './raise-form.js';
export * from './action-card.js';
export * from './read-only-card.js';
export * from './status-card.js';
export * from './outcome-card.js';
export * from './help-card.js';
export * from './welcome-card.js';
export * from './unavailable-card.js';
export * from './my-cases-card.js';
export * from './case-detail-card.js';
export * from './chaser-card.js';
export * from './briefing-card.js';
