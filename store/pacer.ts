/**
 * Token buckets for outbound pacing (Teams allows about 7 messages a second per conversation
 * and 50 a second per tenant). Implemented as GCRA: one "theoretical arrival time" per key,
 * no timers; the caller asks how long to wait and the clock is whatever it passes in.
 * Limits hold within one process: with several instances, give each a share of the rate.
 */
export interface Rate {
  readonly perSecond: number;
  /** How many may go at once after a quiet spell; defaults to one second's worth. */
  readonly burst?: number;
}

export interface PacerRates {
  readonly destination: Rate;
  readonly tenant: Rate;
}

export const TEAMS_RATES: PacerRates = { destination: { perSecond: 7 }, tenant: { perSecond: 50 } };

/** Times are whole microseconds, so the arithmetic stays exact at today's epoch values. */
class Bucket {
  readonly #interval: number;
  readonly #tolerance: number;
  readonly #tat = new Map<string, number>();

  constructor(rate: Rate) {
    if (!(rate.perSecond > 0)) throw new RangeError(`A pacing rate must be above 0 a second, not ${rate.perSecond}.`);
    this.#interval = Math.round(1_000_000 / rate.perSecond);
    this.#tolerance = (Math.max(1, rate.burst ?? Math.floor(rate.perSecond)) - 1) * this.#interval;
  }

  wait(key: string, now: number): number {
    const tat = Math.max(this.#tat.get(key) ?? now, now);
    return Math.max(0, tat - this.#tolerance - now);
  }

  take(key: string, now: number): void {
    this.#tat.set(key, Math.max(this.#tat.get(key) ?? now, now) + this.#interval);
  }

  forgetBefore(now: number): void {
    for (const [key, tat] of this.#tat) if (tat <= now) this.#tat.delete(key);
  }
}

export class Pacer {
  readonly #destination: Bucket;
  readonly #tenant: Bucket;
  #sweptAt = 0;

  constructor(rates: PacerRates = TEAMS_RATES) {
    this.#destination = new Bucket(rates.destination);
    this.#tenant = new Bucket(rates.tenant);
  }

  /** 0 when a message may go now (and it is counted); otherwise the milliseconds to wait. */
  reserve(destination: string, tenant: string, now: Date): number {
    const t = now.getTime() * 1000;
    if (t - this.#sweptAt > 60_000_000) {
      this.#destination.forgetBefore(t);
      this.#tenant.forgetBefore(t);
      this.#sweptAt = t;
    }
    const wait = Math.max(this.#destination.wait(destination, t), this.#tenant.wait(tenant, t));
    if (wait > 0) return Math.ceil(wait / 1000);
    this.#destination.take(destination, t);
    this.#tenant.take(tenant, t);
    return 0;
  }
}
