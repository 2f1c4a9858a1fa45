import { createHash } from 'node:crypto';
import { CATEGORIES } from '@hie/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../http.js';
import { recordsFor } from '../policy/records.js';
import { TEST_ENGINES } from '../testing/store.js';
import {
  type HubUnderTest,
  hubUnderTest,
  seedConsent,
  seedDisclosure,
  seedFacility,
  seedPerson,
  seedUser,
} from '../testing.js';
import { normalizeCardNumber } from './card.js';
import { consentRoutes } from './routes.js';

const HOSPITAL = '1.2.392.200284.33.0110000001';
const CLINIC = '1.2.392.200284.33.1311111111';
const OTHER = '1.2.392.200284.33.0110000002';
const NOW = new Date('2025-06-15T01:00:00Z');
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('png body'),
]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('jpeg body')]);

describe.each(TEST_ENGINES)('consent registry on %s', (engine) => {
  let hub: HubUnderTest;
  let clerk: HubPrincipal;
  let otherStaff: HubPrincipal;
  let doctor: HubPrincipal;
  let office: HubPrincipal;
  let personId: string;

  beforeAll(async () => {
    hub = await hubUnderTest(engine, [consentRoutes], { now: () => NOW });
    await seedFacility(hub.store, { oid: HOSPITAL, views: false });
    await seedFacility(hub.store, { oid: CLINIC, type: 'clinic', discloses: false });
    await seedFacility(hub.store, { oid: OTHER });
    await seedFacility(hub.store, { oid: '1.2.392.200284.33.0', type: 'office', discloses: false });
    await seedDisclosure(hub.store, HOSPITAL, Object.keys(CATEGORIES));
    clerk = await seedUser(hub.store, { facilityOid: HOSPITAL, profession: 'clerk' });
    otherStaff = await seedUser(hub.store, { facilityOid: OTHER, profession: 'clerk' });
    doctor = await seedUser(hub.store, { facilityOid: CLINIC, profession: 'doctor' });
    office = await seedUser(hub.store, { facilityOid: '1.2.392.200284.33.0', profession: 'office' });
    personId = await seedPerson(hub.store, [
      { facilityOid: HOSPITAL, localId: 'P001', nameKana: 'ヤマダ タロウ', birthDate: '1950-01-02' },
      { facilityOid: OTHER, localId: 'X9' },
    ]);
  });
  afterAll(() => hub.dispose());

  const post = (who: HubPrincipal, url: string, payload: unknown) =>
    hub.app.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      headers: hub.as(who),
      payload: payload as object,
    });
  const get = (who: HubPrincipal, url: string) =>
    hub.app.inject({ url: `/api/v1${url}`, headers: hub.as(who) });
  const putForm = (who: HubPrincipal, id: string, body: Buffer, type: string, query = '') =>
    hub.app.inject({
      method: 'PUT',
      url: `/api/v1/consents/${id}/form${query}`,
      headers: { ...hub.as(who), 'content-type': type },
      payload: body,
    });
  const valid = {
    facilityOid: HOSPITAL,
    localId: 'P001',
    scope: 'listed',
    viewers: [CLINIC],
    startDate: '2025-06-01',
  };

  it('registers, reads, takes the form and withdraws at once — only for its own patients', async () => {
    // The clinic doctor sees nothing before the consent.
    const before = await recordsFor(hub.deps, doctor, personId);
    expect(before.denied).toContainEqual({ facilityOid: HOSPITAL, localId: 'P001', reason: 'no-consent' });

    const created = await post(clerk, '/consents', valid);
    expect(created.statusCode).toBe(201);
    const consent = created.json();
    expect(consent).toMatchObject({
      facilityOid: HOSPITAL,
      localId: 'P001',
      personId,
      scope: 'listed',
      status: 'active',
      inEffect: true,
      viewers: [{ oid: CLINIC }],
      registeredBy: clerk.userId,
    });
    expect(normalizeCardNumber(consent.cardNumber)).toBe(consent.cardNumber);

    const after = await recordsFor(hub.deps, doctor, personId);
    expect(after.records.map((r) => [r.facilityOid, r.basis, r.categories.length])).toEqual([
      [HOSPITAL, 'consent', Object.keys(CATEGORIES).length],
    ]);

    // Listing: by person, by typed card number; another facility sees none of it.
    const list = await get(clerk, `/consents?personId=${personId}`);
    expect(list.json()).toMatchObject({ total: 1, consents: [{ id: consent.id }] });
    const typed = consent.cardNumber.replace(/-/g, ' ').toLowerCase();
    expect((await get(clerk, `/consents?cardNumber=${encodeURIComponent(typed)}`)).json().total).toBe(1);
    expect((await get(clerk, '/consents?cardNumber=0000-0000-0001')).json().error.code).toBe(
      'invalid-card-number',
    );
    expect((await get(otherStaff, `/consents?personId=${personId}`)).json()).toEqual({
      total: 0,
      consents: [],
    });
    expect((await get(otherStaff, `/consents/${consent.id}`)).statusCode).toBe(404);
    expect((await get(office, `/consents/${consent.id}`)).statusCode).toBe(200);
    expect((await get(clerk, `/consents/${consent.id}`)).json().id).toBe(consent.id);

    // The signed form: recognised by its bytes, stored with its hash, given back as it came.
    const uploaded = await putForm(
      clerk,
      consent.id,
      PNG,
      'application/octet-stream',
      '?fileName=同意書.png',
    );
    expect(uploaded.statusCode).toBe(200);
    expect(uploaded.json().form).toMatchObject({
      mediaType: 'image/png',
      sha256: createHash('sha256').update(PNG).digest('hex'),
      size: PNG.length,
      fileName: '同意書.png',
    });
    const form = await get(clerk, `/consents/${consent.id}/form`);
    expect(form.headers['content-type']).toBe('image/png');
    expect(form.headers['content-disposition']).toContain("filename*=UTF-8''%E5%90%8C");
    expect(form.rawPayload.equals(PNG)).toBe(true);
    expect((await putForm(clerk, consent.id, JPEG, 'image/jpeg')).json().form.mediaType).toBe('image/jpeg');
    const mislabelled = await putForm(clerk, consent.id, JPEG, 'application/pdf');
    expect([mislabelled.statusCode, mislabelled.json().error.code]).toEqual([415, 'form-type-mismatch']);
    const garbage = await putForm(
      clerk,
      consent.id,
      Buffer.from('MZ not a form'),
      'application/octet-stream',
    );
    expect([garbage.statusCode, garbage.json().error.code]).toEqual([415, 'unsupported-form-type']);
    const text = await putForm(clerk, consent.id, Buffer.from('hello'), 'text/plain');
    expect(text.statusCode).toBe(415);
    const huge = Buffer.alloc(10 * 1024 * 1024 + 1);
    PNG.copy(huge);
    const tooBig = await putForm(clerk, consent.id, huge, 'image/png');
    expect([tooBig.statusCode, tooBig.json().error.code]).toEqual([413, 'body-too-large']);
    expect((await putForm(otherStaff, consent.id, PNG, 'image/png')).statusCode).toBe(404);
    expect((await get(otherStaff, `/consents/${consent.id}/form`)).statusCode).toBe(404);

    // Withdrawal: refused to others (404), effective at once, not twice.
    expect((await post(otherStaff, `/consents/${consent.id}/withdraw`, { reason: 'x' })).statusCode).toBe(
      404,
    );
    const withdrawn = await post(clerk, `/consents/${consent.id}/withdraw`, { reason: '本人の申し出' });
    expect(withdrawn.json()).toMatchObject({
      status: 'withdrawn',
      inEffect: false,
      withdrawReason: '本人の申し出',
    });
    const gone = await recordsFor(hub.deps, doctor, personId);
    expect(gone.records).toEqual([]);
    expect(gone.denied).toContainEqual({
      facilityOid: HOSPITAL,
      localId: 'P001',
      reason: 'consent-withdrawn',
    });
    const again = await post(clerk, `/consents/${consent.id}/withdraw`, { reason: 'again' });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'already-withdrawn']);
    // Issue 10: a signed form could still be uploaded to a withdrawn consent.
    const late = await putForm(clerk, consent.id, PNG, 'image/png');
    expect([late.statusCode, late.json().error.code]).toEqual([409, 'consent-withdrawn']);

    // Every step audited as consent.
    const audited = await hub.store.db
      .selectFrom('audit_event')
      .select(['action', 'event_json'])
      .where('type', '=', 'consent')
      .orderBy('seq')
      .execute();
    expect(audited.map((a) => a.action)).toEqual(expect.arrayContaining(['C', 'R', 'U']));
    expect(audited.some((a) => a.event_json.includes('本人の申し出'))).toBe(true);
  });

  it("refuses another facility's patients like unknown ones, and bad input with stable codes", async () => {
    const foreign = await post(otherStaff, '/consents', valid);
    const unknown = await post(clerk, '/consents', { ...valid, localId: 'NOPE' });
    const wrongFacility = await post(clerk, '/consents', { ...valid, facilityOid: OTHER, localId: 'X9' });
    for (const refused of [foreign, unknown, wrongFacility]) {
      expect([refused.statusCode, refused.json().error.code]).toEqual([404, 'not-found']);
    }
    expect(foreign.json().error.message).toBe(unknown.json().error.message);
    const codes = async (payload: object) =>
      (await post(clerk, '/consents', { ...valid, ...payload })).json().error.code;
    expect(await codes({ viewers: ['1.2.3.4'] })).toBe('unknown-viewer');
    expect(await codes({ viewers: [HOSPITAL] })).toBe('unknown-viewer'); // does not view
    expect(await codes({ scope: 'all' })).toBe('viewers-with-all');
    expect(await codes({ viewers: [] })).toBe('no-viewers');
    expect(await codes({ endDate: '2025-05-01' })).toBe('invalid-period');
    expect(await codes({ startDate: '2025-02-30' })).toBe('invalid-date');
    expect(await codes({ startDate: '1 June' })).toBe('invalid-request');
    // Issue 10: a nurse registered a consent to every facility with no signed form behind it.
    const nurse = await seedUser(hub.store, { facilityOid: HOSPITAL, profession: 'nurse' });
    const byNurse = await post(nurse, '/consents', { ...valid, scope: 'all', viewers: [] });
    expect([byNurse.statusCode, byNurse.json().error.code]).toEqual([403, 'all-scope-needs-clerk']);
    const all = await post(clerk, '/consents', { ...valid, scope: 'all', viewers: [] });
    expect(all.json()).toMatchObject({ scope: 'all', viewers: [] });
    const anonymous = await hub.app.inject({ method: 'POST', url: '/api/v1/consents', payload: valid });
    expect(anonymous.statusCode).toBe(401);
  });

  it("shows the clerk whose local id it is, with the facility's consents; other ids answer like unknown ones", async () => {
    const hanako = await seedPerson(hub.store, [
      {
        facilityOid: HOSPITAL,
        localId: 'P002',
        nameKanji: '鈴木 花子',
        nameKana: 'スズキ ハナコ',
        birthDate: '1970-05-06',
        sex: 'F',
      },
      { facilityOid: OTHER, localId: 'X20', nameKana: 'スズキ ハナコ' },
    ]);
    // Another facility's consent for the same person is not this facility's business.
    await seedConsent(hub.store, { facilityOid: OTHER, localId: 'X20', viewers: 'all' });
    const patient = {
      facilityOid: HOSPITAL,
      localId: 'P002',
      personId: hanako,
      nameKanji: '鈴木 花子',
      nameKana: 'スズキ ハナコ',
      birthDate: '1970-05-06',
      sex: 'F',
    };
    const before = await get(clerk, '/consents/patient?localId=P002');
    expect(before.statusCode).toBe(200);
    expect(before.json()).toEqual({ patient, consents: [] });

    const registered = (await post(clerk, '/consents', { ...valid, localId: 'P002' })).json();
    const withdrawn = (
      await post(clerk, '/consents', { ...valid, localId: 'P002', scope: 'all', viewers: [] })
    ).json();
    expect(
      (await post(clerk, `/consents/${withdrawn.id}/withdraw`, { reason: '本人の申し出' })).statusCode,
    ).toBe(200);
    const after = await get(clerk, `/consents/patient?localId=${encodeURIComponent(' P002 ')}`);
    expect(after.json().patient).toEqual(patient);
    expect(
      after
        .json()
        .consents.map((c: { id: string; status: string }) => [c.id, c.status])
        .sort(),
    ).toEqual(
      [
        [registered.id, 'active'],
        [withdrawn.id, 'withdrawn'],
      ].sort(),
    );
    expect(after.json().consents[0]).toMatchObject({
      facilityOid: HOSPITAL,
      localId: 'P002',
      personId: hanako,
    });

    // Unknown here, another facility's id, another facility asking, the office: one and the same 404.
    const unknown = await get(clerk, '/consents/patient?localId=NOPE');
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'not-found']);
    for (const [who, localId] of [
      [clerk, 'X20'],
      [clerk, 'X9'],
      [otherStaff, 'P002'],
      [doctor, 'P002'],
      [office, 'P002'],
    ] as const) {
      const refused = await get(who, `/consents/patient?localId=${localId}`);
      expect([refused.statusCode, refused.json()]).toEqual([404, unknown.json()]);
    }
    expect((await get(otherStaff, '/consents/patient?localId=X20')).json().patient.personId).toBe(hanako);
    expect((await get(clerk, '/consents/patient')).json().error.code).toBe('invalid-request');
    expect((await get(clerk, '/consents/patient?localId=%20')).json().error.code).toBe('invalid-request');
    const anonymous = await hub.app.inject({ url: '/api/v1/consents/patient?localId=P002' });
    expect(anonymous.statusCode).toBe(401);

    // Audited as searches, with the result: the person and the consents found, or nothing.
    const searches = await hub.store.db
      .selectFrom('audit_event')
      .select(['event_json', 'patient_key'])
      .where('type', '=', 'search')
      .orderBy('seq')
      .execute();
    const events = searches.map((e) => ({ ...JSON.parse(e.event_json), patientKey: e.patient_key }));
    const found = events.filter((e) => e.agent?.userId === clerk.userId && e.detail?.total === '1');
    expect(found).toHaveLength(2);
    expect(found[1]).toMatchObject({ action: 'E', outcome: '0', patientKey: `person:${hanako}` });
    expect([...found[1].entities].sort()).toEqual(
      [`Person/${hanako}`, `Consent/${registered.id}`, `Consent/${withdrawn.id}`].sort(),
    );
    const refusedSearch = events.find(
      (e) => e.agent?.userId === otherStaff.userId && e.detail?.query?.includes('P002'),
    );
    expect(refusedSearch).toMatchObject({ outcome: '0', detail: { total: '0' } });
    expect(refusedSearch.patient).toBeUndefined();
    expect(refusedSearch.entities ?? []).toEqual([]);
  });
});
