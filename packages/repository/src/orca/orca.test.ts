import { type OrcaSimulator, startOrcaSimulator } from '@hie/orca';
import { TEST_ENGINES } from '@hie/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type RepositoryUnderTest, repositoryUnderTest } from '../testing.js';
import { loadOrcaCheckpoint } from './pull.js';
import { OrcaPulls } from './schedule.js';

const CLINIC = {
  oid: '1.2.392.200119.6.102.3319990001',
  institutionCode: '3319990001',
  name: 'ＯＲＣＡクリニック',
  kind: 'clinic' as const,
};

interface Bundle {
  total: number;
  entry?: { resource: { resourceType: string; subject?: { reference?: string } } }[];
}

describe.each(TEST_ENGINES)('a clinic fed by its ORCA (%s)', (engine) => {
  let sim: OrcaSimulator;
  let r: RepositoryUnderTest;
  let pulls: OrcaPulls;
  let token: string;
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

  beforeAll(async () => {
    sim = await startOrcaSimulator({
      username: 'ormaster',
      password: 'secret',
      patients: 12,
      seed: 7,
      today: '2026-11-30',
    });
    let pullsRef: OrcaPulls | undefined;
    r = await repositoryUnderTest(engine, { runOrcaPull: (oid) => pullsRef!.runNow(oid) });
    pulls = new OrcaPulls(r.tenants);
    pullsRef = pulls;
    ({ token } = await r.addTenant({
      ...CLINIC,
      settings: {
        orca: { url: sim.url, username: 'ormaster', password: 'secret', everyMinutes: 60, format: 'json' },
      },
    }));
  });
  afterAll(async () => {
    await pulls?.stop();
    await r?.dispose();
    await sim?.close();
  });

  const pullNow = () =>
    r.app.inject({
      method: 'POST',
      url: `/t/${CLINIC.oid}/intake/orca-pull`,
      headers: { authorization: `Bearer ${token}` },
    });

  it('a full pull maps every patient with their diseases and prescriptions, readable with an assertion', async () => {
    const res = await pullNow();
    expect(res.statusCode, res.body).toBe(200);
    const outcome = res.json() as { patients: number; failures: number; counts: { resources: number } };
    expect(outcome.patients).toBeGreaterThanOrEqual(12);
    expect(outcome.failures).toBe(0);
    const patient = [...sim.clinic.patients.keys()].sort()[0]!;
    const read = await r.read(CLINIC.oid, `/t/${CLINIC.oid}/fhir/Patient/${patient}/$everything`, {
      patientId: patient,
      categories: ['demographics', 'diagnosis', 'prescription', 'encounter'],
    });
    expect(read.status).toBe(200);
    const types = new Set((read.json() as Bundle).entry?.map((e) => e.resource.resourceType));
    expect(types.has('Patient')).toBe(true);
    expect(types.has('Condition')).toBe(true);
  });

  it('the next pull is incremental from the checkpoint: a new visit comes in, nothing else is re-read', async () => {
    const patient = [...sim.clinic.patients.keys()].sort()[1]!;
    sim.addVisit(patient);
    const before = sim.requests.length;
    const res = await pullNow();
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as { patients: number }).patients).toBe(1);
    const asked = sim.requests
      .slice(before)
      .filter((q) => q.api === 'patientgetv2')
      .map((q) => q.patientId);
    expect(asked).toEqual([patient]);
  });

  it('a patient ORCA no longer has (Api_Result 10) goes from the tenant, Patient and records', async () => {
    const patient = [...sim.clinic.patients.keys()].sort()[2]!;
    const store = r.tenants.storeOf(CLINIC.oid);
    const count = async () =>
      Number(
        (
          await store.db
            .selectFrom('gw_resource')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('patient_id', '=', patient)
            .executeTakeFirst()
        )?.n,
      );
    expect(await count()).toBeGreaterThan(0);
    sim.deletePatient(patient);
    // ORCA lists no deletions: the pull that next reads the patient (pending, or a re-read) finds it gone.
    const checkpoint = await loadOrcaCheckpoint(store);
    await store.db
      .updateTable('gw_state')
      .set({ value: JSON.stringify({ ...checkpoint, pending: [{ patientId: patient }] }) })
      .where('name', '=', 'orca.checkpoint')
      .execute();
    const res = await pullNow();
    expect(res.statusCode, res.body).toBe(200);
    expect(await count()).toBe(0);
    const left = await store.db
      .selectFrom('gw_patient')
      .select('patient_id')
      .where('patient_id', '=', patient)
      .execute();
    expect(left).toEqual([]);
  });

  it('ORCA down: the pull is refused with a clear code, the status says why, the checkpoint stays', async () => {
    sim.fail({ kind: 'http-503' });
    const res = await pullNow();
    sim.clearFailures();
    expect(res.statusCode).toBe(502);
    expect(res.json().error.code).toBe('orca-failed');
    const status = await r.app.inject({
      method: 'GET',
      url: `/admin/tenants/${CLINIC.oid}/status`,
      headers: admin,
    });
    expect(status.statusCode).toBe(200);
    const body = status.json() as { orca: { error?: string }; counts: { patients: number } };
    expect(body.orca.error).toBeDefined();
    expect(body.counts.patients).toBeGreaterThanOrEqual(11);
    const again = await pullNow();
    expect(again.statusCode, again.body).toBe(200);
  });

  it('a clinic’s staff cannot start another clinic’s pull', async () => {
    const other = await r.addTenant({
      oid: '1.2.392.200119.6.102.3319990002',
      institutionCode: '3319990002',
      name: '別クリニック',
      kind: 'clinic',
    });
    const res = await r.app.inject({
      method: 'POST',
      url: `/t/${CLINIC.oid}/intake/orca-pull`,
      headers: { authorization: `Bearer ${other.token}` },
    });
    expect(res.statusCode).toBe(403);
  });
});
