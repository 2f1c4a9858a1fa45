// Where a zip's entries lie in SS-MIX2 standardized storage: `[<root>/]<pid[0,3)>/<pid[3,6)>/<pid>/
// <care date or ->/<data type>/<file name>` (SSMIX2.md §2), the folders agreeing with the file name.
import { checkPathConsistency, keyFolders, parseFileName, type Ssmix2FileName } from '@hie/ssmix2';
import type { IntakeIssue } from '../batch.js';
import type { ZipEntry } from './zip.js';

export interface StorageFile {
  /** The entry path in the zip (what every issue names). */
  path: string;
  name: Ssmix2FileName;
  entry: ZipEntry;
}

export type StorageLayout =
  | { ok: true; files: StorageFile[]; ignored: number }
  | { ok: false; issues: IntakeIssue[] };

/**
 * Entries that are no data of anyone: folders, dot-files and dot-folders (the writer's temp files, a
 * generator's `.hie/`), macOS's `__MACOSX/` resource forks, Windows Explorer's thumbnail caches.
 */
function ignored(entry: ZipEntry): boolean {
  if (entry.directory) return true;
  const parts = relativePath(entry).split('/');
  const base = parts[parts.length - 1]!.toLowerCase();
  return (
    parts.some((p) => p.startsWith('.') || p === '__MACOSX') || base === 'thumbs.db' || base === 'desktop.ini'
  );
}

/**
 * Places every entry in the storage layout, with or without one leading root folder. An entry
 * elsewhere, a name that is not a standardized file name, folders that disagree with the name (a
 * file filed under another patient's folder) or the same file twice (under two roots) refuse the zip.
 */
export function storageLayout(entries: readonly ZipEntry[]): StorageLayout {
  const issues: IntakeIssue[] = [];
  const files: StorageFile[] = [];
  const seen = new Map<string, string>();
  let skipped = 0;
  for (const entry of entries) {
    if (ignored(entry)) {
      skipped++;
      continue;
    }
    const folders = relativePath(entry).split('/');
    const base = folders.pop()!;
    const parsed = parseFileName(base);
    if (!parsed.ok) {
      issues.push({
        code: 'ssmix2-file-name',
        message: `not an SS-MIX2 standardized file name: ${parsed.message}`,
        file: entry.path,
      });
      continue;
    }
    const name = parsed.value;
    const expected = keyFolders(name).length;
    // One folder more than the name implies is the storage root the clinic zipped.
    const relative = folders.length === expected + 1 ? folders.slice(1) : folders;
    const mismatches = checkPathConsistency(relative, name);
    if (mismatches.length > 0) {
      for (const m of mismatches)
        issues.push({
          code: 'ssmix2-layout',
          message: `${m.message} (expected ${m.expected}/${base})`,
          file: entry.path,
        });
      continue;
    }
    const earlier = seen.get(base);
    if (earlier !== undefined) {
      issues.push({
        code: 'ssmix2-duplicate-file',
        message: `the same file as ${earlier}`,
        file: entry.path,
      });
      continue;
    }
    seen.set(base, entry.path);
    files.push({ path: entry.path, name, entry });
  }
  if (issues.length > 0) return { ok: false, issues };
  if (files.length === 0)
    return {
      ok: false,
      issues: [
        {
          code: 'ssmix2-empty',
          message: 'the zip holds no SS-MIX2 standardized storage file',
        },
      ],
    };
  return { ok: true, files, ignored: skipped };
}

/** `./000/…` as some zip tools write it is `000/…`. */
function relativePath(entry: ZipEntry): string {
  return entry.path.replace(/^(\.\/)+/, '');
}
