import { expect, test } from 'vitest';
import { kanaKey } from './patient-row.js';

test('kana search key: NFKC, katakana, no spaces of any width', () => {
  expect(kanaKey('ﾔﾏﾀﾞ ﾊﾅｺ')).toBe('ヤマダハナコ');
  expect(kanaKey('やまだ　はなこ')).toBe('ヤマダハナコ');
  expect(kanaKey('ヤマダ ハナコ')).toBe('ヤマダハナコ');
  expect(kanaKey('ゝゞ')).toBe('ヽヾ');
});
