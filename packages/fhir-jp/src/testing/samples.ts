// Test support (not built): the SS-MIX2 sample files, parsed and named.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Hl7Message, parseHl7 } from '@hie/hl7v2';
import { parseFileName, type Ssmix2FileName } from '@hie/ssmix2';
import { type MappingResult, type MappingSource, mapMessage } from '../index.js';
import { assertValid } from './fhir-schema.js';

export const SAMPLES = fileURLToPath(new URL('../../../../fixtures/samples/', import.meta.url));
export const FACILITY = { institutionCode: '1311234567', name: '登呂病院' };

export interface Sample {
  path: string;
  fileName: Ssmix2FileName;
  message: Hl7Message;
}

function files(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(path);
    }
  };
  walk(join(SAMPLES, folder));
  return out;
}

/** Every message of a sample storage root (nho, synthetic-ssmixtwins), parsed. */
export function loadSamples(folder: string): Sample[] {
  return files(folder).map((path) => {
    const name = parseFileName(basename(path));
    if (!name.ok) throw new Error(`${path}: ${name.message}`);
    const parsed = parseHl7(new Uint8Array(readFileSync(path)));
    if (!parsed.ok) throw new Error(`${path}: ${parsed.error.message}`);
    return { path: relative(SAMPLES, path), fileName: name.value, message: parsed.message };
  });
}

export const NHO = 'ssmix2/nho';
export const SYNTHETIC = 'ssmix2/synthetic-ssmixtwins/standard_root';

/** mapMessage, with every resource it returns checked against the FHIR R4 schema. */
export function mapValid(message: Hl7Message, source: MappingSource): MappingResult {
  const result = mapMessage(message, source);
  assertValid(result.resources);
  return result;
}

/** The one NHO sample of a data type, mapped (and schema-checked). */
export function mapNho(dataType: string): MappingResult {
  const s = loadSamples(NHO).find((x) => x.fileName.dataType === dataType);
  if (!s) throw new Error(`no NHO sample of ${dataType}`);
  return mapValid(s.message, { fileName: s.fileName, facility: FACILITY });
}
