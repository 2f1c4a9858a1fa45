import type { Element as XmlElement } from '@xmldom/xmldom';
import { XMLSerializer } from '@xmldom/xmldom';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { agentOf, auditHub } from '../audit-record.js';
import { type HubDeps, HubError, type HubPrincipal } from '../http.js';
import { nameQuery } from '../ihe/identities.js';
import { registrationSubject } from '../ihe/person.js';
import { readSoap, SOAP_CONTENT_TYPE, SoapFault, soapFaultXml, soapResponse } from '../ihe/soap.js';
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
import { SAML } from '../saml/metadata.js';
import { type Asserted, verifyXuaAssertion, type XuaTrust } from './xua.js';

/** Where a partner's SOAP gateway asks (beside the FHIR route `/xc/fhir`). */
export const XCPD_PATH = '/xc/ihe/xcpd';
/** XCPD ITI-55 (synchronous): the request's and the answer's wsa:Action. */
export const XCPD_ACTION = 'urn:hl7-org:v3:PRPA_IN201305UV02:CrossGatewayPatientDiscovery';
export const XCPD_ANSWER = 'urn:hl7-org:v3:PRPA_IN201306UV02:CrossGatewayPatientDiscovery';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const HDL_SYSTEM = '1.3.6.1.4.1.19376.1.2.27.2';

/**
 * The SOAP binding of patient discovery across communities (partner/README.md § SOAP): IHE XCPD
 * ITI-55 as a responding gateway, for a neighbour that speaks IHE SOAP (and for conformance tools).
 * The caller's user is an XUA assertion in the WS-Security header — verified like the FHIR route's
 * (a partner IdP's pinned key, audience, times, used once) — and the answer is **our** PDQ under our
 * policy for that user of the partner's facility, exactly as PDQm at `/xc/fhir/Patient`: the whole
 * reading (カナ) and the birth date are required, exactly one match is answered (with our home
 * community as custodian), several or none are `NF` (no identities of people the partner did not
 * mean). Audited as a search.
 */
export async function xcpdAnswer(
  deps: HubDeps,
  trust: XuaTrust | null,
  request: FastifyRequest,
  reply: FastifyReply,
  principalOf: (asserted: Asserted) => Promise<HubPrincipal>,
): Promise<FastifyReply> {
  let relatesTo: string | null = null;
  try {
    if (!trust) throw new SoapFault('Sender', 'not-found', 'this hub answers no partner network', 404);
    if (!Buffer.isBuffer(request.body))
      throw new SoapFault('Sender', 'content-type', `send ${SOAP_CONTENT_TYPE}`, 415);
    const soap = readSoap(request.body, request.headers['content-type'], [WSSE]);
    relatesTo = soap.messageId;
    if (soap.action !== XCPD_ACTION)
      throw new SoapFault(
        'Sender',
        'unknown-action',
        `this endpoint answers ${XCPD_ACTION}, not ${soap.action}`,
      );
    if (soap.payload.namespaceURI !== V3 || soap.payload.localName !== 'PRPA_IN201305UV02')
      throw new SoapFault('Sender', 'action-mismatch', 'the Body must hold PRPA_IN201305UV02');
    const assertion = soap.header
      ? childElements(soap.header)
          .filter((h) => h.namespaceURI === WSSE && h.localName === 'Security')
          .flatMap((s) =>
            childElements(s).filter((c) => c.namespaceURI === SAML && c.localName === 'Assertion'),
          )[0]
      : undefined;
    if (!assertion)
      throw new SoapFault('Sender', 'xua-missing', 'an XUA assertion is required in wsse:Security', 401);
    let asserted: Asserted;
    try {
      asserted = await verifyXuaAssertion(
        Buffer.from(new XMLSerializer().serializeToString(assertion)),
        trust,
        null,
      );
    } catch (e) {
      if (e instanceof HubError) throw new SoapFault('Sender', e.code, e.message, e.status);
      throw e;
    }
    let principal: HubPrincipal;
    try {
      principal = await principalOf(asserted);
    } catch (e) {
      if (e instanceof HubError) throw new SoapFault('Sender', e.code, e.message, e.status);
      throw e;
    }
    const payload = await discover(deps, principal, asserted, soap.payload, request.ip);
    return reply
      .header('content-type', SOAP_CONTENT_TYPE)
      .send(soapResponse(XCPD_ANSWER, relatesTo, payload));
  } catch (error) {
    const fault = error instanceof SoapFault ? error : null;
    if (!fault) request.log.error({ err: error }, 'XCPD request failed');
    const sent =
      fault ?? new SoapFault('Receiver', 'internal', 'the hub could not answer; the error is logged');
    if (sent.status === 401 || sent.status === 403)
      await auditHub(deps, [
        {
          type: 'partner',
          action: 'E',
          outcome: '4',
          outcomeDescription: `${sent.subcode}: ${sent.message}`.slice(0, 300),
          agent: { userId: 'unknown', facilityOid: '', address: request.ip },
          detail: { via: 'xcpd', operation: 'ITI-55' },
        },
      ]).catch(() => undefined);
    return reply
      .status(sent.status)
      .header('content-type', SOAP_CONTENT_TYPE)
      .send(soapFaultXml(sent, relatesTo));
  }
}

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
