/**
 * Units as Japanese clinicians write them on a result sheet, from what a laboratory system sends
 * (UCUM when OBX-6 says ISO+/UCUM, a local spelling otherwise). Display only: the number is never
 * changed, so a power of ten is named, not applied (赤血球 450 `10*4/uL` → 450 万/μL, 白血球 5.6
 * `10*3/uL` → 5.6 千/μL), and the unit that was sent stays available beside it.
 */

/** Whole units that have a customary Japanese spelling. */
const CUSTOMARY: Readonly<Record<string, string>> = {
  '10*4/uL': '万/μL',
  '10^4/uL': '万/μL',
  '10*3/uL': '千/μL',
  '10^3/uL': '千/μL',
  'mL/min/1.73m2': 'mL/分/1.73m²',
  'mL/min/{1.73_m2}': 'mL/分/1.73m²',
  'mL/min/1.73.m2': 'mL/分/1.73m²',
  'mL/min': 'mL/分',
  'mm/h': 'mm/時',
  '/[HPF]': '/HPF',
  '/[LPF]': '/LPF',
  '[pH]': '',
  '{ratio}': '',
  '1': '',
};

const SUPERSCRIPT: Readonly<Record<string, string>> = {
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
  '-': '⁻',
};
const superscript = (digits: string) => [...digits].map((d) => SUPERSCRIPT[d] ?? d).join('');

/** The unit as shown in the lab table and chart; '' for none. Unknown units pass through unchanged. */
export function clinicalUnit(unit: string | null | undefined): string {
  const sent = (unit ?? '').trim();
  if (sent === '') return '';
  // Litre and decilitre with a capital L (g/dl → g/dL), mEq as written (meq/l → mEq/L).
  const litre = sent.replace(/(^|\/)([mudnpf]?)l(?=\/|$)/g, '$1$2L').replace(/\bmeq\b/gi, 'mEq');
  const customary = CUSTOMARY[sent] ?? CUSTOMARY[litre];
  if (customary !== undefined) return customary;
  return (
    litre
      // Powers of ten: 10*6/uL → ×10⁶/μL (UCUM `*`, or `^` as some systems write it).
      .replace(/^10[*^](-?\d+)/, (_, p: string) => `×10${superscript(p)}`)
      // UCUM's micro prefix `u` → μ (ug, uL, umol, uIU, uU, um), at the start or after `/`.
      .replace(/(^|\/)u(?=g\b|L\b|mol\b|IU\b|U\b|m\b)/g, '$1μ')
      // UCUM brackets and annotations: [IU]/L → IU/L, {copies}/mL → copies/mL.
      .replace(/\[(iU|IU)\]/g, 'IU')
      .replace(/\{([^}]*)\}/g, '$1')
      // Area and volume: m2 → m², cm3 → cm³.
      .replace(
        /(^|[^a-zA-Z])(c?m|dm)([23])(?=\/|$)/g,
        (_, pre: string, u: string, p: string) => `${pre}${u}${superscript(p)}`,
      )
  );
}
