/**
 * Migration 0010 upgrades a database that was populated before it: a database is built with
 * migrations 0001 to 0009 only and filled through the store's own functions, then opened, which
 * applies 0010 alone. Its indexes cover the rows already there: "my cases", the outbox lookup by
 * stream and the claim answer as before, from the new indexes. Besides the few rows written by
 * hand there are 5,000 generated cases and 25,000 effects, so after ANALYZE the planner picks the
 * new indexes by itself (no `enable_seqscan = off`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openCasesFor, type CaseSummaryInput } from '../../app/cases/summary.js';
import { openDatabase, statementText, type Db, type DatabaseOptions, type Queryable, type Statement as Sql } from '../../store/db.js';
import { loadMigrations } from '../../store/migrate.js';
import { createOutboxDeliverer, enqueueEffects, listEffects } from '../../store/outbox.js';
import { TestClock } from '../../store/clock.js';
import { dropSchema, ENGINES, TEST_DATABASE_URL, uniqueSchema, type Engine } from './engines.js';
import { claimStatement, cte, explain, indexesUsed, seqScans, statementOf, type Statement } from './plans.js';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const NEW_INDEXES = ['case_summary_open_people', 'outbox_by_stream', 'outbox_claim_order', 'outbox_delivered'];

/** A database at migration 0009, reachable through a plain Queryable, and how to open it afterwards. */
interface OldDatabase {
  readonly q: Queryable;
  readonly options: DatabaseOptions;
  close(): Promise<void>;
  dispose(): Promise<void>;
}

async function databaseAt0009(engine: Engine): Promise<OldDatabase> {
  const before = loadMigrations().filter((m) => m.id < '0010');
  assert.equal(before.at(-1)?.id, '0009_review_register');
  const record = `CREATE TABLE schema_migrations (id text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`;
  if (engine === 'pglite') {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'resolve-0010-'));
    const lite = new PGlite(dataDir);
    await lite.waitReady;
    const q: Queryable = {
      query: async <R>(sql: Sql, params?: readonly unknown[]) => (await lite.query<R>(statementText(sql), params as unknown[] | undefined)).rows,
      exec: async (sql) => void (await lite.exec(sql)),
    };
    await q.exec(record);
    for (const m of before) {
      await q.exec(m.sql);
      await q.query('INSERT INTO schema_migrations (id, checksum) VALUES ($1, $2)', [m.id, m.checksum]);
    }
    return { q, options: { kind: 'pglite', dataDir }, close: () => lite.close(), dispose: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const schema = uniqueSchema('m10');
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.query(`SET search_path TO ${schema}`);
  const q: Queryable = {
    query: async <R>(sql: Sql, params?: readonly unknown[]) => (await client.query(statementText(sql), params as unknown[] | undefined)).rows as R[],
    exec: async (sql) => void (await client.query(sql)),
  };
  await q.exec(record);
  for (const m of before) {
    await q.exec(m.sql);
    await q.query('INSERT INTO schema_migrations (id, checksum) VALUES ($1, $2)', [m.id, m.checksum]);
  }
  return { q, options: { kind: 'postgres', url: TEST_DATABASE_URL, schema }, close: () => client.end(), dispose: () => dropSchema(schema) };
}

function summary(n: number, people: { raisedBy: string; to: string[]; cc: string[]; actionOwners?: string[] }): CaseSummaryInput & { actionOwners?: string[] } {
  return {
    caseId: `case-${n}`, reference: `REF-${n}`, policyId: 'oxfordshire', kind: 'dispute', status: 'open', stageId: 'stage1', stageLabel: 'Stage 1',
    raisedBy: people.raisedBy, addressees: people.to, copied: people.cc, responseDueAt: new Date(NOW.getTime() + n * 3_600_000).toISOString(),
    overallLimitAt: null, updatedAt: NOW.toISOString(), version: 1, ...(people.actionOwners !== undefined && { actionOwners: people.actionOwners }),
  };
}

/** The case's row as a database before 0011 was written (project_case_summary did not exist yet). */
async function insertSummary(q: Queryable, s: CaseSummaryInput, state: { isOpen: boolean; awaitingResponseBy: string | null }): Promise<void> {
  await q.query(
    `INSERT INTO case_summary (case_id, reference, policy_id, kind, status, is_open, stage_id, stage_label, raised_by, addressees, copied,
                               response_due_at, overall_limit_at, updated_at, version, summary)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12, $13, $14, $15, $16::jsonb)`,
    [s.caseId, s.reference, s.policyId, s.kind, s.status, state.isOpen, s.stageId, s.stageLabel, s.raisedBy, JSON.stringify(s.addressees),
      JSON.stringify(s.copied), state.awaitingResponseBy, s.overallLimitAt, s.updatedAt, s.version, JSON.stringify(s)],
  );
}

for (const engine of ENGINES) {
  describe(`store: migration 0010 upgrades a database populated before it [${engine}]`, function () {
    this.timeout(60_000);
    let old: OldDatabase | undefined;
    let db: Db | undefined;
    after(async () => {
      await db?.close();
      await old?.dispose();
    });

    it('indexes the rows already there: my cases, the outbox by stream and the claim answer from the new indexes, as they did before', async () => {
      old = await databaseAt0009(engine);
      const tx = old.q;
      await insertSummary(tx, summary(1, { raisedBy: 'iro-1', to: ['sw-1'], cc: ['tm-1', 'hos-1'], actionOwners: ['sw-2'] }), { isOpen: true, awaitingResponseBy: null });
      await insertSummary(tx, summary(2, { raisedBy: 'iro-2', to: ['sw-2'], cc: ['tm-1'] }), { isOpen: true, awaitingResponseBy: null });
      await insertSummary(tx, summary(3, { raisedBy: 'iro-1', to: ['sw-3'], cc: [] }), { isOpen: false, awaitingResponseBy: null });
      await insertSummary(tx, summary(4, { raisedBy: 'iro-3', to: ['iro-1'], cc: [], actionOwners: [] }), { isOpen: true, awaitingResponseBy: null });
      const card = (key: string, destination: string) => ({ idempotencyKey: key, destination, kind: 'teams.card', payload: { key } });
      await enqueueEffects(old.q, [card('c1/a', 'teams:sw-1'), card('c1/b', 'teams:tm-1')], { streamId: 'case-1', now: NOW });
      await enqueueEffects(old.q, [card('c2/a', 'teams:sw-2'), card('c2/b', 'teams:sw-1')], { streamId: 'case-2', now: NOW });
      await old.q.query(`UPDATE outbox SET status = 'delivered', delivered_at = $1 WHERE idempotency_key = 'c1/a'`, [NOW.toISOString()]);
      // The bulk: other people's cases, and their effects, all delivered a week ago.
      await old.q.query(
        `INSERT INTO case_summary (case_id, reference, policy_id, kind, status, is_open, raised_by, addressees, copied, updated_at, version, summary)
         SELECT 'bulk-' || g, 'BULK-' || g, 'oxfordshire', 'dispute', 'open', g % 10 <> 0, 'g-' || (g % 400), jsonb_build_array('g-' || (g % 397)),
                jsonb_build_array('g-' || (g % 389)), $1, 1, jsonb_build_object('actionOwners', jsonb_build_array('g-' || (g % 383)))
           FROM generate_series(1, 5000) AS g`,
        [NOW.toISOString()],
      );
      await old.q.query(
        `INSERT INTO outbox (idempotency_key, stream_id, destination, kind, payload, status, next_attempt_at, created_at, updated_at, delivered_at)
         SELECT 'bulk-' || g, 'bulk-' || (g / 5), 'teams:g-' || (g % 400), 'teams.card', '{}', 'delivered', $1, $1, $1, $1
           FROM generate_series(1, 25000) AS g`,
        [new Date(NOW.getTime() - 7 * 86_400_000).toISOString()],
      );
      // One statement at a time: a pg client runs one query at once.
      const casesOf = async (q: Queryable) => {
        const all: string[][] = [];
        for (const p of ['iro-1', 'sw-1', 'sw-2', 'tm-1', 'hos-1', 'sw-3', 'nobody']) all.push((await openCasesFor(q, p)).map((r) => r.caseId));
        return all;
      };
      const before = { mine: await casesOf(old.q), stream: (await listEffects(old.q, { streamId: 'case-2' })).map((e) => e.idempotencyKey) };
      assert.deepEqual(before.mine, [['case-1', 'case-4'], ['case-1'], ['case-1', 'case-2'], ['case-1', 'case-2'], ['case-1'], [], []]);
      await old.close();

      db = await openDatabase(old.options);
      const applied = (await db.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id')).map((r) => r.id);
      assert.ok(applied.includes('0010_queries_that_do_not_grow'), 'opening applied 0010 and every migration after it');
      assert.ok((await db.migrationsApplied()).ok);
      const indexes = await db.query<{ name: string; valid: boolean }>(
        `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
          WHERE c.relnamespace = current_schema()::regnamespace ORDER BY c.relname`,
      );
      for (const name of NEW_INDEXES) assert.deepEqual(indexes.filter((i) => i.name === name), [{ name, valid: true }], name);
      assert.ok(!indexes.some((i) => i.name === 'outbox_ready'), 'outbox_claim_order replaces outbox_ready');

      const upgraded = db;
      assert.deepEqual(await casesOf(db), before.mine);
      assert.deepEqual((await listEffects(db, { streamId: 'case-2' })).map((e) => e.idempotencyKey), before.stream);

      await db.exec('ANALYZE case_summary; ANALYZE outbox');
      const planned = (s: Statement) => explain(upgraded, s);
      const myCases = await planned(await statementOf((q) => openCasesFor(q, 'sw-2')));
      assert.deepEqual(seqScans(myCases, 'case_summary'), []);
      assert.deepEqual(indexesUsed(myCases).sort(), ['case_summary_open_by_raiser', 'case_summary_open_people']);
      assert.deepEqual(indexesUsed(await planned(await statementOf((q) => listEffects(q, { streamId: 'case-2' })))), ['outbox_by_stream']);
      const claim = await planned(await claimStatement(NOW, { limit: 8, perDestination: 1 }));
      assert.deepEqual(seqScans(claim, 'outbox'), []);
      assert.ok(indexesUsed(cte(claim, 'head')!).includes('outbox_claim_order'), indexesUsed(claim).join(', '));

      // The effects queued before the upgrade are claimed from the new index, first in, first out per destination.
      const deliverer = createOutboxDeliverer({ db, clock: new TestClock(NOW), workerId: 'after-0010', transport: async () => ({ outcome: 'delivered' }) });
      const first = await deliverer.runOnce();
      assert.equal(first.delivered, 3);
      const mineNow = [...(await listEffects(db, { streamId: 'case-1' })), ...(await listEffects(db, { streamId: 'case-2' }))];
      assert.deepEqual(mineNow.map((e) => `${e.idempotencyKey}:${e.status}`), ['c1/a:delivered', 'c1/b:delivered', 'c2/a:delivered', 'c2/b:delivered']);
    });
  });
}
