import { CATEGORIES, CATEGORY_CODES } from '@hie/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../http.js';
import { mergePersons } from '../mpi/manage.js';
import { TEST_ENGINES } from '../testing/store.js';
import {
  apiCall,
  type HubUnderTest,
  hubUnderTest,
  seedDisclosure,
  seedFacility,
  seedPerson,
  seedUser,
} from '../testing.js';
import { recordsFor } from './records.js';
import { policyRoutes } from './routes.js';
import { loadViewer, personFilter } from './sql.js';

const HOSPITAL = '1.2.392.200284.33.0110000001';
const ER = '1.2.392.200284.33.0110000003';
const PHARMACY = '1.2.392.200284.33.4111111111';
const OFFICE = '1.2.392.200284.33.0000000000';
const START = new Date('2025-06-15T01:00:00Z');

describe.each(TEST_ENGINES)('policy and break-the-glass routes on %s', (engine) => {
  let hub: HubUnderTest;
  let clock = START;
  let office: HubPrincipal;
  let hospitalAdmin: HubPrincipal;
  let hospitalNurse: HubPrincipal;
  let erDoctor: HubPrincipal;
  let erNurse: HubPrincipal;
  let pharmacist: HubPrincipal;
  let personId: string;

  beforeAll(async () => {
    hub = await hubUnderTest(engine, [policyRoutes], {
      now: () => clock,
      settings: { breakGlassSeconds: 3600 },
    });
    await seedFacility(hub.store, { oid: HOSPITAL });
    await seedFacility(hub.store, { oid: ER });
    await seedFacility(hub.store, { oid: PHARMACY, type: 'pharmacy', discloses: false });
    await seedFacility(hub.store, { oid: OFFICE, type: 'office', discloses: false, views: false });
    await seedDisclosure(hub.store, HOSPITAL, Object.keys(CATEGORIES));
    office = await seedUser(hub.store, { facilityOid: OFFICE, profession: 'office', name: '事務局' });
    hospitalAdmin = await seedUser(hub.store, { facilityOid: HOSPITAL, profession: 'clerk', role: 'admin' });
    hospitalNurse = await seedUser(hub.store, { facilityOid: HOSPITAL, profession: 'nurse' });
    erDoctor = await seedUser(hub.store, { facilityOid: ER, profession: 'doctor', name: '救急 医師' });
    erNurse = await seedUser(hub.store, { facilityOid: ER, profession: 'nurse' });
    pharmacist = await seedUser(hub.store, { facilityOid: PHARMACY, profession: 'pharmacist' });
    personId = await seedPerson(hub.store, [
      { facilityOid: HOSPITAL, localId: 'P001', nameKana: 'ヤマダタロウ', birthDate: '1950-01-02', sex: 'M' },
    ]);
    await seedPerson(hub.store, [
      { facilityOid: HOSPITAL, localId: 'P002', nameKana: 'ヤマダタロウ', birthDate: '1960-03-04', sex: 'M' },
    ]);
  });
  afterAll(() => hub.dispose());

  const call = apiCall(() => hub);

  it('lets the office edit the matrix, which the decision follows at once', async () => {
    const matrix = await call(office, 'GET', '/admin/policy/professions');
    expect(matrix.statusCode).toBe(200);
    const row = (body: { professions: { code: string; categories: string[] }[] }, code: string) =>
      body.professions.find((p) => p.code === code)?.categories;
    expect(row(matrix.json(), 'pharmacist')).toEqual([
      'demographics',
      'allergy',
      'diagnosis',
      'prescription',
      'injection',
    ]);
    expect(matrix.json().categories[0]).toEqual({
      code: 'demographics',
      ja: '患者基本情報',
      en: 'Patient demographics',
    });
    expect((await call(erDoctor, 'GET', '/admin/policy/professions')).json().error.code).toBe('office-only');

    const changed = await call(office, 'PUT', '/admin/policy/professions', {
      professions: {
        pharmacist: ['demographics', 'allergy', 'diagnosis', 'prescription', 'injection', 'lab-result'],
      },
    });
    expect(row(changed.json(), 'pharmacist')).toContain('lab-result');
    expect(row(changed.json(), 'doctor')).toHaveLength(CATEGORY_CODES.length);
    expect((await loadViewer(hub.store, pharmacist)).categories).toContain('lab-result');
    const officeRow = await call(office, 'PUT', '/admin/policy/professions', {
      professions: { office: ['allergy'] },
    });
    expect(officeRow.json().error.code).toBe('office-reads-no-records');
    const unknown = await call(office, 'PUT', '/admin/policy/professions', {
      professions: { pharmacist: ['psychiatry'] },
    });
    expect(unknown.json().error.code).toBe('invalid-request');
    const audit = await hub.store.db
      .selectFrom('audit_event')
      .select('event_json')
      .where('type', '=', 'policy')
      .execute();
    expect(audit.some((a) => a.event_json.includes('+lab-result'))).toBe(true);
  });

  it("lets the office and the facility's admin set its disclosure; others get 403 or 404", async () => {
    const read = await call(hospitalNurse, 'GET', `/admin/facilities/${HOSPITAL}/disclosure`);
    expect(read.json()).toMatchObject({ facilityOid: HOSPITAL, discloses: true });
    expect(read.json().categories).toHaveLength(CATEGORY_CODES.length);
    expect((await call(erDoctor, 'GET', `/admin/facilities/${HOSPITAL}/disclosure`)).statusCode).toBe(404);
    const nurse = await call(hospitalNurse, 'PUT', `/admin/facilities/${HOSPITAL}/disclosure`, {
      categories: [],
    });
    expect([nurse.statusCode, nurse.json().error.code]).toEqual([403, 'facility-admin-only']);
    const foreign = await call(erDoctor, 'PUT', `/admin/facilities/${HOSPITAL}/disclosure`, {
      categories: [],
    });
    expect(foreign.statusCode).toBe(404);
    expect((await call(office, 'GET', '/admin/facilities/1.2.3/disclosure')).statusCode).toBe(404);
    const set = await call(hospitalAdmin, 'PUT', `/admin/facilities/${HOSPITAL}/disclosure`, {
      categories: ['prescription', 'allergy', 'diagnosis', 'lab-result', 'allergy'],
    });
    expect(set.json().categories).toEqual(['allergy', 'diagnosis', 'prescription', 'lab-result']);
    const byOffice = await call(office, 'PUT', `/admin/facilities/${HOSPITAL}/disclosure`, {
      categories: Object.keys(CATEGORIES),
    });
    expect(byOffice.json().categories).toHaveLength(CATEGORY_CODES.length);
  });

  it('breaks the glass for doctors only, for a limited time, audited and reviewed by the office', async () => {
    // No consent: the ER doctor sees nothing, and the patient is not in the list.
    expect((await recordsFor(hub.deps, erDoctor, personId)).records).toEqual([]);
    const listed = async () => {
      const viewer = await loadViewer(hub.store, erDoctor, clock);
      const rows = await hub.store.db
        .selectFrom('mpi_person')
        .select('id')
        .where(personFilter(viewer, '2025-06-15'))
        .execute();
      return rows.map((r) => r.id);
    };
    expect(await listed()).toEqual([]);

    const nurse = await call(erNurse, 'POST', '/break-glass/search', {
      kana: 'やまだ たろう',
      birthDate: '1950-01-02',
    });
    expect([nurse.statusCode, nurse.json().error.code]).toEqual([403, 'break-glass-not-allowed']);
    const found = await call(erDoctor, 'POST', '/break-glass/search', {
      kana: 'やまだ たろう',
      birthDate: '1950-01-02',
    });
    expect(found.json().persons).toEqual([
      {
        personId,
        nameKana: 'ヤマダタロウ',
        nameKanji: null,
        birthDate: '1950-01-02',
        sex: 'M',
        facilityCount: 1,
      },
    ]);
    const prefix = await call(erDoctor, 'POST', '/break-glass/search', {
      kana: 'やまだ',
      birthDate: '1950-01-02',
    });
    expect(prefix.json().persons).toEqual([]); // exact name only

    const short = await call(erDoctor, 'POST', `/patients/${personId}/break-glass`, { reason: '救急搬送' });
    expect([short.statusCode, short.json().error.code]).toEqual([400, 'reason-too-short']);
    // Issue 10: ten `a`s, or digits and symbols only, are not a reason a reviewer can check.
    for (const empty of ['aaaaaaaaaa', 'asdfasdfasdf', '1234567890!!', '。。。。。。。。。。']) {
      const refused = await call(erDoctor, 'POST', `/patients/${personId}/break-glass`, { reason: empty });
      expect([refused.statusCode, refused.json().error.code], empty).toEqual([400, 'reason-not-meaningful']);
    }
    const byNurse = await call(erNurse, 'POST', `/patients/${personId}/break-glass`, {
      reason: '意識障害で救急搬送、既往歴確認のため',
    });
    expect(byNurse.statusCode).toBe(403);
    const missing = await call(erDoctor, 'POST', '/patients/nobody/break-glass', {
      reason: '意識障害で救急搬送、既往歴確認のため',
    });
    expect(missing.statusCode).toBe(404);
    const reason = '意識障害で救急搬送、既往歴確認のため';
    const grant = await call(erDoctor, 'POST', `/patients/${personId}/break-glass`, { reason });
    expect(grant.statusCode).toBe(201);
    expect(grant.json()).toMatchObject({ personId, reason, expiresAt: '2025-06-15T02:00:00.000Z' });

    const open = await recordsFor(hub.deps, erDoctor, personId);
    expect(open.records).toMatchObject([
      { facilityOid: HOSPITAL, basis: 'break-glass', breakGlassId: grant.json().id },
    ]);
    expect(open.breakGlass).toMatchObject({ id: grant.json().id, reason });
    expect((await recordsFor(hub.deps, erDoctor, personId, 'TREAT')).records).toEqual([]);
    expect(await listed()).toEqual([personId]);
    // Another doctor of the same hospital holds no grant.
    const colleague = await seedUser(hub.store, { facilityOid: ER, profession: 'doctor' });
    expect((await recordsFor(hub.deps, colleague, personId)).records).toEqual([]);

    const audit = await hub.store.db
      .selectFrom('audit_event')
      .select('event_json')
      .where('type', '=', 'break-glass')
      .orderBy('seq')
      .execute();
    const events = audit.map((a) => JSON.parse(a.event_json));
    expect(events.find((e) => e.detail?.reason === reason)).toMatchObject({
      purposeOfUse: 'ETREAT',
      outcome: '0',
    });
    expect(events.some((e) => e.outcome === '4' && e.outcomeDescription === 'break-glass-not-allowed')).toBe(
      true,
    );

    // The grant runs out.
    clock = new Date(START.getTime() + 3600_000 + 1);
    expect((await recordsFor(hub.deps, erDoctor, personId)).records).toEqual([]);
    expect(await listed()).toEqual([]);

    // The office reviews it.
    expect((await call(erDoctor, 'GET', '/admin/break-glass')).statusCode).toBe(403);
    const queue = await call(office, 'GET', '/admin/break-glass?status=open');
    expect(queue.json()).toMatchObject({
      total: 1,
      entries: [
        {
          id: grant.json().id,
          personId,
          reason,
          active: false,
          user: { name: '救急 医師' },
          reviewStatus: 'open',
        },
      ],
    });
    // Reading the list (patients and reasons) is audited (issue 10, finding 9).
    const listReads = await hub.store.db
      .selectFrom('audit_event')
      .select(['user_id', 'event_json'])
      .where('type', '=', 'break-glass')
      .where('action', '=', 'R')
      .execute();
    expect(listReads.map((r) => r.user_id)).toEqual([office.userId]);
    expect(listReads[0]?.event_json).toContain(`BreakGlass/${grant.json().id}`);
    const reviewed = await call(office, 'POST', `/admin/break-glass/${grant.json().id}/review`, {
      note: '救急搬送を確認、妥当',
    });
    expect(reviewed.statusCode).toBe(200);
    const twice = await call(office, 'POST', `/admin/break-glass/${grant.json().id}/review`, {
      note: 'again',
    });
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'already-reviewed']);
    expect((await call(office, 'POST', '/admin/break-glass/nope/review', { note: 'x' })).statusCode).toBe(
      404,
    );
    expect((await call(office, 'GET', '/admin/break-glass')).json().total).toBe(0);
    expect((await call(office, 'GET', '/admin/break-glass?status=reviewed')).json().entries[0]).toMatchObject(
      {
        reviewedBy: office.userId,
        reviewNote: '救急搬送を確認、妥当',
      },
    );
    clock = START;
  });

  it('lists each grant with the patient, the user and the facility, so the office needs no other request', async () => {
    const at = (iso: string) => {
      clock = new Date(iso);
    };
    const touched = async (facilityOid: string, localId: string, updatedAt: string) => {
      await hub.store.db
        .updateTable('mpi_record')
        .set({ updated_at: updatedAt })
        .where('facility_oid', '=', facilityOid)
        .where('local_id', '=', localId)
        .execute();
    };
    const hanako = await seedPerson(hub.store, [
      { facilityOid: HOSPITAL, localId: 'P101', nameKana: 'スズキハナコ', birthDate: '1970-05-06', sex: 'F' },
      {
        facilityOid: ER,
        localId: 'E101',
        nameKanji: '鈴木 花子',
        nameKana: 'スズキ ハナコ',
        birthDate: '1970-05-07',
        sex: 'F',
      },
    ]);
    await touched(HOSPITAL, 'P101', '2025-01-01T00:00:00.000Z');
    await touched(ER, 'E101', '2025-03-01T00:00:00.000Z');
    const twin = await seedPerson(hub.store, [
      { facilityOid: ER, localId: 'E102', nameKanji: '鈴木 花', birthDate: '1970-05-06', sex: 'F' },
    ]);
    await touched(ER, 'E102', '2025-02-01T00:00:00.000Z');
    const nobody = await seedPerson(hub.store, []);
    const reason = '心肺停止で搬送、既往歴の確認が必要';
    const grantOf = async (personId: string, when: string) => {
      at(when);
      const grant = await call(erDoctor, 'POST', `/patients/${personId}/break-glass`, { reason });
      expect(grant.statusCode).toBe(201);
      return grant.json().id as string;
    };
    const first = await grantOf(hanako, '2025-07-01T00:00:00Z');
    const second = await grantOf(twin, '2025-07-01T00:10:00Z');
    const third = await grantOf(nobody, '2025-07-01T00:20:00Z');

    const entries = async () => {
      const queue = await call(office, 'GET', '/admin/break-glass?status=open');
      expect(queue.statusCode).toBe(200);
      return queue.json().entries as { id: string; personId: string; patient: unknown }[];
    };
    const listed = await entries();
    expect(listed.map((e) => e.id)).toEqual([third, second, first]);
    // The most recently updated record of the person speaks for it.
    expect(listed[2]).toMatchObject({
      id: first,
      personId: hanako,
      reason,
      active: true,
      patient: {
        personId: hanako,
        nameKanji: '鈴木 花子',
        nameKana: 'スズキ ハナコ',
        birthDate: '1970-05-07',
        sex: 'F',
      },
      user: {
        id: erDoctor.userId,
        name: '救急 医師',
        profession: 'doctor',
        professionLabel: { ja: '医師', en: 'Doctor' },
      },
      facility: { oid: ER, name: `施設 ${ER}` },
    });
    expect(listed[1]?.patient).toEqual({
      personId: twin,
      nameKanji: '鈴木 花',
      nameKana: null,
      birthDate: '1970-05-06',
      sex: 'F',
    });
    expect(listed[0]?.patient).toBeNull();

    // A newer record takes over; a merged person is named by the survivor's records.
    await touched(HOSPITAL, 'P101', '2025-04-01T00:00:00.000Z');
    await mergePersons(hub.deps, { fromPersonId: twin, intoPersonId: hanako }, office.userId);
    const after = await entries();
    const hospitalIdentity = {
      personId: hanako,
      nameKanji: null,
      nameKana: 'スズキハナコ',
      birthDate: '1970-05-06',
      sex: 'F',
    };
    expect(after.find((e) => e.id === first)?.patient).toEqual(hospitalIdentity);
    expect(after.find((e) => e.id === second)).toMatchObject({ personId: twin, patient: hospitalIdentity });

    for (const id of [first, second, third]) {
      expect(
        (await call(office, 'POST', `/admin/break-glass/${id}/review`, { note: '確認' })).statusCode,
      ).toBe(200);
    }
    expect((await call(hospitalAdmin, 'GET', '/admin/break-glass')).statusCode).toBe(403);
    clock = START;
  });
});
