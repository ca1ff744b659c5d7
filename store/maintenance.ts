/**
 * Housekeeping a PostgreSQL server does for itself and PGlite does not: PGlite has no
 * autovacuum, so without this the dead row versions that every update and purge leaves behind
 * stay in its tables and indexes for ever, and the planner never learns how big they have grown.
 * On a server this does nothing: its autovacuum does it better, table by table, as they change.
 */
import type { Db } from './db.js';

/** Tables only ever appended to: nothing to reclaim, so they are analysed (a bounded sample), never vacuumed (a scan of every page). */
const APPEND_ONLY = new Set(['events', 'schema_migrations']);

/**
 * `VACUUM (ANALYZE)` on PGlite, a table at a time, so that other work on its one connection waits
 * for one table, not for all; the append-only event store is only analysed. (PGlite keeps no
 * counts of dead rows to choose by: its statistics views read zero.) Nothing on a server, whose
 * autovacuum does this better. Returns the tables tidied. Not inside a transaction (VACUUM
 * cannot be).
 */
export async function tidyEmbeddedDatabase(db: Db): Promise<string[]> {
  if (db.kind !== 'pglite') return [];
  const tables = await db.query<{ name: string }>('SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename');
  for (const { name } of tables) {
    const quoted = `"${name.replaceAll('"', '""')}"`;
    await db.exec(APPEND_ONLY.has(name) ? `ANALYZE ${quoted}` : `VACUUM (ANALYZE) ${quoted}`);
  }
  return tables.map((t) => t.name);
}
