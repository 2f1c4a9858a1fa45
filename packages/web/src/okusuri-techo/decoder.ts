/**
 * QR codes in a camera frame or a photo → their texts. The browser's own BarcodeDetector where it has
 * one that reads QR codes (Safari on iPad, Chrome on Android and macOS); else jsQR (pure JavaScript, no
 * WebAssembly, so the hub's CSP stays as it is), loaded only when this screen first needs it. jsQR
 * gives the code's bytes, read here as Shift_JIS or UTF-8 (notebook-codes.ts decodeQrBytes); a
 * platform text that read Shift_JIS bytes as Latin-1 is repaired, one with lost bytes (U+FFFD) is read
 * again by jsQR. jsQR finds one code per pass: a found code is painted over and the image read again;
 * and since two codes side by side can keep it from finding either, parts of the image are read on
 * their own too (REGIONS: all of them for a photo, the next one in turn for each camera frame). So a
 * split notebook's codes held in view together are all read.
 */
import { maskQuad, type Point } from './mask';
import { decodeQrBytes, repairLatin1 } from './notebook-codes';

export interface DecodedCode {
  text: string;
  unreadable: boolean;
}

export interface QrDecoder {
  readonly kind: 'native' | 'jsqr';
  /**
   * The codes in one image. `thorough` (photos): a larger image, inverted codes too, and the image's
   * halves read when the whole gives nothing.
   */
  decode(source: HTMLVideoElement | ImageBitmap, thorough?: boolean): Promise<DecodedCode[]>;
}

// The Shape Detection API is not in TypeScript's DOM library yet.
interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement | ImageBitmap | HTMLCanvasElement): Promise<DetectedBarcode[]>;
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

type JsQr = typeof import('jsqr').default;
let jsQrLoading: Promise<JsQr> | null = null;
const loadJsQr = () => {
  jsQrLoading ??= import('jsqr').then((m) => m.default);
  return jsQrLoading;
};

/** Most codes read from one image (a split notebook prints a few side by side). */
const MAX_CODES = 8;

async function nativeDetector(): Promise<BarcodeDetectorLike | null> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Detector) return null;
  try {
    const formats = await Detector.getSupportedFormats();
    return formats.includes('qr_code') ? new Detector({ formats: ['qr_code'] }) : null;
  } catch {
    return null;
  }
}

/** The decoder for this browser (a native one when it reads QR codes), jsQR loaded when needed. */
export async function createDecoder(): Promise<QrDecoder> {
  const canvas = document.createElement('canvas');
  const native = await nativeDetector();
  let region = 0;
  const withJsQr = async (source: HTMLVideoElement | ImageBitmap, thorough: boolean) =>
    readWithJsQr(await loadJsQr(), canvas, source, thorough, () => region++);
  if (!native) {
    await loadJsQr();
    return { kind: 'jsqr', decode: (source, thorough = false) => withJsQr(source, thorough) };
  }
  return {
    kind: 'native',
    async decode(source, thorough = false) {
      const found = await native.detect(source);
      const texts = found.map((b) => repairLatin1(b.rawValue));
      // Bytes the platform could not read are gone from its text: jsQR reads them from the image.
      if (texts.some((t) => t.includes('\uFFFD'))) return withJsQr(source, thorough);
      if (texts.length === 0 && thorough) return withJsQr(source, thorough);
      return texts.map((text) => ({ text, unreadable: false }));
    },
  };
}

const sizeOf = (source: HTMLVideoElement | ImageBitmap) =>
  'videoWidth' in source
    ? { width: source.videoWidth, height: source.videoHeight }
    : { width: source.width, height: source.height };

/**
 * Parts of an image read on their own: jsQR looks for three finder patterns, and two codes side by side
 * (six of them) can keep it from finding either. Halves, then quadrants (x, y, width, height as
 * fractions).
 */
export const REGIONS: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 0.5, 1],
  [0.5, 0, 0.5, 1],
  [0, 0, 1, 0.5],
  [0, 0.5, 1, 0.5],
  [0, 0, 0.5, 0.5],
  [0.5, 0, 0.5, 0.5],
  [0, 0.5, 0.5, 0.5],
  [0.5, 0.5, 0.5, 0.5],
];

/** Reads the whole image, then (a photo) every region, or (a camera frame) the next region in turn. */
function readWithJsQr(
  jsQR: JsQr,
  canvas: HTMLCanvasElement,
  source: HTMLVideoElement | ImageBitmap,
  thorough: boolean,
  nextRegion: () => number,
): DecodedCode[] {
  const { width, height } = sizeOf(source);
  if (!width || !height) return [];
  // A camera frame is read at most 1280 px wide (fast enough on the main thread); a photo larger.
  const limit = thorough ? 2400 : 1280;
  const scale = Math.min(1, limit / Math.max(width, height));
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) return [];
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  const w = canvas.width;
  const h = canvas.height;
  const options = { inversionAttempts: thorough ? ('attemptBoth' as const) : ('dontInvert' as const) };
  const out = readAll(jsQR, context.getImageData(0, 0, w, h), options);
  const regions = thorough ? REGIONS : [REGIONS[nextRegion() % REGIONS.length]!];
  for (const [fx, fy, fw, fh] of regions) {
    const x = Math.floor(fx * w);
    const y = Math.floor(fy * h);
    const part = context.getImageData(x, y, Math.max(1, Math.round(fw * w)), Math.max(1, Math.round(fh * h)));
    for (const code of readAll(jsQR, part, options))
      if (!out.some((o) => o.text === code.text)) out.push(code);
  }
  return out;
}

function readAll(
  jsQR: JsQr,
  image: ImageData,
  options: { inversionAttempts: 'attemptBoth' | 'dontInvert' },
): DecodedCode[] {
  const out: DecodedCode[] = [];
  for (let i = 0; i < MAX_CODES; i++) {
    const code = jsQR(image.data, image.width, image.height, options);
    if (!code) break;
    const eci = code.chunks.find((c) => c.type === 'eci');
    const read = decodeQrBytes(
      code.binaryData,
      eci && 'assignmentNumber' in eci ? eci.assignmentNumber : undefined,
    );
    if (!out.some((o) => o.text === read.text)) out.push({ text: read.text, unreadable: read.unreadable });
    const l = code.location;
    const corners: Point[] = [l.topLeftCorner, l.topRightCorner, l.bottomRightCorner, l.bottomLeftCorner];
    maskQuad(image.data, image.width, image.height, corners);
  }
  return out;
}
