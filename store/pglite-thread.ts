/**
 * The worker thread that runs PGlite (store/pglite-remote.ts starts it). PGlite's WebAssembly
 * Postgres runs synchronously on whichever event loop calls it; run here, a long statement blocks
 * this thread and not the one answering HTTP requests.
 *
 * It serves numbered requests from the main thread and answers each one by its id: `query`,
 * `exec`, `begin` (opens a transaction and answers with its id, which later `query`, `exec`,
 * `commit` and `rollback` requests name), and `close`. Like the in-process lane in store/db.ts,
 * one lane takes the work in arrival order: a transaction holds the lane from BEGIN to its end, so
 * transactions never interleave and statements outside one wait for it.
 *
 * Errors go back as plain data (a structured clone keeps an Error's message only): the SQLSTATE
 * and the other fields callers read are copied, never the statement's parameters.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';

/** What the main thread passes as `workerData`: the data folder, or undefined for memory. */
export interface ThreadOptions {
  readonly dataDir: string | undefined;
}

export type ThreadRequest =
  | { readonly id: number; readonly op: 'query'; readonly sql: string; readonly params?: readonly unknown[] | undefined; readonly tx?: number | undefined }
  | { readonly id: number; readonly op: 'exec'; readonly sql: string; readonly tx?: number | undefined }
  | { readonly id: number; readonly op: 'begin' }
  | { readonly id: number; readonly op: 'commit' | 'rollback'; readonly tx: number }
  | { readonly id: number; readonly op: 'close' };

/** The answer to request `id`; id 0 answers the start (PGlite open and ready, or why not). */
export type ThreadReply = { readonly id: number; readonly ok: true; readonly value?: unknown } | { readonly id: number; readonly ok: false; readonly error: SentError };

/** An error as data: its name, message, and the string fields PostgreSQL reports. */
export interface SentError {
  readonly name: string;
  readonly message: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** The fields of PGlite's DatabaseError (PostgreSQL's ErrorResponse) worth sending; `params` is left out on purpose. */
export const ERROR_FIELDS = [
  'code',
  'severity',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
  'query',
] as const;

export function sendableError(error: unknown): SentError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, string> = {};
  for (const field of ERROR_FIELDS) {
    const value = (error as unknown as Record<string, unknown>)[field];
    if (typeof value === 'string') fields[field] = value;
  }
  return { name: error.name, message: error.message, fields };
}

/** Thrown inside PGlite's transaction callback to make it roll back; never leaves this thread. */
const ROLLBACK = Symbol('rollback');

interface OpenTransaction {
  readonly inner: Transaction;
  /** Ends the transaction's callback: it returns (COMMIT) or throws ROLLBACK; `requestId` gets the answer. */
  end(how: 'commit' | 'rollback', requestId: number): void;
}

function serve(port: NonNullable<typeof parentPort>, pglite: PGlite): void {
  const reply = (message: ThreadReply) => {
    try {
      port.postMessage(message);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      port.postMessage({ id: message.id, ok: false, error: sendableError(new Error(`The database thread could not send its answer back (${why}).`)) } satisfies ThreadReply);
    }
  };
  const answer = (id: number, work: Promise<unknown>) =>
    work.then(
      (value) => reply({ id, ok: true, value }),
      (error: unknown) => reply({ id, ok: false, error: sendableError(error) }),
    );

  let lane: Promise<unknown> = Promise.resolve();
  const inLane = <T>(work: () => Promise<T>): Promise<T> => {
    const run = lane.then(work, work);
    lane = run.catch(() => undefined);
    return run;
  };
  const open = new Map<number, OpenTransaction>();

  const transactionFor = (tx: number): OpenTransaction => {
    const found = open.get(tx);
    if (found === undefined) {
      throw new Error('This transaction has already ended (committed or rolled back): use a transaction only inside the function given to db.transaction, and await every statement before it returns.');
    }
    return found;
  };

  const begin = (id: number) => {
    let started = false;
    let endRequest = id;
    const done = inLane(() =>
      pglite.transaction(async (inner) => {
        started = true;
        const how = await new Promise<'commit' | 'rollback'>((resolve) => {
          open.set(id, {
            inner,
            end(how, requestId) {
              open.delete(id);
              endRequest = requestId;
              resolve(how);
            },
          });
          reply({ id, ok: true, value: id });
        });
        if (how === 'rollback') throw ROLLBACK;
      }),
    );
    done.then(
      () => reply({ id: endRequest, ok: true }),
      (error: unknown) => {
        open.delete(id);
        if (error === ROLLBACK) reply({ id: endRequest, ok: true });
        // A BEGIN that failed answers the begin request; a COMMIT or ROLLBACK that failed, its own.
        else reply({ id: started ? endRequest : id, ok: false, error: sendableError(error) });
      },
    );
  };

  const handle = (request: ThreadRequest) => {
    switch (request.op) {
      case 'query': {
        const params = request.params as unknown[] | undefined;
        const run = request.tx === undefined ? inLane(() => pglite.query(request.sql, params)) : attempt(() => transactionFor(request.tx!).inner.query(request.sql, params));
        return void answer(request.id, run.then((result) => result.rows));
      }
      case 'exec': {
        const run = request.tx === undefined ? inLane(() => pglite.exec(request.sql)) : attempt(() => transactionFor(request.tx!).inner.exec(request.sql));
        return void answer(request.id, run.then(() => undefined));
      }
      case 'begin':
        return begin(request.id);
      case 'commit':
      case 'rollback':
        try {
          transactionFor(request.tx).end(request.op, request.id);
        } catch (error) {
          reply({ id: request.id, ok: false, error: sendableError(error) });
        }
        return;
      case 'close':
        return void answer(
          request.id,
          inLane(async () => {
            if (!pglite.closed) await pglite.close();
          }),
        );
    }
  };
  port.on('message', handle);
}

/** Runs `work`, turning a synchronous throw into a rejection. */
function attempt<T>(work: () => Promise<T>): Promise<T> {
  try {
    return work();
  } catch (error) {
    return Promise.reject(error);
  }
}

async function start(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('store/pglite-thread runs as a worker thread: open it through openDatabase({ kind: "pglite", thread: true }).');
  const { dataDir } = workerData as ThreadOptions;
  let pglite: PGlite;
  try {
    pglite = new PGlite(dataDir);
    await pglite.waitReady;
  } catch (error) {
    port.postMessage({ id: 0, ok: false, error: sendableError(error) } satisfies ThreadReply);
    return;
  }
  serve(port, pglite);
  port.postMessage({ id: 0, ok: true } satisfies ThreadReply);
}

await start();
