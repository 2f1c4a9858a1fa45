import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkDigitLooksRight } from './institution-code.js';

/** Real Okayama and Hiroshima institution codes (HPKI-OID.md §3, [H14]). */
const SAMPLE = fileURLToPath(
  new URL(
    '../../../fixtures/samples/ihe/jp-oid/okayama_hiroshima_institution_codes_sample.tsv',
    import.meta.url,
  ),
);
const realCodes = readFileSync(SAMPLE, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t')[3]!);

describe('institution-code check digit', () => {
  it('accepts 岡山大学病院 and flags a one-digit slip', () => {
    expect(checkDigitLooksRight('3319800011')).toBe(true);
    expect(checkDigitLooksRight('3319800012')).toBe(false);
  });

  it('accepts every listed real code and flags every other check digit', () => {
    expect(realCodes.length).toBeGreaterThan(30);
    for (const code of realCodes) {
      expect(checkDigitLooksRight(code), code).toBe(true);
      for (let digit = 0; digit <= 9; digit++) {
        const other = `${code.slice(0, 9)}${digit}`;
        if (other !== code) expect(checkDigitLooksRight(other), other).toBe(false);
      }
    }
  });

  it('uses city + number only for Saitama, Chiba, Tokyo and Kanagawa', () => {
    // Same city+number digits "123456": Luhn over them gives 6; over all nine digits it would differ.
    expect(checkDigitLooksRight('1311234566')).toBe(true);
    expect(checkDigitLooksRight('3311234566')).toBe(false);
  });

  it('calls malformed codes wrong', () => {
    for (const code of ['', '331980001', '33198000111', '33198O0011'])
      expect(checkDigitLooksRight(code)).toBe(false);
  });
});
