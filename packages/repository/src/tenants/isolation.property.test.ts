// The tenant-isolation property: random tenants × patients × records, written through the intake's one
// writer and read back through the FHIR API with hub-signed assertions. Tenants reuse the same patient
// ids and resource ids on purpose: only the tenant tells them apart.
import type { MappedResource } from '@hie/fhir-jp';
import { patientResourceId } from '@hie/fhir-jp';
import type { Engine } from '@hie/platform';
import { TEST_ENGINES } from '@hie/platform/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyIntake } from '../intake/apply.js';
import type { IntakeBatch } from '../intake/batch.js';
import { type RepositoryUnderTest, repositoryUnderTest } from '../testing.js';

const TENANTS = ['3310000001', '3310000002', '3310000003', '3310000004'].map((code) => ({
  oid: `1.2.392.200119.6.102.${code}`,
  institutionCode: code,
  name: `テスト診療所${code.slice(-1)}`,
  kind: 'clinic' as const,
}));
const PATIENTS = ['1', '2', '3'];

interface Write {
  tenant: number;
  patient: string;
  /** Condition ids n (made `pp.<patient>.c<n>`): the same n at two tenants is the same id. */
  conditions: number[];
  /** Replace what this patient had at this tenant (the prefix), or add to it. */
  replace: boolean;
}

const writeArb: fc.Arbitrary<Write> = fc.record({
  tenant: fc.integer({ min: 0, max: TENANTS.length - 1 }),
  patient: fc.constantFrom(...PATIENTS),
  conditions: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }),
  replace: fc.boolean(),
});

const prefix = (patient: string) => `pp.${patient}.`;

function batchOf(w: Write): IntakeBatch {
  const entries: MappedResource[] = [
    {
      resource: {
        resourceType: 'Patient',
        id: patientResourceId(w.patient),
        name: [{ text: `患者${w.patient}` }],
      },
      index: {
        resourceType: 'Patient',
        id: patientResourceId(w.patient),
        patientId: w.patient,
        category: 'demographics',
      },
    },
    ...w.conditions.map(
      (n): MappedResource => ({
        resource: {
          resourceType: 'Condition',
          id: `${prefix(w.patient)}c${n}`,
          subject: { reference: `Patient/${patientResourceId(w.patient)}` },
        },
        index: {
          resourceType: 'Condition',
          id: `${prefix(w.patient)}c${n}`,
          patientId: w.patient,
          category: 'diagnosis',
        },
      }),
    ),
  ];
  return {
    recordKey: `test:${w.patient}`,
    origin: 'property',
    entries,
    replacePrefixes: w.replace ? [prefix(w.patient)] : [],
    deleteIds: [],
  };
}

/** What each tenant must hold after the writes: tenant → patient → condition ids. */
function model(writes: readonly Write[]): Map<string, Map<string, Set<string>>> {
  const out = new Map(TENANTS.map((t) => [t.oid, new Map<string, Set<string>>()]));
  for (const w of writes) {
    const tenant = out.get(TENANTS[w.tenant]!.oid)!;
    const ids = w.conditions.map((n) => `${prefix(w.patient)}c${n}`);
    const held = w.replace ? new Set<string>() : (tenant.get(w.patient) ?? new Set<string>());
    for (const id of ids) held.add(id);
    tenant.set(w.patient, held);
  }
  return out;
}

describe.each(TEST_ENGINES)('tenant isolation (%s)', (engine: Engine) => {
  let r: RepositoryUnderTest;
  beforeAll(async () => {
    r = await repositoryUnderTest(engine);
    for (const t of TENANTS) await r.tenants.create(t);
  });
  afterAll(() => r?.dispose());

  const clear = async () => {
    await r.store.db.deleteFrom('gw_resource').execute();
    await r.store.db.deleteFrom('gw_patient').execute();
  };

  it('a tenant’s API and intake never read or write another tenant’s records; totals exact', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(writeArb, { minLength: 1, maxLength: 12 }), async (writes) => {
        await clear();
        for (const w of writes)
          await applyIntake(
            r.tenants.storeOf(TENANTS[w.tenant]!.oid),
            { kind: 'manual', name: 'p', sender: 'test' },
            [batchOf(w)],
          );
        const expected = model(writes);
        for (const t of TENANTS) {
          const want = expected.get(t.oid)!;
          const store = r.tenants.storeOf(t.oid);
          // The scoped store counts exactly this tenant's rows.
          const rows = await store.db
            .selectFrom('gw_resource')
            .select(['resource_type', 'id', 'patient_id'])
            .execute();
          const wantTotal = [...want.values()].reduce((n, s) => n + s.size + 1, 0);
          expect(rows.length).toBe(wantTotal);
          const patients = await store.db.selectFrom('gw_patient').select('patient_id').execute();
          expect(patients.map((p) => p.patient_id).sort()).toEqual([...want.keys()].sort());
          // The API, with an assertion for each patient (known here or not), returns exactly its records.
          for (const patient of PATIENTS) {
            const path = `/t/${t.oid}/fhir/Condition?patient=${patient}&_count=200`;
            const read = await r.read(t.oid, path, { patientId: patient, categories: ['diagnosis'] });
            expect(read.status).toBe(200);
            const got = ((read.json() as { entry?: { resource: { id: string } }[] }).entry ?? []).map(
              (e) => e.resource.id,
            );
            expect(got.sort()).toEqual([...(want.get(patient) ?? [])].sort());
          }
        }
        // And the whole store is the sum of the tenants: nothing written outside them.
        const all = await r.store.db
          .selectFrom('gw_resource')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst();
        const sum = [...expected.values()].reduce(
          (n, m) => n + [...m.values()].reduce((k, s) => k + s.size + 1, 0),
          0,
        );
        expect(Number(all?.n)).toBe(sum);
      }),
      { numRuns: engine === 'sqlite' ? 40 : 12 },
    );
  });

  it('an assertion for one tenant is refused at every other tenant’s URL', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: TENANTS.length - 1 }),
        fc.integer({ min: 0, max: TENANTS.length - 1 }),
        fc.constantFrom(...PATIENTS),
        async (a, b, patient) => {
          fc.pre(a !== b);
          const path = `/t/${TENANTS[b]!.oid}/fhir/Condition?patient=${patient}`;
          const token = await r.sign(TENANTS[a]!.oid, path, {
            patientId: patient,
            categories: ['diagnosis'],
          });
          const res = await r.app.inject({
            method: 'GET',
            url: path,
            headers: { authorization: `Bearer ${token}` },
          });
          expect(res.statusCode).toBe(401);
        },
      ),
      { numRuns: 20 },
    );
  });
});
