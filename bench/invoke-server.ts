/**
 * One server process of the invoke benchmark (`bench/invoke-bench.ts` forks it, with an IPC
 * channel): either the full stack or a bare teams-ai Application, both on restify.
 *
 * - `--side full`: Resolve as `bin/serve.ts` wires its request path: the store (PGlite in a data
 *   folder, or a schema on the PostgreSQL server), the fictional sample organisation's directory,
 *   the case flows (with the MRI lookup and the organisation's name), the local-mode training
 *   clock, the stored conversation references, `startBot` (restify, CloudAdapter, the inbound
 *   checks, the teams-ai Application), logging at `info` (to this process's stdout, which the
 *   benchmark discards). The delivery worker and the deadline dispatcher are not started: what is
 *   measured is the invoke, not the cards it later sends to others.
 * - `--side bare`: a teams-ai Application on botbuilder's stock restify + CloudAdapter pattern,
 *   answering every Action.Execute with the same constant card.
 *
 * Messages from the parent: `prepare` (raise cases for the invokes, before the timed run),
 * `mark` (start counting), `report` (what was counted since `mark`), `stop`. Counted here: this
 * process's CPU (`process.cpuUsage`), its event loop (delay and utilisation), and every SQL
 * statement and round trip the store sends: by wrapping `pg.Client.prototype.query` on
 * PostgreSQL, and the `Db` on PGlite, which runs in its worker thread as the server runs it (its
 * thread's CPU is PGlite's database CPU).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { Application, TurnState } from '@microsoft/teams-ai';
import pg from 'pg';
import restify from 'restify';
import { createCaseFlows } from '../app/cases/flows.js';
import { caseWorkers } from '../app/cases/raise-form.js';
import { createStoredConversationReferences } from '../app/delivery/conversation-references.js';
import { createLogger } from '../app/log.js';
import { createTrainingFlows } from '../app/training.js';
import { createAdapter } from '../bot/adapter.js';
import { rememberingMris } from '../bot/conversations.js';
import { databaseReadiness } from '../bot/readiness.js';
import { startBot } from '../bot/runtime.js';
import { DEFAULT_ORG_FILE } from '../bin/config.js';
import { createWorkingCalendar } from '../domain/calendar/index.js';
import { getPolicy } from '../domain/policies/index.js';
import { createOrgFileDirectory, loadOrganisationFile } from '../graph/directory/index.js';
import { AdjustableClock } from '../store/clock.js';
import { openDatabase, statementText, type Db } from '../store/db.js';
import { BENCH_OFFICER, BENCH_TENANT, BENCH_WORKER, type ServerReport, type ToServer } from './invoke-protocol.js';
import { percentile } from './settings.js';

const { values } = parseArgs({
  options: {
    side: { type: 'string' },
    db: { type: 'string' },
    url: { type: 'string' },
    schema: { type: 'string' },
  },
});
const side = values.side === 'full' ? 'full' : 'bare';

// ---- counting SQL ------------------------------------------------------------------------------

interface StatementTally {
  calls: number;
  ms: number;
  /** PostgreSQL: each call's client-side wall time, for its percentiles. */
  readonly each: number[];
}
const counters = {
  statements: 0, roundTrips: 0, byStatement: new Map<string, StatementTally>(),
  /** PostgreSQL: how long each checkout waited for a pooled connection. */
  poolWaits: [] as number[],
  /** PostgreSQL: from the audit append's answer to its COMMIT's answer, on the same connection (the audit head stays locked meanwhile). */
  heldAfterAppend: [] as number[],
};
const resetCounters = () => {
  counters.statements = 0;
  counters.roundTrips = 0;
  counters.byStatement.clear();
  counters.poolWaits.length = 0;
  counters.heldAfterAppend.length = 0;
};
// The counting is in the measured process: each text is shortened, and its statements counted, once.
const shortened = new Map<string, string>();
const shortSql = (sql: string) => {
  let short = shortened.get(sql);
  if (short === undefined) shortened.set(sql, (short = sql.replace(/\s+/g, ' ').trim().slice(0, 90)));
  return short;
};
const tally = (sql: string, ms: number, keep = false) => {
  const key = shortSql(sql);
  const entry = counters.byStatement.get(key) ?? { calls: 0, ms: 0, each: [] };
  entry.calls += 1;
  entry.ms += ms;
  if (keep) entry.each.push(ms);
  counters.byStatement.set(key, entry);
};
const statementCounts = new Map<string, number>();
const countedStatements = (sql: string) => {
  let n = statementCounts.get(sql);
  if (n === undefined) statementCounts.set(sql, (n = statementsIn(sql)));
  return n;
};

/** Top-level statements in one query text: semicolons outside quotes, comments and dollar quotes. */
function statementsIn(sql: string): number {
  let count = 0;
  let pending = false;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      i = end < 0 ? sql.length : end;
      pending = true;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_0-9]*\$/.exec(sql.slice(i));
      if (tag !== null) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? sql.length : end + tag[0].length - 1;
      }
      pending = true;
    } else if (c === ';') {
      if (pending) count += 1;
      pending = false;
    } else if (!/\s/.test(c)) pending = true;
  }
  return count + (pending ? 1 : 0);
}

/** The call's last argument wrapped to run `after` first when it is a callback; otherwise `after` runs when the returned promise settles. */
function timeCall(original: (...a: unknown[]) => unknown, self: unknown, args: unknown[], after: () => void): unknown {
  const last = args[args.length - 1];
  if (typeof last === 'function') {
    args[args.length - 1] = (...results: unknown[]) => {
      after();
      return (last as (...a: unknown[]) => unknown)(...results);
    };
    return original.apply(self, args);
  }
  const result = original.apply(self, args);
  if (result instanceof Promise) result.then(after, after);
  return result;
}

/**
 * PostgreSQL: every `client.query` (the pool's too) is one round trip; its text holds one or more
 * statements. Also timed: each statement (client-side, so it includes waiting for the event loop),
 * each wait for a pooled connection, and how long the audit head stays locked after the append
 * has answered (until the COMMIT on the same connection has).
 */
function countPgQueries(): void {
  type Fn = (...args: unknown[]) => unknown;
  const clientProto = pg.Client.prototype as unknown as { query: Fn };
  const query = clientProto.query;
  const appendedAt = new WeakMap<object, number>();
  clientProto.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0];
    const sql = typeof first === 'string' ? first : typeof (first as { text?: unknown })?.text === 'string' ? (first as { text: string }).text : '';
    counters.roundTrips += 1;
    counters.statements += Math.max(1, countedStatements(sql));
    const started = performance.now();
    return timeCall(query, this, args, () => {
      const now = performance.now();
      tally(sql, now - started, true);
      if (sql.includes('append_chained_events')) appendedAt.set(this, now);
      else if (sql === 'COMMIT' || sql === 'ROLLBACK') {
        const at = appendedAt.get(this);
        if (at !== undefined) counters.heldAfterAppend.push(now - at);
        appendedAt.delete(this);
      }
    });
  };
  const poolProto = pg.Pool.prototype as unknown as { connect: Fn };
  const connect = poolProto.connect;
  poolProto.connect = function (this: pg.Pool, ...args: unknown[]) {
    const started = performance.now();
    return timeCall(connect, this, args, () => counters.poolWaits.push(performance.now() - started));
  };
}

/**
 * PGlite runs in its worker thread, as `bin/serve.ts` runs it (PGLITE_THREAD, default true): each
 * `query` or `exec` is one statement and one round trip to that thread, a transaction two more
 * (its begin and its commit). The thread's CPU is read from Linux's per-thread accounting
 * (`/proc/<pid>/task/<tid>/schedstat`, nanoseconds on the CPU): the worker's thread is the one the
 * opening of the database added to this process. That is PGlite's database CPU; none of it is on
 * this event loop.
 */
function countingThreadDb(db: Db): Db {
  const counted = (sql: string, started: number) => {
    counters.statements += 1;
    counters.roundTrips += 1;
    tally(sql, performance.now() - started, true);
  };
  const wrap = <Q extends Pick<Db, 'query' | 'exec'>>(q: Q): Pick<Db, 'query' | 'exec'> => ({
    async query(sql, params) {
      const started = performance.now();
      try {
        return await q.query(sql, params);
      } finally {
        counted(statementText(sql), started);
      }
    },
    async exec(sql) {
      const started = performance.now();
      try {
        await q.exec(sql);
      } finally {
        counted(sql, started);
      }
    },
  });
  return {
    ...db,
    ...wrap(db),
    transaction(fn) {
      counters.roundTrips += 2;
      counters.statements += 2;
      return db.transaction((tx) => fn({ ...tx, ...wrap(tx) }));
    },
    migrationsApplied: () => db.migrationsApplied(),
    close: () => db.close(),
  };
}

const taskIds = () => new Set(readdirSync(`/proc/${process.pid}/task`));
let pgliteThreadTasks: string[] = [];
/** Nanoseconds the PGlite worker's thread has been on a CPU. */
function pgliteThreadCpuNs(): number {
  let ns = 0;
  for (const tid of pgliteThreadTasks) {
    try {
      ns += Number(readFileSync(`/proc/${process.pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      /* the thread has ended */
    }
  }
  return ns;
}

// ---- the servers -------------------------------------------------------------------------------

interface Served {
  readonly url: string;
  prepare(count: number): Promise<Record<string, unknown>[]>;
  verify?(): Promise<{ responses: number; casesWithMoreThanOne: number }>;
  close(): Promise<void>;
}

async function startFull(): Promise<Served> {
  let dataDir: string | undefined;
  let db: Db;
  if (values.db === 'postgres') {
    countPgQueries();
    db = await openDatabase({ kind: 'postgres', url: values.url!, schema: values.schema! });
  } else {
    dataDir = mkdtempSync(path.join(tmpdir(), 'resolve-bench-invoke-'));
    const before = taskIds();
    db = countingThreadDb(await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite'), thread: true }));
    pgliteThreadTasks = [...taskIds()].filter((tid) => !before.has(tid));
  }
  const logger = createLogger({ level: 'info' });
  const clock = new AdjustableClock();
  const calendar = createWorkingCalendar();
  const organisationFile = await loadOrganisationFile(DEFAULT_ORG_FILE);
  const directory = createOrgFileDirectory(organisationFile);
  const policy = getPolicy('oxfordshire');
  const { conversations, mriOf } = rememberingMris(createStoredConversationReferences(db, clock));
  const flows = createCaseFlows({
    db, clock, calendar, policies: [policy], directory, workers: await caseWorkers(directory), logger, tenant: BENCH_TENANT,
    mriOf,
    ...(organisationFile.organisation?.name !== undefined && { organisation: organisationFile.organisation.name }),
  });
  const running = await startBot({
    identity: { tenantId: BENCH_TENANT, credential: { kind: 'none' } },
    host: '127.0.0.1',
    port: 0,
    conversations,
    flows: { ...flows, ...createTrainingFlows({ clock, calendar, logger }) },
    readiness: databaseReadiness(() => db.migrationsApplied(), logger),
    logger,
  });
  let raised = 0;
  return {
    url: `${running.server.url}/api/messages`,
    // Fresh cases, raised through the same use case the raise form calls, before the timed run.
    prepare: async (count) => {
      const keys: Record<string, unknown>[] = [];
      const raiseOne = async () => {
        const n = raised++;
        const outcome = await flows.submitRaise(BENCH_OFFICER, {
          formId: `bench-${n}`, allocatedWorkerId: BENCH_WORKER, caseReference: `LCS-${100000 + n}`, subjectInitials: 'A.B.', policyId: policy.id, alertTypeId: 'r_and_e',
          issue: 'Benchmark issue.', impact: 'Benchmark impact.', resolutionSought: 'Benchmark resolution.', resolutionSoughtBy: '2099-12-31',
        });
        if (outcome.kind !== 'raised') throw new Error(`bench raise refused: ${outcome.kind === 'damaged' ? outcome.message : outcome.kind}`);
        keys.push({ caseId: `case-bench-${n}`, stageId: 'stage1', version: 1 });
      };
      // PostgreSQL raises with a few connections at once; PGlite has one connection anyway.
      const lanes = db.kind === 'postgres' ? 4 : 1;
      let left = count;
      await Promise.all(Array.from({ length: lanes }, async () => {
        while (left > 0) {
          left -= 1;
          await raiseOne();
        }
      }));
      return keys;
    },
    verify: async () => {
      const [row] = await db.query<{ responses: number; doubled: number }>(
        `SELECT coalesce(sum(n), 0)::int AS responses, count(*) FILTER (WHERE n > 1)::int AS doubled
           FROM (SELECT stream_id, count(*) AS n FROM events WHERE type = 'ResponseRecorded' AND stream_id LIKE 'case-bench-%' GROUP BY stream_id) AS per_case`,
      );
      return { responses: row?.responses ?? 0, casesWithMoreThanOne: row?.doubled ?? 0 };
    },
    close: async () => {
      await running.server.close();
      await db.close();
      if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startBare(): Promise<Served> {
  const adapter = createAdapter({ credential: { kind: 'none' } });
  const app = new Application<TurnState>({ adapter, removeRecipientMention: true, startTypingTimer: false, longRunningMessages: false, turnStateFactory: () => new TurnState() });
  const card = { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body: [{ type: 'TextBlock', text: 'Accepted', wrap: true }] };
  app.adaptiveCards.actionExecute('respondAccept', async () => card as never);
  const server = restify.createServer({ name: 'bare', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, async (context) => {
      await app.run(context);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  let n = 0;
  return {
    url: `http://127.0.0.1:${port}/api/messages`,
    prepare: async (count) => Array.from({ length: count }, () => ({ caseId: `case-bare-${n++}`, stageId: 'stage1', version: 1 })),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---- the parent's messages ---------------------------------------------------------------------

const served = side === 'full' ? await startFull() : await startBare();
const send = (message: unknown) => process.send!(message);
let cpuAtMark = process.cpuUsage();
let pgliteCpuAtMark = 0;
let eluAtMark: EventLoopUtilization = performance.eventLoopUtilization();
// A coarse resolution: each sample is a timer wake-up, and at 5 ms they alone cost about 8 ms of CPU a second.
const LOOP_RESOLUTION_MS = 50;
const delay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
const spread = (xs: readonly number[]) => ({ count: xs.length, p50: percentile(xs, 50), p99: percentile(xs, 99), max: xs.length === 0 ? Number.NaN : Math.max(...xs) });

// BENCH_CPU_PROF_DIR: a V8 CPU profile of each window between `mark` and `report` (the timed runs, not the raising of cases),
// written there as <side>-<n>.cpuprofile, to see where an invoke's time goes.
const PROFILE_DIR = process.env.BENCH_CPU_PROF_DIR;
const profiler = PROFILE_DIR === undefined ? undefined : new Session();
let profiles = 0;
if (profiler !== undefined) {
  profiler.connect();
  await profiler.post('Profiler.enable');
}

process.on('message', (raw) => {
  const message = raw as ToServer;
  void (async () => {
    try {
      if (message.type === 'prepare') {
        send({ type: 'prepared', keys: await served.prepare(message.count) });
      } else if (message.type === 'mark') {
        resetCounters();
        delay.disable();
        delay.reset();
        delay.enable();
        eluAtMark = performance.eventLoopUtilization();
        cpuAtMark = process.cpuUsage();
        pgliteCpuAtMark = pgliteThreadCpuNs();
        await profiler?.post('Profiler.start');
        send({ type: 'marked' });
      } else if (message.type === 'report') {
        const cpu = process.cpuUsage(cpuAtMark);
        const elu = performance.eventLoopUtilization(eluAtMark);
        delay.disable();
        if (profiler !== undefined) {
          const { profile } = await profiler.post('Profiler.stop');
          profiles += 1;
          writeFileSync(path.join(PROFILE_DIR!, `${side}-${values.db ?? 'none'}-${profiles}.cpuprofile`), JSON.stringify(profile));
        }
        const report: ServerReport = {
          type: 'report',
          cpuUserMs: cpu.user / 1000,
          cpuSystemMs: cpu.system / 1000,
          statements: counters.statements,
          roundTrips: counters.roundTrips,
          pgliteDbMs: values.db === 'pglite' && side === 'full' ? (pgliteThreadCpuNs() - pgliteCpuAtMark) / 1e6 : undefined,
          pgliteThreadTasks: values.db === 'pglite' && side === 'full' ? pgliteThreadTasks.length : undefined,
          eventLoopUtilization: elu.utilization,
          // The histogram records each interval between its timer's runs: the delay is what exceeds the resolution.
          eventLoopDelayP99Ms: Math.max(0, delay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS),
          eventLoopDelayMaxMs: Math.max(0, delay.max / 1e6 - LOOP_RESOLUTION_MS),
          byStatement: [...counters.byStatement].map(([sql, t]) => ({ sql, calls: t.calls, ms: t.ms, ...(t.each.length > 0 && { p99Ms: percentile(t.each, 99) }) })),
          ...(values.db === 'postgres' && side === 'full' && { poolWaitMs: spread(counters.poolWaits), auditHeadHeldAfterAppendMs: spread(counters.heldAfterAppend) }),
        };
        send(report);
      } else if (message.type === 'verify') {
        const counted = await served.verify?.();
        if (counted === undefined) throw new Error('only the full stack keeps cases');
        send({ type: 'verified', ...counted });
      } else if (message.type === 'stop') {
        await served.close();
        send({ type: 'stopped' });
        process.disconnect();
        // Timers of the SDKs or the driver must not keep a finished benchmark alive.
        setTimeout(() => process.exit(0), 200).unref();
      }
    } catch (error) {
      send({ type: 'error', message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) });
    }
  })();
});
send({ type: 'ready', url: served.url });
