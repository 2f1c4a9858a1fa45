/**
 * The documents of extended storage as a neutral model (header + sections of text), rendered to
 * CDA R2 XML here and to the same text in a PDF (`render.ts`). The header follows the Japanese CDA
 * conventions (HL7 Japan 診療情報提供書 / 退院時サマリー): kanji name `use="IDE"`, kana `use="SYL"`,
 * patient ID under the JP Core namespace of the facility.
 */

import { hashUnit } from '../world/random.js';

/**
 * 退院時サマリ, 診療情報提供書, 読影レポート, 看護サマリ, 手術記録, 病理レポート, 服薬指導記録 (the local
 * codes of their data-type folders).
 */
export type DocumentKind = 'DSUM' | 'REFL' | 'RADR' | 'NSUM' | 'OPRN' | 'PATR' | 'MEDG';

export interface DocumentSection {
  /** LOINC section code, when there is a usual one. */
  readonly code?: string;
  readonly title: string;
  readonly paragraphs?: readonly string[];
  readonly items?: readonly string[];
  readonly table?: { readonly head: readonly string[]; readonly rows: readonly (readonly string[])[] };
}

export interface DocumentPerson {
  readonly id: string;
  readonly family: string;
  readonly given: string;
}

export interface ClinicalDocumentModel {
  readonly kind: DocumentKind;
  /** Specific key (固有キー) of the content folder: the document's set id. */
  readonly specificKey: string;
  readonly version: number;
  readonly title: string;
  /** LOINC document code; without one the document is coded by its local kind (服薬指導記録). */
  readonly loinc?: { readonly code: string; readonly name: string };
  /** When the document was written, `YYYYMMDDHHMMSS`. */
  readonly effectiveTime: string;
  readonly facility: {
    readonly code: string;
    readonly name: string;
    readonly postcode: string;
    readonly address: string;
    readonly phone: string;
  };
  readonly patient: {
    readonly localId: string;
    readonly familyKanji: string;
    readonly givenKanji: string;
    readonly familyKana: string;
    readonly givenKana: string;
    readonly birthDate: string;
    readonly sex: 'M' | 'F';
    readonly postcode: string;
    readonly address: string;
  };
  readonly author: DocumentPerson & {
    readonly deptCode: string;
    readonly deptName: string;
    /** Profession when not the doctor (看護師, 薬剤師, 病理医 …). */
    readonly role?: string;
  };
  /** The stay or visit the document is about, `YYYYMMDD[HHMM]`. */
  readonly encounter?: { readonly start: string; readonly end?: string };
  /** Referral letters: who receives them. */
  readonly recipient?: {
    readonly organization: string;
    readonly department: string;
    readonly doctor: string;
  };
  /**
   * A report's study (DICOM PS3.20 §9.6): the accession number and the placer order number it
   * fulfils (`inFulfillmentOf/order/id`), and the Study Instance UID it documents
   * (`documentationOf/serviceEvent/id`, the UID as the root alone).
   */
  readonly study?: { readonly accession: string; readonly orderNo: string; readonly studyUid?: string };
  readonly sections: readonly DocumentSection[];
}

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export const xml = (s: string): string => s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);

/** Patient IDs issued by a facility (JP Core): `1.2.392.100495.20.3.51.1` + 10-digit code. */
export const patientIdRoot = (facilityCode: string) => `1.2.392.100495.20.3.51.1${facilityCode}`;
/** Physician IDs at a facility (JP Core): `1.2.392.100495.20.3.41.1` + 10-digit code. */
export const doctorIdRoot = (facilityCode: string) => `1.2.392.100495.20.3.41.1${facilityCode}`;
/** Medical institution codes (`…20.3.23`; the 10-digit form is used as extension — unverified). */
export const INSTITUTION_ROOT = '1.2.392.100495.20.3.23';

/** A stable UUID-derived OID (`2.25.n`) for a facility's documents: no registered arc exists for them. */
export function documentRoot(facilityCode: string): string {
  const parts = [0, 1, 2, 3].map((i) => Math.floor(hashUnit('cda-root', facilityCode, i) * 4294967296));
  let n = 0n;
  for (const p of parts) n = (n << 32n) | BigInt(p);
  return `2.25.${n.toString()}`;
}

/** Accession numbers (IPC-1) of a facility: the assigning authority under its document root. */
export const accessionRoot = (facilityCode: string) => `${documentRoot(facilityCode)}.4`;
/** Placer order numbers (ORC-2) of a facility. */
export const orderRoot = (facilityCode: string) => `${documentRoot(facilityCode)}.5`;

const LOINC = '2.16.840.1.113883.6.1';

/** Document type: the LOINC code, else the folder's local code under the facility's document root. */
function documentCode(d: ClinicalDocumentModel): string {
  if (d.loinc)
    return `<code code="${d.loinc.code}" codeSystem="${LOINC}" codeSystemName="LOINC" displayName="${xml(d.loinc.name)}"/>`;
  return `<code code="${d.kind}" codeSystem="${documentRoot(d.facility.code)}.1" codeSystemName="99ZL01" displayName="${xml(d.title)}"/>`;
}

function sectionXml(s: DocumentSection): string {
  const body: string[] = [];
  for (const p of s.paragraphs ?? []) body.push(`<paragraph>${xml(p)}</paragraph>`);
  if (s.items && s.items.length > 0)
    body.push(`<list>${s.items.map((i) => `<item>${xml(i)}</item>`).join('')}</list>`);
  if (s.table && s.table.rows.length > 0) {
    const head = s.table.head.map((h) => `<th>${xml(h)}</th>`).join('');
    const rows = s.table.rows.map((r) => `<tr>${r.map((c) => `<td>${xml(c)}</td>`).join('')}</tr>`).join('');
    body.push(`<table border="1"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`);
  }
  if (body.length === 0) body.push('<paragraph>特記事項なし</paragraph>');
  const code = s.code ? `<code code="${xml(s.code)}" codeSystem="${LOINC}" codeSystemName="LOINC"/>` : '';
  return [
    '<component><section>',
    code,
    `<title>${xml(s.title)}</title>`,
    `<text>${body.join('')}</text>`,
    '</section></component>',
  ].join('');
}

export function renderCda(d: ClinicalDocumentModel): string {
  const f = d.facility;
  const p = d.patient;
  const a = d.author;
  const org = [
    `<id root="${INSTITUTION_ROOT}" extension="${f.code}"/>`,
    `<name>${xml(f.name)}</name>`,
    `<telecom value="tel:${xml(f.phone)}"/>`,
    `<addr><postalCode>${xml(f.postcode)}</postalCode><streetAddressLine>${xml(f.address)}</streetAddressLine></addr>`,
  ].join('');
  const encounter = d.encounter
    ? [
        '<componentOf><encompassingEncounter><effectiveTime>',
        `<low value="${d.encounter.start}"/>`,
        d.encounter.end ? `<high value="${d.encounter.end}"/>` : '',
        '</effectiveTime></encompassingEncounter></componentOf>',
      ].join('')
    : '';
  const study = d.study
    ? [
        '<inFulfillmentOf><order>',
        d.study.accession
          ? `<id root="${accessionRoot(f.code)}" extension="${xml(d.study.accession)}"/>`
          : '',
        d.study.orderNo ? `<id root="${orderRoot(f.code)}" extension="${xml(d.study.orderNo)}"/>` : '',
        '</order></inFulfillmentOf>',
        d.study.studyUid
          ? `<documentationOf><serviceEvent classCode="ACT"><id root="${xml(d.study.studyUid)}"/></serviceEvent></documentationOf>`
          : '',
      ].join('')
    : '';
  const recipient = d.recipient
    ? [
        '<informationRecipient><intendedRecipient><informationRecipient><name>',
        xml(d.recipient.doctor),
        '</name></informationRecipient><receivedOrganization><name>',
        xml(`${d.recipient.organization} ${d.recipient.department}`.trim()),
        '</name></receivedOrganization></intendedRecipient></informationRecipient>',
      ].join('')
    : '';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    '<realmCode code="JP"/>',
    '<typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>',
    `<id root="${documentRoot(f.code)}" extension="${xml(`${d.specificKey}.${d.version}`)}"/>`,
    documentCode(d),
    `<title>${xml(d.title)}</title>`,
    `<effectiveTime value="${d.effectiveTime}+0900"/>`,
    '<confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>',
    '<languageCode code="ja-JP"/>',
    `<setId root="${documentRoot(f.code)}" extension="${xml(d.specificKey)}"/>`,
    `<versionNumber value="${d.version}"/>`,
    '<recordTarget><patientRole>',
    `<id root="${patientIdRoot(f.code)}" extension="${xml(p.localId)}"/>`,
    `<addr><postalCode>${xml(p.postcode)}</postalCode><streetAddressLine>${xml(p.address)}</streetAddressLine></addr>`,
    '<patient>',
    `<name use="IDE"><family>${xml(p.familyKanji)}</family><given>${xml(p.givenKanji)}</given></name>`,
    `<name use="SYL"><family>${xml(p.familyKana)}</family><given>${xml(p.givenKana)}</given></name>`,
    `<administrativeGenderCode code="${p.sex}" codeSystem="2.16.840.1.113883.5.1"/>`,
    `<birthTime value="${p.birthDate}"/>`,
    '</patient>',
    `<providerOrganization>${org}</providerOrganization>`,
    '</patientRole></recordTarget>',
    `<author><time value="${d.effectiveTime}+0900"/><assignedAuthor>`,
    `<id root="${doctorIdRoot(f.code)}" extension="${xml(a.id)}"/>`,
    `<assignedPerson><name><family>${xml(a.family)}</family><given>${xml(a.given)}</given></name></assignedPerson>`,
    `<representedOrganization>${org}</representedOrganization>`,
    '</assignedAuthor></author>',
    `<custodian><assignedCustodian><representedCustodianOrganization>${org}</representedCustodianOrganization></assignedCustodian></custodian>`,
    recipient,
    study,
    encounter,
    '<component><structuredBody>',
    ...d.sections.map(sectionXml),
    '</structuredBody></component>',
    '</ClinicalDocument>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n')
    .concat('\n');
}
