/**
 * Wires the bot from its parts: adapter, application, messages endpoint, HTTP server.
 * `bin/serve.ts` calls it with the real use cases; the test harness with test doubles.
 */
import { createAdapter, type BotIdentity, type ResolveAdapter } from './adapter.js';
import { createBotApplication, type BotApplication, type BotFlows } from './app.js';
import type { ConversationReferences } from './conversations.js';
import { createMessagesEndpoint } from './inbound.js';
import type { Logger } from '../app/log.js';
import { startBotServer, type BotServer, type Liveness, type Readiness } from './server.js';

export interface BotRuntimeOptions {
  readonly identity: BotIdentity;
  readonly host: string;
  readonly port: number;
  readonly conversations: ConversationReferences;
  readonly flows: BotFlows;
  /** The name the privacy and terms pages give. */
  readonly displayName?: string;
  readonly readiness: () => Promise<Readiness>;
  /** For `GET /healthz`: whether the process must be restarted (bot/server.ts). */
  readonly liveness?: () => Liveness;
  readonly logger: Logger;
  readonly drainTimeoutMs?: number;
  readonly observe?: (path: string, status: number, ms: number) => void;
}

export interface RunningBot {
  readonly adapter: ResolveAdapter;
  readonly app: BotApplication;
  readonly server: BotServer;
}

export async function startBot(options: BotRuntimeOptions): Promise<RunningBot> {
  const { identity, logger } = options;
  const adapter = createAdapter(identity);
  const app = createBotApplication({
    adapter,
    ...(identity.appId !== undefined && { botAppId: identity.appId }),
    conversations: options.conversations,
    flows: options.flows,
    logger,
  });
  const messages = createMessagesEndpoint({
    adapter,
    ...(identity.tenantId !== undefined && { tenantId: identity.tenantId }),
    logic: async (context) => {
      await app.run(context);
    },
    logger,
  });
  const server = await startBotServer({
    host: options.host,
    port: options.port,
    messages,
    readiness: options.readiness,
    ...(options.liveness !== undefined && { liveness: options.liveness }),
    logger,
    ...(options.displayName !== undefined && { displayName: options.displayName }),
    ...(options.drainTimeoutMs !== undefined && { drainTimeoutMs: options.drainTimeoutMs }),
    ...(options.observe !== undefined && { observe: options.observe }),
  });
  return { adapter, app, server };
}
