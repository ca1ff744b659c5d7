import assert from 'node:assert/strict';
import { briefingCard, raiseForm, raiseFormPreview } from '../../cards/index.js';
import { actionsOf, allCards, walk } from './catalog.js';
import { briefingViews, child, freeText, people, raiseViews } from './fixtures.js';

/** Strings that must never reach a notification: the child, the staff, and anything typed. */
const forbidden = [
  child.name, ...child.name.split(' '), child.initials,
  ...Object.values(people).flatMap((p) => [p.name, ...p.name.split(' ')]),
  ...Object.values(freeText).map((t) => t.slice(0, 24)),
];

function leaks(value: string): string[] {
  return forbidden.filter((f) => value.toLowerCase().includes(f.toLowerCase()));
}

/** The title of every button, and every heading: what shows in lists, tooltips and screen readers' summaries. */
function titlesOf(card: unknown): string[] {
  const titles = actionsOf(card).map(({ value }) => String(value.title ?? ''));
  const headings = [...walk(card)].filter(({ value }) => value.style === 'heading').map(({ value }) => String(value.text));
  return [...titles, ...headings];
}

describe('cards: previews carry the opaque case reference and stage only (DESIGN Privacy, DOMAIN §6.3, §8.3)', () => {
  for (const { name, card, preview } of allCards()) {
    it(`${name}: preview and fallback text hold no child initials, no names and no free text`, () => {
      assert.deepEqual(leaks(preview), [], preview);
      assert.deepEqual(leaks(card.fallbackText), [], card.fallbackText);
      assert.ok(preview.length <= 120, `preview too long for a notification: ${preview}`);
    });

    it(`${name}: button titles and headings hold no child initials, no names and no free text`, () => {
      for (const title of titlesOf(card)) assert.deepEqual(leaks(title), [], title);
    });
  }

  it('a case card preview is "<what>: case <reference>, <stage>"', () => {
    const previews = allCards().filter(({ name }) => !/raise form|help|my cases|welcome|unavailable|review|report/.test(name)).map((d) => d.preview);
    assert.ok(previews.length > 10);
    for (const p of previews) assert.match(p, /^[A-Z][A-Za-z ]+: case LCS-\d+, [A-Za-z0-9 ()]+$/, p);
  });

  it('a review card preview names the review by its case-system reference only, or is a fixed phrase', () => {
    const previews = allCards().filter(({ name }) => /^review|reviews due/.test(name) && !name.startsWith('review task')).map((d) => d.preview);
    assert.ok(previews.length >= 6);
    for (const p of previews) assert.match(p, /^(No time found for review|Times for review|Review) LCS-\d+( booked| cancelled| is not booked)?$|^(No reviews|\d+ reviews?) due in the next \d+ days$|^Add to the review register$/, p);
  });

  it('a report card preview is the report\'s title and period, and no card of a report holds a reference', () => {
    const reports = allCards().filter(({ name }) => name.startsWith('report card'));
    assert.ok(reports.length >= 3);
    for (const { preview, card } of reports) {
      assert.match(preview, /^(Alerts and reviews report|Weekly digest|Monthly thematic report|Quarterly themes report|Independent Reviewing Service annual report [0-9-]+), [A-Za-z0-9 :-]+$/, preview);
      assert.doesNotMatch(JSON.stringify(card), /LCS-\d+/);
    }
  });

  it('the raise form prefilled from a message (with initials and text) previews only a fixed phrase', () => {
    const card = raiseForm(raiseViews.withErrors!);
    assert.equal(card.fallbackText, raiseFormPreview());
    assert.equal(raiseFormPreview(), 'Raise a practice alert or dispute');
  });

  it('only the raise form ever shows the child\'s or carer\'s initials', () => {
    for (const { name, card } of allCards().filter((d) => !d.name.startsWith('raise form'))) {
      assert.ok(!JSON.stringify(card).includes(child.initials), name);
    }
  });

  it('DOMAIN §8.6: the Director briefing card shows no child identifiers and none of the case\'s free text', () => {
    for (const view of Object.values(briefingViews)) {
      const card = briefingCard(view);
      assert.deepEqual(leaks(JSON.stringify(card)), []);
      assert.ok(JSON.stringify(card).includes(view.header.reference));
    }
  });
});
