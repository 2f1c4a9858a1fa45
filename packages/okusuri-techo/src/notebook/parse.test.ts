import { encodeHl7Text } from '@hie/hl7v2';
import { describe, expect, it } from 'vitest';
import { formatOtcIssue, type OtcIssue } from '../issues.js';
import { PHARMACY_LINES, PHARMACY_NOTEBOOK } from '../testing/fixtures.js';
import { parseOkusuriTecho } from './parse.js';

const source = 'okusuri.txt';
const read = (text: string | Uint8Array) => parseOkusuriTecho(text, { source });

/** The notebook of a read that must succeed. */
function notebookOf(text: string | Uint8Array) {
  const r = read(text);
  if (!r.ok) throw new Error(JSON.stringify(r.errors, null, 1));
  return r;
}

/** The errors of a read that must fail (and return no notebook: nothing half-imported). */
function errorsOf(text: string | Uint8Array): OtcIssue[] {
  const r = read(text);
  expect(r.ok).toBe(false);
  expect('notebook' in r).toBe(false);
  return r.ok ? [] : r.errors;
}

/** The pharmacy notebook with line `n` (1-based) replaced. */
const withLine = (n: number, line: string) =>
  PHARMACY_LINES.map((l, i) => (i === n - 1 ? line : l)).join('\r\n');

describe('parseOkusuriTecho: a pharmacy notebook, field by field', () => {
  const { notebook, warnings } = notebookOf(PHARMACY_NOTEBOOK);
  const [first, second, third] = notebook.dispensings;

  it('reads the version record and the patient', () => {
    expect(warnings).toEqual([]);
    expect(notebook).toMatchObject({
      source,
      version: 'JAHISTC08',
      specVersions: ['2.5', '2.6'],
      outputCategory: '1',
    });
    expect(notebook.patient).toEqual({
      line: 2,
      name: '晴田 花子',
      kana: 'ハレタ ハナコ',
      sex: '2',
      birthDateRaw: 'S330303',
      birthDate: '1958-03-03',
      postalCode: '123-4567',
      // The six characters decoders read differently are read as iconv does (hl7v2's rule): － → −.
      address: '東京都千代田区晴海１−２−３',
      phone: '03-1234-5678',
      bloodType: 'Ａ',
      weight: '52.5',
    });
  });

  it('keeps the patient-level records it does not map, as written', () => {
    expect(notebook.patientRecords.map((r) => [r.recordNo, r.fields[0]])).toEqual([
      ['2', '1'],
      ['3', 'ﾊﾞﾌｧﾘﾝA'],
      ['31', '1'],
      ['4', '旅行中は多めに持参'],
      ['701', '薬剤 一郎'],
    ]);
    expect(notebook.unknownRecords).toEqual([]);
  });

  it('opens a dispensing at each 調剤等年月日, 西暦 and 和暦', () => {
    expect(notebook.dispensings.map((d) => [d.line, d.dateRaw, d.date])).toEqual([
      [7, '20240410', '2024-04-10'],
      [29, 'R060301', '2024-03-01'],
      [38, '20240410', '2024-04-10'],
    ]);
  });

  it('reads pharmacy, pharmacist and prescribing clinic, with 10-digit 医療機関コード', () => {
    expect(first?.pharmacy).toMatchObject({
      name: '株式会社 はれやか薬局 駅前店',
      institutionCode: '1341234567',
      prefecture: '13',
      scoreTable: '4',
      code7: '1234567',
      phone: '03-0000-1111',
    });
    expect(first?.pharmacist).toMatchObject({ name: '薬剤 一郎', contact: '03-0000-1111' });
    expect(first?.prescriber).toMatchObject({ name: '医療法人 はれやか病院', institutionCode: '1317654321' });
    expect(second?.prescriber?.institutionCode).toBe('1311111111');
  });

  it('gathers drugs into Rps under the doctor in force, with usage, supplements and cautions', () => {
    expect(first?.doctors.map((d) => [d.name, d.department])).toEqual([
      ['晴山 次郎', '内科'],
      ['雨宮 三郎', '皮膚科'],
    ]);
    const [rp1, rp2, rp3] = first?.rps ?? [];
    expect(rp1?.doctor?.name).toBe('晴山 次郎');
    expect(rp3?.doctor?.name).toBe('雨宮 三郎');
    expect(rp1?.drugs.map((d) => [d.rp, d.orderInRp, d.name, d.dose, d.unit, d.codeKind, d.code])).toEqual([
      [1, 1, 'ｱﾑﾛｼﾞﾋﾟﾝOD錠5mg「ﾄｰﾜ」', '1', '錠', '2', '622224101'],
      [1, 2, 'ランソプラゾールＯＤ錠１５ｍｇ', '1.5', '錠', '4', '2329023F2020'],
    ]);
    expect(rp1?.drugs[0]?.supplements.map((s) => s.text)).toEqual(['一包化']);
    expect(rp1?.drugs[0]?.cautions.map((s) => s.text)).toEqual([
      'グレープフルーツジュースと一緒に飲まないでください。',
    ]);
    expect(rp1?.drugs[1]).toMatchObject({
      genericName: '【般】ランソプラゾール口腔内崩壊錠１５ｍｇ',
      genericCodeKind: '2',
      genericCode: '2329023F2ZZZ',
    });
    expect(rp1?.usage).toEqual({
      line: 16,
      name: '【分１ 朝食後服用】',
      quantity: 14,
      unit: '日分',
      dosageForm: '1',
      codeKind: '2',
      code: '1011000400000000',
      creator: '1',
    });
    expect(rp1?.usageSupplements.map((s) => s.text)).toEqual(['透析日は透析後に服用']);
    expect(rp1?.cautions.map((s) => s.text)).toEqual([
      'めまいがあらわれることがあるので車の運転に注意してください。',
    ]);
    expect(rp2?.usage).toMatchObject({ quantity: 10, unit: '回分', dosageForm: '3' });
    expect(second?.rps.map((r) => [r.number, r.drugs.length, r.usage?.dosageForm])).toEqual([
      [1, 1, '1'],
      [2, 1, '9'],
    ]);
    expect(third?.rps[0]?.drugs[0]?.name).toBe('ﾑｺﾀﾞｲﾝ錠250mg');
  });

  it('reads the notes of the whole dispensing', () => {
    expect(first?.cautions.map((n) => n.text)).toEqual(['他の薬を併用する際は、相談してください。']);
    expect(first?.providedInfo).toEqual([
      { line: 25, text: '嚥下困難のため錠剤は粉砕して投与', creator: '1', infoType: '31' },
    ]);
    expect(first?.remainingChecks.map((n) => n.text)).toEqual([
      '服用忘れによりｱﾑﾛｼﾞﾋﾟﾝ12錠残薬あり（次回調整）',
    ]);
    expect(first?.remarks.map((n) => n.text)).toEqual(['正しい飲み方は薬袋等をご覧ください。']);
    expect(first?.patientEntries).toEqual([
      { line: 28, text: '朝に飲んだ後にめまいがあった', date: '2024-04-12' },
    ]);
  });

  it('reads the same notebook from Shift_JIS bytes, with an EOF, exactly as from text', () => {
    const bytes = encodeHl7Text(PHARMACY_NOTEBOOK, 'Shift_JIS');
    const withEof = new Uint8Array([...bytes, 0x1a]);
    expect(notebookOf(withEof).notebook).toEqual(notebook);
    // A file saved as UTF-8 with a BOM is read as UTF-8; the caller may also say so (charset).
    const utf8 = new TextEncoder().encode(`\uFEFF${PHARMACY_NOTEBOOK}`);
    expect(notebookOf(utf8).notebook).toEqual(notebook);
    const forced = parseOkusuriTecho(new TextEncoder().encode(PHARMACY_NOTEBOOK), {
      source,
      charset: 'UTF-8',
    });
    expect(forced.ok && forced.notebook).toEqual(notebook);
  });
});

describe('parseOkusuriTecho: what it refuses, and where it says the problem is', () => {
  it('text that is not a JAHIS notebook: otc-not-jahis', () => {
    for (const text of ['https://example.jp/okusuri', '', 'JAHIS10\r\n1,1,1234567,13,はれやか病院\r\n']) {
      const [e] = errorsOf(text);
      expect(e?.code).toBe('otc-not-jahis');
    }
    expect(errorsOf('JAHIS10\r\n')[0]?.messageJa).toContain('院外処方箋');
  });

  it('a version newer than this reader: otc-unsupported-version', () => {
    const [e] = errorsOf(PHARMACY_NOTEBOOK.replace('JAHISTC08', 'JAHISTC09'));
    expect(e).toMatchObject({ code: 'otc-unsupported-version', line: 1, source });
  });

  it('a required field left empty: otc-bad-field with line, field number and name', () => {
    const errors = errorsOf(withLine(12, '201,1,,1,錠,2,622224101,1,,,'));
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'otc-bad-field',
        source,
        line: 12,
        recordNo: '201',
        recordName: '薬品レコード',
        field: 2,
        fieldName: '薬品名称',
      }),
    ]);
  });

  it('values outside their type or table: sex, dose, date, drug code', () => {
    const fieldsOf = (errors: OtcIssue[]) => errors.map((e) => [e.code, e.line, e.field]);
    expect(fieldsOf(errorsOf(withLine(2, '1,晴田 花子,3,S330303,,,,,,,')))).toEqual([
      ['otc-bad-field', 2, 2],
    ]);
    expect(fieldsOf(errorsOf(withLine(12, '201,1,ｱﾑﾛｼﾞﾋﾟﾝ,１,錠,2,622224101,1,,,')))).toEqual([
      ['otc-bad-field', 12, 3],
    ]);
    expect(fieldsOf(errorsOf(withLine(7, '5,20240230,1')))).toEqual([['otc-bad-field', 7, 1]]);
    expect(fieldsOf(errorsOf(withLine(12, '201,1,ｱﾑﾛｼﾞﾋﾟﾝ,1,錠,2,,1,,,')))).toEqual([['otc-bad-field', 12, 6]]);
  });

  it('records out of place: otc-bad-structure', () => {
    const codes = (text: string) => errorsOf(text).map((e) => [e.code, e.line]);
    // A drug supplement whose drug is of another Rp.
    expect(codes(withLine(13, '281,2,一包化,1'))).toEqual([['otc-bad-structure', 13]]);
    // A usage for an Rp without drugs; a second usage for one Rp.
    expect(codes(withLine(16, '301,9,【分１ 朝食後服用】,14,日分,1,1,,1'))).toEqual([
      ['otc-bad-structure', 16],
    ]);
    expect(codes(withLine(17, '301,1,【分１ 朝食後服用】,14,日分,1,1,,1'))).toEqual([
      ['otc-bad-structure', 17],
    ]);
    // Dispensing records before any 調剤等年月日; RP 1 reused under the second doctor.
    expect(codes(withLine(6, '201,1,ｱﾑﾛｼﾞﾋﾟﾝ,1,錠,2,622224101,1,,,'))).toContainEqual(['otc-bad-structure', 6]);
    expect(codes(withLine(22, '201,1,ﾘﾝﾃﾞﾛﾝ-VG軟膏0.12%,10,g,2,662640418,1,,,'))).toContainEqual([
      'otc-bad-structure',
      22,
    ]);
  });

  it('no patient record: otc-missing-record', () => {
    expect(errorsOf(withLine(2, '4,メモ,,2')).map((e) => e.code)).toEqual(['otc-missing-record']);
  });

  it('one part of a split set read alone: otc-qr-incomplete', () => {
    const [e] = errorsOf(`${PHARMACY_NOTEBOOK}911,20240410153000,3,1\r\n`);
    expect(e).toMatchObject({ code: 'otc-qr-incomplete', recordNo: '911' });
  });

  it('Shift_JIS bytes with an invalid sequence: otc-bad-encoding on its line, never U+FFFD', () => {
    const good = encodeHl7Text(PHARMACY_NOTEBOOK, 'Shift_JIS');
    const at = good.indexOf(0x0a) + 1; // start of line 2
    const bad = new Uint8Array([...good.subarray(0, at + 2), 0x82, 0x20, ...good.subarray(at + 2)]);
    expect(errorsOf(bad)).toEqual([expect.objectContaining({ code: 'otc-bad-encoding', line: 2 })]);
  });

  it('a control character or a line without record number: otc-bad-record', () => {
    expect(errorsOf(withLine(30, '11,はれやか\u0000薬局,13,4,1234567,,,,1'))[0]).toMatchObject({
      code: 'otc-bad-record',
      line: 30,
    });
    expect(errorsOf(withLine(30, 'hello'))[0]).toMatchObject({ code: 'otc-bad-record', line: 30, field: 0 });
  });

  it('input over the bound: otc-too-large, before reading anything', () => {
    const r = parseOkusuriTecho(PHARMACY_NOTEBOOK, { source, maxBytes: 100 });
    expect(r.ok ? [] : r.errors.map((e) => e.code)).toEqual(['otc-too-large']);
  });

  it('collects every error of a notebook, not only the first', () => {
    const text = PHARMACY_LINES.map((l, i) =>
      i === 1 ? '1,,3,S330303' : i === 11 ? '201,1,,1,錠,2,,1' : l,
    ).join('\r\n');
    expect(errorsOf(text).map((e) => [e.line, e.field])).toEqual([
      [2, 1],
      [2, 2],
      [12, 2],
      [12, 6],
    ]);
  });
});

describe('parseOkusuriTecho: a patient’s own export (出力区分 2)', () => {
  // After the spec's appendix example 11: the patient's app sends its notebook to a clinic; the second
  // dispensing gives no institution codes (required only toward the patient), RP numbers restart.
  const lines = [
    'JAHISTC08,2',
    '1,晴田 花子,2,S330303,,,,,,,',
    '2,1,卵,1',
    '5,R060407,1',
    '11,はれやか薬局 駅前店,13,4,1234567,,,,1',
    '15,薬剤 一郎,,1',
    '51,はれやか病院,13,1,7654321,1',
    '201,1,ﾛｷｿﾆﾝ錠60mg,1,錠,2,620098801,1,,,',
    '301,1,【腰痛時】,10,回分,3,1,,1',
    '5,R060410,1',
    '11,はれやか薬局 駅前店,,,,,,,1',
    '51,はれやか病院,,,,1',
    '201,1,ｱﾀﾞﾗｰﾄCR錠20mg,1,錠,2,610421321,1,,,',
    '301,1,【分１ 朝食後服用】,28,日分,1,1,,1',
    '601,朝に薬を飲んだ後、めまいがあった,R060411',
  ];

  it('reads it: codes may be absent, RP numbers start again in each dispensing', () => {
    const { notebook, warnings } = notebookOf(lines.join('\r\n'));
    expect(warnings).toEqual([]);
    expect(notebook.outputCategory).toBe('2');
    const [a, b] = notebook.dispensings;
    expect(a?.rps[0]?.drugs[0]?.name).toBe('ﾛｷｿﾆﾝ錠60mg');
    expect(b?.pharmacy).toEqual({ line: 11, name: 'はれやか薬局 駅前店', creator: '1' });
    expect(b?.rps.map((r) => r.number)).toEqual([1]);
    expect(b?.patientEntries).toEqual([
      { line: 15, text: '朝に薬を飲んだ後、めまいがあった', date: '2024-04-11' },
    ]);
  });

  it('the same codes left out toward the patient (出力区分 1) are errors', () => {
    const errors = errorsOf(lines.join('\r\n').replace('JAHISTC08,2', 'JAHISTC08,1'));
    expect(errors.map((e) => [e.line, e.fieldName])).toEqual([
      [11, '医療機関等都道府県'],
      [11, '医療機関等点数表'],
      [12, '医療機関都道府県'],
      [12, '医療機関点数表'],
      [12, '医療機関コード'],
    ]);
    expect(formatOtcIssue(errors[0]!, 'ja')).toBe(
      'otc-bad-field: 医療機関等都道府県がありません [okusuri.txt, line 11, 11 調剤－医療機関等レコード, field 2 医療機関等都道府県]',
    );
  });
});

describe('parseOkusuriTecho: what it tolerates, with a warning', () => {
  it('an unknown record number is kept and warned about, not fatal', () => {
    const r = notebookOf(withLine(27, '999,ベンダー独自の情報,1'));
    expect(r.warnings).toEqual([
      expect.objectContaining({ code: 'otc-unknown-record', line: 27, recordNo: '999' }),
    ]);
    expect(r.notebook.unknownRecords).toEqual([
      { line: 27, recordNo: '999', fields: ['ベンダー独自の情報', '1'] },
    ]);
  });

  it('fields appended by a newer version, an Rp without usage, an over-long field', () => {
    const r = notebookOf(
      PHARMACY_LINES.map((l, i) =>
        i === 23
          ? `${l},未来の項目`
          : i === 26
            ? `501,${'あ'.repeat(201)},1`
            : i === 36
              ? '421,残薬なし,1'
              : l,
      ).join('\r\n'),
    );
    expect(r.warnings.map((w) => [w.code, w.line, w.field])).toEqual([
      ['otc-extra-fields', 24, 3],
      ['otc-field-too-long', 27, 1],
      ['otc-missing-usage', 36, undefined],
    ]);
  });

  it('a problem in a field it keeps but does not map (レコード作成者, 701) is a warning', () => {
    const r = notebookOf(withLine(45, '701,薬剤 一郎,はれやか薬局 駅前店,,,,7'));
    expect(r.warnings.map((w) => [w.code, w.field])).toEqual([
      ['otc-bad-field', 3],
      ['otc-bad-field', 6],
    ]);
  });

  it('an unknown drug code kind degrades to a warning (the code is kept)', () => {
    const r = notebookOf(withLine(12, '201,1,ｱﾑﾛｼﾞﾋﾟﾝOD錠5mg「ﾄｰﾜ」,1,錠,5,622224101,1,,,'));
    expect(r.warnings.map((w) => [w.code, w.field])).toEqual([['otc-unknown-code', 5]]);
    expect(r.notebook.dispensings[0]?.rps[0]?.drugs[0]?.codeKind).toBe('5');
  });
});
