// A parsed UKE file → FHIR R4 JP Core resources, all of them or none: per claim the Patient (once per
// patient number), a Condition per SY and a MedicationStatement per IY. HO/KO/SI/TO/CO are read and
// checked by the parser but not mapped (coverage and billing detail are not clinical records here).
import type { Facility, MappedResource } from '@hie/fhir-jp';
import type { Resource } from '@medplum/fhirtypes';
import { ErrorList, type UkeError, type UkeWarning, withoutThrowing } from '../file/errors.js';
import type { UkeFile } from '../file/types.js';
import type { UkeMasters } from '../masters/types.js';
import { mapConditions } from './condition.js';
import { UkeMappingContext } from './context.js';
import { ukePatientId } from './ids.js';
import { mapMedicationStatements } from './medication.js';
import { mapPatient, patientsOf } from './patient.js';

export interface MapOptions {
  /** The operator's 傷病名 / 修飾語 / 医薬品 masters. */
  masters: UkeMasters;
  /** The uploading facility: the file's IR (都道府県 + 点数表 + 医療機関コード) must be this one. */
  facility?: Pick<Facility, 'institutionCode'>;
  maxErrors?: number;
}

export interface UkeMapping {
  /** Resources to PUT (the same objects as `entries[i].resource`). */
  resources: Resource[];
  entries: MappedResource[];
  /**
   * Every Condition and MedicationStatement id of this file starts with it (`uke.<請求年月>.<審査支払機関>.`):
   * on a re-import the gateway deletes the ids with this prefix that the new import did not produce.
   */
  keyPrefix: string;
  /** The Patient ids (outside `keyPrefix`: a re-import PUTs them again, never deletes them). */
  patientIds: string[];
  warnings: UkeWarning[];
  counts: { claims: number; patients: number; conditions: number; medicationStatements: number };
}

export type UkeMapResult = { ok: true; mapping: UkeMapping } | { ok: false; errors: UkeError[] };

export function mapUke(file: UkeFile, options: MapOptions): UkeMapResult {
  const errors = new ErrorList(file.fileName, options.maxErrors);
  return withoutThrowing(errors, 'mapping', () => map(file, options, errors));
}

function map(file: UkeFile, options: MapOptions, errors: ErrorList): UkeMapResult {
  const institutionCode = file.institution.institutionCode;
  const expected = options.facility?.institutionCode;
  if (expected !== undefined && expected !== institutionCode) {
    errors.add({
      code: 'uke-facility-mismatch',
      line: file.institution.line,
      field: 5,
      fieldName: '医療機関コード',
      record: 'IR',
      value: institutionCode,
      message: `the file is facility ${institutionCode}'s (IR 都道府県 + 点数表 + 医療機関コード), not the uploader's ${expected}`,
      messageJa: `このファイルは医療機関 ${institutionCode} のものです（アップロード元は ${expected}）`,
    });
  }
  const patients = patientsOf(file.claims, errors);
  if (!patients || errors.count > 0) return { ok: false, errors: errors.errors };

  const ctx = new UkeMappingContext(file, options.masters, institutionCode, errors);
  for (const [patientNumber, claim] of patients) mapPatient(ctx, claim, patientNumber);
  for (const claim of file.claims) {
    const patientNumber = claim.patientNumber!;
    const cc = {
      ctx,
      claim,
      patientNumber,
      patientRef: { reference: `Patient/${ukePatientId(patientNumber)}` },
    };
    mapConditions(cc);
    mapMedicationStatements(cc);
  }
  const count = (type: string) => ctx.entries.filter((e) => e.resource.resourceType === type).length;
  return {
    ok: true,
    mapping: {
      resources: ctx.entries.map((e) => e.resource),
      entries: ctx.entries,
      keyPrefix: ctx.keyPrefix,
      patientIds: [...patients.keys()].map(ukePatientId),
      warnings: ctx.warnings,
      counts: {
        claims: file.claims.length,
        patients: patients.size,
        conditions: count('Condition'),
        medicationStatements: count('MedicationStatement'),
      },
    },
  };
}
