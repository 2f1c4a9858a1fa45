import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../http.js';
import { TEST_ENGINES } from '../testing/store.js';
import { apiCall, type HubUnderTest, seedFacility, seedUser } from '../testing.js';
import { iheAdminRoutes } from './consumers.js';
import { PixNotifier } from './pix-notify.js';
import { feedMessage, iheHub, MESA_A, MESA_B, poster, read, V3 } from './testing.js';
import { hubOids } from './v3.js';

const OFFICE = '1.2.392.200284.33.0000000001';
const ACK = `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><MCCI_IN000002UV01 xmlns="urn:hl7-org:v3"><acknowledgement><typeCode code="CA"/></acknowledgement></MCCI_IN000002UV01></env:Body></env:Envelope>`;

/** A facility system's PIX Consumer: keeps what it is told; can be down or failing. */
async function startConsumer() {
  const received: { action: string | undefined; ids: string[] }[] = [];
  let failing = false;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (c) => {
      body += c;
    });
    request.on('end', () => {
      if (failing) {
        response.writeHead(503).end();
        return;
      }
      const doc = new DOMParser().parseFromString(body, 'application/xml');
      const patient = doc.getElementsByTagNameNS(V3, 'patient')[0];
      const ids = Array.from(patient?.childNodes ?? [])
        .filter((n) => (n as { localName?: string }).localName === 'id')
        .map((n) => {
          const e = n as unknown as { getAttribute(name: string): string | null };
          return `${e.getAttribute('root')}|${e.getAttribute('extension')}`;
        });
      received.push({
        action:
          doc.getElementsByTagNameNS('http://www.w3.org/2005/08/addressing', 'Action')[0]?.textContent ??
          undefined,
        ids,
      });
      response.writeHead(200, { 'content-type': 'application/soap+xml' }).end(ACK);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pix-consumer`,
    received,
    fail: (value: boolean) => {
      failing = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(TEST_ENGINES)('PIX update notifications (ITI-46) on %s', (engine) => {
  let hub: HubUnderTest;
  let office: HubPrincipal;
  let consumer: Awaited<ReturnType<typeof startConsumer>>;
  let offset = 0;
  const call = apiCall(() => hub);
  const pix = poster(() => hub, '/ihe/pix');
  const notifier = () => new PixNotifier(hub.deps, { settleMs: 0 });

  beforeAll(async () => {
    hub = await iheHub(engine, [iheAdminRoutes], { now: () => new Date(Date.now() + offset) });
    await seedFacility(hub.store, { oid: OFFICE, type: 'network-office', discloses: false, views: false });
    office = { ...(await seedUser(hub.store, { facilityOid: OFFICE, profession: 'office' })), office: true };
    consumer = await startConsumer();
  });
  afterAll(async () => {
    await consumer.close();
    await hub.dispose();
  });

  it('is the office’s to register; others are refused', async () => {
    const doctor = await seedUser(hub.store, { facilityOid: MESA_A, profession: 'doctor' });
    const body = { endpoint: consumer.url };
    expect((await call(null, 'PUT', `/admin/facilities/${MESA_A}/pix-consumer`, body)).statusCode).toBe(401);
    expect((await call(doctor, 'PUT', `/admin/facilities/${MESA_A}/pix-consumer`, body)).statusCode).toBe(
      403,
    );
    expect((await call(office, 'PUT', '/admin/facilities/1.2.3.9/pix-consumer', body)).statusCode).toBe(404);
    expect(
      (await call(office, 'PUT', `/admin/facilities/${MESA_A}/pix-consumer`, { endpoint: 'ftp://x' }))
        .statusCode,
    ).toBe(400);
    expect((await call(office, 'PUT', `/admin/facilities/${MESA_A}/pix-consumer`, body)).statusCode).toBe(
      200,
    );
    expect((await call(doctor, 'GET', '/admin/pix-consumers')).statusCode).toBe(403);
  });

  it('tells the facility’s system its patient’s regional id (and its own ids), not another facility’s changes', async () => {
    expect(read((await pix(feedMessage(MESA_A, 'A-1'), MESA_A)).body).ack).toBe('AA');
    expect(read((await pix(feedMessage(MESA_B, 'B-1'), MESA_B)).body).ack).toBe('AA');
    await notifier().round();
    expect(consumer.received).toHaveLength(1);
    const [told] = consumer.received;
    expect(told?.action).toBe('urn:hl7-org:v3:PRPA_IN201302UV02');
    const person = await hub.store.db
      .selectFrom('mpi_record')
      .select('person_id')
      .where('local_id', '=', 'A-1')
      .executeTakeFirstOrThrow();
    expect(told?.ids).toEqual([
      `${hubOids(hub.deps.settings).regionalId}|${person.person_id}`,
      `${MESA_A}|A-1`,
    ]);
    expect(JSON.stringify(consumer.received)).not.toContain('B-1');
    await notifier().round();
    expect(consumer.received).toHaveLength(1);
  });

  it('loses nothing while the consumer is down: backs off, then catches up in order', async () => {
    consumer.fail(true);
    await pix(
      feedMessage(MESA_A, 'A-2', { kanji: ['旭', 'ハル'], kana: ['アサヒ', 'ハル'], birth: '19330101' }),
      MESA_A,
    );
    await pix(
      feedMessage(MESA_A, 'A-3', {
        kanji: ['吉備津', '源三'],
        kana: ['キビツ', 'ゲンゾウ'],
        birth: '19460303',
        sex: 'M',
      }),
      MESA_A,
    );
    await notifier().round();
    expect(consumer.received).toHaveLength(1);
    const [status] = (await call(office, 'GET', '/admin/pix-consumers')).json().consumers;
    expect(status).toMatchObject({ facilityOid: MESA_A, failures: 1, lastError: 'HTTP 503', delivered: 1 });
    expect(status.retryAt).not.toBeNull();
    // Still backing off: nothing is tried.
    consumer.fail(false);
    await notifier().round();
    expect(consumer.received).toHaveLength(1);
    offset += 10_000;
    await notifier().round();
    expect(consumer.received.map((r) => r.ids[1])).toEqual([
      `${MESA_A}|A-1`,
      `${MESA_A}|A-2`,
      `${MESA_A}|A-3`,
    ]);
    const [after] = (await call(office, 'GET', '/admin/pix-consumers')).json().consumers;
    expect(after).toMatchObject({ failures: 0, lastError: null, delivered: 3, retryAt: null });
  });
});
