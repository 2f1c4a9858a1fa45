import { createSign, randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { PROFESSIONS } from '@hie/contract';
import { el, escapeXml, t } from '@hie/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { agentOf, auditHub } from '../audit-record.js';
import { claimStartToken } from '../auth/logout-handoff.js';
import { clearSessionCookie, revokeSessions, sessionIdentify } from '../auth/session.js';
import { type HubDeps, HubError, type HubPrincipal, type HubRoutes } from '../http.js';
import {
  readRedirectAuthnRequest,
  readRedirectLogoutRequest,
  readRedirectLogoutResponse,
} from './authn-request.js';
import { askForLogin, rawQueryOf } from './browser.js';
import type { SamlKeys } from './keys.js';
import {
  continueLogoutChain,
  recordParticipation,
  sessionsSignedInto,
  startLogoutChain,
} from './logout-chain.js';
import { idpMetadata, SAML, SAMLP, type ServiceProvider } from './metadata.js';
import { patientCrossingRoutes } from './patient-crossing.js';
import { type AssertedUser, samlId, signedResponse } from './response.js';

/** Where a signed Response goes, and for what. */
export interface ResponseTarget {
  sp: ServiceProvider;
  acs: string;
  inResponseTo: string | null;
  relayState: string | null;
  /** Portal to portal: the patient the user opens at the partner (attributes signed in the assertion). */
  patient?: { personId: string; attributes: Record<string, string[]> };
}

/** The hub as a SAML 2.0 identity provider (config `saml`): its identity, key and trusted SPs. */
export interface SamlIdp {
  entityId: string;
  /** The hub's public URL (the endpoints in the metadata and the Destination SPs check). */
  baseUrl: string;
  readonly keys: SamlKeys;
  readonly serviceProviders: ReadonlyMap<string, ServiceProvider>;
}

/**
 * Web Browser SSO with the hub as IdP (saml/README.md): the metadata, SP-initiated SSO (AuthnRequest by
 * HTTP-Redirect, Response by HTTP-POST), IdP-initiated SSO from the portal, and SP-initiated single
 * logout. The user is the hub session's; without one, the login page, then back here. Every assertion
 * issued is audited with the SP.
 */
export function samlIdpRoutes(idp: SamlIdp): HubRoutes {
  return async (app, deps) => {
    await app.register(async (scope) => {
      await sessionIdentify(scope, deps);

      scope.get('/saml/idp/metadata', { schema: { hide: true } }, async (_request, reply) =>
        reply
          .type('application/samlmetadata+xml; charset=utf-8')
          .header('cache-control', 'public, max-age=3600')
          .send(idpMetadata({ entityId: idp.entityId, baseUrl: idp.baseUrl, certPem: idp.keys.certPem })),
      );

      scope.get('/saml/idp/sso', { schema: { hide: true } }, async (request, reply) => {
        const raw = rawQueryOf(request);
        const authn = readRedirectAuthnRequest(raw, (id) => idp.serviceProviders.get(id) ?? null, deps.now());
        const principal = request.principal;
        if (!principal) return askForLogin(request, reply, raw);
        return postResponse(deps, idp, request, reply, principal, {
          sp: authn.sp,
          acs: authn.acs,
          inResponseTo: authn.id,
          relayState: authn.relayState,
        });
      });

      const initQuery = z.object({
        sp: z.string().min(1).max(1024),
        relayState: z.string().max(512).optional(),
      });
      scope.get(
        '/saml/idp/init',
        { schema: { hide: true, querystring: initQuery } },
        async (request, reply) => {
          const query = request.query as z.infer<typeof initQuery>;
          const sp = idp.serviceProviders.get(query.sp);
          if (!sp)
            throw new HubError(
              404,
              'saml-unknown-sp',
              `${query.sp} is not a service provider this network trusts`,
            );
          const principal = request.principal;
          if (!principal) return askForLogin(request, reply, rawQueryOf(request));
          return postResponse(deps, idp, request, reply, principal, {
            sp,
            acs: sp.acs[0]?.location ?? '',
            inResponseTo: null,
            relayState: query.relayState ?? sp.landing,
          });
        },
      );

      const chain = {
        deps,
        entityId: idp.entityId,
        keys: idp.keys,
        serviceProviders: idp.serviceProviders,
        redirect: (
          location: string,
          param: 'SAMLRequest' | 'SAMLResponse',
          xml: string,
          relayState: string | null,
        ) => redirectBinding(idp.keys, location, param, xml, relayState),
      };

      // The portal's logout, when the session had signed in to SPs: through each of them (logout-chain.ts).
      scope.get('/saml/idp/logout', { schema: { hide: true } }, async (request, reply) => {
        const start = (request.query as { start?: unknown }).start;
        const sessionId =
          typeof start === 'string' && start.length <= 64
            ? await claimStartToken(deps.store, start, deps.now())
            : null;
        if (!sessionId) return reply.redirect('/login?loggedOut=1');
        return reply.redirect(await startLogoutChain(chain, sessionId, { kind: 'portal' }));
      });

      scope.get('/saml/idp/slo', { schema: { hide: true } }, async (request, reply) => {
        const raw = rawQueryOf(request);
        // An SP answering our LogoutRequest in a chain: on to the next one.
        if (/(^|&)SAMLResponse=/.test(raw)) {
          const answer = readRedirectLogoutResponse(
            raw,
            (id) => idp.serviceProviders.get(id) ?? null,
            deps.now(),
          );
          return reply.redirect(
            await continueLogoutChain(chain, answer.relayState ?? '', answer.inResponseTo),
          );
        }
        const logout = readRedirectLogoutRequest(
          rawQueryOf(request),
          (id) => idp.serviceProviders.get(id) ?? null,
          deps.now(),
        );
        const principal = request.principal;
        // The session the SP's sign-in came from: found by what the SP names (its NameID and
        // SessionIndex, as we asserted them) — the SP's redirect is cross-site, so the Strict session
        // cookie does not come with it — or by the cookie where it does. Another user's session in this
        // browser stays.
        const sessions = await sessionsSignedInto(
          deps.store,
          logout.sp.entityId,
          logout.nameId,
          logout.sessionIndex,
        );
        if (principal && principal.userId === logout.nameId && !sessions.includes(principal.sessionId))
          sessions.unshift(principal.sessionId);
        for (const sessionId of sessions) {
          const ended = await revokeSessions(deps, { sessionId });
          if (ended > 0 || sessionId === principal?.sessionId)
            await auditHub(deps, [
              {
                type: 'logout',
                action: 'E',
                outcome: '0',
                ...(principal && principal.sessionId === sessionId
                  ? { agent: agentOf(principal, request.ip) }
                  : { agent: { userId: logout.nameId ?? '', address: request.ip } }),
                detail: { scope: 'saml-slo', sp: logout.sp.entityId },
              },
            ]);
        }
        if (principal && principal.userId === logout.nameId) clearSessionCookie(deps, reply);
        // The session's other SPs first, then the LogoutResponse to the one that asked.
        const first = sessions[0];
        if (first && logout.sp.slo)
          return reply.redirect(
            await startLogoutChain(
              chain,
              first,
              { kind: 'sp', sp: logout.sp.entityId, inResponseTo: logout.id, relayState: logout.relayState },
              logout.sp.entityId,
            ),
          );
        if (!logout.sp.slo)
          return reply.type('text/plain; charset=utf-8').send('logged out / ログアウトしました');
        const response = el(
          'samlp:LogoutResponse',
          {
            'xmlns:samlp': SAMLP,
            'xmlns:saml': SAML,
            ID: samlId(),
            Version: '2.0',
            IssueInstant: deps
              .now()
              .toISOString()
              .replace(/\.\d{3}Z$/, 'Z'),
            Destination: logout.sp.slo,
            InResponseTo: logout.id,
          },
          el('saml:Issuer', {}, t(idp.entityId)),
          el(
            'samlp:Status',
            {},
            el('samlp:StatusCode', { Value: 'urn:oasis:names:tc:SAML:2.0:status:Success' }),
          ),
        );
        return reply.redirect(
          redirectBinding(idp.keys, logout.sp.slo, 'SAMLResponse', response, logout.relayState),
        );
      });

      await patientCrossingRoutes(scope, deps, idp, (request, reply, principal, to) =>
        postResponse(deps, idp, request, reply, principal, to),
      );

      // The systems this user may open with single sign-on (the portal's 「連携システム」 menu).
      scope.get('/api/v1/saml/service-providers', { schema: { hide: true } }, async (request) => {
        if (!request.principal) throw new HubError(401, 'not-authenticated', 'log in first');
        return {
          serviceProviders: [...idp.serviceProviders.values()].map((sp) => ({
            entityId: sp.entityId,
            name: sp.name,
            url: `/saml/idp/init?sp=${encodeURIComponent(sp.entityId)}`,
          })),
        };
      });

      // The auto-submit of the POST form (the portal's CSP runs only same-origin scripts).
      scope.get('/saml/idp/autopost.js', { schema: { hide: true } }, async (_request, reply) =>
        reply
          .type('text/javascript; charset=utf-8')
          .header('cache-control', 'public, max-age=86400')
          .send("document.addEventListener('DOMContentLoaded',function(){document.forms[0].submit();});"),
      );
    });
  };
}

async function postResponse(
  deps: HubDeps,
  idp: SamlIdp,
  request: FastifyRequest,
  reply: FastifyReply,
  principal: HubPrincipal,
  to: ResponseTarget,
) {
  const sessionIndex = `_${randomBytes(16).toString('hex')}`;
  // Single logout goes through every SP the session signed in to.
  await recordParticipation(
    deps.store,
    principal.sessionId,
    { sp: to.sp.entityId, nameId: principal.userId, sessionIndex },
    deps.now(),
    deps.settings.sessionAbsoluteSeconds,
  );
  const xml = signedResponse(idp.keys, {
    issuer: idp.entityId,
    destination: to.acs,
    audience: to.sp.entityId,
    inResponseTo: to.inResponseTo,
    sessionIndex,
    now: deps.now(),
    user: await assertedUserOf(deps, principal),
    ...(to.patient ? { extraAttributes: to.patient.attributes } : {}),
  });
  await auditHub(deps, [
    {
      type: 'login',
      action: 'E',
      outcome: '0',
      agent: agentOf(principal, request.ip),
      ...(to.patient ? { entities: [to.patient.personId], purposeOfUse: 'TREAT' } : {}),
      detail: {
        method: 'saml-idp',
        sp: to.sp.entityId,
        acs: to.acs,
        initiated: to.inResponseTo ? 'sp' : 'idp',
        // The identity traits that left the network with the user (not their values: the entity says whose).
        ...(to.patient
          ? { patient: to.patient.personId, traits: Object.keys(to.patient.attributes).join(' ') }
          : {}),
      },
    },
  ]);
  const origin = new URL(to.acs).origin;
  return reply
    .type('text/html; charset=utf-8')
    .header(
      'content-security-policy',
      `default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; form-action ${origin}; frame-ancestors 'none'; base-uri 'none'`,
    )
    .send(
      `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>${escapeXml(to.sp.name)}へ移動中</title><script src="/saml/idp/autopost.js"></script></head><body>` +
        `<form method="post" action="${escapeXml(to.acs)}">` +
        `<input type="hidden" name="SAMLResponse" value="${Buffer.from(xml, 'utf8').toString('base64')}">` +
        (to.relayState !== null
          ? `<input type="hidden" name="RelayState" value="${escapeXml(to.relayState)}">`
          : '') +
        `<p>${escapeXml(to.sp.name)} へ移動しています… / Signing you in to ${escapeXml(to.sp.name)}…</p><button type="submit">続ける / Continue</button></form></body></html>`,
    );
}

/** A message by the HTTP-Redirect binding, signed (SigAlg rsa-sha256 over the query octets). */
export function redirectBinding(
  keys: SamlKeys,
  location: string,
  param: 'SAMLRequest' | 'SAMLResponse',
  xml: string,
  relayState: string | null,
): string {
  const sigAlg = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
  let query = `${param}=${encodeURIComponent(deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'))}`;
  if (relayState !== null) query += `&RelayState=${encodeURIComponent(relayState)}`;
  query += `&SigAlg=${encodeURIComponent(sigAlg)}`;
  const signature = createSign('RSA-SHA256').update(query).sign(keys.keyPem, 'base64');
  return `${location}${location.includes('?') ? '&' : '?'}${query}&Signature=${encodeURIComponent(signature)}`;
}

/** What an assertion says of the session's user (for SSO and for XUA on hub → hub calls). */
export async function assertedUserOf(deps: HubDeps, principal: HubPrincipal): Promise<AssertedUser> {
  const facility = await deps.store.db
    .selectFrom('hub_facility')
    .select('name')
    .where('oid', '=', principal.facilityOid)
    .executeTakeFirst();
  return {
    userId: principal.userId,
    name: principal.name,
    profession: principal.profession,
    hcRole: PROFESSIONS[principal.profession].hcRole,
    facilityOid: principal.facilityOid,
    facilityName: facility?.name ?? principal.facilityOid,
    purposeOfUse: 'TREAT',
  };
}
