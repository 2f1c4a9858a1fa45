import type { Element as XmlElement } from '@xmldom/xmldom';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type HubDeps, HubError } from '../http.js';
import { iheFhirRoutes } from './fhir.js';
import { DSML, hpdQuery } from './hpd.js';
import { HpdPusher } from './hpd-push.js';
import { callingFacility } from './node.js';
import { PdqSupplier } from './pdq-query.js';
import { pixFeed } from './pix-feed.js';
import { PixNotifier } from './pix-notify.js';
import { pixQuery } from './pix-query.js';
import { readSoap, SOAP_CONTENT_TYPE, SoapFault, soapFaultXml, soapResponse } from './soap.js';
import { V3 } from './v3.js';
import { type Service, wsdlOf } from './wsdl.js';
import { XML_LIMITS } from './xml.js';

type Handler = (deps: HubDeps, facilityOid: string, payload: XmlElement) => Promise<string>;

/** One SOAP operation: the Body element it takes, what answers it, and the answer's action. */
interface Operation {
  body: { ns: string; names: readonly string[] };
  handler: Handler;
  answer: string;
}

const v3 = (
  interaction: string,
  handler: Handler,
  answer: string,
  names = [interaction],
): [string, Operation] => [
  `urn:hl7-org:v3:${interaction}`,
  { body: { ns: V3, names }, handler, answer: `urn:hl7-org:v3:${answer}` },
];

const PIX = new Map<string, Operation>([
  v3('PRPA_IN201301UV02', pixFeed, 'MCCI_IN000002UV01'),
  v3('PRPA_IN201302UV02', pixFeed, 'MCCI_IN000002UV01'),
  v3('PRPA_IN201304UV02', pixFeed, 'MCCI_IN000002UV01'),
  v3('PRPA_IN201309UV02', pixQuery, 'PRPA_IN201310UV02'),
]);

const HPD = new Map<string, Operation>([
  [
    'urn:ihe:iti:2010:ProviderInformationQuery',
    {
      body: { ns: DSML, names: ['batchRequest'] },
      handler: hpdQuery,
      answer: 'urn:ihe:iti:2010:ProviderInformationQueryResponse',
    },
  ],
]);

/**
 * The hub's IHE endpoints (issue 15), outside `/api/v1` and its session: `/ihe/pix` (ITI-44, ITI-45),
 * `/ihe/pdq` (ITI-47), `/ihe/hpd` (ITI-58), each SOAP 1.2 with `?wsdl`; PIXm and PDQm under `/fhir`;
 * ITI-46 notifications sent in the background. The caller is a facility's system (node.ts), known
 * before a byte of XML is parsed. Errors of the SOAP layer are SOAP Faults with a stable subcode;
 * errors of the message are answered in the message's own terms (HL7 acknowledgements, LDAP results).
 */
export async function iheRoutes(app: FastifyInstance, deps: HubDeps): Promise<void> {
  // ITI-46: the facilities' PIX Consumers are told of changes in the background (consumers.ts registers them).
  if (deps.settings.pixNotifyMs !== 0) {
    const notifier = new PixNotifier(deps, {
      intervalMs: deps.settings.pixNotifyMs ?? 2000,
      onError: (e) => app.log.error({ err: e }, 'PIX update notifications failed (will retry)'),
    }).start();
    app.addHook('onClose', () => notifier.stop());
  }
  // ITI-59: the directory is pushed to the systems the office subscribed (consumers.ts).
  if (deps.settings.hpdPushMs !== 0) {
    const pusher = new HpdPusher(deps, {
      intervalMs: deps.settings.hpdPushMs ?? 5000,
      onError: (e) => app.log.error({ err: e }, 'HPD feed push failed (will retry)'),
    }).start();
    app.addHook('onClose', () => pusher.stop());
  }
  const pdq = new PdqSupplier(deps);
  const PDQ = new Map<string, Operation>([
    v3('PRPA_IN201305UV02', (_deps, facility, payload) => pdq.query(facility, payload), 'PRPA_IN201306UV02'),
    v3(
      'QUQI_IN000003UV01_Continue',
      (_deps, facility, payload) => pdq.continuation(facility, payload, false),
      'PRPA_IN201306UV02',
      ['QUQI_IN000003UV01'],
    ),
    v3(
      'QUQI_IN000003UV01_Cancel',
      (_deps, facility, payload) => pdq.continuation(facility, payload, true),
      'MCCI_IN000002UV01',
      ['QUQI_IN000003UV01', 'QUQI_IN000003UV01_Cancel'],
    ),
  ]);

  await iheFhirRoutes(app, deps);
  await app.register(async (scoped) => {
    scoped.addContentTypeParser(
      ['application/soap+xml', 'text/xml', 'application/xml'],
      { parseAs: 'buffer', bodyLimit: XML_LIMITS.maxBytes },
      (_request, body, done) => done(null, body),
    );
    const endpoints: Array<[Service, Map<string, Operation>]> = [
      ['pix', PIX],
      ['pdq', PDQ],
      ['hpd', HPD],
    ];
    for (const [service, operations] of endpoints) {
      scoped.get(`/ihe/${service}`, { schema: { hide: true } }, async (request, reply) =>
        wsdlAnswer(request, reply, service),
      );
      scoped.post(
        `/ihe/${service}`,
        { schema: { hide: true }, bodyLimit: XML_LIMITS.maxBytes },
        (request, reply) => answer(deps, request, reply, operations),
      );
    }
  });
}

function wsdlAnswer(request: FastifyRequest, reply: FastifyReply, service: Service) {
  if (!Object.hasOwn(request.query as object, 'wsdl')) {
    return reply
      .status(405)
      .header('allow', 'POST')
      .send({ error: { code: 'post-soap', message: 'POST a SOAP 1.2 message, or GET ?wsdl' } });
  }
  const address = `${request.protocol}://${request.host}/ihe/${service}`;
  return reply.header('content-type', 'text/xml; charset=utf-8').send(wsdlOf(service, address));
}

async function answer(
  deps: HubDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  operations: Map<string, Operation>,
): Promise<FastifyReply> {
  let relatesTo: string | null = null;
  try {
    const facilityOid = await callingFacility(deps, request);
    if (!Buffer.isBuffer(request.body)) {
      throw new SoapFault('Sender', 'content-type', `send ${SOAP_CONTENT_TYPE}`, 415);
    }
    const soap = readSoap(request.body, request.headers['content-type']);
    relatesTo = soap.messageId;
    const operation = operations.get(soap.action);
    if (!operation)
      throw new SoapFault('Sender', 'unknown-action', `this endpoint does not answer ${soap.action}`);
    const { ns, names } = operation.body;
    if (soap.payload.namespaceURI !== ns || !names.includes(soap.payload.localName ?? '')) {
      throw new SoapFault(
        'Sender',
        'action-mismatch',
        `the Body holds {${soap.payload.namespaceURI}}${soap.payload.localName}, the Action says ${soap.action}`,
      );
    }
    const payload = await operation.handler(deps, facilityOid, soap.payload);
    return reply
      .header('content-type', SOAP_CONTENT_TYPE)
      .send(soapResponse(operation.answer, relatesTo, payload));
  } catch (error) {
    const fault =
      error instanceof SoapFault
        ? error
        : error instanceof HubError && error.status === 401
          ? new SoapFault('Sender', error.code, error.message, 401)
          : null;
    if (!fault) request.log.error({ err: error }, 'IHE request failed');
    const sent =
      fault ?? new SoapFault('Receiver', 'internal', 'the hub could not answer; the error is logged');
    return reply
      .status(sent.status)
      .header('content-type', SOAP_CONTENT_TYPE)
      .send(soapFaultXml(sent, relatesTo));
  }
}
