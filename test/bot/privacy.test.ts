/**
 * Privacy of what leaves the bot: notification previews, message text, card fallback text and
 * email subjects and bodies carry the opaque case reference and stage, never a child's name or
 * details. The scan covers every payload any harness in this run sent (a root hook runs it
 * after all tests), and checks itself against a planted leak.
 */
import assert from 'node:assert/strict';
import { cardsIn, OUTBOUND, type JsonObject } from './recording-connector.js';

/** Fictional children and details the bot tests type into free-text fields. */
const CHILD_DETAILS = [/Jamie/i, /Thompson/i, /J\.T\./, /care plan/i, /placement(?!_change)/i];

/** The parts of outbound payloads that show outside the bot: previews, plain text, fallbacks, email. */
export function exposedTexts(activities: readonly JsonObject[], emails: readonly { subject: string; html: string; text?: string }[]): string[] {
  return [
    ...activities.flatMap((a) => [a.summary, a.text, ...cardsIn(a).map((c) => c.fallbackText)]),
    ...emails.flatMap((e) => [e.subject, e.html, e.text]),
  ].filter((t): t is string => typeof t === 'string');
}

function leaks(texts: readonly string[]): string[] {
  return texts.filter((t) => CHILD_DETAILS.some((p) => p.test(t)));
}

describe('bot privacy: what shows outside the bot', () => {
  it('the scan finds a child\'s name planted in a preview or an email subject', () => {
    const planted = exposedTexts([{ type: 'message', summary: 'Case LCS-1 about Jamie' }], [{ subject: 'Resolve: J.T.', html: '<p>ok</p>' }]);
    assert.equal(leaks(planted).length, 2);
  });
});

after(function privacyScan() {
  const found = leaks(exposedTexts(OUTBOUND.activities, OUTBOUND.emails));
  assert.deepEqual(found, [], `outbound previews, texts or emails name a child: ${found.slice(0, 3).join(' | ')}`);
});
