import { useI18n } from '../../i18n/index';
import { en, ja, type ScheduleLabels } from './labels';

/** The schedule's words in the user's language, and that language. */
export function useScheduleLabels(): { l: ScheduleLabels; lang: 'ja' | 'en' } {
  const { lang } = useI18n();
  return { l: lang === 'en' ? en : ja, lang };
}
