import type { Hl7Message, Hl7Segment } from '@hie/hl7v2';
import type { HubDeps } from '../../http.js';
import { type PdqQuery, type PersonSummary, searchPersons } from '../../mpi/pdq.js';
import { idQuery, knownDomains, nameQuery } from '../identities.js';
import { hubOids, type Ii } from '../v3.js';
import type { ErrDetail, Handled } from './answer.js';
import type { OwnDomain } from './pid.js';
import { domainsWanted, idsField, missingQpd, type Query, queryError, respond } from './query.js';

/** RCP-2's default and ceiling. */
const DEFAULT_LIMIT = 100;

/** QPD-3 of ITI-21 (`@PID.5.1.1^山田~@PID.7^19380402`) as the index's PDQ query, or the culprit. */
function pdqQueryOf(deps: HubDeps, qpd: Hl7Segment, own: OwnDomain): PdqQuery | ErrDetail {
  const values = new Map<string, { value: string; repetition: number }>();
  for (let r = 1; r <= qpd.repetitionCount(3); r++) {
    const name = (qpd.get(3, r, 1) ?? '').replace(/^@/, '');
    const value = qpd.get(3, r, 2) ?? '';
    if (name && value) values.set(name, { value, repetition: r });
  }
  const take = (...names: string[]) => {
    for (const n of names) {
      const v = values.get(n);
      if (v) {
        values.delete(n);
        return v;
      }
    }
    return undefined;
  };
  const query: PdqQuery = {};
  const family = take('PID.5.1.1', 'PID.5.1', 'PID.5')?.value ?? '';
  const given = take('PID.5.2')?.value ?? '';
  Object.assign(query, nameQuery(family, given));
  const birth = take('PID.7.1', 'PID.7');
  if (birth) {
    if (!/^\d{8}$/.test(birth.value.slice(0, 8))) {
      return { code: '102', location: ['QPD', 1, 3, birth.repetition, 2], text: 'PID.7: YYYYMMDD' };
    }
    const b = birth.value;
    query.birthDate = `${b.slice(0, 4)}-${b.slice(4, 6)}-${b.slice(6, 8)}`;
  }
  const sex = take('PID.8.1', 'PID.8');
  if (sex) {
    if (!['M', 'F', 'O', 'U'].includes(sex.value)) {
      return { code: '103', location: ['QPD', 1, 3, sex.repetition, 2], text: 'PID.8: M, F, O or U' };
    }
    query.sex = sex.value as PdqQuery['sex'];
  }
  const id = take('PID.3.1', 'PID.3');
  const universal = take('PID.3.4.2')?.value;
  const namespace = take('PID.3.4.1', 'PID.3.4')?.value;
  if (id) {
    const root = universal || (namespace === own.code ? own.facilityOid : namespace) || own.facilityOid;
    const byId = idQuery(deps.settings, own.facilityOid, { root, extension: id.value });
    if (!byId) {
      return {
        code: '204',
        location: ['QPD', 1, 3, id.repetition, 2],
        text: "ids of this system's facility or the regional id only",
        reason: 'unknown-domain',
      };
    }
    Object.assign(query, byId);
  }
  const [unsupported] = values.entries();
  if (unsupported) {
    return {
      code: '103',
      location: ['QPD', 1, 3, unsupported[1].repetition, 1],
      text: `@${unsupported[0]}: not a supported parameter (PID.3.1, PID.3.4.1/2, PID.5.1.1, PID.5.2, PID.7, PID.8)`,
      reason: 'unsupported-parameter',
    };
  }
  return query;
}

/** XPN of a whole name (family, space, given) with its representation: `I` kanji, `P` kana. */
const xpn = (whole: string, representation: 'I' | 'P') => {
  const [family = '', ...given] = whole.split(/[\s\u3000]+/);
  return [family, given.join(' '), '', '', '', '', 'L', representation];
};

/**
 * ITI-21 PDQ (QBP^Q22 → RSP^K22): the caller's own facility's patients only (the records it fed), by
 * name (kanji or kana, prefix), birth date, sex or id; each answered with the regional id and its own
 * ids (QPD-8 may narrow them), the kanji and kana names, birth date and sex — never another facility's
 * ids or demographics. RCP-2 limits the count (at most 100); QAK-4..6 give the total, this answer's and
 * the remaining count. Continuation (DSC) is not offered: narrow the query instead.
 */
export async function pdqQueryV2(deps: HubDeps, message: Hl7Message, own: OwnDomain): Promise<Handled> {
  const type = ['RSP', 'K22', 'RSP_K21'] as const;
  const qpd = message.segment('QPD');
  if (!qpd) return missingQpd(message, type);
  const q: Query = { deps, message, own, qpd, type };
  const known = await knownDomains(deps);
  const wanted = domainsWanted(qpd, 8, own, known);
  if (wanted.unknown) {
    return queryError(q, {
      code: '204',
      location: ['QPD', 1, 8, wanted.unknown.repetition],
      text: `unknown domain ${wanted.unknown.domain}`,
      reason: 'unknown-domain',
    });
  }
  const query = pdqQueryOf(deps, qpd, own);
  if ('location' in query) return queryError(q, query);
  if (Object.keys(query).length === 0) {
    return queryError(q, {
      code: '101',
      location: ['QPD', 1, 3],
      text: 'give at least a name, a birth date, a sex or an id',
    });
  }
  const asked = Number(message.segment('RCP')?.get(2, 1, 1) ?? DEFAULT_LIMIT);
  const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, DEFAULT_LIMIT) : DEFAULT_LIMIT;
  const result = await searchPersons(deps.store, query, {
    recordFilter: (eb) => eb('mpi_record.facility_oid', '=', own.facilityOid),
    limit,
    offset: 0,
  });
  const regional = hubOids(deps.settings).regionalId;
  const pids = result.persons.map((p, i) => pidOf(p, i + 1, regional, own, wanted.domains));
  const counts = [result.total, pids.length, Math.max(0, result.total - pids.length)].map(String);
  return {
    bytes: respond(q, 'AA', result.total > 0 ? 'OK' : 'NF', pids, counts),
    code: 'AA',
    audit: {
      action: 'E',
      outcome: '0',
      entities: result.persons.map((p) => p.personId),
      detail: { query: JSON.stringify(query), total: String(result.total) },
    },
  };
}

function pidOf(p: PersonSummary, setId: number, regional: string, own: OwnDomain, domains: string[]) {
  const all: Ii[] = [
    { root: regional, extension: p.personId },
    ...p.records
      .filter((r) => r.facilityOid === own.facilityOid)
      .map((r) => ({ root: own.facilityOid, extension: r.localId })),
  ];
  const ids = domains.length === 0 ? all : all.filter((ii) => domains.includes(ii.root));
  const names = [
    ...(p.nameKanji ? [xpn(p.nameKanji, 'I')] : []),
    ...(p.nameKana ? [xpn(p.nameKana, 'P')] : []),
  ];
  return {
    name: 'PID',
    fields: [
      String(setId),
      '',
      idsField(ids, regional, own),
      '',
      names,
      '',
      p.birthDate?.replaceAll('-', '') ?? '',
      p.sex ?? '',
    ],
  };
}
