import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import {
  BODY_DIAGRAM_IDS,
  BODY_DIAGRAMS,
  checkDrawingModel,
  DRAWING_LIMITS,
  DRAWING_PALETTE,
  DRAWING_STAMP_IDS,
  type DrawingModel,
  drawingModelBytes,
  drawingSvgTree,
  emptyDrawing,
  escapeXml,
  renderDrawingSvg,
  serializeSvg,
  strokeGeometry,
  utf8Length,
} from './cabinet-drawing.js';

const ALLOWED = new Set(['svg', 'title', 'defs', 'mask', 'g', 'path', 'circle', 'rect', 'text']);

/** Parses the SVG as XML (well-formed or throws) and returns its element names and attributes. */
function inspect(svg: string): { elements: string[]; attributes: { name: string; value: string }[] } {
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(message);
    },
  }).parseFromString(svg, 'image/svg+xml');
  const elements: string[] = [];
  const attributes: { name: string; value: string }[] = [];
  const walk = (node: XmlElement) => {
    elements.push(node.nodeName);
    for (let i = 0; i < node.attributes.length; i++) {
      const a = node.attributes.item(i);
      if (a) attributes.push({ name: a.name, value: a.value });
    }
    for (let i = 0; i < node.childNodes.length; i++) {
      const child = node.childNodes.item(i);
      if (child && child.nodeType === 1) walk(child as XmlElement);
    }
  };
  if (doc.documentElement) walk(doc.documentElement);
  return { elements, attributes };
}

/** The text content of every <text> element, as an XML parser reads it. */
function textsOf(svg: string): string[] {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const texts = doc.getElementsByTagName('text');
  return Array.from({ length: texts.length }, (_, i) => texts.item(i)?.textContent ?? '');
}

/**
 * The checks every rendered drawing passes: no script, no handler, no link but our own masks. Text is
 * escaped (`<` never stands in it), so every `<…>` of the output is a real tag.
 */
function expectInert(svg: string) {
  expect(svg).not.toMatch(/<script/i);
  expect(svg).not.toMatch(/<foreignObject/i);
  for (const tag of svg.match(/<[^>]*>/g) ?? []) {
    expect(tag).not.toMatch(/\son[a-z]*\s*=/i);
    expect(tag).not.toMatch(/href/i);
    expect(tag).not.toMatch(/javascript:/i);
  }
  const { elements, attributes } = inspect(svg);
  for (const e of elements) expect(ALLOWED.has(e), e).toBe(true);
  for (const a of attributes) {
    expect(a.name.toLowerCase().startsWith('on'), a.name).toBe(false);
    if (a.value.includes('url(')) expect(a.value).toMatch(/^url\(#[A-Za-z][\w-]*\)$/);
  }
}

const sample = (): DrawingModel => ({
  ...emptyDrawing('sacral', '仙骨部褥瘡'),
  strokes: [
    {
      tool: 'pen',
      color: 'red',
      width: 6,
      points: [
        [200, 180, 0.2],
        [230, 200, 0.6],
        [260, 230, 0.9],
      ],
    },
    { tool: 'eraser', color: 'black', width: 20, points: [[230, 200, 0.5]] },
    {
      tool: 'pen',
      color: 'blue',
      width: 4,
      points: [
        [100, 100, 0.5],
        [140, 120, 0.5],
      ],
    },
  ],
  stamps: [{ kind: 'redness', x: 250, y: 190 }],
  texts: [{ x: 280, y: 200, text: '3×2cm', color: 'black', size: 16 }],
});

describe('schema drawings: the body diagrams', () => {
  it.each(BODY_DIAGRAM_IDS)('%s renders as well-formed, inert SVG in both languages', (id) => {
    const diagram = BODY_DIAGRAMS[id];
    expect(diagram.outline.length).toBeGreaterThan(0);
    for (const d of [...diagram.outline, ...diagram.details, ...diagram.hidden]) {
      expect(d).toMatch(/^M[-\d. ]+[A-Za-z]/);
      expect(d).not.toMatch(/NaN|undefined/);
    }
    for (const lang of ['ja', 'en'] as const) {
      const svg = renderDrawingSvg(emptyDrawing(id, 'x'), { lang });
      expectInert(svg);
      for (const l of diagram.landmarks) expect(svg).toContain(lang === 'en' ? escapeXml(l.en) : l.ja);
    }
  });

  it('fits the diagram into any canvas, centred', () => {
    const model = { ...emptyDrawing('body-front', 'x'), canvas: { width: 800, height: 800 } };
    const svg = renderDrawingSvg(model);
    expect(svg).toContain('translate(200 0) scale(1.0000)');
  });
});

describe('schema drawings: the model', () => {
  it('accepts a drawing and renders strokes, the eraser, stamps and text', () => {
    const checked = checkDrawingModel(sample());
    expect(checked.ok).toBe(true);
    const svg = renderDrawingSvg(sample());
    expectInert(svg);
    expect(svg).toContain(`fill="${DRAWING_PALETTE.red.hex}"`);
    expect(svg).toContain('<title>仙骨部褥瘡 — 仙骨部・臀部</title>');
    // The eraser masks the red stroke drawn before it, not the blue one after it.
    expect(svg).toMatch(/<mask id="d-erase-1"[^>]*>.*<\/mask>/);
    expect(svg).toMatch(
      /<g mask="url\(#d-erase-1\)"><path d="[^"]+" fill="#d32f2f"\/><\/g><path[^>]+stroke="#1565c0"/,
    );
    expect(svg).toContain('>3×2cm</text>');
  });

  it('draws every stamp', () => {
    const model = {
      ...emptyDrawing('body-back', 'x'),
      stamps: DRAWING_STAMP_IDS.map((kind, i) => ({ kind, x: 20 + i * 30, y: 40 })),
    };
    const tree = drawingSvgTree(checkDrawingModel(model).ok ? model : emptyDrawing('body-back'));
    const stamps = tree.children?.at(-2);
    expect(typeof stamps === 'object' && stamps.children?.length).toBeGreaterThanOrEqual(
      DRAWING_STAMP_IDS.length,
    );
    expectInert(renderDrawingSvg(model));
  });

  it('escapes any markup smuggled into a label or a text', () => {
    const payloads = [
      '<script>alert(1)</script>',
      '</text><script>alert(1)</script>',
      'javascript:alert(1)',
      '"><svg onload=alert(1)>',
      "' onmouseover='alert(1)",
      '<a href="javascript:alert(1)">x</a>',
      '<![CDATA[<script>]]>',
    ];
    for (const payload of payloads) {
      const model = {
        ...emptyDrawing('body-front', payload),
        texts: [{ x: 50, y: 50, text: payload, color: 'red' as const, size: 14 }],
      };
      expect(checkDrawingModel(model).ok).toBe(true);
      const svg = renderDrawingSvg(model);
      expectInert(svg);
      expect(svg).not.toContain('<script');
      expect(svg).toContain(`>${escapeXml(payload)}</text>`);
      // What a reader sees is the text as typed, nothing more.
      expect(textsOf(svg)).toContain(payload);
    }
  });

  it('refuses a colour, stamp, tool or body part not in the fixed sets, and any unknown field', () => {
    const base = sample();
    const cases: [unknown, string][] = [
      [{ ...base, strokes: [{ ...base.strokes[0], color: '#ff0000' }] }, 'not-in-palette'],
      [{ ...base, strokes: [{ ...base.strokes[0], color: 'red" onload="alert(1)' }] }, 'not-in-palette'],
      [{ ...base, texts: [{ ...base.texts[0], color: 'url(javascript:alert(1))' }] }, 'not-in-palette'],
      [{ ...base, stamps: [{ kind: 'skull', x: 1, y: 1 }] }, 'unknown-stamp'],
      [{ ...base, strokes: [{ ...base.strokes[0], tool: 'script' }] }, 'unknown-tool'],
      [{ ...base, bodyPart: 'tail' }, 'unknown-body-part'],
      [{ ...base, onload: 'alert(1)' }, 'unknown-field'],
      [{ ...base, texts: [{ ...base.texts[0], href: 'javascript:alert(1)' }] }, 'unknown-field'],
      [{ ...base, label: 'a\u0000b' }, 'control-characters'],
      [{ ...base, texts: [{ ...base.texts[0], text: 'abc\u202edef' }] }, 'control-characters'],
      [{ ...base, label: '   ' }, 'too-small'],
    ];
    for (const [raw, code] of cases) {
      const checked = checkDrawingModel(raw);
      expect(checked.ok, code).toBe(false);
      if (!checked.ok) expect(checked.problems.map((p) => p.code)).toContain(code);
    }
    expect(() => renderDrawingSvg(cases[1]?.[0] as DrawingModel)).toThrow();
  });

  it('refuses too many strokes or points, with a code', () => {
    const stroke = { tool: 'pen', color: 'red', width: 2, points: [[1, 1, 0.5]] };
    const many = { ...sample(), strokes: Array.from({ length: DRAWING_LIMITS.strokes + 1 }, () => stroke) };
    const checked = checkDrawingModel(many);
    expect(checked.ok).toBe(false);
    if (!checked.ok)
      expect(checked.problems[0]).toMatchObject({ field: 'strokes', code: 'too-many-strokes' });
    const long = { ...stroke, points: Array.from({ length: 51_000 }, (_, i) => [i % 400, 1, 0.5]) };
    const dense = checkDrawingModel({ ...sample(), strokes: [long, long] });
    expect(dense.ok).toBe(false);
    if (!dense.ok) expect(dense.problems[0]).toMatchObject({ field: 'strokes', code: 'too-many-points' });
  });

  it('measures the model in UTF-8 bytes', () => {
    expect(utf8Length('aé仙😀')).toBe(1 + 2 + 3 + 4);
    expect(drawingModelBytes({ label: '仙骨' })).toBe(JSON.stringify({ label: '' }).length + 6);
  });
});

describe('schema drawings: the SVG writer', () => {
  it('writes only allowed elements and attributes, in their forms', () => {
    expect(() => serializeSvg({ tag: 'script' as 'g', attrs: {} })).toThrow(/not allowed/);
    expect(() => serializeSvg({ tag: 'g', attrs: { onload: 'x' } })).toThrow(/not allowed/);
    expect(() => serializeSvg({ tag: 'g', attrs: { href: '#x' } })).toThrow(/not allowed/);
    expect(() => serializeSvg({ tag: 'path', attrs: { fill: 'url(javascript:1)' } })).toThrow(/form/);
    expect(() => serializeSvg({ tag: 'g', attrs: { mask: 'url(http://x/#a)' } })).toThrow(/form/);
    expect(() => serializeSvg({ tag: 'path', attrs: { d: 'M0 0" onload="x' } })).toThrow(/form/);
    expect(() => serializeSvg({ tag: 'circle', attrs: { r: Number.NaN } })).toThrow(/finite/);
    expect(serializeSvg({ tag: 'text', attrs: { x: 1.04 }, children: ['a<b>&"\''] })).toBe(
      '<text x="1">a&lt;b&gt;&amp;&quot;&#39;</text>',
    );
    expect(escapeXml('a\u0001b\ud800c')).toBe('abc');
  });

  it('draws a finger line with one width and a pen line as a filled outline that follows the pressure', () => {
    const finger = strokeGeometry({
      width: 4,
      points: [
        [0, 0, 0.5],
        [10, 0, 0.5],
        [20, 5, 0.5],
      ],
    });
    expect(finger).toMatchObject({ filled: false, width: 4 });
    const pen = strokeGeometry({
      width: 4,
      points: [
        [0, 0, 0.1],
        [10, 0, 0.5],
        [20, 5, 1],
      ],
    });
    expect(pen.filled).toBe(true);
    expect(pen.d).toMatch(/^M.*A.*A.*Z$/);
    const dot = strokeGeometry({ width: 4, points: [[5, 5, 0.5]] });
    expect(dot).toMatchObject({ filled: true });
  });
});
