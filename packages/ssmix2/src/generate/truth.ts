/**
 * The ground-truth file for patient matching: one row per (person, facility) with the facility's
 * local patient ID and the demographic variations that facility's copy carries. Rows of other
 * facilities already in the file are kept, so several runs (one per facility) share one file.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FacilityPatient } from './world/facility.js';

export const TRUTH_HEADER =
  'person_id,facility_code,local_patient_id,variations,family_kanji,given_kanji,family_kana,given_kana,birth_date,sex,postcode';

export interface TruthRow {
  readonly personId: string;
  readonly facilityCode: string;
  readonly localPatientId: string;
  readonly variations: readonly string[];
}

export function truthLine(facilityCode: string, p: FacilityPatient): string {
  const r = p.recorded;
  return [
    p.person.id,
    facilityCode,
    p.localId,
    p.variations.join(';'),
    r.familyKanji,
    r.givenKanji,
    r.familyKana,
    r.givenKana,
    r.birthDate,
    r.sex,
    r.postcode,
  ].join(',');
}

export function parseTruthLine(line: string): TruthRow | undefined {
  const [personId, facilityCode, localPatientId, variations] = line.split(',');
  if (!personId || !facilityCode || !localPatientId || variations === undefined) return undefined;
  return { personId, facilityCode, localPatientId, variations: variations ? variations.split(';') : [] };
}

/** Streams the truth file: rows of other facilities first (kept from an existing file), then ours. */
export class TruthWriter {
  private readonly temp: string;
  private readonly stream;

  private constructor(
    readonly path: string,
    otherRows: readonly string[],
  ) {
    this.temp = `${path}.${process.pid}.tmp`;
    this.stream = createWriteStream(this.temp, { encoding: 'utf8' });
    this.stream.write(`${TRUTH_HEADER}\n`);
    for (const row of otherRows) this.stream.write(`${row}\n`);
  }

  static async open(path: string, facilityCode: string): Promise<TruthWriter> {
    await mkdir(dirname(path), { recursive: true });
    let others: string[] = [];
    try {
      const old = await readFile(path, 'utf8');
      others = old
        .split('\n')
        .slice(1)
        .filter((line) => line !== '' && line.split(',')[1] !== facilityCode);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    return new TruthWriter(path, others);
  }

  async add(line: string): Promise<void> {
    if (!this.stream.write(`${line}\n`)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
    await rename(this.temp, this.path);
  }
}
