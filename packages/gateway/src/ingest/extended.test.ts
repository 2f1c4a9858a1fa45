import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { DOCUMENT_CATEGORIES } from '@hie/contract';
import { documentCategory } from '@hie/fhir-jp';
import {
  type GatewayUnderTest,
  gatewayUnderTest,
  TEST_ENGINES,
  TEST_FACILITY,
} from '@hie/record-source/testing';
import { generateStorage, listExtendedStorage } from '@hie/ssmix2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayIngest } from './index.js';

// A generated hospital with discharge and nursing summaries, medication guidance records, imaging
// reports and referral letters in extended storage.
let dir: string;
let std: string;
let ext: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hie-ext-'));
  std = join(dir, 'standard');
  ext = join(dir, 'extended');
  await generateStorage({
    patients: 12,
    facilityCode: '3319800011',
    years: 2,
    seed: 9,
    out: std,
    extendedOut: ext,
  });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function currentFolders() {
  const folders = [];
  for await (const item of listExtendedStorage(ext))
    if (item.kind === 'content' && item.name.ok) folders.push(item);
  const newest = new Map<string, (typeof folders)[number]>();
  for (const f of folders) {
    if (!f.name.ok) continue;
    const n = f.name.value;
    const key = `${n.patientId}|${n.careDate}|${n.dataType}|${n.orderNo}`;
    const held = newest.get(key);
    if (!held?.name.ok || held.name.value.timestamp < n.timestamp) newest.set(key, f);
  }
  return [...newest.values()].filter((f) => f.name.ok && f.name.value.flag !== '0');
}

describe.each(TEST_ENGINES)('extended storage documents on %s', (engine) => {
  let gut: GatewayUnderTest;
  let ingest: GatewayIngest;
  afterEach(async () => {
    await ingest?.stop();
    await gut?.dispose();
  });

  it('projects one DocumentReference per current document and serves its files only to allowed requests', async () => {
    gut = await gatewayUnderTest(engine, [], {
      disclosure: { categories: [...DOCUMENT_CATEGORIES] },
      storageRoots: [std, ext],
    });
    ingest = new GatewayIngest(gut.store, { roots: [std], extendedRoots: [ext], facility: TEST_FACILITY });
    const report = await ingest.fullLoad();
    const current = await currentFolders();
    expect(current.length).toBeGreaterThan(0);
    expect(report.documents).toBe(current.length);

    const doc = current[0]!;
    const patient = doc.name.ok ? doc.name.value.patientId : '';
    const search = await gut.get(`/fhir/DocumentReference?patient=${patient}&_count=100`, {
      patientId: patient,
      categories: [...DOCUMENT_CATEGORIES],
    });
    expect(search.status).toBe(200);
    const bundle = search.json() as {
      total: number;
      entry: { resource: { content: { attachment: { url: string; title: string } }[] } }[];
    };
    const expected = current.filter((f) => f.name.ok && f.name.value.patientId === patient).length;
    expect(bundle.total).toBe(expected);

    // The PDF comes back byte for byte from the hospital's storage.
    const pdf = bundle.entry
      .flatMap((e) => e.resource.content)
      .find((c) => c.attachment.title === 'document.pdf')!;
    const folder = current.find(
      (f) => f.name.ok && f.name.value.patientId === patient && f.attachments.includes('document.pdf'),
    )!;
    expect(pdf).toBeDefined();
    const binary = await gut.app.inject({
      method: 'GET',
      url: `/fhir/${pdf.attachment.url}`,
      headers: {
        authorization: `Bearer ${await gut.sign({ patientId: patient, categories: [...DOCUMENT_CATEGORIES] }, { request: `/fhir/${pdf.attachment.url}` })}`,
      },
    });
    expect(binary.statusCode).toBe(200);
    expect(binary.headers['content-type']).toContain('application/pdf');
    expect(binary.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(folder).toBeDefined();

    // Without the document category in the assertion: nothing, not even the count.
    const lab = await gut.get(`/fhir/DocumentReference?patient=${patient}`, {
      patientId: patient,
      categories: ['lab-result'],
    });
    expect((lab.json() as { total: number }).total).toBe(0);
    const denied = await gut.get(`/fhir/${pdf.attachment.url}`, {
      patientId: patient,
      categories: ['lab-result'],
    });
    expect(denied.status).toBe(404);
  });

  it('serves each kind of document only to an assertion for that kind (退院時サマリ, 看護サマリ, 服薬指導記録, 読影レポート, 診療情報提供書)', async () => {
    gut = await gatewayUnderTest(engine, [], {
      disclosure: { categories: [...DOCUMENT_CATEGORIES] },
      storageRoots: [std, ext],
    });
    ingest = new GatewayIngest(gut.store, { roots: [std], extendedRoots: [ext], facility: TEST_FACILITY });
    await ingest.fullLoad();
    const current = await currentFolders();
    const kindOf = (f: (typeof current)[number]) => documentCategory(f.dataType);
    const kinds = [...new Set(current.map(kindOf))].sort();
    expect(kinds).toEqual([
      'document-discharge-summary',
      'document-medication-guidance',
      'document-nursing-summary',
      'document-radiology-report',
      'document-referral',
    ]);
    const rows = await gut.store.db
      .selectFrom('gw_resource')
      .select(['resource_type', 'category'])
      .where('record_key', 'like', 'ext|%')
      .execute();
    expect(rows.some((r) => r.category === 'document')).toBe(false);
    for (const kind of kinds) {
      const folder = current.find((f) => kindOf(f) === kind)!;
      const patient = folder.name.ok ? folder.name.value.patientId : '';
      const asked = async (categories: string[]) =>
        (
          await gut.get(`/fhir/DocumentReference?patient=${patient}&_count=100`, {
            patientId: patient,
            categories,
          })
        ).json() as {
          total: number;
          entry?: { resource: { id: string; content: { attachment: { url: string } }[] } }[];
        };
      const own = await asked([kind]);
      const ofKind = current.filter(
        (f) => f.name.ok && f.name.value.patientId === patient && kindOf(f) === kind,
      );
      expect(own.total, kind).toBe(ofKind.length);
      // Every other kind (and the catch-all) together: none of this kind, and not its files.
      const others = DOCUMENT_CATEGORIES.filter((c) => c !== kind);
      const rest = await asked(others);
      const ownIds = new Set((own.entry ?? []).map((e) => e.resource.id));
      expect(
        (rest.entry ?? []).some((e) => ownIds.has(e.resource.id)),
        kind,
      ).toBe(false);
      const file = own.entry?.[0]?.resource.content[0]?.attachment.url ?? '';
      expect((await gut.get(`/fhir/${file}`, { patientId: patient, categories: others })).status).toBe(404);
      expect((await gut.get(`/fhir/${file}`, { patientId: patient, categories: [kind] })).status).toBe(200);
    }
  });

  it('follows an amended document and a deleted one, and a second pass writes nothing', async () => {
    gut = await gatewayUnderTest(engine, [], {
      disclosure: { categories: [...DOCUMENT_CATEGORIES] },
      storageRoots: [ext],
    });
    ingest = new GatewayIngest(gut.store, { roots: [std], extendedRoots: [ext], facility: TEST_FACILITY });
    await ingest.fullLoad();
    const again = await ingest.fullLoad();
    expect(again.resourcesPut).toBe(0);

    const victim = (await currentFolders())[0]!;
    const deletedName = basename(victim.path).replace(/_1$/, '_0');
    renameSync(victim.path, join(dirname(victim.path), deletedName));
    const after = await ingest.fullLoad();
    expect(after.documents).toBe((await currentFolders()).length);
    expect(after.resourcesDeleted).toBeGreaterThan(0);
    const rows = await gut.store.db
      .selectFrom('gw_resource')
      .select('file_path')
      .where('resource_type', '=', 'DocumentReference')
      .execute();
    expect(rows.some((r) => r.file_path.startsWith(victim.path))).toBe(false);
    // What is served is what the folder holds.
    const main = rows[0]?.file_path;
    expect(main && readFileSync(main).length).toBeGreaterThan(0);
  });
});
