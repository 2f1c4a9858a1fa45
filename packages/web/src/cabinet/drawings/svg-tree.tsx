import type { SvgNode } from '@hie/contract';
import { createElement, type ReactNode } from 'react';
import { reactProps } from './svg-props';

const TAGS = new Set(['svg', 'title', 'defs', 'mask', 'g', 'path', 'circle', 'rect', 'text']);

/** A node of the contract's SVG tree as React elements (text as text: React escapes it). */
export function svgElements(node: SvgNode | string, key?: string | number): ReactNode {
  if (typeof node === 'string') return node;
  if (!TAGS.has(node.tag)) return null;
  const children = (node.children ?? []).map((child) => svgElements(child));
  return createElement(node.tag, { key, ...reactProps(node.attrs) }, ...children);
}
