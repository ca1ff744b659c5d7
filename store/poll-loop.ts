/** Runs one pass of a worker again and again until stopped, resting when a pass found nothing to do. */
export interface PollLoop {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function pollLoop<R>(pass: () => Promise<R>, idle: (report: R) => boolean, rest: () => Promise<void>): PollLoop {
  let running: Promise<void> | undefined;
  let stopping = false;
  return {
    start() {
      stopping = false;
      running ??= (async () => {
        while (!stopping) {
          const report = await pass();
          if (idle(report) && !stopping) await rest();
        }
      })().finally(() => {
        running = undefined;
      });
      return running;
    },
    async stop() {
      stopping = true;
      await running;
    },
  };
}
