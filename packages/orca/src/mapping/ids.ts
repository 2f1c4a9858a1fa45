// Deterministic ids, built with fhir-jp's `keyPrefix` so they follow the same escaping and shape as the
// SS-MIX2 ones: `<patient>.<care date>.<data type>.<order no>.…`. For ORCA the care date is `-`, the
// data type `ORCA` (the source marker) and the "order number" says what it is, the date first:
//   Condition     00001.-.ORCA.DX.<key>              key: hash of department, codes and start date
//   Coverage      00001.-.ORCA.COV.0001[.P1]         保険組合せ number (and its 公費)
//   Encounter     00001.-.ORCA.D20240105V01S1.E      visit: date, 診療科, 連番
//   Request       00001.-.ORCA.D20240105V01S1.R2.1   Rp 2, drug 1 of that visit
//   Dispense      00001.-.ORCA.D20240105V01S1.M2.1
//   Encounter     00001.-.ORCA.U20240105A00005.E     a 受付 not billed yet (U: unbilled)
// so that one string prefix selects what one ORCA answer fully describes — every ORCA id of a patient
// (`00001.-.ORCA.`), the diseases (`…ORCA.DX.`), one month's visits (`…ORCA.D202401`), one day's
// 受付 (`…ORCA.U20240105`) — and a re-pull
// replaces what it read instead of adding to it. The Patient is `patientResourceId` (`00001.ADT-00`),
// the same resource the SS-MIX2 mapping makes for the facility's patient.
import { createHash } from 'node:crypto';
import { ID_PATTERN, keyPrefix, patientResourceId } from '@hie/fhir-jp';

const key = (patientId: string, orderNo: string) =>
  keyPrefix({ patientId, careDate: '-', dataType: 'ORCA', orderNo });

function checked(id: string): string {
  // ORCA patient numbers are 1–20 letters or digits (checked when read), so ids stay well within 64.
  if (!ID_PATTERN.test(id)) throw new Error(`not a FHIR id: ${id}`);
  return id;
}

export const ids = {
  patient: (patientId: string) => patientResourceId(patientId),
  /** Every ORCA-made id of the patient but the Patient starts with this. */
  patientScope: (patientId: string) => key(patientId, '').slice(0, -1),
  diseaseScope: (patientId: string) => key(patientId, 'DX'),
  condition: (patientId: string, diseaseKey: string) => checked(`${key(patientId, 'DX')}${diseaseKey}`),
  coverageScope: (patientId: string) => key(patientId, 'COV'),
  coverage: (patientId: string, combination: string, publicIndex?: number) =>
    checked(`${key(patientId, 'COV')}${combination}${publicIndex !== undefined ? `.P${publicIndex}` : ''}`),
  /** All visits of one month (`YYYY-MM`). */
  monthScope: (patientId: string, month: string) =>
    `${ids.patientScope(patientId)}D${month.replace('-', '')}`,
  /** All unbilled 受付 of one day. */
  acceptanceDayScope: (patientId: string, date: string) =>
    `${ids.patientScope(patientId)}U${date.replaceAll('-', '')}`,
  visit: (patientId: string, date: string, department: string, sequence: string) =>
    key(patientId, `D${date.replaceAll('-', '')}V${department}S${sequence}`),
  acceptance: (patientId: string, date: string, acceptanceId: string) =>
    key(patientId, `U${date.replaceAll('-', '')}A${acceptanceId}`),
  encounter: (visitPrefix: string) => checked(`${visitPrefix}E`),
  request: (visitPrefix: string, rp: number, line: number) => checked(`${visitPrefix}R${rp}.${line}`),
  dispense: (visitPrefix: string, rp: number, line: number) => checked(`${visitPrefix}M${rp}.${line}`),
};

/** A short stable key for a disease: ORCA gives diseases no number of their own. */
export function diseaseKey(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 12);
}
