/**
 * Reading the FHIR R4 JP Core resources the gateways produce (packages/fhir-jp) for display: which
 * record category a resource belongs to, and the few fields each screen shows.
 */
import { categoryTagOf, flagOf, type ObservationLike, resultValue, testOf } from '@hie/contract';
import type { FhirResource, SourcedResource } from '../api/types';

export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}
export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}
export interface Quantity {
  value?: number;
  unit?: string;
  code?: string;
  comparator?: string;
}

const JP = 'http://jpfhir.jp/fhir/core/StructureDefinition/';
export const RP_GROUP = 'urn:oid:1.2.392.100495.20.3.81';
export const ORDER_IN_RP = 'urn:oid:1.2.392.100495.20.3.82';

/** The tabs of the record screen, in display order: the summary (概要, drawn from the others) first. */
export const TABS = [
  'summary',
  'visits',
  'diagnoses',
  'medications',
  'labs',
  'imaging',
  'documents',
  'orders',
  'admissions',
] as const;
export type Tab = (typeof TABS)[number];

/** Disclosure category (fhir-jp CATEGORIES) → the tab that shows it. Demographics/allergy: the header. */
export const CATEGORY_TAB: Readonly<Record<string, Tab | null>> = {
  demographics: null,
  'body-measurement': null,
  allergy: null,
  diagnosis: 'diagnoses',
  prescription: 'medications',
  injection: 'medications',
  'lab-order': 'orders',
  'lab-result': 'labs',
  bacteriology: 'labs',
  'radiology-order': 'orders',
  radiology: 'imaging',
  'endoscopy-order': 'orders',
  endoscopy: 'imaging',
  'physiology-order': 'orders',
  physiology: 'imaging',
  diet: 'orders',
  'outpatient-visit': 'visits',
  admission: 'admissions',
  leave: 'admissions',
  transfer: 'admissions',
  discharge: 'admissions',
  // Every document kind, and the catch-all (その他文書): the documents tab.
  'document-physician-note': 'documents',
  'document-nursing-note': 'documents',
  'document-nursing-summary': 'documents',
  'document-discharge-summary': 'documents',
  'document-flowsheet': 'documents',
  'document-operative-note': 'documents',
  'document-pathology-report': 'documents',
  'document-radiology-report': 'documents',
  'document-medication-guidance': 'documents',
  'document-referral': 'documents',
  document: 'documents',
};

const profiles = (r: FhirResource): string[] => {
  const meta = r.meta as { profile?: string[] } | undefined;
  return (meta?.profile ?? []).map((p) => p.replace(JP, ''));
};

const ENCOUNTER_LABELS: Readonly<Record<string, string>> = {
  外来診察受付: 'outpatient-visit',
  入院予定: 'admission',
  入院実施: 'admission',
  外出泊実施: 'leave',
  外出泊帰院実施: 'leave',
  '転科・転棟予定': 'transfer',
  '転科・転棟実施': 'transfer',
  退院予定: 'discharge',
  退院実施: 'discharge',
};

const ORDER_TEXT: Readonly<Record<string, string>> = {
  放射線検査: 'radiology-order',
  内視鏡検査: 'endoscopy-order',
  生理検査: 'physiology-order',
  検体検査: 'lab-order',
  食事: 'diet',
};

/** The disclosure category of a resource: the hub's tag when it sends one, else read from the resource. */
export function categoryOf(entry: SourcedResource): string | null {
  if (entry.category) return entry.category;
  const r = entry.resource;
  // The gateway tags every resource with its category (the hub checks it): the document's kind.
  const tagged = categoryTagOf(r);
  if (tagged && Object.hasOwn(CATEGORY_TAB, tagged)) return tagged;
  const p = profiles(r);
  switch (r.resourceType) {
    case 'Patient':
      return 'demographics';
    case 'AllergyIntolerance':
      return 'allergy';
    case 'Condition':
      return 'diagnosis';
    case 'MedicationRequest':
    case 'MedicationAdministration':
    case 'MedicationStatement':
      return p.some((x) => x.endsWith('_Injection')) ? 'injection' : 'prescription';
    case 'MedicationDispense':
      // A dispensing fills a prescription (okusuri-techo and ORCA index it as one).
      return 'prescription';
    case 'Observation': {
      if (p.includes('JP_Observation_Microbiology')) return 'bacteriology';
      const cat = (r.category as CodeableConcept[] | undefined)?.[0]?.coding?.[0]?.code;
      if (cat === 'laboratory') return 'lab-result';
      if (cat === 'procedure') return 'physiology';
      if (cat === 'imaging') return 'radiology';
      return 'lab-result';
    }
    case 'DiagnosticReport':
      if (p.includes('JP_DiagnosticReport_Microbiology')) return 'bacteriology';
      if (p.includes('JP_DiagnosticReport_LabResult')) return 'lab-result';
      if (p.some((x) => x.includes('Endoscopy'))) return 'endoscopy';
      if (p.some((x) => x.includes('Physiol'))) return 'physiology';
      return 'radiology';
    case 'ImagingStudy':
      return p.includes('JP_ImagingStudy_Endoscopy') ? 'endoscopy' : 'radiology';
    case 'ServiceRequest':
    case 'NutritionOrder': {
      const text = (r.category as CodeableConcept[] | undefined)?.[0]?.text ?? '';
      return ORDER_TEXT[text] ?? 'lab-order';
    }
    case 'Specimen':
      return 'lab-order';
    case 'Encounter': {
      const label = (r.type as CodeableConcept[] | undefined)?.[0]?.text ?? '';
      return ENCOUNTER_LABELS[label] ?? 'outpatient-visit';
    }
    case 'DocumentReference':
    case 'Binary':
    case 'Composition':
      return 'document';
    default:
      return null;
  }
}

export const tabOf = (entry: SourcedResource): Tab | null => {
  const category = categoryOf(entry);
  return category ? (CATEGORY_TAB[category] ?? null) : null;
};

export function conceptText(c: CodeableConcept | undefined | null): string {
  if (!c) return '—';
  return c.text ?? c.coding?.find((x) => x.display)?.display ?? c.coding?.[0]?.code ?? '—';
}

export function quantityText(q: Quantity | undefined | null): string {
  if (!q || q.value === undefined) return '';
  return `${q.comparator ?? ''}${q.value}${q.unit ? ` ${q.unit}` : ''}`;
}

/** The lab test key: JLAC10 code when there is one (same test across facilities), else the NFKC name. */
export function testKey(observation: FhirResource): { key: string; name: string } {
  const { key, name } = testOf(observation as ObservationLike);
  return { key, name };
}

export type Flag = 'H' | 'L' | 'A' | null;

/** Abnormal flag from interpretation (H/HH, L/LL, A), else from the value against the reference range. */
export const abnormalFlag = (observation: FhirResource): Flag => flagOf(observation as ObservationLike);

/** The value as shown, and as a number when it is a plain quantity (no comparator). */
export const observationValue = (observation: FhirResource): { text: string; number: number | null } =>
  resultValue(observation as ObservationLike);

export function referenceRangeText(observation: FhirResource): string {
  const range = (
    observation.referenceRange as { low?: Quantity; high?: Quantity; text?: string }[] | undefined
  )?.[0];
  if (!range) return '';
  if (range.text) return range.text;
  const low = range.low?.value;
  const high = range.high?.value;
  if (low === undefined && high === undefined) return '';
  return `${low ?? ''}–${high ?? ''}`;
}

export const identifierValue = (r: FhirResource, system: string): string | undefined =>
  (r.identifier as { system?: string; value?: string }[] | undefined)?.find((i) => i.system === system)
    ?.value;

export const referenceDisplay = (ref: unknown): string => {
  const r = ref as { display?: string; reference?: string } | undefined;
  return r?.display ?? '';
};
