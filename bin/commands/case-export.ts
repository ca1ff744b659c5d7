import { parseArgs } from 'node:util';
import { exportCaseNotes } from '../../app/cases/case-notes.js';
import type { Directory } from '../../graph/directory/types.js';
import { loadConfig, readEnvironment } from '../config.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Command } from './command.js';
import { openConfiguredDatabase, withDatabase, type OpenDb } from './store-access.js';

const USAGE = 'resolve case export <reference>';

/** Where the export learns who people are: the configured directory, or a given one (tests). */
export type OpenDirectory = () => Promise<Directory>;

/**
 * The directory the configuration names (the organisation file, or Entra ID through Graph), built
 * as `npm start` builds it. Graph's clients load only when this command runs, not for every command.
 */
export const openConfiguredDirectory: OpenDirectory = async () => {
  const { createGraphServices } = await import('../../graph/index.js');
  return (await createGraphServices(loadConfig(readEnvironment()))).directory;
};

/**
 * `resolve case export OX-2026-0142`: the case's whole history as a case note (who, with their
 * role, did what, when, at which stage, and why), ready to paste into the council's case record
 * (LCS, Mosaic, Eclipse; DOMAIN §6.1).
 */
export function createCaseCommand(open: OpenDb, openDirectory: OpenDirectory = openConfiguredDirectory): Command {
  return {
    name: 'case',
    summary: "print a case's whole history as case-note text for the council's record",
    usage: USAGE,
    async run(args, io) {
      const { positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: {} });
      const [action, reference, ...rest] = positionals;
      if (action !== 'export') throw new UsageError(action === undefined ? 'say what to do: export <reference>' : `"${action}" is not a case action; the only one is export`);
      if (reference === undefined || reference.trim() === '') throw new UsageError('give the case reference, for example OX-2026-0142');
      if (rest.length > 0) throw new UsageError(`give one reference only, not also "${rest.join(' ')}"`);
      const directory = await openDirectory();
      const text = await withDatabase(open, (db) => exportCaseNotes(db, reference.trim(), directory));
      if (text === undefined) {
        io.err(`resolve case: there is no case with reference ${reference.trim()}; check the reference on the case card`);
        return EXIT_FAILURE;
      }
      io.out(text);
      return EXIT_OK;
    },
  };
}

export const caseCommand = createCaseCommand(openConfiguredDatabase);
