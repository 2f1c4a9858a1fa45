import { useI18n } from '../../i18n/index';
import { inLanguage } from '../core/cabinet-state';

const KNOWN = [
  'type-not-allowed',
  'too-large',
  'content-not-allowed',
  'type-mismatch',
  'infected',
  'scan-failed',
  'image-unreadable',
  'image-too-large',
  'video-unreadable',
  'processing-unavailable',
  'upload-expired',
  'cancelled',
  'too-many-uploads',
  'storage-full',
  'files-not-configured',
  'file-failed',
  'upload-error',
] as const;

/** A refused file in the user's words: the hub's own message when it sent one, else ours by its code. */
export function useFileProblemText(): (
  problem: { code: string; message?: string | null; details?: unknown } | null | undefined,
) => string {
  const { t, lang } = useI18n();
  return (problem) => {
    if (!problem) return '';
    // `invalid-input` names the field's problem in details (type-not-allowed, with the types allowed).
    const detail = Array.isArray(problem.details)
      ? (problem.details as { code?: unknown; message?: unknown }[]).find(
          (d) => typeof d?.message === 'string',
        )
      : undefined;
    const hub = problem.message ? inLanguage(problem.message, lang) : '';
    if (hub && detail && typeof detail.message === 'string')
      return t('cabinet.files.withDetail', { text: hub, detail: inLanguage(detail.message, lang) });
    if (hub) return hub;
    const code = typeof detail?.code === 'string' ? detail.code : problem.code;
    const known = KNOWN.find((k) => k === code);
    return known ? t(`cabinet.files.problem.${known}`) : code;
  };
}
