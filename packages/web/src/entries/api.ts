import type { EntryKind, EntryVersion } from '@hie/contract';
import { ApiError, api } from '../api/client';
import { errorMessage, type Lang } from '../api/errors';
import { i18next } from '../i18n/index';
import { type Problems, serverProblems } from './entries';

/**
 * The hub's entry routes (hub/entries/routes.ts), always for the user's own facility: the hub forwards
 * them to the facility's tenant of the repository, which keeps every version.
 */
const base = (facility: string) => `/entries/${encodeURIComponent(facility)}`;
const entryPath = (facility: string, patient: string) => `${base(facility)}/${encodeURIComponent(patient)}`;

export const entriesKey = (facility: string, patient: string) => ['entries', facility, patient] as const;

export const listEntries = (facility: string, patient: string) =>
  api<{ entries: EntryVersion[] }>(entryPath(facility, patient)).then((r) => r.entries);

export const createEntry = (facility: string, patient: string, kind: EntryKind, body: unknown) =>
  api<{ id: string; version: number }>(`${entryPath(facility, patient)}/${kind}`, { method: 'POST', body });

export const updateEntry = (facility: string, patient: string, kind: EntryKind, id: string, body: unknown) =>
  api<{ id: string; version: number }>(`${entryPath(facility, patient)}/${kind}/${encodeURIComponent(id)}`, {
    method: 'PUT',
    body,
  });

export const deleteEntry = (facility: string, patient: string, kind: EntryKind, id: string, reason: string) =>
  api<{ id: string; deleted: boolean; version: number }>(
    `${entryPath(facility, patient)}/${kind}/${encodeURIComponent(id)}`,
    { method: 'DELETE', body: { reason } },
  );

export const registerPatient = (facility: string, body: unknown) =>
  api<{ patientId: string; id: string }>(`${base(facility)}/patients`, { method: 'POST', body });

/**
 * The facility keeps its records elsewhere (its own system feeds the network through a gateway): the
 * hub has no repository tenant to write to (409), or the facility's server has no entry route (404).
 */
export const notATenant = (error: unknown) =>
  error instanceof ApiError &&
  (error.code === 'entry-no-repository' || (error.status === 404 && error.code === 'http-404'));

/** The field-by-field problems of a refused write (422), when the server named them. */
export const refusedFields = (error: unknown): Problems =>
  error instanceof ApiError && error.status === 422 ? serverProblems(error.details) : {};

const KNOWN = [
  'entry-own-facility-only',
  'entry-profession',
  'sender-other-tenant',
  'entry-no-repository',
  'entry-unreachable',
  'rejected',
] as const;
type Known = (typeof KNOWN)[number];

/** A refusal of the entry routes in the user's words (the hub's table for everything else). */
export function entryErrorMessage(error: unknown, lang: Lang): string {
  const t = i18next.getFixedT(lang);
  if (error instanceof ApiError) {
    if (error.status === 404 && error.code === 'http-404') return t('entries.refused.entry-no-repository');
    if (error.code === 'bad-request' && /already registered/.test(error.message))
      return t('entries.error.patientIdTaken');
    if (error.code === 'bad-request' && /^no entry /.test(error.message)) return t('entries.refused.gone');
    if ((KNOWN as readonly string[]).includes(error.code)) return t(`entries.refused.${error.code as Known}`);
  }
  return errorMessage(error, lang);
}
