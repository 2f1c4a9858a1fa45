/**
 * A CDA R2 document (HL7 Japan 退院時サマリー, 診療情報提供書, 読影レポート …) read into plain data for
 * the documents tab: its header (title, patient, authors, date, custodian, recipient, stay) and the
 * narrative of its sections (paragraphs, lists, tables, styled content, line breaks).
 *
 * The document is someone else's content, so nothing of it is ever markup on our page: the screen
 * builds React elements from this data, text stays text, no attribute is carried over (no href, no
 * src, no on*, no style), <script>/<style> are dropped, and nothing outside the document is loaded.
 * An image is shown only when the document itself carries it (observationMedia, base64 PNG/JPEG/GIF)
 * — as a data: URL made here — else a placeholder says what was not shown.
 */

/** Inline and block content of a section's narrative block (CDA `StrucDoc.Text`). */
export type CdaNode =
  | { t: 'text'; text: string }
  | { t: 'br' }
  | { t: 'styled'; bold: boolean; italic: boolean; underline: boolean; deleted: boolean; children: CdaNode[] }
  | { t: 'sup' | 'sub'; children: CdaNode[] }
  | { t: 'paragraph'; caption: CdaNode[]; children: CdaNode[] }
  | { t: 'list'; ordered: boolean; caption: CdaNode[]; items: CdaNode[][] }
  | { t: 'table'; caption: CdaNode[]; head: CdaRow[]; body: CdaRow[] }
  | { t: 'image'; src: string; alt: string }
  | { t: 'omitted'; what: 'external-image' | 'unsupported-media'; alt: string };

export interface CdaCell {
  header: boolean;
  colSpan: number;
  rowSpan: number;
  children: CdaNode[];
}
export type CdaRow = CdaCell[];

export interface CdaSection {
  title: string;
  /** LOINC section code, when given. */
  code: string | null;
  narrative: CdaNode[];
  sections: CdaSection[];
}

export interface CdaPerson {
  name: string;
  /** Kana reading (use="SYL"), when given. */
  kana: string;
}

export interface CdaView {
  title: string;
  /** Document type code (LOINC) and its display name. */
  code: { code: string; display: string } | null;
  /** When it was written: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS+09:00`. */
  effectiveTime: string | null;
  patient: {
    name: string;
    kana: string;
    birthDate: string | null;
    sex: 'M' | 'F' | 'U' | null;
    id: string | null;
  } | null;
  authors: { person: CdaPerson | null; organization: string; time: string | null }[];
  custodian: string;
  recipients: string[];
  encounter: { start: string | null; end: string | null } | null;
  version: string | null;
  sections: CdaSection[];
  /** A document with a nonXMLBody: its plain text, when it is plain text; else null. */
  plainText: string | null;
}

export type CdaResult =
  | { ok: true; view: CdaView }
  | { ok: false; reason: 'not-xml' | 'not-cda' | 'too-large' };

/** Larger than any narrative a clinician reads on a screen; refused rather than frozen on. */
export const MAX_CDA_CHARS = 20_000_000;
const MAX_IMAGE_BASE64 = 8_000_000;
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif']);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MAX_DEPTH = 64;

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;

/** The browser's XML parser (never the HTML one: no script runs, no resource loads). */
export const browserXml = (text: string): Document =>
  new DOMParser().parseFromString(text, 'application/xml');

/**
 * The document's text from its bytes: the encoding its XML declaration names (Japanese documents are
 * often Shift_JIS), else UTF-8 (with or without a BOM). An encoding the browser does not know: UTF-8.
 */
export function decodeXml(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return new TextDecoder('utf-8').decode(bytes);
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** Reads a CDA document; `parse` is the XML parser (the browser's DOMParser, another DOM in tests). */
export function readCda(text: string, parse: (text: string) => Document = browserXml): CdaResult {
  if (text.length > MAX_CDA_CHARS) return { ok: false, reason: 'too-large' };
  // A CDA document has no DTD; one that brings its own (entities, external subsets) is not read.
  if (/<!DOCTYPE/i.test(text)) return { ok: false, reason: 'not-xml' };
  let doc: Document;
  try {
    doc = parse(text);
  } catch {
    return { ok: false, reason: 'not-xml' };
  }
  const root = doc.documentElement;
  if (!root || root.getElementsByTagName('parsererror').length > 0 || root.localName === 'parsererror') {
    return { ok: false, reason: 'not-xml' };
  }
  if (root.localName !== 'ClinicalDocument') return { ok: false, reason: 'not-cda' };
  return { ok: true, view: viewOf(root) };
}

function viewOf(root: Element): CdaView {
  const media = mediaById(root);
  const code = child(root, 'code');
  const patientRole = path(root, 'recordTarget', 'patientRole');
  const patient = patientRole ? child(patientRole, 'patient') : null;
  const encounterTime = path(root, 'componentOf', 'encompassingEncounter', 'effectiveTime');
  const body = path(root, 'component', 'structuredBody');
  const nonXml = path(root, 'component', 'nonXMLBody', 'text');
  return {
    title: textOf(child(root, 'title')) || attr(code, 'displayName'),
    code: code ? { code: attr(code, 'code'), display: attr(code, 'displayName') } : null,
    effectiveTime: hl7Time(attr(child(root, 'effectiveTime'), 'value')),
    patient: patient
      ? {
          ...personName(patient),
          birthDate: hl7Time(attr(child(patient, 'birthTime'), 'value')),
          sex: sexOf(attr(child(patient, 'administrativeGenderCode'), 'code')),
          id: attr(child(patientRole!, 'id'), 'extension') || null,
        }
      : null,
    authors: children(root, 'author').map((a) => {
      const assigned = child(a, 'assignedAuthor');
      const person = assigned ? child(assigned, 'assignedPerson') : null;
      return {
        person: person ? personName(person) : null,
        organization: textOf(path(assigned, 'representedOrganization', 'name')),
        time: hl7Time(attr(child(a, 'time'), 'value')),
      };
    }),
    custodian: textOf(
      path(root, 'custodian', 'assignedCustodian', 'representedCustodianOrganization', 'name'),
    ),
    recipients: children(root, 'informationRecipient')
      .map((r) => {
        const intended = child(r, 'intendedRecipient');
        const who = textOf(path(intended, 'informationRecipient', 'name'));
        const where = textOf(path(intended, 'receivedOrganization', 'name'));
        return [where, who].filter(Boolean).join(' ');
      })
      .filter(Boolean),
    encounter: encounterTime
      ? {
          start: hl7Time(attr(child(encounterTime, 'low'), 'value') || attr(encounterTime, 'value')),
          end: hl7Time(attr(child(encounterTime, 'high'), 'value')),
        }
      : null,
    version: attr(child(root, 'versionNumber'), 'value') || null,
    sections: body ? children(body, 'component').flatMap((c) => sectionsOf(c, media, 0)) : [],
    plainText: nonXml && plainTextBody(nonXml),
  };
}

function sectionsOf(component: Element, media: Map<string, Element>, depth: number): CdaSection[] {
  const section = child(component, 'section');
  if (!section || depth > MAX_DEPTH) return [];
  const text = child(section, 'text');
  return [
    {
      title: textOf(child(section, 'title')),
      code: attr(child(section, 'code'), 'code') || null,
      narrative: text ? narrative(text, media, 0) : [],
      sections: children(section, 'component').flatMap((c) => sectionsOf(c, media, depth + 1)),
    },
  ];
}

/** The narrative block: only the elements CDA defines become nodes; everything else is its text. */
function narrative(parent: Element, media: Map<string, Element>, depth: number): CdaNode[] {
  const out: CdaNode[] = [];
  if (depth > MAX_DEPTH) return out;
  const inner = (e: Element) => narrative(e, media, depth + 1);
  for (const node of nodes(parent)) {
    if (node.nodeType === TEXT || node.nodeType === CDATA) {
      const text = node.nodeValue ?? '';
      if (text.trim() !== '' || (text !== '' && out.length > 0)) out.push({ t: 'text', text });
      continue;
    }
    if (node.nodeType !== ELEMENT) continue;
    const e = node as Element;
    switch (e.localName) {
      case 'br':
        out.push({ t: 'br' });
        break;
      case 'paragraph':
        out.push({ t: 'paragraph', caption: captionOf(e, inner), children: inner(e) });
        break;
      case 'list':
        out.push({
          t: 'list',
          ordered: attr(e, 'listType') === 'ordered',
          caption: captionOf(e, inner),
          items: children(e, 'item').map(inner),
        });
        break;
      case 'table':
        out.push(table(e, inner));
        break;
      case 'content': {
        const style = attr(e, 'styleCode').split(/\s+/);
        out.push({
          t: 'styled',
          bold: style.includes('Bold') || style.includes('Emphasis'),
          italic: style.includes('Italics'),
          underline: style.includes('Underline'),
          deleted: attr(e, 'revised') === 'delete',
          children: inner(e),
        });
        break;
      }
      case 'sup':
      case 'sub':
        out.push({ t: e.localName, children: inner(e) });
        break;
      case 'renderMultiMedia':
        out.push(...renderMedia(e, media));
        break;
      case 'caption':
        break; // read by its paragraph, list or table
      case 'script':
      case 'style':
        break; // not CDA; never shown, never run
      case 'img':
      case 'image':
      case 'iframe':
      case 'object':
      case 'embed':
      case 'video':
      case 'audio':
        out.push({ t: 'omitted', what: 'external-image', alt: attr(e, 'alt') });
        break;
      default:
        // linkHtml, footnote, footnoteRef and anything unknown: its text, never its link or attributes.
        out.push(...inner(e));
    }
  }
  return out;
}

function table(e: Element, inner: (e: Element) => CdaNode[]): CdaNode {
  const rowsOf = (group: Element | null): CdaRow[] =>
    group
      ? children(group, 'tr').map((tr) =>
          nodes(tr)
            .filter((n): n is Element => n.nodeType === ELEMENT && /^t[hd]$/.test((n as Element).localName))
            .map((cell) => ({
              header: cell.localName === 'th',
              colSpan: span(attr(cell, 'colspan')),
              rowSpan: span(attr(cell, 'rowspan')),
              children: inner(cell),
            })),
        )
      : [];
  const head = rowsOf(child(e, 'thead'));
  const body = [...children(e, 'tbody').flatMap(rowsOf), ...rowsOf(e), ...rowsOf(child(e, 'tfoot'))];
  return { t: 'table', caption: captionOf(e, inner), head, body };
}

const span = (value: string): number => {
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n >= 1 ? Math.min(n, 50) : 1;
};

function captionOf(e: Element, inner: (e: Element) => CdaNode[]): CdaNode[] {
  const caption = child(e, 'caption');
  return caption ? inner(caption) : [];
}

/** observationMedia (and regionOfInterest's media) of the document by their ID attribute. */
function mediaById(root: Element): Map<string, Element> {
  const byId = new Map<string, Element>();
  const all = root.getElementsByTagNameNS('*', 'observationMedia');
  for (let i = 0; i < all.length; i++) {
    const m = all.item(i);
    const id = m?.getAttribute('ID');
    if (m && id) byId.set(id, m);
  }
  return byId;
}

function renderMedia(e: Element, media: Map<string, Element>): CdaNode[] {
  const alt = textOf(child(e, 'caption'));
  const refs = attr(e, 'referencedObject').split(/\s+/).filter(Boolean);
  if (refs.length === 0) return [{ t: 'omitted', what: 'external-image', alt }];
  return refs.map((ref): CdaNode => {
    const value = child(media.get(ref) ?? null, 'value');
    if (!value) return { t: 'omitted', what: 'external-image', alt };
    const type = attr(value, 'mediaType').toLowerCase();
    const data = directText(value).replace(/\s+/g, '');
    // Only bytes the document carries itself, of a type an <img> shows and nothing else does.
    if (child(value, 'reference') && data === '') return { t: 'omitted', what: 'external-image', alt };
    if (!IMAGE_TYPES.has(type) || attr(value, 'representation') !== 'B64') {
      return { t: 'omitted', what: 'unsupported-media', alt };
    }
    if (data === '' || data.length > MAX_IMAGE_BASE64 || !BASE64.test(data)) {
      return { t: 'omitted', what: 'unsupported-media', alt };
    }
    return { t: 'image', src: `data:${type};base64,${data}`, alt };
  });
}

function plainTextBody(text: Element): string | null {
  const type = (attr(text, 'mediaType') || 'text/plain').toLowerCase();
  if (type !== 'text/plain' || attr(text, 'representation') === 'B64') return null;
  return directText(text);
}

function personName(person: Element): CdaPerson {
  const names = children(person, 'name');
  const byUse = (use: string) => names.find((n) => attr(n, 'use').split(/\s+/).includes(use));
  const written = byUse('IDE') ?? names.find((n) => !attr(n, 'use').includes('SYL')) ?? names[0];
  const kana = byUse('SYL');
  return { name: nameText(written), kana: nameText(kana) };
}

/** Family then given, with a space, as Japanese names are written; prefixes and suffixes around. */
function nameText(name: Element | undefined): string {
  if (!name) return '';
  const parts = ['prefix', 'family', 'given', 'suffix']
    .flatMap((part) => children(name, part))
    .map((p) => textOf(p))
    .filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : textOf(name);
}

const sexOf = (code: string): 'M' | 'F' | 'U' | null =>
  code === 'M' || code === 'F' ? code : code === 'UN' || code === 'U' ? 'U' : null;

/** HL7 TS (`20240220`, `202402201030+0900`) → `2024-02-20` or `2024-02-20T10:30:00+09:00` (Japan when no zone). */
export function hl7Time(value: string): string | null {
  const m = /^(\d{4})(\d{2})?(\d{2})?(?:(\d{2})(\d{2})?(\d{2})?(?:\.\d+)?)?([+-]\d{4})?$/.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, zone] = m;
  if (!mo) return y!;
  if (!d) return `${y}-${mo}`;
  if (!h) return `${y}-${mo}-${d}`;
  const z = zone ? `${zone.slice(0, 3)}:${zone.slice(3)}` : '+09:00';
  return `${y}-${mo}-${d}T${h}:${mi ?? '00'}:${s ?? '00'}${z}`;
}

// --- small DOM helpers (work on any DOM Level 2 implementation) ---

function nodes(parent: Node): Node[] {
  const out: Node[] = [];
  const list = parent.childNodes;
  for (let i = 0; i < list.length; i++) {
    const n = list.item(i);
    if (n) out.push(n);
  }
  return out;
}

function children(parent: Element | null, name: string): Element[] {
  if (!parent) return [];
  return nodes(parent).filter(
    (n): n is Element => n.nodeType === ELEMENT && (n as Element).localName === name,
  );
}

const child = (parent: Element | null, name: string): Element | null => children(parent, name)[0] ?? null;

function path(parent: Element | null, ...names: string[]): Element | null {
  let at = parent;
  for (const name of names) at = child(at, name);
  return at;
}

const attr = (e: Element | null, name: string): string => e?.getAttribute(name) ?? '';

/** All the text inside, whitespace collapsed (names, titles). */
const textOf = (e: Element | null): string => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** The element's own text nodes (a value's base64, a plain-text body), not its children's. */
function directText(e: Element): string {
  return nodes(e)
    .filter((n) => n.nodeType === TEXT || n.nodeType === CDATA)
    .map((n) => n.nodeValue ?? '')
    .join('');
}
