// Code and identifier systems of what a notebook carries. JP Core's where it publishes one (codes.ts of
// @hie/fhir-jp, JP Core aliases); where nobody publishes a URI — the レセ電 and 厚労省 drug codes, the
// JAHIS 剤形 table — a URN of ours, `urn:jahis:tc:codesystem:<name>`, stable until one is published
// (the same rule as fhir-jp's `urn:ssmix2:codesystem:<name>`).
import { SYSTEMS } from '@hie/fhir-jp';
import type { Coding } from '@medplum/fhirtypes';

const OURS = 'urn:jahis:tc:codesystem:';

export const OTC_SYSTEMS = {
  /** 10-digit 医療機関コード (JP Core Organization.identifier[medicalInstitutionCode]). */
  institutionNo: 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no',
  /** YJ code (JP Core $JP_MedicationCodeYJ_CS; formerly urn:oid:1.2.392.100495.20.1.73). */
  yj: 'http://capstandard.jp/iyaku.info/CodeSystem/YJ-code',
  /** 一般名処方マスタ (JP Core $JP_MedicationCodeCommon_CS). */
  generic: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationGeneralOrderCode',
  /** レセプト電算処理システム用コード (9 digits): JP Core v1.x defines no system. */
  receipt: `${OURS}receipt-drug`,
  /** 厚生労働省コード = 薬価基準収載医薬品コード (12 characters): no published system found. */
  mhlw: `${OURS}mhlw-drug`,
  /** HOT codes whose length is none of HOT7/9/13. */
  hotOther: `${OURS}hot`,
  /** 別表4 剤形コード. */
  dosageForm: `${OURS}dosage-form`,
  jamiUsage: SYSTEMS.jamiUsage,
  rpGroup: SYSTEMS.rpGroup,
  orderInRp: SYSTEMS.orderInRp,
  ucum: SYSTEMS.ucum,
} as const;

const HOT_BY_LENGTH: Readonly<Record<number, string>> = {
  7: SYSTEMS.hot7,
  9: SYSTEMS.hot9,
  13: SYSTEMS.hot13,
};

/** System of a drug code by its 薬品コード種別 (and, for HOT, its length); undefined for kind 1 (none). */
export function drugCodeSystem(kind: string, code: string): string | undefined {
  switch (kind) {
    case '1':
      return undefined;
    case '2':
      return OTC_SYSTEMS.receipt;
    case '3':
      return OTC_SYSTEMS.mhlw;
    case '4':
      return OTC_SYSTEMS.yj;
    case '6':
      return HOT_BY_LENGTH[code.length] ?? OTC_SYSTEMS.hotOther;
    default:
      // Not in the spec's table: kept, under a system that says which kind it claimed to be.
      return `${OURS}drug-code-kind-${encodeURIComponent(kind)}`;
  }
}

/** The coding of a drug code (display: the drug's name as the notebook gives it). */
export function drugCoding(
  kind: string | undefined,
  code: string | undefined,
  display: string,
): Coding | undefined {
  if (!kind || !code) return undefined;
  const system = drugCodeSystem(kind, code);
  if (!system) return undefined;
  return { system, code, display };
}
