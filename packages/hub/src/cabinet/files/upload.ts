import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { truncate } from 'node:fs/promises';
import { PassThrough, type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { HubDeps, HubPrincipal } from '../../http.js';
import { HubError } from '../../http.js';
import { auditCabinet } from '../audit.js';
import type { CabinetContext } from '../load.js';
import {
  allowedType,
  cleanFileName,
  DISK_RESERVE_BYTES,
  FILE_MAX_BYTES,
  MAX_OPEN_UPLOADS,
  UPLOAD_EXPIRY_MS,
} from './limits.js';
import { type FileProcessor, failFile } from './process.js';
import { SNIFF_BYTES, SNIFF_MIN_BYTES, sniff } from './sniff.js';
import {
  type FileRow,
  freeBytes,
  headOf,
  prepareFolder,
  removeFolder,
  sha256Of,
  sizeOf,
  uploadPathOf,
} from './storage.js';

/**
 * Resumable uploads (an iPad on a visiting nurse's mobile connection): the client declares the file,
 * then sends its bytes in one or more PATCHes, each at the offset the hub has; after an interruption it
 * asks for the offset (HEAD) and goes on from there. The bytes on disk are the truth: what arrived before
 * a connection broke is kept. When the last byte arrives the content is checked (magic bytes, against
 * the declared type), hashed, scanned, and processed (process.ts).
 */

export interface FilesDeps {
  store: HubDeps['store'];
  now: HubDeps['now'];
  settings: HubDeps['settings'];
  root: string;
  processor: FileProcessor;
  /** Files whose bytes are being written now (one writer per file). */
  busy: Set<string>;
}

export const fileNotFound = () =>
  new HubError(404, 'not-found', 'no such file / 該当するファイルはありません');

const refuse = (status: number, code: string, en: string, ja: string, details?: unknown) =>
  new HubError(status, code, `${en} / ${ja}`, details);

const entity = (id: string) => `Binary/${id}`;

/** The file of this cabinet, or 404. */
export async function fileOf(
  deps: Pick<FilesDeps, 'store'>,
  cabinetId: string,
  fileId: string,
): Promise<FileRow> {
  const row = await deps.store.db
    .selectFrom('hub_cabinet_file')
    .selectAll()
    .where('id', '=', fileId)
    .where('cabinet_id', '=', cabinetId)
    .executeTakeFirst();
  if (!row) throw fileNotFound();
  return row;
}

export const isUploader = (row: FileRow, principal: HubPrincipal) =>
  row.uploaded_by === principal.userId && row.uploader_facility_oid === principal.facilityOid;

/** A draft (not in a post yet) is its uploader's alone: to anyone else it does not exist. */
export function requireVisible(row: FileRow, principal: HubPrincipal): void {
  if (row.post_id === null && !isUploader(row, principal)) throw fileNotFound();
}

export interface NewUpload {
  name: string;
  size: number;
  type: string;
}

export async function createUpload(
  deps: FilesDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  input: NewUpload,
): Promise<FileRow> {
  const allowed = allowedType(input.type);
  if (!allowed) {
    throw new HubError(
      422,
      'invalid-input',
      'this kind of file is not accepted / この種類のファイルは送れません',
      [
        {
          field: 'type',
          code: 'type-not-allowed',
          message:
            'photos (JPEG, PNG, HEIC, WebP), videos (MP4, MOV, WebM) and PDFs only / 写真・動画・PDFのみ',
        },
      ],
    );
  }
  const limit = FILE_MAX_BYTES[allowed.kind];
  if (input.size > limit) {
    throw refuse(
      413,
      'too-large',
      `a ${allowed.kind} may have at most ${limit / 1024 / 1024} MB`,
      `${allowed.kind === 'image' ? '写真' : allowed.kind === 'video' ? '動画' : 'PDF'}は ${limit / 1024 / 1024} MB までです`,
      [{ field: 'size', code: 'too-large', message: `at most ${limit} bytes`, limit }],
    );
  }
  const open = await deps.store.db
    .selectFrom('hub_cabinet_file')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('cabinet_id', '=', context.cabinet.id)
    .where('uploaded_by', '=', principal.userId)
    .where('status', '=', 'uploading')
    .executeTakeFirst();
  if (Number(open?.n ?? 0) >= MAX_OPEN_UPLOADS) {
    throw refuse(
      429,
      'too-many-uploads',
      'finish or cancel your other uploads first',
      '送信中のファイルを完了するか取り消してください',
    );
  }
  const free = await freeBytes(deps.root);
  if (free !== null && free < input.size + DISK_RESERVE_BYTES) {
    throw refuse(507, 'storage-full', 'the hub has no room for this file now', '保存領域が不足しています');
  }
  const id = randomUUID();
  const at = deps.now().toISOString();
  const row: FileRow = {
    id,
    cabinet_id: context.cabinet.id,
    post_id: null,
    uploaded_by: principal.userId,
    uploader_facility_oid: principal.facilityOid,
    uploaded_at: at,
    updated_at: at,
    name: cleanFileName(input.name),
    declared_type: allowed.mediaType,
    media_type: null,
    kind: allowed.kind,
    size: input.size,
    upload_offset: 0,
    sha256: null,
    status: 'uploading',
    problem: null,
    width: null,
    height: null,
    duration_ms: null,
    original_path: null,
    thumbnail_path: null,
    poster_path: null,
    rendition_path: null,
  };
  await prepareFolder(deps.root, id);
  await deps.store.db.insertInto('hub_cabinet_file').values(row).execute();
  await auditCabinet(deps, principal, {
    action: 'C',
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what: 'file-create',
    entities: [entity(id)],
    detail: { kind: allowed.kind, size: String(input.size), type: allowed.mediaType },
  });
  return row;
}

/** The offset the hub has (the bytes on disk), for a resuming client. */
export async function currentOffset(deps: Pick<FilesDeps, 'root'>, row: FileRow): Promise<number> {
  return row.status === 'uploading' ? await sizeOf(uploadPathOf(deps.root, row.id)) : Number(row.size);
}

/** The refusal when a client's offset is not the hub's: 409, with the offset to resume at. */
export class OffsetMismatch extends HubError {
  constructor(readonly offset: number) {
    super(
      409,
      'offset-mismatch',
      `the hub has ${offset} bytes of this file: send from there / ${offset} バイト目から送ってください`,
      { offset },
    );
  }
}

function limiter(remaining: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > remaining) done(tooLong(remaining));
      else done(null, chunk);
    },
  });
}

/**
 * The request's body behind a PassThrough: a refusal midway (too long) ends the copy without destroying
 * the request, so the client still gets its 413; a broken connection still ends the copy, as an error.
 */
function detached(body: Readable): PassThrough {
  const proxy = new PassThrough();
  body.once('error', (error) => proxy.destroy(error));
  body.once('close', () => {
    if (!body.readableEnded) proxy.destroy(new Error('the connection broke'));
  });
  body.pipe(proxy);
  return proxy;
}

const tooLong = (remaining: number) =>
  refuse(
    413,
    'too-large',
    `more bytes than declared: ${remaining} were left`,
    '宣言したサイズを超えています',
    {
      remaining,
    },
  );

/** What the head of the bytes shows, checked against the declared type: its media type, or why it is refused. */
async function contentProblem(
  path: string,
  row: FileRow,
): Promise<{ problem: string; mediaType: string | null }> {
  const found = sniff(await headOf(path, SNIFF_BYTES));
  const declared = allowedType(row.declared_type);
  if (!found) return { problem: 'content-not-allowed', mediaType: null };
  if (!declared || declared.family !== found.family)
    return { problem: 'type-mismatch', mediaType: found.mediaType };
  return { problem: '', mediaType: found.mediaType };
}

const PROBLEMS: Readonly<Record<string, [string, string]>> = {
  'content-not-allowed': ['the content is not a photo, video or PDF', '写真・動画・PDFではありません'],
  'type-mismatch': ['the content is not what the file was declared as', '申告された種類と中身が違います'],
  infected: ['the virus scan found malware in this file', 'ウイルスが検出されました'],
  'scan-failed': ['the virus scan could not check this file', 'ウイルス検査ができませんでした'],
  'image-unreadable': ['the photo cannot be read', '写真を読み取れません'],
  'image-too-large': ['the photo has too many pixels', '写真の画素数が多すぎます'],
  'video-unreadable': ['the video cannot be read', '動画を読み取れません'],
  'processing-unavailable': ['the hub cannot process files now', 'ファイルを処理できません'],
  'file-missing': ['the file is gone', 'ファイルがありません'],
  'upload-expired': ['the upload was abandoned', '送信が中断されたままでした'],
};

export function problemError(problem: string): HubError {
  const [en, ja] = PROBLEMS[problem] ?? ['the file was refused', 'ファイルは受け付けられませんでした'];
  return refuse(422, problem, en, ja, { status: 'failed' });
}

async function refuseFile(
  deps: FilesDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  row: FileRow,
  problem: string,
): Promise<never> {
  await failFile(deps, row.id, problem);
  await auditCabinet(deps, principal, {
    action: 'U',
    outcome: '4',
    outcomeDescription: problem,
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what: 'file-upload',
    entities: [entity(row.id)],
  });
  throw problemError(problem);
}

/**
 * One PATCH: `body` appended at `offset` (which must be the hub's), streamed to disk. Returns the row
 * after it (complete, checked and processed when that was the last byte). A broken connection keeps
 * what arrived; a chunk past the declared size is refused whole.
 */
export async function appendChunk(
  deps: FilesDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  fileId: string,
  chunk: { offset: number; length: number | null; body: Readable },
): Promise<FileRow> {
  const row = await fileOf(deps, context.cabinet.id, fileId);
  if (!isUploader(row, principal)) {
    throw refuse(
      403,
      'uploader-only',
      'only its uploader may continue an upload',
      '送信者のみ続きを送れます',
    );
  }
  if (row.status !== 'uploading') {
    throw refuse(409, 'upload-finished', 'this upload is finished', 'このファイルの送信は完了しています', {
      status: row.status,
    });
  }
  if (deps.busy.has(fileId)) {
    throw refuse(409, 'upload-busy', 'another request is sending this file now', '別の送信が進行中です');
  }
  deps.busy.add(fileId);
  try {
    const path = uploadPathOf(deps.root, fileId);
    const before = await sizeOf(path);
    if (chunk.offset !== before) throw new OffsetMismatch(before);
    const remaining = Number(row.size) - before;
    if (chunk.length !== null && chunk.length > remaining) throw tooLong(remaining);
    const out = createWriteStream(path, { flags: 'a' });
    let failure: unknown = null;
    try {
      await pipeline(detached(chunk.body), limiter(remaining), out);
    } catch (error) {
      failure = error;
    }
    if (!out.closed) await once(out, 'close');
    // Past the declared size: the whole chunk goes. A broken connection: what arrived stays.
    if (failure instanceof HubError) await truncate(path, before);
    const offset = await sizeOf(path);
    await deps.store.db
      .updateTable('hub_cabinet_file')
      .set({ upload_offset: offset, updated_at: deps.now().toISOString() })
      .where('id', '=', fileId)
      .where('status', '=', 'uploading')
      .execute();
    if (failure) throw failure;
    const current = { ...row, upload_offset: offset };
    if (offset === Number(row.size)) return await finishUpload(deps, principal, context, current);
    // The first bytes already show a file that will be refused: say so now, not after 500 MB.
    if (before < SNIFF_MIN_BYTES && offset >= SNIFF_MIN_BYTES) {
      const { problem } = await contentProblem(path, current);
      if (problem) await refuseFile(deps, principal, context, current, problem);
    }
    return current;
  } finally {
    deps.busy.delete(fileId);
  }
}

async function finishUpload(
  deps: FilesDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  row: FileRow,
): Promise<FileRow> {
  const path = uploadPathOf(deps.root, row.id);
  const { problem, mediaType } = await contentProblem(path, row);
  if (problem || !mediaType)
    return refuseFile(deps, principal, context, row, problem || 'content-not-allowed');
  const sha256 = await sha256Of(path);
  let verdict: 'clean' | 'infected' | 'failed' = 'clean';
  if (deps.settings.cabinetScan) {
    verdict = await deps.settings
      .cabinetScan(path, { name: row.name, mediaType, size: Number(row.size), sha256 })
      .catch(() => 'failed' as const);
  }
  if (verdict !== 'clean') {
    await deps.store.db
      .updateTable('hub_cabinet_file')
      .set({ sha256, media_type: mediaType })
      .where('id', '=', row.id)
      .execute();
    return refuseFile(deps, principal, context, row, verdict === 'infected' ? 'infected' : 'scan-failed');
  }
  await deps.store.db
    .updateTable('hub_cabinet_file')
    .set({ status: 'processing', media_type: mediaType, sha256, updated_at: deps.now().toISOString() })
    .where('id', '=', row.id)
    .where('status', '=', 'uploading')
    .execute();
  if (row.kind === 'video') deps.processor.enqueue(row.id);
  else await deps.processor.processNow(row.id);
  const after = await fileOf(deps, context.cabinet.id, row.id);
  await auditCabinet(deps, principal, {
    action: 'U',
    outcome: after.status === 'failed' ? '4' : '0',
    ...(after.problem ? { outcomeDescription: after.problem } : {}),
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what: 'file-upload',
    entities: [entity(row.id)],
    detail: { status: after.status, type: mediaType, sha256 },
  });
  if (after.status === 'failed') throw problemError(after.problem ?? 'file-missing');
  return after;
}

/** Cancels a draft (the uploader's, not in a post): its bytes go, the row says `cancelled`. */
export async function deleteDraft(
  deps: FilesDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  fileId: string,
): Promise<void> {
  const row = await fileOf(deps, context.cabinet.id, fileId);
  requireVisible(row, principal);
  if (row.post_id !== null || !isUploader(row, principal)) {
    throw refuse(
      409,
      'in-a-post',
      'a file in a post stays with the post',
      '投稿に添付済みのファイルは削除できません',
    );
  }
  if (deps.busy.has(fileId)) {
    throw refuse(409, 'upload-busy', 'another request is sending this file now', '別の送信が進行中です');
  }
  await deps.store.db
    .updateTable('hub_cabinet_file')
    .set({
      status: 'failed',
      problem: 'cancelled',
      original_path: null,
      thumbnail_path: null,
      poster_path: null,
      rendition_path: null,
      updated_at: deps.now().toISOString(),
    })
    .where('id', '=', fileId)
    .where('post_id', 'is', null)
    .execute();
  await removeFolder(deps.root, fileId);
  await auditCabinet(deps, principal, {
    action: 'D',
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what: 'file-cancel',
    entities: [entity(fileId)],
  });
}

/** Uploads untouched for a week are abandoned: their bytes are deleted. Returns how many. */
export async function expireUploads(
  deps: Pick<FilesDeps, 'store' | 'now' | 'root' | 'busy'>,
): Promise<number> {
  const before = new Date(deps.now().getTime() - UPLOAD_EXPIRY_MS).toISOString();
  const stale = await deps.store.db
    .selectFrom('hub_cabinet_file')
    .select('id')
    .where('status', '=', 'uploading')
    .where('updated_at', '<', before)
    .execute();
  let expired = 0;
  for (const { id } of stale) {
    if (deps.busy.has(id)) continue;
    await failFile(deps, id, 'upload-expired');
    expired += 1;
  }
  return expired;
}
