/**
 * A fake Bot Connector service on 127.0.0.1 that records everything the bot sends: replies,
 * proactive messages, card updates, deletions and new conversations. Activities posted by the
 * harness carry its URL as `serviceUrl`, so the bot's connector client talks to it.
 * Each conversation is tied to the person it belongs to, so tests can ask who received what.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type JsonObject = Record<string, unknown>;

export interface SentActivity {
  readonly kind: 'send' | 'reply' | 'update' | 'delete';
  readonly conversationId: string;
  /** The id the connector gave the new activity, or the id of the activity updated or deleted. */
  readonly activityId: string;
  /** For replies: the activity replied to. */
  readonly replyToId?: string;
  readonly activity: JsonObject;
  readonly authorization?: string;
}

export interface CreatedConversation {
  readonly conversationId: string;
  readonly userId?: string;
  readonly parameters: JsonObject;
}

export interface ConnectorFailure {
  readonly status: number;
  readonly retryAfterSeconds?: number;
}

export interface RecordingConnector {
  /** e.g. http://127.0.0.1:41234/ (what activities carry as serviceUrl) */
  readonly serviceUrl: string;
  readonly sent: readonly SentActivity[];
  readonly created: readonly CreatedConversation[];
  /** Ties a conversation to the Entra object id of the person it reaches. */
  registerConversation(conversationId: string, userId: string): void;
  /** Activities sent, replied or updated in any conversation that reaches this person. */
  sentTo(userId: string): SentActivity[];
  /** Makes every call for this conversation fail with this status until cleared (undefined). */
  failConversation(conversationId: string, failure: ConnectorFailure | undefined): void;
  /** Makes updates and deletes of this one message fail (e.g. 404: the person deleted it) until cleared. */
  failActivity(activityId: string, failure: ConnectorFailure | undefined): void;
  /** Makes every call for this conversation hang, never answered, until cleared (false) or the connector closes. */
  hangConversation(conversationId: string, hang: boolean): void;
  /** Makes new-conversation requests for this person fail until cleared. */
  failCreateConversation(userId: string, failure: ConnectorFailure | undefined): void;
  clear(): void;
  close(): Promise<void>;
}

/** The Adaptive Cards an activity carries (attachment contents). */
export function cardsIn(activity: JsonObject): JsonObject[] {
  const attachments = Array.isArray(activity.attachments) ? (activity.attachments as JsonObject[]) : [];
  return attachments
    .filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')
    .map((a) => a.content as JsonObject);
}

async function readJson(req: IncomingMessage): Promise<JsonObject> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : (JSON.parse(text) as JsonObject);
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

/** Everything any recording connector in this test run was sent, and every email a harness sent: for the privacy scan. */
export const OUTBOUND: { readonly activities: JsonObject[]; readonly emails: { subject: string; html: string; text?: string }[] } = { activities: [], emails: [] };

const ACTIVITIES = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;
const CONVERSATIONS = /^\/v3\/conversations\/?$/;

export async function startRecordingConnector(): Promise<RecordingConnector> {
  const sent: SentActivity[] = [];
  const created: CreatedConversation[] = [];
  const owners = new Map<string, string>();
  const failures = new Map<string, ConnectorFailure>();
  const createFailures = new Map<string, ConnectorFailure>();
  const hanging = new Set<string>();
  const activityFailures = new Map<string, ConnectorFailure>();
  let counter = 0;

  const fail = (res: ServerResponse, failure: ConnectorFailure) =>
    send(res, failure.status, { error: { code: 'Simulated', message: `simulated failure ${failure.status}` } },
      failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {});

  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://connector').pathname;
      const authorization = req.headers.authorization;
      const body = req.method === 'DELETE' ? {} : await readJson(req);

      if (req.method === 'POST' && CONVERSATIONS.test(path)) {
        const members = Array.isArray(body.members) ? (body.members as JsonObject[]) : [];
        const first = members[0];
        const userId = first === undefined ? undefined : String(first.aadObjectId ?? first.id);
        const failure = userId === undefined ? undefined : createFailures.get(userId.toLowerCase());
        if (failure !== undefined) return fail(res, failure);
        counter += 1;
        const conversationId = `a:created-${counter}`;
        if (userId !== undefined) owners.set(conversationId, userId.toLowerCase());
        created.push({ conversationId, ...(userId !== undefined && { userId }), parameters: body });
        return send(res, 201, { id: conversationId, activityId: `activity-${counter}` });
      }

      const match = ACTIVITIES.exec(path);
      if (match === null) return send(res, 404, { error: { code: 'NotFound', message: `no fake for ${req.method} ${path}` } });
      const conversationId = decodeURIComponent(match[1] ?? '');
      const targetId = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
      if (hanging.has(conversationId)) return undefined;
      const failure = failures.get(conversationId);
      if (failure !== undefined) return fail(res, failure);

      const record = (kind: SentActivity['kind'], activityId: string, replyToId?: string) => {
        OUTBOUND.activities.push(body);
        sent.push({
          kind,
          conversationId,
          activityId,
          ...(replyToId !== undefined && { replyToId }),
          activity: body,
          ...(authorization !== undefined && { authorization }),
        });
      };

      if (req.method === 'POST') {
        counter += 1;
        const activityId = `activity-${counter}`;
        record(targetId === undefined ? 'send' : 'reply', activityId, targetId);
        return send(res, 200, { id: activityId });
      }
      const activityFailure = targetId === undefined || req.method === 'POST' ? undefined : activityFailures.get(targetId);
      if (activityFailure !== undefined) return fail(res, activityFailure);
      if (req.method === 'PUT' && targetId !== undefined) {
        record('update', targetId);
        return send(res, 200, { id: targetId });
      }
      if (req.method === 'DELETE' && targetId !== undefined) {
        record('delete', targetId);
        return send(res, 200);
      }
      return send(res, 405);
    })().catch((error: unknown) => send(res, 500, { error: { code: 'FakeConnectorError', message: String(error) } }));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    serviceUrl: `http://127.0.0.1:${port}/`,
    sent,
    created,
    registerConversation: (conversationId, userId) => owners.set(conversationId, userId.toLowerCase()),
    sentTo: (userId) => sent.filter((s) => s.kind !== 'delete' && owners.get(s.conversationId) === userId.toLowerCase()),
    failConversation: (conversationId, failure) => {
      if (failure === undefined) failures.delete(conversationId);
      else failures.set(conversationId, failure);
    },
    failActivity: (activityId, failure) => {
      if (failure === undefined) activityFailures.delete(activityId);
      else activityFailures.set(activityId, failure);
    },
    hangConversation: (conversationId, hang) => {
      if (hang) hanging.add(conversationId);
      else hanging.delete(conversationId);
    },
    failCreateConversation: (userId, failure) => {
      if (failure === undefined) createFailures.delete(userId.toLowerCase());
      else createFailures.set(userId.toLowerCase(), failure);
    },
    clear: () => {
      sent.length = 0;
      created.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
