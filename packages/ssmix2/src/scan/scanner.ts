import { checkFile, type FileCheck } from '../check/check-file.js';
import { type FileNameResult, parseFileName } from '../names/file-name.js';
import { type WalkedFile, type WalkProblem, type WalkSubtree, walkStorage } from '../storage/walk.js';
import { ScanPool } from './pool.js';
import { readFileFast, statFile } from './read.js';

export interface ScannedFile {
  kind: 'file';
  root: string;
  path: string;
  /** Path below the root, with `/`. */
  relPath: string;
  folders: readonly string[];
  fileName: string;
  name: FileNameResult;
  size: number;
  mtimeMs: number;
  /** With `read`: the file's bytes. */
  bytes?: Uint8Array;
  /** With `check`: status and findings (and the parsed message in this thread with `keepMessage`). */
  check?: FileCheck;
}

/** Listed, then gone before it could be read: renamed by an update or delete. Rescan its key. */
export interface MovedFile {
  kind: 'moved';
  root: string;
  path: string;
  relPath: string;
  message: string;
}

export interface ScanProblem {
  kind: 'problem';
  root: string;
  path: string;
  relPath: string;
  code: 'DIR_UNREADABLE' | 'DIR_MOVED' | 'READ_FAILED';
  message: string;
}

export type ScanItem = ScannedFile | MovedFile | ScanProblem;

export interface ScanOptions {
  /** Read each file (bytes on the item). */
  read?: boolean;
  /** Read, decode, parse and check each file (implies reading; bytes are not kept). */
  check?: boolean;
  /** Keep the parsed message on `check.message` (in-thread checking only). */
  keepMessage?: boolean;
  /**
   * Worker threads that walk, read and check patient folders while this thread walks the top
   * levels and keeps the order (0 = all in this thread; ignored with `keepMessage`). Default 0.
   * Falls back to this thread when the worker script is unavailable (running from TypeScript).
   */
  workers?: number;
  signal?: AbortSignal;
}

/**
 * Streams every file under the storage roots, in the walk order of `walkStorage`, in constant
 * memory. Never throws for what it finds: unreadable folders and files are items, not exceptions.
 */
export async function* scanStorage(
  roots: string | readonly string[],
  options: ScanOptions = {},
): AsyncGenerator<ScanItem> {
  const rootList = typeof roots === 'string' ? [roots] : roots;
  // The parsed message cannot cross threads: keeping it means checking here.
  const pool = options.keepMessage ? undefined : ScanPool.create(options.workers ?? 0);
  if (pool) {
    try {
      yield* scanPooled(rootList, pool, options);
    } finally {
      await pool.close();
    }
    return;
  }
  let lastBreath = Date.now();
  for (const item of walkStorage(rootList)) {
    if (options.signal?.aborted) return;
    if (item.kind === 'problem') yield problemItem(item.problem);
    else if (item.kind === 'file') yield scanOne(item.file, options);
    // The walk and reads are synchronous (fast); let timers and I/O run now and then.
    if (Date.now() - lastBreath > 50) {
      await new Promise((resolve) => setImmediate(resolve));
      lastBreath = Date.now();
    }
  }
}

function relPathOf(f: WalkedFile): string {
  return f.folders.length === 0 ? f.fileName : `${f.folders.join('/')}/${f.fileName}`;
}

/** Scans one walked file in this thread. */
export function scanOne(f: WalkedFile, options: ScanOptions): ScanItem {
  const relPath = relPathOf(f);
  const name = parseFileName(f.fileName);
  if (!options.read && !options.check) {
    const s = statFile(f.path);
    if (!s.ok) return notRead(f, relPath, s);
    return { kind: 'file', ...base(f, relPath, name), size: s.size, mtimeMs: s.mtimeMs };
  }
  // Checking drops the bytes, so the read can use a shared scratch buffer unless the message is kept.
  const shared = !options.read && !options.keepMessage;
  const r = readFileFast(f.path, shared);
  if (!r.ok) return notRead(f, relPath, r);
  const item: ScannedFile = { kind: 'file', ...base(f, relPath, name), size: r.size, mtimeMs: r.mtimeMs };
  if (options.read) item.bytes = r.bytes;
  if (options.check) {
    const check = checkFile({ relPath, folders: f.folders, fileName: f.fileName, bytes: r.bytes, name });
    if (!options.keepMessage) delete check.message;
    item.check = check;
  }
  return item;
}

function base(f: WalkedFile, relPath: string, name: FileNameResult) {
  return { root: f.root, path: f.path, relPath, folders: f.folders, fileName: f.fileName, name };
}

function notRead(
  f: WalkedFile,
  relPath: string,
  r: { moved: true; message: string } | { moved: false; message: string },
): ScanItem {
  if (r.moved) return { kind: 'moved', root: f.root, path: f.path, relPath, message: r.message };
  return { kind: 'problem', root: f.root, path: f.path, relPath, code: 'READ_FAILED', message: r.message };
}

/** A walk problem as a scan item. */
export function problemItem(p: WalkProblem): ScanProblem {
  return {
    kind: 'problem',
    root: p.root,
    path: p.path,
    relPath: p.folders.join('/'),
    code: p.code,
    message: p.message,
  };
}

// Subtrees three levels down are patient folders (or, for short IDs, their date folders): small
// units of work, each a contiguous run of the walk order.
const SUBTREE_DEPTH = 3;
const SUBTREES_PER_TASK = 8;

/** Walks the top levels here; workers walk, read and check the subtrees; yields in walk order. */
async function* scanPooled(
  roots: readonly string[],
  pool: ScanPool,
  options: ScanOptions,
): AsyncGenerator<ScanItem> {
  // A bounded window of tasks in flight keeps memory constant and every worker busy.
  const window: Promise<ScanItem[]>[] = [];
  const maxInFlight = pool.size * 4;
  const work = { read: options.read, check: options.check };
  let subtrees: WalkSubtree[] = [];
  const flush = () => {
    if (subtrees.length === 0) return;
    window.push(pool.scan(subtrees, work));
    subtrees = [];
  };
  for (const item of walkStorage(roots, { subtreeDepth: SUBTREE_DEPTH })) {
    if (options.signal?.aborted) return;
    if (item.kind === 'subtree') {
      subtrees.push(item.subtree);
      if (subtrees.length >= SUBTREES_PER_TASK) flush();
    } else {
      // Files above the patient level (layout errors) and problems keep their place in the order.
      flush();
      window.push(
        Promise.resolve([item.kind === 'file' ? scanOne(item.file, work) : problemItem(item.problem)]),
      );
    }
    while (window.length >= maxInFlight) yield* await window.shift()!;
  }
  flush();
  while (window.length > 0) {
    if (options.signal?.aborted) return;
    yield* await window.shift()!;
  }
}
