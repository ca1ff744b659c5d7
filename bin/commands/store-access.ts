/** How the store commands reach the database: from the configuration, or a given opener (tests). */
import { loadConfig, readEnvironment } from '../config.js';
import { openDatabase, type Db } from '../../store/db.js';

export type OpenDb = () => Promise<Db>;

/** Opens the configured database: PGlite in DATA_DIR, or PostgreSQL when DATABASE_URL is set. */
export const openConfiguredDatabase: OpenDb = () => openDatabase(loadConfig(readEnvironment()).database);

export async function withDatabase<T>(open: OpenDb, work: (db: Db) => Promise<T>): Promise<T> {
  const db = await open();
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
