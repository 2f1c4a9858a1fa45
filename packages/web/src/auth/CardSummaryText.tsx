import { PROFESSIONS } from '@hie/contract';
import { Paper, Text } from '@mantine/core';
import type { CardSummary } from '../api/types';
import { useI18n } from '../i18n/index';
import { westernDateTime } from '../lib/dates';

/** Whose card this is, as its certificate says: name (CN), hcRole, issuing CA, expiry. */
export function CardSummaryText({ card }: { card: CardSummary }) {
  const { t, lang } = useI18n();
  const cn = dnPart(card.subject, 'CN').at(-1) ?? card.subject;
  const ca = dnPart(card.issuer, 'CN').at(-1) ?? dnPart(card.issuer, 'OU').at(-1) ?? card.issuer;
  return (
    <Paper withBorder p="xs" radius="sm" data-testid="card-summary">
      <Text size="sm" fw={600}>
        {cn}
      </Text>
      <Text size="xs">
        {t('card.role')}: {hcRoleLabel(card.hcRole, lang) ?? t('card.noRole')}
      </Text>
      <Text size="xs" c="dimmed">
        {t('card.issuer')}: {ca} · {t('card.validTo')}: {westernDateTime(card.notAfter)}
      </Text>
    </Paper>
  );
}

/** The values of one attribute type in an RFC 4514 name (escaped commas kept inside a value). */
export function dnPart(dn: string, type: string): string[] {
  return [...dn.matchAll(new RegExp(`(?:^|,\\s*)${type}=((?:\\\\.|[^,\\\\])+)`, 'g'))].map((m) =>
    (m[1] ?? '').replace(/\\(.)/g, '$1').trim(),
  );
}

/** "Medical Doctor（医師）": the card's hcRole with the profession it proves, in the user's language. */
export function hcRoleLabel(role: string | null, lang: 'ja' | 'en'): string | null {
  if (!role) return null;
  const profession = Object.values(PROFESSIONS).find((p) => p.hcRole === role);
  return profession && lang === 'ja' ? `${role}（${profession.ja}）` : role;
}
