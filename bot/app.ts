/**
 * The teams-ai Application: routes from activities to thin handlers. A handler reads the acting
 * user from `activity.from.aadObjectId` (never a display name, never card data), turns the
 * activity into an application command, and renders the result as a card.
 */
import { Application, TurnState } from '@microsoft/teams-ai';
import { ActivityTypes, CardFactory, INVOKE_RESPONSE_KEY, MessageFactory, type TurnContext } from 'botbuilder';
import type { CaseFlows } from '../app/cases/flows.js';
import type { ReviewChatFlows } from '../app/reviews/chat.js';
import type { ReportChatFlows } from '../app/reports/chat.js';
import type { TrainingFlows } from '../app/training.js';
import type { MessageLocation } from '../app/delivery/messages.js';
import type { Reply } from '../app/replies.js';
import { DATABASE_UNAVAILABLE_TEXT, helpCard, isVerb, routesToReports, routesToReviews, unavailableCard, type AdaptiveCardJson } from '../cards/index.js';
import { isDatabaseUnavailable } from '../app/errors.js';
import type { ResolveAdapter } from './adapter.js';
import { parseChatCommand, type ChatCommand } from './commands.js';
import { personalReferenceOf, type ConversationReferences } from './conversations.js';
import { errorFields, type Logger } from '../app/log.js';
import { markUnavailable } from './inbound.js';
import { forDialog, messageText, RAISE_FROM_MESSAGE_COMMAND } from './raise.js';

/**
 * The application's use cases as the bot sees them (app/cases/flows.ts). Each takes the acting
 * user's Entra object id first and untrusted card data as it came.
 */
export type BotFlows = Pick<CaseFlows, 'raiseForm' | 'submitRaise' | 'act' | 'myCases' | 'overdue' | 'caseByReference' | 'welcome'> & TrainingFlows & {
  /** Reviews in Outlook (app/reviews/chat.ts); absent, the bot says reviews are not set up here. */
  readonly reviews?: ReviewChatFlows;
  /** Reports for senior leaders (app/reports/chat.ts); absent, the bot says reports are not set up here. */
  readonly reports?: ReportChatFlows;
};

export interface BotAppOptions {
  readonly adapter: ResolveAdapter;
  /** Required for proactive messages in Azure mode; absent in local mode. */
  readonly botAppId?: string;
  readonly conversations: ConversationReferences;
  readonly flows: BotFlows;
  readonly logger: Logger;
}

export type BotApplication = Application<TurnState>;

const SOMETHING_WENT_WRONG = 'Something went wrong and nothing was changed. Please try again.';

/** How long an answer waits for the "cannot reach its database" card to be posted before answering 503 anyway. */
const UNAVAILABLE_CARD_WAIT_MS = 400;

export const ONLY_IN_PRIVATE = 'I show cases only in your 1:1 chat with me, so that nobody else in this conversation sees them. Message me there.';

/** Where the clicked card is, when it is a message in the person's 1:1 chat (Teams gives its id as replyToId). */
function cardMessageOf(context: TurnContext): MessageLocation | undefined {
  const { replyToId, conversation, serviceUrl } = context.activity;
  if (typeof replyToId !== 'string' || replyToId === '' || conversation?.conversationType !== 'personal' || conversation.isGroup === true) return undefined;
  return { conversationId: conversation.id, messageId: replyToId, serviceUrl };
}

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

/**
 * Answers only the person who clicked. (teams-ai would also rewrite the message for everyone when
 * a card has `refresh`; each holder's own copy refreshes to their own view instead.)
 */
async function answerInvoke(context: TurnContext, reply: Reply): Promise<void> {
  const body = 'card' in reply
    ? { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: reply.card }
    : { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: reply.message };
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
}

const isCommand = (kind: ChatCommand['kind']) => async (context: TurnContext) =>
  context.activity.type === ActivityTypes.Message && parseChatCommand(context.activity.text).kind === kind;

export function createBotApplication(options: BotAppOptions): BotApplication {
  const { logger, flows } = options;
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
    await context.sendActivity(cardActivity(flows.raiseForm()));
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
    await inPrivate(context, () => flows.myCases(actingUserId(context)!));
  });

  app.message(isCommand('overdue'), async (context) => {
    await inPrivate(context, () => flows.overdue(actingUserId(context)!));
  });

  const REVIEWS_NOT_SET_UP = 'Reviews are not set up in this Resolve: ask your administrator. Nothing was changed.';

  app.message(isCommand('reviews-due'), async (context) => {
    const reviews = flows.reviews;
    await inPrivate(context, async () => (reviews === undefined ? { message: REVIEWS_NOT_SET_UP } : reviews.due(actingUserId(context)!)));
  });

  app.message(isCommand('review-record'), async (context) => {
    const reviews = flows.reviews;
    await inPrivate(context, async () => (reviews === undefined ? { message: REVIEWS_NOT_SET_UP } : reviews.recordForm(actingUserId(context)!)));
  });

  const REPORTS_NOT_SET_UP = 'Reports are not set up in this Resolve: ask your administrator. Nothing was shown.';

  app.message(isCommand('report'), async (context) => {
    const command = parseChatCommand(context.activity.text);
    if (command.kind !== 'report') return;
    const reports = flows.reports;
    await inPrivate(context, async () => (reports === undefined ? { message: REPORTS_NOT_SET_UP } : reports.report(actingUserId(context)!, command.words)));
  });

  app.message(isCommand('case'), async (context) => {
    const command = parseChatCommand(context.activity.text);
    if (command.kind !== 'case') return;
    await inPrivate(context, () => flows.caseByReference(actingUserId(context)!, command.reference));
  });

  app.message(isCommand('clock'), async (context) => {
    const command = parseChatCommand(context.activity.text);
    if (command.kind !== 'clock') return;
    await send(context, await flows.clock(actingUserId(context)!, command.move));
  });

  app.message(isCommand('clock-unclear'), async (context) => {
    await context.sendActivity('To move Resolve\'s clock when trying it locally, type for example **clock forward 3 working days**, **clock forward 2 days** or **clock forward 4 hours**; **clock** shows the time it reads.');
  });

  app.message(isCommand('case-without-reference'), async (context) => {
    await context.sendActivity('Which case? Type **case** and its reference, for example **case RES-2026-0042**.');
  });

  app.activity(ActivityTypes.Message, async (context) => {
    await context.sendActivity(cardActivity(helpCard({ canRaise: true }), 'I did not understand that. Here is what I can do:'));
  });

  // ---- Action.Execute (Universal Actions) ---------------------------------------------------
  app.adaptiveCards.actionExecute(
    async (context) => context.activity.type === ActivityTypes.Invoke && context.activity.name === 'adaptiveCard/action',
    async (context, _state, data) => {
      const verb: unknown = context.activity.value?.action?.verb;
      if (routesToReviews(verb)) {
        logger.info('action.received', { activityId: context.activity.id, userId: actingUserId(context), verb: String(verb) });
        const reply = flows.reviews === undefined ? { message: REVIEWS_NOT_SET_UP } : await flows.reviews.act(actingUserId(context)!, String(verb), data);
        await answerInvoke(context, reply);
        return '';
      }
      if (routesToReports(verb)) {
        logger.info('action.received', { activityId: context.activity.id, userId: actingUserId(context), verb: String(verb) });
        const reply = flows.reports === undefined ? { message: REPORTS_NOT_SET_UP } : await flows.reports.act(actingUserId(context)!, String(verb), data);
        await answerInvoke(context, reply);
        return '';
      }
      if (!isVerb(verb)) {
        logger.warn('action.unknown_verb', { activityId: context.activity.id, userId: actingUserId(context) });
        return 'This card is damaged or was not sent by Resolve: its action is not one I know. Nothing was changed.';
      }
      logger.info('action.received', { activityId: context.activity.id, userId: actingUserId(context), verb });
      const reply = await flows.act(actingUserId(context)!, verb, data, cardMessageOf(context));
      await answerInvoke(context, reply);
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
      card: CardFactory.adaptiveCard(forDialog(flows.raiseForm({ issue }))),
    };
  });

  app.messageExtensions.submitAction(RAISE_FROM_MESSAGE_COMMAND, async (context, _state, data) => {
    const outcome = await flows.submitRaise(actingUserId(context)!, data);
    if ('message' in outcome) return outcome.message;
    // A form with faults stays open in the dialog. A raised case is never posted where the
    // message was (a group chat or channel may hold anyone): its card reaches the officer's own
    // chat with the bot through the outbox, like everyone else's.
    if (outcome.kind === 'form') return { title: 'Raise an alert', width: 'large', height: 'large', card: CardFactory.adaptiveCard(forDialog(outcome.card)) };
    return 'Raised. Your card for it is in your chat with Resolve, and the people it goes to have theirs.';
  });

  // ---- the app installed for a person, or added to a chat or team ------------------------------
  app.activity(ActivityTypes.InstallationUpdate, async (context) => {
    // Only a new installation: an upgrade ("add-upgrade") must not welcome everyone again.
    if (context.activity.action !== 'add') return;
    const personal = context.activity.conversation?.conversationType === 'personal';
    const actorId = actingUserId(context);
    if (personal && actorId === undefined) return;
    await send(context, await flows.welcome(actorId ?? '', personal ? 'personal' : 'shared'));
  });

  /**
   * A turn that failed. Without its database Resolve changes nothing and says so: the chat gets a
   * card, and the HTTP answer is 503 (for a card action, Teams shows the error's message on it).
   */
  app.error(async (context, error) => {
    const { type } = context.activity;
    if (isDatabaseUnavailable(error)) {
      logger.warn('turn.database_unavailable', { activityId: context.activity.id, type });
      markUnavailable(context);
      context.turnState.set(INVOKE_RESPONSE_KEY, {
        type: ActivityTypes.InvokeResponse,
        value: { status: 503, body: { statusCode: 503, type: 'application/vnd.microsoft.error', value: { code: 'ServiceUnavailable', message: DATABASE_UNAVAILABLE_TEXT } } },
      });
      if (type === ActivityTypes.Message) {
        // Best effort, and bounded: the 503 must not wait on a slow or unreachable connector.
        const sent = context.sendActivity(cardActivity(unavailableCard(), DATABASE_UNAVAILABLE_TEXT)).catch((sendError: unknown) => {
          logger.warn('turn.unavailable_card_not_sent', { activityId: context.activity.id, ...errorFields(sendError) });
        });
        await Promise.race([sent, new Promise((resolve) => setTimeout(resolve, UNAVAILABLE_CARD_WAIT_MS).unref())]);
      }
      return;
    }
    logger.error('turn.failed', { activityId: context.activity.id, type, ...errorFields(error) });
    if (type === ActivityTypes.Invoke) {
      context.turnState.set(INVOKE_RESPONSE_KEY, {
        type: ActivityTypes.InvokeResponse,
        value: { status: 500, body: { statusCode: 500, type: 'application/vnd.microsoft.error', value: { code: 'InternalError', message: SOMETHING_WENT_WRONG } } },
      });
    }
    if (type === ActivityTypes.Message) await context.sendActivity(SOMETHING_WENT_WRONG);
  });

  return app;
}
