/**
 * Store benchmark, on the PostgreSQL server (127.0.0.1:5432, database `test`, a schema made for
 * the run and dropped after it):
 * - the deadline dispatcher's throughput and lateness (due time to fired, p50/p99) with 10,000 and
 *   100,000 deadlines due at once and 1 and 3 worker processes, duplicates and losses counted;
 * - pg-boss 10 doing the equivalent claim-and-complete work (the same insert per item) on the same
 *   server in the same run, and the ratio;
 * - append latency (p50/p99) of one case command (one event with its case summary, deadlines and
 *   outbox rows) on PGlite (a data folder) and on PostgreSQL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { createWorkingCalendar } from '../domain/calendar/index.js';
import { getPolicy } from '../domain/policies/index.js';
import { handleCaseCommand } from '../app/cases/model.js';
import { systemClock } from '../store/clock.js';
import { openDatabase, type Db, type DatabaseOptions } from '../store/db.js';
import { percentile, type BenchSettings } from './settings.js';

const URL_ = 'postgres://postgres@127.0.0.1:5432/test';
const WORKER = fileURLToPath(new URL('./dispatch-worker.ts', import.meta.url));
const FAR_FUTURE = '2100-01-01T00:00:00Z';

interface Worker {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly totals: Promise<Record<string, unknown>>;
}

function startWorker(args: string[]): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  let onReady!: () => void;
  let onTotals!: (t: Record<string, unknown>) => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const totals = new Promise<Record<string, unknown>>((resolve, reject) => {
    onTotals = resolve;
    child.once('exit', (code) => reject(new Error(`a benchmark worker exited (${code}) before reporting`)));
  });
  lines.on('line', (line) => {
    if (line === 'ready') onReady();
    else if (line.startsWith('{')) onTotals(JSON.parse(line) as Record<string, unknown>);
  });
  return { child, ready, totals };
}

interface FireStats {
  fired: number;
  duplicates: number;
  losses: number;
  seconds: number;
  perSecond: number;
  latenessP50Ms: number;
  latenessP99Ms: number;
}

async function fireStats(db: Db, expected: number, t0: Date): Promise<FireStats> {
  const [row] = await db.query<{ rows: number; distinct: number; p50: number; p99: number; span: number }>(
    `SELECT count(*)::int AS rows, count(DISTINCT item)::int AS distinct,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM fired_at - $1::timestamptz) * 1000)::float8 AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM fired_at - $1::timestamptz) * 1000)::float8 AS p99,
            (extract(epoch FROM max(fired_at) - $1::timestamptz) * 1000)::float8 AS span
       FROM fire_log`,
    [t0.toISOString()],
  );
  const r = row!;
  const seconds = r.span / 1000;
  return {
    fired: r.distinct,
    duplicates: r.rows - r.distinct,
    losses: expected - r.distinct,
    seconds: Math.round(seconds * 100) / 100,
    perSecond: Math.round(expected / seconds),
    latenessP50Ms: Math.round(r.p50),
    latenessP99Ms: Math.round(r.p99),
  };
}

/** Starts the workers, waits for all to be ready, makes everything due now, and says go. */
async function race(db: Db, workers: Worker[], makeDue: (t0: Date) => Promise<void>, expected: number): Promise<FireStats & { perWorker: unknown[] }> {
  await Promise.all(workers.map((w) => w.ready));
  const t0 = new Date();
  await makeDue(t0);
  for (const w of workers) w.child.stdin!.write('go\n');
  const perWorker = await Promise.all(workers.map((w) => w.totals));
  return { ...(await fireStats(db, expected, t0)), perWorker };
}

export async function run(settings: BenchSettings): Promise<Record<string, unknown>> {
  const sizes = settings.quick ? [1_000, 5_000] : [10_000, 100_000];
  const workerCounts = [1, 3];
  const schema = `bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const bossSchema = `${schema}_boss`;
  const db = await openDatabase({ kind: 'postgres', url: URL_, schema });
  const boss = new PgBoss({ connectionString: URL_, schema: bossSchema, supervise: false, schedule: false });
  boss.on('error', (e) => settings.log(`pg-boss: ${String(e)}`));
  try {
    await db.exec('CREATE TABLE fire_log (item text NOT NULL, worker text NOT NULL, fired_at timestamptz NOT NULL)');
    await boss.start();
    const dispatcher: unknown[] = [];
    for (const n of sizes) {
      for (const w of workerCounts) {
        await db.exec('TRUNCATE deadlines, fire_log');
        await db.query(
          `INSERT INTO deadlines (stream_id, key, kind, due_at, created_at, updated_at)
           SELECT 'case-' || i, 'response-due', 'response-due', $2, now(), now() FROM generate_series(1, $1::int) AS i`,
          [n, FAR_FUTURE],
        );
        await db.exec('VACUUM ANALYZE deadlines');
        settings.log(`resolve dispatcher: ${n} deadlines, ${w} worker(s)`);
        const workers = Array.from({ length: w }, (_, i) => startWorker(['--kind', 'resolve', '--url', URL_, '--schema', schema, '--worker', `r${i + 1}`]));
        const resolve = await race(db, workers, async (t0) => {
          await db.query('UPDATE deadlines SET due_at = $1', [t0.toISOString()]);
        }, n);
        const [notFired] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deadlines WHERE status <> 'fired'`);

        const queue = `bench_${n}_${w}`;
        await boss.createQueue(queue);
        for (let i = 0; i < n; i += 5_000) {
          await boss.insert(Array.from({ length: Math.min(5_000, n - i) }, (_, k) => ({ name: queue, data: { id: i + k }, startAfter: FAR_FUTURE })));
        }
        await db.exec('TRUNCATE fire_log');
        settings.log(`pg-boss: ${n} jobs, ${w} worker(s)`);
        const bossWorkers = Array.from({ length: w }, (_, i) =>
          startWorker(['--kind', 'pg-boss', '--url', URL_, '--schema', schema, '--boss-schema', bossSchema, '--queue', queue, '--worker', `b${i + 1}`]),
        );
        const pgBoss = await race(db, bossWorkers, async (t0) => {
          await db.query(`UPDATE ${bossSchema}.job SET start_after = $1 WHERE name = $2`, [t0.toISOString(), queue]);
        }, n);
        dispatcher.push({
          deadlines: n,
          workers: w,
          resolve: { ...resolve, unfiredRows: notFired!.n },
          pgBoss,
          throughputRatioResolveToPgBoss: Math.round((resolve.perSecond / pgBoss.perSecond) * 100) / 100,
        });
        settings.log(`  resolve ${resolve.perSecond}/s (p50 ${resolve.latenessP50Ms} ms, p99 ${resolve.latenessP99Ms} ms); pg-boss ${pgBoss.perSecond}/s`);
      }
    }
    const appendRuns = settings.quick ? 100 : 400;
    settings.log(`append latency: ${appendRuns} case commands on PostgreSQL`);
    const appendPostgres = await appendLatency(db, appendRuns);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'resolve-bench-'));
    let appendPglite: Record<string, number>;
    try {
      settings.log(`append latency: ${appendRuns} case commands on PGlite (${dataDir})`);
      const options: DatabaseOptions = { kind: 'pglite', dataDir };
      const lite = await openDatabase(options);
      try {
        appendPglite = await appendLatency(lite, appendRuns);
      } finally {
        await lite.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    return {
      postgres: (await db.query<{ v: string }>("SELECT current_setting('server_version') AS v"))[0]?.v ?? 'unknown',
      dispatcher,
      append: {
        what: 'one raise command: 1 event (hash-chained), case summary upsert, 2 deadlines, 3 outbox rows, one transaction',
        postgres: appendPostgres,
        pglite: appendPglite,
      },
    };
  } finally {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    await db.close();
    const client = new pg.Client({ connectionString: URL_ });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS ${bossSchema} CASCADE`);
    await client.end();
  }
}

async function appendLatency(db: Db, runs: number): Promise<Record<string, number>> {
  const calendar = createWorkingCalendar();
  const options = { db, clock: systemClock, policyFor: getPolicy, calendar };
  // Oxfordshire's Stage 1 runs to the officer's "resolution sought by" date: a week on.
  const soughtBy = calendar.addWorkingDays(calendar.localDateOf(systemClock.now()), 5);
  const times: number[] = [];
  const warmUp = 20;
  for (let i = 0; i < runs + warmUp; i++) {
    const caseId = `case-${randomUUID()}`;
    const started = performance.now();
    const outcome = await handleCaseCommand(options, {
      type: 'raise', caseId, actor: 'iro-bench-0001', reference: `BENCH-${caseId.slice(5, 17)}`, subjectInitials: 'A.B.', allocatedWorkerId: 'sw-bench-0001', policyId: 'oxfordshire',
      alertTypeId: 'r_and_e', entryStageId: 'stage1', issue: 'Statutory visits are overdue.', impactOnChild: 'The child has not been seen.',
      resolutionSought: 'A visit this week.', resolutionSoughtBy: soughtBy, to: ['sw-bench-0001'], cc: ['tm-bench-0001'],
    });
    if (!outcome.ok) throw new Error(`the benchmark command was refused: ${outcome.refusal.message}`);
    if (i >= warmUp) times.push(performance.now() - started);
  }
  const round = (x: number) => Math.round(x * 100) / 100;
  return { runs, p50Ms: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)), meanMs: round(times.reduce((a, b) => a + b, 0) / times.length) };
}
