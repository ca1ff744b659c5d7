import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exportBriefing } from '../../app/briefings/export.js';
import { exportCaseNotes } from '../../app/cases/case-notes.js';
import { getPolicy, policyIds } from '../../domain/policies/index.js';
import type { Directory } from '../../graph/directory/types.js';
import { loadConfig, readEnvironment } from '../config.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Command } from './command.js';
import { openConfiguredDatabase, withDatabase, type OpenDb } from './store-access.js';

const USAGE = 'resolve case export <reference> | resolve case briefing <reference> --docx FILE [--stage STAGE]';

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
 *
 * `resolve case briefing LCS-104233 --docx FILE [--stage level4]`: the case's completed Director
 * briefing note (DOMAIN §3.2; the stage's, or the last one completed) as a Word document for the
 * case record. Only the file holds the note: nothing of it is printed.
 */
export function createCaseCommand(open: OpenDb, openDirectory: OpenDirectory = openConfiguredDirectory): Command {
  return {
    name: 'case',
    summary: "print a case's whole history as case-note text for the council's record, or write its Director briefing note as a Word document",
    usage: USAGE,
    async run(args, io) {
      const { positionals, values } = parseArgs({ args, allowPositionals: true, strict: true, options: { docx: { type: 'string' }, stage: { type: 'string' } } });
      const [action, reference, ...rest] = positionals;
      if (action !== 'export' && action !== 'briefing') {
        throw new UsageError(action === undefined ? 'say what to do: export <reference>, or briefing <reference> --docx FILE' : `"${action}" is not a case action; they are export and briefing`);
      }
      if (reference === undefined || reference.trim() === '') throw new UsageError('give the case reference, for example OX-2026-0142');
      if (rest.length > 0) throw new UsageError(`give one reference only, not also "${rest.join(' ')}"`);
      if (action === 'briefing') return briefing(reference.trim(), values, io);
      if (values.docx !== undefined || values.stage !== undefined) throw new UsageError('--docx and --stage are for "resolve case briefing"');
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

  async function briefing(reference: string, values: { docx?: string; stage?: string }, io: Parameters<Command['run']>[1]): Promise<number> {
    if (values.docx === undefined || values.docx.trim() === '') throw new UsageError('say where to write the note: --docx FILE, for example --docx briefing.docx');
    const directory = await openDirectory();
    const exported = await withDatabase(open, (db) => exportBriefing(db, reference, {
      directory,
      ...(values.stage !== undefined && { stageId: values.stage.trim() }),
      policyFor: (id) => (policyIds().includes(id) ? getPolicy(id) : undefined),
    }));
    if (!exported.ok) {
      io.err(`resolve case briefing: ${exported.message}`);
      return EXIT_FAILURE;
    }
    const file = path.resolve(values.docx);
    await writeFile(file, exported.bytes, { mode: 0o600 });
    io.out(`Wrote the Director briefing note for ${reference} (${exported.stageLabel}) to ${file}`);
    return EXIT_OK;
  }
}

export const caseCommand = createCaseCommand(openConfiguredDatabase);
