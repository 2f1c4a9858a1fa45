// Per-file mapping state: where the resources come from, what was made, what is wrong.
import type { Category, IndexEntry, MappedResource } from '@hie/fhir-jp';
import type { Patient, Reference, Resource } from '@medplum/fhirtypes';
import type { ErrorList, UkeWarning, UkeWarningCode } from '../file/errors.js';
import { fieldName } from '../file/layout.js';
import type { UkeClaim, UkeFile } from '../file/types.js';
import type { UkeMasters } from '../masters/types.js';
import { fileKeyPrefix } from './ids.js';

const JP = 'http://jpfhir.jp/fhir/core/StructureDefinition/';

// FHIR strings match `[ \r\n\t\S]+`: U+3000 (the full-width space between family and given name) and
// other white space become an ASCII space, as fhir-jp does.
const OTHER_SPACE = /[^\S \r\n\t]/g;

/** A string fit for FHIR: other white space → ' ', trimmed. */
export function fhirText(s: string): string {
  return s.replace(OTHER_SPACE, ' ').trim();
}

export class UkeMappingContext {
  readonly entries: MappedResource[] = [];
  readonly warnings: UkeWarning[] = [];
  readonly keyPrefix: string;
  readonly source: string;

  constructor(
    readonly file: UkeFile,
    readonly masters: UkeMasters,
    readonly institutionCode: string,
    readonly errors: ErrorList,
  ) {
    this.keyPrefix = fileKeyPrefix(file.institution);
    this.source = `urn:uke:${institutionCode}:${encodeURIComponent(file.fileName)}`;
  }

  meta(profile: string): { meta: { profile: string[]; source: string } } {
    return { meta: { profile: [`${JP}${profile}`], source: this.source } };
  }

  warn(
    code: UkeWarningCode,
    line: number,
    record: string,
    field: number,
    value: string,
    en: string,
    ja: string,
  ) {
    this.warnings.push({
      code,
      file: this.file.fileName,
      line,
      field,
      record,
      value,
      message: `${record}-${field} ${fieldName(record, field)} ${value}: ${en}`,
      messageJa: `${record}の${field}番目の項目（${fieldName(record, field)}）${value}: ${ja}`,
    });
  }

  add(
    resource: Resource & { id: string },
    patientNumber: string,
    category: Category,
    extra: { date?: string | undefined; code?: string | undefined; codeSystem?: string | undefined } = {},
  ): void {
    const index: IndexEntry = {
      resourceType: resource.resourceType,
      id: resource.id,
      patientId: patientNumber,
      category,
    };
    if (extra.date) index.date = extra.date;
    if (extra.code) {
      index.code = extra.code;
      if (extra.codeSystem) index.codeSystem = extra.codeSystem;
    }
    this.entries.push({ resource, index });
  }
}

/** What every resource of one claim shares. */
export interface ClaimContext {
  ctx: UkeMappingContext;
  claim: UkeClaim;
  patientNumber: string;
  patientRef: Reference<Patient>;
}
