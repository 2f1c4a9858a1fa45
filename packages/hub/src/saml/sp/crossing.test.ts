import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../../http.js';
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
import type { SamlSp } from './routes.js';
import { sessionFor, startTwoNetworks, type TwoNetworks } from './testing.js';

// Network A (晴れやかネット, Okayama): a hospital holding the records, a clinic in the agreement, one not.
const A_HOSPITAL = '1.2.392.200284.33.3319800011';
const A_CLINIC = '1.2.392.200284.33.3311610020';
const A_OTHER = '1.2.392.200284.33.3310101237';
// Network B (HM-net, Hiroshima): a hospital near the border.
const B_HOSPITAL = '1.2.392.200284.34.3410000001';

const BORDER = { nameKanji: '国境 一郎', nameKana: 'コッキョウ イチロウ', birthDate: '1948-02-11', sex: 'M' };
const WITHHELD = { nameKanji: '井原 和子', nameKana: 'イバラ カズコ', birthDate: '1951-09-30', sex: 'F' };

/**
 * Portal to portal (issue 16): a user of A's clinic opens a patient at the partner network B — A's
 * hub (IdP) signs the user in to B's hub (SP) with the patient's traits; B finds the patient by its
 * own PDQ and its own consent rules decide. Only facilities in the agreement see the link; only a
 * patient the user may see at A crosses; B lands on the patient only where B's consent names A's
 * facility. Both stores on B's side.
 */
describe.each(TEST_ENGINES)(
  'portal to portal: A’s user opens a patient at the partner network (%s)',
  (engine) => {
    let nets: TwoNetworks;
    let a: HubUnderTest;
    let b: HubUnderTest;
    let idp: SamlIdp;
    let sp: SamlSp;
    let clinicDoctor: HubPrincipal;
    let otherDoctor: HubPrincipal;
    let border: string;
    let withheld: string;
    let hidden: string;
    let bBorder: string;

    beforeAll(async () => {
      nets = await startTwoNetworks(engine, [A_CLINIC], { listen: true });
      ({ a, b, idp, sp } = nets);
      // A: the hospital discloses; the patients consented to the clinic and the other facility; one did not.
      for (const oid of [A_HOSPITAL, A_CLINIC, A_OTHER]) await seedFacility(a.store, { oid });
      await seedDisclosure(a.store, A_HOSPITAL, ['diagnosis']);
      border = await seedPerson(a.store, [{ facilityOid: A_HOSPITAL, localId: 'A-1', ...BORDER }]);
      withheld = await seedPerson(a.store, [{ facilityOid: A_HOSPITAL, localId: 'A-2', ...WITHHELD }]);
      hidden = await seedPerson(a.store, [
        {
          facilityOid: A_HOSPITAL,
          localId: 'A-3',
          nameKana: 'ヒミツ ハナコ',
          birthDate: '1960-01-01',
          sex: 'F',
        },
      ]);
      for (const localId of ['A-1', 'A-2'])
        await seedConsent(a.store, { facilityOid: A_HOSPITAL, localId, viewers: [A_CLINIC, A_OTHER] });
      clinicDoctor = await seedUser(a.store, {
        facilityOid: A_CLINIC,
        profession: 'doctor',
        name: '桃田 太郎',
      });
      otherDoctor = await seedUser(a.store, { facilityOid: A_OTHER, profession: 'doctor' });

      // B: its hospital holds both border patients; B's consent form for 国境 names A's clinic, 井原's does not.
      await seedFacility(b.store, { oid: B_HOSPITAL });
      await seedFacility(b.store, { oid: A_CLINIC, type: 'clinic', discloses: false });
      await seedDisclosure(b.store, B_HOSPITAL, ['diagnosis']);
      bBorder = await seedPerson(b.store, [{ facilityOid: B_HOSPITAL, localId: 'H-77', ...BORDER }]);
      await seedPerson(b.store, [{ facilityOid: B_HOSPITAL, localId: 'H-78', ...WITHHELD }]);
      await seedConsent(b.store, { facilityOid: B_HOSPITAL, localId: 'H-77', viewers: [A_CLINIC] });
      await seedConsent(b.store, { facilityOid: B_HOSPITAL, localId: 'H-78', viewers: [B_HOSPITAL] });
      // B's office opens A's clinic to A's users (accounts made at their first crossing).
      const office = await seedUser(b.store, { facilityOid: B_HOSPITAL, profession: 'office' });
      const opened = await fetch(
        `${sp.identity.acsUrl.replace('/saml/sp/acs', '')}/api/v1/admin/saml/identity-providers/jit`,
        {
          method: 'PUT',
          headers: { ...(await sessionFor(b, office)), 'content-type': 'application/json' },
          body: JSON.stringify({ idp: idp.entityId, facilities: [A_CLINIC] }),
        },
      );
      expect(opened.status, await opened.clone().text()).toBe(200);
    }, 60_000);

    afterAll(() => nets?.dispose());

    const partnersFor = async (p: HubPrincipal, person: string) => {
      const answer = await fetch(`${idp.baseUrl}/api/v1/saml/partners?personId=${person}`, {
        headers: await sessionFor(a, p),
      });
      expect(answer.status).toBe(200);
      return ((await answer.json()) as { partners: { name: string; url: string }[] }).partners;
    };
    /** Follows A's crossing link to B's ACS; the page B answers with. */
    const cross = async (p: HubPrincipal, url: string) => {
      const atA = await fetch(`${idp.baseUrl}${url}`, {
        redirect: 'manual',
        headers: await sessionFor(a, p),
      });
      expect(atA.status, await atA.clone().text()).toBe(200);
      const form = formOf(await atA.text());
      expect(form.action).toBe(sp.identity.acsUrl);
      const atB = await fetch(form.action, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form.fields).toString(),
      });
      expect(atB.status).toBe(200);
      return /url=([^"]+)"/.exec(await atB.text())?.[1]?.replace(/&amp;/g, '&') ?? '';
    };

    it('only the agreement’s facilities see the partner, and only for a patient they may see here', async () => {
      expect((await partnersFor(clinicDoctor, border)).map((p) => p.name)).toEqual(['HM-net']);
      expect(await partnersFor(otherDoctor, border)).toEqual([]);
      // A lesser profession of the agreement's clinic, which may not see the patient's records here: nothing.
      const clerk = await seedUser(a.store, { facilityOid: A_CLINIC, profession: 'clerk' });
      expect(await partnersFor(clerk, border)).toEqual([]);
      expect(await partnersFor(clinicDoctor, hidden)).toEqual([]);
      expect(await partnersFor(clinicDoctor, 'no-such-person')).toEqual([]);
      const spId = encodeURIComponent(sp.identity.entityId);
      const refused = await fetch(`${idp.baseUrl}/saml/idp/patient?sp=${spId}&person=${border}`, {
        headers: await sessionFor(a, otherDoctor),
      });
      expect(refused.status).toBe(403);
      const unseen = await fetch(`${idp.baseUrl}/saml/idp/patient?sp=${spId}&person=${hidden}`, {
        headers: await sessionFor(a, clinicDoctor),
      });
      expect(unseen.status).toBe(404);
      const anonymous = await fetch(`${idp.baseUrl}/api/v1/saml/partners?personId=${border}`);
      expect(anonymous.status).toBe(401);
      // A link from another site arrives without the (Strict) cookie: refused outright — no same-site
      // reload and no login detour that would bring the logged-in browser back to cross.
      const fromElsewhere = await fetch(`${idp.baseUrl}/saml/idp/patient?sp=${spId}&person=${border}`, {
        redirect: 'manual',
      });
      expect(fromElsewhere.status).toBe(401);
      expect(await fromElsewhere.text()).not.toMatch(/refresh|SAMLResponse/);
    });

    it('lands on the patient B’s consent shows to A’s clinic, as a user B made for the clinic', async () => {
      const [partner] = await partnersFor(clinicDoctor, border);
      const landing = await cross(clinicDoctor, partner?.url ?? '');
      expect(landing).toBe(`/patients/${bBorder}`);
      const user = await b.store.db
        .selectFrom('hub_saml_link as l')
        .innerJoin('hub_user as u', 'u.id', 'l.user_id')
        .select(['u.name', 'u.profession', 'l.origin'])
        .where('l.subject', '=', clinicDoctor.userId)
        .executeTakeFirstOrThrow();
      expect(user).toEqual({ name: '桃田 太郎', profession: 'doctor', origin: 'jit' });
      // Both sides audited what crossed: A the patient it sent, B the search it ran.
      const sent = await a.store.db
        .selectFrom('audit_event')
        .select('event_json')
        .where('type', '=', 'login')
        .execute();
      expect(sent.map((e) => JSON.parse(e.event_json) as { entities?: string[] })).toContainEqual(
        expect.objectContaining({ entities: [border] }),
      );
      const searched = await b.store.db
        .selectFrom('audit_event')
        .select('event_json')
        .where('type', '=', 'search')
        .execute();
      expect(
        searched.map(
          (e) => (JSON.parse(e.event_json) as { detail?: { via?: string; total?: string } }).detail,
        ),
      ).toContainEqual(expect.objectContaining({ via: 'saml-landing', total: '1' }));
    });

    it('a patient B’s rules do not show to A’s clinic lands on an empty search, never on the record', async () => {
      const [partner] = await partnersFor(clinicDoctor, withheld);
      const landing = await cross(clinicDoctor, partner?.url ?? '');
      expect(landing.startsWith('/patients?')).toBe(true);
      const query = new URLSearchParams(landing.slice('/patients?'.length));
      expect(query.get('birthDate')).toBe(WITHHELD.birthDate);
      // The same search as the user, at B: nothing listed.
      const login = await b.store.db
        .selectFrom('hub_saml_link')
        .select('user_id')
        .where('subject', '=', clinicDoctor.userId)
        .executeTakeFirstOrThrow();
      const bUser = { ...clinicDoctor, userId: login.user_id };
      const list = await fetch(`${sp.identity.acsUrl.replace('/saml/sp/acs', '')}/api/v1/patients?${query}`, {
        headers: await sessionFor(b, bUser),
      });
      expect(list.status).toBe(200);
      expect(((await list.json()) as { total: number }).total).toBe(0);
    });
  },
);
