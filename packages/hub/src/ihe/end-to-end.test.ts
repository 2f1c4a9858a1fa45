// End to end over HTTP: a real listening hub (every route module, real sessions), an outside system
// feeding the published ITI-44 sample to /ihe/pix, people logging in to the portal API to do what they
// would do (the office, the hospital's consent desk and administrator, a doctor of a viewing clinic),
// and the hospital's PIX Consumer told (ITI-46) after the hospital merged a duplicate registration.
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_ROUTES } from '../api/build.js';
import { enrolTotp, newTotpSecret, setPassword, totpNow } from '../auth/credentials.js';
import { SESSION_COOKIE, sessionIdentify } from '../auth/session.js';
import type { HubPrincipal } from '../http.js';
import { type HubUnderTest, hubUnderTest, seedFacility, seedUser } from '../testing.js';
import { iheRoutes } from './routes.js';
import { EPD_SOURCE, envelope, fixture, gazelleErrors, read, startConsumer, TOKENS } from './testing.js';
import { hubOids } from './v3.js';

const OFFICE = '1.2.392.200284.33.0000000001';
const CLINIC = '1.2.392.200284.33.3310000077'; // a viewing clinic
const PASSWORD = 'correct horse 42 battery';
/** The hub's clock runs this far ahead, so the index's history is already settled for ITI-46 (5 s). */
const AHEAD_MS = 6_000;

/** Waits until `found` returns something (the hub's notifier works in the background). */
async function eventually<T>(found: () => T | undefined, ms = 8_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = found();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a published ITI-44 feed, found by a doctor of another facility, merged, notified (over HTTP)', () => {
  let hub: HubUnderTest;
  let base: string;
  let consumer: Awaited<ReturnType<typeof startConsumer>>;
  const hubNow = () => new Date(Date.now() + AHEAD_MS);

  /** A person at the portal: logs in with password and TOTP, then calls /api/v1 with cookie and CSRF token. */
  async function logIn(principal: HubPrincipal & { secret: string }) {
    let cookie = '';
    let csrf = '';
    const send = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${base}/api/v1${path}`, {
        method,
        headers: {
          ...(cookie ? { cookie: `${SESSION_COOKIE}=${cookie}` } : {}),
          ...(csrf && method !== 'GET' ? { 'x-csrf-token': csrf } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const set = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
      if (set) cookie = (set.split(';')[0] ?? '').slice(SESSION_COOKIE.length + 1);
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : null };
    };
    const first = await send('POST', '/auth/login', { loginId: principal.loginId, password: PASSWORD });
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    const second = await send('POST', '/auth/totp', {
      pending: first.json.pending,
      code: totpNow(principal.secret, hubNow()),
    });
    expect(second.status, JSON.stringify(second.json)).toBe(200);
    csrf = second.json.csrfToken;
    return send;
  }

  async function person(values: Parameters<typeof seedUser>[1]) {
    const principal = await seedUser(hub.store, values);
    await setPassword(hub.store, principal.userId, PASSWORD, { mustChange: false });
    const secret = newTotpSecret();
    await enrolTotp(hub.store, principal.userId, secret);
    return { ...principal, secret };
  }

  /** The hospital's system: SOAP 1.2 to /ihe/pix from this machine with its feed token. */
  const pix = async (payload: string) => {
    const response = await fetch(`${base}/ihe/pix`, {
      method: 'POST',
      headers: {
        'content-type': 'application/soap+xml; charset=UTF-8',
        authorization: `Bearer ${TOKENS[EPD_SOURCE]}`,
      },
      body: payload,
    });
    return { status: response.status, body: await response.text() };
  };

  beforeAll(async () => {
    hub = await hubUnderTest('sqlite', HUB_ROUTES, {
      outside: [iheRoutes],
      identify: sessionIdentify,
      now: hubNow,
      settings: { pixNotifyMs: 100 },
    });
    // What the office registered before: the hospital (its system's feed token), a clinic, itself.
    await seedFacility(hub.store, { oid: EPD_SOURCE, name: 'Spital Muster' });
    await hub.store.db
      .updateTable('hub_facility')
      .set({
        feed_token_hash: createHash('sha256')
          .update(TOKENS[EPD_SOURCE] ?? '')
          .digest('hex'),
      })
      .where('oid', '=', EPD_SOURCE)
      .execute();
    await seedFacility(hub.store, { oid: CLINIC, name: '吉備クリニック', type: 'clinic', discloses: false });
    await seedFacility(hub.store, { oid: OFFICE, type: 'network-office', discloses: false, views: false });
    await hub.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(hub.app.server.address() as AddressInfo).port}`;
    consumer = await startConsumer();
  });
  afterAll(async () => {
    await hub?.dispose();
    await consumer?.close();
  });

  it('feeds, is found only once the patient consented, and tells the hospital’s consumer after a merge', async () => {
    const office = await logIn(await person({ facilityOid: OFFICE, profession: 'office' }));
    const desk = await logIn(await person({ facilityOid: EPD_SOURCE, profession: 'clerk' }));
    const admin = await logIn(await person({ facilityOid: EPD_SOURCE, profession: 'clerk', role: 'admin' }));
    const doctor = await logIn(await person({ facilityOid: CLINIC, profession: 'doctor' }));
    const regional = hubOids(hub.deps.settings).regionalId;

    // The office registers the hospital system's PIX Consumer.
    const registered = await office('PUT', `/admin/facilities/${EPD_SOURCE}/pix-consumer`, {
      endpoint: consumer.url,
    });
    expect(registered.status, JSON.stringify(registered.json)).toBe(200);

    // The hospital's system sends the published ITI-44 add (Swiss EPR sample) unchanged.
    const fed = await pix(fixture('epd-by-example/ITI-44_request_raw.xml'));
    expect(fed.status).toBe(200);
    expect(read(fed.body).ack).toBe('AA');

    // The clinic's doctor searches: nothing yet — no consent of the patient names the clinic.
    const search = '/patients?kanji=Muster&birthDate=1960-06-18&purpose=TREAT';
    const before = await doctor('GET', search);
    expect(before.status).toBe(200);
    expect(before.json.total).toBe(0);

    // At the hospital: its administrator discloses, its consent desk finds the patient and registers her consent.
    expect(
      (
        await admin('PUT', `/admin/facilities/${EPD_SOURCE}/disclosure`, {
          categories: ['demographics', 'allergy'],
        })
      ).status,
    ).toBe(200);
    const found = await desk('GET', '/consents/patient?localId=TestSystemId');
    expect(found.status, JSON.stringify(found.json)).toBe(200);
    const today = hubNow().toISOString().slice(0, 10);
    const consent = await desk('POST', '/consents', {
      facilityOid: EPD_SOURCE,
      localId: 'TestSystemId',
      scope: 'listed',
      viewers: [CLINIC],
      startDate: today,
    });
    expect(consent.status, JSON.stringify(consent.json)).toBe(201);

    // Now the doctor finds her, with the hospital's id.
    const after = await doctor('GET', search);
    expect(after.json.total).toBe(1);
    const [maja] = after.json.persons;
    expect(maja.records).toEqual([
      expect.objectContaining({ facilityOid: EPD_SOURCE, localId: 'TestSystemId' }),
    ]);
    const told = await eventually(() =>
      consumer.received.find((r) => r.ids.includes(`${EPD_SOURCE}|TestSystemId`)),
    );
    expect(told.ids).toEqual([`${regional}|${maja.personId}`, `${EPD_SOURCE}|TestSystemId`]);

    // The hospital registered her twice (the same sample under another id), then merges the duplicate
    // into TestSystemId (the IPF merge sample, its two ids set to the hospital's).
    const duplicate = await pix(
      fixture('epd-by-example/ITI-44_request_raw.xml').replace(
        'extension="TestSystemId"',
        'extension="DUP-7"',
      ),
    );
    expect(read(duplicate.body).ack).toBe('AA');
    await eventually(() => consumer.received.find((r) => r.ids.includes(`${EPD_SOURCE}|DUP-7`)));
    const seen = consumer.received.length;
    const merge = fixture('ipf/pixfeed_PIX_FEED_MERGE_Maximal_Request.xml')
      .replace('extension="120-01" root="1.2.3.4.5.1000"', `extension="TestSystemId" root="${EPD_SOURCE}"`)
      .replace('root="1.2.3.4.666" extension="120-02"', `root="${EPD_SOURCE}" extension="DUP-7"`);
    const merged = await pix(envelope(merge, 'urn:hl7-org:v3:PRPA_IN201304UV02'));
    expect(read(merged.body).ack).toBe('AA');
    expect(gazelleErrors(merged.body)).toEqual([]);

    // ITI-46: the consumer is told the surviving regional id with the hospital's ids as they are now.
    const notification = await eventually(() =>
      consumer.received.slice(seen).find((r) => r.ids.includes(`${EPD_SOURCE}|TestSystemId`)),
    );
    expect(notification.ids).toEqual([`${regional}|${maja.personId}`, `${EPD_SOURCE}|TestSystemId`]);
    expect(gazelleErrors(notification.body)).toEqual([]);
    expect(consumer.received.slice(seen).some((r) => r.ids.includes(`${EPD_SOURCE}|DUP-7`))).toBe(false);

    // The doctor still finds one person, by her surviving id only.
    const last = await doctor('GET', search);
    expect(last.json.total).toBe(1);
    expect(last.json.persons[0].personId).toBe(maja.personId);
    expect(last.json.persons[0].records.map((r: { localId: string }) => r.localId)).toEqual(['TestSystemId']);
  });
});
