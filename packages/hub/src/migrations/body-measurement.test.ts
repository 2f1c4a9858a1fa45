import { afterEach, describe, expect, it } from 'vitest';
import { createTestStore, TEST_ENGINES, type TestStore } from '../testing/store.js';
import { bodyMeasurementMigration } from './body-measurement.js';

describe.each(TEST_ENGINES)('the body-measurement upgrade on %s', (engine) => {
  let store: TestStore;
  afterEach(() => store?.dispose());

  it('keeps what a store disclosed and showed, except to pharmacists and care staff', async () => {
    store = await createTestStore(engine);
    // A store of the previous release: no body-measurement anywhere.
    await store.db.deleteFrom('hub_profession_policy').where('category', '=', 'body-measurement').execute();
    await store.db.deleteFrom('hub_profession_policy').where('profession', '=', 'therapist').execute();
    await store.db
      .insertInto('hub_disclosure')
      .values([
        { facility_oid: '1.2.3.1', category: 'demographics' },
        { facility_oid: '1.2.3.1', category: 'lab-result' },
        { facility_oid: '1.2.3.2', category: 'lab-result' },
      ])
      .execute();
    await bodyMeasurementMigration.up(store.db as never);
    await bodyMeasurementMigration.up(store.db as never); // idempotent
    const who = await store.db
      .selectFrom('hub_profession_policy')
      .select('profession')
      .where('category', '=', 'body-measurement')
      .orderBy('profession')
      .execute();
    const professions = who.map((r) => r.profession);
    expect(professions).toContain('doctor');
    expect(professions).toContain('nurse');
    expect(professions).not.toContain('pharmacist');
    expect(professions).not.toContain('helper');
    // The office had taken demographics away from therapists: nothing is added back.
    expect(professions).not.toContain('therapist');
    const disclosed = await store.db
      .selectFrom('hub_disclosure')
      .select('facility_oid')
      .where('category', '=', 'body-measurement')
      .execute();
    expect(disclosed.map((r) => r.facility_oid)).toEqual(['1.2.3.1']);
  });
});
