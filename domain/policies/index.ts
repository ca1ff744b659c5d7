export * from './roles.js';
export * from './schema.js';
export * from './settings.js';
export * from './validate.js';
export * from './registry.js';
export * from './routing.js';
