/**
 * Bot benchmark (issue 11, "the invoke benchmark is honest"): an Action.Execute Accept through the
 * whole stack beside a bare teams-ai Application answering with a constant card, both on restify,
 * driven by one load generator in a separate process and timed there, closed loop (1 and 50
 * clients) and open loop (25, 50 and 100 a second), on PostgreSQL and PGlite, with CPU, SQL
 * statements and round trips per invoke and the ratios full / bare. The measurement lives in
 * `bench/invoke-bench.ts` (with `invoke-server.ts`, `invoke-load.ts`); how to read it is in
 * `bench/README.md`.
 */
import { focusFromEnv, run as runInvokeBench } from './invoke-bench.js';
import type { BenchSettings } from './settings.js';

export function run(settings: BenchSettings): Promise<Record<string, unknown>> {
  return runInvokeBench({ ...settings, ...focusFromEnv(process.env) });
}
