// Issue 12: the hub's per-patient DICOMweb proxy applies the policy (consent × profession ×
// disclosure) exactly as every view does, binds each assertion to the request, audits, and streams.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SyntheticStudy, syntheticCrChest, syntheticCt } from '@hie/dicom';
import { syncDicomStorage } from '@hie/gateway';
import { patientRowOf } from '@hie/gateway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../http.js';
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
import { viewingRoutes as viewing } from './routes.js';
import { type RunningGateway, seedMatrix, startGateway, stopGateway } from './testing.js';

const A = { oid: '1.2.392.200284.33.3311110001', name: '岡山大学病院' };
const CLINIC = '1.2.392.200284.33.3311610020';
const SEEN = '0000000101';
const WITHDRAWN = '0000000102';

const study = (patientId: string, n: number): SyntheticStudy => ({
  patientId,
  patientName: 'Okayama^Hanako=岡山^花子',
  patientBirthDate: '19500402',
  patientSex: 'F',
  studyInstanceUid: `2.25.${2000 + n}`,
  accessionNumber: `B${n}`,
  studyDate: '20261001',
  studyTime: '100000',
  studyDescription: `study ${n}`,
});

describe.each(TEST_ENGINES)('the hub’s DICOMweb proxy on %s', (engine) => {
  let hub: HubUnderTest;
  let a: RunningGateway;
  let dir: string;
  let doctor: HubPrincipal;
  let pharmacist: HubPrincipal;
  let person: string;
  let withdrawn: string;
  const ct = study(SEEN, 1);
  const cr = study(WITHDRAWN, 2);

  beforeAll(async () => {
    hub = await hubUnderTest(engine, [viewing]);
    a = await startGateway(engine, hub.deps, {
      ...A,
      rows: [patientRowOf(SEEN), patientRowOf(WITHDRAWN)],
      categories: ['demographics', 'radiology'],
    });
    dir = await mkdtemp(join(tmpdir(), 'hie-hub-dicom-'));
    const files = [...syntheticCt(ct, 1, { slices: 4, size: 64 }), ...syntheticCrChest(cr, 2)];
    await mkdir(dir, { recursive: true });
    for (const [i, bytes] of files.entries()) await writeFile(join(dir, `${i}.dcm`), bytes);
    await syncDicomStorage(a.store, [dir], { oid: A.oid, name: A.name, institutionCode: '3311110001' });
    await seedFacility(hub.store, { ...A, gatewayUrl: a.url, views: false });
    await seedFacility(hub.store, {
      oid: CLINIC,
      name: 'さくらクリニック',
      type: 'clinic',
      discloses: false,
    });
    await seedMatrix(hub.store);
    await seedDisclosure(hub.store, A.oid, ['demographics', 'radiology']);
    doctor = await seedUser(hub.store, { facilityOid: CLINIC, profession: 'doctor' });
    pharmacist = await seedUser(hub.store, { facilityOid: CLINIC, profession: 'pharmacist' });
    const who = { nameKanji: '岡山 花子', nameKana: 'オカヤマ ハナコ', birthDate: '1950-04-02', sex: 'F' };
    person = await seedPerson(hub.store, [{ facilityOid: A.oid, localId: SEEN, ...who }]);
    withdrawn = await seedPerson(hub.store, [
      { facilityOid: A.oid, localId: WITHDRAWN, ...who, nameKanji: '岡山 次郎' },
    ]);
    await seedConsent(hub.store, { facilityOid: A.oid, localId: SEEN, viewers: [CLINIC] });
    await seedConsent(hub.store, {
      facilityOid: A.oid,
      localId: WITHDRAWN,
      viewers: [CLINIC],
      status: 'withdrawn',
    });
  });
  afterAll(async () => {
    await stopGateway(a);
    await hub.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (url: string, who: HubPrincipal, accept = 'application/dicom+json') =>
    hub.app.inject({ url: `/api/v1${url}`, headers: { ...hub.as(who), accept } });

  it('a consented doctor lists the studies and reads a frame through the hub, audited at both ends', async () => {
    const list = await get(`/patients/${person}/dicomweb/${A.oid}/studies`, doctor);
    expect(list.statusCode, list.body).toBe(200);
    const studies = list.json() as Record<string, { Value?: unknown[] }>[];
    expect(studies.map((s) => s['0020000D']?.Value?.[0])).toEqual([ct.studyInstanceUid]);
    expect(list.headers['x-content-type-options']).toBe('nosniff');

    const series = (
      await get(`/patients/${person}/dicomweb/${A.oid}/studies/${ct.studyInstanceUid}/series`, doctor)
    ).json() as Record<string, { Value?: unknown[] }>[];
    const seriesUid = String(series[0]?.['0020000E']?.Value?.[0]);
    const instances = (
      await get(
        `/patients/${person}/dicomweb/${A.oid}/studies/${ct.studyInstanceUid}/series/${seriesUid}/instances`,
        doctor,
      )
    ).json() as Record<string, { Value?: unknown[] }>[];
    expect(instances).toHaveLength(4);
    const sop = String(instances[0]?.['00080018']?.Value?.[0]);
    const frame = await get(
      `/patients/${person}/dicomweb/${A.oid}/studies/${ct.studyInstanceUid}/series/${seriesUid}/instances/${sop}/frames/1`,
      doctor,
      'multipart/related; type="application/octet-stream"',
    );
    expect(frame.statusCode).toBe(200);
    expect(frame.headers['content-type']).toMatch(/^multipart\/related/);
    expect(frame.rawPayload.length).toBeGreaterThan(64 * 64 * 2);

    const hubAudit = (
      await hub.store.db.selectFrom('audit_event').select(['event_json']).where('type', '=', 'view').execute()
    ).map((r) => JSON.parse(r.event_json) as { entities?: string[]; detail?: Record<string, string> });
    expect(hubAudit.filter((e) => e.detail?.view === 'dicomweb')).toHaveLength(4);
    const gatewayAudit = await a.store.db
      .selectFrom('audit_event')
      .select(['event_json'])
      .where('type', '=', 'dicomweb-frames')
      .execute();
    expect(gatewayAudit).toHaveLength(1);
  });

  it('refuses alike: a pharmacist (no imaging), a withdrawn consent, another facility, a path the hub does not pass', async () => {
    const list = await get(`/patients/${person}/dicomweb/${A.oid}/studies`, pharmacist);
    expect(list.statusCode).toBe(404);
    expect((await get(`/patients/${withdrawn}/dicomweb/${A.oid}/studies`, doctor)).statusCode).toBe(404);
    expect(
      (await get(`/patients/${withdrawn}/dicomweb/${A.oid}/studies/${cr.studyInstanceUid}/series`, doctor))
        .statusCode,
    ).toBe(404);
    expect((await get(`/patients/${person}/dicomweb/1.2.3.4/studies`, doctor)).statusCode).toBe(404);
    // Another patient's study UID through this patient: the gateway's 404, passed on.
    expect(
      (await get(`/patients/${person}/dicomweb/${A.oid}/studies/${cr.studyInstanceUid}/series`, doctor))
        .statusCode,
    ).toBe(404);
    for (const path of [
      'studies/1.2/../../fhir/Patient',
      'fhir/Patient',
      'studies/1.2/series/1.3/instances/1.4/frames/1/extra',
    ])
      expect((await get(`/patients/${person}/dicomweb/${A.oid}/${path}`, doctor)).statusCode, path).toBe(400);
    const unauthenticated = await hub.app.inject({
      url: `/api/v1/patients/${person}/dicomweb/${A.oid}/studies`,
    });
    expect(unauthenticated.statusCode).toBe(401);
  });
});
