/**
 * The hub-to-hub wire of records into the timeline (partner/README.md): FHIR R4 JSON under `/xc/fhir`
 * on the responding hub — PDQm (ITI-78) `Patient?name=&birthdate=&gender=`, then the patient's
 * records as one searchset Bundle (`Patient/{id}/$everything`), each entry naming the facility and
 * the local patient it came from in two extensions, and one OperationOutcome entry with a line per
 * source (the answer's `sources`).
 */
export const XC_ROOT = '/xc/fhir';
/** Bundle.entry extension: the source facility (valueReference.identifier `urn:oid:…`, display = its name). */
export const SOURCE_FACILITY = 'urn:hie:fhir:extension:source-facility';
/** Bundle.entry extension: the patient's local id at that facility (valueString). */
export const SOURCE_PATIENT = 'urn:hie:fhir:extension:source-patient';
/** OperationOutcome.issue extension: the source's Bundle.total (valueInteger). */
export const SOURCE_TOTAL = 'total';

/** Our sex codes (JAHIS) ↔ FHIR AdministrativeGender. */
export const GENDER_OF_SEX: Readonly<Record<string, string>> = {
  M: 'male',
  F: 'female',
  O: 'other',
  U: 'unknown',
};
export const SEX_OF_GENDER: Readonly<Record<string, 'M' | 'F' | 'O' | 'U'>> = {
  male: 'M',
  female: 'F',
  other: 'O',
  unknown: 'U',
};

/**
 * A partner hub's URL must be HTTPS (XUA tokens and a patient's traits travel there); plain HTTP only
 * to this machine (a demo, a test).
 */
export function partnerUrlAllowed(url: string): boolean {
  try {
    const u = new URL(url);
    return (
      u.protocol === 'https:' ||
      (u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname))
    );
  } catch {
    return false;
  }
}
export const PARTNER_URL_RULE = 'https (plain http only to localhost) / https で指定してください';
