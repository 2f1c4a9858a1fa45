import { createHash } from 'node:crypto';
import { UNNAMED_PATIENT } from '@hie/contract';
import { operationOf, signAssertion } from '@hie/platform';
import { dsmlErrors } from '@hie/platform/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { directoryRoutes } from '../directory/routes.js';
import { OFFICE_OID } from '../directory/testing.js';
import type { HubPrincipal } from '../http.js';
import { TEST_ENGINES } from '../testing/store.js';
import { apiCall, type HubUnderTest, hubUnderTest, seedFacility, seedUser } from '../testing.js';
import { type RunningGateway, startGateway, stopGateway } from '../viewing/testing.js';
import { iheAdminRoutes } from './consumers.js';
import { HpdPusher } from './hpd-push.js';
import { iheRoutes } from './routes.js';

const GATEWAY = '1.2.392.200284.33.3319800011';
const NEW_CLINIC = '1.2.392.200284.33.3311234563';

/**
 * ITI-59 pushed (issue 15's proof): the office subscribes a real gateway; it receives the directory,
 * refuses requests naming users it does not list as active at their facility, and takes the office's
 * next changes without a restart; an outage is retried and shown to the office; the feed token reaches
 * the gateway once and only then replaces the facility's.
 */
describe.each(TEST_ENGINES)('the directory pushed to a gateway (ITI-59) on %s', (engine) => {
  let hub: HubUnderTest;
  let gateway: RunningGateway;
  let office: HubPrincipal;
  let doctor: HubPrincipal;
  let down = false;
  let clock = new Date('2026-12-07T10:00:00Z');
  let pusher: HpdPusher;
  /** Every ITI-59 message the hub sent. */
  let sent: string[] = [];

  beforeEach(async () => {
    down = false;
    sent = [];
    clock = new Date('2026-12-07T10:00:00Z');
    hub = await hubUnderTest(engine, [directoryRoutes, iheAdminRoutes], {
      outside: [iheRoutes],
      settings: { pixNotifyMs: 0, hpdPushMs: 0 },
      now: () => clock,
      fetch: (async (url: string | URL | Request, init?: RequestInit) => {
        if (down) throw new TypeError('fetch failed: connect ECONNREFUSED');
        if (typeof init?.body === 'string' && init.body.includes('ProviderInformationFeed'))
          sent.push(init.body);
        return fetch(url, init);
      }) as typeof fetch,
    });
    gateway = await startGateway(engine, hub.deps, {
      oid: GATEWAY,
      name: '岡山テスト病院',
      rows: [],
      categories: ['lab-result'],
      now: () => Math.floor(clock.getTime() / 1000),
    });
    await seedFacility(hub.store, { oid: OFFICE_OID, name: '晴れやかネット事務局', type: 'network-office' });
    await seedFacility(hub.store, { oid: GATEWAY, name: '岡山テスト病院', gatewayUrl: gateway.url });
    office = await seedUser(hub.store, { facilityOid: OFFICE_OID, profession: 'office' });
    doctor = await seedUser(hub.store, { facilityOid: GATEWAY, profession: 'doctor', name: '岡山 太郎' });
    pusher = new HpdPusher(hub.deps);
  });
  afterEach(async () => {
    await pusher.stop();
    await stopGateway(gateway);
    await hub.dispose();
  });

  const call = apiCall(() => hub);
  const subscribe = (body: object = {}) =>
    call(office, 'PUT', `/admin/facilities/${GATEWAY}/hpd-subscriber`, {
      endpoint: `${gateway.url}/ihe/hpd-feed`,
      ...body,
    });
  const status = async () => (await call(office, 'GET', '/admin/hpd-subscribers')).json().subscribers[0];

  /** A read at the gateway as the hub would sign it for `who`: 404 = let through (no such patient). */
  const readAs = async (who: { userId: string; facilityOid: string; profession: string }) => {
    const path = '/Patient/p-none';
    const token = await signAssertion(
      hub.deps.signingKey,
      {
        issuer: hub.deps.settings.issuer,
        audience: GATEWAY,
        userId: who.userId,
        profession: who.profession,
        facilityOid: who.facilityOid,
        patientId: 'p-none',
        purposeOfUse: 'TREAT',
        categories: ['lab-result'],
        operation: operationOf('GET', path, ''),
      },
      { now: Math.floor(clock.getTime() / 1000) },
    );
    const response = await fetch(`${gateway.url}/fhir${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as { issue?: { details?: { coding?: { code: string }[] } }[] };
    return { status: response.status, code: body.issue?.[0]?.details?.coding?.[0]?.code };
  };

  it('is the office’s to set up and to watch; others are refused', async () => {
    expect(
      (
        await call(doctor, 'PUT', `/admin/facilities/${GATEWAY}/hpd-subscriber`, {
          endpoint: 'http://x.example/ihe/hpd-feed',
        })
      ).statusCode,
    ).toBe(403);
    expect((await call(doctor, 'GET', '/admin/hpd-subscribers')).statusCode).toBe(403);
    expect((await call(null, 'GET', '/admin/hpd-subscribers')).statusCode).toBe(401);
    expect((await subscribe({ endpoint: 'file:///etc/passwd' })).statusCode).toBe(400);
    expect(
      (
        await call(office, 'PUT', '/admin/facilities/1.2.3.4/hpd-subscriber', {
          endpoint: 'http://x.example/',
        })
      ).statusCode,
    ).toBe(404);
  });

  it('sends the directory; the gateway serves the office’s new facility and user without a restart, and stops serving a deactivated one', async () => {
    // Before any push the gateway knows no directory and refuses no one by it.
    expect((await readAs(doctor)).status).toBe(404);
    expect((await subscribe()).statusCode).toBe(200);
    await pusher.round();
    const first = await status();
    expect(first).toMatchObject({ pending: 0, failures: 0, lastError: null, status: 'active' });
    expect(first.delivered).toBeGreaterThanOrEqual(8);
    const entries = await gateway.store.db.selectFrom('gw_directory_entry').select(['dn', 'attrs']).execute();
    const doctorEntry = entries.find((e) => e.dn.startsWith(`uid=${doctor.userId},`));
    expect(JSON.parse(doctorEntry?.attrs ?? '{}')).toMatchObject({
      cn: ['岡山 太郎'],
      hpdProviderStatus: ['Active'],
    });
    expect((await readAs(doctor)).status).toBe(404);

    // The office registers a clinic and its nurse: refused by the gateway until the push brings them.
    const clinic = await call(office, 'POST', '/admin/facilities', {
      code: '3311234563',
      name: '桃太郎クリニック',
      nameKana: 'モモタロウクリニック',
      type: 'clinic',
      discloses: false,
    });
    expect(clinic.statusCode).toBe(201);
    expect(clinic.json().facility.oid).toBe(NEW_CLINIC);
    const created = await call(office, 'POST', '/admin/users', {
      loginId: 'momo.nurse',
      name: '桃山 花子',
      nameKana: 'モモヤマ ハナコ',
      profession: 'nurse',
      memberships: [{ facilityOid: NEW_CLINIC }],
    });
    expect(created.statusCode).toBe(201);
    const nurse = { userId: created.json().user.id as string, facilityOid: NEW_CLINIC, profession: 'nurse' };
    expect(await readAs(nurse)).toEqual({ status: 403, code: 'requester-unknown' });
    // Someone the directory does not have at that facility is refused as well.
    expect((await readAs({ ...nurse, facilityOid: GATEWAY })).code).toBe('requester-unknown');
    await pusher.round();
    expect((await readAs(nurse)).status).toBe(404);
    expect((await readAs({ ...nurse, facilityOid: GATEWAY })).code).toBe('requester-unknown');

    // Deactivated by the office: a modification reaches the gateway and it refuses her again.
    const patched = await call(office, 'PATCH', `/admin/users/${nurse.userId}`, { status: 'suspended' });
    expect(patched.statusCode).toBe(200);
    await pusher.round();
    expect((await readAs(nurse)).code).toBe('requester-unknown');
    expect((await status()).pending).toBe(0);
    // The office suspends the gateway's own facility: it discloses nothing, to anyone, until lifted.
    expect(
      (await call(office, 'PATCH', `/admin/facilities/${GATEWAY}`, { status: 'suspended' })).statusCode,
    ).toBe(200);
    await pusher.round();
    expect(await readAs(doctor)).toEqual({ status: 403, code: 'facility-suspended' });
    expect(
      (await call(office, 'PATCH', `/admin/facilities/${GATEWAY}`, { status: 'active' })).statusCode,
    ).toBe(200);
    await pusher.round();
    expect((await readAs(doctor)).status).toBe(404);
    // Every message the hub sent is valid DSMLv2 (the OASIS schema, by xmllint).
    expect(sent.length).toBe(5);
    for (const message of sent) expect(dsmlErrors(message)).toEqual([]);
    // The gateway audited every feed it took.
    const audited = await gateway.store.db
      .selectFrom('audit_event')
      .select(['event_json', 'user_id'])
      .where('type', '=', 'directory')
      .execute();
    expect(audited.length).toBe(5);
    expect(audited.every((e) => e.user_id === 'hub:hpd-feed' && e.event_json.includes('ITI-59'))).toBe(true);
  });

  it('retries a gateway that is down and shows it to the office; nothing is lost', async () => {
    await subscribe();
    await pusher.round();
    down = true;
    await call(office, 'PATCH', `/admin/users/${doctor.userId}`, { name: '岡山 次郎' });
    await pusher.round();
    const failing = await status();
    expect(failing.failures).toBe(1);
    expect(failing.lastError).toMatch(/unreachable/);
    expect(failing.pending).toBeGreaterThan(0);
    expect(failing.retryAt).not.toBeNull();
    // Not before its time.
    down = false;
    await pusher.round();
    expect((await status()).failures).toBe(1);
    clock = new Date(clock.getTime() + 60_000);
    await pusher.round();
    const back = await status();
    expect(back).toMatchObject({ failures: 0, pending: 0, lastError: null, retryAt: null });
    const row = await gateway.store.db
      .selectFrom('gw_directory_entry')
      .select('attrs')
      .where('dn', 'like', `uid=${doctor.userId},%`)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.attrs).cn).toEqual(['岡山 次郎']);
  });

  it('hands the gateway a feed token once it took it, and only then puts it in force', async () => {
    const before = await hub.store.db
      .selectFrom('hub_facility')
      .select('feed_token_hash')
      .where('oid', '=', GATEWAY)
      .executeTakeFirstOrThrow();
    await subscribe({ issueFeedToken: true });
    expect((await status()).feedTokenPending).toBe(true);
    down = true;
    await pusher.round();
    const unchanged = await hub.store.db
      .selectFrom('hub_facility')
      .select('feed_token_hash')
      .where('oid', '=', GATEWAY)
      .executeTakeFirstOrThrow();
    expect(unchanged.feed_token_hash).toBe(before.feed_token_hash);
    down = false;
    clock = new Date(clock.getTime() + 60_000);
    await pusher.round();
    const kept = await gateway.store.db
      .selectFrom('gw_state')
      .select('value')
      .where('name', '=', 'hub-feed-token')
      .executeTakeFirstOrThrow();
    expect(kept.value).toMatch(/^hft_/);
    const after = await hub.store.db
      .selectFrom('hub_facility')
      .select('feed_token_hash')
      .where('oid', '=', GATEWAY)
      .executeTakeFirstOrThrow();
    expect(after.feed_token_hash).toBe(createHash('sha256').update(kept.value).digest('hex'));
    expect((await status()).feedTokenPending).toBe(false);
    // The token never sits in the gateway's directory.
    const entries = await gateway.store.db.selectFrom('gw_directory_entry').select('attrs').execute();
    expect(entries.some((e) => e.attrs.includes(kept.value))).toBe(false);
  });

  it('takes the feed from the hub only: no assertion, another body, a replay and another facility’s are refused', async () => {
    const body = `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><batchRequest xmlns="urn:oasis:names:tc:DSML:2:0:core"><addRequest dn="uid=x,ou=HCProfessional,dc=HPD" requestID="0"><attr name="hpdProviderStatus"><value>Active</value></attr></addRequest></batchRequest></env:Body></env:Envelope>`;
    const digest = createHash('sha256').update(body).digest('base64url');
    const sign = (audience: string, search: string) =>
      signAssertion(
        hub.deps.signingKey,
        {
          issuer: hub.deps.settings.issuer,
          audience,
          userId: 'hub:hpd-feed',
          profession: 'office',
          facilityOid: audience,
          patientId: UNNAMED_PATIENT,
          purposeOfUse: 'HOPERAT',
          categories: [],
          operation: operationOf('POST', '/ihe/hpd-feed', search),
        },
        { now: Math.floor(clock.getTime() / 1000) },
      );
    const post = (token: string | null, search: string, payload = body) =>
      fetch(`${gateway.url}/ihe/hpd-feed${search}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/soap+xml',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: payload,
      });
    expect((await post(null, `?sha256=${digest}`)).status).toBe(401);
    const forOther = await sign('1.2.392.200284.33.9999999999', `?sha256=${digest}`);
    expect((await post(forOther, `?sha256=${digest}`)).status).toBe(401);
    const good = await sign(GATEWAY, `?sha256=${digest}`);
    const tampered = body.replace('Active', 'Active</value><value>x');
    expect((await post(good, `?sha256=${digest}`, tampered)).status).toBe(401);
    const fresh = await sign(GATEWAY, `?sha256=${digest}`);
    const ok = await post(fresh, `?sha256=${digest}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('<resultCode code="0"');
    expect((await post(fresh, `?sha256=${digest}`)).status).toBe(401);
    const hostile = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>`;
    const hostileDigest = createHash('sha256').update(hostile).digest('base64url');
    const signed = await sign(GATEWAY, `?sha256=${hostileDigest}`);
    expect((await post(signed, `?sha256=${hostileDigest}`, hostile)).status).toBe(400);
  });
});
