/**
 * Calendars for booking reviews: Microsoft Graph (graph/calendar/graph.ts) or, locally, `.ics`
 * files (graph/calendar/file.ts). The port and its checks are in graph/calendar/types.ts.
 */
export * from './calendar/index.js';
