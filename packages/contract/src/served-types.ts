/**
 * The FHIR resource types a disclosing unit (a hospital's gateway, the small-facility repository)
 * serves to the hub: fhir-jp's output, plus documents. The hub asks for nothing else.
 */
export const SERVED_TYPES: readonly string[] = [
  'Patient',
  'Encounter',
  'AllergyIntolerance',
  'Condition',
  'MedicationRequest',
  'MedicationAdministration',
  // A pharmacy's dispensing (お薬手帳, ORCA's 院内処方) and a claim's drugs (UKE): the repository's sources.
  'MedicationDispense',
  'MedicationStatement',
  'ServiceRequest',
  'Specimen',
  'Observation',
  'DiagnosticReport',
  'ImagingStudy',
  'DocumentReference',
  'Binary',
];

export const isServedType = (value: string): boolean => SERVED_TYPES.includes(value);
