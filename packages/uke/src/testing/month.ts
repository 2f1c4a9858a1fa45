// Test support (not built): claims for property tests and a whole synthetic month for throughput. Every
// code comes from the fixture masters (plus, when asked, codes they do not know), so a mapping of the
// result is fully predictable: one Condition per SY, one MedicationStatement per IY.
import fc from 'fast-check';
import { co, go, ho, ir, iy, ko, re, shiftJis, si, sy, ukeText } from './write.js';

export const KNOWN_DISEASES = ['8833421', '2500015', '5409004', '4659007', '4869009', '5351003', '7150013'];
export const KNOWN_MODIFIERS = ['8002', '8007', '4012', '5001', '1202', '2060'];
export const KNOWN_DRUGS = ['620000001', '620000002', '620000003', '620000004', '620000005', '620000010'];
const CATEGORIES = ['21', '22', '23', '31', '32', '33', '40', '60'];

export interface GenDiagnosis {
  code: string;
  /** 和暦 GYYMMDD or 西暦 YYYYMMDD, and the ISO date it means. */
  start: string;
  startIso: string;
  outcome: string;
  modifiers: string[];
  main: boolean;
}

export interface GenDrug {
  /** undefined: continue the previous record's 診療識別. */
  category: string | undefined;
  code: string;
  amount: number;
  /** day → count (May: 1–31). */
  days: Record<number, number>;
}

export interface GenClaim {
  patientNumber: string;
  diagnoses: GenDiagnosis[];
  drugs: GenDrug[];
  procedure: boolean;
}

/** A patient number always names the same person: two claims of one number never conflict. */
const person = (n: string) => ({
  name: `患者　${'一二三四五六七八九'[Number(n) % 9]}郎`,
  sex: (Number(n) % 2 ? '1' : '2') as '1' | '2',
  birth: `3${String(20 + (Number(n) % 44)).padStart(2, '0')}0101`,
});

const dateArb = fc
  .record({
    day: fc.integer({ min: 1, max: 28 }),
    month: fc.integer({ min: 1, max: 12 }),
    y: fc.integer({ min: 2, max: 6 }),
    western: fc.boolean(),
  })
  .map(({ day, month, y, western }) => {
    const dd = String(day).padStart(2, '0');
    const mm = String(month).padStart(2, '0');
    const year = 2018 + y; // 2020–2024: 令和2–6
    return {
      start: western ? `${year}${mm}${dd}` : `5${String(year - 2018).padStart(2, '0')}${mm}${dd}`,
      startIso: `${year}-${mm}-${dd}`,
    };
  });

export const diagnosisArb = (unknown: boolean): fc.Arbitrary<GenDiagnosis> =>
  fc
    .record({
      code: fc.constantFrom(...KNOWN_DISEASES, ...(unknown ? ['1111111'] : [])),
      date: dateArb,
      outcome: fc.constantFrom('1', '2', '3', '4'),
      modifiers: fc.array(fc.constantFrom(...KNOWN_MODIFIERS, ...(unknown ? ['9999'] : [])), {
        maxLength: 3,
      }),
      main: fc.boolean(),
    })
    .map(({ date, ...d }) => ({ ...d, ...date }));

export const drugArb = (unknown: boolean): fc.Arbitrary<GenDrug> =>
  fc.record({
    category: fc.option(fc.constantFrom(...CATEGORIES), { nil: undefined }),
    code: fc.constantFrom(...KNOWN_DRUGS, ...(unknown ? ['629999999'] : [])),
    amount: fc.constantFrom(1, 2, 2.5, 0.039, 10),
    days: fc.dictionary(fc.integer({ min: 1, max: 31 }).map(String), fc.integer({ min: 1, max: 3 }), {
      minKeys: 1,
      maxKeys: 4,
    }) as fc.Arbitrary<Record<number, number>>,
  });

export const claimArb = (unknown = true): fc.Arbitrary<GenClaim> =>
  fc.record({
    patientNumber: fc.integer({ min: 1, max: 30 }).map(String),
    diagnoses: fc.array(diagnosisArb(unknown), { minLength: 1, maxLength: 6 }),
    drugs: fc.array(drugArb(unknown), { maxLength: 6 }),
    procedure: fc.boolean(),
  });

const sum = (days: Record<number, number>) => Object.values(days).reduce((a, b) => a + b, 0);

/** A claim's records, RE first. */
export function claimRecords(c: GenClaim, receiptNumber: number): string[][] {
  const p = person(c.patientNumber);
  const out: string[][] = [
    re({ no: receiptNumber, name: p.name, sex: p.sex, birth: p.birth, patientNumber: c.patientNumber }),
    receiptNumber % 3 === 0 ? ko({}) : ho({}),
    ...c.diagnoses.map((d) =>
      sy({ code: d.code, start: d.start, outcome: d.outcome, modifiers: d.modifiers.join(''), main: d.main }),
    ),
  ];
  if (c.procedure) out.push(si({ category: '12', code: '112007410', points: 75, count: 1, days: { 2: 1 } }));
  for (const d of c.drugs) {
    out.push(
      iy({
        category: d.category,
        code: d.code,
        amount: d.amount,
        points: 10,
        count: sum(d.days),
        days: d.days,
      }),
    );
  }
  if (c.drugs.length) out.push(co({ code: '810000001', text: 'テストコメント' }));
  return out;
}

/** A whole file of claims (請求年月 令和6年6月, 診療年月 令和6年5月). */
export function monthFile(claims: readonly GenClaim[]): Uint8Array {
  return shiftJis(
    ukeText([ir({}), ...claims.flatMap((c, i) => claimRecords(c, i + 1)), go({ count: claims.length })]),
  );
}

/** A deterministic month of `n` claims for throughput (a small LCG: no Math.random). */
export function syntheticMonth(n: number): { bytes: Uint8Array; records: number } {
  let seed = 12345;
  const next = (k: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed >>> 12) % k; // the low bits of an LCG repeat with short periods
  };
  const claims: GenClaim[] = Array.from({ length: n }, () => ({
    patientNumber: String(1 + next(100_000)),
    diagnoses: Array.from({ length: 2 + next(5) }, () => ({
      code: KNOWN_DISEASES[next(KNOWN_DISEASES.length)]!,
      start: `50${2 + next(5)}0${1 + next(9)}1${next(9)}`,
      startIso: '',
      outcome: String(1 + next(4)),
      modifiers: next(4) === 0 ? [KNOWN_MODIFIERS[next(KNOWN_MODIFIERS.length)]!] : [],
      main: next(3) === 0,
    })),
    drugs: Array.from({ length: 2 + next(8) }, (_, i) => ({
      category: i === 0 || next(3) === 0 ? CATEGORIES[next(CATEGORIES.length)] : undefined,
      code: KNOWN_DRUGS[next(KNOWN_DRUGS.length)]!,
      amount: 1 + next(3),
      days: { [1 + next(28)]: 1 + next(14) },
    })),
    procedure: true,
  }));
  // Patient numbers must name one person each: derive them from the claim's position when drawn twice.
  const seen = new Set<string>();
  for (const [i, c] of claims.entries()) {
    if (seen.has(c.patientNumber)) c.patientNumber = String(200_000 + i);
    seen.add(c.patientNumber);
  }
  const records = 2 + claims.reduce((r, c, i) => r + claimRecords(c, i + 1).length, 0);
  return { bytes: monthFile(claims), records };
}
