import { randomInt } from 'node:crypto';

/**
 * Patient card numbers (患者カード番号) printed for a consent: 12 characters shown as `XXXX-XXXX-XXXX`,
 * from 31 symbols — Crockford's base 32 without Z (no I, L, O, U, Z: nothing to misread as 1, 0, V
 * or 2). The last character is a check character: the position-weighted sum (weights 1…12, the check
 * character weighing 1) is 0 modulo the prime 31, so every single mistyped character and every swap
 * of two neighbours is caught (a Luhn mod-N check would miss the swap of 0 and the last symbol).
 * 11 random characters: 31^11 ≈ 2.5 × 10^16 numbers, so guessing one is hopeless.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXY';
const P = ALPHABET.length; // 31, prime
const BODY_LENGTH = 11;

/** Σ weight × value, the rightmost character weighing `firstWeight`, the next one more, … */
function weightedSum(chars: string, firstWeight: number): number {
  let sum = 0;
  for (let i = 0; i < chars.length; i++) {
    sum += (firstWeight + chars.length - 1 - i) * ALPHABET.indexOf(chars[i] as string);
  }
  return sum % P;
}

export function checkCharacter(body: string): string {
  return ALPHABET[(P - weightedSum(body, 2)) % P] as string;
}

const format = (compact: string) => compact.replace(/(.{4})(?=.)/g, '$1-');

/** A new random card number, formatted. Uniqueness is the database's job (retry on conflict). */
export function newCardNumber(random: (max: number) => number = randomInt): string {
  let body = '';
  for (let i = 0; i < BODY_LENGTH; i++) body += ALPHABET[random(P)];
  return format(body + checkCharacter(body));
}

/**
 * The canonical form of what a person typed (case, spaces and hyphens ignored; O→0, I/L→1), or null
 * when it is not a valid card number (wrong length, foreign character, or failed check character).
 */
export function normalizeCardNumber(typed: string): string | null {
  const compact = typed
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-‐－ー]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (compact.length !== BODY_LENGTH + 1) return null;
  if ([...compact].some((c) => !ALPHABET.includes(c))) return null;
  if (weightedSum(compact, 1) !== 0) return null;
  return format(compact);
}
