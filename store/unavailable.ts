/**
 * Telling "the database is not there" from "this statement is wrong". A worker that meets the
 * first backs off and tries again; an HTTP layer answers 503 with Retry-After instead of 500.
 * The same answer on both engines: a PostgreSQL server that is down, shutting down, full or
 * unreachable, and a PGlite that has been closed.
 */

/** SQLSTATEs that say the session, not the statement, failed (class 08 is matched as a whole). */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** pg and PGlite say these in words only. */
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /client has encountered a connection error and is not queryable/i,
  /client was closed and is not queryable/i,
  /cannot use a pool after calling end on the pool/i,
  /PGlite is clos(ed|ing)/,
];

/** A database call that could not be answered in time, or at all. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
  constructor(message = 'The database is not answering; try again shortly.', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** True when `error` (or what caused it) is a connection-level failure rather than an SQL error. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return unavailable(error, 0);
}

function unavailable(error: unknown, depth: number): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  if (error instanceof DatabaseUnavailableError) return true;
  const { code, message, cause, errors } = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') {
    if (/^08[0-9A-Z]{3}$/.test(code) || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_NODE_CODES.has(code)) return true;
    // Any other SQLSTATE is the server answering: the statement, not the connection, failed.
    if (/^[0-9A-Z]{5}$/.test(code)) return false;
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => m.test(message))) return true;
  // Node's happy-eyeballs connect reports one AggregateError for all the addresses it tried.
  if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => unavailable(e, depth + 1))) return true;
  return unavailable(cause, depth + 1);
}

/**
 * Settles as `work` does, or rejects with `DatabaseUnavailableError` after `ms`: for a request
 * that must answer "database unavailable" in bounded time whatever the server is doing. The
 * work itself is not cancelled; its late result is dropped.
 */
export function withDatabaseDeadline<T>(work: Promise<T>, ms = 2_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseUnavailableError(`The database did not answer within ${ms} ms; try again shortly.`)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
