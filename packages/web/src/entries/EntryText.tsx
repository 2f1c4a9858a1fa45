import { ENTRY_LABELS, type EntryBody, type EntryKind, PROFESSIONS } from '@hie/contract';
import { useCallback } from 'react';
import type { Lang } from '../api/errors';
import { useI18n } from '../i18n';
import { westernDate } from '../lib/dates';

export interface EntryDescription {
  /** The line a clinician reads first: the substance, the diagnosis, the drug, the note's title. */
  headline: string;
  /** Flags worth a badge (疑い, 重症度 高). */
  flags: { label: string; color: string; filled?: boolean }[];
  /** The rest, in order. */
  details: string[];
  /** A note's or a guidance's text, as written. */
  text?: string;
}

/** What an entry says, in the user's language (the same words the form uses). */
export function useDescribeEntry(): (kind: EntryKind, body: unknown) => EntryDescription {
  const { t, lang } = useI18n();
  return useCallback(
    (kind: EntryKind, body: unknown): EntryDescription => {
      const b = (body ?? {}) as Record<string, unknown>;
      const day = (v: unknown) => (typeof v === 'string' && v ? westernDate(v) : null);
      const details: (string | null | false)[] = [];
      const flags: EntryDescription['flags'] = [];
      switch (kind) {
        case 'allergy': {
          const a = b as Partial<EntryBody<'allergy'>>;
          if (a.criticality === 'high')
            flags.push({
              label: t('entries.summary.criticality', { value: t('entries.criticality.high') }),
              color: 'red.9',
              filled: true,
            });
          if (a.verification === 'unconfirmed')
            flags.push({ label: t('entries.verification.unconfirmed'), color: 'orange' });
          details.push(
            a.category ? t(`entries.category.${a.category}`) : null,
            a.reaction ? `${t('entries.fields.reaction')}：${a.reaction}` : null,
            a.criticality && a.criticality !== 'high'
              ? t('entries.summary.criticality', { value: t(`entries.criticality.${a.criticality}`) })
              : null,
            a.onset ? t('entries.summary.onset', { date: day(a.onset) }) : null,
          );
          return { headline: a.substance ?? '—', flags, details: details.filter(isText) };
        }
        case 'diagnosis': {
          const d = b as Partial<EntryBody<'diagnosis'>>;
          if (d.suspected) flags.push({ label: t('entries.summary.suspected'), color: 'orange' });
          details.push(
            d.icd10 ? `ICD-10 ${d.icd10}` : null,
            d.status ? t(`entries.status.${d.status}`) : null,
            d.onset ? t('entries.summary.since', { date: day(d.onset) }) : null,
            d.abatement ? t('entries.summary.until', { date: day(d.abatement) }) : null,
          );
          return { headline: d.name ?? '—', flags, details: details.filter(isText) };
        }
        case 'medication': {
          const m = b as Partial<EntryBody<'medication'>>;
          details.push(
            m.source ? t(`entries.source.${m.source}`) : null,
            m.dosage ?? null,
            m.yj ? `YJ ${m.yj}` : null,
            m.start ? t('entries.summary.since', { date: day(m.start) }) : null,
            m.end ? t('entries.summary.until', { date: day(m.end) }) : null,
          );
          return { headline: m.name ?? '—', flags, details: details.filter(isText) };
        }
        case 'guidance': {
          const g = b as Partial<EntryBody<'guidance'>>;
          return {
            headline: `${day(g.date) ?? '—'}　${ENTRY_LABELS.guidance[lang]}`,
            flags,
            details: [],
            text: g.text ?? '',
          };
        }
        case 'note': {
          const n = b as Partial<EntryBody<'note'>>;
          return {
            headline: `${day(n.date) ?? '—'}　${n.title || ENTRY_LABELS.note[lang]}`,
            flags,
            details: [],
            text: n.text ?? '',
          };
        }
      }
      return { headline: '—', flags, details: [] };
    },
    [t, lang],
  );
}

const isText = (v: string | null | false | undefined): v is string => typeof v === 'string' && v !== '';

/** A profession's name (the contract's labels), the code itself when unknown. */
export function professionLabel(code: string, lang: Lang): string {
  const known = (PROFESSIONS as Record<string, { ja: string; en: string }>)[code];
  return known ? known[lang] : code;
}
