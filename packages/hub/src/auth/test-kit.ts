import type { Engine } from '@hie/platform';
import type { LightMyRequestResponse } from 'fastify';
import { z } from 'zod';
import { credentialAdminRoutes } from '../directory/credential-admin.js';
import { type HubRoutes, type HubSettings, requirePrincipal } from '../http.js';
import { type HubUnderTest, hubUnderTest, seedFacility, seedUser } from '../testing.js';
import { enrolTotp, newTotpSecret, setPassword, totpNow } from './credentials.js';
import { type AuthRoutesOptions, createAuthRoutes } from './routes.js';
import { SESSION_COOKIE, sessionIdentify } from './session.js';

/** Test support for the auth module: a hub with real sessions, a settable clock and a cookie jar. */

/** A tiny route that shows who the request is: GET reads, POST is an unsafe method (CSRF). */
export const probeRoutes: HubRoutes = (app) => {
  app.get('/probe', async (request) => requirePrincipal(request));
  app.post('/probe', { schema: { body: z.object({ n: z.number() }).optional() } }, async (request) => {
    return { ok: true, userId: requirePrincipal(request).userId };
  });
};

export const FACILITY = '1.2.392.200284.33.3311610020';
export const OTHER_FACILITY = '1.2.392.200284.33.3319800011';
export const PASSWORD = 'correct horse 42 battery';

export interface AuthHub extends HubUnderTest {
  clock: { now: Date; advance(seconds: number): void };
  browser(remoteAddress?: string): Browser;
}

export async function authHub(
  engine: Engine,
  options: { settings?: Partial<HubSettings>; auth?: AuthRoutesOptions } = {},
): Promise<AuthHub> {
  const clock = {
    now: new Date('2025-04-01T00:00:10Z'),
    advance(seconds: number) {
      this.now = new Date(this.now.getTime() + seconds * 1000);
    },
  };
  const hub = await hubUnderTest(
    engine,
    [createAuthRoutes(options.auth), credentialAdminRoutes, probeRoutes],
    {
      identify: sessionIdentify,
      now: () => clock.now,
      ...(options.settings ? { settings: options.settings } : {}),
    },
  );
  await seedFacility(hub.store, { oid: FACILITY, name: '岡山大学病院' });
  await seedFacility(hub.store, { oid: OTHER_FACILITY, name: '倉敷中央病院' });
  return { ...hub, clock, browser: (remoteAddress = '127.0.0.1') => new Browser(hub, remoteAddress) };
}

/** Seeds a user with a password and (unless `enrolled: false`) a TOTP secret. */
export async function seedLogin(
  hub: AuthHub,
  values: Partial<Parameters<typeof seedUser>[1]> & { enrolled?: boolean; mustChange?: boolean } = {},
) {
  const principal = await seedUser(hub.store, { facilityOid: FACILITY, profession: 'doctor', ...values });
  await setPassword(hub.store, principal.userId, PASSWORD, { mustChange: values.mustChange ?? false });
  const secret = newTotpSecret();
  if (values.enrolled !== false) await enrolTotp(hub.store, principal.userId, secret);
  return { ...principal, secret };
}

/** Keeps the session cookie and the CSRF token, like the web app does. */
export class Browser {
  cookie: string | undefined;
  csrf: string | undefined;

  constructor(
    readonly hub: HubUnderTest,
    readonly remoteAddress: string,
  ) {}

  async send(
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
    options: { csrf?: string | null } = {},
  ): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = `${SESSION_COOKIE}=${this.cookie}`;
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
    const response = await this.hub.app.inject({
      method,
      url: `/api/v1${url}`,
      headers,
      remoteAddress: this.remoteAddress,
      ...(body === undefined ? {} : { payload: body as object }),
    });
    const set = response.cookies.find((c) => c.name === SESSION_COOKIE);
    if (set) this.cookie = set.value === '' ? undefined : set.value;
    return response;
  }

  /** Both steps with the code of `at`; returns the last response. */
  async login(
    user: { loginId: string; secret: string },
    at: Date,
    extra: { facilityOid?: string; password?: string } = {},
  ): Promise<LightMyRequestResponse> {
    const first = await this.send('POST', '/auth/login', {
      loginId: user.loginId,
      password: extra.password ?? PASSWORD,
      ...(extra.facilityOid ? { facilityOid: extra.facilityOid } : {}),
    });
    if (first.statusCode !== 200) return first;
    const second = await this.send('POST', '/auth/totp', {
      pending: first.json().pending,
      code: totpNow(user.secret, at),
    });
    if (second.statusCode === 200) this.csrf = second.json().csrfToken;
    return second;
  }
}

/** Status and error code of a refusal, for compact assertions. */
export const refusal = (response: LightMyRequestResponse): [number, string | undefined] => [
  response.statusCode,
  response.statusCode >= 400 ? response.json().error?.code : undefined,
];
