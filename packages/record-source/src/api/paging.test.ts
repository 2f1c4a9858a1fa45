import { CATEGORIES } from '@hie/contract';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GwResourceTable } from '../store/schema.js';
import { TEST_ENGINES } from '../testing/store.js';
import { type BundleJson, type GatewayUnderTest, gatewayUnderTest, useSampleProjection } from './test-kit.js';

const rows = useSampleProjection();

const EVERY = Object.keys(CATEGORIES);
const subset = fc.subarray(EVERY);

/**
 * The policy as a property: for random facility settings × hub grants × patients × page sizes, paging
 * through search and $everything returns exactly the allowed resources — none outside, none missed,
 * none twice — and every page's total is the exact count.
 */
describe.each(TEST_ENGINES)('paging under the access rule on %s', (engine) => {
  let gw: GatewayUnderTest;
  beforeAll(async () => {
    gw = await gatewayUnderTest(engine, rows);
  });
  afterAll(async () => gw?.dispose());

  /** Follows `next` links from the first page; returns every entry id and the totals seen. */
  const collect = async (firstUrl: string, patientId: string, categories: string[]) => {
    const seen: string[] = [];
    const totals: number[] = [];
    let url: string | undefined = firstUrl;
    while (url) {
      const response = await gw.get(url, { patientId, categories });
      expect(response.status, url).toBe(200);
      const bundle = response.json() as BundleJson;
      totals.push(bundle.total);
      seen.push(...bundle.entry.map((e) => `${e.resource.resourceType}/${e.resource.id}`));
      const next = bundle.link.find((l) => l.relation === 'next')?.url;
      url = next ? new URL(next).pathname + new URL(next).search : undefined;
      expect(totals.length).toBeLessThan(200);
    }
    return { seen, totals };
  };

  it('returns every allowed resource once, nothing else, with exact totals', async () => {
    const patients = [...new Set(rows.map((r) => r.patient_id))];
    const types = [...new Set(rows.map((r) => r.resource_type))];
    await fc.assert(
      fc.asyncProperty(
        subset,
        subset,
        fc.constantFrom(...patients),
        fc.constantFrom(...types),
        fc.option(subset, { nil: undefined }),
        fc.integer({ min: 5, max: 120 }),
        async (disclosed, granted, patientId, type, filter, count) => {
          const put = await gw.app.inject({
            method: 'PUT',
            url: '/admin/disclosure',
            headers: { authorization: 'Bearer local-admin-token-for-tests' },
            payload: { categories: disclosed },
          });
          expect(put.statusCode).toBe(200);
          const allowed = (r: GwResourceTable) =>
            r.patient_id === patientId && disclosed.includes(r.category) && granted.includes(r.category);
          const key = (r: GwResourceTable) => `${r.resource_type}/${r.id}`;

          const everything = await collect(
            `/fhir/Patient/${patientId}/$everything?_count=${count}`,
            patientId,
            granted,
          );
          const expectedAll = rows.filter(allowed).map(key).sort();
          expect([...everything.seen].sort()).toEqual(expectedAll);
          expect(new Set(everything.totals)).toEqual(new Set([expectedAll.length]));

          const categoryParam = filter && filter.length > 0 ? `&category=${filter.join(',')}` : '';
          const search = await collect(
            `/fhir/${type}?patient=${patientId}${categoryParam}&_count=${count}`,
            patientId,
            granted,
          );
          const expectedSearch = rows
            .filter((r) => allowed(r) && r.resource_type === type)
            .filter((r) => !categoryParam || filter?.includes(r.category))
            .map(key)
            .sort();
          expect([...search.seen].sort()).toEqual(expectedSearch);
          expect(new Set(search.totals)).toEqual(new Set([expectedSearch.length]));
        },
      ),
      { numRuns: 60, interruptAfterTimeLimit: 6000 },
    );
  });
});
