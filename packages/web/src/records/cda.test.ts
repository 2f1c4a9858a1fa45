import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateStorage } from '@hie/ssmix2';
import { DOMParser, onErrorStopParsing } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CdaNode, type CdaSection, type CdaView, decodeXml, hl7Time, readCda } from './cda';

/** A standards DOM for Node (the browser uses its own DOMParser); stops at the first error. */
const xml = (text: string) =>
  new DOMParser({ onError: onErrorStopParsing }).parseFromString(text, 'text/xml') as unknown as Document;
const read = (text: string) => readCda(text, xml);

/** The text a reader sees: every text node of the view, in order. */
function nodeText(nodes: readonly CdaNode[]): string {
  return nodes
    .map((n) => {
      switch (n.t) {
        case 'text':
          return n.text;
        case 'br':
          return ' ';
        case 'styled':
        case 'sup':
        case 'sub':
          return nodeText(n.children);
        case 'paragraph':
          return `${nodeText(n.caption)} ${nodeText(n.children)} `;
        case 'list':
          return `${nodeText(n.caption)} ${n.items.map((i) => `${nodeText(i)} `).join('')}`;
        case 'table':
          return `${nodeText(n.caption)} ${[...n.head, ...n.body]
            .map((row) => row.map((c) => `${nodeText(c.children)} `).join(''))
            .join('')}`;
        default:
          return ' ';
      }
    })
    .join('');
}
const squash = (s: string) => s.replace(/\s+/g, '');
const allSections = (sections: readonly CdaSection[]): CdaSection[] =>
  sections.flatMap((s) => [s, ...allSections(s.sections)]);

// The documents the generator writes (ssmix2 generate/extended: cda.ts), one of each kind.
let dir: string;
const byKind = new Map<string, string[]>();
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hie-cda-'));
  await generateStorage({
    patients: 12,
    facilityCode: '3319800011',
    years: 2,
    seed: 9,
    out: join(dir, 'standard'),
    extendedOut: join(dir, 'extended'),
  });
  for (const entry of readdirSync(join(dir, 'extended'), { recursive: true, withFileTypes: true })) {
    if (entry.name !== 'main_document.xml') continue;
    const folder = entry.parentPath ?? (entry as unknown as { path: string }).path;
    const kind = /[/\\](DSUM|REFL|RADR)\^/.exec(folder)?.[1];
    if (kind) byKind.set(kind, [...(byKind.get(kind) ?? []), readFileSync(join(folder, entry.name), 'utf8')]);
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readCda on the documents the generator writes', () => {
  it('reads the header of a discharge summary: title, patient in kanji and kana, author, custodian, stay', () => {
    const text = byKind.get('DSUM')![0]!;
    const result = read(text);
    expect(result.ok).toBe(true);
    const view = (result as { view: CdaView }).view;
    expect(view.title).toBe('退院時サマリ');
    expect(view.code).toEqual({ code: '18842-5', display: 'Discharge summary' });
    expect(view.effectiveTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/);
    expect(view.patient?.name).toMatch(/^\S+ \S+$/);
    expect(view.patient?.kana).toMatch(/^[ァ-ヶー]+ [ァ-ヶー]+$/);
    expect(view.patient?.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(['M', 'F']).toContain(view.patient?.sex);
    expect(view.authors[0]?.person?.name).toMatch(/\S/);
    expect(view.custodian).toMatch(/\S/);
    expect(view.encounter?.start).toMatch(/^\d{4}-\d{2}-\d{2}/);
    expect(view.sections.map((s) => s.title)).toEqual(
      expect.arrayContaining(['入院時診断', '入院経過', '退院時処方']),
    );
  });

  it('loses no word of any section, whatever the kind (退院時サマリ, 診療情報提供書, 読影レポート)', () => {
    expect([...byKind.keys()].sort()).toEqual(['DSUM', 'RADR', 'REFL']);
    for (const [kind, texts] of byKind) {
      for (const text of texts.slice(0, 5)) {
        const result = read(text);
        expect(result.ok, kind).toBe(true);
        const view = (result as { view: CdaView }).view;
        const source = xml(text).getElementsByTagName('section');
        const sections = allSections(view.sections);
        expect(sections).toHaveLength(source.length);
        sections.forEach((s, i) => {
          const original = source.item(i)!;
          const title = original.getElementsByTagName('title').item(0)?.textContent ?? '';
          const narrative = original.getElementsByTagName('text').item(0)?.textContent ?? '';
          expect(s.title, kind).toBe(title);
          expect(squash(nodeText(s.narrative)), `${kind} ${title}`).toBe(squash(narrative));
        });
      }
    }
  });

  it('keeps a table a table and a list a list (検査所見, 退院時処方)', () => {
    const nodes = byKind
      .get('DSUM')!
      .flatMap((text) => allSections((read(text) as { view: CdaView }).view.sections))
      .flatMap((s) => s.narrative);
    const table = nodes.find((n) => n.t === 'table');
    expect(table && table.t === 'table' && table.head[0]?.every((c) => c.header)).toBe(true);
    expect(table && table.t === 'table' && table.body.length).toBeGreaterThan(0);
    expect(nodes.some((n) => n.t === 'list' && n.items.length > 0)).toBe(true);
  });
});

/** Someone hostile wrote this document: none of it may act, load or link. */
const HOSTILE = `<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="https://evil.example/cda.xsl"?>
<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xhtml="http://www.w3.org/1999/xhtml" onload="alert('doc')">
  <code code="18842-5" codeSystem="2.16.840.1.113883.6.1" displayName="Discharge summary"/>
  <title>退院時サマリ<script>alert('title')</script></title>
  <effectiveTime value="20250105093000+0900"/>
  <recordTarget><patientRole><id extension="12345"/><patient>
    <name use="IDE"><family>岡山</family><given>太郎</given></name>
    <administrativeGenderCode code="M"/><birthTime value="19500402"/>
  </patient></patientRole></recordTarget>
  <component><structuredBody><component><section>
    <title>経過</title>
    <text>
      <paragraph onclick="alert('p')" style="background:url(https://evil.example/bg.png)">安定して経過した。</paragraph>
      <script>alert('script')</script>
      <xhtml:script>alert('xhtml')</xhtml:script>
      <style>body { display: none }</style>
      <linkHtml href="javascript:alert('link')" onclick="alert('click')">参照</linkHtml>
      <content styleCode="Bold" onmouseover="alert('hover')">重要</content>
      <xhtml:img src="https://evil.example/pixel.gif" onerror="alert('img')" alt="追跡画像"/>
      <xhtml:iframe src="javascript:alert('frame')"/>
      <renderMultiMedia referencedObject="EXT"><caption>外部の画像</caption></renderMultiMedia>
      <renderMultiMedia referencedObject="SVG"/>
      <renderMultiMedia referencedObject="PNG"><caption>シェーマ</caption></renderMultiMedia>
      <renderMultiMedia referencedObject="NONE"/>
      <paragraph><![CDATA[<script>alert('cdata')</script>]]></paragraph>
    </text>
    <entry><observationMedia ID="EXT"><value mediaType="image/png"><reference value="https://evil.example/x.png"/></value></observationMedia></entry>
    <entry><observationMedia ID="SVG"><value mediaType="image/svg+xml" representation="B64">PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+</value></observationMedia></entry>
    <entry><observationMedia ID="PNG"><value mediaType="image/png" representation="B64">iVBORw0KGgo=</value></observationMedia></entry>
  </section></component></structuredBody></component>
</ClinicalDocument>`;

describe('readCda on a hostile document', () => {
  const view = () => {
    const result = read(HOSTILE);
    expect(result.ok).toBe(true);
    return (result as { view: CdaView }).view;
  };

  it('carries no link, no external address, no attribute and no script into what the screen draws', () => {
    const json = JSON.stringify(view());
    expect(json).not.toMatch(/evil\.example/);
    expect(json).not.toMatch(/javascript:/i);
    expect(json).not.toMatch(/"(href|on\w+|style)":/i);
    // The one address left is the image the document carries itself.
    expect([...json.matchAll(/"src":"([^"]*)"/g)].map((m) => m[1])).toEqual([
      'data:image/png;base64,iVBORw0KGgo=',
    ]);
    expect(json).not.toMatch(/alert\('(p|script|xhtml|link|click|hover|img|frame|doc)'\)/);
  });

  it('keeps the text, shows only the image the document carries itself, and says what it left out', () => {
    const section = view().sections[0]!;
    expect(squash(nodeText(section.narrative))).toContain('安定して経過した。');
    expect(squash(nodeText(section.narrative))).toContain('参照');
    expect(section.narrative).toContainEqual(
      expect.objectContaining({ t: 'styled', bold: true, children: [{ t: 'text', text: '重要' }] }),
    );
    const media = section.narrative.filter((n) => n.t === 'image' || n.t === 'omitted');
    expect(media).toEqual([
      { t: 'omitted', what: 'external-image', alt: '追跡画像' },
      { t: 'omitted', what: 'external-image', alt: '' },
      { t: 'omitted', what: 'external-image', alt: '外部の画像' },
      { t: 'omitted', what: 'unsupported-media', alt: '' },
      { t: 'image', src: 'data:image/png;base64,iVBORw0KGgo=', alt: 'シェーマ' },
      { t: 'omitted', what: 'external-image', alt: '' },
    ]);
    // Markup inside CDATA is the document's text, shown as such.
    expect(nodeText(section.narrative)).toContain("<script>alert('cdata')</script>");
    // The title keeps its words; the script inside it is text too, never an element.
    expect(view().title).toBe("退院時サマリalert('title')");
  });

  it('refuses a document with a DTD, one that is not XML, and one that is not CDA', () => {
    const dtd = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><ClinicalDocument xmlns="urn:hl7-org:v3"><title>&a;</title></ClinicalDocument>`;
    expect(read(dtd)).toEqual({ ok: false, reason: 'not-xml' });
    expect(read('<ClinicalDocument><title>unclosed')).toEqual({ ok: false, reason: 'not-xml' });
    expect(read('<html><body><script>alert(1)</script></body></html>')).toEqual({
      ok: false,
      reason: 'not-cda',
    });
  });
});

describe('decodeXml', () => {
  it('reads the encoding the declaration names (Shift_JIS), else UTF-8', () => {
    const sjis = new Uint8Array([
      ...new TextEncoder().encode(
        '<?xml version="1.0" encoding="Shift_JIS"?><ClinicalDocument xmlns="urn:hl7-org:v3"><title>',
      ),
      ...[0x91, 0xde, 0x89, 0x40, 0x8e, 0x9e, 0x83, 0x54, 0x83, 0x7d, 0x83, 0x8a], // 退院時サマリ
      ...new TextEncoder().encode('</title></ClinicalDocument>'),
    ]);
    const result = read(decodeXml(sjis));
    expect(result.ok && result.view.title).toBe('退院時サマリ');
    const utf8 = new TextEncoder().encode(
      '\uFEFF<ClinicalDocument xmlns="urn:hl7-org:v3"><title>看護サマリ</title></ClinicalDocument>',
    );
    expect(decodeXml(utf8)).toContain('看護サマリ');
    expect(
      decodeXml(new TextEncoder().encode('<?xml version="1.0" encoding="x-unknown"?><a>読影</a>')),
    ).toContain('読影');
  });
});

describe('hl7Time', () => {
  it('reads HL7 times as Japan time when they carry no zone, and keeps day-only values as days', () => {
    expect(hl7Time('20250105093000+0900')).toBe('2025-01-05T09:30:00+09:00');
    expect(hl7Time('202501050930')).toBe('2025-01-05T09:30:00+09:00');
    expect(hl7Time('19500402')).toBe('1950-04-02');
    expect(hl7Time('195004')).toBe('1950-04');
    expect(hl7Time('yesterday')).toBeNull();
  });
});
