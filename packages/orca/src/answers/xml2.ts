// ORCA's "xml2" format and the JSON the same records take with `?format=json`:
//   <xmlio2><patientinfores type="record"><Patient_ID type="string">00001</Patient_ID>
//     <HealthInsurance_Information type="array"><HealthInsurance_Information_child type="record">…
// becomes { "patientinfores": { "Patient_ID": "00001", "HealthInsurance_Information": [ { … } ] } }.
// Requests use the same form under <data>. A DOCTYPE is refused: an answer never needs one, and it is
// how entity expansion attacks start.
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import { OrcaError } from '../errors.js';

type Json = string | Json[] | { [key: string]: Json };

const ELEMENT = 1;

function children(e: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = e.firstChild; n; n = n.nextSibling) if (n.nodeType === ELEMENT) out.push(n as XmlElement);
  return out;
}

function convert(e: XmlElement): Json {
  const type = e.getAttribute('type');
  const kids = children(e);
  if (type === 'array') return kids.map(convert);
  if (type === 'record' || (type !== 'string' && kids.length > 0)) {
    const out: { [key: string]: Json } = {};
    for (const k of kids) out[k.tagName] = convert(k);
    return out;
  }
  return e.textContent ?? '';
}

/** Parses xml2 text into its JSON form: `{ <record name>: … }` (the root element is dropped). */
export function parseXml2(text: string, api: string): Record<string, Json> {
  if (/<!DOCTYPE/i.test(text)) throw new OrcaError('orca-bad-answer', { api, detail: 'XML with a DOCTYPE' });
  let doc: ReturnType<DOMParser['parseFromString']>;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(text, 'text/xml');
  } catch (e) {
    const locator = findLocator(e);
    throw new OrcaError('orca-bad-answer', {
      api,
      ...(locator ? { line: locator.lineNumber, column: locator.columnNumber } : {}),
      detail: `not well-formed XML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
    });
  }
  const root = doc.documentElement;
  if (!root) throw new OrcaError('orca-bad-answer', { api, detail: 'empty XML' });
  const out: Record<string, Json> = {};
  for (const k of children(root as unknown as XmlElement)) out[k.tagName] = convert(k);
  return out;
}

function findLocator(e: unknown): { lineNumber: number; columnNumber: number } | undefined {
  for (let x: unknown = e; x && typeof x === 'object'; x = (x as { cause?: unknown }).cause) {
    const l = (x as { locator?: { lineNumber?: unknown; columnNumber?: unknown } }).locator;
    if (l && typeof l.lineNumber === 'number' && typeof l.columnNumber === 'number')
      return { lineNumber: l.lineNumber, columnNumber: l.columnNumber };
  }
  return undefined;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Blank padding records are not written in XML (ORCA's XML lists only real children). */
const isBlank = (v: unknown): boolean =>
  typeof v === 'string'
    ? v.trim() === ''
    : Array.isArray(v)
      ? v.every(isBlank)
      : typeof v === 'object' && v !== null
        ? Object.values(v).every(isBlank)
        : true;

function element(name: string, value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    const items = value.filter((v) => !isBlank(v)).map((v) => element(`${name}_child`, v, `${indent}  `));
    return `${indent}<${name} type="array">\n${items.join('')}${indent}</${name}>\n`;
  }
  if (typeof value === 'object' && value !== null) {
    const inner = Object.entries(value)
      .map(([k, v]) => element(k, v, `${indent}  `))
      .join('');
    return `${indent}<${name} type="record">\n${inner}${indent}</${name}>\n`;
  }
  return `${indent}<${name} type="string">${escapeXml(String(value ?? ''))}</${name}>\n`;
}

/** Writes `{ <record name>: … }` as xml2 under `root` (`xmlio2` for answers, `data` for requests). */
export function toXml2(root: 'xmlio2' | 'data', value: Record<string, unknown>): string {
  const body = Object.entries(value)
    .map(([k, v]) => element(k, v, '  '))
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}>\n${body}</${root}>\n`;
}

/** Parses an answer's text: JSON (with the line and column of a syntax error) or xml2. */
export function parseAnswerText(text: string, format: 'json' | 'xml', api: string): unknown {
  if (format === 'xml') return parseXml2(text, api);
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const at = /position (\d+)/.exec(message);
    const position = at ? Number(at[1]) : text.length;
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    const column = position - before.lastIndexOf('\n');
    throw new OrcaError('orca-bad-answer', { api, line, column, detail: `not JSON: ${message}` });
  }
}
