/**
 * Teams specifics of raising from a message: the message-extension command, the message body as
 * plain text, and the dialog form of a card.
 */

/** The manifest's message-extension command (manifest/manifest.template.json). */
export const RAISE_FROM_MESSAGE_COMMAND = 'raiseFromMessage';

/** The plain text of a Teams message body (HTML), for prefilling "The issue". */
export function messageText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Dialogs (task modules) take Action.Submit, not Action.Execute: the same card, resubmittable there. */
export function forDialog<C extends object>(card: C): C {
  const toSubmit = (action: Record<string, unknown>) => {
    if (action.type !== 'Action.Execute') return action;
    const { verb, ...rest } = action;
    return { ...rest, type: 'Action.Submit', data: { ...(action.data as object), verb } };
  };
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value).map(([k, v]) => [k, walk(v)] as const);
    return toSubmit(Object.fromEntries(entries));
  };
  return walk(card) as C;
}
