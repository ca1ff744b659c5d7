/** Failures the adapters tell apart, re-exported so that bot/ asks app/ rather than the store. */
export { isDatabaseUnavailable } from '../store/unavailable.js';
