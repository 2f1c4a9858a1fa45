import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Charset,
  encodeHl7Message,
  encodeHl7Text,
  type Hl7SegmentValue,
  normalizeJisVariants,
  parseHl7,
  readSegmentValue,
} from './index.js';

// Characters every supported charset can carry: ASCII incl. all delimiters and line breaks, kanji
// (including the IBM/NEC ones SS-MIX2 names use), kana, and the six symbols decoders disagree on.
const ALPHABET = [
  ...'aZ09 .-/|^~\\&#\n\r',
  ...'山田髙橋﨑太郎花子患者',
  ...'カンジャタロウヤマダー・',
  ...'\u2212\uFF0D\u301C\uFF5E\u2016\u00A2',
];
const leaf = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 8 });
const component = fc.array(leaf, { minLength: 1, maxLength: 3 });
const repetition = fc.array(component, { minLength: 1, maxLength: 3 });
const field = fc.array(repetition, { minLength: 1, maxLength: 3 });
const segment = fc.record({
  name: fc.constantFrom('PID', 'OBX', 'NTE', 'ZPD', 'TQ1'),
  fields: fc.array(field, { minLength: 1, maxLength: 6 }),
});
const charset = fc.constantFrom<Charset>('ISO-2022-JP', 'Shift_JIS', 'UTF-8');
const DECLARATION: Record<Charset, string> = {
  'ISO-2022-JP': '~ISO IR87',
  Shift_JIS: 'SHIFT-JIS',
  'UTF-8': 'UNICODE UTF-8',
};

function header(cs: Charset): Hl7SegmentValue {
  const f = ['', '', 'HIS', 'FAC', 'GW', 'RCV', '20240101', '', [['ADT', 'A08', 'ADT_A01']], '1', 'P', '2.5'];
  return {
    name: 'MSH',
    fields: [...f, '', '', '', '', '', cs === 'ISO-2022-JP' ? [[''], ['ISO IR87']] : DECLARATION[cs]],
  };
}

describe('property: parse(encode(m)) = m', () => {
  it('keeps every sub-component value, with escapes and Japanese text, in all three charsets', () => {
    fc.assert(
      fc.property(charset, fc.array(segment, { minLength: 1, maxLength: 4 }), (cs, segments) => {
        const text = encodeHl7Message([header(cs), ...segments]);
        const r = parseHl7(encodeHl7Text(text, cs));
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.charset).toBe(cs);
        segments.forEach((seg, i) => {
          const parsed = r.message.segments[i + 1]!;
          expect(parsed.name).toBe(seg.name);
          expect(parsed.fieldCount).toBe(seg.fields.length);
          for (const [f, reps] of seg.fields.entries()) {
            for (const [rep, comps] of reps.entries()) {
              for (const [c, subs] of comps.entries()) {
                for (const [s, value] of subs.entries()) {
                  // JIS charsets read the six variant symbols as one column: compare normalised.
                  const got = parsed.get(f + 1, rep + 1, c + 1, s + 1);
                  expect(got === undefined ? got : normalizeJisVariants(got)).toBe(
                    normalizeJisVariants(value),
                  );
                }
              }
            }
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});

// Raw segment text as a sender might write it: any characters but line breaks, escapes included.
const RAW = [...'aZ09 .|^~&', '\\F\\', '\\S\\', '\\X41\\', '\\.br\\', '\\H\\', '\\', ...'患者カナ\u2212'];
const rawSegment = fc
  .tuple(fc.constantFrom('PID', 'OBX', 'NTE', 'ZE1'), fc.array(fc.constantFrom(...RAW), { maxLength: 30 }))
  .map(([name, parts]) => `${name}|${parts.join('')}`);

describe('property: encode(parse(x)) = x', () => {
  it('re-encodes any message byte for byte, whatever its separators, framing and charset', () => {
    fc.assert(
      fc.property(
        charset,
        fc.array(rawSegment, { maxLength: 5 }),
        fc.constantFrom('\r', '\n', '\r\n'),
        fc.boolean(),
        fc.constantFrom('', '\x1c', '\x1c\r'),
        (cs, segments, sep, finalSep, trailer) => {
          const msh = `MSH|^~\\&|A|B|C|D|20240101||ORU^R01|9|P|2.5||||||${cs === 'ISO-2022-JP' ? '~ISO IR87' : DECLARATION[cs]}`;
          const body = [msh, ...segments].join(sep) + (finalSep ? sep : '');
          const text = (trailer ? '\x0b' : '') + body + trailer;
          // Framing is bytes around the encoded message, as MLLP and the NHO files have it.
          const bytes = Buffer.concat([
            Buffer.from(trailer ? '\x0b' : '', 'latin1'),
            encodeHl7Text(body, cs),
            Buffer.from(trailer, 'latin1'),
          ]);
          const r = parseHl7(bytes);
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          expect(Buffer.from(r.message.toBytes()).equals(Buffer.from(bytes))).toBe(true);
          const fromString = parseHl7(text, { normalizeJis: false });
          expect(fromString.ok && fromString.message.toString()).toBe(body);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('readSegmentValue', () => {
  it('gives back the structure encodeHl7Message wrote (leaves collapsed)', () => {
    const text = encodeHl7Message([
      { name: 'MSH', fields: ['', '', 'A', '', '', '', '', '', [['ORU', 'R01']], '1', 'P', '2.5'] },
      {
        name: 'OBX',
        fields: ['1', 'ST', [['c', 'text|with^delims']], '', [[['a', 'b'], 'x']], 'line\nbreak'],
      },
    ]);
    const r = parseHl7(text);
    if (!r.ok) throw new Error(r.error.message);
    const obx = readSegmentValue(r.message.segments[1]!, r.message.delimiters);
    expect(obx).toEqual({
      name: 'OBX',
      fields: ['1', 'ST', [['c', 'text|with^delims']], '', [[['a', 'b'], 'x']], 'line\nbreak'],
    });
    expect(encodeHl7Message([readSegmentValue(r.message.segments[0]!, r.message.delimiters), obx])).toBe(
      text,
    );
  });
});
