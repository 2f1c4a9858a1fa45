// Parsing the header of a Part 10 file: preamble, DICM, File Meta Information, data set up to Pixel Data.
import { constants, inflateRawSync } from 'node:zlib';
import dicomParser, { type DataSet } from 'dicom-parser';
import { frameBytes } from '../layout.js';
import type { DicomProblemCode, ReadResult } from '../model.js';
import { transferSyntaxInfo } from '../transfer-syntax.js';
import { textDecoding } from './charset.js';
import { dictionaryVr } from './dictionary.js';
import { instanceFields, missingUids } from './instance.js';
import { dataSetToJson } from './json-model.js';

const PIXEL_DATA = 'x7fe00010';

/** The most header we read or inflate: beyond this a file is refused (`truncated`, with a message saying so). */
export const MAX_HEADER_BYTES = 64 * 1024 * 1024;

/** The result, or a request for more bytes when `bytes` is a prefix of a longer file that ended too soon. */
export type HeaderParse = { kind: 'done'; result: ReadResult } | { kind: 'need-more' };

const fail = (code: DicomProblemCode, message: string): HeaderParse => ({
  kind: 'done',
  result: { ok: false, code, message },
});

/**
 * Parses `bytes`, the first bytes of a file of `fileSize` bytes (all of it when equal). Never throws:
 * dicom-parser's exceptions (strings, objects, errors) become results.
 */
export function parseHeader(bytes: Uint8Array, fileSize: number): HeaderParse {
  try {
    return parseUnsafe(bytes, fileSize);
  } catch (e) {
    return bytes.length < fileSize ? { kind: 'need-more' } : fail('not-dicom', `unreadable: ${describe(e)}`);
  }
}

function parseUnsafe(bytes: Uint8Array, fileSize: number): HeaderParse {
  const complete = bytes.length >= fileSize;
  if (bytes.length < 132) {
    if (!complete) return { kind: 'need-more' };
    return fail('not-dicom', `${bytes.length} bytes: shorter than the 128-byte preamble and DICM prefix`);
  }
  if (bytes[128] !== 0x44 || bytes[129] !== 0x49 || bytes[130] !== 0x43 || bytes[131] !== 0x4d)
    return fail('not-dicom', 'no DICM prefix after the 128-byte preamble (not a DICOM Part 10 file)');

  let meta: DataSet;
  try {
    meta = dicomParser.readPart10Header(bytes);
  } catch (e) {
    if (!complete) return { kind: 'need-more' };
    return fail('truncated', `File Meta Information ends early: ${describe(e)}`);
  }
  // Nothing after group 0002: the file was cut in (or right after) its File Meta Information.
  const metaEnd = (meta as DataSet & { position?: number }).position ?? bytes.length;
  if (metaEnd >= bytes.length) {
    if (!complete) return { kind: 'need-more' };
    return fail('truncated', 'the file ends in or right after its File Meta Information');
  }
  const transferSyntaxUid = meta.string('x00020010')?.replace(/\0/g, '').trim();
  if (!transferSyntaxUid)
    return fail('not-dicom', 'File Meta Information has no Transfer Syntax UID (0002,0010)');
  const syntax = transferSyntaxInfo(transferSyntaxUid);
  if (!syntax) return fail('unsupported-transfer-syntax', `unknown transfer syntax ${transferSyntaxUid}`);

  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, {
      untilTag: PIXEL_DATA,
      vrCallback: (tag: string) => {
        const vr = dictionaryVr(tag);
        return vr === 'UN' ? undefined : vr;
      },
      // dicom-parser parses the inflated bytes from position 0; we bound what inflating may produce.
      inflater: (all: Uint8Array, position: number) =>
        inflateRawSync(all.subarray(position), {
          finishFlush: constants.Z_SYNC_FLUSH,
          maxOutputLength: MAX_HEADER_BYTES,
        }),
    });
  } catch (e) {
    if (!complete) return { kind: 'need-more' };
    if (syntax.deflated && e instanceof RangeError)
      return fail(
        'unsupported-transfer-syntax',
        `deflated data set inflates beyond ${MAX_HEADER_BYTES} bytes`,
      );
    return fail('truncated', `the data set ends early: ${describe(e)}`);
  }
  const pixel = dataSet.elements[PIXEL_DATA];
  const ranOut = dataSet.warnings.some((w) => /eof|end of (buffer|file)/i.test(w));
  if (!complete && (!pixel || ranOut)) return { kind: 'need-more' };
  if (ranOut) return fail('truncated', `the data set ends early: ${dataSet.warnings.join('; ')}`);

  const pixelRepresentation = dataSet.uint16('x00280103') ?? 0;
  // The data set's own Specific Character Set is picked up by dataSetToJson, as in every sequence item.
  const json = dataSetToJson(
    dataSet,
    { littleEndian: syntax.littleEndian, text: textDecoding([]), pixelRepresentation },
    true,
  );
  const fields = instanceFields(json);
  const missing = missingUids(fields);
  if (missing.length > 0) return fail('missing-uid', `missing ${missing.join(', ')}`);
  if (!fields.patientId) return fail('missing-patient-id', 'Patient ID (0010,0020) is absent or empty');

  const floatPixels = dataSet.elements.x7fe00008 ?? dataSet.elements.x7fe00009;
  if (!pixel && !floatPixels && fields.rows && fields.columns)
    return fail('truncated', 'an image (Rows, Columns) without Pixel Data: the file appears cut before it');

  let pixelData: { offset: number; length: number } | null = null;
  if (pixel && !syntax.deflated && !syntax.encapsulated) {
    if (pixel.hadUndefinedLength)
      return fail(
        'bad-pixel-data',
        'Pixel Data of undefined length (encapsulated) in a native transfer syntax',
      );
    const end = pixel.dataOffset + pixel.length;
    if (end > fileSize)
      return fail(
        'truncated',
        `Pixel Data declares ${pixel.length} bytes, the file ends ${end - fileSize} bytes short`,
      );
    const frame = frameBytes(fields);
    if (frame === null)
      return fail(
        'bad-pixel-data',
        'Pixel Data without usable Rows, Columns, Samples per Pixel, Bits Allocated',
      );
    const needed = frame * fields.numberOfFrames;
    if (pixel.length < needed)
      return fail(
        'bad-pixel-data',
        `Pixel Data has ${pixel.length} bytes, ${fields.numberOfFrames} frame(s) of ${fields.rows}×${fields.columns} need ${needed}`,
      );
    pixelData = { offset: pixel.dataOffset, length: pixel.length };
  }
  return { kind: 'done', result: { ok: true, instance: { ...fields, transferSyntaxUid, pixelData, json } } };
}

/** dicom-parser throws strings, `{ exception, dataSet }` objects and Errors. */
function describe(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'exception' in e)
    return describe((e as { exception: unknown }).exception);
  return String(e);
}

/** Parses the header of a whole Part 10 file held in memory. */
export function readDicomInstance(bytes: Uint8Array): ReadResult {
  const parsed = parseHeader(bytes, bytes.length);
  return parsed.kind === 'done'
    ? parsed.result
    : { ok: false, code: 'truncated', message: 'the file ends inside its header' };
}
