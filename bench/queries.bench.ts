/**
 * Queries that do not grow (issue 11): at 100,000 cases (BENCH_QUICK=1: 10,000), on PostgreSQL (a
 * schema made for the run and dropped after it) and on PGlite (in memory), the time of
 * - "my cases" (`openCasesFor`) for a person with no cases and for one with a typical load,
 * - the outbox lookup by stream (`listEffects({ streamId })`),
 * - the outbox claim (the worker loop's: 8 free lanes, one effect per destination; and
 *   `runOnce`'s batch of 50), each in a transaction rolled back so every iteration claims the same,
 * timed from the client (Node) around the one statement, many iterations, p50 and p99, beside
 * the round trip alone (`SELECT 1`), the database's own planning and execution time (EXPLAIN
 * ANALYZE, p50) and the plan each query runs on (no sequential scan of a big table). The SQL is
 * the store's own: each function is called once against a recorder to learn the statement it sends.
 *
 * Seeding is one INSERT ... SELECT generate_series per table: 5 person slots a case (raised by,
 * 1 addressee, 2 copied, 1 action owner) over cases / 5 people, so a person is in about 25 cases,
 * 90% of cases open; 5 outbox effects a case, about 25 per destination: 1% due now, 1% backing
 * off, 0.5% failed, a handful claimed, the rest delivered over the last 120 days.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { openCasesFor } from '../app/cases/summary.js';
import { IN_MEMORY, openDatabase, statementText, type Db, type Queryable, type Statement as Sql } from '../store/db.js';
import { claimCall, claimQuery, listEffects } from '../store/outbox.js';
import { dropBenchSchema, percentile, type BenchSettings } from './settings.js';

const URL_ = 'postgres://postgres@127.0.0.1:5432/test';
const NOW = new Date('2026-03-02T09:00:00.000Z');
const TARGET_MS = 2;
const MY_CASES_BEFORE_0010 = `SELECT case_id, reference, status, is_open, stage_id, response_due_at, version, summary FROM case_summary
  WHERE is_open AND (raised_by = $1 OR addressees ? $1 OR copied ? $1 OR coalesce(summary->'actionOwners', '[]'::jsonb) ? $1)
  ORDER BY response_due_at NULLS LAST, reference`;

interface Statement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** A Queryable that runs nothing: it keeps the last statement it was sent and answers no rows. */
function recorder(): Queryable & { readonly last: () => Statement } {
  let last: Statement | undefined;
  return {
    async query<R>(sql: Sql, params: readonly unknown[] = []): Promise<R[]> {
      last = { sql: statementText(sql), params };
      return [];
    },
    async exec() {},
    last: () => {
      if (last === undefined) throw new Error('nothing was sent');
      return last;
    },
  };
}

async function statementOf(call: (q: Queryable) => Promise<unknown>): Promise<Statement> {
  const q = recorder();
  await call(q);
  return q.last();
}

/**
 * The deliverer's claim for `limit` effects, at most `perDestination` each: the call it sends
 * (`claimCall`: claim_outbox, which keeps the statement's plan, migration 0017), or the statement
 * alone (`claimQuery`), planned for each call as it was before.
 */
function claimStatement(limit: number, perDestination: number, as: 'call' | 'statement'): Statement {
  // runOnce claims up to batchSize per destination; the loop claims one per destination.
  return (as === 'call' ? claimCall : claimQuery)('bench-worker', NOW, 60_000, { limit, perDestination, busy: [] });
}

export async function seed(db: Queryable, cases: number): Promise<{ people: number; effects: number }> {
  const people = Math.max(10, Math.floor(cases / 5));
  const effects = cases * 5;
  const person = (salt: string) => `'p-' || lpad((abs(hashtext('${salt}' || g)) % ${people})::text, 7, '0')`;
  await db.query(
    `INSERT INTO case_summary (case_id, reference, policy_id, kind, status, is_open, stage_id, stage_label, raised_by, addressees, copied,
                               response_due_at, overall_limit_at, updated_at, version, summary)
     SELECT 'case-' || g, 'BENCH-' || g, 'oxfordshire', 'dispute', CASE WHEN g % 10 = 0 THEN 'resolved' ELSE 'open' END, g % 10 <> 0,
            'stage' || (g % 4), 'Stage ' || (g % 4), r, jsonb_build_array(a), jsonb_build_array(c1, c2),
            CASE WHEN g % 3 = 0 THEN NULL ELSE $1::timestamptz + (g % 2000) * interval '1 hour' END, $1::timestamptz + interval '28 days', $1::timestamptz, 3,
            jsonb_build_object('caseId', 'case-' || g, 'reference', 'BENCH-' || g, 'policyId', 'oxfordshire', 'kind', 'dispute',
              'alertTypeId', 'r_and_e', 'alertTypeLabel', 'Resolution and escalation', 'status', 'open', 'stageId', 'stage' || (g % 4),
              'stageLabel', 'Stage ' || (g % 4), 'raisedBy', r, 'allocatedWorkerId', a, 'addressees', jsonb_build_array(a),
              'copied', jsonb_build_array(c1, c2), 'actionOwners', jsonb_build_array(o), 'responseDueAt', $1::text, 'overdue', false,
              'overallLimitAt', $1::text, 'version', 3, 'revision', 3, 'updatedAt', $1::text)
       FROM (SELECT g, ${person('r')} AS r, ${person('a')} AS a, ${person('c')} AS c1, ${person('d')} AS c2, ${person('o')} AS o
               FROM generate_series(1, $2::int) AS g) AS s`,
    [NOW.toISOString(), cases],
  );
  // status by a hash of the row: 0 due now, 1 backing off, 2 failed (half of them), 3 claimed (a few), the rest delivered.
  await db.query(
    `INSERT INTO outbox (idempotency_key, stream_id, destination, tenant, kind, payload, status, attempts, next_attempt_at,
                         claimed_by, lease_until, receipt, created_at, updated_at, delivered_at)
     SELECT 'case-' || c || '/v' || (g % 5) || '/' || d, 'case-' || c, 'teams:' || d, 'tenant-bench', 'teams.card',
            jsonb_build_object('topic', 'case', 'recipient', d, 'request', jsonb_build_object('caseId', 'case-' || c, 'purpose', 'card-new', 'version', g % 5)),
            CASE WHEN k = 0 THEN 'pending' WHEN k = 1 THEN 'pending' WHEN k = 2 AND g % 2 = 0 THEN 'failed'
                 WHEN k = 3 AND g % 50 = 0 THEN 'delivering' ELSE 'delivered' END,
            CASE WHEN k IN (1, 2) THEN 3 ELSE 1 END,
            CASE WHEN k = 1 THEN $1::timestamptz + interval '10 minutes' ELSE $1::timestamptz - (g % 10000) * interval '1 second' END,
            CASE WHEN k = 3 AND g % 50 = 0 THEN 'another-worker' END,
            CASE WHEN k = 3 AND g % 50 = 0 THEN $1::timestamptz + interval '1 minute' END,
            CASE WHEN k >= 3 THEN '{"channel":"teams"}' END,
            t, t, CASE WHEN k >= 3 AND NOT (k = 3 AND g % 50 = 0) THEN t END
       FROM (SELECT g, (g + 4) / 5 AS c, 'p-' || lpad((abs(hashtext('e' || g)) % ${people})::text, 7, '0') AS d,
                    abs(hashtext('s' || g)) % 100 AS k, $1::timestamptz - (g % 120) * interval '1 day' AS t
               FROM generate_series(1, $2::int) AS g) AS s`,
    [NOW.toISOString(), effects],
  );
  return { people, effects };
}

interface Plan {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: Plan[];
}

/** Each node of the plan, e.g. "Index Scan using outbox_by_stream on outbox". */
export function planNodes(plan: Plan): string[] {
  const name = `${plan['Node Type']}${plan['Index Name'] !== undefined ? ` using ${plan['Index Name']}` : ''}${plan['Relation Name'] !== undefined ? ` on ${plan['Relation Name']}` : ''}`;
  return [name, ...(plan.Plans ?? []).flatMap(planNodes)];
}

async function explain(db: Queryable, s: Statement): Promise<string[]> {
  const [row] = await db.query<{ 'QUERY PLAN': [{ Plan: Plan }] | string }>(`EXPLAIN (FORMAT JSON) ${s.sql}`, s.params);
  const raw = row!['QUERY PLAN'];
  const parsed = typeof raw === 'string' ? (JSON.parse(raw) as [{ Plan: Plan }]) : raw;
  return planNodes(parsed[0].Plan);
}

const round = (x: number) => Math.round(x * 1000) / 1000;

async function time(db: Db, s: Statement, iterations: number, rolledBack: boolean): Promise<{ p50Ms: number; p99Ms: number; rows: number }> {
  const times: number[] = [];
  let rows = 0;
  const warmUp = Math.min(50, iterations);
  for (let i = 0; i < iterations + warmUp; i++) {
    if (rolledBack) {
      await db
        .transaction(async (tx) => {
          const t0 = performance.now();
          rows = (await tx.query(s.sql, s.params)).length;
          if (i >= warmUp) times.push(performance.now() - t0);
          throw new RolledBack();
        })
        .catch((e: unknown) => {
          if (!(e instanceof RolledBack)) throw e;
        });
    } else {
      const t0 = performance.now();
      rows = (await db.query(s.sql, s.params)).length;
      if (i >= warmUp) times.push(performance.now() - t0);
    }
  }
  return { p50Ms: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)), rows };
}

class RolledBack extends Error {}

/**
 * The database's own time for the statement, as EXPLAIN ANALYZE reports it (planning and
 * execution, p50): steadier than the client's time on a busy machine, and without the round trip.
 */
async function serverTime(db: Db, s: Statement, runs: number): Promise<{ planningP50Ms: number; executionP50Ms: number }> {
  const planning: number[] = [];
  const execution: number[] = [];
  for (let i = 0; i < runs; i++) {
    await db
      .transaction(async (tx) => {
        const [row] = await tx.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${s.sql}`, s.params);
        const raw = row!['QUERY PLAN'];
        const [plan] = (typeof raw === 'string' ? JSON.parse(raw) : raw) as [{ 'Planning Time': number; 'Execution Time': number }];
        planning.push(plan['Planning Time']);
        execution.push(plan['Execution Time']);
        throw new RolledBack();
      })
      .catch((e: unknown) => {
        if (!(e instanceof RolledBack)) throw e;
      });
  }
  return { planningP50Ms: round(percentile(planning, 50)), executionP50Ms: round(percentile(execution, 50)) };
}

async function measure(db: Db, cases: number, iterations: number, log: (line: string) => void): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const seeded = await seed(db, cases);
  await db.exec('ANALYZE case_summary; ANALYZE outbox');
  const seedSeconds = Math.round((performance.now() - t0) / 100) / 10;
  log(`  seeded ${cases} cases and ${seeded.effects} outbox rows in ${seedSeconds} s`);
  // A person in no case at all, one in about as many as most (about 25), and whoever raised the most.
  const [busiest] = await db.query<{ p: string; n: number }>(
    `SELECT raised_by AS p, count(*)::int AS n FROM case_summary WHERE is_open GROUP BY raised_by ORDER BY count(*) DESC, raised_by LIMIT 1`,
  );
  const typical = 'p-' + String(Math.floor(seeded.people / 2)).padStart(7, '0');
  const statements: Record<string, { statement: Statement; rolledBack: boolean }> = {
    myCasesNoCases: { statement: await statementOf((q) => openCasesFor(q, 'p-nobody')), rolledBack: false },
    myCasesTypicalPerson: { statement: await statementOf((q) => openCasesFor(q, typical)), rolledBack: false },
    myCasesBusiestRaiser: { statement: await statementOf((q) => openCasesFor(q, busiest!.p)), rolledBack: false },
    listEffectsByStream: { statement: await statementOf((q) => listEffects(q, { streamId: `case-${Math.floor(cases / 2)}` })), rolledBack: false },
    outboxClaimLoop: { statement: claimStatement(8, 1, 'call'), rolledBack: true },
    outboxClaimBatch50: { statement: claimStatement(50, 50, 'call'), rolledBack: true },
    outboxClaimLoopStatementAlone: { statement: claimStatement(8, 1, 'statement'), rolledBack: true },
    outboxClaimBatch50StatementAlone: { statement: claimStatement(50, 50, 'statement'), rolledBack: true },
  };
  const results: Record<string, unknown> = {};
  // The floor on this machine: the same client, the same round trip, no work.
  const floor = await time(db, { sql: 'SELECT 1', params: [] }, iterations, false);
  results.selectOneFloor = floor;
  log(`  SELECT 1 (the round trip alone): p50 ${floor.p50Ms} ms, p99 ${floor.p99Ms} ms`);
  // For contrast, "my cases" as it was before migration 0010: it read every open case.
  const before = await time(db, { sql: MY_CASES_BEFORE_0010, params: ['p-nobody'] }, 50, false);
  results.myCasesNoCasesBefore0010 = before;
  log(`  myCasesNoCases as before 0010 (every open case read): p50 ${before.p50Ms} ms, p99 ${before.p99Ms} ms`);
  for (const [name, { statement, rolledBack }] of Object.entries(statements)) {
    const plan = await explain(db, statement);
    const timed = await time(db, statement, iterations, rolledBack);
    const server = await serverTime(db, statement, Math.min(iterations, 200));
    const seqScans = plan.filter((n) => n.startsWith('Seq Scan'));
    results[name] = { ...timed, underTarget: timed.p99Ms < TARGET_MS, server, seqScans, plan };
    log(`  ${name}: p50 ${timed.p50Ms} ms, p99 ${timed.p99Ms} ms, ${timed.rows} rows; in the database ${server.planningP50Ms} ms planning + ${server.executionP50Ms} ms executing${seqScans.length > 0 ? `; SEQ SCAN ${seqScans.join(', ')}` : ''}`);
  }
  return { cases, people: seeded.people, outboxRows: seeded.effects, seedSeconds, iterations, targetMs: TARGET_MS, ...results };
}

export async function run(settings: BenchSettings): Promise<Record<string, unknown>> {
  const cases = settings.quick ? 10_000 : 100_000;
  const iterations = settings.quick ? 200 : 2_000;
  const schema = `bench_q_${process.pid}_${randomBytes(3).toString('hex')}`;
  settings.log(`queries: PostgreSQL, ${cases} cases`);
  const db = await openDatabase({ kind: 'postgres', url: URL_, schema });
  let postgres: Record<string, unknown>;
  try {
    postgres = await measure(db, cases, iterations, settings.log);
  } finally {
    await db.close();
    await dropBenchSchema(schema);
  }
  settings.log(`queries: PGlite (in memory), ${cases} cases`);
  const lite = await openDatabase({ kind: 'pglite', dataDir: IN_MEMORY });
  let pglite: Record<string, unknown>;
  try {
    pglite = await measure(lite, cases, iterations, settings.log);
  } finally {
    await lite.close();
  }
  return { what: 'client-timed single statements at the given size; p99 under targetMs is the goal', postgres, pglite };
}
