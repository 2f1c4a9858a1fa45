/**
 * The 10-digit medical institution code (医療機関コード): prefecture (2) + fee-table digit (1) +
 * city (2) + number (4) + check digit (1). No algorithm is published; Luhn matches every listed code of
 * 42 prefectures (HPKI-OID.md §3), so a mismatch is a warning ("possible typo"), never a refusal.
 */
const luhn = (digits: string): number => {
  let sum = 0;
  let weight = 2;
  for (const ch of [...digits].reverse()) {
    const product = Number(ch) * weight;
    sum += product > 9 ? product - 9 : product;
    weight = 3 - weight;
  }
  return (10 - (sum % 10)) % 10;
};

/** Saitama, Chiba, Tokyo and Kanagawa compute the digit over city + number only. */
const CITY_NUMBER_ONLY = new Set(['11', '12', '13', '14']);

export const INSTITUTION_CODE_PATTERN = /^\d{10}$/;

/** 10-digit institution code → false means "probably mistyped": warn, never reject. */
export function checkDigitLooksRight(code10: string): boolean {
  if (!INSTITUTION_CODE_PATTERN.test(code10)) return false;
  const prefecture = code10.slice(0, 2);
  const digits = CITY_NUMBER_ONLY.has(prefecture) ? code10.slice(3, 9) : code10.slice(0, 9);
  return luhn(digits) === Number(code10[9]);
}
