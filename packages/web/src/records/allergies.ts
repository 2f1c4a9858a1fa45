/**
 * Allergies across facilities: one line per allergen, every reaction and every facility that reports
 * it. Two reports are the same allergen when they share a code (JLAC10 アレルゲン, HOT, a facility's
 * local code only within that facility) or the same written name: ハウスダスト with くしゃみ at one
 * hospital and without a reaction at another is one allergy, not two.
 */
import type { AllergyBannerItem } from '../api/types';

export interface AllergySource {
  facilityOid: string;
  facilityName: string;
  id: string;
  name: string;
  reactions: string[];
  criticality: string | null;
  categories: string[];
  date: string | null;
}

export interface AllergyRow {
  key: string;
  name: string;
  /** FHIR category (medication, food, environment, biologic), every one the sources give. */
  categories: string[];
  /** 'high' when any source says so. */
  criticality: 'high' | 'low' | null;
  /** Every reaction any source names, in the order first seen ("記載なし" only when no source names one). */
  reactions: string[];
  sources: AllergySource[];
}

/** What facilities write when there is no reaction: not a reaction to list beside real ones. */
const NO_REACTION = new Set(['記載なし', '不明', '']);

const normalised = (text: string) => text.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

/**
 * The keys two reports of one allergen share: each code with its system (a facility's local system
 * already names the facility: `urn:ssmix2:<facility>:codesystem:99ALG`), and the written name.
 */
function keysOf(item: AllergyBannerItem): string[] {
  const keys: string[] = [];
  for (const c of item.codes ?? []) if (c.code) keys.push(`${c.system ?? item.facilityOid}|${c.code}`);
  const name = normalised(item.text);
  if (name && name !== '不明') keys.push(`name:${name}`);
  if (keys.length === 0) keys.push(`id:${item.facilityOid}|${item.id}`);
  return keys;
}

/** The banner's items merged by allergen, the most critical first, then by name. */
export function mergeAllergies(items: readonly AllergyBannerItem[]): AllergyRow[] {
  const rows: (AllergyRow & { keySet: Set<string> })[] = [];
  for (const item of items) {
    const keys = keysOf(item);
    const matching = rows.filter((r) => keys.some((k) => r.keySet.has(k)));
    // A report may join two rows that were apart (one shares the code, the other the name).
    const row = matching[0] ?? {
      key: keys[0]!,
      name: item.text.normalize('NFKC').trim(),
      categories: [],
      criticality: null,
      reactions: [],
      sources: [],
      keySet: new Set<string>(),
    };
    if (!matching[0]) rows.push(row);
    for (const other of matching.slice(1)) {
      for (const k of other.keySet) row.keySet.add(k);
      row.sources.push(...other.sources);
      rows.splice(rows.indexOf(other), 1);
    }
    for (const k of keys) row.keySet.add(k);
    row.sources.push({
      facilityOid: item.facilityOid,
      facilityName: item.facilityName,
      id: item.id,
      name: item.text,
      reactions: (item.reactions ?? []).map((r) => r.trim()),
      criticality: item.criticality,
      categories: item.category ?? [],
      date: item.date ?? null,
    });
  }
  return rows
    .map(({ keySet: _, ...row }) => {
      const categories = new Set<string>();
      const reactions: string[] = [];
      let criticality: AllergyRow['criticality'] = null;
      for (const s of row.sources) {
        for (const r of s.reactions) if (!NO_REACTION.has(r) && !reactions.includes(r)) reactions.push(r);
        for (const c of s.categories) categories.add(c);
        if (s.criticality === 'high') criticality = 'high';
        else if (s.criticality === 'low' && criticality === null) criticality = 'low';
      }
      const sources = [...row.sources].sort((a, b) => a.facilityName.localeCompare(b.facilityName, 'ja'));
      return { ...row, categories: [...categories], criticality, reactions, sources };
    })
    .sort(
      (a, b) =>
        Number(b.criticality === 'high') - Number(a.criticality === 'high') ||
        a.name.localeCompare(b.name, 'ja'),
    );
}

/** The facilities of a row, each once, in the row's order. */
export function allergyFacilities(row: AllergyRow): { oid: string; name: string }[] {
  const seen = new Map<string, string>();
  for (const s of row.sources) if (!seen.has(s.facilityOid)) seen.set(s.facilityOid, s.facilityName);
  return [...seen].map(([oid, name]) => ({ oid, name }));
}
