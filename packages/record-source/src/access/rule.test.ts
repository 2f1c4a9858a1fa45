import type { AccessAssertion } from '@hie/contract';
import { CATEGORIES } from '@hie/contract';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { GwResourceTable } from '../store/schema.js';
import { createTestStore, TEST_ENGINES, type TestStore } from '../testing/store.js';
import { checkDisclosure, DisclosureRegistry } from './disclosure.js';
import { decideAccess, rowAllowed, ruleOf, whereAllowed } from './rule.js';

const EVERY = Object.keys(CATEGORIES);
const assertion = (categories: string[], purposeOfUse = 'TREAT'): AccessAssertion => ({
  issuer: 'urn:hie:hub',
  audience: '1.2.392.200284.33.3319800011',
  userId: 'u1',
  profession: 'pharmacist',
  facilityOid: '1.2.392.200284.33.3311610020',
  patientId: 'P1',
  purposeOfUse,
  categories,
  issuedAt: 0,
  expiresAt: 60,
  nonce: 'n-00000001',
  operation: { method: 'GET', path: '/Patient/P1/$everything', queryDigest: 'x'.repeat(43) },
});

describe('the access decision', () => {
  it('allows the hub’s categories narrowed by the facility’s, and nothing by default', () => {
    const decide = (granted: string[], disclosed: string[]) => {
      const d = decideAccess(assertion(granted), { categories: disclosed });
      return d.ok ? d.access.categories : d.reason;
    };
    expect(
      decide(['lab-result', 'diagnosis', 'lab-result'], ['diagnosis', 'prescription', 'lab-result']),
    ).toEqual(['diagnosis', 'lab-result']);
    expect(decide(EVERY, [])).toEqual([]);
    expect(decide([], EVERY)).toEqual([]);
  });

  it('reads nothing for purposes other than care', () => {
    for (const purpose of ['ADMIN', 'HMARKT', 'treat', '']) {
      expect(decideAccess(assertion(EVERY, purpose), { categories: EVERY }).ok, purpose).toBe(false);
    }
    expect(decideAccess(assertion(EVERY, 'ETREAT'), { categories: EVERY }).ok).toBe(true);
  });

  it('refuses unknown category names in settings instead of ignoring them', () => {
    expect(checkDisclosure({ categories: ['lab-result', 'psychiatry'] })).toMatchObject({
      ok: false,
      unknown: ['psychiatry'],
    });
    expect(checkDisclosure({ categories: ['lab-result', 'diagnosis', 'lab-result'] })).toEqual({
      ok: true,
      settings: { categories: ['diagnosis', 'lab-result'] },
    });
  });
});

const row = (i: number, patient_id: string, category: string): GwResourceTable => ({
  resource_type: 'Observation',
  id: `r${i}`,
  patient_id,
  category,
  date: null,
  code: null,
  record_key: 'k',
  file_path: 'f',
  version_id: 1,
  last_updated: 'now',
  json: '{}',
});

describe.each(TEST_ENGINES)('one rule, two evaluations, on %s', (engine) => {
  let store: TestStore;
  afterEach(async () => store?.dispose());

  it('selects in SQL exactly the rows the in-memory check allows', async () => {
    store = await createTestStore(engine);
    const patients = ['P1', 'P2', 'P1-x'];
    const rows = patients.flatMap((p, pi) => EVERY.map((c, ci) => row(pi * 100 + ci, p, c)));
    await store.db.insertInto('gw_resource').values(rows).execute();
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(EVERY),
        fc.subarray(EVERY),
        fc.constantFrom(...patients),
        async (g, d, p) => {
          const decision = decideAccess({ ...assertion(g), patientId: p }, { categories: d });
          if (!decision.ok) throw new Error('TREAT is accepted');
          const rule = ruleOf(decision.access);
          const inSql = await store.db
            .selectFrom('gw_resource')
            .select('id')
            .where(whereAllowed(rule))
            .execute();
          const inMemory = rows.filter((r) => rowAllowed(rule, r)).map((r) => r.id);
          expect(inSql.map((r) => r.id).sort()).toEqual(inMemory.sort());
          for (const r of rows.filter((x) => rowAllowed(rule, x))) {
            expect(r.patient_id).toBe(p);
            expect(g.includes(r.category) && d.includes(r.category)).toBe(true);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('discloses nothing when the stored settings are unreadable', async () => {
    store = await createTestStore(engine);
    await store.db
      .insertInto('gw_state')
      .values({ name: 'disclosure', value: '{oops', updated_at: 'x' })
      .execute();
    const registry = new DisclosureRegistry(store, { categories: EVERY });
    expect((await registry.current()).settings.categories).toEqual([]);
  });
});
