/** Time, injected: production reads the system clock, tests move a clock by hand. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told to move. */
export class TestClock implements Clock {
  #ms: number;
  constructor(start: Date | string) {
    this.#ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  advance(ms: number): Date {
    this.#ms += ms;
    return this.now();
  }
  set(to: Date | string): Date {
    this.#ms = new Date(to).getTime();
    return this.now();
  }
}

/**
 * The system clock, moved forward by hand: for trying Resolve locally (a trainer shows reminders
 * and chasers without waiting days). It never goes back, so nothing that fired fires again.
 */
export class AdjustableClock implements Clock {
  #offsetMs = 0;
  constructor(private readonly base: Clock = systemClock) {}
  now(): Date {
    return new Date(this.base.now().getTime() + this.#offsetMs);
  }
  /** How far ahead of the real time it runs. */
  get offsetMs(): number {
    return this.#offsetMs;
  }
  /** Moves to `to`, which must not be before now. */
  moveTo(to: Date): Date {
    const ahead = to.getTime() - this.now().getTime();
    if (ahead < 0) throw new RangeError('the clock only moves forward');
    this.#offsetMs += ahead;
    return this.now();
  }
}
