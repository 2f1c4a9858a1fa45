// A frame to PNG (WADO-RS /rendered, thumbnails): greyscale through the modality and VOI LUTs, colour as is.
import { PNG } from 'pngjs';
import { frameBytes } from '../layout.js';
import { DicomError, type DicomInstance } from '../model.js';
import { nativePixelsProblem } from './frame.js';
import { fitWithin, resample } from './resample.js';

export interface RenderOptions {
  /** VOI window; both or neither (else the instance's own window, else the frame's min–max). */
  windowCenter?: number;
  windowWidth?: number;
  /** Scale so that the longer side is `size` pixels (1–4096). */
  size?: number;
}

/**
 * Frame `frame` (bytes as `readFrame` returns them) rendered to PNG: 8-bit grey after rescale and window
 * (MONOCHROME1 inverted), RGB as is (YBR_FULL converted, PALETTE COLOR through its lookup table).
 * Throws a `DicomError` for pixels it cannot render.
 */
export function renderPng(
  instance: DicomInstance,
  frame: Uint8Array,
  options: RenderOptions = {},
): Uint8Array {
  const problem = nativePixelsProblem(instance);
  if (problem) throw problem;
  const { rows, columns } = instance;
  const size = frameBytes(instance);
  if (!rows || !columns || size === null) throw new DicomError('bad-pixel-data', 'no usable image geometry');
  if (frame.length < size)
    throw new DicomError('bad-pixel-data', `a frame needs ${size} bytes, ${frame.length} were given`);
  const photometric = (instance.photometricInterpretation ?? 'MONOCHROME2').trim();
  const samples = instance.samplesPerPixel ?? 1;

  let pixels: Uint8Array;
  let channels: 1 | 3;
  if (samples === 1 && (photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2')) {
    pixels = greyscale(instance, frame, options, photometric === 'MONOCHROME1');
    channels = 1;
  } else if (samples === 1 && photometric === 'PALETTE COLOR') {
    pixels = palette(instance, frame);
    channels = 3;
  } else if (
    samples === 3 &&
    instance.bitsAllocated === 8 &&
    (photometric === 'RGB' || photometric === 'YBR_FULL')
  ) {
    pixels = interleavedRgb(instance, frame, photometric === 'YBR_FULL');
    channels = 3;
  } else {
    throw new DicomError(
      'bad-pixel-data',
      `cannot render ${photometric} with ${samples} sample(s) of ${instance.bitsAllocated} bits`,
    );
  }

  let width = columns;
  let height = rows;
  if (options.size !== undefined) {
    const target = fitWithin(columns, rows, Math.min(4096, Math.max(1, Math.round(options.size))));
    pixels = resample(pixels, columns, rows, channels, target.width, target.height);
    width = target.width;
    height = target.height;
  }
  const png = new PNG();
  png.width = width;
  png.height = height;
  png.data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  const colorType = channels === 1 ? 0 : 2;
  return PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: false, deflateLevel: 6 });
}

/** Stored values → modality values (rescale) → VOI window (PS3.3 C.11.2.1.2.1, linear) → 0–255. */
function greyscale(
  instance: DicomInstance,
  frame: Uint8Array,
  options: RenderOptions,
  invert: boolean,
): Uint8Array {
  const count = (instance.rows ?? 0) * (instance.columns ?? 0);
  const allocated = instance.bitsAllocated ?? 16;
  const stored = Math.min(instance.bitsStored ?? allocated, allocated);
  const highBit = highBitOf(instance, stored);
  const shift = Math.max(0, highBit - stored + 1);
  const signed = instance.pixelRepresentation === 1;
  const slope = instance.rescaleSlope ?? 1;
  const intercept = instance.rescaleIntercept ?? 0;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const bytes = allocated / 8;
  const mask = stored >= 32 ? 0xffffffff : 2 ** stored - 1;

  /** The stored value of pixel i, as an unsigned index under `mask`. */
  const raw = (i: number): number => {
    const v =
      allocated === 8
        ? (frame[i] as number)
        : allocated === 16
          ? view.getUint16(i * 2, true)
          : view.getUint32(i * bytes, true);
    return stored >= 32 ? v : (v >>> shift) & mask;
  };
  const modality = (index: number): number => {
    const value = signed && stored < 32 && index >= 2 ** (stored - 1) ? index - 2 ** stored : index;
    return value * slope + intercept;
  };

  const indices = new Uint32Array(count);
  let minIndexValue = Number.POSITIVE_INFINITY;
  let maxIndexValue = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const index = raw(i);
    indices[i] = index;
    const m = modality(index);
    if (m < minIndexValue) minIndexValue = m;
    if (m > maxIndexValue) maxIndexValue = m;
  }
  const window = voiWindow(instance, options, minIndexValue, maxIndexValue);
  const lower = window.center - 0.5 - (window.width - 1) / 2;
  const upper = window.center - 0.5 + (window.width - 1) / 2;
  const toGrey = (m: number): number => {
    let g: number;
    if (m <= lower) g = 0;
    else if (m > upper) g = 255;
    else g = Math.round(((m - (window.center - 0.5)) / (window.width - 1) + 0.5) * 255);
    g = Math.min(255, Math.max(0, g));
    return invert ? 255 - g : g;
  };

  const out = new Uint8Array(count);
  if (stored <= 16) {
    const lut = new Uint8Array(2 ** stored);
    for (let index = 0; index < lut.length; index++) lut[index] = toGrey(modality(index));
    for (let i = 0; i < count; i++) out[i] = lut[indices[i] as number] as number;
  } else {
    for (let i = 0; i < count; i++) out[i] = toGrey(modality(indices[i] as number));
  }
  return out;
}

function highBitOf(instance: DicomInstance, stored: number): number {
  const v = instance.json['00280102']?.Value?.[0];
  return typeof v === 'number' && v >= stored - 1 && v < (instance.bitsAllocated ?? 16) ? v : stored - 1;
}

function voiWindow(
  instance: DicomInstance,
  options: RenderOptions,
  min: number,
  max: number,
): { center: number; width: number } {
  if (options.windowCenter !== undefined && options.windowWidth !== undefined && options.windowWidth >= 1)
    return { center: options.windowCenter, width: options.windowWidth };
  if (instance.windowCenter !== null && instance.windowWidth !== null && instance.windowWidth >= 1)
    return { center: instance.windowCenter, width: instance.windowWidth };
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { center: 0, width: 1 };
  return { center: (min + max + 1) / 2, width: Math.max(1, max - min + 1) };
}

/** RGB or YBR_FULL, interleaved or planar (Planar Configuration 1), to interleaved RGB. */
function interleavedRgb(instance: DicomInstance, frame: Uint8Array, ybr: boolean): Uint8Array {
  const count = (instance.rows ?? 0) * (instance.columns ?? 0);
  const planar = instance.json['00280006']?.Value?.[0] === 1;
  const out = new Uint8Array(count * 3);
  for (let i = 0; i < count; i++) {
    const a = (planar ? frame[i] : frame[i * 3]) as number;
    const b = (planar ? frame[count + i] : frame[i * 3 + 1]) as number;
    const c = (planar ? frame[2 * count + i] : frame[i * 3 + 2]) as number;
    if (ybr) {
      out[i * 3] = clampByte(a + 1.402 * (c - 128));
      out[i * 3 + 1] = clampByte(a - 0.344136 * (b - 128) - 0.714136 * (c - 128));
      out[i * 3 + 2] = clampByte(a + 1.772 * (b - 128));
    } else {
      out[i * 3] = a;
      out[i * 3 + 1] = b;
      out[i * 3 + 2] = c;
    }
  }
  return out;
}

const clampByte = (v: number) => Math.min(255, Math.max(0, Math.round(v)));

/** PALETTE COLOR through the Red/Green/Blue Palette Color Lookup Tables carried inline in the JSON. */
function palette(instance: DicomInstance, frame: Uint8Array): Uint8Array {
  const tables = (['1201', '1202', '1203'] as const).map((data, k) =>
    lookupTable(instance, `0028110${k + 1}`, `0028${data}`),
  );
  const count = (instance.rows ?? 0) * (instance.columns ?? 0);
  const out = new Uint8Array(count * 3);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  for (let i = 0; i < count; i++) {
    const index = instance.bitsAllocated === 16 ? view.getUint16(i * 2, true) : (frame[i] as number);
    tables.forEach((t, c) => {
      const k = Math.min(t.values.length - 1, Math.max(0, index - t.first));
      out[i * 3 + c] = t.bits === 16 ? (t.values[k] as number) >> 8 : (t.values[k] as number) & 0xff;
    });
  }
  return out;
}

function lookupTable(
  instance: DicomInstance,
  descriptorTag: string,
  dataTag: string,
): { first: number; bits: number; values: Uint16Array } {
  const descriptor = instance.json[descriptorTag]?.Value;
  const data = instance.json[dataTag]?.InlineBinary;
  if (!descriptor || descriptor.length < 3 || !data)
    throw new DicomError('bad-pixel-data', 'PALETTE COLOR without its lookup tables');
  const bytes = Buffer.from(data, 'base64');
  const entries = (descriptor[0] as number) || 65536;
  const bits = descriptor[2] === 8 && bytes.length === entries ? 8 : 16;
  const values =
    bits === 8
      ? Uint16Array.from(bytes)
      : Uint16Array.from({ length: Math.floor(bytes.length / 2) }, (_, i) => bytes.readUInt16LE(i * 2));
  if (values.length === 0) throw new DicomError('bad-pixel-data', 'empty palette lookup table');
  return { first: Number(descriptor[1]) || 0, bits, values };
}
