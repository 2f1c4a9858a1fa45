// A parsed data set to the DICOM JSON model (PS3.18 F.2), the form WADO-RS metadata and QIDO-RS answer in.
import type { DataSet, Element } from 'dicom-parser';
import { swapped } from '../layout.js';
import type { DicomJson, DicomJsonAttribute } from '../model.js';
import { type TextDecoding, textDecoding } from './charset.js';
import { dictionaryVr } from './dictionary.js';

/** Binary values up to this size go inline (base64); larger ones (beyond Pixel Data) are listed without value. */
export const INLINE_BINARY_LIMIT = 256 * 1024;

export interface JsonContext {
  littleEndian: boolean;
  text: TextDecoding;
  /** Pixel Representation of the top-level data set: resolves the dictionary's "US or SS". */
  pixelRepresentation: number;
}

const STRING_VRS = new Set([
  'AE',
  'AS',
  'CS',
  'DA',
  'DS',
  'DT',
  'IS',
  'LO',
  'LT',
  'PN',
  'SH',
  'ST',
  'TM',
  'UC',
  'UI',
  'UR',
  'UT',
]);
const SINGLE_VALUED_TEXT = new Set(['LT', 'ST', 'UT', 'UR']);
const NUMBER_SIZES: Readonly<Record<string, number>> = {
  US: 2,
  SS: 2,
  UL: 4,
  SL: 4,
  FL: 4,
  FD: 8,
  SV: 8,
  UV: 8,
};
/** Word size of binary VRs, for byte-swapping big-endian values (InlineBinary is little endian). */
const BINARY_WORD: Readonly<Record<string, number>> = { OW: 2, OF: 4, OL: 4, OD: 8, OV: 8 };

/** The tag as the JSON model writes it: `x00100010` → `00100010`. */
export const jsonTag = (tag: string) => tag.slice(1).toUpperCase();

/**
 * Every attribute of `dataSet` in the JSON model. Left out: the File Meta group 0002, group lengths, item
 * delimiters, and (at the top level only) Pixel Data.
 */
export function dataSetToJson(dataSet: DataSet, context: JsonContext, topLevel: boolean): DicomJson {
  const local = withOwnCharset(dataSet, context);
  const out: DicomJson = {};
  for (const tag of Object.keys(dataSet.elements).sort()) {
    const element = dataSet.elements[tag];
    if (!element) continue;
    if (tag.startsWith('x0002') || tag.startsWith('xfffe') || tag.endsWith('0000')) continue;
    if (topLevel && tag === 'x7fe00010') continue;
    out[jsonTag(tag)] = attribute(dataSet, element, local);
  }
  return out;
}

/** A sequence item may carry its own Specific Character Set (PS3.5 §6.1.2.3). */
function withOwnCharset(dataSet: DataSet, context: JsonContext): JsonContext {
  const own = dataSet.elements.x00080005;
  if (!own || own.length === 0) return context;
  const terms = asciiOf(dataSet, own).split('\\');
  return { ...context, text: textDecoding(terms) };
}

function asciiOf(dataSet: DataSet, element: Element): string {
  return textDecoding([]).decode(valueBytes(dataSet, element), 'CS');
}

function valueBytes(dataSet: DataSet, element: Element): Uint8Array {
  const start = Math.min(element.dataOffset, dataSet.byteArray.length);
  const end = Math.min(start + Math.max(0, element.length), dataSet.byteArray.length);
  return dataSet.byteArray.subarray(start, end);
}

/** The VR to report: the file's (explicit), else the dictionary's with its ambiguities resolved. */
function resolveVr(element: Element, context: JsonContext): string {
  let vr = element.vr && /^[A-Z]{2}$/.test(element.vr) ? element.vr : dictionaryVr(element.tag);
  if (vr === 'xs') vr = context.pixelRepresentation === 1 ? 'SS' : 'US';
  else if (vr === 'ox' || vr === 'lt') vr = 'OW';
  if (element.items && vr !== 'SQ') vr = 'SQ'; // an undefined-length UN read as a sequence
  return vr;
}

function attribute(dataSet: DataSet, element: Element, context: JsonContext): DicomJsonAttribute {
  const vr = resolveVr(element, context);
  if (vr === 'SQ') {
    const items = element.items ?? [];
    return {
      vr,
      Value: items.map((item) => (item.dataSet ? dataSetToJson(item.dataSet, context, false) : {})),
    };
  }
  const bytes = valueBytes(dataSet, element);
  if (bytes.length === 0) return { vr };
  if (STRING_VRS.has(vr)) return stringAttribute(vr, context.text.decode(bytes, vr));
  if (vr === 'AT') return { vr, Value: tags(bytes, context.littleEndian) };
  const size = NUMBER_SIZES[vr];
  if (size) return { vr, Value: numbers(vr, size, bytes, context.littleEndian) };
  // OB OD OF OL OV OW UN, and any VR we do not know: binary.
  if (bytes.length > INLINE_BINARY_LIMIT) return { vr };
  const word = context.littleEndian ? 1 : (BINARY_WORD[vr] ?? 1);
  return { vr, InlineBinary: Buffer.from(swapped(bytes, word)).toString('base64') };
}

function stringAttribute(vr: string, text: string): DicomJsonAttribute {
  if (SINGLE_VALUED_TEXT.has(vr)) {
    const value = text.replace(/[\0 ]+$/, '');
    return value === '' ? { vr } : { vr, Value: [value] };
  }
  const parts = text.split('\\');
  const values = parts.map((raw) => stringValue(vr, raw));
  if (values.every((v) => v === null)) return { vr };
  return { vr, Value: values };
}

function stringValue(vr: string, raw: string): unknown {
  const trailingTrimmed = raw.replace(/[\0 ]+$/, '');
  const value = vr === 'PN' || vr === 'UC' ? trailingTrimmed : trailingTrimmed.replace(/^[\0 ]+/, '');
  if (value === '') return null;
  switch (vr) {
    case 'DS': {
      const n = Number(value);
      return Number.isFinite(n) ? n : null;
    }
    case 'IS': {
      const n = Number(value);
      return Number.isFinite(n) ? Math.trunc(n) : null;
    }
    case 'PN':
      return personName(value);
    default:
      return value;
  }
}

const PN_GROUPS = ['Alphabetic', 'Ideographic', 'Phonetic'] as const;

function personName(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  value.split('=').forEach((group, i) => {
    const name = PN_GROUPS[i];
    const text = group.replace(/ +$/, '');
    if (name && text !== '') out[name] = text;
  });
  return out;
}

function tags(bytes: Uint8Array, littleEndian: boolean): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = [];
  for (let i = 0; i + 4 <= bytes.length; i += 4) {
    const group = view.getUint16(i, littleEndian);
    const element = view.getUint16(i + 2, littleEndian);
    out.push(((group << 16) | element).toString(16).toUpperCase().padStart(8, '0').slice(-8));
  }
  return out;
}

function numbers(vr: string, size: number, bytes: Uint8Array, le: boolean): unknown[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: unknown[] = [];
  for (let i = 0; i + size <= bytes.length; i += size) {
    switch (vr) {
      case 'US':
        out.push(view.getUint16(i, le));
        break;
      case 'SS':
        out.push(view.getInt16(i, le));
        break;
      case 'UL':
        out.push(view.getUint32(i, le));
        break;
      case 'SL':
        out.push(view.getInt32(i, le));
        break;
      case 'FL':
        out.push(finiteOrNull(view.getFloat32(i, le)));
        break;
      case 'FD':
        out.push(finiteOrNull(view.getFloat64(i, le)));
        break;
      default: {
        // SV / UV: a JSON number while exact, else the decimal string.
        const big = vr === 'SV' ? view.getBigInt64(i, le) : view.getBigUint64(i, le);
        out.push(
          big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(big)
            : big.toString(),
        );
      }
    }
  }
  return out;
}

/** JSON has no NaN or Infinity. */
const finiteOrNull = (n: number) => (Number.isFinite(n) ? n : null);
