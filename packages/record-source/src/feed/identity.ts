import type { FeedIdentity } from '@hie/contract';
import type { GwPatientTable } from '../store/schema.js';

export type { FeedIdentity };

/** gw_patient keeps the FHIR gender; the hub speaks HL7 v2 administrative sex. */
const SEX: Readonly<Record<string, FeedIdentity['sex']>> = {
  male: 'M',
  female: 'F',
  other: 'O',
  unknown: 'U',
};

const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;

type PatientRow = Pick<
  GwPatientTable,
  'patient_id' | 'name_kanji' | 'name_kana' | 'birth_date' | 'sex' | 'postcode' | 'address' | 'phone'
>;

/** The identity the hub is told for one gw_patient row. */
export function identityOf(row: PatientRow, facilityOid: string): FeedIdentity {
  const sex = row.sex ? SEX[row.sex] : undefined;
  return {
    facilityOid,
    localId: row.patient_id,
    ...(row.name_kanji ? { nameKanji: row.name_kanji } : {}),
    ...(row.name_kana ? { nameKana: row.name_kana } : {}),
    ...(row.birth_date && FULL_DATE.test(row.birth_date) ? { birthDate: row.birth_date } : {}),
    ...(sex ? { sex } : {}),
    ...(row.postcode ? { postcode: row.postcode } : {}),
    ...(row.address ? { address: row.address } : {}),
    ...(row.phone ? { phone: row.phone } : {}),
  };
}
