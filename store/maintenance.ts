/**
 * Housekeeping a PostgreSQL server does for itself and PGlite does not: PGlite has no
 * autovacuum, so without this the dead row versions that every update and purge leaves behind
 * stay in its tables and indexes for ever, and the planner never learns how big they have grown.
 * On a server this does nothing: its autovacuum does it better, table by table, as they change.
 */
import type { Db } from './db.js';

/**
 * `VACUUM (ANALYZE)` on PGlite, a table at a time, so that other work on its one connection waits
 * for one table, not for all (a vacuum skips the pages nothing has changed since the last); nothing
 * on a server. Says whether it ran. Not inside a transaction (VACUUM cannot be).
 */
export async function tidyEmbeddedDatabase(db: Db): Promise<boolean> {
  if (db.kind !== 'pglite') return false;
  const tables = await db.query<{ name: string }>('SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename');
  for (const { name } of tables) await db.exec(`VACUUM (ANALYZE) "${name.replaceAll('"', '""')}"`);
  return true;
}
