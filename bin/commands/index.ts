import type { Command } from './command.js';

export type { CliIO, Command } from './command.js';

/** Every `resolve` sub-command. Register a new one with one line here. */
export const commands: readonly Command[] = [
];

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}
