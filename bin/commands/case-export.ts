import { parseArgs } from 'node:util';
import { exportCaseNotes } from '../../app/cases/model.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Command } from './command.js';
import { openConfiguredDatabase, withDatabase, type OpenDb } from './store-access.js';

const USAGE = 'resolve case export <reference>';

/**
 * `resolve case export OX-2026-0142`: the case's whole history as plain case-note text (who, what,
 * when, the stage), ready to paste into the council's case record (LCS, Mosaic, Eclipse).
 */
export function createCaseCommand(open: OpenDb): Command {
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
      const text = await withDatabase(open, (db) => exportCaseNotes(db, reference.trim()));
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
