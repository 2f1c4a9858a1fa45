import { inflateRawSync } from 'node:zlib';
import { escapeXml } from '@hie/platform';
import { generateServiceProviderMetadata } from '@node-saml/node-saml';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { auditHub } from '../../audit-record.js';
import { completeLogin } from '../../auth/complete.js';
import { AttemptCounter } from '../../auth/rate-limit.js';
import { HubError, type HubRoutes } from '../../http.js';
import { REQUEST_TTL_MS, SamlRefused, type SpIdentity, samlFor, verifyResponse } from './assertion.js';
import { patientLanding } from './landing.js';
import { SamlOnce } from './once.js';
import type { TrustedIdp } from './trusted-idp.js';
import { userOfAssertion } from './users.js';

export const SAML_SP = 'saml';

/** The hub as a SAML 2.0 service provider (config `saml.identityProviders`): its identity and the IdPs it trusts. */
export interface SamlSp {
  identity: SpIdentity;
  readonly identityProviders: ReadonlyMap<string, TrustedIdp>;
}

/** The IdPs users may pick on the login page. */
export const identityProviderChoices = (sp: SamlSp | null) =>
  sp
    ? [...sp.identityProviders.values()].map((idp) => ({
        entityId: idp.entityId,
        name: idp.name,
        url: `/saml/sp/login?idp=${encodeURIComponent(idp.entityId)}`,
      }))
    : [];

/** A path of this portal only (`/…`, never `//host` or `/\host`): where a login may land. */
const appPath = z
  .string()
  .max(512)
  .regex(/^\/(?![/\\])[^\s\\]*$/);

const loginQuery = z.object({ idp: z.string().min(1).max(1024), next: appPath.optional() });

/**
 * Login through a trusted IdP (saml/README.md, "The hub as SP"): our metadata, the SP-initiated
 * AuthnRequest (HTTP-Redirect, signed), and the AssertionConsumerService (HTTP-POST) that verifies the
 * answer, finds the user (links, or just-in-time where the office allows it), and opens the session
 * like every login method (completeLogin). A refusal is audited and lands on the login page with its code.
 */
export function samlSpRoutes(sp: SamlSp): HubRoutes {
  return async (app, deps) => {
    const once = new SamlOnce(deps.store, deps.now);
    // Refused answers per address: each costs a signature check and an audit row.
    const failures = new AttemptCounter({ max: 30, windowSeconds: 10 * 60 });

    await app.register(async (scope) => {
      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: 512 * 1024 },
        (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
      );

      scope.get('/saml/sp/metadata', { schema: { hide: true } }, async (_request, reply) =>
        reply
          .type('application/samlmetadata+xml; charset=utf-8')
          .header('cache-control', 'public, max-age=3600')
          .send(
            generateServiceProviderMetadata({
              issuer: sp.identity.entityId,
              callbackUrl: sp.identity.acsUrl,
              publicCerts: sp.identity.keys.certPem,
              privateKey: sp.identity.keys.keyPem,
              identifierFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
              wantAssertionsSigned: true,
              signatureAlgorithm: 'sha256',
            }),
          ),
      );

      scope.get('/saml/sp/login', { schema: { hide: true } }, async (request, reply) => {
        const parsed = loginQuery.safeParse(request.query);
        if (!parsed.success)
          throw new HubError(
            400,
            'saml-bad-login',
            'idp (and an optional next path of this portal) expected',
          );
        const idp = sp.identityProviders.get(parsed.data.idp);
        if (!idp)
          throw new HubError(
            404,
            'saml-unknown-idp',
            `${parsed.data.idp} is not an identity provider this network trusts`,
          );
        const url = await samlFor(sp.identity, idp, once).getAuthorizeUrlAsync(
          parsed.data.next ?? '/',
          undefined,
          {},
        );
        // Login CSRF: the answer must come back to the browser that asked. Its request ID in a cookie
        // for the ACS alone; the IdP's POST is cross-site, so SameSite=None — which needs Secure (HTTPS).
        const requestId = requestIdOf(url);
        if (deps.settings.secureCookies !== false && requestId)
          reply.setCookie(REQUEST_COOKIE, requestId, {
            httpOnly: true,
            secure: true,
            sameSite: 'none',
            path: '/saml/sp/acs',
            maxAge: REQUEST_TTL_MS / 1000,
          });
        return reply.redirect(url);
      });

      scope.post('/saml/sp/acs', { schema: { hide: true } }, async (request, reply) => {
        const form = (request.body ?? {}) as Record<string, string | undefined>;
        const relay = appPath.safeParse(form.RelayState ?? '/');
        const next = relay.success ? relay.data : '/';
        try {
          if (failures.blocked(`ip:${request.ip}`, deps.now()))
            throw new SamlRefused('rate-limited', 'too many refused sign-ins from this address; wait');
          const asserted = await verifyResponse(form.SAMLResponse, sp.identity, sp.identityProviders, once);
          if (deps.settings.secureCookies !== false && asserted.inResponseTo) {
            reply.clearCookie(REQUEST_COOKIE, { path: '/saml/sp/acs', secure: true, sameSite: 'none' });
            if (request.cookies[REQUEST_COOKIE] !== asserted.inResponseTo)
              throw new SamlRefused(
                'saml-other-browser',
                'this sign-in was started in another browser / このログインは別のブラウザで開始されました',
                asserted.idp.entityId,
              );
          }
          const who = await userOfAssertion(deps, asserted);
          const login = await completeLogin(deps, request, reply, {
            userId: who.userId,
            facilityOid: who.facilityOid,
            method: SAML_SP,
            detail: {
              idp: asserted.idp.entityId,
              subject: asserted.subject,
              assertionId: asserted.assertionId,
              ...(who.created ? { created: 'jit' } : {}),
            },
          });
          const patient = asserted.idp.patientLanding
            ? await patientLanding(deps, login, asserted, request.ip)
            : null;
          return land(reply, patient ?? next, deps.settings.networkName?.ja);
        } catch (e) {
          if (!(e instanceof HubError)) throw e;
          const attempt = failures.hit(`ip:${request.ip}`, deps.now());
          // Every refusal is audited (completeLogin audits its own, account-inactive), a flood once.
          if (e.code !== 'account-inactive' && (attempt.allowed || attempt.first)) {
            await auditHub(deps, [
              {
                type: 'login',
                action: 'E',
                outcome: '4',
                outcomeDescription: e.code,
                detail: {
                  method: SAML_SP,
                  reason: e.code,
                  address: request.ip,
                  ...(e instanceof SamlRefused && e.idp ? { idp: e.idp } : {}),
                  message: e.message.slice(0, 300),
                },
              },
            ]);
          }
          // Every refusal lands on the login page with its code.
          return reply.redirect(`/login?error=${encodeURIComponent(e.code)}`, 303);
        }
      });
    });
  };
}

/** The cookie binding an SP-initiated sign-in to the browser that started it (its AuthnRequest ID). */
const REQUEST_COOKIE = 'hie_saml_request';

/** The ID of the AuthnRequest in an HTTP-Redirect URL (deflated, base64), or null. */
function requestIdOf(url: string): string | null {
  try {
    const encoded = new URL(url).searchParams.get('SAMLRequest');
    if (!encoded) return null;
    const xml = inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8');
    return /\sID="([^"]{1,128})"/.exec(xml)?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * After the login: the session cookie is SameSite=Strict, so a redirect answering the IdP's cross-site
 * POST would arrive without it; a page of our own moves on (same-site: the cookie goes).
 */
function land(reply: FastifyReply, next: string, network = '晴れやかネット') {
  return reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      `<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${escapeXml(next)}"><title>${escapeXml(network)}</title></head><body><p><a href="${escapeXml(next)}">続ける / Continue</a></p></body></html>`,
    );
}
