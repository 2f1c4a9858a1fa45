import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';

export type ReadResult =
  | { ok: true; bytes: Uint8Array; size: number; mtimeMs: number }
  /** ENOENT between listing and reading: a rename (update / delete) moved it. */
  | { ok: false; moved: true; message: string }
  | { ok: false; moved: false; message: string; code: string };

/** Files larger than this are not read whole (no SS-MIX2 message comes close). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * Reads a file with one open, one fstat and one read (the hot path of a scan). With `shared`, the
 * bytes are a view of a scratch buffer valid until the next call: for callers that parse and drop.
 */
export function readFileFast(path: string, shared = false): ReadResult {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return failure(path, e);
  }
  try {
    const stat = fstatSync(fd);
    const size = stat.size;
    if (size > MAX_FILE_BYTES) {
      return {
        ok: false,
        moved: false,
        code: 'TOO_LARGE',
        message: `${path}: ${size} bytes, over the limit`,
      };
    }
    if (scratch.length < size + 1) scratch = Buffer.allocUnsafe(Math.max(size + 1, scratch.length * 2));
    let read = 0;
    // Read until EOF: a file may grow between fstat and read (then we see what was there).
    for (;;) {
      if (read === scratch.length) {
        const bigger = Buffer.allocUnsafe(scratch.length * 2);
        scratch.copy(bigger, 0, 0, read);
        scratch = bigger;
      }
      const n = readSync(fd, scratch, read, scratch.length - read, read);
      if (n === 0) break;
      read += n;
      if (read > MAX_FILE_BYTES) {
        return { ok: false, moved: false, code: 'TOO_LARGE', message: `${path}: over the size limit` };
      }
    }
    const view = scratch.subarray(0, read);
    const bytes = shared ? view : new Uint8Array(view);
    return { ok: true, bytes, size: read, mtimeMs: stat.mtimeMs };
  } catch (e) {
    return failure(path, e);
  } finally {
    closeSync(fd);
  }
}

/** Size and modification time without reading. */
export function statFile(path: string): ReadResult | { ok: true; size: number; mtimeMs: number } {
  try {
    const s = statSync(path);
    return { ok: true, size: s.size, mtimeMs: s.mtimeMs };
  } catch (e) {
    return failure(path, e);
  }
}

function failure(path: string, e: unknown): ReadResult {
  const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
  if (code === 'ENOENT') return { ok: false, moved: true, message: `${path} vanished before it was read` };
  return { ok: false, moved: false, code, message: `cannot read ${path}: ${code}` };
}
