/**
 * Laboratory order OML-01 (OML^O33: SPM → ORC → OBR → OBX order details) and result OML-11
 * (OUL^R22: SPM → OBR → ORC → OBX values; ORC comes after OBR). One SPM group per specimen.
 */

import { LAB_TESTS, type LabKey, SPECIMENS, specimenOf } from '../data/labs.js';
import type { LabResult } from '../world/lab-values.js';
import { rangeText } from '../world/lab-values.js';
import { type OrcInput, orc, type PatientContext, pid, pv1 } from './common.js';
import { cwe, e, seg, xcn } from './hl7.js';

/** Tests grouped by specimen, in a stable order (serum, whole blood, plasma, urine). */
export function bySpecimen<T extends { key: LabKey }>(items: readonly T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const spec of Object.keys(SPECIMENS)) groups.set(spec, []);
  for (const item of items) groups.get(specimenOf(LAB_TESTS[item.key]))?.push(item);
  return [...groups].filter(([, list]) => list.length > 0);
}

const spm = (i: number, specimen: string, collected: string, specimenId?: string) =>
  seg('SPM', {
    1: String(i),
    2: specimenId,
    4: cwe(specimen, SPECIMENS[specimen]?.name ?? '', 'JC10'),
    17: collected,
  });

const obr4 = (specimen: string) => {
  const s = SPECIMENS[specimen];
  return s ? cwe(s.set, s.setName, '99O03') : '';
};

/** OML-01: the order; OBX carry the ordered items only (OBX-11 `O`). */
export function labOrder(
  ctx: PatientContext,
  o: OrcInput,
  tests: readonly LabKey[],
  collected: string,
): string[] {
  const out = [
    pid(ctx, false),
    pv1({ patientClass: o.patientClass, dept: o.dept, doctor: o.doctor, bed: o.bed }),
  ];
  bySpecimen(tests.map((key) => ({ key }))).forEach(([specimen, items], i) => {
    out.push(spm(i + 1, specimen, collected));
    out.push(orc(ctx, { ...o, withFacility: true }));
    out.push(seg('OBR', { 1: '1', 2: o.orderNo, 4: obr4(specimen), 16: xcn(o.doctor) }));
    items.forEach((item, n) => {
      const t = LAB_TESTS[item.key];
      out.push(seg('OBX', { 1: String(n + 1), 3: cwe(t.jlac10, t.name, 'JC10'), 11: 'O' }));
    });
  });
  return out;
}

export interface ReportedResult extends LabResult {
  readonly key: LabKey;
  /** `C` for a corrected value in a later version of the report. */
  readonly status: 'F' | 'C';
}

/** OML-11: the results. SPM-17 (collection) is the care date; OBR-22 the report time. */
export function labResult(
  ctx: PatientContext,
  o: OrcInput,
  results: readonly ReportedResult[],
  collected: string,
  reported: string,
  sex: 'M' | 'F',
): string[] {
  const out = [
    pid(ctx, true),
    pv1({ patientClass: o.patientClass, dept: o.dept, doctor: o.doctor, bed: o.bed }),
  ];
  bySpecimen(results).forEach(([specimen, items], i) => {
    const filler = `${o.orderNo.slice(-9)}${String(i + 1).padStart(2, '0')}`;
    out.push(spm(i + 1, specimen, collected, filler));
    out.push(
      seg('OBR', {
        1: '1',
        2: o.orderNo,
        3: filler,
        4: obr4(specimen),
        7: collected,
        8: collected,
        16: xcn(o.doctor),
        22: reported,
      }),
    );
    out.push(orc(ctx, { ...o, control: 'SC', fillerNo: filler, status: 'CM', time: reported }));
    items.forEach((r, n) => {
      const t = r.test;
      out.push(
        seg('OBX', {
          1: String(n + 1),
          2: r.valueType,
          3: cwe(t.jlac10, t.name, 'JC10'),
          5: e(r.value),
          6: t.unit ? cwe(t.unit, t.unit, 'ISO+') : undefined,
          7: rangeText(t, sex),
          8: r.flag || undefined,
          11: r.status,
          14: collected,
        }),
      );
    });
  });
  return out;
}
