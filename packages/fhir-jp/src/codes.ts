// Code systems: the CWE.3 names SS-MIX2 messages use → FHIR system URIs (SSMIX2.md §8, JP Core
// aliases-jpcore.fsh). Local systems (`99xxx`) and unknown names get a facility-scoped URN so that
// codes from different hospitals never collide.
import type { Coded } from '@hie/hl7v2';
import type { CodeableConcept, Coding } from '@medplum/fhirtypes';

export const SYSTEMS = {
  jlac10: 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits',
  hot9: 'http://medis.or.jp/CodeSystem/master-HOT9',
  hot7: 'http://medis.or.jp/CodeSystem/master-HOT7',
  hot13: 'http://medis.or.jp/CodeSystem/master-HOT13',
  merit9Unit: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationUnitMERIT9Code',
  merit9Form: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_MedicationFormMERIT9_CS',
  merit9Category: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_MedicationCategoryMERIT9_CS',
  jamiUsage: 'http://jami.jp/CodeSystem/MedicationUsage',
  jamiUsageAdditional: 'http://jami.jp/CodeSystem/MedicationUsageAdditional',
  diseaseKey: 'http://medis.or.jp/CodeSystem/master-disease-keyNumber',
  diseaseExchange: 'http://medis.or.jp/CodeSystem/master-disease-exCode',
  modifierKey: 'http://medis.or.jp/CodeSystem/master-disease-modKeyNumber',
  modifierExchange: 'http://medis.or.jp/CodeSystem/master-disease-modExCode',
  icd10: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/ICD10-2013-full',
  department: 'http://jami.jp/SS-MIX2/CodeSystem/ClinicalDepartment',
  route: 'http://jpfhir.jp/fhir/core/CodeSystem/route-codes',
  ucum: 'http://unitsofmeasure.org',
  loinc: 'http://loinc.org',
  dicomModality: 'http://dicom.nema.org/resources/ontology/DCM',
  rpGroup: 'urn:oid:1.2.392.100495.20.3.81',
  orderInRp: 'urn:oid:1.2.392.100495.20.3.82',
  interpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  diagnosticServiceSection: 'http://terminology.hl7.org/CodeSystem/v2-0074',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  allergyClinical: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  isoRepresentation: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation',
} as const;

/** Field-specific meaning of a CWE.3 name (MR9P is a unit in RXE-5, a form in RXE-6, a class in RXE-21). */
export type SystemOverride = Readonly<Record<string, string>>;
export const MR9P_FORM: SystemOverride = { MR9P: SYSTEMS.merit9Form };
export const MR9P_CATEGORY: SystemOverride = { MR9P: SYSTEMS.merit9Category };
export const MDCDX2_EXCHANGE: SystemOverride = { MDCDX2: SYSTEMS.diseaseExchange };
export const MDCDX2_MODIFIER: SystemOverride = { MDCDX2: SYSTEMS.modifierKey };
export const MDCDX2_MODIFIER_EXCHANGE: SystemOverride = { MDCDX2: SYSTEMS.modifierExchange };
/** SPM-4 carries the 3-character specimen part of JLAC10, not a 17-digit code. */
export const JC10_SPECIMEN: SystemOverride = { JC10: 'urn:ssmix2:codesystem:JC10-specimen' };

/** CWE.3 name → FHIR system URI. HL7 tables (`HL7nnnn`) map to terminology.hl7.org v2 tables. */
const BY_NAME: Readonly<Record<string, string>> = {
  JC10: SYSTEMS.jlac10,
  JC11: 'http://medis.or.jp/CodeSystem/master-JLAC11',
  HOT9: SYSTEMS.hot9,
  HOT7: SYSTEMS.hot7,
  HOT13: SYSTEMS.hot13,
  HOT: SYSTEMS.hot13,
  MR9P: SYSTEMS.merit9Unit,
  JAMISDP01: SYSTEMS.jamiUsage,
  JAMISDP02: SYSTEMS.jamiUsageAdditional,
  MDCDX2: SYSTEMS.diseaseKey,
  I10: SYSTEMS.icd10,
  I10P: SYSTEMS.icd10,
  LN: SYSTEMS.loinc,
  'ISO+': SYSTEMS.ucum,
  UCUM: SYSTEMS.ucum,
  DCM: SYSTEMS.dicomModality,
  HL70162: SYSTEMS.route,
};

/**
 * System for a CWE.3 value. Local tables (`99…`) are scoped by `facility` (10-digit institution code)
 * so that two hospitals' local codes never merge. Other names without a published URI — JAHIS tables
 * (JHSD/JHSP/JHSI/JSHR), JJ1017, LENDO, JAN, J-FAGY, MFER (SSMIX2.md §8, unverified) — become
 * `urn:ssmix2:codesystem:<name>`, stable until a URI is published.
 */
export function systemUri(name: string | undefined, facility: string): string | undefined {
  if (name === undefined) return undefined;
  const known = BY_NAME[name];
  if (known) return known;
  // Perf: a facility uses a handful of local system names; remember their URIs instead of
  // re-running the regex and encodeURIComponent for every coding. Bounded, so odd input cannot grow it.
  const cacheKey = `${facility}\u0000${name}`;
  const cached = uriCache.get(cacheKey);
  if (cached !== undefined) return cached;
  let uri: string;
  if (/^HL7\d{4}$/.test(name)) uri = `http://terminology.hl7.org/CodeSystem/v2-${name.slice(3)}`;
  else {
    const safe = encodeURIComponent(name);
    uri = name.startsWith('99')
      ? `urn:ssmix2:${facility}:codesystem:${safe}`
      : `urn:ssmix2:codesystem:${safe}`;
  }
  if (uriCache.size >= 4096) uriCache.clear();
  uriCache.set(cacheKey, uri);
  return uri;
}
const uriCache = new Map<string, string>();

/** Primary and alternate (often local) coding of a CWE, in that order. */
export function codings(
  c: Coded | undefined,
  facility: string,
  defaultSystem?: string,
  override?: SystemOverride,
): Coding[] {
  if (!c) return [];
  const out: Coding[] = [];
  const primary = coding(c.code, c.text, c.system, facility, defaultSystem, override);
  if (primary) out.push(primary);
  const alternate = coding(
    c.alternateCode,
    c.alternateText,
    c.alternateSystem,
    facility,
    undefined,
    override,
  );
  if (alternate) out.push(alternate);
  return out;
}

function coding(
  code: string | undefined,
  display: string | undefined,
  system: string | undefined,
  facility: string,
  defaultSystem?: string,
  override?: SystemOverride,
): Coding | undefined {
  if (code === undefined || code === '""') return undefined;
  const uri =
    (system !== undefined ? override?.[system] : undefined) ?? systemUri(system, facility) ?? defaultSystem;
  // Plain assignments in the same key order as before (system, code, display): one object per
  // coding instead of three spread temporaries — this runs for every CWE of every message.
  const out: Coding = {};
  if (uri) out.system = uri;
  out.code = code.trim();
  if (display) out.display = display;
  return out;
}

/** CodeableConcept of a CWE (text = CWE.2, else the alternate text); undefined when empty. */
export function concept(
  c: Coded | undefined,
  facility: string,
  defaultSystem?: string,
  override?: SystemOverride,
): CodeableConcept | undefined {
  if (!c) return undefined;
  const coding = codings(c, facility, defaultSystem, override);
  const text = c.text ?? c.alternateText;
  if (coding.length === 0 && text === undefined) return undefined;
  const out: CodeableConcept = {};
  if (coding.length) out.coding = coding;
  if (text) out.text = text;
  return out;
}

/** HL7 table 0069 as SS-MIX2 uses it (診療科コード). Two-digit codes per the JAHIS/receipt table;
 * names beyond 01 内科, 15 呼吸器外科, 24 産科 (seen in the guideline samples) are from the medical
 * fee department list and should be checked against the facility's master. */
export const DEPARTMENTS: Readonly<Record<string, string>> = {
  '01': '内科',
  '02': '精神科',
  '03': '神経科',
  '04': '神経内科',
  '05': '呼吸器科',
  '06': '消化器科',
  '07': '胃腸科',
  '08': '循環器科',
  '09': '小児科',
  '10': '外科',
  '11': '整形外科',
  '12': '形成外科',
  '13': '美容外科',
  '14': '脳神経外科',
  '15': '呼吸器外科',
  '16': '心臓血管外科',
  '17': '小児外科',
  '18': '皮膚泌尿器科',
  '19': '皮膚科',
  '20': '泌尿器科',
  '21': '性病科',
  '22': '肛門科',
  '23': '産婦人科',
  '24': '産科',
  '25': '婦人科',
  '26': '眼科',
  '27': '耳鼻咽喉科',
  '28': '気管食道科',
  '29': '理学診療科',
  '30': '放射線科',
  '31': '麻酔科',
  '32': '人工透析科',
  '33': '心療内科',
  '34': 'アレルギー科',
  '35': 'リウマチ科',
  '36': 'リハビリテーション科',
  '37': '病理診断科',
  '38': '臨床検査科',
  '39': '救急科',
};

/** Department CodeableConcept (SS-MIX2 table 0069) from a code and an optional name the message gave. */
export function department(code: string | undefined, name?: string): CodeableConcept | undefined {
  if (code === undefined || code === '-') return undefined;
  const display = name ?? DEPARTMENTS[code];
  return {
    coding: [{ system: SYSTEMS.department, code, ...(display ? { display } : {}) }],
    ...(display ? { text: display } : {}),
  };
}
