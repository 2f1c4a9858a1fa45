import { describe, expect, it } from 'vitest';
import {
  birthDateTypos,
  hiragana,
  largeKana,
  longVowelKana,
  oldKanjiVariant,
  voicedKana,
} from './variants.js';

describe('name variants between facilities', () => {
  it('writes old kanji, or ■ where the old form is outside JIS X 0208', () => {
    expect(oldKanjiVariant('渡辺')).toEqual({ text: '渡邊', label: 'old-kanji:辺>邊' });
    expect(oldKanjiVariant('斎藤')?.text).toBe('齋藤');
    expect(oldKanjiVariant('高橋')).toEqual({ text: '■橋', label: 'gaiji:高>髙>■' });
    expect(oldKanjiVariant('山崎')?.text).toBe('山■');
    expect(oldKanjiVariant('佐藤')).toBeUndefined();
  });

  it('varies kana the way older systems and clerks do', () => {
    expect(largeKana('キョウコ')).toBe('キヨウコ');
    expect(longVowelKana('サトウ')).toBe('サトー');
    expect(longVowelKana('オオタ')).toBe('オータ');
    expect(voicedKana('ミヅキ')).toBe('ミズキ');
    expect(hiragana('タナカ')).toBe('たなか');
    expect(largeKana('タナカ')).toBeUndefined();
  });

  it('makes birth-date typos that differ from the true date', () => {
    const typos = birthDateTypos('19480405');
    expect(typos).toContain('19480450'); // day digits swapped (invalid: the caller filters)
    expect(typos).toContain('19480504'); // month and day swapped
    expect(typos).toContain('19490405');
    expect(typos).not.toContain('19480405');
  });
});
