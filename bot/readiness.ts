/** Readiness checks for `GET /readyz`. */
import { errorFields, type Logger } from '../app/log.js';
import type { Readiness } from './server.js';

export interface MigrationState {
  readonly ok: boolean;
  readonly pending: readonly string[];
  readonly problems: readonly string[];
}

/** Ready when the database answers and every migration is applied unchanged. */
export function databaseReadiness(migrationsApplied: () => Promise<MigrationState>, logger: Logger): () => Promise<Readiness> {
  return async (): Promise<Readiness> => {
    let state: MigrationState;
    try {
      state = await migrationsApplied();
    } catch (error) {
      logger.warn('readiness.database_unreachable', errorFields(error));
      return { ready: false, checks: { database: 'unreachable' } };
    }
    if (state.ok) return { ready: true, checks: { database: 'ok', migrations: 'ok' } };
    const migrations = state.pending.length > 0 ? `pending: ${state.pending.join(', ')}` : `problems: ${state.problems.length}`;
    return { ready: false, checks: { database: 'ok', migrations } };
  };
}
