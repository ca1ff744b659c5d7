/**
 * What the invoke benchmark's processes say to each other (`bench/invoke-bench.ts` forks
 * `invoke-server.ts` and `invoke-load.ts`), and the fictional people and tenant it uses.
 */

export const BENCH_TENANT = '7d1f3c2a-0b4e-4f6a-9c8d-2e5b1a0f9c31';
/** Priya Okonjo, a fictional IRO in the sample organisation: raises every case. */
export const BENCH_OFFICER = 'ff53a46f-5ead-403a-84c4-b877678537a3';
/** Samira Haddad, a fictional social worker: the allocated worker, who accepts at stage 1. */
export const BENCH_WORKER = '3c3ae353-fb14-428e-90b4-01a6c1cc0aff';

export type ToServer =
  | { readonly type: 'prepare'; readonly count: number }
  | { readonly type: 'mark' }
  | { readonly type: 'report' }
  /** The full stack: how many responses the benchmark's cases hold, and how many cases hold more than one. */
  | { readonly type: 'verify' }
  | { readonly type: 'stop' };

export interface VerifyReport {
  readonly type: 'verified';
  readonly responses: number;
  readonly casesWithMoreThanOne: number;
}

export interface ServerReport {
  readonly type: 'report';
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  /** SQL statements sent by the store (top-level; a function call is one). */
  readonly statements: number;
  /** Request-and-wait exchanges with the database: `client.query` calls, or PGlite Syncs. */
  readonly roundTrips: number;
  /** PGlite only: process CPU milliseconds used inside its synchronous WebAssembly calls (its CPU, on the event loop). */
  readonly pgliteDbMs: number | undefined;
  /** PGlite only: wall milliseconds inside those calls (the event loop blocked by the database). */
  /** PGlite: how many threads the opening of the database added (its worker's: 1). */
  readonly pgliteThreadTasks: number | undefined;
  readonly eventLoopUtilization: number;
  readonly eventLoopDelayP99Ms: number;
  readonly eventLoopDelayMaxMs: number;
  /** Per distinct statement (whitespace folded, first 90 characters): calls and milliseconds (client-side wall time on PostgreSQL; CPU inside WebAssembly on PGlite). */
  readonly byStatement: readonly { readonly sql: string; readonly calls: number; readonly ms: number; readonly p99Ms?: number }[];
  /** PostgreSQL: waits for a pooled connection, in ms. */
  readonly poolWaitMs?: Spread;
  /** PostgreSQL: from the audit append's answer to its COMMIT's answer on the same connection, in ms (the audit head is locked throughout). */
  readonly auditHeadHeldAfterAppendMs?: Spread;
}

export interface Spread {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export type FromServer =
  | { readonly type: 'ready'; readonly url: string }
  | { readonly type: 'prepared'; readonly keys: readonly Record<string, unknown>[] }
  | { readonly type: 'marked' }
  | VerifyReport
  | ServerReport
  | { readonly type: 'stopped' }
  | { readonly type: 'error'; readonly message: string };

export type LoadPlan =
  /** `clients` clients, each sending its next request when its last is answered. */
  /** `seconds`: each client stops sending once this long has passed since the start (or when the bodies run out). */
  | { readonly mode: 'closed'; readonly clients: number; readonly seconds?: number }
  /** Requests sent on a fixed schedule, `perSecond` evenly spaced, whether or not earlier ones were answered. */
  | { readonly mode: 'open'; readonly perSecond: number };

export interface ToLoad {
  readonly type: 'run';
  readonly url: string;
  readonly bodies: readonly string[];
  readonly plan: LoadPlan;
}

export interface LoadResult {
  readonly type: 'result';
  /** Per answered request, in milliseconds: from sent (closed loop) or from scheduled (open loop) to the whole answer received. */
  readonly latenciesMs: readonly number[];
  /** Open loop: how late each request was sent after its scheduled time (the generator's own lag). */
  readonly sendLagMs: readonly number[];
  /** From the first request's start (or scheduled time) to the last answer. */
  readonly spanMs: number;
  /** Answers that were not HTTP 200 with an Adaptive Card, or failed requests; the first few reasons. */
  readonly failed: number;
  readonly failures: readonly string[];
  /** Cards that said "Nothing was changed" (a refusal, not an accepted action). */
  readonly refused: number;
  /** Most requests waiting for their answer at once. */
  readonly maxInFlight: number;
  /** One answer's body, to check what was measured. */
  readonly sample: string;
}
