import type { Category } from '@hie/fhir-jp';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, TEST_ENGINES, type TestStore } from '../../store/testing.js';
import { type ConsentFacts, decide, type PolicyFacts, PURPOSES, personVisible, tokyoDay } from './decide.js';
import { recordsFor } from './records.js';
import { loadViewer, personFilter, recordFilter } from './sql.js';

/**
 * The proof of invariant 1 at the hub: for random networks (facilities active or not, viewing and/or
 * disclosing, disclosure settings; users of random professions and status; persons with records at
 * random facilities; consents of every shape; matrices; break-the-glass grants), the SQL filters select
 * exactly the records and persons `decide` allows — for both purposes, on both engines.
 */

const NOW = new Date('2025-06-14T16:30:00Z'); // 2025-06-15 01:30 in Tokyo: the day differs from UTC
const TODAY = tokyoDay(NOW);
const day = (offset: number) => {
  const d = new Date(`${TODAY}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
};
const POOL: Category[] = ['demographics', 'allergy', 'diagnosis', 'lab-result'];
const PROFESSIONS = ['doctor', 'dentist', 'pharmacist', 'nurse', 'clerk', 'office', 'care-manager'] as const;
const oid = (i: number) => `1.2.392.200284.33.99000000${i}`;

interface Net {
  facilities: { status: string; views: boolean; discloses: boolean; disclosed: Category[] }[];
  matrix: Record<string, Category[]>;
  users: { facility: number; profession: string; status: string; member: boolean }[];
  persons: { records: { facility: number; consents: ConsentFacts[] }[] }[];
  grants: { user: number; person: number; atOwnFacility: boolean; expiresIn: number }[];
}

/** Mostly something, sometimes nothing: the gates must let enough through for the property to bite. */
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
  fc.integer({ min: 2, max: 5 }).chain((nf) =>
    fc.record({
      facilities: fc.array(
        fc.record({
          status: status('suspended', 'withdrawn'),
          views: mostly(6),
          discloses: mostly(6),
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
          // doctors weigh more: they are the only ones whose break-the-glass grants count
          profession: fc.constantFrom('doctor', 'doctor', ...PROFESSIONS),
          status: status('suspended', 'retired'),
          member: mostly(9),
        }),
        { minLength: 4, maxLength: 10 },
      ),
      persons: fc.array(
        fc.record({
          records: fc.uniqueArray(
            fc.record({
              facility: fc.nat(nf - 1),
              consents: fc.array(
                fc.record({
                  scope: fc.constantFrom('all', 'listed'),
                  viewers: fc.uniqueArray(fc.nat(nf - 1).map(oid), { maxLength: nf }),
                  startDate: fc.integer({ min: -3, max: 2 }).map(day),
                  endDate: fc.option(fc.integer({ min: -2, max: 3 }).map(day)),
                  status: fc.constantFrom('active', 'active', 'active', 'withdrawn'),
                }),
                { maxLength: 3 },
              ),
            }),
            { minLength: 1, maxLength: 3, selector: (r) => r.facility },
          ),
        }),
        { minLength: 4, maxLength: 12 },
      ),
      // users 0–3 and persons 0–3 always exist
      grants: fc.array(
        fc.record({
          user: fc.nat(3),
          person: fc.nat(3),
          atOwnFacility: mostly(3),
          expiresIn: fc.integer({ min: -900, max: 3600 }),
        }),
        { minLength: 1, maxLength: 10 },
      ),
    }),
  );

const stamp = NOW.toISOString();

async function write(store: TestStore, net: Net): Promise<void> {
  const { db } = store;
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
  const members = net.users.flatMap((u, i) =>
    u.member ? [{ user_id: `u${i}`, facility_oid: oid(u.facility), role: 'member', created_at: stamp }] : [],
  );
  if (members.length > 0) await db.insertInto('hub_membership').values(members).execute();
  await db
    .insertInto('mpi_person')
    .values(
      net.persons.map((_, p) => ({
        id: `p${p}`,
        status: 'active',
        merged_into: null,
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
        name_kanji: null,
        name_kana: null,
        kanji_key: null,
        kana_key: null,
        birth_date: null,
        sex: null,
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
          card_number: null,
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
        grants.map((g, i) => {
          const user = net.users[g.user] as Net['users'][number];
          return {
            id: `g${i}`,
            user_id: `u${g.user}`,
            facility_oid: oid(g.atOwnFacility ? user.facility : (user.facility + 1) % net.facilities.length),
            person_id: `p${g.person}`,
            reason: 'unconscious, brought in by ambulance',
            started_at: stamp,
            expires_at: new Date(NOW.getTime() + g.expiresIn * 1000).toISOString(),
            review_status: 'open',
            reviewed_by: null,
            reviewed_at: null,
            review_note: null,
          };
        }),
      )
      .execute();
  }
}

/** The model's facts for (user, record), straight from the generated network — not from the store. */
function factsOf(net: Net, u: number, p: number, facility: number): PolicyFacts {
  const user = net.users[u] as Net['users'][number];
  const viewerFacility = net.facilities[user.facility] as Net['facilities'][number];
  const source = net.facilities[facility] as Net['facilities'][number];
  const record = net.persons[p]?.records.find((r) => r.facility === facility);
  const grant = net.grants.find(
    (g) =>
      g.user === u && g.person === p && g.atOwnFacility && g.expiresIn > 0 && g.person < net.persons.length,
  );
  return {
    viewer: {
      userId: `u${u}`,
      userActive: user.status === 'active' && user.member,
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
    consents: record?.consents ?? [],
    professionCategories: net.matrix[user.profession] ?? [],
    breakGlass: grant ? { id: 'g', expiresAt: 'later' } : null,
    today: TODAY,
  };
}

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
      fc.asyncProperty(network(), fc.nat(), async (net, pick) => {
        await write(store, net);
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
