import { describe, expect, it } from 'vitest';
import { parseUke, type UkeError, type UkeFile } from '../index.js';
import { FIXTURE_NAME, FIXTURE_RECORDS, fixtureBytes, fixtureText } from '../testing/fixture-file.js';
import { eucJp, go, ho, ir, iy, re, shiftJis, sy, ukeText } from '../testing/write.js';

const fileName = FIXTURE_NAME;

function parsed(bytes: Uint8Array): UkeFile {
  const r = parseUke(bytes, { fileName });
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.field} ${e.message}`).join('\n'));
  return r.file;
}

function errorsOf(bytes: Uint8Array, options: { maxBytes?: number; maxErrors?: number } = {}): UkeError[] {
  const r = parseUke(bytes, { fileName, ...options });
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors;
}

/** A valid one-claim file around the given claim records. */
const oneClaim = (records: (string[] | string)[], claims = 1) =>
  shiftJis(
    ukeText([
      ir({}),
      re({ no: 1, name: '山田　太郎', sex: '1', birth: '3300401', patientNumber: '1' }),
      ...records,
      go({ count: claims }),
    ]),
  );
const HO = ho({});
const SY = sy({ code: '8833421', start: '5060501' });

describe('parseUke: a month of claims, field by field', () => {
  const file = parsed(fixtureBytes());

  it('reads IR: facility, payer, billing month', () => {
    expect(file.fileName).toBe(fileName);
    expect(file.institution).toEqual({
      line: 1,
      payer: '1',
      prefecture: '13',
      feeTable: '1',
      code: '1234567',
      institutionCode: '1311234567',
      name: 'テスト内科クリニック',
      billingMonth: '2024-06',
      volume: '00',
      phone: '03-1234-5678',
    });
    expect(file.total).toEqual({ line: 31, claimCount: 3, totalPoints: 3634, volume: '99' });
    expect(file.recordCount).toBe(FIXTURE_RECORDS.length);
  });

  it('reads RE and its HO/KO: the patient as sent, 和暦 converted', () => {
    const [a, b, c] = file.claims;
    expect(file.claims).toHaveLength(3);
    expect(a).toMatchObject({
      line: 2,
      receiptNumber: '1',
      receiptType: '1112',
      inpatient: false,
      careMonth: '2024-05',
      name: '山田　太郎',
      kanaName: 'ヤマダ　タロウ',
      sex: 'male',
      birthDate: '1955-04-01',
      patientNumber: '1001',
    });
    expect(a!.insurances).toEqual([
      { line: 3, insurerNumber: '06132013', symbol: '１２３', number: '４５６７', days: 2, points: 1234 },
    ]);
    expect(b).toMatchObject({
      receiptType: '1126',
      sex: 'female',
      birthDate: '1992-02-29',
      patientNumber: 'A-77',
    });
    // 保険者番号 of six digits is right-aligned after two spaces.
    expect(b!.insurances[0]!.insurerNumber).toBe('138057');
    expect(b!.publicPayers).toEqual([
      { line: 17, payerNumber: '54136015', recipientNumber: '7654321', days: 3, points: 2100 },
    ]);
    expect(c).toMatchObject({ receiptType: '1212', birthDate: '1926-01-05', insurances: [] });
    expect(c!.publicPayers).toHaveLength(1);
  });

  it('reads SY: code, 診療開始日, 転帰, 修飾語 in order, 主傷病, 未コード化傷病名 and comment', () => {
    const [a, b, c] = file.claims;
    expect(a!.diagnoses.map((d) => [d.code, d.startDate, d.outcome, d.modifiers, d.main])).toEqual([
      ['8833421', '2018-01-10', '1', [], true],
      ['2500015', '2024-05-02', '1', [], false],
      ['4659007', '2024-05-02', '2', [], false],
      ['4869009', '2024-05-16', '1', ['8002'], false],
    ]);
    expect(a!.diagnoses[3]!.note).toBe('胸部Ｘ線で経過観察');
    expect(b!.diagnoses[1]).toEqual({
      line: 19,
      code: '0000999',
      startDate: '2024-05-01',
      outcome: '1',
      modifiers: [],
      name: 'テスト症候群',
      main: false,
    });
    expect(b!.diagnoses[2]!.outcome).toBe('4');
    expect(c!.diagnoses[0]!.modifiers).toEqual(['8007', '9999']);
  });

  it('reads SI/IY/TO/CO: a blank 診療識別 continues the one before it, 算定日 as day counts', () => {
    const [a, b] = file.claims;
    expect(a!.procedures[0]).toEqual({
      line: 9,
      category: '12',
      burden: '1',
      code: '112007410',
      points: 75,
      count: 2,
      comments: [],
      days: [
        { day: 2, count: 1 },
        { day: 16, count: 1 },
      ],
    });
    expect(a!.drugs.map((d) => [d.category, d.code, d.amount, d.count, d.days])).toEqual([
      ['21', '620000001', 3, 14, [{ day: 2, count: 14 }]],
      ['21', '620000002', 1, 14, [{ day: 2, count: 14 }]],
      ['22', '620000003', 1, 5, [{ day: 16, count: 5 }]],
      ['23', '620000004', 25, 1, [{ day: 16, count: 1 }]],
    ]);
    expect(a!.comments).toEqual([
      { line: 14, category: '21', burden: '1', code: '810000001', text: '１日３回毎食後' },
    ]);
    // The IY after SI,33 (点滴) has no 診療識別 of its own: it is 33.
    expect(b!.drugs.map((d) => [d.category, d.amount])).toEqual([
      ['33', 1],
      ['40', 2.5],
    ]);
    expect(b!.materials[0]).toMatchObject({
      category: '40',
      code: '710010000',
      amount: 1,
      unitCode: '001',
      count: 1,
    });
    expect(b!.comments[0]).toMatchObject({ category: '40', code: '820000001', text: '処置後経過良好' });
  });

  it('keeps the records it does not map (SN, SJ) in their claim', () => {
    expect(file.claims[0]!.others).toEqual([
      { line: 4, type: 'SN', fields: ['SN', '1', '01', '', '', '', '00', '', ''] },
    ]);
    expect(file.claims[1]!.others).toEqual([
      { line: 26, type: 'SJ', fields: ['SJ', '01', '症状詳記のテスト'] },
    ]);
  });

  it('reads LF-only lines and a file without the EOF mark the same', () => {
    const lf = shiftJis(fixtureText().replaceAll('\r\n', '\n'), false);
    expect(parsed(lf)).toEqual(file);
  });

  it('reads 西暦 dates (YYYYMMDD, YYYYMM) as well as 和暦', () => {
    const f = parsed(
      shiftJis(
        ukeText([
          ir({ billingMonth: '202406' }),
          re({
            no: 1,
            careMonth: '202405',
            name: '山田　太郎',
            sex: '1',
            birth: '19550401',
            patientNumber: '1',
          }),
          HO,
          sy({ code: '8833421', start: '20240501' }),
          go({ count: 1 }),
        ]),
      ),
    );
    expect([f.institution.billingMonth, f.claims[0]!.careMonth, f.claims[0]!.birthDate]).toEqual([
      '2024-06',
      '2024-05',
      '1955-04-01',
    ]);
    expect(f.claims[0]!.diagnoses[0]!.startDate).toBe('2024-05-01');
  });

  it('maps the WHATWG column of the six JIS variants to iconv’s, as the HL7 path does (～ → 〜)', () => {
    const f = parsed(oneClaim([HO, sy({ code: '8833421', start: '5060501', note: '１０～２０' })]));
    expect(f.claims[0]!.diagnoses[0]!.note).toBe('１０\u301C２０');
  });
});

describe('parseUke: bad input is refused with every error, file, line and field', () => {
  it('UTF-8 bytes: uke-encoding, the file named as UTF-8, the lines at fault', () => {
    const errors = errorsOf(new TextEncoder().encode(fixtureText()));
    expect(errors.every((e) => e.code === 'uke-encoding')).toBe(true);
    expect(errors[0]!.message).toMatch(/UTF-8, not Shift_JIS/);
    expect(errors[0]!.messageJa).toMatch(/UTF-8/);
    const lines = new Set(errors.slice(1).map((e) => e.line));
    expect(lines.has(1)).toBe(true); // IR: the facility name
    expect(lines.has(2)).toBe(true); // RE: the patient's name
    expect(errors.slice(1).every((e) => e.file === fileName && e.field !== undefined)).toBe(true);
  });

  it('a UTF-8 byte order mark: refused at once', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...shiftJis(fixtureText())]);
    expect(errorsOf(bytes)).toEqual([expect.objectContaining({ code: 'uke-encoding', line: 1 })]);
  });

  it('EUC-JP bytes: uke-encoding, the file named as EUC-JP (its kanji decode as half-width kana)', () => {
    const errors = errorsOf(eucJp(fixtureText()));
    expect(errors[0]).toMatchObject({ code: 'uke-encoding' });
    expect(errors[0]!.message).toMatch(/EUC-JP/);
    expect(errors.slice(1).some((e) => e.line === 2 && e.field === 5)).toBe(true); // RE-5 氏名
  });

  it('bytes no Shift_JIS decoder accepts, 外字 and controls: each with its line and field', () => {
    const text = ukeText([ir({}), re({ no: 1, name: '山田　太郎', sex: '1', birth: '3300401' })]);
    const base = shiftJis(text, false);
    const withBytes = (at: number, ...bytes: number[]) => {
      const out = new Uint8Array(base.length + bytes.length);
      out.set(base.subarray(0, at));
      out.set(bytes, at);
      out.set(base.subarray(at), at + bytes.length);
      return out;
    };
    const re5 = shiftJis(text.slice(0, text.indexOf('山田')), false).length; // RE-5, line 2
    expect(errorsOf(withBytes(re5, 0x82, 0x20))).toContainEqual(
      expect.objectContaining({ code: 'uke-encoding', line: 2, field: 5 }),
    );
    expect(errorsOf(withBytes(re5, 0xf0, 0x40))).toContainEqual(
      expect.objectContaining({ code: 'uke-encoding', line: 2, field: 5, value: 'U+E000' }),
    );
    expect(errorsOf(withBytes(3, 0x09))).toContainEqual(
      expect.objectContaining({ code: 'uke-encoding', line: 1, field: 2, value: 'U+0009' }),
    );
    // The EOF mark is not data anywhere but at the end.
    expect(errorsOf(withBytes(3, 0x1a))).toContainEqual(
      expect.objectContaining({ code: 'uke-encoding', line: 1 }),
    );
  });

  it('an unknown record: uke-unknown-record with line and field 1; the rest of the file is still checked', () => {
    const errors = errorsOf(oneClaim([HO, SY, 'ZZ,1,2', sy({ code: '88', start: '5060501' })]));
    expect(errors).toEqual([
      expect.objectContaining({ code: 'uke-unknown-record', line: 5, field: 1, value: 'ZZ' }),
      expect.objectContaining({
        code: 'uke-bad-field',
        line: 6,
        field: 2,
        fieldName: '傷病名コード',
        value: '88',
      }),
    ]);
    expect(errors[0]!.messageJa).toMatch(/不明なレコード識別情報/);
  });

  it('a line cut short: the first missing required field, then the missing GO', () => {
    const text = ukeText([ir({}), re({ no: 1, name: '山田　太郎', sex: '1', birth: '3300401' }), HO]);
    const errors = errorsOf(shiftJis(`${text}SY,8833421`, false));
    expect(errors).toEqual([
      expect.objectContaining({ code: 'uke-bad-field', line: 4, field: 3, fieldName: '診療開始日' }),
      expect.objectContaining({ code: 'uke-bad-field', line: 4, field: 4, fieldName: '転帰区分' }),
      expect.objectContaining({ code: 'uke-structure', line: 4 }),
    ]);
    expect(errors[0]!.message).toMatch(/only 2 fields/);
    expect(errors[2]!.message).toMatch(/no GO record/);
  });

  it('a file cut in the middle of a character: uke-encoding on its last line', () => {
    const head = shiftJis(ukeText(FIXTURE_RECORDS.slice(0, 3)), false);
    const tail = shiftJis('RE,9,1112,50605,山', false);
    const cut = new Uint8Array([...head, ...tail.subarray(0, tail.length - 1)]);
    expect(errorsOf(cut)).toContainEqual(
      expect.objectContaining({ code: 'uke-encoding', line: 4, field: 5 }),
    );
  });

  it('no IR: the file must start with it', () => {
    const text = ukeText(FIXTURE_RECORDS.slice(1));
    expect(errorsOf(shiftJis(text))).toEqual([
      expect.objectContaining({ code: 'uke-structure', line: 1, field: 1 }),
    ]);
  });

  it('an RE without SY, a claim without HO or KO: uke-structure on the RE line', () => {
    expect(errorsOf(oneClaim([HO]))).toEqual([
      expect.objectContaining({
        code: 'uke-structure',
        line: 2,
        message: 'claim without SY (傷病名) record',
      }),
    ]);
    expect(errorsOf(oneClaim([SY]))).toEqual([expect.objectContaining({ code: 'uke-structure', line: 2 })]);
  });

  it('records before the first RE, after GO, a second IR, a duplicate レセプト番号, a wrong 総件数', () => {
    const errors = errorsOf(
      shiftJis(
        ukeText([
          ir({}),
          HO,
          re({ no: 1, name: '山田　太郎', sex: '1', birth: '3300401' }),
          HO,
          SY,
          re({ no: 1, name: '山田　花子', sex: '2', birth: '3300401' }),
          HO,
          SY,
          ir({}),
          go({ count: 3 }),
          SY,
        ]),
      ),
    );
    expect(errors.map((e) => [e.code, e.line, e.field])).toEqual([
      ['uke-structure', 2, 1], // HO before RE
      ['uke-structure', 6, 2], // レセプト番号 1 again
      ['uke-structure', 9, 1], // second IR
      ['uke-structure', 11, 1], // after GO
      ['uke-structure', 10, 2], // 総件数 3 ≠ 2
    ]);
  });

  it('every bad field of a record, named as in the spec', () => {
    const errors = errorsOf(
      oneClaim([
        HO,
        sy({ code: '8833421', start: '4010107', outcome: '5', modifiers: '800', main: true }),
        iy({ category: '2X', code: '62000000', amount: 'abc', count: 3, days: { 2: 1, 31: 1 } }),
      ]),
    );
    expect(errors.map((e) => [e.line, e.field, e.fieldName])).toEqual([
      [4, 3, '診療開始日'],
      [4, 4, '転帰区分'],
      [4, 5, '修飾語コード'],
      [5, 2, '診療識別'],
      [5, 4, '医薬品コード'],
      [5, 5, '使用量'],
      [5, 7, '回数'], // 3, but the days count 2
    ]);
    expect(errors.every((e) => e.code === 'uke-bad-field' && e.file === fileName)).toBe(true);
    expect(errors[0]!.message).toMatch(/before the first day of 平成/);
    expect(errors[0]!.messageJa).toMatch(/平成の開始前/);
    expect(errors[3]!.value).toBe('2X');
  });

  it('算定日 outside the 診療年月, and 回数 that is not the sum of the days', () => {
    const june = shiftJis(
      ukeText([
        ir({}),
        re({ no: 1, careMonth: '50606', name: '山田　太郎', sex: '1', birth: '3300401' }),
        HO,
        SY,
        iy({ category: '21', code: '620000001', amount: 1, count: 2, days: { 1: 1, 31: 1 } }),
        go({ count: 1 }),
      ]),
    );
    expect(errorsOf(june).map((e) => [e.line, e.field])).toEqual([
      [5, 44], // 31 June
      [5, 7], // 回数 2 ≠ 1 counted
    ]);
  });

  it('歯科 or 調剤 claims and non-医科 files are not read as 医科', () => {
    const dental = shiftJis(
      ukeText([
        ir({}),
        re({ no: 1, type: '3112', name: '山田　太郎', sex: '1', birth: '3300401' }),
        HO,
        SY,
        go({ count: 1 }),
      ]),
    );
    expect(errorsOf(dental)).toEqual([expect.objectContaining({ code: 'uke-bad-field', line: 2, field: 3 })]);
    const fee3 = ir({});
    fee3[3] = '3';
    expect(errorsOf(shiftJis(ukeText([fee3, ...FIXTURE_RECORDS.slice(1)])))).toEqual([
      expect.objectContaining({ code: 'uke-bad-field', line: 1, field: 4, fieldName: '点数表' }),
    ]);
  });

  it('bounds: file size, line length, number of errors', () => {
    expect(errorsOf(fixtureBytes(), { maxBytes: 100 })).toEqual([
      expect.objectContaining({ code: 'uke-too-large' }),
    ]);
    const long = shiftJis(ukeText([ir({}), `RE,${'1'.repeat(70_000)}`]));
    expect(errorsOf(long)).toContainEqual(expect.objectContaining({ code: 'uke-too-large', line: 2 }));
    const many = shiftJis(ukeText([ir({}), ...Array.from({ length: 50 }, () => 'XX,1')]));
    const capped = errorsOf(many, { maxErrors: 10 });
    expect(capped).toHaveLength(11);
    expect(capped[10]!.code).toBe('uke-too-many-errors');
  });

  it('never echoes a text field’s value (a name is not for logs)', () => {
    const errors = errorsOf(oneClaim([HO, sy({ code: '0000999', start: '5060501' })]));
    expect(errors).toEqual([
      expect.objectContaining({ code: 'uke-bad-field', field: 6, fieldName: '傷病名称' }),
    ]);
    expect(errors[0]!.value).toBeUndefined();
  });
});
