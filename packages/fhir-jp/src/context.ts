// Per-message mapping state: the source, the warnings and the resources made so far.
import { type Coded, coded, type Hl7Message, type Hl7Segment } from '@hie/hl7v2';
import { formatFileName, type Ssmix2FileName } from '@hie/ssmix2';
import type { CodeableConcept, Patient, Reference, Resource } from '@medplum/fhirtypes';
import { concept, type SystemOverride } from './codes.js';
import { keyPrefix, patientResourceId, resourceIdWithPrefix } from './ids.js';
import type { Category, IndexEntry, MappedResource, MappingWarning, MappingWarningCode } from './types.js';

export interface Facility {
  /** 10-digit 医療機関コード (prefecture 2 + point table 1 + institution 7). */
  institutionCode: string;
  oid?: string;
  name?: string;
}

export interface MappingSource {
  fileName: Ssmix2FileName;
  facility: Facility;
}

/** Identifier system of a facility's patient IDs (JP Core): `urn:oid:1.2.392.100495.20.3.51.1` + code. */
export const patientIdSystem = (institutionCode: string) =>
  `urn:oid:1.2.392.100495.20.3.51.1${institutionCode}`;

const JP = 'http://jpfhir.jp/fhir/core/StructureDefinition/';

export class MappingContext {
  readonly entries: MappedResource[] = [];
  /** Ids of blocks the message cancels (ORC-1 = CA). */
  readonly deleteIds: string[] = [];
  readonly warnings: MappingWarning[] = [];
  readonly patientId: string;
  readonly patientRef: Reference<Patient>;
  readonly facilityCode: string;
  readonly source: string;
  readonly prefix: string;

  constructor(
    readonly message: Hl7Message,
    readonly src: MappingSource,
  ) {
    this.patientId = src.fileName.patientId;
    this.patientRef = { reference: `Patient/${patientResourceId(this.patientId)}` };
    this.facilityCode = src.facility.institutionCode;
    this.source = `urn:ssmix2:${this.facilityCode}:${encodeURIComponent(formatFileName(src.fileName))}`;
    this.prefix = keyPrefix(src.fileName);
    // Strings only come from the message (and the facility name): when neither holds white space FHIR
    // forbids, nor a hex escape that could decode to it, the per-resource clean-up walk is skipped.
    const raw = message.toString();
    this.needsClean = OTHER_SPACE.test(raw) || /\\X/i.test(raw) || OTHER_SPACE.test(src.facility.name ?? '');
  }

  private readonly needsClean: boolean;

  get fileName(): Ssmix2FileName {
    return this.src.fileName;
  }

  warn(code: MappingWarningCode, message: string, segment?: Hl7Segment, field?: number): void {
    this.warnings.push({
      code,
      message,
      ...(segment ? { segment: segment.name, segmentIndex: segment.index } : {}),
      ...(field !== undefined ? { field } : {}),
    });
  }

  /** Id for a resource made from `segment` (seq = index − 1, MSH = 0). */
  idFor(segment: Hl7Segment, suffix?: string): string {
    return resourceIdWithPrefix(this.prefix, segment.index - 1, suffix);
  }

  /** Common resource fields: id, meta (JP Core profile, source file). */
  meta(profile: string): { meta: { profile: string[]; source: string } } {
    return { meta: { profile: [`${JP}${profile}`], source: this.source } };
  }

  add<T extends Resource & { id: string }>(
    resource: T,
    category: Category,
    extra: {
      date?: string | undefined;
      code?: { code?: string; system?: string } | undefined;
      cancelled?: boolean;
    } = {},
  ): T {
    if (this.needsClean) fhirStrings(resource);
    if (extra.cancelled) {
      this.deleteIds.push(resource.id);
      return resource;
    }
    const index: IndexEntry = {
      resourceType: resource.resourceType,
      id: resource.id,
      patientId: this.patientId,
      category,
    };
    if (extra.date) index.date = extra.date;
    if (extra.code?.code) {
      index.code = extra.code.code;
      if (extra.code.system) index.codeSystem = extra.code.system;
    }
    this.entries.push({ resource, index });
    return resource;
  }

  /** CWE at SEG-field[rep] as a CodeableConcept. */
  concept(
    segment: Hl7Segment,
    field: number,
    rep = 1,
    defaultSystem?: string,
    override?: SystemOverride,
  ): CodeableConcept | undefined {
    return concept(cwe(segment, field, rep), this.facilityCode, defaultSystem, override);
  }
}

/** A CWE (or CE/CNE) element read from a segment field repetition. */
export function cwe(segment: Hl7Segment, field: number, rep = 1): Coded | undefined {
  return coded((i, j) => (i === 0 ? segment.get(field, rep) : segment.get(field, rep, i, j)));
}

/** A CWE written in the sub-components of one component (TQ1-3 `code&text&JAMISDP01`, CQ units). */
export function subCwe(segment: Hl7Segment, field: number, component: number, rep = 1): Coded | undefined {
  return coded((j) => segment.get(field, rep, component, j));
}

/** Field value, with the HL7 explicit null `""` and blanks read as absent. */
export function text(segment: Hl7Segment, field: number, component?: number, rep = 1): string | undefined {
  const v = component === undefined ? segment.get(field, rep, 1) : segment.get(field, rep, component);
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === '' || t === '""' ? undefined : t;
}

/** Decimal text → number when it is a plain FHIR decimal. */
export function decimal(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = value.trim();
  return /^[+-]?(\d+(\.\d+)?|\.\d+)$/.test(t) ? Number(t) : undefined;
}

// FHIR strings match `[ \r\n\t\S]+`: other white space (U+3000 全角スペース, NBSP…) is not allowed.
const OTHER_SPACE = /[^\S \r\n\t]/;
const OTHER_SPACES = /[^\S \r\n\t]/g;
const clean = (v: string): string => (OTHER_SPACE.test(v) ? v.replace(OTHER_SPACES, ' ') : v);

/** Replaces white space FHIR forbids in strings with an ASCII space, in place, throughout a resource. */
export function fhirStrings(value: unknown): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string') value[i] = clean(v);
      else if (typeof v === 'object' && v !== null) fhirStrings(v);
    }
    return;
  }
  const o = value as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (typeof v === 'string') o[k] = clean(v);
    else if (typeof v === 'object' && v !== null) fhirStrings(v);
  }
}
