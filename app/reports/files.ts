/**
 * Where report files (the CSV, the annual report's .docx) are kept. Locally they are written
 * under `<DATA_DIR>/reports/` and the card says where; a store that can share a link (OneDrive or
 * SharePoint through Graph) would answer with its `url`, and the card would link it instead.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface SavedReportFile {
  /** Where it is, as a person reads it (a path on this machine). */
  readonly location: string;
  /** An https link to it, when the store can give one. */
  readonly url?: string;
}

export interface ReportFiles {
  save(name: string, content: string | Uint8Array): Promise<SavedReportFile>;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$/;

/** Files in `dir` (created when first needed); each written whole, so a reader never sees half a file. */
export function createLocalReportFiles(dir: string): ReportFiles {
  return {
    async save(name, content) {
      if (!SAFE_NAME.test(name) || name.includes('..')) throw new TypeError(`"${name}" is not a file name Resolve writes reports to`);
      await mkdir(dir, { recursive: true });
      const target = path.join(dir, name);
      // Its own partial file: two messages composed at once may save the same report.
      const partial = `${target}.${randomUUID()}.partial`;
      await writeFile(partial, content);
      await rename(partial, target);
      return { location: target };
    },
  };
}
