/**
 * One benchmark worker process: either Resolve's deadline dispatcher or a pg-boss consumer,
 * doing the same work per item (one row into fire_log; Resolve in the transaction that marks the
 * deadline fired, pg-boss in one insert per fetched batch before completing it). Prints `ready`, waits for `go` on stdin,
 * works until nothing has been due for --idle-exit-ms, then prints its totals as JSON.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { systemClock } from '../store/clock.js';
import { openDatabase } from '../store/db.js';
import { createDeadlineDispatcher } from '../store/deadlines.js';

const { values } = parseArgs({
  options: {
    kind: { type: 'string' },
    url: { type: 'string' },
    schema: { type: 'string' },
    'boss-schema': { type: 'string' },
    queue: { type: 'string' },
    worker: { type: 'string' },
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

const go = new Promise<void>((resolve) => {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() === 'go') resolve();
  });
});

/** Runs `pass` until it has found nothing for idleExitMs. */
async function untilIdle(pass: () => Promise<number>): Promise<void> {
  let idleSince = Date.now();
  while (Date.now() - idleSince < idleExitMs) {
    if ((await pass()) > 0) idleSince = Date.now();
    else await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function runResolve(): Promise<Record<string, unknown>> {
  const db = await openDatabase({ kind: 'postgres', url, schema, poolSize: concurrency + 1 });
  const dispatcher = createDeadlineDispatcher({
    db,
    clock: systemClock,
    workerId: worker,
    batchSize: batch,
    concurrency,
    leaseMs: 60_000,
    handler: async (tx, deadline, { now }) => {
      await tx.query('INSERT INTO fire_log (item, worker, fired_at) VALUES ($1, $2, $3)', [String(deadline.id), worker, now.toISOString()]);
    },
  });
  process.stdout.write('ready\n');
  await go;
  await untilIdle(async () => (await dispatcher.runOnce()).claimed);
  await db.close();
  return { ...dispatcher.totals };
}

async function runPgBoss(): Promise<Record<string, unknown>> {
  const queue = values.queue!;
  const boss = new PgBoss({ connectionString: url, schema: values['boss-schema']!, supervise: false, schedule: false, migrate: false, max: concurrency });
  boss.on('error', (e) => process.stderr.write(`pg-boss: ${String(e)}\n`));
  await boss.start();
  const pool = new pg.Pool({ connectionString: url, max: concurrency, options: `-c search_path=${schema}` });
  let fired = 0;
  process.stdout.write('ready\n');
  await go;
  await untilIdle(async () => {
    const jobs = await boss.fetch<{ id: number }>(queue, { batchSize: batch });
    if (jobs.length === 0) return 0;
    // pg-boss at its best: one insert for the whole fetched batch, then one complete call.
    await pool.query('INSERT INTO fire_log (item, worker, fired_at) SELECT unnest($1::text[]), $2, $3', [jobs.map((j) => j.id), worker, new Date().toISOString()]);
    await boss.complete(queue, jobs.map((j) => j.id));
    fired += jobs.length;
    return jobs.length;
  });
  await pool.end();
  await boss.stop({ graceful: false, wait: true });
  return { fired };
}

const totals = values.kind === 'pg-boss' ? await runPgBoss() : await runResolve();
process.stdout.write(`${JSON.stringify({ worker, ...totals })}\n`);
process.exit(0);
