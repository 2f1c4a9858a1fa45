import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { makeTestCertificates, type TestCertificates, useSampleProjection } from '@hie/gateway/testing';
import { certificatePin } from '@hie/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubUnderTest, hubUnderTest, seedUser } from '../testing.js';
import { type GatewaySource, queryGateways } from './gateway-client.js';
import { leanFetch } from './lean-fetch.js';
import { type RunningGateway, startGateway, startHungServer, stopGateway } from './testing.js';

const rows = useSampleProjection();
const PATIENT = '0003113659';

// The HTTP client is what is under test here, not a store: one engine is enough.
describe('leanFetch as the hub’s gateway client', () => {
  let hub: HubUnderTest;
  let gateway: RunningGateway;
  let hung: Awaited<ReturnType<typeof startHungServer>>;
  const lean = leanFetch();

  beforeAll(async () => {
    hub = await hubUnderTest('sqlite', [], { settings: { gatewayTimeoutMs: 800 }, fetch: lean });
    gateway = await startGateway('sqlite', hub.deps, {
      oid: '1.2.392.200284.33.3311110001',
      name: '岡山大学病院',
      rows,
      categories: ['prescription', 'lab-result'],
    });
    hung = await startHungServer();
  });
  afterAll(async () => {
    await Promise.all([stopGateway(gateway), hung.close()]);
    await hub.dispose();
  });

  it('answers exactly what global fetch answers, and reports hung and refusing gateways the same way', async () => {
    const principal = await seedUser(hub.store, {
      facilityOid: '1.2.392.200284.33.3311610020',
      profession: 'doctor',
    });
    const sources: GatewaySource[] = [
      {
        facilityOid: gateway.oid,
        facilityName: gateway.name,
        localId: PATIENT,
        gatewayUrl: gateway.url,
        categories: ['prescription', 'lab-result'],
      },
      {
        facilityOid: '1.2.3.4',
        facilityName: '応答なし',
        localId: 'x',
        gatewayUrl: hung.url,
        categories: ['prescription'],
      },
      {
        facilityOid: '1.2.3.5',
        facilityName: '閉院',
        localId: 'y',
        gatewayUrl: 'http://127.0.0.1:1',
        categories: ['prescription'],
      },
    ];
    const viaLean = await queryGateways(hub.deps, principal, sources, 'TREAT', {}, { pageSize: 60 });
    const viaFetch = await queryGateways(
      { ...hub.deps, fetch },
      principal,
      sources,
      'TREAT',
      {},
      { pageSize: 60 },
    );
    expect(viaLean.entries.map((e) => e.resource)).toEqual(viaFetch.entries.map((e) => e.resource));
    expect(viaLean.entries.length).toBe(
      rows.filter((r) => r.patient_id === PATIENT && ['prescription', 'lab-result'].includes(r.category))
        .length,
    );
    expect(viaLean.sources.map((s) => s.status)).toEqual(['ok', 'timeout', 'error']);
    expect(viaFetch.sources.map((s) => s.status)).toEqual(['ok', 'timeout', 'error']);

    // A refusal keeps its status and OperationOutcome.
    const refused = await lean(`${gateway.url}/fhir/Patient/${PATIENT}.ADT-00/$everything`, {
      headers: { authorization: 'Bearer not.a.token' },
    });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
  });
});

describe('the hub’s client certificate for a gateway that requires mutual TLS', () => {
  // Issue 10, finding 9: the hub had no client certificate, so such a gateway could not be reached.
  let hub: HubUnderTest;
  let certs: TestCertificates;
  let gateway: RunningGateway;
  beforeAll(async () => {
    certs = makeTestCertificates();
    hub = await hubUnderTest('sqlite', [], { settings: { gatewayTimeoutMs: 2000 } });
    gateway = await startGateway(
      'sqlite',
      hub.deps,
      { oid: '1.2.392.200284.33.3311110001', name: '岡山大学病院', rows, categories: ['prescription'] },
      { key: certs.pem('gateway.key'), cert: certs.pem('gateway.crt'), ca: certs.pem('ca.crt') },
    );
  });
  afterAll(async () => {
    await stopGateway(gateway);
    await hub.dispose();
    certs.dispose();
  });

  it('reaches it with the network CA’s client certificate; one from another CA is refused', async () => {
    const principal = await seedUser(hub.store, {
      facilityOid: '1.2.392.200284.33.3311610020',
      profession: 'doctor',
    });
    const source: GatewaySource = {
      facilityOid: gateway.oid,
      facilityName: gateway.name,
      localId: PATIENT,
      gatewayUrl: gateway.url,
      categories: ['prescription'],
    };
    const ca = certs.pem('ca.crt');
    const ask = (fetcher: typeof fetch) =>
      queryGateways({ ...hub.deps, fetch: fetcher }, principal, [source], 'TREAT');
    const withCert = await ask(
      leanFetch({ tls: { cert: certs.pem('hub.crt'), key: certs.pem('hub.key'), ca } }),
    );
    expect(withCert.sources[0]?.status).toBe('ok');
    expect(withCert.entries.length).toBeGreaterThan(0);
    const rogue = await ask(
      leanFetch({ tls: { cert: certs.pem('rogue.crt'), key: certs.pem('rogue.key'), ca } }),
    );
    expect(rogue.sources[0]?.status).toBe('error');
    expect(rogue.entries).toEqual([]);
  });

  it('pins the gateway’s TLS key: another key fails the handshake before the assertion is sent (issue 10, finding 6)', async () => {
    const principal = await seedUser(hub.store, {
      facilityOid: '1.2.392.200284.33.3311610020',
      profession: 'doctor',
    });
    const pinOf = (file: string) => certificatePin(certs.pem(file));
    const tls = { cert: certs.pem('hub.crt'), key: certs.pem('hub.key'), ca: certs.pem('ca.crt') };
    const source = (pin: string): GatewaySource => ({
      facilityOid: gateway.oid,
      facilityName: gateway.name,
      localId: PATIENT,
      gatewayUrl: gateway.url,
      gatewayTlsPin: pin,
      categories: ['prescription'],
    });
    const ask = (pin: string, fetcher: typeof fetch = leanFetch({ tls })) =>
      queryGateways({ ...hub.deps, fetch: fetcher }, principal, [source(pin)], 'TREAT');

    const pinned = await ask(pinOf('gateway.crt'));
    expect(pinned.sources[0]?.status).toBe('ok');
    expect(pinned.entries.length).toBeGreaterThan(0);

    // Another key — here a certificate of the same network CA, as a redirected listener would hold.
    const other = await ask(pinOf('hub.crt'));
    expect(other.sources[0]).toMatchObject({ status: 'error' });
    expect(other.sources[0]?.message).toContain('ERR_TLS_PIN_MISMATCH');
    expect(other.entries).toEqual([]);

    // A client that cannot check pins refuses to call a pinned gateway at all.
    const unchecked = await ask(pinOf('gateway.crt'), fetch);
    expect(unchecked.sources[0]).toMatchObject({ status: 'error' });
    expect(unchecked.sources[0]?.message).toContain('pinned');
  });

  it('writes nothing to a listener whose key is not the pinned one', async () => {
    let requests = 0;
    const listener = createServer(
      { key: certs.pem('gateway.key'), cert: certs.pem('gateway.crt') },
      (_q, r) => {
        requests += 1;
        r.end('{}');
      },
    );
    await new Promise<void>((done) => listener.listen(0, '127.0.0.1', done));
    const url = `https://localhost:${(listener.address() as AddressInfo).port}/fhir/metadata`;
    const lean = leanFetch({
      tls: { cert: certs.pem('hub.crt'), key: certs.pem('hub.key'), ca: certs.pem('ca.crt') },
    });
    const wrongPin = `sha256/${'B'.repeat(43)}=`;
    await expect(lean(url, { tlsPin: wrongPin } as RequestInit)).rejects.toMatchObject({
      cause: { code: 'ERR_TLS_PIN_MISMATCH' },
    });
    await expect(lean(url.replace('https:', 'http:'), { tlsPin: wrongPin } as RequestInit)).rejects.toThrow(
      'https only',
    );
    expect(requests).toBe(0);
    expect((await lean(url)).status).toBe(200);
    expect(requests).toBe(1);
    await new Promise((done) => listener.close(done));
  });
});

describe('a write through leanFetch (the entry routes forward the user’s body)', () => {
  it('sends the body with its length, for POST, PUT and DELETE', async () => {
    const { createServer: createHttpServer } = await import('node:http');
    const seen: { method: string; length: string | undefined; body: string }[] = [];
    const server = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          length: req.headers['content-length'],
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/entries/01001/allergy`;
      const lean = leanFetch();
      const body = JSON.stringify({ substance: 'ペニシリン' });
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const res = await lean(url, { method, headers: { 'content-type': 'application/json' }, body });
        expect(await res.json()).toEqual({ ok: true });
      }
      expect(seen).toEqual(
        ['POST', 'PUT', 'DELETE'].map((method) => ({
          method,
          length: String(Buffer.byteLength(body)),
          body,
        })),
      );
      await expect(lean(url, { method: 'POST', body: new Blob(['x']) })).rejects.toThrow(/string or bytes/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
