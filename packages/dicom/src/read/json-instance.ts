// An instance told in the DICOM JSON model (a WADO-RS metadata entry, PS3.18 F.2), as a PACS answers
// over DICOMweb: the same fields and checks as a file's header, so both sources index alike.
import type { DicomJson, DicomJsonAttribute, ReadResult } from '../model.js';
import { instanceFields, missingUids } from './instance.js';

const TAG = /^[0-9A-F]{8}$/;
const VR = /^[A-Z]{2}$/;

/**
 * The instance of one WADO-RS metadata entry. Its `json` is normalised to what `readDicomFile` gives
 * for the same file: tags upper case and in order, `{ vr, Value | InlineBinary }` per attribute, no File
 * Meta group, no group lengths, no Pixel Data; an attribute the source only references (`BulkDataURI`,
 * a link into the PACS) keeps its VR without value. `pixelData` is null: the pixels stay with the
 * source, which serves them by frame. `transferSyntaxUid` is the one the source declares (0002,0010), or
 * empty when it does not say.
 */
export function readDicomJson(entry: unknown): ReadResult {
  if (!isObject(entry))
    return { ok: false, code: 'not-dicom', message: 'a metadata entry that is not an object' };
  const json = normalised(entry, true);
  const fields = instanceFields(json);
  const missing = missingUids(fields);
  if (missing.length > 0) return { ok: false, code: 'missing-uid', message: `missing ${missing.join(', ')}` };
  if (!fields.patientId)
    return { ok: false, code: 'missing-patient-id', message: 'Patient ID (0010,0020) is absent or empty' };
  const syntax = (entry['00020010'] as DicomJsonAttribute | undefined)?.Value?.[0];
  return {
    ok: true,
    instance: {
      ...fields,
      transferSyntaxUid: typeof syntax === 'string' ? syntax : '',
      pixelData: null,
      json,
    },
  };
}

function normalised(data: Record<string, unknown>, topLevel: boolean): DicomJson {
  const out: DicomJson = {};
  const entries = Object.entries(data)
    .map(([tag, a]) => [tag.toUpperCase(), a] as const)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  for (const [tag, a] of entries) {
    if (!TAG.test(tag) || tag.startsWith('0002') || tag.endsWith('0000') || tag.startsWith('FFFE')) continue;
    if (topLevel && tag === '7FE00010') continue;
    if (!isObject(a) || typeof a.vr !== 'string' || !VR.test(a.vr)) continue;
    out[tag] = attribute(a.vr, a);
  }
  return out;
}

/** As the file reader writes it: a sequence always with its (maybe empty) items, else a value or none. */
function attribute(vr: string, a: Record<string, unknown>): DicomJsonAttribute {
  if (vr === 'SQ')
    return {
      vr,
      Value: Array.isArray(a.Value)
        ? a.Value.map((item) => (isObject(item) ? normalised(item, false) : {}))
        : [],
    };
  if (Array.isArray(a.Value) && a.Value.length > 0) return { vr, Value: a.Value };
  if (typeof a.InlineBinary === 'string' && a.InlineBinary !== '')
    return { vr, InlineBinary: a.InlineBinary };
  return { vr };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
