import { categoryTagOf, pathBelowRoot, patientReferenceOf } from '@hie/contract';
import { patientResourceId } from '@hie/fhir-jp';
import { contractHeaders, operationOf, peerContract, signAssertion } from '@hie/platform';
import { agentOf, auditHub } from '../audit-record.js';
import type { HubDeps, HubPrincipal } from '../http.js';
import { fetchPinsTls, type PinnedRequestInit } from './lean-fetch.js';
import {
  careDate,
  type FhirResource,
  type MergeStream,
  mergeStreams,
  type SourcedResource,
} from './merge.js';

/**
 * One record the hub may read at one gateway: what the policy decided for one (facility, local id).
 * policy/records.ts's VisibleRecord has this shape.
 */
export interface GatewaySource {
  facilityOid: string;
  facilityName: string;
  localId: string;
  /** The gateway's base URL (with or without `/fhir`); null = the facility runs no gateway. */
  gatewayUrl: string | null;
  /** The gateway's pinned TLS key (`sha256/…`); the connection is refused if it presents another. */
  gatewayTlsPin?: string;
  /** The categories the policy allows for this record. */
  categories: readonly string[];
}

/** Purposes of use the hub sends: treatment, or emergency treatment under a break-the-glass grant. */
export type ViewPurpose = 'TREAT' | 'ETREAT';

/** How one gateway answered a fan-out. A source that fails is reported here, never thrown. */
export interface SourceStatus {
  facilityOid: string;
  name: string;
  localId: string;
  /** ok; timeout (no answer within settings.gatewayTimeoutMs); error (refused, unreachable, bad answer); denied (not asked). */
  status: 'ok' | 'timeout' | 'error' | 'denied';
  ms: number;
  message?: string;
  /** Resources the gateway holds for this query (its Bundle.total). */
  total?: number;
  /** True when the page cap stopped the paging before `total` was reached. */
  truncated?: boolean;
  /** A partner network's facility (records into our timeline): the network's name. */
  network?: string;
  /**
   * Why a partner that answered shows nothing (or less) here: the patient not found there (or not
   * consented there), several candidates (none shown), or records outside our own profession rule.
   */
  note?: 'not-found' | 'ambiguous' | 'outside-rules';
  /** Records the partner sent that our own rule kept from the screen. */
  dropped?: number;
}

export interface FanOutQuery {
  /**
   * Narrows what is asked for: the assertion carries the policy's categories ∩ these (least
   * privilege — the gateway is never told it may disclose more than this view shows).
   */
  categories?: readonly string[];
  /** Inclusive dates YYYY[-MM[-DD]] ($everything start/end, or search `date=ge…&date=le…`). */
  start?: string;
  end?: string;
  /**
   * One FHIR resource type: the gateway's search (`/fhir/{type}?patient=…`) instead of `$everything`,
   * so only that type is read, serialised and parsed. Same order (newest first) either way.
   */
  resourceType?: string;
  /** Codes (the gateway's indexed code, e.g. JLAC10), comma = or; only with `resourceType`. */
  codes?: readonly string[];
}

export interface FanOutResult {
  /** All resources, newest first, tagged with their facility. */
  entries: SourcedResource[];
  sources: SourceStatus[];
}

export interface FanOutOptions {
  /**
   * Newest resources wanted from each source (a merged page [offset, offset + limit) needs at most
   * offset + limit from each). Paging stops there (then `truncated`). Default and cap: MAX_PER_SOURCE.
   */
  perSource?: number;
  /** Resources per gateway page (the gateway's maximum is 200). */
  pageSize?: number;
  /** Merge only this many newest entries (the rest is not needed for the page). */
  mergeLimit?: number;
  /**
   * Upper bound of `perSource` (default MAX_PER_SOURCE). Only for views the hub condenses before
   * answering (the lab summary): a list answered resource by resource keeps the default cap.
   */
  capPerSource?: number;
}

const PIN_UNCHECKED =
  'ゲートウェイのTLS鍵を確認できないため接続しません / the gateway’s TLS key is pinned and this client cannot check it';

/** The request option that makes leanFetch check the gateway's pinned key. */
const pinOf = (source: GatewaySource) => (source.gatewayTlsPin ? { tlsPin: source.gatewayTlsPin } : {});

/** Most resources taken from one gateway for one view. */
export const MAX_PER_SOURCE = 1000;
const GATEWAY_MAX_PAGE = 200;
const MAX_MESSAGE = 300;

/** `<base>/fhir`, whether the directory holds the server root or the FHIR root. */
export function fhirRoot(gatewayUrl: string): string {
  const base = gatewayUrl.replace(/\/+$/, '');
  return base.endsWith('/fhir') ? base : `${base}/fhir`;
}

/**
 * A fresh assertion (its own nonce) for one request to one gateway about one local patient, bound to
 * that request (`url`, below the source's FHIR root): the gateway refuses it on any other.
 */
export function assertionFor(
  deps: HubDeps,
  principal: HubPrincipal,
  source: GatewaySource & { gatewayUrl: string },
  purpose: ViewPurpose,
  categories: readonly string[],
  url: URL,
): Promise<string> {
  const root = new URL(fhirRoot(source.gatewayUrl)).pathname;
  const now = Math.floor(deps.now().getTime() / 1000);
  return signAssertion(
    deps.signingKey,
    {
      issuer: deps.settings.issuer,
      audience: source.facilityOid,
      userId: principal.userId,
      profession: principal.profession,
      facilityOid: principal.facilityOid,
      patientId: source.localId,
      purposeOfUse: purpose,
      categories: [...categories],
      operation: operationOf('GET', pathBelowRoot(url.pathname, root) ?? url.pathname, url.search),
      subjectName: principal.name,
    },
    { now },
  );
}

/** The policy's categories narrowed by the view's, sorted (empty = nothing to ask). */
export function askedCategories(source: GatewaySource, wanted?: readonly string[]): string[] {
  const allowed = wanted ? source.categories.filter((c) => wanted.includes(c)) : [...source.categories];
  return [...new Set(allowed)].sort();
}

/**
 * Asks every source's gateway for the patient's timeline ($everything), in parallel, each with its
 * own time limit (settings.gatewayTimeoutMs of waiting, for all its pages together), and merges the
 * answers newest first. One slow or failing gateway is reported in `sources`; it never fails the whole answer.
 *
 * With `mergeLimit` (a page of the merged list), each gateway is first asked for about twice its share
 * of the page; a gateway whose answers run out during the merge while it holds more is asked for the
 * rest. The merge stays exact, and the hub fetches and parses a fraction of `sources × limit`.
 */
export async function queryGateways(
  deps: HubDeps,
  principal: HubPrincipal,
  sources: readonly GatewaySource[],
  purpose: ViewPurpose,
  query: FanOutQuery = {},
  options: FanOutOptions = {},
): Promise<FanOutResult> {
  if (query.codes !== undefined && query.resourceType === undefined) {
    // $everything has no code filter: answering every code would show more than was asked for.
    throw new Error('a code filter needs a resource type');
  }
  const cap = options.capPerSource ?? MAX_PER_SOURCE;
  const perSource = Math.max(1, Math.min(options.perSource ?? cap, cap));
  const limit = options.mergeLimit;
  const first =
    limit === undefined
      ? perSource
      : Math.min(perSource, Math.max(MIN_FIRST_ASK, Math.ceil((2 * limit) / Math.max(1, sources.length))));
  const cursors = sources.map(
    (source) => new SourceCursor(deps, principal, source, purpose, query, perSource, options.pageSize),
  );
  await Promise.all(cursors.map((cursor) => cursor.fetch(first)));
  const entries = await mergeStreams(cursors, limit);
  return { entries, sources: cursors.map((cursor) => cursor.status()) };
}

/** Fewest resources asked of one gateway in a first round. */
const MIN_FIRST_ASK = 10;
const TIMEOUT_MESSAGE = (ms: number) => `${ms} ms 以内に応答がありません / no answer within ${ms} ms`;

/** One gateway's answers so far, and how to get more of them. */
class SourceCursor implements MergeStream {
  readonly entries: SourcedResource[] = [];
  /** Time this gateway has kept us waiting so far (its budget is settings.gatewayTimeoutMs). */
  private waitedMs = 0;
  private readonly categories: string[];
  private readonly base: string | undefined;
  private readonly gatewayUrl: string;
  private url: string | undefined;
  private total: number | undefined;
  private failure: { status: 'timeout' | 'error' | 'denied'; message: string } | undefined;
  private ms = 0;

  constructor(
    private readonly deps: HubDeps,
    private readonly principal: HubPrincipal,
    private readonly source: GatewaySource,
    private readonly purpose: ViewPurpose,
    query: FanOutQuery,
    private readonly perSource: number,
    private readonly pageSize = GATEWAY_MAX_PAGE,
  ) {
    this.categories = askedCategories(source, query.categories);
    this.gatewayUrl = source.gatewayUrl ?? '';
    if (this.categories.length === 0) {
      this.failure = {
        status: 'denied',
        message: 'この表示の区分は閲覧が許可されていません / no category of this view is allowed',
      };
    } else if (!source.gatewayUrl) {
      this.failure = {
        status: 'error',
        message: 'ゲートウェイ未登録 / the facility has no gateway registered',
      };
    } else if (source.gatewayTlsPin && !fetchPinsTls(deps.fetch)) {
      this.failure = { status: 'error', message: PIN_UNCHECKED };
    } else if (query.resourceType !== undefined) {
      // A known type: the gateway's search, narrowed by code and date there (its index), not here.
      this.base = `${fhirRoot(source.gatewayUrl)}/${encodeURIComponent(query.resourceType)}`;
      const params = new URLSearchParams();
      params.set('patient', `Patient/${patientResourceId(source.localId)}`);
      if (query.codes && query.codes.length > 0) params.set('code', query.codes.join(','));
      if (query.start) params.append('date', `ge${query.start}`);
      if (query.end) params.append('date', `le${query.end}`);
      this.url = `${this.base}?${params}`;
    } else {
      this.base = `${fhirRoot(source.gatewayUrl)}/Patient/${encodeURIComponent(patientResourceId(source.localId))}/$everything`;
      const params = new URLSearchParams();
      if (query.start) params.set('start', query.start);
      if (query.end) params.set('end', query.end);
      this.url = `${this.base}?${params}`;
    }
  }

  hasMore(): boolean {
    return this.failure === undefined && this.url !== undefined && this.entries.length < this.perSource;
  }

  /** Fetches up to `count` more resources (pages of ≤ 200), following the gateway's `next` links. */
  async fetch(count: number): Promise<void> {
    const want = Math.min(this.perSource, this.entries.length + count);
    const budget = this.deps.settings.gatewayTimeoutMs;
    const started = performance.now();
    // The clock runs only while this gateway is being waited for: a later page asked after another,
    // slower gateway answered still has what is left of its own time.
    const timeout = AbortSignal.timeout(Math.max(1, Math.ceil(budget - this.waitedMs)));
    try {
      while (this.hasMore() && this.entries.length < want && this.url && this.base) {
        const url = new URL(this.url);
        url.searchParams.set(
          '_count',
          String(Math.min(want - this.entries.length, this.pageSize, GATEWAY_MAX_PAGE)),
        );
        const token = await assertionFor(
          this.deps,
          this.principal,
          { ...this.source, gatewayUrl: this.gatewayUrl },
          this.purpose,
          this.categories,
          url,
        );
        const response = await this.deps.fetch(url, {
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/fhir+json',
            ...contractHeaders(),
          },
          signal: timeout,
          ...pinOf(this.source),
        } as PinnedRequestInit);
        const contract = peerContract(response.headers);
        if (!contract.ok) {
          // Read to the end (an error path): a cancelled body can leave the connection half-used.
          await response.arrayBuffer().catch(() => undefined);
          this.failure = { status: 'error', message: contract.message };
          break;
        }
        if (!response.ok) {
          this.failure = { status: 'error', message: await refusalOf(response) };
          break;
        }
        const bundle = (await response.json()) as BundleJson;
        if (bundle?.resourceType !== 'Bundle' || !Array.isArray(bundle.entry ?? [])) {
          this.failure = { status: 'error', message: 'the gateway did not answer a Bundle' };
          break;
        }
        this.total ??= typeof bundle.total === 'number' ? bundle.total : undefined;
        for (const entry of bundle.entry ?? []) {
          const resource = entry?.resource;
          if (this.entries.length >= this.perSource || !isResource(resource)) continue;
          // Defence in depth: only what was asked for — its categories, this patient — is passed on.
          const outside = this.outsideRequest(resource);
          if (outside) {
            this.dropped.push(`${resource.resourceType}/${resource.id}: ${outside}`);
            continue;
          }
          this.entries.push({
            facilityOid: this.source.facilityOid,
            facilityName: this.source.facilityName,
            localId: this.source.localId,
            date: careDate(resource),
            resource,
          });
        }
        this.url = nextPage(bundle, this.base);
      }
    } catch (error) {
      this.failure = timeout.aborted
        ? { status: 'timeout', message: TIMEOUT_MESSAGE(budget) }
        : { status: 'error', message: describe(error) };
    }
    this.waitedMs += performance.now() - started;
    this.ms = Math.round(this.waitedMs);
    await this.reportDropped();
  }

  /** Resources the gateway returned outside the request, dropped and not yet audited. */
  private readonly dropped: string[] = [];
  private droppedTotal = 0;

  /** Why a resource is outside this request (another category or patient, or unlabelled), else null. */
  private outsideRequest(resource: { resourceType: string; id: string }): string | null {
    const category = categoryTagOf(resource);
    if (category === null) return 'no category label';
    if (!this.categories.includes(category)) return `category ${category} was not asked for`;
    const patient = patientReferenceOf(resource);
    if (patient === null) return resource.resourceType === 'Binary' ? null : 'names no patient';
    return patient === `Patient/${patientResourceId(this.source.localId)}`
      ? null
      : `another patient (${patient})`;
  }

  /** Audits what was dropped and marks the gateway as misbehaving in its status. */
  private async reportDropped(): Promise<void> {
    if (this.dropped.length === 0) return;
    const dropped = this.dropped.splice(0);
    this.droppedTotal += dropped.length;
    this.failure ??= {
      status: 'error',
      message: `ゲートウェイが要求外のデータを返したため破棄しました / the gateway answered outside the request: ${this.droppedTotal} resource(s) dropped`,
    };
    await auditHub(this.deps, [
      {
        type: 'gateway-misbehaviour',
        action: 'R',
        outcome: '8',
        outcomeDescription: dropped[0] ?? 'outside the request',
        agent: agentOf(this.principal),
        entities: dropped.slice(0, 100),
        detail: { gateway: this.source.facilityOid, dropped: String(dropped.length) },
      },
    ]).catch(() => undefined);
  }

  more(count: number): Promise<void> {
    return this.fetch(count);
  }

  status(): SourceStatus {
    const head = {
      facilityOid: this.source.facilityOid,
      name: this.source.facilityName,
      localId: this.source.localId,
      ms: this.ms,
    };
    if (this.failure) {
      const partial = this.entries.length > 0 ? ` (${this.entries.length} shown before it failed)` : '';
      return { ...head, status: this.failure.status, message: `${this.failure.message}${partial}` };
    }
    return {
      ...head,
      status: 'ok',
      ...(this.total !== undefined ? { total: this.total } : {}),
      // Paging stopped at the per-source cap, not at the page the caller needs.
      ...(this.url !== undefined && this.entries.length >= this.perSource ? { truncated: true } : {}),
    };
  }
}

interface BundleJson {
  resourceType?: unknown;
  total?: unknown;
  link?: { relation?: unknown; url?: unknown }[];
  entry?: { resource?: unknown }[];
}

const isResource = (value: unknown): value is FhirResource =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as FhirResource).resourceType === 'string' &&
  typeof (value as FhirResource).id === 'string';

/**
 * The `next` link's query applied to the URL we called: the token goes only to the gateway the
 * directory names, whatever host the gateway writes into its links.
 */
function nextPage(bundle: BundleJson, base: string): string | undefined {
  const next = bundle.link?.find((l) => l.relation === 'next')?.url;
  if (typeof next !== 'string') return undefined;
  try {
    return `${base}${new URL(next).search}`;
  } catch {
    return undefined;
  }
}

/** The gateway's OperationOutcome (code and text), or the HTTP status. */
export async function refusalOf(response: Response): Promise<string> {
  let detail = '';
  try {
    const outcome = (await response.json()) as {
      issue?: { details?: { coding?: { code?: string }[]; text?: string }; diagnostics?: string }[];
    };
    const issue = outcome.issue?.[0];
    const code = issue?.details?.coding?.[0]?.code;
    const text = issue?.diagnostics ?? issue?.details?.text;
    detail = [code, text].filter(Boolean).join(': ');
  } catch {
    // Not JSON: the status says enough.
  }
  return `HTTP ${response.status}${detail ? ` ${detail}` : ''}`.slice(0, MAX_MESSAGE);
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const message =
    cause?.code === 'ERR_TLS_PIN_MISMATCH'
      ? `${cause.code}: ${cause.message}`
      : (cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)));
  return `接続できません / unreachable: ${message}`.slice(0, MAX_MESSAGE);
}

/** A document's bytes from its gateway, or why not. */
export type BinaryAnswer =
  | { ok: true; contentType: string; bytes: Buffer }
  | { ok: false; status: 'not-found' | 'timeout' | 'error'; message: string };

/** Largest document the hub passes through (bytes). */
export const MAX_BINARY_BYTES = 50 * 1024 * 1024;

/**
 * GET /fhir/Binary/{id} at the source's gateway (raw bytes), under the same assertion rules and the
 * same time limit as a fan-out. The gateway's 404 — unknown or not visible to this assertion — stays a 404.
 */
export async function fetchBinary(
  deps: HubDeps,
  principal: HubPrincipal,
  source: GatewaySource,
  purpose: ViewPurpose,
  id: string,
): Promise<BinaryAnswer> {
  const categories = askedCategories(source);
  if (!source.gatewayUrl || categories.length === 0) {
    return { ok: false, status: 'not-found', message: 'not available' };
  }
  if (source.gatewayTlsPin && !fetchPinsTls(deps.fetch)) {
    return { ok: false, status: 'error', message: PIN_UNCHECKED };
  }
  const timeout = AbortSignal.timeout(deps.settings.gatewayTimeoutMs);
  try {
    const url = new URL(`${fhirRoot(source.gatewayUrl)}/Binary/${encodeURIComponent(id)}`);
    const token = await assertionFor(
      deps,
      principal,
      { ...source, gatewayUrl: source.gatewayUrl },
      purpose,
      categories,
      url,
    );
    const response = await deps.fetch(url, {
      headers: { authorization: `Bearer ${token}`, accept: '*/*', ...contractHeaders() },
      signal: timeout,
      ...pinOf(source),
    } as PinnedRequestInit);
    const contract = peerContract(response.headers);
    if (!contract.ok) {
      await response.arrayBuffer().catch(() => undefined);
      return { ok: false, status: 'error', message: contract.message };
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return { ok: false, status: 'not-found', message: 'not available' };
    }
    if (!response.ok) return { ok: false, status: 'error', message: await refusalOf(response) };
    const length = Number(response.headers.get('content-length') ?? '0');
    if (length > MAX_BINARY_BYTES) {
      await response.body?.cancel();
      return { ok: false, status: 'error', message: `the document is larger than ${MAX_BINARY_BYTES} bytes` };
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > MAX_BINARY_BYTES) {
      return { ok: false, status: 'error', message: `the document is larger than ${MAX_BINARY_BYTES} bytes` };
    }
    return {
      ok: true,
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      bytes,
    };
  } catch (error) {
    if (timeout.aborted) {
      return {
        ok: false,
        status: 'timeout',
        message: `no answer within ${deps.settings.gatewayTimeoutMs} ms`,
      };
    }
    return { ok: false, status: 'error', message: describe(error) };
  }
}

/** The gateway's DICOMweb root: beside its FHIR root (`<server>/dicomweb`). */
export function dicomwebRoot(gatewayUrl: string): string {
  return `${fhirRoot(gatewayUrl).replace(/\/fhir$/, '')}/dicomweb`;
}

/** A DICOMweb answer from a gateway, its body not read yet (the caller streams it), or why not. */
export type DicomwebAnswer =
  | { ok: true; response: Response }
  | {
      ok: false;
      status: 'not-found' | 'timeout' | 'error' | 'refused';
      httpStatus?: number;
      message: string;
    };

/**
 * GET `<gateway>/dicomweb/<path>` for one patient's images, with an assertion for the imaging
 * categories the policy grants, bound to this exact request (path below the server root, query).
 * The time limit covers the gateway's first answer; the body then streams as it comes.
 */
export async function openDicomweb(
  deps: HubDeps,
  principal: HubPrincipal,
  source: GatewaySource,
  purpose: ViewPurpose,
  path: string,
  search: string,
  accept: string,
): Promise<DicomwebAnswer> {
  const categories = askedCategories(source, ['radiology', 'endoscopy']);
  if (!source.gatewayUrl || categories.length === 0)
    return { ok: false, status: 'not-found', message: 'not available' };
  if (source.gatewayTlsPin && !fetchPinsTls(deps.fetch))
    return { ok: false, status: 'error', message: PIN_UNCHECKED };
  const url = new URL(`${dicomwebRoot(source.gatewayUrl)}/${path}${search}`);
  const server = new URL(dicomwebRoot(source.gatewayUrl)).pathname.replace(/\/dicomweb$/, '');
  const now = Math.floor(deps.now().getTime() / 1000);
  const token = await signAssertion(
    deps.signingKey,
    {
      issuer: deps.settings.issuer,
      audience: source.facilityOid,
      userId: principal.userId,
      profession: principal.profession,
      facilityOid: principal.facilityOid,
      patientId: source.localId,
      purposeOfUse: purpose,
      categories,
      // Below the gateway's server root (`/dicomweb/…`), as the gateway sees the path.
      operation: operationOf('GET', pathBelowRoot(url.pathname, server || '/') ?? url.pathname, url.search),
    },
    { now },
  );
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deps.settings.gatewayTimeoutMs);
  try {
    const response = await deps.fetch(url, {
      headers: { authorization: `Bearer ${token}`, accept, ...contractHeaders() },
      signal: controller.signal,
      ...pinOf(source),
    } as PinnedRequestInit);
    clearTimeout(timer);
    const contract = peerContract(response.headers);
    if (!contract.ok) {
      await response.body?.cancel();
      return { ok: false, status: 'error', message: contract.message };
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return { ok: false, status: 'not-found', message: 'not available' };
    }
    if (!response.ok)
      return {
        ok: false,
        status: response.status < 500 ? 'refused' : 'error',
        httpStatus: response.status,
        message: await refusalOf(response),
      };
    return { ok: true, response };
  } catch (error) {
    clearTimeout(timer);
    if (controller.signal.aborted)
      return {
        ok: false,
        status: 'timeout',
        message: `no answer within ${deps.settings.gatewayTimeoutMs} ms`,
      };
    return { ok: false, status: 'error', message: describe(error) };
  }
}
