import { randomUUID } from 'node:crypto';
import type { Element as XmlElement } from '@xmldom/xmldom';
import { XMLSerializer } from '@xmldom/xmldom';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { auditHub } from '../audit-record.js';
import { type HubDeps, HubError, type HubPrincipal } from '../http.js';
import { readSoap, SOAP_CONTENT_TYPE, SoapFault, soapFaultXml, soapResponse } from '../ihe/soap.js';
import { childElements } from '../ihe/xml.js';
import { SAML } from '../saml/metadata.js';
import { type Asserted, verifyXuaAssertion, type XuaTrust } from './xua.js';

const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';

/** Where a partner's SOAP gateway asks (beside the FHIR route `/xc/fhir`): XCPD and XCA. */
export const XCPD_PATH = '/xc/ihe/xcpd';
export const XCA_PATH = '/xc/ihe/xca';

/** What one SOAP operation answers: its Body, its answer's action, and any MTOM parts. */
export interface SoapAnswer {
  action: string;
  body: string;
  parts?: { cid: string; type: string; bytes: Buffer }[];
}

export interface SoapOperation {
  /** The Body element it takes. */
  body: { ns: string; name: string };
  handle(
    principal: HubPrincipal,
    asserted: Asserted,
    payload: XmlElement,
    address: string,
  ): Promise<SoapAnswer>;
}

/**
 * A partner's SOAP call (partner/README.md § SOAP): SOAP 1.2 (plain, or MTOM/XOP with the envelope as
 * the root part), WS-Addressing, the user as an XUA assertion in WS-Security — verified like the FHIR
 * route's (a partner IdP's pinned key, audience, times, used once; one made for a FHIR call is good
 * for nothing else) — then the directory's user for it, then the operation of the wsa:Action. Refusals
 * are SOAP Faults with a stable subcode, audited.
 */
export async function soapGatewayAnswer(
  deps: HubDeps,
  trust: XuaTrust | null,
  request: FastifyRequest,
  reply: FastifyReply,
  principalOf: (asserted: Asserted) => Promise<HubPrincipal>,
  operations: ReadonlyMap<string, SoapOperation>,
): Promise<FastifyReply> {
  let relatesTo: string | null = null;
  try {
    if (!trust) throw new SoapFault('Sender', 'not-found', 'this hub answers no partner network', 404);
    if (!Buffer.isBuffer(request.body))
      throw new SoapFault('Sender', 'content-type', `send ${SOAP_CONTENT_TYPE}`, 415);
    const { envelope, contentType } = rootPart(request.body, request.headers['content-type'] ?? '');
    const soap = readSoap(envelope, contentType, [WSSE]);
    relatesTo = soap.messageId;
    const operation = operations.get(soap.action);
    if (!operation)
      throw new SoapFault('Sender', 'unknown-action', `this endpoint does not answer ${soap.action}`);
    if (soap.payload.namespaceURI !== operation.body.ns || soap.payload.localName !== operation.body.name)
      throw new SoapFault('Sender', 'action-mismatch', `the Body must hold ${operation.body.name}`);
    const assertion = soap.header
      ? childElements(soap.header)
          .filter((h) => h.namespaceURI === WSSE && h.localName === 'Security')
          .flatMap((s) =>
            childElements(s).filter((c) => c.namespaceURI === SAML && c.localName === 'Assertion'),
          )[0]
      : undefined;
    if (!assertion)
      throw new SoapFault('Sender', 'xua-missing', 'an XUA assertion is required in wsse:Security', 401);
    const asSoap = async <T>(step: () => Promise<T>): Promise<T> => {
      try {
        return await step();
      } catch (e) {
        if (e instanceof HubError) throw new SoapFault('Sender', e.code, e.message, e.status);
        throw e;
      }
    };
    const asserted = await asSoap(() =>
      verifyXuaAssertion(Buffer.from(new XMLSerializer().serializeToString(assertion)), trust, null),
    );
    const principal = await asSoap(() => principalOf(asserted));
    const answer = await asSoap(() => operation.handle(principal, asserted, soap.payload, request.ip));
    const xml = soapResponse(answer.action, relatesTo, answer.body);
    if (!answer.parts) return reply.header('content-type', SOAP_CONTENT_TYPE).send(xml);
    return mtom(reply, xml, answer.action, answer.parts);
  } catch (error) {
    const fault = error instanceof SoapFault ? error : null;
    if (!fault) request.log.error({ err: error }, 'partner SOAP request failed');
    const sent =
      fault ?? new SoapFault('Receiver', 'internal', 'the hub could not answer; the error is logged');
    if (sent.status !== 500)
      await auditHub(deps, [
        {
          type: 'partner',
          action: 'E',
          outcome: '4',
          outcomeDescription: `${sent.subcode}: ${sent.message}`.slice(0, 300),
          agent: { userId: 'unknown', facilityOid: '', address: request.ip },
          detail: { via: 'soap', path: request.url.split('?')[0] ?? '' },
        },
      ]).catch(() => undefined);
    return reply
      .status(sent.status)
      .header('content-type', SOAP_CONTENT_TYPE)
      .send(soapFaultXml(sent, relatesTo));
  }
}

/** The SOAP envelope of a plain or MTOM (multipart/related) request, and its own content type. */
function rootPart(body: Buffer, contentType: string): { envelope: Buffer; contentType: string } {
  if (!/^multipart\/related/i.test(contentType)) return { envelope: body, contentType };
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw new SoapFault('Sender', 'mtom', 'multipart/related without a boundary');
  const text = body.toString('latin1');
  const start = text.indexOf(`--${boundary}`);
  const next = start < 0 ? -1 : text.indexOf(`--${boundary}`, start + boundary.length + 2);
  if (start < 0 || next < 0) throw new SoapFault('Sender', 'mtom', 'no root part in the multipart request');
  const part = text.slice(start + boundary.length + 2, next);
  const split = part.indexOf('\r\n\r\n');
  if (split < 0) throw new SoapFault('Sender', 'mtom', 'a part without headers');
  const headers = part.slice(0, split);
  const rootType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? '';
  const action = /action="?([^";]+)"?/i.exec(contentType)?.[1];
  return {
    envelope: Buffer.from(part.slice(split + 4).replace(/\r\n$/, ''), 'latin1'),
    contentType: action && !/action=/i.test(rootType) ? `${rootType}; action="${action}"` : rootType,
  };
}

/** An MTOM/XOP answer: the envelope as the root part, each document as a binary part (ITI-39). */
function mtom(reply: FastifyReply, xml: string, action: string, parts: NonNullable<SoapAnswer['parts']>) {
  const boundary = `MIMEBoundary_${randomUUID()}`;
  const root = `<root.${randomUUID()}@hie>`;
  const chunks: Buffer[] = [
    Buffer.from(
      `--${boundary}\r\nContent-Type: application/xop+xml; charset=UTF-8; type="application/soap+xml"\r\nContent-Transfer-Encoding: binary\r\nContent-ID: ${root}\r\n\r\n`,
    ),
    Buffer.from(xml, 'utf8'),
  ];
  for (const p of parts) {
    chunks.push(
      Buffer.from(
        `\r\n--${boundary}\r\nContent-Type: ${p.type}\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <${p.cid}>\r\n\r\n`,
      ),
      p.bytes,
    );
  }
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return reply
    .header(
      'content-type',
      `multipart/related; boundary="${boundary}"; type="application/xop+xml"; start="${root}"; start-info="application/soap+xml"; action="${action}"`,
    )
    .send(Buffer.concat(chunks));
}
