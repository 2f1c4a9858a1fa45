// Test support for the patient index: the facilities and a patient the suites share, and an index of a
// suite's own (an isolated store, a clock that moves a second per call, the person of a record).
import type { Engine } from '@hie/platform';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import type { Schema } from '../store/schema.js';
import { createTestStore, type TestStore } from '../testing/store.js';
import type { IdentityFeed } from './match.js';

/** Three hospitals of the region, by OID. */
export const FACILITIES = {
  A: '1.2.392.200284.33.1.1310000001',
  B: '1.2.392.200284.33.1.1310000002',
  C: '1.2.392.200284.33.1.1310000003',
} as const;

/** A patient's identity as a facility feeds it, without the facility's ids. */
export type PatientIdentity = Omit<IdentityFeed, 'facilityOid' | 'localId'>;

/** 高橋 健一: every field a feed can carry. */
export const takahashi: PatientIdentity = {
  nameKanji: '高橋 健一',
  nameKana: 'タカハシ ケンイチ',
  birthDate: '1961-04-12',
  sex: 'M',
  postcode: '700-8558',
  address: '岡山県岡山市北区鹿田町２－５－１',
  phone: '086-223-7151',
};

/** The person a record is linked to; throws when the index does not know the record. */
export async function personOfRecord(
  db: Kysely<Schema>,
  facilityOid: string,
  localId: string,
): Promise<string> {
  const row = await db
    .selectFrom('mpi_record')
    .select('person_id')
    .where('facility_oid', '=', facilityOid)
    .where('local_id', '=', localId)
    .executeTakeFirstOrThrow();
  return row.person_id;
}

export interface IndexUnderTest {
  /** The suite's own store (there from its `beforeAll` on). */
  readonly store: TestStore;
  /** What the index's functions take; each `now()` is a second after the last. */
  deps(): { store: TestStore; now: () => Date };
  /** The person a record is linked to; rejects when the index does not know the record. */
  personOf(facilityOid: string, localId: string): Promise<string>;
}

/** A patient index of the suite's own: made before its tests, disposed after them. */
export function indexUnderTest(engine: Engine): IndexUnderTest {
  let store: TestStore | undefined;
  let clock = Date.parse('2026-11-01T00:00:00Z');
  const now = () => {
    clock += 1000;
    return new Date(clock);
  };
  beforeAll(async () => {
    store = await createTestStore(engine);
  });
  afterAll(() => store?.dispose());
  const index: IndexUnderTest = {
    get store() {
      if (!store) throw new Error('the index under test is made in beforeAll');
      return store;
    },
    deps: () => ({ store: index.store, now }),
    personOf: (facilityOid, localId) => personOfRecord(index.store.db, facilityOid, localId),
  };
  return index;
}
