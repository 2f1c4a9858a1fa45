import { Badge } from '@mantine/core';
import { useI18n } from '../i18n/index';
import { todayInJapan, westernDate } from '../lib/dates';
import { consentState } from './core/cabinet-state';
import type { CabinetConsent } from './core/types';

/** The consent in a word, with its day: 同意あり（…〜…） / 同意撤回（日） / 同意期限切れ（日）. */
export function ConsentBadge({ consent }: { consent: CabinetConsent | null }) {
  const { t } = useI18n();
  const state = consentState(consent, todayInJapan());
  const [color, text] =
    state.state === 'in-effect'
      ? [
          'teal',
          t('cabinet.consent.inEffect', {
            from: westernDate(state.from),
            until: state.until ? westernDate(state.until) : t('cabinet.consent.openEnded'),
          }),
        ]
      : state.state === 'withdrawn'
        ? ['red', t('cabinet.consent.withdrawn', { on: westernDate(state.on) })]
        : state.state === 'expired'
          ? ['orange', t('cabinet.consent.expired', { on: westernDate(state.on) })]
          : state.state === 'not-yet'
            ? ['yellow', t('cabinet.consent.notYet', { from: westernDate(state.from) })]
            : ['gray', t('cabinet.consent.none')];
  return (
    <Badge
      color={color}
      variant="light"
      size="lg"
      tt="none"
      data-testid="consent-state"
      data-state={state.state}
    >
      {text}
    </Badge>
  );
}
