import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, TEST_ENGINES, type TestStore } from '../testing/store.js';
import { decide, PURPOSES, personVisible } from './decide.js';
import { recordsFor } from './records.js';
import { loadViewer, personFilter, recordFilter } from './sql.js';
import { factsOf, type Net, type NetShape, NOW, network, oid, TODAY, writeNetwork } from './testing.js';

/**
 * The proof of invariant 1 at the hub: for random networks (facilities active or not, viewing and/or
 * disclosing, disclosure settings; users of random professions and status; persons with records at
 * random facilities; consents of every shape; matrices; break-the-glass grants), the SQL filters select
 * exactly the records and persons `decide` allows — for both purposes, on both engines.
 */

/** The SQL level can afford large networks: every check is one query. */
const SHAPE: NetShape = {
  facilities: { max: 5, inactive: ['suspended', 'withdrawn'], mostlyOn: 6 },
  professions: ['doctor', 'dentist', 'pharmacist', 'nurse', 'clerk', 'office', 'care-manager'],
  users: { min: 4, max: 10, inactive: ['suspended', 'retired'], nonMembers: true },
  persons: { min: 4, max: 12 },
  consents: { max: 3, scopes: ['all', 'listed'], start: { min: -3, max: 2 }, end: { min: -2, max: 3 } },
  grants: { min: 1, max: 10, elsewhere: true, expiredUpTo: 900 },
};

describe.each(TEST_ENGINES)('the SQL filters and decide agree on %s', (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(engine);
  });
  afterAll(() => store.dispose());

  it('selects exactly the records and persons decide allows (≥ 10,000 viewer × record pairs)', async () => {
    let pairs = 0;
    let allowed = 0;
    let breakGlass = 0;
    let checkedRecordsFor = 0;
    const runs = 150;
    await fc.assert(
      fc.asyncProperty(network(SHAPE), fc.nat(), async (net, pick) => {
        await writeNetwork(store, net);
        const key = (facility: number, p: number) => `${oid(facility)}|L${p}`;
        const checkUser = async (u: number) => {
          const viewer = await loadViewer(
            store,
            { userId: `u${u}`, facilityOid: oid(net.users[u]?.facility ?? 0) },
            NOW,
          );
          for (const purpose of PURPOSES) {
            const rows = await store.db
              .selectFrom('mpi_record')
              .select(['facility_oid', 'local_id'])
              .where(recordFilter(viewer, TODAY, purpose))
              .execute();
            const sqlRecords = new Set(rows.map((r) => `${r.facility_oid}|${r.local_id}`));
            const people = await store.db
              .selectFrom('mpi_person')
              .select('id')
              .where(personFilter(viewer, TODAY, purpose))
              .execute();
            const sqlPersons = new Set(people.map((r) => r.id));
            const expectedRecords = new Set<string>();
            const expectedPersons = new Set<string>();
            net.persons.forEach((person, p) => {
              const decisions = person.records.map((r) => {
                const facts = factsOf(net, u, p, r.facility);
                const decision = decide(facts, purpose);
                if (purpose === 'TREAT') pairs++; // each (viewer, record) pair once
                if (decision.allow) {
                  allowed++;
                  if (decision.basis === 'break-glass') breakGlass++;
                  expectedRecords.add(key(r.facility, p));
                }
                return decision;
              });
              const any = factsOf(net, u, p, person.records[0]?.facility ?? 0);
              if (personVisible(any.viewer, any.professionCategories, purpose, decisions, any.breakGlass)) {
                expectedPersons.add(`p${p}`);
              }
            });
            expect([...sqlRecords].sort(), `records of u${u} for ${purpose}`).toEqual(
              [...expectedRecords].sort(),
            );
            expect([...sqlPersons].sort(), `persons of u${u} for ${purpose}`).toEqual(
              [...expectedPersons].sort(),
            );
          }
        };
        await Promise.all(net.users.map((_, u) => checkUser(u)));
        // The single-record path loads its facts from the store: it must agree with the model too.
        const u = pick % net.users.length;
        const user = net.users[u] as Net['users'][number];
        const checkPerson = async (p: number) => {
          const result = await recordsFor(
            { store, now: () => NOW },
            { userId: `u${u}`, facilityOid: oid(user.facility) },
            `p${p}`,
          );
          const expected = (net.persons[p]?.records ?? []).flatMap((r) => {
            const facts = factsOf(net, u, p, r.facility);
            const d = decide(facts, facts.breakGlass ? 'ETREAT' : 'TREAT');
            return d.allow ? [`${key(r.facility, p)}:${d.categories.join(',')}:${d.basis}`] : [];
          });
          expect(
            result.records
              .map((r) => `${r.facilityOid}|${r.localId}:${r.categories.join(',')}:${r.basis}`)
              .sort(),
          ).toEqual(expected.sort());
          checkedRecordsFor++;
        };
        await Promise.all(net.persons.map((_, p) => checkPerson(p)));
      }),
      { numRuns: runs },
    );
    // The property must have been exercised, both ways.
    expect(pairs).toBeGreaterThanOrEqual(10_000);
    expect(allowed).toBeGreaterThan(pairs / 50);
    expect(allowed).toBeLessThan(pairs);
    expect(breakGlass).toBeGreaterThan(0);
    expect(checkedRecordsFor).toBeGreaterThan(0);
  }, 300_000);
});
