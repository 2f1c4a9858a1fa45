import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportPublicKeyPem, generateSigningKey, type SigningKey, signAssertion } from '@hie/platform';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { sendMllp } from '../inbound/client.js';
import { readAck, sampleFiles } from '../inbound/testing.js';
import { TEST_DATABASE_URL, TEST_ENGINES } from '../testing/store.js';
import { completeGatewayConfig, gatewayConfigSchema } from './config.js';
import { type RunningGateway, startGateway } from './gateway.js';

const LAB_PATIENT = '0001000052'; // PID-3 of the NHO OML-11 sample

interface Bundle {
  resourceType: string;
  entry?: { resource: { resourceType: string; code?: { coding?: { code?: string }[] } } }[];
}

describe.each(TEST_ENGINES)('the gateway process on %s', (engine) => {
  let dir: string;
  let gateway: RunningGateway | undefined;
  let schema: string | undefined;
  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
    rmSync(dir, { recursive: true, force: true });
    if (schema) {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
      schema = undefined;
    }
  });

  async function start(hub: SigningKey): Promise<RunningGateway> {
    dir = mkdtempSync(join(tmpdir(), 'hie-gateway-'));
    const keyFile = join(dir, 'hub.pub.pem');
    writeFileSync(keyFile, await exportPublicKeyPem(hub.publicKey));
    if (engine === 'postgres') schema = `t_${randomBytes(6).toString('hex')}`;
    const config = completeGatewayConfig(
      gatewayConfigSchema.parse({
        facility: { institutionCode: '3319800011', name: '岡山大学病院' },
        dataDir: dir,
        ...(engine === 'postgres' ? { db: TEST_DATABASE_URL, dbSchema: schema } : {}),
        host: '127.0.0.1',
        port: 0,
        mllp: { port: 0 },
        hub: { keys: keyFile, issuer: 'test-hub' },
        disclosure: { categories: ['lab-result'] },
        ingest: { watch: false, rescanIntervalMs: 0, workers: 0 },
        logLevel: 'silent',
      }),
    );
    gateway = await startGateway(config, { waitForLoad: true, logger: false });
    return gateway;
  }

  const search = async (gw: RunningGateway, hub: SigningKey, url: string) => {
    const token = await signAssertion(hub, {
      issuer: 'test-hub',
      audience: gw.facility.oid,
      userId: 'doctor-1',
      profession: 'doctor',
      facilityOid: '1.2.392.200284.33.3311610020',
      patientId: LAB_PATIENT,
      purposeOfUse: 'TREAT',
      categories: ['lab-result'],
    });
    const response = await fetch(`${gw.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as Bundle };
  };

  it('makes a lab result sent over MLLP visible to a signed FHIR search within 2 s', async () => {
    const hub = await generateSigningKey();
    const gw = await start(hub);
    expect(gw.facility.oid).toBe('1.2.392.200284.33.3319800011');
    const before = await search(gw, hub, `/fhir/Observation?patient=${LAB_PATIENT}`);
    expect(before.status).toBe(200);
    expect(before.body.entry ?? []).toHaveLength(0);

    const lab = sampleFiles().find((s) => s.dataType === 'OML-11')!;
    const sentAt = Date.now();
    const [reply] = await sendMllp([lab.bytes], { host: '127.0.0.1', port: gw.mllpPort! });
    expect(reply?.ok && readAck(reply.ack).code).toBe('AA');
    let found: Bundle | undefined;
    while (Date.now() - sentAt < 2000) {
      const r = await search(gw, hub, `/fhir/Observation?patient=${LAB_PATIENT}`);
      if ((r.body.entry?.length ?? 0) > 0) {
        found = r.body;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(Date.now() - sentAt).toBeLessThan(2000);
    expect(found?.resourceType).toBe('Bundle');
    expect(found?.entry?.every((e) => e.resource.resourceType === 'Observation')).toBe(true);
    expect(found?.entry?.length).toBeGreaterThan(0);

    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toContain('hie_gateway_inbound_messages_total{transport="mllp",outcome="stored"} 1');
    const health = await fetch(`${gw.url}/health`);
    expect(health.status).toBe(200);
    expect(await (await fetch(`${gw.url}/health/ready`)).json()).toEqual({ status: 'ready', mllp: true });
  });

  it('takes HL7 over HTTP on the API port, and stops cleanly', async () => {
    const hub = await generateSigningKey();
    const gw = await start(hub);
    const lab = sampleFiles().find((s) => s.dataType === 'OML-11')!;
    const response = await fetch(`${gw.url}/hl7/v2`, {
      method: 'POST',
      headers: { 'content-type': 'application/hl7-v2' },
      body: lab.bytes,
    });
    expect(response.status).toBe(200);
    expect(readAck(new Uint8Array(await response.arrayBuffer())).code).toBe('AA');
    const r = await search(gw, hub, `/fhir/Observation?patient=${LAB_PATIENT}`);
    expect(r.body.entry?.length).toBeGreaterThan(0);
    await gw.stop();
    gateway = undefined;
    await expect(fetch(`${gw.url}/health`)).rejects.toThrow();
  });
});
