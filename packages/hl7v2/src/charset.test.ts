import { describe, expect, it } from 'vitest';
import { encodeHl7Text, normalizeJisVariants, unencodableCharacters } from './index.js';
import { readSample, sampleFiles } from './testing/samples.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const decode = (b: Uint8Array, label: string) => new TextDecoder(label, { fatal: true }).decode(b);

describe('normalizeJisVariants', () => {
  it('maps the six WHATWG code points to the iconv column and leaves everything else', () => {
    expect(normalizeJisVariants('\uFF5E\u2225\uFF0D\uFFE0\uFFE1\uFFE2')).toBe(
      '\u301C\u2016\u2212\u00A2\u00A3\u00AC',
    );
    expect(normalizeJisVariants('登呂１\uFF0D３')).toBe('登呂１\u2212３');
    expect(normalizeJisVariants('abc 漢字 ～')).toBe('abc 漢字 \u301C');
  });
});

describe('encodeHl7Text ISO-2022-JP', () => {
  it('switches with ESC $ B / ESC ( B and returns to ASCII before each CR and at the end', () => {
    const bytes = encodeHl7Text('A漢\r字', 'ISO-2022-JP');
    expect(hex(bytes)).toBe(`41 1b2442 3441 1b2842 0d 1b2442 3b7a 1b2842`.replace(/ /g, ''));
    expect(decode(bytes, 'iso-2022-jp')).toBe('A漢\r字');
  });

  it('writes both columns of the six variants as the same JIS code (JIS 0x215D for minus)', () => {
    for (const [whatwg, iconv] of [
      ['\uFF5E', '\u301C'],
      ['\u2225', '\u2016'],
      ['\uFF0D', '\u2212'],
      ['\uFFE0', '\u00A2'],
      ['\uFFE1', '\u00A3'],
      ['\uFFE2', '\u00AC'],
    ]) {
      expect(hex(encodeHl7Text(iconv!, 'ISO-2022-JP'))).toBe(hex(encodeHl7Text(whatwg!, 'ISO-2022-JP')));
    }
    expect(hex(encodeHl7Text('\u2212', 'ISO-2022-JP'))).toBe('1b2442215d1b2842');
  });

  it('is the exact inverse of TextDecoder for every decodable JIS X 0208 character', () => {
    let checked = 0;
    for (let row = 0x21; row <= 0x7e; row++) {
      for (let cell = 0x21; cell <= 0x7e; cell++) {
        let ch: string;
        try {
          ch = decode(new Uint8Array([0x1b, 0x24, 0x42, row, cell, 0x1b, 0x28, 0x42]), 'iso-2022-jp');
        } catch {
          continue;
        }
        expect(decode(encodeHl7Text(ch, 'ISO-2022-JP'), 'iso-2022-jp')).toBe(ch);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(7000);
  });

  it('writes ■ for characters outside JIS X 0208 and full-width kana for half-width', () => {
    expect(decode(encodeHl7Text('𠮷', 'ISO-2022-JP'), 'iso-2022-jp')).toBe('■');
    expect(unencodableCharacters('𠮷野家', 'ISO-2022-JP')).toEqual(['𠮷']);
    expect(decode(encodeHl7Text('ｶﾅ', 'ISO-2022-JP'), 'iso-2022-jp')).toBe('カナ');
  });

  it('decode → encode gives identical bytes for every NHO sample', () => {
    const files = sampleFiles('ssmix2/nho').filter((f) => /\/\d{7}_/.test(f));
    expect(files).toHaveLength(19);
    for (const f of files) {
      const bytes = readSample(f);
      expect(hex(encodeHl7Text(decode(bytes, 'iso-2022-jp'), 'ISO-2022-JP')), f).toBe(hex(bytes));
    }
  });
});

describe('encodeHl7Text Shift_JIS and UTF-8', () => {
  it('round-trips kanji, kana, half-width kana and the yen sign', () => {
    const text = 'MSH|^~\\&|髙橋ﾊﾅｺ～−¥\r';
    const sjis = encodeHl7Text(text, 'Shift_JIS');
    // 0x5C reads back as a backslash; − (U+2212) reads back as the WHATWG column U+FF0D.
    expect(normalizeJisVariants(decode(sjis, 'shift_jis'))).toBe(
      normalizeJisVariants(text.replace('¥', '\\')),
    );
    expect(hex(encodeHl7Text('−', 'Shift_JIS'))).toBe('817c');
    expect(decode(encodeHl7Text(text, 'UTF-8'), 'utf-8')).toBe(text);
  });

  it('is the inverse of TextDecoder for every Shift_JIS character it decodes', () => {
    let checked = 0;
    for (let lead = 0x81; lead <= 0xfc; lead++) {
      if (lead >= 0xa0 && lead < 0xe0) continue;
      for (let trail = 0x40; trail <= 0xfc; trail++) {
        let ch: string;
        try {
          ch = decode(new Uint8Array([lead, trail]), 'shift_jis');
        } catch {
          continue;
        }
        if (ch.length !== 1) continue;
        expect(decode(encodeHl7Text(ch, 'Shift_JIS'), 'shift_jis')).toBe(ch);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(7000);
  });
});
