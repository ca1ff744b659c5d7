/**
 * Issue 11, queries that do not grow (migration 0010): "my cases", the outbox lookup by stream and
 * the outbox claim are answered from indexes. The tables are seeded realistically (10,000 cases,
 * 50,000 outbox effects, ANALYZEd) and the planner is left to choose: no `enable_seqscan = off`
 * here. Each query also gives exactly what its form before 0010 gave, on the same rows.
 */
import assert from 'node:assert/strict';
import { openCasesFor } from '../../app/cases/summary.js';
import type { Queryable } from '../../store/db.js';
import { claimCall, listEffects, purgeDeliveredEffects } from '../../store/outbox.js';
import { describeOnEngines } from './engines.js';
import { claimFunctionStatements, claimStatement, cte, describeNode, explain, explainGeneric, indexesUsed, nodes, seqScans, statementOf, type Statement } from './plans.js';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const CASES = 10_000;
const PEOPLE = 2_000;
const MINUTE = 60_000;

const person = (salt: string) => `'p-' || lpad((abs(hashtext('${salt}' || g)) % ${PEOPLE})::text, 5, '0')`;

/**
 * 10,000 cases (90% open; a person in about 25), five person slots each (raised by, an addressee,
 * two copied, an action owner; one case in 7 has no actionOwners at all, one in 11 is raised by
 * its own addressee), and five outbox effects a case (about 25 a destination): 1% due now, 1%
 * backing off, 1% ambiguous, failed ones, claimed ones (some with their lease run out, a few of
 * those due later than now, as a worker with a clock ahead leaves them), the rest delivered.
 */
async function seed(db: Queryable): Promise<void> {
  await db.query(
    `INSERT INTO case_summary (case_id, reference, policy_id, kind, status, is_open, stage_id, stage_label, raised_by, addressees, copied,
                               response_due_at, overall_limit_at, updated_at, version, summary)
     SELECT 'case-' || g, 'REF-' || g, 'oxfordshire', 'dispute', 'open', g % 10 <> 0, 'stage1', 'Stage 1', CASE WHEN g % 11 = 0 THEN a ELSE r END,
            jsonb_build_array(a), jsonb_build_array(c1, c2),
            CASE WHEN g % 3 = 0 THEN NULL ELSE $1::timestamptz + (g % 500) * interval '1 hour' END, NULL, $1::timestamptz, 1,
            CASE WHEN g % 7 = 0 THEN jsonb_build_object('caseId', 'case-' || g)
                 ELSE jsonb_build_object('caseId', 'case-' || g, 'actionOwners', jsonb_build_array(o)) END
       FROM (SELECT g, ${person('r')} AS r, ${person('a')} AS a, ${person('c')} AS c1, ${person('d')} AS c2, ${person('o')} AS o
               FROM generate_series(1, $2::int) AS g) AS s`,
    [NOW.toISOString(), CASES],
  );
  await db.query(
    `INSERT INTO outbox (idempotency_key, stream_id, destination, tenant, kind, payload, status, attempts, ambiguous_attempts, next_attempt_at,
                         claimed_by, lease_until, fencing_token, created_at, updated_at, delivered_at)
     SELECT 'seed-' || g, 'case-' || ((g + 4) / 5), 'teams:' || d, 't', 'teams.card', '{}'::jsonb,
            CASE WHEN k IN (0, 1) THEN 'pending' WHEN k = 2 THEN 'ambiguous' WHEN k = 3 THEN 'failed' WHEN k = 4 THEN 'delivering' ELSE 'delivered' END,
            1, CASE WHEN k = 2 THEN 1 ELSE 0 END,
            CASE WHEN k = 1 THEN $1::timestamptz + (g % 60) * interval '1 minute'
                 WHEN k = 4 AND g % 3 = 0 THEN $1::timestamptz + interval '30 minutes'
                 ELSE $1::timestamptz - (g % 5000) * interval '1 second' END,
            CASE WHEN k = 4 THEN 'w' END,
            CASE WHEN k = 4 THEN $1::timestamptz + (g % 40 - 20) * interval '1 minute' END,
            CASE WHEN k = 4 THEN 7 ELSE 0 END,
            $1::timestamptz, $1::timestamptz, CASE WHEN k >= 5 THEN $1::timestamptz - (g % 90) * interval '1 day' END
       FROM (SELECT g, 'p-' || lpad((abs(hashtext('e' || g)) % ${PEOPLE})::text, 5, '0') AS d,
                    CASE WHEN abs(hashtext('s' || g)) % 100 < 5 THEN abs(hashtext('s' || g)) % 100 ELSE 99 END AS k
               FROM generate_series(1, $2::int) AS g) AS s`,
    [NOW.toISOString(), CASES * 5],
  );
  await db.exec('ANALYZE case_summary; ANALYZE outbox');
}

/** `openCasesFor`'s statement before migration 0010, for comparison. */
const MY_CASES_BEFORE = `SELECT case_id FROM case_summary
  WHERE is_open AND (raised_by = $1 OR addressees ? $1 OR copied ? $1 OR coalesce(summary->'actionOwners', '[]'::jsonb) ? $1)
  ORDER BY response_due_at NULLS LAST, reference`;

/** The outbox claim before migration 0010, word for word but for the expanded macros. */
const CLAIM_BEFORE = `WITH head AS MATERIALIZED (
       SELECT h.id, h.destination, h.next_attempt_at FROM outbox h
        WHERE ((h.status IN ('pending', 'ambiguous') AND h.next_attempt_at <= $2) OR (h.status = 'delivering' AND h.lease_until <= $2))
          AND h.destination <> ALL ($6::text[])
          AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.destination = h.destination AND e.id < h.id AND e.status IN ('pending', 'ambiguous', 'delivering'))
        ORDER BY h.next_attempt_at, h.id
        LIMIT $4
        FOR UPDATE OF h SKIP LOCKED
     ), run AS (
       SELECT r.id, r.status, hd.id AS head_id, hd.next_attempt_at AS head_due,
              row_number() OVER w AS place, bool_and(((r.status IN ('pending', 'ambiguous') AND r.next_attempt_at <= $2) OR (r.status = 'delivering' AND r.lease_until <= $2))) OVER w AS due_so_far
         FROM head hd JOIN outbox r ON r.destination = hd.destination AND r.id >= hd.id AND r.status IN ('pending', 'ambiguous', 'delivering')
       WINDOW w AS (PARTITION BY hd.id ORDER BY r.id)
     ), chosen AS (
       SELECT id, status AS previous_status FROM run
        WHERE due_so_far AND place <= $5
        ORDER BY place, head_due, head_id
        LIMIT $4
     )
     UPDATE outbox o
        SET status = 'delivering', claimed_by = $1, lease_until = $3, fencing_token = nextval('outbox_fencing_token'),
            attempts = o.attempts + 1,
            ambiguous_attempts = o.ambiguous_attempts + CASE WHEN o.status = 'delivering' THEN 1 ELSE 0 END,
            last_error = CASE WHEN o.status = 'delivering' THEN 'an attempt was interrupted before it was confirmed; it may have been delivered' ELSE o.last_error END,
            updated_at = $2
       FROM chosen c
      WHERE o.id = c.id AND ((o.status IN ('pending', 'ambiguous') AND o.next_attempt_at <= $2) OR (o.status = 'delivering' AND o.lease_until <= $2))
      RETURNING o.*, c.previous_status`;

describeOnEngines('store: queries that do not grow (issue 11, migration 0010), at 10,000 cases', (ctx) => {
  before(async function () {
    this.timeout(120_000);
    await seed(ctx.db);
  });

  /** Runs `s` in a transaction that is rolled back, so a claim leaves the rows as they were. */
  async function rolledBack<R>(s: Statement): Promise<R[]> {
    let rows: R[] = [];
    await ctx.db
      .transaction(async (tx) => {
        rows = await tx.query<R>(s.sql, s.params);
        throw new Error('roll back');
      })
      .catch((e: unknown) => {
        if (!(e instanceof Error) || e.message !== 'roll back') throw e;
      });
    return rows;
  }

  it('"my cases" is two index lookups OR-ed together, never a scan of case_summary, for a person with no cases and one with many', async () => {
    for (const who of ['p-nobody', 'p-01000']) {
      const plan = await explain(ctx.db, await statementOf((q) => openCasesFor(q, who)));
      assert.deepEqual(seqScans(plan, 'case_summary'), [], `${who}: ${nodes(plan).map(describeNode).join(' > ')}`);
      assert.deepEqual(indexesUsed(plan).sort(), ['case_summary_open_by_raiser', 'case_summary_open_people'], nodes(plan).map(describeNode).join(' > '));
    }
  });

  it('"my cases" gives exactly the cases, in the order, that it gave before 0010', async () => {
    const people = [...Array.from({ length: 300 }, (_, i) => `p-${String(i * 6).padStart(5, '0')}`), 'p-nobody', ''];
    let compared = 0;
    for (const who of people) {
      const before = (await ctx.db.query<{ case_id: string }>(MY_CASES_BEFORE, [who])).map((r) => r.case_id);
      const now = (await openCasesFor(ctx.db, who)).map((r) => r.caseId);
      assert.deepEqual(now, before, who);
      compared += before.length;
    }
    assert.ok(compared > 300 * 15, `the people compared are in cases (${compared})`);
  });

  it('the outbox lookup by stream reads outbox_by_stream, in id order', async () => {
    const s = await statementOf((q) => listEffects(q, { streamId: 'case-4242' }));
    const plan = await explain(ctx.db, s);
    assert.deepEqual(seqScans(plan, 'outbox'), []);
    assert.deepEqual(indexesUsed(plan), ['outbox_by_stream'], nodes(plan).map(describeNode).join(' > '));
    const effects = await listEffects(ctx.db, { streamId: 'case-4242' });
    assert.deepEqual(effects.map((e) => e.idempotencyKey), ['seed-21206', 'seed-21207', 'seed-21208', 'seed-21209', 'seed-21210']);
    const both = await listEffects(ctx.db, { streamId: 'case-4242', destination: effects[0]!.destination });
    assert.deepEqual(both.map((e) => e.id), effects.filter((e) => e.destination === effects[0]!.destination).map((e) => e.id));
  });

  it('the claim walks outbox_claim_order in claim order and stops: no scan of the outbox, no sort of the ready rows, planned for its arguments or generic as claim_outbox keeps it (migration 0017)', async () => {
    for (const [limit, perDestination, generic] of [[8, 1, false], [50, 50, false], [8, 1, true], [50, 50, true]] as const) {
      const statement = await claimStatement(NOW, { limit, perDestination });
      const plan = generic ? await explainGeneric(ctx.db, statement) : await explain(ctx.db, statement);
      const trail = `${generic ? 'generic' : 'custom'}, ${limit}/${perDestination}: ${nodes(plan).map(describeNode).join(' > ')}`;
      assert.deepEqual(seqScans(plan, 'outbox'), [], trail);
      const head = cte(plan, 'head');
      assert.ok(head !== undefined, trail);
      const headNodes = nodes(head);
      assert.deepEqual(headNodes.filter((n) => n['Node Type'] === 'Sort' || n['Node Type'] === 'Incremental Sort').map(describeNode), [], `the heads come in index order: ${trail}`);
      assert.ok(headNodes.some((n) => n['Node Type'] === 'Index Scan' && n['Index Name'] === 'outbox_claim_order'), trail);
      assert.equal(head['Node Type'], 'Limit', trail);
      assert.ok(head.Plans?.some((n) => n['Node Type'] === 'LockRows'), `the limit counts locked rows only, as before: ${trail}`);
    }
  });

  it("the loop's claim (one effect a destination) is its heads and the update alone: no run of followers, no window, no sort", async () => {
    const plan = await explain(ctx.db, await claimStatement(NOW, { limit: 8, perDestination: 1 }));
    const trail = nodes(plan).map(describeNode).join(' > ');
    assert.deepEqual(nodes(plan).filter((n) => ['WindowAgg', 'Sort', 'Incremental Sort', 'Seq Scan'].includes(n['Node Type'])).map(describeNode), [], trail);
    assert.equal(cte(plan, 'run'), undefined, trail);
    // The batch keeps its run: a destination's due followers go with its head.
    const batch = await explain(ctx.db, await claimStatement(NOW, { limit: 50, perDestination: 50 }));
    assert.ok(nodes(batch).some((n) => n['Node Type'] === 'WindowAgg'), nodes(batch).map(describeNode).join(' > '));
  });

  it('claim_outbox holds claimQuery\'s two statements as written in store/outbox.ts, and keeps a generic plan for them (migration 0017)', async () => {
    const [fn] = await ctx.db.query<{ source: string; config: string[] | null }>(
      `SELECT prosrc AS source, proconfig AS config FROM pg_proc WHERE pronamespace = current_schema()::regnamespace AND proname = 'claim_outbox'`,
    );
    assert.ok(fn !== undefined, 'claim_outbox exists');
    assert.deepEqual(fn.config, ['plan_cache_mode=force_generic_plan']);
    const flat = (sql: string) => sql.replace(/\s+/g, ' ').trim();
    const source = flat(fn.source);
    const [heads, run] = claimFunctionStatements().map((statement) => {
      const at = source.indexOf(flat(statement));
      assert.ok(at >= 0, `claim_outbox does not hold claimQuery's statement (change them together, with a new migration):\n${flat(statement)}`);
      return at;
    });
    // The heads alone when one effect a destination is asked for, the run otherwise.
    const one = source.indexOf('IF p_per_destination = 1 THEN');
    const otherwise = source.indexOf('ELSE RETURN QUERY');
    assert.ok(one >= 0 && one < heads! && heads! < otherwise && otherwise < run!, source);
  });

  it('the purge reads a batch of delivered effects from outbox_delivered, oldest first, never the whole outbox', async () => {
    const s = await statementOf((q) => purgeDeliveredEffects(q, { deliveredBefore: new Date(NOW.getTime() - 30 * 24 * 60 * MINUTE), limit: 500, keepKinds: ['calendar.create'] }));
    const plan = await explain(ctx.db, s);
    const trail = nodes(plan).map(describeNode).join(' > ');
    assert.deepEqual(seqScans(plan, 'outbox'), [], trail);
    assert.ok(indexesUsed(cte(plan, 'batch')!).includes('outbox_delivered'), trail);
    assert.deepEqual(nodes(cte(plan, 'batch')!).filter((n) => n['Node Type'] === 'Sort').map(describeNode), [], trail);
  });

  it('the claim takes exactly what the claim before 0010 took, at every moment, limit and busy list', async () => {
    const busy = (await ctx.db.query<{ destination: string }>(
      `SELECT DISTINCT destination FROM outbox WHERE status = 'pending' ORDER BY destination LIMIT 40`,
    )).map((r) => r.destination);
    let claimed = 0;
    for (const offset of [-120, -30, 0, 5, 10, 25, 45, 90, 24 * 60]) {
      const at = new Date(NOW.getTime() + offset * MINUTE);
      for (const [limit, perDestination] of [[1, 1], [8, 1], [50, 50], [200, 3]] as const) {
        for (const away of [[], busy]) {
          const s = await claimStatement(at, { limit, perDestination, busy: away });
          const now = await rolledBack<{ id: number; previous_status: string }>(s);
          const before = await rolledBack<{ id: number; previous_status: string }>({ sql: CLAIM_BEFORE, params: s.params });
          const ids = (rows: { id: number; previous_status: string }[]) => rows.map((r) => `${r.id}:${r.previous_status}`).sort();
          assert.deepEqual(ids(now), ids(before), `at ${at.toISOString()}, limit ${limit}, ${perDestination} a destination, ${away.length} busy`);
          claimed += now.length;
        }
      }
    }
    assert.ok(claimed > 1_000, `the claims took effects (${claimed})`);
  });

  it('the claim still takes a claimed effect whose lease ran out though its next attempt is later than now (a worker with its clock ahead claimed it)', async () => {
    // A year before the seeded rows, so only these are due.
    const at = new Date(NOW.getTime() - 365 * 24 * 60 * MINUTE);
    const iso = (minutes: number) => new Date(at.getTime() + minutes * MINUTE).toISOString();
    await ctx.db.query(
      `INSERT INTO outbox (idempotency_key, destination, kind, payload, status, next_attempt_at, claimed_by, lease_until, created_at, updated_at)
       VALUES ('skew-1', 'teams:skew-a', 'teams.card', '{}', 'delivering', $1, 'w-ahead', $2, $3, $3),
              ('skew-2', 'teams:skew-a', 'teams.card', '{}', 'pending', $3, NULL, NULL, $3, $3),
              ('skew-3', 'teams:skew-b', 'teams.card', '{}', 'pending', $3, NULL, NULL, $3, $3),
              ('skew-4', 'teams:skew-c', 'teams.card', '{}', 'delivering', $4, 'w-ahead', $5, $3, $3)`,
      [iso(30), iso(-1), iso(-5), iso(45), iso(1)],
    );
    const s = await claimStatement(at, { limit: 10, perDestination: 10 });
    const now = await rolledBack<{ idempotency_key: string; previous_status: string }>(s);
    const before = await rolledBack<{ idempotency_key: string; previous_status: string }>({ sql: CLAIM_BEFORE, params: s.params });
    const keys = (rows: { idempotency_key: string; previous_status: string }[]) => rows.map((r) => `${r.idempotency_key}:${r.previous_status}`).sort();
    assert.deepEqual(keys(before), ['skew-1:delivering', 'skew-2:pending', 'skew-3:pending']);
    assert.deepEqual(keys(now), keys(before));
  });
});

describeOnEngines('store: the claim keeps its plan (issue 11, migration 0017)', (ctx) => {
  it('the plans claim_outbox makes on a new, never analysed outbox (the loop\'s and the batch\'s) still read indexes once 20,000 effects are waiting: no sequential scan of the outbox', async () => {
    const seqScansOfOutbox = async (q: Queryable) =>
      (await q.query<{ n: number }>(`SELECT coalesce(seq_scan, 0)::int AS n FROM pg_stat_xact_user_tables WHERE relname = 'outbox' AND schemaname = current_schema()`))[0]?.n ?? 0;
    const { sql, params } = claimCall('kept-plan-worker', NOW, MINUTE, { limit: 8, perDestination: 1, busy: [] });
    const batch = claimCall('kept-plan-worker', NOW, MINUTE, { limit: 50, perDestination: 50, busy: [] });
    // One transaction, so one connection: the plans are made by the first calls and kept for the later ones.
    await ctx.db.transaction(async (tx) => {
      assert.deepEqual(await tx.query(sql, params), [], 'nothing to claim yet');
      assert.deepEqual(await tx.query(batch.sql, batch.params), []);
      await tx.query(
        `INSERT INTO outbox (idempotency_key, stream_id, destination, tenant, kind, payload, status, next_attempt_at, created_at, updated_at)
         SELECT 'backlog-' || g, 'case-' || (g % 2000), 'teams:p-' || (g % 500), '', 'teams.card', '{}', 'pending',
                $1::timestamptz - (g % 60) * interval '1 minute', $1::timestamptz, $1::timestamptz
           FROM generate_series(1, 20000) AS g`,
        [NOW.toISOString()],
      );
      const before = await seqScansOfOutbox(tx);
      const claimed = await tx.query<{ id: unknown; destination: string }>(sql, params);
      assert.equal(claimed.length, 8);
      assert.equal(new Set(claimed.map((c) => c.destination)).size, 8, 'one effect a destination');
      // runOnce's batch (the tests' and the harness's; the worker in service claims as the loop does).
      assert.equal((await tx.query(batch.sql, batch.params)).length, 50);
      const after = await seqScansOfOutbox(tx);
      assert.equal(after - before, 0, 'the kept plans read the outbox through its indexes');
      // The count can fail: a sequential scan of the outbox in this transaction is counted.
      await tx.exec('SET LOCAL enable_indexscan = off; SET LOCAL enable_indexonlyscan = off; SET LOCAL enable_bitmapscan = off');
      await tx.query('SELECT count(*) FROM outbox');
      assert.equal(await seqScansOfOutbox(tx) - after, 1, 'a sequential scan is counted');
      throw new RolledBack();
    }).catch((e: unknown) => {
      if (!(e instanceof RolledBack)) throw e;
    });
  });
});

class RolledBack extends Error {}
