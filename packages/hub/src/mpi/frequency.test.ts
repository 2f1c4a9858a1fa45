import { describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../testing/store.js';
import { blockingCandidates, feedIdentities, MAX_FEED_BATCH } from './feed.js';
import { loadNameCounts } from './frequency.js';
import { compareKeys, type IdentityFeed, matchKeysOf, type NameFrequencies } from './match.js';
import { FACILITIES, indexUnderTest } from './testing.js';

const { A, B } = FACILITIES;

/** The same person at a second facility: birth-date typo, moved, another phone. */
const atB = (feed: IdentityFeed, localId: string): IdentityFeed => ({
  ...feed,
  facilityOid: B,
  localId,
  birthDate: '1958-03-21',
  postcode: '710-0826',
  address: '岡山県倉敷市老松町３－１－２',
  phone: '090-1111-2222',
});
const person = (localId: string, nameKanji: string, nameKana: string): IdentityFeed => ({
  facilityOid: A,
  localId,
  nameKanji,
  nameKana,
  birthDate: '1958-03-12',
  sex: 'M',
  postcode: '700-0024',
  address: '岡山県岡山市北区駅元町１－２－３',
  phone: '086-200-3000',
});

describe('value-specific name weights', () => {
  const shares = (family: Record<string, number>, given: Record<string, number>): NameFrequencies => ({
    familyShare: (v) => family[v] ?? 1e-6,
    givenShare: (v) => given[v] ?? 1e-6,
  });
  const kana = (c: ReturnType<typeof compareKeys>) => c.fields.find((f) => f.field === 'kana')?.weight ?? 0;

  it('weighs a rare name agreeing above a common one, and uses the default weight without counts', () => {
    const sato = matchKeysOf({ nameKana: 'サトウ ヒロシ', birthDate: '1958-03-12', sex: 'M' });
    const danjo = matchKeysOf({ nameKana: 'ダンジョウ ミノル', birthDate: '1958-03-12', sex: 'M' });
    const freq = shares({ サトウ: 0.015, ダンジョウ: 2e-5 }, { ヒロシ: 0.004, ミノル: 0.001 });
    const common = kana(compareKeys(sato, sato, undefined, freq));
    const rare = kana(compareKeys(danjo, danjo, undefined, freq));
    expect(rare).toBeGreaterThan(common + 8);
    expect(kana(compareKeys(sato, sato))).toBeCloseTo(Math.log2(0.96 / 3e-4), 1);
    // Only an exact agreement is value-specific: a disagreement weighs the same for both.
    const other = matchKeysOf({ nameKana: 'ヤマダ タロウ' });
    expect(kana(compareKeys(sato, other, undefined, freq))).toBe(
      kana(compareKeys(danjo, other, undefined, freq)),
    );
  });
});

describe.each(TEST_ENGINES)('name counts on %s', (engine) => {
  const index = indexUnderTest(engine);
  const { deps } = index;
  const count = async (part: string, value: string) =>
    Number(
      (
        await index.store.db
          .selectFrom('mpi_name_count')
          .select('n')
          .where('part', '=', part)
          .where('value', '=', value)
          .executeTakeFirst()
      )?.n ?? 0,
    );

  it('counts records per family and given reading, following re-feeds that change the name', async () => {
    await feedIdentities(
      deps(),
      [
        person('c1', '佐藤 博', 'サトウ ヒロシ'),
        person('c2', '佐藤 茂', 'さとう しげる'),
        { ...person('c3', '佐藤 博', 'サトー ヒロシ'), birthDate: '1970-01-01' },
      ],
      'test',
    );
    expect([await count('kana_family', 'サトウ'), await count('kana_given', 'ヒロシ')]).toEqual([3, 2]);
    expect(await count('records', '')).toBe(3);
    // A marriage: the family name changes; the old reading loses a record, the new one gains it.
    await feedIdentities(deps(), [person('c2', '加藤 茂', 'カトウ シゲル')], 'test');
    expect([await count('kana_family', 'サトウ'), await count('kana_family', 'カトウ')]).toEqual([2, 1]);
    expect(await count('records', '')).toBe(3);
    const counts = await loadNameCounts(index.store.db, ['サトウ', 'ダンジョウ'], ['ヒロシ']);
    expect(counts.familyShare('サトウ')).toBeGreaterThan(counts.familyShare('ダンジョウ'));
  });

  it('in a large index, links a rare name through a typo and a move, and sends a common one to review', async () => {
    // A prefecture-sized index: one million records, サトウ and ヒロシ among the most common readings.
    await index.store.db
      .updateTable('mpi_name_count')
      .set({ n: 1_000_000 })
      .where('part', '=', 'records')
      .execute();
    await index.store.db
      .insertInto('mpi_name_count')
      .values([
        { part: 'kana_family', value: 'サトウ', n: 15_000 },
        { part: 'kana_given', value: 'ヒロシ', n: 4_000 },
      ])
      .onConflict((oc) => oc.columns(['part', 'value']).doUpdateSet({ n: (eb) => eb.ref('excluded.n') }))
      .execute();
    const rare = person('r1', '檀上 稔', 'ダンジョウ ミノル');
    const common = { ...person('s1', '佐藤 博', 'サトウ ヒロシ'), birthDate: '1958-03-12' };
    await feedIdentities(deps(), [rare, common], 'test');
    const [rareAtB, commonAtB] = await feedIdentities(deps(), [atB(rare, 'r2'), atB(common, 's2')], 'test');
    expect(rareAtB?.outcome).toBe('auto-link');
    expect(commonAtB?.outcome).toBe('review');
  });

  it('takes a full batch of MAX_FEED_BATCH identities in one call, history included', async () => {
    const feeds = Array.from({ length: MAX_FEED_BATCH }, (_, i) => ({
      facilityOid: B,
      localId: `full-${i}`,
      nameKana: `テスト ${i.toString(36).toUpperCase()}`,
      // A week apart: no two share a birth date.
      birthDate: new Date(Date.UTC(1925, 0, 1) + i * 7 * 86_400_000).toISOString().slice(0, 10),
      sex: i % 2 === 0 ? ('M' as const) : ('F' as const),
    }));
    const out = await feedIdentities(deps(), feeds, 'test');
    expect(out.filter((o) => o.outcome === 'new')).toHaveLength(MAX_FEED_BATCH);
    const history = await index.store.db
      .selectFrom('mpi_history')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('facility_oid', '=', B)
      .where('local_id', 'like', 'full-%')
      .executeTakeFirstOrThrow();
    expect(Number(history.n)).toBe(MAX_FEED_BATCH);
  }, 120_000);

  it('blocks on the reading, not on everyone born the same day', async () => {
    const born = (localId: string, nameKana: string): IdentityFeed => ({
      facilityOid: A,
      localId,
      nameKana,
      birthDate: '1990-07-07',
      sex: 'F',
    });
    await feedIdentities(
      deps(),
      [
        born('b1', 'ヤマダ ハナコ'),
        born('b2', 'スズキ ハナコ'),
        born('b3', 'ヤマダ ユミ'),
        born('b4', 'タナカ ケイコ'),
      ],
      'test',
    );
    const keys = matchKeysOf({ nameKana: 'やまだ はなこ', birthDate: '1990-07-07', sex: 'F' });
    const found = await blockingCandidates(index.store.db, keys);
    // Same family reading or same given reading, born that day: not タナカ ケイコ.
    expect(found.map((r) => r.local_id).sort()).toEqual(['b1', 'b2', 'b3']);
  });
});
