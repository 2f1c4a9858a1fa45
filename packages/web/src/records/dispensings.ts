/**
 * 調剤（薬局） and レセプト（請求）由来の薬剤: the medication records that are not prescriptions.
 *
 * The rules (packages/web/README.md "Medications" says the same for users):
 * - **調剤** — every MedicationDispense (a pharmacy's お薬手帳 record, packages/okusuri-techo; a clinic's
 *   院内処方 from ORCA), whatever its facility: grouped by dispensing day (`whenHandedOver`, else
 *   `whenPrepared`, else the list date) + the facility that disclosed it + the pharmacy it names (its
 *   Organization performer), newest first — the same dispensing disclosed by two facilities is shown by
 *   each (every source). In a group, one block per prescription: the prescribing institution, doctor and
 *   department (the お薬手帳's contained MedicationRequest → PractitionerRole; ORCA's
 *   `MedicationRequest/<id>` of the same facility, whose requester is the doctor), lines by Rp and order
 *   in the Rp.
 * - **Amounts as sent** (`amountText`): the quantity's originalText extension when it has one, else the
 *   number exactly as the JSON gave it (never rounded, never in exponent form), with its unit as sent
 *   (`unit`, else `code`). 1回量 (`doseQuantity`), 1日量 (`rateRatio.numerator`), the usage text as sent
 *   (`dosageInstruction.text`, else the timing code's text), 日数 (`daysSupply`), and the supply's last day
 *   D+N−1 (medications.ts `dispensePeriod`; `null` without days).
 * - **Notes**: those every line of a group carries (the お薬手帳 writes the dispensing's 服薬指導 on each
 *   drug) once for the group — all of them when the group has one drug; the others with their drug.
 * - **Claim drugs** — every MedicationStatement (UKE: the drugs of a monthly receipt): grouped by 診療年月
 *   (the month of `effectivePeriod.start`, else of `effectiveDateTime`, `dateAsserted`, the list date) +
 *   facility + the claim's institution (`informationSource`) + 外来/入院, newest month first. A claim says
 *   the drug was billed that month, not a prescription's dose or period: such a statement is never current
 *   (medications.ts reads MedicationRequest and MedicationDispense only), and the screen says so. The
 *   statement's own note saying so (UKE `CLAIM_DRUG_NOTE`) is kept as the group's, its other notes
 *   (comments) with the drug; its dosage text (診療識別, amount, 算定日) as sent.
 */
import { ORIGINAL_TEXT_EXTENSION } from '@hie/contract';
import type { FhirResource, SourcedResource } from '../api/types';
import { dayOf } from '../lib/dates';
import { type CodeableConcept, conceptText, identifierValue, ORDER_IN_RP, RP_GROUP } from './fhir';
import { dispenseDay, dispensePeriod, dispenseStatus, performersOf, type RequestStatus } from './medications';

export interface SentQuantity {
  value?: number;
  unit?: string;
  code?: string;
  comparator?: string;
  extension?: { url?: string; valueString?: string }[];
}

/** A number written out as the JSON sent it: never rounded, never in exponent form (1e-7 → 0.0000001). */
export function plainNumber(n: number): string {
  const s = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]?\d+)$/i.exec(s);
  if (!m) return s;
  const [, sign, int = '', frac = '', exp] = m;
  const digits = `${int}${frac}`;
  const point = int.length + Number(exp);
  const out =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? `${digits}${'0'.repeat(point - digits.length)}`
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${sign}${out.replace(/^0+(?=\d)/, '')}`;
}

/** A quantity as sent: its originalText when given, else the number in full; the unit as sent. */
export function amountText(q: SentQuantity | undefined | null): string | null {
  if (!q) return null;
  const original = q.extension?.find((x) => x.url === ORIGINAL_TEXT_EXTENSION)?.valueString;
  const value =
    original ?? (typeof q.value === 'number' ? `${q.comparator ?? ''}${plainNumber(q.value)}` : null);
  if (value === null) return null;
  const unit = q.unit ?? q.code;
  return unit ? `${value} ${unit}` : value;
}

/** Days as sent: in days (the number alone) when the unit is days, else the quantity's text. */
export interface DaysSupply {
  /** The number of days as sent, when the unit is days. */
  days: string | null;
  /** The quantity's text (unit included), for units other than days. */
  text: string;
}

function daysSupplyOf(q: SentQuantity | undefined): DaysSupply | null {
  const text = amountText(q);
  if (!q || text === null) return null;
  const inDays = (q.code ?? 'd') === 'd' && (!q.unit || /^(d|day|days|日|日分)$/.test(q.unit));
  return { days: inDays && typeof q.value === 'number' ? plainNumber(q.value) : null, text };
}

/** Who prescribed what a dispensing filled, as the dispensing (or its facility's request) names them. */
export interface Prescriber {
  institution: string | null;
  doctor: string | null;
  department: string | null;
}

interface Dosage {
  text?: string;
  timing?: { code?: CodeableConcept; repeat?: { count?: number } };
  doseAndRate?: { doseQuantity?: SentQuantity; rateRatio?: { numerator?: SentQuantity } }[];
  additionalInstruction?: CodeableConcept[];
}

interface Contained {
  resourceType?: string;
  id?: string;
  requester?: { reference?: string; display?: string };
  practitioner?: { display?: string };
  organization?: { display?: string };
  specialty?: CodeableConcept[];
  code?: CodeableConcept;
}

/** One MedicationDispense as the 調剤 list shows it. */
export interface DispenseLine {
  entry: SourcedResource;
  day: string | null;
  name: string;
  /** 剤形 (内服, 屯服, 外用 …) as the dispensing's category says. */
  form: string | null;
  /** 1回量 as sent. */
  dose: string | null;
  /** 1日量 as sent. */
  daily: string | null;
  /** 用法 text as sent. */
  usage: string | null;
  /** 屯服: how many times (timing.repeat.count). */
  times: number | null;
  cautions: string[];
  /** 数量 (調剤量) with its unit, as sent. */
  quantity: string | null;
  daysSupply: DaysSupply | null;
  /** Last day of the supply (D+N−1), null without days. */
  until: string | null;
  rp: string | null;
  order: number;
  status: RequestStatus;
  pharmacy: string | null;
  pharmacist: string | null;
  prescriber: Prescriber | null;
  notes: string[];
}

const localRef = (contained: readonly Contained[], ref: string | undefined) =>
  ref?.startsWith('#') ? contained.find((c) => c.id === ref.slice(1)) : undefined;

/**
 * The prescriber of a dispensing: its contained request's PractitionerRole (お薬手帳), or the same
 * facility's MedicationRequest it names (ORCA: the facility is the institution, the requester the doctor).
 */
export function prescriberOf(
  entry: SourcedResource,
  requests: ReadonlyMap<string, FhirResource> = new Map(),
): Prescriber | null {
  const r = entry.resource;
  const contained = (r.contained as Contained[] | undefined) ?? [];
  for (const auth of (r.authorizingPrescription as { reference?: string; display?: string }[] | undefined) ??
    []) {
    let request: Contained | undefined = localRef(contained, auth.reference);
    let institution: string | null = null;
    if (!request) {
      const id = /^MedicationRequest\/([^/]+)$/.exec(auth.reference ?? '')?.[1];
      const own = id ? requests.get(`${entry.facilityOid}|${id}`) : undefined;
      if (own) {
        request = own as Contained;
        institution = entry.facilityName;
      }
    }
    const requester = request?.requester;
    const role = localRef(contained, requester?.reference);
    const found: Prescriber = {
      institution: role?.organization?.display ?? institution ?? auth.display ?? null,
      doctor: role?.practitioner?.display ?? requester?.display ?? null,
      department: role?.specialty?.[0] ? conceptText(role.specialty[0]) : null,
    };
    if (found.institution || found.doctor) return found;
  }
  return null;
}

function drugName(r: FhirResource): string {
  const concept = r.medicationCodeableConcept as CodeableConcept | undefined;
  if (concept) return conceptText(concept);
  const ref = r.medicationReference as { reference?: string; display?: string } | undefined;
  const med = localRef((r.contained as Contained[] | undefined) ?? [], ref?.reference);
  return med?.code ? conceptText(med.code) : ref?.display || '—';
}

const noteTexts = (r: FhirResource): string[] =>
  ((r.note as { text?: string }[] | undefined) ?? []).map((n) => n.text ?? '').filter(Boolean);

/** One MedicationDispense read for the 調剤 list; null for other resources. */
export function dispenseLine(
  entry: SourcedResource,
  requests: ReadonlyMap<string, FhirResource> = new Map(),
): DispenseLine | null {
  const r = entry.resource;
  if (r.resourceType !== 'MedicationDispense') return null;
  const dosage = ((r.dosageInstruction as Dosage[] | undefined) ?? [])[0] ?? {};
  const rate = dosage.doseAndRate?.[0];
  const category = r.category as CodeableConcept | undefined;
  const { pharmacy, pharmacist } = performersOf(r);
  return {
    entry,
    day: dispenseDay(entry),
    name: drugName(r),
    form: category ? conceptText(category) : null,
    dose: amountText(rate?.doseQuantity),
    daily: amountText(rate?.rateRatio?.numerator),
    usage: dosage.text ?? (dosage.timing?.code ? conceptText(dosage.timing.code) : null),
    times: dosage.timing?.repeat?.count ?? null,
    cautions: (dosage.additionalInstruction ?? []).map((c) => conceptText(c)),
    quantity: amountText(r.quantity as SentQuantity | undefined),
    daysSupply: daysSupplyOf(r.daysSupply as SentQuantity | undefined),
    until: dispensePeriod(entry)?.end ?? null,
    rp: identifierValue(r, RP_GROUP) ?? null,
    order: Number(identifierValue(r, ORDER_IN_RP) ?? '0'),
    status: dispenseStatus(r),
    pharmacy,
    pharmacist,
    prescriber: prescriberOf(entry, requests),
    notes: noteTexts(r),
  };
}

/** The lines of one prescription within a dispensing. */
export interface DispensedPrescription {
  key: string;
  prescriber: Prescriber | null;
  lines: DispenseLine[];
}

/** One dispensing day at one pharmacy, as one facility disclosed it. */
export interface DispensingGroup {
  key: string;
  day: string | null;
  facilityOid: string;
  facilityName: string;
  pharmacy: string | null;
  pharmacists: string[];
  prescriptions: DispensedPrescription[];
  /** Notes every line carries (the dispensing's own), shown once. */
  notes: string[];
}

const prescriberKey = (p: Prescriber | null) =>
  p ? `${p.institution ?? ''}|${p.doctor ?? ''}|${p.department ?? ''}` : '';
const byNumber = (a: string, b: string) => a.localeCompare(b, 'ja', { numeric: true });

/** Every MedicationDispense, grouped by day + facility + pharmacy, newest first (see the rules above). */
export function dispensingGroups(entries: readonly SourcedResource[]): DispensingGroup[] {
  const requests = new Map<string, FhirResource>();
  for (const e of entries)
    if (e.resource.resourceType === 'MedicationRequest')
      requests.set(`${e.facilityOid}|${e.resource.id}`, e.resource);
  const groups = new Map<string, { group: DispensingGroup; lines: DispenseLine[] }>();
  for (const e of entries) {
    const line = dispenseLine(e, requests);
    if (!line) continue;
    const key = `${line.day ?? ''}|${e.facilityOid}|${line.pharmacy ?? ''}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        group: {
          key,
          day: line.day,
          facilityOid: e.facilityOid,
          facilityName: e.facilityName,
          pharmacy: line.pharmacy,
          pharmacists: [],
          prescriptions: [],
          notes: [],
        },
        lines: [],
      };
      groups.set(key, g);
    }
    g.lines.push(line);
  }
  const out: DispensingGroup[] = [];
  for (const { group, lines } of groups.values()) {
    // Ids keep the source's order (a dispensing's prefix, then Rp and order in it).
    lines.sort((a, b) => byNumber(String(a.entry.resource.id), String(b.entry.resource.id)));
    const blocks = new Map<string, DispensedPrescription>();
    for (const line of lines) {
      const k = prescriberKey(line.prescriber);
      const block = blocks.get(k) ?? { key: `${group.key}|${k}`, prescriber: line.prescriber, lines: [] };
      blocks.set(k, block);
      block.lines.push(line);
    }
    for (const block of blocks.values())
      block.lines.sort((a, b) => byNumber(a.rp ?? '', b.rp ?? '') || a.order - b.order);
    group.prescriptions = [...blocks.values()];
    group.pharmacists = [...new Set(lines.flatMap((l) => (l.pharmacist ? [l.pharmacist] : [])))];
    const common = lines[0]!.notes.filter((n) => lines.every((l) => l.notes.includes(n)));
    group.notes = [...new Set(common)];
    for (const line of lines) line.notes = line.notes.filter((n) => !common.includes(n));
    out.push(group);
  }
  return out.sort(
    (a, b) =>
      (b.day ?? '').localeCompare(a.day ?? '') ||
      a.facilityName.localeCompare(b.facilityName, 'ja') ||
      (a.pharmacy ?? '').localeCompare(b.pharmacy ?? '', 'ja'),
  );
}

// ── Claim drugs (MedicationStatement) ─────────────────────────────────────────────────────────────

/** One drug of a claim (or another MedicationStatement), as listed. */
export interface ClaimDrug {
  entry: SourcedResource;
  name: string;
  /** 診療識別 (内服, 屯服, 注射 …) as the statement's category text says. */
  careCategory: string | null;
  /** The dosage text as sent (UKE: 診療識別, amount, ×days, 算定日). */
  dosage: string | null;
  status: 'entered-in-error' | 'other';
  /** The statement's notes other than the one saying it comes from a claim. */
  notes: string[];
}

/** One month of one facility's claim (or of its other statements). */
export interface ClaimGroup {
  key: string;
  /** 診療年月, YYYY-MM. */
  month: string | null;
  /** 請求年月 (`dateAsserted`), YYYY-MM, when given. */
  billedMonth: string | null;
  facilityOid: string;
  facilityName: string;
  /** The institution the claim names (`informationSource`). */
  institution: string | null;
  setting: 'inpatient' | 'outpatient' | null;
  /** From a receipt (UKE): billed that month, not a dose or a period. */
  fromClaim: boolean;
  /** The statement's own note saying it comes from a claim, as sent. */
  claimNote: string | null;
  lines: ClaimDrug[];
}

const STATEMENT_CATEGORY = 'http://terminology.hl7.org/CodeSystem/medication-statement-category';
const CLAIM_NOTE = /レセプト|診療報酬明細書/;

/** A statement made from a receipt: UKE's source or code systems, or a note saying so. */
export function isClaimStatement(r: FhirResource): boolean {
  const source = (r.meta as { source?: string } | undefined)?.source ?? '';
  const concept = r.medicationCodeableConcept as CodeableConcept | undefined;
  const category = r.category as CodeableConcept | undefined;
  const systems = [...(concept?.coding ?? []), ...(category?.coding ?? [])].map((c) => c.system ?? '');
  return (
    source.startsWith('urn:uke:') ||
    systems.some((s) => s.startsWith('urn:uke:')) ||
    noteTexts(r).some((n) => CLAIM_NOTE.test(n))
  );
}

/** The month (YYYY-MM) a statement is about: 診療年月 of a claim. */
export function statementMonth(entry: SourcedResource): string | null {
  const r = entry.resource;
  const period = r.effectivePeriod as { start?: string; end?: string } | undefined;
  const value =
    period?.start ??
    period?.end ??
    (r.effectiveDateTime as string | undefined) ??
    (r.dateAsserted as string | undefined) ??
    entry.date;
  return dayOf(value)?.slice(0, 7) ?? null;
}

/** Every MedicationStatement, grouped by month + facility + institution + setting, newest month first. */
export function claimGroups(entries: readonly SourcedResource[]): ClaimGroup[] {
  const groups = new Map<string, ClaimGroup>();
  for (const e of entries) {
    const r = e.resource;
    if (r.resourceType !== 'MedicationStatement') continue;
    const month = statementMonth(e);
    const institution = (r.informationSource as { display?: string } | undefined)?.display ?? null;
    const category = r.category as CodeableConcept | undefined;
    const settingCode = category?.coding?.find((c) => c.system === STATEMENT_CATEGORY)?.code;
    const setting = settingCode === 'inpatient' || settingCode === 'outpatient' ? settingCode : null;
    const fromClaim = isClaimStatement(r);
    const key = `${month ?? ''}|${e.facilityOid}|${institution ?? ''}|${setting ?? ''}|${fromClaim}`;
    const notes = noteTexts(r);
    const claimNote = fromClaim ? (notes.find((n) => CLAIM_NOTE.test(n)) ?? null) : null;
    let g = groups.get(key);
    if (!g) {
      const asserted = dayOf(r.dateAsserted as string | undefined)?.slice(0, 7) ?? null;
      g = {
        key,
        month,
        billedMonth: asserted,
        facilityOid: e.facilityOid,
        facilityName: e.facilityName,
        institution,
        setting,
        fromClaim,
        claimNote,
        lines: [],
      };
      groups.set(key, g);
    }
    g.claimNote ??= claimNote;
    const dosage = ((r.dosage as { text?: string }[] | undefined) ?? [])
      .map((d) => d.text ?? '')
      .filter(Boolean);
    g.lines.push({
      entry: e,
      name: drugName(r),
      careCategory:
        category?.text ??
        category?.coding?.find((c) => c.system !== STATEMENT_CATEGORY && c.display)?.display ??
        null,
      dosage: dosage.length ? dosage.join(' ／ ') : null,
      status: r.status === 'entered-in-error' ? 'entered-in-error' : 'other',
      notes: notes.filter((n) => n !== claimNote),
    });
  }
  const out = [...groups.values()];
  for (const g of out)
    g.lines.sort((a, b) => byNumber(String(a.entry.resource.id), String(b.entry.resource.id)));
  return out.sort(
    (a, b) =>
      (b.month ?? '').localeCompare(a.month ?? '') ||
      a.facilityName.localeCompare(b.facilityName, 'ja') ||
      (a.institution ?? '').localeCompare(b.institution ?? '', 'ja') ||
      (a.setting ?? '').localeCompare(b.setting ?? ''),
  );
}
