// Test support (not built): a clinic's monthly UKE file, made up, in the 記録条件仕様（医科用）layout:
// three claims of 令和6年5月 billed in 令和6年6月 to 支払基金, every record type the package reads plus
// SN and SJ, which it keeps. Dates are 和暦 (GYYMMDD / GYYMM) as the spec writes them.
import { co, go, ho, ir, iy, ko, re, record, shiftJis, si, sy, to, ukeText } from './write.js';

export const FIXTURE_NAME = 'RECEIPTC.UKE';

export const FIXTURE_RECORDS: (string[] | string)[] = [
  ir({ name: 'テスト内科クリニック', billingMonth: '50606', phone: '03-1234-5678' }),
  // 1: 山田　太郎, 医保本人 入院外, 高血圧症 (主), ２型糖尿病, 急性上気道炎 (治ゆ), 肺炎の疑い.
  re({
    no: 1,
    type: '1112',
    name: '山田　太郎',
    sex: '1',
    birth: '3300401',
    patientNumber: '1001',
    kana: 'ヤマダ　タロウ',
  }),
  ho({ insurer: '06132013', symbol: '１２３', number: '４５６７', days: 2, points: 1234 }),
  record('SN', 9, { 2: '1', 3: '01', 7: '00' }),
  sy({ code: '8833421', start: '4300110', main: true }),
  sy({ code: '2500015', start: '5060502' }),
  sy({ code: '4659007', start: '5060502', outcome: '2' }),
  sy({ code: '4869009', start: '5060516', modifiers: '8002', note: '胸部Ｘ線で経過観察' }),
  si({ category: '12', code: '112007410', points: 75, count: 2, days: { 2: 1, 16: 1 } }),
  iy({ category: '21', code: '620000001', amount: 3, points: 9, count: 14, days: { 2: 14 } }),
  iy({ code: '620000002', amount: 1, points: 10, count: 14, days: { 2: 14 } }),
  iy({ category: '22', code: '620000003', amount: 1, points: 2, count: 5, days: { 16: 5 } }),
  iy({ category: '23', code: '620000004', amount: 25, points: 30, count: 1, days: { 16: 1 } }),
  co({ category: '21', code: '810000001', text: '１日３回毎食後' }),
  // 2: 佐藤　花子, 医保＋公費 入院外: 急性胃炎 (prefix), 未コード化傷病名, 変形性膝関節症 (中止), 点滴, 処置.
  re({ no: 2, type: '1126', name: '佐藤　花子', sex: '2', birth: '4040229', patientNumber: 'A-77' }),
  ho({ insurer: '  138057', number: '９８７６５', days: 3, points: 2100 }),
  ko({ payer: '54136015', recipient: '7654321', days: 3, points: 2100 }),
  sy({ code: '5351003', start: '5060501', modifiers: '4012', main: true }),
  sy({ code: '0000999', start: '5060501', name: 'テスト症候群' }),
  sy({ code: '7150013', start: '4281001', outcome: '4' }),
  si({ category: '33', code: '130003510', points: 98, count: 1, days: { 8: 1 } }),
  iy({ code: '620000010', amount: 1, points: 22, count: 1, days: { 8: 1 } }),
  iy({ category: '40', code: '620000011', amount: '2.5', points: 5, count: 2, days: { 8: 1, 15: 1 } }),
  to({ category: '40', code: '710010000', amount: 1, points: 3, count: 1, unitCode: '001', days: { 15: 1 } }),
  co({ code: '820000001', text: '処置後経過良好' }),
  'SJ,01,症状詳記のテスト',
  // 3: 鈴木　一郎, 公費単独 入院外: a drug and a modifier the masters do not know; 急性増悪 (suffix).
  re({ no: 3, type: '1212', name: '鈴木　一郎', sex: '1', birth: '2150105', patientNumber: '3003' }),
  ko({ payer: '21136017', days: 1, points: 300 }),
  sy({ code: '4919002', start: '5060520', modifiers: '80079999', main: true }),
  iy({ category: '21', code: '629999999', amount: 2, points: 4, count: 7, days: { 20: 7 } }),
  go({ count: 3, points: 3634 }),
];

export const fixtureText = () => ukeText(FIXTURE_RECORDS);
export const fixtureBytes = () => shiftJis(fixtureText());
