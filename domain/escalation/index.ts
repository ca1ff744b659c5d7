export * from './events.js';
export * from './commands.js';
export * from './state.js';
export * from './decide.js';
export * from './deadlines.js';
export * from './summary.js';
export * from './case-note.js';
