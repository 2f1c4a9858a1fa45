import type { PatientFields } from './decode.js';

/** The parts of a FHIR Patient read here (structural, so no FHIR type package is needed). */
export interface PatientLike {
  name?: HumanName[];
  birthDate?: string;
  gender?: string;
}
interface HumanName {
  text?: string;
  family?: string;
  given?: string[];
  extension?: { url: string; valueCode?: string }[];
}

const REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';

/** gw_patient's searchable columns from a JP Core Patient (kanji IDE, kana SYL names). */
export function patientRowOf(p: PatientLike): PatientFields {
  const names = p.name ?? [];
  const byRep = (rep: string) =>
    names.find((n) => n.extension?.some((x) => x.url === REPRESENTATION && x.valueCode === rep));
  const kanji = byRep('IDE') ?? names.find((n) => !n.extension?.length);
  const kana = byRep('SYL');
  const kanaText = kana ? nameText(kana) : null;
  return {
    name_kanji: kanji ? nameText(kanji) : null,
    name_kana: kanaText,
    kana_key: kanaText ? kanaKey(kanaText) : null,
    birth_date: p.birthDate ?? null,
    sex: p.gender ?? null,
  };
}

function nameText(n: HumanName): string | null {
  return n.text ?? ([n.family, ...(n.given ?? [])].filter(Boolean).join(' ') || null);
}

/**
 * Search form of a kana name: NFKC (half-width ｶﾅ → full width, voiced marks joined), hiragana →
 * katakana, and no spaces of any width — so 'やまだ　はなこ', 'ﾔﾏﾀﾞ ﾊﾅｺ' and 'ヤマダハナコ' meet.
 */
export function kanaKey(text: string): string {
  const nfkc = text.normalize('NFKC');
  let out = '';
  for (const ch of nfkc) {
    const c = ch.codePointAt(0)!;
    if (/\s/u.test(ch)) continue;
    // Hiragana ぁ..ゖ and ゝゞ map to katakana 0x60 higher.
    out += (c >= 0x3041 && c <= 0x3096) || c === 0x309d || c === 0x309e ? String.fromCodePoint(c + 0x60) : ch;
  }
  return out;
}
