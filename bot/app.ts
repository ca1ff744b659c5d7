/**
 * The teams-ai Application: routes from activities to thin handlers. A handler reads the acting
 * user from `activity.from.aadObjectId` (never a display name, never card data), turns the
 * activity into an application command, and renders the result.
 */
import { Application, TurnState } from '@microsoft/teams-ai';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { ResolveAdapter } from './adapter.js';
import { COMMAND_HELP, parseChatCommand, type ChatCommand } from './commands.js';
import { personalReferenceOf, type ConversationReferences } from './conversations.js';
import { errorFields, type Logger } from './log.js';

export interface BotAppOptions {
  readonly adapter: ResolveAdapter;
  /** Required for proactive messages in Azure mode; absent in local mode. */
  readonly botAppId?: string;
  readonly botName: string;
  readonly conversations: ConversationReferences;
  readonly logger: Logger;
}

export type BotApplication = Application<TurnState>;

/** The Entra object id of the person acting, from the activity itself. */
export function actingUserId(context: TurnContext): string | undefined {
  const id = context.activity.from?.aadObjectId;
  return typeof id === 'string' && id.trim() !== '' ? id : undefined;
}

export function helpText(botName: string): string {
  return [`**${botName}** understands:`, ...COMMAND_HELP.map((c) => `- **${c.command}**: ${c.does}`)].join('\n');
}

const isCommand = (kind: ChatCommand['kind']) => async (context: TurnContext) =>
  context.activity.type === ActivityTypes.Message && parseChatCommand(context.activity.text).kind === kind;

export function createBotApplication(options: BotAppOptions): BotApplication {
  const { logger } = options;
  const app = new Application<TurnState>({
    adapter: options.adapter,
    ...(options.botAppId !== undefined && { botAppId: options.botAppId }),
    removeRecipientMention: true,
    startTypingTimer: false,
    longRunningMessages: false,
    turnStateFactory: () => new TurnState(),
  });

  app.turn('beforeTurn', async (context) => {
    const personal = personalReferenceOf(context.activity);
    if (personal !== undefined) await options.conversations.save(personal.userId, personal.reference);
    if (actingUserId(context) === undefined && context.activity.type === ActivityTypes.Message) {
      logger.warn('activity.no_user_id', { activityId: context.activity.id });
      await context.sendActivity('I cannot tell who you are: your message did not carry a Microsoft Entra user id, so I did nothing.');
      return false;
    }
    return true;
  });

  app.message(isCommand('help'), async (context) => {
    await context.sendActivity(helpText(options.botName));
  });

  app.message(isCommand('case-without-reference'), async (context) => {
    await context.sendActivity('Which case? Type **case** and its reference, for example **case RES-2026-0042**.');
  });

  for (const kind of ['raise', 'my-cases', 'case'] as const) {
    app.message(isCommand(kind), async (context) => {
      await context.sendActivity('That is not available in this version yet.');
    });
  }

  app.activity(ActivityTypes.Message, async (context) => {
    await context.sendActivity(`I did not understand that. ${helpText(options.botName)}`);
  });

  app.error(async (context, error) => {
    logger.error('turn.failed', { activityId: context.activity.id, type: context.activity.type, ...errorFields(error) });
    if (context.activity.type === ActivityTypes.Message) {
      await context.sendActivity('Something went wrong and nothing was changed. Please try again.');
    }
  });

  return app;
}
