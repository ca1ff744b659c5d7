/**
 * One benchmark worker process, started by store.bench.ts. `--kind`:
 * - `resolve`: Resolve's deadline dispatcher (`start()`, as bin/serve.ts runs it) with the trivial
 *   handler: one row into fire_log per deadline, in the transaction that marks it fired.
 * - `pg-boss`: pg-boss 10 consumers doing the same: fetch a batch, then in one transaction write
 *   the fire_log rows and complete the jobs (`complete` with `{ db }` runs on that transaction, so
 *   the work and the completion commit together, as Resolve's do). `--handler per-item` writes one
 *   row per statement, like Resolve's per-deadline handler; `batched` writes the batch in one.
 * - `cases`: the dispatcher with the real `caseDeadlineHandler` (a whole case command per
 *   deadline), on a clock moved, at `go`, to the instant the reminders are due; each firing is
 *   also written to fire_log, as an independent witness of duplicates.
 *
 * Same connection budget on each side: `--concurrency` batches in flight plus one connection
 * more (Resolve: that one claims the next batch ahead; pg-boss: one more consumer loop). Both
 * poll the same way: one claim (fetch) at a time while nothing is due, every 20 ms; while batches
 * come back full, every lane keeps going.
 *
 * Prints `ready`, waits for `go` (or `go <ISO instant>` for `cases`) on stdin, works until
 * nothing has been due for --idle-exit-ms, then prints one JSON line: what it fired, and at its
 * last commit the wall-clock time, the SQL statements it had sent (every `pg.Client#query`, so
 * BEGIN and COMMIT count) and its Node CPU.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { AdjustableClock, systemClock, type Clock } from '../store/clock.js';
import { openDatabase, type Db } from '../store/db.js';
import { createDeadlineDispatcher, type DeadlineHandler } from '../store/deadlines.js';

const { values } = parseArgs({
  options: {
    kind: { type: 'string' },
    url: { type: 'string' },
    schema: { type: 'string' },
    'boss-schema': { type: 'string' },
    queue: { type: 'string' },
    worker: { type: 'string' },
    handler: { type: 'string', default: 'per-item' },
    batch: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '4' },
    'idle-exit-ms': { type: 'string', default: '1500' },
  },
});
const url = values.url!;
const schema = values.schema!;
const worker = values.worker!;
const batch = Number(values.batch);
const concurrency = Number(values.concurrency);
const idleExitMs = Number(values['idle-exit-ms']);

// Every statement either side sends goes through pg.Client#query (pools included).
let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements += 1;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

/** Taken after each commit, so the idle polling at the end does not count. */
const atLastCommit = { at: 0, statements: 0, cpuMs: 0 };
/** Counted from `go`, so start-up (loading modules, connecting) does not count. */
let atGo = { cpu: process.cpuUsage(), statements: 0 };
function committed(): void {
  const cpu = process.cpuUsage(atGo.cpu);
  atLastCommit.at = Date.now();
  atLastCommit.statements = statements - atGo.statements;
  atLastCommit.cpuMs = (cpu.user + cpu.system) / 1000;
}

const go = new Promise<string>((resolve) => {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (!line.trim().startsWith('go')) return;
    atGo = { cpu: process.cpuUsage(), statements };
    resolve(line.trim().slice(2).trim());
  });
});

/** Opens every connection of the pool before `ready` (each checkout held until all are out), so neither side connects inside the timing. */
async function connectAll(checkout: (pause: () => Promise<void>) => Promise<unknown>): Promise<void> {
  let out = 0;
  let allOut!: () => void;
  const all = new Promise<void>((resolve) => (allOut = resolve));
  await Promise.all(Array.from({ length: concurrency + 1 }, () => checkout(() => {
    if (++out === concurrency + 1) allOut();
    return all;
  })));
}

/** Transactions open now, and when one last began or ended: the dispatcher is idle when none has for a while. */
const activity = { inFlight: 0, lastAt: Date.now() };

/** The same database, noting the moment each transaction commits, and what is in flight. */
function notingCommits(db: Db): Db {
  return {
    ...db,
    async transaction(fn) {
      activity.inFlight += 1;
      activity.lastAt = Date.now();
      try {
        const result = await db.transaction(fn);
        committed();
        return result;
      } finally {
        activity.inFlight -= 1;
        activity.lastAt = Date.now();
      }
    },
  };
}

async function runDispatcher(handlerFor: (db: Db) => Promise<{ handler: DeadlineHandler; clock: Clock; onGo?: (arg: string) => void }>): Promise<Record<string, unknown>> {
  const db = await openDatabase({ kind: 'postgres', url, schema, poolSize: concurrency + 1 });
  await connectAll((pause) => db.transaction((tx) => tx.query('SELECT 1').then(pause)));
  const { handler, clock, onGo } = await handlerFor(db);
  let errors = 0;
  const dispatcher = createDeadlineDispatcher({
    db: notingCommits(db),
    clock,
    workerId: worker,
    batchSize: batch,
    concurrency,
    leaseMs: 60_000,
    idleMs: 20,
    handler,
    onError: (error) => {
      if (errors++ < 5) process.stderr.write(`${worker}: ${error instanceof Error ? error.message : String(error)}\n`);
    },
  });
  process.stdout.write('ready\n');
  onGo?.(await go);
  const running = dispatcher.start();
  activity.lastAt = Date.now();
  // A batch of real case commands can take seconds: idle means no transaction open, none for a while.
  while (activity.inFlight > 0 || Date.now() - activity.lastAt < idleExitMs) await new Promise((resolve) => setTimeout(resolve, 20));
  await dispatcher.stop();
  await running;
  await db.close();
  return { ...dispatcher.totals };
}

async function trivial(): Promise<{ handler: DeadlineHandler; clock: Clock }> {
  return {
    clock: systemClock,
    handler: async (tx, deadline) => {
      await tx.query('INSERT INTO fire_log (item, worker, fired_at) VALUES ($1, $2, clock_timestamp())', [String(deadline.id), worker]);
    },
  };
}

async function realCases(): Promise<{ handler: DeadlineHandler; clock: Clock; onGo: (arg: string) => void }> {
  // Loaded here only: the trivial workers need none of the app.
  const [{ caseDeadlineHandler }, { createCaseRouting }, { createLogger }, { DEFAULT_ORG_FILE }, { createWorkingCalendar }, { getPolicy }, { createOrgFileDirectory, loadOrganisationFile }] =
    await Promise.all([
      import('../app/cases/model.js'), import('../app/cases/routing.js'), import('../app/log.js'), import('../bin/config.js'), import('../domain/calendar/index.js'),
      import('../domain/policies/index.js'), import('../graph/directory/index.js'),
    ]);
  const clock = new AdjustableClock();
  const directory = createOrgFileDirectory(await loadOrganisationFile(DEFAULT_ORG_FILE));
  const routing = createCaseRouting({ directory, clock, logger: createLogger({ level: 'silent' }) });
  const cases = caseDeadlineHandler({ policyFor: getPolicy, calendar: createWorkingCalendar(), tenant: 'tenant-northmoor' }, { routing });
  return {
    clock,
    onGo: (at) => void clock.moveTo(new Date(at)),
    handler: async (tx, deadline, ctx) => {
      await cases(tx, deadline, ctx);
      await tx.query('INSERT INTO fire_log (item, worker, fired_at) VALUES ($1, $2, clock_timestamp())', [String(deadline.id), worker]);
    },
  };
}

async function runPgBoss(): Promise<Record<string, unknown>> {
  const queue = values.queue!;
  const perItem = values.handler !== 'batched';
  const pool = new pg.Pool({ connectionString: url, max: concurrency + 1, options: `-c search_path=${schema}` });
  const boss = new PgBoss({
    db: { executeSql: (text: string, params: unknown[]) => pool.query(text, params) },
    schema: values['boss-schema']!, supervise: false, schedule: false, migrate: false,
  });
  boss.on('error', (e) => process.stderr.write(`pg-boss: ${String(e)}\n`));
  await boss.start();
  await connectAll(async (pause) => {
    const client = await pool.connect();
    await pause();
    client.release();
  });
  // complete(name, ids, data, { db }): in pg-boss 10's JavaScript, though its types leave that form out.
  const completeOn = boss.complete.bind(boss) as unknown as (name: string, ids: string[], data: null, options: { db: PgBoss.Db }) => Promise<unknown>;
  let fired = 0;
  /** One consumer round: fetch a batch; write and complete it in one transaction. */
  const round = async (): Promise<number> => {
    const jobs = await boss.fetch<{ id: number }>(queue, { batchSize: batch });
    if (jobs.length === 0) return 0;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      if (perItem) {
        for (const job of jobs) await client.query('INSERT INTO fire_log (item, worker, fired_at) VALUES ($1, $2, clock_timestamp())', [job.id, worker]);
      } else {
        await client.query('INSERT INTO fire_log (item, worker, fired_at) SELECT unnest($1::text[]), $2, clock_timestamp()', [jobs.map((j) => j.id), worker]);
      }
      await completeOn(queue, jobs.map((j) => j.id), null, { db: { executeSql: (text: string, params: unknown[]) => client.query(text, params) } });
      await client.query('COMMIT');
      committed();
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    fired += jobs.length;
    return jobs.length;
  };
  process.stdout.write('ready\n');
  await go;
  // The dispatcher's polling discipline: one round; while rounds come back full, every lane goes on.
  let idleSince = Date.now();
  while (Date.now() - idleSince < idleExitMs) {
    const got = await round();
    if (got > 0) idleSince = Date.now();
    let backlog = got >= batch;
    if (!backlog) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    await Promise.all(Array.from({ length: concurrency + 1 }, async () => {
      while (backlog) if ((await round()) < batch) backlog = false;
    }));
    idleSince = Date.now();
  }
  await boss.stop({ graceful: false, wait: true });
  await pool.end();
  return { fired };
}

const totals =
  values.kind === 'pg-boss' ? await runPgBoss() : values.kind === 'cases' ? await runDispatcher(() => realCases()) : await runDispatcher(() => trivial());
process.stdout.write(`${JSON.stringify({ worker, ...totals, lastCommitAt: atLastCommit.at, statements: atLastCommit.statements, nodeCpuMs: Math.round(atLastCommit.cpuMs) })}\n`);
process.exit(0);
