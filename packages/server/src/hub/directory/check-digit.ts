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

/** 10-digit institution code → false means "probably mistyped": warn, never reject. */
export function checkDigitLooksRight(code10: string): boolean {
  if (!/^\d{10}$/.test(code10)) return false;
  const prefecture = code10.slice(0, 2);
  const digits = CITY_NUMBER_ONLY.has(prefecture) ? code10.slice(3, 9) : code10.slice(0, 9);
  return luhn(digits) === Number(code10[9]);
}

/** A non-blocking remark returned with a create, update or import. */
export interface DirectoryWarning {
  code: 'check-digit';
  message: string;
  /** CSV line, on imports. */
  line?: number;
}

export function checkDigitWarning(code: string | null | undefined): DirectoryWarning | null {
  if (!code || checkDigitLooksRight(code)) return null;
  return {
    code: 'check-digit',
    message: `医療機関コード ${code} の検証番号が一致しません（入力誤りの可能性）/ check digit of institution code ${code} does not match: possibly mistyped`,
  };
}
