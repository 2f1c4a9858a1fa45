/**
 * The facility OID (ARCHITECTURE.md invariant 3, HPKI-OID.md §3–4): by default
 * `<root>.<prefecture>.<10-digit institution code>`, e.g. 岡山大学病院 3319800011 →
 * `1.2.392.200284.33.3319800011`. An OID arc is an integer without leading zeros, so prefectures
 * 01–09 need a configured fix — JP Core's "prefix 1" (`…1.10112345678`) or stripping the zeros
 * (`…1.112345678`) — or an explicit `facility.oid`; by default such codes are refused.
 */
export type LeadingZeroFix = 'reject' | 'prefix-1' | 'strip';

export const OID_PATTERN = /^[0-2](\.(0|[1-9]\d*))+$/;

export type OidResult = { ok: true; oid: string } | { ok: false; reason: string };

export function facilityOid(
  institutionCode: string,
  root: string,
  fix: LeadingZeroFix = 'reject',
): OidResult {
  if (!/^\d{10}$/.test(institutionCode)) {
    return { ok: false, reason: `institution code '${institutionCode}' must be 10 digits` };
  }
  if (!OID_PATTERN.test(root)) return { ok: false, reason: `OID root '${root}' is not a valid OID` };
  const prefecture = institutionCode.slice(0, 2);
  const arcs =
    fix === 'prefix-1'
      ? [String(Number(prefecture)), `1${institutionCode}`]
      : fix === 'strip'
        ? [String(Number(prefecture)), String(Number(institutionCode))]
        : [prefecture, institutionCode];
  const oid = `${root}.${arcs.join('.')}`;
  if (!OID_PATTERN.test(oid)) {
    return {
      ok: false,
      reason: `${oid} is not a valid OID (an arc starts with 0): set facility.oid, or facility.oidLeadingZero to 'prefix-1' or 'strip'`,
    };
  }
  return { ok: true, oid };
}
