import type { Element as XmlElement } from '@xmldom/xmldom';
import { XMLSerializer } from '@xmldom/xmldom';
import { agentOf, auditHub } from '../audit-record.js';
import type { HubDeps, HubPrincipal } from '../http.js';
import { nameQuery } from '../ihe/identities.js';
import { registrationSubject } from '../ihe/person.js';
import {
  acknowledgement,
  answerWrapper,
  hubOids,
  iiOf,
  iiXml,
  readV3,
  trigger,
  V3,
  v3Children,
  v3Path,
} from '../ihe/v3.js';
import { attr, childElements, el, text } from '../ihe/xml.js';
import { kanaKey } from '../mpi/normalize.js';
import { type PdqQuery, searchPersons } from '../mpi/pdq.js';
import { tokyoDay } from '../policy/decide.js';
import { loadViewer, personFilter, recordFilter } from '../policy/sql.js';
import type { Asserted } from './xua.js';

/** XCPD ITI-55 (synchronous): the request's and the answer's wsa:Action. */
export const XCPD_ACTION = 'urn:hl7-org:v3:PRPA_IN201305UV02:CrossGatewayPatientDiscovery';
export const XCPD_ANSWER = 'urn:hl7-org:v3:PRPA_IN201306UV02:CrossGatewayPatientDiscovery';
const HDL_SYSTEM = '1.3.6.1.4.1.19376.1.2.27.2';

/**
 * XCPD ITI-55 as a responding gateway (partner/README.md § SOAP): **our** PDQ under our policy for the
 * XUA user of the partner's facility, exactly as PDQm at `/xc/fhir/Patient`: the whole reading (カナ)
 * and the birth date are required, exactly one match is answered (with our home community as
 * custodian), several or none are `NF` (no identities of people the partner did not mean). Audited
 * as a search.
 */
export const crossGatewayPatientDiscovery = (
  deps: HubDeps,
  principal: HubPrincipal,
  asserted: Asserted,
  payload: XmlElement,
  address: string,
): Promise<string> => discover(deps, principal, asserted, payload, address);

async function discover(
  deps: HubDeps,
  principal: HubPrincipal,
  asserted: Asserted,
  payload: XmlElement,
  address: string,
): Promise<string> {
  const request = readV3(payload);
  const query = v3Path(request.controlAct, 'queryByParameter');
  const params = v3Path(query, 'parameterList');
  const queryId = iiOf(v3Path(query, 'queryId')) ?? { root: '0', extension: null };
  const queryXml = query ? new XMLSerializer().serializeToString(query) : '';
  const parsed = demographicsOf(params);
  const now = deps.now();
  let persons: Awaited<ReturnType<typeof searchPersons>> = { total: 0, persons: [] };
  if (parsed) {
    const viewer = await loadViewer(deps.store, principal, now);
    persons = await searchPersons(deps.store, parsed, {
      personFilter: personFilter(viewer, tokyoDay(now), 'TREAT'),
      recordFilter: recordFilter(viewer, tokyoDay(now), 'TREAT'),
      limit: 2,
      offset: 0,
    });
  }
  const match = persons.total === 1 ? persons.persons[0] : undefined;
  await auditHub(deps, [
    {
      type: 'search',
      action: 'E',
      outcome: '0',
      agent: agentOf(principal, address),
      entities: match ? [match.personId] : [],
      purposeOfUse: 'TREAT',
      detail: {
        via: 'xcpd',
        operation: 'ITI-55',
        idp: asserted.idp.entityId,
        assertion: asserted.assertionId,
        total: String(persons.total),
        ...(parsed ? {} : { refused: 'reading and birth date required' }),
      },
    },
  ]);
  const oids = hubOids(deps.settings);
  return el(
    'PRPA_IN201306UV02',
    { xmlns: V3, ITSVersion: 'XML_1.0' },
    answerWrapper('PRPA_IN201306UV02', request, deps.settings, now),
    acknowledgement(
      parsed ? 'AA' : 'AE',
      request,
      parsed
        ? []
        : [
            {
              code: 'InsufficientDemographics',
              text: 'the whole reading (カナ) and the birth date are required / カナ氏名と生年月日が必要です',
              location: '/PRPA_IN201305UV02/controlActProcess/queryByParameter/parameterList',
            },
          ],
    ),
    el(
      'controlActProcess',
      { classCode: 'CACT', moodCode: 'EVN' },
      trigger('PRPA_TE201306UV02'),
      match
        ? registrationSubject([{ root: oids.regionalId, extension: match.personId }], match, 100, {
            homeCommunityId: oids.homeCommunity,
            code: 'NotHealthDataLocator',
            codeSystem: HDL_SYSTEM,
          })
        : '',
      el(
        'queryAck',
        {},
        iiXml('queryId', queryId),
        el('statusCode', { code: 'deliveredResponse' }),
        el('queryResponseCode', { code: parsed ? (match ? 'OK' : 'NF') : 'AE' }),
        el('resultTotalQuantity', { value: match ? 1 : 0 }),
        el('resultCurrentQuantity', { value: match ? 1 : 0 }),
        el('resultRemainingQuantity', { value: 0 }),
      ),
      queryXml,
    ),
  );
}

/** The query's reading, birth date and sex; null unless a whole reading and a birth date are given. */
function demographicsOf(params: XmlElement | null): PdqQuery | null {
  const names = v3Children(params, 'livingSubjectName').map((n) => v3Path(n, 'value'));
  let kana: string | undefined;
  for (const name of names) {
    if (!name) continue;
    const parts = (local: string) =>
      childElements(name)
        .filter((c) => c.namespaceURI === V3 && c.localName === local)
        .map((c) => text(c) ?? '')
        .filter((v) => v !== '');
    const q = nameQuery(
      parts('family')[0] ?? '',
      parts('given')[0] ?? '',
      (attr(name, 'use') ?? '').split(/\s+/),
    );
    if (q.kana) kana = q.kana;
  }
  const birth = attr(v3Path(params, 'livingSubjectBirthTime', 'value'), 'value') ?? '';
  if (!kana || kanaKey(kana) === '' || !/^\d{8}/.test(birth)) return null;
  const sex = attr(v3Path(params, 'livingSubjectAdministrativeGender', 'value'), 'code');
  return {
    kana,
    kanaExact: true,
    birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`,
    ...(sex === 'M' || sex === 'F' ? { sex } : {}),
  };
}
