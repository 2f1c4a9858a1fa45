import { describe, expect, it } from 'vitest';
import { readDicomInstance } from '../index.js';
import { bytesOf, minimalImage, part10, type RawElement, withElement } from '../testing/part10.js';

const ESC = '\x1b';

/** An instance whose Specific Character Set and Patient's Name (and more) are the given bytes. */
function withText(charset: string | null, extra: RawElement[]) {
  let elements = minimalImage();
  elements = withElement(
    elements,
    0x00080005,
    charset === null ? null : { tag: 0x00080005, vr: 'CS', value: charset },
  );
  for (const e of extra) elements = withElement(elements, e.tag, e);
  const r = readDicomInstance(part10(elements));
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
  return r.instance;
}

const name = (value: string | Uint8Array): RawElement => ({ tag: 0x00100010, vr: 'PN', value });

describe('Specific Character Set: Japanese (PS3.5 Annex H)', () => {
  it('decodes ISO 2022 IR 87 exactly: H.3.1, JIS X 0208 through ESC $ B … ESC ( B', () => {
    const bytes =
      `Yamada^Tarou=${ESC}$B;3ED${ESC}(B^${ESC}$BB@O:${ESC}(B=` +
      `${ESC}$B$d$^$@${ESC}(B^${ESC}$B$?$m$&${ESC}(B`;
    const instance = withText('\\ISO 2022 IR 87', [name(bytes)]);
    expect(instance.patientName).toBe('Yamada^Tarou=山田^太郎=やまだ^たろう');
    expect(instance.json['00100010']).toEqual({
      vr: 'PN',
      Value: [{ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' }],
    });
    expect(instance.json['00080005']?.Value).toEqual([null, 'ISO 2022 IR 87']);
  });

  it('decodes ISO 2022 IR 13 + IR 87: H.3.2, half-width katakana in G1, romaji back with ESC ( J', () => {
    const bytes =
      `\xd4\xcf\xc0\xde^\xc0\xdb\xb3=${ESC}$B;3ED${ESC}(J^${ESC}$BB@O:${ESC}(J=` +
      `${ESC}$B$d$^$@${ESC}(J^${ESC}$B$?$m$&${ESC}(J`;
    const instance = withText('ISO 2022 IR 13\\ISO 2022 IR 87', [name(bytes)]);
    expect(instance.patientName).toBe('ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう');
  });

  it('keeps a 0x5C byte inside a kanji from splitting the value, and splits on the real backslash', () => {
    // 棔 is JIS 0x5C21: its first byte is a backslash in ASCII.
    const lo: RawElement = { tag: 0x00081030, vr: 'LO', value: `${ESC}$B\\!${ESC}(B\\${ESC}$B;3${ESC}(B` };
    const instance = withText('\\ISO 2022 IR 87', [lo]);
    expect(instance.json['00081030']?.Value).toEqual(['棔', '山']);
  });

  it('decodes JIS X 0212 (ISO 2022 IR 159, ESC $ ( D)', () => {
    const instance = withText('\\ISO 2022 IR 87\\ISO 2022 IR 159', [
      { tag: 0x00081030, vr: 'LO', value: `${ESC}$(D0!${ESC}(B` },
    ]);
    expect(instance.studyDescription).toBe('丂');
  });

  it('decodes single-byte ISO_IR 13 (half-width katakana) without escapes', () => {
    const instance = withText('ISO_IR 13', [name('\xd4\xcf\xc0\xde^\xc0\xdb\xb3')]);
    expect(instance.patientName).toBe('ﾔﾏﾀﾞ^ﾀﾛｳ');
  });

  it('decodes ISO_IR 192 (UTF-8) in PN, LO and inside a sequence item', () => {
    const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
    const instance = withText('ISO_IR 192', [
      name(utf8('ヤマダ^タロウ=山田^太郎')),
      { tag: 0x00080080, vr: 'LO', value: utf8('晴れやか総合病院') },
      {
        tag: 0x00081032,
        vr: 'SQ',
        value: [[{ tag: 0x00080104, vr: 'LO', value: utf8('胸部単純') }]],
      },
    ]);
    expect(instance.patientName).toBe('ヤマダ^タロウ=山田^太郎');
    expect(instance.json['00080080']?.Value).toEqual(['晴れやか総合病院']);
    expect(instance.json['00081032']?.Value).toEqual([{ '00080104': { vr: 'LO', Value: ['胸部単純'] } }]);
  });

  it('reads undeclared Shift_JIS (a common fault) as Shift_JIS, even with 0x5C as a trail byte', () => {
    // 表 is 0x95 0x5C in Shift_JIS.
    const instance = withText(null, [{ tag: 0x00081030, vr: 'LO', value: bytesOf('\x95\x5c\x8e\xa6') }]);
    expect(instance.studyDescription).toBe('表示');
  });

  it('honours a Specific Character Set inside a sequence item', () => {
    const instance = withText(null, [
      {
        tag: 0x00081032,
        vr: 'SQ',
        value: [
          [
            { tag: 0x00080005, vr: 'CS', value: '\\ISO 2022 IR 87' },
            { tag: 0x00080104, vr: 'LO', value: `${ESC}$B;3ED${ESC}(B` },
          ],
        ],
      },
    ]);
    expect(instance.json['00081032']?.Value?.[0]).toMatchObject({
      '00080104': { vr: 'LO', Value: ['山田'] },
    });
  });
});
