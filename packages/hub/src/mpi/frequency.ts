/**
 * Value-specific name frequencies (Fellegi–Sunter with frequency-based u): 佐藤 agreeing is weak
 * evidence, 檀上 agreeing is strong. The index keeps a count of records per reading of the family
 * name and of the given name (mpi_name_count), updated by the feed in the same transaction: one
 * read of the batch's names before matching, one upsert of the batch's changes after.
 */
import type { Kysely } from 'kysely';
import type { Schema } from '../store/schema.js';
import type { NameFrequencies } from './match.js';

export type NamePart = 'kana_family' | 'kana_given';

/** The row holding the number of records counted (value ''). */
const TOTAL = 'records';

/**
 * A small index knows little about name frequencies: counts are blended with a prior worth this
 * many records, so a name seen once among ten records is not read as a 10 % name.
 */
export const PRIOR_RECORDS = 2000;
/**
 * Prior shares of a typical family name and given name (over all records; a given name is
 * GIVEN_NAME_CLUSTERING times as common within its sex and era): with no counts, the u of a name
 * agreement is the model's default (2 % × 0.25 % × 6 = 3e-4).
 */
export const PRIOR_FAMILY_SHARE = 0.02;
export const PRIOR_GIVEN_SHARE = 0.0025;

export interface NameCountsSnapshot {
  records: number;
  family: ReadonlyMap<string, number>;
  given: ReadonlyMap<string, number>;
}

/** Counts of one batch's names, with the batch's own changes applied as it goes. */
export class NameCounts implements NameFrequencies {
  private records: number;
  private readonly family: Map<string, number>;
  private readonly given: Map<string, number>;
  private readonly delta = new Map<string, number>();

  constructor(snapshot: NameCountsSnapshot) {
    this.records = snapshot.records;
    this.family = new Map(snapshot.family);
    this.given = new Map(snapshot.given);
  }

  familyShare(kanaFamily: string): number {
    return share(this.family.get(kanaFamily) ?? 0, PRIOR_FAMILY_SHARE, this.records);
  }

  givenShare(kanaGiven: string): number {
    return share(this.given.get(kanaGiven) ?? 0, PRIOR_GIVEN_SHARE, this.records);
  }

  /** A record with these readings was added (+1) or lost them (-1). */
  count(kanaFamily: string | null, kanaGiven: string | null, by: 1 | -1): void {
    this.records += by;
    this.bump(TOTAL, '', by);
    if (kanaFamily) {
      this.family.set(kanaFamily, (this.family.get(kanaFamily) ?? 0) + by);
      this.bump('kana_family', kanaFamily, by);
    }
    if (kanaGiven) {
      this.given.set(kanaGiven, (this.given.get(kanaGiven) ?? 0) + by);
      this.bump('kana_given', kanaGiven, by);
    }
  }

  /** The changes since loading, as (part, value, delta). */
  changes(): { part: string; value: string; n: number }[] {
    const out: { part: string; value: string; n: number }[] = [];
    for (const [key, n] of this.delta) {
      if (n === 0) continue;
      const at = key.indexOf('\u0000');
      out.push({ part: key.slice(0, at), value: key.slice(at + 1), n });
    }
    return out;
  }

  private bump(part: string, value: string, by: number): void {
    const key = `${part}\u0000${value}`;
    this.delta.set(key, (this.delta.get(key) ?? 0) + by);
  }
}

const share = (count: number, prior: number, records: number): number =>
  (Math.max(0, count) + PRIOR_RECORDS * prior) / (Math.max(0, records) + PRIOR_RECORDS);

/** Reads the counts of the given readings (and the number of records). */
export async function loadNameCounts(
  db: Kysely<Schema>,
  families: Iterable<string>,
  givens: Iterable<string>,
): Promise<NameCounts> {
  const family = new Map<string, number>();
  const given = new Map<string, number>();
  let records = 0;
  const total = await db
    .selectFrom('mpi_name_count')
    .select('n')
    .where('part', '=', TOTAL)
    .where('value', '=', '')
    .executeTakeFirst();
  if (total) records = Number(total.n);
  for (const [part, values, into] of [
    ['kana_family', [...new Set(families)], family],
    ['kana_given', [...new Set(givens)], given],
  ] as const) {
    for (let i = 0; i < values.length; i += 500) {
      const rows = await db
        .selectFrom('mpi_name_count')
        .select(['value', 'n'])
        .where('part', '=', part)
        .where('value', 'in', values.slice(i, i + 500))
        .execute();
      for (const r of rows) into.set(r.value, Number(r.n));
    }
  }
  return new NameCounts({ records, family, given });
}

/** Writes a batch's changes (one upsert per 500 names). */
export async function saveNameCounts(db: Kysely<Schema>, counts: NameCounts): Promise<void> {
  const changes = counts.changes();
  for (let i = 0; i < changes.length; i += 500) {
    await db
      .insertInto('mpi_name_count')
      .values(changes.slice(i, i + 500))
      .onConflict((oc) =>
        oc
          .columns(['part', 'value'])
          .doUpdateSet((eb) => ({ n: eb('mpi_name_count.n', '+', eb.ref('excluded.n')) })),
      )
      .execute();
  }
}
