/**
 * Reports: the indicators of DOMAIN §5 as pure folds over the events Resolve records (§5.7 keys).
 * Counts and percentages only: never a reference, a name, initials or free text.
 */
export * from './period.js';
export * from './alerts.js';
export * from './reviews.js';
export * from './flatten.js';
