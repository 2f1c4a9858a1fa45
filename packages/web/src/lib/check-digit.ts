/**
 * The institution-code check digit (Luhn over prefecture + table + city + number; Saitama, Chiba,
 * Tokyo, Kanagawa over city + number only), as hub/directory/check-digit.ts: a warning while typing.
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

const CITY_NUMBER_ONLY = new Set(['11', '12', '13', '14']);

export function checkDigitLooksRight(code10: string): boolean {
  if (!/^\d{10}$/.test(code10)) return false;
  const digits = CITY_NUMBER_ONLY.has(code10.slice(0, 2)) ? code10.slice(3, 9) : code10.slice(0, 9);
  return luhn(digits) === Number(code10[9]);
}
