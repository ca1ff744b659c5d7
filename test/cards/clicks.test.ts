import assert from 'node:assert/strict';
import { REPORT_VERB_DATA_SCHEMAS, REVIEW_VERB_DATA_SCHEMAS, VERB_DATA_SCHEMAS, isReportVerb, isReviewVerb, isVerb, parseActionData, parseReportAction, parseReviewAction } from '../../cards/index.js';
import { allCards, walk } from './catalog.js';

type Json = Record<string, unknown>;

/** What a person would type or pick in each kind of input. */
function sampleValue(input: Json): string {
  switch (input.type) {
    case 'Input.Date': return '2026-03-12';
    case 'Input.Toggle': return 'true';
    case 'Input.ChoiceSet': return String((input.choices as Json[])[0]?.value ?? '');
    default:
      if (input.id === 'caseReference') return 'LCS-204518';
      if (input.id === 'subjectInitials') return 'J.T.';
      if (input.id === 'reference') return 'LCS-104900';
      if (input.id === 'invitees') return 'carer@example.org';
      return 'Words the person typed';
  }
}

/** The inputs a client gathers for an action: its own show card's, or the card body's. */
function inputsIn(elements: unknown): Json[] {
  const found: Json[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const o = node as Json;
    if (o.type === 'Action.ShowCard') return; // a show card's inputs belong to its own actions
    if (typeof o.type === 'string' && o.type.startsWith('Input.')) found.push(o);
    Object.values(o).forEach(visit);
  };
  visit(elements);
  return found;
}

/** Every Execute action with the payload a click would send. */
function clicks(card: Json): { path: string; verb: unknown; data: Json; inputIds: string[] }[] {
  const result: { path: string; verb: unknown; data: Json; inputIds: string[] }[] = [];
  for (const { path, value } of walk(card)) {
    if (value.type === 'Action.ShowCard') {
      const inner = value.card as Json;
      const inputs = inputsIn(inner.body);
      for (const action of inner.actions as Json[]) result.push(click(`${path}.card`, action, inputs));
    }
  }
  for (const { path, value } of walk({ body: card.body, actions: card.actions, refresh: card.refresh })) {
    if (value.type !== 'Action.Execute' || path.includes('.card.')) continue;
    result.push(click(path, value, value.associatedInputs === 'none' ? [] : inputsIn(card.body)));
  }
  return result;
}

function click(path: string, action: Json, inputs: Json[]) {
  const typed = Object.fromEntries(inputs.map((i) => [String(i.id), sampleValue(i)]));
  return { path, verb: action.verb, data: { ...(action.data as Json), ...typed }, inputIds: inputs.map((i) => String(i.id)) };
}

describe('cards: every button sends a payload its verb schema accepts (a simulated click on every card)', () => {
  for (const { name, card } of allCards()) {
    it(`${name}: each Action.Execute, filled in as a person would, parses; no input is unknown to its verb`, () => {
      const all = clicks(card as unknown as Json);
      if (!name.includes('(empty)')) assert.ok(all.length > 0, 'no button found: the walker is blind');
      for (const { path, verb, data, inputIds } of all) {
        // Case cards' verbs, the review cards' own (cards/review-verbs.ts) and the report card's (cards/report-verbs.ts).
        assert.ok(isVerb(verb) || isReviewVerb(verb) || isReportVerb(verb), `${path}: unknown verb ${String(verb)}`);
        const schema = isReportVerb(verb) ? REPORT_VERB_DATA_SCHEMAS[verb] : isReviewVerb(verb) ? REVIEW_VERB_DATA_SCHEMAS[verb] : VERB_DATA_SCHEMAS[verb as keyof typeof VERB_DATA_SCHEMAS];
        const known = Object.keys((schema as unknown as { shape: Json }).shape);
        for (const id of inputIds) assert.ok(known.includes(id), `${path}: input "${id}" is not in the ${String(verb)} schema`);
        const result = isReportVerb(verb) ? parseReportAction(verb, data) : isReviewVerb(verb) ? parseReviewAction(verb, data) : parseActionData(verb, data);
        assert.ok(result.ok, `${path} (${String(verb)}): ${result.ok ? '' : result.message}`);
      }
    });
  }
});
