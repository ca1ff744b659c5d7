import { commands } from './commands/index.js';
import { runCli } from './commands/dispatch.js';

const io = {
  out: (s: string) => process.stdout.write(`${s}\n`),
  err: (s: string) => process.stderr.write(`${s}\n`),
};

process.exitCode = await runCli(process.argv.slice(2), io, commands);
