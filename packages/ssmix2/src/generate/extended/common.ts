/**
 * Shared by the document builders: the header parts of a document (patient, facility, author),
 * Japanese date formats, moments on the simulated clock as 17-digit timestamps.
 */

import { DEPARTMENTS } from '../data/clinic.js';
import { GIVEN_NAMES, SURNAMES } from '../data/names.js';
import { ageOn, dayFromYmd, stamp17 } from '../world/clock.js';
import type { Facility, FacilityPatient } from '../world/facility.js';
import { type Rng, rngFor } from '../world/random.js';
import type { ClinicalDocumentModel, DocumentKind } from './cda.js';
import type { ChartFacts, LabReport, ProblemFact, StaffName } from './facts.js';

export interface DocumentContext {
  readonly facility: Facility;
  readonly patient: FacilityPatient;
  readonly facts: ChartFacts;
  readonly rng: Rng;
}

/** A document planned for one content folder; `revision` is a later corrected version of it. */
export interface PlannedDocument {
  readonly kind: DocumentKind;
  readonly careDate: string;
  readonly department: string;
  /** 17 digits. */
  readonly timestamp: string;
  readonly model: ClinicalDocumentModel;
  readonly attachment?: { readonly file: string; readonly bytes: Uint8Array };
  readonly revision?: { readonly timestamp: string; readonly model: ClinicalDocumentModel };
}

export const deptName = (code: string): string => DEPARTMENTS[code] ?? '内科';

/**
 * Staff the standardized storage never names (pharmacists, pathologists): `count` of them per
 * facility, from a stream of their own, IDs `<prefix>0001…`.
 */
export function houseStaff(
  seed: number,
  facility: Facility,
  role: string,
  prefix: string,
  count: number,
): StaffName[] {
  const rng = rngFor(seed, 'extended-staff', facility.code, role);
  return Array.from({ length: count }, (_, i) => {
    const sex = rng.chance(0.5) ? 'M' : 'F';
    return {
      id: `${prefix}${String(i + 1).padStart(4, '0')}`,
      family: rng.weighted(SURNAMES, (n) => n.weight).kanji,
      given: rng.weighted(GIVEN_NAMES[sex]['1970s'], (n) => n.weight).kanji,
    };
  });
}

/** `2026年3月5日` from `YYYYMMDD…`. */
export function jaDate(ymd: string): string {
  return `${Number(ymd.slice(0, 4))}年${Number(ymd.slice(4, 6))}月${Number(ymd.slice(6, 8))}日`;
}

/** A random moment on `ymd + days` between two minutes of the day, as 17 digits. */
export function momentOn(rng: Rng, ymd: string, days: number, fromMinute: number, toMinute: number): string {
  return stamp17(dayFromYmd(ymd) + days, rng.int(fromMinute, toMinute), rng.int(0, 59), rng.int(0, 999));
}

/** A moment `minutes` (plus random seconds) after a 17-digit timestamp. */
export function after(rng: Rng, ts: string, minutes: number): string {
  const minute = Number(ts.slice(8, 10)) * 60 + Number(ts.slice(10, 12)) + minutes;
  return stamp17(dayFromYmd(ts.slice(0, 8)), minute, rng.int(0, 59), rng.int(0, 999));
}

export function header(
  ctx: DocumentContext,
  kind: DocumentKind,
  specificKey: string,
  written: string,
  author: StaffName & { readonly role?: string },
  dept: string,
): Pick<
  ClinicalDocumentModel,
  'kind' | 'specificKey' | 'version' | 'effectiveTime' | 'facility' | 'patient' | 'author'
> {
  const f = ctx.facility;
  const r = ctx.patient.recorded;
  const town = f.address.town;
  return {
    kind,
    specificKey,
    version: 1,
    effectiveTime: written.slice(0, 14),
    facility: {
      code: f.code,
      name: f.name,
      postcode: town.postcode,
      address: `${town.prefecture}${town.city}${town.town}${f.address.street}`,
      phone: f.phone,
    },
    patient: {
      localId: ctx.patient.localId,
      familyKanji: r.familyKanji,
      givenKanji: r.givenKanji,
      familyKana: r.familyKana,
      givenKana: r.givenKana,
      birthDate: r.birthDate,
      sex: r.sex,
      postcode: r.postcode,
      address: r.addressText,
    },
    author: { ...author, deptCode: dept, deptName: deptName(dept) },
  };
}

export function ageText(ctx: DocumentContext, ymd: string): string {
  return `${ageOn(ctx.patient.recorded.birthDate, dayFromYmd(ymd))}歳`;
}

/** Problems active on a day: recorded by then and not resolved before it. */
export function activeOn(problems: readonly ProblemFact[], ymd: string): ProblemFact[] {
  return problems.filter((p) => (p.onset || p.recorded) <= ymd && (!p.resolved || p.resolved >= ymd));
}

export const problemText = (p: ProblemFact): string =>
  `${p.name}${p.icd10 ? `（ICD-10: ${p.icd10}）` : ''}${p.onset ? ` 発症 ${jaDate(p.onset)}` : ''}`;

const valueText = (v: { value: string; unit: string; flag: string }): string =>
  `${v.value}${v.unit && v.unit !== '1' ? ` ${v.unit}` : ''}${v.flag === 'H' ? ' ↑' : v.flag === 'L' ? ' ↓' : ''}`;

/** A table of one or two lab reports (first and last), items in the first report's order. */
export function labTable(reports: readonly LabReport[]): {
  head: string[];
  rows: string[][];
} {
  const first = reports[0];
  const last = reports.length > 1 ? reports[reports.length - 1] : undefined;
  if (!first) return { head: [], rows: [] };
  const head = ['検査項目', jaDate(first.collected), ...(last ? [jaDate(last.collected)] : [])];
  const rows = first.values.map((v) => {
    const later = last?.values.find((w) => w.name === v.name);
    return [v.name, valueText(v), ...(last ? [later ? valueText(later) : '－'] : [])];
  });
  return { head, rows };
}

/** The value of one test in a report, as a number. */
export function labNumber(report: LabReport | undefined, name: string): number | undefined {
  const v = report?.values.find((x) => x.name === name)?.value;
  return v === undefined || v === '' || Number.isNaN(Number(v)) ? undefined : Number(v);
}
