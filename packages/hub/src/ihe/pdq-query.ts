import type { Element as XmlElement } from '@xmldom/xmldom';
import { XMLSerializer } from '@xmldom/xmldom';
import { auditHub } from '../audit-record.js';
import type { HubDeps } from '../http.js';
import { type PdqQuery, type PersonSummary, searchPersons } from '../mpi/pdq.js';
import { idQuery, knownDomains, nameQuery } from './identities.js';
import { registrationSubject } from './person.js';
import {
  type AckDetail,
  acknowledgement,
  answerWrapper,
  hubOids,
  type Ii,
  iiOf,
  iiXml,
  readV3,
  trigger,
  V3,
  type V3Request,
  v3Children,
  v3Path,
} from './v3.js';
import { attr, childElements, el, text } from './xml.js';

const PARAMS = '/PRPA_IN201305UV02/controlActProcess/queryByParameter/parameterList';
const DEFAULT_PAGE = 100;
/** How long a query's further pages wait for `QUQI_IN000003UV01_Continue`. */
const CONTINUATION_MS = 10 * 60_000;
const MAX_OPEN_QUERIES = 1000;

interface OpenQuery {
  facilityOid: string;
  query: PdqQuery;
  domains: string[];
  offset: number;
  total: number;
  queryXml: string;
  queryId: Ii;
  expires: number;
}

/**
 * ITI-47 PDQ V3 for a facility's system, deny by default as ITI-45: it finds only its own facility's
 * patients (the records the facility fed), by name (kanji or kana, prefix), birth date, sex, or id, and
 * learns their regional id and its own ids — never another facility's records or demographics. Pages
 * (`initialQuantity`) continue with `QUQI_IN000003UV01_Continue` and end with `…_Cancel`; an open
 * query lives 10 minutes in this process.
 */
export class PdqSupplier {
  private readonly open = new Map<string, OpenQuery>();

  constructor(private readonly deps: HubDeps) {}

  async query(facilityOid: string, payload: XmlElement): Promise<string> {
    const request = readV3(payload);
    const query = v3Path(request.controlAct, 'queryByParameter');
    const params = v3Path(query, 'parameterList');
    const queryId = iiOf(v3Path(query, 'queryId')) ?? { root: '0', extension: null };
    const queryXml = query ? new XMLSerializer().serializeToString(query) : '';
    const error = (detail: AckDetail) =>
      this.answer(request, queryId, queryXml, 'AE', 'AE', [], 0, 0, [detail]);
    const known = await knownDomains(this.deps);
    const domains = v3Children(params, 'otherIDsScopingOrganization').map(
      (o) => attr(v3Path(o, 'value'), 'root') ?? '',
    );
    const unknown = domains.findIndex((d) => !known.has(d));
    if (unknown >= 0) {
      return error({
        code: '204',
        text: `unknown domain ${domains[unknown]}`,
        location: `${PARAMS}/otherIDsScopingOrganization[${unknown + 1}]/value`,
      });
    }
    const parsed = pdqQueryOf(params, facilityOid, this.deps.settings);
    if ('error' in parsed) return error(parsed.error);
    if (Object.keys(parsed).length === 0) {
      return error({
        code: '101',
        text: 'give at least a name, a birth date, a sex or an id',
        location: PARAMS,
      });
    }
    const size = Number(attr(v3Path(query, 'initialQuantity'), 'value') ?? DEFAULT_PAGE);
    const pageSize = Number.isInteger(size) && size > 0 ? Math.min(size, DEFAULT_PAGE) : DEFAULT_PAGE;
    const open: OpenQuery = {
      facilityOid,
      query: parsed,
      domains,
      offset: 0,
      total: 0,
      queryXml,
      queryId,
      expires: Date.now() + CONTINUATION_MS,
    };
    return this.page(request, open, pageSize);
  }

  /** `QUQI_IN000003UV01` with action `…_Continue` (the next page) or `…_Cancel` (MCCI AA). */
  async continuation(facilityOid: string, payload: XmlElement, cancel: boolean): Promise<string> {
    const request = readV3(payload);
    const continuation = v3Path(request.controlAct, 'queryContinuation');
    const queryId = iiOf(v3Path(continuation, 'queryId')) ?? { root: '0', extension: null };
    const key = keyOf(facilityOid, queryId);
    const open = this.open.get(key);
    const status = attr(v3Path(continuation, 'statusCode'), 'code');
    if (cancel || status === 'aborted') {
      this.open.delete(key);
      return el(
        'MCCI_IN000002UV01',
        { xmlns: V3, ITSVersion: 'XML_1.0' },
        answerWrapper('MCCI_IN000002UV01', request, this.deps.settings, this.deps.now()),
        acknowledgement('AA', request),
      );
    }
    if (!open || open.expires < Date.now()) {
      this.open.delete(key);
      return this.answer(request, queryId, '', 'AE', 'AE', [], 0, 0, [
        {
          code: '204',
          text: 'no such open query (it ended, was cancelled, or waited over 10 minutes)',
          location: '/QUQI_IN000003UV01/controlActProcess/queryContinuation/queryId',
        },
      ]);
    }
    const size = Number(attr(v3Path(continuation, 'continuationQuantity'), 'value') ?? DEFAULT_PAGE);
    return this.page(
      request,
      open,
      Number.isInteger(size) && size > 0 ? Math.min(size, DEFAULT_PAGE) : DEFAULT_PAGE,
    );
  }

  private async page(request: V3Request, open: OpenQuery, pageSize: number): Promise<string> {
    const regional = hubOids(this.deps.settings).regionalId;
    const own = open.facilityOid;
    const result = await searchPersons(this.deps.store, open.query, {
      // Only the caller's own records match, and only they are shown.
      recordFilter: (eb) => eb('mpi_record.facility_oid', '=', own),
      limit: pageSize,
      offset: open.offset,
    });
    const hits = result.persons.map((p) => ({ person: p, ids: idsOf(p, own, regional, open.domains) }));
    open.offset += result.persons.length;
    open.total = result.total;
    const key = keyOf(own, open.queryId);
    const remaining = Math.max(0, result.total - open.offset);
    if (remaining > 0) {
      if (this.open.size >= MAX_OPEN_QUERIES) this.sweep();
      open.expires = Date.now() + CONTINUATION_MS;
      this.open.set(key, open);
    } else this.open.delete(key);
    await auditHub(this.deps, [
      {
        type: 'mpi',
        action: 'E',
        outcome: '0',
        agent: { userId: `ihe:${own}`, facilityOid: own },
        entities: result.persons.map((p) => p.personId),
        detail: { operation: 'ITI-47', query: JSON.stringify(open.query), total: String(result.total) },
      },
    ]);
    return this.answer(
      request,
      open.queryId,
      open.queryXml,
      'AA',
      result.total > 0 ? 'OK' : 'NF',
      hits,
      result.total,
      remaining,
    );
  }

  private answer(
    request: V3Request,
    queryId: Ii,
    queryXml: string,
    type: 'AA' | 'AE',
    code: 'OK' | 'NF' | 'AE',
    hits: { person: PersonSummary; ids: Ii[] }[],
    total: number,
    remaining: number,
    details: AckDetail[] = [],
  ): string {
    return el(
      'PRPA_IN201306UV02',
      { xmlns: V3, ITSVersion: 'XML_1.0' },
      answerWrapper('PRPA_IN201306UV02', request, this.deps.settings, this.deps.now()),
      acknowledgement(type, request, details),
      el(
        'controlActProcess',
        { classCode: 'CACT', moodCode: 'EVN' },
        trigger('PRPA_TE201306UV02'),
        ...hits.map((h) => registrationSubject(h.ids, h.person, 100)),
        el(
          'queryAck',
          {},
          iiXml('queryId', queryId),
          el('statusCode', { code: 'deliveredResponse' }),
          el('queryResponseCode', { code }),
          el('resultTotalQuantity', { value: total }),
          el('resultCurrentQuantity', { value: hits.length }),
          el('resultRemainingQuantity', { value: remaining }),
        ),
        queryXml,
      ),
    );
  }

  private sweep() {
    const now = Date.now();
    for (const [key, open] of this.open) if (open.expires < now) this.open.delete(key);
    while (this.open.size >= MAX_OPEN_QUERIES) {
      const oldest = this.open.keys().next().value;
      if (oldest === undefined) break;
      this.open.delete(oldest);
    }
  }
}

const keyOf = (facilityOid: string, queryId: Ii) =>
  `${facilityOid}\u0000${queryId.root}\u0000${queryId.extension ?? ''}`;

function idsOf(person: PersonSummary, own: string, regional: string, domains: string[]): Ii[] {
  const all: Ii[] = [
    { root: regional, extension: person.personId },
    ...person.records.filter((r) => r.facilityOid === own).map((r) => ({ root: own, extension: r.localId })),
  ];
  return domains.length === 0 ? all : all.filter((ii) => domains.includes(ii.root));
}

/** The PDQ parameters as the index's query; an id outside the caller's and the regional domain is an error. */
function pdqQueryOf(
  params: XmlElement | null,
  facilityOid: string,
  settings: HubDeps['settings'],
): PdqQuery | { error: AckDetail } {
  const query: PdqQuery = {};
  const name = v3Path(params, 'livingSubjectName', 'value');
  if (name) {
    const parts = (local: string) =>
      childElements(name)
        .filter((c) => c.namespaceURI === V3 && c.localName === local)
        .map((c) => text(c) ?? '')
        .filter((v) => v !== '');
    Object.assign(
      query,
      nameQuery(parts('family')[0] ?? '', parts('given')[0] ?? '', (attr(name, 'use') ?? '').split(/\s+/)),
    );
  }
  const birth = attr(v3Path(params, 'livingSubjectBirthTime', 'value'), 'value') ?? '';
  if (birth) {
    if (!/^\d{8}$/.test(birth.slice(0, 8))) {
      return {
        error: {
          code: '102',
          text: 'birth time: YYYYMMDD',
          location: `${PARAMS}/livingSubjectBirthTime/value`,
        },
      };
    }
    query.birthDate = `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`;
  }
  const sex = attr(v3Path(params, 'livingSubjectAdministrativeGender', 'value'), 'code');
  if (sex === 'M' || sex === 'F') query.sex = sex;
  else if (sex === 'UN') query.sex = 'U';
  const id = iiOf(v3Path(params, 'livingSubjectId', 'value'));
  if (id) {
    const byId = idQuery(settings, facilityOid, id);
    if (!byId) {
      return {
        error: {
          code: '204',
          text: "ids of this system's facility or the regional id only",
          location: `${PARAMS}/livingSubjectId/value`,
        },
      };
    }
    Object.assign(query, byId);
  }
  return query;
}
