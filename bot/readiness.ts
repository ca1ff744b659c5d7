/** Readiness checks for `GET /readyz`, and the liveness check for `GET /healthz`. */
import { errorFields, type Logger } from '../app/log.js';
import type { Liveness, Readiness } from './server.js';

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

/**
 * Live while the database can still answer some day: false once it never can (the embedded
 * database's worker thread has died: `stopped` says why), so that an orchestrator restarts the
 * process. Logged once, when first seen.
 */
export function databaseLiveness(stopped: () => Error | undefined, logger: Logger): () => Liveness {
  let told = false;
  return (): Liveness => {
    const why = stopped();
    if (why === undefined) return { live: true, checks: {} };
    if (!told) logger.error('liveness.database_stopped', errorFields(why));
    told = true;
    return { live: false, checks: { database: 'the embedded database stopped: restart Resolve' } };
  };
}
