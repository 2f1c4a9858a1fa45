// Per-patient mapping state: the facility, the resources made so far with their index entries, the
// warnings. What it produces has the shape fhir-jp's SS-MIX2 mapping gives (MappedResource).
import type { Category, Facility, IndexEntry, MappedResource } from '@hie/fhir-jp';
import type { Patient, Reference, Resource } from '@medplum/fhirtypes';
import type { OrcaApiName } from '../answers/apis.js';
import { ids } from './ids.js';

const JP = 'http://jpfhir.jp/fhir/core/StructureDefinition/';

export type OrcaMappingWarningCode =
  /** ORCA's テスト患者: not disclosed, nothing mapped. */
  | 'TEST_PATIENT'
  /** A drug of a visit had no 処方せん nor お薬手帳: mapped from the visit's content, without 院内/院外. */
  | 'NO_FORM'
  /** A line of a form that is neither a drug nor a 用法 (kept as a note). */
  | 'UNCODED_LINE'
  /** A disease with no 傷病名コード (only 修飾語 or 未コード化): mapped by its name. */
  | 'UNCODED_DISEASE';

export interface OrcaMappingWarning {
  code: OrcaMappingWarningCode;
  message: string;
  /** The API and JSON path the warning is about. */
  api?: OrcaApiName;
  path?: string;
}

export class OrcaMappingContext {
  readonly entries: MappedResource[] = [];
  readonly warnings: OrcaMappingWarning[] = [];
  readonly patientRef: Reference<Patient>;

  constructor(
    readonly facility: Facility,
    readonly patientId: string,
  ) {
    this.patientRef = { reference: `Patient/${ids.patient(patientId)}` };
  }

  get institutionCode(): string {
    return this.facility.institutionCode;
  }

  /** `meta` of a resource: its JP Core profile and where it came from (`urn:orca:<code>:<api>`). */
  meta(profile: string, api: OrcaApiName): { meta: { profile: string[]; source: string } } {
    return { meta: { profile: [`${JP}${profile}`], source: `urn:orca:${this.institutionCode}:${api}` } };
  }

  warn(code: OrcaMappingWarningCode, message: string, api?: OrcaApiName, path?: string): void {
    this.warnings.push({ code, message, ...(api ? { api } : {}), ...(path ? { path } : {}) });
  }

  add<T extends Resource & { id: string }>(
    resource: T,
    category: Category,
    extra: { date?: string | undefined; code?: { code?: string; system?: string } | undefined } = {},
  ): T {
    const index: IndexEntry = {
      resourceType: resource.resourceType,
      id: resource.id,
      patientId: this.patientId,
      category,
      ...(extra.date ? { date: extra.date } : {}),
      ...(extra.code?.code
        ? { code: extra.code.code, ...(extra.code.system ? { codeSystem: extra.code.system } : {}) }
        : {}),
    };
    this.entries.push({ resource, index });
    return resource;
  }
}
