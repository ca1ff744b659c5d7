/**
 * The Microsoft Graph client: app-only credentials from @azure/identity, a base URL that tests
 * point at a fake Graph on loopback, and the SDK's RetryHandler, which honours `Retry-After` on
 * 429, 503 and 504. Failures come back as two typed errors: `GraphUnavailableError` (Graph could
 * not be reached or kept failing; the caller keeps the work queued and tries later) and
 * `GraphRequestError` (Graph answered and refused; retrying the same request will not help).
 */
import { ClientCertificateCredential, ClientSecretCredential, type TokenCredential } from '@azure/identity';
import {
  Client,
  GraphError,
  HTTPMessageHandler,
  RedirectHandler,
  RedirectHandlerOptions,
  RetryHandler,
  RetryHandlerOptions,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export interface GraphClientOptions {
  readonly credential: TokenCredential;
  /** Origin of the Graph service, e.g. https://graph.microsoft.com (the default) or a fake. */
  readonly baseUrl?: string;
  /** Retries for 429/503/504 answers; the wait is the answer's Retry-After when it has one. */
  readonly retry?: { readonly maxRetries?: number; readonly delaySeconds?: number };
  /** Each HTTP attempt is abandoned after this long (default 30 s): a silent Graph is an absent one. */
  readonly timeoutMs?: number;
  readonly scope?: string;
}

/** Graph could not be reached, or kept answering 429/5xx after the retries. Nothing was done. */
export class GraphUnavailableError extends Error {
  override readonly name = 'GraphUnavailableError';
  constructor(
    readonly operation: string,
    readonly status: number | undefined,
    detail: string,
  ) {
    super(
      `Microsoft Graph is unavailable for ${operation} (${status === undefined ? 'no answer' : `HTTP ${status}`}: ${detail}). ` +
        'The work stays queued and will be retried; check the network and https://status.cloud.microsoft if this persists.',
    );
  }
}

/** Graph answered and refused the request (4xx other than 429). */
export class GraphRequestError extends Error {
  override readonly name = 'GraphRequestError';
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly code: string | undefined,
    detail: string,
  ) {
    super(`Microsoft Graph refused ${operation} (HTTP ${status}${code ? ` ${code}` : ''}): ${detail}`);
  }
}

/** Adds the app-only bearer token, only to requests for the configured Graph origin. */
class BearerTokenHandler implements Middleware {
  private next?: Middleware;
  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
    private readonly origin: string,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    if (new URL(url).origin === this.origin) {
      const token = await this.credential.getToken(this.scope);
      if (!token) throw new GraphUnavailableError('authentication', undefined, 'no access token was issued for Microsoft Graph');
      const options = (context.options ??= {});
      if (options.headers instanceof Headers) options.headers.set('Authorization', `Bearer ${token.token}`);
      else options.headers = { ...(options.headers as Record<string, string> | undefined), Authorization: `Bearer ${token.token}` };
    }
    await this.next?.execute(context);
  }
}

/**
 * Bounds each attempt with a timeout, and keeps the network cause (ECONNREFUSED, ETIMEDOUT...)
 * in the message when fetch itself fails.
 */
class NetworkHandler implements Middleware {
  private next?: Middleware;
  constructor(private readonly timeoutMs: number) {}
  setNext(next: Middleware): void {
    this.next = next;
  }
  async execute(context: Context): Promise<void> {
    context.options = { ...context.options, signal: AbortSignal.timeout(this.timeoutMs) };
    try {
      await this.next?.execute(context);
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') throw new Error(`no answer within ${this.timeoutMs} ms`, { cause: error });
      const code = (error as { cause?: { code?: string } }).cause?.code;
      throw code ? new Error(`${(error as Error).message}: ${code}`, { cause: error }) : error;
    }
  }
}

export function createGraphClient(options: GraphClientOptions): Client {
  const baseUrl = new URL(options.baseUrl ?? 'https://graph.microsoft.com');
  const chain: Middleware[] = [
    new BearerTokenHandler(options.credential, options.scope ?? GRAPH_SCOPE, baseUrl.origin),
    new RetryHandler(new RetryHandlerOptions(options.retry?.delaySeconds ?? 3, options.retry?.maxRetries ?? 3)),
    new RedirectHandler(new RedirectHandlerOptions()),
    new NetworkHandler(options.timeoutMs ?? 30_000),
    new HTTPMessageHandler(),
  ];
  for (let i = 0; i < chain.length - 1; i++) chain[i]!.setNext?.(chain[i + 1]!);
  return Client.initWithMiddleware({ middleware: chain, baseUrl: `${baseUrl.origin}/`, defaultVersion: 'v1.0' });
}

export type GraphCredentialSettings =
  | { readonly tenantId: string; readonly clientId: string; readonly clientSecret: string }
  | { readonly tenantId: string; readonly clientId: string; readonly certificatePath: string };

/** App-only credential for the app registration: a client secret or a PEM certificate. */
export function createGraphCredential(settings: GraphCredentialSettings): TokenCredential {
  return 'clientSecret' in settings
    ? new ClientSecretCredential(settings.tenantId, settings.clientId, settings.clientSecret)
    : new ClientCertificateCredential(settings.tenantId, settings.clientId, { certificatePath: settings.certificatePath });
}

/** Runs one Graph call and turns any failure into `GraphUnavailableError` or `GraphRequestError`. */
export async function callGraph<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toGraphFailure(operation, error);
  }
}

export function toGraphFailure(operation: string, error: unknown): Error {
  if (error instanceof GraphUnavailableError || error instanceof GraphRequestError) return error;
  if (error instanceof GraphError) {
    const status = error.statusCode;
    if (status <= 0) return new GraphUnavailableError(operation, undefined, describeCause(error));
    if (status === 429 || status >= 500) return new GraphUnavailableError(operation, status, error.message || error.code || 'server error');
    return new GraphRequestError(operation, status, error.code ?? undefined, error.message || 'no detail');
  }
  return new GraphUnavailableError(operation, undefined, describeCause(error));
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** True when Graph answered 404: the thing asked for does not exist. */
export function isNotFound(error: unknown): boolean {
  return error instanceof GraphRequestError && error.status === 404;
}
