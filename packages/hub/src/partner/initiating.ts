import { categoryTagOf, patientReferenceOf } from '@hie/contract';
import { patientResourceId } from '@hie/fhir-jp';
import { agentOf, auditHub } from '../audit-record.js';
import type { HubDeps, HubPrincipal } from '../http.js';
import { kanaKey } from '../mpi/normalize.js';
import type { Purpose } from '../policy/decide.js';
import type { RecordsForPerson } from '../policy/records.js';
import { loadViewer } from '../policy/sql.js';
import { assertedUserOf, type SamlIdp } from '../saml/idp-routes.js';
import type { ServiceProvider } from '../saml/metadata.js';
import { visibleTraits } from '../saml/patient-crossing.js';
import {
  type FanOutQuery,
  type FanOutResult,
  MAX_BINARY_BYTES,
  type SourceStatus,
} from '../viewing/gateway-client.js';
import { careDate, type FhirResource, mergeNewestFirst, type SourcedResource } from '../viewing/merge.js';
import type { PartnerRecords } from '../viewing/partners.js';
import { GENDER_OF_SEX, SOURCE_FACILITY, SOURCE_PATIENT, XC_ROOT } from './wire.js';
import { xuaToken } from './xua.js';

/** Most entries asked of a partner for one page (our MAX_PER_SOURCE). */
const MAX_WANT = 1000;

/**
 * The initiating side (partner/README.md § Records into our timeline): for a user of a facility in
 * an agreement with a partner network, and a patient our policy lets them see, the partner hub is
 * asked — with XUA assertions for this user — first who the patient is there (PDQm by the traits of
 * a record the user may see), then, for exactly one match, the patient's records newest first. The
 * partner decides under its own consent and policy; we keep only what our own profession rule
 * allows too, and tag each entry with the partner's facility and network. An outage, a refusal, no
 * match or several are a `sources` line (a notice), never an error; every exchange is audited.
 */
export function partnerRecordsOf(
  idp: SamlIdp,
  /**
   * The client for partner hubs: Node's own (system CAs, no client certificate) — not the gateways'
   * client, whose network CA and client certificate are for our own units.
   */
  partnerFetch: typeof fetch = globalThis.fetch,
): PartnerRecords {
  const partners = () =>
    [...idp.serviceProviders.values()].filter(
      (sp): sp is ServiceProvider & { recordsUrl: string } => sp.recordsUrl !== null,
    );
  return {
    async records(deps, principal, access, personId, query, want, purpose) {
      const mine = partners().filter((sp) => sp.crossingFacilities?.includes(principal.facilityOid));
      if (mine.length === 0 || !access.visible) return { entries: [], sources: [] };
      const answers = await Promise.all(
        mine.map((sp) =>
          askPartner(
            { ...deps, fetch: partnerFetch },
            idp,
            sp,
            principal,
            access,
            personId,
            query,
            Math.min(want, MAX_WANT),
            purpose,
          ),
        ),
      );
      return {
        entries: mergeNewestFirst(
          answers.map((a) => a.entries),
          want,
        ),
        sources: answers.flatMap((a) => a.sources),
      };
    },

    async binary(deps, principal, access, personId, facilityOid, id, purpose) {
      const mine = partners().filter((sp) => sp.crossingFacilities?.includes(principal.facilityOid));
      if (mine.length === 0 || !access.visible) return null;
      const traits = await visibleTraits(deps, access, personId);
      // Our rule on top: the partner narrows its decision to the categories our matrix allows.
      const allowed = [...(await ownCategories(deps, principal))].sort();
      if (!traits?.name_kana || !traits.birth_date || allowed.length === 0) return null;
      for (const sp of mine) {
        let link: PartnerLink | undefined;
        try {
          link = await connect({ ...deps, fetch: partnerFetch }, idp, sp, principal, purpose);
          const found = await discover(link, traits);
          if (found.total !== 1 || found.id === null) continue;
          const url = new URL(
            `${link.root}/Patient/${encodeURIComponent(found.id)}/Binary/${encodeURIComponent(facilityOid)}/${encodeURIComponent(id)}`,
          );
          url.searchParams.set('_category', allowed.join(','));
          const response = await link.get(url, '*/*');
          const bytes = Buffer.from(await response.arrayBuffer());
          if (bytes.length > MAX_BINARY_BYTES)
            return { ok: false, status: 'error', message: 'the document is too large', network: sp.name };
          await auditExchange(
            deps,
            principal,
            personId,
            sp,
            'binary',
            [`${facilityOid}/Binary/${id}`],
            {
              partnerPatient: found.id,
            },
            purpose,
          );
          return {
            ok: true,
            contentType: response.headers.get('content-type') ?? 'application/octet-stream',
            bytes,
            network: sp.name,
          };
        } catch (error) {
          if (error instanceof PartnerRefused && error.status === 404) continue;
          const timedOut = link?.timeout.aborted ?? false;
          const message = timedOut
            ? `${sp.name}から${deps.settings.gatewayTimeoutMs} ms 以内に応答がありません / no answer in time`
            : `${sp.name}から文書を取得できません / the document could not be fetched from the partner`;
          await auditExchange(
            deps,
            principal,
            personId,
            sp,
            'failed',
            [`${facilityOid}/Binary/${id}`],
            {
              message,
            },
            purpose,
          );
          return { ok: false, status: timedOut ? 'timeout' : 'error', message, network: sp.name };
        }
      }
      return null;
    },
  };
}

interface BundleJson {
  resourceType?: unknown;
  total?: unknown;
  entry?: {
    resource?: unknown;
    extension?: { url?: unknown; valueString?: unknown; valueReference?: unknown }[];
  }[];
}

async function askPartner(
  deps: HubDeps,
  idp: SamlIdp,
  sp: ServiceProvider & { recordsUrl: string },
  principal: HubPrincipal,
  access: RecordsForPerson,
  personId: string,
  query: FanOutQuery,
  want: number,
  purpose: Purpose,
): Promise<FanOutResult> {
  const started = performance.now();
  const notice = (status: SourceStatus['status'], message: string, extra: Partial<SourceStatus> = {}) => ({
    entries: [],
    sources: [
      {
        facilityOid: sp.entityId,
        name: sp.name,
        localId: '',
        network: sp.name,
        status,
        ms: Math.round(performance.now() - started),
        message,
        ...extra,
      },
    ],
  });
  const traits = await visibleTraits(deps, access, personId);
  if (!traits?.name_kana || !traits.birth_date)
    return notice(
      'denied',
      '照会に必要な患者情報（カナ氏名・生年月日）がありません / no reading and birth date to ask with',
    );
  // Least privilege: the partner is asked only for categories our own rule lets this user see (and
  // the view shows); what it sends beyond that is dropped anyway (readRecords).
  const ours = await ownCategories(deps, principal);
  const asked = [...ours].filter((c) => !query.categories || query.categories.includes(c)).sort();
  if (asked.length === 0)
    return notice('denied', 'この表示の区分は閲覧が許可されていません / no category of this view is allowed');
  const link = await connect(deps, idp, sp, principal, purpose);
  const { root, timeout } = link;
  let partnerPatient: string;
  let entries: SourcedResource[] = [];
  let sources: SourceStatus[] = [];
  try {
    const found = await discover(link, traits);
    await auditExchange(deps, principal, personId, sp, 'pdq', [], { total: String(found.total) }, purpose);
    if (found.total === 0 || found.id === null)
      return notice(
        'ok',
        '該当する患者さんが見つかりません（同意がない場合を含む） / no such patient there (or not consented there)',
        { total: 0, note: 'not-found' },
      );
    if (found.total > 1)
      return notice('ok', '候補が複数あるため表示しません / several candidates there: none shown', {
        total: 0,
        note: 'ambiguous',
      });
    const id = found.id;

    partnerPatient = id;
    const everything = new URL(`${root}/Patient/${encodeURIComponent(partnerPatient)}/$everything`);
    if (query.start) everything.searchParams.set('start', query.start);
    if (query.end) everything.searchParams.set('end', query.end);
    everything.searchParams.set('_category', asked.join(','));
    if (query.resourceType) everything.searchParams.set('_type', query.resourceType);
    if (query.codes) everything.searchParams.set('code', query.codes.join(','));
    everything.searchParams.set('_count', String(want));
    const bundle = await link.json(everything);
    ({ entries, sources } = await readRecords(deps, principal, sp, bundle, query, started));
  } catch (error) {
    const ms = Math.round(performance.now() - started);
    const message =
      error instanceof PartnerRefused
        ? `${sp.name}が照会を拒否しました (${error.status}${error.reason ? `: ${error.reason}` : ''}) / the partner refused`
        : timeout.aborted
          ? `${sp.name}から${deps.settings.gatewayTimeoutMs} ms 以内に応答がありません / no answer in time`
          : `${sp.name}に接続できません / the partner network cannot be reached`;
    await auditExchange(deps, principal, personId, sp, 'failed', [], { message, ms: String(ms) }, purpose);
    return notice(timeout.aborted ? 'timeout' : 'error', message);
  }
  await auditExchange(
    deps,
    principal,
    personId,
    sp,
    'records',
    entries.map((e) => `${e.facilityOid}/${e.resource.resourceType}/${e.resource.id}`).slice(0, 200),
    { partnerPatient, received: String(entries.length) },
    purpose,
  );
  return { entries, sources };
}

/** A user's calls to one partner hub: each with a fresh XUA assertion, all within one time limit. */
interface PartnerLink {
  root: string;
  timeout: AbortSignal;
  /** The answer to a GET (refusals thrown as PartnerRefused). */
  get(url: URL, accept: string): Promise<Response>;
  json(url: URL): Promise<BundleJson>;
}

async function connect(
  deps: HubDeps,
  idp: SamlIdp,
  sp: ServiceProvider & { recordsUrl: string },
  principal: HubPrincipal,
  purpose: Purpose,
): Promise<PartnerLink> {
  // The purpose the view exercised (ETREAT under a grant): the partner's own rules still decide.
  const user = { ...(await assertedUserOf(deps, principal)), purposeOfUse: purpose };
  const root = `${sp.recordsUrl}${XC_ROOT}`;
  const timeout = AbortSignal.timeout(deps.settings.gatewayTimeoutMs);
  const get = async (url: URL, accept: string) => {
    const token = xuaToken(idp.keys, {
      issuer: idp.entityId,
      audience: sp.entityId,
      recipient: root,
      user,
      method: 'GET',
      url,
      now: deps.now(),
    });
    const response = await deps.fetch(url, {
      headers: { authorization: `Bearer ${token}`, accept },
      signal: timeout,
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as {
        issue?: { details?: { text?: string }; diagnostics?: string }[];
      } | null;
      const issue = body?.issue?.[0];
      throw new PartnerRefused(
        response.status,
        issue?.details?.text ?? issue?.diagnostics ?? '',
        issue?.diagnostics ?? '',
      );
    }
    return response;
  };
  return {
    root,
    timeout,
    get,
    async json(url) {
      const bundle = (await (await get(url, 'application/fhir+json')).json()) as BundleJson;
      if (bundle?.resourceType !== 'Bundle') throw new Error('the partner did not answer a Bundle');
      return bundle;
    },
  };
}

/** PDQm at the partner with the traits: how many it finds (at most 2 asked), and the one's id. */
async function discover(
  link: PartnerLink,
  traits: { name_kana: string | null; birth_date: string | null; sex: string | null },
): Promise<{ total: number; id: string | null }> {
  const pdq = new URL(`${link.root}/Patient`);
  pdq.searchParams.set('name', traits.name_kana ?? '');
  pdq.searchParams.set('birthdate', traits.birth_date ?? '');
  const gender = traits.sex ? GENDER_OF_SEX[traits.sex] : undefined;
  if (gender) pdq.searchParams.set('gender', gender);
  pdq.searchParams.set('_count', '2');
  const found = await link.json(pdq);
  const total = typeof found.total === 'number' ? found.total : (found.entry?.length ?? 0);
  const patient = found.entry?.[0]?.resource as
    | {
        id?: unknown;
        birthDate?: unknown;
        gender?: unknown;
        name?: { text?: unknown; extension?: { valueCode?: unknown }[] }[];
      }
    | undefined;
  if (total !== 1 || typeof patient?.id !== 'string') return { total, id: null };
  // The partner's one match must be this very identity (reading, birth date, sex), not a near one.
  const reading = patient.name?.find((n) => n.extension?.some((x) => x.valueCode === 'SYL'))?.text;
  const same =
    patient.birthDate === traits.birth_date &&
    typeof reading === 'string' &&
    kanaKey(reading) === kanaKey(traits.name_kana ?? '') &&
    (!gender || patient.gender === gender);
  return same ? { total, id: patient.id } : { total: 0, id: null };
}

class PartnerRefused extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly code = '',
  ) {
    super(`partner refused: ${status}`);
  }
}

/**
 * The partner's Bundle read back: each entry's source facility and patient from its extensions, its
 * category label, and our own rule on top — the categories this user's profession may see here and
 * the view asked for; the patient reference must be the one the entry names. What fails is dropped
 * and counted in the partner's line.
 */
async function readRecords(
  deps: HubDeps,
  principal: HubPrincipal,
  sp: ServiceProvider,
  bundle: BundleJson,
  query: FanOutQuery,
  started: number,
): Promise<{ entries: SourcedResource[]; sources: SourceStatus[] }> {
  const ours = await ownCategories(deps, principal);
  const wanted = query.categories ? new Set(query.categories) : null;
  const byFacility = new Map<string, SourceStatus>();
  const entries: SourcedResource[] = [];
  let dropped = 0;
  for (const entry of bundle.entry ?? []) {
    const resource = entry?.resource as FhirResource | undefined;
    if (!resource || typeof resource.resourceType !== 'string' || typeof resource.id !== 'string') continue;
    if (resource.resourceType === 'OperationOutcome') {
      for (const s of sourcesOf(resource, sp)) byFacility.set(s.facilityOid, s);
      continue;
    }
    const facility = entry.extension?.find((x) => x.url === SOURCE_FACILITY)?.valueReference as
      | { identifier?: { value?: unknown }; display?: unknown }
      | undefined;
    const localId = entry.extension?.find((x) => x.url === SOURCE_PATIENT)?.valueString;
    const oid =
      typeof facility?.identifier?.value === 'string'
        ? facility.identifier.value.replace(/^urn:oid:/, '')
        : '';
    const category = categoryTagOf(resource);
    const patient = patientReferenceOf(resource);
    if (
      !oid ||
      typeof localId !== 'string' ||
      category === null ||
      !ours.has(category) ||
      (wanted !== null && !wanted.has(category)) ||
      (patient !== null && patient !== `Patient/${patientResourceId(localId)}`)
    ) {
      dropped++;
      continue;
    }
    entries.push({
      facilityOid: oid,
      // The network named with the facility wherever the record is shown (every tab, print, CSV).
      facilityName: `${typeof facility?.display === 'string' ? facility.display : oid} (${sp.name})`,
      localId,
      date: careDate(resource),
      resource,
      network: sp.name,
    });
  }
  // A partner's entry claiming one of our own facilities is not the partner's to give: dropped (its
  // document link would otherwise lead to our gateway, its audit to our facility).
  const claimed = [...new Set(entries.map((e) => e.facilityOid))];
  const ownFacilities = new Set(
    claimed.length === 0
      ? []
      : (
          await deps.store.db.selectFrom('hub_facility').select('oid').where('oid', 'in', claimed).execute()
        ).map((r) => r.oid),
  );
  if (ownFacilities.size > 0) {
    const before = entries.length;
    entries.splice(0, entries.length, ...entries.filter((e) => !ownFacilities.has(e.facilityOid)));
    dropped += before - entries.length;
  }
  const ms = Math.round(performance.now() - started);
  const sources = [...byFacility.values()]
    .filter((s) => !ownFacilities.has(s.facilityOid))
    .map((s) => ({ ...s, ms }));
  if (sources.length === 0)
    sources.push({
      facilityOid: sp.entityId,
      name: sp.name,
      localId: '',
      network: sp.name,
      status: 'ok',
      ms,
      total: entries.length,
    });
  if (entries.length >= MAX_WANT && (typeof bundle.total !== 'number' || bundle.total > entries.length))
    for (const [i, s] of sources.entries()) sources[i] = { ...s, truncated: true };
  if (dropped > 0 && sources[0])
    sources[0] = {
      ...sources[0],
      message: `${dropped}件は当ネットワークの閲覧範囲外のため表示しません / ${dropped} outside what this network lets your profession see`,
      note: 'outside-rules',
      dropped,
    };
  return { entries, sources };
}

/** The categories our matrix lets this user's profession see (our rule applies to a partner's records too). */
async function ownCategories(deps: HubDeps, principal: HubPrincipal): Promise<Set<string>> {
  const viewer = await loadViewer(deps.store, principal, deps.now());
  return new Set(viewer.userActive && viewer.facilityActive && viewer.facilityViews ? viewer.categories : []);
}

/** The partner's per-facility lines, from the OperationOutcome it adds to the Bundle. */
function sourcesOf(outcome: FhirResource, sp: ServiceProvider): SourceStatus[] {
  const issues = (outcome.issue ?? []) as {
    code?: string;
    diagnostics?: string;
    details?: { coding?: { code?: string; display?: string }[]; text?: string };
    extension?: { url?: string; valueInteger?: number }[];
  }[];
  return issues.flatMap((issue) => {
    const coding = issue.details?.coding?.[0];
    if (!coding?.code) return [];
    const total = issue.extension?.find((x) => x.url === 'total')?.valueInteger;
    const status: SourceStatus['status'] =
      issue.code === 'informational'
        ? 'ok'
        : issue.code === 'timeout'
          ? 'timeout'
          : issue.code === 'forbidden'
            ? 'denied'
            : 'error';
    return [
      {
        facilityOid: coding.code.replace(/^urn:oid:/, ''),
        name: coding.display ?? coding.code,
        localId: '',
        network: sp.name,
        status,
        ms: 0,
        ...(typeof total === 'number' ? { total } : {}),
        ...(issue.diagnostics ? { message: issue.diagnostics } : {}),
      },
    ];
  });
}

async function auditExchange(
  deps: HubDeps,
  principal: HubPrincipal,
  personId: string,
  sp: ServiceProvider,
  step: 'pdq' | 'records' | 'binary' | 'failed',
  entities: string[],
  detail: Record<string, string>,
  purpose: Purpose = 'TREAT',
): Promise<void> {
  await auditHub(deps, [
    {
      type: 'partner',
      action: 'E',
      outcome: step === 'failed' ? '4' : '0',
      agent: agentOf(principal),
      patient: { personId },
      entities,
      purposeOfUse: purpose,
      detail: { partner: sp.entityId, step, ...detail },
    },
  ]);
}
