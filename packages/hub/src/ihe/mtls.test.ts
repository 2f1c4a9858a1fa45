import type { AddressInfo } from 'node:net';
import { makeTestCertificates, type TestCertificates } from '@hie/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../http.js';
import { apiCall, type HubUnderTest, seedFacility, seedUser } from '../testing.js';
import { nodeCertRoutes } from './node.js';
import { feedMessage, iheHub, MESA_A, overTls, read, TOKENS } from './testing.js';

const OFFICE = '1.2.392.200284.33.0000000001';

describe('mutual TLS on the IHE endpoints (ITI-19)', () => {
  let certs: TestCertificates;
  let hub: HubUnderTest;
  let office: HubPrincipal;
  let port: number;
  const call = apiCall(() => hub);

  const tls = (path: string, body: string | null, client: string | null, bearer?: string) =>
    overTls(certs, port, path, body, client, bearer);

  beforeAll(async () => {
    certs = makeTestCertificates({ clients: ['clinic-system', 'other-system'] });
    hub = await iheHub('sqlite', [nodeCertRoutes], {
      https: { key: certs.pem('gateway.key'), cert: certs.pem('gateway.crt'), clientCa: certs.pem('ca.crt') },
    });
    await seedFacility(hub.store, { oid: OFFICE, type: 'network-office', discloses: false, views: false });
    office = { ...(await seedUser(hub.store, { facilityOid: OFFICE, profession: 'office' })), office: true };
    await hub.app.listen({ host: '127.0.0.1', port: 0 });
    port = (hub.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await hub.dispose();
    certs.dispose();
  });

  it('lets the office alone register a system’s certificate, checked', async () => {
    const pem = certs.pem('clinic-system.crt').toString();
    const doctor = await seedUser(hub.store, { facilityOid: MESA_A, profession: 'doctor' });
    const url = `/admin/facilities/${MESA_A}/node-certificates`;
    expect((await call(null, 'POST', url, { pem })).statusCode).toBe(401);
    expect((await call(doctor, 'POST', url, { pem })).statusCode).toBe(403);
    expect((await call(office, 'POST', url, { pem: `${'x'.repeat(120)}` })).json().error.code).toBe(
      'not-a-certificate',
    );
    expect((await call(office, 'POST', url, { pem: certs.pem('ca.crt').toString() })).json().error.code).toBe(
      'ca-certificate',
    );
    const created = await call(office, 'POST', url, { pem });
    expect(created.statusCode).toBe(201);
    expect(created.json().fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect((await call(office, 'POST', url, { pem })).statusCode).toBe(409);
    expect((await call(office, 'GET', url)).json().certificates).toHaveLength(1);
  });

  it('answers a registered system over mutual TLS, and refuses every other caller with a stable code', async () => {
    const feed = feedMessage(MESA_A, 'A-1');
    const ok = await tls('/ihe/pix', feed, 'clinic-system');
    expect(ok.status, ok.body).toBe(200);
    expect(read(ok.body).ack).toBe('AA');
    const pixm = await tls(
      `/fhir/Patient/$ihe-pix?sourceIdentifier=${encodeURIComponent(`urn:oid:${MESA_A}|A-1`)}`,
      null,
      'clinic-system',
    );
    expect(pixm.status).toBe(200);

    const cases: Array<[string | null, string | undefined, string]> = [
      [null, TOKENS[MESA_A], 'client-certificate-required'], // a token is no longer enough over the network
      ['other-system', undefined, 'client-certificate-unknown'], // the network CA's, but not registered
      ['rogue', undefined, 'client-certificate-untrusted'], // another CA's
    ];
    for (const [client, bearer, code] of cases) {
      const answer = await tls('/ihe/pix', feed, client, bearer);
      expect(answer.status, code).toBe(401);
      expect(answer.body).toContain(`hie:${code}`);
    }
    // Plain HTTP from another host: refused whatever the token.
    const remote = await hub.app.inject({
      method: 'POST',
      url: '/ihe/pix',
      remoteAddress: '10.1.2.3',
      headers: { 'content-type': 'application/soap+xml', authorization: `Bearer ${TOKENS[MESA_A]}` },
      payload: feed,
    });
    expect(remote.statusCode).toBe(401);
    expect(remote.body).toContain('hie:tls-required');
  });

  it('stops answering a system whose certificate the office withdrew', async () => {
    const [cert] = (await call(office, 'GET', `/admin/facilities/${MESA_A}/node-certificates`)).json()
      .certificates;
    const removed = await hub.app.inject({
      method: 'DELETE',
      url: `/api/v1/admin/facilities/${MESA_A}/node-certificates/${cert.fingerprint}`,
      headers: hub.as(office),
    });
    expect(removed.statusCode).toBe(204);
    const answer = await tls('/ihe/pix', feedMessage(MESA_A, 'A-1'), 'clinic-system');
    expect(answer.status).toBe(401);
    expect(answer.body).toContain('hie:client-certificate-unknown');
  });
});
