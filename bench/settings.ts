/** What `bench/run.ts` passes to each benchmark module's `run()`. */
export interface BenchSettings {
  /** BENCH_QUICK=1: use small sizes (a smoke run). */
  readonly quick: boolean;
  /** Progress lines, written to stderr so the last stdout line stays the JSON result. */
  readonly log: (line: string) => void;
}

/** Percentile (0..100) of numbers, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
