// Test support: XML Schema validation by libxml2's xmllint (Debian's libxml2-utils), run as a child process.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';

/** The OASIS DSMLv2 schema (as the Swiss EPR's HPD services publish it; fixtures/). */
export const DSML_XSD = fileURLToPath(new URL('./fixtures/DSMLv2.xsd', import.meta.url));

/** The schema's complaints about a document: [] when it is valid. Throws if xmllint is missing. */
export function xsdErrors(xml: string, xsd: string): string[] {
  try {
    execFileSync('xmllint', ['--noout', '--nonet', '--schema', xsd, '-'], {
      input: xml,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return [];
  } catch (error) {
    const e = error as { code?: string; stderr?: Buffer };
    if (e.code === 'ENOENT') throw new Error('xmllint is missing: apt-get install libxml2-utils');
    return String(e.stderr ?? '')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.endsWith('fails to validate'));
  }
}

/**
 * The DSMLv2 schema's complaints about the `batchRequest` or `batchResponse` in a message (a SOAP
 * envelope, or the element alone): [] when it is valid; a complaint when there is none.
 */
export function dsmlErrors(xml: string): string[] {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const ns = 'urn:oasis:names:tc:DSML:2:0:core';
  const batch =
    doc.getElementsByTagNameNS(ns, 'batchRequest')[0] ?? doc.getElementsByTagNameNS(ns, 'batchResponse')[0];
  if (!batch) return ['no DSML batchRequest or batchResponse'];
  return xsdErrors(new XMLSerializer().serializeToString(batch), DSML_XSD);
}
