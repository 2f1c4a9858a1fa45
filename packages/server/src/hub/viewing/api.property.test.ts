import type { Category } from '@hie/fhir-jp';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../../store/testing.js';
import type { Profession } from '../directory/professions.js';
import type { HubPrincipal } from '../http.js';
import {
  type ConsentFacts,
  decide,
  type PolicyFacts,
  PURPOSES,
  personVisible,
  tokyoDay,
} from '../policy/decide.js';
import { type HubUnderTest, hubUnderTest } from '../testing.js';
import { viewingRoutes } from './routes.js';

/**
 * Invariant 1 through the API: for random networks, for every user and every (person, record), the
 * patient list (its total and every page) and the patient header return the record if and only if
 * `decide` allows it — for both purposes, on both engines. The model's facts come from the generated
 * network, not from the store, so the whole stack (SQL filters, in-memory facts, routes) is under test.
 */

const NOW = new Date('2025-06-14T16:30:00Z'); // already 2025-06-15 in Tokyo
const TODAY = tokyoDay(NOW);
const day = (offset: number) => {
  const d = new Date(`${TODAY}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
};
const POOL: Category[] = ['demographics', 'allergy', 'diagnosis', 'lab-result'];
const PROFESSIONS = ['doctor', 'pharmacist', 'nurse', 'clerk', 'office'] as const;
const oid = (i: number) => `1.2.392.200284.33.98000000${i}`;
const RUNS = Number(process.env.HIE_API_PROPERTY_RUNS ?? 120);

interface Net {
  facilities: { status: string; views: boolean; discloses: boolean; disclosed: Category[] }[];
  matrix: Record<string, Category[]>;
  users: { facility: number; profession: (typeof PROFESSIONS)[number]; status: string }[];
  persons: { records: { facility: number; consents: ConsentFacts[] }[] }[];
  grants: { user: number; person: number; expiresIn: number }[];
  pageSize: number;
}

const categories = fc.oneof(
  { arbitrary: fc.subarray(POOL, { minLength: 1 }), weight: 5 },
  { arbitrary: fc.constant([] as Category[]), weight: 1 },
);
const mostly = (weight: number) => fc.nat(weight).map((n) => n > 0);
const status = (...inactive: string[]) =>
  fc.oneof(
    { arbitrary: fc.constant('active'), weight: 8 },
    { arbitrary: fc.constantFrom(...inactive), weight: 2 },
  );

const network = (): fc.Arbitrary<Net> =>
  fc.integer({ min: 2, max: 4 }).chain((nf) =>
    fc.record({
      facilities: fc.array(
        fc.record({
          status: status('suspended'),
          views: mostly(8),
          discloses: mostly(8),
          disclosed: categories,
        }),
        { minLength: nf, maxLength: nf },
      ),
      matrix: fc.record(
        Object.fromEntries(PROFESSIONS.map((p) => [p, categories])) as Record<
          string,
          fc.Arbitrary<Category[]>
        >,
      ),
      users: fc.array(
        fc.record({
          facility: fc.nat(nf - 1),
          profession: fc.constantFrom('doctor', 'doctor', ...PROFESSIONS),
          status: status('suspended'),
        }),
        { minLength: 2, maxLength: 4 },
      ),
      persons: fc.array(
        fc.record({
          records: fc.uniqueArray(
            fc.record({
              facility: fc.nat(nf - 1),
              consents: fc.array(
                fc.record({
                  scope: fc.constantFrom('all', 'all', 'listed'),
                  viewers: fc.uniqueArray(fc.nat(nf - 1).map(oid), { maxLength: nf }),
                  startDate: fc.integer({ min: -3, max: 1 }).map(day),
                  endDate: fc.option(fc.integer({ min: -1, max: 3 }).map(day)),
                  status: fc.constantFrom('active', 'active', 'active', 'withdrawn'),
                }),
                { maxLength: 2 },
              ),
            }),
            { minLength: 1, maxLength: 3, selector: (r) => r.facility },
          ),
        }),
        { minLength: 2, maxLength: 7 },
      ),
      grants: fc.array(
        fc.record({ user: fc.nat(1), person: fc.nat(1), expiresIn: fc.integer({ min: -600, max: 3600 }) }),
        { maxLength: 3 },
      ),
      pageSize: fc.integer({ min: 1, max: 4 }),
    }),
  );

const stamp = NOW.toISOString();

async function write(hub: HubUnderTest, net: Net): Promise<void> {
  const { db } = hub.store;
  for (const table of [
    'hub_facility',
    'hub_user',
    'hub_membership',
    'mpi_person',
    'mpi_record',
    'hub_consent',
    'hub_consent_viewer',
    'hub_profession_policy',
    'hub_disclosure',
    'hub_break_glass',
  ] as const) {
    await db.deleteFrom(table).execute();
  }
  await db
    .insertInto('hub_facility')
    .values(
      net.facilities.map((f, i) => ({
        oid: oid(i),
        code: null,
        name: `施設${i}`,
        name_kana: null,
        type: 'hospital',
        prefecture: '33',
        discloses: f.discloses ? 1 : 0,
        views: f.views ? 1 : 0,
        gateway_url: null,
        address: null,
        phone: null,
        feed_token_hash: null,
        status: f.status,
        created_at: stamp,
        updated_at: stamp,
      })),
    )
    .execute();
  const disclosure = net.facilities.flatMap((f, i) =>
    f.disclosed.map((category) => ({ facility_oid: oid(i), category })),
  );
  if (disclosure.length > 0) await db.insertInto('hub_disclosure').values(disclosure).execute();
  const matrix = Object.entries(net.matrix).flatMap(([profession, cs]) =>
    cs.map((category) => ({ profession, category })),
  );
  if (matrix.length > 0) await db.insertInto('hub_profession_policy').values(matrix).execute();
  await db
    .insertInto('hub_user')
    .values(
      net.users.map((u, i) => ({
        id: `u${i}`,
        login_id: `u${i}`,
        name: `u${i}`,
        name_kana: null,
        profession: u.profession,
        email: null,
        status: u.status,
        created_at: stamp,
        updated_at: stamp,
      })),
    )
    .execute();
  await db
    .insertInto('hub_membership')
    .values(
      net.users.map((u, i) => ({
        user_id: `u${i}`,
        facility_oid: oid(u.facility),
        role: 'member',
        created_at: stamp,
      })),
    )
    .execute();
  await db
    .insertInto('mpi_person')
    .values(
      net.persons.map((_, p) => ({
        id: `p${p}`,
        status: 'active',
        merged_into: null,
        name_kanji: `患者${p}`,
        name_kana: `カンジャ${p}`,
        kana_key: `カンジャ${p}`,
        birth_date: '1950-01-01',
        sex: 'F',
        created_at: stamp,
        updated_at: stamp,
      })),
    )
    .execute();
  const records = net.persons.flatMap((person, p) => person.records.map((r) => ({ person: p, ...r })));
  await db
    .insertInto('mpi_record')
    .values(
      records.map((r) => ({
        facility_oid: oid(r.facility),
        local_id: `L${r.person}`,
        person_id: `p${r.person}`,
        name_kanji: `患者${r.person}`,
        name_kana: `カンジャ${r.person}`,
        kanji_key: `患者${r.person}`,
        kana_key: `カンジャ${r.person}`,
        birth_date: '1950-01-01',
        sex: 'F',
        postcode: null,
        address: null,
        phone: null,
        link_method: 'manual',
        link_score: null,
        updated_at: stamp,
      })),
    )
    .execute();
  const consents = records.flatMap((r) =>
    r.consents.map((c) => ({ ...c, facility: r.facility, person: r.person })),
  );
  if (consents.length > 0) {
    await db
      .insertInto('hub_consent')
      .values(
        consents.map((c, n) => ({
          id: `c${n}`,
          facility_oid: oid(c.facility),
          local_id: `L${c.person}`,
          scope: c.scope,
          start_date: c.startDate,
          end_date: c.endDate,
          status: c.status,
          card_number: `CARD-${n}`,
          registered_by: 'test',
          registered_at: stamp,
          withdrawn_by: null,
          withdrawn_at: null,
          withdraw_reason: null,
          form_type: null,
          form_sha256: null,
          note: null,
        })),
      )
      .execute();
    const viewers = consents.flatMap((c, n) =>
      c.viewers.map((viewer_oid) => ({ consent_id: `c${n}`, viewer_oid })),
    );
    if (viewers.length > 0) await db.insertInto('hub_consent_viewer').values(viewers).execute();
  }
  const grants = net.grants.filter((g) => g.user < net.users.length && g.person < net.persons.length);
  if (grants.length > 0) {
    await db
      .insertInto('hub_break_glass')
      .values(
        grants.map((g, i) => ({
          id: `g${i}`,
          user_id: `u${g.user}`,
          facility_oid: oid(net.users[g.user]?.facility ?? 0),
          person_id: `p${g.person}`,
          reason: 'unconscious, brought in by ambulance',
          started_at: stamp,
          expires_at: new Date(NOW.getTime() + g.expiresIn * 1000).toISOString(),
          review_status: 'open',
          reviewed_by: null,
          reviewed_at: null,
          review_note: null,
        })),
      )
      .execute();
  }
}

/** The facts of (user, record), from the generated network. */
function factsOf(net: Net, u: number, p: number, facility: number): PolicyFacts {
  const user = net.users[u] as Net['users'][number];
  const viewerFacility = net.facilities[user.facility] as Net['facilities'][number];
  const source = net.facilities[facility] as Net['facilities'][number];
  const grant = net.grants.find((g) => g.user === u && g.person === p && g.expiresIn > 0);
  return {
    viewer: {
      userId: `u${u}`,
      userActive: user.status === 'active',
      profession: user.profession,
      facilityOid: oid(user.facility),
      facilityActive: viewerFacility.status === 'active',
      facilityViews: viewerFacility.views,
    },
    source: {
      facilityOid: oid(facility),
      active: source.status === 'active',
      discloses: source.discloses,
      disclosed: source.disclosed,
    },
    consents: net.persons[p]?.records.find((r) => r.facility === facility)?.consents ?? [],
    professionCategories: net.matrix[user.profession] ?? [],
    breakGlass: grant ? { id: 'g', expiresAt: 'later' } : null,
    today: TODAY,
  };
}

const principalOf = (net: Net, u: number): HubPrincipal => {
  const user = net.users[u] as Net['users'][number];
  return {
    userId: `u${u}`,
    loginId: `u${u}`,
    name: `u${u}`,
    profession: user.profession as Profession,
    facilityOid: oid(user.facility),
    facilityRole: 'member',
    office: user.profession === 'office',
    sessionId: `s${u}`,
  };
};

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
    await fc.assert(
      fc.asyncProperty(network(), async (net) => {
        await write(hub, net);
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
            for (let offset = 0; ; offset += net.pageSize) {
              const response = await hub.app.inject({
                url: `/api/v1/patients?purpose=${purpose}&limit=${net.pageSize}&offset=${offset}`,
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
              if (body.persons.length < net.pageSize) break;
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
              expect(shown.sort()).toEqual([...expectedRecords].filter((k) => k.startsWith(`p${p}|`)).sort());
              for (const i of header.identifiers) {
                expect(i.categories.join(',')).toBe(
                  expectedCategories.get(`p${p}|${i.facilityOid}|${i.localId}`),
                );
              }
            }
          }
        }
      }),
      { numRuns: RUNS },
    );
    console.log(engine, { networks: RUNS, userRecordPurposeTriples: pairs, allowed });
    // The property must bite both ways; ≥ 5,000 checks per engine = ≥ 10,000 per run at the API level.
    if (RUNS >= 120) expect(pairs).toBeGreaterThanOrEqual(5000);
    expect(allowed).toBeGreaterThan(0);
    expect(pairs - allowed).toBeGreaterThan(0);
  }, 300_000);
});
