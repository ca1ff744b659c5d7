/** Every card the module can draw, from the fixtures, with its preview text. */
import * as cards from '../../cards/index.js';
import type { AdaptiveCardJson } from '../../cards/index.js';
import { reviewTaskCard, reviewTaskCardPreview } from '../../cards/review-task-card.js';
import * as f from './fixtures.js';

export interface Drawn {
  readonly name: string;
  readonly card: AdaptiveCardJson;
  readonly preview: string;
}

/** The names of the renderers the catalog has drawn with. */
export const covered = new Set<string>();

function each<V>(name: string, views: Record<string, V>, card: (v: V) => AdaptiveCardJson, preview: (v: V) => string): Drawn[] {
  covered.add(card.name);
  return Object.entries(views).map(([variant, view]) => ({ name: `${name} (${variant})`, card: card(view), preview: preview(view) }));
}

export function allCards(): Drawn[] {
  return [
    ...each('raise form', f.raiseViews, cards.raiseForm, cards.raiseFormPreview),
    ...each('action card', {
      open: f.actionCardView, responded: f.respondedActionCardView, largest: f.largestActionCardView,
    }, cards.actionCard, cards.actionCardPreview),
    ...each('read-only card', { one: f.readOnlyView, crowded: f.crowdedReadOnlyView }, cards.readOnlyCard, cards.readOnlyCardPreview),
    ...each('status card', { open: f.statusView, proposal: f.statusViewWithProposal, cafcassEarly: f.statusViewCafcassEarly, top: f.statusViewAtTop, oversized: f.oversizedStatusView }, cards.statusCard, cards.statusCardPreview),
    ...each('outcome card', f.outcomeViews, cards.outcomeCard, cards.outcomeCardPreview),
    ...each('help card', { officer: { canRaise: true }, manager: { canRaise: false } }, cards.helpCard, cards.helpCardPreview),
    ...each('my cases card', f.myCasesViews, cards.myCasesCard, cards.myCasesCardPreview),
    ...each('case detail card', { one: f.detailView }, cards.caseDetailCard, cards.caseDetailCardPreview),
    ...each('chaser card', f.chaserViews, cards.chaserCard, cards.chaserCardPreview),
    ...each('notice card', f.noticeViews, cards.noticeCard, cards.noticeCardPreview),
    ...each('reviews due card', f.reviewsDueViews, cards.reviewsDueCard, cards.reviewsDueCardPreview),
    ...each('review slots card', f.reviewSlotsViews, cards.reviewSlotsCard, cards.reviewSlotsCardPreview),
    ...each('review booked card', f.reviewBookedViews, cards.reviewBookedCard, cards.reviewBookedCardPreview),
    ...each('review booking failed card', f.reviewBookingFailedViews, cards.reviewBookingFailedCard, cards.reviewBookingFailedCardPreview),
    ...each('review register form', f.reviewRecordViews, cards.reviewRecordForm, () => cards.reviewRecordFormPreview()),
    ...each('briefing card', f.briefingViews, cards.briefingCard, cards.briefingCardPreview),
    ...each('briefing card', f.briefingNoticeViews, cards.briefingCard, cards.briefingCardPreview),
    ...each('briefing form', f.briefingFormViews, cards.briefingForm, cards.briefingFormPreview),
    ...each('briefing note card', f.briefingNoteViews, cards.briefingNoteCard, cards.briefingNoteCardPreview),
    ...each('review task card', f.reviewTaskViews, reviewTaskCard, reviewTaskCardPreview),
    ...each('welcome card', f.welcomeViews, cards.welcomeCard, cards.welcomeCardPreview),
    ...each('report card', f.reportViews, cards.reportCard, cards.reportCardPreview),
    // No buttons: it answers a request that could not be served.
    ...each('unavailable card', { 'database (empty)': undefined }, cards.unavailableCard, () => cards.DATABASE_UNAVAILABLE_TEXT),
  ];
}

/** Every object in a card's JSON, with its path. */
export function* walk(node: unknown, path = '$'): Generator<{ path: string; value: Record<string, unknown> }> {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* walk(item, `${path}[${i}]`);
  } else if (typeof node === 'object' && node !== null) {
    const value = node as Record<string, unknown>;
    yield { path, value };
    for (const [key, child] of Object.entries(value)) yield* walk(child, `${path}.${key}`);
  }
}

/** Every action object (buttons, show cards, select actions, the refresh action). */
export function actionsOf(card: unknown): { path: string; value: Record<string, unknown> }[] {
  return [...walk(card)].filter(({ value }) => typeof value.type === 'string' && value.type.startsWith('Action.'));
}
