import assert from 'node:assert/strict';
import * as AdaptiveCards from 'adaptivecards';
import { CARD_SCHEMA_VERSION } from '../../cards/index.js';
import * as cards from '../../cards/index.js';
import { actionsOf, allCards, covered, walk } from './catalog.js';

/** Parses with the SDK; returns every parse and validation message it raised. */
function sdkComplaints(json: unknown): { complaints: string[]; roundTrip: unknown } {
  const card = new AdaptiveCards.AdaptiveCard();
  const context = new AdaptiveCards.SerializationContext();
  card.parse(json, context);
  const complaints: string[] = [];
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    complaints.push(`parse [${AdaptiveCards.ValidationEvent[e.event]}] ${e.message}`);
  }
  for (const e of card.validateProperties().validationEvents) {
    complaints.push(`validate [${AdaptiveCards.ValidationEvent[e.event]}] ${e.message}`);
  }
  return { complaints, roundTrip: card.toJSON() };
}

/** Paths the card sets that the SDK dropped on reading: a misspelt or unsupported property. */
function droppedPaths(sent: unknown, read: unknown, path = '$'): string[] {
  if (Array.isArray(sent)) {
    if (!Array.isArray(read)) return [path];
    return sent.flatMap((item, i) => droppedPaths(item, read[i], `${path}[${i}]`));
  }
  if (typeof sent === 'object' && sent !== null) {
    if (typeof read !== 'object' || read === null) return [path];
    const r = read as Record<string, unknown>;
    return Object.entries(sent).flatMap(([k, v]) => (k in r ? droppedPaths(v, r[k], `${path}.${k}`) : [`${path}.${k}`]));
  }
  return [];
}

describe('cards: the SDK check itself catches faults (negative controls)', () => {
  it('reports an unknown element type as a parse event', () => {
    const { complaints } = sdkComplaints({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Input.Txet', id: 'x' }] });
    assert.equal(complaints.length, 1, complaints.join('; '));
  });

  it('reports a misspelt property as dropped on reading', () => {
    const sent = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'hello', wrapp: true }] };
    assert.deepEqual(droppedPaths(sent, sdkComplaints(sent).roundTrip), ['$.body[0].wrapp']);
  });

  it('reports a duplicate input id on validation', () => {
    const { complaints } = sdkComplaints({
      type: 'AdaptiveCard', version: '1.5',
      body: [{ type: 'Input.Text', id: 'reason', label: 'A' }, { type: 'Input.Text', id: 'reason', label: 'B' }],
    });
    assert.ok(complaints.some((c) => /reason/i.test(c) || /duplicate/i.test(c)), complaints.join('; '));
  });
});

describe('cards: every card parses cleanly with the adaptivecards SDK', () => {
  const drawn = allCards();

  it('draws a card for every renderer and variant (none forgotten)', () => {
    assert.ok(drawn.length >= 20, `only ${drawn.length} cards drawn`);
  });

  it('covers every card renderer the module exports', () => {
    const renderers = Object.entries(cards)
      .filter(([name, value]) => typeof value === 'function' && /(Card|Form)$/.test(name) && !['adaptiveCard', 'showCard', 'fitCard'].includes(name))
      .map(([name]) => name);
    assert.ok(renderers.length >= 10, renderers.join(', '));
    assert.deepEqual(renderers.filter((name) => !covered.has(name)), []);
  });

  it('is pure: drawing every card again gives the same JSON (no clock, no randomness)', () => {
    assert.deepEqual(allCards(), drawn);
  });

  for (const { name, card } of drawn) {
    describe(name, () => {
      it('parses and validates with no error or warning', () => {
        assert.deepEqual(sdkComplaints(card).complaints, []);
      });

      it('loses no property when the SDK reads it (nothing misspelt or unsupported)', () => {
        assert.deepEqual(droppedPaths(card, sdkComplaints(card).roundTrip), []);
      });

      it(`is schema version ${CARD_SCHEMA_VERSION}`, () => {
        assert.equal(card.version, '1.5');
        assert.equal(card.type, 'AdaptiveCard');
      });

      it('uses only Action.Execute (or a ShowCard holding Action.Execute)', () => {
        for (const { path, value } of actionsOf(card)) {
          assert.ok(['Action.Execute', 'Action.ShowCard', 'Action.ToggleVisibility'].includes(value.type as string), `${path} is ${String(value.type)}`);
          if (value.type === 'Action.Execute') assert.equal(typeof value.verb, 'string', `${path} has no verb`);
          if (value.type === 'Action.ShowCard') {
            const inner = actionsOf(value.card).map((a) => a.value.type);
            assert.ok(inner.length > 0 && inner.every((t) => t === 'Action.Execute'), `${path} holds ${inner.join(', ')}`);
          }
        }
      });

      it('every input has a unique id and a label', () => {
        const inputs = [...walk(card)].filter(({ value }) => String(value.type).startsWith('Input.'));
        const ids = inputs.map(({ value }) => value.id);
        assert.equal(new Set(ids).size, ids.length, `duplicate input ids: ${ids.join(', ')}`);
        for (const { path, value } of inputs) assert.ok(typeof value.label === 'string' && value.label !== '', `${path} has no label`);
      });

      it('fits in a Teams message: within the 26 KB card budget, under Teams\' 28 KB', () => {
        const size = Buffer.byteLength(JSON.stringify(card), 'utf8');
        assert.ok(size <= cards.MAX_CARD_BYTES, `${size} bytes`);
      });
    });
  }
});
