import assert from 'node:assert/strict';
import { pollBackoffMs, pollLoop, realSleep, type Sleep } from '../../store/poll-loop.js';

/** A sleep that records what it was asked for and ends when the test lets it (or at once). */
function recordingSleep(options: { readonly hang?: boolean } = {}): Sleep & { waits: number[] } {
  const waits: number[] = [];
  const sleep: Sleep = async (ms) => {
    waits.push(ms);
    if (options.hang === true) await new Promise(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return Object.assign(sleep, { waits });
}

const unavailable = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('store: poll loop', () => {
  it('survives failing passes: reports each error and backs off 1 s doubling to a 30 s cap', async () => {
    const sleep = recordingSleep();
    const errors: unknown[] = [];
    let passes = 0;
    const loop = pollLoop(
      async () => {
        passes += 1;
        if (passes === 9) void loop.stop();
        throw unavailable();
      },
      () => false,
      () => Promise.resolve(),
      { sleep, onError: (error) => errors.push(error) },
    );
    await loop.start();
    assert.equal(errors.length, 9);
    assert.ok(errors.every((e) => (e as { code?: string }).code === 'ECONNREFUSED'));
    assert.deepEqual(sleep.waits, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts the back-off over after a pass that works, and rests only when a pass found nothing', async () => {
    const sleep = recordingSleep();
    const script: ('fail' | 'busy' | 'idle')[] = ['fail', 'fail', 'busy', 'fail', 'idle', 'fail', 'fail', 'fail'];
    const rests: number[] = [];
    let passes = 0;
    const loop = pollLoop(
      async () => {
        const step = script[passes++];
        if (passes === script.length) void loop.stop();
        if (step === 'fail') throw unavailable();
        return step;
      },
      (report) => report === 'idle',
      async () => void rests.push(passes),
      { sleep, onError: () => undefined },
    );
    await loop.start();
    assert.deepEqual(sleep.waits, [1_000, 2_000, 1_000, 1_000, 2_000]);
    assert.deepEqual(rests, [5], 'one rest, after the idle pass');
  });

  it('takes its back-off from the options', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => pollBackoffMs(n, { baseMs: 100, capMs: 500 })), [100, 200, 400, 500, 500]);
    assert.equal(pollBackoffMs(10_000), 30_000);
  });

  it('stop() ends the loop at once in the middle of a back-off that would never end on its own', async () => {
    const sleep = recordingSleep({ hang: true });
    const loop = pollLoop(() => Promise.reject(unavailable()), () => false, () => Promise.resolve(), { sleep, onError: () => undefined });
    const running = loop.start();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(sleep.waits, [1_000]);
    await loop.stop();
    await running;
  });

  it('stop() ends the loop at once in the middle of an idle rest', async () => {
    let passes = 0;
    const loop = pollLoop(async () => ++passes, () => true, () => new Promise(() => undefined));
    const running = loop.start();
    await new Promise((resolve) => setImmediate(resolve));
    await loop.stop();
    await running;
    assert.equal(passes, 1);
  });

  it('with the real sleep, stop() does not wait out the back-off nor leave its timer behind', async () => {
    const loop = pollLoop(() => Promise.reject(unavailable()), () => false, () => Promise.resolve(), { sleep: realSleep, onError: () => undefined, backoff: { baseMs: 60_000, capMs: 60_000 } });
    const running = loop.start();
    await new Promise((resolve) => setImmediate(resolve));
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const started = Date.now();
    await loop.stop();
    await running;
    assert.ok(Date.now() - started < 100);
    assert.equal(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length, before - 1, 'the back-off timer is cleared');
  });

  it('keeps going when the error reporter itself throws, and never rejects', async () => {
    const sleep = recordingSleep();
    let passes = 0;
    const loop = pollLoop(
      async () => {
        if (++passes === 3) void loop.stop();
        throw unavailable();
      },
      () => false,
      () => Promise.resolve(),
      {
        sleep,
        onError: () => {
          throw new Error('the logger is broken');
        },
      },
    );
    await loop.start();
    assert.equal(passes, 3);
  });

  it('can be started again after stop(), even before the old run has ended', async () => {
    let passes = 0;
    const loop = pollLoop(async () => ++passes, () => true, () => new Promise<void>((resolve) => setImmediate(resolve)));
    const first = loop.start();
    assert.equal(loop.start(), first, 'a second start() while running is the same run');
    const stopped = loop.stop();
    const second = loop.start();
    await stopped;
    await first;
    const counted = passes;
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(passes > counted, 'the new run is going');
    await loop.stop();
    await second;
  });
});
