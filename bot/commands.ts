/**
 * What a person typed to the bot, as a command. Pure: text in, command out.
 * Teams has already removed the bot's @mention (teams-ai `removeRecipientMention`).
 */
import type { ClockMove } from '../app/training.js';
export type ChatCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'raise' }
  | { readonly kind: 'my-cases' }
  | { readonly kind: 'overdue' }
  /** The reviews falling due (administrators and reviewing officers): "due", "reviews", "book a review". */
  | { readonly kind: 'reviews-due' }
  /** The form that adds an event to the review register. */
  | { readonly kind: 'review-record' }
  /** Reports for senior leaders: "report", "report last quarter", "report 2026-01-01 to 2026-03-31" (app/reports reads the period). */
  | { readonly kind: 'report'; readonly words: string }
  | { readonly kind: 'case'; readonly reference: string }
  | { readonly kind: 'case-without-reference' }
  /** Trying it locally: show the bot's clock, or move it forward (`clock forward 3 working days`). */
  | { readonly kind: 'clock'; readonly move?: ClockMove }
  /** `clock ...` that is not a move Resolve understands. */
  | { readonly kind: 'clock-unclear' }
  | { readonly kind: 'unknown' };

/** Case references are opaque tokens: letters, digits and hyphens, e.g. RES-2026-0042. */
const CASE_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/;

const CLOCK_UNITS: Readonly<Record<string, ClockMove['unit']>> = {
  'working day': 'working-days', 'working days': 'working-days', day: 'days', days: 'days', hour: 'hours', hours: 'hours',
};

function parseClock(words: readonly string[]): ChatCommand {
  if (words.length === 1) return { kind: 'clock' };
  const [, verb, amount, ...unit] = words;
  const to = CLOCK_UNITS[unit.join(' ')];
  if ((verb !== 'forward' && verb !== '+') || amount === undefined || !/^\d{1,4}$/.test(amount) || to === undefined) return { kind: 'clock-unclear' };
  return { kind: 'clock', move: { amount: Number(amount), unit: to } };
}

export function parseChatCommand(text: string | undefined): ChatCommand {
  const words = (text ?? '').trim().replace(/[.!?]+$/, '').split(/\s+/).filter((w) => w !== '');
  const [first = '', second, ...rest] = words.map((w) => w.toLowerCase());
  if (words.length === 1 && (first === 'help' || first === '?')) return { kind: 'help' };
  if (words.length === 1 && first === 'raise') return { kind: 'raise' };
  if (words.length === 2 && first === 'my' && second === 'cases') return { kind: 'my-cases' };
  if (words.length === 1 && (first === 'overdue' || first === 'late')) return { kind: 'overdue' };
  const phrase = words.map((w) => w.toLowerCase()).join(' ');
  if (['due', 'reviews', 'reviews due', 'book a review', 'book review', 'book reviews'].includes(phrase)) return { kind: 'reviews-due' };
  if (['add review', 'record review', 'add to the register', 'add to register', 'register'].includes(phrase)) return { kind: 'review-record' };
  if (first === 'report' || first === 'reports') return { kind: 'report', words: words.slice(1).join(' ') };
  if (first === 'clock') return parseClock(words.map((w) => w.toLowerCase()));
  if (first === 'case') {
    const reference = words[1];
    if (reference === undefined) return { kind: 'case-without-reference' };
    if (rest.length === 0 && CASE_REFERENCE.test(reference)) return { kind: 'case', reference: reference.toUpperCase() };
  }
  return { kind: 'unknown' };
}
