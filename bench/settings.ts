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

/** The tests' PostgreSQL server; each benchmark makes a schema of its own there and drops it after. */
export const BENCH_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Drops a benchmark's schema and everything in it. */
export async function dropBenchSchema(schema: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
