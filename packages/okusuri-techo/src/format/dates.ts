// Dates as the spec writes them: 西暦 8 digits `YYYYMMDD` or 和暦 7 characters `GYYMMDD` (年号 M/T/S/H/R,
// 別表1) → FHIR date `YYYY-MM-DD`. The calendar is checked (no 2月30日); era bounds are not.
import { toFhirDate } from '@hie/fhir-jp';
import { ERAS } from './codes.js';

const WAREKI = /^([MTSHR])(\d{2})(\d{2})(\d{2})$/;
const SEIREKI = /^\d{8}$/;

/** FHIR date of a spec date, undefined when the value is no real date in either form. */
export function notebookDate(value: string): string | undefined {
  if (SEIREKI.test(value)) return value.startsWith('0000') ? undefined : toFhirDate(value);
  const m = WAREKI.exec(value);
  if (!m) return undefined;
  const [, era, yy, mm, dd] = m;
  if (Number(yy) < 1) return undefined;
  const year = ERAS[era!]! + Number(yy) - 1;
  return toFhirDate(`${year}${mm}${dd}`);
}
