import {
  type DrawingModel,
  drawingSvgTree,
  emptyDrawing,
  renderDrawingSvg,
  type SvgNode,
} from '@hie/contract';
import { describe, expect, it } from 'vitest';
import { reactName, reactProps } from './svg-props';

const PAYLOADS = ['<script>alert(1)</script>', 'javascript:alert(1)', '</text><script>alert(1)</script>'];

const smuggling = (): DrawingModel => ({
  ...emptyDrawing('body-back', PAYLOADS[2] ?? ''),
  strokes: [
    {
      tool: 'pen',
      color: 'red',
      width: 4,
      points: [
        [10, 10, 0.5],
        [20, 20, 0.9],
      ],
    },
    { tool: 'eraser', color: 'black', width: 10, points: [[15, 15, 0.5]] },
  ],
  texts: PAYLOADS.map((text, i) => ({ x: 20, y: 40 + i * 20, text, color: 'blue' as const, size: 14 })),
});

/** Every element of the tree as React would get it: the tag, its props, its text children. */
function walk(
  node: SvgNode | string,
  visit: (tag: string, props: Record<string, unknown>, texts: string[]) => void,
) {
  if (typeof node === 'string') return;
  const texts = (node.children ?? []).filter((c): c is string => typeof c === 'string');
  visit(node.tag, reactProps(node.attrs), texts);
  for (const child of node.children ?? []) walk(child, visit);
}

describe('the drawing as React SVG and as the thumbnail’s SVG', () => {
  it('spells attributes as React does, and turns down handlers, links and raw HTML', () => {
    expect(reactName('stroke-width')).toBe('strokeWidth');
    expect(reactName('dominant-baseline')).toBe('dominantBaseline');
    expect(reactName('viewBox')).toBe('viewBox');
    expect(reactName('maskUnits')).toBe('maskUnits');
    expect(reactName('aria-label')).toBe('aria-label');
    for (const bad of [
      'onload',
      'onClick',
      'href',
      'xlink:href',
      'dangerouslySetInnerHTML',
      'style',
      'OnError',
    ]) {
      expect(reactName(bad), bad).toBeNull();
    }
    expect(reactProps({ fill: '#fff', onload: 'alert(1)', href: 'javascript:1' })).toEqual({ fill: '#fff' });
  });

  it('gives React user text as text children only (React escapes them), never as props', () => {
    const seen: string[] = [];
    walk(drawingSvgTree(smuggling()), (tag, props, texts) => {
      for (const [name, value] of Object.entries(props)) {
        expect(name).not.toMatch(/^on|href|dangerously/i);
        expect(String(value)).not.toMatch(/script|javascript/i);
      }
      if (texts.length > 0) expect(['title', 'text']).toContain(tag);
      seen.push(...texts);
    });
    for (const payload of PAYLOADS) expect(seen).toContain(payload);
  });

  it('escapes the same text in the SVG the thumbnail is drawn from', () => {
    const svg = renderDrawingSvg(smuggling());
    expect(svg).not.toContain('<script');
    for (const tag of svg.match(/<[^>]*>/g) ?? []) {
      expect(tag).not.toMatch(/\son[a-z]*\s*=|href|javascript:/i);
    }
    expect(svg).toContain('&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;</text>');
  });
});
