import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey, hubKeyFrom, signAssertion } from '@hie/platform';
import { buildGatewayApp } from '@hie/record-source';
import {
  type BundleJson,
  createTestStore,
  operationOfRequest,
  TEST_ENGINES,
  TEST_FACILITY,
  type TestStore,
} from '@hie/record-source/testing';
import { generateStorage } from '@hie/ssmix2';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayIngest } from '../ingest/index.js';

describe.each(TEST_ENGINES)('storage → ingest → signed FHIR read, on %s', (engine) => {
  let store: TestStore;
  let out: string;
  afterEach(async () => {
    await store?.dispose();
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('serves what GatewayIngest projected, only what is disclosed and granted', async () => {
    out = await mkdtemp(join(tmpdir(), 'hie-gw-e2e-'));
    await generateStorage({
      patients: 3,
      facilityCode: TEST_FACILITY.institutionCode,
      years: 1,
      seed: 5,
      out,
    });
    store = await createTestStore(engine);
    const ingest = new GatewayIngest(store, {
      roots: [out],
      facility: TEST_FACILITY,
      watch: false,
      workers: 0,
    });
    await ingest.fullLoad();
    await ingest.stop();

    const hub = await generateSigningKey();
    const app = await buildGatewayApp({
      store,
      facility: TEST_FACILITY,
      hubKeys: [hubKeyFrom(hub, 'urn:hie:hub')],
      disclosure: { categories: ['demographics', 'lab-result', 'prescription'] },
      storageRoots: [out],
    });
    const patient = await store.db
      .selectFrom('gw_resource')
      .select('patient_id')
      .where('category', '=', 'lab-result')
      .executeTakeFirstOrThrow();
    const allowed = ['demographics', 'lab-result'];
    const expected = await store.db
      .selectFrom('gw_resource')
      .select(['resource_type', 'id'])
      .where('patient_id', '=', patient.patient_id)
      .where('category', 'in', allowed)
      .execute();
    const token = await signAssertion(hub, {
      issuer: 'urn:hie:hub',
      audience: TEST_FACILITY.oid,
      userId: 'nurse-1',
      profession: 'nurse',
      facilityOid: '1.2.392.200284.33.3311610020',
      patientId: patient.patient_id,
      purposeOfUse: 'TREAT',
      categories: [...allowed, 'diagnosis'],
      operation: operationOfRequest(`/fhir/Patient/${patient.patient_id}.ADT-00/$everything?_count=200`),
    });
    const response = await app.inject({
      url: `/fhir/Patient/${patient.patient_id}.ADT-00/$everything?_count=200`,
      headers: { authorization: `Bearer ${token}` },
    });
    const bundle = response.json() as BundleJson;
    expect(bundle.total).toBe(expected.length);
    expect(bundle.entry.map((e) => `${e.resource.resourceType}/${e.resource.id}`).sort()).toEqual(
      expected.map((r) => `${r.resource_type}/${r.id}`).sort(),
    );
    expect(bundle.entry.some((e) => e.resource.resourceType === 'Patient')).toBe(true);
    await app.close();
  });
});
