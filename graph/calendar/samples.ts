/**
 * The sample organisation's calendars (graph/samples/calendars/<email>.ics, all fictional), so
 * that a local run finds people partly busy. Local free/busy reads `DATA_DIR/calendars/`; this
 * copies the samples there, leaving alone any file already in place.
 */
import { constants } from 'node:fs';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shipped sample calendars (`npm run build` copies graph/samples to the same place under dist/). */
export const SAMPLE_CALENDARS_DIR = fileURLToPath(new URL('../samples/calendars/', import.meta.url));

/** Where local mode reads each person's own calendar, `<email>.ics`. */
export const personalCalendarsDir = (dataDir: string) => path.join(dataDir, 'calendars');

/** Copies each sample calendar into `DATA_DIR/calendars/` unless a file of that name is there; returns the names copied. */
export async function seedSampleCalendars(dataDir: string, from: string = SAMPLE_CALENDARS_DIR): Promise<string[]> {
  const target = personalCalendarsDir(dataDir);
  await mkdir(target, { recursive: true });
  const copied: string[] = [];
  for (const name of (await readdir(from)).filter((f) => f.endsWith('.ics')).sort()) {
    try {
      await copyFile(path.join(from, name), path.join(target, name), constants.COPYFILE_EXCL);
      copied.push(name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return copied;
}
