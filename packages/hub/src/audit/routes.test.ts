import type { AuditRecord } from '@hie/platform';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentOf, auditHub, type HubAuditType } from '../audit-record.js';
import type { HubPrincipal } from '../http.js';
import { TEST_ENGINES } from '../testing/store.js';
import { type HubUnderTest, hubUnderTest, seedFacility, seedPerson, seedUser } from '../testing.js';
import type { FhirAuditBundle, FhirAuditEvent } from './balp.js';
import { auditRoutes } from './routes.js';
import { fhirErrors } from './testing.js';

const HOSPITAL = '1.2.392.200284.33.3319800011';
const CLINIC = '1.2.392.200284.33.3311610020';
const PHARMACY = '1.2.392.200284.33.3340100017';
const OFFICE = '1.2.392.200284.33.9999999999';

type Event = Omit<AuditRecord, 'source'> & { type: HubAuditType };

describe.each(TEST_ENGINES)('audit routes on %s', (engine) => {
  let hub: HubUnderTest;
  let office: HubPrincipal;
  let doctor: HubPrincipal;
  let pharmacist: HubPrincipal;
  let clerk: HubPrincipal;
  let counterAdmin: HubPrincipal;
  let person: string;
  let other: string;
  let merged: string;
  let clock = new Date('2025-01-31T16:00:00.000Z');
  const at = async (iso: string, events: Event[]) => {
    await auditHub({ store: hub.store, now: () => new Date(iso) }, events);
  };

  beforeAll(async () => {
    hub = await hubUnderTest(engine, [auditRoutes], { now: () => clock });
    await seedFacility(hub.store, { oid: HOSPITAL, name: '岡山大学病院', type: 'hospital' });
    await seedFacility(hub.store, {
      oid: CLINIC,
      name: '庭瀬ファミリークリニック',
      type: 'clinic',
      discloses: false,
    });
    await seedFacility(hub.store, { oid: PHARMACY, name: '東山薬局', type: 'pharmacy', discloses: false });
    await seedFacility(hub.store, { oid: OFFICE, name: '晴れやかネット事務局', type: 'network-office' });
    office = await seedUser(hub.store, { facilityOid: OFFICE, profession: 'office', name: '事務局 花子' });
    doctor = await seedUser(hub.store, { facilityOid: CLINIC, profession: 'doctor', name: '庭瀬 太郎' });
    pharmacist = await seedUser(hub.store, {
      facilityOid: PHARMACY,
      profession: 'pharmacist',
      name: '東山 薬子',
    });
    clerk = await seedUser(hub.store, { facilityOid: HOSPITAL, profession: 'clerk', name: '受付 一郎' });
    counterAdmin = await seedUser(hub.store, {
      facilityOid: HOSPITAL,
      profession: 'clerk',
      role: 'admin',
      name: '医事課 管理者',
    });
    person = await seedPerson(hub.store, [{ facilityOid: HOSPITAL, localId: 'H-001' }]);
    other = await seedPerson(hub.store, [{ facilityOid: PHARMACY, localId: 'P-9' }]);
    // A duplicate of the person, merged into it: its events are the same patient's.
    merged = await seedPerson(hub.store, []);
    await hub.store.db
      .updateTable('mpi_person')
      .set({ status: 'merged', merged_into: person })
      .where('id', '=', merged)
      .execute();
    await hub.store.db
      .insertInto('hub_break_glass')
      .values({
        id: 'bg-1',
        user_id: doctor.userId,
        facility_oid: CLINIC,
        person_id: person,
        reason: '救急搬送・意識障害のため既往歴確認',
        started_at: '2025-02-10T00:00:00.000Z',
        expires_at: '2025-02-11T00:00:00.000Z',
        review_status: 'open',
        reviewed_by: null,
        reviewed_at: null,
        review_note: null,
      })
      .execute();
    // seq 1: a login, 2: a pharmacist's search listing both persons, 3: a view of the person,
    // 4: the doctor breaks the glass, 5: a view under the grant, 6: a view of the other person,
    // 7: a view of the merged duplicate, 8: a denied view.
    await at('2025-01-05T01:00:00.000Z', [
      { type: 'login', action: 'E', outcome: '0', agent: agentOf(doctor) },
    ]);
    await at('2025-01-06T02:00:00.000Z', [
      {
        type: 'search',
        action: 'E',
        outcome: '0',
        agent: agentOf(pharmacist, '192.0.2.7'),
        // As the viewing module writes them: the result person ids.
        entities: [person, other],
        purposeOfUse: 'TREAT',
        detail: { query: 'kana=オカヤマ&birthDate=1950-01-01' },
      },
    ]);
    await at('2025-01-31T14:59:59.000Z', [
      {
        type: 'view',
        action: 'R',
        outcome: '0',
        agent: agentOf(doctor),
        patient: { personId: person, facilityOid: HOSPITAL, localId: 'H-001' },
        entities: [`${HOSPITAL}/Observation/H-001.20250105.OML-11.1`],
        purposeOfUse: 'TREAT',
      },
    ]);
    await at('2025-02-10T00:00:00.000Z', [
      {
        type: 'break-glass',
        action: 'C',
        outcome: '0',
        agent: agentOf(doctor),
        patient: { personId: person },
        purposeOfUse: 'ETREAT',
        detail: { reason: '救急搬送・意識障害のため既往歴確認' },
      },
    ]);
    await at('2025-02-10T00:05:00.000Z', [
      {
        type: 'view',
        action: 'R',
        outcome: '0',
        agent: agentOf(doctor),
        patient: { personId: person },
        purposeOfUse: 'ETREAT',
      },
      {
        type: 'view',
        action: 'R',
        outcome: '0',
        agent: agentOf(pharmacist),
        patient: { personId: other },
        purposeOfUse: 'TREAT',
      },
      {
        type: 'view',
        action: 'R',
        outcome: '0',
        agent: agentOf(pharmacist),
        patient: { personId: merged },
        purposeOfUse: 'TREAT',
      },
      {
        type: 'view',
        action: 'R',
        outcome: '4',
        outcomeDescription: 'no-consent',
        agent: agentOf(pharmacist),
        patient: { personId: person },
        purposeOfUse: 'TREAT',
      },
    ]);
  });
  afterAll(() => hub.dispose());

  const get = (url: string, who: HubPrincipal) =>
    hub.app.inject({ url: `/api/v1${url}`, headers: hub.as(who) });
  /** Only the events seeded above (the routes audit themselves as type 'audit'). */
  const seeded = '&type=login,search,view,break-glass';

  it('searches by patient, user, facility, type and Japanese dates, newest first, with the exact total', async () => {
    const byPerson = (await get(`/admin/audit?personId=${person}${seeded}`, office)).json();
    expect(byPerson.total).toBe(4);
    expect(byPerson.events.map((e: { seq: number }) => e.seq)).toEqual([8, 5, 4, 3]);
    expect(byPerson.events[3]).toMatchObject({
      type: 'view',
      patient: { personId: person, localId: 'H-001' },
      facilityName: '庭瀬ファミリークリニック',
    });
    const byUser = (
      await get(`/admin/audit?userId=${pharmacist.userId}${seeded}&limit=2&offset=1`, office)
    ).json();
    expect([byUser.total, byUser.events.map((e: { seq: number }) => e.seq)]).toEqual([4, [7, 6]]);
    const byFacility = (await get(`/admin/audit?facilityOid=${CLINIC}&type=view`, office)).json();
    expect(byFacility.events.map((e: { seq: number }) => e.seq)).toEqual([5, 3]);
    // 2025-01-31T14:59:59Z is 23:59:59 on 31 January in Japan; 2025-02-01 starts at 15:00Z.
    const january = (await get(`/admin/audit?from=2025-01-01&to=2025-01-31${seeded}`, office)).json();
    expect(january.events.map((e: { seq: number }) => e.seq)).toEqual([3, 2, 1]);
    const february = (await get(`/admin/audit?from=2025-02-01${seeded}`, office)).json();
    expect(february.total).toBe(5);
  });

  it('refuses non-office users and bad filters', async () => {
    const refused = await get('/admin/audit', doctor);
    expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'office-only']);
    const export403 = await get('/admin/audit/export', clerk);
    expect(export403.statusCode).toBe(403);
    const verify403 = await get('/admin/audit/verify', pharmacist);
    expect(verify403.statusCode).toBe(403);
    const badDate = await get('/admin/audit?from=2025-13-45', office);
    expect([badDate.statusCode, badDate.json().error.code]).toEqual([400, 'invalid-request']);
    const badOid = await get('/admin/audit?facilityOid=hospital', office);
    expect(badOid.statusCode).toBe(400);
  });

  it('audits the auditor: each search of the log is itself an event', async () => {
    const before = (await get('/admin/audit?type=audit', office)).json().total;
    const after = (await get('/admin/audit?type=audit', office)).json();
    expect(after.total).toBe(before + 1);
    expect(after.events[0]).toMatchObject({ type: 'audit', agent: { userId: office.userId } });
  });

  it("reports who looked at the person's records: views, searches and break-the-glass with names and reasons", async () => {
    const response = await get(`/patients/${person}/access-report`, office);
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report.total).toBe(6);
    expect(report.entries.map((e: { seq: number; kind: string }) => [e.seq, e.kind])).toEqual([
      [8, 'view'],
      [7, 'view'],
      [5, 'view'],
      [4, 'break-glass'],
      [3, 'view'],
      [2, 'search'],
    ]);
    const byId = new Map(report.entries.map((e: { seq: number }) => [e.seq, e]));
    expect(byId.get(4)).toEqual({
      seq: 4,
      at: '2025-02-10T00:00:00.000Z',
      kind: 'break-glass',
      outcome: '0',
      user: {
        id: doctor.userId,
        name: '庭瀬 太郎',
        profession: 'doctor',
        professionLabel: { ja: '医師', en: 'Doctor' },
      },
      facility: { oid: CLINIC, name: '庭瀬ファミリークリニック' },
      purposeOfUse: 'ETREAT',
      breakGlassReason: '救急搬送・意識障害のため既往歴確認',
    });
    // The view under the grant carries the grant's reason; an ordinary view has none.
    expect(byId.get(5)).toMatchObject({
      purposeOfUse: 'ETREAT',
      breakGlassReason: '救急搬送・意識障害のため既往歴確認',
    });
    expect(byId.get(3)).toMatchObject({ purposeOfUse: 'TREAT', breakGlassReason: null });
    expect(byId.get(2)).toMatchObject({
      kind: 'search',
      user: { name: '東山 薬子', professionLabel: { ja: '薬剤師', en: 'Pharmacist' } },
      facility: { name: '東山薬局' },
    });
    expect(byId.get(8)).toMatchObject({ outcome: '4', outcomeDescription: 'no-consent' });
    const page = (await get(`/patients/${person}/access-report?limit=2&offset=4`, office)).json();
    expect([page.total, page.entries.map((e: { seq: number }) => e.seq)]).toEqual([6, [3, 2]]);
  });

  it('lets an administrator of a facility holding a record read the report; anyone else gets the same 404', async () => {
    const atCounter = await get(`/patients/${person}/access-report`, counterAdmin);
    expect([atCounter.statusCode, atCounter.json().total]).toEqual([200, 6]);
    // Issue 10: any clerk of the facility could read every viewer and break-the-glass reason network-wide.
    const anyClerk = await get(`/patients/${person}/access-report`, clerk);
    expect(anyClerk.statusCode).toBe(404);
    const elsewhere = await get(`/patients/${person}/access-report`, pharmacist);
    const unknown = await get('/patients/no-such-person/access-report', pharmacist);
    expect([elsewhere.statusCode, elsewhere.json()]).toEqual([unknown.statusCode, unknown.json()]);
    expect(elsewhere.statusCode).toBe(404);
    const doctorNoRecord = await get(`/patients/${person}/access-report`, doctor);
    expect(doctorNoRecord.statusCode).toBe(404);
    expect((await get(`/patients/${other}/access-report`, pharmacist)).statusCode).toBe(404);
    const otherReport = (await get(`/patients/${other}/access-report`, office)).json();
    expect(otherReport.entries.map((e: { seq: number }) => e.seq)).toEqual([6, 2]);
    expect((await hub.app.inject({ url: `/api/v1/patients/${person}/access-report` })).statusCode).toBe(401);
  });

  it('exports FHIR R4 AuditEvents in the IHE BALP shape, valid against the R4 schema, paged', async () => {
    const response = await get(`/admin/audit/export?limit=5${seeded}`, office);
    expect(response.headers['content-type']).toContain('application/fhir+json');
    const bundle = response.json() as FhirAuditBundle;
    expect(fhirErrors(bundle)).toEqual([]);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 8 });
    expect(bundle.entry.map((e) => e.resource.id)).toEqual([
      'audit-1',
      'audit-2',
      'audit-3',
      'audit-4',
      'audit-5',
    ]);
    const next = bundle.link?.find((l) => l.relation === 'next')?.url;
    expect(next).toContain('offset=5');
    const rest = (
      await hub.app.inject({ url: next ?? '', headers: hub.as(office) })
    ).json() as FhirAuditBundle;
    expect(rest.entry.map((e) => e.resource.id)).toEqual(['audit-6', 'audit-7', 'audit-8']);
    expect(rest.link).toBeUndefined();
    const events = [...bundle.entry, ...rest.entry].map((e) => e.resource);
    for (const event of events) expect(fhirErrors(event)).toEqual([]);
    // The schema check can fail: an action outside C/R/U/D/E and a missing agent list are refused.
    expect(fhirErrors({ ...events[0], action: 'X' } as unknown as FhirAuditEvent)).not.toEqual([]);
    expect(fhirErrors({ ...events[0], recorded: 'yesterday' } as unknown as FhirAuditEvent)).not.toEqual([]);
    const [login, search, view, breakGlass] = events as [
      FhirAuditEvent,
      FhirAuditEvent,
      FhirAuditEvent,
      FhirAuditEvent,
    ];

    expect(login).toMatchObject({
      type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110114' },
      subtype: [{ code: '110122', display: 'Login' }],
      action: 'E',
    });
    // BALP Query: rest / search-type, the query entity (base64) and each result.
    expect(search).toMatchObject({
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
      subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'search-type' }],
      action: 'E',
      source: { observer: { display: 'hub' } },
    });
    const query = search.entity?.find((e) => e.role?.code === '24');
    expect(Buffer.from(query?.query ?? '', 'base64').toString('utf8')).toBe(
      'kana=オカヤマ&birthDate=1950-01-01',
    );
    expect(search.entity?.filter((e) => e.role?.code === '1').map((e) => e.what?.reference)).toEqual([
      `Patient/${person}`,
      `Patient/${other}`,
    ]);
    expect(search.agent[0]).toMatchObject({
      who: { identifier: { system: 'urn:hie:user', value: pharmacist.userId } },
      requestor: true,
      network: { address: '192.0.2.7', type: '2' },
      role: [{ coding: [{ code: 'pharmacist', display: '薬剤師' }] }],
    });
    // BALP patient read: rest / read, the user (IRCP, requestor) with purpose, the organisation, the hub.
    expect(view).toMatchObject({
      subtype: [{ code: 'read' }],
      action: 'R',
      outcome: '0',
      recorded: '2025-01-31T14:59:59.000Z',
      agent: [
        {
          type: { coding: [{ code: 'IRCP' }] },
          who: { identifier: { value: doctor.userId }, display: '庭瀬 太郎' },
          requestor: true,
          purposeOfUse: [
            { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }] },
          ],
        },
        {
          who: {
            identifier: { system: 'urn:ietf:rfc:3986', value: `urn:oid:${CLINIC}` },
            display: '庭瀬ファミリークリニック',
          },
          requestor: false,
        },
        { type: { coding: [{ code: '110152' }] }, requestor: false },
      ],
    });
    expect(view.entity?.[0]).toEqual({
      what: { reference: `Patient/${person}`, identifier: { system: 'urn:hie:mpi:person', value: person } },
      type: {
        system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
        code: '1',
        display: 'Person',
      },
      role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
      detail: [{ type: 'local-id', valueString: `urn:oid:${HOSPITAL}|H-001` }],
    });
    expect(view.entity?.[1]).toEqual({
      what: {
        type: 'Observation',
        identifier: { system: `urn:oid:${HOSPITAL}`, value: 'Observation/H-001.20250105.OML-11.1' },
      },
      type: {
        system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
        code: '2',
        display: 'System Object',
      },
      role: {
        system: 'http://terminology.hl7.org/CodeSystem/object-role',
        code: '4',
        display: 'Domain Resource',
      },
    });
    // Break-the-glass: emergency purpose and BTG, the reason kept on the patient entity.
    expect(breakGlass.agent[0]?.purposeOfUse?.map((p) => p.coding[0]?.code)).toEqual(['ETREAT', 'BTG']);
    expect(breakGlass.entity?.[0]?.detail).toContainEqual({
      type: 'reason',
      valueString: '救急搬送・意識障害のため既往歴確認',
    });
    const denied = events[7];
    expect(denied).toMatchObject({ outcome: '4', outcomeDesc: 'no-consent' });
  });

  it('verifies the chain, and names an edited event', async () => {
    const clean = (await get('/admin/audit/verify', office)).json();
    expect(clean.ok).toBe(true);
    expect(clean.problems).toEqual([]);
    await hub.store.db
      .updateTable('audit_event')
      .set({ event_json: sql<string>`replace(event_json, 'H-001', 'H-002')` })
      .where('seq', '=', 3)
      .execute();
    clock = new Date('2025-03-01T00:00:00.000Z');
    const tampered = (await get('/admin/audit/verify', office)).json();
    expect(tampered.ok).toBe(false);
    expect(tampered.problems).toEqual([expect.objectContaining({ seq: 3, kind: 'edited' })]);
    // The failed check is audited too, with a minor-failure outcome.
    const last = (await get('/admin/audit?type=audit&limit=1', office)).json().events[0];
    expect(last).toMatchObject({ outcome: '4', detail: { check: 'verify' } });
  });
});
