import { type Dirent, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A file found under a storage root, before it is read. */
export interface WalkedFile {
  root: string;
  /** Absolute (or root-relative-to-cwd) path. */
  path: string;
  /** Folders between the root and the file (root excluded). */
  folders: readonly string[];
  fileName: string;
}

/** A directory that could not be listed (vanished, no permission). The walk goes on. */
export interface WalkProblem {
  root: string;
  path: string;
  folders: readonly string[];
  code: 'DIR_MOVED' | 'DIR_UNREADABLE';
  message: string;
}

/** A folder left for someone else to walk (see `subtreeDepth`). */
export interface WalkSubtree {
  root: string;
  path: string;
  folders: readonly string[];
}

export type WalkItem =
  | { kind: 'file'; file: WalkedFile }
  | { kind: 'problem'; problem: WalkProblem }
  | { kind: 'subtree'; subtree: WalkSubtree };

export interface WalkOptions {
  /**
   * Folders this many levels below the root are not entered but yielded as `subtree` items, in
   * their place in the order (to be walked by `walkSubtree`, e.g. in a worker thread).
   */
  subtreeDepth?: number;
}

/**
 * Walks storage roots depth first in a stable order, holding one sorted listing per level (never
 * the whole tree): within a folder its files come first, by name, then its subfolders, by name.
 * Names starting with '.' are skipped (writer temp files, `.hie/`). Symbolic links to folders are
 * not followed (no cycles); links to files are reported as files.
 */
export function* walkStorage(roots: readonly string[], options: WalkOptions = {}): Generator<WalkItem> {
  const depth = options.subtreeDepth ?? Number.POSITIVE_INFINITY;
  for (const root of roots) {
    yield* walkFolder(root, root, [], depth);
  }
}

/** Walks one folder and everything below it, as `walkStorage` would have at that place. */
export function walkSubtree(subtree: WalkSubtree): Generator<WalkItem> {
  return walkFolder(subtree.root, subtree.path, subtree.folders, Number.POSITIVE_INFINITY);
}

// Every file of one folder shares one `folders` array: consumers may group files by its identity.
function* walkFolder(
  root: string,
  dir: string,
  folders: readonly string[],
  subtreeDepth: number,
): Generator<WalkItem> {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // A folder of the root itself that is missing is a problem too: the caller named it.
    yield {
      kind: 'problem',
      problem: {
        root,
        path: dir,
        folders,
        code: code === 'ENOENT' || code === 'ENOTDIR' ? 'DIR_MOVED' : 'DIR_UNREADABLE',
        message: `cannot list ${dir}: ${code ?? String(e)}`,
      },
    };
    return;
  }
  const files: string[] = [];
  const subfolders: string[] = [];
  for (const entry of entries) {
    const name = entry.name;
    if (name.startsWith('.')) continue;
    if (entry.isDirectory()) subfolders.push(name);
    else if (entry.isFile()) files.push(name);
    else if (entry.isSymbolicLink() && isFileLink(join(dir, name))) files.push(name);
  }
  entries.length = 0;
  files.sort(compareNames);
  subfolders.sort(compareNames);
  for (const fileName of files) {
    yield { kind: 'file', file: { root, path: join(dir, fileName), folders, fileName } };
  }
  for (const sub of subfolders) {
    const path = join(dir, sub);
    const subFolders = [...folders, sub];
    if (subFolders.length >= subtreeDepth)
      yield { kind: 'subtree', subtree: { root, path, folders: subFolders } };
    else yield* walkFolder(root, path, subFolders, subtreeDepth);
  }
}

function isFileLink(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Code-unit order: the same on every platform and locale. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The walk order of two files given as folder lists plus file name: files of a folder before its
 * subfolders, names in code-unit order. Used to merge a walk with a saved checkpoint.
 */
export function compareWalkOrder(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) continue;
    const aIsFile = i === a.length - 1;
    const bIsFile = i === b.length - 1;
    if (aIsFile !== bIsFile) return aIsFile ? -1 : 1;
    return compareNames(a[i]!, b[i]!);
  }
  return a.length - b.length;
}
