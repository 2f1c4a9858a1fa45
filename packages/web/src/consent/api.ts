import { api } from '../api/client';
import type { Consent, Sex } from '../api/types';

/** A patient of the user's own facility, as the hub's patient index holds the local id. */
export interface LocalPatient {
  facilityOid: string;
  localId: string;
  personId: string;
  nameKanji: string | null;
  nameKana: string | null;
  birthDate: string | null;
  sex: Sex | null;
}

/**
 * GET /consents/patient: whose local id this is at the user's facility, and the facility's consents for
 * that patient. 404 `not-found` when the id is not one of this facility's patients.
 */
export const patientAtFacility = (localId: string) =>
  api<{ patient: LocalPatient; consents: Consent[] }>('/consents/patient', { query: { localId } });

/**
 * GET /consents/patients: the patients of the user's own facility whose name (kana or kanji, prefix)
 * and/or birth date match — the hub never lists another facility's patient here.
 */
export const searchLocalPatients = (query: { kana?: string; kanji?: string; birthDate?: string }) =>
  api<{ total: number; patients: LocalPatient[] }>('/consents/patients', { query });

export const getConsent = (id: string) =>
  api<Consent | { consent: Consent }>(`/consents/${encodeURIComponent(id)}`).then((r) =>
    'consent' in r ? r.consent : r,
  );

/** Viewer OIDs of a consent, whichever shape the hub sends them in. */
export const viewerOids = (consent: Consent): string[] =>
  (consent.viewers as (string | { oid: string })[]).map((v) => (typeof v === 'string' ? v : v.oid));

/** The lookup's own words (not in the shared catalogue: only this screen says them). */
export const LOOKUP_TEXT = {
  notFound: {
    ja: 'この患者IDは自施設の患者として登録されていません。IDを確認してください。',
    en: 'No patient of your facility has this ID. Check the ID.',
  },
  confirm: {
    ja: 'この患者さんで間違いないか、氏名・生年月日で確認してから同意を登録してください。',
    en: 'Check the name and birth date: is this the patient who signed? Then register the consent.',
  },
} as const;
