import { InvalidInputError } from '../../domain/errors.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, type CliIO, type Command } from './command.js';

const HELP_FLAGS = new Set(['--help', '-h']);

function helpText(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'resolve: review and escalation calculator for children\'s services',
    '',
    'usage: resolve <command> [arguments] [--json]',
    '',
    'commands:',
    `  ${'help'.padEnd(width)}  show this list, or "resolve help <command>" for one command`,
    ...lines,
  ].join('\n');
}

/** Node's parseArgs throws TypeErrors carrying an ERR_PARSE_ARGS_* code for a bad command line. */
function isParseArgsError(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  const code: unknown = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/**
 * Runs one command line (without the node and script paths) against a registry and returns the exit code:
 * 0 done, 1 a failure while running, 2 a wrong command line or invalid input.
 */
export async function runCli(argv: readonly string[], io: CliIO, commands: readonly Command[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || HELP_FLAGS.has(name)) {
    const topic = name === 'help' ? args[0] : undefined;
    if (topic === undefined && name === undefined) {
      io.err(helpText(commands));
      return EXIT_USAGE;
    }
    if (topic === undefined) {
      io.out(helpText(commands));
      return EXIT_OK;
    }
    const command = commands.find((c) => c.name === topic);
    if (!command) {
      io.err(`resolve: there is no command "${topic}"\n\n${helpText(commands)}`);
      return EXIT_USAGE;
    }
    io.out(`${command.summary}\n\nusage: ${command.usage}`);
    return EXIT_OK;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`resolve: unknown command "${name}"\n\n${helpText(commands)}`);
    return EXIT_USAGE;
  }
  const end = args.indexOf('--');
  if ((end === -1 ? args : args.slice(0, end)).some((a) => HELP_FLAGS.has(a))) {
    io.out(`${command.summary}\n\nusage: ${command.usage}`);
    return EXIT_OK;
  }
  try {
    return await command.run([...args], io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.err(`resolve ${command.name}: ${error.message}\n\nusage: ${command.usage}`);
      return EXIT_USAGE;
    }
    if (error instanceof InvalidInputError) {
      io.err(`resolve ${command.name}: ${error.message}`);
      return EXIT_USAGE;
    }
    io.err(`resolve ${command.name}: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_FAILURE;
  }
}
