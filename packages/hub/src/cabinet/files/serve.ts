import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyReply } from 'fastify';
import { HubError } from '../../http.js';
import { nameWithExtension } from './limits.js';
import { type FileRow, storedPath } from './storage.js';

/**
 * Serving a file: the original (as kept: without its metadata) or a variant, streamed from disk with
 * HTTP range requests (RFC 9110 §14), so a video seeks and a broken download resumes.
 */

export const FILE_VARIANTS = ['original', 'rendition', 'poster', 'thumbnail'] as const;
export type FileVariant = (typeof FILE_VARIANTS)[number];

export type RangeAnswer =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/**
 * One byte range of `size` bytes from a Range header: `bytes=a-b`, `bytes=a-`, `bytes=-n`. Several
 * ranges or another unit are ignored (the whole file, as RFC 9110 allows); a malformed or unsatisfiable
 * byte range is 416.
 */
export function parseRange(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return { kind: 'full' };
  const trimmed = header.trim();
  if (!/^bytes=/i.test(trimmed)) return { kind: 'full' };
  const spec = trimmed.slice(6).trim();
  if (spec.includes(',')) return { kind: 'full' };
  const match = /^(\d*)\s*-\s*(\d*)$/.exec(spec);
  if (!match) return { kind: 'unsatisfiable' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'unsatisfiable' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return { kind: 'unsatisfiable' };
  if (last === '') return { kind: 'partial', start, end: size - 1 };
  const end = Number(last);
  if (end < start) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}

interface Served {
  path: string;
  mediaType: string;
  fileName: string;
}

const noVariant = (variant: string) =>
  new HubError(404, 'no-variant', `this file has no ${variant} / この形式はありません`);

/** The file on disk for a variant, with its type and the name to download it as. */
export function servedFile(root: string, row: FileRow, variant: FileVariant): Served {
  const base = row.name.replace(/\.[^.]*$/, '') || 'file';
  switch (variant) {
    case 'original':
      if (!row.original_path) throw noVariant(variant);
      return {
        path: storedPath(root, row.original_path),
        mediaType: row.media_type ?? 'application/octet-stream',
        fileName: nameWithExtension(row.name, row.media_type ?? ''),
      };
    case 'rendition':
      if (!row.rendition_path) throw noVariant(variant);
      return { path: storedPath(root, row.rendition_path), mediaType: 'video/mp4', fileName: `${base}.mp4` };
    case 'poster':
    case 'thumbnail': {
      const rel = variant === 'poster' ? row.poster_path : row.thumbnail_path;
      if (!rel) throw noVariant(variant);
      return { path: storedPath(root, rel), mediaType: 'image/jpeg', fileName: `${base}-${variant}.jpg` };
    }
  }
}

/** `inline` for pictures and video (shown in the page), `attachment` for the rest; any name, RFC 6266. */
export function dispositionOf(mediaType: string, fileName: string): string {
  const how = mediaType.startsWith('image/') || mediaType.startsWith('video/') ? 'inline' : 'attachment';
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${how}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * Answers GET (or HEAD, without the body) for a file on disk: 200 with the whole, 206 with one range,
 * 416 when the range cannot be met. `If-Range` with another validator gets the whole file.
 */
export async function sendFile(
  reply: FastifyReply,
  served: Served,
  request: { range: string | undefined; ifRange: string | undefined; head: boolean },
): Promise<void> {
  let size: number;
  let mtime: number;
  try {
    const s = await stat(served.path);
    size = s.size;
    mtime = s.mtimeMs;
  } catch {
    throw new HubError(404, 'not-found', 'the file is not on disk / ファイルがありません');
  }
  const etag = `"${size.toString(36)}-${Math.floor(mtime).toString(36)}"`;
  reply
    .header('content-type', served.mediaType)
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', dispositionOf(served.mediaType, served.fileName))
    .header('cache-control', 'private, no-store')
    .header('accept-ranges', 'bytes')
    .header('etag', etag);
  const range =
    request.ifRange !== undefined && request.ifRange !== etag
      ? { kind: 'full' as const }
      : parseRange(request.range, size);
  if (range.kind === 'unsatisfiable') {
    reply
      .status(416)
      .header('content-range', `bytes */${size}`)
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', 'inline')
      .send({ error: { code: 'range-not-satisfiable', message: `the file has ${size} bytes` } });
    return;
  }
  const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, size - 1];
  if (range.kind === 'partial') reply.status(206).header('content-range', `bytes ${start}-${end}/${size}`);
  reply.header('content-length', String(Math.max(0, end - start + 1)));
  // Not returned: a reply is thenable, and the caller returns it to fastify.
  if (request.head || size === 0) reply.send();
  else reply.send(createReadStream(served.path, { start, end }));
}
