/**
 * What the bot must remember about a case to resolve its later stages' roles: the allocated
 * worker it was raised for (the directory finds the team, managers and officers from them).
 * The domain's case facts do not carry it, so it is kept beside the case in the event store,
 * as the stream `case-context/<case id>`, written once when the case is raised.
 */
import type { Clock } from '../../store/clock.js';
import type { Db } from '../../store/db.js';
import { appendToStream, ConcurrencyConflict, readStream } from '../../store/events.js';

export interface CaseContextRecord {
  readonly allocatedWorkerId: string;
}

interface CaseContextKept extends CaseContextRecord {
  readonly type: 'CaseContextKept';
  readonly at: string;
  readonly caseId: string;
}

const streamOf = (caseId: string) => `case-context/${caseId}`;

export async function caseContextOf(db: Db, caseId: string): Promise<CaseContextRecord | undefined> {
  const { records } = await readStream<CaseContextKept>(db, streamOf(caseId));
  const last = records.at(-1)?.event;
  return last === undefined ? undefined : { allocatedWorkerId: last.allocatedWorkerId };
}

/** Keeps the context unless the case already has one (a form sent twice keeps the first). */
export async function keepCaseContext(db: Db, clock: Clock, caseId: string, context: CaseContextRecord): Promise<void> {
  const now = clock.now();
  const event: CaseContextKept = { type: 'CaseContextKept', at: now.toISOString(), caseId, ...context };
  try {
    await db.transaction((tx) => appendToStream(tx, streamOf(caseId), 0, [event], now));
  } catch (error) {
    if (!(error instanceof ConcurrencyConflict)) throw error;
  }
}
