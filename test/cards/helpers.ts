/** Small queries over card JSON for the behaviour tests. */
import { actionsOf, walk } from './catalog.js';

type Json = Record<string, unknown>;

export function texts(card: unknown): string[] {
  return [...walk(card)].flatMap(({ value }) => {
    if (value.type === 'TextBlock' || value.type === 'TextRun') return [String(value.text)];
    if (Array.isArray(value.facts)) return (value.facts as Json[]).map((f) => `${String(f.title)}: ${String(f.value)}`);
    return [];
  });
}

export function allText(card: unknown): string {
  return texts(card).join('\n');
}

export function buttonTitles(card: { actions?: readonly unknown[] }): string[] {
  return (card.actions ?? []).map((a) => String((a as Json).title));
}

export function executes(card: unknown): Json[] {
  return actionsOf(card).map((a) => a.value).filter((a) => a.type === 'Action.Execute');
}

export function input(card: unknown, id: string): Json | undefined {
  return [...walk(card)].map((w) => w.value).find((v) => String(v.type).startsWith('Input.') && v.id === id);
}

export function showCardNamed(card: { actions?: readonly unknown[] }, title: string): Json {
  const found = (card.actions ?? []).find((a) => (a as Json).title === title) as Json | undefined;
  if (!found || found.type !== 'Action.ShowCard') throw new Error(`no show card "${title}"`);
  return found.card as Json;
}
