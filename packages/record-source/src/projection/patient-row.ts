/** gw_patient's searchable columns (besides the id and time), as the feed and patient search read them. */
export interface PatientFields {
  name_kanji: string | null;
  name_kana: string | null;
  kana_key: string | null;
  birth_date: string | null;
  sex: string | null;
  /** Contact details for the hub's patient matching (PID-11 postcode and address, PID-13 phone). */
  postcode: string | null;
  address: string | null;
  phone: string | null;
}

/** The parts of a FHIR Patient read here (structural, so no FHIR type package is needed). */
export interface PatientLike {
  name?: HumanName[];
  birthDate?: string;
  gender?: string;
  address?: AddressLike[];
  telecom?: { system?: string; value?: string; use?: string }[];
}
interface AddressLike {
  use?: string;
  text?: string;
  line?: string[];
  city?: string;
  state?: string;
  postalCode?: string;
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
  const address = preferHome(p.address ?? []);
  const phones = (p.telecom ?? []).filter((t) => t.system === 'phone' && t.value?.trim());
  return {
    name_kanji: kanji ? nameText(kanji) : null,
    name_kana: kanaText,
    kana_key: kanaText ? kanaKey(kanaText) : null,
    birth_date: p.birthDate ?? null,
    sex: p.gender ?? null,
    postcode: address?.postalCode?.trim() || null,
    address: address ? addressText(address) : null,
    phone: preferHome(phones)?.value?.trim() ?? null,
  };
}

/** The home entry (PID-11 type H, PID-13 PRN), else the first: what the hub matches a person on. */
function preferHome<T extends { use?: string }>(list: readonly T[]): T | undefined {
  return list.find((x) => x.use === 'home') ?? list[0];
}

/** JP Core carries the whole address in `text` (XAD-8); otherwise prefecture, city, street in Japanese order. */
function addressText(a: AddressLike): string | null {
  const text = a.text?.trim() || [a.state, a.city, ...(a.line ?? [])].filter(Boolean).join('');
  return text || null;
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
