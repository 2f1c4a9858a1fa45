import type { GwPatientTable } from '../../store/schema.js';

/**
 * One patient identity as the hub's MPI takes it (`POST /api/v1/internal/mpi/feed`): the record
 * (facility OID, local id) and what it is matched on. Absent fields are left out, never sent empty.
 */
export interface FeedIdentity {
  facilityOid: string;
  localId: string;
  nameKanji?: string;
  nameKana?: string;
  /** YYYY-MM-DD; a partial FHIR date (year or year-month only) is not sent. */
  birthDate?: string;
  sex?: 'M' | 'F' | 'O' | 'U';
  postcode?: string;
  address?: string;
  phone?: string;
}

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
