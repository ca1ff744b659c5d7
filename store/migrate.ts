/**
 * Frozen-in-time migrations: `store/migrations/NNNN_name.sql`, applied in name order, each
 * recorded with the SHA-256 of its text. A migration that was applied and has since been
 * edited stops the start-up: schema changes go in a new file.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db, Queryable } from './db.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

export interface Migration {
  readonly id: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrationStatus {
  /** True when every migration file is applied, unchanged, and the database knows no others. */
  readonly ok: boolean;
  readonly applied: readonly string[];
  readonly pending: readonly string[];
  readonly problems: readonly string[];
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  return files.map((file) => {
    if (!FILE_NAME.test(file)) {
      throw new MigrationError(`The migration file ${file} is misnamed: name it NNNN_words.sql (four digits, lower case, underscores).`);
    }
    const sql = readFileSync(`${dir}/${file}`, 'utf8');
    return { id: file.replace(/\.sql$/, ''), sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  id text PRIMARY KEY,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

interface AppliedRow {
  id: string;
  checksum: string;
}

function compare(migrations: readonly Migration[], applied: readonly AppliedRow[]): MigrationStatus {
  const known = new Map(migrations.map((m) => [m.id, m]));
  const done = new Set(applied.map((a) => a.id));
  const problems: string[] = [];
  for (const row of applied) {
    const file = known.get(row.id);
    if (file === undefined) {
      problems.push(`The database has migration ${row.id}, which this version of Resolve does not have: run the newer version, or restore a matching database.`);
    } else if (file.checksum !== row.checksum) {
      problems.push(`The migration ${row.id}.sql was changed after it was applied (checksum differs). Migrations are frozen: restore the file and put the change in a new migration.`);
    }
  }
  const pending = migrations.filter((m) => !done.has(m.id)).map((m) => m.id);
  return { ok: problems.length === 0 && pending.length === 0, applied: applied.map((a) => a.id), pending, problems };
}

async function readApplied(q: Queryable): Promise<AppliedRow[]> {
  const exists = await q.query<{ present: boolean }>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
  if (!exists[0]?.present) return [];
  return q.query<AppliedRow>('SELECT id, checksum FROM schema_migrations ORDER BY id');
}

export async function migrationStatus(db: Queryable, migrations: readonly Migration[] = loadMigrations()): Promise<MigrationStatus> {
  return compare(migrations, await readApplied(db));
}

/** Applies every pending migration in one transaction, serialised across instances. */
export async function migrate(db: Db, migrations: readonly Migration[] = loadMigrations()): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('resolve:migrate:' || current_schema()))`);
    await tx.exec(CREATE_TABLE);
    const status = compare(migrations, await readApplied(tx));
    if (status.problems.length > 0) throw new MigrationError(status.problems.join('\n'));
    for (const id of status.pending) {
      const migration = migrations.find((m) => m.id === id)!;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (id, checksum) VALUES ($1, $2)', [migration.id, migration.checksum]);
    }
    return [...status.pending];
  });
}
