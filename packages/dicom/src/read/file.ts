// Reading a file's header from disk without reading the file: a prefix, grown only when the header is longer.
import { open } from 'node:fs/promises';
import type { ReadResult } from '../model.js';
import { MAX_HEADER_BYTES, parseHeader } from './parse.js';

/** The first read; most headers (even with vendor private data) fit in it. */
export const FIRST_READ_BYTES = 64 * 1024;

/**
 * Parses the header of the Part 10 file at `path`, reading only a prefix (64 KiB, ×4 while the header is
 * longer, at most 64 MiB). I/O errors (no such file, permission) reject; bad content resolves to
 * `{ ok: false }`.
 */
export async function readDicomFile(path: string): Promise<ReadResult> {
  const handle = await open(path, 'r');
  try {
    let { size } = await handle.stat();
    let buffer: Uint8Array = new Uint8Array(0);
    let want = Math.min(size, FIRST_READ_BYTES);
    for (;;) {
      buffer = await extend(handle, buffer, want);
      if (buffer.length < want) size = buffer.length; // the file shrank under us: what we have is all
      const parsed = parseHeader(buffer, size);
      if (parsed.kind === 'done') return parsed.result;
      if (buffer.length >= size)
        return { ok: false, code: 'truncated', message: 'the file ends inside its header' };
      if (buffer.length >= MAX_HEADER_BYTES)
        return {
          ok: false,
          code: 'truncated',
          message: `no end of header within the first ${MAX_HEADER_BYTES} bytes (read limit)`,
        };
      want = Math.min(size, MAX_HEADER_BYTES, buffer.length * 4);
    }
  } finally {
    await handle.close();
  }
}

/** `buffer` grown to `length` bytes from the file, reading only the bytes not yet read. */
async function extend(
  handle: Awaited<ReturnType<typeof open>>,
  buffer: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  out.set(buffer);
  let filled = buffer.length;
  while (filled < length) {
    const { bytesRead } = await handle.read(out, filled, length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? out : out.subarray(0, filled);
}
