import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCharacter, newCardNumber, normalizeCardNumber } from './card.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXY';

describe('patient card numbers', () => {
  it('are formatted XXXX-XXXX-XXXX and valid', () => {
    const card = newCardNumber();
    expect(card).toMatch(/^[0-9A-HJKMNP-TV-Y]{4}-[0-9A-HJKMNP-TV-Y]{4}-[0-9A-HJKMNP-TV-Y]{4}$/);
    expect(normalizeCardNumber(card)).toBe(card);
  });

  it('read what people type: lower case, spaces, full-width, O for 0, I or L for 1', () => {
    const body = '0123ABCD1XY';
    const card = `0123-ABCD-1XY${checkCharacter(body)}`;
    const typed = ` o123 abcd ixy${checkCharacter(body).toLowerCase()} `;
    expect(normalizeCardNumber(typed)).toBe(card);
    expect(normalizeCardNumber('０１２３－ＡＢＣＤ－１ＸＹ'.concat(checkCharacter(body)))).toBe(card);
    expect(normalizeCardNumber('0123-ABCD-1XY')).toBeNull();
    expect(normalizeCardNumber('0123-ABCD-1XYZZ')).toBeNull();
    expect(normalizeCardNumber('0123-ABCD-1XY!')).toBeNull();
    expect(normalizeCardNumber('0123-ABCD-1XYZ')).toBeNull(); // Z is not a symbol
  });

  it('catch every single wrong character and every swap of neighbours', () => {
    const digit = fc.constantFrom(...ALPHABET);
    fc.assert(
      fc.property(
        fc.array(digit, { minLength: 11, maxLength: 11 }),
        fc.nat(11),
        digit,
        (chars, at, replacement) => {
          const compact = chars.join('') + checkCharacter(chars.join(''));
          expect(normalizeCardNumber(compact)).not.toBeNull();
          const typo = compact.slice(0, at) + replacement + compact.slice(at + 1);
          if (typo !== compact) expect(normalizeCardNumber(typo)).toBeNull();
          if (at < 11 && compact[at] !== compact[at + 1]) {
            const swapped = compact.slice(0, at) + compact[at + 1] + compact[at] + compact.slice(at + 2);
            expect(normalizeCardNumber(swapped)).toBeNull();
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
