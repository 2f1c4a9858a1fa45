import type { Category, Profession } from '@hie/contract';
import fc from 'fast-check';
import { newConsentRow } from '../consent/registry.js';
import type { HubPrincipal } from '../http.js';
import type { TestStore } from '../testing/store.js';
import { type ConsentFacts, type PolicyFacts, tokyoDay } from './decide.js';

/**
 * Test support for the policy's property tests (not built; never imported by production code): random
 * networks — facilities active or not, viewing and/or disclosing, with their disclosure settings; users
 * of random professions and status; persons with records at random facilities; consents of every shape;
 * the profession matrix; break-the-glass grants — written straight into a store, and the model's facts
 * for (user, record) taken from the generated network, never from the store.
 */

export const NOW = new Date('2025-06-14T16:30:00Z'); // 2025-06-15 01:30 in Tokyo: the day differs from UTC
export const TODAY = tokyoDay(NOW);
const day = (offset: number) => {
  const d = new Date(`${TODAY}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
};
const POOL: Category[] = ['demographics', 'allergy', 'diagnosis', 'lab-result'];
export const oid = (i: number) => `1.2.392.200284.33.99000000${i}`;

export interface Net {
  facilities: { status: string; views: boolean; discloses: boolean; disclosed: Category[] }[];
  matrix: Record<string, Category[]>;
  users: { facility: number; profession: string; status: string; member: boolean }[];
  persons: { records: { facility: number; consents: ConsentFacts[] }[] }[];
  /** A grant not `atOwnFacility` was opened at another facility: it does not count for this one. */
  grants: { user: number; person: number; atOwnFacility: boolean; expiresIn: number }[];
}

/** How large and how varied the networks are: each property test takes what its checks can afford. */
export interface NetShape {
  /** 2 to `max` facilities; 1 in 5 is in an `inactive` status; views (discloses) unless a draw of 0…`mostlyOn` is 0. */
  facilities: { max: number; inactive: readonly string[]; mostlyOn: number };
  /** The matrix's rows; users are drawn from these, doctors twice as often. */
  professions: readonly string[];
  /** `nonMembers`: 1 in 10 users has no membership (else every user is a member of its facility). */
  users: { min: number; max: number; inactive: readonly string[]; nonMembers: boolean };
  persons: { min: number; max: number };
  /** Per record; start and end days are offsets from today. */
  consents: {
    max: number;
    scopes: readonly string[];
    start: { min: number; max: number };
    end: { min: number; max: number };
  };
  /** `elsewhere`: 1 in 4 grants is opened at another facility; expired up to `expiredUpTo` seconds ago. */
  grants: { min: number; max: number; elsewhere: boolean; expiredUpTo: number };
  /** The categories matrices and disclosure settings are drawn from (default: four of the basics). */
  pool?: readonly Category[];
  /**
   * Facilities and users are active `activeWeight` times in `activeWeight + 2` (default 8: 1 in 5
   * inactive); more, where each check is costly and the allowed side must still be reached often.
   */
  activeWeight?: number;
}

/** Mostly something, sometimes nothing: the gates must let enough through for the property to bite. */
const categoriesOf = (pool: readonly Category[]) =>
  fc.oneof(
    { arbitrary: fc.subarray([...pool], { minLength: 1 }), weight: 5 },
    { arbitrary: fc.constant([] as Category[]), weight: 1 },
  );
const mostly = (weight: number) => fc.nat(weight).map((n) => n > 0);
const status = (inactive: readonly string[], activeWeight = 8) =>
  fc.oneof(
    { arbitrary: fc.constant('active'), weight: activeWeight },
    { arbitrary: fc.constantFrom(...inactive), weight: 2 },
  );

export const network = (shape: NetShape): fc.Arbitrary<Net> => {
  const categories = categoriesOf(shape.pool ?? POOL);
  return fc.integer({ min: 2, max: shape.facilities.max }).chain((nf) =>
    fc.record({
      facilities: fc.array(
        fc.record({
          status: status(shape.facilities.inactive, shape.activeWeight),
          views: mostly(shape.facilities.mostlyOn),
          discloses: mostly(shape.facilities.mostlyOn),
          disclosed: categories,
        }),
        { minLength: nf, maxLength: nf },
      ),
      matrix: fc.record(
        Object.fromEntries(shape.professions.map((p) => [p, categories])) as Record<
          string,
          fc.Arbitrary<Category[]>
        >,
      ),
      users: fc.array(
        fc.record({
          facility: fc.nat(nf - 1),
          // doctors weigh more: they are the only ones whose break-the-glass grants count
          profession: fc.constantFrom('doctor', 'doctor', ...shape.professions),
          status: status(shape.users.inactive, shape.activeWeight),
          member: shape.users.nonMembers ? mostly(9) : fc.constant(true),
        }),
        { minLength: shape.users.min, maxLength: shape.users.max },
      ),
      persons: fc.array(
        fc.record({
          records: fc.uniqueArray(
            fc.record({
              facility: fc.nat(nf - 1),
              consents: fc.array(
                fc.record({
                  scope: fc.constantFrom(...shape.consents.scopes),
                  viewers: fc.uniqueArray(fc.nat(nf - 1).map(oid), { maxLength: nf }),
                  startDate: fc.integer(shape.consents.start).map(day),
                  endDate: fc.option(fc.integer(shape.consents.end).map(day)),
                  status: fc.constantFrom('active', 'active', 'active', 'withdrawn'),
                }),
                { maxLength: shape.consents.max },
              ),
            }),
            { minLength: 1, maxLength: 3, selector: (r) => r.facility },
          ),
        }),
        { minLength: shape.persons.min, maxLength: shape.persons.max },
      ),
      // only among the users and persons that always exist
      grants: fc.array(
        fc.record({
          user: fc.nat(shape.users.min - 1),
          person: fc.nat(shape.persons.min - 1),
          atOwnFacility: shape.grants.elsewhere ? mostly(3) : fc.constant(true),
          expiresIn: fc.integer({ min: -shape.grants.expiredUpTo, max: 3600 }),
        }),
        { minLength: shape.grants.min, maxLength: shape.grants.max },
      ),
    }),
  );
};

const stamp = NOW.toISOString();

/** Replaces the store's network with `net`: user i is `u${i}`, person p is `p${p}` with local id `L${p}` everywhere. */
export async function writeNetwork(store: TestStore, net: Net): Promise<void> {
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
        consents.map((c, n) =>
          newConsentRow({
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
          }),
        ),
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

/** User u of the network as the hub's test principal (`hub.as(principalOf(net, u))`). */
export function principalOf(net: Net, u: number): HubPrincipal {
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
}

/** The model's facts for (user u, person p's record at `facility`), straight from the generated network. */
export function factsOf(net: Net, u: number, p: number, facility: number): PolicyFacts {
  const user = net.users[u] as Net['users'][number];
  const viewerFacility = net.facilities[user.facility] as Net['facilities'][number];
  const source = net.facilities[facility] as Net['facilities'][number];
  const record = net.persons[p]?.records.find((r) => r.facility === facility);
  const grant = net.grants.find((g) => g.user === u && g.person === p && g.atOwnFacility && g.expiresIn > 0);
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
