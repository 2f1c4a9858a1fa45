/**
 * What a cabinet's header and list say in a word: the consent's state with its day, the reason a
 * member may not read, labels the hub sends as text or as ja/en. Pure.
 */
import { PROFESSIONS } from '@hie/contract';
import type { Lang } from '../../api/errors';
import type { CabinetConsent, LooseLabel } from './types';

export type ConsentState =
  | { state: 'none' }
  | { state: 'in-effect'; from: string; until: string | null }
  | { state: 'withdrawn'; on: string | null }
  | { state: 'expired'; on: string }
  | { state: 'not-yet'; from: string };

/** The consent as a member reads it: in effect, withdrawn (on), expired (on its end day), not yet. */
export function consentState(consent: CabinetConsent | null, today: string): ConsentState {
  if (!consent) return { state: 'none' };
  if (consent.withdrawnAt || consent.status === 'withdrawn')
    return { state: 'withdrawn', on: consent.withdrawnAt };
  if (consent.endDate && (consent.endDate < today || consent.status === 'expired'))
    return { state: 'expired', on: consent.endDate };
  if (consent.startDate > today) return { state: 'not-yet', from: consent.startDate };
  if (!consent.inEffect && consent.status === 'expired' && consent.endDate)
    return { state: 'expired', on: consent.endDate };
  return { state: 'in-effect', from: consent.startDate, until: consent.endDate };
}

/** Refusal reasons the screens name in a word (hub policy/cabinet.ts); any other is shown in the hub's words. */
export const ACCESS_REASONS = [
  'invitation-pending',
  'consent-withdrawn',
  'consent-expired',
  'consent-not-started',
  'no-consent',
  'facility-not-in-consent',
  'membership-ended',
  'not-a-member',
  'cabinet-closed',
  'retention-ended',
] as const;
export type AccessReason = (typeof ACCESS_REASONS)[number];

export const knownReason = (reason: string | null | undefined): AccessReason | null =>
  reason && (ACCESS_REASONS as readonly string[]).includes(reason) ? (reason as AccessReason) : null;

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff]/;

/**
 * The hub's bilingual words ("English / 日本語", either way round) in the user's language: the half
 * written in Japanese for Japanese, the other for English; anything else as it is.
 */
export function inLanguage(message: string, lang: Lang): string {
  const halves = message.split(' / ');
  if (halves.length !== 2) return message;
  const [first = '', second = ''] = halves.map((h) => h.trim());
  const ja =
    JAPANESE.test(first) && !JAPANESE.test(second)
      ? first
      : JAPANESE.test(second) && !JAPANESE.test(first)
        ? second
        : null;
  if (ja === null) return message;
  return lang === 'ja' ? ja : ja === first ? second : first;
}

export const labelIn = (label: LooseLabel | null | undefined, lang: Lang): string =>
  !label ? '' : typeof label === 'string' ? label : label[lang] || label.ja;

export const professionLabel = (code: string, lang: Lang): string =>
  Object.hasOwn(PROFESSIONS, code) ? PROFESSIONS[code as keyof typeof PROFESSIONS][lang] : code;

/** A name the hub may send as text or inside an object (registeredBy, editedBy, author). */
export function nameOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'name' in value && typeof value.name === 'string')
    return value.name;
  return '';
}

/** Katakana for hiragana typed by mistake (the hub takes full-width katakana only). */
export const toKatakana = (text: string): string =>
  text.replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));

/** My cabinets: invitations first, then the newest activity first; closed ones last. */
export function sortCabinets<
  T extends { myStatus: string; status: string; lastPostAt: string | null; unread: number },
>(cabinets: readonly T[]): T[] {
  const rank = (c: T) => (c.myStatus === 'invited' ? 0 : c.status === 'closed' ? 2 : 1);
  return [...cabinets].sort(
    (a, b) => rank(a) - rank(b) || (b.lastPostAt ?? '').localeCompare(a.lastPostAt ?? ''),
  );
}
