import { describe, expect, it } from 'vitest';
import { parseOkusuriTecho } from '../notebook/parse.js';
import { PHARMACY_NOTEBOOK, SPLIT_NOTEBOOK_LINES, SPLIT_PARTS } from '../testing/fixtures.js';
import { assembleQrParts, MAX_QR_PART_CHARS } from './assemble.js';

const [p1, p2, p3] = SPLIT_PARTS;
const codesOf = (parts: string[]) => {
  const r = assembleQrParts(parts);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors.map((e) => [e.code, e.part]);
};

describe('assembleQrParts: a notebook printed as three QR codes', () => {
  it('joins the parts by データ連番, whatever order the camera saw them in', () => {
    const r = assembleQrParts([p3, p1, p2]);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.text).toBe(SPLIT_NOTEBOOK_LINES.join('\r\n'));
    expect(r).toMatchObject({ total: 3, dataId: '20240410153000' });
  });

  it('reads the same notebook as the unsplit text, and points issues at the QR code and its line', () => {
    const r = assembleQrParts([p2, p3, p1]);
    if (!r.ok) throw new Error('assembly failed');
    const whole = parseOkusuriTecho(SPLIT_NOTEBOOK_LINES.join('\r\n'), { source: 'scan' });
    const joined = parseOkusuriTecho(r.text, { source: 'scan', origins: r.origins });
    expect(joined.ok).toBe(true);
    expect(joined).toEqual(whole);
    // Part 2's line 5 (201,2 ｱﾄﾞｿﾙﾋﾞﾝ) is line 11 of the text: an error there names QR 2, line 5.
    const broken = assembleQrParts([p1, p2.replace('201,2,ｱﾄﾞｿﾙﾋﾞﾝ原末,1.5', '201,2,ｱﾄﾞｿﾙﾋﾞﾝ原末,x'), p3]);
    if (!broken.ok) throw new Error('assembly failed');
    const bad = parseOkusuriTecho(broken.text, { source: 'scan', origins: broken.origins });
    expect(bad.ok ? [] : bad.errors).toEqual([
      expect.objectContaining({ code: 'otc-bad-field', part: 2, line: 5, field: 3 }),
    ]);
  });

  it('passes an unsplit code through as it is', () => {
    const r = assembleQrParts([PHARMACY_NOTEBOOK]);
    expect(r.ok && r.total).toBe(1);
    expect(r.ok && parseOkusuriTecho(r.text, { source: 'scan' }).ok).toBe(true);
  });
});

describe('assembleQrParts: refusals, each with its stable code', () => {
  it('a missing part: otc-qr-missing-part, naming it', () => {
    const r = assembleQrParts([p1, p3]);
    expect(r.ok ? [] : r.errors).toEqual([expect.objectContaining({ code: 'otc-qr-missing-part' })]);
    expect(r.ok ? '' : r.errors[0]?.messageJa).toContain('3枚のうち2枚目');
  });

  it('a part given twice: otc-qr-duplicate-part', () => {
    expect(codesOf([p1, p2, p2, p3])).toEqual([['otc-qr-duplicate-part', 2]]);
  });

  it('parts of two split sets, or a whole notebook among parts: otc-qr-mixed-sets', () => {
    expect(codesOf([p1, p2.replace('20240410153000', '20240411090000'), p3])).toEqual([
      ['otc-qr-mixed-sets', 2],
    ]);
    expect(codesOf([p1, PHARMACY_NOTEBOOK, p3])).toEqual([['otc-qr-mixed-sets', 2]]);
  });

  it('a code that is not the JAHIS format: otc-not-jahis, naming the code', () => {
    expect(codesOf([p1, 'https://example.jp/campaign', p3])).toEqual([['otc-not-jahis', 2]]);
  });

  it('a malformed split-control record or sequence: otc-qr-bad-part', () => {
    expect(codesOf([p1, p2.replace(',3,2', ',3,4'), p3])).toEqual([['otc-qr-bad-part', 2]]);
    expect(codesOf([p1.replace('911,20240410153000', '911,2024-04-10')])).toEqual([['otc-qr-bad-part', 1]]);
  });

  it('a lone part of a set: otc-qr-missing-part', () => {
    expect(codesOf([p2])).toEqual([['otc-qr-missing-part', undefined]]);
  });

  it('untrusted sizes: a part longer than a QR code holds, too many parts, nothing', () => {
    expect(codesOf([`${p1}${'x'.repeat(MAX_QR_PART_CHARS)}`])).toEqual([['otc-qr-bad-part', 1]]);
    expect(codesOf(Array.from({ length: 1000 }, () => p1))).toEqual([['otc-qr-bad-part', undefined]]);
    expect(codesOf([])).toEqual([['otc-qr-bad-part', undefined]]);
  });
});
