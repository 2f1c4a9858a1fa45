// Writing Part 10 files (Explicit VR Little Endian, UTF-8) from naturalized data sets, with dcmjs.
import dcmjs from 'dcmjs';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../transfer-syntax.js';
import { deterministicUid } from '../uid.js';

/** Our implementation's identity in the File Meta Information (a 2.25 UID derived from the name). */
export const IMPLEMENTATION_CLASS_UID = deterministicUid('@hie/dicom', 'implementation');
export const IMPLEMENTATION_VERSION_NAME = 'HIE_DICOM_0_1';

const { DicomDict, DicomMetaDictionary } = dcmjs.data;

/**
 * Writes a Part 10 file (Explicit VR Little Endian) from a naturalized data set in dcmjs style
 * (`{ PatientName: 'Yamada^Taro=山田^太郎', Rows: 512, PixelData: Int16Array, … }`).
 *
 * Text is always written as UTF-8: Specific Character Set defaults to `ISO_IR 192`, and a data set that
 * declares another one while holding non-ASCII text is refused (TypeError), since its bytes would lie.
 * `PixelData` may be an ArrayBuffer, a typed array, or an array of either (frames, concatenated); its VR is
 * OW when Bits Allocated > 8, else OB. `_meta` (naturalized File Meta Information) overrides what is derived.
 */
export function writeDicom(dataset: Record<string, unknown>): Uint8Array {
  const { _meta, _vrMap, PixelData, ...attributes } = dataset;
  const sopClassUid = attributes.SOPClassUID;
  const sopInstanceUid = attributes.SOPInstanceUID;
  if (typeof sopClassUid !== 'string' || typeof sopInstanceUid !== 'string')
    throw new TypeError('writeDicom: SOPClassUID and SOPInstanceUID are required (strings)');
  const charset = attributes.SpecificCharacterSet ?? 'ISO_IR 192';
  if (charset !== 'ISO_IR 192' && hasNonAscii(attributes))
    throw new TypeError(
      `writeDicom: text is written as UTF-8, but SpecificCharacterSet is ${String(charset)}`,
    );

  const natural: Record<string, unknown> = { SpecificCharacterSet: charset, ...attributes };
  const vrMap: Record<string, string> = { ...(isRecord(_vrMap) ? (_vrMap as Record<string, string>) : {}) };
  if (PixelData !== undefined) {
    natural.PixelData = [pixelBuffer(PixelData)];
    vrMap.PixelData ??= Number(attributes.BitsAllocated ?? 8) > 8 ? 'OW' : 'OB';
  }
  natural._vrMap = vrMap;

  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClassUid,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION_NAME,
    ...(isRecord(_meta) ? _meta : {}),
  };
  if (meta.TransferSyntaxUID !== EXPLICIT_VR_LITTLE_ENDIAN)
    throw new TypeError('writeDicom: only Explicit VR Little Endian (1.2.840.10008.1.2.1) is written');
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(natural);
  return new Uint8Array(dict.write());
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** One ArrayBuffer holding exactly the pixel bytes (dcmjs writes whole buffers, not views). */
function pixelBuffer(value: unknown): ArrayBuffer {
  const parts = (Array.isArray(value) ? value : [value]).map((part) => {
    if (part instanceof ArrayBuffer) return new Uint8Array(part);
    if (ArrayBuffer.isView(part)) return new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
    throw new TypeError('writeDicom: PixelData must be an ArrayBuffer, a typed array, or an array of them');
  });
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total + (total % 2)); // values have even length
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out.buffer;
}

function hasNonAscii(value: unknown): boolean {
  if (typeof value === 'string') return /[^\x00-\x7f]/.test(value);
  if (Array.isArray(value)) return value.some(hasNonAscii);
  if (isRecord(value)) return Object.values(value).some(hasNonAscii);
  return false;
}
