// A lab result message → the batch one clinic's records take: FHIR JP Core resources by fhir-jp's lab
// mapper (Specimen, Observation, DiagnosticReport), under the SS-MIX2 key the message would be filed by.
import { type Facility, type MappingWarning, mapMessage } from '@hie/fhir-jp';
import type { Hl7Message, Hl7Segment } from '@hie/hl7v2';
import type { IntakeBatch, IntakeIssue } from '../batch.js';
import type { LabMessage } from './hl7.js';
import { hl7Issue } from './issues.js';
import { dayOf, jstTimestamp, labFileName } from './key.js';
import { oruAsOul } from './oru.js';

/** The clinic (tenant) whose records take the result: its 10-digit code, facility OID and name. */
export interface LabFacility extends Facility {
  oid: string;
  name: string;
}

export type LabMapResult =
  | { ok: true; batch: IntakeBatch; warnings: IntakeIssue[] }
  | { ok: false; issues: IntakeIssue[] };

/**
 * Maps a read result message for the clinic it names. The batch replaces what an earlier message of
 * the same order produced (`replacePrefixes`): a corrected result (OBX-11 `C`) or one re-sent with
 * more items replaces the earlier one whole; every ORC-1 `CA` (取消) deletes it. The record key is
 * `lab:<MSH-4>:<order number>`.
 */
export function mapLabMessage(read: LabMessage, facility: LabFacility, receivedAt: Date): LabMapResult {
  const file = read.sourceName;
  const msh = read.message.segments[0];
  if (facility.institutionCode !== read.clinicCode) {
    const why = `the message is for clinic ${read.clinicCode}, not ${facility.institutionCode}`;
    return { ok: false, issues: [hl7Issue('lab-wrong-clinic', why, file, msh, 'MSH-6')] };
  }
  const order = orderNumber(read.message);
  if (!order) {
    const why =
      'no order number in ORC-2, ORC-3, OBR-2 or OBR-3: a corrected result could not replace this one';
    return { ok: false, issues: [hl7Issue('lab-no-order', why, file, read.message.segment('ORC'), 'ORC-2')] };
  }
  const warnings: IntakeIssue[] = [...read.warnings];
  let careDate = careDateOf(read.message);
  if (!careDate) {
    careDate = jstTimestamp(receivedAt).slice(0, 8);
    const why = `neither OBR-7, SPM-17 nor MSH-7 holds a date: filed under the day received (${careDate})`;
    warnings.push(hl7Issue('lab-no-care-date', why, file, read.message.segment('OBR'), 'OBR-7'));
  }
  const key = labFileName({
    patientId: read.patientId,
    careDate,
    orderNo: order.value,
    timestamp: timestampOf(msh) ?? jstTimestamp(receivedAt),
  });
  if (!key.ok) {
    const [segment, field] =
      key.part === 'patientId'
        ? [read.message.segment('PID'), 'PID-3']
        : key.part === 'orderNo'
          ? [order.segment, order.field]
          : [msh, 'MSH-7'];
    return { ok: false, issues: [hl7Issue(`lab-bad-${kebab(key.part)}`, key.message, file, segment, field)] };
  }

  // fhir-jp maps ORU^R01 as a physiology report: give it the lab mapper's segment order (oru.ts).
  const isOru = read.message.messageType.code === 'ORU';
  const rewritten = isOru ? oruAsOul(read.message) : undefined;
  if (isOru && !rewritten) {
    const why = 'the ORU^R01 could not be regrouped as OUL^R22';
    return { ok: false, issues: [hl7Issue('lab-unparsable', why, file, msh, 'MSH-9')] };
  }
  const message = rewritten?.message ?? read.message;
  const mapping = mapMessage(message, { fileName: key.fileName, facility });
  const originalIndex = (index: number | undefined) =>
    index === undefined ? undefined : (rewritten?.originalIndex[index] ?? index);
  warnings.push(...mapping.warnings.map((w) => mappingWarning(w, file, originalIndex(w.segmentIndex))));

  return {
    ok: true,
    batch: {
      recordKey: `lab:${read.sendingFacility}:${order.value}`,
      origin: `lab:${file}`,
      entries: mapping.entries,
      replacePrefixes: [mapping.keyPrefix],
      deleteIds: mapping.delete ? mapping.deleteIds : [],
    },
    warnings,
  };
}

interface OrderNumber {
  value: string;
  segment: Hl7Segment;
  field: string;
}

/**
 * The order number the result is filed by: the clinic's (placer, ORC-2), else the lab centre's
 * (filler, ORC-3), else OBR-2 / OBR-3 — the first group's, as SS-MIX2 files a message by its first ORC.
 */
function orderNumber(message: Hl7Message): OrderNumber | undefined {
  const orc = message.segment('ORC');
  const obr = message.segment('OBR');
  const candidates: [Hl7Segment | undefined, number][] = [
    [orc, 2],
    [orc, 3],
    [obr, 2],
    [obr, 3],
  ];
  for (const [segment, field] of candidates) {
    const value = segment?.get(field, 1, 1)?.trim();
    if (segment && value) return { value, segment, field: `${segment.name}-${field}` };
  }
  return undefined;
}

/** 診療日 of a result: the collection day (OBR-7, else SPM-17), else the day of the message (MSH-7). */
function careDateOf(message: Hl7Message): string | undefined {
  return (
    dayOf(message.segment('OBR')?.get(7, 1, 1)) ??
    dayOf(message.segment('SPM')?.get(17, 1, 1)) ??
    dayOf(message.segments[0]?.get(7, 1, 1))
  );
}

/** MSH-7 as `yyyyMMddHHmmss[fff]`: seconds filled in, fraction cut to milliseconds, zone dropped. */
function timestampOf(msh: Hl7Segment | undefined): string | undefined {
  const m = /^(\d{8})(\d{2})(\d{2})(\d{2})?(?:\.(\d{1,4}))?/.exec(msh?.get(7, 1, 1)?.trim() ?? '');
  if (!m || !dayOf(m[1]) || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59)
    return undefined;
  return `${m[1]}${m[2]}${m[3]}${m[4] ?? '00'}${(m[5] ?? '').slice(0, 3).padEnd(3, '0')}`;
}

function mappingWarning(w: MappingWarning, file: string, line: number | undefined): IntakeIssue {
  return {
    code: `lab-map-${kebab(w.code)}`,
    message: w.message,
    file,
    ...(line !== undefined ? { line } : {}),
    ...(w.segment !== undefined && w.field !== undefined ? { field: `${w.segment}-${w.field}` } : {}),
  };
}

/** `BAD_NUMBER` → `bad-number`, `patientId` → `patient-id`. */
function kebab(code: string): string {
  return code
    .replace(/([a-z])([A-Z])/g, '$1-$2')
    .replaceAll('_', '-')
    .toLowerCase();
}
