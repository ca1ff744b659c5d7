/**
 * Runs one pass of a worker again and again until stopped, resting when a pass found nothing to
 * do. A pass that throws (the database went away, a network blip) does not end the loop: the
 * error is reported, the loop backs off exponentially and tries again, and the back-off starts
 * over after a pass that works. Rests and back-offs end at once on `stop()`.
 */
export interface PollLoop {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A sleep that ends early, without leaving a timer behind, when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export interface PollLoopOptions {
  /** Told of every failed pass; what it throws is ignored. */
  readonly onError?: (error: unknown) => void;
  /** Wait after the first failure, doubling with each failure in a row up to `capMs`. Default 1 s to 30 s. */
  readonly backoff?: { readonly baseMs: number; readonly capMs: number };
  readonly sleep?: Sleep;
}

export const POLL_BACKOFF = { baseMs: 1_000, capMs: 30_000 } as const;

/** The wait after `failures` failed passes in a row. */
export function pollBackoffMs(failures: number, backoff: { readonly baseMs: number; readonly capMs: number } = POLL_BACKOFF): number {
  return Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.min(Math.max(0, failures - 1), 30));
}

export function pollLoop<R>(pass: () => Promise<R>, idle: (report: R) => boolean, rest: (signal: AbortSignal) => Promise<void>, options: PollLoopOptions = {}): PollLoop {
  const sleep = options.sleep ?? realSleep;
  const onError = options.onError ?? reportToStderr;
  let running: Promise<void> | undefined;
  let controller: AbortController | undefined;

  /** Resolves when `wait` does or the loop is stopped, whichever is first. */
  const interruptible = (wait: Promise<void>, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      const stopped = () => resolve();
      signal.addEventListener('abort', stopped, { once: true });
      wait.then(resolve, reject).finally(() => signal.removeEventListener('abort', stopped));
    });

  async function loop(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      let wait: (() => Promise<void>) | undefined;
      try {
        const report = await pass();
        failures = 0;
        if (idle(report)) wait = () => rest(signal);
      } catch (error) {
        failures += 1;
        try {
          onError(error);
        } catch {
          /* a failing reporter must not end the loop */
        }
        const ms = pollBackoffMs(failures, options.backoff);
        wait = () => sleep(ms, signal);
      }
      if (wait !== undefined && !signal.aborted) {
        try {
          await interruptible(wait(), signal);
        } catch {
          /* a sleep that fails is a sleep that ended */
        }
      }
    }
  }

  return {
    start() {
      if (running !== undefined && controller?.signal.aborted !== true) return running;
      // Started again while stopping: the new run begins once the old one has ended.
      const previous = running ?? Promise.resolve();
      const current = new AbortController();
      controller = current;
      const run: Promise<void> = previous.then(() => loop(current.signal)).finally(() => {
        if (running === run) running = undefined;
      });
      running = run;
      return run;
    },
    async stop() {
      controller?.abort();
      await running;
    },
  };
}

function reportToStderr(error: unknown): void {
  process.stderr.write(`A worker pass failed; backing off and trying again: ${error instanceof Error ? error.message : String(error)}\n`);
}
