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

/**
 * Teams' chart elements (cards/report-card.ts), which the adaptivecards SDK does not know: it reads
 * each as its `fallback`. Allowed by name, one SDK complaint per chart that has a fallback; each
 * chart is checked here against its documented shape instead (learn.microsoft.com, "Charts in
 * Adaptive Cards"), and the rest of the card, fallbacks included, is parsed as strictly as any.
 */
const TEAMS_CHARTS: Readonly<Record<string, { readonly point: readonly [string, string]; readonly props: readonly string[] }>> = {
  'Chart.VerticalBar': { point: ['x', 'y'], props: ['xAxisTitle', 'yAxisTitle'] },
  'Chart.HorizontalBar': { point: ['x', 'y'], props: ['xAxisTitle', 'yAxisTitle', 'displayMode'] },
  'Chart.Pie': { point: ['legend', 'value'], props: [] },
  'Chart.Donut': { point: ['legend', 'value'], props: [] },
};
const CHART_COMMON = ['type', 'title', 'colorSet', 'data', 'fallback'];

function isChart(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.hasOwn(TEAMS_CHARTS, String((value as { type?: unknown }).type));
}

/** What is wrong with one chart element against its documented shape. */
function chartFaults(chart: Record<string, unknown>, path: string): string[] {
  const spec = TEAMS_CHARTS[String(chart.type)]!;
  const faults: string[] = [];
  for (const key of Object.keys(chart)) if (![...CHART_COMMON, ...spec.props].includes(key)) faults.push(`${path}.${key} is not a ${String(chart.type)} property`);
  if (typeof chart.title !== 'string' || chart.title === '') faults.push(`${path} has no title`);
  const fallback = chart.fallback as { type?: unknown } | undefined;
  if (typeof fallback !== 'object' || fallback === null || typeof fallback.type !== 'string' || isChart(fallback)) faults.push(`${path} has no fallback element for clients without charts`);
  const data = chart.data;
  if (!Array.isArray(data) || data.length === 0) faults.push(`${path}.data is empty`);
  else {
    const [label, value] = spec.point;
    data.forEach((p: Record<string, unknown>, i) => {
      if (Object.keys(p).sort().join() !== [label, value].sort().join() || typeof p[label] !== 'string' || typeof p[value] !== 'number' || !Number.isFinite(p[value])) {
        faults.push(`${path}.data[${i}] is not { ${label}: text, ${value}: number }`);
      }
    });
  }
  return faults;
}

/** The card as the SDK reads it: every Teams chart replaced by its fallback. */
function chartsAsFallback(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(chartsAsFallback);
  if (typeof node !== 'object' || node === null) return node;
  if (isChart(node) && typeof node.fallback === 'object') return chartsAsFallback(node.fallback);
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, chartsAsFallback(v)]));
}

/** Every Teams chart in the card, with its path. */
const chartsIn = (card: unknown) => [...walk(card)].filter(({ value }) => isChart(value));

/** The SDK's complaints, less exactly one "unknown element" for each Teams chart that carries a fallback. */
function complaintsBesideCharts(card: unknown): string[] {
  const expected = chartsIn(card)
    .filter(({ value }) => typeof value.fallback === 'object' && value.fallback !== null)
    .map(({ value }) => `parse [UnknownElementType] Unknown element type "${String(value.type)}". Fallback will be used if present.`);
  const complaints = sdkComplaints(card).complaints;
  for (const line of expected) {
    const i = complaints.indexOf(line);
    if (i >= 0) complaints.splice(i, 1);
  }
  return complaints;
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

  it('allows a Teams chart only by name and with a fallback: an unknown chart type still complains, a chart without fallback is a fault', () => {
    const bar = { type: 'Chart.VerticalBar', title: 'Alerts', data: [{ x: 'Stage 1', y: 3 }], fallback: { type: 'TextBlock', text: 'Stage 1: 3', wrap: true } };
    const card = (element: object) => ({ type: 'AdaptiveCard', version: '1.5', body: [element] });
    assert.deepEqual(complaintsBesideCharts(card(bar)), []);
    assert.deepEqual(chartFaults(bar, '$'), []);
    assert.equal(complaintsBesideCharts(card({ ...bar, type: 'Chart.Bogus' })).length, 1);
    const { fallback: _fallback, ...bare } = bar;
    assert.equal(complaintsBesideCharts(card(bare)).length, 1);
    assert.deepEqual(chartFaults(bare, '$'), ['$ has no fallback element for clients without charts']);
    assert.deepEqual(chartFaults({ ...bar, xAxisTitel: 'Stage' }, '$'), ['$.xAxisTitel is not a Chart.VerticalBar property']);
    assert.deepEqual(chartFaults({ ...bar, data: [{ x: 'Stage 1', y: '3' }] }, '$'), ['$.data[0] is not { x: text, y: number }']);
    assert.deepEqual(chartFaults({ ...bar, type: 'Chart.Pie', data: [{ x: 'Stage 1', y: 3 }] }, '$'), ['$.data[0] is not { legend: text, value: number }']);
    // The fallback itself is read as strictly as any element.
    assert.deepEqual(droppedPaths(chartsAsFallback(card({ ...bar, fallback: { type: 'TextBlock', text: 'x', wrapp: true } })), sdkComplaints(card(bar)).roundTrip), ['$.body[0].wrapp']);
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
      it('parses and validates with no error or warning (a Teams chart is read as its fallback)', () => {
        assert.deepEqual(complaintsBesideCharts(card), []);
      });

      it('loses no property when the SDK reads it (nothing misspelt or unsupported)', () => {
        assert.deepEqual(droppedPaths(chartsAsFallback(card), sdkComplaints(card).roundTrip), []);
      });

      it('every Teams chart has its documented shape and a fallback', () => {
        assert.deepEqual(chartsIn(card).flatMap(({ path, value }) => chartFaults(value, path)), []);
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
