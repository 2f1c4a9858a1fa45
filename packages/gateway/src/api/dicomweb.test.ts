// Issue 12: DICOM files indexed by the gateway and served as DICOMweb only under a hub assertion that
// allows the imaging category for that patient — the same choke point as FHIR reads — with every
// retrieval audited; bad files listed, never served, never blocking the others.
import { mkdir, mkdtemp, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  readDicomFile,
  readFrame,
  type SyntheticStudy,
  syntheticCrChest,
  syntheticCt,
  syntheticEndoscopy,
} from '@hie/dicom';
import { dicomStudyId } from '@hie/fhir-jp';
import {
  errorCode,
  type GatewayUnderTest,
  gatewayUnderTest,
  NHO_PATIENT,
  patientRowOf,
  TEST_ENGINES,
  TEST_FACILITY,
} from '@hie/record-source/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DicomIndexReport, syncDicomStorage } from '../ingest/dicom-index.js';

const OTHER = '0000000042';

const study = (patientId: string, n: number, over: Partial<SyntheticStudy> = {}): SyntheticStudy => ({
  patientId,
  patientName: 'Yamada^Taro=山田^太郎=ヤマダ^タロウ',
  patientBirthDate: '19500402',
  patientSex: 'M',
  studyInstanceUid: `2.25.${1000 + n}`,
  accessionNumber: `A${n}`,
  studyDate: `2026100${n}`,
  studyTime: '093000',
  studyDescription: `study ${n}`,
  ...over,
});

const RADIOLOGY = { categories: ['radiology'] };
const EVERYTHING = { categories: ['radiology', 'endoscopy'] };

describe.each(TEST_ENGINES)('DICOM at the gateway on %s', (engine) => {
  let dir: string;
  let gw: GatewayUnderTest;
  let report: DicomIndexReport;
  const cr = study(NHO_PATIENT, 1);
  const ct = study(NHO_PATIENT, 2);
  const scope = study(NHO_PATIENT, 3);
  const others = study(OTHER, 4);
  const stranger = study('9999999999', 5);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hie-dicom-gw-'));
    gw = await gatewayUnderTest(engine, [patientRowOf(NHO_PATIENT), patientRowOf(OTHER)], {
      disclosure: { categories: ['radiology', 'endoscopy', 'demographics'] },
    });
    const write = async (folder: string, files: Uint8Array[]) => {
      await mkdir(join(dir, folder), { recursive: true });
      for (const [i, bytes] of files.entries()) await writeFile(join(dir, folder, `${i + 1}.dcm`), bytes);
    };
    await write('cr', syntheticCrChest(cr, 1));
    await write('ct', syntheticCt(ct, 2, { slices: 6, size: 64 }));
    await write('es', syntheticEndoscopy(scope, 3));
    await write('other', syntheticCrChest(others, 4));
    await write('stranger', syntheticCrChest(stranger, 5));
    await write(
      'wrong-issuer',
      syntheticCrChest(study(NHO_PATIENT, 6, { issuerOfPatientId: '1.2.3.4.5' }), 6),
    );
    await writeFile(join(dir, 'not-dicom.dcm'), 'MSH|^~\\&|just text');
    const cut = syntheticCrChest(study(NHO_PATIENT, 7), 7)[0]!;
    await writeFile(join(dir, 'cut.dcm'), cut.subarray(0, 200));
    report = await syncDicomStorage(gw.store, [dir], TEST_FACILITY);
  });
  afterAll(async () => {
    await gw?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('indexes every readable file of a known patient, lists each bad one with its reason, and blocks nothing', async () => {
    expect(report.files).toBe(2 + 6 + syntheticEndoscopy(scope, 3).length + 2 + 2 + 2 + 2);
    const errors = await gw.store.db.selectFrom('gw_error').select(['path', 'code']).execute();
    const codeOf = (name: string) => errors.filter((e) => e.path.includes(name)).map((e) => e.code);
    expect(codeOf('stranger')).toEqual(['dicom-unknown-patient', 'dicom-unknown-patient']);
    expect(codeOf('wrong-issuer')).toEqual(['dicom-wrong-issuer', 'dicom-wrong-issuer']);
    expect(codeOf('not-dicom')).toEqual(['dicom-not-dicom']);
    expect(codeOf('cut.dcm')).toEqual(['dicom-truncated']);
    // One ImagingStudy per study, under its own patient, in the category of its modality.
    const studies = await gw.store.db
      .selectFrom('gw_resource')
      .select(['id', 'patient_id', 'category'])
      .where('resource_type', '=', 'ImagingStudy')
      .orderBy('id')
      .execute();
    expect(studies).toEqual(
      [
        {
          id: dicomStudyId(NHO_PATIENT, cr.studyInstanceUid),
          patient_id: NHO_PATIENT,
          category: 'radiology',
        },
        {
          id: dicomStudyId(NHO_PATIENT, ct.studyInstanceUid),
          patient_id: NHO_PATIENT,
          category: 'radiology',
        },
        {
          id: dicomStudyId(NHO_PATIENT, scope.studyInstanceUid),
          patient_id: NHO_PATIENT,
          category: 'endoscopy',
        },
        { id: dicomStudyId(OTHER, others.studyInstanceUid), patient_id: OTHER, category: 'radiology' },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    // A second pass reads nothing new but the file still waiting for its patient.
    const again = await syncDicomStorage(gw.store, [dir], TEST_FACILITY);
    expect(again.read).toBe(2);
    expect(again.studiesChanged).toBe(0);
  });

  it('QIDO-RS lists the patient’s studies the assertion allows, and nothing without an assertion', async () => {
    const studies = (await gw.get('/dicomweb/studies', EVERYTHING)).json() as Record<
      string,
      { Value?: unknown[] }
    >[];
    expect(studies.map((s) => s['0020000D']?.Value?.[0]).sort()).toEqual(
      [cr.studyInstanceUid, ct.studyInstanceUid, scope.studyInstanceUid].sort(),
    );
    const ctStudy = studies.find((s) => s['0020000D']?.Value?.[0] === ct.studyInstanceUid)!;
    expect(ctStudy['00201208']?.Value?.[0]).toBe(6);
    expect(ctStudy['00080061']?.Value).toEqual(['CT']);
    // Radiology only: the endoscopy is not there; another patient's study never is.
    const radiology = (await gw.get('/dicomweb/studies', RADIOLOGY)).json() as unknown[];
    expect(radiology).toHaveLength(2);
    expect(
      ((await gw.get('/dicomweb/studies', { categories: ['lab-result'] })).json() as unknown[]).length,
    ).toBe(0);
    const none = await gw.get('/dicomweb/studies', {}); // an assertion with no category: nothing
    expect([none.status, (none.json() as unknown[]).length]).toEqual([200, 0]);
    const anonymous = await gw.get('/dicomweb/studies', '');
    expect([anonymous.status, errorCode(anonymous.json())]).toEqual([401, 'missing']);
    const named = await gw.get(`/dicomweb/studies?PatientID=${OTHER}`, EVERYTHING);
    expect([named.status, errorCode(named.json())]).toEqual([403, 'patient-mismatch']);
  });

  it('series, instances and metadata of a visible study; 404 alike for another patient’s and an unknown one', async () => {
    const base = `/dicomweb/studies/${ct.studyInstanceUid}`;
    const series = (await gw.get(`${base}/series`, RADIOLOGY)).json() as Record<
      string,
      { Value?: unknown[] }
    >[];
    expect(series).toHaveLength(1);
    const seriesUid = String(series[0]?.['0020000E']?.Value?.[0]);
    const instances = (await gw.get(`${base}/series/${seriesUid}/instances`, RADIOLOGY)).json() as unknown[];
    expect(instances).toHaveLength(6);
    const metadata = (await gw.get(`${base}/series/${seriesUid}/metadata`, RADIOLOGY)).json() as Record<
      string,
      unknown
    >[];
    expect(metadata).toHaveLength(6);
    expect(metadata[0]?.['7FE00010']).toBeUndefined(); // never the pixels in metadata
    for (const url of [
      `/dicomweb/studies/${others.studyInstanceUid}/series`,
      '/dicomweb/studies/2.25.999999/series',
      `/dicomweb/studies/${scope.studyInstanceUid}/series`, // endoscopy, not allowed by RADIOLOGY
    ]) {
      const r = await gw.get(url, RADIOLOGY);
      expect([r.status, errorCode(r.json())], url).toEqual([404, 'not-found']);
    }
    const bad = await gw.get('/dicomweb/studies/1.2.x/series', RADIOLOGY);
    expect(bad.status).toBe(400);
  });

  it('WADO-RS frames: multipart/related with the very bytes of each frame; a rendered PNG; each audited', async () => {
    const files = await gw.store.db
      .selectFrom('gw_dicom_instance')
      .selectAll()
      .where('study_uid', '=', ct.studyInstanceUid)
      .orderBy('instance_number')
      .execute();
    const row = files[2]!;
    const url = `/dicomweb/studies/${row.study_uid}/series/${row.series_uid}/instances/${row.sop_uid}/frames/1`;
    const token = await gw.sign(RADIOLOGY, { request: url });
    const response = await gw.app.inject({
      method: 'GET',
      url,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'multipart/related; type="application/octet-stream"',
      },
    });
    expect(response.statusCode).toBe(200);
    const type = response.headers['content-type'] as string;
    expect(type).toMatch(/^multipart\/related; type="application\/octet-stream"/);
    const boundary = /boundary=([^;]+)/.exec(type)?.[1] ?? '';
    const body = response.rawPayload;
    const start = body.indexOf('\r\n\r\n') + 4;
    const end = body.lastIndexOf(Buffer.from(`\r\n--${boundary}--`));
    const parsed = await readDicomFile(row.file_path);
    if (!parsed.ok) throw new Error(parsed.message);
    const expected = await readFrame(row.file_path, parsed.instance, 0);
    expect(Buffer.compare(body.subarray(start, end), Buffer.from(expected))).toBe(0);

    const png = await gw.get(
      `/dicomweb/studies/${row.study_uid}/series/${row.series_uid}/instances/${row.sop_uid}/rendered?window=-600,1500`,
      RADIOLOGY,
    );
    expect(png.status).toBe(200);
    expect(Buffer.from(png.body, 'latin1').subarray(1, 4).toString()).toBe('PNG');

    const audit = await gw.store.db
      .selectFrom('audit_event')
      .select(['event_json'])
      .orderBy('seq', 'desc')
      .limit(2)
      .execute();
    const records = audit.map(
      (a) => JSON.parse(a.event_json) as { entities?: string[]; detail?: Record<string, string> },
    );
    for (const r of records) {
      expect(r.entities).toEqual([`ImagingStudy/${dicomStudyId(NHO_PATIENT, ct.studyInstanceUid)}`]);
      expect(r.detail?.studyUid).toBe(ct.studyInstanceUid);
    }
    expect(records.find((r) => r.detail?.frames === '1')).toBeDefined();
    // A frame that does not exist, and an instance of another study's path: refused.
    const two = await gw.get(url.replace(/frames\/1$/, 'frames/2'), RADIOLOGY);
    expect(two.status).toBe(400);
  });

  it('a file removed from the folder takes its study away; a corrected file is read again', async () => {
    const dirFiles = join(dir, 'cr');
    await unlink(join(dirFiles, '1.dcm'));
    await unlink(join(dirFiles, '2.dcm'));
    await truncate(join(dir, 'not-dicom.dcm'), 0);
    const report = await syncDicomStorage(gw.store, [dir], TEST_FACILITY);
    expect(report.studiesChanged).toBe(1);
    const gone = await gw.get(`/dicomweb/studies/${cr.studyInstanceUid}/series`, RADIOLOGY);
    expect(gone.status).toBe(404);
    const studies = (await gw.get('/dicomweb/studies', RADIOLOGY)).json() as unknown[];
    expect(studies).toHaveLength(1);
  });
});
