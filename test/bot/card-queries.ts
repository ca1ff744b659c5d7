/** Reading cards in tests: the actions and inputs in a card, and the card or message an invoke answered with. */
import assert from 'node:assert/strict';
import type { JsonObject } from './recording-connector.js';

/** Every Action.* in a card, anywhere in it (card actions, action sets, show-cards). */
export function actionsIn(card: unknown): JsonObject[] {
  if (Array.isArray(card)) return card.flatMap(actionsIn);
  if (typeof card !== 'object' || card === null) return [];
  const here = String((card as JsonObject).type ?? '').startsWith('Action.') ? [card as JsonObject] : [];
  return [...here, ...Object.values(card).flatMap(actionsIn)];
}

export const verbsOn = (card: unknown): string[] => actionsIn(card).map((a) => a.verb).filter((v): v is string => typeof v === 'string');

/** The value an input with this id holds in the card, if any. */
export function inputValue(card: unknown, id: string): unknown {
  if (Array.isArray(card)) return card.map((c) => inputValue(c, id)).find((v) => v !== undefined);
  if (typeof card !== 'object' || card === null) return undefined;
  const node = card as JsonObject;
  if (node.id === id && String(node.type).startsWith('Input.')) return node.value;
  return Object.values(node).map((c) => inputValue(c, id)).find((v) => v !== undefined);
}

/** The card an Action.Execute invoke answered with (fails the test if it answered otherwise). */
export function invokeCard(body: unknown): JsonObject {
  const b = body as { type?: string; value?: JsonObject };
  assert.equal(b.type, 'application/vnd.microsoft.card.adaptive', `expected a card, got ${JSON.stringify(body).slice(0, 300)}`);
  return b.value as JsonObject;
}

/** The message an Action.Execute invoke answered with. */
export function invokeMessage(body: unknown): string {
  const b = body as { type?: string; value?: string };
  assert.equal(b.type, 'application/vnd.microsoft.activity.message', `expected a message, got ${JSON.stringify(body).slice(0, 300)}`);
  return String(b.value);
}
