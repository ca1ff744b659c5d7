/**
 * A fake Microsoft Graph on 127.0.0.1 for adapter tests: routes answer with JSON shaped like
 * Graph's recorded answers, and every request is kept so tests can check what was sent.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TokenCredential } from '@azure/identity';
import type { Client } from '@microsoft/microsoft-graph-client';
import { createGraphClient } from '../../graph/client.js';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

export interface FakeReply {
  /** Never answer (to test timeouts); the server drops the request when it stops. */
  readonly hang?: boolean;
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

type Handler = (req: RecordedRequest, match: RegExpMatchArray) => FakeReply | undefined;

export class FakeGraph {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: { method: string; pattern: RegExp; handler: Handler }[] = [];
  private server?: Server;

  /** Adds a route; `pattern` matches the path without the /v1.0 prefix and without the query. */
  on(method: string, pattern: RegExp, handler: Handler | FakeReply): this {
    this.routes.push({ method, pattern, handler: typeof handler === 'function' ? handler : () => handler });
    return this;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const text = Buffer.concat(chunks).toString('utf8');
        const recorded: RecordedRequest = {
          method: req.method ?? 'GET',
          path: decodeURIComponent(url.pathname.replace(/^\/v1\.0/, '')),
          query: url.searchParams,
          headers: req.headers,
          body: text === '' ? undefined : (JSON.parse(text) as unknown),
        };
        this.requests.push(recorded);
        let reply: FakeReply | undefined;
        for (const route of this.routes) {
          const match = route.method === recorded.method ? recorded.path.match(route.pattern) : null;
          if (match) {
            reply = route.handler(recorded, match);
            if (reply) break;
          }
        }
        if (reply?.hang) return;
        reply ??= { status: 404, body: { error: { code: 'Request_ResourceNotFound', message: `No fake for ${recorded.method} ${recorded.path}` } } };
        const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
        res.writeHead(reply.status ?? 200, { ...(body && { 'Content-Type': 'application/json' }), ...reply.headers });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  calls(method: string, pattern: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && pattern.test(r.path));
  }
}

export const fakeCredential: TokenCredential = {
  getToken: () => Promise.resolve({ token: 'fake-graph-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

export function graphError(status: number, code: string, message: string, headers?: Record<string, string>): FakeReply {
  return { status, body: { error: { code, message } }, ...(headers && { headers }) };
}

/**
 * Starts a fresh fake Graph before each test of the enclosing `describe` and stops it after.
 * `client()` is a Graph client pointed at it that retries quickly.
 */
export function useFakeGraph(): { readonly graph: FakeGraph; readonly baseUrl: string; client(maxRetries?: number): Client } {
  let graph: FakeGraph | undefined;
  let baseUrl = '';
  beforeEach(async () => {
    graph = new FakeGraph();
    baseUrl = await graph.start();
  });
  afterEach(() => graph?.stop());
  return {
    get graph() {
      return graph!;
    },
    get baseUrl() {
      return baseUrl;
    },
    client: (maxRetries = 1) => createGraphClient({ credential: fakeCredential, baseUrl, retry: { delaySeconds: 0, maxRetries } }),
  };
}
