import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../http.js';
import { mpiRoutes } from '../mpi/routes.js';
import { TEST_ENGINES } from '../testing/store.js';
import { apiCall, type HubUnderTest, seedFacility, seedUser } from '../testing.js';
import { iheAdminRoutes } from './consumers.js';
import { PixNotifier } from './pix-notify.js';
import {
  envelope,
  feedMessage,
  fixture,
  gazelleErrors,
  iheHub,
  MESA_A,
  MESA_B,
  poster,
  read,
  startConsumer,
} from './testing.js';
import { hubOids } from './v3.js';

const OFFICE = '1.2.392.200284.33.0000000001';
describe.each(TEST_ENGINES)('PIX update notifications (ITI-46) on %s', (engine) => {
  let hub: HubUnderTest;
  let office: HubPrincipal;
  let consumer: Awaited<ReturnType<typeof startConsumer>>;
  let offset = 0;
  const call = apiCall(() => hub);
  const pix = poster(() => hub, '/ihe/pix');
  const notifier = () => new PixNotifier(hub.deps, { settleMs: 0 });

  beforeAll(async () => {
    hub = await iheHub(engine, [iheAdminRoutes, mpiRoutes], { now: () => new Date(Date.now() + offset) });
    await seedFacility(hub.store, { oid: OFFICE, type: 'network-office', discloses: false, views: false });
    office = { ...(await seedUser(hub.store, { facilityOid: OFFICE, profession: 'office' })), office: true };
    consumer = await startConsumer();
  });
  afterAll(async () => {
    await consumer.close();
    await hub.dispose();
  });

  it('is the office’s to register; others are refused', async () => {
    const doctor = await seedUser(hub.store, { facilityOid: MESA_A, profession: 'doctor' });
    const body = { endpoint: consumer.url };
    expect((await call(null, 'PUT', `/admin/facilities/${MESA_A}/pix-consumer`, body)).statusCode).toBe(401);
    expect((await call(doctor, 'PUT', `/admin/facilities/${MESA_A}/pix-consumer`, body)).statusCode).toBe(
      403,
    );
    expect((await call(office, 'PUT', '/admin/facilities/1.2.3.9/pix-consumer', body)).statusCode).toBe(404);
    expect(
      (await call(office, 'PUT', `/admin/facilities/${MESA_A}/pix-consumer`, { endpoint: 'ftp://x' }))
        .statusCode,
    ).toBe(400);
    expect((await call(office, 'PUT', `/admin/facilities/${MESA_A}/pix-consumer`, body)).statusCode).toBe(
      200,
    );
    expect((await call(doctor, 'GET', '/admin/pix-consumers')).statusCode).toBe(403);
  });

  it('tells the facility’s system its patient’s regional id (and its own ids), not another facility’s changes', async () => {
    expect(read((await pix(feedMessage(MESA_A, 'A-1'), MESA_A)).body).ack).toBe('AA');
    expect(read((await pix(feedMessage(MESA_B, 'B-1'), MESA_B)).body).ack).toBe('AA');
    await notifier().round();
    expect(consumer.received).toHaveLength(1);
    const [told] = consumer.received;
    expect(told?.action).toBe('urn:hl7-org:v3:PRPA_IN201302UV02');
    const person = await hub.store.db
      .selectFrom('mpi_record')
      .select('person_id')
      .where('local_id', '=', 'A-1')
      .executeTakeFirstOrThrow();
    expect(told?.ids).toEqual([
      `${hubOids(hub.deps.settings).regionalId}|${person.person_id}`,
      `${MESA_A}|A-1`,
    ]);
    expect(JSON.stringify(consumer.received)).not.toContain('B-1');
    await notifier().round();
    expect(consumer.received).toHaveLength(1);
  });

  it('loses nothing while the consumer is down: backs off, then catches up in order', async () => {
    consumer.fail(true);
    await pix(
      feedMessage(MESA_A, 'A-2', { kanji: ['旭', 'ハル'], kana: ['アサヒ', 'ハル'], birth: '19330101' }),
      MESA_A,
    );
    await pix(
      feedMessage(MESA_A, 'A-3', {
        kanji: ['吉備津', '源三'],
        kana: ['キビツ', 'ゲンゾウ'],
        birth: '19460303',
        sex: 'M',
      }),
      MESA_A,
    );
    await notifier().round();
    expect(consumer.received).toHaveLength(1);
    const [status] = (await call(office, 'GET', '/admin/pix-consumers')).json().consumers;
    expect(status).toMatchObject({ facilityOid: MESA_A, failures: 1, lastError: 'HTTP 503', delivered: 1 });
    expect(status.retryAt).not.toBeNull();
    // Still backing off: nothing is tried.
    consumer.fail(false);
    await notifier().round();
    expect(consumer.received).toHaveLength(1);
    offset += 10_000;
    await notifier().round();
    expect(consumer.received.map((r) => r.ids[1])).toEqual([
      `${MESA_A}|A-1`,
      `${MESA_A}|A-2`,
      `${MESA_A}|A-3`,
    ]);
    const [after] = (await call(office, 'GET', '/admin/pix-consumers')).json().consumers;
    expect(after).toMatchObject({ failures: 0, lastError: null, delivered: 3, retryAt: null });
  });

  it('after a merge — the office’s of two persons, the hospital’s of two of its ids — tells the surviving regional id with the facility’s ids', async () => {
    const regional = hubOids(hub.deps.settings).regionalId;
    const personOf = async (facilityOid: string, localId: string) =>
      (
        await hub.store.db
          .selectFrom('mpi_record')
          .select('person_id')
          .where('facility_oid', '=', facilityOid)
          .where('local_id', '=', localId)
          .executeTakeFirstOrThrow()
      ).person_id;
    // A's A-10 and B's B-10 are one woman the matcher could not link (a new surname after marriage).
    await pix(
      feedMessage(MESA_A, 'A-10', { kanji: ['岡', '千代'], kana: ['オカ', 'チヨ'], birth: '19400505' }),
      MESA_A,
    );
    await pix(
      feedMessage(MESA_B, 'B-10', { kanji: ['倉敷', '千代'], kana: ['クラシキ', 'チヨ'], birth: '19400505' }),
      MESA_B,
    );
    const [a10, b10] = [await personOf(MESA_A, 'A-10'), await personOf(MESA_B, 'B-10')];
    expect(a10).not.toBe(b10);
    await notifier().round();
    const seen = consumer.received.length;
    const merged = await call(office, 'POST', '/admin/mpi/merge', {
      fromPersonId: a10,
      intoPersonId: b10,
      reason: '同一人物（婚姻による改姓）',
    });
    expect(merged.statusCode, merged.body).toBe(200);
    await notifier().round();
    const afterOffice = consumer.received.slice(seen);
    expect(afterOffice.map((r) => r.ids)).toEqual([[`${regional}|${b10}`, `${MESA_A}|A-10`]]);
    expect(afterOffice.map((r) => gazelleErrors(r.body))).toEqual([[]]);

    // A's system merges its duplicate registration A-11 into A-10 (ITI-44): A is told A-10's ids as they
    // are now — the surviving regional id, A-11 no longer among them.
    await pix(
      feedMessage(MESA_A, 'A-11', { kanji: ['岡', '千代'], kana: ['オカ', 'チヨ'], birth: '19400505' }),
      MESA_A,
    );
    await notifier().round();
    const beforeLocal = consumer.received.length;
    const merge = fixture('ipf/pixfeed_PIX_FEED_MERGE_Maximal_Request.xml')
      .replace('extension="120-01" root="1.2.3.4.5.1000"', `extension="A-10" root="${MESA_A}"`)
      .replace('root="1.2.3.4.666" extension="120-02"', `root="${MESA_A}" extension="A-11"`);
    const answer = await pix(envelope(merge, 'urn:hl7-org:v3:PRPA_IN201304UV02'), MESA_A);
    expect(read(answer.body).ack).toBe('AA');
    await notifier().round();
    const afterLocal = consumer.received.slice(beforeLocal);
    expect(afterLocal.length).toBeGreaterThan(0);
    for (const told of afterLocal) {
      expect(told.action).toBe('urn:hl7-org:v3:PRPA_IN201302UV02');
      expect(told.ids).toEqual([`${regional}|${b10}`, `${MESA_A}|A-10`]);
      expect(gazelleErrors(told.body)).toEqual([]);
    }
    expect(JSON.stringify(consumer.received)).not.toContain('B-10');
  });
});
