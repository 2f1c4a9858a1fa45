/** The signed consent form (同意書): a PDF or a photo/scan, recognised by its bytes, not by its label. */

export const FORM_MEDIA_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type FormMediaType = (typeof FORM_MEDIA_TYPES)[number];

/** What a client may send the form as; octet-stream is accepted and recognised by its bytes. */
export const FORM_CONTENT_TYPES = [...FORM_MEDIA_TYPES, 'application/octet-stream'] as const;

export const FORM_MAX_BYTES = 10 * 1024 * 1024;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const startsWith = (bytes: Uint8Array, prefix: readonly number[]) =>
  bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);

/** The media type by magic bytes, or null when the bytes are none of PDF, PNG, JPEG. */
export function sniffFormType(bytes: Uint8Array): FormMediaType | null {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'; // %PDF-
  if (startsWith(bytes, PNG)) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  return null;
}

/** `attachment; filename=…` safe for any name (RFC 6266 / 5987: ASCII fallback + UTF-8). */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export const FORM_EXTENSIONS: Readonly<Record<FormMediaType, string>> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
};
