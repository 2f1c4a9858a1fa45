/**
 * Lab values from a person's physiology, conditions and the day: the same person gives consistent
 * results at every facility (their HbA1c drifts up the same way everywhere), with measurement noise
 * drawn per order. Values are rounded to the test's decimals, flagged H/L against the reference
 * interval, and become ST text when they fall outside the reportable range (`<0.03`, `>14.0`) or
 * are qualitative (`-`, ` 1 +`).
 */

import { LAB_TESTS, type LabKey, type LabTest } from '../data/labs.js';
import { dayFromYmd } from './clock.js';
import type { Person } from './population.js';
import type { Rng } from './random.js';

export interface LabResult {
  readonly test: LabTest;
  readonly valueType: 'NM' | 'ST';
  readonly value: string;
  readonly flag: '' | 'H' | 'L';
}

/** Acute states that change lab values on a day (inflammation from an infection, a heart attack …). */
export interface AcuteState {
  /** Extra CRP in mg/dL. */
  readonly crp: number;
  readonly ck: number;
  readonly dehydration: boolean;
}

export const NO_ACUTE: AcuteState = { crp: 0, ck: 0, dehydration: false };

const YEAR = 365.25;

function yearsWith(person: Person, disease: string, day: number): number | undefined {
  const c = person.conditions.find((x) => x.disease === disease);
  if (!c || c.onsetDay > day) return undefined;
  return (day - c.onsetDay) / YEAR;
}

function ageOn(person: Person, day: number): number {
  return (day - dayFromYmd(person.birthDate)) / YEAR;
}

/** The true (noise-free) HbA1c: untreated at diagnosis, falls with treatment, then drifts up. */
export function trueHba1c(person: Person, day: number): number {
  const p = person.physiology;
  const dm = person.conditions.find((x) => x.disease === 'dm2');
  if (!dm) return p.hba1c;
  const t = (day - dm.onsetDay) / YEAR;
  const atDiagnosis = 7.4 + Math.abs(p.hba1c - 5.5) * 6 + p.hba1cDrift * 3;
  // Two years of creeping up before the diagnosis.
  if (t < 0)
    return t < -2 ? p.hba1c + 0.3 : p.hba1c + 0.3 + (atDiagnosis - p.hba1c - 0.3) * (1 + t / 2) * 0.7;
  const controlled = 6.5 + (p.hba1cDrift - 0.05) * 2;
  return controlled + (atDiagnosis - controlled) * Math.exp(-t * 5) + p.hba1cDrift * t;
}

/** The true eGFR: slow loss with age, faster with diabetes, hypertension and CKD. */
export function trueEgfr(person: Person, day: number): number {
  const age = ageOn(person, day);
  const p = person.physiology;
  if (age < 18) return 110 + (p.egfrAt40 - 88) / 2;
  let egfr = p.egfrAt40 - Math.max(0, age - 40) * 0.85 + Math.max(0, 40 - age) * 0.5;
  const dm = yearsWith(person, 'dm2', day);
  if (dm !== undefined) egfr -= dm * 1.2;
  const htn = yearsWith(person, 'htn', day);
  if (htn !== undefined) egfr -= htn * 0.4;
  const ckd = yearsWith(person, 'ckd', day);
  if (ckd !== undefined) egfr = Math.min(egfr, 52) - ckd * p.egfrLoss;
  return Math.max(6, egfr);
}

function creatinineFromEgfr(egfr: number, age: number, sex: 'M' | 'F'): number {
  // Japanese equation: eGFR = 194 × Cr^-1.094 × age^-0.287 (× 0.739 for women).
  const k = 194 * age ** -0.287 * (sex === 'F' ? 0.739 : 1);
  return (egfr / k) ** (-1 / 1.094);
}

function egfrFromCreatinine(cre: number, age: number, sex: 'M' | 'F'): number {
  return 194 * cre ** -1.094 * age ** -0.287 * (sex === 'F' ? 0.739 : 1);
}

const QUALITATIVE = ['-', '+-', ' 1 +', ' 2 +', ' 3 +'];

/** True values of a day's draw, before rounding; one call per specimen draw keeps them consistent. */
export function drawValues(
  person: Person,
  day: number,
  tests: readonly LabKey[],
  acute: AcuteState,
  rng: Rng,
): Map<LabKey, number> {
  const p = person.physiology;
  const age = Math.max(1, ageOn(person, day));
  const sex = person.sex;
  const has = (d: string) => yearsWith(person, d, day) !== undefined;
  const noise = (sd: number) => rng.normal(0, sd);
  const v = new Map<LabKey, number>();

  const winter = [12, 1, 2].includes(new Date(day * 86_400_000).getUTCMonth() + 1) ? 0.1 : 0;
  const hba1c = trueHba1c(person, day) + winter + noise(0.12);
  let egfr = trueEgfr(person, day) * (1 + noise(0.04));
  if (acute.dehydration) egfr *= 0.75;
  const cre = age >= 18 ? creatinineFromEgfr(egfr, age, sex) : 0.3 + age * 0.03;
  if (age >= 18) egfr = egfrFromCreatinine(Math.round(cre * 100) / 100, age, sex);
  const statin = has('dyslipidemia') || has('angina') || has('ami');
  const anemia = yearsWith(person, 'ida', day);
  let hb = p.hb + noise(0.35) - (egfr < 30 ? 2 : egfr < 45 ? 0.8 : 0);
  if (anemia !== undefined) hb -= Math.max(0, 3.5 - anemia * 6);
  const fatty = has('fattyLiver') ? 2.2 : 1;
  const hepC = has('hepC') ? 3 : 1;
  const alt = p.alt * fatty * hepC * (1 + noise(0.15));
  const hf = has('heartFailure');

  const values: Record<LabKey, () => number> = {
    hba1c: () => hba1c,
    glu: () => Math.max(62, 28.7 * hba1c - 62 + noise(15)),
    cre: () => cre,
    egfr: () => egfr,
    bun: () =>
      Math.min(140, 13 * (60 / Math.max(egfr, 5)) ** 0.6 * (acute.dehydration ? 1.6 : 1) * (1 + noise(0.12))),
    ua: () =>
      (has('hyperuricemia') ? (yearsWith(person, 'hyperuricemia', day)! < 0.1 ? 8.4 : 5.9) : p.ua) +
      (egfr < 45 ? 0.8 : 0) +
      noise(0.4),
    na: () => 140 + noise(1.6) + (acute.dehydration ? 5 : 0),
    k: () => 4.1 + (egfr < 45 ? 0.35 : 0) + (egfr < 20 ? 0.6 : 0) + noise(0.25),
    cl: () => 103 + noise(1.8) + (acute.dehydration ? 3 : 0),
    ast: () => alt * 0.7 + 9 + noise(3) + acute.ck / 40,
    alt: () => alt + (statin ? 3 : 0),
    ggt: () => p.ggt * (has('fattyLiver') ? 1.8 : 1) * (1 + noise(0.15)),
    ld: () => 180 + noise(22) + acute.ck / 12,
    tbil: () => Math.max(0.2, 0.7 + noise(0.2)),
    tp: () => 7.2 - (age > 75 ? 0.3 : 0) - (hf ? 0.3 : 0) + noise(0.3),
    alb: () =>
      4.4 - Math.max(0, age - 40) * 0.012 - (hf || egfr < 30 ? 0.4 : 0) - acute.crp * 0.05 + noise(0.18),
    ldl: () => {
      const d = yearsWith(person, 'dyslipidemia', day);
      if (d === undefined) return p.ldl * (statin ? 0.7 : 1) + noise(10);
      return (d < 0.08 ? Math.max(p.ldl, 150) + 25 : p.ldl * 0.75 + 5) + noise(10);
    },
    hdl: () => p.hdl + noise(4),
    tg: () => p.tg * (has('dm2') ? 1.3 : 1) * Math.exp(noise(0.25)),
    ck: () => Math.exp(Math.log(sex === 'M' ? 110 : 80) + noise(0.3)) + acute.ck,
    crp: () => Math.exp(Math.log(0.04) + noise(0.9)) + acute.crp * Math.exp(noise(0.3)),
    wbc: () => Math.max(1.5, p.wbc + acute.crp * 0.6 + noise(0.6)),
    rbc: () => (hb / (anemia !== undefined ? 2.7 : 3.05)) * 100 * (1 + noise(0.02)),
    hb: () => hb,
    ht: () => hb * 3 + noise(0.8),
    plt: () => Math.max(3, p.plt * (has('hepC') ? 0.6 : 1) + noise(2.5)),
    uprot: () => (egfr < 30 ? 3 : egfr < 45 || (has('dm2') && egfr < 60) ? 2 : 0) + Math.abs(noise(0.6)),
    uglu: () => (hba1c > 8.5 ? 3 : hba1c > 7.5 ? 2 : 0) + Math.abs(noise(0.5)),
    ntprobnp: () =>
      Math.exp(Math.log(hf ? 1400 : has('af') ? 450 : 40 + age * 2) + noise(hf ? 0.7 : 0.5)) *
      (acute.ck > 0 ? 4 : 1),
  };
  for (const key of tests) v.set(key, values[key]());
  return v;
}

function round(n: number, decimals: number): string {
  return n.toFixed(decimals);
}

/** The reported result: rounding, comparators, grades and H/L flag. */
export function reportValue(key: LabKey, raw: number, sex: 'M' | 'F'): LabResult {
  const test = LAB_TESTS[key];
  if (test.qualitative) {
    const grade = Math.min(QUALITATIVE.length - 1, Math.max(0, Math.floor(raw)));
    return { test, valueType: 'ST', value: QUALITATIVE[grade] ?? '-', flag: grade >= 2 ? 'H' : '' };
  }
  if (test.detectionLimit !== undefined && raw < test.detectionLimit) {
    return { test, valueType: 'ST', value: `<${round(test.detectionLimit, test.decimals)}`, flag: '' };
  }
  if (test.upperReportLimit !== undefined && raw > test.upperReportLimit) {
    return { test, valueType: 'ST', value: `>${round(test.upperReportLimit, test.decimals)}`, flag: 'H' };
  }
  const value = round(Math.max(0, raw), test.decimals);
  const [low, high] = test.range[sex];
  const n = Number(value);
  const flag = high !== undefined && n > high ? 'H' : n < low ? 'L' : '';
  return { test, valueType: 'NM', value, flag };
}

/** OBX-7 text of a reference interval: `4.9-6.0`, or `>=60` without upper limit. */
export function rangeText(test: LabTest, sex: 'M' | 'F'): string {
  if (test.qualitative) return '-';
  const [low, high] = test.range[sex];
  const l = low.toFixed(test.decimals);
  return high === undefined ? `>=${l}` : `${l}-${high.toFixed(test.decimals)}`;
}
