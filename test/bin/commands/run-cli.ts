import { commands } from '../../../bin/commands/index.js';
import { runCli } from '../../../bin/commands/dispatch.js';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs one command line in-process through the real registry, capturing what it writes. */
export async function resolve(...argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) }, commands);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Runs a command with --json and parses what it printed. */
export async function resolveJson(...argv: string[]): Promise<unknown> {
  const run = await resolve(...argv, '--json');
  if (run.code !== 0) throw new Error(`exit ${run.code}: ${run.err}`);
  return JSON.parse(run.out) as unknown;
}
