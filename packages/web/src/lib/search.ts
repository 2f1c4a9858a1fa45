/**
 * The patient search box reads what was typed the way a receptionist means it: a birth date (western
 * or wareki), a name in kana or kanji, or an id. The hub does the name normalisation (kana keys,
 * variant kanji); here we only decide which field the text belongs to.
 */
import { parseDateInput } from './dates';

export type SearchField = 'kana' | 'kanji' | 'birthDate' | 'localId' | 'cardNumber';

export interface PatientQuery {
  kana?: string;
  kanji?: string;
  birthDate?: string;
  localId?: string;
  cardNumber?: string;
}

const KANA = /^[\p{Script=Hiragana}\p{Script=Katakana}ー・\s]+$/u;
const HAN = /[\p{Script=Han}]/u;
const ID_LIKE = /^[A-Za-z0-9-]+$/;

/** The field one piece of typed text most likely means. */
export function fieldOf(text: string, idField: 'localId' | 'cardNumber' = 'localId'): SearchField | null {
  const s = text.normalize('NFKC').trim();
  if (s === '') return null;
  if (parseDateInput(s)) return 'birthDate';
  if (KANA.test(s)) return 'kana';
  if (HAN.test(s)) return 'kanji';
  if (ID_LIKE.test(s)) return idField;
  return 'kanji';
}

/**
 * The query of a free-text box: words separated by spaces are matched to fields one by one
 * ("ヤマダ タロウ S50.3.2" = kana + birth date). Kana words stay together (姓 名).
 */
export function parseSearch(text: string, idField: 'localId' | 'cardNumber' = 'localId'): PatientQuery {
  const words = text.normalize('NFKC').trim().split(/\s+/).filter(Boolean);
  const query: PatientQuery = {};
  const append = (field: 'kana' | 'kanji', word: string) => {
    query[field] = query[field] ? `${query[field]}${word}` : word;
  };
  for (const word of words) {
    const field = fieldOf(word, idField);
    if (field === 'birthDate') query.birthDate = parseDateInput(word) ?? undefined;
    else if (field === 'kana' || field === 'kanji') append(field, word);
    else if (field) query[field] = word;
  }
  return query;
}
