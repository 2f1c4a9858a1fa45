// Test support (not built): master file excerpts in the official column layout of 支払基金's 基本マスター
// (b_ 46 columns, z_ 19, y_ 42; see README). A dozen rows each. A few codes and names are copied from
// public sources (JP Core's CodeSystem excerpts: 5409004 急性化膿性虫垂炎 K358, the modifiers 4012 急性,
// 5001 悪性, 1202 胃, 2060 左右, 3028 外傷性, 4001 亜急性, 5025 化膿性, 8007 急性増悪, 8009 後遺症, 8011 症;
// a JP eCS example: 2500015 ２型糖尿病 E119; 8002 の疑い); every other row is made up in the official
// format and is not reference data. Drug names carry 「テスト」 as their maker: none is a real product.
import {
  type DiseaseMaster,
  type DrugMaster,
  loadDiseaseMaster,
  loadDrugMaster,
  loadModifierMaster,
  type ModifierMaster,
  type UkeMasters,
} from '../index.js';
import { record, shiftJis } from './write.js';

type Cols = Readonly<Record<number, string | undefined>>;
const row = (length: number, values: Cols, quote: readonly number[] = []) =>
  record('0', length, values)
    .map((v, i) => (quote.includes(i + 1) && v !== '' ? `"${v}"` : v))
    .join(',');

/** A 傷病名マスター row: 変更区分, B, code, 移行先, names with their 桁数, 管理番号, 交換用, ICD-10 (2013) … */
function diseaseRow(code: string, name: string, kana: string, icd10: string, extra: Cols = {}): string {
  return row(46, {
    2: 'B',
    3: code,
    5: String(name.length),
    6: name,
    7: String(name.length),
    8: name,
    9: String(kana.length),
    10: kana,
    11: `2${code}`,
    12: '1',
    16: icd10,
    19: '00',
    20: '0',
    21: '00',
    22: '20020601',
    23: '20240601',
    24: '99999999',
    ...extra,
  });
}

export const DISEASE_MASTER_ROWS = [
  diseaseRow('0000999', '未コード化傷病名', 'ﾐｺｰﾄﾞｶｼｮｳﾋﾞｮｳﾒｲ', ''),
  diseaseRow('8833421', '高血圧症', 'ｺｳｹﾂｱﾂｼｮｳ', 'I10', { 13: 'TST1' }),
  diseaseRow('2500015', '２型糖尿病', '2ｶﾞﾀﾄｳﾆｮｳﾋﾞｮｳ', 'E119'),
  diseaseRow('5409004', '急性化膿性虫垂炎', 'ｷｭｳｾｲｶﾉｳｾｲﾁｭｳｽｲｴﾝ', 'K358'),
  diseaseRow('4659007', '急性上気道炎', 'ｷｭｳｾｲｼﾞｮｳｷﾄﾞｳｴﾝ', 'J069'),
  diseaseRow('4869009', '肺炎', 'ﾊｲｴﾝ', 'J189'),
  diseaseRow('5351003', '胃炎', 'ｲｴﾝ', 'K297'),
  diseaseRow('4919002', '慢性気管支炎', 'ﾏﾝｾｲｷｶﾝｼｴﾝ', 'J42'),
  diseaseRow('7150013', '変形性膝関節症', 'ﾍﾝｹｲｾｲﾋｻﾞｶﾝｾﾂｼｮｳ', 'M179'),
  diseaseRow('2720004', '脂質異常症', 'ｼｼﾂｲｼﾞｮｳｼｮｳ', 'E785'),
  diseaseRow('4779004', 'アレルギー性鼻炎', 'ｱﾚﾙｷﾞｰｾｲﾋﾞｴﾝ', 'J304'),
  diseaseRow('8830001', '旧病名テスト', 'ｷｭｳﾋﾞｮｳﾒｲﾃｽﾄ', 'R69', { 24: '20200331' }),
];

/** A 修飾語マスター row: 変更区分, Z, code, 予備 ×2, 名称 with 桁数, カナ, dates, 管理番号, 交換用, 区分. */
function modifierRow(code: string, name: string, kana: string, cls: string, exchange = ''): string {
  return row(19, {
    2: 'Z',
    3: code,
    6: String(name.length),
    7: name,
    9: String(kana.length),
    10: kana,
    14: '20020601',
    15: '20240601',
    16: '99999999',
    17: `1${code}`,
    18: exchange,
    19: cls,
  });
}

export const MODIFIER_MASTER_ROWS = [
  modifierRow('8002', 'の疑い', 'ﾉｳﾀｶﾞｲ', '08000000'),
  modifierRow('8007', '急性増悪', 'ｷｭｳｾｲｿﾞｳｱｸ', '08000000'),
  modifierRow('8009', '後遺症', 'ｺｳｲｼｮｳ', '08000000'),
  modifierRow('8011', '症', 'ｼｮｳ', '08000000'),
  modifierRow('4012', '急性', 'ｷｭｳｾｲ', '04000000', 'TM01'),
  modifierRow('4001', '亜急性', 'ｱｷｭｳｾｲ', '04000000'),
  modifierRow('5001', '悪性', 'ｱｸｾｲ', '05000000'),
  modifierRow('5025', '化膿性', 'ｶﾉｳｾｲ', '05000000'),
  modifierRow('1202', '胃', 'ｲ', '01000000'),
  modifierRow('2060', '左右', 'ｻﾕｳ', '02000000'),
  modifierRow('2002', '遠位', 'ｴﾝｲ', '02000000'),
  modifierRow('3028', '外傷性', 'ｶﾞｲｼｮｳｾｲ', '03000000'),
];

/** A 医薬品マスター row: 変更区分, Y, code, 漢字/カナ名称 with 桁数, 単位, 金額, 剤形, dates, 薬価基準コード … */
function drugRow(
  code: string,
  name: string,
  kana: string,
  unit: string,
  form: string,
  extra: Cols = {},
): string {
  return row(
    42,
    {
      2: 'Y',
      3: code,
      4: String(name.length),
      5: name,
      6: String(kana.length),
      7: kana,
      8: '033',
      9: String(unit.length),
      10: unit,
      11: '1',
      12: '10.10',
      28: form,
      30: '20240601',
      31: '99999999',
      32: `114901${code.slice(-1)}F1ZZZ`,
      35: name,
      ...extra,
    },
    [5, 7, 10, 35],
  );
}

export const DRUG_MASTER_ROWS = [
  drugRow('620000001', 'ロキソプロフェンＮａ錠６０ｍｇ「テスト」', 'ﾛｷｿﾌﾟﾛﾌｪﾝNAｼﾞｮｳ60MG', '錠', '1'),
  drugRow('620000002', 'アムロジピン錠５ｍｇ「テスト」', 'ｱﾑﾛｼﾞﾋﾟﾝｼﾞｮｳ5MG', '錠', '1'),
  drugRow('620000003', 'アセトアミノフェン錠２００ｍｇ「テスト」', 'ｱｾﾄｱﾐﾉﾌｪﾝｼﾞｮｳ200MG', '錠', '1'),
  drugRow('620000004', 'ヘパリン類似物質クリーム０．３％「テスト」', 'ﾍﾊﾟﾘﾝﾙｲｼﾞﾌﾞｯｼﾂｸﾘｰﾑ', 'ｇ', '6'),
  drugRow('620000005', '生理食塩液「テスト」２０ｍＬ', 'ｾｲﾘｼｮｸｴﾝｴｷ20ML', '管', '4'),
  drugRow('620000006', 'メトホルミン塩酸塩錠２５０ｍｇ「テスト」', 'ﾒﾄﾎﾙﾐﾝｴﾝｻﾝｴﾝｼﾞｮｳ', '錠', '1'),
  drugRow('620000007', 'ロキソプロフェンＮａテープ１００ｍｇ「テスト」', 'ﾛｷｿﾌﾟﾛﾌｪﾝNAﾃｰﾌﾟ', '枚', '6'),
  drugRow('620000008', 'アンブロキソール塩酸塩錠１５ｍｇ「テスト」', 'ｱﾝﾌﾞﾛｷｿｰﾙｼﾞｮｳ15MG', '錠', '1'),
  drugRow('620000009', 'セフカペンピボキシル塩酸塩錠１００ｍｇ「テスト」', 'ｾﾌｶﾍﾟﾝｼﾞｮｳ100MG', '錠', '1'),
  drugRow('620000010', 'ブドウ糖注射液５％「テスト」５００ｍＬ', 'ﾌﾞﾄﾞｳﾄｳﾁｭｳｼｬｴｷ5%', '袋', '4'),
  drugRow('620000011', 'リドカイン塩酸塩注射液１％「テスト」', 'ﾘﾄﾞｶｲﾝﾁｭｳｼｬｴｷ1%', 'ｍＬ', '4'),
  drugRow('620000012', '旧医薬品「テスト」', 'ｷｭｳｲﾔｸﾋﾝ', '錠', '1', { 31: '20220331' }),
];

export const masterBytes = (rows: readonly string[]) => shiftJis(`${rows.join('\r\n')}\r\n`, false);

function ok<M>(r: { ok: true; master: M } | { ok: false; errors: unknown }): M {
  if (!r.ok) throw new Error(`fixture master does not load: ${JSON.stringify(r.errors)}`);
  return r.master;
}

export function fixtureMasters(): UkeMasters {
  const disease: DiseaseMaster = ok(
    loadDiseaseMaster(masterBytes(DISEASE_MASTER_ROWS), { fileName: 'b_test.csv' }),
  );
  const modifier: ModifierMaster = ok(
    loadModifierMaster(masterBytes(MODIFIER_MASTER_ROWS), { fileName: 'z_test.csv' }),
  );
  const drug: DrugMaster = ok(loadDrugMaster(masterBytes(DRUG_MASTER_ROWS), { fileName: 'y_test.csv' }));
  return { disease, modifier, drug };
}
