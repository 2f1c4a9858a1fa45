// One patient's ORCA data → FHIR R4 JP Core. All or nothing: the result lists every resource to PUT
// and the id prefixes the data fully describes, so the store replaces instead of adding:
//   - `replacePrefixes`: every stored id starting with one of these that is not in `entries` no longer
//     exists in ORCA (a disease deleted, a visit cancelled, a 保険 ended) — DELETE it;
//   - `deleteIds`: ids to DELETE outright (a patient ORCA no longer has: the Patient itself).
// The store applies both and the PUTs in one transaction, with the pull's new checkpoint.
import type { Facility, MappedResource } from '@hie/fhir-jp';
import type { Resource } from '@medplum/fhirtypes';
import type { OrcaPatientData } from '../answers/types.js';
import { mapConditions } from './condition.js';
import { OrcaMappingContext, type OrcaMappingWarning } from './context.js';
import { mapAcceptanceEncounter, mapVisitEncounter, pairAcceptances } from './encounter.js';
import { ids } from './ids.js';
import { detailRps, mapMedications } from './medication.js';
import { mapCoverages, mapPatient } from './patient.js';

export interface OrcaMappingOptions {
  /** The clinic: its 10-digit 医療機関コード scopes patient ids and local codes. */
  facility: Facility;
  /**
   * Map the 保険組合せ to Coverage (default false): 被保険者記号・番号 are identifiers the law protects
   * (告知要求制限); leave them out unless the network's purpose needs them.
   */
  coverage?: boolean;
}

export interface OrcaMappingResult {
  patientId: string;
  /** Resources to PUT. Same objects as `entries[i].resource`. */
  resources: Resource[];
  entries: MappedResource[];
  /** Id prefixes whose stored resources this result replaces (absent here = deleted in ORCA). */
  replacePrefixes: string[];
  /** Ids to DELETE. */
  deleteIds: string[];
  warnings: OrcaMappingWarning[];
}

export function mapOrcaPatient(data: OrcaPatientData, options: OrcaMappingOptions): OrcaMappingResult {
  const ctx = new OrcaMappingContext(options.facility, data.patientId);
  const result = (replacePrefixes: string[], deleteIds: string[] = []): OrcaMappingResult => ({
    patientId: data.patientId,
    resources: ctx.entries.map((e) => e.resource),
    entries: ctx.entries,
    replacePrefixes,
    deleteIds,
    warnings: ctx.warnings,
  });
  if (data.status === 'gone' || !data.patient)
    return result([ids.patientScope(data.patientId)], [ids.patient(data.patientId)]);
  if (data.patient.testPatient) {
    ctx.warn('TEST_PATIENT', `patient ${data.patientId} is an ORCA テスト患者: not mapped`, 'patientgetv2');
    return result([]);
  }
  const replace: string[] = [];
  mapPatient(ctx, data.patient);
  if (options.coverage) {
    mapCoverages(ctx, data.patient);
    replace.push(ids.coverageScope(data.patientId));
  }
  if (data.diseases) {
    mapConditions(ctx, data.diseases);
    replace.push(ids.diseaseScope(data.patientId));
  }
  const { byVisit, unbilled } = pairAcceptances(data.visits, data.acceptances);
  for (const v of data.visits) {
    const encounter = mapVisitEncounter(ctx, v, byVisit.get(v));
    const prefix = ids.visit(
      data.patientId,
      v.visit.performDate,
      v.visit.departmentCode,
      v.visit.sequentialNumber,
    );
    const form = v.prescription ?? v.notebook;
    const rps = form ? form.rps : detailRps(v.detail);
    if (!form && rps.length)
      ctx.warn(
        'NO_FORM',
        `visit ${v.visit.performDate} ${v.visit.departmentCode}: drugs without 処方せん or お薬手帳`,
        'medicalgetv2',
      );
    const invoiceNumber = form?.invoiceNumber ?? v.visit.invoiceNumber;
    mapMedications(
      ctx,
      {
        api: v.prescription ? 'prescriptionv2' : v.notebook ? 'medicinenotebookv2' : 'medicalgetv2',
        ...(v.prescription ? { place: 'outside' as const } : v.notebook ? { place: 'inside' as const } : {}),
        rps,
        authoredOn: form?.issuedDate ?? form?.performDate ?? v.visit.performDate,
        ...(invoiceNumber ? { invoiceNumber } : {}),
        ...(form?.doctorCode ? { doctorCode: form.doctorCode } : {}),
        ...(form?.doctorName ? { doctorName: form.doctorName } : {}),
        ...(form?.hospitalName ? { hospitalName: form.hospitalName } : {}),
      },
      prefix,
      encounter,
    );
  }
  for (const a of unbilled) mapAcceptanceEncounter(ctx, a);
  // Visits are complete for the months read, unbilled 受付 for the days whose 受付 were listed.
  for (const m of data.months) replace.push(ids.monthScope(data.patientId, m));
  for (const d of data.acceptanceDays) replace.push(ids.acceptanceDayScope(data.patientId, d));
  return result(replace);
}
