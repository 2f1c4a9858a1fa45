// RE → JP_Patient: the clinic's patient number (RE-14 カルテ番号等) as identifier, the name as sent (漢字
// 氏名 RE-5, カタカナ氏名 RE-37), sex and birth date. One Patient per patient number in a file; two
// claims of one number must describe the same person.
import { patientIdSystem } from '@hie/fhir-jp';
import type { HumanName, Patient } from '@medplum/fhirtypes';
import type { ErrorList } from '../file/errors.js';
import type { UkeClaim } from '../file/types.js';
import { UKE_SYSTEMS } from './codes.js';
import { fhirText, type UkeMappingContext } from './context.js';
import { ukePatientId } from './ids.js';

/** 姓 and 名 are separated by one space (full-width in 漢字 mode): split there when it is there. */
function humanName(sent: string, representation: 'IDE' | 'SYL'): HumanName {
  const text = fhirText(sent);
  const space = text.indexOf(' ');
  const family = space > 0 ? text.slice(0, space) : undefined;
  const given = space > 0 ? text.slice(space + 1).trim() : undefined;
  return {
    extension: [{ url: UKE_SYSTEMS.isoRepresentation, valueCode: representation }],
    use: 'official',
    text,
    ...(family ? { family } : {}),
    ...(given ? { given: [given] } : {}),
  };
}

const same = (a: UkeClaim, b: UkeClaim) =>
  fhirText(a.name) === fhirText(b.name) && a.sex === b.sex && a.birthDate === b.birthDate;

/**
 * Checks every claim has a patient number and no number names two people. Returns the claims that
 * make each patient's resource (the first claim of each number), or undefined after adding errors.
 */
export function patientsOf(
  claims: readonly UkeClaim[],
  errors: ErrorList,
): Map<string, UkeClaim> | undefined {
  const first = new Map<string, UkeClaim>();
  const before = errors.count;
  for (const c of claims) {
    if (!c.patientNumber) {
      errors.add({
        code: 'uke-no-patient-id',
        line: c.line,
        field: 14,
        fieldName: 'カルテ番号等',
        record: 'RE',
        message:
          'RE-14 カルテ番号等 is empty: without the clinic’s patient number the claim cannot be linked to its patient (set the レセコン to record it)',
        messageJa:
          'カルテ番号等（RE-14）が記録されていないため、患者を特定できません（レセコンでカルテ番号を出力する設定にしてください）',
      });
      continue;
    }
    const earlier = first.get(c.patientNumber);
    if (!earlier) first.set(c.patientNumber, c);
    else if (!same(earlier, c)) {
      errors.add({
        code: 'uke-patient-conflict',
        line: c.line,
        field: 14,
        fieldName: 'カルテ番号等',
        record: 'RE',
        value: c.patientNumber,
        message: `カルテ番号 ${c.patientNumber} names another person (name, sex or birth date) than on line ${earlier.line}`,
        messageJa: `カルテ番号 ${c.patientNumber} の氏名・性別・生年月日が${earlier.line}行目のレセプトと異なります`,
      });
    }
  }
  return errors.count === before ? first : undefined;
}

export function mapPatient(ctx: UkeMappingContext, claim: UkeClaim, patientNumber: string): void {
  const names = [humanName(claim.name, 'IDE')];
  if (claim.kanaName) names.push(humanName(claim.kanaName, 'SYL'));
  const patient: Patient & { id: string } = {
    resourceType: 'Patient',
    id: ukePatientId(patientNumber),
    ...ctx.meta('JP_Patient'),
    identifier: [{ system: patientIdSystem(ctx.institutionCode), value: patientNumber }],
    name: names,
    gender: claim.sex,
    birthDate: claim.birthDate,
    managingOrganization: { display: fhirText(ctx.file.institution.name) },
  };
  ctx.add(patient, patientNumber, 'demographics');
}
