// A lab centre's (検査センター) HL7 v2 result message: parsed, checked and located — which clinic
// ordered the tests, which patient, which lab centre sent it — before anything is mapped.
import { INSTITUTION_CODE_PATTERN } from '@hie/contract';
import { type Hl7Error, type Hl7Message, type Hl7Warning, parseHl7 } from '@hie/hl7v2';
import type { IntakeIssue } from '../batch.js';
import { hl7Issue } from './issues.js';

/**
 * The result messages accepted: OUL^R22 (SS-MIX2 OML-11 検体検査結果通知, JAHIS 臨床検査データ交換規約)
 * and ORU^R01 (older lab systems; mapped as OUL^R22, see oru.ts).
 */
export const LAB_RESULT_TYPES: readonly string[] = ['OUL^R22', 'ORU^R01'];

export interface LabMessage {
  /** The file or connection it came from (every issue names it). */
  sourceName: string;
  /** MSH-10. */
  controlId: string;
  /** MSH-4.1: the lab centre, as it names itself. */
  sendingFacility: string;
  /** 10-digit 医療機関コード of the clinic that ordered the tests (MSH-6.1, else ORC-21.10). */
  clinicCode: string;
  /** PID-3.1: the patient, by the ordering clinic's patient ID. */
  patientId: string;
  message: Hl7Message;
  /** What the parser tolerated (a charset declaration that disagrees with the bytes, LF separators). */
  warnings: IntakeIssue[];
}

export type LabMessageRead = ({ ok: true } & LabMessage) | { ok: false; issues: IntakeIssue[] };

/**
 * Reads one result message (ISO-2022-JP, Shift_JIS or UTF-8, as MSH-18 declares or the bytes show).
 * Refuses a message that is not HL7, not a result, names no patient or no ordering clinic: every issue
 * says the segment number (`line`) and field, so the lab centre can find it in its interface log.
 */
export function readLabMessage(bytes: Uint8Array, options: { sourceName: string }): LabMessageRead {
  const file = options.sourceName;
  const parsed = parseHl7(bytes);
  if (!parsed.ok) return { ok: false, issues: [unparsable(parsed.error, file)] };
  const { message } = parsed;
  const msh = message.segments[0];
  const { code, event } = message.messageType;
  if (!LAB_RESULT_TYPES.includes(`${code}^${event}`)) {
    const why = `MSH-9 '${code}^${event}' is not a lab result (${LAB_RESULT_TYPES.join(' or ')})`;
    return { ok: false, issues: [hl7Issue('lab-not-a-result', why, file, msh, 'MSH-9')] };
  }

  const issues: IntakeIssue[] = [];
  const pid = message.segment('PID');
  // Every resource is filed under one patient: a message about several would file some at the wrong one.
  const secondPid = message.segment('PID', 2);
  if (secondPid) {
    const why = 'the message holds results of more than one patient (several PID): send one per patient';
    issues.push(hl7Issue('lab-several-patients', why, file, secondPid, 'PID-3'));
  }
  const patientId = pid?.get(3, 1, 1)?.trim() ?? '';
  if (patientId === '') {
    const why = pid ? 'PID-3 (patient ID) is empty' : 'the message has no PID segment';
    issues.push(hl7Issue('lab-no-patient', `${why}: the result cannot be filed`, file, pid, 'PID-3'));
  }
  // The record key names the lab centre (a corrected result replaces the same centre's earlier one).
  const sendingFacility = msh?.get(4, 1, 1)?.trim() ?? '';
  if (sendingFacility === '') {
    issues.push(hl7Issue('lab-no-sender', 'MSH-4 (sending facility) is empty', file, msh, 'MSH-4'));
  }
  const clinic = orderingClinic(message, file);
  if (!clinic.ok) issues.push(...clinic.issues);
  if (issues.length > 0 || !clinic.ok) return { ok: false, issues };

  return {
    ok: true,
    sourceName: file,
    controlId: message.controlId,
    sendingFacility,
    clinicCode: clinic.code,
    patientId,
    message,
    warnings: parsed.warnings.map((w) => parserWarning(w, file)),
  };
}

type ClinicLookup = { ok: true; code: string } | { ok: false; issues: IntakeIssue[] };

/**
 * The ordering clinic. A lab centre sends the result back to the clinic that ordered it, so the
 * receiving facility MSH-6 names it (JAHIS 臨床検査データ交換規約); ORC-21 (ordering facility, XON-10
 * its identifier) may too, and is the fallback when MSH-6 is empty. A non-empty MSH-6 that is not a
 * 10-digit code is refused rather than passed over for ORC-21: a typo there must not file a result
 * at a clinic the lab centre did not name. When ORC-21 names a different clinic than MSH-6, the message
 * contradicts itself and is refused too (a result at the wrong clinic is a disclosure).
 */
function orderingClinic(message: Hl7Message, file: string): ClinicLookup {
  const msh = message.segments[0];
  const fromMsh = msh?.get(6, 1, 1)?.trim() ?? '';
  const fromOrcs = message
    .segmentsNamed('ORC')
    .map((orc) => ({ orc, code: orc.get(21, 1, 10)?.trim() ?? '' }))
    .filter((o) => o.code !== '');
  let code: string;
  if (fromMsh !== '') {
    if (!INSTITUTION_CODE_PATTERN.test(fromMsh)) {
      const text = `MSH-6 '${fromMsh}' is not the 10-digit 医療機関コード of the ordering clinic`;
      return { ok: false, issues: [hl7Issue('lab-no-clinic', text, file, msh, 'MSH-6')] };
    }
    code = fromMsh;
  } else if (fromOrcs[0]) {
    const { orc, code: fromOrc } = fromOrcs[0];
    if (!INSTITUTION_CODE_PATTERN.test(fromOrc)) {
      const text = `MSH-6 is empty and ORC-21.10 '${fromOrc}' is not a 10-digit 医療機関コード`;
      return { ok: false, issues: [hl7Issue('lab-no-clinic', text, file, orc, 'ORC-21')] };
    }
    code = fromOrc;
  } else {
    const text = 'neither MSH-6 (receiving facility) nor ORC-21.10 names the ordering clinic';
    return { ok: false, issues: [hl7Issue('lab-no-clinic', text, file, msh, 'MSH-6')] };
  }
  const contradictions = fromOrcs
    .filter((o) => INSTITUTION_CODE_PATTERN.test(o.code) && o.code !== code)
    .map((o) => {
      const text = `ORC-21.10 '${o.code}' names another clinic than '${code}'`;
      return hl7Issue('lab-clinic-mismatch', text, file, o.orc, 'ORC-21');
    });
  return contradictions.length > 0 ? { ok: false, issues: contradictions } : { ok: true, code };
}

function unparsable(error: Hl7Error, file: string): IntakeIssue {
  const field =
    error.segment !== undefined && error.field !== undefined ? `${error.segment}-${error.field}` : undefined;
  const line = error.segmentIndex ?? error.line;
  return {
    code: 'lab-unparsable',
    message: `not a readable HL7 v2 message: ${error.code} ${error.message}`,
    file,
    ...(line !== undefined ? { line } : {}),
    ...(field !== undefined ? { field } : {}),
  };
}

function parserWarning(w: Hl7Warning, file: string): IntakeIssue {
  return {
    code: `lab-hl7-${w.code.toLowerCase().replaceAll('_', '-')}`,
    message: w.message,
    file,
    ...(w.line !== undefined ? { line: w.line } : {}),
    ...(w.segment !== undefined && w.field !== undefined ? { field: `${w.segment}-${w.field}` } : {}),
  };
}
