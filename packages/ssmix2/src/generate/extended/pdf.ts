/**
 * A tiny PDF 1.4 writer for text documents: A4 pages of lines, no embedded font. Japanese text uses
 * the standard CID-keyed approach every viewer understands: a `/Type0` font with the predefined
 * CMap `/UniJIS-UCS2-H` over the Adobe-Japan1 font `/HeiseiKakuGo-W5` (viewers substitute a
 * gothic font they have), strings as hex UTF-16BE. Output depends only on the input, so it is
 * deterministic like the rest of the generator.
 */

export interface PdfLine {
  readonly text: string;
  /** Font size in points; default 10.5. */
  readonly size?: number;
  /** Extra points of space before the line (headings). */
  readonly spaceBefore?: number;
}

export interface PdfDocument {
  readonly title: string;
  readonly lines: readonly PdfLine[];
  /** `D:YYYYMMDDHHmmSS+09'00'` is built from this 14-digit local time. */
  readonly created: string;
}

const PAGE_WIDTH = 595;
const PAGE_HEIGHT = 842;
const MARGIN = 56;
const DEFAULT_SIZE = 10.5;
const LEADING = 1.5;

/** Glyph width in 1/1000 em: full-width for CJK, half-width for ASCII (`/W` sets the proportional and half-width CIDs to 500). */
const widthOf = (ch: string): number => ((ch.codePointAt(0) ?? 0) < 0x80 ? 500 : 1000);

/** Wraps a line to the text width of the page (by glyph widths, not character counts). */
export function wrapLine(text: string, size: number, width = PAGE_WIDTH - 2 * MARGIN): string[] {
  const limit = (width * 1000) / size;
  const out: string[] = [];
  let current = '';
  let used = 0;
  for (const ch of text) {
    const w = widthOf(ch);
    if (used + w > limit && current !== '') {
      out.push(current);
      current = '';
      used = 0;
    }
    current += ch;
    used += w;
  }
  out.push(current);
  return out;
}

/** UTF-16BE hex of a string (the CMap reads 2-byte codes; text outside the BMP becomes 〓). */
export function utf16Hex(text: string): string {
  let hex = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0x3013;
    hex += (cp > 0xffff ? 0x3013 : cp).toString(16).padStart(4, '0').toUpperCase();
  }
  return hex;
}

interface Placed {
  readonly text: string;
  readonly size: number;
  readonly y: number;
}

/** Lays the lines out on pages, top to bottom. */
function paginate(lines: readonly PdfLine[]): Placed[][] {
  const pages: Placed[][] = [[]];
  let y = PAGE_HEIGHT - MARGIN;
  for (const line of lines) {
    const size = line.size ?? DEFAULT_SIZE;
    const parts = wrapLine(line.text, size);
    parts.forEach((part, i) => {
      const step = size * LEADING + (i === 0 ? (line.spaceBefore ?? 0) : 0);
      if (y - step < MARGIN) {
        pages.push([]);
        y = PAGE_HEIGHT - MARGIN;
      }
      y -= step;
      pages[pages.length - 1]?.push({ text: part, size, y });
    });
  }
  return pages;
}

function contentStream(placed: readonly Placed[], pageNo: number, pageCount: number): string {
  const ops = placed
    .filter((p) => p.text !== '')
    .map((p) => `BT /F1 ${p.size} Tf ${MARGIN} ${p.y.toFixed(2)} Td <${utf16Hex(p.text)}> Tj ET`);
  const footer = `${pageNo} / ${pageCount}`;
  ops.push(`BT /F1 9 Tf ${PAGE_WIDTH / 2 - 12} ${MARGIN / 2} Td <${utf16Hex(footer)}> Tj ET`);
  return `${ops.join('\n')}\n`;
}

/** The PDF bytes. Every byte is ASCII except the binary-marker comment of the header. */
export function renderPdf(doc: PdfDocument): Uint8Array {
  const pages = paginate(doc.lines);
  // Object numbers: 1 catalog, 2 pages, 3 Type0 font, 4 CIDFont, 5 descriptor, 6 info, then per page (page, content).
  const firstPage = 7;
  const pageRefs = pages.map((_, i) => `${firstPage + 2 * i} 0 R`);
  const objects: string[] = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pageRefs.join(' ')}] /Count ${pages.length} >>`,
    '<< /Type /Font /Subtype /Type0 /BaseFont /HeiseiKakuGo-W5 /Encoding /UniJIS-UCS2-H /DescendantFonts [4 0 R] >>',
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /HeiseiKakuGo-W5 ' +
      '/CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 2 >> ' +
      '/FontDescriptor 5 0 R /DW 1000 /W [1 95 500 231 632 500] >>',
    '<< /Type /FontDescriptor /FontName /HeiseiKakuGo-W5 /Flags 4 /FontBBox [-92 -250 1010 922] ' +
      '/ItalicAngle 0 /Ascent 752 /Descent -221 /CapHeight 737 /StemV 114 >>',
    `<< /Title <FEFF${utf16Hex(doc.title)}> /Producer (hie ssmix2 generate) /CreationDate (D:${doc.created}+09'00') >>`,
  ];
  pages.forEach((placed, i) => {
    const stream = contentStream(placed, i + 1, pages.length);
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] ` +
        `/Resources << /Font << /F1 3 0 R >> >> /Contents ${firstPage + 2 * i + 1} 0 R >>`,
    );
    objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}endstream`);
  });
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = chunks[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const chunk = Buffer.from(`${i + 1} 0 obj\n${body}\nendobj\n`, 'latin1');
    chunks.push(chunk);
    offset += chunk.length;
  });
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R >>`,
    'startxref',
    String(offset),
    '%%EOF',
    '',
  ].join('\n');
  chunks.push(Buffer.from(xref, 'latin1'));
  return new Uint8Array(Buffer.concat(chunks));
}
