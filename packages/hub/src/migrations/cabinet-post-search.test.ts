import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStore, TEST_ENGINES, type TestStore } from '../testing/store.js';
import { cabinetPostSearchMigration } from './cabinet-post-search.js';

describe.each(TEST_ENGINES)('the cabinet post search upgrade on %s', (engine) => {
  let store: TestStore;
  afterEach(() => store?.dispose());

  it('gives the posts written before it their words, and no JSON key', async () => {
    store = await createTestStore(engine);
    const db = store.db as unknown as Kysely<unknown>;
    await cabinetPostSearchMigration.down?.(db);
    const body = {
      soap: { s: '痛みあり', o: '発赤', a: '', p: '経過観察' },
      text: null,
      inputs: [
        {
          fieldId: 'temp',
          label: { ja: '体温', en: 'Temperature' },
          type: 'number',
          value: '36.0',
          display: '36.0 ℃',
          vital: 'body-temperature',
          unit: 'Cel',
        },
      ],
    };
    await (db as Kysely<{ hub_cabinet_post: Record<string, unknown> }>)
      .insertInto('hub_cabinet_post')
      .values({
        id: 'p1',
        cabinet_id: 'c1',
        reply_to: null,
        author_user_id: 'u1',
        author_name: 'x',
        author_profession: 'nurse',
        author_facility_oid: '1.2.3',
        kind: 'soap',
        template_id: null,
        urgent: 0,
        version: 1,
        body_json: JSON.stringify(body),
        created_at: '2026-12-01T00:00:00.000Z',
        updated_at: '2026-12-01T00:00:00.000Z',
      })
      .execute();
    await cabinetPostSearchMigration.up(db);
    const row = await store.db.selectFrom('hub_cabinet_post').select('search_text').executeTakeFirstOrThrow();
    expect(row.search_text).toBe('痛みあり\n発赤\n経過観察\n体温 36.0 ℃');
    expect(row.search_text).not.toMatch(/soap|fieldId|value/);
  });
});
