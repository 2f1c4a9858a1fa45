import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTestStore, TEST_ENGINES } from '../testing/store.js';
import { feedIdentities } from './feed.js';
import {
  decideReview,
  getPerson,
  getReview,
  linkRecord,
  listReviews,
  mergePersons,
  unlinkRecord,
} from './manage.js';
import { searchPersons } from './pdq.js';
import { FACILITIES, indexUnderTest, takahashi } from './testing.js';

const { A, B, C } = FACILITIES;

describe.each(TEST_ENGINES)('patient index on %s', (engine) => {
  const index = indexUnderTest(engine);
  const { deps, personOf } = index;

  it('links the same patient across facilities despite variant kanji, kana spelling and a move', async () => {
    const [first] = await feedIdentities(deps(), [{ facilityOid: A, localId: 'a1', ...takahashi }], 'test');
    expect(first?.outcome).toBe('new');
    const [second, third] = await feedIdentities(
      deps(),
      [
        {
          facilityOid: B,
          localId: 'b1',
          ...takahashi,
          nameKanji: '髙橋　健一',
          nameKana: 'たかはし けんいち',
        },
        {
          facilityOid: C,
          localId: 'c1',
          ...takahashi,
          nameKanji: '■橋 健一',
          postcode: '710-8602',
          address: '岡山県倉敷市美和１－１－１',
          phone: '090-1111-2222',
        },
      ],
      'test',
    );
    expect([second?.outcome, third?.outcome]).toEqual(['auto-link', 'auto-link']);
    expect(second?.personId).toBe(first?.personId);
    expect(third?.personId).toBe(first?.personId);
    const detail = await getPerson(index.store, first?.personId ?? '');
    expect(detail.records.map((r) => r.facility_oid).sort()).toEqual([A, B, C].sort());
    expect(detail.history.map((h) => h.action).sort()).toEqual(['auto-link', 'auto-link', 'create']);
  });

  it('re-feeding an unchanged record changes nothing; a changed one is updated in place', async () => {
    const before = await index.store.db
      .selectFrom('mpi_history')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    const [same] = await feedIdentities(deps(), [{ facilityOid: A, localId: 'a1', ...takahashi }], 'test');
    expect(same?.outcome).toBe('unchanged');
    const after = await index.store.db
      .selectFrom('mpi_history')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(Number(after?.n)).toBe(Number(before?.n));
    const [moved] = await feedIdentities(
      deps(),
      [{ facilityOid: A, localId: 'a1', ...takahashi, phone: '090-9999-0000' }],
      'test',
    );
    expect(moved?.outcome).toBe('updated');
    expect(moved?.personId).toBe(same?.personId);
  });

  it('sends a doubtful match to review with an explanation, and a decision links it', async () => {
    // Kana only, birth-date typo, another address and phone: some evidence, not enough.
    const [doubt] = await feedIdentities(
      deps(),
      [
        {
          facilityOid: B,
          localId: 'b-doubt',
          nameKana: 'タカハシ ケンイチ',
          birthDate: '1961-04-21',
          sex: 'M',
          phone: '080-0000-1111',
        },
      ],
      'test',
    );
    expect(doubt?.outcome).toBe('review');
    const target = await personOf(A, 'a1');
    expect(doubt?.personId).not.toBe(target);
    const { reviews, total } = await listReviews(index.store, { status: 'open', limit: 10, offset: 0 });
    expect(total).toBe(1);
    const review = await getReview(index.store, reviews[0]?.id ?? '');
    expect(review.candidatePersonId).toBe(target);
    expect(review.record?.local_id).toBe('b-doubt');
    expect(review.candidateRecord).not.toBeNull();
    const birth = review.explanation.fields.find((f) => f.field === 'birthDate');
    expect(birth?.level).toBe('typo');
    expect(birth?.weight).toBeGreaterThan(0);
    expect(review.explanation.reasons).toContain('below-auto-link');
    const decided = await decideReview(deps(), review.id, 'link', 'office-1');
    expect(decided.move?.toPersonId).toBe(target);
    expect(await personOf(B, 'b-doubt')).toBe(target);
    await expect(decideReview(deps(), review.id, 'link', 'office-1')).rejects.toMatchObject({
      code: 'conflict',
    });
    // The record's former (provisional) person is gone: merged into the target.
    const old = await getPerson(index.store, doubt?.personId ?? '');
    expect([old.person.status, old.person.merged_into]).toEqual(['merged', target]);
  });

  it('never auto-links twins sharing family name, birth date, address and phone', async () => {
    const twin = { ...takahashi, nameKanji: '高橋 健二', nameKana: 'タカハシ ケンジ' };
    const [out] = await feedIdentities(deps(), [{ facilityOid: C, localId: 'c-twin', ...twin }], 'test');
    expect(out?.outcome).not.toBe('auto-link');
    expect(out?.personId).not.toBe(await personOf(A, 'a1'));
  });

  it('a manual link is not moved by a changed re-feed', async () => {
    const [other] = await feedIdentities(
      deps(),
      [{ facilityOid: C, localId: 'c-other', nameKana: 'ヤマダ ハナコ', birthDate: '1980-01-01', sex: 'F' }],
      'test',
    );
    const target = await personOf(A, 'a1');
    await linkRecord(
      deps(),
      { facilityOid: C, localId: 'c-other', personId: target, reason: 'test' },
      'office-1',
    );
    const [refed] = await feedIdentities(
      deps(),
      [{ facilityOid: C, localId: 'c-other', nameKana: 'ヤマダ ハナコ', birthDate: '1980-01-02', sex: 'F' }],
      'test',
    );
    expect([refed?.outcome, refed?.personId]).toEqual(['updated', target]);
    expect(other?.personId).not.toBe(target);
    const unlinked = await unlinkRecord(deps(), { facilityOid: C, localId: 'c-other' }, 'office-1');
    expect(unlinked.fromPersonId).toBe(target);
    await expect(
      unlinkRecord(deps(), { facilityOid: C, localId: 'c-other' }, 'office-1'),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('undoes a wrong automatic link with the records it brought, and keeps it undone on every later feed (issue 10, finding 2)', async () => {
    // The attack: a sender at facility B files an identity copied from a real patient at A; the
    // index links it automatically, so B's (injected) records join the real person's chart.
    const real = {
      facilityOid: A,
      localId: 'real-1',
      nameKanji: '小林 美咲',
      nameKana: 'コバヤシ ミサキ',
      birthDate: '1972-09-30',
      sex: 'F' as const,
      postcode: '710-8602',
      address: '岡山県倉敷市美和１－１－１',
      phone: '086-422-0210',
    };
    const forged = { ...real, facilityOid: B, localId: 'forged-1' };
    await feedIdentities(deps(), [real], 'gateway-A');
    const [linked] = await feedIdentities(deps(), [forged], 'gateway-B');
    const person = await personOf(A, 'real-1');
    expect([linked?.outcome, linked?.personId]).toEqual(['auto-link', person]);
    const chartRecords = async (personId: string) =>
      (
        await index.store.db
          .selectFrom('mpi_record')
          .select(['facility_oid', 'local_id'])
          .where('person_id', '=', personId)
          .execute()
      )
        .map((r) => `${r.facility_oid}|${r.local_id}`)
        .sort();
    // recordsFor (the chart, the list, the access report) reads exactly these records of the person.
    expect(await chartRecords(person)).toEqual([`${A}|real-1`, `${B}|forged-1`]);

    const undone = await unlinkRecord(
      deps(),
      { facilityOid: B, localId: 'forged-1', reason: 'forged identity from sender B' },
      'office-1',
    );
    expect(undone.fromPersonId).toBe(person);
    expect(await chartRecords(person)).toEqual([`${A}|real-1`]);
    const separated = await personOf(B, 'forged-1');
    expect(separated).not.toBe(person);

    // The same sender feeds it again, unchanged and changed: the manual separation stands.
    const [again] = await feedIdentities(deps(), [forged], 'gateway-B');
    expect(again?.personId).toBe(separated);
    const [changed] = await feedIdentities(deps(), [{ ...forged, phone: '086-000-0000' }], 'gateway-B');
    expect([changed?.outcome, changed?.personId]).toEqual(['updated', separated]);
    expect(await chartRecords(person)).toEqual([`${A}|real-1`]);
  });

  it('finds persons by kana or kanji prefix, birth date, sex and local id, with exact totals and pages', async () => {
    const byKana = await searchPersons(index.store, { kana: 'たかはし' }, { limit: 1, offset: 0 });
    expect(byKana.total).toBeGreaterThanOrEqual(2);
    expect(byKana.persons).toHaveLength(1);
    const exact = await searchPersons(
      index.store,
      { kana: 'タカハシ　ケンイチ', birthDate: '1961-04-12', sex: 'M' },
      { limit: 10, offset: 0 },
    );
    expect(exact.total).toBe(1);
    expect(exact.persons[0]?.records.map((r) => r.localId).sort()).toEqual(['a1', 'b-doubt', 'b1', 'c1']);
    const byKanji = await searchPersons(index.store, { kanji: '髙橋' }, { limit: 10, offset: 0 });
    expect(byKanji.total).toBe(byKana.total);
    const byLocal = await searchPersons(
      index.store,
      { facilityOid: B, localId: 'b1' },
      { limit: 10, offset: 0 },
    );
    expect(byLocal.persons.map((p) => p.personId)).toEqual([await personOf(A, 'a1')]);
    // The policy's filters: only facility A's records are visible.
    const filtered = await searchPersons(
      index.store,
      { kana: 'タカハシ' },
      { limit: 10, offset: 0, recordFilter: (eb) => eb('mpi_record.facility_oid', '=', A) },
    );
    expect(filtered.total).toBe(1);
    expect(filtered.persons[0]?.records).toEqual([{ facilityOid: A, localId: 'a1' }]);
    const none = await searchPersons(
      index.store,
      { kana: 'タカハシ' },
      { limit: 10, offset: 0, personFilter: (eb) => eb('mpi_person.id', '=', 'nobody') },
    );
    expect(none).toEqual({ total: 0, persons: [] });
  });

  it('keeps every record in exactly one active person through random link / unlink / merge', async () => {
    const own = await createTestStore(engine);
    try {
      const d = { store: own, now: () => new Date() };
      const ids = Array.from({ length: 8 }, (_, i) => `r${i}`);
      await feedIdentities(
        d,
        ids.map((localId, i) => ({
          facilityOid: A,
          localId,
          nameKana: `テスト ${['イチ', 'ニ', 'サン'][i % 3]}`,
          birthDate: `1990-01-0${(i % 3) + 1}`,
        })),
        'test',
      );
      const op = fc.oneof(
        fc.record({ kind: fc.constant('link' as const), rec: fc.nat(7), other: fc.nat(7) }),
        fc.record({ kind: fc.constant('unlink' as const), rec: fc.nat(7), other: fc.nat(7) }),
        fc.record({ kind: fc.constant('merge' as const), rec: fc.nat(7), other: fc.nat(7) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
          for (const o of ops) {
            const rec = { facilityOid: A, localId: ids[o.rec] ?? 'r0' };
            const other = await own.db
              .selectFrom('mpi_record')
              .select('person_id')
              .where('local_id', '=', ids[o.other] ?? 'r0')
              .executeTakeFirstOrThrow();
            const mine = await own.db
              .selectFrom('mpi_record')
              .select('person_id')
              .where('local_id', '=', rec.localId)
              .executeTakeFirstOrThrow();
            try {
              if (o.kind === 'link') await linkRecord(d, { ...rec, personId: other.person_id }, 'p');
              else if (o.kind === 'unlink') await unlinkRecord(d, rec, 'p');
              else
                await mergePersons(d, { fromPersonId: mine.person_id, intoPersonId: other.person_id }, 'p');
            } catch (e) {
              // Refusals (already alone, merge into itself) are fine; anything else is not.
              expect((e as { code?: string }).code).toMatch(/^(conflict|invalid-request)$/);
            }
          }
          const rows = await own.db
            .selectFrom('mpi_record')
            .innerJoin('mpi_person', 'mpi_person.id', 'mpi_record.person_id')
            .select(['mpi_record.local_id', 'mpi_person.status'])
            .execute();
          expect(rows.map((r) => r.local_id).sort()).toEqual([...ids].sort());
          expect(rows.every((r) => r.status === 'active')).toBe(true);
          // Every active person has a record; merged ones point at an active person.
          const persons = await own.db
            .selectFrom('mpi_person')
            .select(['id', 'status', 'merged_into'])
            .execute();
          const withRecords = new Set(
            (await own.db.selectFrom('mpi_record').select('person_id').execute()).map((r) => r.person_id),
          );
          for (const p of persons) {
            if (p.status === 'active') expect(withRecords.has(p.id)).toBe(true);
            else expect(persons.find((q) => q.id === p.merged_into)?.status ?? 'active').toBe('active');
          }
        }),
        { numRuns: engine === 'sqlite' ? 60 : 20 },
      );
    } finally {
      await own.dispose();
    }
  });
});
