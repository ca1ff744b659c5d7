/**
 * Adaptive Card 1.5 JSON as plain objects, and the few builders every card shares.
 * Untrusted words (an officer's text, a category typed by hand) go into `plainText`, a TextRun,
 * which clients never read as markdown, so a pasted link or heading cannot dress itself up.
 */
export const CARD_SCHEMA_VERSION = '1.5';
/** Teams refreshes a card automatically for at most this many listed users. */
export const MAX_REFRESH_USER_IDS = 60;

export type CardElement = { readonly type: string } & Record<string, unknown>;
export type CardAction = { readonly type: string; readonly title: string } & Record<string, unknown>;
export type ActionData = Readonly<Record<string, unknown>>;

export interface Refresh {
  readonly action: { readonly type: 'Action.Execute'; readonly verb: string; readonly data: ActionData };
  readonly userIds?: readonly string[];
}

export interface AdaptiveCardJson {
  readonly type: 'AdaptiveCard';
  readonly $schema: string;
  readonly version: typeof CARD_SCHEMA_VERSION;
  readonly fallbackText: string;
  readonly body: readonly CardElement[];
  readonly actions?: readonly CardAction[];
  readonly refresh?: Refresh;
}

export interface CardParts {
  readonly fallbackText: string;
  readonly body: readonly (CardElement | undefined | false)[];
  readonly actions?: readonly (CardAction | undefined | false)[];
  readonly refresh?: Refresh;
}

/** Assembles a card; `undefined`/`false` parts are dropped so builders can say `cond && part`. */
export function adaptiveCard(parts: CardParts): AdaptiveCardJson {
  const actions = compact(parts.actions ?? []);
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_SCHEMA_VERSION,
    fallbackText: parts.fallbackText,
    body: compact(parts.body),
    ...(actions.length > 0 ? { actions } : {}),
    ...(parts.refresh ? { refresh: parts.refresh } : {}),
  };
}

export function compact<T>(items: readonly (T | undefined | false)[]): T[] {
  return items.filter((item): item is T => item !== undefined && item !== false);
}

type TextOptions = {
  size?: 'Small' | 'Default' | 'Medium' | 'Large';
  weight?: 'Bolder' | 'Lighter';
  color?: 'Default' | 'Accent' | 'Good' | 'Warning' | 'Attention';
  isSubtle?: boolean;
  style?: 'heading';
  spacing?: 'None' | 'Small' | 'Medium' | 'Large';
  separator?: boolean;
};

/** Text the code writes itself (labels, sentences built from vetted values). */
export function text(value: string, options: TextOptions = {}): CardElement {
  return { type: 'TextBlock', text: value, wrap: true, ...options };
}

/** Words a person typed: rendered verbatim, never as markdown. */
export function plainText(value: string, options: { spacing?: TextOptions['spacing']; color?: TextOptions['color'] } = {}): CardElement {
  const { spacing, color } = options;
  return {
    type: 'RichTextBlock',
    inlines: [{ type: 'TextRun', text: value, ...(color ? { color } : {}) }],
    ...(spacing ? { spacing } : {}),
  };
}

export function heading(value: string): CardElement {
  return text(value, { style: 'heading', size: 'Medium', weight: 'Bolder' });
}

export function factSet(facts: readonly (readonly [string, string | undefined])[]): CardElement | undefined {
  const present = facts.filter((f): f is readonly [string, string] => f[1] !== undefined && f[1] !== '');
  if (present.length === 0) return undefined;
  return { type: 'FactSet', facts: present.map(([title, value]) => ({ title, value })) };
}

export function container(items: readonly (CardElement | undefined | false)[], options: Record<string, unknown> = {}): CardElement {
  return { type: 'Container', items: compact(items), ...options };
}

export function actionSet(actions: readonly (CardAction | undefined | false)[]): CardElement | undefined {
  const present = compact(actions);
  return present.length > 0 ? { type: 'ActionSet', actions: present } : undefined;
}

export interface ExecuteOptions {
  style?: 'positive' | 'destructive';
  /** 'none' for buttons that must not gather (or validate) the card's inputs. */
  associatedInputs?: 'auto' | 'none';
}

export function execute(title: string, verb: string, data: ActionData, options: ExecuteOptions = {}): CardAction {
  return { type: 'Action.Execute', title, verb, data, ...options };
}

export function showCard(title: string, body: readonly (CardElement | undefined | false)[], submit: CardAction): CardAction {
  return {
    type: 'Action.ShowCard',
    title,
    card: { type: 'AdaptiveCard', body: compact(body), actions: [submit] },
  };
}
