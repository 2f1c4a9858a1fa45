import { createHash } from 'node:crypto';
import { CONTRACT_HEADER, CONTRACT_VERSION } from '@hie/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../http.js';
import { TEST_ENGINES } from '../testing/store.js';
import { type HubUnderTest, hubUnderTest, seedFacility, seedUser } from '../testing.js';
import { mpiRoutes } from './routes.js';

const A = '1.2.392.200284.33.1.1310000001';
const B = '1.2.392.200284.33.1.1310000002';
const TOKEN_A = 'feed-token-a-0123456789';
const TOKEN_B = 'feed-token-b-0123456789';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const person = {
  nameKanji: '渡邊 恵子',
  nameKana: 'ワタナベ ケイコ',
  birthDate: '1948-02-03',
  sex: 'F',
  postcode: '700-0001',
  address: '岡山県岡山市北区宿１－２－３',
  phone: '086-111-2222',
};

describe.each(TEST_ENGINES)('mpi routes on %s', (engine) => {
  let hub: HubUnderTest;
  let office: HubPrincipal;
  let doctor: HubPrincipal;
  const feed = (token: string | undefined, identities: unknown[]) =>
    hub.app.inject({
      method: 'POST',
      url: '/api/v1/internal/mpi/feed',
      headers: token ? { authorization: `Bearer ${token}` } : {},
      payload: { identities },
    });

  beforeAll(async () => {
    hub = await hubUnderTest(engine, [mpiRoutes]);
    await seedFacility(hub.store, { oid: A });
    await seedFacility(hub.store, { oid: B });
    for (const [oid, token] of [
      [A, TOKEN_A],
      [B, TOKEN_B],
    ] as const) {
      await hub.store.db
        .updateTable('hub_facility')
        .set({ feed_token_hash: sha256(token) })
        .where('oid', '=', oid)
        .execute();
    }
    office = await seedUser(hub.store, { facilityOid: A, profession: 'office' });
    doctor = await seedUser(hub.store, { facilityOid: A, profession: 'doctor' });
  });
  afterAll(() => hub.dispose());

  it('refuses a gateway of another contract major before reading its feed (409), names its own version', async () => {
    const answer = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/internal/mpi/feed',
      headers: { authorization: `Bearer ${TOKEN_A}`, [CONTRACT_HEADER]: '3.0' },
      payload: { identities: [{ facilityOid: A, localId: 'v2', ...person }] },
    });
    expect([answer.statusCode, answer.json().error.code]).toEqual([409, 'contract-version']);
    expect(answer.headers[CONTRACT_HEADER]).toBe(CONTRACT_VERSION);
    const stored = await hub.store.db
      .selectFrom('mpi_record')
      .select('local_id')
      .where('local_id', '=', 'v2')
      .execute();
    expect(stored).toEqual([]);
  });

  it('accepts a feed only with the facility’s own token and records', async () => {
    expect((await feed(undefined, [{ facilityOid: A, localId: '1', ...person }])).statusCode).toBe(401);
    expect((await feed('wrong', [{ facilityOid: A, localId: '1', ...person }])).statusCode).toBe(401);
    const foreign = await feed(TOKEN_B, [{ facilityOid: A, localId: '1', ...person }]);
    expect([foreign.statusCode, foreign.json().error.code]).toEqual([403, 'wrong-facility']);
    const bad = await feed(TOKEN_A, [{ facilityOid: A, localId: '1', birthDate: '3 Feb 1948' }]);
    expect(bad.statusCode).toBe(200);
    expect(bad.json().outcomes).toEqual([
      expect.objectContaining({
        localId: '1',
        outcome: 'rejected',
        reason: expect.stringMatching(/^birthDate/),
      }),
    ]);
    expect((await feed(TOKEN_A, [])).statusCode).toBe(400);
    const ok = await feed(TOKEN_A, [{ facilityOid: A, localId: '1', ...person }]);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().outcomes[0]).toMatchObject({ facilityOid: A, localId: '1', outcome: 'new' });
    const linked = await feed(TOKEN_B, [{ facilityOid: B, localId: '9', ...person, nameKanji: '渡辺 惠子' }]);
    expect(linked.json().outcomes[0]).toMatchObject({
      outcome: 'auto-link',
      personId: ok.json().outcomes[0].personId,
    });
    const audit = await hub.store.db
      .selectFrom('audit_event')
      .select(['type', 'facility_oid'])
      .where('type', '=', 'mpi')
      .execute();
    // The refused identity is audited too (its request answered 200 with a per-record outcome).
    expect(audit.map((a) => a.facility_oid).sort()).toEqual([A, A, B]);
  });

  it('refuses a bad identity alone, with its reason, and feeds the rest of its batch (a 200 KB name)', async () => {
    // Issue 10, finding 3: two identities with a 200 KB name used to make the hub refuse the whole batch.
    const huge = '漢'.repeat(200_000);
    const answer = await feed(TOKEN_A, [
      { facilityOid: A, localId: 'huge-1', ...person, nameKanji: huge },
      {
        facilityOid: A,
        localId: 'fine-1',
        nameKanji: '吉田 花子',
        nameKana: 'ヨシダ ハナコ',
        birthDate: '1990-11-30',
        sex: 'F',
        postcode: '710-0055',
        address: '岡山県倉敷市阿知２－１',
        phone: '086-999-0000',
      },
      { facilityOid: A, localId: 'huge-2', ...person, nameKana: huge },
    ]);
    expect(answer.statusCode).toBe(200);
    const outcomes = answer.json().outcomes as { localId: string; outcome: string; reason?: string }[];
    expect(outcomes.map((o) => [o.localId, o.outcome]).sort()).toEqual(
      [
        ['fine-1', 'new'],
        ['huge-1', 'rejected'],
        ['huge-2', 'rejected'],
      ].sort(),
    );
    expect(outcomes.find((o) => o.localId === 'huge-1')?.reason).toMatch(/^nameKanji/);
    expect(outcomes.find((o) => o.localId === 'huge-2')?.reason).toMatch(/^nameKana/);
    const stored = await hub.store.db
      .selectFrom('mpi_record')
      .select('local_id')
      .where('facility_oid', '=', A)
      .execute();
    expect(stored.map((r) => r.local_id)).toContain('fine-1');
    expect(stored.map((r) => r.local_id)).not.toContain('huge-1');
    // A foreign identity still refuses the whole request: that is the sender's authority, not content.
    const foreign = await feed(TOKEN_A, [
      { facilityOid: A, localId: 'fine-2', ...person },
      { facilityOid: B, localId: 'x', nameKanji: huge },
    ]);
    expect([foreign.statusCode, foreign.json().error.code]).toEqual([403, 'wrong-facility']);
  });

  it('lets only the network office review, link, unlink, merge and search', async () => {
    for (const url of ['/api/v1/admin/mpi/reviews', '/api/v1/admin/mpi/search?kana=ワタナベ']) {
      const r = await hub.app.inject({ url, headers: hub.as(doctor) });
      expect([r.statusCode, r.json().error.code]).toEqual([403, 'office-only']);
    }
    const doubtful = await feed(TOKEN_B, [
      { facilityOid: B, localId: '10', nameKana: 'ワタナベ ケイコ', birthDate: '1948-03-02', sex: 'F' },
    ]);
    expect(doubtful.json().outcomes[0].outcome).toBe('review');
    const list = (
      await hub.app.inject({ url: '/api/v1/admin/mpi/reviews?status=open', headers: hub.as(office) })
    ).json();
    expect(list.total).toBe(1);
    const id = list.reviews[0].id;
    const detail = (
      await hub.app.inject({ url: `/api/v1/admin/mpi/reviews/${id}`, headers: hub.as(office) })
    ).json();
    expect(detail.record.local_id).toBe('10');
    expect(detail.explanation.fields.map((f: { field: string }) => f.field)).toContain('birthDate');
    const decided = await hub.app.inject({
      method: 'POST',
      url: `/api/v1/admin/mpi/reviews/${id}/decision`,
      headers: hub.as(office),
      payload: { decision: 'not-same' },
    });
    expect(decided.statusCode).toBe(200);
    expect(decided.json().review.status).toBe('rejected');
    const missing = await hub.app.inject({ url: '/api/v1/admin/mpi/reviews/nope', headers: hub.as(office) });
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'not-found']);

    const search = (
      await hub.app.inject({ url: '/api/v1/admin/mpi/search?kana=わたなべ', headers: hub.as(office) })
    ).json();
    expect(search.total).toBe(2);
    const [main, other] = [...search.persons].sort(
      (x: { records: unknown[] }, y: { records: unknown[] }) => y.records.length - x.records.length,
    );
    const merged = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/admin/mpi/merge',
      headers: hub.as(office),
      payload: { fromPersonId: other.personId, intoPersonId: main.personId, reason: '同一人物と確認' },
    });
    expect(merged.json().moved).toEqual([{ facilityOid: B, localId: '10' }]);
    const unlinked = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/admin/mpi/unlink',
      headers: hub.as(office),
      payload: { facilityOid: B, localId: '10' },
    });
    expect(unlinked.json().fromPersonId).toBe(main.personId);
    const relinked = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/admin/mpi/link',
      headers: hub.as(office),
      payload: { facilityOid: B, localId: '10', personId: main.personId },
    });
    expect(relinked.json().toPersonId).toBe(main.personId);
    const detailPerson = (
      await hub.app.inject({ url: `/api/v1/admin/mpi/persons/${main.personId}`, headers: hub.as(office) })
    ).json();
    expect(detailPerson.records).toHaveLength(3);
    expect(detailPerson.history.map((h: { action: string }) => h.action)).toEqual(
      expect.arrayContaining(['create', 'auto-link', 'merge', 'unlink', 'link']),
    );
    const unknown = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/admin/mpi/link',
      headers: hub.as(office),
      payload: { facilityOid: B, localId: '10', personId: 'no-such-person' },
    });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'not-found']);
    const empty = await hub.app.inject({ url: '/api/v1/admin/mpi/search', headers: hub.as(office) });
    expect(empty.statusCode).toBe(400);
  });
});
