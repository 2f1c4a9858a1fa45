import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type HubDeps, HubError } from '../http.js';
import { iheFhirRoutes } from './fhir.js';
import { callingFacility } from './node.js';
import { PdqSupplier } from './pdq-query.js';
import { pixFeed } from './pix-feed.js';
import { PixNotifier } from './pix-notify.js';
import { pixQuery } from './pix-query.js';
import { readSoap, SOAP_CONTENT_TYPE, SoapFault, soapFaultXml, soapResponse } from './soap.js';
import { wsdlOf } from './wsdl.js';
import { XML_LIMITS } from './xml.js';

type Handler = (
  deps: HubDeps,
  facilityOid: string,
  payload: Parameters<typeof pixFeed>[2],
) => Promise<string>;

/** The SOAP actions of an endpoint: request action (without `urn:hl7-org:v3:`) → (handler, answer interaction). */
const PIX: Record<string, [Handler, string]> = {
  PRPA_IN201301UV02: [pixFeed, 'MCCI_IN000002UV01'],
  PRPA_IN201302UV02: [pixFeed, 'MCCI_IN000002UV01'],
  PRPA_IN201304UV02: [pixFeed, 'MCCI_IN000002UV01'],
  PRPA_IN201309UV02: [pixQuery, 'PRPA_IN201310UV02'],
};

/**
 * The hub's IHE endpoints (issue 15), outside `/api/v1` and its session: `/ihe/pix` (ITI-44 feed and
 * ITI-45 query, SOAP 1.2) and `?wsdl`. The caller is a facility's system, known by the facility's feed
 * token (`Authorization: Bearer`) — checked before a byte of XML is parsed; mutual TLS is the next
 * step (README). Errors of the SOAP layer are SOAP Faults with a stable subcode; errors of the message
 * are HL7 acknowledgements (AE/AR) with what and where.
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

  await iheFhirRoutes(app, deps);
  await app.register(async (scoped) => {
    scoped.addContentTypeParser(
      ['application/soap+xml', 'text/xml', 'application/xml'],
      { parseAs: 'buffer', bodyLimit: XML_LIMITS.maxBytes },
      (_request, body, done) => done(null, body),
    );

    scoped.get('/ihe/pix', { schema: { hide: true } }, async (request, reply) => {
      if (!Object.hasOwn(request.query as object, 'wsdl')) {
        return reply
          .status(405)
          .header('allow', 'POST')
          .send({ error: { code: 'post-soap', message: 'POST a SOAP 1.2 message, or GET ?wsdl' } });
      }
      const address = `${request.protocol}://${request.host}/ihe/pix`;
      return reply.header('content-type', 'text/xml; charset=utf-8').send(wsdlOf('pix', address));
    });

    scoped.post('/ihe/pix', { schema: { hide: true }, bodyLimit: XML_LIMITS.maxBytes }, (request, reply) =>
      answer(deps, request, reply, PIX),
    );

    const pdq = new PdqSupplier(deps);
    const PDQ: Record<string, [Handler, string]> = {
      PRPA_IN201305UV02: [(_deps, facility, payload) => pdq.query(facility, payload), 'PRPA_IN201306UV02'],
      QUQI_IN000003UV01_Continue: [
        (_deps, facility, payload) => pdq.continuation(facility, payload, false),
        'PRPA_IN201306UV02',
      ],
      QUQI_IN000003UV01_Cancel: [
        (_deps, facility, payload) => pdq.continuation(facility, payload, true),
        'MCCI_IN000002UV01',
      ],
    };
    scoped.get('/ihe/pdq', { schema: { hide: true } }, async (request, reply) =>
      wsdlAnswer(request, reply, 'pdq'),
    );
    scoped.post('/ihe/pdq', { schema: { hide: true }, bodyLimit: XML_LIMITS.maxBytes }, (request, reply) =>
      answer(deps, request, reply, PDQ),
    );
  });
}

function wsdlAnswer(request: FastifyRequest, reply: FastifyReply, service: 'pix' | 'pdq') {
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
  actions: Record<string, [Handler, string]>,
): Promise<FastifyReply> {
  let relatesTo: string | null = null;
  try {
    const facilityOid = await authenticated(deps, request);
    if (!Buffer.isBuffer(request.body)) {
      throw new SoapFault('Sender', 'content-type', `send ${SOAP_CONTENT_TYPE}`, 415);
    }
    const soap = readSoap(request.body, request.headers['content-type']);
    relatesTo = soap.messageId;
    const interaction = soap.action.replace(/^urn:hl7-org:v3:/, '');
    const route = actions[interaction];
    if (!route)
      throw new SoapFault('Sender', 'unknown-action', `this endpoint does not answer ${soap.action}`);
    // The continuation's actions carry a suffix; its body is QUQI_IN000003UV01 (or the WSDL's …_Cancel).
    const expected = interaction.startsWith('QUQI_IN000003UV01')
      ? ['QUQI_IN000003UV01', interaction]
      : [interaction];
    if (!expected.includes(soap.payload.localName ?? '') || soap.payload.namespaceURI !== 'urn:hl7-org:v3') {
      throw new SoapFault(
        'Sender',
        'action-mismatch',
        `the Body holds ${soap.payload.localName}, the Action says ${interaction}`,
      );
    }
    const [handler, answerInteraction] = route;
    const payload = await handler(deps, facilityOid, soap.payload);
    return reply
      .header('content-type', SOAP_CONTENT_TYPE)
      .send(soapResponse(`urn:hl7-org:v3:${answerInteraction}`, relatesTo, payload));
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

/** The calling system's facility (node.ts: mutual TLS, or the feed token from this machine). */
function authenticated(deps: HubDeps, request: FastifyRequest): Promise<string> {
  return callingFacility(deps, request);
}
