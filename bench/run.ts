/**
 * `npm run bench`: runs every `bench/*.bench.ts` module (each exports `run()` returning its
 * figures) one after another and prints one JSON object, keyed by module name, as the last line.
 * Progress goes to stderr. `BENCH_QUICK=1` asks modules for smaller sizes; `BENCH_ONLY=name`
 * runs one module.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchSettings } from './settings.js';

type BenchModule = { run(settings: BenchSettings): Promise<Record<string, unknown>> };

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.env.BENCH_ONLY;
const settings: BenchSettings = {
  quick: process.env.BENCH_QUICK === '1',
  log: (line) => process.stderr.write(`[bench] ${line}\n`),
};

const results: Record<string, unknown> = {};
const started = Date.now();
for (const file of readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort()) {
  const name = file.replace(/\.bench\.ts$/, '');
  if (only !== undefined && only !== name) continue;
  settings.log(`${name}: starting`);
  const t0 = Date.now();
  try {
    const mod = (await import(pathToFileURL(`${dir}/${file}`).href)) as BenchModule;
    results[name] = { ...(await mod.run(settings)), seconds: Math.round((Date.now() - t0) / 100) / 10 };
  } catch (error) {
    results[name] = { error: error instanceof Error ? error.message : String(error) };
    process.exitCode = 1;
  }
  settings.log(`${name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
results.quick = settings.quick;
results.totalSeconds = Math.round((Date.now() - started) / 100) / 10;
process.stdout.write(`${JSON.stringify(results)}\n`);
