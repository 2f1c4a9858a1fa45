/**
 * PPR-01 (PPR^ZD1): the whole problem list. Every change (a new diagnosis, a resolved one) writes a
 * new file holding all problems; the previous current file becomes `_2`.
 */

import type { Disease } from '../data/diseases.js';
import { type PatientContext, pid } from './common.js';
import { cwe, e, seg } from './hl7.js';

export interface Problem {
  readonly disease: Disease;
  /** Problem instance ID (PRB-4), stable across versions of the list. */
  readonly instanceId: string;
  readonly onset: string;
  readonly recorded: string;
  readonly resolved?: string;
  readonly main: boolean;
  readonly inpatient: boolean;
}

export function problemList(ctx: PatientContext, problems: readonly Problem[]): string[] {
  const out = [pid(ctx, false)];
  for (const p of problems) {
    const d = p.disease;
    const cls = p.inpatient ? 'I^入院時^JHSD0004' : 'O^外来時^JHSD0004';
    out.push(
      seg('PRB', {
        1: p.resolved ? 'UP' : 'AD',
        2: p.resolved ?? p.recorded,
        3: cwe(d.medisKey, d.name, 'MDCDX2'),
        4: p.instanceId,
        7: p.recorded,
        9: p.resolved,
        10: `${d.icd10}^^I10^${cls}`,
        14: p.resolved ? 'R^軽快^HL70241' : 'N^回復せず^HL70241',
        15: p.resolved ?? p.recorded,
        16: p.onset,
        17: e(d.name),
        18: p.main ? '1^主診断^JHSD0007' : '2^副診断^JHSD0007',
      }),
    );
    out.push(
      seg('ZPR', {
        2: cwe(d.medisKey, d.name, 'MDCDX2'),
        5: d.medisExchange ? cwe(d.medisExchange, d.name, 'MDCDX2') : undefined,
      }),
    );
  }
  return out;
}
