import type { Condition, Medication, MedicationStatement } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importUke, mapUke, parseUke, type UkeErrorCode } from './index.js';
import { fixtureMasters } from './testing/masters.js';
import { claimArb, monthFile, syntheticMonth } from './testing/month.js';

const masters = fixtureMasters();
const fileName = 'GEN.UKE';

const PARSE_CODES: ReadonlySet<UkeErrorCode> = new Set([
  'uke-too-large',
  'uke-encoding',
  'uke-unknown-record',
  'uke-bad-field',
  'uke-structure',
  'uke-too-many-errors',
]);

describe('generated months (fast-check)', () => {
  it('a valid file of random claims parses, and every SY and IY maps exactly once, in order', () => {
    fc.assert(
      fc.property(fc.array(claimArb(), { minLength: 1, maxLength: 8 }), (claims) => {
        const parsed = parseUke(monthFile(claims), { fileName });
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 3)));
        expect(parsed.file.claims).toHaveLength(claims.length);
        const r = mapUke(parsed.file, { masters });
        if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 3)));
        const m = r.mapping;
        const sy = claims.reduce((n, c) => n + c.diagnoses.length, 0);
        const iy = claims.reduce((n, c) => n + c.drugs.length, 0);
        expect(m.counts).toMatchObject({ conditions: sy, medicationStatements: iy });
        expect(m.counts.patients).toBe(new Set(claims.map((c) => c.patientNumber)).size);
        expect(new Set(m.resources.map((x) => x.id)).size).toBe(m.resources.length);
        const byId = new Map(m.resources.map((x) => [x.id, x]));
        claims.forEach((c, i) => {
          c.diagnoses.forEach((d, k) => {
            const cond = byId.get(`${m.keyPrefix}${i + 1}.SY${k + 1}`) as Condition;
            expect(cond.onsetDateTime).toBe(d.startIso);
            expect(cond.code?.coding?.[0]?.code).toBe(d.code);
            expect(cond.verificationStatus?.coding?.[0]?.code).toBe(
              d.modifiers.includes('8002') ? 'provisional' : 'confirmed',
            );
            expect(cond.subject?.reference).toBe(`Patient/uke.${c.patientNumber}`);
          });
          c.drugs.forEach((d, k) => {
            const s = byId.get(`${m.keyPrefix}${i + 1}.IY${k + 1}`) as MedicationStatement;
            const contained = s.contained?.[0] as Medication | undefined;
            const coding = s.medicationCodeableConcept?.coding ?? contained?.code?.coding;
            expect(coding?.[0]?.code).toBe(d.code);
          });
        });
        // Every unknown code is a warning, never a silent drop.
        const unknown = claims.flatMap((c) => [
          ...c.diagnoses.filter((d) => d.code === '1111111'),
          ...c.diagnoses.flatMap((d) => d.modifiers.filter((x) => x === '9999')),
          ...c.drugs.filter((d) => d.code === '629999999'),
        ]);
        expect(m.warnings).toHaveLength(unknown.length);
      }),
      { numRuns: 150 },
    );
  });

  it('damaged bytes never throw: the file imports or is refused with file-level errors of known codes', () => {
    fc.assert(
      fc.property(
        fc.array(claimArb(false), { minLength: 1, maxLength: 3 }),
        fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), cut: fc.boolean() }), {
          minLength: 1,
          maxLength: 4,
        }),
        (claims, damage) => {
          let bytes = monthFile(claims);
          for (const d of damage) {
            const at = d.at % bytes.length;
            if (d.cut) bytes = bytes.subarray(0, Math.max(1, at));
            else {
              const copy = bytes.slice();
              copy[at] = d.byte;
              bytes = copy;
            }
          }
          const r = importUke(bytes, { fileName, masters });
          if (r.ok) return;
          expect(r.errors.length).toBeGreaterThan(0);
          for (const e of r.errors) {
            expect(e.file).toBe(fileName);
            expect(
              PARSE_CODES.has(e.code) || e.code === 'uke-patient-conflict' || e.code === 'uke-no-patient-id',
            ).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('throughput (printed, not asserted)', () => {
  it('a month of 1,500 claims: parse, then map; the best of 7 runs (the machine is shared)', () => {
    const { bytes, records } = syntheticMonth(1500);
    let parseMs = Number.POSITIVE_INFINITY;
    let mapMs = Number.POSITIVE_INFINITY;
    let resources = 0;
    for (let run = 0; run < 7; run++) {
      const t0 = performance.now();
      const parsed = parseUke(bytes, { fileName });
      const t1 = performance.now();
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 3)));
      const mapped = mapUke(parsed.file, { masters });
      const t2 = performance.now();
      if (!mapped.ok) throw new Error(JSON.stringify(mapped.errors.slice(0, 3)));
      resources = mapped.mapping.resources.length;
      parseMs = Math.min(parseMs, t1 - t0);
      mapMs = Math.min(mapMs, t2 - t1);
    }
    const figures = {
      claims: 1500,
      records,
      bytes: bytes.length,
      resources,
      parse_ms: Math.round(parseMs),
      map_ms: Math.round(mapMs),
      uke_records_per_s: Math.round(records / (parseMs / 1000)),
      uke_records_per_s_with_mapping: Math.round(records / ((parseMs + mapMs) / 1000)),
    };
    console.log(JSON.stringify(figures));
  });
});
