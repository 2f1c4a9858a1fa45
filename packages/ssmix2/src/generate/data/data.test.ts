import { encodeHl7Text } from '@hie/hl7v2';
import { describe, expect, it } from 'vitest';
import { TOWNS } from './addresses.js';
import { ALLERGENS, DIETS, ECG_FINDINGS, IMAGING, jj1017, KNOWN_FACILITIES } from './clinic.js';
import { DISEASES } from './diseases.js';
import { INJECTION_DRUGS, ORAL_DRUGS, USAGES } from './drugs.js';
import { LAB_TESTS } from './labs.js';
import { GIVEN_NAMES, SURNAMES } from './names.js';

/** Characters of a string that are not in JIS X 0208 proper (rows 1–8 and 16–84). */
function outsideJisX0208(text: string): string[] {
  return [...text].filter((ch) => {
    if (ch.charCodeAt(0) < 0x80) return false;
    const b = encodeHl7Text(ch, 'ISO-2022-JP');
    const row = (b[3] ?? 0) - 0x20;
    return b.length !== 8 || ch === '■' || row > 84 || (row > 8 && row < 16);
  });
}

describe('data tables', () => {
  it('use only characters ISO-2022-JP (JIS X 0208) can carry', () => {
    const strings = [
      ...SURNAMES.flatMap((n) => [n.kanji, n.kana]),
      ...Object.values(GIVEN_NAMES).flatMap((eras) =>
        Object.values(eras).flatMap((list) => list.flatMap((n) => [n.kanji, n.kana])),
      ),
      ...TOWNS.flatMap((t) => [t.prefecture, t.city, t.town]),
      ...DISEASES.map((d) => d.name),
      ...Object.values(ORAL_DRUGS).map((d) => d.name),
      ...Object.values(INJECTION_DRUGS).map((d) => d.name),
      ...Object.values(USAGES).map((u) => u.text),
      ...Object.values(LAB_TESTS).map((t) => t.name),
      ...ALLERGENS.flatMap((a) => [a.name, a.typeName, a.reaction]),
      ...Object.values(DIETS).flatMap((d) => [d.name, d.comment]),
      ...ECG_FINDINGS,
      ...Object.values(IMAGING).flatMap((s) => [s.parent[1], ...s.children.map((c) => c[1])]),
      ...Object.values(KNOWN_FACILITIES).map((f) => f.name),
    ];
    expect(strings.flatMap(outsideJisX0208)).toEqual([]);
  });

  it('has real-looking codes: 17-character JLAC10, 9-digit HOT9, ICD-10, 8-digit MEDIS keys, 7-digit postcodes', () => {
    for (const t of Object.values(LAB_TESTS))
      expect(t.jlac10).toMatch(/^[0-9][A-Z][0-9]{3}[0-9A-Z]{4}[0-9]{8}$/);
    for (const d of [...Object.values(ORAL_DRUGS), ...Object.values(INJECTION_DRUGS)])
      expect(d.hot9).toMatch(/^\d{9}$/);
    for (const d of DISEASES) {
      expect(d.icd10).toMatch(/^[A-Z]\d{2}\d{0,2}$/);
      expect(d.medisKey).toMatch(/^\d{8}$/);
    }
    expect(DISEASES.length).toBeGreaterThanOrEqual(40);
    for (const t of TOWNS) expect(t.postcode).toMatch(/^\d{3}-\d{4}$/);
    expect(TOWNS.length).toBeGreaterThanOrEqual(40);
    expect(Object.keys(LAB_TESTS).length).toBeGreaterThanOrEqual(25);
  });

  it('marks as illustrative every drug and disease code not checked against a public source', () => {
    for (const d of Object.values(ORAL_DRUGS)) if (!d.verified) expect(d.hot9.startsWith('99')).toBe(true);
    for (const d of DISEASES) if (!d.verified) expect(d.medisKey.startsWith('99')).toBe(true);
    expect(DISEASES.find((d) => d.key === 'gastritis')).toMatchObject({
      medisKey: '20054174',
      icd10: 'K297',
      verified: true,
    });
  });

  it('builds JJ1017-32 codes in the guideline’s layout: its sample X-ray codes come out of their parts', () => {
    const xray = (site: string, posture: string, direction: string) =>
      jj1017({ modality: '1', site, posture, direction, ray: '01' });
    expect([xray('200', '1', '02'), xray('200', '1', '06')]).toEqual(
      IMAGING.chestXray.children.map((c) => c[0]),
    );
    expect([xray('250', '1', '02'), xray('250', '6', '02')]).toEqual(
      IMAGING.abdXray.children.map((c) => c[0]),
    );
    // CT: 種別 6, supine, one region per order; composed, so marked illustrative.
    const cts = Object.values(IMAGING).filter((s) => s.modality === 'CT');
    expect(cts.length).toBeGreaterThanOrEqual(4);
    for (const s of cts) {
      expect(s.parent[0]).toBe('6000000000000000');
      expect(s.children[0]?.[0]).toMatch(/^6\d{6}(100|200|250)02[0-9A-Z]{20}$/);
      expect(s.verified).toBe(false);
    }
  });
});
