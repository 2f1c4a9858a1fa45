// Test support (not built): locating the shared sample files.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SAMPLES = fileURLToPath(new URL('../../../../fixtures/samples/', import.meta.url));

/** Every regular file under a folder of the samples, sorted, as paths relative to SAMPLES. */
export function sampleFiles(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(SAMPLES, path));
    }
  };
  walk(join(SAMPLES, folder));
  return out;
}

export function readSample(path: string): Uint8Array {
  return new Uint8Array(readFileSync(join(SAMPLES, path)));
}

const MSH = [0x4d, 0x53, 0x48];
/** Whether the file's content begins with an HL7 v2 header (optionally after an MLLP start byte). */
export function looksLikeHl7(bytes: Uint8Array): boolean {
  const at = bytes[0] === 0x0b ? 1 : 0;
  return MSH.every((b, i) => bytes[at + i] === b) && bytes.length > at + 4;
}

/** All HL7 v2 messages under the samples: the SS-MIX2 trees plus any file elsewhere that starts with MSH. */
export function allHl7Samples(): string[] {
  return sampleFiles('.').filter(
    (f) =>
      (f.startsWith('ssmix2/') && !f.includes('/reference/') && /\/\d{3}\/\d{3}\//.test(f)) ||
      looksLikeHl7(readSample(f)),
  );
}

export const NHO_ADT00 =
  'ssmix2/nho/999/901/9999013/-/ADT-00/9999013_-_ADT-00_999999999999999_20111220224447339_-_1';
export const NHO_OMP01 =
  'ssmix2/nho/999/901/9999013/20110701/OMP-01/9999013_20110701_OMP-01_000000011000185_20110701224603984_01_1';
export const NHO_OML11 =
  'ssmix2/nho/999/901/9999013/20111220/OML-11/9999013_20111220_OML-11_000000011000354_20111220103059000_01_1';
export const BROKEN_TWO_BYTES =
  'ssmix2/nho-broken/000/000/0000001/20000401/ADT-31/9999013_20110630_OMP-11_123456789012345_20110701113813225_01_1';
