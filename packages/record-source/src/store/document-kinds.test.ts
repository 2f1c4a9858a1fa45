import { DOCUMENT_KINDS } from '@hie/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { DisclosureRegistry } from '../access/disclosure.js';
import { createTestStore, TEST_ENGINES, type TestStore } from '../testing/store.js';
import { bodyMeasurementDisclosure } from './body-measurement.js';
import { documentKindsDisclosure } from './document-kinds.js';

describe.each(TEST_ENGINES)('the upgrades of stored disclosure settings on %s', (engine) => {
  let store: TestStore;
  afterEach(() => store?.dispose());

  const storeSettings = (value: string) =>
    store.db
      .insertInto('gw_state')
      .values({ name: 'disclosure', value, updated_at: '2026-01-01T00:00:00.000Z' })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
      .execute();
  const upgrade = async () => {
    for (const m of [bodyMeasurementDisclosure, documentKindsDisclosure]) {
      await m.up(store.db as never);
      await m.up(store.db as never); // idempotent
    }
  };
  /** What the gateway discloses now, as its access rule reads it. */
  const disclosed = async () =>
    (await new DisclosureRegistry(store, { categories: [] }, 0).current()).settings.categories;

  it('a facility that disclosed `document` before kinds existed discloses every kind', async () => {
    store = await createTestStore(engine);
    await storeSettings(JSON.stringify({ categories: ['demographics', 'document', 'lab-result'] }));
    await upgrade();
    expect(await disclosed()).toEqual(
      ['body-measurement', 'demographics', 'document', 'lab-result', ...DOCUMENT_KINDS].sort(),
    );
  });

  it('keeps settings without documents, settings of this release, and values that do not parse', async () => {
    store = await createTestStore(engine);
    await storeSettings(JSON.stringify({ categories: ['lab-result'] }));
    await upgrade();
    expect(await disclosed()).toEqual(['lab-result']);
    // Stored by this release: the catch-all and one kind, nothing else of documents.
    await storeSettings(JSON.stringify({ categories: ['document', 'document-referral'] }));
    await upgrade();
    expect(await disclosed()).toEqual(['document', 'document-referral']);
    await storeSettings('not json');
    await upgrade();
    expect(await disclosed()).toEqual([]);
  });
});
