/**
 * Exactly once across processes, on the real PostgreSQL server: several dispatcher processes,
 * one killed outright, one frozen past its lease.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { systemClock } from '../../store/clock.js';
import { openDatabase, type Db } from '../../store/db.js';
import { createDeadlineDispatcher, type DispatchReport } from '../../store/deadlines.js';
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from './engines.js';
import { spawnScript, waitForExit, waitForLine } from './spawn.js';

const WORKER = new URL('./fixtures/dispatcher-worker.ts', import.meta.url);

type WorkerTotals = DispatchReport & { worker: string };

function startWorker(schema: string, worker: string, extra: string[] = []): ChildProcess {
  return spawnScript(WORKER, ['--url', TEST_DATABASE_URL, '--schema', schema, '--worker', worker, ...extra]);
}

async function totalsOf(child: ChildProcess): Promise<WorkerTotals> {
  const line = await waitForLine(child, /^\{.*"worker"/);
  await waitForExit(child);
  return JSON.parse(line) as WorkerTotals;
}

async function seedDueDeadlines(db: Db, count: number, dueAt: Date): Promise<void> {
  await db.query(
    `INSERT INTO deadlines (stream_id, key, kind, due_at, created_at, updated_at)
     SELECT 'case-' || n, 'respond', 'response-due', $2, $2, $2 FROM generate_series(1, $1::int) AS n`,
    [count, dueAt.toISOString()],
  );
}

async function firingCounts(db: Db): Promise<{ deadlines: number; fired: number; logged: number; distinct: number; twice: number }> {
  const [row] = await db.query<{ deadlines: number; fired: number; logged: number; distinct: number; twice: number }>(
    `SELECT (SELECT count(*)::int FROM deadlines) AS deadlines,
            (SELECT count(*)::int FROM deadlines WHERE status = 'fired') AS fired,
            (SELECT count(*)::int FROM fire_log) AS logged,
            (SELECT count(DISTINCT deadline_id)::int FROM fire_log) AS distinct,
            (SELECT count(*)::int FROM (SELECT deadline_id FROM fire_log GROUP BY deadline_id HAVING count(*) > 1) d) AS twice`,
  );
  return row!;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('store: deadlines fire exactly once across dispatcher processes [postgres]', function () {
  this.timeout(60_000);
  let schema: string;
  let db: Db;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    schema = uniqueSchema('rtproc');
    db = await openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL, schema });
    await db.exec('CREATE TABLE fire_log (deadline_id bigint NOT NULL, worker text NOT NULL, token bigint NOT NULL)');
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await waitForExit(child);
      }
    }
    await db.close();
    await dropSchema(schema);
  });

  it('3 dispatcher processes, 10,000 deadlines due at once: every one fires exactly once', async () => {
    await seedDueDeadlines(db, 10_000, new Date(Date.now() - 1000));
    const workers = ['w1', 'w2', 'w3'].map((w) => startWorker(schema, w, ['--batch', '100']));
    children.push(...workers);
    const totals = await Promise.all(workers.map(totalsOf));
    const counts = await firingCounts(db);
    assert.deepEqual(counts, { deadlines: 10_000, fired: 10_000, logged: 10_000, distinct: 10_000, twice: 0 });
    assert.equal(totals.reduce((n, t) => n + t.fired, 0), 10_000);
    assert.ok(totals.every((t) => t.fired > 0), `every process took a share: ${totals.map((t) => t.fired).join(', ')}`);
  });

  it('a dispatcher killed with SIGKILL mid-batch loses nothing: its claims expire and are taken over', async () => {
    await seedDueDeadlines(db, 2_000, new Date(Date.now() - 1000));
    const victim = startWorker(schema, 'victim', ['--batch', '1000', '--lease-ms', '1500', '--delay-ms', '2', '--concurrency', '1']);
    children.push(victim);
    await waitForLine(victim, /^ready$/);
    await waitUntil(async () => (await firingCounts(db)).logged >= 100, 20_000);
    victim.kill('SIGKILL');
    await waitForExit(victim);
    const orphaned = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deadlines WHERE status = 'scheduled' AND claimed_by = 'victim'`);
    assert.ok(orphaned[0]!.n > 0, 'the killed process left claimed, unfired deadlines behind');

    const heir = startWorker(schema, 'heir', ['--idle-exit-ms', '2500']);
    children.push(heir);
    const totals = await totalsOf(heir);
    const counts = await firingCounts(db);
    assert.deepEqual(counts, { deadlines: 2_000, fired: 2_000, logged: 2_000, distinct: 2_000, twice: 0 });
    assert.ok(totals.fired >= orphaned[0]!.n, 'the heir fired the orphaned claims');
  });

  it('a dispatcher frozen (SIGSTOP) past its lease cannot complete its stale work when it wakes (SIGCONT)', async () => {
    await seedDueDeadlines(db, 300, new Date(Date.now() - 1000));
    const sleeper = startWorker(schema, 'sleeper', ['--batch', '300', '--lease-ms', '1000', '--delay-ms', '5', '--concurrency', '1', '--idle-exit-ms', '300']);
    children.push(sleeper);
    await waitForLine(sleeper, /^ready$/);
    await waitUntil(async () => (await firingCounts(db)).fired >= 20, 20_000);
    sleeper.kill('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 1_300));

    const awake = createDeadlineDispatcher({ db, clock: systemClock, workerId: 'awake', leaseMs: 10_000, handler: async (tx, d, { workerId }) => {
      await tx.query('INSERT INTO fire_log (deadline_id, worker, token) VALUES ($1, $2, $3)', [d.id, workerId, d.fencingToken]);
    } });
    while ((await awake.runOnce()).claimed > 0);
    sleeper.kill('SIGCONT');
    const slept = await totalsOf(sleeper);
    while ((await awake.runOnce()).claimed > 0);

    const counts = await firingCounts(db);
    assert.deepEqual(counts, { deadlines: 300, fired: 300, logged: 300, distinct: 300, twice: 0 });
    assert.ok(slept.stale > 0, `the woken process found its claims stale (${slept.stale}) and did nothing with them`);
    assert.ok(awake.totals.fired > 0, 'the other dispatcher took over the expired claims');
  });
});
