import type { AckCode, Hl7Message, Hl7Segment, Hl7SegmentValue } from '@hie/hl7v2';
import type { HubDeps } from '../../http.js';
import { knownDomains, personAsked, visibleIds } from '../identities.js';
import { hubOids, type Ii } from '../v3.js';
import { type ErrDetail, echo, type Handled, responseBytes } from './answer.js';
import { authorityOf, type OwnDomain } from './pid.js';

/** A CX.4 as a domain: its universal id, the facility's OID for its code, else the namespace as written. */
function domainOf(segment: Hl7Segment, field: number, repetition: number, own: OwnDomain): string {
  const { namespace, universalId } = authorityOf(segment, field, repetition);
  if (universalId) return universalId;
  if (namespace && namespace === own.code) return own.facilityOid;
  return namespace;
}

/** The domains QPD-4 (ITI-9) or QPD-8 (ITI-21) asks for; the first unknown one's repetition, if any. */
export function domainsWanted(qpd: Hl7Segment, field: number, own: OwnDomain, known: Set<string>) {
  const domains: string[] = [];
  for (let r = 1; r <= qpd.repetitionCount(field); r++) {
    const domain = domainOf(qpd, field, r, own);
    if (!domain) continue;
    if (!known.has(domain)) return { domains, unknown: { repetition: r, domain } };
    domains.push(domain);
  }
  return { domains };
}

/** PID-3 of an answer: the regional id (PN) and the facility's own ids (PI), each with its domain. */
export const idsField = (ids: readonly Ii[], regional: string, own: OwnDomain) =>
  ids.map((ii) => [
    ii.extension ?? '',
    '',
    '',
    ii.root === own.facilityOid ? [own.code ?? '', ii.root, 'ISO'] : ['', ii.root, 'ISO'],
    ii.root === regional ? 'PN' : 'PI',
  ]);

export interface Query {
  deps: HubDeps;
  message: Hl7Message;
  own: OwnDomain;
  qpd: Hl7Segment;
  type: readonly [string, string, string];
}

/** RSP with QAK (query tag, status, the query's name) and the QPD echoed, then the hits' segments. */
export function respond(
  q: Query,
  code: AckCode,
  status: 'OK' | 'NF' | 'AE',
  segments: Hl7SegmentValue[],
  counts: string[] = [],
  error?: ErrDetail,
): Uint8Array {
  const qak: Hl7SegmentValue = {
    name: 'QAK',
    fields: [q.qpd.get(2) ?? '', status, echo(q.message, 'QPD').fields[0] ?? '', ...counts],
  };
  return responseBytes(
    q.message,
    q.type,
    { code, ...(error ? { text: error.text } : {}) },
    [qak, echo(q.message, 'QPD'), ...segments],
    error,
  );
}

export const queryError = (q: Query, error: ErrDetail, detail: Record<string, string> = {}): Handled => ({
  bytes: respond(q, 'AE', 'AE', [], [], error),
  code: 'AE',
  audit: { action: 'E', outcome: '4', outcomeDescription: error.text, detail: { ...detail, outcome: 'AE' } },
});

/**
 * ITI-9 PIX Query (QBP^Q23 → RSP^K23): which ids has the person behind QPD-3? Deny by default as
 * ITI-45/PIXm: the regional id and the caller's own facility's ids only; another facility's id is
 * answered as an unknown one (AE 204 at QPD-3.1), an unknown domain AE 204 at QPD-3.4 or QPD-4's
 * repetition. PID-5 carries no name (`^^^^^^S`): a PIX answer discloses no demographics.
 */
export async function pixQueryV2(deps: HubDeps, message: Hl7Message, own: OwnDomain): Promise<Handled> {
  const type = ['RSP', 'K23', 'RSP_K23'] as const;
  const qpd = message.segment('QPD');
  if (!qpd) return missingQpd(message, type);
  const q: Query = { deps, message, own, qpd, type };
  const id = qpd.get(3, 1, 1, 1) ?? '';
  if (!id) {
    return queryError(q, { code: '101', location: ['QPD', 1, 3], text: 'QPD-3: the person identifier' });
  }
  const known = await knownDomains(deps);
  const root = domainOf(qpd, 3, 1, own) || own.facilityOid;
  if (!known.has(root)) {
    return queryError(q, {
      code: '204',
      location: ['QPD', 1, 3, 1, 4],
      text: `unknown domain ${root}`,
      reason: 'unknown-domain',
    });
  }
  const wanted = domainsWanted(qpd, 4, own, known);
  if (wanted.unknown) {
    return queryError(q, {
      code: '204',
      location: ['QPD', 1, 4, wanted.unknown.repetition],
      text: `unknown domain ${wanted.unknown.domain}`,
      reason: 'unknown-domain',
    });
  }
  const asked = `${root}|${id}`;
  const personId = await personAsked(deps, own.facilityOid, { root, extension: id });
  if (!personId) {
    return queryError(
      q,
      {
        code: '204',
        location: ['QPD', 1, 3, 1, 1],
        text: 'unknown patient identifier',
        reason: 'unknown-id',
      },
      { asked },
    );
  }
  const regional = hubOids(deps.settings).regionalId;
  const ids = (await visibleIds(deps, own.facilityOid, personId)).filter(
    (ii) =>
      !(ii.root === root && ii.extension === id) &&
      (wanted.domains.length === 0 || wanted.domains.includes(ii.root)),
  );
  const pid: Hl7SegmentValue = {
    name: 'PID',
    fields: ['', '', idsField(ids, regional, own), '', [['', '', '', '', '', '', 'S']]],
  };
  return {
    bytes: respond(q, 'AA', ids.length > 0 ? 'OK' : 'NF', ids.length > 0 ? [pid] : []),
    code: 'AA',
    audit: {
      action: 'E',
      outcome: '0',
      patient: { personId },
      entities: ids.map((ii) => `${ii.root}|${ii.extension}`),
      detail: { asked },
    },
  };
}

export function missingQpd(message: Hl7Message, type: readonly [string, string, string]): Handled {
  const error: ErrDetail = { code: '100', location: ['QPD', 1], text: 'no QPD segment' };
  return {
    bytes: responseBytes(message, type, { code: 'AE', text: error.text }, [], error),
    code: 'AE',
    audit: { action: 'E', outcome: '4', outcomeDescription: error.text },
  };
}
