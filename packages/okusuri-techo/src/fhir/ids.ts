// Deterministic ids, so that scanning the same notebook twice PUTs the same resources. fhir-jp's key
// scheme with the data type `OTC`: `<PID>.<調剤等年月日>.OTC.<dispensing>.<RP番号>.<順番>`, where
// <dispensing> = pharmacy + prescribing clinic + the how-manieth such dispensing that day in the
// notebook. Each part is a 医療機関コード when the notebook gives one (`c` + 10 digits), else an FNV-1a
// hash of the name (`h` + 8 hex), else `z`. keyPrefix() of a dispensing finds everything it produced.
import { keyPrefix, patientResourceId, resourceId } from '@hie/fhir-jp';
import type { Dispensing, Institution } from '../notebook/model.js';

/** The key fields fhir-jp's id helpers read (the others are fixed: they are not part of any id). */
type Key = Parameters<typeof resourceId>[0];

/** FNV-1a (32 bit) of the UTF-16 code units: short, stable, enough to tell two names apart. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

const part = (i: Institution | undefined) =>
  i?.institutionCode ? `c${i.institutionCode}` : i?.name ? `h${fnv1a(i.name)}` : 'z';

export interface DispensingKey {
  key: Key;
  /** Every id of the dispensing starts with it (ends with '.'). */
  prefix: string;
}

/** Keys of a notebook's dispensings, in order; the occurrence counts same-day same-place dispensings. */
export function dispensingKeys(patientId: string, dispensings: readonly Dispensing[]): DispensingKey[] {
  const seen = new Map<string, number>();
  return dispensings.map((d) => {
    const place = `${part(d.pharmacy)}${part(d.prescriber)}`;
    const careDate = d.date.replaceAll('-', '');
    const n = (seen.get(`${careDate}${place}`) ?? 0) + 1;
    seen.set(`${careDate}${place}`, n);
    const key: Key = {
      patientId,
      careDate,
      dataType: 'OTC',
      orderNo: `${place}n${n}`,
      timestamp: '00000000000000',
      department: '-',
      flag: '1',
    };
    return { key, prefix: keyPrefix(key) };
  });
}

/** MedicationDispense of the drug at `orderInRp` in Rp `rp`. */
export const dispenseId = (k: DispensingKey, rp: number, orderInRp: number) =>
  resourceId(k.key, rp, String(orderInRp));

export { patientResourceId };
