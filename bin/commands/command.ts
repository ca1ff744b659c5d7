/** Where a command writes: standard output and standard error, captured in tests. */
export interface CliIO {
  out(s: string): void;
  err(s: string): void;
}

/** One `resolve <name>` sub-command. `run` resolves to the process exit code. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(args: string[], io: CliIO): Promise<number>;
}

/** Exit codes: 0 done, 1 failed while running, 2 the command line was wrong. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Thrown by a command when its arguments are wrong; the dispatcher prints it with the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
