import { api } from '../api/client';
import type { Consent } from '../api/types';

export const consentsOf = (localId: string) =>
  api<{ consents: Consent[] } | Consent[]>('/consents', { query: { localId } }).then((r) =>
    Array.isArray(r) ? r : r.consents,
  );

export const getConsent = (id: string) =>
  api<Consent | { consent: Consent }>(`/consents/${encodeURIComponent(id)}`).then((r) =>
    'consent' in r ? r.consent : r,
  );

/** Viewer OIDs of a consent, whichever shape the hub sends them in. */
export const viewerOids = (consent: Consent): string[] =>
  (consent.viewers as (string | { oid: string })[]).map((v) => (typeof v === 'string' ? v : v.oid));
