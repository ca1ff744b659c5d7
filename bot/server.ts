/**
 * The HTTP shell: restify with `POST /api/messages`, `GET /healthz`, `GET /readyz`, and the
 * privacy notice and terms of use the Teams manifest links to (`GET /privacy`, `GET /terms`).
 * It knows nothing of the Bot Framework; the messages endpoint is a function handed in.
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import restify from 'restify';
import { errorFields, type Logger } from '../app/log.js';
import { legalPages } from './pages.js';

export interface HttpResult {
  readonly status: number;
  readonly body?: unknown;
}

/** Handles one Bot Framework request: the parsed JSON body and the Authorization header. */
export type ActivityEndpoint = (body: unknown, authorization: string | undefined) => Promise<HttpResult>;

export interface Readiness {
  readonly ready: boolean;
  /** One entry per dependency: 'ok', or a short reason such as 'migrations pending'. */
  readonly checks: Readonly<Record<string, string>>;
}

/**
 * Whether this process can still do its work at all, without asking anything outside it: false
 * only for what no waiting mends (the embedded database's worker has died), so that an
 * orchestrator restarts the process. A database server that is down is readiness, not this.
 */
export interface Liveness {
  readonly live: boolean;
  /** One entry per part that is not live, with a short reason. */
  readonly checks: Readonly<Record<string, string>>;
}

export interface BotServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly messages: ActivityEndpoint;
  readonly readiness: () => Promise<Readiness>;
  /** For `GET /healthz`; without it the process is always live. */
  readonly liveness?: () => Liveness;
  readonly logger: Logger;
  /** How long `close()` waits for requests in flight before cutting connections. Default 10 s. */
  readonly drainTimeoutMs?: number;
  /** Largest accepted request body. Default 1 MiB (Teams activities are far smaller). */
  readonly maxBodyBytes?: number;
  /** Told of every answered request: its path, status and server-side time in milliseconds (metrics, benchmarks). */
  readonly observe?: (path: string, status: number, ms: number) => void;
  /** The name the privacy and terms pages give the bot. Default Resolve. */
  readonly displayName?: string;
}

/** Static pages carry no script, load nothing and are never framed. */
const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'public, max-age=3600',
};

export interface BotServer {
  readonly host: string;
  readonly port: number;
  /** e.g. http://127.0.0.1:3978 */
  readonly url: string;
  /** Stops accepting, waits for requests in flight (up to the drain timeout), then closes. */
  close(): Promise<void>;
}

export async function startBotServer(options: BotServerOptions): Promise<BotServer> {
  const { logger } = options;
  const server = restify.createServer({ name: 'resolve', handleUncaughtExceptions: false });
  let closing = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  server.pre((req, res, next) => {
    if (closing) {
      res.setHeader('Connection', 'close');
      res.send(503, { error: 'shutting down' });
      return next(false);
    }
    inFlight += 1;
    const started = performance.now();
    res.once('close', () => {
      inFlight -= 1;
      options.observe?.(req.getPath(), res.statusCode, performance.now() - started);
      if (inFlight === 0) drained?.();
    });
    return next();
  });
  server.use(restify.plugins.bodyParser({ maxBodySize: options.maxBodyBytes ?? 1024 * 1024, mapParams: false }));

  server.get('/healthz', async (_req, res) => {
    const liveness = options.liveness?.() ?? { live: true, checks: {} };
    if (liveness.live) res.send(200, { status: 'ok' });
    else res.send(503, { status: 'restart needed', checks: liveness.checks });
  });

  server.get('/readyz', async (_req, res) => {
    try {
      const readiness = await options.readiness();
      res.send(readiness.ready ? 200 : 503, { status: readiness.ready ? 'ready' : 'not ready', checks: readiness.checks });
    } catch (error) {
      logger.error('readiness.failed', errorFields(error));
      res.send(503, { status: 'not ready', checks: { readiness: 'check failed' } });
    }
  });

  // Served from memory, never from the database: they answer while /readyz does not.
  const pages = legalPages(options.displayName);
  for (const [route, html] of [['/privacy', pages.privacy], ['/terms', pages.terms]] as const) {
    server.get(route, async (_req, res) => {
      res.sendRaw(200, html, PAGE_HEADERS);
    });
  }

  server.post('/api/messages', async (req, res) => {
    let result: HttpResult;
    try {
      result = await options.messages(req.body, req.header('authorization') || undefined);
    } catch (error) {
      logger.error('messages.failed', errorFields(error));
      result = { status: 500, body: { error: 'internal error' } };
    }
    if (result.body === undefined) {
      res.send(result.status);
    } else {
      res.send(result.status, result.body);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  logger.info('server.listening', { host: options.host, port: address.port });

  return {
    host: options.host,
    port: address.port,
    url: `http://${host}:${address.port}`,
    close: async () => {
      if (closing) return;
      closing = true;
      const stopped = new Promise<void>((resolve) => server.server.close(() => resolve()));
      server.server.closeIdleConnections();
      if (inFlight > 0) {
        logger.info('server.draining', { inFlight });
        const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), options.drainTimeoutMs ?? 10_000).unref());
        const done = new Promise<'drained'>((resolve) => {
          drained = () => resolve('drained');
        });
        if ((await Promise.race([done, timeout])) === 'timeout') logger.warn('server.drain_timeout', { inFlight });
      }
      server.server.closeAllConnections();
      await stopped;
      logger.info('server.closed');
    },
  };
}
