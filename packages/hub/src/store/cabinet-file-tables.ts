/** Care Cabinet files (photos, videos, PDFs): metadata here, bytes on disk. Owned by hub/cabinet/files. */

/**
 * One uploaded file. The bytes live under `HubSettings.cabinetFilesDir`; the paths here are relative to
 * it, so the folder may move. A file is its uploader's until it is in a post; then every reader's.
 */
export interface HubCabinetFileTable {
  id: string;
  cabinet_id: string;
  /** The post that carries it; null while it is the uploader's draft. */
  post_id: string | null;
  uploaded_by: string;
  /** The facility the uploader acted for. */
  uploader_facility_oid: string;
  uploaded_at: string;
  updated_at: string;
  /** As the client named it (no folders). */
  name: string;
  /** The media type the client declared. */
  declared_type: string;
  /** The media type its bytes show (magic bytes); null until the last byte arrived. */
  media_type: string | null;
  /** image | video | pdf */
  kind: string;
  /** The size declared at the start, in bytes: the upload is complete at this offset. */
  size: number;
  /** Bytes received so far (the disk is the truth; this follows it). */
  upload_offset: number;
  /** Of the bytes as uploaded (before metadata was removed). */
  sha256: string | null;
  /** uploading | processing | ready | failed */
  status: string;
  /** Why it failed: a stable code (`type-mismatch`, `infected`, `video-unreadable`, …). */
  problem: string | null;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  /** The file as served (photos and videos without their metadata). */
  original_path: string | null;
  thumbnail_path: string | null;
  poster_path: string | null;
  rendition_path: string | null;
}

export interface HubCabinetFileSchema {
  hub_cabinet_file: HubCabinetFileTable;
}
