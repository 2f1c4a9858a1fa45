/**
 * Keys for Japanese patient matching (名寄せ) and PDQ search. Both keys are idempotent:
 * `kanaKey(kanaKey(s)) === kanaKey(s)`, `kanjiKey(kanjiKey(s)) === kanjiKey(s)`.
 */

/** Small kana → large (older systems had no small kana: キョウコ / キヨウコ). */
const SMALL_TO_LARGE: Readonly<Record<string, string>> = {
  ァ: 'ア',
  ィ: 'イ',
  ゥ: 'ウ',
  ェ: 'エ',
  ォ: 'オ',
  ッ: 'ツ',
  ャ: 'ヤ',
  ュ: 'ユ',
  ョ: 'ヨ',
  ヮ: 'ワ',
  ヵ: 'カ',
  ヶ: 'ケ',
  // Voiced and obsolete kana that sound alike.
  ヴ: 'ブ',
  ヂ: 'ジ',
  ヅ: 'ズ',
  ヲ: 'オ',
  ヰ: 'イ',
  ヱ: 'エ',
  ヷ: 'バ',
  ヸ: 'ビ',
  ヹ: 'ベ',
  ヺ: 'ボ',
};

const ROWS: ReadonlyArray<readonly [vowel: string, kana: string]> = [
  ['ア', 'アカガサザタダナハバパマヤラワ'],
  ['イ', 'イキギシジチヂニヒビピミリ'],
  ['ウ', 'ウクグスズツヅヌフブプムユルヴ'],
  ['エ', 'エケゲセゼテデネヘベペメレ'],
  ['オ', 'オコゴソゾトドノホボポモヨロ'],
];
const VOWEL_OF = new Map<string, string>();
for (const [vowel, kana] of ROWS) for (const ch of kana) VOWEL_OF.set(ch, vowel);

/** Characters dropped from keys: spaces, middle dots, equals signs and hyphen-like separators in names. */
const SEPARATORS = /[\s\u3000・･=＝゠]/gu;

/**
 * The reading key: NFKC (half-width kana → full), hiragana → katakana, small kana → large, ヴ/ブ,
 * ヂ/ジ, ヅ/ズ, ヲ/オ, long vowels folded to one spelling (サトー = サトウ, オータ = オウタ = オオタ,
 * ユーコ = ユウコ, ケーコ = ケイコ), spaces and dots removed.
 */
export function kanaKey(input: string): string {
  return stable(foldKana, input);
}

/** Characters that may compose with a neighbour once a separator or fold brought them together. */
const COMPOSING = /[\p{M}\u1100-\u11FF\u3131-\u318E]/u;

/**
 * Applies `fold` until nothing changes: a mark left over after NFKC (ッﾞ, or a space-separated
 * diacritic) can compose with its new neighbour after a fold. Plain names take one pass.
 */
function stable(fold: (s: string) => string, input: string): string {
  let out = fold(input);
  if (!COMPOSING.test(out)) return out;
  for (let i = 0; i < 4; i++) {
    const again = fold(out);
    if (again === out) break;
    out = again;
  }
  return out;
}

function foldKana(input: string): string {
  const text = input.normalize('NFKC').replace(SEPARATORS, '').normalize('NFKC');
  let out = '';
  let prevVowel: string | undefined;
  for (const raw of text) {
    const code = raw.codePointAt(0) ?? 0;
    let ch = code >= 0x3041 && code <= 0x3096 ? String.fromCodePoint(code + 0x60) : raw;
    ch = SMALL_TO_LARGE[ch] ?? ch;
    // Long-vowel marks and the vowel that spells a long o/u: one form each.
    if (ch === 'ー' || ch === '〜' || ch === '～' || ch === '-') {
      if (prevVowel === undefined) continue;
      ch = prevVowel === 'オ' || prevVowel === 'ウ' ? 'ウ' : prevVowel === 'エ' ? 'イ' : prevVowel;
    } else if (ch === 'オ' && prevVowel === 'オ') {
      ch = 'ウ';
    }
    out += ch;
    prevVowel = VOWEL_OF.get(ch);
  }
  return out;
}

/**
 * Variant kanji (異体字) → the form used in keys. Old or vendor forms seen in Japanese surnames and
 * given names; some (髙, 﨑) are outside JIS X 0208 and arrive as 〓/■ from SS-MIX2 exports: those
 * placeholders become one wildcard, compared as "any character" by the matcher. 籐 (rattan) is a
 * different character from 藤, not a variant: deliberately not folded.
 */
const VARIANT_GROUPS: ReadonlyArray<readonly [canonical: string, variants: string]> = [
  ['高', '髙'],
  ['崎', '﨑嵜碕㟢'],
  ['斉', '齋齊斎'],
  ['辺', '邊邉'],
  ['沢', '澤'],
  ['国', '國圀'],
  ['浜', '濱濵'],
  ['島', '嶋嶌'],
  ['広', '廣'],
  ['桜', '櫻'],
  ['竜', '龍'],
  ['真', '眞'],
  ['恵', '惠'],
  ['徳', '德'],
  ['富', '冨'],
  ['曽', '曾'],
  ['槙', '槇'],
  ['塚', '\uFA10'], // 塚 (compatibility ideograph; NFKC already folds it)
  ['栄', '榮'],
  ['峰', '峯'],
  ['実', '實'],
  ['蔵', '藏'],
  ['渕', '淵'],
  ['館', '舘'],
  ['桑', '桒'],
  ['瀬', '瀨'],
  ['条', '條'],
  ['寿', '壽'],
  ['万', '萬'],
  ['荘', '莊'],
  ['渋', '澁'],
  ['浅', '淺'],
  ['関', '關'],
  ['戸', '戶'],
  ['黒', '黑'],
  ['青', '靑'],
  ['歩', '步'],
  ['来', '來'],
  ['児', '兒'],
  ['円', '圓'],
  ['会', '會'],
  ['伝', '傳'],
  ['礼', '禮'],
  ['滝', '瀧'],
  ['鉄', '鐵'],
  ['県', '縣'],
  ['豊', '豐'],
  ['亜', '亞'],
  ['岳', '嶽'],
  ['船', '舩'],
  ['吉', '𠮷'],
  ['鶴', '靏'],
  ['塩', '鹽'],
  ['薮', '藪'],
  ['篭', '籠'],
  ['桧', '檜'],
  ['郷', '鄕鄉'],
  ['恒', '恆'],
  ['将', '將'],
  ['巌', '巖'],
  ['穂', '穗'],
  ['聡', '聰'],
  ['晋', '晉'],
  ['弥', '彌'],
  ['清', '淸'],
  ['静', '靜'],
  ['糸', '絲'],
  ['芸', '藝'],
  ['顕', '顯'],
  ['譲', '讓'],
  ['為', '爲'],
  ['彦', '彥'],
  ['勲', '勳'],
  ['凛', '凜'],
  ['竃', '竈'],
  ['与', '與'],
  ['ケ', 'ヶ'],
  ['カ', 'ヵ'],
];

/** Stand-ins for characters a system could not represent (〓 geta, ■ in SS-MIX2 exports). */
export const KANJI_WILDCARD = '〓';
const WILDCARDS = '〓■□?？';

const KANJI_FOLD = new Map<string, string>();
for (const [canonical, variants] of VARIANT_GROUPS) {
  for (const v of variants) {
    const nfkc = v.normalize('NFKC');
    if (nfkc !== canonical) KANJI_FOLD.set(nfkc, canonical);
  }
}
for (const w of WILDCARDS) KANJI_FOLD.set(w.normalize('NFKC'), KANJI_WILDCARD);

/** The written-name key: NFKC, variant kanji folded (髙→高, 﨑→崎, 齋/齊/斎→斉, 邊/邉→辺 …), spaces removed. */
export function kanjiKey(input: string): string {
  return stable(foldKanji, input);
}

function foldKanji(input: string): string {
  const text = input.normalize('NFKC').replace(SEPARATORS, '').normalize('NFKC');
  let out = '';
  for (const ch of text) out += KANJI_FOLD.get(ch) ?? ch;
  return out;
}

/** Splits a name at its first space (family, given); the whole name is the family part when there is none. */
export function splitName(name: string): { family: string; given: string } {
  const trimmed = name.normalize('NFKC').trim();
  const at = trimmed.search(/\s/u);
  if (at < 0) return { family: trimmed, given: '' };
  return { family: trimmed.slice(0, at), given: trimmed.slice(at).trim() };
}

/** Phone digits only (NFKC first, so full-width digits count). */
export function phoneKey(input: string): string {
  return input.normalize('NFKC').replace(/\D/g, '');
}

/** Address key: NFKC, separators removed, every dash-like character one '-'. */
export function addressKey(input: string): string {
  return input
    .normalize('NFKC')
    .replace(/[\s\u3000]/gu, '')
    .replace(/[‐‑‒–—―−ｰー－-]/g, '-')
    .replace(/丁目|番地|番|号/g, '-')
    .replace(/-+$/, '');
}

/** Postcode: the 7 digits. */
export function postcodeKey(input: string): string {
  return input.normalize('NFKC').replace(/\D/g, '');
}
