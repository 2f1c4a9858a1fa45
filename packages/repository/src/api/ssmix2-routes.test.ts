import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { CATEGORY_CODES } from '@hie/contract';
import { patientResourceId } from '@hie/fhir-jp';
import { TEST_ENGINES } from '@hie/platform/testing';
import { formatFileName, generateStorage, keyFolders, parseFileName, type Ssmix2FileName } from '@hie/ssmix2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordKey } from '../intake/ssmix2/keys.js';
import { storageEntries, writeZip, type ZipSpec } from '../intake/ssmix2/testing.js';
import type { TenantInput } from '../tenants/registry.js';
import { type RepositoryUnderTest, repositoryUnderTest } from '../testing.js';

const CLINIC: TenantInput = {
  oid: '1.2.392.200119.6.102.1319900011',
  institutionCode: '1319900011',
  name: 'みなと内科医院',
  kind: 'clinic',
};
const OTHER: TenantInput = {
  oid: '1.2.392.200119.6.102.1319900029',
  institutionCode: '1319900029',
  name: 'やまて整形外科',
  kind: 'clinic',
};
const NHO_ROOT = fileURLToPath(new URL('../../../../fixtures/samples/ssmix2/nho', import.meta.url));

interface Issue {
  code: string;
  file?: string;
  line?: number;
  field?: string;
}

let storage: string;
/** The clinic's generated storage under a root folder, its generator's `.hie/` included (ignored). */
let entries: ZipSpec[];
let names: (Ssmix2FileName & { entry: ZipSpec })[];

beforeAll(async () => {
  storage = await mkdtemp(join(tmpdir(), 'hie-rp-ssmix2-'));
  await generateStorage({
    patients: 3,
    facilityCode: CLINIC.institutionCode,
    years: 1,
    seed: 11,
    out: storage,
  });
  entries = await storageEntries(storage, 'ssmix2/');
  names = entries.flatMap((entry) => {
    const parsed = parseFileName(entry.name.slice(entry.name.lastIndexOf('/') + 1));
    return parsed.ok ? [{ ...parsed.value, entry }] : [];
  });
});
afterAll(() => rm(storage, { recursive: true, force: true }));

describe.each(TEST_ENGINES)('SS-MIX2 upload (%s)', (engine) => {
  let r: RepositoryUnderTest;
  let clinic: { oid: string; token: string };
  let other: { oid: string; token: string };
  beforeAll(async () => {
    r = await repositoryUnderTest(engine);
    clinic = await r.addTenant(CLINIC);
    other = await r.addTenant(OTHER);
  });
  afterAll(() => r?.dispose());

  const upload = (zip: Buffer, token = clinic.token, oid = clinic.oid) =>
    r.app.inject({
      method: 'POST',
      url: `/t/${oid}/intake/ssmix2`,
      headers: {
        'content-type': 'application/zip',
        'x-file-name': 'storage.zip',
        authorization: `Bearer ${token}`,
      },
      payload: zip,
    });
  const rows = async (oid = clinic.oid) =>
    Number(
      (
        await r.tenants
          .storeOf(oid)
          .db.selectFrom('gw_resource')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst()
      )?.n,
    );
  const rowsOfKey = async (key: string) =>
    (
      await r.tenants
        .storeOf(clinic.oid)
        .db.selectFrom('gw_resource')
        .select('id')
        .where('record_key', '=', key)
        .execute()
    ).length;
  const refusal = (res: Awaited<ReturnType<typeof upload>>) => {
    expect(res.statusCode, res.body).toBe(422);
    const body = res.json() as { error: { code: string }; issues: Issue[] };
    expect(body.error.code).toBe('rejected');
    return body.issues;
  };
  /** A file of this key written later than everything in the storage, filed where it belongs. */
  const laterFile = (n: Ssmix2FileName, flag: '0' | '1', data: Uint8Array): ZipSpec => {
    const name = { ...n, timestamp: '20991231235959000', flag };
    return { name: `${keyFolders(name).join('/')}/${formatFileName(name)}`, data };
  };

  it('imports the clinic’s storage: every key’s newest file, readable through the FHIR API', async () => {
    const res = await upload(writeZip(entries));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as {
      counts: { resources: number; patients: number };
      storage: { files: number; keys: number; ignored: number };
    };
    expect(body.counts.patients).toBe(3);
    expect(body.counts.resources).toBeGreaterThan(20);
    expect(body.storage.files).toBe(names.length);
    expect(body.storage.ignored).toBeGreaterThan(0); // .hie/ground-truth.csv
    const patientId = names.find((n) => n.dataType === 'ADT-00')!.patientId;
    const claims = { patientId, categories: [...CATEGORY_CODES] };
    const patient = await r.read(
      clinic.oid,
      `/t/${clinic.oid}/fhir/Patient/${patientResourceId(patientId)}`,
      claims,
    );
    expect(patient.status).toBe(200);
    expect(patient.json()).toMatchObject({ resourceType: 'Patient' });
    const everything = await r.read(
      clinic.oid,
      `/t/${clinic.oid}/fhir/Patient/${patientId}/$everything`,
      claims,
    );
    expect(everything.status).toBe(200);
    expect((everything.json() as { total: number }).total).toBeGreaterThan(5);
  });

  it('the same zip again writes the same records (a re-upload replaces, it does not add)', async () => {
    const before = await rows();
    const res = await upload(writeZip(entries));
    expect(res.statusCode, res.body).toBe(200);
    expect(await rows()).toBe(before);
  });

  it('a deleted-flag file removes what its key produced; an ADT-00 deletion removes the patient', async () => {
    let target: (typeof names)[number] | undefined;
    for (const n of names.filter((n) => n.flag === '1' && n.dataType !== 'ADT-00'))
      if (!target && (await rowsOfKey(recordKey(n))) > 0) target = n;
    const demographics = names.find((n) => n.dataType === 'ADT-00' && n.flag === '1')!;
    const before = await rows();
    const res = await upload(
      writeZip([
        laterFile(target!, '0', target!.entry.data!),
        laterFile(demographics, '0', demographics.entry.data!),
      ]),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as { counts: { deleted: number } }).counts.deleted).toBeGreaterThan(0);
    expect(await rowsOfKey(recordKey(target!))).toBe(0);
    expect(await rows()).toBeLessThan(before);
    const patient = await r.tenants
      .storeOf(clinic.oid)
      .db.selectFrom('gw_resource')
      .select('id')
      .where('id', '=', patientResourceId(demographics.patientId))
      .execute();
    expect(patient).toEqual([]);
    const search = await r.tenants
      .storeOf(clinic.oid)
      .db.selectFrom('gw_patient')
      .select('patient_id')
      .where('patient_id', '=', demographics.patientId)
      .execute();
    expect(search).toEqual([]);
  });

  it('refuses a zip with a path that leaves the archive, naming the entry, and writes nothing', async () => {
    const before = await rows();
    const issues = refusal(
      await upload(writeZip([...entries, { name: '../../etc/cron.d/evil', data: new Uint8Array(3) }])),
    );
    expect(issues).toEqual([
      expect.objectContaining({ code: 'ssmix2-zip-path-traversal', file: '../../etc/cron.d/evil' }),
    ]);
    expect(await rows()).toBe(before);
  });

  it('refuses a zip bomb (300 MB of zeros declared as 1 KB) and an entry declared over the bound', async () => {
    const file = names.find((n) => n.dataType === 'ADT-00')!;
    const bomb = deflateRawSync(Buffer.alloc(300 * 1024 * 1024), { level: 1 });
    const bombed = writeZip([{ name: file.entry.name, data: new Uint8Array(1024), deflated: bomb }]);
    expect(refusal(await upload(bombed))).toEqual([
      expect.objectContaining({ code: 'ssmix2-zip-size-mismatch', file: file.entry.name }),
    ]);
    const declared = writeZip([
      { name: file.entry.name, data: file.entry.data!, declaredSize: 100 * 1024 * 1024 },
    ]);
    expect(refusal(await upload(declared))).toEqual([
      expect.objectContaining({ code: 'ssmix2-zip-entry-too-large', file: file.entry.name }),
    ]);
  });

  it('refuses another facility’s storage (MSH-4) whole, file by file', async () => {
    const before = await rows();
    const issues = refusal(await upload(writeZip(await storageEntries(NHO_ROOT, 'nho/'))));
    expect(issues.length).toBeGreaterThan(10);
    expect(
      issues.every((i) => i.code === 'ssmix2-other-facility' && i.line === 1 && i.field === 'MSH-4'),
    ).toBe(true);
    expect(issues[0]!.file).toMatch(/^nho\/999\/901\/9999013\//);
    expect(await rows()).toBe(before);
  });

  it('refuses the whole zip for bad HL7 in some files, listing each, and writes nothing', async () => {
    const before = await rows();
    const intakes = async () =>
      (await r.tenants.storeOf(clinic.oid).db.selectFrom('rp_intake').select('status').execute()).filter(
        (i) => i.status === 'rejected',
      ).length;
    const rejectedBefore = await intakes();
    const [first, second] = names.filter((n) => n.flag === '1' && n.dataType !== 'ADT-00');
    const msh = (e: ZipSpec) => Buffer.from(e.data!).toString('latin1').split('\r')[0];
    const broken = entries.map((e) =>
      e === first!.entry
        ? { ...e, data: Buffer.from('this is not HL7\r') }
        : e === second!.entry
          ? { ...e, data: Buffer.from(`${msh(e)}\rpid|lower-case segment name\r`, 'latin1') }
          : e,
    );
    const issues = refusal(await upload(writeZip(broken)));
    expect(issues).toEqual([
      expect.objectContaining({ code: 'ssmix2-hl7-no-msh', file: first!.entry.name }),
      expect.objectContaining({ code: 'ssmix2-hl7-bad-segment', file: second!.entry.name, line: 2 }),
    ]);
    expect(await rows()).toBe(before);
    expect(await intakes()).toBe(rejectedBefore + 1);
  });

  it('takes a message whose MSH-4 is empty or the facility’s OID', async () => {
    const file = names.find((n) => n.dataType === 'ADT-00' && n.flag === '1')!;
    const text = Buffer.from(file.entry.data!).toString('latin1');
    const own = `|HIS|${CLINIC.institutionCode}|`;
    expect(text).toContain(own);
    for (const msh4 of ['', `^${CLINIC.oid}^ISO`, CLINIC.oid]) {
      const data = Buffer.from(text.replace(own, `|HIS|${msh4}|`), 'latin1');
      const res = await upload(writeZip([laterFile(file, '1', data)]));
      expect(res.statusCode, res.body).toBe(200);
    }
    const stranger = Buffer.from(text.replace(own, '|HIS|^1.2.392.200119.6.102.1319900029^ISO|'), 'latin1');
    expect(refusal(await upload(writeZip([laterFile(file, '1', stranger)])))).toEqual([
      expect.objectContaining({ code: 'ssmix2-other-facility', field: 'MSH-4', line: 1 }),
    ]);
  });

  it('refuses files outside the storage layout and files filed under another patient', async () => {
    const file = names.find((n) => n.dataType === 'ADT-00')!;
    const base = file.entry.name.slice(file.entry.name.lastIndexOf('/') + 1);
    const issues = refusal(
      await upload(
        writeZip([
          { name: 'notes/readme.txt', data: Buffer.from('hello') },
          { name: `ssmix2/999/999/9999999/-/ADT-00/${base}`, data: file.entry.data! },
        ]),
      ),
    );
    expect(issues.map((i) => i.code)).toEqual(['ssmix2-file-name', 'ssmix2-layout']);
  });

  it('refuses another tenant’s sender (403) and one without a credential (401)', async () => {
    const zip = writeZip(entries.slice(0, 3));
    const res = await upload(zip, other.token);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('sender-other-tenant');
    const none = await r.app.inject({
      method: 'POST',
      url: `/t/${clinic.oid}/intake/ssmix2`,
      headers: { 'content-type': 'application/zip' },
      payload: zip,
    });
    expect(none.statusCode).toBe(401);
  });

  it('every upload, accepted or refused, is in the audit chain', async () => {
    const events = (
      await r.store.db
        .selectFrom('audit_event')
        .select(['outcome', 'event_json'])
        .where('type', '=', 'intake')
        .execute()
    ).map((e) => ({
      outcome: e.outcome,
      event: JSON.parse(e.event_json) as { detail?: { intake?: string } },
    }));
    const ssmix2 = events.filter((e) => e.event.detail?.intake === 'ssmix2');
    expect(ssmix2.some((e) => e.outcome === '0')).toBe(true);
    expect(ssmix2.some((e) => e.outcome === '4')).toBe(true);
  });
});
