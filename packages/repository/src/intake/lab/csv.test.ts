import { describe, expect, it } from 'vitest';
import { LAB_CSV_LAYOUTS, type LabCsvRead, readLabCsv } from './csv.js';
import { CSV_HEADER, CSV_ROWS, encode, exampleCsv } from './testing.js';

const layout = LAB_CSV_LAYOUTS['example-kensa-v1']!;
const file = 'kensa-20240212.csv';
const sjis = (text: string) => encode(text, 'Shift_JIS');
const read = (text: string): LabCsvRead => readLabCsv(sjis(text), layout, file);
const issuesOf = (text: string) => {
  const r = read(text);
  if (r.ok) throw new Error('expected a refusal');
  return r.issues;
};
const withRow = (i: number, row: string) => CSV_ROWS.map((r, j) => (j === i ? row : r));

describe('example-kensa-v1', () => {
  it('is registered, in Shift_JIS', () => {
    expect(layout.name).toBe('example-kensa-v1');
    expect(layout.encoding).toBe('shift_jis');
  });

  it('reads a Shift_JIS delivery into one result per order, rows of an order gathered', () => {
    const r = read(exampleCsv());
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.results.map((x) => [x.patientId, x.orderNo, x.collectedAt, x.items.length])).toEqual([
      ['0001000052', 'A100', '2024-02-12T09:15:00+09:00', 3],
      ['0002000077', 'B200', '2024-02-12T10:30:00+09:00', 1],
    ]);
    expect(r.results[0]).toMatchObject({ clinicCode: '1312345678' });
    expect(r.results[0]?.items[0]).toEqual({
      code: '3C015000002327101',
      localCode: 'K0012',
      name: 'クレアチニン',
      value: '1.50',
      unit: 'mg/dL',
      referenceRange: '0.65-1.07',
      flag: 'H',
    });
    // A quoted cell keeps its comma; an item without JLAC10, unit or flag has none.
    expect(r.results[1]?.items[0]).toEqual({
      localCode: 'K0900',
      name: '尿蛋白, 定性',
      value: '陰性',
      unit: '',
      referenceRange: '陰性',
    });
  });

  it('accepts LF line ends and a header without the format note', () => {
    const text = exampleCsv().replaceAll('\r\n', '\n').replace('採取日時(YYYYMMDDHHMM)', '採取日時');
    expect(read(text).ok).toBe(true);
  });

  it('refuses a UTF-8 file where the layout says Shift_JIS', () => {
    const r = readLabCsv(new TextEncoder().encode(exampleCsv()), layout, file);
    expect(r).toEqual({ ok: false, issues: [expect.objectContaining({ code: 'lab-csv-encoding', file })] });
  });

  it('refuses bytes that are not Shift_JIS, naming the line', () => {
    const good = sjis(exampleCsv(CSV_ROWS.slice(0, 2)));
    const bad = new Uint8Array([
      ...good,
      ...sjis('1312345678,0001000052,A100,202402120915,,K1,'),
      0xff,
      0x0d,
      0x0a,
    ]);
    const r = readLabCsv(bad, layout, file);
    expect(r).toEqual({
      ok: false,
      issues: [expect.objectContaining({ code: 'lab-csv-encoding', line: 4 })],
    });
  });

  it('refuses the whole file for one bad row, with its line and column', () => {
    const issues = issuesOf(exampleCsv(withRow(2, CSV_ROWS[2]!.replace('202402121030', '202402301030'))));
    expect(issues).toEqual([
      {
        code: 'lab-csv-field',
        message: expect.stringContaining("採取日時 '202402301030'"),
        file,
        line: 4,
        field: '採取日時',
      },
    ]);
  });

  it('reports every bad column of every bad row', () => {
    const rows = withRow(0, '131234567,0001000052,A100,202402120915,3C015,K0012,,1.50,mg/dL,,X');
    rows.push('1312345678,P_1,A300,202402120915,,K1,名,1,,,');
    expect(issuesOf(exampleCsv(rows)).map((i) => [i.line, i.field])).toEqual([
      [2, '医療機関コード'],
      [2, 'JLAC10'],
      [2, '項目名'],
      [2, '異常フラグ'],
      [6, '患者ID'],
    ]);
  });

  it('refuses a row with too few columns', () => {
    expect(issuesOf(exampleCsv(withRow(1, '1312345678,0001000052,A100')))).toEqual([
      expect.objectContaining({ code: 'lab-csv-columns', line: 3 }),
    ]);
  });

  it('refuses rows of one order that disagree on the patient, or repeat an item', () => {
    const rows = [
      ...CSV_ROWS,
      CSV_ROWS[1]!,
      CSV_ROWS[0]!.replace('0001000052', '0009999999').replace('K0012', 'K0013'),
    ];
    expect(issuesOf(exampleCsv(rows))).toEqual([
      expect.objectContaining({ code: 'lab-csv-duplicate', line: 6, field: '項目コード' }),
      expect.objectContaining({ code: 'lab-csv-field', line: 7, field: '患者ID' }),
    ]);
  });

  it('refuses a file in another layout (the header says so)', () => {
    const text = exampleCsv().replace(
      CSV_HEADER,
      '患者ID,医療機関コード,依頼番号,採取日時,JLAC10,項目コード,項目名,結果値,単位,基準値,異常フラグ',
    );
    expect(issuesOf(text).map((i) => [i.code, i.line, i.field])).toEqual([
      ['lab-csv-header', 1, '医療機関コード'],
      ['lab-csv-header', 1, '患者ID'],
    ]);
  });

  it('refuses an empty file, a header alone, and an unclosed quote', () => {
    expect(issuesOf('')[0]?.code).toBe('lab-csv-empty');
    expect(issuesOf(`${CSV_HEADER}\r\n`)[0]?.code).toBe('lab-csv-empty');
    expect(issuesOf(exampleCsv(withRow(3, '1312345678,"0001000052')))).toEqual([
      expect.objectContaining({ code: 'lab-csv-syntax', line: 5 }),
    ]);
  });
});
