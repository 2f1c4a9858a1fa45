import type { Category } from '@hie/contract';
import { isProfession, PROFESSION_CODES, PROFESSIONS, type Profession } from '@hie/contract';
import { agentOf, auditHub } from '../audit-record.js';
import { type HubDeps, HubError, type HubPrincipal } from '../http.js';
import { OFFICE_PROFESSION } from './decide.js';
import { CATEGORY_CODES, categoryLabel, isCategory } from './matrix.js';

/** The two things the policy reads that people edit: the profession matrix and each facility's disclosure. */

const order = (categories: Iterable<string>) => CATEGORY_CODES.filter((c) => [...categories].includes(c));

export async function getProfessionPolicy(
  deps: Pick<HubDeps, 'store'>,
): Promise<Record<Profession, Category[]>> {
  const rows = await deps.store.db.selectFrom('hub_profession_policy').selectAll().execute();
  return Object.fromEntries(
    PROFESSION_CODES.map((p) => [p, order(rows.filter((r) => r.profession === p).map((r) => r.category))]),
  ) as Record<Profession, Category[]>;
}

export async function professionPolicyView(deps: Pick<HubDeps, 'store'>) {
  const matrix = await getProfessionPolicy(deps);
  return {
    categories: CATEGORY_CODES.map((code) => ({ code, ...categoryLabel(code) })),
    professions: PROFESSION_CODES.map((code) => ({
      code,
      ja: PROFESSIONS[code].ja,
      en: PROFESSIONS[code].en,
      categories: matrix[code],
    })),
  };
}

/** Replaces the rows of the given professions; audited with what was added and removed. */
export async function setProfessionPolicy(
  deps: Pick<HubDeps, 'store' | 'now'>,
  principal: HubPrincipal,
  changes: Partial<Record<string, readonly string[]>>,
): Promise<void> {
  const entries = Object.entries(changes).filter((e): e is [string, readonly string[]] => e[1] !== undefined);
  const unknownProfessions = entries.map(([p]) => p).filter((p) => !isProfession(p));
  const unknownCategories = [...new Set(entries.flatMap(([, cs]) => cs.filter((c) => !isCategory(c))))];
  if (unknownProfessions.length > 0 || unknownCategories.length > 0) {
    throw new HubError(400, 'unknown-code', 'unknown profession or category / 不明な職種または情報区分です', {
      professions: unknownProfessions,
      categories: unknownCategories,
    });
  }
  if (entries.some(([p, cs]) => p === OFFICE_PROFESSION && cs.length > 0)) {
    throw new HubError(
      400,
      'office-reads-no-records',
      'the network office reads no records / 事務局は閲覧できません',
    );
  }
  const before = await getProfessionPolicy(deps);
  const detail: Record<string, string> = {};
  await deps.store.db.transaction().execute(async (trx) => {
    for (const [profession, categories] of entries) {
      const next = order(new Set(categories));
      const previous = before[profession as Profession];
      const added = next.filter((c) => !previous.includes(c));
      const removed = previous.filter((c) => !next.includes(c));
      if (added.length === 0 && removed.length === 0) continue;
      detail[profession] = [...added.map((c) => `+${c}`), ...removed.map((c) => `-${c}`)].join(' ');
      await trx.deleteFrom('hub_profession_policy').where('profession', '=', profession).execute();
      if (next.length > 0) {
        await trx
          .insertInto('hub_profession_policy')
          .values(next.map((category) => ({ profession, category })))
          .execute();
      }
    }
  });
  await auditHub(deps, [
    {
      type: 'policy',
      action: 'U',
      outcome: '0',
      outcomeDescription: 'profession matrix',
      agent: agentOf(principal),
      entities: Object.keys(detail).map((p) => `ProfessionPolicy/${p}`),
      detail,
    },
  ]);
}

export async function getDisclosure(deps: Pick<HubDeps, 'store'>, facilityOid: string): Promise<Category[]> {
  const rows = await deps.store.db
    .selectFrom('hub_disclosure')
    .select('category')
    .where('facility_oid', '=', facilityOid)
    .execute();
  return order(rows.map((r) => r.category)) as Category[];
}

/**
 * Replaces a facility's disclosure settings (a category not listed is not disclosed: a new facility
 * discloses nothing until it says so). `principal` null = the system (demo seeding), still audited.
 */
export async function setDisclosure(
  deps: Pick<HubDeps, 'store' | 'now'>,
  principal: HubPrincipal | null,
  facilityOid: string,
  categories: readonly string[],
): Promise<Category[]> {
  const unknown = categories.filter((c) => !isCategory(c));
  if (unknown.length > 0) {
    throw new HubError(400, 'unknown-code', 'unknown category / 不明な情報区分です', { categories: unknown });
  }
  const next = order(new Set(categories)) as Category[];
  const previous = await getDisclosure(deps, facilityOid);
  await deps.store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('hub_disclosure').where('facility_oid', '=', facilityOid).execute();
    if (next.length > 0) {
      await trx
        .insertInto('hub_disclosure')
        .values(next.map((category) => ({ facility_oid: facilityOid, category })))
        .execute();
    }
  });
  await auditHub(deps, [
    {
      type: 'policy',
      action: 'U',
      outcome: '0',
      outcomeDescription: 'disclosure settings',
      ...(principal ? { agent: agentOf(principal) } : {}),
      entities: [`Disclosure/${facilityOid}`],
      detail: {
        facilityOid,
        added: next.filter((c) => !previous.includes(c)).join(' '),
        removed: previous.filter((c) => !next.includes(c)).join(' '),
      },
    },
  ]);
  return next;
}
