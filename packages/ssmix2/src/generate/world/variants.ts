/**
 * How the same person's name is written differently at different facilities: the variations a
 * patient-matching (名寄せ) algorithm must see through. Each function returns undefined when it does
 * not apply to the name, so the caller only records variations that really changed something.
 */

/** New form → old form (異体字). Old forms outside JIS X 0208 cannot travel in ISO-2022-JP: see GAIJI. */
const OLD_KANJI: Readonly<Record<string, string>> = {
  高: '髙',
  崎: '﨑',
  斎: '齋',
  斉: '齊',
  辺: '邊',
  沢: '澤',
  国: '國',
  浜: '濱',
  島: '嶋',
  広: '廣',
  栄: '榮',
  桜: '櫻',
  竜: '龍',
  真: '眞',
  恵: '惠',
  富: '冨',
  峰: '峯',
  実: '實',
  蔵: '藏',
};

/**
 * Old forms that exist only in vendor extensions (IBM/NEC) and JIS X 0213, not in JIS X 0208: the
 * hospital system knows them, but its SS-MIX2 export writes them as '■' (the JAHIS rule).
 */
const GAIJI = new Set(['髙', '﨑']);

export interface KanjiVariant {
  readonly text: string;
  /** e.g. `old-kanji:辺>邊` or `gaiji:高>■`. */
  readonly label: string;
}

export function oldKanjiVariant(name: string): KanjiVariant | undefined {
  for (const ch of name) {
    const old = OLD_KANJI[ch];
    if (!old) continue;
    if (GAIJI.has(old)) return { text: name.replace(ch, '■'), label: `gaiji:${ch}>${old}>■` };
    return { text: name.replace(ch, old), label: `old-kanji:${ch}>${old}` };
  }
  return undefined;
}

const SMALL_TO_LARGE: Readonly<Record<string, string>> = {
  ャ: 'ヤ',
  ュ: 'ユ',
  ョ: 'ヨ',
  ッ: 'ツ',
  ァ: 'ア',
  ィ: 'イ',
  ゥ: 'ウ',
  ェ: 'エ',
  ォ: 'オ',
};

/** Older systems without small kana: `キョウコ` → `キヨウコ`. */
export function largeKana(kana: string): string | undefined {
  const out = [...kana].map((c) => SMALL_TO_LARGE[c] ?? c).join('');
  return out === kana ? undefined : out;
}

const O_ROW = new Set([...'オコソトノホモヨロゴゾドボポョ']);
const U_ROW = new Set([...'ウクスツヌフムユルグズヅブプュ']);

/** Long vowels written with 'ー': `サトウ` → `サトー`, `ユウコ` → `ユーコ`, `オオタ` → `オータ`. */
export function longVowelKana(kana: string): string | undefined {
  const chars = [...kana];
  for (let i = 1; i < chars.length; i++) {
    const prev = chars[i - 1] ?? '';
    const cur = chars[i];
    if ((cur === 'ウ' && (O_ROW.has(prev) || U_ROW.has(prev))) || (cur === 'オ' && O_ROW.has(prev))) {
      chars[i] = 'ー';
      return chars.join('');
    }
  }
  return undefined;
}

/** ヅ/ズ and ヂ/ジ (`ミヅキ` → `ミズキ`), ヴ/ブ. */
export function voicedKana(kana: string): string | undefined {
  const swaps: [string, string][] = [
    ['ヅ', 'ズ'],
    ['ヂ', 'ジ'],
    ['ヴ', 'ブ'],
    ['ブ', 'ヴ'],
  ];
  for (const [from, to] of swaps) if (kana.includes(from)) return kana.replace(from, to);
  return undefined;
}

/** Katakana → hiragana: some systems store readings in hiragana. */
export function hiragana(kana: string): string {
  return [...kana]
    .map((c) => {
      const cp = c.codePointAt(0) ?? 0;
      return cp >= 0x30a1 && cp <= 0x30f6 ? String.fromCodePoint(cp - 0x60) : c;
    })
    .join('');
}

/**
 * A plausible keying error in a birth date: digits of the day swapped, day and month swapped, or
 * the year off by one. Returns a valid calendar date different from the input, or undefined.
 */
export function birthDateTypos(ymd: string): string[] {
  const y = ymd.slice(0, 4);
  const m = ymd.slice(4, 6);
  const d = ymd.slice(6, 8);
  return [
    `${y}${m}${d[1]}${d[0]}`,
    `${y}${d}${m}`,
    `${Number(y) + 1}${m}${d}`,
    `${Number(y) - 1}${m}${d}`,
  ].filter((c) => c !== ymd);
}
