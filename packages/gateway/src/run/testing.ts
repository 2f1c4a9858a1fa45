// A whole gateway process for tests: temporary data folder, SQLite or a fresh PostgreSQL schema. Test support only.
import { randomBytes } from 'node:crypto';
import { type Dirent, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type Engine, exportPublicKeyPem, type SigningKey, signAssertion } from '@hie/platform';
import { operationOfRequest, TEST_DATABASE_URL, type TestCertificates } from '@hie/record-source/testing';
import pg from 'pg';
import {
  completeGatewayConfig,
  type GatewayConfig,
  type GatewayConfigInput,
  gatewayConfigSchema,
} from './config.js';
import { type RunningGateway, startGateway } from './gateway.js';

/** The facility the test gateways stand for (岡山大学病院) and the patient of the NHO OML-11 sample. */
export const TEST_FACILITY = { institutionCode: '3319800011', name: '岡山大学病院' } as const;
export const LAB_PATIENT = '0001000052';

export interface TestGateway {
  readonly gateway: RunningGateway;
  /** What it was started with (its data folder, store, audit files). */
  readonly config: GatewayConfig;
  /** Stops the gateway (again is fine) and removes its data folder and schema. */
  dispose(): Promise<void>;
}

/**
 * Starts a gateway that trusts `hub`, discloses lab results, loads its (empty) storage before it
 * resolves and logs nothing; `settings` replace the top-level keys they name (mllp, inbound, …).
 */
export async function startTestGateway(
  engine: Engine,
  hub: SigningKey,
  settings: Partial<GatewayConfigInput> = {},
): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'hie-gateway-'));
  const keyFile = join(dir, 'hub.pub.pem');
  writeFileSync(keyFile, await exportPublicKeyPem(hub.publicKey));
  const schema = engine === 'postgres' ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const removeAll = async () => {
    rmSync(dir, { recursive: true, force: true });
    if (!schema) return;
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  };
  const config = completeGatewayConfig(
    gatewayConfigSchema.parse({
      facility: TEST_FACILITY,
      dataDir: dir,
      ...(schema ? { db: TEST_DATABASE_URL, dbSchema: schema } : {}),
      host: '127.0.0.1',
      port: 0,
      mllp: { port: 0 },
      hub: { keys: keyFile, issuer: 'test-hub' },
      disclosure: { categories: ['lab-result'] },
      ingest: { watch: false, rescanIntervalMs: 0, workers: 0 },
      logLevel: 'silent',
      ...settings,
    }),
  );
  let gateway: RunningGateway;
  try {
    gateway = await startGateway(config, { waitForLoad: true, logger: false });
  } catch (e) {
    await removeAll();
    throw e;
  }
  return {
    gateway,
    config,
    async dispose() {
      await gateway.stop();
      await removeAll();
    },
  };
}

/** `mllp.tls` on an ephemeral loopback port with the test network's gateway certificate and CA. */
export function mllpTlsOn(certs: TestCertificates) {
  return {
    host: '127.0.0.1',
    port: 0,
    key: certs.path('gateway.key'),
    cert: certs.path('gateway.crt'),
    ca: certs.path('ca.crt'),
  };
}

export interface SearchBundle {
  resourceType: string;
  entry?: { resource: { resourceType: string; code?: { coding?: { code?: string }[] } } }[];
}

/** A FHIR search the hub signed for a doctor treating LAB_PATIENT. */
export async function signedSearch(
  gw: RunningGateway,
  hub: SigningKey,
  url: string,
): Promise<{ status: number; body: SearchBundle }> {
  const token = await signAssertion(hub, {
    issuer: 'test-hub',
    audience: gw.facility.oid,
    userId: 'doctor-1',
    profession: 'doctor',
    facilityOid: '1.2.392.200284.33.3311610020',
    patientId: LAB_PATIENT,
    purposeOfUse: 'TREAT',
    categories: ['lab-result'],
    operation: operationOfRequest(url),
  });
  const response = await fetch(`${gw.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as SearchBundle };
}

/** Every file under a folder, relative to it, sorted (what the inbound side filed). */
export function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (folder: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(folder, e.name);
      if (e.isDirectory()) walk(path);
      else out.push(relative(root, path));
    }
  };
  walk(root);
  return out.sort();
}
