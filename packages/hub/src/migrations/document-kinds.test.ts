import { DOCUMENT_KINDS } from '@hie/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PROFESSION_POLICY } from '../policy/matrix.js';
import { createTestStore, TEST_ENGINES, type TestStore } from '../testing/store.js';
import { documentKindsMigration } from './document-kinds.js';

const sorted = (xs: readonly string[]) => [...xs].sort();

describe.each(TEST_ENGINES)('the document-kinds upgrade on %s', (engine) => {
  let store: TestStore;
  afterEach(() => store?.dispose());

  const categoriesOf = async (profession: string) =>
    (
      await store.db
        .selectFrom('hub_profession_policy')
        .select('category')
        .where('profession', '=', profession)
        .execute()
    ).map((r) => r.category);
  const disclosedBy = async (facilityOid: string) =>
    (
      await store.db
        .selectFrom('hub_disclosure')
        .select('category')
        .where('facility_oid', '=', facilityOid)
        .execute()
    ).map((r) => r.category);

  it('keeps what a store of the previous release disclosed and showed: `document` meant every kind', async () => {
    store = await createTestStore(engine);
    // A store of the previous release: no document kinds anywhere; doctors and therapists saw
    // `document`, pharmacists did not, and the office had taken documents away from nurses.
    await store.db.deleteFrom('hub_profession_policy').where('category', 'like', 'document-%').execute();
    await store.db
      .deleteFrom('hub_profession_policy')
      .where('profession', '=', 'nurse')
      .where('category', '=', 'document')
      .execute();
    await store.db
      .insertInto('hub_disclosure')
      .values([
        { facility_oid: '1.2.3.1', category: 'document' },
        { facility_oid: '1.2.3.1', category: 'lab-result' },
        { facility_oid: '1.2.3.2', category: 'lab-result' },
      ])
      .execute();
    await documentKindsMigration.up(store.db as never);
    await documentKindsMigration.up(store.db as never); // idempotent

    expect(sorted(await categoriesOf('doctor'))).toEqual(sorted(DEFAULT_PROFESSION_POLICY.doctor));
    for (const kind of DOCUMENT_KINDS) {
      expect(await categoriesOf('therapist'), kind).toContain(kind);
      expect(await categoriesOf('nurse'), kind).not.toContain(kind);
      expect(await categoriesOf('pharmacist'), kind).not.toContain(kind);
    }
    expect(sorted(await disclosedBy('1.2.3.1'))).toEqual(
      sorted(['document', 'lab-result', ...DOCUMENT_KINDS]),
    );
    expect(await disclosedBy('1.2.3.2')).toEqual(['lab-result']);
  });

  it('leaves a store seeded by this release with its own matrix and a facility that chose kinds alone', async () => {
    store = await createTestStore(engine);
    await store.db
      .insertInto('hub_disclosure')
      .values([
        // A facility of this release that discloses the catch-all and one kind only.
        { facility_oid: '1.2.3.3', category: 'document' },
        { facility_oid: '1.2.3.3', category: 'document-referral' },
      ])
      .execute();
    await documentKindsMigration.up(store.db as never);
    for (const profession of ['therapist', 'pharmacist', 'care-manager', 'dietitian'] as const) {
      expect(sorted(await categoriesOf(profession)), profession).toEqual(
        sorted(DEFAULT_PROFESSION_POLICY[profession]),
      );
    }
    expect(sorted(await disclosedBy('1.2.3.3'))).toEqual(['document', 'document-referral']);
  });
});
