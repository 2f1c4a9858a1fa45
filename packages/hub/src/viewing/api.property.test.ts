import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, PURPOSES, personVisible } from '../policy/decide.js';
import { factsOf, type NetShape, NOW, network, oid, principalOf, writeNetwork } from '../policy/testing.js';
import { TEST_ENGINES } from '../testing/store.js';
import { type HubUnderTest, hubUnderTest } from '../testing.js';
import { viewingRoutes } from './routes.js';

/**
 * Invariant 1 through the API: for random networks, for every user and every (person, record), the
 * patient list (its total and every page) and the patient header return the record if and only if
 * `decide` allows it — for both purposes, on both engines. The model's facts come from the generated
 * network, not from the store, so the whole stack (SQL filters, in-memory facts, routes) is under test.
 */

const RUNS = Number(process.env.HIE_API_PROPERTY_RUNS ?? 120);
/** Smaller networks than the SQL-level property's: every check here is an HTTP request. */
const SHAPE: NetShape = {
  facilities: { max: 4, inactive: ['suspended'], mostlyOn: 8 },
  professions: ['doctor', 'pharmacist', 'nurse', 'clerk', 'office'],
  users: { min: 2, max: 4, inactive: ['suspended'], nonMembers: false },
  persons: { min: 2, max: 7 },
  consents: {
    max: 2,
    scopes: ['all', 'all', 'listed'],
    start: { min: -3, max: 1 },
    end: { min: -1, max: 3 },
  },
  grants: { min: 0, max: 3, elsewhere: false, expiredUpTo: 600 },
};
const pageSizes = fc.integer({ min: 1, max: 4 });

interface ListBody {
  total: number;
  persons: { personId: string; records: { facilityOid: string; localId: string }[] }[];
}

describe.each(TEST_ENGINES)('the viewing API discloses exactly what decide allows, on %s', (engine) => {
  let hub: HubUnderTest;
  beforeAll(async () => {
    hub = await hubUnderTest(engine, [viewingRoutes], { now: () => NOW });
  });
  afterAll(() => hub.dispose());

  it('patient list (total, every page) and header agree with decide for every user × record', async () => {
    let pairs = 0;
    let allowed = 0;
    // Networks are random, and so is how many checks each brings: batches run until there were at
    // least RUNS networks and (at the full size) 5,000 checks, so the bound below never fails by chance.
    let runs = 0;
    const MIN_CHECKS = RUNS >= 120 ? 5000 : 0;
    while (runs < RUNS || pairs < MIN_CHECKS) {
      runs += 20;
      await fc.assert(
        fc.asyncProperty(network(SHAPE), pageSizes, async (net, pageSize) => {
          await writeNetwork(hub.store, net);
          for (const [u] of net.users.entries()) {
            const headers = hub.as(principalOf(net, u));
            for (const purpose of PURPOSES) {
              const expectedRecords = new Set<string>();
              const expectedPersons = new Set<string>();
              const expectedCategories = new Map<string, string>();
              net.persons.forEach((person, p) => {
                const decisions = person.records.map((r) => {
                  const decision = decide(factsOf(net, u, p, r.facility), purpose);
                  pairs++;
                  if (decision.allow) {
                    allowed++;
                    expectedRecords.add(`p${p}|${oid(r.facility)}|L${p}`);
                    expectedCategories.set(`p${p}|${oid(r.facility)}|L${p}`, decision.categories.join(','));
                  }
                  return decision;
                });
                const any = factsOf(net, u, p, person.records[0]?.facility ?? 0);
                if (personVisible(any.viewer, any.professionCategories, purpose, decisions, any.breakGlass)) {
                  expectedPersons.add(`p${p}`);
                }
              });

              // The list: every page, its total, no person twice.
              const listedPersons: string[] = [];
              const listedRecords = new Set<string>();
              for (let offset = 0; ; offset += pageSize) {
                const response = await hub.app.inject({
                  url: `/api/v1/patients?purpose=${purpose}&limit=${pageSize}&offset=${offset}`,
                  headers,
                });
                expect(response.statusCode).toBe(200);
                const body = response.json() as ListBody;
                expect(body.total, `total for u${u} ${purpose}`).toBe(expectedPersons.size);
                for (const person of body.persons) {
                  listedPersons.push(person.personId);
                  for (const r of person.records)
                    listedRecords.add(`${person.personId}|${r.facilityOid}|${r.localId}`);
                }
                if (body.persons.length < pageSize) break;
              }
              expect(listedPersons.sort(), `persons listed for u${u} ${purpose}`).toEqual(
                [...expectedPersons].sort(),
              );
              expect([...listedRecords].sort(), `records listed for u${u} ${purpose}`).toEqual(
                [...expectedRecords].sort(),
              );

              // Single reads: the header of every person, 404 exactly when the person is not visible.
              for (const [p] of net.persons.entries()) {
                const response = await hub.app.inject({
                  url: `/api/v1/patients/p${p}?purpose=${purpose}`,
                  headers,
                });
                if (!expectedPersons.has(`p${p}`)) {
                  expect(response.statusCode, `p${p} must be hidden from u${u} (${purpose})`).toBe(404);
                  continue;
                }
                expect(response.statusCode).toBe(200);
                const header = response.json() as {
                  identifiers: { facilityOid: string; localId: string; categories: string[] }[];
                };
                const shown = header.identifiers.map((i) => `p${p}|${i.facilityOid}|${i.localId}`);
                expect(shown.sort()).toEqual(
                  [...expectedRecords].filter((k) => k.startsWith(`p${p}|`)).sort(),
                );
                for (const i of header.identifiers) {
                  expect(i.categories.join(',')).toBe(
                    expectedCategories.get(`p${p}|${i.facilityOid}|${i.localId}`),
                  );
                }
              }
            }
          }
        }),
        { numRuns: 20 },
      );
    }
    console.log(engine, { networks: runs, userRecordPurposeTriples: pairs, allowed });
    // The property must bite both ways; ≥ 5,000 checks per engine = ≥ 10,000 per run at the API level.
    if (RUNS >= 120) expect(pairs).toBeGreaterThanOrEqual(5000);
    expect(allowed).toBeGreaterThan(0);
    expect(pairs - allowed).toBeGreaterThan(0);
  }, 300_000);
});
