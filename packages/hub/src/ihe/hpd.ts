import { createHash } from 'node:crypto';
import { PROFESSIONS, type Profession } from '@hie/contract';
import type { Element as XmlElement } from '@xmldom/xmldom';
import { auditHub } from '../audit-record.js';
import type { HubDeps } from '../http.js';
import { attr, childElements, el, t, text } from './xml.js';

/**
 * HPD Provider Information Query (ITI-58): the network's directory as an LDAP tree, asked in DSMLv2.
 * Base `dc=HPD` with `ou=HCRegulatedOrganization` (facilities: uid = facility OID,
 * hcIdentifier `MHLW:InstitutionCode:<10-digit code>:<status>` and `OID:Facility:<oid>:<status>`),
 * `ou=HCProfessional` (users: uid = user id, cn/sn/givenName in kanji and kana, hcProfession
 * `HPKI:1.2.392.100495.1.6.1.1:<hcRole>:<label>` for licensed professions), and `ou=Relationship`
 * (groupOfNames: owner = a facility, member = its staff). Filters: and, or, not, equalityMatch,
 * substrings, present, greaterOrEqual, lessOrEqual, approxMatch; attribute names and values compared
 * case-insensitively (caseIgnoreMatch). No contact data of persons (mail, phone) is published.
 */
export const DSML = 'urn:oasis:names:tc:DSML:2:0:core';
const SIZE_LIMIT = 1000;
/** The directory's root: `dc=HPD`, as IHE's examples and IPF (which refuses DNs outside it). */
export const BASE_DN = 'dc=HPD';

export interface Entry {
  dn: string;
  attrs: Map<string, string[]>;
  /** Values as filters compare them, filled in as filters ask (a cached directory keeps them). */
  lowered?: Map<string, string[]>;
}

const lower = (s: string) => s.normalize('NFKC').toLowerCase();
const normalizeDn = (dn: string) =>
  dn
    .split(',')
    .map((rdn) => rdn.trim().replace(/\s*=\s*/, '='))
    .join(',')
    .toLowerCase();

function entry(dn: string, attrs: Record<string, Array<string | null | undefined>>): Entry {
  const map = new Map<string, string[]>();
  for (const [name, values] of Object.entries(attrs)) {
    const kept = values.filter((v): v is string => typeof v === 'string' && v !== '');
    if (kept.length > 0) map.set(name, kept);
  }
  return { dn, attrs: map };
}

const splitName = (name: string | null) => {
  const [family, ...given] = (name ?? '').split(/[\s\u3000]+/);
  return { family: family ?? '', given: given.join(' ') };
};

const cache = new WeakMap<object, { version: string; entries: Entry[] }>();

/** The directory as entries, kept in memory while the directory is unchanged. */
export async function cachedDirectory(deps: HubDeps, base: string): Promise<Entry[]> {
  return (await versionedDirectory(deps, base)).entries;
}

/**
 * The directory with its version: the SHA-256 of the rows it is made of, read on every call (~10 ms at
 * prefecture scale) — exact, whatever changed them and however fast; building the entries again (the
 * most of a search's time) happens only when it moved. The ITI-59 push skips a system that has it.
 */
export async function versionedDirectory(
  deps: HubDeps,
  base: string,
): Promise<{ version: string; entries: Entry[] }> {
  const rows = await directoryRows(deps);
  const version = createHash('sha256').update(base).update(JSON.stringify(rows)).digest('base64url');
  const hit = cache.get(deps.store);
  if (hit?.version === version) return hit;
  const fresh = { version, entries: entriesOf(rows, base) };
  cache.set(deps.store, fresh);
  return fresh;
}

/** The directory as entries (a few thousand at prefecture scale: filtered in memory). */
export async function directory(deps: HubDeps, base: string): Promise<Entry[]> {
  return entriesOf(await directoryRows(deps), base);
}

type DirectoryRows = Awaited<ReturnType<typeof directoryRows>>;

async function directoryRows(deps: HubDeps) {
  const db = deps.store.db;
  return {
    facilities: await db.selectFrom('hub_facility').selectAll().orderBy('oid').execute(),
    users: await db.selectFrom('hub_user').selectAll().orderBy('id').execute(),
    memberships: await db
      .selectFrom('hub_membership')
      .select(['user_id', 'facility_oid'])
      .orderBy('facility_oid')
      .orderBy('user_id')
      .execute(),
  };
}

function entriesOf({ facilities, users, memberships }: DirectoryRows, base: string): Entry[] {
  // Grouped once: a filter per facility and per user was 11 M comparisons at prefecture scale.
  const staffOf = groupBy(
    memberships,
    (m) => m.facility_oid,
    (m) => m.user_id,
  );
  const facilitiesOf = groupBy(
    memberships,
    (m) => m.user_id,
    (m) => m.facility_oid,
  );
  const orgDn = (oid: string) => `uid=${oid},ou=HCRegulatedOrganization,${base}`;
  const userDn = (id: string) => `uid=${id},ou=HCProfessional,${base}`;
  const entries: Entry[] = [
    entry(base, { objectClass: ['top', 'dcObject'], dc: ['HPD'] }),
    ...['HCRegulatedOrganization', 'HCProfessional', 'Relationship'].map((ou) =>
      entry(`ou=${ou},${base}`, { objectClass: ['top', 'organizationalUnit'], ou: [ou] }),
    ),
  ];
  for (const f of facilities) {
    entries.push(
      entry(orgDn(f.oid), {
        objectClass: ['top', 'organization', 'HCRegulatedOrganization', 'HPDProvider'],
        uid: [f.oid],
        o: [f.name, f.name_kana],
        hcRegisteredName: [f.name],
        hcIdentifier: [
          f.code ? `MHLW:InstitutionCode:${f.code}:${f.status}` : null,
          `OID:Facility:${f.oid}:${f.status}`,
        ],
        hcOrganizationType: [f.type],
        hpdProviderStatus: [f.status === 'active' ? 'Active' : 'Inactive'],
        hcRegisteredAddr: [f.address],
        postalAddress: [f.address],
        st: [f.prefecture],
      }),
    );
    const staff = (staffOf.get(f.oid) ?? []).map(userDn);
    entries.push(
      entry(`cn=${f.oid},ou=Relationship,${base}`, {
        objectClass: ['top', 'groupOfNames'],
        cn: [f.oid],
        owner: [orgDn(f.oid)],
        member: staff,
      }),
    );
  }
  for (const u of users) {
    const profession = PROFESSIONS[u.profession as Profession];
    const kanji = splitName(u.name);
    const kana = splitName(u.name_kana);
    entries.push(
      entry(userDn(u.id), {
        objectClass: [
          'top',
          'person',
          'organizationalPerson',
          'inetOrgPerson',
          'HCProfessional',
          'HPDProvider',
        ],
        uid: [u.id],
        cn: [u.name, u.name_kana],
        displayName: [u.name],
        sn: [kanji.family, kana.family],
        givenName: [kanji.given, kana.given],
        hcIdentifier: [`HIE:UserID:${u.id}:${u.status}`],
        hcProfession: [
          profession?.hcRole
            ? `HPKI:1.2.392.100495.1.6.1.1:${profession.hcRole}:${profession.ja}`
            : `HIE:profession:${u.profession}:${profession?.ja ?? u.profession}`,
        ],
        hpdProviderStatus: [u.status === 'active' ? 'Active' : 'Inactive'],
        memberOf: (facilitiesOf.get(u.id) ?? []).map(orgDn),
      }),
    );
  }
  return entries;
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string, value: (row: T) => string) {
  const groups = new Map<string, string[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(value(row));
    else groups.set(k, [value(row)]);
  }
  return groups;
}

type Predicate = (e: Entry) => boolean;

class FilterError extends Error {}

const values = (e: Entry, name: string): string[] => {
  const wanted = name.toLowerCase();
  for (const [key, list] of e.attrs) if (key.toLowerCase() === wanted) return list;
  return [];
};

/** An attribute's values as filters compare them (NFKC, lower case), worked out once per entry. */
const lowered = (e: Entry, name: string): string[] => {
  const wanted = name.toLowerCase();
  e.lowered ??= new Map();
  let list = e.lowered.get(wanted);
  if (!list) {
    list = values(e, name).map(lower);
    e.lowered.set(wanted, list);
  }
  return list;
};

function predicateOf(filter: XmlElement): Predicate {
  const name = attr(filter, 'name') ?? '';
  const value = () => lower(text(childElements(filter).find((c) => c.localName === 'value')) ?? '');
  switch (filter.localName) {
    case 'and': {
      const parts = childElements(filter).map(predicateOf);
      return (e) => parts.every((p) => p(e));
    }
    case 'or': {
      const parts = childElements(filter).map(predicateOf);
      return (e) => parts.some((p) => p(e));
    }
    case 'not': {
      const [inner] = childElements(filter);
      if (!inner) throw new FilterError('not without a filter');
      const p = predicateOf(inner);
      return (e) => !p(e);
    }
    case 'equalityMatch':
    case 'approxMatch': {
      const v = value();
      return (e) => lowered(e, name).some((x) => x === v);
    }
    case 'greaterOrEqual': {
      const v = value();
      return (e) => lowered(e, name).some((x) => x >= v);
    }
    case 'lessOrEqual': {
      const v = value();
      return (e) => lowered(e, name).some((x) => x <= v);
    }
    case 'present':
      return (e) => values(e, name).length > 0;
    case 'substrings': {
      const parts = childElements(filter).map((c) => ({ kind: c.localName, v: lower(text(c) ?? '') }));
      return (e) =>
        lowered(e, name).some((value) => {
          let rest = value;
          for (const part of parts) {
            if (part.kind === 'initial') {
              if (!rest.startsWith(part.v)) return false;
              rest = rest.slice(part.v.length);
            } else if (part.kind === 'any') {
              const at = rest.indexOf(part.v);
              if (at < 0) return false;
              rest = rest.slice(at + part.v.length);
            } else if (part.kind === 'final') {
              if (!rest.endsWith(part.v)) return false;
            }
          }
          return true;
        });
    }
    default:
      throw new FilterError(`unsupported filter ${filter.localName}`);
  }
}

const ldapResult = (
  tag: string,
  requestId: string | null,
  code: number,
  description: string,
  message?: string,
) =>
  el(
    tag,
    { requestID: requestId ?? undefined },
    el('resultCode', { code, descr: description }),
    message ? el('errorMessage', {}, t(message)) : '',
  );

/** Answers a `batchRequest`: one `searchResponse` per `searchRequest`; anything else is refused (53). */
export async function hpdQuery(deps: HubDeps, facilityOid: string, batch: XmlElement): Promise<string> {
  const base = BASE_DN;
  const all = await cachedDirectory(deps, base);
  const responses: string[] = [];
  let returned = 0;
  for (const request of childElements(batch)) {
    const requestId = attr(request, 'requestID');
    if (request.namespaceURI !== DSML || request.localName !== 'searchRequest') {
      responses.push(
        el(
          'errorResponse',
          { requestID: requestId ?? undefined, type: 'notAttempted' },
          el('message', {}, t('ITI-58 answers searchRequest only (changes are ITI-59, the office’s)')),
        ),
      );
      continue;
    }
    const dn = normalizeDn(attr(request, 'dn') ?? '');
    const scope = attr(request, 'scope') ?? 'wholeSubtree';
    const limit = Math.min(Number(attr(request, 'sizeLimit') ?? SIZE_LIMIT) || SIZE_LIMIT, SIZE_LIMIT);
    const baseEntry = all.find((e) => normalizeDn(e.dn) === dn);
    if (!baseEntry) {
      responses.push(
        el(
          'searchResponse',
          { requestID: requestId ?? undefined },
          ldapResult('searchResultDone', null, 32, 'noSuchObject', `no entry ${attr(request, 'dn')}`),
        ),
      );
      continue;
    }
    const filterElement = childElements(
      childElements(request).find((c) => c.localName === 'filter') ?? request,
    ).find(() => true);
    let predicate: Predicate = () => true;
    try {
      if (filterElement) predicate = predicateOf(filterElement);
    } catch (error) {
      responses.push(
        el(
          'searchResponse',
          { requestID: requestId ?? undefined },
          ldapResult('searchResultDone', null, 53, 'unwillingToPerform', (error as Error).message),
        ),
      );
      continue;
    }
    const depth = dn.split(',').length;
    const inScope = (e: Entry) => {
      const n = normalizeDn(e.dn);
      if (!n.endsWith(dn)) return false;
      const d = n.split(',').length - depth;
      return scope === 'baseObject' ? d === 0 : scope === 'singleLevel' ? d === 1 : true;
    };
    const wanted = childElements(childElements(request).find((c) => c.localName === 'attributes') ?? request)
      .filter((a) => a.localName === 'attribute')
      .map((a) => (attr(a, 'name') ?? '').toLowerCase());
    const hits = all.filter((e) => inScope(e) && predicate(e));
    const shown = hits.slice(0, limit);
    returned += shown.length;
    responses.push(
      el(
        'searchResponse',
        { requestID: requestId ?? undefined },
        ...shown.map((e) =>
          el(
            'searchResultEntry',
            { dn: e.dn },
            ...[...e.attrs]
              .filter(([name]) => wanted.length === 0 || wanted.includes(name.toLowerCase()))
              .map(([name, list]) => el('attr', { name }, ...list.map((v) => el('value', {}, t(v))))),
          ),
        ),
        hits.length > limit
          ? ldapResult('searchResultDone', null, 4, 'sizeLimitExceeded')
          : ldapResult('searchResultDone', null, 0, 'success'),
      ),
    );
  }
  await auditHub(deps, [
    {
      type: 'admin',
      action: 'E',
      outcome: '0',
      agent: { userId: `ihe:${facilityOid}`, facilityOid },
      detail: {
        operation: 'ITI-58',
        requests: String(childElements(batch).length),
        entries: String(returned),
      },
    },
  ]);
  return el('batchResponse', { xmlns: DSML, requestID: attr(batch, 'requestID') ?? undefined }, ...responses);
}
