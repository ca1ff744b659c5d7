import assert from 'node:assert/strict';
import { openDatabase } from '../../store/db.js';
import { loadMigrations, migrate, migrationStatus, MigrationError } from '../../store/migrate.js';
import { describeOnEngines, dropSchema, TEST_DATABASE_URL, uniqueSchema } from './engines.js';

describeOnEngines('store: database and migrations', (ctx) => {
  it('applies every migration file on open and records each one with its checksum', async () => {
    const files = loadMigrations();
    const status = await ctx.db.migrationsApplied();
    assert.equal(status.ok, true);
    assert.deepEqual(status.applied, files.map((f) => f.id));
    assert.deepEqual(status.pending, []);
    const rows = await ctx.db.query<{ id: string; checksum: string }>('SELECT id, checksum FROM schema_migrations ORDER BY id');
    assert.deepEqual(rows, files.map((f) => ({ id: f.id, checksum: f.checksum })));
  });

  it('applies nothing the second time: migrations run once', async () => {
    assert.deepEqual(await migrate(ctx.db), []);
  });

  it('refuses to start when an applied migration file was edited afterwards', async () => {
    const edited = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'f'.repeat(64) } : m));
    await assert.rejects(migrate(ctx.db, edited), (e: unknown) => e instanceof MigrationError && /0001_event_store\.sql was changed after it was applied/.test(e.message));
    const status = await ctx.db.migrationsApplied();
    assert.equal(status.ok, true, 'the database itself is untouched');
  });

  it('reports a migration the code does not know as a problem for readiness', async () => {
    await ctx.db.query(`INSERT INTO schema_migrations (id, checksum) VALUES ('9999_from_the_future', 'x')`);
    try {
      const status = await ctx.db.migrationsApplied();
      assert.equal(status.ok, false);
      assert.match(status.problems.join('\n'), /9999_from_the_future/);
    } finally {
      await ctx.db.query(`DELETE FROM schema_migrations WHERE id = '9999_from_the_future'`);
    }
  });

  it('reports a new migration file as pending until it is applied', async () => {
    const withNew = [...loadMigrations(), { id: '0999_later_change', sql: 'SELECT 1', checksum: 'x' }];
    const status = await migrationStatus(ctx.db, withNew);
    assert.equal(status.ok, false);
    assert.deepEqual(status.pending, ['0999_later_change']);
  });

  it('rolls a transaction back when its function throws', async () => {
    await ctx.db.exec('CREATE TABLE IF NOT EXISTS scratch (n integer)');
    await assert.rejects(
      ctx.db.transaction(async (tx) => {
        await tx.query('INSERT INTO scratch (n) VALUES (1)');
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(await ctx.db.query('SELECT n FROM scratch'), []);
  });

  it('keeps concurrent transactions whole: each one sees only its own writes until it commits', async () => {
    await ctx.db.exec('CREATE TABLE IF NOT EXISTS counter (id integer PRIMARY KEY, n integer NOT NULL)');
    await ctx.db.query('INSERT INTO counter (id, n) VALUES (1, 0) ON CONFLICT DO NOTHING');
    await Promise.all(
      Array.from({ length: 20 }, () =>
        ctx.db.transaction(async (tx) => {
          const [row] = await tx.query<{ n: number }>('SELECT n FROM counter WHERE id = 1 FOR UPDATE');
          await tx.query('UPDATE counter SET n = $1 WHERE id = 1', [row!.n + 1]);
        }),
      ),
    );
    const [row] = await ctx.db.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
    assert.equal(row!.n, 20);
  });

  it('returns bigint columns as numbers on both engines', async () => {
    const [row] = await ctx.db.query<{ n: unknown }>('SELECT 9007199254740991::bigint AS n');
    assert.equal(row!.n, 9007199254740991);
  });
});

describe('store: several instances starting at once on one PostgreSQL schema [postgres]', function () {
  this.timeout(30_000);
  it('apply the migrations once between them (serialised by an advisory lock)', async () => {
    const schema = uniqueSchema();
    try {
      const dbs = await Promise.all([1, 2, 3].map(() => openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL, schema })));
      try {
        const rows = await dbs[0]!.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
        assert.deepEqual(rows.map((r) => r.id), loadMigrations().map((m) => m.id));
        for (const db of dbs) assert.equal((await db.migrationsApplied()).ok, true);
      } finally {
        await Promise.all(dbs.map((db) => db.close()));
      }
    } finally {
      await dropSchema(schema);
    }
  });
});
