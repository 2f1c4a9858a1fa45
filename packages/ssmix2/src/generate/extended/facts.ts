/**
 * What the documents tell about: read back from the patient's drafts (the HL7 messages the
 * simulation filed), so a discharge summary names the diagnoses, drips, labs and prescriptions the
 * standardized storage holds for the same stay. Reading the drafts instead of hooking into the
 * simulation keeps the simulation's random streams, and so the standardized storage, untouched.
 */

import { type Hl7Message, parseHl7 } from '@hie/hl7v2';
import type { Draft } from '../clinical/chart.js';
import { DISEASES, type Disease } from '../data/diseases.js';

export interface StaffName {
  readonly id: string;
  readonly family: string;
  readonly given: string;
}

export interface LabValue {
  readonly name: string;
  readonly value: string;
  readonly unit: string;
  readonly flag: string;
}

export interface LabReport {
  readonly collected: string;
  readonly values: readonly LabValue[];
}

export interface DrugLine {
  readonly name: string;
  readonly dose: string;
  readonly unit: string;
  readonly usage: string;
}

export interface AllergyFact {
  /** IAM-2: DA 薬剤, FA 食物, LA 花粉, EA 環境. */
  readonly type: string;
  readonly name: string;
  readonly reaction: string;
}

export interface ProblemFact {
  readonly name: string;
  readonly icd10: string;
  readonly onset: string;
  readonly recorded: string;
  readonly resolved: string | undefined;
  readonly inpatient: boolean;
  readonly main: boolean;
  readonly disease: Disease | undefined;
}

/** The drafts of one patient, parsed on demand and indexed by data type. */
export class ChartFacts {
  private readonly parsed = new Map<Draft, Hl7Message | undefined>();
  /** Drafts per data type in write order; cancelled keys left out. */
  private readonly byType = new Map<string, Draft[]>();

  constructor(drafts: readonly Draft[]) {
    const deleted = new Set(
      drafts.filter((d) => d.op === 'delete').map((d) => `${d.dataType}|${d.careDate}|${d.orderNo}`),
    );
    for (const d of drafts) {
      if (d.op !== 'write' || deleted.has(`${d.dataType}|${d.careDate}|${d.orderNo}`)) continue;
      const list = this.byType.get(d.dataType) ?? [];
      list.push(d);
      this.byType.set(d.dataType, list);
    }
  }

  drafts(dataType: string): readonly Draft[] {
    return this.byType.get(dataType) ?? [];
  }

  message(d: Draft): Hl7Message | undefined {
    if (!this.parsed.has(d)) {
      const r = parseHl7(d.text);
      this.parsed.set(d, r.ok ? r.message : undefined);
    }
    return this.parsed.get(d);
  }

  /** Newest version per order number (corrected reports replace the first). */
  private current(dataType: string, from: string, to: string): Draft[] {
    const newest = new Map<string, Draft>();
    for (const d of this.drafts(dataType))
      if (d.careDate >= from && d.careDate <= to) newest.set(`${d.careDate}|${d.orderNo}`, d);
    return [...newest.values()].sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1));
  }

  labs(from: string, to: string): LabReport[] {
    return this.current('OML-11', from, to).flatMap((d) => {
      const m = this.message(d);
      if (!m) return [];
      const values = m.segmentsNamed('OBX').map((obx) => ({
        name: obx.get(3, 1, 2) ?? '',
        value: obx.get(5) ?? '',
        unit: obx.get(6, 1, 1) ?? '',
        flag: obx.get(8) ?? '',
      }));
      return [{ collected: d.careDate, values }];
    });
  }

  /** Oral prescriptions (OMP-01) in a date range, newest last. */
  prescriptions(from: string, to: string): { careDate: string; drugs: DrugLine[] }[] {
    return this.current('OMP-01', from, to).flatMap((d) => {
      const m = this.message(d);
      if (!m) return [];
      const drugs = m.segmentsNamed('RXE').map((rxe, i) => ({
        name: rxe.get(2, 1, 2) ?? '',
        dose: rxe.get(3) ?? '',
        unit: rxe.get(5, 1, 2) ?? '',
        usage: m.segmentsNamed('TQ1')[i]?.get(3, 1, 1, 2) ?? '',
      }));
      return [{ careDate: d.careDate, drugs }];
    });
  }

  /** Injection drugs (OMP-02 RXC) in a date range, by name, with the days they were given. */
  drips(from: string, to: string): { name: string; days: number }[] {
    const days = new Map<string, Set<string>>();
    for (const d of this.current('OMP-02', from, to)) {
      for (const rxc of this.message(d)?.segmentsNamed('RXC') ?? []) {
        const name = rxc.get(2, 1, 2) ?? '';
        if (!days.has(name)) days.set(name, new Set());
        days.get(name)?.add(d.careDate);
      }
    }
    return [...days].map(([name, set]) => ({ name, days: set.size }));
  }

  /** The problem list current at a moment (the newest PPR-01 written before `timestamp`). */
  problemsAt(timestamp: string): ProblemFact[] {
    const list = this.drafts('PPR-01').filter((d) => d.timestamp <= timestamp);
    const latest = list[list.length - 1];
    const m = latest && this.message(latest);
    if (!m) return [];
    return m.segmentsNamed('PRB').map((prb) => {
      const medis = prb.get(3, 1, 1) ?? '';
      return {
        name: prb.get(3, 1, 2) ?? '',
        icd10: prb.get(10, 1, 1) ?? '',
        onset: prb.get(16) ?? '',
        recorded: prb.get(7) ?? '',
        resolved: prb.get(9) || undefined,
        inpatient: prb.get(10, 1, 4) === 'I',
        main: prb.get(18, 1, 1) === '1',
        disease: DISEASES.find((x) => x.medisKey === medis),
      };
    });
  }

  /** The allergy list current at a moment (the newest ADT-61 written before `timestamp`). */
  allergiesAt(timestamp: string): AllergyFact[] {
    const list = this.drafts('ADT-61').filter((d) => d.timestamp <= timestamp);
    const latest = list[list.length - 1];
    const m = latest && this.message(latest);
    if (!m) return [];
    return m.segmentsNamed('IAM').map((iam) => ({
      type: iam.get(2, 1, 1) ?? '',
      name: iam.get(3, 1, 2) ?? '',
      reaction: iam.get(5) ?? '',
    }));
  }

  /** Findings text of physiology results (ECG, OMG-13) in a date range. */
  ecgFindings(from: string, to: string): string[] {
    return this.current('OMG-13', from, to).flatMap((d) =>
      (this.message(d)?.segmentsNamed('OBX') ?? [])
        .filter((obx) => obx.get(2) === 'TX')
        .map((obx) => obx.get(5) ?? ''),
    );
  }

  /** Diet names (OMD ODS-3) in a date range. */
  diets(from: string, to: string): string[] {
    return this.current('OMD', from, to).flatMap((d) =>
      (this.message(d)?.segmentsNamed('ODS') ?? []).map((ods) => ods.get(3, 1, 2) ?? ''),
    );
  }

  /** Imaging studies performed (OMG-11) in a date range. */
  imaging(from: string, to: string): Draft[] {
    return this.current('OMG-11', from, to);
  }

  count(dataType: string, from: string, to: string): number {
    return this.current(dataType, from, to).length;
  }
}

/** `id^family^given` of an XCN field. */
export function staffOf(m: Hl7Message, path: string): StaffName {
  return {
    id: m.get(`${path}.1`) ?? '',
    family: m.get(`${path}.2`) ?? '',
    given: m.get(`${path}.3`) ?? '',
  };
}
