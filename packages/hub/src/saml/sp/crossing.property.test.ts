import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type HubUnderTest,
  seedConsent,
  seedDisclosure,
  seedFacility,
  seedPerson,
  seedUser,
  TEST_ENGINES,
} from '../../testing.js';
import type { SamlIdp } from '../idp-routes.js';
import { formOf } from '../testing.js';
import { setJitFacilities } from './links.js';
import { sessionFor, startTwoNetworks, type TwoNetworks } from './testing.js';

const A_HOSPITAL = '1.2.392.200284.33.3319800011';
const IN_AGREEMENT = '1.2.392.200284.33.3311610020'; // a clinic of A in the agreement, open to JIT at B
const OUTSIDE = '1.2.392.200284.33.3310101237'; // a clinic of A outside it
const B_HOSPITAL = '1.2.392.200284.34.3410110015';

/** What one case draws: A's consent for the user's clinic, the agreement, B's patient and consent. */
const caseArb = fc.record({
  userAt: fc.constantFrom(IN_AGREEMENT, OUTSIDE),
  aConsent: fc.constantFrom('names-clinic', 'all', 'names-other', 'withdrawn', 'none'),
  atB: fc.boolean(),
  bConsent: fc.constantFrom('names-clinic', 'all', 'names-b-only', 'withdrawn', 'none'),
  sex: fc.constantFrom('M', 'F'),
});

/**
 * Federation policy (issue 16), portal to portal: for random consents on both sides × the user's
 * facility in or outside the agreement × the patient at B or not — A offers and signs a crossing only
 * for a facility in the agreement and a patient A's rules show it; B lands on its patient only where
 * B's consent shows it to that facility; otherwise B's search finds nobody. Nothing crosses that
 * either side's rules forbid.
 */
describe.each(TEST_ENGINES)('federation policy, portal to portal (%s)', (engine) => {
  let nets: TwoNetworks;
  let a: HubUnderTest;
  let b: HubUnderTest;
  let idp: SamlIdp;
  let spEntity: string;

  beforeAll(async () => {
    nets = await startTwoNetworks(engine, [IN_AGREEMENT], { listen: false });
    ({ a, b, idp } = nets);
    spEntity = nets.partner.entityId;
    for (const oid of [A_HOSPITAL, IN_AGREEMENT, OUTSIDE]) await seedFacility(a.store, { oid });
    await seedDisclosure(a.store, A_HOSPITAL, ['diagnosis']);
    await seedFacility(b.store, { oid: B_HOSPITAL });
    for (const oid of [IN_AGREEMENT, OUTSIDE])
      await seedFacility(b.store, { oid, type: 'clinic', discloses: false });
    await seedDisclosure(b.store, B_HOSPITAL, ['diagnosis']);
    // B opens both of A's clinics to JIT: the agreement on A's side alone must keep OUTSIDE out.
    await setJitFacilities(b.store, idp.entityId, [IN_AGREEMENT, OUTSIDE], 'test', new Date());
  }, 60_000);

  afterAll(() => nets?.dispose());

  let run = 0;
  it('nothing crosses that either side’s rules forbid', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        run++;
        const traits = {
          nameKanji: `越境 ${run}`,
          // Birth dates are unique within the 60 runs: the traits find exactly this person or nobody.
          nameKana: 'エッキョウ タロウ',
          birthDate: `19${String(30 + (run % 60)).padStart(2, '0')}-0${1 + (run % 9)}-1${run % 10}`,
          sex: c.sex,
        };
        const local = `P-${run}`;
        const aPerson = await seedPerson(a.store, [{ facilityOid: A_HOSPITAL, localId: local, ...traits }]);
        if (c.aConsent !== 'none')
          await seedConsent(a.store, {
            facilityOid: A_HOSPITAL,
            localId: local,
            viewers:
              c.aConsent === 'all'
                ? 'all'
                : c.aConsent === 'names-other'
                  ? [c.userAt === IN_AGREEMENT ? OUTSIDE : IN_AGREEMENT]
                  : [c.userAt],
            ...(c.aConsent === 'withdrawn' ? { status: 'withdrawn' } : {}),
          });
        let bPerson: string | null = null;
        if (c.atB) {
          bPerson = await seedPerson(b.store, [{ facilityOid: B_HOSPITAL, localId: `H-${run}`, ...traits }]);
          if (c.bConsent !== 'none')
            await seedConsent(b.store, {
              facilityOid: B_HOSPITAL,
              localId: `H-${run}`,
              viewers:
                c.bConsent === 'all' ? 'all' : c.bConsent === 'names-b-only' ? [B_HOSPITAL] : [c.userAt],
              ...(c.bConsent === 'withdrawn' ? { status: 'withdrawn' } : {}),
            });
        }
        const doctor = await seedUser(a.store, {
          facilityOid: c.userAt,
          profession: 'doctor',
          name: `医師 ${run}`,
        });
        const headers = await sessionFor(a, doctor);

        const aShows = c.aConsent === 'all' || c.aConsent === 'names-clinic';
        const agreed = c.userAt === IN_AGREEMENT;
        const partners = await a.app.inject({ url: `/api/v1/saml/partners?personId=${aPerson}`, headers });
        expect(partners.json().partners.length).toBe(agreed && aShows ? 1 : 0);

        const crossing = await a.app.inject({
          url: `/saml/idp/patient?sp=${encodeURIComponent(spEntity)}&person=${aPerson}`,
          headers,
        });
        if (!(agreed && aShows)) {
          expect([403, 404]).toContain(crossing.statusCode);
          expect(crossing.body).not.toContain('SAMLResponse');
          return;
        }
        expect(crossing.statusCode).toBe(200);
        const form = formOf(crossing.body);
        const landed = await b.app.inject({
          method: 'POST',
          url: '/saml/sp/acs',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams(form.fields).toString(),
        });
        expect(landed.statusCode).toBe(200);
        const to = /url=([^"]+)"/.exec(landed.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
        const bShows = c.atB && (c.bConsent === 'all' || c.bConsent === 'names-clinic');
        if (bShows) expect(to).toBe(`/patients/${bPerson}`);
        else expect(to.startsWith('/patients?')).toBe(true);
        // B's own audit of the search it ran: it found this patient only where B's rules show it.
        const searches = await b.store.db
          .selectFrom('audit_event')
          .select('event_json')
          .where('type', '=', 'search')
          .orderBy('seq', 'desc')
          .limit(1)
          .execute();
        const entities =
          (JSON.parse(searches[0]?.event_json ?? '{}') as { entities?: string[] }).entities ?? [];
        expect(entities).toEqual(bShows ? [bPerson] : []);
      }),
      { numRuns: 60 },
    );
  });
});
