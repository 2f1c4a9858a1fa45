import { Agent } from 'node:https';
import { makeTestCertificates, type TestCertificates } from '@hie/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import type { HubPrincipal } from '../../http.js';
import { apiCall, type HubUnderTest, hubUnderTest } from '../../testing.js';
import { cabinetRoutes } from '../api/routes.js';
import { type CabinetTeam, OIDS, openTeamCabinet, PATIENT, seedCabinetTeam } from '../testing.js';
import { startTestPushService, type TestPushService } from './testing.js';

const _today = () => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Web Push of the unread count', () => {
  let certs: TestCertificates;
  let service: TestPushService;
  let hub: HubUnderTest;
  let team: CabinetTeam;
  let cabinetId: string;
  const call = apiCall(() => hub);
  const subscribe = (who: HubPrincipal, subscription: object) =>
    call(who, 'POST', '/cabinet-push/devices', subscription);
  const post = (who: HubPrincipal, body: object) => call(who, 'POST', `/cabinets/${cabinetId}/posts`, body);
  const pushesTo = (endpoint: string) => service.received.filter((r) => r.endpoint === endpoint);

  beforeAll(async () => {
    certs = makeTestCertificates();
    service = await startTestPushService({ key: certs.pem('gateway.key'), cert: certs.pem('gateway.crt') });
    hub = await hubUnderTest('sqlite', [cabinetRoutes], {
      settings: {
        cabinetPush: {
          vapid: webpush.generateVAPIDKeys(),
          subject: 'mailto:office@momo.example.jp',
          allowedHosts: [service.host, 'fcm.googleapis.com', '*.push.apple.com'],
          agent: new Agent({ ca: certs.pem('ca.crt') }),
          coalesceMs: 150,
          retryDelaysMs: [100],
        },
      },
    });
    team = await seedCabinetTeam(hub);
    cabinetId = await openTeamCabinet(hub, team);
  });
  afterAll(async () => {
    await hub.dispose();
    await service.close();
    certs.dispose();
  });

  it('gives the public key and the user’s own devices; refuses the anonymous and the office', async () => {
    expect((await call(null, 'GET', '/cabinet-push')).statusCode).toBe(401);
    expect((await call(null, 'POST', '/cabinet-push/devices', service.subscription())).statusCode).toBe(401);
    const mine = await call(team.doctor, 'GET', '/cabinet-push');
    expect(mine.json()).toMatchObject({ enabled: true, devices: [] });
    expect(Buffer.from(mine.json().publicKey, 'base64url')).toHaveLength(65);
    expect((await call(team.office, 'GET', '/cabinet-push')).json().enabled).toBe(false);
    const office = await subscribe(team.office, service.subscription());
    expect(office.statusCode).toBe(403);
  });

  it('calls no host but the allowed push services (no SSRF), and checks the keys', async () => {
    const good = service.subscription();
    for (const endpoint of [
      good.endpoint.replace('https:', 'http:'),
      'https://169.254.169.254/latest/meta-data',
      'https://127.0.0.1:5432/x',
      'https://fcm.googleapis.com.evil.example/x',
      'https://fcm.googleapis.com:8443/x',
      'https://user:pw@fcm.googleapis.com/x',
      'https://push.apple.com/x',
    ]) {
      const answer = await subscribe(team.doctor, { ...good, endpoint });
      expect(answer.statusCode, endpoint).toBe(400);
      expect(answer.json().error.code).toBe('push-service-not-allowed');
    }
    expect((await subscribe(team.doctor, { ...good, keys: { ...good.keys, auth: 'AAAA' } })).statusCode).toBe(
      400,
    );
    expect(
      (await subscribe(team.doctor, { ...good, keys: { ...good.keys, p256dh: good.keys.auth } })).statusCode,
    ).toBe(400);
    expect((await subscribe(team.doctor, { ...good, extra: 1 })).statusCode).toBe(400);
    expect((await call(team.doctor, 'GET', '/cabinet-push')).json().devices).toEqual([]);
  });

  it('tells each other member who may read the cabinet their unread count — no patient, no words — signed and encrypted', async () => {
    const doctor = service.subscription();
    const careManager = service.subscription();
    const nurse = service.subscription();
    const outsider = service.subscription();
    const created = await subscribe(team.doctor, { ...doctor, label: 'iPad (Safari)' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ label: 'iPad (Safari)', service: service.host, lastSentAt: null });
    expect(JSON.stringify(created.json())).not.toContain(doctor.endpoint);
    await subscribe(team.careManager, careManager);
    await subscribe(team.nurse, nurse);
    await subscribe(team.outsider, outsider);

    await post(team.nurse, { kind: 'free', text: '褥瘡が悪化しています', mentions: [team.doctor.userId] });
    await until(() => pushesTo(doctor.endpoint).length > 0 && pushesTo(careManager.endpoint).length > 0);
    await pause(300);
    const [toDoctor] = pushesTo(doctor.endpoint);
    expect(toDoctor?.message).toEqual({ v: 1, type: 'cabinet-unread', unread: 1, urgent: true });
    expect(toDoctor?.headers.urgency).toBe('high');
    expect(toDoctor?.headers.topic).toBe('cabinet-unread');
    expect(Number(toDoctor?.headers.ttl)).toBeGreaterThan(0);
    expect(toDoctor?.claims.aud).toBe(`https://${service.host}`);
    expect(toDoctor?.claims.sub).toBe('mailto:office@momo.example.jp');
    expect(toDoctor?.claims.exp).toBeLessThanOrEqual(Date.now() / 1000 + 24 * 3600);
    expect(pushesTo(careManager.endpoint).map((p) => p.message)).toEqual([
      { v: 1, type: 'cabinet-unread', unread: 1, urgent: false },
    ]);
    expect(pushesTo(nurse.endpoint)).toEqual([]);
    expect(pushesTo(outsider.endpoint)).toEqual([]);
    const everything = JSON.stringify(service.received);
    for (const secret of [PATIENT.name, '褥瘡', cabinetId]) expect(everything).not.toContain(secret);

    const devices = (await call(team.doctor, 'GET', '/cabinet-push')).json().devices;
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({ lastStatus: '201' });
    expect(devices[0].lastSentAt).not.toBeNull();
  });

  it('makes one push of several posts in a short time, and none for an edit', async () => {
    const doctor = (await call(team.doctor, 'GET', '/cabinet-push')).json().devices[0];
    expect(doctor).toBeDefined();
    const before = service.received.length;
    const a = await post(team.nurse, { kind: 'free', text: '一' });
    await post(team.careManager, { kind: 'free', text: '二' });
    await until(() => service.received.length >= before + 2);
    await pause(300);
    const fresh = service.received.slice(before);
    const toDoctor = fresh.filter(
      (p) => p.claims && p.message.unread !== undefined && p.endpoint.includes('/push/'),
    );
    // The doctor: one push for both posts (unread now 3); the nurse and the care manager one each (the other's post).
    expect(toDoctor.filter((p) => p.message.unread === 3)).toHaveLength(1);
    expect(fresh).toHaveLength(3);
    const afterPosts = service.received.length;
    await call(team.nurse, 'PUT', `/cabinets/${cabinetId}/posts/${a.json().id}`, {
      kind: 'free',
      text: '一（訂正）',
    });
    await pause(400);
    expect(service.received.length).toBe(afterPosts);
  });

  it('stops at once for a removed member and for a withdrawn consent', async () => {
    await hub.app.inject({
      method: 'DELETE',
      url: `/api/v1/cabinets/${cabinetId}/members/${team.careManager.userId}?facilityOid=${OIDS.care}`,
      headers: hub.as(team.nurse),
    });
    const before = service.received.length;
    await post(team.nurse, { kind: 'free', text: '三' });
    await until(() => service.received.length > before);
    await pause(300);
    const fresh = service.received.slice(before);
    expect(fresh).toHaveLength(1); // the doctor only
    await call(team.nurse, 'POST', `/cabinets/${cabinetId}/consent/withdraw`, { reason: '本人の申し出' });
    const afterWithdrawal = service.received.length;
    await post(team.nurse, { kind: 'free', text: '四' }); // refused: the cabinet is closed to writes
    await pause(400);
    expect(service.received.length).toBe(afterWithdrawal);
  });
});

describe('push delivery outcomes', () => {
  let certs: TestCertificates;
  let service: TestPushService;
  let hub: HubUnderTest;
  let team: CabinetTeam;
  let cabinetId: string;
  const call = apiCall(() => hub);

  beforeAll(async () => {
    certs = makeTestCertificates();
    service = await startTestPushService({ key: certs.pem('gateway.key'), cert: certs.pem('gateway.crt') });
    hub = await hubUnderTest('sqlite', [cabinetRoutes], {
      settings: {
        cabinetPush: {
          vapid: webpush.generateVAPIDKeys(),
          subject: 'https://hie.example.jp',
          allowedHosts: [service.host],
          agent: new Agent({ ca: certs.pem('ca.crt') }),
          coalesceMs: 50,
          retryDelaysMs: [100, 100],
        },
      },
    });
    team = await seedCabinetTeam(hub);
    cabinetId = await openTeamCabinet(hub, team, { facilities: [OIDS.clinic], invite: ['doctor'] });
  });
  afterAll(async () => {
    await hub.dispose();
    await service.close();
    certs.dispose();
  });

  const devices = async (who: HubPrincipal) => (await call(who, 'GET', '/cabinet-push')).json().devices;

  it('retries a service that is busy, and forgets a subscription the service says is gone', async () => {
    const busy = service.subscription();
    const gone = service.subscription();
    await call(team.doctor, 'POST', '/cabinet-push/devices', busy);
    await call(team.doctor, 'POST', '/cabinet-push/devices', gone);
    service.answer(busy.endpoint, 503);
    service.answer(gone.endpoint, 410);
    await call(team.nurse, 'POST', `/cabinets/${cabinetId}/posts`, { kind: 'free', text: '訪問しました' });
    await until(() => service.received.some((r) => r.endpoint === busy.endpoint));
    expect(service.received.filter((r) => r.endpoint === busy.endpoint)).toHaveLength(1);
    await pause(100);
    const left = await devices(team.doctor);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ lastStatus: '201' });
  });

  it('a test push answers per device; a device can be removed by its owner only', async () => {
    const [device] = await devices(team.doctor);
    const test = await call(team.doctor, 'POST', '/cabinet-push/test');
    expect(test.json().results).toEqual([{ id: device.id, status: '201' }]);
    expect(service.received.at(-1)?.message).toMatchObject({ type: 'test', unread: 1 });
    const stranger = await hub.app.inject({
      method: 'DELETE',
      url: `/api/v1/cabinet-push/devices/${device.id}`,
      headers: hub.as(team.nurse),
    });
    expect(stranger.statusCode).toBe(404);
    const own = await hub.app.inject({
      method: 'DELETE',
      url: `/api/v1/cabinet-push/devices/${device.id}`,
      headers: hub.as(team.doctor),
    });
    expect(own.statusCode).toBe(204);
    expect(await devices(team.doctor)).toEqual([]);
  });

  it('moves a device to whoever subscribed it last (a shared iPad), keeps ten per user, and audits', async () => {
    const shared = service.subscription();
    await call(team.doctor, 'POST', '/cabinet-push/devices', shared);
    await call(team.nurse, 'POST', '/cabinet-push/devices', shared);
    expect(await devices(team.doctor)).toEqual([]);
    expect(await devices(team.nurse)).toHaveLength(1);
    for (let i = 0; i < 12; i++)
      await call(team.nurse, 'POST', '/cabinet-push/devices', service.subscription());
    expect(await devices(team.nurse)).toHaveLength(10);
    const audit = await hub.store.db
      .selectFrom('audit_event')
      .selectAll()
      .where('type', '=', 'cabinet')
      .execute();
    expect(audit.some((e) => e.event_json.includes('push-subscribe'))).toBe(true);
  });

  it('a failing service drops the subscription after ten refusals in a row', async () => {
    const broken = service.subscription();
    await call(team.doctor, 'POST', '/cabinet-push/devices', broken);
    service.answer(broken.endpoint, 400, 10);
    for (let i = 0; i < 10; i++) {
      const answer = await call(team.doctor, 'POST', '/cabinet-push/test');
      expect(answer.json().results[0].status).toBe('400');
    }
    expect(await devices(team.doctor)).toEqual([]);
  });
});

describe('push switched off (a closed network)', () => {
  it('says so, and refuses subscriptions with a stable code', async () => {
    const hub = await hubUnderTest('sqlite', [cabinetRoutes]);
    const team = await seedCabinetTeam(hub);
    const call = apiCall(() => hub);
    expect((await call(team.doctor, 'GET', '/cabinet-push')).json()).toEqual({
      enabled: false,
      publicKey: null,
      devices: [],
    });
    const refused = await call(team.doctor, 'POST', '/cabinet-push/devices', {
      endpoint: 'https://fcm.googleapis.com/fcm/send/x',
      keys: {
        p256dh: Buffer.alloc(65, 4).toString('base64url'),
        auth: Buffer.alloc(16).toString('base64url'),
      },
    });
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe('push-not-configured');
    await hub.dispose();
  });
});
