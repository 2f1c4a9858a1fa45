// Test support: a gateway app over an isolated store filled with sample and generated records.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AssertionClaims, pathBelowRoot } from '@hie/contract';
import type { Engine } from '@hie/platform';
import { generateSigningKey, hubKeyFrom, operationOf, type SigningKey, signAssertion } from '@hie/platform';
import { generateStorage } from '@hie/ssmix2';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import type { GwResourceTable } from '../store/schema.js';
import { createTestStore, type TestStore } from '../testing/store.js';
import { buildGatewayApp, type GatewayAppDeps } from './app.js';
import { insertProjection, projectionRows, TEST_FACILITY } from './testing.js';

export const HUB = 'urn:hie:hub:test';
export const NHO_ROOT = fileURLToPath(new URL('../../../../fixtures/samples/ssmix2/nho', import.meta.url));
export const NHO_PATIENT = '9999013';

/** The NHO samples plus a small generated storage (several patients, every data type), mapped once. */
export async function sampleProjection(): Promise<{ rows: GwResourceTable[]; dispose: () => Promise<void> }> {
  const out = await mkdtemp(join(tmpdir(), 'hie-gw-api-'));
  await generateStorage({
    patients: 6,
    facilityCode: TEST_FACILITY.institutionCode,
    years: 2,
    seed: 42,
    out,
  });
  const rows = [...projectionRows(NHO_ROOT), ...projectionRows(out)];
  return { rows, dispose: () => rm(out, { recursive: true, force: true }) };
}

export interface GatewayUnderTest {
  store: TestStore;
  app: FastifyInstance;
  hub: SigningKey;
  /** A fresh assertion for the patient (and anything else overridden). */
  /**
   * An assertion as the hub signs it, bound to `request` (the path and query it will be sent on,
   * `/fhir/…`); without one it is bound to `/fhir/metadata`, which takes none.
   */
  sign(overrides?: Partial<AssertionClaims>, options?: SignOptions): Promise<string>;
  /** GET `url` with a token, or with an assertion of these claims signed for exactly this request. */
  get(
    url: string,
    auth?: string | Partial<AssertionClaims>,
  ): Promise<{ status: number; json: () => unknown; body: string }>;
  dispose(): Promise<void>;
}

export interface SignOptions {
  now?: number;
  nonce?: string;
  /** The request the assertion is for: path and query as sent (`/fhir/Observation?patient=…`). */
  request?: string;
}

/** The bound operation of a request path and query as sent to the gateway. */
export function operationOfRequest(request: string, method = 'GET') {
  const q = request.indexOf('?');
  const path = q < 0 ? request : request.slice(0, q);
  return operationOf(method, pathBelowRoot(path, '/fhir') ?? path, q < 0 ? '' : request.slice(q));
}

export async function gatewayUnderTest(
  engine: Engine,
  rows: readonly GwResourceTable[],
  deps: Partial<GatewayAppDeps> = {},
): Promise<GatewayUnderTest> {
  const store = await createTestStore(engine);
  await insertProjection(store, rows);
  const hub = await generateSigningKey();
  const app = await buildGatewayApp({
    store,
    facility: TEST_FACILITY,
    hubKeys: [hubKeyFrom(hub, HUB)],
    disclosure: { categories: [] },
    storageRoots: [],
    adminToken: 'local-admin-token-for-tests',
    ...deps,
  });
  const base: Omit<AssertionClaims, 'operation'> = {
    issuer: HUB,
    audience: TEST_FACILITY.oid,
    userId: 'dr-sato',
    profession: 'doctor',
    facilityOid: '1.2.392.200284.33.3311610020',
    patientId: NHO_PATIENT,
    purposeOfUse: 'TREAT',
    categories: [],
  };
  const sign = (overrides: Partial<AssertionClaims> = {}, options: SignOptions = {}) => {
    const { request = '/fhir/metadata', ...signing } = options;
    return signAssertion(hub, { ...base, operation: operationOfRequest(request), ...overrides }, signing);
  };
  return {
    store,
    app,
    hub,
    sign,
    async get(url, auth) {
      const token = typeof auth === 'object' ? await sign(auth, { request: url }) : auth;
      const response = await app.inject({
        method: 'GET',
        url,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      return { status: response.statusCode, json: () => response.json(), body: response.body };
    },
    async dispose() {
      await app.close();
      await store.dispose();
    },
  };
}

/** Categories present in the rows of one patient. */
export const categoriesOf = (rows: readonly GwResourceTable[], patientId: string) =>
  [...new Set(rows.filter((r) => r.patient_id === patientId).map((r) => r.category))].sort();

export interface BundleJson {
  resourceType: string;
  total: number;
  link: { relation: string; url: string }[];
  entry: { fullUrl: string; resource: { resourceType: string; id: string } }[];
}

export interface OutcomeJson {
  resourceType: string;
  issue: { code: string; details: { coding: { code: string }[]; text: string }; diagnostics?: string }[];
}

export const errorCode = (json: unknown) => (json as OutcomeJson).issue[0]?.details.coding[0]?.code;

/**
 * The sample projection for a whole test file: an array filled before the file's tests and emptied
 * (its store disposed) after them, so tests can use it as a plain constant.
 */
export function useSampleProjection(): GwResourceTable[] {
  const rows: GwResourceTable[] = [];
  let dispose: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const sample = await sampleProjection();
    rows.push(...sample.rows);
    dispose = sample.dispose;
  });
  afterAll(async () => dispose?.());
  return rows;
}
