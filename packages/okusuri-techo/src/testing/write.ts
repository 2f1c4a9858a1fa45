// Test support (not built): random notebooks and a writer of the format, for the round-trip property.
// The writer follows the spec as a pharmacy system would: version record, patient, then each dispensing
// (5, 11, 15, 51, 55 before each doctor's Rps, 201 …, 301 per Rp, notes), CR LF, no quoting.
import fc from 'fast-check';

export interface GenDrug {
  name: string;
  dose: string;
  unit: string;
  codeKind: '1' | '2' | '4' | '6';
  code: string;
}

export interface GenRp {
  drugs: GenDrug[];
  usage: string;
  /** 剤形 and 調剤数量. */
  form: '1' | '3' | '5';
  quantity: number;
}

export interface GenDispensing {
  date: string;
  pharmacy: string;
  pharmacyCode: string;
  pharmacist: string;
  clinic: string;
  clinicCode: string;
  /** Each doctor with the Rps written under it (RP番号 run on across doctors). */
  doctors: { name: string; rps: GenRp[] }[];
  remainingCheck: string;
}

export interface GenNotebook {
  name: string;
  kana: string;
  sex: '1' | '2';
  birthDate: string;
  dispensings: GenDispensing[];
}

/**
 * Characters a field may hold: kanji, kana (full and half width), ASCII letters and digits, spaces
 * (also U+3000, which FHIR strings may not hold), a full-width comma, a `"` (no quoting in this format). No half-width comma or line break, and
 * none of the six characters two decoders read differently (they are normalized on reading).
 */
const ALPHABET = [...'晴田花子薬錠散液軟膏病院内科あいうえおアイウエオｱｲｳｴｵﾊﾟﾞABCxyz0189，"（）・ー\u3000'];
const text = (min = 1, max = 12) =>
  fc
    .array(fc.constantFrom(...ALPHABET, ' '), { minLength: min, maxLength: max })
    .map((cs) => cs.join('').trim())
    .filter((s) => s.length > 0);

const digits = (n: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((d) => d.join(''));

const date = fc
  .record({
    y: fc.integer({ min: 1990, max: 2030 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
  })
  .map(({ y, m, d }) => `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`);

const dose = fc
  .record({ int: fc.integer({ min: 0, max: 999 }), frac: fc.constantFrom('', '5', '25', '125') })
  .filter(({ int, frac }) => int > 0 || frac !== '')
  .map(({ int, frac }) => (frac ? `${int}.${frac}` : String(int)));

const drug: fc.Arbitrary<GenDrug> = fc.oneof(
  fc.record({
    name: text(),
    dose,
    unit: text(1, 3),
    codeKind: fc.constant('1' as const),
    code: fc.constant(''),
  }),
  fc.record({ name: text(), dose, unit: text(1, 3), codeKind: fc.constant('2' as const), code: digits(9) }),
  fc.record({ name: text(), dose, unit: text(1, 3), codeKind: fc.constant('4' as const), code: digits(12) }),
  fc.record({
    name: text(),
    dose,
    unit: text(1, 3),
    codeKind: fc.constant('6' as const),
    code: fc.oneof(digits(9), digits(13)),
  }),
);

const rp: fc.Arbitrary<GenRp> = fc.record({
  drugs: fc.array(drug, { minLength: 1, maxLength: 3 }),
  usage: text(),
  form: fc.constantFrom('1' as const, '3' as const, '5' as const),
  quantity: fc.integer({ min: 1, max: 90 }),
});

const dispensing: fc.Arbitrary<GenDispensing> = fc.record({
  date,
  pharmacy: text(),
  pharmacyCode: digits(7),
  pharmacist: text(),
  clinic: text(),
  clinicCode: digits(7),
  doctors: fc.array(fc.record({ name: text(), rps: fc.array(rp, { minLength: 1, maxLength: 3 }) }), {
    minLength: 1,
    maxLength: 2,
  }),
  remainingCheck: text(0, 20),
});

export const arbNotebook: fc.Arbitrary<GenNotebook> = fc.record({
  name: text(),
  kana: text(),
  sex: fc.constantFrom('1' as const, '2' as const),
  birthDate: date,
  dispensings: fc.array(dispensing, { minLength: 1, maxLength: 3 }),
});

/** The records of a generated notebook, as lines (no CR LF). */
export function notebookLines(n: GenNotebook): string[] {
  const lines = ['JAHISTC08,1', `1,${n.name},${n.sex},${n.birthDate},,,,,,,${n.kana}`];
  for (const d of n.dispensings) {
    lines.push(`5,${d.date},1`, `11,${d.pharmacy},13,4,${d.pharmacyCode},,,,1`, `15,${d.pharmacist},,1`);
    lines.push(`51,${d.clinic},13,1,${d.clinicCode},1`);
    let number = 0;
    for (const doctor of d.doctors) {
      lines.push(`55,${doctor.name},,1`);
      for (const r of doctor.rps) {
        number++;
        for (const g of r.drugs)
          lines.push(`201,${number},${g.name},${g.dose},${g.unit},${g.codeKind},${g.code},1,,,`);
        const unit = r.form === '1' ? '日分' : r.form === '3' ? '回分' : '調剤';
        lines.push(`301,${number},${r.usage},${r.form === '5' ? 1 : r.quantity},${unit},${r.form},1,,1`);
      }
    }
    if (d.remainingCheck) lines.push(`421,${d.remainingCheck},1`);
  }
  return lines;
}

export const writeNotebook = (n: GenNotebook) => `${notebookLines(n).join('\r\n')}\r\n`;

/** Splits the notebook as a printer would (3.2.9(3)) into `count` parts at record boundaries. */
export function splitForQr(lines: readonly string[], count: number, dataId = '12345678901234'): string[] {
  const [version, ...body] = lines;
  const size = Math.ceil(body.length / count);
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const chunk = body.slice(i * size, (i + 1) * size);
    parts.push([version, ...chunk, `911,${dataId},${count},${i + 1}`].join('\r\n'));
  }
  return parts;
}

/** Every drug of a generated notebook, in writing order, as the parser should give it back. */
export function generatedDrugs(n: GenNotebook) {
  return n.dispensings.flatMap((d, i) => {
    let number = 0;
    return d.doctors.flatMap((doctor) =>
      doctor.rps.flatMap((r) => {
        number++;
        const rpNumber = number;
        return r.drugs.map((g, j) => ({ dispensing: i, rp: rpNumber, orderInRp: j + 1, ...g }));
      }),
    );
  });
}
