// HL7 v2 TS/DT values → FHIR date / dateTime / instant. SS-MIX2 writes no time zone: JST (+09:00) is
// implied (SSMIX2.md §6, MSH-7), so every zone-less value with a time gets `+09:00`.

const JST = '+09:00';
const TS = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.(\d{1,4}))?([+-]\d{4})?$/;

/** Splits a TS into parts, or undefined when it is not a plausible HL7 date/time. */
function parts(value: string | undefined) {
  if (value === undefined) return undefined;
  const m = TS.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  if (mo !== undefined && (Number(mo) < 1 || Number(mo) > 12)) return undefined;
  if (d !== undefined) {
    const day = Number(d);
    const last = daysInMonth(Number(y), Number(mo));
    if (day < 1 || day > last) return undefined;
  }
  if (h !== undefined && Number(h) > 23) return undefined;
  if (mi !== undefined && Number(mi) > 59) return undefined;
  if (s !== undefined && Number(s) > 59) return undefined;
  return { y: y!, mo, d, h, mi, s, frac, zone };
}

/**
 * Days in month `mo` (1–12) of year `y`, as `new Date(Date.UTC(y, mo, 0)).getUTCDate()` gave it
 * (including Date.UTC reading years 0–99 as 1900–1999) without allocating a Date per value.
 */
function daysInMonth(y: number, mo: number): number {
  if (mo !== 2) return mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
  const year = y >= 0 && y <= 99 ? 1900 + y : y;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

const zoneOf = (zone: string | undefined) => (zone ? `${zone.slice(0, 3)}:${zone.slice(3)}` : JST);

/**
 * FHIR dateTime: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or with a time `YYYY-MM-DDThh:mm:ss[.f]+09:00`
 * (HL7 allows hours without minutes; FHIR needs seconds, so missing minutes/seconds become 00).
 */
export function toFhirDateTime(value: string | undefined): string | undefined {
  const p = parts(value);
  if (!p) return undefined;
  if (p.mo === undefined) return p.y;
  if (p.d === undefined) return `${p.y}-${p.mo}`;
  const date = `${p.y}-${p.mo}-${p.d}`;
  if (p.h === undefined) return date;
  const frac = p.frac !== undefined && p.s !== undefined ? `.${p.frac}` : '';
  return `${date}T${p.h}:${p.mi ?? '00'}:${p.s ?? '00'}${frac}${zoneOf(p.zone)}`;
}

/** FHIR date (the day part only): `YYYY[-MM[-DD]]`. */
export function toFhirDate(value: string | undefined): string | undefined {
  const p = parts(value);
  if (!p) return undefined;
  return [p.y, p.mo, p.d].filter((x) => x !== undefined).join('-');
}

/** FHIR instant (needs a full time): undefined when the value has no time of day. */
export function toFhirInstant(value: string | undefined): string | undefined {
  const p = parts(value);
  if (!p || p.h === undefined) return undefined;
  return toFhirDateTime(value);
}
