// The public entry point: one HL7 v2 message of an SS-MIX2 file → FHIR R4 JP Core resources.
import type { Hl7Message } from '@hie/hl7v2';
import { mapAllergies } from './allergy.js';
import { mapConditions } from './condition.js';
import { MappingContext, type MappingSource, text } from './context.js';
import { mapEncounter } from './encounter.js';
import { mapImaging, mapPhysiology } from './imaging.js';
import { mapLabResults } from './lab.js';
import { mapAdministrations, mapMedicationRequests } from './medication.js';
import { mapDietOrders, mapExamOrders, mapLabOrders } from './orders.js';
import { mapDemographics } from './patient.js';
import type { MappingResult } from './types.js';

/** MSH-9.2 events that cancel (取消) the data type's original event (SSMIX2.md §5). */
export const CANCEL_EVENTS: ReadonlySet<string> = new Set([
  'A23',
  'A11',
  'A13',
  'A12',
  'A27',
  'A26',
  'A25',
  'A55',
  'A52',
  'A53',
]);

type Mapper = (ctx: MappingContext) => void;

/** Which mapper handles a message: by MSH-9.1^9.2, checked against the file's data type. */
function mapperFor(ctx: MappingContext): Mapper | undefined {
  const { code, event } = ctx.message.messageType;
  const type = ctx.fileName.dataType;
  switch (code) {
    case 'ADT':
      if (type === 'ADT-00') return mapDemographics;
      if (type === 'ADT-61') return mapAllergies;
      if (type === 'ADT-01') return undefined;
      if (/^ADT-[1-5][12]$/.test(type)) return mapEncounter;
      return event === 'A08' || event === 'A23'
        ? mapDemographics
        : event === 'A60'
          ? mapAllergies
          : undefined;
    case 'PPR':
      return mapConditions;
    case 'RDE':
      return (c) => mapMedicationRequests(c, type === 'OMP-02');
    case 'RAS':
      return (c) => mapAdministrations(c, type === 'OMP-12');
    case 'OML':
      return mapLabOrders;
    case 'OUL':
      return mapLabResults;
    case 'OMG':
      return mapExamOrders;
    case 'OMI':
      return mapImaging;
    case 'ORU':
      return mapPhysiology;
    case 'OMD':
      return mapDietOrders;
    default:
      return undefined;
  }
}

/**
 * Maps one message. Pure: no I/O, never throws on message content (problems become warnings).
 * Ids come from the file name (the storage key), not from PID-3, so that a file and its key agree.
 */
export function mapMessage(message: Hl7Message, source: MappingSource): MappingResult {
  const ctx = new MappingContext(message, source);
  const pid = message.segment('PID');
  const pid3 = pid ? text(pid, 3) : undefined;
  if (!pid) ctx.warn('NO_PID', 'message has no PID: resources refer to the file name patient ID');
  else if (pid3 !== undefined && pid3 !== source.fileName.patientId) {
    ctx.warn(
      'PATIENT_ID_MISMATCH',
      `PID-3 '${pid3}' differs from the file name patient ID '${source.fileName.patientId}': the file name wins`,
      pid,
      3,
    );
  }
  const mapper = mapperFor(ctx);
  if (!mapper) {
    const { code, event } = message.messageType;
    ctx.warn(
      source.fileName.dataType === 'ADT-01' ? 'UNSUPPORTED_DATA_TYPE' : 'UNSUPPORTED_MESSAGE',
      `${code}^${event} in ${source.fileName.dataType} is not mapped to FHIR`,
    );
  } else {
    mapper(ctx);
  }
  const orcs = message.segmentsNamed('ORC');
  const cancelEvent = CANCEL_EVENTS.has(message.messageType.event);
  const allCancelled = orcs.length > 0 && orcs.every((o) => text(o, 1) === 'CA');
  if (cancelEvent || allCancelled) {
    return {
      delete: true,
      resources: [],
      entries: [],
      deleteIds: [...ctx.entries.map((e) => e.index.id), ...ctx.deleteIds],
      keyPrefix: ctx.prefix,
      warnings: ctx.warnings,
    };
  }
  return {
    delete: false,
    resources: ctx.entries.map((e) => e.resource),
    entries: ctx.entries,
    deleteIds: ctx.deleteIds,
    keyPrefix: ctx.prefix,
    warnings: ctx.warnings,
  };
}
