/**
 * Radiology, endoscopy and physiology: orders OMG-01/02/03 (OMG^O19: ORC NW, then ORC PA, then one
 * ORC CH per child study linked by OBR-29), performed studies OMG-11/12 (OMI^Z23 with IPC image
 * references) and the ECG result OMG-13 (ORU^R01). Diet orders OMD (OMD^O03) live here too.
 */

import { DIETS, ENDOSCOPY, type ImagingStudy } from '../data/clinic.js';
import { type OrcInput, orc, type PatientContext, pid, pv1 } from './common.js';
import { cwe, e, type StaffMember, seg, xcn } from './hl7.js';

const TQ1_ROUTINE = 'TQ1|1||||||||R^^HL70485';

export interface StudyOrder {
  readonly orc: OrcInput;
  readonly parent: readonly [string, string, string];
  readonly children: readonly (readonly [string, string])[];
  /** Child order numbers (ORC-2 of the CH groups). */
  readonly childOrderNos: readonly string[];
  /** OBX on the PA group (clinical information), already formatted. */
  readonly details: readonly string[];
}

function orderGroups(
  ctx: PatientContext,
  s: StudyOrder,
  examDate?: string,
  ipc?: string,
  childExtras?: (i: number) => string[],
): string[] {
  const o = s.orc;
  const obr = (orderNo: string, code: string, parentNo?: string) =>
    seg('OBR', {
      2: orderNo,
      4: code,
      7: examDate,
      16: xcn(o.doctor),
      25: examDate ? 'F' : undefined,
      29: parentNo,
    });
  const parentCode = cwe(s.parent[0], s.parent[1], s.parent[2]);
  const out: string[] = [];
  out.push(orc(ctx, o), TQ1_ROUTINE, obr(o.orderNo, parentCode));
  if (ipc) out.push(ipc);
  out.push(orc(ctx, { ...o, control: 'PA' }), TQ1_ROUTINE, obr(o.orderNo, parentCode), ...s.details);
  if (ipc) out.push(ipc);
  s.children.forEach(([code, name], i) => {
    const childNo = s.childOrderNos[i] ?? o.orderNo;
    out.push(orc(ctx, { ...o, control: 'CH', orderNo: childNo, parentOrderNo: o.orderNo }), TQ1_ROUTINE);
    out.push(obr(childNo, cwe(code, name, s.parent[2]), o.orderNo));
    if (childExtras) out.push(...childExtras(i));
    if (ipc) out.push(ipc);
  });
  return out;
}

/** OMG-01 / OMG-02: the order. */
export function studyOrder(ctx: PatientContext, s: StudyOrder): string[] {
  return [
    pid(ctx, true),
    pv1({ patientClass: s.orc.patientClass, dept: s.orc.dept, doctor: s.orc.doctor, bed: s.orc.bed }),
    ...orderGroups(ctx, s),
  ];
}

export interface Performed {
  /** OBR-7, the exam date: the care date of OMG-11/12. */
  readonly examDate: string;
  readonly accession: string;
  readonly studyUid: string;
  readonly modality: string;
  /** OBX after each child's ZE1 (performers, times, drugs). */
  readonly childObservations: readonly string[];
}

/** OMG-11 / OMG-12: the study as performed, with IPC (accession, study instance UID, modality). */
export function studyPerformed(ctx: PatientContext, s: StudyOrder, p: Performed): string[] {
  const ipc = seg('IPC', {
    1: p.accession,
    2: `P${p.accession.slice(-6)}`,
    3: p.studyUid,
    5: `${p.modality}^^DCM`,
  });
  return [
    pid(ctx, true),
    pv1({ patientClass: s.orc.patientClass, dept: s.orc.dept, doctor: s.orc.doctor, bed: s.orc.bed }),
    ...orderGroups(ctx, { ...s, orc: { ...s.orc, control: 'NW' } }, p.examDate, ipc, (i) => {
      const [code, name] = s.children[i] ?? ['', ''];
      return [
        seg('ZE1', { 1: String(i + 1), 2: 'RS', 3: cwe(code, name, s.parent[2]) }),
        ...p.childObservations,
      ];
    }),
  ];
}

export function imagingOrderParts(study: ImagingStudy): Pick<StudyOrder, 'parent' | 'children'> {
  return { parent: study.parent, children: study.children };
}

export function endoscopyOrderParts(): Pick<StudyOrder, 'parent' | 'children'> {
  return { parent: ENDOSCOPY.parent, children: [[ENDOSCOPY.child[0], ENDOSCOPY.child[1]]] };
}

export const tx = (n: number, code: string, text: string, value: string) =>
  seg('OBX', { 1: String(n), 2: 'TX', 3: cwe(code, text, 'JSHR'), 5: e(value), 11: 'F' });

export const performer = (n: number, code: string, text: string, staff: StaffMember) =>
  seg('OBX', { 1: String(n), 2: 'XCN', 3: cwe(code, text, 'JSHR'), 5: xcn(staff), 11: 'F' });

const ECG_CODE = '9A110^標準１２誘導心電図^JC10';
const ECG_FINDING = '9A100&IMP^心電図所見^JC10';

/** OMG-03: physiology (ECG) order. */
export function ecgOrder(ctx: PatientContext, o: OrcInput, reason: string): string[] {
  return [
    pid(ctx, true),
    pv1({ patientClass: o.patientClass, dept: o.dept, doctor: o.doctor, bed: o.bed }),
    orc(ctx, o),
    TQ1_ROUTINE,
    seg('OBR', { 1: '1', 2: o.orderNo, 4: ECG_CODE, 16: xcn(o.doctor) }),
    seg('OBX', { 1: '1', 2: 'TX', 3: ECG_FINDING, 5: e(reason), 11: 'F' }),
  ];
}

export interface EcgMeasures {
  readonly heartRate: number;
  readonly pq: number;
  readonly qrs: number;
  readonly qt: number;
  readonly axis: number;
}

/** OMG-13 (ORU^R01): ECG result; OBR-7 (exam time) is the care date. MFER codes as in the guideline sample. */
export function ecgResult(
  ctx: PatientContext,
  o: OrcInput,
  examTime: string,
  reported: string,
  finding: string,
  m: EcgMeasures,
): string[] {
  const qtc = Math.round(m.qt / Math.sqrt(60 / m.heartRate));
  const nm = (n: number, code: string, name: string, value: number, unit: string) =>
    seg('OBX', {
      1: String(n),
      2: 'NM',
      3: cwe(code, name, '99MFR'),
      4: '2',
      5: String(value),
      6: unit,
      11: 'F',
    });
  return [
    pid(ctx, false),
    pv1({ patientClass: o.patientClass, dept: o.dept, doctor: o.doctor, bed: o.bed }),
    orc(ctx, { ...o, control: 'SC', status: 'CM' }),
    seg('OBR', { 1: '1', 2: o.orderNo, 4: ECG_CODE, 7: examTime, 16: xcn(o.doctor), 22: reported, 25: 'F' }),
    seg('OBX', { 1: '1', 2: 'TX', 3: ECG_FINDING, 4: '1', 5: e(finding), 11: 'F' }),
    nm(2, '32769', '心拍数', m.heartRate, 'bpm'),
    nm(3, '32770', 'ＰＱ時間', m.pq, 'msec'),
    nm(4, '58240', 'ＱＲＳ幅', m.qrs, 'msec'),
    nm(5, '56008', 'ＱＴ時間', m.qt, 'msec'),
    nm(6, '59136', 'ＱＴｃ時間', qtc, 'msec'),
    nm(7, '32774', 'ＱＲＳ軸', m.axis, 'degree'),
  ];
}

/** OMD (OMD^O03): a hospital diet from a start meal; ORC-9 is the care date. */
export function dietOrder(ctx: PatientContext, o: OrcInput, dietCode: string, startHour: string): string[] {
  const diet = DIETS[dietCode] ?? { name: '常食', comment: '' };
  return [
    pid(ctx, false),
    pv1({ patientClass: 'I', dept: o.dept, doctor: o.doctor, bed: o.bed }),
    orc(ctx, o),
    seg('TQ1', { 1: '1', 3: 'TID&１日３回&HL70335', 7: startHour, 9: 'R^ルーチン^HL70485' }),
    seg('ODS', {
      1: 'D',
      3: cwe(dietCode, diet.name, '99XY3'),
      4: diet.comment ? e(diet.comment) : undefined,
    }),
  ];
}
