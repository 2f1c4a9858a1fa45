// Test support (not built): a repository over an isolated store, with the office's admin token, a hub
// key to sign assertions with, the UKE fixture masters, and helpers to create tenants and senders.
import { type AssertionClaims, CATEGORY_CODES, pathBelowRoot } from '@hie/contract';
import { patientResourceId } from '@hie/fhir-jp';
import {
  type Engine,
  generateSigningKey,
  hubKeyFrom,
  operationOf,
  type SigningKey,
  signAssertion,
} from '@hie/platform';
import { createTestStore, type TestStore } from '@hie/platform/testing';
import { fixtureMasters } from '@hie/uke/testing';
import { buildRepositoryApp, type RepositoryApp, type RepositoryAppDeps } from './api/app.js';
import { applyIntake } from './intake/apply.js';
import { REPOSITORY_MIGRATIONS } from './store/migrations.js';
import type { RepositorySchema } from './store/schema.js';
import { type TenantInput, TenantRegistry } from './tenants/registry.js';
import type { TenantStore } from './tenants/scoped-store.js';
import { createSender } from './tenants/senders.js';

export const TEST_HUB = 'urn:hie:hub:test';
export const ADMIN_TOKEN = 'office-admin-token-for-tests';
/** The UKE fixture's clinic (IR: 都道府県 13, 点数表 1, 1234567). */
export const UKE_CLINIC: TenantInput = {
  oid: '1.2.392.200119.6.102.1311234567',
  institutionCode: '1311234567',
  name: 'テスト内科クリニック',
  kind: 'clinic',
};
/** The お薬手帳 fixture's pharmacy (11: 13, 4, 1234567). */
export const OTC_PHARMACY: TenantInput = {
  oid: '1.2.392.200119.6.102.1341234567',
  institutionCode: '1341234567',
  name: 'はれやか薬局 駅前店',
  kind: 'pharmacy',
};

export interface RepositoryUnderTest extends RepositoryApp {
  store: TestStore<RepositorySchema>;
  tenants: TenantRegistry;
  hub: SigningKey;
  /** A tenant and one sender credential of it. */
  addTenant(input: TenantInput): Promise<{ oid: string; token: string }>;
  /** An assertion as the hub signs it for `request` (`/t/<oid>/fhir/…`) at the tenant. */
  sign(oid: string, request: string, claims?: Partial<AssertionClaims>, method?: string): Promise<string>;
  /** GET a tenant's FHIR API with an assertion for exactly that request. */
  read(
    oid: string,
    path: string,
    claims: Partial<AssertionClaims> & { patientId: string },
  ): Promise<{ status: number; json: () => unknown }>;
  dispose(): Promise<void>;
}

export async function repositoryUnderTest(
  engine: Engine,
  deps: Partial<RepositoryAppDeps> = {},
): Promise<RepositoryUnderTest> {
  const store = await createTestStore<RepositorySchema>(engine, REPOSITORY_MIGRATIONS);
  const tenants = await TenantRegistry.open(store);
  const hub = await generateSigningKey();
  const built = await buildRepositoryApp({
    store,
    tenants,
    hubKeys: [hubKeyFrom(hub, TEST_HUB)],
    disclosure: { categories: [...CATEGORY_CODES] },
    adminToken: ADMIN_TOKEN,
    ukeMasters: fixtureMasters(),
    ...deps,
  });
  const sign = (oid: string, request: string, claims: Partial<AssertionClaims> = {}, method = 'GET') => {
    const q = request.indexOf('?');
    const full = q < 0 ? request : request.slice(0, q);
    const root = `/t/${oid}`;
    const path = full.startsWith(`${root}/`) ? full.slice(root.length) : full;
    return signAssertion(hub, {
      issuer: TEST_HUB,
      audience: oid,
      userId: 'dr-sato',
      profession: 'doctor',
      facilityOid: '1.2.392.200284.33.3311610020',
      patientId: '',
      purposeOfUse: 'TREAT',
      categories: [],
      ...claims,
      operation: operationOf(method, pathBelowRoot(path, '/fhir') ?? path, q < 0 ? '' : request.slice(q)),
    });
  };
  return {
    ...built,
    store,
    tenants,
    hub,
    async addTenant(input) {
      const tenant = await tenants.create(input);
      const { token } = await createSender(store, {
        kind: 'tenant',
        tenant: tenant.oid,
        name: 'test sender',
      });
      return { oid: tenant.oid, token };
    },
    sign,
    async read(oid, path, claims) {
      const token = await sign(oid, path, claims);
      const r = await built.app.inject({
        method: 'GET',
        url: path,
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: r.statusCode, json: () => r.json() };
    },
    async dispose() {
      await built.app.close();
      await store.close();
    },
  };
}

/** A bare Patient of the tenant (from its ORCA, say): lab results are taken and identities fed for it. */
export async function seedPatient(store: TenantStore, id: string): Promise<void> {
  await applyIntake(store, { kind: 'manual', name: 'seed', sender: 'test' }, [
    {
      recordKey: `seed:${id}`,
      origin: 'seed',
      entries: [
        {
          resource: { resourceType: 'Patient', id: patientResourceId(id) },
          index: {
            resourceType: 'Patient',
            id: patientResourceId(id),
            patientId: id,
            category: 'demographics',
          },
        },
      ],
      replacePrefixes: [],
      deleteIds: [],
    },
  ]);
}
