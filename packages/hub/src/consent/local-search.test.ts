import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../http.js';
import { TEST_ENGINES } from '../testing/store.js';
import { type HubUnderTest, hubUnderTest, seedFacility, seedPerson, seedUser } from '../testing.js';
import { consentRoutes } from './routes.js';

const HOSPITAL = '1.2.392.200284.33.0110000001';
const OTHER = '1.2.392.200284.33.0110000002';
const CLINIC = '1.2.392.200284.33.1311111111';
const OFFICE = '1.2.392.200284.33.0';

describe.each(TEST_ENGINES)("the consent counter's patient search on %s", (engine) => {
  let hub: HubUnderTest;
  let clerk: HubPrincipal;
  let otherClerk: HubPrincipal;
  let clinicDoctor: HubPrincipal;
  let office: HubPrincipal;
  let shared: string;
  let elsewhere: string;

  beforeAll(async () => {
    hub = await hubUnderTest(engine, [consentRoutes]);
    await seedFacility(hub.store, { oid: HOSPITAL });
    await seedFacility(hub.store, { oid: OTHER });
    await seedFacility(hub.store, { oid: CLINIC, type: 'clinic', discloses: false });
    await seedFacility(hub.store, { oid: OFFICE, type: 'office', discloses: false });
    clerk = await seedUser(hub.store, { facilityOid: HOSPITAL, profession: 'clerk' });
    otherClerk = await seedUser(hub.store, { facilityOid: OTHER, profession: 'clerk' });
    clinicDoctor = await seedUser(hub.store, { facilityOid: CLINIC, profession: 'doctor' });
    office = await seedUser(hub.store, { facilityOid: OFFICE, profession: 'office' });
    // 山田 太郎 is a patient of both hospitals (one person, two local ids).
    shared = await seedPerson(hub.store, [
      {
        facilityOid: HOSPITAL,
        localId: 'H-100',
        nameKanji: '山田 太郎',
        nameKana: 'ヤマダ タロウ',
        birthDate: '1950-04-01',
        sex: 'M',
      },
      {
        facilityOid: OTHER,
        localId: 'O-7',
        nameKanji: '山田 太郎',
        nameKana: 'ヤマダ タロウ',
        birthDate: '1950-04-01',
        sex: 'M',
      },
    ]);
    // 山田 花子 is a patient of the other hospital only: the same family name, the same birth date.
    elsewhere = await seedPerson(hub.store, [
      {
        facilityOid: OTHER,
        localId: 'O-8',
        nameKanji: '山田 花子',
        nameKana: 'ヤマダ ハナコ',
        birthDate: '1950-04-01',
        sex: 'F',
      },
    ]);
    await seedPerson(hub.store, [
      {
        facilityOid: HOSPITAL,
        localId: 'H-200',
        nameKanji: '髙橋 一郎',
        nameKana: 'タカハシ イチロウ',
        birthDate: '1962-11-30',
        sex: 'M',
      },
    ]);
  });
  afterAll(() => hub.dispose());

  const find = (who: HubPrincipal, query: string) =>
    hub.app.inject({ url: `/api/v1/consents/patients?${query}`, headers: hub.as(who) });
  const localIds = async (who: HubPrincipal, query: string) => {
    const answer = await find(who, query);
    expect(answer.statusCode).toBe(200);
    return (answer.json().patients as { localId: string }[]).map((p) => p.localId);
  };
  const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

  it('finds a patient of the own facility by reading, written name or birth date, as the clerk types them', async () => {
    const answer = await find(clerk, q({ kana: 'やまだ', birthDate: '1950-04-01' }));
    expect(answer.json()).toEqual({
      total: 1,
      patients: [
        {
          facilityOid: HOSPITAL,
          localId: 'H-100',
          personId: shared,
          nameKanji: '山田 太郎',
          nameKana: 'ヤマダ タロウ',
          birthDate: '1950-04-01',
          sex: 'M',
        },
      ],
    });
    expect(await localIds(clerk, q({ kana: 'ﾔﾏﾀﾞﾀﾛｳ' }))).toEqual(['H-100']); // half-width, no space
    expect(await localIds(clerk, q({ kanji: '山田' }))).toEqual(['H-100']);
    expect(await localIds(clerk, q({ kanji: '高橋' }))).toEqual(['H-200']); // 髙 and 高 are one name
    expect(await localIds(clerk, q({ birthDate: '1962-11-30' }))).toEqual(['H-200']);
    expect(await localIds(clerk, q({ kana: 'タカハシ', birthDate: '1950-04-01' }))).toEqual([]);
  });

  it("never lists another facility's patient, whatever is asked", async () => {
    // The same name and birth date as a patient of the other hospital: not found here.
    expect(await localIds(clerk, q({ kana: 'ヤマダ ハナコ' }))).toEqual([]);
    expect(await localIds(clerk, q({ birthDate: '1950-04-01' }))).toEqual(['H-100']);
    // A facility named in the query is not a way out of the rule (unknown parameters are dropped).
    expect(await localIds(clerk, `${q({ kana: 'ヤマダ' })}&facilityOid=${OTHER}`)).toEqual(['H-100']);
    // The other hospital's clerk sees its own two, with its own local ids.
    expect((await localIds(otherClerk, q({ kana: 'ヤマダ' }))).sort()).toEqual(['O-7', 'O-8']);
    // A facility with no patients in the index, and the office: nothing, never an error that tells more.
    for (const who of [clinicDoctor, office]) {
      expect((await find(who, q({ kana: 'ヤマダ' }))).json()).toEqual({ total: 0, patients: [] });
    }
    const all = await hub.store.db.selectFrom('mpi_record').select('person_id').execute();
    expect(all.map((r) => r.person_id)).toContain(elsewhere);
  });

  it('refuses an empty search and an anonymous one, and audits every search with what it found', async () => {
    const empty = await find(clerk, '');
    expect([empty.statusCode, empty.json().error.code]).toEqual([400, 'empty-search']);
    const blank = await find(clerk, 'kana=%20');
    expect(blank.statusCode).toBe(400);
    const badDay = await find(clerk, 'birthDate=1950/04/01');
    expect([badDay.statusCode, badDay.json().error.code]).toEqual([400, 'invalid-request']);
    const anonymous = await hub.app.inject({ url: '/api/v1/consents/patients?kana=ヤマダ' });
    expect(anonymous.statusCode).toBe(401);

    await find(clerk, q({ kanji: '山田', birthDate: '1950-04-01' }));
    const events = (
      await hub.store.db
        .selectFrom('audit_event')
        .select('event_json')
        .where('type', '=', 'search')
        .orderBy('seq')
        .execute()
    ).map((e) => JSON.parse(e.event_json));
    const last = events.filter((e) => e.agent?.userId === clerk.userId).at(-1);
    expect(last).toMatchObject({
      action: 'E',
      outcome: '0',
      entities: [`Person/${shared}`],
      detail: { total: '1' },
    });
    expect(JSON.parse(last.detail.query)).toEqual({
      facilityOid: HOSPITAL,
      kanji: '山田',
      birthDate: '1950-04-01',
    });
    const byOffice = events.filter((e) => e.agent?.userId === office.userId);
    expect(byOffice.at(-1)).toMatchObject({ detail: { total: '0' } });
    expect(byOffice.at(-1).entities ?? []).toEqual([]);
  });
});
