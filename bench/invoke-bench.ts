/**
 * Benchmark: server-side latency of an Action.Execute invoke through the whole stack over
 * loopback (HTTP, adapter, application, authorisation, store commit, card render), with 50
 * concurrent clients, beside a bare teams-ai Application on botbuilder's stock CloudAdapter
 * pattern answering the same invoke with a constant card, in the same run. Each full-stack invoke
 * is an Accept on a different case (one commit each: event, case summary, deadlines, outbox), on
 * PGlite (in memory) and on the PostgreSQL server at 127.0.0.1:5432 (a schema made for the run).
 * The clients run in a worker thread, off the server's event loop. Each side also reports its
 * throughput, and a pass with one client alone (`oneClient`): at 50 clients an invoke that waits
 * on I/O queues behind the others' work, so its latency is about 50 / throughput, while the
 * bare Application's constant answer never yields and is timed without that queue.
 *
 *   node --import tsx bench/invoke-bench.ts --quick   (or `BENCH_QUICK=1 BENCH_ONLY=bot npm run bench`)
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Application, TurnState } from '@microsoft/teams-ai';
import pg from 'pg';
import restify from 'restify';
import { createWorkingCalendar } from '../domain/calendar/index.js';
import { getPolicy } from '../domain/policies/index.js';
import { createOrgFileDirectory, loadOrganisationFile } from '../graph/directory/index.js';
import { systemClock } from '../store/clock.js';
import { IN_MEMORY, openDatabase, type DatabaseOptions } from '../store/db.js';
import { createAdapter } from '../bot/adapter.js';
import { createStoredConversationReferences } from '../app/delivery/conversation-references.js';
import { createCaseFlows } from '../app/cases/flows.js';
import { caseWorkers } from '../app/cases/raise-form.js';
import { createLogger } from '../app/log.js';
import { startBot } from '../bot/runtime.js';

export interface InvokeBenchSettings {
  readonly quick: boolean;
  readonly log: (line: string) => void;
}

const ORG_FILE = fileURLToPath(new URL('../graph/samples/organisation.yaml', import.meta.url));
const TENANT = '7d1f3c2a-0b4e-4f6a-9c8d-2e5b1a0f9c31';
const OFFICER = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // Priya Okonjo (fictional IRO)
const WORKER = '3c3ae353-fb14-428e-90b4-01a6c1cc0aff'; // Samira Haddad (fictional social worker)
const CLIENTS = 50;

const nearestRank = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
};
const round = (ms: number) => Math.round(ms * 100) / 100;

/** One answered request: its server-side time, and when it ended (for the throughput). */
interface Timed {
  readonly ms: number;
  readonly end: number;
}
const timed = (ms: number): Timed => ({ ms, end: performance.now() });

interface Stats {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly count: number;
  /** Answers per second while the pass ran (first request in to last answer out). */
  readonly perSecond: number;
}
function stats(xs: readonly Timed[]): Stats {
  const ms = xs.map((x) => x.ms);
  const span = Math.max(...xs.map((x) => x.end)) - Math.min(...xs.map((x) => x.end - x.ms));
  return { p50Ms: round(nearestRank(ms, 50)), p99Ms: round(nearestRank(ms, 99)), count: xs.length, perSecond: Math.round((xs.length / span) * 1000) };
}

function invoke(userId: string, data: Record<string, unknown>, serviceUrl: string, n: number) {
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `bench-${n}`,
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:${userId}`, aadObjectId: userId },
    recipient: { id: '28:bot' },
    conversation: { id: `a:${userId}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    replyToId: `card-${n}`,
    value: { action: { type: 'Action.Execute', verb: 'respondAccept', data }, trigger: 'manual' },
  };
}

/**
 * The clients, in a worker thread: their own event loop, so the load they make does not queue
 * behind the server's work (nor the server's behind theirs). Posts `bodies` with `clients`
 * concurrent clients and fails on any answer that is not a card.
 */
const CLIENT_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, bodies, clients } = workerData;
let next = 0;
const client = async () => {
  for (let i = next++; i < bodies.length; i = next++) {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[i] });
    const text = await response.text();
    if (response.status !== 200 || !text.includes('application/vnd.microsoft.card.adaptive')) {
      throw new Error('invoke ' + i + ' answered ' + response.status + ': ' + text.slice(0, 200));
    }
  }
};
Promise.all(Array.from({ length: clients }, client)).then(() => parentPort.postMessage({ ok: true }), (error) => parentPort.postMessage({ ok: false, message: String(error && error.message || error) }));
`;

async function load(url: string, bodies: readonly unknown[], clients = CLIENTS): Promise<void> {
  const worker = new Worker(CLIENT_SOURCE, { eval: true, workerData: { url, bodies: bodies.map((b) => JSON.stringify(b)), clients } });
  try {
    const [result] = (await once(worker, 'message')) as [{ ok: boolean; message?: string }];
    if (!result.ok) throw new Error(result.message);
  } finally {
    await worker.terminate();
  }
}

/** A bare teams-ai Application on the stock restify + CloudAdapter pattern, answering with a constant card. */
async function startBareBot(observe: (ms: number) => void) {
  const adapter = createAdapter({ credential: { kind: 'none' } });
  const app = new Application<TurnState>({ adapter, removeRecipientMention: true, startTypingTimer: false, longRunningMessages: false, turnStateFactory: () => new TurnState() });
  const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Accepted' }] };
  app.adaptiveCards.actionExecute('respondAccept', async () => card as never);
  const server = restify.createServer();
  server.pre((_req, res, next) => {
    const started = performance.now();
    res.once('close', () => observe(performance.now() - started));
    next();
  });
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, async (context) => {
      await app.run(context);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

export async function run(settings: InvokeBenchSettings): Promise<Record<string, unknown>> {
  const pglite = await measure(settings, { kind: 'pglite', dataDir: IN_MEMORY });
  const schema = `bench_bot_${randomBytes(4).toString('hex')}`;
  let postgres: Record<string, unknown>;
  try {
    postgres = await measure(settings, { kind: 'postgres', url: POSTGRES_URL, schema });
  } catch (error) {
    postgres = { error: error instanceof Error ? error.message : String(error) };
  } finally {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect().then(() => admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).catch(() => undefined);
    await admin.end().catch(() => undefined);
  }
  return { pglite, postgres };
}

async function measure(settings: InvokeBenchSettings, database: DatabaseOptions): Promise<Record<string, unknown>> {
  const requests = settings.quick ? 200 : 2000;
  const warmup = 50;
  // Then one client alone: the time an invoke takes when it does not queue behind others.
  const alone = settings.quick ? 50 : 200;
  const logger = createLogger({ level: 'silent' });
  const db = await openDatabase(database);
  const directory = createOrgFileDirectory(await loadOrganisationFile(ORG_FILE));
  const policy = getPolicy('oxfordshire');
  const flows = createCaseFlows({ db, clock: systemClock, calendar: createWorkingCalendar(), policies: [policy], directory, workers: await caseWorkers(directory), tenant: TENANT, logger });
  const full: Timed[] = [];
  const running = await startBot({
    identity: { tenantId: TENANT, credential: { kind: 'none' } },
    host: '127.0.0.1',
    port: 0,
    conversations: createStoredConversationReferences(db, systemClock),
    flows: { ...flows, clock: async () => ({ message: 'not in the benchmark' }) },
    readiness: async () => ({ ready: true, checks: {} }),
    logger,
    observe: (path, _status, ms) => {
      if (path === '/api/messages') full.push(timed(ms));
    },
  });
  const bare: Timed[] = [];
  const baseline = await startBareBot((ms) => bare.push(timed(ms)));
  let fullStats: Stats;
  let bareStats: Stats;
  let aloneStats: { fullStack: Stats; bareTeamsAi: Stats };
  try {
    settings.log(`bot (${database.kind}): raising ${requests + warmup + alone} cases`);
    const keys: Record<string, unknown>[] = [];
    for (let i = 0; i < requests + warmup + alone; i++) {
      const raised = await flows.submitRaise(OFFICER, {
        formId: `bench-${i}`, allocatedWorkerId: WORKER, caseReference: `LCS-${100000 + i}`, subjectInitials: 'A.B.', policyId: policy.id, alertTypeId: 'r_and_e',
        issue: 'Benchmark issue.', impact: 'Benchmark impact.', resolutionSought: 'Benchmark resolution.', resolutionSoughtBy: '2099-12-31',
      });
      if (raised.kind !== 'raised') throw new Error(`bench raise refused: ${raised.kind === 'damaged' ? raised.message : 'the form came back with faults'}`);
      keys.push({ caseId: `case-bench-${i}`, stageId: 'stage1', version: 1 });
    }
    const serviceUrl = 'http://127.0.0.1:9/';
    const bodies = keys.map((data, n) => invoke(WORKER, data, serviceUrl, n));
    settings.log(`bot: ${requests} Accept invokes through the whole stack, ${CLIENTS} clients`);
    await load(`${running.server.url}/api/messages`, bodies.slice(0, warmup));
    full.length = 0;
    await load(`${running.server.url}/api/messages`, bodies.slice(warmup, warmup + requests));
    fullStats = stats(full);
    settings.log(`bot: ${requests} invokes on a bare teams-ai Application`);
    const bareBodies = bodies.map((b, n) => ({ ...b, id: `bare-${n}` }));
    await load(`${baseline.url}/api/messages`, bareBodies.slice(0, warmup));
    bare.length = 0;
    await load(`${baseline.url}/api/messages`, bareBodies.slice(warmup, warmup + requests));
    bareStats = stats(bare);
    settings.log(`bot: ${alone} invokes from one client, on each`);
    full.length = 0;
    bare.length = 0;
    await load(`${running.server.url}/api/messages`, bodies.slice(warmup + requests), 1);
    await load(`${baseline.url}/api/messages`, bareBodies.slice(warmup + requests), 1);
    aloneStats = { fullStack: stats(full), bareTeamsAi: stats(bare) };
  } finally {
    await baseline.close();
    await running.server.close();
    await db.close();
  }
  return {
    clients: CLIENTS,
    fullStack: fullStats,
    bareTeamsAi: bareStats,
    p50Ratio: round(fullStats.p50Ms / bareStats.p50Ms),
    p99Ratio: round(fullStats.p99Ms / bareStats.p99Ms),
    oneClient: { ...aloneStats, p50Ratio: round(aloneStats.fullStack.p50Ms / aloneStats.bareTeamsAi.p50Ms), p99Ratio: round(aloneStats.fullStack.p99Ms / aloneStats.bareTeamsAi.p99Ms) },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await run({ quick: process.argv.includes('--quick'), log: (line) => process.stderr.write(`[bench] ${line}\n`) });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
