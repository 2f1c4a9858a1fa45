// What a CDA R2 document's header says it is about, so the DocumentReference can name it
// (`context.related`) and a viewer can put a report beside its study: the orders it fulfils
// (`inFulfillmentOf/order/id`: the accession number and the placer order number, DICOM PS3.20 §9.6)
// and the acts it documents (`documentationOf/serviceEvent/id`: a Study Instance UID as the root
// alone). Only the header is read; the body is never interpreted here.
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';

const HL7 = 'urn:hl7-org:v3';

/** An instance identifier (II) of the header. */
export interface CdaId {
  root: string;
  extension: string | undefined;
}

export interface CdaHeader {
  /** `inFulfillmentOf/order/id`: accession numbers, order numbers. */
  orders: CdaId[];
  /** `documentationOf/serviceEvent/id`: Study Instance UIDs (root only), procedure ids. */
  serviceEvents: CdaId[];
}

/** Documents larger than this are not parsed for their header (a CDA with embedded images). */
export const CDA_HEADER_MAX_BYTES = 4 * 1024 * 1024;

const children = (parent: XmlElement, name: string): XmlElement[] => {
  const out: XmlElement[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling)
    if (n.nodeType === 1 && (n as XmlElement).namespaceURI === HL7 && (n as XmlElement).localName === name)
      out.push(n as XmlElement);
  return out;
};

const idsOf = (el: XmlElement): CdaId[] =>
  children(el, 'id').flatMap((id) => {
    const root = id.getAttribute('root')?.trim() ?? '';
    if (!root || id.hasAttribute('nullFlavor')) return [];
    const extension = id.getAttribute('extension')?.trim() || undefined;
    return [{ root, extension }];
  });

/**
 * The header of a CDA R2 document, or null when the bytes are not one (not XML, another root
 * element, a DOCTYPE: external entities are never fetched, a document that declares one is refused).
 */
export function readCdaHeader(text: string): CdaHeader | null {
  if (/<!DOCTYPE/i.test(text.slice(0, 4096))) return null;
  let doc: ReturnType<DOMParser['parseFromString']>;
  try {
    doc = new DOMParser({ onError: () => {} }).parseFromString(text, 'text/xml');
  } catch {
    return null;
  }
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== HL7 || root.localName !== 'ClinicalDocument') return null;
  return {
    orders: children(root, 'inFulfillmentOf').flatMap((f) => children(f, 'order').flatMap(idsOf)),
    serviceEvents: children(root, 'documentationOf').flatMap((d) =>
      children(d, 'serviceEvent').flatMap(idsOf),
    ),
  };
}
