import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { crc32 } from 'node:zlib';
import { mapExtendedDocument, readCdaHeader } from '@hie/fhir-jp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtendedContent, type ExtendedProblem, listExtendedStorage } from '../../storage/extended.js';
import { listFiles } from '../../test-support/samples.js';
import { type GenerateSummary, generateStorage } from '../generate.js';
import { EXTENDED_DATA_TYPES } from './extended.js';
import { renderPdf, utf16Hex, wrapLine } from './pdf.js';
import { PNG_SIGNATURE, renderPng, schemaSketch } from './png.js';

const temp = mkdtempSync(join(tmpdir(), 'hie-extended-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const OPTIONS = { patients: 20, facilityCode: '3310210012', years: 2, seed: 9 } as const;

function treeHash(root: string): string {
  const hash = createHash('sha256');
  for (const rel of listFiles(root)) {
    hash.update(rel.split(sep).join('/'));
    hash.update(readFileSync(join(root, rel)));
  }
  return hash.digest('hex');
}

/**
 * Well-formedness without an XML parser: one declaration first, then tags that nest and close in
 * order, attributes quoted, only the five predefined entities (or numeric ones) in text.
 */
function xmlProblems(text: string): string[] {
  const problems: string[] = [];
  if (!text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')) problems.push('no XML declaration');
  const stack: string[] = [];
  let i = text.indexOf('?>') + 2;
  let roots = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    for (let a = chunk.indexOf('&'); a >= 0; a = chunk.indexOf('&', a + 1)) {
      const semi = chunk.indexOf(';', a);
      const name = semi < 0 ? '' : chunk.slice(a + 1, semi);
      if (!['amp', 'lt', 'gt', 'quot', 'apos'].includes(name) && !/^#(\d+|x[0-9a-f]+)$/i.test(name))
        problems.push(`bad entity at ${i + a}`);
    }
    if (stack.length === 0 && chunk.trim() !== '') problems.push(`text outside the root at ${i}`);
    if (lt < 0) break;
    const gt = text.indexOf('>', lt);
    if (gt < 0) {
      problems.push(`unclosed tag at ${lt}`);
      break;
    }
    const tag = text.slice(lt + 1, gt);
    if (tag.includes('<')) problems.push(`'<' inside a tag at ${lt}`);
    const quotes = tag.split('"').length - 1;
    if (quotes % 2 !== 0) problems.push(`unbalanced quotes at ${lt}`);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open}> at ${lt}`);
    } else if (!tag.startsWith('?') && !tag.startsWith('!')) {
      const name = tag.split(/[\s/]/)[0] ?? '';
      if (!/^[A-Za-z_][\w.:-]*$/.test(name)) problems.push(`bad tag name '${name}' at ${lt}`);
      if (stack.length === 0) roots++;
      if (!tag.endsWith('/')) stack.push(name);
    }
    i = gt + 1;
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

/** PDF structure: header, xref entries pointing at `N 0 obj`, trailer, startxref at the xref. */
function pdfProblems(bytes: Uint8Array): string[] {
  const text = Buffer.from(bytes).toString('latin1');
  const problems: string[] = [];
  if (!text.startsWith('%PDF-1.4\n')) problems.push('no %PDF-1.4 header');
  if (!text.endsWith('%%EOF\n')) problems.push('no %%EOF');
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
  if (text.slice(startxref, startxref + 5) !== 'xref\n') problems.push('startxref does not point at xref');
  const head = /^xref\n0 (\d+)\n/.exec(text.slice(startxref));
  const count = Number(head?.[1]);
  const table = text.slice(startxref + (head?.[0].length ?? 0));
  if (table.slice(0, 20) !== '0000000000 65535 f \n') problems.push('bad free entry');
  for (let n = 1; n < count; n++) {
    const entry = table.slice(n * 20, n * 20 + 20);
    if (!/^\d{10} 00000 n \n$/.test(entry)) problems.push(`bad xref entry ${n}`);
    const offset = Number(entry.slice(0, 10));
    if (!text.startsWith(`${n} 0 obj\n`, offset)) problems.push(`object ${n} is not at ${offset}`);
  }
  const trailer = table.slice(count * 20);
  if (!trailer.startsWith(`trailer\n<< /Size ${count} /Root 1 0 R`)) problems.push('bad trailer');
  for (const m of text.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) {
    const start = (m.index ?? 0) + m[0].length;
    if (text.slice(start + Number(m[1]), start + Number(m[1]) + 9) !== 'endstream')
      problems.push(`stream length wrong at ${m.index}`);
  }
  if (!text.includes('/Encoding /UniJIS-UCS2-H') || !text.includes('/BaseFont /HeiseiKakuGo-W5'))
    problems.push('not the CID font');
  return problems;
}

/** PNG: signature, then chunks whose CRCs hold, IHDR first and IEND last. */
function pngChunks(bytes: Uint8Array): string[] {
  const b = Buffer.from(bytes);
  if (!b.subarray(0, 8).equals(Buffer.from(PNG_SIGNATURE))) return ['bad signature'];
  const types: string[] = [];
  for (let at = 8; at < b.length; ) {
    const length = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    const crc = b.readUInt32BE(at + 8 + length);
    types.push(crc32(b.subarray(at + 4, at + 8 + length)) === crc ? type : `${type}:bad-crc`);
    at += 12 + length;
  }
  return types;
}

describe('generateStorage with extendedOut (20 patients, 2 years, seed 9: 5 discharges)', () => {
  const out = join(temp, 'std');
  const ext = join(temp, 'ext');
  let summary: GenerateSummary;
  const items: (ExtendedContent | ExtendedProblem)[] = [];
  beforeAll(async () => {
    summary = await generateStorage({ ...OPTIONS, out, extendedOut: ext });
    for await (const item of listExtendedStorage(ext)) items.push(item);
  });
  const contents = () => items.filter((i): i is ExtendedContent => i.kind === 'content');

  it('writes discharge summaries, imaging reports and referral letters, and counts them', () => {
    expect(summary.byDataType['ADT-52']).toBeGreaterThan(0);
    expect(summary.extended?.byDataType.DSUM).toBeGreaterThan(0);
    expect(summary.extended?.byDataType.RADR).toBeGreaterThan(0);
    expect(summary.extended?.byDataType.REFL).toBeGreaterThan(0);
    expect(items.filter((i) => i.kind === 'problem')).toEqual([]);
    expect(contents().length).toBe(summary.extended?.folders);
    // Temp folders were all renamed into place.
    expect(listFiles(ext).filter((f) => f.split(sep).some((p) => p.startsWith('.')))).toEqual([]);
    expect(listFiles(ext).length).toBe(summary.extended?.files);
  });

  it('lays out content folders per extendedContentPath: known type folder, 17-digit timestamp, dept, flags', () => {
    const keys = new Set<string>();
    for (const c of contents()) {
      expect(Object.values(EXTENDED_DATA_TYPES)).toContain(c.dataType.folder);
      expect(c.dataType.localSystem).toBe('99ZL01');
      expect(c.name.ok).toBe(true);
      if (!c.name.ok) continue;
      expect(c.name.value.timestamp).toMatch(/^\d{17}$/);
      expect(c.name.value.department).toMatch(/^\d{2}$/);
      expect(c.name.value.careDate).toBe(c.careDate);
      expect(c.name.value.timestamp.slice(0, 8) >= c.careDate).toBe(true);
      keys.add(`${c.name.value.orderNo}|${c.name.value.flag}`);
    }
    const flags = contents().map((c) => (c.name.ok ? c.name.value.flag : '?'));
    expect(flags.filter((f) => f === '2').length).toBeGreaterThan(0);
    expect(flags.every((f) => f === '1' || f === '2')).toBe(true);
    // Specific keys: one current folder each; every `_2` has a newer `_1`.
    const current = contents().filter((c) => c.name.ok && c.name.value.flag === '1');
    expect(new Set(current.map((c) => c.name.ok && c.name.value.orderNo)).size).toBe(current.length);
    for (const c of contents()) {
      if (!c.name.ok || c.name.value.flag !== '2') continue;
      const v = c.name.value;
      const newer = current.find((x) => x.name.ok && x.name.value.orderNo === v.orderNo);
      expect(newer?.name.ok && newer.name.value.timestamp > v.timestamp).toBe(true);
    }
    expect(keys.size).toBe(contents().length);
  });

  it('holds a CDA main document and its PDF in every folder, sometimes a PNG', () => {
    let pngs = 0;
    for (const c of contents()) {
      expect(c.mainDocument).toEqual({ file: 'main_document.xml', kind: 'cda' });
      expect(c.attachments).toContain('document.pdf');
      const cda = readFileSync(join(c.path, 'main_document.xml'), 'utf8');
      expect(xmlProblems(cda)).toEqual([]);
      expect(cda).toContain(
        `<id root="1.2.392.100495.20.3.51.1${OPTIONS.facilityCode}" extension="${c.patientId}"/>`,
      );
      expect(cda).toMatch(/<name use="IDE"><family>[^<]+<\/family><given>[^<]+<\/given><\/name>/);
      expect(cda).toMatch(/<name use="SYL"><family>[^<]+<\/family>/);
      expect(cda).toContain('<custodian><assignedCustodian><representedCustodianOrganization>');
      expect(cda).toContain(`<title>${c.dataType.localName}</title>`);
      expect(pdfProblems(readFileSync(join(c.path, 'document.pdf')))).toEqual([]);
      if (c.attachments.includes('schema.png')) {
        pngs++;
        expect(pngChunks(readFileSync(join(c.path, 'schema.png')))).toEqual(['IHDR', 'IDAT', 'IEND']);
      }
    }
    expect(pngs).toBeGreaterThan(0);
  });

  it('writes discharge summaries with the Japanese sections, consistent with the chart', () => {
    const dsum = contents().filter((c) => c.dataType.localCode === 'DSUM');
    expect(dsum.length).toBeGreaterThan(0);
    for (const c of dsum) {
      const cda = readFileSync(join(c.path, 'main_document.xml'), 'utf8');
      for (const title of ['入院時診断', '入院経過', '退院時処方', '検査所見'])
        expect(cda).toContain(`<title>${title}</title>`);
      // The stay's discharge (ADT-52) is in standardized storage on the same care date.
      const pid = c.patientId;
      const folder = join(out, pid.slice(0, 3), pid.slice(3, 6), pid, c.careDate, 'ADT-52');
      expect(existsSync(folder)).toBe(true);
    }
  });

  it("names its study in a 読影レポート's header: the accession number, order number and UID of the OMG-11 it reads", () => {
    const radr = contents().filter((c) => c.dataType.localCode === 'RADR');
    expect(radr.length).toBeGreaterThan(0);
    for (const c of radr) {
      const header = readCdaHeader(readFileSync(join(c.path, 'main_document.xml'), 'utf8'));
      const [accession, order] = header?.orders ?? [];
      const uid = header?.serviceEvents[0]?.root;
      expect(accession?.extension && order?.extension && uid).toBeTruthy();
      // The performed study (OMG-11) of that care date with this accession number and UID.
      const pid = c.patientId;
      const folder = join(out, pid.slice(0, 3), pid.slice(3, 6), pid, c.careDate, 'OMG-11');
      const studies = listFiles(folder).map((f) => {
        const segments = readFileSync(join(folder, f), 'latin1').split('\r');
        const ipc = segments.find((x) => x.startsWith('IPC|'))?.split('|') ?? [];
        const orc = segments.find((x) => x.startsWith('ORC|'))?.split('|') ?? [];
        return { accession: ipc[1], uid: ipc[3], order: orc[2] };
      });
      expect(studies).toContainEqual({ accession: accession?.extension, uid, order: order?.extension });
    }
  });

  it('maps every folder with mapExtendedDocument to a DocumentReference whose Binary files exist', () => {
    for (const c of contents()) {
      if (!c.name.ok) continue;
      const mapped = mapExtendedDocument(
        {
          patientId: c.patientId,
          careDate: c.careDate,
          dataType: c.dataType,
          specificKey: c.name.value.orderNo,
          timestamp: c.name.value.timestamp,
          department: c.name.value.department,
          flag: c.name.value.flag,
          mainDocument: c.mainDocument?.file,
          attachments: c.attachments,
        },
        { institutionCode: OPTIONS.facilityCode, name: '倉敷中央病院' },
      );
      expect(mapped.entries[0]?.resource.resourceType).toBe('DocumentReference');
      expect(mapped.files.length).toBe(1 + c.attachments.length);
      for (const f of mapped.files) expect(existsSync(join(c.path, f.file))).toBe(true);
      expect(mapped.files.map((f) => f.contentType)).toContain('application/pdf');
    }
  });

  it('leaves the standardized storage byte-identical, and is deterministic for the seed', async () => {
    const plain = join(temp, 'plain');
    await generateStorage({ ...OPTIONS, out: plain });
    expect(treeHash(plain)).toBe(treeHash(out));
    const out2 = join(temp, 'std2');
    const ext2 = join(temp, 'ext2');
    await generateStorage({ ...OPTIONS, out: out2, extendedOut: ext2 });
    expect(treeHash(ext2)).toBe(treeHash(ext));
  });

  it('refuses an extended root that is the standardized root or not empty', async () => {
    await expect(
      generateStorage({ ...OPTIONS, out: join(temp, 'x'), extendedOut: join(temp, 'x') }),
    ).rejects.toThrow(/root of its own/);
    await expect(generateStorage({ ...OPTIONS, out: join(temp, 'y'), extendedOut: ext })).rejects.toThrow(
      /not empty/,
    );
  });
});

describe('renderPdf', () => {
  it('writes hex UTF-16BE text in the CID font, wraps long lines and adds pages, with a valid xref', () => {
    expect(utf16Hex('退院 A')).toBe('9000966200200041');
    expect(wrapLine('あ'.repeat(100), 10, 200)).toEqual([
      'あ'.repeat(20),
      'あ'.repeat(20),
      'あ'.repeat(20),
      'あ'.repeat(20),
      'あ'.repeat(20),
    ]);
    expect(wrapLine('ab'.repeat(30), 10, 200)).toEqual(['ab'.repeat(20), 'ab'.repeat(10)]);
    const lines = Array.from({ length: 120 }, (_, i) => ({ text: `${i + 1}行目　入院経過 (a & b) \\ <x>` }));
    const pdf = renderPdf({ title: '退院時サマリ', lines, created: '20260620131546' });
    expect(pdfProblems(pdf)).toEqual([]);
    const text = Buffer.from(pdf).toString('latin1');
    expect(text).toMatch(/\/Type \/Pages \/Kids \[7 0 R 9 0 R 11 0 R\] \/Count 3/);
    expect(text).toContain(`<${utf16Hex('120行目')}`);
    // Nothing but hex inside text strings: no escaping problems with ( ) \\ in the input.
    expect(text).not.toContain('(a & b)');
  });

  it('notices a broken xref (the checker can fail)', () => {
    const pdf = Buffer.from(renderPdf({ title: 't', lines: [{ text: 'x' }], created: '20260101000000' }));
    const broken = Buffer.from(pdf.toString('latin1').replace('1 0 obj', '1 0 obj '), 'latin1');
    expect(pdfProblems(new Uint8Array(broken))).not.toEqual([]);
  });
});

describe('renderPng', () => {
  it('writes a 1-bit greyscale PNG with valid CRCs, and the checker sees a corrupted chunk', () => {
    const png = renderPng(schemaSketch({ x: 0.3, y: 0.6 }));
    expect(pngChunks(png)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const b = Buffer.from(png);
    expect([b.readUInt32BE(16), b.readUInt32BE(20), b[24], b[25]]).toEqual([160, 120, 1, 0]);
    b[30] = (b[30] ?? 0) ^ 0xff;
    expect(pngChunks(new Uint8Array(b))[0]).toBe('IHDR:bad-crc');
  });
});

describe('the well-formedness checker', () => {
  it('finds crossed and unclosed tags, bare ampersands and a second root', () => {
    const decl = '<?xml version="1.0" encoding="UTF-8"?>\n';
    expect(xmlProblems(`${decl}<a><b>x &amp; y</b></a>\n`)).toEqual([]);
    expect(xmlProblems(`${decl}<a><b></a></b>`)).not.toEqual([]);
    expect(xmlProblems(`${decl}<a>x & y</a>`)).not.toEqual([]);
    expect(xmlProblems(`${decl}<a/><b/>`)).not.toEqual([]);
    expect(xmlProblems(`${decl}<a x="1></a>`)).not.toEqual([]);
  });
});
