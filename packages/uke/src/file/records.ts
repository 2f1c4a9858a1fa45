// One reader per record type: the record's fields, typed, as in the 記録条件仕様（医科用）. Which fields
// are required follows the spec's 必須 marks for what this package reads; the other fields are kept
// only where a later mapping may want them.
import type { FieldReader } from './fields.js';
import type {
  UkeClaim,
  UkeComment,
  UkeDayCount,
  UkeDiagnosis,
  UkeDrug,
  UkeInstitution,
  UkeInsurance,
  UkeItemBase,
  UkeItemComment,
  UkeMaterial,
  UkeOutcome,
  UkeProcedure,
  UkePublicPayer,
  UkeTotal,
} from './types.js';
import { daysInMonth } from './wareki.js';

/** 未コード化傷病名: the disease has no code, its name is in SY-6. */
export const UNCODED_DISEASE = '0000999';

/** State carried through the records of one claim. */
export interface ClaimState {
  careMonth: string | undefined;
  /** 診療識別 in effect: a blank SI/IY/TO/CO field 2 continues it. */
  category: string | undefined;
}

export function readInstitution(r: FieldReader): UkeInstitution | undefined {
  const payer = r.oneOf(2, ['1', '2'] as const, true);
  const prefecture = r.digits(3, { len: 2 }, true);
  const feeTable = r.raw(4);
  if (feeTable !== '1') {
    r.bad(
      4,
      feeTable === ''
        ? { en: 'required, but empty', ja: '必須項目が記録されていません' }
        : { en: 'only 医科 files (点数表 1) are read', ja: '医科（点数表 1）のファイルのみ取り込めます' },
      feeTable,
    );
  }
  const code = r.digits(5, { len: 7 }, true);
  const name = r.text(7, true);
  const billingMonth = r.month(8, true);
  const volume = r.digits(9, { len: 2 }, true);
  const phone = r.text(10);
  if (!payer || !prefecture || feeTable !== '1' || !code || !name || !billingMonth || !volume)
    return undefined;
  return {
    line: r.line,
    payer,
    prefecture,
    feeTable,
    code,
    institutionCode: `${prefecture}${feeTable}${code}`,
    name,
    billingMonth,
    volume,
    ...(phone ? { phone } : {}),
  };
}

export function readClaim(r: FieldReader): UkeClaim | undefined {
  const receiptNumber = r.digits(2, { min: 1, max: 6 }, true);
  const receiptType = r.digits(3, { len: 4 }, true);
  if (receiptType && receiptType[0] !== '1') {
    r.bad(
      3,
      { en: 'not a 医科 claim (歯科 and 調剤 are not read)', ja: '医科のレセプト種別ではありません' },
      receiptType,
    );
  }
  const careMonth = r.month(4, true);
  const name = r.text(5, true);
  const sex = r.oneOf(6, ['1', '2'] as const, true);
  const birthDate = r.date(7, true);
  const admissionDate = r.date(9);
  const patientNumber = r.ascii(14, 20);
  const kanaName = r.text(37);
  if (!receiptNumber || !receiptType || receiptType[0] !== '1' || !careMonth || !name || !sex || !birthDate)
    return undefined;
  return {
    line: r.line,
    receiptNumber,
    receiptType,
    // 4th digit of レセプト種別: odd = 入院, even = 入院外.
    inpatient: Number(receiptType[3]) % 2 === 1,
    careMonth,
    name,
    ...(kanaName ? { kanaName } : {}),
    sex: sex === '1' ? 'male' : 'female',
    birthDate,
    ...(admissionDate ? { admissionDate } : {}),
    ...(patientNumber ? { patientNumber } : {}),
    ...claimRecords(),
  };
}

/** The record lists of a claim, empty. */
export const claimRecords = () => ({
  insurances: [],
  publicPayers: [],
  diagnoses: [],
  procedures: [],
  drugs: [],
  materials: [],
  comments: [],
  others: [],
});

export function readInsurance(r: FieldReader): UkeInsurance | undefined {
  // 8 characters, a shorter number right-aligned after spaces (raw() trims them).
  const insurerNumber = r.digits(2, { min: 4, max: 8 }, true);
  const symbol = r.text(3);
  const number = r.text(4, true);
  const days = r.int(5, true, 3);
  const points = r.int(6, true);
  if (!insurerNumber || !number || days === undefined || points === undefined) return undefined;
  return { line: r.line, insurerNumber, ...(symbol ? { symbol } : {}), number, days, points };
}

export function readPublicPayer(r: FieldReader): UkePublicPayer | undefined {
  const payerNumber = r.digits(2, { len: 8 }, true);
  const recipientNumber = r.digits(3, { len: 7 });
  const days = r.int(5, true, 3);
  const points = r.int(6, true);
  if (!payerNumber || days === undefined || points === undefined) return undefined;
  return { line: r.line, payerNumber, ...(recipientNumber ? { recipientNumber } : {}), days, points };
}

export function readDiagnosis(r: FieldReader): UkeDiagnosis | undefined {
  const code = r.digits(2, { len: 7 }, true);
  const startDate = r.date(3, true);
  const outcome = r.oneOf<UkeOutcome>(4, ['1', '2', '3', '4'], true);
  const modifierField = r.digits(5, { min: 4, max: 80 });
  let modifiers: string[] = [];
  if (modifierField !== undefined) {
    if (modifierField.length % 4 !== 0) {
      r.bad(
        5,
        { en: 'not a list of 4-digit codes', ja: '4桁の修飾語コードの並びではありません' },
        modifierField,
      );
    } else {
      modifiers = [];
      for (let i = 0; i < modifierField.length; i += 4) modifiers.push(modifierField.slice(i, i + 4));
    }
  }
  const name = r.text(6, code === UNCODED_DISEASE);
  const main = r.oneOf(7, ['01'] as const) === '01';
  const note = r.text(8);
  if (!code || !startDate || !outcome || (modifierField !== undefined && modifierField.length % 4 !== 0))
    return undefined;
  if (code === UNCODED_DISEASE && !name) return undefined;
  return {
    line: r.line,
    code,
    startDate,
    outcome,
    modifiers,
    ...(name ? { name } : {}),
    main,
    ...(note ? { note } : {}),
  };
}

/**
 * 診療識別 (field 2): its own, or the one in effect. The spec records it on the first record of a run
 * with the same 診療識別 and leaves it blank on the ones that follow; a blank with nothing before it is
 * an item that needs no 診療識別 (''). `false` when the field holds a bad value (already reported).
 */
function category(r: FieldReader, state: ClaimState): string | false {
  const own = r.digits(2, { len: 2 });
  if (own) {
    state.category = own;
    return own;
  }
  return r.raw(2) !== '' ? false : (state.category ?? '');
}

/** 回数 = the sum of 算定日情報 (spec, claims from 2012-04 on), when the days are recorded. */
function countMatchesDays(
  r: FieldReader,
  field: number,
  count: number,
  days: UkeDayCount[],
  state: ClaimState,
) {
  if (days.length === 0 || (state.careMonth !== undefined && state.careMonth < '2012-04')) return;
  let sum = 0;
  for (const d of days) sum += d.count;
  if (sum !== count)
    r.bad(
      field,
      {
        en: `${count} is not the sum of 算定日情報 (${sum})`,
        ja: `算定日情報の合計（${sum}）と一致しません`,
      },
      String(count),
    );
}

/** 負担区分: one alphanumeric character. */
function burden(r: FieldReader, required: boolean): string | undefined {
  const v = r.raw(3);
  if (v === '')
    return required ? r.bad(3, { en: 'required, but empty', ja: '必須項目が記録されていません' }) : undefined;
  const c = v.charCodeAt(0);
  if (v.length !== 1 || !((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a)))
    return r.bad(3, { en: 'must be one character (0–9, A–Z)', ja: '英数字1桁で記録してください' }, v);
  return v;
}

function itemComments(r: FieldReader, from: number): UkeItemComment[] {
  const out: UkeItemComment[] = [];
  for (let k = 0; k < 3; k++) {
    const code = r.digits(from + 2 * k, { len: 9 });
    const text = r.text(from + 2 * k + 1);
    if (code || text) out.push({ ...(code ? { code } : {}), ...(text ? { text } : {}) });
  }
  return out;
}

/** 算定日情報 (31 fields from `from`): the days with a count, checked against the 診療年月. */
function dayCounts(r: FieldReader, from: number, careMonth: string | undefined): UkeDayCount[] {
  const out: UkeDayCount[] = [];
  const last = careMonth ? daysInMonth(Number(careMonth.slice(0, 4)), Number(careMonth.slice(5, 7))) : 31;
  const to = Math.min(from + 30, r.length);
  for (let i = from; i <= to; i++) {
    if (r.raw(i) === '') continue;
    const count = r.int(i, false, 3);
    if (count === undefined || count === 0) continue;
    const day = i - from + 1;
    if (day > last) {
      r.bad(i, { en: `the 診療年月 has only ${last} days`, ja: `診療年月は${last}日までです` });
      continue;
    }
    out.push({ day, count });
  }
  return out;
}

/**
 * What SI, IY and TO share: 診療識別, 負担区分, code, 数量/使用量 (field 5), 点数, 回数, three comment pairs and
 * the 31 day fields (`comments` and `days` say where they start). `extra` reads the record's own fields
 * between them (TO 8–11), so errors come in field order.
 */
function readItem<X>(
  r: FieldReader,
  state: ClaimState,
  layout: { comments: number; days: number },
  extra: () => X,
): { item: UkeItemBase; five: number | undefined; extra: X } | undefined {
  const cat = category(r, state);
  const b = burden(r, true);
  const code = r.digits(4, { len: 9 }, true);
  const five = r.decimal(5);
  const points = r.int(6);
  const count = r.int(7, true, 3);
  const own = extra();
  const comments = itemComments(r, layout.comments);
  const days = dayCounts(r, layout.days, state.careMonth);
  if (count !== undefined) countMatchesDays(r, 7, count, days, state);
  if (cat === false || !b || !code || count === undefined) return undefined;
  const item: UkeItemBase = { line: r.line, category: cat, burden: b, code, count, comments, days };
  if (points !== undefined) item.points = points;
  return { item, five, extra: own };
}

const SI_IY = { comments: 8, days: 14 };

export function readProcedure(r: FieldReader, state: ClaimState): UkeProcedure | undefined {
  const v = readItem(r, state, SI_IY, () => undefined);
  if (!v) return undefined;
  return v.five === undefined ? v.item : { ...v.item, quantity: v.five };
}

export function readDrug(r: FieldReader, state: ClaimState): UkeDrug | undefined {
  const v = readItem(r, state, SI_IY, () => undefined);
  if (!v) return undefined;
  return v.five === undefined ? v.item : { ...v.item, amount: v.five };
}

export function readMaterial(r: FieldReader, state: ClaimState): UkeMaterial | undefined {
  const v = readItem(r, state, { comments: 12, days: 18 }, () => ({
    unitCode: r.digits(8, { len: 3 }),
    unitPrice: r.decimal(9),
    name: r.text(10),
    productName: r.text(11),
  }));
  if (!v) return undefined;
  const { unitCode, unitPrice, name, productName } = v.extra;
  return {
    ...v.item,
    ...(v.five !== undefined ? { amount: v.five } : {}),
    ...(unitCode ? { unitCode } : {}),
    ...(unitPrice !== undefined ? { unitPrice } : {}),
    ...(name ? { name } : {}),
    ...(productName ? { productName } : {}),
  };
}

export function readComment(r: FieldReader, state: ClaimState): UkeComment | undefined {
  const cat = category(r, state);
  const b = burden(r, true);
  const code = r.digits(4, { len: 9 }, true);
  const text = r.text(5);
  if (cat === false || !b || !code) return undefined;
  return {
    line: r.line,
    ...(cat ? { category: cat } : {}),
    burden: b,
    code,
    ...(text ? { text } : {}),
  };
}

export function readTotal(r: FieldReader): UkeTotal | undefined {
  const claimCount = r.int(2, true, 6);
  const totalPoints = r.int(3, true, 12);
  const volume = r.digits(4, { len: 2 }, true);
  if (claimCount === undefined || totalPoints === undefined || !volume) return undefined;
  return { line: r.line, claimCount, totalPoints, volume };
}
