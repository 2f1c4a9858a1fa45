/**
 * The panels of the lab view in the order clinicians read a result sheet (血算 → 凝固 → 生化学 → 腎機能・
 * 電解質 → 脂質 → 糖代謝 → 炎症 → 心筋・心不全 → 甲状腺 → 腫瘍マーカー → 尿 → その他), from the JLAC10 analyte
 * code (its first 5 characters; a longer prefix where one analyte family spans two panels). Within a
 * panel, the tests listed here come in this order (the usual order of a Japanese result sheet), the
 * others after them by name. Tests without a JLAC10 code fall into その他: a name is no safe guide.
 */

export const LAB_PANEL_ORDER = [
  'cbc', // 血算
  'coagulation', // 凝固
  'liver', // 生化学（肝・胆・膵）: enzymes, bilirubin, proteins
  'renal', // 腎機能・電解質
  'lipid', // 脂質
  'glucose', // 糖代謝
  'inflammation', // 炎症
  'cardiac', // 心筋・心不全
  'thyroid', // 甲状腺
  'tumor', // 腫瘍マーカー
  'urine', // 尿
  'other', // その他
] as const;
export type LabPanel = (typeof LAB_PANEL_ORDER)[number];

/** JLAC10 prefixes (analyte codes, or longer) → panel, in display order within each panel. */
const PANEL_CODES: readonly (readonly [prefix: string, panel: LabPanel])[] = [
  // 血算: the JP-CLINS core codes (2A990…, one analyte with result codes per item), then JLAC10 2A.
  ['2A990000001930952', 'cbc'], // 白血球数
  ['2A990000001930951', 'cbc'], // 赤血球数
  ['2A990000001930953', 'cbc'], // ヘモグロビン
  ['2A990000001930954', 'cbc'], // ヘマトクリット
  ['2A990000001930955', 'cbc'], // 血小板数
  ['2A010', 'cbc'], // 白血球数
  ['2A020', 'cbc'], // 赤血球数
  ['2A030', 'cbc'], // ヘモグロビン
  ['2A040', 'cbc'], // ヘマトクリット
  ['2A050', 'cbc'], // 血小板数
  ['2A', 'cbc'], // 血球算定・血液像
  ['2B', 'coagulation'], // 凝固・線溶
  // 生化学（肝・胆・膵）
  ['3B035', 'liver'], // AST
  ['3B045', 'liver'], // ALT
  ['3B050', 'liver'], // LD
  ['3B070', 'liver'], // ALP
  ['3B090', 'liver'], // γ-GT
  ['3B110', 'liver'], // コリンエステラーゼ
  ['3B160', 'liver'], // アミラーゼ
  ['3B180', 'liver'], // リパーゼ
  ['3J010', 'liver'], // 総ビリルビン
  ['3J015', 'liver'], // 直接ビリルビン
  ['3J', 'liver'], // 生体色素
  ['3A010', 'liver'], // 総蛋白
  ['3A015', 'liver'], // アルブミン
  ['3A016', 'liver'], // A/G比
  ['3A', 'liver'], // 蛋白
  ['3B010', 'cardiac'], // CK: muscle and heart, read with the cardiac markers
  ['3B', 'liver'], // 酵素
  // 腎機能・電解質
  ['3C025', 'renal'], // 尿素窒素
  ['3C015', 'renal'], // クレアチニン
  ['8A065', 'renal'], // eGFR
  ['3C020', 'renal'], // 尿酸
  ['3C', 'renal'], // 含窒素成分
  ['3H010', 'renal'], // ナトリウム
  ['3H015', 'renal'], // カリウム
  ['3H020', 'renal'], // クロール
  ['3H030', 'renal'], // カルシウム
  ['3H040', 'renal'], // 無機リン
  ['3H', 'renal'], // 電解質・無機質
  // 脂質
  ['3F050', 'lipid'], // 総コレステロール
  ['3F015', 'lipid'], // 中性脂肪
  ['3F070', 'lipid'], // HDL-コレステロール
  ['3F077', 'lipid'], // LDL-コレステロール
  ['3F', 'lipid'],
  // 糖代謝
  ['3D010', 'glucose'], // グルコース
  ['3D046', 'glucose'], // HbA1c (NGSP)
  ['3D', 'glucose'],
  // 炎症
  ['5C070', 'inflammation'], // CRP
  // 心筋・心不全
  ['4Z251', 'cardiac'], // BNP
  ['4Z272', 'cardiac'], // NT-proBNP
  // 甲状腺
  ['4A055', 'thyroid'], // TSH
  ['4B', 'thyroid'], // 甲状腺ホルモン
  // 腫瘍マーカー
  ['5D', 'tumor'], // 腫瘍関連抗原
  // 尿
  ['1A', 'urine'], // 尿一般
];

/** The panel of a test and its rank for sorting (panel first, then the listed order; unlisted last). */
export function labPanelOf(jlac10: string | null | undefined): { panel: LabPanel; rank: number } {
  let found = -1;
  for (let i = 0; jlac10 && i < PANEL_CODES.length; i++) {
    const prefix = PANEL_CODES[i]![0];
    if (jlac10.startsWith(prefix) && (found < 0 || prefix.length > PANEL_CODES[found]![0].length)) found = i;
  }
  if (found < 0) return { panel: 'other', rank: (LAB_PANEL_ORDER.length - 1) * 1000 + PANEL_CODES.length };
  const [prefix, panel] = PANEL_CODES[found]!;
  // A family prefix (2 characters) ranks after the analytes its panel lists by name.
  const listed = prefix.length >= 5 ? found : PANEL_CODES.length;
  return { panel, rank: LAB_PANEL_ORDER.indexOf(panel) * 1000 + listed };
}

/**
 * Tests in clinical order: by panel, then as listed above, then by name (ja collation). `jlac10`
 * null sorts as その他.
 */
export function compareLabTests(
  a: { jlac10: string | null; name: string },
  b: { jlac10: string | null; name: string },
): number {
  return labPanelOf(a.jlac10).rank - labPanelOf(b.jlac10).rank || a.name.localeCompare(b.name, 'ja');
}
