import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imagingScenario } from '@hie/ssmix2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoNetwork, startDemoNetwork } from './network.js';

describe('the demo network’s showcase, read from its own stores', () => {
  let dir: string;
  let network: DemoNetwork;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hie-demo-showcase-'));
    // Twelve patients a hospital: the imaging scenario's person is among 岡山大学病院's first ten.
    network = await startDemoNetwork({ dir, patients: 12, hubPort: 0 });
  }, 180_000);
  afterAll(async () => {
    await network?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('names the imaging scenario’s patient: consented everywhere, a 120-slice CT and chest X-rays a year apart', () => {
    const scenario = imagingScenario(2013);
    const truth = network.seed.truth.find(
      (t) => t.personId === scenario?.personId && t.facilityCode === scenario.facilityCode,
    );
    const imaging = network.showcase.imaging;
    expect(truth).toBeDefined();
    expect(imaging?.birthDate.replaceAll('-', '')).toBe(truth?.birthDate);
    expect(imaging?.ct.images).toBe(120);
    const dates = imaging?.cr.map((c) => Date.parse(c.date)) ?? [];
    expect(((dates.at(-1) ?? 0) - (dates[0] ?? 0)) / 86_400_000).toBeGreaterThanOrEqual(330);
    const hospital = network.gateways.find((g) => g.oid === imaging?.imagingFacility);
    expect(hospital?.facility.code).toBe(scenario?.facilityCode);
  });
});

describe('the demo network’s small facilities, through the repository', () => {
  let dir: string;
  let network: DemoNetwork;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hie-demo-repository-'));
    network = await startDemoNetwork({ dir, patients: 12, hubPort: 0 });
  }, 180_000);
  afterAll(async () => {
    await network?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('lists the clinic and the pharmacy in the hub’s directory at their repository URL', async () => {
    const rows = await network.hub.store.db
      .selectFrom('hub_facility')
      .select(['oid', 'gateway_url', 'discloses'])
      .where('code', 'in', ['3310101237', '3340107899'])
      .execute();
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.gateway_url).toBe(`${network.repository.repository.url}/t/${r.oid}`);
  });

  it('links the clinic’s ORCA patients to the hospitals’ people in the patient index', async () => {
    const clinicOid = network.seed.oids.get('clinic')!;
    const records = await network.hub.store.db
      .selectFrom('mpi_record')
      .select(['local_id', 'person_id'])
      .where('facility_oid', '=', clinicOid)
      .execute();
    expect(records.length).toBeGreaterThanOrEqual(30);
    const byLocal = new Map(records.map((r) => [r.local_id, r.person_id]));
    const hospitalOids = network.gateways.map((g) => g.oid);
    let linked = 0;
    for (const [localId] of network.repository.clinicPeople) {
      const person = byLocal.get(localId);
      const elsewhere = await network.hub.store.db
        .selectFrom('mpi_record')
        .select('facility_oid')
        .where('person_id', '=', person ?? '')
        .where('facility_oid', 'in', hospitalOids)
        .execute();
      if (elsewhere.length > 0) linked++;
    }
    expect(linked).toBeGreaterThanOrEqual(network.repository.clinicPeople.size - 2);
  });

  it('holds the clinic’s lab results and the pharmacy’s dispensings', async () => {
    const repo = network.repository.repository;
    const count = async (oid: string, type: string) =>
      Number(
        (
          await repo.tenants
            .storeOf(oid)
            .db.selectFrom('gw_resource')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('resource_type', '=', type)
            .executeTakeFirst()
        )?.n,
      );
    expect(await count(network.seed.oids.get('clinic')!, 'Observation')).toBe(24);
    expect(await count(network.seed.oids.get('pharmacy')!, 'MedicationDispense')).toBe(8);
  });
});
