/**
 * What a chosen file is, before the hub says so: the type to declare (a browser may give none, e.g. a
 * HEIC photo on a PC), the kind to show it as, and sizes in MB as a nurse reads them. Pure. The hub
 * decides: it checks the declared type, the size and the bytes themselves.
 */
import { MB } from './upload';

export type FileKind = 'image' | 'video' | 'pdf';

/** What the picker offers (the hub refuses anything else anyway). */
export const ACCEPT_ANY =
  'image/jpeg,image/png,image/webp,image/heic,image/heif,video/mp4,video/quicktime,video/webm,video/x-matroska,application/pdf,.jpg,.jpeg,.png,.webp,.heic,.heif,.mp4,.mov,.m4v,.webm,.mkv,.pdf';

/** The limits the hub keeps (README "Files"), for the hint under the buttons. */
export const LIMIT_MB: Readonly<Record<FileKind, number>> = { image: 20, pdf: 30, video: 500 };

const BY_EXTENSION: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  mp4: 'video/mp4',
  m4v: 'video/x-m4v',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  pdf: 'application/pdf',
};

const extensionOf = (name: string): string => {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
};

/** The type to declare: the browser's, else the one the name's extension says, else a generic one. */
export function declaredType(file: { name: string; type: string }): string {
  const given = file.type.trim().toLowerCase();
  if (given && given !== 'application/octet-stream') return given;
  return BY_EXTENSION[extensionOf(file.name)] ?? (given || 'application/octet-stream');
}

/** Image, video or PDF by the declared type; null for anything else (the hub will refuse it). */
export function kindOf(type: string): FileKind | null {
  if (type === 'application/pdf') return 'pdf';
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('video/')) return 'video';
  return null;
}

/** A preview the browser itself can show at once (not a HEIC on most browsers). */
export const canPreview = (type: string): boolean =>
  ['image/jpeg', 'image/png', 'image/webp', 'image/gif'].includes(type);

/** 0.3 MB, 12.4 MB, 130 MB: one decimal below 100. */
export function mb(bytes: number): string {
  const value = bytes / MB;
  if (value >= 100) return String(Math.round(value));
  if (bytes > 0 && value < 0.1) return '0.1';
  return value.toFixed(1);
}

/** "3.2 / 12.4 MB" */
export const progressText = (sent: number, total: number): string => `${mb(sent)} / ${mb(total)} MB`;

/** Whole percent, never 100 before the last byte is in. */
export function percent(sent: number, total: number): number {
  if (total <= 0) return 100;
  if (sent >= total) return 100;
  return Math.min(99, Math.floor((sent / total) * 100));
}

/** A file's size as a PDF link shows it: 850 KB, 2.4 MB. */
export function sizeText(bytes: number): string {
  if (bytes < MB) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${mb(bytes)} MB`;
}

/** `…/files/<id>` with `?variant=`: the hub's own URL with the query the README names for each variant. */
export function variantUrl(url: string, variant: 'rendition' | 'poster' | 'thumbnail' | 'original'): string {
  const base = url.split('?')[0] ?? url;
  return `${base}?variant=${variant}`;
}
