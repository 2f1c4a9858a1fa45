import { CATEGORIES } from '@hie/contract';
import type { GwResourceTable } from '@hie/gateway';
import { insertProjection, useSampleProjection } from '@hie/gateway/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubRoutes } from '../api/build.js';
import { DEFAULT_PROFESSION_POLICY } from '../policy/matrix.js';
import { setJitFacilities } from '../saml/sp/links.js';
import { sessionFor, startTwoNetworks, type TwoNetworks } from '../saml/sp/testing.js';
import {
  type HubUnderTest,
  seedConsent,
  seedDisclosure,
  seedFacility,
  seedPerson,
  seedUser,
  TEST_ENGINES,
} from '../testing.js';
import { type RunningGateway, rowsAs, seedMatrix, startGateway, stopGateway } from '../viewing/testing.js';
import { partnerRecordsOf } from './initiating.js';
import { partnerRespondingRoutes } from './responding.js';

const rows = useSampleProjection();
const ALL = Object.keys(CATEGORIES);
const A_HOSPITAL = '1.2.392.200284.33.3319800011';
const IN_AGREEMENT = '1.2.392.200284.33.3311610020';
const OUTSIDE = '1.2.392.200284.33.3310101237';
const B_HOSPITAL = '1.2.392.200284.34.3410110015';
const PROFESSIONS = ['doctor', 'nurse'] as const;
type Profession = (typeof PROFESSIONS)[number];
// The two networks' rules differ: A keeps prescriptions from nurses, B keeps lab results from them,
// and B's hospital does not disclose documents at all.
const A_MATRIX = (p: Profession) =>
  DEFAULT_PROFESSION_POLICY[p].filter((c) => !(p === 'nurse' && c === 'prescription'));
const B_MATRIX = (p: Profession) =>
  DEFAULT_PROFESSION_POLICY[p].filter((c) => !(p === 'nurse' && c === 'lab-result'));
const B_DISCLOSES = ALL.filter((c) => c !== 'document');
const matrixRows = (of: (p: Profession) => readonly string[]) =>
  Object.entries(DEFAULT_PROFESSION_POLICY).flatMap(([profession, categories]) =>
    (PROFESSIONS.includes(profession as Profession) ? of(profession as Profession) : categories).map(
      (category) => ({ profession, category }),
    ),
  );

const caseArb = fc.record({
  userAt: fc.constantFrom(IN_AGREEMENT, OUTSIDE),
  profession: fc.constantFrom(...PROFESSIONS),
  // Consents that show the patient are drawn more often, so the crossing paths are well covered.
  aConsent: fc.constantFrom('names-clinic', 'all', 'names-clinic', 'all', 'names-other', 'withdrawn', 'none'),
  atB: fc.boolean(),
  bConsent: fc.constantFrom(
    'names-clinic',
    'all',
    'names-clinic',
    'all',
    'names-b-only',
    'withdrawn',
    'none',
  ),
  category: fc.constantFrom(undefined, 'prescription', 'lab-result', 'diagnosis'),
});

/**
 * Federation policy (issue 16), records into our timeline: for random consents on both sides × the
 * user's facility in or outside the agreement × profession (the two networks' matrices differ) × the
 * patient at B or not × the view's category — A's page holds exactly B's rows of the categories both
 * matrices and B's disclosure allow, only when A's agreement names the facility, A's consent shows the
 * patient, and B's consent names the facility; B sends (its audit) exactly what A shows; otherwise no
 * call reaches B or B finds nobody. Nothing crosses that either side's rules forbid.
 */
describe.each(TEST_ENGINES)('federation policy, records into our timeline (%s)', (engine) => {
  let nets: TwoNetworks;
  let a: HubUnderTest;
  let b: HubUnderTest;
  let bGateway: RunningGateway;
  let sample: GwResourceTable[];

  beforeAll(async () => {
    nets = await startTwoNetworks(engine, [IN_AGREEMENT], {
      listen: true,
      records: {
        aRoutes: (idp) => hubRoutes(null, null, partnerRecordsOf(idp)),
        bOutside: (sp) => [partnerRespondingRoutes(sp)],
      },
    });
    ({ a, b } = nets);
    const first = rows.find((r) => /^\d+$/.test(r.patient_id))?.patient_id ?? '';
    sample = rows.filter((r) => r.patient_id === first);
    bGateway = await startGateway(engine, b.deps, {
      oid: B_HOSPITAL,
      name: '備後中央病院',
      rows: [],
      categories: ALL,
    });
    // A's hospital runs no gateway here: A's own source is an error line; only B's records are counted.
    for (const oid of [A_HOSPITAL, IN_AGREEMENT, OUTSIDE]) await seedFacility(a.store, { oid });
    await seedDisclosure(a.store, A_HOSPITAL, ALL);
    await seedMatrix(a.store, matrixRows(A_MATRIX));
    await seedFacility(b.store, { oid: B_HOSPITAL, gatewayUrl: bGateway.url });
    for (const oid of [IN_AGREEMENT, OUTSIDE])
      await seedFacility(b.store, { oid, type: 'clinic', discloses: false });
    await seedDisclosure(b.store, B_HOSPITAL, B_DISCLOSES);
    await seedMatrix(b.store, matrixRows(B_MATRIX));
    // B opens both of A's clinics: A's agreement alone must keep OUTSIDE from asking.
    await setJitFacilities(b.store, nets.idp.entityId, [IN_AGREEMENT, OUTSIDE], 'test', new Date());
  }, 120_000);

  afterAll(async () => {
    if (bGateway) await stopGateway(bGateway);
    await nets?.dispose();
  });

  const bAudits = async (type: string) =>
    (
      await b.store.db
        .selectFrom('audit_event')
        .select('event_json')
        .where('type', '=', type)
        .orderBy('seq')
        .execute()
    ).map((e) => JSON.parse(e.event_json) as { entities?: string[]; detail?: Record<string, string> });

  let run = 0;
  it('nothing crosses that either side’s rules forbid', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        run++;
        const traits = {
          nameKanji: `越境 ${run}`,
          nameKana: 'エッキョウ ハナコ',
          birthDate: `19${String(30 + (run % 60)).padStart(2, '0')}-0${1 + (run % 9)}-1${run % 10}`,
          sex: 'F',
        };
        const aPerson = await seedPerson(a.store, [
          { facilityOid: A_HOSPITAL, localId: `P${run}`, ...traits },
        ]);
        if (c.aConsent !== 'none')
          await seedConsent(a.store, {
            facilityOid: A_HOSPITAL,
            localId: `P${run}`,
            viewers:
              c.aConsent === 'all'
                ? 'all'
                : c.aConsent === 'names-other'
                  ? [c.userAt === IN_AGREEMENT ? OUTSIDE : IN_AGREEMENT]
                  : [c.userAt],
            ...(c.aConsent === 'withdrawn' ? { status: 'withdrawn' } : {}),
          });
        const atB = rowsAs(sample, sample[0]?.patient_id ?? '', `H${run}`);
        if (c.atB) {
          await insertProjection(bGateway.store, atB);
          await seedPerson(b.store, [{ facilityOid: B_HOSPITAL, localId: `H${run}`, ...traits }]);
          if (c.bConsent !== 'none')
            await seedConsent(b.store, {
              facilityOid: B_HOSPITAL,
              localId: `H${run}`,
              viewers:
                c.bConsent === 'all' ? 'all' : c.bConsent === 'names-b-only' ? [B_HOSPITAL] : [c.userAt],
              ...(c.bConsent === 'withdrawn' ? { status: 'withdrawn' } : {}),
            });
        }
        const user = await seedUser(a.store, {
          facilityOid: c.userAt,
          profession: c.profession,
          name: `職員 ${run}`,
        });
        const searchesBefore = (await bAudits('search')).length;
        const answer = await fetch(
          `${nets.idp.baseUrl}/api/v1/patients/${aPerson}/records?limit=500${c.category ? `&category=${c.category}` : ''}`,
          { headers: await sessionFor(a, user) },
        );
        const aShows = c.aConsent === 'all' || c.aConsent === 'names-clinic';
        if (!aShows) {
          expect(answer.status).toBe(404);
          expect((await bAudits('search')).length).toBe(searchesBefore);
          return;
        }
        expect(answer.status).toBe(200);
        const page = (await answer.json()) as { entries: { network?: string; id: string }[] };
        const shown = page.entries
          .filter((e) => e.network !== undefined)
          .map((e) => e.id)
          .sort();
        const agreed = c.userAt === IN_AGREEMENT;
        const bShows = c.atB && (c.bConsent === 'all' || c.bConsent === 'names-clinic');
        const allowed = (r: GwResourceTable) =>
          A_MATRIX(c.profession).includes(r.category as never) &&
          B_MATRIX(c.profession).includes(r.category as never) &&
          B_DISCLOSES.includes(r.category) &&
          (c.category === undefined || r.category === c.category);
        const expected =
          agreed && bShows
            ? atB
                .filter(allowed)
                .map((r) => r.id)
                .sort()
            : [];
        expect(shown).toEqual(expected);
        // B is asked only inside the agreement and only for categories A's rule gives this user.
        const asked = A_MATRIX(c.profession).some((cat) => c.category === undefined || cat === c.category);
        const searches = (await bAudits('search')).slice(searchesBefore);
        if (!agreed || !asked) {
          expect(searches).toEqual([]);
          return;
        }
        // B searched and found the patient only where B's consent names the facility, and sent exactly
        // what A shows (B's own audit of the view).
        expect(searches.length).toBe(1);
        expect(searches[0]?.entities?.length ?? 0).toBe(bShows ? 1 : 0);
        if (bShows) {
          const sent = (await bAudits('view')).filter((e) => e.detail?.view === 'partner-timeline').at(-1);
          expect((sent?.entities ?? []).map((e) => e.split('/').at(-1)).sort()).toEqual(expected);
        }
      }),
      { numRuns: Number(process.env.HIE_FEDERATION_PROPERTY_RUNS ?? 150) },
    );
  }, 300_000);
});
