export * from './local-date.js';
export * from './bank-holidays.js';
export * from './working-calendar.js';
export * from './zone.js';
