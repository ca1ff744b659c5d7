/**
 * The escalation case as events (DESIGN.md "escalation"; DOMAIN.md §2, §8.2, §8.4).
 *
 *   command --decide(state, command, {now, policy, calendar})--> events | refusal
 *   events  --fold / evolve--> state --deadlinesOf--> the deadlines that should be pending
 *   a due deadline --`deadline-reached` command--> ReminderDue / ResponseOverdue / ... (or nothing)
 *
 * Pure: no I/O, no clock. People are Entra object ids, resolved from ladder roles by the directory
 * before a command is built (see policies/routing.ts). Nothing here escalates on its own.
 */
export * from './events.js';
export * from './commands.js';
export * from './state.js';
export * from './decide.js';
export * from './deadlines.js';
export * from './summary.js';
export * from './case-note.js';
export * from './sought-by.js';
export * from './briefing.js';
