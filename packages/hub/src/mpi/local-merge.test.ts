import { describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../testing/store.js';
import { seedConsent } from '../testing.js';
import { feedIdentities } from './feed.js';
import { mergeLocalIds } from './local-merge.js';
import { decideReview, linkRecord, listReviews } from './manage.js';
import { searchPersons } from './pdq.js';
import { FACILITIES, indexUnderTest, type PatientIdentity, takahashi } from './testing.js';

const { A, B } = FACILITIES;
const ishida = {
  nameKanji: '石田 春子',
  nameKana: 'イシダ ハルコ',
  birthDate: '1950-02-03',
  sex: 'F' as const,
};

describe.each(TEST_ENGINES)('a facility merging two of its own ids (ITI-44 merge) on %s', (engine) => {
  const index = indexUnderTest(engine);
  const { deps, personOf } = index;
  const feed = (facilityOid: string, localId: string, who: PatientIdentity) =>
    feedIdentities(deps(), [{ facilityOid, localId, ...who }], 'test').then((o) => o[0]);
  /** Hospital A's system merges two of A's ids (ITI-44). */
  const mergeAtA = (survivingLocalId: string, obsoleteLocalId: string) =>
    mergeLocalIds(deps(), { facilityOid: A, survivingLocalId, obsoleteLocalId }, 'ihe:A');
  const historyOf = (localId: string) =>
    index.store.db
      .selectFrom('mpi_history')
      .select(['action', 'from_person', 'to_person'])
      .where('local_id', '=', localId)
      .orderBy('id')
      .execute();

  it('a duplicate registration at the hospital: the obsolete id is retired, its person redirects, its consent follows', async () => {
    // The hospital registered Ishida twice; the second id went to a person of its own, with a review.
    await feed(A, 'dup-1', ishida);
    expect((await feed(A, 'dup-2', ishida))?.outcome).toBe('review');
    const survivor = await personOf(A, 'dup-1');
    const duplicate = await personOf(A, 'dup-2');
    expect(duplicate).not.toBe(survivor);
    await seedConsent(index.store, { facilityOid: A, localId: 'dup-2', viewers: 'all' });

    const merged = await mergeAtA('dup-1', 'dup-2');
    expect(merged).toMatchObject({
      ok: true,
      personId: survivor,
      fromPersonId: duplicate,
      personMerged: true,
      moved: [],
      reviews: [],
      consentsMoved: 1,
    });
    // PIX/PDQ no longer know the obsolete id; the person it had redirects to the survivor.
    await expect(personOf(A, 'dup-2')).rejects.toThrow();
    expect(
      (await searchPersons(index.store, { facilityOid: A, localId: 'dup-2' }, { limit: 20, offset: 0 }))
        .total,
    ).toBe(0);
    const found = await searchPersons(index.store, { kana: 'イシダ ハルコ' }, { limit: 20, offset: 0 });
    expect(found.persons.map((p) => p.personId)).toEqual([survivor]);
    expect(
      await index.store.db
        .selectFrom('mpi_person')
        .select(['status', 'merged_into'])
        .where('id', '=', duplicate)
        .executeTakeFirst(),
    ).toEqual({ status: 'merged', merged_into: survivor });
    // The patient's consent is the surviving id's now; the duplicate's review is void.
    const consents = await index.store.db
      .selectFrom('hub_consent')
      .select('local_id')
      .where('facility_oid', '=', A)
      .execute();
    expect(consents).toEqual([{ local_id: 'dup-1' }]);
    const open = await index.store.db
      .selectFrom('mpi_review')
      .select('id')
      .where('local_id', '=', 'dup-2')
      .where('status', '=', 'open')
      .execute();
    expect(open).toEqual([]);
    // History tells the facility's consumer about both ids (ITI-46 reads it).
    expect(await historyOf('dup-2')).toContainEqual({
      action: 'merge',
      from_person: duplicate,
      to_person: survivor,
    });
    expect((await historyOf('dup-1')).at(-1)).toEqual({
      action: 'merge',
      from_person: survivor,
      to_person: survivor,
    });
  });

  it('never moves another facility’s identity on the hospital’s word: it goes to the office as a review', async () => {
    // a-old is linked with B's record of Takahashi; the hospital then says a-old is its a-new.
    await feed(A, 'a-old', takahashi);
    expect((await feed(B, 'b-1', takahashi))?.outcome).toBe('auto-link');
    const linked = await personOf(A, 'a-old');
    await feed(A, 'a-new', {
      ...takahashi,
      phone: '090-1111-2222',
      postcode: '700-0001',
      address: '岡山市北区',
    });
    const kept = await personOf(A, 'a-new');
    expect(kept).not.toBe(linked);

    const merged = await mergeAtA('a-new', 'a-old');
    expect(merged).toMatchObject({
      ok: true,
      personId: kept,
      personMerged: false,
      reviews: [{ facilityOid: B, localId: 'b-1' }],
    });
    // B's record stays where it was (what B's users and B's system see is unchanged) …
    expect(await personOf(B, 'b-1')).toBe(linked);
    // … until the office decides the review, with the matcher's comparison in front of it.
    const { reviews } = await listReviews(index.store, { status: 'open', limit: 50, offset: 0 });
    const review = reviews.find((r) => r.localId === 'b-1');
    expect(review?.candidatePersonId).toBe(kept);
    await decideReview(deps(), review?.id as string, 'link', 'office');
    expect(await personOf(B, 'b-1')).toBe(kept);
  });

  it('the facility’s other ids of the obsolete id’s person follow it', async () => {
    await feed(A, 'x-1', { ...ishida, nameKana: 'イシダ ナツコ', nameKanji: '石田 夏子' });
    const target = await personOf(A, 'x-1');
    await feed(A, 'x-2', {
      ...takahashi,
      birthDate: '1971-01-01',
      nameKana: 'タカハシ ジロウ',
      nameKanji: '高橋 次郎',
    });
    const old = await personOf(A, 'x-2');
    // The office had put another id of A with x-2.
    await feed(A, 'x-3', {
      ...takahashi,
      birthDate: '1981-01-01',
      nameKana: 'タカハシ サブロウ',
      nameKanji: '高橋 三郎',
    });
    await linkRecord(deps(), { facilityOid: A, localId: 'x-3', personId: old }, 'office');

    const merged = await mergeAtA('x-1', 'x-2');
    expect(merged).toMatchObject({
      ok: true,
      personId: target,
      moved: [{ facilityOid: A, localId: 'x-3' }],
      personMerged: true,
    });
    expect(await personOf(A, 'x-3')).toBe(target);
  });

  it('refuses an unknown id, another facility’s id and one id twice, and changes nothing', async () => {
    const before = await index.store.db.selectFrom('mpi_history').select('id').execute();
    const tries = [
      { survivingLocalId: 'nobody', obsoleteLocalId: 'dup-1' },
      { survivingLocalId: 'dup-1', obsoleteLocalId: 'nobody' },
      { survivingLocalId: 'dup-1', obsoleteLocalId: 'b-1' }, // B's id, asked as A's
      { survivingLocalId: 'dup-1', obsoleteLocalId: 'dup-1' },
    ];
    const answers = [];
    for (const t of tries) answers.push(await mergeAtA(t.survivingLocalId, t.obsoleteLocalId));
    expect(answers).toEqual([
      { ok: false, problem: 'unknown-id', which: 'surviving', localId: 'nobody' },
      { ok: false, problem: 'unknown-id', which: 'obsolete', localId: 'nobody' },
      { ok: false, problem: 'unknown-id', which: 'obsolete', localId: 'b-1' },
      { ok: false, problem: 'same-id', localId: 'dup-1' },
    ]);
    expect(await index.store.db.selectFrom('mpi_history').select('id').execute()).toEqual(before);
    await expect(personOf(B, 'b-1')).resolves.toBeDefined();
  });
});
