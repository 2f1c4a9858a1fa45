/**
 * The viewer's side of DICOMweb (PS3.18) through the hub's per-patient proxy: where a study's series
 * and frames are, what the WADO-RS metadata (DICOM JSON, PS3.18 F.2) says about each image, a frame
 * out of its multipart/related answer, and the pixels made ready to draw (the modality LUT applied
 * here, because the GPU path of the renderer ignores rescale slope and intercept).
 */

/** One study of the patient at one facility, as the viewer's URL names it. */
export interface StudyRef {
  facilityOid: string;
  studyUid: string;
}

const UID = /^[0-9]+(\.[0-9]+)*$/;
const OID = /^[0-9]+(\.[0-9]+)*$/;

/** `facilityOid~studyUid` in the URL (both dotted numbers; `~` is never in either). */
export function studyParam(ref: StudyRef): string {
  return `${ref.facilityOid}~${ref.studyUid}`;
}

export function parseStudyParam(text: string | null): StudyRef | null {
  if (!text) return null;
  const [facilityOid, studyUid, extra] = text.split('~');
  if (extra !== undefined || !facilityOid || !studyUid) return null;
  if (!OID.test(facilityOid) || !UID.test(studyUid) || studyUid.length > 64 || facilityOid.length > 64)
    return null;
  return { facilityOid, studyUid };
}

/** The hub path of a study's DICOMweb resources (below /api/v1). */
export function studyPath(personId: string, ref: StudyRef): string {
  return `/patients/${encodeURIComponent(personId)}/dicomweb/${encodeURIComponent(ref.facilityOid)}/studies/${ref.studyUid}`;
}

type Tags = Record<string, { vr: string; Value?: unknown[] } | undefined>;

const first = (tags: Tags, tag: string): unknown => tags[tag]?.Value?.[0];
const text = (tags: Tags, tag: string): string | null => {
  const v = first(tags, tag);
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
};
const num = (tags: Tags, tag: string): number | null => {
  const v = first(tags, tag);
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : null;
};
const numbers = (tags: Tags, tag: string): number[] =>
  (tags[tag]?.Value ?? []).map((v) => (typeof v === 'number' ? v : Number(v))).filter(Number.isFinite);

/** What the viewer needs of one image (one frame of one instance). */
export interface ImageMeta {
  seriesUid: string;
  sopUid: string;
  frame: number;
  instanceNumber: number | null;
  rows: number;
  columns: number;
  samplesPerPixel: 1 | 3;
  bitsAllocated: 8 | 16;
  signed: boolean;
  photometric: string;
  slope: number;
  intercept: number;
  /** Row and column spacing in mm (PixelSpacing, else ImagerPixelSpacing: measurements then are at the detector). */
  spacing: [number, number] | null;
  /** Spacing from ImagerPixelSpacing (not corrected for magnification). */
  spacingAtDetector: boolean;
  window: { center: number; width: number } | null;
  position: number[] | null;
  orientation: number[] | null;
  frameOfReference: string | null;
  sliceLocation: number | null;
}

/** One series as the viewer shows it: its images in order, with what the overlay names. */
export interface SeriesMeta {
  seriesUid: string;
  number: number | null;
  modality: string;
  description: string;
  bodyPart: string;
  images: ImageMeta[];
  /** The first image's SOP Instance UID (its thumbnail). */
  firstSop: string;
}

export interface StudyMeta {
  studyUid: string;
  date: string | null;
  description: string;
  modalities: string[];
  series: SeriesMeta[];
  /** Images that cannot be shown (compressed, unusual layout): counted, named in the viewer. */
  unsupported: number;
}

function imageOf(tags: Tags): ImageMeta[] | null {
  const seriesUid = text(tags, '0020000E');
  const sopUid = text(tags, '00080018');
  const rows = num(tags, '00280010');
  const columns = num(tags, '00280011');
  const samples = num(tags, '00280002') ?? 1;
  const bits = num(tags, '00280100');
  if (!seriesUid || !sopUid || !rows || !columns) return null;
  if ((samples !== 1 && samples !== 3) || (bits !== 8 && bits !== 16)) return null;
  if (samples === 3 && (bits !== 8 || (num(tags, '00280006') ?? 0) !== 0)) return null;
  const pixel = numbers(tags, '00280030');
  const imager = numbers(tags, '00181164');
  const spacing =
    pixel.length === 2
      ? (pixel as [number, number])
      : imager.length === 2
        ? (imager as [number, number])
        : null;
  const centers = numbers(tags, '00281050');
  const widths = numbers(tags, '00281051');
  const frames = Math.max(1, num(tags, '00280008') ?? 1);
  const base: Omit<ImageMeta, 'frame'> = {
    seriesUid,
    sopUid,
    instanceNumber: num(tags, '00200013'),
    rows,
    columns,
    samplesPerPixel: samples,
    bitsAllocated: bits,
    signed: num(tags, '00280103') === 1,
    photometric: text(tags, '00280004') ?? (samples === 3 ? 'RGB' : 'MONOCHROME2'),
    slope: num(tags, '00281053') ?? 1,
    intercept: num(tags, '00281052') ?? 0,
    spacing: spacing && spacing[0] > 0 && spacing[1] > 0 ? spacing : null,
    spacingAtDetector: pixel.length !== 2 && imager.length === 2,
    window:
      centers[0] !== undefined && widths[0] !== undefined && widths[0] > 0
        ? { center: centers[0], width: widths[0] }
        : null,
    position: numbers(tags, '00200032').length === 3 ? numbers(tags, '00200032') : null,
    orientation: numbers(tags, '00200037').length === 6 ? numbers(tags, '00200037') : null,
    frameOfReference: text(tags, '00200052'),
    sliceLocation: num(tags, '00201041'),
  };
  return Array.from({ length: Math.min(frames, 2000) }, (_, i) => ({ ...base, frame: i + 1 }));
}

/**
 * A study's WADO-RS metadata (one DICOM JSON object per instance) as series of images, in the
 * order a radiologist reads them: series by number, images by instance number (then position
 * along the slice normal, then UID).
 */
export function studyMetaOf(instances: readonly Tags[]): StudyMeta {
  const bySeries = new Map<string, { tags: Tags; images: ImageMeta[] }>();
  let unsupported = 0;
  for (const tags of instances) {
    const images = imageOf(tags);
    if (!images) {
      unsupported++;
      continue;
    }
    const uid = images[0]!.seriesUid;
    const held = bySeries.get(uid) ?? { tags, images: [] };
    held.images.push(...images);
    bySeries.set(uid, held);
  }
  const any = instances[0] ?? {};
  const series: SeriesMeta[] = [...bySeries.values()].map(({ tags, images }) => {
    images.sort(
      (a, b) =>
        (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0) ||
        (a.sliceLocation ?? 0) - (b.sliceLocation ?? 0) ||
        a.sopUid.localeCompare(b.sopUid) ||
        a.frame - b.frame,
    );
    return {
      seriesUid: images[0]!.seriesUid,
      number: num(tags, '00200011'),
      modality: text(tags, '00080060') ?? '',
      description: text(tags, '0008103E') ?? '',
      bodyPart: text(tags, '00180015') ?? '',
      images,
      firstSop: images[0]!.sopUid,
    };
  });
  series.sort((a, b) => (a.number ?? 0) - (b.number ?? 0) || a.seriesUid.localeCompare(b.seriesUid));
  const date = text(any, '00080020');
  return {
    studyUid: text(any, '0020000D') ?? '',
    date: date && /^\d{8}$/.test(date) ? `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}` : null,
    description: text(any, '00081030') ?? '',
    modalities: [...new Set(series.map((s) => s.modality).filter(Boolean))],
    series,
    unsupported,
  };
}

/** The frame path of one image below its study. */
export const framePath = (image: ImageMeta): string =>
  `/series/${image.seriesUid}/instances/${image.sopUid}/frames/${image.frame}`;

export const thumbnailPath = (series: SeriesMeta): string =>
  `/series/${series.seriesUid}/instances/${series.firstSop}/thumbnail`;

/** The Accept of a frame request: uncompressed bytes (Explicit VR Little Endian), as the gateways send. */
export const FRAME_ACCEPT =
  'multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1';

/** The first part of a multipart/related answer (PS3.18 8.7.3.2), as bytes (no copy). */
export function firstPart(body: ArrayBuffer, contentType: string): Uint8Array {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  const bytes = new Uint8Array(body);
  if (!boundary) throw new Error('multipart answer without a boundary');
  const open = indexOf(bytes, ascii(`--${boundary}`), 0);
  if (open < 0) throw new Error('multipart answer without its boundary');
  const headersEnd = indexOf(bytes, ascii('\r\n\r\n'), open);
  if (headersEnd < 0) throw new Error('multipart part without headers');
  const start = headersEnd + 4;
  const close = indexOf(bytes, ascii(`\r\n--${boundary}`), start);
  if (close < 0) throw new Error('multipart part not closed (truncated answer)');
  return bytes.subarray(start, close);
}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const last = haystack.length - needle.length;
  const head = needle[0];
  outer: for (
    let i = haystack.indexOf(head!, from);
    i >= 0 && i <= last;
    i = haystack.indexOf(head!, i + 1)
  ) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Pixels ready to draw: grey values in modality units (HU for CT), or interleaved RGB. */
export interface Pixels {
  data: Int16Array | Float32Array | Uint8Array;
  min: number;
  max: number;
}

/**
 * A frame's stored values → modality values (value × slope + intercept; PS3.3 C.11.1): Int16 when
 * that stays exact, Float32 otherwise. Colour frames are passed through. A frame shorter than its
 * description is refused rather than drawn with garbage.
 */
export function pixelsOf(bytes: Uint8Array, image: ImageMeta): Pixels {
  const count = image.rows * image.columns * image.samplesPerPixel;
  const need = count * (image.bitsAllocated / 8);
  if (bytes.byteLength < need) throw new Error(`frame has ${bytes.byteLength} bytes, ${need} expected`);
  if (image.samplesPerPixel === 3) return { data: bytes.slice(0, count), min: 0, max: 255 };
  // Copied into an aligned buffer (a multipart part may start at an odd offset).
  const aligned = bytes.slice(0, need).buffer;
  const stored =
    image.bitsAllocated === 8
      ? image.signed
        ? new Int8Array(aligned)
        : new Uint8Array(aligned)
      : image.signed
        ? new Int16Array(aligned)
        : new Uint16Array(aligned);
  const { slope, intercept } = image;
  // Int16 when the values this frame holds stay integers in its range (a CT in HU), else Float32.
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const x = stored[i]!;
    if (x < low) low = x;
    if (x > high) high = x;
  }
  const ends = [low * slope + intercept, high * slope + intercept];
  const fitsInt16 =
    Number.isInteger(slope) &&
    Number.isInteger(intercept) &&
    Math.min(...ends) >= -32768 &&
    Math.max(...ends) <= 32767;
  const out = fitsInt16 ? new Int16Array(count) : new Float32Array(count);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const v = stored[i]! * slope + intercept;
    out[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { data: out, min, max };
}

/** Window presets (center, width in HU) a radiologist expects for CT. */
export const CT_PRESETS = {
  lung: { center: -600, width: 1500 },
  mediastinum: { center: 40, width: 400 },
  bone: { center: 400, width: 1800 },
  brain: { center: 40, width: 80 },
} as const;
export type CtPreset = keyof typeof CT_PRESETS;
