import { describe, expect, it } from 'vitest';
import { loadDiseaseMaster, loadDrugMaster, loadModifierMaster } from '../index.js';
import {
  DISEASE_MASTER_ROWS,
  DRUG_MASTER_ROWS,
  fixtureMasters,
  MODIFIER_MASTER_ROWS,
  masterBytes,
} from '../testing/masters.js';
import { shiftJis } from '../testing/write.js';
import { splitCsvLine } from './csv.js';
import { modifierPosition } from './load.js';

describe('the 支払基金 master files, in their official column layout', () => {
  const masters = fixtureMasters();

  it('傷病名マスター: name (col 6), ICD-10 2013 (col 16), MEDIS codes, 廃止年月日', () => {
    expect(masters.disease.size).toBe(DISEASE_MASTER_ROWS.length);
    expect(masters.disease.get('8833421')).toEqual({
      code: '8833421',
      name: '高血圧症',
      shortName: '高血圧症',
      kana: 'ｺｳｹﾂｱﾂｼｮｳ', // half-width katakana, as the master writes カナ名称
      managementNumber: '28833421',
      exchangeCode: 'TST1',
      icd10: 'I10',
    });
    expect(masters.disease.get('0000999')?.icd10).toBeUndefined();
    expect(masters.disease.get('8830001')?.abolished).toBe('2020-03-31');
    expect(masters.disease.get('1234567')).toBeUndefined();
  });

  it('修飾語マスター: name (col 7), 修飾語区分 (col 19) decides 接頭語 / 接尾語', () => {
    expect(masters.modifier.get('8002')).toMatchObject({
      name: 'の疑い',
      position: 'suffix',
      modifierClass: '08000000',
    });
    expect(masters.modifier.get('4012')).toMatchObject({
      name: '急性',
      position: 'prefix',
      exchangeCode: 'TM01',
    });
    expect(masters.modifier.get('1202')?.position).toBe('prefix');
  });

  it('without a 修飾語区分 the code range decides: 8xxx are 接尾語', () => {
    expect(modifierPosition('8002')).toBe('suffix');
    expect(modifierPosition('4012')).toBe('prefix');
    expect(modifierPosition('8002', '04000000')).toBe('prefix'); // the master's word wins
  });

  it('医薬品マスター: quoted names (col 5), unit (col 10), 剤形 (col 28), 薬価基準コード (col 32)', () => {
    expect(masters.drug.get('620000001')).toEqual({
      code: '620000001',
      name: 'ロキソプロフェンＮａ錠６０ｍｇ「テスト」',
      kana: 'ﾛｷｿﾌﾟﾛﾌｪﾝNAｼﾞｮｳ60MG',
      unitCode: '033',
      unit: '錠',
      dosageForm: '1',
      priceListCode: '1149011F1ZZZ',
      baseName: 'ロキソプロフェンＮａ錠６０ｍｇ「テスト」',
    });
    expect(masters.drug.get('620000012')?.abolished).toBe('2022-03-31');
  });

  it('the wrong file is refused at its first row (a 医薬品マスター given as the 傷病名マスター)', () => {
    const r = loadDiseaseMaster(masterBytes(DRUG_MASTER_ROWS), { fileName: 'y_20240601.csv' });
    expect(r).toEqual({
      ok: false,
      errors: [
        expect.objectContaining({
          code: 'uke-master-kind',
          file: 'y_20240601.csv',
          line: 1,
          field: 2,
          value: 'Y',
        }),
      ],
    });
  });

  it('a duplicate code, a bad code, a short row: every one reported with its line', () => {
    const rows = [
      ...MODIFIER_MASTER_ROWS.slice(0, 3),
      MODIFIER_MASTER_ROWS[0]!,
      MODIFIER_MASTER_ROWS[1]!.replace(',8007,', ',80X7,'),
      '0,Z,8099',
    ];
    const r = loadModifierMaster(masterBytes(rows));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.code, e.line])).toEqual([
      ['uke-master-duplicate', 4],
      ['uke-bad-field', 5],
      ['uke-bad-field', 6],
    ]);
  });

  it('a master that is not Shift_JIS is refused like a UKE file', () => {
    const utf8 = new TextEncoder().encode(`${DRUG_MASTER_ROWS.join('\r\n')}\r\n`);
    const r = loadDrugMaster(utf8);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ code: 'uke-encoding' });
    expect(loadDrugMaster(shiftJis(''))).toMatchObject({ ok: false, errors: [{ code: 'uke-master-kind' }] });
  });

  it('splits CSV with and without quotes, "" inside a quoted field', () => {
    expect(splitCsvLine('0,B,8833421,,4')).toEqual(['0', 'B', '8833421', '', '4']);
    expect(splitCsvLine('0,"Y","6200","錠,剤","a""b",')).toEqual(['0', 'Y', '6200', '錠,剤', 'a"b', '']);
    expect(splitCsvLine('0,"Y')).toBeUndefined();
    expect(splitCsvLine('0,"Y"x,1')).toBeUndefined();
  });
});
