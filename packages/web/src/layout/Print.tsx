import { useEffect, useSyncExternalStore } from 'react';
import { flushSync } from 'react-dom';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n';
import { westernDate, westernDateTime } from '../lib/dates';
import { printPageCss } from '../lib/print';

/** Whose paper this is, as the running header names the patient. */
export interface PrintedPatient {
  kanji: string | null;
  kana: string | null;
  birthDate: string | null;
}

/**
 * Puts the running header and footer on every printed page while the screen is shown: title,
 * patient, facility, who prints and when (the time is taken again as the print starts).
 */
export function PrintHeader({ title, patient }: { title: string; patient?: PrintedPatient | null }) {
  const { t } = useI18n();
  const { state } = useSession();
  const session = state.status === 'active' ? state.session : null;
  const who = patient
    ? [
        patient.kanji ?? '',
        patient.kana ? `（${patient.kana}）` : '',
        patient.birthDate ? ` ${t('counter.born', { date: westernDate(patient.birthDate) })}` : '',
      ].join('')
    : '';
  const facility = session?.facility.name ?? '';
  const user = session?.user.name ?? '';
  const pageLabel = t('counter.pageSuffix');

  useEffect(() => {
    const style = document.createElement('style');
    style.dataset.print = 'page-header';
    const write = () => {
      const at = westernDateTime(new Date().toISOString());
      style.textContent = printPageCss({
        patient: who,
        printedBy: t('counter.printedBy', { facility, user, at }),
        title,
        pageLabel,
      });
    };
    write();
    document.head.append(style);
    window.addEventListener('beforeprint', write);
    return () => {
      window.removeEventListener('beforeprint', write);
      style.remove();
    };
  }, [who, title, facility, user, pageLabel, t]);
  return null;
}

/**
 * True while the page is being printed (between `beforeprint` and `afterprint`, rendered at once):
 * lists that show their first rows on screen print all of them. One flag for the whole page, so a
 * component mounted meanwhile (a list whose data arrived) prints too. Nothing re-renders when the
 * print media itself starts: a page changed while Chromium lays out its pages is cut short.
 */
export function usePrinting(): boolean {
  return useSyncExternalStore(subscribePrinting, () => printing);
}

let printing = false;
const listeners = new Set<() => void>();
const setPrinting = (value: boolean) => {
  if (value === printing) return;
  printing = value;
  for (const l of listeners) l();
};
const onBefore = () => flushSync(() => setPrinting(true));
const onAfter = () => setPrinting(false);

function subscribePrinting(listener: () => void): () => void {
  if (listeners.size === 0) {
    window.addEventListener('beforeprint', onBefore);
    window.addEventListener('afterprint', onAfter);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.removeEventListener('beforeprint', onBefore);
      window.removeEventListener('afterprint', onAfter);
    }
  };
}
