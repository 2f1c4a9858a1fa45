import { useLoginMethods } from '../api/hooks';
import { useI18n } from '../i18n/index';

/**
 * The name of the network this portal is (the hub's `networkName`), else the app's own: on the
 * header, the login page, consent forms and patient cards — so that a doctor who crossed to a
 * neighbouring network's portal always sees where they are.
 */
export function useNetworkName(): string {
  const { t, lang } = useI18n();
  const methods = useLoginMethods();
  return methods.data?.network?.[lang] ?? t('app.name');
}
