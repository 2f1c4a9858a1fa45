import { copyFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '@hie/platform';
import type { FastifyBaseLogger } from 'fastify';
import type { Schema } from '../../store/schema.js';
import type { CabinetEvents } from '../events.js';
import { fileUrl, inputArgs, probe, runTool, ToolChildren, ToolMissing } from './ffmpeg.js';
import { ALLOWED_TYPES, type FileFamily, MAX_IMAGE_PIXELS, THUMBNAIL_MAX_PX } from './limits.js';
import { blankHeifMetadata, heifLayout, imageOrientation, orientationFilters } from './metadata.js';
import { exists, type FileRow, folderOf, relativePath, removeFolder, uploadPathOf } from './storage.js';

/**
 * What happens to a file once its last byte arrived and it passed the checks (status `processing`):
 * - a photo (JPEG, PNG, WebP) is decoded and encoded again without any metadata (EXIF, GPS, XMP, ICC
 *   comments), its EXIF orientation applied to the pixels, and gets a thumbnail ≤ 320 px; a HEIC/HEIF
 *   keeps its picture and has its Exif and XMP items blanked in place (no thumbnail: this ffmpeg cannot
 *   decode HEIF);
 * - a PDF is kept as it is;
 * - a video is copied without its metadata (the place it was shot), and gets a poster frame (JPEG) and an
 *   H.264/AAC MP4 rendition ≤ 720p with `+faststart`, one video at a time in the background.
 * Every step writes `<name>.tmp` and renames it, and the upload is deleted last: a hub stopped halfway
 * finds the file still `processing` at its next start and does it again (`FileProcessor.recover`).
 */

/** The ffmpeg demuxer for each family: ffmpeg never guesses what a file is. */
const DEMUXER: Readonly<Partial<Record<FileFamily, string>>> = {
  jpeg: 'jpeg_pipe',
  png: 'png_pipe',
  webp: 'webp_pipe',
  'iso-video': 'mov',
  matroska: 'matroska',
};

const IMAGE_ENCODER: Readonly<Partial<Record<FileFamily, string[]>>> = {
  jpeg: ['-c:v', 'mjpeg', '-q:v', '2', '-f', 'mjpeg'],
  png: ['-c:v', 'png', '-f', 'image2pipe'],
  webp: ['-c:v', 'libwebp', '-quality', '90', '-f', 'webp'],
};

/** The muxer that copies a video without its metadata, by the media type its bytes showed. */
const VIDEO_MUXER: Readonly<Record<string, string>> = {
  'video/quicktime': 'mov',
  'video/mp4': 'mp4',
  'video/x-m4v': 'mp4',
  'video/webm': 'webm',
  'video/x-matroska': 'matroska',
};

/** Fits in 1280×720 (landscape) or 720×1280 (portrait), never enlarged, even sides (H.264 4:2:0). */
export const SCALE_720 =
  "scale=w='min(iw,if(gte(iw,ih),1280,720))':h='min(ih,if(gte(iw,ih),720,1280))'" +
  ':force_original_aspect_ratio=decrease:force_divisible_by=2';
const SCALE_THUMBNAIL =
  `scale=w='min(${THUMBNAIL_MAX_PX},iw)':h='min(${THUMBNAIL_MAX_PX},ih)'` +
  ':force_original_aspect_ratio=decrease';

const QUIET = ['-nostdin', '-y', '-v', 'error'];
const NO_METADATA = ['-map_metadata', '-1', '-map_chapters', '-1', '-fflags', '+bitexact'];

const MINUTE = 60_000;

type Made = Pick<
  FileRow,
  'original_path' | 'thumbnail_path' | 'poster_path' | 'rendition_path' | 'width' | 'height' | 'duration_ms'
>;
type Outcome = { ok: true; made: Made } | { ok: false; problem: string };

const refused = (problem: string): Outcome => ({ ok: false, problem });

class Unreadable extends Error {}

async function ffmpeg(args: string[], timeoutMs: number, children: ToolChildren): Promise<void> {
  const result = await runTool('ffmpeg', [...QUIET, ...args], timeoutMs, children);
  if (result.code !== 0) throw new Unreadable(result.stderr.trim() || `ffmpeg exited ${result.code}`);
}

/** The bytes to work from: the upload, or (when a stopped run already replaced it) the original. */
async function sourceOf(root: string, row: FileRow, original: string) {
  const upload = uploadPathOf(root, row.id);
  if (await exists(upload)) return { path: upload, fresh: true };
  if (await exists(original)) return { path: original, fresh: false };
  return null;
}

async function makeImage(root: string, row: FileRow, children: ToolChildren): Promise<Outcome> {
  const mediaType = row.media_type ?? '';
  const type = ALLOWED_TYPES[mediaType];
  if (!type) return refused('content-not-allowed');
  const folder = folderOf(root, row.id);
  const original = join(folder, `original.${type.extension}`);
  const source = await sourceOf(root, row, original);
  if (!source) return refused('file-missing');
  if (type.family === 'heif') {
    const tmp = `${original}.tmp`;
    if (source.path !== original) await copyFile(source.path, tmp);
    const target = source.path === original ? original : tmp;
    const layout = await heifLayout(target).catch(() => null);
    if (!layout) return refused('image-unreadable');
    if (layout.width && layout.height && layout.width * layout.height > MAX_IMAGE_PIXELS)
      return refused('image-too-large');
    await blankHeifMetadata(target, layout);
    if (target === tmp) await rename(tmp, original);
    await rm(uploadPathOf(root, row.id), { force: true });
    return {
      ok: true,
      made: {
        original_path: relativePath(root, original),
        thumbnail_path: null,
        poster_path: null,
        rendition_path: null,
        width: layout.width,
        height: layout.height,
        duration_ms: null,
      },
    };
  }
  const demuxer = DEMUXER[type.family];
  const encoder = IMAGE_ENCODER[type.family];
  if (!demuxer || !encoder) return refused('content-not-allowed');
  const seen = await probe(source.path, demuxer, children);
  if (!seen?.video || !seen.width || !seen.height) return refused('image-unreadable');
  if (seen.width * seen.height > MAX_IMAGE_PIXELS) return refused('image-too-large');
  if (source.fresh) {
    const turn = orientationFilters(await imageOrientation(source.path, mediaType));
    const tmp = `${original}.tmp`;
    await ffmpeg(
      [
        '-noautorotate',
        ...inputArgs(demuxer, source.path),
        '-map',
        '0:v:0',
        '-frames:v',
        '1',
        ...NO_METADATA,
        '-flags:v',
        '+bitexact',
        ...(turn.length > 0 ? ['-vf', turn.join(',')] : []),
        ...encoder,
        fileUrl(tmp),
      ],
      MINUTE,
      children,
    );
    await rename(tmp, original);
  }
  const thumbnail = join(folder, 'thumbnail.jpg');
  await ffmpeg(
    [
      '-noautorotate',
      ...inputArgs(demuxer, original),
      '-map',
      '0:v:0',
      '-frames:v',
      '1',
      ...NO_METADATA,
      '-vf',
      SCALE_THUMBNAIL,
      '-c:v',
      'mjpeg',
      '-q:v',
      '4',
      '-pix_fmt',
      'yuvj420p',
      '-f',
      'mjpeg',
      fileUrl(`${thumbnail}.tmp`),
    ],
    MINUTE,
    children,
  );
  await rename(`${thumbnail}.tmp`, thumbnail);
  const clean = await probe(original, demuxer, children);
  await rm(uploadPathOf(root, row.id), { force: true });
  return {
    ok: true,
    made: {
      original_path: relativePath(root, original),
      thumbnail_path: relativePath(root, thumbnail),
      poster_path: null,
      rendition_path: null,
      width: clean?.width ?? null,
      height: clean?.height ?? null,
      duration_ms: null,
    },
  };
}

async function makePdf(root: string, row: FileRow): Promise<Outcome> {
  const original = join(folderOf(root, row.id), 'original.pdf');
  const source = await sourceOf(root, row, original);
  if (!source) return refused('file-missing');
  if (source.path !== original) await rename(source.path, original);
  return {
    ok: true,
    made: {
      original_path: relativePath(root, original),
      thumbnail_path: null,
      poster_path: null,
      rendition_path: null,
      width: null,
      height: null,
      duration_ms: null,
    },
  };
}

async function makeVideo(root: string, row: FileRow, children: ToolChildren): Promise<Outcome> {
  const mediaType = row.media_type ?? '';
  const type = ALLOWED_TYPES[mediaType];
  const muxer = VIDEO_MUXER[mediaType];
  const demuxer = type ? DEMUXER[type.family] : undefined;
  if (!type || !muxer || !demuxer) return refused('content-not-allowed');
  const folder = folderOf(root, row.id);
  const original = join(folder, `original.${type.extension}`);
  const source = await sourceOf(root, row, original);
  if (!source) return refused('file-missing');
  const seen = await probe(source.path, demuxer, children);
  if (!seen?.video) return refused('video-unreadable');
  if (source.fresh) {
    // The same streams, without the container's metadata (an iPad records where it was filmed).
    await ffmpeg(
      [
        ...inputArgs(demuxer, source.path),
        '-map',
        '0:v:0',
        '-map',
        '0:a?',
        '-c',
        'copy',
        ...NO_METADATA,
        '-f',
        muxer,
        fileUrl(`${original}.tmp`),
      ],
      10 * MINUTE,
      children,
    );
    await rename(`${original}.tmp`, original);
  }
  const poster = join(folder, 'poster.jpg');
  const at = seen.durationMs ? Math.min(1, seen.durationMs / 2000) : 0;
  await ffmpeg(
    [
      '-ss',
      at.toFixed(3),
      ...inputArgs(demuxer, original),
      '-map',
      '0:v:0',
      '-frames:v',
      '1',
      ...NO_METADATA,
      '-vf',
      SCALE_720,
      '-c:v',
      'mjpeg',
      '-q:v',
      '3',
      '-pix_fmt',
      'yuvj420p',
      '-f',
      'mjpeg',
      fileUrl(`${poster}.tmp`),
    ],
    MINUTE,
    children,
  );
  if (!(await exists(`${poster}.tmp`))) return refused('video-unreadable');
  await rename(`${poster}.tmp`, poster);
  const rendition = join(folder, 'rendition.mp4');
  await ffmpeg(
    [
      '-threads',
      '2',
      ...inputArgs(demuxer, original),
      '-map',
      '0:v:0',
      '-map',
      '0:a:0?',
      ...NO_METADATA,
      '-vf',
      SCALE_720,
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-crf',
      '23',
      '-profile:v',
      'high',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-b:a',
      '128k',
      '-ac',
      '2',
      '-movflags',
      '+faststart',
      '-threads',
      '2',
      '-f',
      'mp4',
      fileUrl(`${rendition}.tmp`),
    ],
    60 * MINUTE,
    children,
  );
  await rename(`${rendition}.tmp`, rendition);
  await rm(uploadPathOf(root, row.id), { force: true });
  return {
    ok: true,
    made: {
      original_path: relativePath(root, original),
      thumbnail_path: null,
      poster_path: relativePath(root, poster),
      rendition_path: relativePath(root, rendition),
      width: seen.width,
      height: seen.height,
      duration_ms: seen.durationMs,
    },
  };
}

const UNREADABLE: Readonly<Record<string, string>> = {
  image: 'image-unreadable',
  video: 'video-unreadable',
  pdf: 'file-missing',
};

export interface ProcessorDeps {
  store: Store<Schema>;
  now: () => Date;
  root: string;
  events: CabinetEvents;
  log: FastifyBaseLogger;
}

/** Marks an unfinished file failed with a stable code and deletes its bytes (the row stays, to say why). */
export async function failFile(
  deps: Pick<ProcessorDeps, 'store' | 'now' | 'root'>,
  fileId: string,
  problem: string,
): Promise<void> {
  // Bytes first: once the row says failed, nothing of the file is left.
  await removeFolder(deps.root, fileId);
  await deps.store.db
    .updateTable('hub_cabinet_file')
    .set({
      status: 'failed',
      problem,
      original_path: null,
      thumbnail_path: null,
      poster_path: null,
      rendition_path: null,
      updated_at: deps.now().toISOString(),
    })
    .where('id', '=', fileId)
    .where('status', 'in', ['uploading', 'processing'])
    .execute();
}

/**
 * Runs the processing: videos one at a time in the background (a bounded queue, so conversions never
 * crowd out the hub), photos and PDFs at once for the uploader who waits (at most two at a time).
 */
export class FileProcessor {
  private readonly queue: string[] = [];
  private videoRunning = false;
  private closed = false;
  private imageSlots = 2;
  private readonly waiting: (() => void)[] = [];
  private readonly children = new ToolChildren();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: ProcessorDeps) {}

  /** Queues a video (or a file found `processing` at start). */
  enqueue(fileId: string): void {
    if (this.closed || this.queue.includes(fileId)) return;
    this.queue.push(fileId);
    this.track(this.pump());
  }

  /** Processes a photo or PDF now; the caller waits. */
  async processNow(fileId: string): Promise<void> {
    if (this.imageSlots === 0) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.imageSlots -= 1;
    try {
      await this.process(fileId);
    } finally {
      this.imageSlots += 1;
      this.waiting.shift()?.();
    }
  }

  /** At start: every file left `processing` (the hub stopped during its conversion) is done again. */
  async recover(): Promise<number> {
    const rows = await this.deps.store.db
      .selectFrom('hub_cabinet_file')
      .select(['id', 'kind'])
      .where('status', '=', 'processing')
      .orderBy('updated_at')
      .execute();
    for (const row of rows) {
      if (row.kind === 'video') this.enqueue(row.id);
      else this.track(this.processNow(row.id));
    }
    return rows.length;
  }

  /** Stops: running conversions are killed and stay `processing`, for the next start. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.children.killAll();
  }

  /** Resolves when nothing is queued or running (tests). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) =>
      this.deps.log.error({ err: error }, 'cabinet file processing'),
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private async pump(): Promise<void> {
    if (this.videoRunning) return;
    this.videoRunning = true;
    try {
      for (let next = this.queue.shift(); next && !this.closed; next = this.queue.shift()) {
        await this.process(next);
      }
    } finally {
      this.videoRunning = false;
    }
  }

  private async process(fileId: string): Promise<void> {
    const { store, root } = this.deps;
    const row = await store.db
      .selectFrom('hub_cabinet_file')
      .selectAll()
      .where('id', '=', fileId)
      .where('status', '=', 'processing')
      .executeTakeFirst();
    if (!row || this.closed) return;
    let outcome: Outcome;
    try {
      outcome =
        row.kind === 'image'
          ? await makeImage(root, row, this.children)
          : row.kind === 'video'
            ? await makeVideo(root, row, this.children)
            : await makePdf(root, row);
    } catch (error) {
      if (this.closed) return; // killed by the shutdown: stays processing, done again at the next start
      if (error instanceof ToolMissing) {
        this.deps.log.error({ err: error }, 'cabinet files need ffmpeg');
        outcome = refused('processing-unavailable');
      } else {
        if (!(error instanceof Unreadable))
          this.deps.log.warn({ err: error, fileId }, 'cabinet file processing');
        outcome = refused(UNREADABLE[row.kind] ?? 'file-missing');
      }
    }
    if (this.closed) return;
    if (outcome.ok) {
      const done = await store.db
        .updateTable('hub_cabinet_file')
        .set({ ...outcome.made, status: 'ready', problem: null, updated_at: this.deps.now().toISOString() })
        .where('id', '=', fileId)
        .where('status', '=', 'processing')
        .executeTakeFirst();
      // Deleted meanwhile: nothing may stay on disk.
      if (Number(done.numUpdatedRows) === 0) await removeFolder(root, fileId);
    } else {
      await failFile(this.deps, fileId, outcome.problem);
    }
    // A post that carries it shows it changed (a video now plays, or failed).
    const now = await store.db
      .selectFrom('hub_cabinet_file')
      .select('post_id')
      .where('id', '=', fileId)
      .executeTakeFirst();
    if (now?.post_id) this.deps.events.publish({ type: 'cabinet', cabinetId: row.cabinet_id });
  }
}
