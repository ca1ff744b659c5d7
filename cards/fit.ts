/**
 * Teams refuses a message over about 28 KB. A case card holds up to seven texts of 2,000
 * characters, so it can outgrow that: drawn again with its typed texts shortened, step by step,
 * until it fits. Each shortened text says so. The raise form is never shortened: nothing the
 * officer typed may be lost.
 */
import type { AdaptiveCardJson } from './elements.js';
import type { CaseView } from './view-models.js';

/** The card's budget, leaving room for the activity around it within Teams' 28 KB. */
export const MAX_CARD_BYTES = 26 * 1024;
export const SHORTENED_MARK = '… (shortened to fit the card)';
const CLIP_STEPS = [1000, 400, 150] as const;

/** The card's size as Teams counts it: its JSON in UTF-8. */
export function cardBytes(card: AdaptiveCardJson): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/** Whether the card is within budget. A JSON text is at most 3 UTF-8 bytes per UTF-16 unit, so a short one needs no counting. */
function fits(card: AdaptiveCardJson): boolean {
  const json = JSON.stringify(card);
  return json.length * 3 <= MAX_CARD_BYTES || Buffer.byteLength(json, 'utf8') <= MAX_CARD_BYTES;
}

export function clip(value: string, limit: number): string {
  return value.length <= limit ? value : `${value.slice(0, limit).trimEnd()}${SHORTENED_MARK}`;
}

function clipOptional(value: string | undefined, limit: number): string | undefined {
  return value === undefined ? undefined : clip(value, limit);
}

/** The same view with every typed text cut to `limit` characters. */
export function clipCaseView<V extends CaseView>(view: V, limit: number): V {
  const { facts, response } = view;
  return {
    ...view,
    facts: {
      ...facts,
      category: clipOptional(facts.category, limit),
      issue: clip(facts.issue, limit),
      impact: clip(facts.impact, limit),
      resolutionSought: clip(facts.resolutionSought, limit),
    },
    response: response && { ...response, text: clipOptional(response.text, limit) },
    agreedActions: view.agreedActions.map((a) => ({ ...a, description: clip(a.description, limit) })),
  };
}

/** Draws the card; if it is over budget, draws it again from shorter and shorter texts. */
export function fitCard<V extends CaseView>(view: V, draw: (view: V) => AdaptiveCardJson): AdaptiveCardJson {
  let card = draw(view);
  for (const limit of CLIP_STEPS) {
    if (fits(card)) return card;
    card = draw(clipCaseView(view, limit));
  }
  return card;
}
