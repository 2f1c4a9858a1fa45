import { Alert, Button, Divider, Stack, Text } from '@mantine/core';
import { ApiError } from '../api/client';
import { errorMessage } from '../api/errors';
import { useLoginMethods } from '../api/hooks';
import { useI18n } from '../i18n/index';

/**
 * Login through a trusted IdP (the hub as SAML SP): a button per IdP, and — back from one that did
 * not let the user in (`/login?error=saml-…`) — why, in the user's language.
 */
export function FederatedLogin({ from }: { from: string | undefined }) {
  const { t, lang } = useI18n();
  const methods = useLoginMethods();
  const refused = new URLSearchParams(window.location.search).get('error');
  const idps = (methods.data?.methods ?? []).flatMap((m) => (m.id === 'saml' ? [m] : []));
  // Only a path of this portal is sent on (the hub checks it again).
  const next = from && /^\/(?![/\\])/.test(from) ? `&next=${encodeURIComponent(from)}` : '';
  return (
    <Stack gap="xs">
      {refused ? (
        <Alert color="red" title={t('federated.refused')} data-testid="federated-refusal">
          {errorMessage(new ApiError(403, refused, refused), lang)}
        </Alert>
      ) : null}
      {idps.length > 0 ? (
        <>
          <Divider label={t('card.or')} labelPosition="center" />
          {idps.map((idp) => (
            <Button
              key={idp.entityId}
              component="a"
              href={`${idp.url}${next}`}
              variant="default"
              data-testid="federated-login"
            >
              {t('federated.loginWith', { name: idp.name })}
            </Button>
          ))}
          <Text size="xs" c="dimmed">
            {t('federated.hint')}
          </Text>
        </>
      ) : null}
    </Stack>
  );
}
