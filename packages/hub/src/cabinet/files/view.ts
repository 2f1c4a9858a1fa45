import type { CabinetAttachmentView } from '@hie/contract';
import type { FileRow } from './storage.js';

/** A file's URL under the API; readers of the cabinet only (and its uploader while it is a draft). */
export const fileUrlOf = (row: Pick<FileRow, 'cabinet_id' | 'id'>) =>
  `/api/v1/cabinets/${encodeURIComponent(row.cabinet_id)}/files/${row.id}`;

/** The small picture to show for it: a photo's thumbnail, a video's poster; null when there is none (yet). */
export function thumbnailUrlOf(row: Pick<FileRow, 'cabinet_id' | 'id' | 'thumbnail_path' | 'poster_path'>) {
  if (row.thumbnail_path) return `${fileUrlOf(row)}?variant=thumbnail`;
  if (row.poster_path) return `${fileUrlOf(row)}?variant=poster`;
  return null;
}

/** The file as a post shows it. */
export function attachmentView(row: FileRow): CabinetAttachmentView {
  return {
    type: 'file',
    id: row.id,
    kind: row.kind,
    name: row.name,
    mediaType: row.media_type ?? row.declared_type,
    size: Number(row.size),
    status: row.status === 'ready' || row.status === 'failed' ? row.status : 'processing',
    problem: row.problem,
    url: fileUrlOf(row),
    thumbnailUrl: thumbnailUrlOf(row),
  };
}

/** The file as its own calls answer (creation, upload, status). */
export function fileView(row: FileRow) {
  return {
    id: row.id,
    cabinetId: row.cabinet_id,
    postId: row.post_id,
    name: row.name,
    kind: row.kind,
    declaredType: row.declared_type,
    mediaType: row.media_type,
    size: Number(row.size),
    offset: Number(row.upload_offset),
    status: row.status,
    problem: row.problem,
    sha256: row.sha256,
    width: row.width,
    height: row.height,
    durationMs: row.duration_ms,
    uploadedBy: row.uploaded_by,
    uploadedAt: row.uploaded_at,
    uploadUrl: fileUrlOf(row),
    url: fileUrlOf(row),
    thumbnailUrl: thumbnailUrlOf(row),
    renditionUrl: row.rendition_path ? `${fileUrlOf(row)}?variant=rendition` : null,
  };
}
