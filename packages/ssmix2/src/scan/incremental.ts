import { join, resolve } from 'node:path';
import { type FileNameResult, parseFileName } from '../names/file-name.js';
import { compareNames, walkStorage } from '../storage/walk.js';
import {
  CheckpointError,
  type CheckpointFolder,
  CheckpointReader,
  CheckpointWriter,
  compareFolders,
  splitFolder,
} from './checkpoint.js';
import { statFile } from './read.js';

export type ChangeKind = 'added' | 'changed' | 'removed';

export interface StorageChange {
  kind: ChangeKind;
  root: string;
  path: string;
  relPath: string;
  fileName: string;
  name: FileNameResult;
  /** Size and modification time now (absent for removed files). */
  size?: number;
  mtimeMs?: number;
}

export interface ChangeScanOptions {
  /** Checkpoint of an earlier scan; without it every file is `added`. */
  since?: string;
  /** Where to save the checkpoint of this scan (may be the same path as `since`). */
  save?: string;
  signal?: AbortSignal;
}

interface FolderNow {
  r: number;
  root: string;
  folders: readonly string[];
  files: [string, number, number][];
}

/**
 * Files added, changed (size or mtime) or removed since a checkpoint, in walk order, in constant
 * memory: the walk and the checkpoint are merged folder by folder. Saves the new checkpoint only
 * when the walk completes (an aborted scan keeps the old one valid).
 */
export async function* scanChanges(
  roots: string | readonly string[],
  options: ChangeScanOptions = {},
): AsyncGenerator<StorageChange> {
  const rootList = typeof roots === 'string' ? [roots] : [...roots];
  const reader = options.since ? await CheckpointReader.open(options.since) : undefined;
  if (reader) {
    const same =
      reader.header.roots.length === rootList.length &&
      reader.header.roots.every((r, i) => resolve(r) === resolve(rootList[i]!));
    if (!same) {
      await reader.close();
      throw new CheckpointError(
        options.since!,
        `made for roots ${reader.header.roots.join(', ')}, not these`,
      );
    }
  }
  const writer = options.save
    ? new CheckpointWriter(
        options.save,
        rootList.map((r) => resolve(r)),
      )
    : undefined;
  let completed = false;
  try {
    let old = await reader?.next();
    for (const now of walkFolders(rootList)) {
      if (options.signal?.aborted) return;
      while (old && compareFolders(old.r, splitFolder(old.d), now.r, now.folders) < 0) {
        yield* removedAll(old, rootList);
        old = await reader!.next();
      }
      if (old && compareFolders(old.r, splitFolder(old.d), now.r, now.folders) === 0) {
        yield* diffFolder(old, now);
        old = await reader!.next();
      } else {
        for (const f of now.files) yield change('added', now.root, now.folders, f);
      }
      if (writer && now.files.length > 0)
        await writer.folder({ r: now.r, d: now.folders.join('/'), f: now.files });
    }
    while (old) {
      yield* removedAll(old, rootList);
      old = await reader!.next();
    }
    completed = true;
  } finally {
    await reader?.close();
    if (writer) await (completed ? writer.finish() : writer.abort());
  }
}

/** Walks and stats, one folder (with its files' size and mtime) at a time. */
function* walkFolders(roots: readonly string[]): Generator<FolderNow> {
  let current: FolderNow | undefined;
  let r = -1;
  let lastRoot: string | undefined;
  for (const item of walkStorage(roots)) {
    if (item.kind !== 'file') continue;
    const f = item.file;
    if (f.root !== lastRoot) {
      lastRoot = f.root;
      r++;
    }
    if (!current || current.r !== r || current.folders !== f.folders) {
      if (current) yield current;
      current = { r, root: f.root, folders: f.folders, files: [] };
    }
    const s = statFile(f.path);
    // Gone since the listing: as if never listed; the next scan sees its new name.
    if (s.ok) current.files.push([f.fileName, s.size, s.mtimeMs]);
  }
  if (current) yield current;
}

function* diffFolder(old: CheckpointFolder, now: FolderNow): Generator<StorageChange> {
  let i = 0;
  let j = 0;
  const a = old.f;
  const b = now.files;
  while (i < a.length || j < b.length) {
    const c = i >= a.length ? 1 : j >= b.length ? -1 : compareNames(a[i]![0], b[j]![0]);
    if (c < 0) yield change('removed', now.root, now.folders, a[i++]!);
    else if (c > 0) yield change('added', now.root, now.folders, b[j++]!);
    else {
      const before = a[i++]!;
      const after = b[j++]!;
      if (before[1] !== after[1] || before[2] !== after[2])
        yield change('changed', now.root, now.folders, after);
    }
  }
}

function* removedAll(old: CheckpointFolder, roots: readonly string[]): Generator<StorageChange> {
  const root = roots[old.r] ?? '';
  const folders = splitFolder(old.d);
  for (const f of old.f) yield change('removed', root, folders, f);
}

function change(
  kind: ChangeKind,
  root: string,
  folders: readonly string[],
  [fileName, size, mtimeMs]: [string, number, number],
): StorageChange {
  const relPath = folders.length === 0 ? fileName : `${folders.join('/')}/${fileName}`;
  const base = {
    kind,
    root,
    path: join(root, ...folders, fileName),
    relPath,
    fileName,
    name: parseFileName(fileName),
  };
  return kind === 'removed' ? base : { ...base, size, mtimeMs };
}
