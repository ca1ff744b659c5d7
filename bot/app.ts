/**
 * The teams-ai Application: routes from activities to thin handlers. A handler reads the acting
 * user from `activity.from.aadObjectId` (never a display name, never card data), turns the
 * activity into an application command, and renders the result as a card.
 */
import { Application, TurnState } from '@microsoft/teams-ai';
import { ActivityTypes, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { helpCard, isVerb, parseActionData, raiseFormValuesFrom, VERBS, type AdaptiveCardJson, type ParsedAction, type PersonView, type VerbData } from '../cards/index.js';
import type { Policy } from '../domain/policies/index.js';
import type { ResolveAdapter } from './adapter.js';
import { parseChatCommand, type ChatCommand } from './commands.js';
import { personalReferenceOf, type ConversationReferences } from './conversations.js';
import { errorFields, type Logger } from './log.js';
import { checkRaiseSubmission, forDialog, messageText, RAISE_FROM_MESSAGE_COMMAND, renderRaiseForm } from './raise.js';

/** What a handler answers with: a card, or a short message (shown under the card for a click). */
export type Reply = { readonly card: AdaptiveCardJson } | { readonly message: string };

export type RaiseResult = { readonly ok: true; readonly card: AdaptiveCardJson } | { readonly ok: false; readonly formError: string };

/**
 * The application's use cases as the bot sees them. Each takes the acting user's Entra object id
 * first. Missing ones answer that the feature is not available yet.
 */
export interface BotFlows {
  /** A checked raise form (its allocated worker is one the form offered) for the chosen policy. */
  raise?(actorId: string, form: VerbData<'raiseSubmit'>, policy: Policy): Promise<RaiseResult>;
  /** Any case action (respond, agree, escalate, refresh...): the card to show the actor. */
  caseAction?(actorId: string, action: Exclude<ParsedAction, { verb: 'raiseOpen' | 'raiseUpdate' | 'raiseSubmit' | 'myCases' }>): Promise<Reply>;
  myCases?(actorId: string): Promise<Reply>;
  caseByReference?(actorId: string, reference: string): Promise<Reply>;
}

export interface BotAppOptions {
  readonly adapter: ResolveAdapter;
  /** Required for proactive messages in Azure mode; absent in local mode. */
  readonly botAppId?: string;
  readonly conversations: ConversationReferences;
  /** The escalation ladders the raise form offers. */
  readonly policies: readonly Policy[];
  /** Who can be a case's allocated worker (the raise form's choice list); with none, nothing can be raised. */
  readonly workers?: readonly PersonView[];
  readonly flows?: BotFlows;
  readonly logger: Logger;
}

export type BotApplication = Application<TurnState>;

export const NOT_AVAILABLE = 'That is not available in this version yet. Nothing was changed.';
export const ONLY_IN_PRIVATE = 'I show cases only in your 1:1 chat with me, so that nobody else in this conversation sees them. Message me there.';

/** The Entra object id of the person acting, from the activity itself. */
export function actingUserId(context: TurnContext): string | undefined {
  const id = context.activity.from?.aadObjectId;
  return typeof id === 'string' && id.trim() !== '' ? id : undefined;
}

const cardActivity = (card: AdaptiveCardJson, text?: string) => {
  const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
  if (text !== undefined) activity.text = text;
  return activity;
};

const isCommand = (kind: ChatCommand['kind']) => async (context: TurnContext) =>
  context.activity.type === ActivityTypes.Message && parseChatCommand(context.activity.text).kind === kind;

export function createBotApplication(options: BotAppOptions): BotApplication {
  const { logger, policies } = options;
  const workers = options.workers ?? [];
  const form = (extra: Omit<Parameters<typeof renderRaiseForm>[0], 'policies' | 'workers'> = {}) => renderRaiseForm({ policies, workers, ...extra });
  const flows = options.flows ?? {};
  const app = new Application<TurnState>({
    adapter: options.adapter,
    ...(options.botAppId !== undefined && { botAppId: options.botAppId }),
    removeRecipientMention: true,
    startTypingTimer: false,
    longRunningMessages: false,
    turnStateFactory: () => new TurnState(),
  });

  const send = (context: TurnContext, reply: Reply) =>
    context.sendActivity('card' in reply ? cardActivity(reply.card) : reply.message);

  app.turn('beforeTurn', async (context) => {
    const personal = personalReferenceOf(context.activity);
    if (personal !== undefined) await options.conversations.save(personal.userId, personal.reference);
    const isUserTurn = context.activity.type === ActivityTypes.Message || context.activity.type === ActivityTypes.Invoke;
    if (actingUserId(context) === undefined && isUserTurn) {
      logger.warn('activity.no_user_id', { activityId: context.activity.id, type: context.activity.type });
      if (context.activity.type === ActivityTypes.Message) {
        await context.sendActivity('I cannot tell who you are: your message did not carry a Microsoft Entra user id, so I did nothing.');
      }
      return false;
    }
    return true;
  });

  // ---- chat commands ---------------------------------------------------------------------
  app.message(isCommand('help'), async (context) => {
    await context.sendActivity(cardActivity(helpCard({ canRaise: true })));
  });

  app.message(isCommand('raise'), async (context) => {
    await context.sendActivity(cardActivity(form()));
  });

  /** Case details go to people one by one: never into a group chat or channel, where anyone may read them. */
  const inPrivate = async (context: TurnContext, reply: () => Promise<Reply>) => {
    const type = context.activity.conversation?.conversationType;
    if (type !== undefined && type !== 'personal') {
      await context.sendActivity(ONLY_IN_PRIVATE);
      return;
    }
    await send(context, await reply());
  };

  app.message(isCommand('my-cases'), async (context) => {
    await inPrivate(context, async () => (flows.myCases ? flows.myCases(actingUserId(context)!) : { message: NOT_AVAILABLE }));
  });

  app.message(isCommand('case'), async (context) => {
    const command = parseChatCommand(context.activity.text);
    if (command.kind !== 'case') return;
    await inPrivate(context, async () => (flows.caseByReference ? flows.caseByReference(actingUserId(context)!, command.reference) : { message: NOT_AVAILABLE }));
  });

  app.message(isCommand('case-without-reference'), async (context) => {
    await context.sendActivity('Which case? Type **case** and its reference, for example **case RES-2026-0042**.');
  });

  app.activity(ActivityTypes.Message, async (context) => {
    await context.sendActivity(cardActivity(helpCard({ canRaise: true }), 'I did not understand that. Here is what I can do:'));
  });

  // ---- Action.Execute (Universal Actions) ---------------------------------------------------
  /** A submitted raise form: the form again (faults), the raised case's card, or a damaged-card message. */
  async function submitRaise(actorId: string, data: unknown): Promise<{ readonly formAgain: boolean; readonly reply: Reply }> {
    const checked = checkRaiseSubmission(policies, data, workers);
    if (!checked.ok) return 'damaged' in checked ? { formAgain: false, reply: { message: checked.damaged } } : { formAgain: true, reply: { card: checked.card } };
    const result: RaiseResult = flows.raise ? await flows.raise(actorId, checked.form, checked.policy) : { ok: false, formError: NOT_AVAILABLE };
    if (result.ok) return { formAgain: false, reply: { card: result.card } };
    const card = form({ formId: checked.form.formId, values: raiseFormValuesFrom(data), formError: result.formError });
    return { formAgain: true, reply: { card } };
  }

  /** The card (or message) answering a click; card data is untrusted and checked here. */
  async function onAction(actorId: string, verb: string, data: unknown): Promise<Reply> {
    if (verb === VERBS.raiseSubmit) return (await submitRaise(actorId, data)).reply;
    const parsed = parseActionData(verb, data);
    if (!parsed.ok) return { message: `${parsed.message} Nothing was changed.` };
    const { action } = parsed;
    switch (action.verb) {
      case 'raiseOpen':
        return { card: form() };
      case 'raiseUpdate':
        return { card: form({ formId: action.data.formId, values: raiseFormValuesFrom(data) }) };
      case 'myCases':
        return flows.myCases ? flows.myCases(actorId) : { message: NOT_AVAILABLE };
      case 'raiseSubmit':
        return (await submitRaise(actorId, data)).reply;
      default:
        return flows.caseAction ? flows.caseAction(actorId, action) : { message: NOT_AVAILABLE };
    }
  }

  app.adaptiveCards.actionExecute(
    async (context) => context.activity.type === ActivityTypes.Invoke && context.activity.name === 'adaptiveCard/action',
    async (context, _state, data) => {
      const verb: unknown = context.activity.value?.action?.verb;
      if (!isVerb(verb)) {
        logger.warn('action.unknown_verb', { activityId: context.activity.id, userId: actingUserId(context) });
        return 'This card is damaged or was not sent by Resolve: its action is not one I know. Nothing was changed.';
      }
      logger.info('action.received', { activityId: context.activity.id, userId: actingUserId(context), verb });
      const reply = await onAction(actingUserId(context)!, verb, data);
      // Answer only the person who clicked. (teams-ai would also rewrite the message for everyone
      // when a card has `refresh`; each holder's own copy refreshes to their own view instead.)
      const body = 'card' in reply
        ? { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: reply.card }
        : { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: reply.message };
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
      return '';
    },
  );

  // ---- message extension: "Raise alert from this message" -------------------------------------
  app.messageExtensions.fetchTask(RAISE_FROM_MESSAGE_COMMAND, async (context) => {
    const html: unknown = context.activity.value?.messagePayload?.body?.content;
    const issue = typeof html === 'string' ? messageText(html).slice(0, 2000) : '';
    return {
      title: 'Raise an alert',
      width: 'large',
      height: 'large',
      card: CardFactory.adaptiveCard(forDialog(form(issue === '' ? {} : { values: { issue } }))),
    };
  });

  app.messageExtensions.submitAction(RAISE_FROM_MESSAGE_COMMAND, async (context, _state, data) => {
    const { formAgain, reply } = await submitRaise(actingUserId(context)!, data);
    if ('message' in reply) return reply.message;
    // A form with faults stays open in the dialog. A raised case is never posted where the
    // message was (a group chat or channel may hold anyone): its card reaches the officer's own
    // chat with the bot through the outbox, like everyone else's.
    if (formAgain) return { title: 'Raise an alert', width: 'large', height: 'large', card: CardFactory.adaptiveCard(forDialog(reply.card)) };
    return 'Raised. Your card for it is in your chat with Resolve, and the people it goes to have theirs.';
  });

  app.error(async (context, error) => {
    logger.error('turn.failed', { activityId: context.activity.id, type: context.activity.type, ...errorFields(error) });
    if (context.activity.type === ActivityTypes.Message) {
      await context.sendActivity('Something went wrong and nothing was changed. Please try again.');
    }
  });

  return app;
}
