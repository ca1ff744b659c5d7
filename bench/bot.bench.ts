/**
 * Bot benchmark (issue 4): server-side latency (p50/p99) of an Action.Execute invoke through the
 * whole stack over loopback, 50 concurrent clients, beside a bare teams-ai Application answering
 * the same invoke with a constant card in the same run, on PGlite and on PostgreSQL, with the
 * ratios. The measurement itself lives beside the bot (`bench/invoke-bench.ts`), since only
 * `bot/` may load the Teams SDKs.
 */
import { run as runInvokeBench } from './invoke-bench.js';
import type { BenchSettings } from './settings.js';

export function run(settings: BenchSettings): Promise<Record<string, unknown>> {
  return runInvokeBench(settings);
}
