import { join } from 'node:path';
import { categoryTagOf } from '@hie/contract';
import { PROJECTION_VERSION } from '@hie/record-source';
import { createTestStore, TEST_ENGINES, type TestStore } from '@hie/record-source/testing';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { GatewayIngest, gatewayStatus } from './index.js';
import { FACILITY, SAMPLES } from './testing/fixtures.js';

describe.each(TEST_ENGINES)('ingest of the shared samples on %s', (engine) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await createTestStore(engine);
  });
  afterEach(async () => {
    await store.dispose();
  });

  const load = async (dir: string) => {
    const ingest = new GatewayIngest(store, { roots: [join(SAMPLES, dir)], facility: FACILITY });
    try {
      return await ingest.fullLoad();
    } finally {
      await ingest.stop();
    }
  };

  test('every projected resource carries its category as a tag, for the hub to check (issue 10, finding 8)', async () => {
    await load('nho');
    const rows = await store.db.selectFrom('gw_resource').select(['category', 'json']).execute();
    expect(rows.length).toBeGreaterThan(50);
    for (const row of rows)
      expect(categoryTagOf(JSON.parse(row.json)), row.json.slice(0, 80)).toBe(row.category);
  });

  test('a store projected by an older release (no tags) is rebuilt once at start, then left alone', async () => {
    await load('nho');
    // As release 1 left it: untagged resources, projection version 1.
    for (const row of await store.db
      .selectFrom('gw_resource')
      .select(['resource_type', 'id', 'json'])
      .execute()) {
      const resource = JSON.parse(row.json);
      resource.meta.tag = undefined;
      await store.db
        .updateTable('gw_resource')
        .set({ json: JSON.stringify(resource) })
        .where('resource_type', '=', row.resource_type)
        .where('id', '=', row.id)
        .execute();
    }
    await store.db
      .updateTable('gw_state')
      .set({ value: '1' })
      .where('name', '=', 'projection-version')
      .execute();
    const ingest = new GatewayIngest(store, {
      roots: [join(SAMPLES, 'nho')],
      facility: FACILITY,
      watch: false,
      rescanIntervalMs: 0,
    });
    try {
      await ingest.start();
    } finally {
      await ingest.stop();
    }
    const rows = await store.db.selectFrom('gw_resource').select(['category', 'json']).execute();
    expect(rows.every((r) => categoryTagOf(JSON.parse(r.json)) === r.category)).toBe(true);
    const version = await store.db
      .selectFrom('gw_state')
      .select('value')
      .where('name', '=', 'projection-version')
      .executeTakeFirst();
    expect(version?.value).toBe(String(PROJECTION_VERSION));
  });

  test('nho: every file projected, counted per category; the patient is searchable by kana', async () => {
    const report = await load('nho');
    expect(report).toMatchObject({ seen: 19, ingested: 19, errors: 0 });
    const status = await gatewayStatus(store);
    expect(status.resources.byCategory).toEqual({
      admission: 1,
      allergy: 5,
      'body-measurement': 3,
      demographics: 1,
      diagnosis: 1,
      diet: 1,
      discharge: 1,
      endoscopy: 32,
      'endoscopy-order': 3,
      injection: 5,
      'lab-order': 4,
      'lab-result': 5,
      physiology: 13,
      'physiology-order': 1,
      prescription: 5,
      radiology: 4,
      'radiology-order': 6,
      transfer: 1,
    });
    expect(status.resources.total).toBe(92);
    expect(status.files.byStatus).toEqual({ current: 19 });
    expect(status.patients).toBe(1);
    expect(status.errors).toEqual([]);
    const patient = await store.db.selectFrom('gw_patient').selectAll().executeTakeFirstOrThrow();
    expect(patient.patient_id).toBe('9999013');
    expect(patient.kana_key).toMatch(/^[\u30A0-\u30FF]+$/);
    expect(patient.name_kanji).toBeTruthy();
    expect(patient.birth_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const row = await store.db
      .selectFrom('gw_resource')
      .selectAll()
      .where('resource_type', '=', 'Patient')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.json)).toMatchObject({ resourceType: 'Patient', id: '9999013.ADT-00' });
  });

  test('nho-broken: the unreadable file is listed with its reason, the others are ingested', async () => {
    const report = await load('nho-broken');
    expect(report).toMatchObject({ seen: 3, ingested: 2, errors: 1 });
    const status = await gatewayStatus(store);
    expect(status.errors).toHaveLength(1);
    expect(status.errors[0]).toMatchObject({ code: 'BAD_ENCODING', attempts: 1 });
    expect(status.errors[0]!.path).toContain('/ADT-31/');
    expect(status.errors[0]!.reason).not.toBe('');
    // The `_0` file is the newest (only) file of its key: nothing of it is projected.
    expect(status.files.byStatus).toEqual({ current: 1, deleted: 1 });
    expect(status.resources.byType).toEqual({ MedicationAdministration: 3 });
    // A second pass tries nothing again: the broken file has not changed.
    const again = await load('nho-broken');
    expect(again).toMatchObject({ unchanged: 3, ingested: 0, errors: 0 });
    expect((await gatewayStatus(store)).errors[0]!.attempts).toBe(1);
  });

  test('synthetic-ssmixtwins: two current PPR-01 files of one patient give one problem list, the newest', async () => {
    await load('synthetic-ssmixtwins/standard_root');
    const files = await store.db
      .selectFrom('gw_file')
      .select(['path', 'status', 'order_no'])
      .where('patient_id', '=', '8605612502')
      .where('data_type', '=', 'PPR-01')
      .orderBy('timestamp')
      .execute();
    expect(files.map((f) => f.status)).toEqual(['history', 'current']);
    const newestOrder = files[1]!.order_no;
    const conditions = await store.db
      .selectFrom('gw_resource')
      .select(['id', 'file_path'])
      .where('patient_id', '=', '8605612502')
      .where('resource_type', '=', 'Condition')
      .execute();
    expect(conditions.length).toBeGreaterThan(0);
    for (const c of conditions) {
      expect(c.id).toContain(newestOrder);
      expect(c.file_path).toBe(files[1]!.path);
    }
    const status = await gatewayStatus(store);
    expect(status.patients).toBe(3);
    expect(status.files.byStatus).toEqual({ current: 29, history: 1 });
  });
});
