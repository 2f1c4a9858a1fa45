// Issue 12, the second image source: the hospital's PACS over DICOMweb, tested against a real Orthanc
// (its own process, Debian's orthanc + orthanc-dicomweb). The hub must see no difference from the
// folder source — the same QIDO-RS and metadata answers, byte-equal frames and PNGs — the same
// assertion rules, studies matched by patient id and issuer only, and a PACS that hangs or is gone
// answers a stable code, is audited, and never stops ingest.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssertionClaims } from '@hie/contract';
import {
  readDicomFile,
  readFrame,
  type SyntheticStudy,
  syntheticCrChest,
  syntheticCt,
  syntheticUs,
} from '@hie/dicom';
import { dicomStudyId } from '@hie/fhir-jp';
import { generateSigningKey, signAssertion } from '@hie/platform';
import { PacsClient } from '@hie/record-source';
import {
  errorCode,
  type GatewayUnderTest,
  gatewayUnderTest,
  mediaTypeParameters,
  multipartParts,
  NHO_PATIENT,
  NHO_ROOT,
  operationOfRequest,
  patientRowOf,
  TEST_ENGINES,
  TEST_FACILITY,
} from '@hie/record-source/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../run/testing.js';
import { type OrthancUnderTest, orthancForTests, startOrthanc } from '../testing/orthanc.js';
import { syncDicomStorage } from './dicom-index.js';
import { GatewayIngest } from './ingest.js';
import { type PacsSource, type PacsSyncReport, syncPacs } from './pacs-sync.js';
import { gatewayStatus } from './status.js';

const OTHER = '0000000042';
const STRANGER = '9999999999';
/** The studies are of early October 2026; "now" for the incremental listing is a few days later. */
const NOW = new Date('2026-10-09T03:00:00Z');

const study = (patientId: string, n: number, over: Partial<SyntheticStudy> = {}): SyntheticStudy => ({
  patientId,
  patientName: 'Yamada^Taro=山田^太郎=ヤマダ^タロウ',
  patientBirthDate: '19500402',
  patientSex: 'M',
  studyInstanceUid: `2.25.${7000 + n}`,
  accessionNumber: `P${n}`,
  studyDate: `2026100${n}`,
  studyTime: '093000',
  studyDescription: `study ${n}`,
  ...over,
});

const RADIOLOGY: Partial<AssertionClaims> = { categories: ['radiology'] };

type Tags = Record<string, { Value?: unknown[] }>;
const uidOf = (t: Tags | undefined, tag: string) => String(t?.[tag]?.Value?.[0]);

/** GET with an assertion for exactly this request; the raw bytes and headers of the answer. */
async function fetchRaw(
  gw: GatewayUnderTest,
  url: string,
  claims: Partial<AssertionClaims>,
  accept?: string,
) {
  const token = await gw.sign(claims, { request: url });
  const r = await gw.app.inject({
    method: 'GET',
    url,
    headers: { authorization: `Bearer ${token}`, ...(accept ? { accept } : {}) },
  });
  return {
    status: r.statusCode,
    type: String(r.headers['content-type'] ?? ''),
    body: r.rawPayload,
    json: () => r.json(),
  };
}

/** The frames of a WADO-RS multipart answer. */
async function framesOf(answer: { type: string; body: Buffer }): Promise<Buffer[]> {
  const boundary = mediaTypeParameters(answer.type).boundary ?? '';
  const out: Buffer[] = [];
  for await (const part of multipartParts(
    (async function* () {
      yield answer.body;
    })(),
    boundary,
    1 << 26,
  ))
    out.push(part.body);
  return out;
}

const FRAMES = 'multipart/related; type="application/octet-stream"';

const available = orthancForTests();

describe.skipIf(!available)('the hospital PACS as an image source (Orthanc over DICOMweb)', () => {
  let orthanc: OrthancUnderTest;
  let dir: string;
  const cr = study(NHO_PATIENT, 1);
  const ct = study(NHO_PATIENT, 2);
  const us = study(NHO_PATIENT, 3);
  const others = study(OTHER, 4);
  const stranger = study(STRANGER, 5);
  const foreign = study(NHO_PATIENT, 6, { issuerOfPatientId: '1.2.3.4.5' });
  const files = {
    cr: syntheticCrChest(cr, 1, { size: 512 }),
    ct: syntheticCt(ct, 2, { slices: 4, size: 64 }),
    us: syntheticUs(us, 3),
    others: syntheticCrChest(others, 4, { size: 512 }),
  };

  beforeAll(async () => {
    orthanc = await startOrthanc();
    dir = await mkdtemp(join(tmpdir(), 'hie-pacs-files-'));
    // The same files in a folder (the first source) and in the PACS (the second).
    for (const [name, list] of Object.entries(files)) {
      await mkdir(join(dir, name));
      for (const [i, bytes] of list.entries()) await writeFile(join(dir, name, `${i + 1}.dcm`), bytes);
      await orthanc.upload(list);
    }
    await orthanc.upload(syntheticCrChest(stranger, 5, { size: 512 }));
    await orthanc.upload(syntheticCrChest(foreign, 6, { size: 512 }));
  });
  afterAll(async () => {
    await orthanc?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const source = (timeoutMs = 10_000): PacsSource => ({
    client: new PacsClient({
      url: orthanc.dicomweb,
      username: orthanc.username,
      password: orthanc.password,
      timeoutMs,
    }),
    recentDays: 7,
    fullScanHours: 24,
  });

  it('a gateway started with storage.pacs (password from a file) indexes the PACS beside its SS-MIX2 storage and serves it; a wrong password is reported, not fatal', async () => {
    const hub = await generateSigningKey();
    const secrets = await mkdtemp(join(tmpdir(), 'hie-pacs-secret-'));
    const started: TestGateway[] = [];
    try {
      const start = async (password: string) => {
        const passwordFile = join(secrets, `${started.length}.secret`);
        await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
        const gw = await startTestGateway('sqlite', hub, {
          storage: {
            roots: [NHO_ROOT],
            pacs: { url: orthanc.dicomweb, username: orthanc.username, passwordFile },
          },
          disclosure: { categories: ['radiology'] },
        });
        started.push(gw);
        return gw.gateway;
      };
      const gateway = await start(orthanc.password);
      const status = await gatewayStatus(gateway.store);
      expect(status.pacs).toMatchObject({ lastError: null, studies: { indexed: 3 } });
      const url = '/dicomweb/studies';
      const token = await signAssertion(hub, {
        issuer: 'test-hub',
        audience: gateway.facility.oid,
        userId: 'dr-sato',
        profession: 'doctor',
        facilityOid: '1.2.392.200284.33.3311610020',
        patientId: NHO_PATIENT,
        purposeOfUse: 'TREAT',
        categories: ['radiology'],
        operation: operationOfRequest(url),
      });
      const answer = await fetch(`${gateway.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as Tags[]).map((t) => uidOf(t, '0020000D')).sort()).toEqual(
        [cr.studyInstanceUid, ct.studyInstanceUid, us.studyInstanceUid].sort(),
      );

      const refused = await start('not-the-password');
      const health = await gatewayStatus(refused.store);
      expect(health.pacs?.lastError).toMatchObject({ code: 'pacs-unavailable' });
      expect(health.pacs?.lastError?.message).toMatch(/401, the PACS refused the gateway's credentials/);
      expect(health.dicom.instances).toBe(0);
    } finally {
      for (const gw of started) await gw.dispose();
      await rm(secrets, { recursive: true, force: true });
    }
  });

  it('a PACS configured with its issuer (one shared by several hospitals): only studies naming it are ours', async () => {
    const gw = await gatewayUnderTest('sqlite', [patientRowOf(NHO_PATIENT), patientRowOf(OTHER)], {
      disclosure: { categories: ['radiology'] },
    });
    try {
      const report = await syncPacs(gw.store, { ...source(), issuer: '1.2.3.4.5' }, TEST_FACILITY, {
        now: NOW,
      });
      expect(report.problems).toEqual({ 'dicom-wrong-issuer': 4, 'dicom-unknown-patient': 1 });
      const rows = await gw.store.db.selectFrom('gw_dicom_instance').select('study_uid').distinct().execute();
      expect(rows.map((r) => r.study_uid)).toEqual([foreign.studyInstanceUid]);
      const status = await gatewayStatus(gw.store);
      const reason = status.errors.find((e) => e.path.endsWith(ct.studyInstanceUid))?.reason;
      expect(reason).toMatch(/no Issuer of Patient ID: only 1\.2\.3\.4\.5 is accepted/);
    } finally {
      await gw.dispose();
    }
  });

  describe.each(TEST_ENGINES)('on %s', (engine) => {
    let viaFiles: GatewayUnderTest;
    let viaPacs: GatewayUnderTest;
    let pacs: PacsSource;
    let first: PacsSyncReport;

    beforeAll(async () => {
      const patients = [patientRowOf(NHO_PATIENT), patientRowOf(OTHER)];
      const disclosure = {
        categories: ['radiology' as const, 'endoscopy' as const, 'demographics' as const],
      };
      viaFiles = await gatewayUnderTest(engine, patients, { disclosure });
      await syncDicomStorage(viaFiles.store, [dir], TEST_FACILITY);
      pacs = source();
      viaPacs = await gatewayUnderTest(engine, patients, { disclosure, pacs: pacs.client });
      first = await syncPacs(viaPacs.store, pacs, TEST_FACILITY, { now: NOW });
    });
    afterAll(async () => {
      await viaFiles?.dispose();
      await viaPacs?.dispose();
    });

    it('indexes the known patients’ studies; the unknown patient’s and the other issuer’s are listed with their reason, never projected', async () => {
      expect(first.error).toBeUndefined();
      expect(first.full).toBe(true); // the first pass lists every study
      expect(first.listed).toBe(6);
      expect(first.problems).toEqual({ 'dicom-unknown-patient': 1, 'dicom-wrong-issuer': 1 });
      const status = await gatewayStatus(viaPacs.store);
      const reasons = status.errors.map((e) => [e.path, e.code]);
      expect(reasons).toEqual(
        expect.arrayContaining([
          [`pacs:${orthanc.dicomweb}/studies/${stranger.studyInstanceUid}`, 'dicom-unknown-patient'],
          [`pacs:${orthanc.dicomweb}/studies/${foreign.studyInstanceUid}`, 'dicom-wrong-issuer'],
        ]),
      );
      expect(status.errors).toHaveLength(2);
      expect(status.pacs).toMatchObject({
        url: orthanc.dicomweb,
        lastError: null,
        studies: { indexed: 4, 'dicom-unknown-patient': 1, 'dicom-wrong-issuer': 1 },
      });
      // The same ImagingStudy rows as the folder gives, and none for the refused studies.
      const projection = (gw: GatewayUnderTest) =>
        gw.store.db
          .selectFrom('gw_resource')
          .select(['id', 'patient_id', 'category', 'date', 'json'])
          .where('resource_type', '=', 'ImagingStudy')
          .orderBy('id')
          .execute();
      expect(await projection(viaPacs)).toEqual(await projection(viaFiles));
      const ids = (await projection(viaPacs)).map((r) => r.id);
      expect(ids).not.toContain(dicomStudyId(STRANGER, stranger.studyInstanceUid));
      expect(ids).not.toContain(dicomStudyId(NHO_PATIENT, foreign.studyInstanceUid));

      // The next pass lists the recent studies only and fetches nothing that did not change.
      const again = await syncPacs(viaPacs.store, pacs, TEST_FACILITY, { now: NOW });
      expect([again.full, again.fetched, again.studiesChanged, again.error]).toEqual([
        false,
        0,
        0,
        undefined,
      ]);
    });

    it('QIDO-RS, series, instances and metadata answer exactly as for the same files', async () => {
      const studies = (await fetchRaw(viaPacs, '/dicomweb/studies', RADIOLOGY)).json() as Tags[];
      expect(studies.map((s) => uidOf(s, '0020000D')).sort()).toEqual(
        [cr.studyInstanceUid, ct.studyInstanceUid, us.studyInstanceUid].sort(),
      );
      const series = (
        await fetchRaw(viaFiles, `/dicomweb/studies/${us.studyInstanceUid}/series`, RADIOLOGY)
      ).json() as Tags[];
      const urls = ['/dicomweb/studies', `/dicomweb/studies/${ct.studyInstanceUid}/metadata`];
      for (const s of [ct, us, cr]) {
        urls.push(`/dicomweb/studies/${s.studyInstanceUid}/series`);
        urls.push(`/dicomweb/studies/${s.studyInstanceUid}/metadata`);
      }
      for (const se of series) {
        const base = `/dicomweb/studies/${us.studyInstanceUid}/series/${uidOf(se, '0020000E')}`;
        urls.push(`${base}/instances`, `${base}/metadata`);
      }
      for (const url of urls) {
        const [a, b] = [await fetchRaw(viaFiles, url, RADIOLOGY), await fetchRaw(viaPacs, url, RADIOLOGY)];
        expect([b.status, b.type], url).toEqual([200, a.type]);
        expect(b.json(), url).toEqual(a.json());
      }
      const metadata = (
        await fetchRaw(viaPacs, `/dicomweb/studies/${ct.studyInstanceUid}/metadata`, RADIOLOGY)
      ).json() as Tags[];
      expect(metadata).toHaveLength(4);
      // Never the pixels, nor a link into the PACS.
      expect(JSON.stringify(metadata)).not.toContain(orthanc.rest);
      expect(metadata[0]?.['7FE00010']).toBeUndefined();
    });

    it('WADO-RS frames are the very bytes of the files’, streamed through (a multi-frame cine too); rendered and thumbnail PNGs are equal', async () => {
      const rows = await viaFiles.store.db
        .selectFrom('gw_dicom_instance')
        .selectAll()
        .where('study_uid', 'in', [ct.studyInstanceUid, us.studyInstanceUid, cr.studyInstanceUid])
        .execute();
      const cine = rows.find((r) => r.frames === 8)!;
      const slice = rows.find((r) => r.study_uid === ct.studyInstanceUid && r.instance_number === 3)!;
      const chest = rows.find((r) => r.study_uid === cr.studyInstanceUid)!;
      for (const [row, list] of [
        [slice, [1]],
        [cine, [1, 3, 8]],
        [chest, [1]],
      ] as const) {
        const base = `/dicomweb/studies/${row.study_uid}/series/${row.series_uid}/instances/${row.sop_uid}`;
        const url = `${base}/frames/${list.join(',')}`;
        const [a, b] = [
          await fetchRaw(viaFiles, url, RADIOLOGY, FRAMES),
          await fetchRaw(viaPacs, url, RADIOLOGY, FRAMES),
        ];
        expect([b.status, b.type.replace(/boundary=.*$/, '')]).toEqual([
          200,
          a.type.replace(/boundary=.*$/, ''),
        ]);
        const [fromFile, fromPacs] = [await framesOf(a), await framesOf(b)];
        expect(fromPacs).toHaveLength(list.length);
        const parsed = await readDicomFile(row.file_path);
        if (!parsed.ok) throw new Error(parsed.message);
        for (const [i, n] of list.entries()) {
          const expected = Buffer.from(await readFrame(row.file_path, parsed.instance, n - 1));
          expect(Buffer.compare(fromPacs[i]!, expected), `${url} frame ${n}`).toBe(0);
          expect(Buffer.compare(fromFile[i]!, expected)).toBe(0);
        }
        for (const rendered of [
          `${base}/rendered`,
          `${base}/frames/${list.at(-1)}/rendered?window=40,400`,
          `${base}/thumbnail`,
        ]) {
          const [pa, pb] = [
            await fetchRaw(viaFiles, rendered, RADIOLOGY),
            await fetchRaw(viaPacs, rendered, RADIOLOGY),
          ];
          expect([pb.status, pb.type], rendered).toEqual([200, 'image/png']);
          expect(Buffer.compare(pb.body, pa.body), rendered).toBe(0);
        }
      }
      // Each retrieval audited like the files’: the study, and how many frames.
      const last = await viaPacs.store.db
        .selectFrom('audit_event')
        .select('event_json')
        .orderBy('seq', 'desc')
        .limit(30)
        .execute();
      const events = last.map(
        (e) => JSON.parse(e.event_json) as { entities?: string[]; detail?: Record<string, string> },
      );
      expect(events.find((e) => e.detail?.frames === '3')?.entities).toEqual([
        `ImagingStudy/${dicomStudyId(NHO_PATIENT, us.studyInstanceUid)}`,
      ]);
    });

    it('the assertion rules are those of the files: another patient’s study answers 404 like an unknown one; a refused study is served to nobody', async () => {
      const [row] = await viaPacs.store.db
        .selectFrom('gw_dicom_instance')
        .selectAll()
        .where('study_uid', '=', others.studyInstanceUid)
        .execute();
      expect(row?.patient_id).toBe(OTHER);
      const base = `/dicomweb/studies/${others.studyInstanceUid}`;
      for (const url of [
        `${base}/series`,
        `${base}/metadata`,
        `${base}/series/${row!.series_uid}/instances/${row!.sop_uid}/frames/1`,
        `${base}/series/${row!.series_uid}/instances/${row!.sop_uid}/rendered`,
        `/dicomweb/studies/${foreign.studyInstanceUid}/series`, // our patient’s id, another issuer
        `/dicomweb/studies/${stranger.studyInstanceUid}/series`,
      ]) {
        const r = await fetchRaw(viaPacs, url, RADIOLOGY, url.includes('/frames/') ? FRAMES : undefined);
        expect([r.status, errorCode(r.json())], url).toEqual([404, 'not-found']);
      }
      // Not for the stranger either (an assertion naming that id): the study was never indexed.
      const asStranger = { ...RADIOLOGY, patientId: STRANGER };
      expect((await fetchRaw(viaPacs, '/dicomweb/studies', asStranger)).json()).toEqual([]);
      const r = await fetchRaw(
        viaPacs,
        `/dicomweb/studies/${stranger.studyInstanceUid}/metadata`,
        asStranger,
      );
      expect(r.status).toBe(404);
      // The owner sees it.
      const own = await fetchRaw(viaPacs, `${base}/series`, { ...RADIOLOGY, patientId: OTHER });
      expect(own.status).toBe(200);
    });

    it('a PACS that hangs or is gone: 504 / 502 with a stable code, audited; ingest reports it per facility and goes on; back, it clears', async () => {
      const [row] = await viaPacs.store.db
        .selectFrom('gw_dicom_instance')
        .selectAll()
        .where('study_uid', '=', ct.studyInstanceUid)
        .execute();
      const frameUrl = `/dicomweb/studies/${row!.study_uid}/series/${row!.series_uid}/instances/${row!.sop_uid}/frames/1`;
      const hasty = source(400);
      const impatient = await gatewayUnderTest(engine, [patientRowOf(NHO_PATIENT)], {
        disclosure: { categories: ['radiology'] },
        pacs: hasty.client,
      });
      const empty = await mkdtemp(join(tmpdir(), 'hie-pacs-ssmix2-'));
      try {
        await syncPacs(impatient.store, hasty, TEST_FACILITY, { now: NOW });
        orthanc.pause();
        try {
          const slow = await fetchRaw(impatient, frameUrl, RADIOLOGY, FRAMES);
          expect([slow.status, errorCode(slow.json())]).toEqual([504, 'pacs-timeout']);
          expect(JSON.stringify(slow.json())).not.toContain('127.0.0.1'); // no host of the hospital's network
          const [audit] = await impatient.store.db
            .selectFrom('audit_event')
            .select('event_json')
            .orderBy('seq', 'desc')
            .limit(1)
            .execute();
          const event = JSON.parse(audit!.event_json) as { outcome: string; detail: Record<string, string> };
          expect(event.outcome).toBe('8');
          expect(event.detail.source).toMatch(/no answer within 400 ms/);
          // The index still answers what it holds.
          expect(
            (await fetchRaw(impatient, `/dicomweb/studies/${ct.studyInstanceUid}/metadata`, RADIOLOGY))
              .status,
          ).toBe(200);
          const report = await syncPacs(impatient.store, hasty, TEST_FACILITY, { full: true, now: NOW });
          expect(report.error?.code).toBe('pacs-timeout');
        } finally {
          orthanc.resume();
        }
        await orthanc.stop();
        try {
          const gone = await fetchRaw(impatient, frameUrl, RADIOLOGY, FRAMES);
          expect([gone.status, errorCode(gone.json())]).toEqual([502, 'pacs-unavailable']);
          // A whole ingest pass with the PACS down: it completes, says why, keeps what it had.
          const ingest = new GatewayIngest(impatient.store, {
            roots: [empty],
            pacs: hasty,
            facility: TEST_FACILITY,
            watch: false,
            rescanIntervalMs: 0,
            workers: 0,
          });
          const pass = await ingest.fullLoad();
          await ingest.stop();
          expect(pass.pacs?.error?.code).toBe('pacs-unavailable');
          const status = await gatewayStatus(impatient.store);
          expect(status.pacs?.lastError?.code).toBe('pacs-unavailable');
          expect(status.errors.map((e) => [e.path, e.code])).toEqual(
            expect.arrayContaining([
              [`pacs:${orthanc.dicomweb}`, 'pacs-unavailable'],
              // The sweep of the storage pass left the PACS's study rows alone.
              [`pacs:${orthanc.dicomweb}/studies/${stranger.studyInstanceUid}`, 'dicom-unknown-patient'],
            ]),
          );
          expect(status.dicom.instances).toBeGreaterThan(0);
        } finally {
          await orthanc.start();
        }
        const back = await syncPacs(impatient.store, hasty, TEST_FACILITY, { now: NOW });
        expect(back.error).toBeUndefined();
        const status = await gatewayStatus(impatient.store);
        expect(status.pacs?.lastError).toBeNull();
        expect(status.errors.map((e) => e.code)).not.toContain('pacs-unavailable');
        expect((await fetchRaw(impatient, frameUrl, RADIOLOGY, FRAMES)).status).toBe(200);
      } finally {
        await impatient.dispose();
        await rm(empty, { recursive: true, force: true });
      }
    });

    it('a study the PACS files again under another patient (an id corrected there) leaves the first patient at the next pass', async () => {
      const n = engine === 'sqlite' ? 1 : 2;
      const moved = study(NHO_PATIENT, 5, { studyInstanceUid: `2.25.${7100 + n}` });
      const url = `/dicomweb/studies/${moved.studyInstanceUid}/series`;
      await orthanc.upload(syntheticCt(moved, 9, { slices: 2, size: 32 }));
      try {
        await syncPacs(viaPacs.store, pacs, TEST_FACILITY, { now: NOW });
        expect((await fetchRaw(viaPacs, url, RADIOLOGY)).status).toBe(200);
        await orthanc.deleteStudy(moved.studyInstanceUid);
        await orthanc.upload(syntheticCt({ ...moved, patientId: OTHER }, 9, { slices: 2, size: 32 }));
        const report = await syncPacs(viaPacs.store, pacs, TEST_FACILITY, { now: NOW });
        expect([report.fetched, report.studiesChanged]).toEqual([1, 2]);
        expect((await fetchRaw(viaPacs, url, RADIOLOGY)).status).toBe(404);
        expect((await fetchRaw(viaPacs, url, { ...RADIOLOGY, patientId: OTHER })).status).toBe(200);
        const owners = await viaPacs.store.db
          .selectFrom('gw_dicom_instance')
          .select('patient_id')
          .distinct()
          .where('study_uid', '=', moved.studyInstanceUid)
          .execute();
        expect(owners).toEqual([{ patient_id: OTHER }]);
      } finally {
        await orthanc.deleteStudy(moved.studyInstanceUid);
        await syncPacs(viaPacs.store, pacs, TEST_FACILITY, { full: true, now: NOW });
      }
    });

    it('follows the PACS: a new study and a late patient are picked up, a deleted study goes at the next full listing', async () => {
      const late = study(NHO_PATIENT, engine === 'sqlite' ? 7 : 8);
      await orthanc.upload(syntheticCt(late, 7, { slices: 2, size: 32 }));
      try {
        const added = await syncPacs(viaPacs.store, pacs, TEST_FACILITY, { now: NOW });
        expect([added.full, added.fetched]).toEqual([false, 1]);
        expect(
          (await fetchRaw(viaPacs, `/dicomweb/studies/${late.studyInstanceUid}/series`, RADIOLOGY)).status,
        ).toBe(200);

        await orthanc.deleteStudy(late.studyInstanceUid);
        // A recent listing cannot tell a study gone from one not listed: served until the full listing.
        await syncPacs(viaPacs.store, pacs, TEST_FACILITY, { now: NOW });
        expect(
          (await fetchRaw(viaPacs, `/dicomweb/studies/${late.studyInstanceUid}/series`, RADIOLOGY)).status,
        ).toBe(200);
        const full = await syncPacs(viaPacs.store, pacs, TEST_FACILITY, { full: true, now: NOW });
        expect(full.studiesChanged).toBe(1);
        expect(
          (await fetchRaw(viaPacs, `/dicomweb/studies/${late.studyInstanceUid}/series`, RADIOLOGY)).status,
        ).toBe(404);
      } finally {
        await orthanc.deleteStudy(late.studyInstanceUid);
      }

      // The stranger becomes a patient of this gateway (an ADT arrived): the next pass indexes the study.
      await viaPacs.store.db
        .insertInto('gw_patient')
        .values({ patient_id: STRANGER, updated_at: '2026-10-09T00:00:00Z' })
        .execute();
      const arrived = await syncPacs(viaPacs.store, pacs, TEST_FACILITY, { full: true, now: NOW });
      expect(arrived.fetched).toBe(1);
      const status = await gatewayStatus(viaPacs.store);
      expect(status.errors.map((e) => e.code)).toEqual(['dicom-wrong-issuer']);
      const own = await fetchRaw(viaPacs, `/dicomweb/studies/${stranger.studyInstanceUid}/series`, {
        ...RADIOLOGY,
        patientId: STRANGER,
      });
      expect(own.status).toBe(200);
    });
  });
});
