import type { HubRoutes } from '../../http.js';
import { requirePrincipal } from '../../http.js';
import { bindingsOfUser } from './bindings.js';
import type { HpkiTrust } from './trust.js';

/**
 * What every listener tells about HPKI login: the login methods (and where the card listener is), and
 * the user's own card bindings. Their administration is the directory's (directory/hpki-admin.ts).
 */
export function hpkiInfoRoutes(
  trust: HpkiTrust | null,
  publicUrl: string | null,
  cardListener = false,
  /** Read per request: the office may register an IdP at run time. */
  identityProviders: () => readonly { entityId: string; name: string; url: string }[] = () => [],
): HubRoutes {
  return (app, deps) => {
    app.get(
      '/auth/methods',
      {
        schema: {
          tags: ['auth'],
          summary: 'The login methods this hub offers (and where the HPKI card listener is)',
        },
      },
      async () => ({
        // Which network this portal is (its name on every screen): public, like the login page itself.
        network: deps.settings.networkName ?? null,
        methods: [
          { id: 'password-totp' },
          // `here`: this listener is the card listener (the page offers the card login itself).
          ...(trust && (publicUrl || cardListener)
            ? [{ id: 'hpki', url: publicUrl || null, here: cardListener }]
            : []),
          // Trusted IdPs (the hub as SAML SP): a button each on the login page.
          ...identityProviders().map((idp) => ({ id: 'saml', ...idp })),
        ],
      }),
    );

    app.get(
      '/auth/hpki/bindings',
      { schema: { tags: ['auth'], summary: 'My HPKI card bindings (pending, active, revoked)' } },
      async (request) => {
        const principal = requirePrincipal(request);
        return { bindings: await bindingsOfUser(deps.store, principal.userId) };
      },
    );
  };
}
