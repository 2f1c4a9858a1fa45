// Property: any notebook written as the spec says reads back with every drug exactly once — from text,
// from Shift_JIS bytes, and from its split QR codes in any order — and maps to one dispense per drug.
import { encodeHl7Text } from '@hie/hl7v2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fhirValidator } from '../../fhir-jp/src/testing/fhir-schema.js';
import { mapOkusuriTecho } from './fhir/map.js';
import type { Notebook } from './notebook/model.js';
import { parseOkusuriTecho } from './notebook/parse.js';
import { assembleQrParts } from './qr/assemble.js';
import { arbNotebook, generatedDrugs, notebookLines, splitForQr, writeNotebook } from './testing/write.js';

const source = 'generated';
/** The order the camera sees the (up to three) codes in. */
const permutation = fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 });
const validator = fhirValidator(['Patient', 'MedicationDispense', 'MedicationRequest', 'PractitionerRole']);

function read(input: string | Uint8Array): Notebook {
  const r = parseOkusuriTecho(input, { source });
  if (!r.ok) throw new Error(JSON.stringify(r.errors, null, 1));
  expect(r.warnings).toEqual([]);
  return r.notebook;
}

/** Every drug the parser gave back, in notebook order. */
const drugsRead = (n: Notebook) =>
  n.dispensings.flatMap((d, i) =>
    d.rps.flatMap((rp) =>
      rp.drugs.map((g) => ({
        dispensing: i,
        rp: g.rp,
        orderInRp: g.orderInRp,
        name: g.name,
        dose: g.dose,
        unit: g.unit,
        codeKind: g.codeKind,
        code: g.code ?? '',
      })),
    ),
  );

describe('round trip: generated notebooks', () => {
  it('read back every drug exactly once, from text and from Shift_JIS bytes', () => {
    fc.assert(
      fc.property(arbNotebook, (generated) => {
        const text = writeNotebook(generated);
        const fromText = read(text);
        expect(drugsRead(fromText)).toEqual(generatedDrugs(generated));
        expect(fromText.patient).toMatchObject({
          name: generated.name,
          kana: generated.kana,
          sex: generated.sex,
        });
        expect(read(encodeHl7Text(text, 'Shift_JIS'))).toEqual(fromText);
      }),
      { numRuns: 200 },
    );
  });

  it('read back the same from split QR codes in any order', () => {
    fc.assert(
      fc.property(arbNotebook, fc.integer({ min: 1, max: 3 }), permutation, (generated, count, order) => {
        const lines = notebookLines(generated);
        const parts = splitForQr(lines, count);
        const seen = order.filter((i) => i < count).map((i) => parts[i]!);
        const assembled = assembleQrParts(seen);
        if (!assembled.ok) throw new Error(JSON.stringify(assembled.errors));
        expect(assembled.text).toBe(lines.join('\r\n'));
        expect(drugsRead(read(assembled.text))).toEqual(generatedDrugs(generated));
      }),
      { numRuns: 100 },
    );
  });

  it('map to valid FHIR, one MedicationDispense per drug, ids unique and the same on every read', () => {
    fc.assert(
      fc.property(arbNotebook, (generated) => {
        const notebook = read(writeNotebook(generated));
        const options = { patientId: 'P1', facility: { institutionCode: '1341234567' } };
        const mapped = mapOkusuriTecho(notebook, options);
        const dispenses = mapped.resources.filter((r) => r.resourceType === 'MedicationDispense');
        expect(dispenses.length).toBe(generatedDrugs(generated).length);
        expect(new Set(mapped.resources.map((r) => r.id)).size).toBe(mapped.resources.length);
        for (const r of mapped.resources) expect(validator.validate(r)).toEqual([]);
        const again = mapOkusuriTecho(read(writeNotebook(generated)), options);
        expect(again.resources.map((r) => r.id)).toEqual(mapped.resources.map((r) => r.id));
      }),
      { numRuns: 100 },
    );
  });
});
