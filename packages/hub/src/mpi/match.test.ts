import { describe, expect, it } from 'vitest';
import {
  birthDateTypo,
  compareKeys,
  DEFAULT_MPI_SETTINGS,
  jaroWinkler,
  matchKeysOf,
  sameWritten,
} from './match.js';

const base = {
  nameKanji: '髙橋 健一',
  nameKana: 'タカハシ ケンイチ',
  birthDate: '1961-04-12',
  sex: 'M' as const,
  postcode: '700-8558',
  address: '岡山県岡山市北区鹿田町２－５－１',
  phone: '086-223-7151',
};
const keys = (over: Partial<typeof base> = {}) => matchKeysOf({ ...base, ...over });
const level = (c: ReturnType<typeof compareKeys>, field: string) =>
  c.fields.find((f) => f.field === field)?.level;
const { autoLinkThreshold: AUTO, reviewThreshold: REVIEW } = DEFAULT_MPI_SETTINGS;

describe('field comparison', () => {
  it('sees the same person through variant kanji, gaiji placeholders and kana spellings', () => {
    const c = compareKeys(keys(), keys({ nameKanji: '■橋　健一', nameKana: 'たかはし けんいち' }));
    expect([level(c, 'kanji'), level(c, 'kana'), level(c, 'birthDate')]).toEqual(['exact', 'exact', 'exact']);
    expect(c.score).toBeGreaterThan(AUTO);
    expect(c.guards).toEqual([]);
  });

  it('tolerates a typo in the birth date, but with a lower weight', () => {
    for (const typo of ['1961-04-21', '1961-12-04', '1962-04-12', '1961-04-13']) {
      const c = compareKeys(keys(), keys({ birthDate: typo }));
      expect([typo, level(c, 'birthDate')]).toEqual([typo, 'typo']);
    }
    expect(birthDateTypo('1961-04-12', '1975-09-30')).toBe(false);
    const exact = compareKeys(keys(), keys()).score;
    expect(compareKeys(keys(), keys({ birthDate: '1961-04-21' })).score).toBeLessThan(exact);
  });

  it('still links after a move and a new phone when name, birth date and sex agree', () => {
    const c = compareKeys(
      keys(),
      keys({ postcode: '710-8602', address: '岡山県倉敷市美和１－１－１', phone: '090-1234-5678' }),
    );
    expect(c.score).toBeGreaterThanOrEqual(AUTO);
  });

  it('never auto-links a twin: same family, birth date, address and phone, another given name', () => {
    const c = compareKeys(keys(), keys({ nameKanji: '髙橋 健二', nameKana: 'タカハシ ケンジ' }));
    expect(level(c, 'kana')).toBe('family-only');
    expect(c.guards).toContain('name-differs');
  });

  it('keeps strangers with the same name apart when the birth date differs', () => {
    const c = compareKeys(
      keys(),
      keys({
        birthDate: '1975-09-30',
        postcode: '700-0001',
        address: '岡山県岡山市北区宿１',
        phone: '086-000-0000',
      }),
    );
    expect(c.score).toBeLessThan(REVIEW);
    expect(c.guards).toContain('birth-date-differs');
  });

  it('treats an absent field as no evidence (weight 0)', () => {
    const c = compareKeys(keys(), matchKeysOf({ nameKana: base.nameKana, birthDate: base.birthDate }));
    expect(c.fields.filter((f) => f.level === 'missing').map((f) => [f.field, f.weight])).toEqual([
      ['kanji', 0],
      ['sex', 0],
      ['postcode', 0],
      ['address', 0],
      ['phone', 0],
    ]);
  });

  it('compares with helpers that behave', () => {
    expect(sameWritten('〓橋', '高橋')).toBe(true);
    expect(sameWritten('〓橋', '高田')).toBe(false);
    expect(jaroWinkler('マーサ', 'マーサ')).toBe(1);
    expect(jaroWinkler('MARTHA', 'MARHTA')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('アイウ', 'カキク')).toBe(0);
  });
});
