// Test support (not built): writes UKE records field by field in the 記録条件仕様's layout, and the
// file as Shift_JIS bytes (CR LF, optional EOF 0x1A) with @hie/hl7v2's encoder — the exact inverse of
// the decoder the parser uses.
import { encodeHl7Text } from '@hie/hl7v2';

type Value = string | number | undefined;

/** A record of `length` fields: field n (1-based) from `values[n]`, the rest empty. */
export function record(type: string, length: number, values: Readonly<Record<number, Value>>): string[] {
  const out = new Array<string>(length).fill('');
  out[0] = type;
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[Number(k) - 1] = String(v);
  return out;
}

/** 算定日情報: day → count, as the 31 fields from `from`. */
function dayFields(from: number, days: Readonly<Record<number, number>> = {}): Record<number, Value> {
  const out: Record<number, Value> = {};
  for (const [d, c] of Object.entries(days)) out[from + Number(d) - 1] = c;
  return out;
}

export const ir = (v: {
  payer?: string;
  prefecture?: string;
  code?: string;
  name?: string;
  billingMonth?: string;
  volume?: string;
  phone?: string;
}) =>
  record('IR', 10, {
    2: v.payer ?? '1',
    3: v.prefecture ?? '13',
    4: '1',
    5: v.code ?? '1234567',
    7: v.name ?? 'テスト内科クリニック',
    8: v.billingMonth ?? '50606',
    9: v.volume ?? '00',
    10: v.phone,
  });

export const re = (v: {
  no: number | string;
  type?: string;
  careMonth?: string;
  name: string;
  sex: '1' | '2';
  birth: string;
  admission?: string;
  patientNumber?: string;
  kana?: string;
}) =>
  record('RE', 38, {
    2: v.no,
    3: v.type ?? '1112',
    4: v.careMonth ?? '50605',
    5: v.name,
    6: v.sex,
    7: v.birth,
    9: v.admission,
    14: v.patientNumber,
    37: v.kana,
  });

export const ho = (v: {
  insurer?: string;
  symbol?: string;
  number?: string;
  days?: number;
  points?: number;
}) =>
  record('HO', 15, {
    2: v.insurer ?? '06132013',
    3: v.symbol ?? '１２３',
    4: v.number ?? '４５６',
    5: v.days ?? 1,
    6: v.points ?? 100,
  });

export const ko = (v: { payer?: string; recipient?: string; days?: number; points?: number }) =>
  record('KO', 12, {
    2: v.payer ?? '54136015',
    3: v.recipient ?? '1234567',
    5: v.days ?? 1,
    6: v.points ?? 100,
  });

export const sy = (v: {
  code: string;
  start: string;
  outcome?: string;
  modifiers?: string;
  name?: string;
  main?: boolean;
  note?: string;
}) =>
  record('SY', 8, {
    2: v.code,
    3: v.start,
    4: v.outcome ?? '1',
    5: v.modifiers,
    6: v.name,
    7: v.main ? '01' : undefined,
    8: v.note,
  });

export const si = (v: {
  category?: string;
  burden?: string;
  code: string;
  quantity?: number;
  points?: number;
  count: number;
  days?: Record<number, number>;
}) =>
  record('SI', 44, {
    2: v.category,
    3: v.burden ?? '1',
    4: v.code,
    5: v.quantity,
    6: v.points,
    7: v.count,
    ...dayFields(14, v.days),
  });

export const iy = (v: {
  category?: string;
  burden?: string;
  code: string;
  amount?: number | string;
  points?: number;
  count: number;
  days?: Record<number, number>;
  comment?: { code?: string; text?: string };
}) =>
  record('IY', 44, {
    2: v.category,
    3: v.burden ?? '1',
    4: v.code,
    5: v.amount,
    6: v.points,
    7: v.count,
    8: v.comment?.code,
    9: v.comment?.text,
    ...dayFields(14, v.days),
  });

export const to = (v: {
  category?: string;
  code: string;
  amount?: number;
  points?: number;
  count: number;
  unitCode?: string;
  unitPrice?: number;
  productName?: string;
  days?: Record<number, number>;
}) =>
  record('TO', 48, {
    2: v.category,
    3: '1',
    4: v.code,
    5: v.amount,
    6: v.points,
    7: v.count,
    8: v.unitCode,
    9: v.unitPrice,
    11: v.productName,
    ...dayFields(18, v.days),
  });

export const co = (v: { category?: string; burden?: string; code: string; text?: string }) =>
  record('CO', 5, { 2: v.category, 3: v.burden ?? '1', 4: v.code, 5: v.text });

export const go = (v: { count: number; points?: number; volume?: string }) =>
  record('GO', 4, { 2: v.count, 3: v.points ?? 0, 4: v.volume ?? '99' });

/** Lines (records as field arrays, or already joined) → the file's text, CR LF after every record. */
export function ukeText(records: readonly (readonly string[] | string)[]): string {
  return records.map((r) => `${typeof r === 'string' ? r : r.join(',')}\r\n`).join('');
}

/** Text → Shift_JIS bytes, with the spec's EOF mark (0x1A) unless told not to. */
export function shiftJis(text: string, eof = true): Uint8Array {
  const body = encodeHl7Text(text, 'Shift_JIS');
  if (!eof) return body;
  const out = new Uint8Array(body.length + 1);
  out.set(body);
  out[body.length] = 0x1a;
  return out;
}

/**
 * EUC-JP bytes of a text (JIS X 0208 only): the ISO-2022-JP encoder's JIS codes with the high bit
 * set — a file a clinic's old Unix system could have written.
 */
export function eucJp(text: string): Uint8Array {
  const jis = encodeHl7Text(text, 'ISO-2022-JP');
  const out: number[] = [];
  let kanji = false;
  for (let i = 0; i < jis.length; i++) {
    const b = jis[i]!;
    if (b === 0x1b) {
      kanji = jis[i + 1] === 0x24;
      i += 2;
      continue;
    }
    out.push(kanji ? b | 0x80 : b);
  }
  return Uint8Array.from(out);
}
