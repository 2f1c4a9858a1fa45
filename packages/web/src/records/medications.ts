/**
 * Medications across facilities (処方・注射): each prescription's supply period, the drugs the patient
 * is taking now (現在の処方) merged across facilities, and the 重複投薬 check.
 *
 * The rules, in one place (packages/web/README.md "Medications" says the same for users):
 * - **Supply period** of one MedicationRequest: from its start (TQ1-7 `boundsPeriod.start` / the JP Core
 *   PeriodOfUse extension, else `authoredOn`, else the list date) for `dispenseRequest.expectedSupplyDuration`
 *   (else `timing.repeat.boundsDuration`) days, the start day counting as day 1; an explicit period end
 *   (TQ1-8) wins. Without days, the dispensed quantity ÷ the daily dose when both are in the same unit.
 *   頓用・外用 often carry neither: their end is unknown (`end: null`) and they count as taken for
 *   {@link UNKNOWN_SUPPLY_DAYS} days from the start.
 * - **Current** (現在の処方): a prescription (not an injection) that is not stopped, cancelled, on hold,
 *   a draft or entered in error, started on or before today, whose supply ends no more than
 *   {@link GRACE_DAYS} days before today — a chronic drug refilled every 28–90 days, a few days late,
 *   never drops out between refills.
 * - **The same drug** (one row): requests share a national code — HOT (HOT7/9/13: the first 7 digits,
 *   処方用番号, are the drug and strength whatever the maker or package) or YJ (the first 9 characters:
 *   ingredient, form, strength) — or the same name (NFKC, spaces removed). Local codes never merge
 *   across facilities by code, only by name.
 * - **Ingredient** (`ingredientCode`): YJ `YJ7:` + the first 7 characters (薬効分類 + 成分); HOT `HOT7:` +
 *   the first 7 digits (without the HOT master, HOT names no ingredient finer than the drug family).
 * - **重複投薬** (`duplicate`): the same ingredient (or the same drug) in current prescriptions of at
 *   least two facilities whose supply periods overlap (without the grace window: a hand-over from
 *   hospital to family doctor is not a duplicate).
 * - **Dispensings** (調剤: MedicationDispense — a pharmacy's お薬手帳 record, a clinic's 院内処方 from
 *   ORCA): dispensed on D (`whenHandedOver`, else `whenPrepared`, else the list date) with N days
 *   (`daysSupply`) the supply runs D … D+N−1; without days (頓用・外用) its end is unknown and it counts
 *   for {@link UNKNOWN_SUPPLY_DAYS} days, as a prescription does. A completed (or in-progress / unknown)
 *   dispensing whose supply plus {@link GRACE_DAYS} reaches today is **current** for its drug: it joins
 *   the same-drug row of the prescriptions (the same rule; a dispensing's レセ電 code also keys it, see
 *   below) as one more source, marked 調剤 (`kind: 'dispense'`), keyed by facility and pharmacy. A
 *   dispensing of the same facility's own current prescription (ORCA: `authorizingPrescription`
 *   `MedicationRequest/<id>`) is that prescription's source already and is not listed again.
 *   Dispensings never make a 重複投薬 finding: a pharmacy filling a hospital's prescription is one supply,
 *   not two (the check stays on prescriptions). The row's dose is the prescriptions' when there are any.
 * - **レセ電 code** (レセプト電算処理システム用 医薬品コード, 9 digits `6xxxxxxxx`: ORCA's
 *   `urn:oid:1.2.392.100495.20.2.71`, the お薬手帳's `urn:jahis:tc:codesystem:receipt-drug`, UKE's
 *   `urn:uke:codesystem:masterY-drug`) is a national product code: the same code is the same drug
 *   (`RECE9:`); it names no ingredient.
 * - **Claim drugs** (MedicationStatement from a receipt, UKE) are never current: a claim says the drug was
 *   billed that month, not a dose or a period (records/dispensings.ts lists them on their own).
 */
import type { SourcedResource } from '../api/types';
import { dayOf } from '../lib/dates';
import { type CodeableConcept, categoryOf, conceptText, type Quantity, quantityText } from './fhir';

/** Days after a supply ends during which the drug still counts as current (late refills). */
export const GRACE_DAYS = 14;
/** Days a prescription without a duration (頓用・外用) counts as taken from its start. */
export const UNKNOWN_SUPPLY_DAYS = 30;

export interface MedicationSource {
  facilityOid: string;
  facilityName: string;
  /** A prescription (MedicationRequest) or a dispensing (調剤: MedicationDispense). */
  kind: 'prescription' | 'dispense';
  /** The pharmacy the dispensing names (its performer), when it names one; null for prescriptions. */
  pharmacy: string | null;
  /** Start of this source's newest current prescription (or dispensing day) of the drug. */
  lastDate: string | null;
  /** End of this source's supply (null: the source gave no duration). */
  endDate: string | null;
  /** 院内 (true) / 院外 (false) as the newest prescription says; null when it does not say. */
  inHouse: boolean | null;
}

export interface CurrentMedication {
  key: string;
  name: string;
  dose: string | null;
  ingredientCode: string | null;
  /** Start of the uninterrupted course (gaps ≤ GRACE_DAYS) that is current, across facilities. */
  startDate: string | null;
  endDate: string | null;
  duplicate: boolean;
  sources: MedicationSource[];
}

export type RequestStatus = 'active' | 'stopped' | 'cancelled' | 'error' | 'other';
/** The prescription's setting as MERIT-9 表7 (RXE-21) says it. */
export type Setting = 'outpatient' | 'inpatient' | 'discharge' | 'brought' | null;

/** One MedicationRequest (or, for the current list, MedicationDispense) read for the medication screens. */
export interface PrescriptionPeriod {
  entry: SourcedResource;
  /** `request`: a MedicationRequest; `dispense`: a MedicationDispense (調剤). */
  kind: 'request' | 'dispense';
  /** A dispensing's pharmacy (its Organization performer); null for requests. */
  pharmacy: string | null;
  /** A dispensing's `MedicationRequest/<id>` of its own facility, as that request's id; else null. */
  fills: string | null;
  /** Merge key: the same drug across facilities (see the rules above). */
  drugKey: string;
  name: string;
  ingredientCode: string | null;
  start: string | null;
  /** Last day of the supply; null when the source gave no duration. */
  end: string | null;
  /** `end`, or start + UNKNOWN_SUPPLY_DAYS − 1 when unknown: the end used for "current" and overlaps. */
  assumedEnd: string | null;
  status: RequestStatus;
  inHouse: boolean | null;
  setting: Setting;
  injection: boolean;
  /** 1回量 and usage, as the source wrote them. */
  dose: string | null;
}

const MS_PER_DAY = 86_400_000;

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / MS_PER_DAY);
}

interface Dosage {
  text?: string;
  extension?: { url?: string; valuePeriod?: { start?: string; end?: string } }[];
  timing?: {
    code?: CodeableConcept;
    repeat?: { boundsDuration?: Quantity; boundsPeriod?: { start?: string; end?: string } };
  };
  doseAndRate?: { doseQuantity?: Quantity; rateRatio?: { numerator?: Quantity } }[];
}

const DAYS_PER_UNIT: Readonly<Record<string, number>> = { d: 1, wk: 7, mo: 30, a: 365 };

/** A duration in whole days (UCUM d / wk / mo / a; a bare number is days). */
function durationDays(q: Quantity | undefined): number | null {
  if (!q || typeof q.value !== 'number' || !(q.value > 0)) return null;
  const per = DAYS_PER_UNIT[q.code ?? 'd'] ?? (q.unit === '週' ? 7 : q.unit === '月' ? 30 : 1);
  return Math.round(q.value * per);
}

const STATUS: Readonly<Record<string, RequestStatus>> = {
  active: 'active',
  completed: 'active',
  unknown: 'active',
  stopped: 'stopped',
  cancelled: 'cancelled',
  'entered-in-error': 'error',
};

/** MERIT-9 処方オーダ表7 (RXE-21; JHSP0007 uses the same codes): setting and 院内/院外. */
function dispensing(r: Record<string, unknown>): { inHouse: boolean | null; setting: Setting } {
  const codes = new Set(
    ((r.category as CodeableConcept[] | undefined) ?? []).flatMap((c) =>
      (c.coding ?? []).map((x) => (x.code ?? '').toUpperCase()),
    ),
  );
  const setting: Setting = codes.has('IHP')
    ? 'inpatient'
    : codes.has('DCG')
      ? 'discharge'
      : codes.has('BDP')
        ? 'brought'
        : codes.has('OHP') || codes.has('OHI') || codes.has('OHO')
          ? 'outpatient'
          : null;
  // 院外 only when the source says OHO; 院内 when it says OHI, or for inpatient orders (the hospital
  // pharmacy dispenses them by definition).
  const inHouse = codes.has('OHO') ? false : codes.has('OHI') || codes.has('IHP') ? true : null;
  return { inHouse, setting };
}

interface DrugCodes {
  /** Keys that identify the same drug (national codes only). */
  drug: string[];
  ingredient: string | null;
}

/** HOT systems: MEDIS URIs (master-HOT7/9/13), a CWE.3 name (`HOT9`) turned URN, the HOT OIDs. */
const isHot = (system: string) => /[-:/]HOT(7|9|12|13)?$|1\.2\.392\.200119\.4\.40[2-4]/i.test(system);
/** YJ systems: `YJ-code` (capstandard), JP Core's YJ code system, a CWE.3 name `YJ` turned URN. */
const isYj = (system: string) => /[-:/_]YJ([-_]code|[-_]CS)?$|MedicationCodeYJ/i.test(system);
/** レセ電 医薬品コード systems: ORCA's OID, the お薬手帳's and UKE's URNs (see the rules above). */
const isReceipt = (system: string) =>
  /^urn:oid:1\.2\.392\.100495\.20\.2\.71$|^urn:jahis:tc:codesystem:receipt-drug$|^urn:uke:codesystem:masterY-drug$/.test(
    system,
  );

/** Keys from the drug's national codes (HOT, YJ). Local and unknown systems give none. */
export function drugCodes(concept: CodeableConcept | undefined): DrugCodes {
  const drug: string[] = [];
  let ingredient: string | null = null;
  for (const c of concept?.coding ?? []) {
    const system = c.system ?? '';
    const code = (c.code ?? '').trim();
    if (system.includes(':ssmix2:') && !system.startsWith('urn:ssmix2:codesystem:')) continue; // local
    if (isHot(system) && /^\d{7,13}$/.test(code)) {
      drug.push(`HOT7:${code.slice(0, 7)}`);
      ingredient ??= `HOT7:${code.slice(0, 7)}`;
    } else if (isYj(system) && /^[0-9A-Z]{9,12}$/i.test(code)) {
      drug.push(`YJ9:${code.slice(0, 9).toUpperCase()}`);
      ingredient = `YJ7:${code.slice(0, 7).toUpperCase()}`; // YJ names the ingredient: prefer it
    } else if (isReceipt(system) && /^6\d{8}$/.test(code)) {
      drug.push(`RECE9:${code}`);
    }
  }
  return { drug, ingredient };
}

const nameKey = (name: string) => `name:${name.normalize('NFKC').replace(/\s+/g, '')}`;

function drugOf(r: Record<string, unknown>): { name: string; concept: CodeableConcept | undefined } {
  const concept = r.medicationCodeableConcept as CodeableConcept | undefined;
  if (concept) return { name: conceptText(concept), concept };
  const ref = r.medicationReference as { reference?: string; display?: string } | undefined;
  // An injection recipe (contained Medication): its first ingredient's code is the drug's code.
  const contained = (
    r.contained as { id?: string; ingredient?: { itemCodeableConcept?: CodeableConcept }[] }[]
  )?.find((c) => ref?.reference === `#${c.id}`)?.ingredient?.[0]?.itemCodeableConcept;
  return { name: ref?.display || '—', concept: contained };
}

function doseText(dosage: Dosage): string | null {
  const rate = dosage.doseAndRate?.[0];
  const parts = [
    quantityText(rate?.doseQuantity),
    dosage.timing?.code ? conceptText(dosage.timing.code) : (dosage.text ?? ''),
  ].filter(Boolean);
  return parts.length ? parts.join(' ') : null;
}

/** Days of supply from quantity ÷ daily dose, when both are given in the same unit. */
function daysFromQuantity(r: Record<string, unknown>, dosage: Dosage): number | null {
  const quantity = (r.dispenseRequest as { quantity?: Quantity } | undefined)?.quantity;
  const daily = dosage.doseAndRate?.[0]?.rateRatio?.numerator;
  if (!quantity?.value || !daily?.value) return null;
  const same = (quantity.code ?? quantity.unit) === (daily.code ?? daily.unit);
  return same ? Math.ceil(quantity.value / daily.value) : null;
}

/** One MedicationRequest's drug, period, status and dispensing; null for other resources. */
export function prescriptionPeriod(entry: SourcedResource): PrescriptionPeriod | null {
  const r = entry.resource;
  if (r.resourceType !== 'MedicationRequest') return null;
  const dosage = ((r.dosageInstruction as Dosage[] | undefined) ?? [])[0] ?? {};
  const use = dosage.extension?.find((x) => x.url?.endsWith('JP_MedicationDosage_PeriodOfUse'))?.valuePeriod;
  const bounds = dosage.timing?.repeat?.boundsPeriod;
  const start =
    dayOf(use?.start ?? bounds?.start) ?? dayOf(r.authoredOn as string | undefined) ?? dayOf(entry.date);
  const explicitEnd = dayOf(use?.end ?? bounds?.end);
  const supply = (r.dispenseRequest as { expectedSupplyDuration?: Quantity } | undefined)
    ?.expectedSupplyDuration;
  const days =
    durationDays(supply) ??
    durationDays(dosage.timing?.repeat?.boundsDuration) ??
    daysFromQuantity(r, dosage);
  const end = explicitEnd ?? (start && days ? addDays(start, days - 1) : null);
  const { name, concept } = drugOf(r);
  const codes = drugCodes(concept);
  const status = STATUS[String(r.status)] ?? 'other';
  return {
    entry,
    kind: 'request',
    pharmacy: null,
    fills: null,
    drugKey: codes.drug[0] ?? nameKey(name),
    name,
    ingredientCode: codes.ingredient,
    start,
    end,
    assumedEnd: end ?? (start ? addDays(start, UNKNOWN_SUPPLY_DAYS - 1) : null),
    status,
    ...dispensing(r),
    injection: categoryOf(entry) === 'injection',
    dose: doseText(dosage),
  };
}

const DISPENSE_STATUS: Readonly<Record<string, RequestStatus>> = {
  completed: 'active',
  'in-progress': 'active',
  unknown: 'active',
  stopped: 'stopped',
  cancelled: 'cancelled',
  declined: 'cancelled',
  'entered-in-error': 'error',
};

/** Status of a MedicationDispense in the terms of the screens (preparation, on-hold: `other`). */
export const dispenseStatus = (r: Record<string, unknown>): RequestStatus =>
  DISPENSE_STATUS[String(r.status)] ?? 'other';

interface Performer {
  actor?: { type?: string; reference?: string; display?: string };
}

/** The dispensing pharmacy (an Organization performer, or an untyped one) and pharmacist, as named. */
export function performersOf(r: Record<string, unknown>): {
  pharmacy: string | null;
  pharmacist: string | null;
} {
  const list = (r.performer as Performer[] | undefined) ?? [];
  const isPerson = (p: Performer) =>
    p.actor?.type === 'Practitioner' || /^Practitioner(Role)?\//.test(p.actor?.reference ?? '');
  const pharmacy = list.find((p) => !isPerson(p) && p.actor?.display)?.actor?.display ?? null;
  const pharmacist = list.find((p) => isPerson(p) && p.actor?.display)?.actor?.display ?? null;
  return { pharmacy, pharmacist };
}

/** The day a dispensing was handed over (else prepared, else the list date). */
export const dispenseDay = (entry: SourcedResource): string | null =>
  dayOf(entry.resource.whenHandedOver as string | undefined) ??
  dayOf(entry.resource.whenPrepared as string | undefined) ??
  dayOf(entry.date);

/** A dispensing's dose as sent: 1回量, else 1日量, and its usage text (the text itself before a code). */
function dispenseDoseText(dosage: Dosage): string | null {
  const rate = dosage.doseAndRate?.[0];
  const parts = [
    rate?.doseQuantity
      ? quantityText(rate.doseQuantity)
      : rate?.rateRatio?.numerator
        ? `1日 ${quantityText(rate.rateRatio.numerator)}`
        : '',
    dosage.text ?? (dosage.timing?.code ? conceptText(dosage.timing.code) : ''),
  ].filter(Boolean);
  return parts.length ? parts.join(' ') : null;
}

/**
 * One MedicationDispense as a supply period (see the rules above: D … D+N−1, unknown without days);
 * null for other resources.
 */
export function dispensePeriod(entry: SourcedResource): PrescriptionPeriod | null {
  const r = entry.resource;
  if (r.resourceType !== 'MedicationDispense') return null;
  const start = dispenseDay(entry);
  const days = durationDays(r.daysSupply as Quantity | undefined);
  const end = start && days ? addDays(start, days - 1) : null;
  const { name, concept } = drugOf(r);
  const codes = drugCodes(concept);
  const dosage = ((r.dosageInstruction as Dosage[] | undefined) ?? [])[0] ?? {};
  const own = (r.authorizingPrescription as { reference?: string }[] | undefined)
    ?.map((a) => /^MedicationRequest\/([^/]+)$/.exec(a.reference ?? '')?.[1])
    .find(Boolean);
  return {
    entry,
    kind: 'dispense',
    pharmacy: performersOf(r).pharmacy,
    fills: own ?? null,
    drugKey: codes.drug[0] ?? nameKey(name),
    name,
    ingredientCode: codes.ingredient,
    start,
    end,
    assumedEnd: end ?? (start ? addDays(start, UNKNOWN_SUPPLY_DAYS - 1) : null),
    status: dispenseStatus(r),
    inHouse: null,
    setting: null,
    injection: categoryOf(entry) === 'injection',
    dose: dispenseDoseText(dosage),
  };
}

/** Union-find over string keys. */
class Groups {
  private readonly parent = new Map<string, string>();
  find(k: string): string {
    let root = k;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    this.parent.set(k, root);
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    // The smaller key is the root, so a group's key does not depend on the order of the entries.
    if (ra !== rb) ra < rb ? this.parent.set(rb, ra) : this.parent.set(ra, rb);
  }
}

/**
 * Every MedicationRequest as a period, with `drugKey` made common across facilities: requests that
 * share a national code or a name are one drug (keyed by the group's smallest key).
 */
export function prescriptionPeriods(entries: readonly SourcedResource[]): PrescriptionPeriod[] {
  return commonKeys(entries, prescriptionPeriod);
}

/**
 * Prescriptions and dispensings (MedicationRequest and MedicationDispense) as periods with common drug
 * keys: what the current list is judged from.
 */
export function medicationPeriods(entries: readonly SourcedResource[]): PrescriptionPeriod[] {
  return commonKeys(entries, (e) => prescriptionPeriod(e) ?? dispensePeriod(e));
}

function commonKeys(
  entries: readonly SourcedResource[],
  read: (e: SourcedResource) => PrescriptionPeriod | null,
): PrescriptionPeriod[] {
  const periods: PrescriptionPeriod[] = [];
  const groups = new Groups();
  for (const e of entries) {
    const p = read(e);
    if (!p) continue;
    const r = e.resource;
    const concept =
      (r.medicationCodeableConcept as CodeableConcept | undefined) ??
      drugOf(r as Record<string, unknown>).concept;
    const keys = [...drugCodes(concept).drug, nameKey(p.name)];
    for (const k of keys.slice(1)) groups.union(keys[0]!, k);
    periods.push({ ...p, drugKey: keys[0]! });
  }
  // Prefer a code key as the group's name: the root is the smallest key, and "HOT7:"/"RECE9:"/"YJ9:"
  // sort before "name:" — so a group with any national code is keyed by one.
  return periods.map((p) => ({ ...p, drugKey: groups.find(p.drugKey) }));
}

/** Not stopped, cancelled, on hold, a draft or in error (stopped orders stay in the history only). */
const taken = (p: PrescriptionPeriod) => p.status === 'active';

/** A prescription (not an injection) whose supply, plus the grace window, reaches today. */
export function isCurrent(p: PrescriptionPeriod, today: string): boolean {
  if (p.injection || !taken(p) || !p.start || !p.assumedEnd) return false;
  return p.start <= today && addDays(p.assumedEnd, GRACE_DAYS) >= today;
}

const overlap = (a: PrescriptionPeriod, b: PrescriptionPeriod) =>
  !!a.start &&
  !!b.start &&
  !!a.assumedEnd &&
  !!b.assumedEnd &&
  a.start <= b.assumedEnd &&
  b.start <= a.assumedEnd;

/** A 重複投薬 finding: one ingredient (or drug) prescribed by several facilities at once. */
export interface DuplicateFinding {
  /** The ingredient code, else the drug key. */
  key: string;
  /** The drugs' names as the facilities wrote them. */
  names: string[];
  facilities: { facilityOid: string; facilityName: string }[];
  /** First and last day on which the supplies overlap. */
  from: string;
  to: string;
  /** Each stretch of overlap (merged), oldest first: a timeline marks them. */
  overlaps: { from: string; to: string }[];
  drugKeys: string[];
}

/**
 * Pairs of requests from different facilities, same ingredient or drug, with overlapping supply
 * periods, gathered per ingredient (stopped orders and injections are not looked at).
 */
export function duplicateFindings(periods: readonly PrescriptionPeriod[]): DuplicateFinding[] {
  const clusters = new Groups();
  const usable = periods.filter((p) => !p.injection && taken(p) && p.start && p.assumedEnd);
  for (const p of usable) if (p.ingredientCode) clusters.union(p.drugKey, p.ingredientCode);
  const byCluster = new Map<string, PrescriptionPeriod[]>();
  for (const p of usable) {
    const c = clusters.find(p.drugKey);
    byCluster.set(c, [...(byCluster.get(c) ?? []), p]);
  }
  const findings: DuplicateFinding[] = [];
  for (const [cluster, list] of byCluster) {
    if (new Set(list.map((p) => p.entry.facilityOid)).size < 2) continue;
    const involved = new Set<PrescriptionPeriod>();
    const stretches: { from: string; to: string }[] = [];
    const sorted = [...list].sort((a, b) => a.start!.localeCompare(b.start!));
    for (let i = 0; i < sorted.length; i++) {
      const a = sorted[i]!;
      for (let j = i + 1; j < sorted.length; j++) {
        const b = sorted[j]!;
        if (b.start! > a.assumedEnd!) break;
        if (a.entry.facilityOid === b.entry.facilityOid || !overlap(a, b)) continue;
        involved.add(a).add(b);
        // From the later start (b: sorted) to the earlier end (ISO days sort as strings).
        stretches.push({ from: b.start!, to: [a.assumedEnd!, b.assumedEnd!].sort()[0]! });
      }
    }
    if (involved.size === 0) continue;
    const overlaps = mergeStretches(stretches);
    const facilities = new Map<string, string>();
    for (const p of involved) facilities.set(p.entry.facilityOid, p.entry.facilityName);
    findings.push({
      key: list.find((p) => p.ingredientCode)?.ingredientCode ?? cluster,
      names: [...new Set([...involved].map((p) => p.name))],
      facilities: [...facilities].map(([facilityOid, facilityName]) => ({ facilityOid, facilityName })),
      from: overlaps[0]!.from,
      to: overlaps[overlaps.length - 1]!.to, // disjoint and sorted: the last ends last
      overlaps,
      drugKeys: [...new Set([...involved].map((p) => p.drugKey))],
    });
  }
  return findings.sort((a, b) => a.names[0]!.localeCompare(b.names[0]!, 'ja'));
}

/** Overlapping or touching stretches of days joined, oldest first. */
function mergeStretches(list: readonly { from: string; to: string }[]): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  for (const s of [...list].sort((a, b) => a.from.localeCompare(b.from))) {
    const last = out[out.length - 1];
    if (last && s.from <= addDays(last.to, 1)) {
      if (s.to > last.to) last.to = s.to;
    } else out.push({ ...s });
  }
  return out;
}

/** The current list and its 重複投薬 findings, from the same requests. */
export function medicationOverview(
  entries: readonly SourcedResource[],
  today: string,
): { current: CurrentMedication[]; duplicates: DuplicateFinding[] } {
  const all = medicationPeriods(entries);
  const currentAll = all.filter((p) => isCurrent(p, today));
  // 重複投薬 is judged on prescriptions only (a dispensing fills a prescription: one supply, not two).
  const duplicates = duplicateFindings(currentAll.filter((p) => p.kind === 'request'));
  const duplicated = new Set(duplicates.flatMap((d) => d.drugKeys));
  // A facility's dispensing of its own current prescription (ORCA 院内) is that prescription's source.
  const currentRequests = new Set(
    currentAll
      .filter((p) => p.kind === 'request')
      .map((p) => `${p.entry.facilityOid}|${p.entry.resource.id}`),
  );
  const current = currentAll.filter(
    (p) => !(p.kind === 'dispense' && p.fills && currentRequests.has(`${p.entry.facilityOid}|${p.fills}`)),
  );
  const byDrug = new Map<string, PrescriptionPeriod[]>();
  for (const p of current) byDrug.set(p.drugKey, [...(byDrug.get(p.drugKey) ?? []), p]);
  const rows: CurrentMedication[] = [];
  for (const [key, list] of byDrug) {
    const newest = [...list].sort((a, b) => b.start!.localeCompare(a.start!));
    const perSource = new Map<string, PrescriptionPeriod>();
    for (const p of newest) if (!perSource.has(sourceKey(p))) perSource.set(sourceKey(p), p);
    const sources = [...perSource.values()].map(
      (p): MedicationSource => ({
        facilityOid: p.entry.facilityOid,
        facilityName: p.entry.facilityName,
        kind: p.kind === 'dispense' ? 'dispense' : 'prescription',
        pharmacy: p.pharmacy,
        lastDate: p.start,
        endDate: latestEnd(list.filter((x) => sourceKey(x) === sourceKey(p))),
        inHouse: p.inHouse,
      }),
    );
    const prescribed = [...perSource.values()].filter((p) => p.kind === 'request');
    rows.push({
      key,
      // The prescription's name and dose when there is one (a pharmacy writes names its own way).
      name: (newest.find((p) => p.kind === 'request') ?? newest[0]!).name,
      dose: doseAcross(prescribed.length ? prescribed : [...perSource.values()]),
      ingredientCode: newest.find((p) => p.ingredientCode)?.ingredientCode ?? null,
      startDate: courseStart(
        all.filter((p) => p.drugKey === key && !p.injection && taken(p)),
        newest[newest.length - 1]!.start!,
      ),
      endDate: latestEnd(list),
      duplicate: duplicated.has(key),
      sources,
    });
  }
  rows.sort((a, b) => Number(b.duplicate) - Number(a.duplicate) || a.name.localeCompare(b.name, 'ja'));
  return { current: rows, duplicates };
}

/** One source of a current row: a facility's prescriptions, or a facility's dispensings at one pharmacy. */
const sourceKey = (p: PrescriptionPeriod) =>
  p.kind === 'dispense' ? `${p.entry.facilityOid}|dispense|${p.pharmacy ?? ''}` : p.entry.facilityOid;

/** A current row's source, unique within the row (a facility's prescriptions, or its dispensings at a pharmacy). */
export const medicationSourceKey = (s: MedicationSource): string =>
  `${s.kind}|${s.facilityOid}|${s.pharmacy ?? ''}`;

/** The drugs the patient takes today, one row per drug with every prescribing facility. */
export function currentMedications(entries: readonly SourcedResource[], today: string): CurrentMedication[] {
  return medicationOverview(entries, today).current;
}

/** The latest known end; null when any of the requests has no known end (then the end is unknown). */
function latestEnd(list: readonly PrescriptionPeriod[]): string | null {
  if (list.some((p) => !p.end)) return null;
  return list.reduce<string | null>((max, p) => (!max || p.end! > max ? p.end! : max), null);
}

/** One dose when the facilities agree; else each facility's, so a difference is never hidden. */
function doseAcross(newestPerFacility: readonly PrescriptionPeriod[]): string | null {
  const doses = [...new Set(newestPerFacility.map((p) => p.dose ?? '—'))];
  if (doses.length <= 1) return newestPerFacility[0]?.dose ?? null;
  return newestPerFacility
    .map(
      (p) =>
        `${p.dose ?? '—'}（${p.kind === 'dispense' ? (p.pharmacy ?? p.entry.facilityName) : p.entry.facilityName}）`,
    )
    .join(' ／ ');
}

/** Walks back from the current requests while earlier supplies reach within the grace window. */
function courseStart(history: readonly PrescriptionPeriod[], earliestCurrent: string): string {
  const sorted = history
    .filter((p) => p.start && p.assumedEnd)
    .sort((a, b) => b.start!.localeCompare(a.start!));
  let start = earliestCurrent;
  for (const p of sorted) {
    // An earlier supply that reaches the course (within the grace window) extends it backwards.
    if (p.start! < start && addDays(p.assumedEnd!, GRACE_DAYS) >= addDays(start, -1)) start = p.start!;
  }
  return start;
}
