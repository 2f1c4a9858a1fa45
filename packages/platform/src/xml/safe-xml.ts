import { DOMParser, type Document as XmlDocument, type Element as XmlElement } from '@xmldom/xmldom';

/**
 * XML from outside systems, read defensively (the IHE endpoints of issue 15, the HPD feed a gateway receives): a size limit before anything is read; no
 * DOCTYPE or ENTITY declaration at all (external entities, billion laughs) — refused before parsing;
 * UTF-8 only; depth and element-count limits after. Elements are found by namespace URI and local
 * name, never by prefix, so a message that binds its prefixes differently is read the same.
 */
export const XML_LIMITS = { maxBytes: 2 * 1024 * 1024, maxDepth: 48, maxElements: 20_000 } as const;

export type XmlRefusalCode =
  | 'xml-too-large'
  | 'xml-doctype'
  | 'xml-encoding'
  | 'xml-malformed'
  | 'xml-too-deep';

export class XmlRefusal extends Error {
  constructor(
    readonly code: XmlRefusalCode,
    message: string,
  ) {
    super(message);
  }
}

const ELEMENT_NODE = 1;

export function parseXmlSafely(input: Buffer | string, limits = XML_LIMITS): XmlDocument {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (size > limits.maxBytes)
    throw new XmlRefusal('xml-too-large', `the message is over ${limits.maxBytes} bytes`);
  let text = typeof input === 'string' ? input : input.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (/<!\s*(DOCTYPE|ENTITY)/i.test(text)) {
    throw new XmlRefusal('xml-doctype', 'a DOCTYPE or ENTITY declaration is not accepted');
  }
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i.exec(text)?.[1];
  if (declared && !/^utf-?8$/i.test(declared)) {
    throw new XmlRefusal('xml-encoding', `only UTF-8 is accepted (the message says ${declared})`);
  }
  if (text.includes('\uFFFD') && typeof input !== 'string') {
    throw new XmlRefusal('xml-encoding', 'the message is not valid UTF-8');
  }
  let doc: XmlDocument;
  let problem = '';
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level === 'warning') return;
        problem ||= message;
        throw new Error(message);
      },
    }).parseFromString(text, 'application/xml');
  } catch (error) {
    throw new XmlRefusal('xml-malformed', `not well-formed XML: ${firstLine(problem || error)}`);
  }
  const root = doc.documentElement;
  if (!root) throw new XmlRefusal('xml-malformed', 'no root element');
  let elements = 0;
  const walk = (element: XmlElement, depth: number) => {
    if (depth > limits.maxDepth)
      throw new XmlRefusal('xml-too-deep', `elements nest deeper than ${limits.maxDepth}`);
    if (++elements > limits.maxElements) {
      throw new XmlRefusal('xml-too-large', `more than ${limits.maxElements} elements`);
    }
    for (const child of childElements(element)) walk(child, depth + 1);
  };
  walk(root, 1);
  return doc;
}

function firstLine(error: unknown): string {
  return (
    String(error instanceof Error ? error.message : error)
      .split('\n')[0]
      ?.slice(0, 200) ?? ''
  );
}

export function childElements(element: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = element.firstChild; n; n = n.nextSibling)
    if (n.nodeType === ELEMENT_NODE) out.push(n as XmlElement);
  return out;
}

/** The children named `{ns}local`. */
export function children(element: XmlElement | null | undefined, ns: string, local: string): XmlElement[] {
  if (!element) return [];
  return childElements(element).filter((c) => c.namespaceURI === ns && c.localName === local);
}

/** The first child named `{ns}local`, or null. */
export function child(element: XmlElement | null | undefined, ns: string, local: string): XmlElement | null {
  return children(element, ns, local)[0] ?? null;
}

/** Follows a path of local names in one namespace from `element`. */
export function path(
  element: XmlElement | null | undefined,
  ns: string,
  ...locals: string[]
): XmlElement | null {
  let at: XmlElement | null = element ?? null;
  for (const local of locals) at = child(at, ns, local);
  return at;
}

export const attr = (element: XmlElement | null | undefined, name: string): string | null =>
  element?.hasAttribute(name) ? element.getAttribute(name) : null;

export const text = (element: XmlElement | null | undefined): string | null =>
  element ? (element.textContent ?? '').trim() : null;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
export const escapeXml = (value: string): string => value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/**
 * One element as text: attributes and text escaped, children already built. `undefined` and `null`
 * attributes are left out. Control characters XML 1.0 cannot carry are dropped from text.
 */
export function el(
  name: string,
  attrs: Record<string, string | number | null | undefined> = {},
  ...content: Array<string | null | undefined | false>
): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
  const inner = content.filter((c): c is string => typeof c === 'string').join('');
  return inner === '' ? `<${name}${a}/>` : `<${name}${a}>${inner}</${name}>`;
}

/** Text content for `el`: escaped, without characters XML 1.0 forbids. */
export const t = (value: string): string =>
  escapeXml(value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, ''));
