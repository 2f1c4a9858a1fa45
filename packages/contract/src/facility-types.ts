/** Kinds of participating facility, as the seed's statistics group them (MISSION.md M13). */
export const FACILITY_TYPES = {
  hospital: { ja: '病院', en: 'Hospital' },
  clinic: { ja: '診療所', en: 'Clinic' },
  dental: { ja: '歯科診療所', en: 'Dental clinic' },
  pharmacy: { ja: '薬局', en: 'Pharmacy' },
  'visiting-nursing': { ja: '訪問看護ステーション', en: 'Visiting nursing station' },
  'care-facility': { ja: '介護施設', en: 'Care facility' },
  'care-manager-office': { ja: '居宅介護支援事業所', en: 'Care manager office' },
  administration: { ja: '行政・地域包括支援センター', en: 'Administration' },
  'network-office': { ja: 'ネットワーク事務局', en: 'Network office' },
  other: { ja: 'その他', en: 'Other' },
} as const;

export type FacilityType = keyof typeof FACILITY_TYPES;
export const FACILITY_TYPE_CODES = Object.keys(FACILITY_TYPES) as FacilityType[];
export const isFacilityType = (value: string): value is FacilityType => Object.hasOwn(FACILITY_TYPES, value);
