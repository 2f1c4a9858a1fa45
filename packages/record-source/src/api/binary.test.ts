import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GwResourceTable } from '../store/schema.js';
import { TEST_ENGINES } from '../testing/store.js';
import { errorCode, type GatewayUnderTest, gatewayUnderTest, NHO_PATIENT } from './test-kit.js';

const PDF = Buffer.from('%PDF-1.4\n紹介状\n%%EOF\n');

const documentRow = (id: string, filePath: string, patient = NHO_PATIENT): GwResourceTable => ({
  resource_type: 'DocumentReference',
  id,
  patient_id: patient,
  category: 'document',
  date: '2026-10-01',
  code: null,
  record_key: `${patient}.20261001.DOC.`,
  file_path: filePath,
  version_id: 1,
  last_updated: '2026-10-01T00:00:00Z',
  json: JSON.stringify({
    resourceType: 'DocumentReference',
    id,
    status: 'current',
    subject: { reference: `Patient/${patient}.ADT-00` },
    content: [{ attachment: { url: `Binary/${id}`, contentType: 'application/pdf', title: '紹介状' } }],
  }),
});

const binaryRow = (id: string): GwResourceTable => ({
  ...documentRow(id, '/nowhere'),
  resource_type: 'Binary',
  json: JSON.stringify({
    resourceType: 'Binary',
    id,
    contentType: 'text/plain',
    data: Buffer.from('メモ').toString('base64'),
  }),
});

describe.each(TEST_ENGINES)('Binary on %s', (engine) => {
  let gw: GatewayUnderTest;
  let root: string;
  let outside: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'hie-gw-docs-'));
    outside = await mkdtemp(join(tmpdir(), 'hie-gw-outside-'));
    await mkdir(join(root, 'ext'), { recursive: true });
    await writeFile(join(root, 'ext', 'letter.pdf'), PDF);
    await writeFile(join(outside, 'secret.pdf'), PDF);
  });
  afterEach(async () => {
    await gw?.dispose();
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  const rows = () => [
    documentRow('doc1', join(root, 'ext', 'letter.pdf')),
    documentRow('doc2', join(outside, 'secret.pdf')),
    documentRow('doc3', join(root, 'ext', 'letter.pdf'), 'another-patient'),
    binaryRow('memo1'),
  ];

  it('serves a document file from storage and a stored Binary, audited, when documents are disclosed', async () => {
    gw = await gatewayUnderTest(engine, rows(), {
      disclosure: { categories: ['document'] },
      storageRoots: [root],
    });
    const token = (request = '/fhir/Binary/doc1') => gw.sign({ categories: ['document'] }, { request });
    const raw = await gw.app.inject({
      url: '/fhir/Binary/doc1',
      headers: { authorization: `Bearer ${await token()}` },
    });
    expect(raw.statusCode).toBe(200);
    expect(raw.headers['content-type']).toBe('application/pdf');
    expect(raw.rawPayload.equals(PDF)).toBe(true);
    const asFhir = await gw.app.inject({
      url: '/fhir/Binary/doc1',
      headers: { authorization: `Bearer ${await token()}`, accept: 'application/fhir+json' },
    });
    expect(asFhir.json()).toMatchObject({
      resourceType: 'Binary',
      contentType: 'application/pdf',
      data: PDF.toString('base64'),
    });
    const memo = await gw.get('/fhir/Binary/memo1', { categories: ['document'] });
    expect(memo.body).toBe('メモ');
    const audit = await gw.store.db.selectFrom('audit_event').select('event_json').orderBy('seq').execute();
    expect(JSON.parse(audit[0]!.event_json).entities).toEqual(['DocumentReference/doc1', 'Binary/doc1']);
  });

  it('answers 404 for unknown ids, files outside the storage roots, other patients and undisclosed documents', async () => {
    gw = await gatewayUnderTest(engine, rows(), {
      disclosure: { categories: ['document'] },
      storageRoots: [root],
    });
    for (const id of ['nothing', 'doc2', 'doc3']) {
      const r = await gw.get(`/fhir/Binary/${id}`, { categories: ['document'] });
      expect([r.status, errorCode(r.json())], id).toEqual([404, 'not-found']);
    }
    const notGranted = await gw.get('/fhir/Binary/doc1', { categories: ['lab-result'] });
    expect(notGranted.status).toBe(404);
  });
});
