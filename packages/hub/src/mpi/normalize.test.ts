import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressKey, KANJI_WILDCARD, kanaKey, kanjiKey, phoneKey, splitName } from './normalize.js';

describe('kanaKey', () => {
  it('folds the spellings of one reading together', () => {
    const same: [string, string][] = [
      ['サトウ タロウ', 'さとう　たろう'],
      ['ｻﾄｳ ﾀﾛｳ', 'サトウタロウ'],
      ['キョウコ', 'キヨウコ'],
      ['サトウ', 'サトー'],
      ['ユウコ', 'ユーコ'],
      ['オオタ', 'オータ'],
      ['ケイコ', 'ケーコ'],
      ['ミヅキ', 'ミズキ'],
      ['チヂワ', 'チジワ'],
      ['ヴィクトル', 'ブィクトル'],
      ['イッペイ', 'イツペイ'],
      ['マリー・アン', 'マリイアン'],
    ];
    for (const [a, b] of same) expect([a, kanaKey(a)]).toEqual([a, kanaKey(b)]);
  });

  it('keeps different readings apart', () => {
    expect(kanaKey('サトウ')).not.toBe(kanaKey('サイトウ'));
    expect(kanaKey('キョウコ')).not.toBe(kanaKey('キョウカ'));
    expect(kanaKey('タナカ')).toBe('タナカ');
  });

  it('is idempotent', () => {
    const kana = fc.constantFrom(
      ...'ぁあぃいぅうぇえぉおかがきぎっつづぢゃやゅゆょよアァイィウゥオォーヴヂヅッャュョヲヰヱｰｶﾞ ・　nA1'.split(
        '',
      ),
    );
    fc.assert(
      fc.property(fc.array(kana, { maxLength: 12 }), (chars) => {
        const once = kanaKey(chars.join(''));
        expect(kanaKey(once)).toBe(once);
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 12 }), (s) => {
        expect(kanaKey(kanaKey(s))).toBe(kanaKey(s));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('kanjiKey', () => {
  it('folds variant kanji (異体字) and width', () => {
    const same: [string, string][] = [
      ['髙橋 一郎', '高橋一郎'],
      ['山﨑', '山崎'],
      ['山嵜', '山崎'],
      ['齋藤', '斎藤'],
      ['齊藤', '斉藤'],
      ['渡邊', '渡辺'],
      ['渡邉', '渡辺'],
      ['澤田', '沢田'],
      ['國分', '国分'],
      ['濱田', '浜田'],
      ['廣瀬', '広瀬'],
      ['櫻井', '桜井'],
      ['龍之介', '竜之介'],
      ['眞由美', '真由美'],
      ['惠子', '恵子'],
      ['德永', '徳永'],
      ['冨田', '富田'],
      ['曾根', '曽根'],
      ['槇原', '槙原'],
      ['大\uFA10', '大塚'],
      ['𠮷田', '吉田'],
      ['嶋田', '島田'],
      ['ＡＢＣ　１', 'ABC1'],
    ];
    for (const [a, b] of same) expect([a, kanjiKey(a)]).toEqual([a, kanjiKey(b)]);
  });

  it('keeps different characters apart (籐 is not 藤)', () => {
    expect(kanjiKey('籐井')).not.toBe(kanjiKey('藤井'));
    expect(kanjiKey('佐藤')).not.toBe(kanjiKey('加藤'));
  });

  it('turns placeholders of unrepresentable characters into one wildcard', () => {
    expect(kanjiKey('■橋')).toBe(`${KANJI_WILDCARD}橋`);
    expect(kanjiKey('〓橋')).toBe(kanjiKey('？橋'));
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 12 }), (s) => {
        expect(kanjiKey(kanjiKey(s))).toBe(kanjiKey(s));
      }),
      { numRuns: 3000 },
    );
    const variant = fc.constantFrom(
      ...'髙﨑嵜齋齊斎斉邊邉辺澤國濱廣櫻龍眞惠德冨曾槇\uFA10■〓？ 　高崎'.split(''),
    );
    fc.assert(
      fc.property(fc.array(variant, { maxLength: 8 }), (chars) => {
        const once = kanjiKey(chars.join(''));
        expect(kanjiKey(once)).toBe(once);
      }),
    );
  });
});

describe('other keys', () => {
  it('splits names at the first space of any width', () => {
    expect(splitName('山田　太郎')).toEqual({ family: '山田', given: '太郎' });
    expect(splitName('ヤマダ タロウ')).toEqual({ family: 'ヤマダ', given: 'タロウ' });
    expect(splitName('ヤマダタロウ')).toEqual({ family: 'ヤマダタロウ', given: '' });
  });

  it('normalises phones and addresses', () => {
    expect(phoneKey('０８６－２２３－４５６７')).toBe('0862234567');
    expect(addressKey('岡山県岡山市北区鹿田町２丁目５番１号')).toBe(
      addressKey('岡山県岡山市北区鹿田町2-5-1'),
    );
    expect(addressKey('岡山市北区鹿田町２－５－１')).toBe('岡山市北区鹿田町2-5-1');
  });
});
