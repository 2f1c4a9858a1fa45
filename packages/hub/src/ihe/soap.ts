import { randomUUID } from 'node:crypto';
import type { Element as XmlElement } from '@xmldom/xmldom';
import { child, childElements, el, parseXmlSafely, t, text, XmlRefusal } from './xml.js';

export const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
export const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
export const WSA = 'http://www.w3.org/2005/08/addressing';
export const SOAP_CONTENT_TYPE = 'application/soap+xml; charset=UTF-8';

/** A refusal of the SOAP layer: answered as a SOAP 1.2 Fault with a stable subcode, never a stack trace. */
export class SoapFault extends Error {
  constructor(
    /** Sender: the message was wrong; Receiver: we failed; VersionMismatch: not SOAP 1.2. */
    readonly code: 'Sender' | 'Receiver' | 'VersionMismatch' | 'MustUnderstand',
    /** Stable: `xml-doctype`, `no-action`, `unknown-action`, `not-authenticated` … */
    readonly subcode: string,
    message: string,
    readonly status = code === 'Receiver' ? 500 : 400,
  ) {
    super(message);
  }
}

export interface SoapRequest {
  /** wsa:Action (or the `action` parameter of the content type). */
  action: string;
  /** wsa:MessageID, for the answer's RelatesTo. */
  messageId: string | null;
  /** The first element of the Body: the HL7 V3 interaction. */
  payload: XmlElement;
  /** The Header (WS-Security and the like), when there is one. */
  header: XmlElement | null;
}

/** Reads a SOAP 1.2 envelope with WS-Addressing (IHE ITI TF-2x V.3). */
export function readSoap(
  body: Buffer | string,
  contentType: string | undefined,
  /** Header namespaces the caller understands (e.g. WS-Security), besides WS-Addressing. */
  understood: readonly string[] = [],
): SoapRequest {
  let doc: ReturnType<typeof parseXmlSafely>;
  try {
    doc = parseXmlSafely(body);
  } catch (error) {
    if (error instanceof XmlRefusal)
      throw new SoapFault('Sender', error.code, error.message, error.code === 'xml-too-large' ? 413 : 400);
    throw error;
  }
  const envelope = doc.documentElement as unknown as XmlElement;
  if (envelope.localName !== 'Envelope' || envelope.namespaceURI !== SOAP12) {
    if (envelope.localName === 'Envelope' && envelope.namespaceURI === SOAP11) {
      throw new SoapFault('VersionMismatch', 'soap-1.1', 'SOAP 1.2 is required (IHE ITI TF-2x V.3.2)');
    }
    throw new SoapFault('Sender', 'not-soap', 'not a SOAP 1.2 envelope');
  }
  const header = child(envelope, SOAP12, 'Header');
  const bodyElement = child(envelope, SOAP12, 'Body');
  if (!bodyElement) throw new SoapFault('Sender', 'no-body', 'the envelope has no Body');
  const payload = childElements(bodyElement)[0];
  if (!payload) throw new SoapFault('Sender', 'empty-body', 'the Body is empty');
  for (const h of header ? childElements(header) : []) {
    const must = h.getAttributeNS(SOAP12, 'mustUnderstand');
    if (
      (must === 'true' || must === '1') &&
      h.namespaceURI !== WSA &&
      !understood.includes(h.namespaceURI ?? '')
    ) {
      throw new SoapFault(
        'MustUnderstand',
        'must-understand',
        `header {${h.namespaceURI}}${h.localName} is not understood`,
      );
    }
  }
  const action =
    text(child(header, WSA, 'Action')) || /;\s*action\s*=\s*"?([^";]+)"?/i.exec(contentType ?? '')?.[1] || '';
  if (!action) throw new SoapFault('Sender', 'no-action', 'a wsa:Action header is required');
  return { action, messageId: text(child(header, WSA, 'MessageID')) || null, payload, header };
}

const envelopeOf = (headers: string, body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>${el(
    'env:Envelope',
    { 'xmlns:env': SOAP12, 'xmlns:wsa': WSA },
    el('env:Header', {}, headers),
    el('env:Body', {}, body),
  )}`;

const addressing = (action: string, relatesTo: string | null) =>
  [
    el('wsa:Action', { 'env:mustUnderstand': 'true' }, t(action)),
    el('wsa:MessageID', {}, t(`urn:uuid:${randomUUID()}`)),
    relatesTo ? el('wsa:RelatesTo', {}, t(relatesTo)) : '',
  ].join('');

/** The answer: `payload` (built markup) in a SOAP 1.2 envelope that relates to the request. */
export function soapResponse(action: string, relatesTo: string | null, payload: string): string {
  return envelopeOf(addressing(action, relatesTo), payload);
}

export function soapFaultXml(fault: SoapFault, relatesTo: string | null = null): string {
  return envelopeOf(
    addressing('http://www.w3.org/2005/08/addressing/soap/fault', relatesTo),
    el(
      'env:Fault',
      {},
      el(
        'env:Code',
        {},
        el('env:Value', {}, `env:${fault.code}`),
        el('env:Subcode', {}, el('env:Value', { 'xmlns:hie': 'urn:hie:soap:fault' }, `hie:${fault.subcode}`)),
      ),
      el('env:Reason', {}, el('env:Text', { 'xml:lang': 'en' }, t(fault.message))),
    ),
  );
}
