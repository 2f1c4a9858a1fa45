// A lab centre's CSV result → FHIR R4 JP Core, the way fhir-jp maps the same result sent as OUL^R22
// (fhir-jp lab.ts / observation.ts): one Observation per item (category laboratory, JLAC10 coding first
// so it is the indexed code), one DiagnosticReport (category LAB) grouping them, ids under the same
// SS-MIX2 key (OML-11, patient, collection day, order number), so either path replaces the other.
import { JLAC10_SYSTEM } from '@hie/contract';
import {
  type Category,
  keyPrefix,
  type MappedResource,
  patientResourceId,
  resourceId,
  SYSTEMS,
} from '@hie/fhir-jp';
import type { Coding, DiagnosticReport, Observation, Patient, Reference } from '@medplum/fhirtypes';
import type { LabCsvItem, LabCsvResult } from './csv.js';
import { csvValue, fhirString, interpretationOf, referenceRangeOf } from './csv-values.js';
import { labFileName } from './key.js';
import type { LabFacility, LabMapResult } from './map.js';

const JP_CORE = 'http://jpfhir.jp/fhir/core/StructureDefinition/';

const KEY_PART_CODES = {
  patientId: 'patient-id',
  orderNo: 'order-no',
  careDate: 'care-date',
  timestamp: 'timestamp',
} as const;

/**
 * The batch of one result, for the clinic it names. `sender` is the lab centre (as the repository
 * knows it, e.g. its sender id): it scopes the record key (`lab:<sender>:<order number>`) and the
 * code system of the centre's own item codes.
 */
export function mapLabCsvResult(
  result: LabCsvResult,
  facility: LabFacility,
  sourceName: string,
  sender: string,
): LabMapResult {
  const refuse = (code: string, message: string): LabMapResult => ({
    ok: false,
    issues: [{ code, message, file: sourceName }],
  });
  if (result.clinicCode !== facility.institutionCode) {
    return refuse(
      'lab-wrong-clinic',
      `the result is for clinic ${result.clinicCode}, not ${facility.institutionCode}`,
    );
  }
  // collectedAt is `YYYY-MM-DDThh:mm:ss+09:00`: its digits give the care date and a time stamp.
  const digits = result.collectedAt.replace(/\D/g, '');
  const key = labFileName({
    patientId: result.patientId,
    careDate: digits.slice(0, 8),
    orderNo: result.orderNo,
    timestamp: digits.slice(0, 14),
  });
  if (!key.ok) return refuse(`lab-bad-${KEY_PART_CODES[key.part]}`, key.message);

  const context: Context = {
    result,
    facilityCode: facility.institutionCode,
    patient: { reference: `Patient/${patientResourceId(result.patientId)}` },
    source: `urn:hie:lab:${facility.institutionCode}:${encodeURIComponent(sourceName)}`,
    localSystem: `urn:hie:lab:${encodeURIComponent(sender)}:codesystem:item`,
  };
  // As fhir-jp: one microbiology item (JLAC10 6xxxx) makes the whole order a 細菌検査 result.
  const microbiology = result.items.some((item) => item.code?.startsWith('6'));
  // seq 0 is the report (fhir-jp's MSH place), the items follow in file order from 1.
  const entries = result.items.map((item, i) =>
    observation(context, item, resourceId(key.fileName, i + 1), microbiology),
  );
  entries.push(report(context, resourceId(key.fileName, 0), entries, microbiology));
  return {
    ok: true,
    batch: {
      recordKey: `lab:${sender}:${result.orderNo}`,
      origin: `lab:${sourceName}`,
      entries,
      replacePrefixes: [keyPrefix(key.fileName)],
      deleteIds: [],
    },
    warnings: [],
  };
}

interface Context {
  result: LabCsvResult;
  facilityCode: string;
  patient: Reference<Patient>;
  /** meta.source of every resource: the clinic and the file. */
  source: string;
  /** Code system of the lab centre's own item codes. */
  localSystem: string;
}

function observation(ctx: Context, item: LabCsvItem, id: string, microbiology: boolean): MappedResource {
  const category: Category = microbiology ? 'bacteriology' : 'lab-result';
  const name = fhirString(item.name);
  const codings: Coding[] = [
    ...(item.code ? [{ system: JLAC10_SYSTEM, code: item.code, display: name }] : []),
    { system: ctx.localSystem, code: item.localCode, display: name },
  ];
  const interpretation = interpretationOf(item.flag);
  const range = referenceRangeOf(item.referenceRange, item.unit);
  const resource: Observation & { id: string } = {
    resourceType: 'Observation',
    id,
    meta: {
      profile: [`${JP_CORE}${microbiology ? 'JP_Observation_Microbiology' : 'JP_Observation_LabResult'}`],
      source: ctx.source,
    },
    identifier: [
      {
        system: `http://jpfhir.jp/fhir/clinicalCoreSet/IdSystem/SSMIX2-LAB/1${ctx.facilityCode}`,
        value: `${ctx.result.orderNo}_${item.localCode}`,
      },
    ],
    status: 'final',
    category: [{ coding: [{ system: SYSTEMS.observationCategory, code: 'laboratory' }] }],
    code: { coding: codings, text: name },
    subject: ctx.patient,
    effectiveDateTime: ctx.result.collectedAt,
    ...csvValue(item.value, item.unit),
    ...(interpretation ? { interpretation: [interpretation] } : {}),
    ...(range ? { referenceRange: [range] } : {}),
  };
  const main = codings[0]!;
  return {
    resource,
    index: {
      resourceType: 'Observation',
      id,
      patientId: ctx.result.patientId,
      category,
      date: ctx.result.collectedAt,
      ...(main.code ? { code: main.code } : {}),
      ...(main.system ? { codeSystem: main.system } : {}),
    },
  };
}

function report(
  ctx: Context,
  id: string,
  observations: readonly MappedResource[],
  microbiology: boolean,
): MappedResource {
  const category: Category = microbiology ? 'bacteriology' : 'lab-result';
  const resource: DiagnosticReport & { id: string } = {
    resourceType: 'DiagnosticReport',
    id,
    meta: {
      profile: [
        `${JP_CORE}${microbiology ? 'JP_DiagnosticReport_Microbiology' : 'JP_DiagnosticReport_LabResult'}`,
      ],
      source: ctx.source,
    },
    identifier: [
      {
        system: `http://jpfhir.jp/fhir/clinicalCoreSet/IdSystem/SSMIX2-ORDER/1${ctx.facilityCode}`,
        value: ctx.result.orderNo,
      },
    ],
    status: 'final',
    category: [{ coding: [{ system: SYSTEMS.diagnosticServiceSection, code: microbiology ? 'MB' : 'LAB' }] }],
    code: { text: '検体検査' },
    subject: ctx.patient,
    effectiveDateTime: ctx.result.collectedAt,
    result: observations.map((o) => ({ reference: `Observation/${o.index.id}` })),
  };
  return {
    resource,
    index: {
      resourceType: 'DiagnosticReport',
      id,
      patientId: ctx.result.patientId,
      category,
      date: ctx.result.collectedAt,
    },
  };
}
