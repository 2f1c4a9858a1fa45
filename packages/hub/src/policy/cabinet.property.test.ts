import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, TEST_ENGINES, type TestStore } from '../testing/store.js';
import { cabinetAccess, readableCabinets } from './cabinet.js';
import { NOW, TODAY } from './testing.js';

/**
 * The proof of the Care Cabinet's rule: for random teams (users of random professions at random
 * facilities; members in every status, some invited for another facility than the one they act for),
 * consents of every shape (none, in force, not yet started, expired, withdrawn, superseded, covering
 * some facilities), cabinets open or closed with their retention day past or not, and posts by random
 * authors — the SQL rule selects exactly the cabinets the in-memory rule lets each user read, and the
 * unread count is exactly the posts of those cabinets by others since they joined, not yet read.
 */

const day = (offset: number) => {
  const d = new Date(`${TODAY}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
};
const facility = (i: number) => `1.2.392.200284.33.98000000${i}`;
const PROFESSIONS = [
  'doctor',
  'nurse',
  'pharmacist',
  'care-manager',
  'helper',
  'therapist',
  'office',
] as const;
const STATUSES = ['invited', 'active', 'active', 'active', 'left', 'removed'] as const;

const consentArb = fc.record({
  status: fc.constantFrom('active', 'active', 'active', 'withdrawn', 'superseded'),
  start: fc.integer({ min: -5, max: 2 }),
  end: fc.option(fc.integer({ min: -3, max: 5 }), { nil: null }),
  facilities: fc.subarray([0, 1, 2, 3]),
});

const netArb = fc
  .record({
    users: fc.array(
      fc.record({ facility: fc.integer({ min: 0, max: 3 }), profession: fc.constantFrom(...PROFESSIONS) }),
      { minLength: 2, maxLength: 8 },
    ),
    cabinets: fc.array(
      fc.record({
        open: fc.boolean(),
        retention: fc.integer({ min: -3, max: 3 }),
        members: fc.array(
          fc.record({
            user: fc.nat(),
            status: fc.constantFrom(...STATUSES),
            /** 1 in 6: invited for another facility than the user's own. */
            otherFacility: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
            joined: fc.integer({ min: 0, max: 3 }),
          }),
          { maxLength: 6 },
        ),
        consents: fc.array(consentArb, { maxLength: 3 }),
        posts: fc.array(
          fc.record({
            author: fc.nat(),
            at: fc.integer({ min: 0, max: 5 }),
            readBy: fc.subarray([0, 1, 2, 3, 4, 5, 6, 7]),
          }),
          {
            maxLength: 6,
          },
        ),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    /** Cabinets whose whole team is active under a consent covering every facility: the allowed side. */
    teams: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  })
  .map((net) => ({
    users: net.users,
    cabinets: net.cabinets.map((cabinet, c) =>
      net.teams[c]
        ? {
            ...cabinet,
            open: true,
            members: net.users.map((_, u) => ({
              user: u,
              status: 'active' as const,
              otherFacility: false,
              joined: 0,
            })),
            consents: [
              { status: 'active' as const, start: -1, end: null, facilities: [0, 1, 2, 3] },
              ...cabinet.consents,
            ],
          }
        : cabinet,
    ),
  }));

type Net = typeof netArb extends fc.Arbitrary<infer T> ? T : never;

const TABLES = [
  'hub_cabinet',
  'hub_cabinet_member',
  'hub_cabinet_consent',
  'hub_cabinet_consent_facility',
  'hub_cabinet_post',
  'hub_cabinet_read',
] as const;

/** The instant `n` hours after the start of the fixture's day (joins and posts are ordered by it). */
const hour = (n: number) => new Date(NOW.getTime() - 10 * 3600_000 + n * 3600_000).toISOString();

async function write(store: TestStore, net: Net) {
  for (const table of TABLES) await store.db.deleteFrom(table).execute();
  for (const [c, cabinet] of net.cabinets.entries()) {
    const id = `c${c}`;
    await store.db
      .insertInto('hub_cabinet')
      .values({
        id,
        group_id: 'g',
        owner_user_id: 'u0',
        owner_facility_oid: facility(0),
        patient_name: '患者',
        patient_kana: 'カンジャ',
        birth_date: '1940-01-01',
        sex: 'female',
        address: null,
        person_id: null,
        status: cabinet.open ? 'open' : 'closed',
        opened_at: hour(0),
        closed_at: cabinet.open ? null : hour(1),
        closed_by: null,
        close_reason: null,
        retention_until: cabinet.open ? null : day(cabinet.retention),
        last_post_at: null,
      })
      .execute();
    const seen = new Set<string>();
    for (const m of cabinet.members) {
      const u = m.user % net.users.length;
      const user = net.users[u];
      if (!user) continue;
      const oid = facility(m.otherFacility ? (user.facility + 1) % 4 : user.facility);
      if (seen.has(`${u}|${oid}`)) continue;
      seen.add(`${u}|${oid}`);
      await store.db
        .insertInto('hub_cabinet_member')
        .values({
          cabinet_id: id,
          user_id: `u${u}`,
          facility_oid: oid,
          role: 'member',
          status: m.status,
          invited_by: 'u0',
          invited_at: hour(0),
          joined_at: m.status === 'invited' ? null : hour(m.joined),
          ended_at: null,
          ended_by: null,
        })
        .execute();
    }
    // At most one consent in force per cabinet, as the registry keeps it.
    let active = false;
    for (const [k, consent] of cabinet.consents.entries()) {
      const status: string = consent.status === 'active' && active ? 'superseded' : consent.status;
      active ||= status === 'active';
      await store.db
        .insertInto('hub_cabinet_consent')
        .values({
          id: `c${c}k${k}`,
          cabinet_id: id,
          start_date: day(consent.start),
          end_date: consent.end === null ? null : day(consent.start + consent.end),
          status,
          registered_by: 'u0',
          registered_at: hour(k),
          withdrawn_by: null,
          withdrawn_at: null,
          withdraw_reason: null,
          note: null,
          form_type: null,
          form_sha256: null,
          form_name: null,
          form_size: null,
          form_base64: null,
        })
        .execute();
      if (consent.facilities.length > 0) {
        await store.db
          .insertInto('hub_cabinet_consent_facility')
          .values(consent.facilities.map((f) => ({ consent_id: `c${c}k${k}`, facility_oid: facility(f) })))
          .execute();
      }
    }
    for (const [p, post] of cabinet.posts.entries()) {
      const author = post.author % net.users.length;
      await store.db
        .insertInto('hub_cabinet_post')
        .values({
          id: `c${c}p${p}`,
          cabinet_id: id,
          reply_to: null,
          author_user_id: `u${author}`,
          author_name: 'x',
          author_profession: net.users[author]?.profession ?? 'nurse',
          author_facility_oid: facility(net.users[author]?.facility ?? 0),
          kind: 'free',
          template_id: null,
          urgent: 0,
          version: 1,
          body_json: '{"soap":null,"text":"x","inputs":[]}',
          search_text: 'x',
          created_at: hour(post.at),
          updated_at: hour(post.at),
        })
        .execute();
      const readers = [...new Set(post.readBy.map((r) => r % net.users.length))];
      if (readers.length > 0) {
        await store.db
          .insertInto('hub_cabinet_read')
          .values(
            readers.map((r) => ({ post_id: `c${c}p${p}`, user_id: `u${r}`, version: 1, read_at: hour(6) })),
          )
          .execute();
      }
    }
  }
}

describe.each(TEST_ENGINES)('the Care Cabinet rule in memory and in SQL agree on %s', (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(engine);
  });
  afterAll(() => store.dispose());

  it('selects exactly the readable cabinets, and counts unread posts exactly', async () => {
    let pairs = 0;
    let readable = 0;
    const { unreadCount } = await import('../cabinet/notifications.js');
    await fc.assert(
      fc.asyncProperty(netArb, async (net) => {
        await write(store, net);
        for (const [u, user] of net.users.entries()) {
          const principal = {
            userId: `u${u}`,
            facilityOid: facility(user.facility),
            office: user.profession === 'office',
          };
          const sql = new Set(
            (await readableCabinets(store.db, principal, TODAY).execute()).map((r) => r.cabinet_id),
          );
          let expectedUnread = 0;
          for (const [c, cabinet] of net.cabinets.entries()) {
            pairs += 1;
            const member = await store.db
              .selectFrom('hub_cabinet_member')
              .selectAll()
              .where('cabinet_id', '=', `c${c}`)
              .where('user_id', '=', principal.userId)
              .where('facility_oid', '=', principal.facilityOid)
              .executeTakeFirst();
            const consents = await store.db
              .selectFrom('hub_cabinet_consent')
              .selectAll()
              .where('cabinet_id', '=', `c${c}`)
              .execute();
            const consent = consents.find((k) => k.status === 'active') ?? null;
            const facilities = consent
              ? (
                  await store.db
                    .selectFrom('hub_cabinet_consent_facility')
                    .select('facility_oid')
                    .where('consent_id', '=', consent.id)
                    .execute()
                ).map((r) => r.facility_oid)
              : [];
            const access = cabinetAccess({
              principal,
              cabinet: {
                status: cabinet.open ? 'open' : 'closed',
                retentionUntil: cabinet.open ? null : day(cabinet.retention),
              },
              member: member ? { status: member.status } : null,
              consent: consent
                ? {
                    status: consent.status,
                    startDate: consent.start_date,
                    endDate: consent.end_date,
                    facilities,
                  }
                : null,
              today: TODAY,
            });
            expect(sql.has(`c${c}`), `user u${u} cabinet c${c}`).toBe(access.read);
            if (access.read) {
              readable += 1;
              for (const [p, post] of cabinet.posts.entries()) {
                const author = post.author % net.users.length;
                const read = post.readBy.some((r) => r % net.users.length === u);
                if (author !== u && !read && member?.joined_at && hour(post.at) >= member.joined_at)
                  expectedUnread += 1;
                void p;
              }
            }
          }
          const unread = await unreadCount(
            { store, now: () => NOW, events: null as never },
            principal as never,
          );
          expect(unread, `unread of u${u}`).toBe(expectedUnread);
        }
      }),
      { numRuns: 120 },
    );
    expect(pairs).toBeGreaterThan(500);
    // The allowed side must be reached, or the property proves little.
    expect(readable).toBeGreaterThan(10);
  }, 120_000);
});
