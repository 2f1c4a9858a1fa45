/**
 * Diseases: name, ICD-10 (real codes, written without the dot as in PRB-10 `K297^^I10`), and the
 * MEDIS disease master key number (MDCDX2). Verified key numbers: 胃炎 `20054174` with exchange code
 * `TSQF` (SS-MIX2 guideline sample), 狭心症 `20058911` (ePath FHIR IG example), 十二指腸潰瘍
 * `20064049` (JP-CLINS eCS example). All other MEDIS key numbers are ILLUSTRATIVE placeholders
 * `99000001…` in table order (the master's real numbers start with 2; 99999999 is its
 * "uncoded" entry, which these never reach).
 */

import type { Disease } from './disease-model.js';
import { ACUTE_DISEASES } from './diseases-acute.js';
import { CHRONIC_DISEASES } from './diseases-chronic.js';

export { type CtProcedure, type Disease, isCt, type Procedure } from './disease-model.js';

let illustrative = 99000001;

export const DISEASES: readonly Disease[] = [...CHRONIC_DISEASES, ...ACUTE_DISEASES].map((entry) => ({
  ...entry,
  medisKey: entry.medisKey ?? String(illustrative++),
  verified: entry.medisKey !== undefined,
}));

export const DISEASE_BY_KEY: ReadonlyMap<string, Disease> = new Map(DISEASES.map((x) => [x.key, x]));
