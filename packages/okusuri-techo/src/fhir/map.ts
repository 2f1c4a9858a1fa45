// mapOkusuriTecho: a parsed notebook → FHIR R4 JP Core, indexed the way every source is (MappedResource).
// Dispenses are category `prescription`: the contract has no dispensing category, and a dispense is
// the fulfilment of a prescription — the same facts about what the patient takes, disclosed by the
// same decision (a facility that withholds prescriptions withholds what was dispensed for them).
import type { MappedResource } from '@hie/fhir-jp';
import type { Resource } from '@medplum/fhirtypes';
import { issue, type OtcIssue } from '../issues.js';
import type { Notebook } from '../notebook/model.js';
import { dispenseOf, dispensingNotes } from './dispense.js';
import { dispenseId, dispensingKeys, patientResourceId } from './ids.js';
import { type NotebookDemographics, notebookDemographics, patientOf } from './patient.js';

export interface MapOptions {
  /** The importing facility's ID of this patient: found (or made) by matching `notebookDemographics`. */
  patientId: string;
  /** The importing facility; its 10-digit 医療機関コード names the patient-ID system. */
  facility: { institutionCode: string; name?: string };
  /**
   * Emit the Patient resource (default true). A facility that already sends its patients from another
   * source (SS-MIX2) passes false, so the notebook's fewer demographics never overwrite them.
   */
  includePatient?: boolean;
}

export interface DispensingSummary {
  /** Every id of this dispensing starts with it (delete by prefix to replace the dispensing whole). */
  keyPrefix: string;
  /** 調剤等年月日, FHIR date. */
  date: string;
  pharmacyName?: string;
  /** 10-digit 医療機関コード of the pharmacy, when the notebook gives it. */
  pharmacyInstitutionCode?: string;
  resourceIds: string[];
}

export interface OtcMappingResult {
  /** Resources with their index entries; `resources` holds the same objects. */
  entries: MappedResource[];
  resources: Resource[];
  demographics: NotebookDemographics;
  dispensings: DispensingSummary[];
  warnings: OtcIssue[];
}

export function mapOkusuriTecho(notebook: Notebook, options: MapOptions): OtcMappingResult {
  const { patientId, facility } = options;
  const source = `urn:jahis-tc:${facility.institutionCode}:${encodeURIComponent(notebook.source)}`;
  const patientRef = { reference: `Patient/${patientResourceId(patientId)}` };
  const entries: MappedResource[] = [];
  const warnings: OtcIssue[] = [];
  if (options.includePatient !== false) {
    const patient = patientOf(
      notebook,
      patientId,
      patientResourceId(patientId),
      facility.institutionCode,
      source,
    );
    entries.push({
      resource: patient,
      index: { resourceType: 'Patient', id: patient.id, patientId, category: 'demographics' },
    });
  }
  const keys = dispensingKeys(patientId, notebook.dispensings);
  const dispensings = notebook.dispensings.map((d, i): DispensingSummary => {
    const key = keys[i]!;
    const code = d.pharmacy?.institutionCode;
    if (code && code !== facility.institutionCode)
      warnings.push(
        issue(
          'otc-other-pharmacy',
          notebook.source,
          `${d.date}の調剤は取り込む施設（${facility.institutionCode}）ではなく${d.pharmacy?.name}（${code}）によるものです`,
          `the dispensing of ${d.date} is by ${code}, not by the importing facility ${facility.institutionCode}`,
          { line: d.pharmacy?.line, recordNo: '11' },
        ),
      );
    const notes = dispensingNotes(d);
    const ids: string[] = [];
    for (const rp of d.rps)
      for (const drug of rp.drugs) {
        const id = dispenseId(key, rp.number, drug.orderInRp);
        const dispense = dispenseOf(d, rp, drug, { id, source, patient: patientRef }, notes);
        const main = dispense.medicationCodeableConcept?.coding?.[0];
        entries.push({
          resource: dispense,
          index: {
            resourceType: 'MedicationDispense',
            id,
            patientId,
            category: 'prescription',
            ...(d.date ? { date: d.date } : {}),
            ...(main?.code ? { code: main.code, ...(main.system ? { codeSystem: main.system } : {}) } : {}),
          },
        });
        ids.push(id);
      }
    return {
      keyPrefix: key.prefix,
      date: d.date,
      ...(d.pharmacy ? { pharmacyName: d.pharmacy.name } : {}),
      ...(code ? { pharmacyInstitutionCode: code } : {}),
      resourceIds: ids,
    };
  });
  return {
    entries,
    resources: entries.map((e) => e.resource),
    demographics: notebookDemographics(notebook),
    dispensings,
    warnings,
  };
}
