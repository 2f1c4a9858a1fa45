/**
 * What a Care Cabinet file may be: its declared type decides its kind and its size limit; its bytes must
 * then show the same family (a PNG declared as video/mp4 is refused).
 */

export const FILE_KINDS = ['image', 'video', 'pdf'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

const MB = 1024 * 1024;

/** The largest file of each kind, in bytes. */
export const FILE_MAX_BYTES: Readonly<Record<FileKind, number>> = {
  image: 20 * MB,
  pdf: 30 * MB,
  video: 500 * MB,
};

/** Files of one family are the same thing under two labels (HEIC/HEIF, MP4/MOV, WebM/Matroska). */
export type FileFamily = 'jpeg' | 'png' | 'webp' | 'heif' | 'pdf' | 'iso-video' | 'matroska';

interface AllowedType {
  kind: FileKind;
  family: FileFamily;
  /** The extension a served file's name gets. */
  extension: string;
}

/** Every media type a client may declare (aliases included), and what it means. */
export const ALLOWED_TYPES: Readonly<Record<string, AllowedType>> = {
  'image/jpeg': { kind: 'image', family: 'jpeg', extension: 'jpg' },
  'image/png': { kind: 'image', family: 'png', extension: 'png' },
  'image/webp': { kind: 'image', family: 'webp', extension: 'webp' },
  'image/heic': { kind: 'image', family: 'heif', extension: 'heic' },
  'image/heif': { kind: 'image', family: 'heif', extension: 'heif' },
  'application/pdf': { kind: 'pdf', family: 'pdf', extension: 'pdf' },
  'video/mp4': { kind: 'video', family: 'iso-video', extension: 'mp4' },
  'video/quicktime': { kind: 'video', family: 'iso-video', extension: 'mov' },
  'video/x-m4v': { kind: 'video', family: 'iso-video', extension: 'm4v' },
  'video/webm': { kind: 'video', family: 'matroska', extension: 'webm' },
  'video/x-matroska': { kind: 'video', family: 'matroska', extension: 'mkv' },
};

const ALIASES: Readonly<Record<string, string>> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/heic-sequence': 'image/heic',
  'image/heif-sequence': 'image/heif',
  'video/mov': 'video/quicktime',
  'video/matroska': 'video/x-matroska',
};

/** The declared type as this module knows it (lower case, no parameters, aliases resolved), or null. */
export function allowedType(declared: string): (AllowedType & { mediaType: string }) | null {
  const bare = declared.split(';')[0]?.trim().toLowerCase() ?? '';
  const mediaType = ALIASES[bare] ?? bare;
  const allowed = ALLOWED_TYPES[mediaType];
  return allowed ? { ...allowed, mediaType } : null;
}

/** A name fit to show and to download: no folders, no control characters, at most 200 characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 200);
  return clean.length > 0 ? clean : 'file';
}

/** The name with the extension of what the bytes are (a `.exe` stays text before it: `x.exe.pdf`). */
export function nameWithExtension(name: string, mediaType: string): string {
  const extension = ALLOWED_TYPES[mediaType]?.extension;
  if (!extension) return name;
  const known = new Set(Object.values(ALLOWED_TYPES).map((t) => t.extension));
  known.add('jpeg');
  const dot = name.lastIndexOf('.');
  const current = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (current === extension || (extension === 'jpg' && current === 'jpeg')) return name;
  return known.has(current) ? `${name.slice(0, dot)}.${extension}` : `${name}.${extension}`;
}

/** Uploads one user may have unfinished in one cabinet at once. */
export const MAX_OPEN_UPLOADS = 10;

/** An upload untouched this long is abandoned: its bytes are deleted (`upload-expired`). */
export const UPLOAD_EXPIRY_MS = 7 * 24 * 3600_000;

/** Free disk space kept beyond a new upload's size. */
export const DISK_RESERVE_BYTES = 512 * MB;

/** A photo larger than this many pixels is refused (a small file may decode to gigabytes). */
export const MAX_IMAGE_PIXELS = 100_000_000;

export const THUMBNAIL_MAX_PX = 320;
