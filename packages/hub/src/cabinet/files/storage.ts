import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, stat, statfs } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Selectable } from 'kysely';
import type { HubSettings } from '../../http.js';
import { HubError } from '../../http.js';
import type { HubCabinetFileTable } from '../../store/cabinet-file-tables.js';

/**
 * Where a file's bytes are: `<cabinetFilesDir>/<file id>/` holds `upload` while it arrives, then
 * `original.<ext>` (as served: without metadata), `thumbnail.jpg`, `poster.jpg`, `rendition.mp4`. The
 * folder name is the file's UUID, made here; the table keeps paths relative to the root.
 */

export type FileRow = Selectable<HubCabinetFileTable>;

export const filesNotConfigured = () =>
  new HubError(
    503,
    'files-not-configured',
    'files are not set up on this hub / このハブではファイルを扱えません（cabinetFilesDir 未設定）',
  );

/** The root folder, or 503 when the hub has none. */
export function filesRoot(settings: Pick<HubSettings, 'cabinetFilesDir'>): string {
  if (!settings.cabinetFilesDir) throw filesNotConfigured();
  return resolve(settings.cabinetFilesDir);
}

export const folderOf = (root: string, fileId: string) => join(root, fileId);
export const uploadPathOf = (root: string, fileId: string) => join(root, fileId, 'upload');

/** A stored relative path as an absolute one, refused if it would leave the root. */
export function storedPath(root: string, rel: string): string {
  const path = resolve(root, rel);
  if (!path.startsWith(root + sep)) throw new HubError(500, 'internal', 'a file path leaves the store');
  return path;
}

export const relativePath = (root: string, path: string) => relative(root, path).split(sep).join('/');

export async function prepareFolder(root: string, fileId: string): Promise<void> {
  await mkdir(folderOf(root, fileId), { recursive: true });
  // The empty upload file: its size is the upload's offset from now on.
  const fh = await open(uploadPathOf(root, fileId), 'a');
  await fh.close();
}

export async function removeFolder(root: string, fileId: string): Promise<void> {
  await rm(folderOf(root, fileId), { recursive: true, force: true });
}

/** Bytes on disk at `path` (0 when it is not there). */
export async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Free bytes on the disk that holds `root` (null when the system cannot say). */
export async function freeBytes(root: string): Promise<number | null> {
  try {
    await mkdir(root, { recursive: true });
    const s = await statfs(root);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function headOf(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
