import { Button, Group, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import { useI18n } from '../i18n';

interface Partner {
  entityId: string;
  name: string;
  /** The hub's crossing into the partner's portal with this patient (a page of the server). */
  url: string;
}

/**
 * Portal to portal: the partner networks (interconnection agreements) this user's facility may open
 * this patient at — the hub lists them only for a facility in the agreement and a patient the user
 * may see; the partner's own rules decide what it shows there.
 */
export function PartnerLinks({ personId }: { personId: string }) {
  const { t } = useI18n();
  const partners = useQuery({
    queryKey: ['saml', 'partners', personId],
    queryFn: () =>
      api<{ partners: Partner[] }>('/saml/partners', { query: { personId } }).then((r) => r.partners),
    retry: false,
    staleTime: 10 * 60_000,
  });
  if (!partners.data || partners.data.length === 0) return null;
  return (
    <Group gap="xs" data-testid="partner-links">
      <Text size="xs" c="dimmed">
        {t('partner.label')}:
      </Text>
      {partners.data.map((p) => (
        <Button key={p.entityId} component="a" href={p.url} size="compact-sm" variant="light">
          {t('partner.open', { name: p.name })}
        </Button>
      ))}
      <Text size="xs" c="dimmed">
        {t('partner.hint')}
      </Text>
    </Group>
  );
}
