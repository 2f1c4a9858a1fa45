import type { HubDeps, HubPrincipal } from '../http.js';
import { HubError } from '../http.js';
import type { Purpose } from '../policy/decide.js';
import { type RecordsForPerson, recordsFor } from '../policy/records.js';
import { type FanOutOptions, type FanOutQuery, type FanOutResult, queryGateways } from './gateway-client.js';
import type { FhirResource, SourcedResource } from './merge.js';

/** Encounter categories: the visit history (受診歴一覧) shows these. */
export const VISIT_CATEGORIES = ['outpatient-visit', 'admission', 'leave', 'transfer', 'discharge'] as const;

/** The same 404 for an unknown person and one the viewer may not see (no confirmation of existence). */
export const personNotFound = () =>
  new HubError(404, 'not-found', '患者が見つかりません / no such patient (or not visible to you)');

/** What the policy lets this viewer see of one person; 404 when nothing. */
export async function visiblePerson(
  deps: HubDeps,
  principal: HubPrincipal,
  personId: string,
  purpose: Purpose | undefined,
): Promise<{ access: RecordsForPerson; purpose: Purpose }> {
  const access = await recordsFor(deps, principal, personId, purpose);
  if (!access.visible) throw personNotFound();
  // ETREAT is what the request exercised only when a grant was there to use; otherwise the same
  // records were shown under consent (TREAT), and the audit must not flag a non-emergency as one.
  const requested = purpose ?? (access.breakGlass ? 'ETREAT' : 'TREAT');
  return { access, purpose: requested === 'ETREAT' && access.breakGlass ? 'ETREAT' : 'TREAT' };
}

/** Fan-out over the visible records of the person, narrowed to `facility` when given. */
export function fanOut(
  deps: HubDeps,
  principal: HubPrincipal,
  access: RecordsForPerson,
  purpose: Purpose,
  query: FanOutQuery & { facility?: string },
  options: FanOutOptions = {},
): Promise<FanOutResult> {
  const sources = access.records.filter(
    (r) => query.facility === undefined || r.facilityOid === query.facility,
  );
  return queryGateways(deps, principal, sources, purpose, query, options);
}

/** One merged entry as the API answers it. */
export function entryOut(entry: SourcedResource) {
  return {
    facilityOid: entry.facilityOid,
    facilityName: entry.facilityName,
    localId: entry.localId,
    ...(entry.network ? { network: entry.network } : {}),
    date: entry.date,
    resourceType: entry.resource.resourceType,
    id: entry.resource.id,
    resource: entry.resource,
  };
}

/** The audit entity of a resource shown: `<facility OID>/<type>/<id>`. */
export const entityOf = (facilityOid: string, resourceType: string, id: string) =>
  `${facilityOid}/${resourceType}/${id}`;

export const entitiesOf = (entries: readonly SourcedResource[]) =>
  entries.map((e) => entityOf(e.facilityOid, e.resource.resourceType, e.resource.id));

/** Row of the visit history: the Encounter, read for the list. */
export function visitOut(entry: SourcedResource) {
  const encounter = entry.resource as FhirResource & {
    status?: string;
    class?: { code?: string; display?: string };
    type?: { text?: string }[];
    serviceType?: { text?: string; coding?: { display?: string; code?: string }[] };
    period?: { start?: string; end?: string };
  };
  return {
    facilityOid: entry.facilityOid,
    facilityName: entry.facilityName,
    localId: entry.localId,
    date: entry.date,
    id: encounter.id,
    status: encounter.status ?? null,
    /** AMB outpatient, IMP inpatient, EMER emergency. */
    class: encounter.class?.code ?? null,
    label: encounter.type?.[0]?.text ?? null,
    department: encounter.serviceType?.text ?? encounter.serviceType?.coding?.[0]?.display ?? null,
    period: encounter.period ?? null,
    resource: encounter,
  };
}

/** The allergy banner's line for an AllergyIntolerance; null when it is not active. */
export function allergyOut(entry: SourcedResource) {
  const allergy = entry.resource as FhirResource & {
    clinicalStatus?: { coding?: { code?: string }[] };
    verificationStatus?: { coding?: { code?: string }[] };
    code?: { text?: string; coding?: { system?: string; code?: string; display?: string }[] };
    category?: string[];
    criticality?: string;
    reaction?: { manifestation?: { text?: string }[]; severity?: string }[];
  };
  if (allergy.resourceType !== 'AllergyIntolerance') return null;
  const clinical = allergy.clinicalStatus?.coding?.[0]?.code;
  const verification = allergy.verificationStatus?.coding?.[0]?.code;
  if (clinical === 'inactive' || clinical === 'resolved' || verification === 'entered-in-error') return null;
  return {
    facilityOid: entry.facilityOid,
    facilityName: entry.facilityName,
    id: allergy.id,
    text: allergy.code?.text ?? allergy.code?.coding?.[0]?.display ?? '不明',
    // The allergen's codes, so a viewer can tell two facilities' lines are the same allergen.
    codes: (allergy.code?.coding ?? [])
      .filter((c) => c.code)
      .map((c) => ({ system: c.system ?? null, code: c.code ?? '' })),
    category: allergy.category ?? [],
    criticality: allergy.criticality ?? null,
    reactions: (allergy.reaction ?? [])
      .flatMap((r) => (r.manifestation ?? []).map((m) => m.text ?? ''))
      .filter(Boolean),
    date: entry.date,
  };
}

/** Age in full years on `today` (YYYY-MM-DD), from a YYYY-MM-DD birth date; null when unknown. */
export function ageOn(birthDate: string | null, today: string): number | null {
  if (!birthDate || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) return null;
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  const age = today.slice(5) < birthDate.slice(5) ? years - 1 : years;
  return age >= 0 ? age : null;
}

export const SEX_LABELS: Readonly<Record<string, { ja: string; en: string }>> = {
  M: { ja: '男性', en: 'male' },
  F: { ja: '女性', en: 'female' },
  O: { ja: 'その他', en: 'other' },
  U: { ja: '不明', en: 'unknown' },
};

/** Per-source outcome as a short audit detail: `oid=ok,oid=timeout`. */
export const sourcesDetail = (result: FanOutResult) =>
  result.sources.map((s) => `${s.facilityOid}=${s.status}`).join(',');
