/**
 * Writing one clinical act into the chart: a visit, a prescription, a lab order and its result, an
 * imaging study, an endoscopy, an ECG, a problem-list update. Some orders are later changed (the
 * old file becomes `_2`) or cancelled (`_0`), as in a real order-entry system.
 */

import { ECG_FINDINGS, ENDOSCOPY, IMAGING, type ImagingProcedure } from '../data/clinic.js';
import { isCt, type Procedure } from '../data/diseases.js';
import { type DrugKey, ORAL_DRUGS } from '../data/drugs.js';
import type { LabKey } from '../data/labs.js';
import { outpatientVisit } from '../messages/adt.js';
import type { Bed, OrcInput } from '../messages/common.js';
import {
  ecgOrder,
  ecgResult,
  endoscopyOrderParts,
  imagingOrderParts,
  performer,
  type StudyOrder,
  studyOrder,
  studyPerformed,
  tx,
} from '../messages/exams.js';
import { labOrder, labResult, type ReportedResult } from '../messages/lab.js';
import { type PrescribedDrug, prescription } from '../messages/medication.js';
import { problemList } from '../messages/problems.js';
import { ymdFromDay } from '../world/clock.js';
import { type AcuteState, drawValues, reportValue } from '../world/lab-values.js';
import { type Chart, type Moment, NO_ORDER, t12, t14 } from './chart.js';

export interface Setting {
  readonly dept: string;
  readonly patientClass: 'O' | 'I';
  readonly bed?: Bed;
}

const ymd = (m: Moment) => ymdFromDay(m.day);

function orcFor(chart: Chart, s: Setting, orderNo: string, when: Moment): OrcInput {
  return {
    control: 'NW',
    orderNo,
    time: t14(when),
    enterer: chart.clerk(),
    doctor: chart.doctorFor(s.dept),
    dept: s.dept,
    patientClass: s.patientClass,
    bed: s.bed,
  };
}

/** ADT-12: the reception of an outpatient visit. */
export function visit(chart: Chart, when: Moment, dept: string): void {
  chart.file(
    'write',
    'ADT-12',
    ymd(when),
    NO_ORDER,
    dept,
    chart.after(when, 1),
    'ADT^A04^ADT_A01',
    outpatientVisit(chart, t12(when), dept, chart.doctorFor(dept)),
  );
}

/** Groups drugs into Rp numbers by usage (drugs taken at the same times share an Rp). */
function rpGroups(drugs: readonly DrugKey[], days: number): PrescribedDrug[] {
  const rpOf = new Map<string, number>();
  return drugs.flatMap((key) => {
    const drug = ORAL_DRUGS[key];
    if (!drug) return [];
    let rp = rpOf.get(drug.usage);
    if (rp === undefined) {
      rp = rpOf.size + 1;
      rpOf.set(drug.usage, rp);
    }
    return [{ drug, rp, dose: drug.dose, days }];
  });
}

/** OMP-01. Returns the order number and the drugs as prescribed (for administration notices). */
export function prescribe(
  chart: Chart,
  s: Setting,
  when: Moment,
  drugKeys: readonly DrugKey[],
  days: number,
): { orderNo: string; drugs: PrescribedDrug[] } | undefined {
  const drugs = rpGroups([...new Set(drugKeys)], days);
  if (drugs.length === 0) return undefined;
  const orderNo = chart.nextOrderNo();
  // 院外 or 院内 is decided per order (the doctor's choice, the patient's wish, a drug not stocked outside).
  const outOfHouse = s.patientClass === 'O' && chart.rng.chance(chart.facility.practice.outOfHouseShare);
  const o = { ...orcFor(chart, s, orderNo, when), outOfHouse };
  const start = ymd(when);
  const written = chart.after(when, chart.rng.int(2, 20));
  chart.file(
    'write',
    'OMP-01',
    ymd(when),
    orderNo,
    s.dept,
    written,
    'RDE^O11^RDE_O11',
    prescription(chart, o, drugs, start),
  );
  const r = chart.rng.next();
  if (s.patientClass === 'O' && r < 0.04) {
    // Changed after a talk with the pharmacist: one more week, the old version becomes _2.
    const changed = drugs.map((d) => ({ ...d, days: d.days + 7 }));
    chart.file(
      'write',
      'OMP-01',
      ymd(when),
      orderNo,
      s.dept,
      chart.after(written, chart.rng.int(10, 90)),
      'RDE^O11^RDE_O11',
      prescription(chart, { ...o, control: 'XO' }, changed, start),
    );
    return { orderNo, drugs: changed };
  }
  if (s.patientClass === 'O' && r < 0.055) {
    // Entered by mistake and cancelled: the files of the key become _0.
    chart.file(
      'delete',
      'OMP-01',
      ymd(when),
      orderNo,
      s.dept,
      chart.after(written, chart.rng.int(5, 60)),
      'RDE^O11^RDE_O11',
      prescription(chart, { ...o, control: 'CA' }, drugs, start),
    );
    return undefined;
  }
  return { orderNo, drugs };
}

/** OML-01 and, unless cancelled, OML-11 (sometimes corrected later). */
export function labs(
  chart: Chart,
  s: Setting,
  when: Moment,
  tests: readonly LabKey[],
  acute: AcuteState,
): void {
  const unique = [...new Set(tests)];
  if (unique.length === 0) return;
  const orderNo = chart.nextOrderNo();
  const o = orcFor(chart, s, orderNo, when);
  const collected = chart.after(when, chart.rng.int(5, 40));
  const ordered = chart.after(when, 1);
  chart.file(
    'write',
    'OML-01',
    ymd(when),
    orderNo,
    s.dept,
    ordered,
    'OML^O33^OML_O33',
    labOrder(chart, o, unique, t12(collected)),
  );
  if (chart.rng.chance(0.02)) {
    chart.file(
      'delete',
      'OML-01',
      ymd(when),
      orderNo,
      s.dept,
      chart.after(ordered, chart.rng.int(5, 30)),
      'OML^O33^OML_O33',
      labOrder(chart, { ...o, control: 'CA' }, unique, t12(collected)),
    );
    return;
  }
  const person = chart.patient.person;
  const raw = drawValues(person, collected.day, unique, acute, chart.rng);
  const results: ReportedResult[] = unique.map((key) => ({
    key,
    status: 'F',
    ...reportValue(key, raw.get(key) ?? 0, person.sex),
  }));
  const reported = chart.after(collected, chart.rng.int(45, 180));
  const careDate = ymd(collected);
  chart.file(
    'write',
    'OML-11',
    careDate,
    orderNo,
    s.dept,
    reported,
    'OUL^R22^OUL_R22',
    labResult(chart, o, results, t12(collected), t14(reported), person.sex),
  );
  if (chart.rng.chance(0.04)) {
    // A corrected report (e.g. a haemolysed sample re-measured): one value changes, OBX-11 C.
    const i = chart.rng.int(0, results.length - 1);
    const old = results[i];
    if (old && old.valueType === 'NM') {
      const redo = drawValues(person, collected.day, [old.key], acute, chart.rng).get(old.key) ?? 0;
      const corrected = results.map((r, n) =>
        n === i ? { ...r, ...reportValue(r.key, redo, person.sex), status: 'C' as const } : r,
      );
      const later = chart.after(reported, chart.rng.int(120, 1500));
      chart.file(
        'write',
        'OML-11',
        careDate,
        orderNo,
        s.dept,
        later,
        'OUL^R22^OUL_R22',
        labResult(chart, o, corrected, t12(collected), t14(later), person.sex),
      );
    }
  }
}

function studyUid(chart: Chart): string {
  let n = 0n;
  for (let i = 0; i < 4; i++) n = (n << 32n) | BigInt(Math.floor(chart.rng.next() * 4294967296));
  return `2.25.${n.toString()}`;
}

const childNos = (orderNo: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${orderNo.slice(0, -2)}${String(i + 1).padStart(2, '0')}`);

/** Iodinated contrast is not given to a patient allergic to it or with kidney disease: a plain scan. */
function withoutContrast(chart: Chart, day: number): boolean {
  const person = chart.patient.person;
  return (
    person.allergies.some((a) => a.code === 'D004') ||
    person.conditions.some((c) => c.disease === 'ckd' && c.onsetDay <= day)
  );
}

/**
 * OMG-01 radiology / ultrasound order and OMG-11 performed study (unless the order is cancelled). A CT
 * order carries its clinical diagnosis (臨床病名) as the endoscopy order does.
 */
export function imaging(
  chart: Chart,
  s: Setting,
  when: Moment,
  procedure: ImagingProcedure,
  reason?: string,
): void {
  const study = IMAGING[procedure === 'abdCT' && withoutContrast(chart, when.day) ? 'abdCTPlain' : procedure];
  const orderNo = chart.nextOrderNo();
  const person = chart.patient.person;
  const order: StudyOrder = {
    orc: orcFor(chart, s, orderNo, when),
    ...imagingOrderParts(study),
    childOrderNos: childNos(orderNo, study.children.length),
    details: [
      `OBX|1|NM|01-02^体重^JSHR001||${person.weightKg.toFixed(1)}|kg^kg^ISO+|||||F`,
      ...(study.modality === 'CT' && reason ? [tx(2, 'MS3-34', '臨床病名', reason)] : []),
    ],
  };
  const written = chart.after(when, 1);
  chart.file(
    'write',
    'OMG-01',
    ymd(when),
    orderNo,
    s.dept,
    written,
    'OMG^O19^OMG_O19',
    studyOrder(chart, order),
  );
  if (chart.rng.chance(0.03)) {
    chart.file(
      'delete',
      'OMG-01',
      ymd(when),
      orderNo,
      s.dept,
      chart.after(written, chart.rng.int(5, 60)),
      'OMG^O19^OMG_O19',
      studyOrder(chart, { ...order, orc: { ...order.orc, control: 'CA' } }),
    );
    return;
  }
  const done = chart.after(when, chart.rng.int(15, 120));
  const accession = `A${ymd(done)}${orderNo.slice(-7)}`;
  chart.file(
    'write',
    'OMG-11',
    ymd(done),
    orderNo,
    s.dept,
    chart.after(done, chart.rng.int(5, 60)),
    'OMI^Z23^OMI_Z23',
    studyPerformed(chart, order, {
      examDate: ymd(done),
      accession,
      studyUid: studyUid(chart),
      modality: study.modality,
      childObservations: [],
    }),
  );
}

/** OMG-02 endoscopy order today, OMG-12 performed on `examDay`. */
export function endoscopy(chart: Chart, s: Setting, when: Moment, examDay: number, reason: string): void {
  const orderNo = chart.nextOrderNo();
  const order: StudyOrder = {
    orc: orcFor(chart, s, orderNo, when),
    ...endoscopyOrderParts(),
    childOrderNos: childNos(orderNo, 1),
    details: [tx(1, 'MS3-34', '臨床病名', reason), tx(2, 'MS3-04', '内視鏡検査理由', '臨床病名に対する精査')],
  };
  chart.file(
    'write',
    'OMG-02',
    ymd(when),
    orderNo,
    s.dept,
    chart.after(when, 2),
    'OMG^O19^OMG_O19',
    studyOrder(chart, order),
  );
  const start = chart.at(examDay, chart.rng.int(9 * 60, 14 * 60));
  const end = chart.after(start, chart.rng.int(8, 25));
  const doctor = chart.doctorFor('06');
  const observations = [
    performer(1, 'DR-02.EM-01', '正従業員の実施医師', doctor),
    performer(2, 'NS-01.EM-01', '正従業員の看護師', chart.nurse()),
    `OBX|3|TS|TM-P1^開始時間^JSHR||${t14(start)}||||||F`,
    `OBX|4|TS|TM-P2^終了時間^JSHR||${t14(end)}||||||F`,
  ];
  const accession = `E${ymd(start)}${orderNo.slice(-7)}`;
  chart.file(
    'write',
    'OMG-12',
    ymdFromDay(examDay),
    orderNo,
    s.dept,
    chart.after(end, chart.rng.int(20, 180)),
    'OMI^Z23^OMI_Z23',
    studyPerformed(chart, order, {
      examDate: ymdFromDay(examDay),
      accession,
      studyUid: studyUid(chart),
      modality: ENDOSCOPY.modality,
      childObservations: observations,
    }),
  );
}

/** OMG-03 ECG order and OMG-13 result the same day. */
export function ecg(chart: Chart, s: Setting, when: Moment, reason: string, abnormal: boolean): void {
  const orderNo = chart.nextOrderNo();
  const o = orcFor(chart, s, orderNo, when);
  chart.file(
    'write',
    'OMG-03',
    ymd(when),
    orderNo,
    s.dept,
    chart.after(when, 1),
    'OMG^O19^OMG_O19',
    ecgOrder(chart, o, reason),
  );
  const exam = chart.after(when, chart.rng.int(10, 60));
  const reported = chart.after(exam, chart.rng.int(10, 120));
  const rng = chart.rng;
  const finding = abnormal ? rng.pick(ECG_FINDINGS.slice(2)) : rng.pick(ECG_FINDINGS.slice(0, 2));
  const hr = abnormal && finding === '洞性徐脈' ? rng.int(45, 55) : rng.int(58, 92);
  chart.file(
    'write',
    'OMG-13',
    ymd(exam),
    orderNo,
    s.dept,
    reported,
    'ORU^R01^ORU_R01',
    ecgResult(chart, o, t14(exam), t14(reported), finding, {
      heartRate: hr,
      pq: rng.int(120, 200),
      qrs: rng.int(80, 110),
      qt: rng.int(340, 420),
      axis: rng.int(-20, 80),
    }),
  );
}

/** Any procedure of the disease table. */
export function procedure(chart: Chart, s: Setting, when: Moment, p: Procedure, reason: string): void {
  if (p === 'ecg') ecg(chart, s, when, reason, chart.rng.chance(0.3));
  else if (p === 'endoscopy') endoscopy(chart, s, when, when.day + chart.rng.int(7, 21), reason);
  else imaging(chart, s, when, p, isCt(p) ? reason : undefined);
}

/** PPR-01: the whole current problem list (the previous file of the key becomes `_2`). */
export function writeProblems(chart: Chart, when: Moment): void {
  if (chart.problems.length === 0) return;
  // Filed under the department of the main diagnosis (a comorbidity followed elsewhere can come first).
  const dept = (chart.problems.find((p) => p.main) ?? chart.problems[0])?.disease.dept ?? '-';
  chart.file(
    'write',
    'PPR-01',
    '-',
    NO_ORDER,
    dept,
    when,
    'PPR^ZD1^PPR_ZD1',
    problemList(chart, chart.problems),
  );
}
