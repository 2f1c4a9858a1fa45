// 患者情報レコード → JP_Patient, and the demographics a caller matches against its own patients. The
// notebook carries no patient ID of the importing facility: the caller finds (or makes) its patient
// from these demographics and supplies the ID. Only what identifies the patient is mapped (name, kana,
// sex, birth date); address, phone, blood type and weight stay in the parsed notebook.
import { patientIdSystem, SYSTEMS } from '@hie/fhir-jp';
import type { HumanName, Patient } from '@medplum/fhirtypes';
import type { Notebook } from '../notebook/model.js';
import { fhirText } from './dispense.js';

export interface NotebookDemographics {
  /** 患者氏名 as written, and split at its first space when it has one. */
  name: string;
  family?: string;
  given?: string;
  kana?: string;
  gender: 'male' | 'female';
  /** FHIR date. */
  birthDate: string;
}

/** Who the notebook is about, for matching against the facility's patients (MPI, the portal's search). */
export function notebookDemographics(notebook: Notebook): NotebookDemographics {
  const p = notebook.patient;
  const [family, ...rest] = p.name.split(/[ \u3000]+/);
  const given = rest.join(' ');
  return {
    name: p.name,
    ...(given && family ? { family, given } : {}),
    ...(p.kana ? { kana: p.kana } : {}),
    gender: p.sex === '2' ? 'female' : 'male',
    birthDate: p.birthDate,
  };
}

function humanName(text: string, representation: 'IDE' | 'SYL'): HumanName {
  const [family, ...rest] = fhirText(text).split(/ +/);
  return {
    extension: [{ url: SYSTEMS.isoRepresentation, valueCode: representation }],
    use: 'official',
    text: fhirText(text),
    ...(rest.length && family ? { family, given: [rest.join(' ')] } : {}),
  };
}

export function patientOf(
  notebook: Notebook,
  patientId: string,
  id: string,
  institutionCode: string,
  source: string,
): Patient & { id: string } {
  const d = notebookDemographics(notebook);
  return {
    resourceType: 'Patient',
    id,
    meta: { profile: ['http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient'], source },
    identifier: [{ system: patientIdSystem(institutionCode), value: patientId }],
    name: [humanName(d.name, 'IDE'), ...(d.kana ? [humanName(d.kana, 'SYL')] : [])],
    gender: d.gender,
    birthDate: d.birthDate,
  };
}
