/**
 * `POST /api/messages`: parse, authenticate (401), check the tenant (403), run the turn.
 * Nothing reaches a handler unless the first three pass.
 */
import type { Activity, TurnContext } from 'botbuilder';
import type { ResolveAdapter } from './adapter.js';
import { errorFields, type Logger } from '../app/log.js';
import type { ActivityEndpoint, HttpResult } from './server.js';

/** What a turn tells the HTTP answer beyond its invoke response: the turn could not reach the database. */
export interface TurnOutcome {
  unavailable: boolean;
}

/** Where a turn finds its TurnOutcome (`context.turnState`). */
export const TURN_OUTCOME_KEY = Symbol('resolve.turnOutcome');

/** Marks the turn as one that could not reach the database: the request is answered 503. */
export function markUnavailable(context: TurnContext): void {
  const outcome = context.turnState.get(TURN_OUTCOME_KEY) as TurnOutcome | undefined;
  if (outcome !== undefined) outcome.unavailable = true;
}

export interface MessagesEndpointOptions {
  readonly adapter: ResolveAdapter;
  /** When set, an activity from any other tenant (or from none) is refused with 403. */
  readonly tenantId?: string;
  readonly logic: (context: TurnContext) => Promise<void>;
  readonly logger: Logger;
}

/** The tenant an activity claims to come from; undefined when it names none or contradicts itself. */
export function activityTenantId(activity: Partial<Activity>): string | undefined {
  const fromConversation = activity.conversation?.tenantId;
  const channelData: unknown = activity.channelData;
  const tenant = typeof channelData === 'object' && channelData !== null ? (channelData as { tenant?: { id?: unknown } }).tenant : undefined;
  const fromChannelData = typeof tenant?.id === 'string' ? tenant.id : undefined;
  if (fromConversation !== undefined && fromChannelData !== undefined && fromConversation.toLowerCase() !== fromChannelData.toLowerCase()) {
    return undefined;
  }
  return fromConversation ?? fromChannelData;
}

function isActivity(body: unknown): body is Activity {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && typeof (body as { type?: unknown }).type === 'string';
}

export function createMessagesEndpoint(options: MessagesEndpointOptions): ActivityEndpoint {
  const { adapter, logger } = options;
  const expectedTenant = options.tenantId?.toLowerCase();

  return async (body, authorization): Promise<HttpResult> => {
    if (!isActivity(body)) {
      return { status: 400, body: { error: 'the request body must be a Bot Framework activity (JSON with a "type")' } };
    }
    const activity = body;
    const ids = { activityId: activity.id, type: activity.type, name: activity.name, userId: activity.from?.aadObjectId };

    let authenticated;
    try {
      authenticated = await adapter.authenticate(activity, authorization ?? '');
    } catch (error) {
      logger.warn('activity.unauthenticated', { ...ids, ...errorFields(error) });
      return { status: 401, body: { error: 'unauthorized' } };
    }

    if (expectedTenant !== undefined && activityTenantId(activity)?.toLowerCase() !== expectedTenant) {
      logger.warn('activity.wrong_tenant', { ...ids, tenantId: activityTenantId(activity) ?? null });
      return { status: 403, body: { error: 'this bot serves one organisation only' } };
    }

    logger.debug('activity.received', ids);
    const outcome: TurnOutcome = { unavailable: false };
    const invokeResponse = await adapter.runAuthenticated(authenticated, activity, async (context) => {
      context.turnState.set(TURN_OUTCOME_KEY, outcome);
      await options.logic(context);
    });
    if (invokeResponse !== undefined) return { status: invokeResponse.status, body: invokeResponse.body };
    return { status: outcome.unavailable ? 503 : 200 };
  };
}
