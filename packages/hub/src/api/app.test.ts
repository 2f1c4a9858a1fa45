import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HubError, type HubRoutes, requirePrincipal } from '../http.js';
import { TEST_ENGINES } from '../testing/store.js';
import { type HubUnderTest, hubUnderTest, seedUser } from '../testing.js';

const probe: HubRoutes = (app) => {
  app.get(
    '/probe',
    { schema: { querystring: z.object({ n: z.coerce.number().int().min(1) }) } },
    async (request) => {
      const principal = requirePrincipal(request);
      if ((request.query as { n: number }).n === 7) throw new HubError(409, 'seven', 'no sevens');
      return { user: principal.userId };
    },
  );
};

describe.each(TEST_ENGINES)('hub app shell on %s', (engine) => {
  let hub: HubUnderTest;
  beforeAll(async () => {
    hub = await hubUnderTest(engine, [probe]);
  });
  afterAll(() => hub.dispose());

  it('answers one error shape with stable codes', async () => {
    const user = await seedUser(hub.store, {
      facilityOid: '1.2.392.200284.33.3319800011',
      profession: 'doctor',
    });
    const ok = await hub.app.inject({ url: '/api/v1/probe?n=1', headers: hub.as(user) });
    expect(ok.json()).toEqual({ user: user.userId });
    const anonymous = await hub.app.inject({ url: '/api/v1/probe?n=1' });
    expect([anonymous.statusCode, anonymous.json().error.code]).toEqual([401, 'not-authenticated']);
    const invalid = await hub.app.inject({ url: '/api/v1/probe?n=0', headers: hub.as(user) });
    expect([invalid.statusCode, invalid.json().error.code]).toEqual([400, 'invalid-request']);
    expect(invalid.json().error.details[0].where).toBe('querystring');
    const refused = await hub.app.inject({ url: '/api/v1/probe?n=7', headers: hub.as(user) });
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, 'seven']);
    const openapi = (await hub.app.inject({ url: '/api/v1/openapi.json' })).json();
    expect(openapi.openapi).toBe('3.1.0');
    expect(openapi.paths['/api/v1/probe'].get.parameters[0]).toMatchObject({ name: 'n', in: 'query' });
    const missing = await hub.app.inject({ url: '/api/v1/nothing' });
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'no-route']);
  });
});

describe('hub app shell with the web app', () => {
  it('serves files, falls back to index.html for client routes, keeps /api 404s as JSON', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const root = mkdtempSync(join(tmpdir(), 'hie-web-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>hie</title>');
    writeFileSync(join(root, 'assets', 'app-1a2b.js'), 'console.log(1)');
    writeFileSync(join(root, 'manifest.webmanifest'), '{"name":"晴れやかネット","display":"standalone"}');
    const hub = await hubUnderTest('sqlite', [probe], { webRoot: root });
    try {
      const page = await hub.app.inject({ url: '/patients/123' });
      expect([page.statusCode, page.body]).toEqual([200, '<!doctype html><title>hie</title>']);
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      const home = await hub.app.inject({ url: '/' });
      expect(home.statusCode).toBe(200);
      const asset = await hub.app.inject({ url: '/assets/app-1a2b.js' });
      expect(asset.headers['cache-control']).toContain('immutable');
      const stale = await hub.app.inject({ url: '/assets/app-0000.js' });
      expect([stale.statusCode, stale.headers['content-type']]).toEqual([
        404,
        'application/json; charset=utf-8',
      ]);
      // Installable on an iPad or a phone: the web app manifest is served as such.
      const manifest = await hub.app.inject({ url: '/manifest.webmanifest' });
      expect([manifest.statusCode, manifest.headers['content-type']]).toEqual([
        200,
        'application/manifest+json',
      ]);
      const api = await hub.app.inject({ url: '/api/v1/nothing' });
      expect([api.statusCode, api.json().error.code]).toEqual([404, 'no-route']);
    } finally {
      await hub.dispose();
    }
  });
});
