import { describe, expect, it } from 'vitest';
import { HubError } from '../http.js';
import { type CsvColumn, decodeCsv, parseCsv, parseFlag, toCsv } from './csv.js';
import { encodeShiftJis } from './testing.js';

const COLUMNS: CsvColumn<'code' | 'name' | 'phone'>[] = [
  { key: 'code', ja: '医療機関コード', en: 'Institution code' },
  { key: 'name', ja: '名称', en: 'Name', aliases: ['施設名'] },
  { key: 'phone', ja: '電話番号', en: 'Phone' },
];

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    if (error instanceof HubError) return { status: error.status, code: error.code, details: error.details };
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('directory CSV', () => {
  it('decodes UTF-8 (with or without BOM) and Excel’s Shift_JIS', () => {
    const text = '名称\r\n岡山大学病院\r\n';
    expect(decodeCsv(Buffer.from(`\uFEFF${text}`, 'utf8'))).toBe(text);
    expect(decodeCsv(Buffer.from(text, 'utf8'))).toBe(text);
    const sjis = encodeShiftJis(text);
    expect(sjis.equals(Buffer.from(text, 'utf8'))).toBe(false);
    expect(decodeCsv(sjis)).toBe(text);
    expect(decodeCsv(sjis, 'text/csv; charset=Shift_JIS')).toBe(text);
    expect(decodeCsv(sjis, 'text/csv; charset=windows-31j')).toBe(text);
    expect(refusal(() => decodeCsv(sjis, 'text/csv; charset=utf-8'))).toMatchObject({
      status: 400,
      code: 'csv-encoding',
    });
    expect(refusal(() => decodeCsv(sjis, 'text/csv; charset=euc-kr'))).toMatchObject({
      status: 415,
      code: 'unsupported-charset',
    });
  });

  it('reads Japanese, English and alias headers, and numbers rows by their first physical line', () => {
    const text = [
      '施設名,Institution Code,電話番号',
      '"倉敷中央病院',
      '本院",3310210012,086-422-0210',
      '',
      '岡山大学病院,3319800011,',
    ].join('\n');
    const { header, rows, problems } = parseCsv(text, COLUMNS, ['name']);
    expect(header).toEqual(['name', 'code', 'phone']);
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { line: 2, values: { name: '倉敷中央病院\n本院', code: '3310210012', phone: '086-422-0210' } },
      { line: 5, values: { name: '岡山大学病院', code: '3319800011', phone: '' } },
    ]);
  });

  it('refuses unknown, repeated and missing columns as a whole, and rows with extra cells one by one', () => {
    expect(refusal(() => parseCsv('名称,色\nA,red', COLUMNS, ['name']))).toMatchObject({
      code: 'csv-header',
      details: { errors: [{ line: 1, column: '色', code: 'unknown-column' }] },
    });
    expect(refusal(() => parseCsv('名称,name\nA,B', COLUMNS, ['name']))).toMatchObject({
      details: { errors: [{ code: 'repeated-column' }] },
    });
    expect(refusal(() => parseCsv('電話番号\n1', COLUMNS, ['name']))).toMatchObject({
      details: { errors: [{ code: 'missing-column', column: '名称' }] },
    });
    expect(refusal(() => parseCsv('名称\n\n', COLUMNS, ['name']))).toMatchObject({ code: 'csv-empty' });
    expect(refusal(() => parseCsv('名称\n"A', COLUMNS, ['name']))).toMatchObject({ code: 'csv-malformed' });
    const { problems } = parseCsv('名称\nA\nB,C', COLUMNS, ['name']);
    expect(problems).toEqual([expect.objectContaining({ line: 3, code: 'too-many-cells' })]);
  });

  it('writes Japanese headers and CRLF, and escapes formula-like cells so they import back as they were', () => {
    const csv = toCsv(COLUMNS, [
      { code: '3319800011', name: '岡山大学病院, 本院', phone: '+81-86-223-7151' },
      { code: null, name: '=HYPERLINK("x")', phone: '' },
    ]);
    expect(csv).toBe(
      '医療機関コード,名称,電話番号\r\n3319800011,"岡山大学病院, 本院",\'+81-86-223-7151\r\n,"\'=HYPERLINK(""x"")",\r\n',
    );
    const { rows } = parseCsv(csv, COLUMNS, ['name']);
    expect(rows.map((r) => r.values)).toEqual([
      { code: '3319800011', name: '岡山大学病院, 本院', phone: '+81-86-223-7151' },
      { code: '', name: '=HYPERLINK("x")', phone: '' },
    ]);
  });

  it('reads flags as people write them', () => {
    expect(['1', 'TRUE', 'はい', '○'].map(parseFlag)).toEqual([true, true, true, true]);
    expect(['0', 'false', 'いいえ', '×'].map(parseFlag)).toEqual([false, false, false, false]);
    expect(parseFlag('')).toBeUndefined();
    expect(parseFlag('maybe')).toBe('invalid');
  });
});
