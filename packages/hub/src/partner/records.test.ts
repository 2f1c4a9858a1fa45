import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATEGORIES, withCategoryTag } from '@hie/contract';
import { patientResourceId } from '@hie/fhir-jp';
import type { GwResourceTable } from '@hie/gateway';
import { useSampleProjection } from '@hie/gateway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubRoutes } from '../api/build.js';
import type { HubPrincipal } from '../http.js';
import { gazelleErrors } from '../ihe/testing.js';
import { DEFAULT_PROFESSION_POLICY } from '../policy/matrix.js';
import { loadOrCreateSamlKeys } from '../saml/keys.js';
import type { AssertedUser } from '../saml/response.js';
import { assertionElement, sign } from '../saml/response.js';
import { revokeLink } from '../saml/sp/links.js';
import { sessionFor, startTwoNetworks, type TwoNetworks } from '../saml/sp/testing.js';
import { seedConsent, seedDisclosure, seedFacility, seedPerson, seedUser, TEST_ENGINES } from '../testing.js';
import type { SourceStatus } from '../viewing/gateway-client.js';
import {
  type RunningGateway,
  rowsAs,
  seedMatrix,
  startGateway,
  startHungServer,
  stopGateway,
} from '../viewing/testing.js';
import { partnerRecordsOf } from './initiating.js';
import { partnerRespondingRoutes } from './responding.js';
import { XC_ROOT } from './wire.js';
import { xuaToken } from './xua.js';

const rows = useSampleProjection();
/** The hubs' OID root (DEFAULT_HUB_SETTINGS): the regional id domain is `<root>.0.2`. */
const HUB_OID_ROOT = '1.2.392.200284';
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../ihe/fixtures');
const ALL = Object.keys(CATEGORIES);
// Network A (晴れやかネット): a hospital with a gateway, a clinic in the agreement with HM-net, one not.
const A_HOSPITAL = '1.2.392.200284.33.3319800011';
const A_CLINIC = '1.2.392.200284.33.3311610020';
const A_OTHER = '1.2.392.200284.33.3310101237';
// Network B (HM-net): a hospital near the border, with its own gateway.
const B_HOSPITAL = '1.2.392.200284.34.3410000001';
const BORDER = { nameKanji: '国境 一郎', nameKana: 'コッキョウ イチロウ', birthDate: '1948-02-11', sex: 'M' };
const WITHHELD = { nameKanji: '井原 和子', nameKana: 'イバラ カズコ', birthDate: '1951-09-30', sex: 'F' };

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
/** A gateway row of a patient's referral letter (category document) for `resource`. */
const documentRow = (patient: string, resource: { resourceType: string; id: string }): GwResourceTable => ({
  resource_type: resource.resourceType,
  id: resource.id,
  patient_id: patient,
  category: 'document',
  date: '2026-01-05',
  code: null,
  record_key: `${patient}.DOC.`,
  file_path: 'doc/1.pdf',
  version_id: 1,
  last_updated: '2026-11-01T00:00:00.000Z',
  json: JSON.stringify(withCategoryTag(resource, 'document')),
});
/** The letter's file (a PDF). */
const binaryRow = (patient: string) =>
  documentRow(patient, {
    resourceType: 'Binary',
    id: `${patient}.DOC.1`,
    contentType: 'application/pdf',
    data: PDF.toString('base64'),
  } as { resourceType: string; id: string });
/** The letter's DocumentReference (what XCA's FindDocuments lists), its file the Binary above. */
const letterRow = (patient: string) =>
  documentRow(patient, {
    resourceType: 'DocumentReference',
    id: `${patient}.DOC`,
    status: 'current',
    type: { coding: [{ system: 'urn:oid:1.2.392.200250.2.2.2', code: '01', display: '診療情報提供書' }] },
    subject: { reference: `Patient/${patientResourceId(patient)}` },
    date: '2026-01-05T10:00:00+09:00',
    description: '診療情報提供書',
    content: [
      { attachment: { contentType: 'application/pdf', url: `Binary/${patient}.DOC.1`, title: 'letter.pdf' } },
    ],
  } as { resourceType: string; id: string });

interface Entry {
  facilityOid: string;
  network?: string;
  resourceType: string;
  id: string;
  date: string | null;
  resource: { meta?: { tag?: { system?: string; code?: string }[] } };
}
interface Timeline {
  total: number;
  complete: boolean;
  entries: Entry[];
  sources: SourceStatus[];
}

/**
 * Records into our timeline (issue 16): A's timeline of a border patient also shows what HM-net's
 * hospital holds — asked by A's hub with XUA for the user, found at B by PDQm with the traits, and
 * answered under B's consent and policy for A's facility; A's profession rule applies on top. Real
 * gateways on both sides; both stores on B's side.
 */
describe.each(TEST_ENGINES)('records into our timeline from a partner network (%s)', (engine) => {
  let nets: TwoNetworks;
  let aGateway: RunningGateway;
  let bGateway: RunningGateway;
  let clinicDoctor: HubPrincipal;
  let otherDoctor: HubPrincipal;
  let border: string;
  let withheld: string;
  let bBorder: string;
  let bWithheld: string;
  let bUrl: string;
  let aRows: GwResourceTable[];
  let bRows: GwResourceTable[];

  beforeAll(async () => {
    nets = await startTwoNetworks(engine, [A_CLINIC], {
      listen: true,
      records: {
        aRoutes: (idp) => hubRoutes(null, null, partnerRecordsOf(idp)),
        bOutside: (sp) => [partnerRespondingRoutes(sp)],
      },
    });
    const { a, b, idp, sp } = nets;
    bUrl = sp.identity.acsUrl.replace('/saml/sp/acs', '');
    // Two patients of the sample data: the one at A, and another history for B's hospital.
    const counts = new Map<string, number>();
    for (const r of rows)
      if (/^\d+$/.test(r.patient_id)) counts.set(r.patient_id, (counts.get(r.patient_id) ?? 0) + 1);
    const [p1 = '', p2 = ''] = [...counts]
      .sort(([p, x], [q, y]) => y - x || (p < q ? -1 : 1))
      .map(([p]) => p);
    aRows = rowsAs(rows, p1, 'A1');
    bRows = [
      ...rowsAs(rows, p2, 'H77'),
      ...rowsAs(rows, p2, 'H78'),
      binaryRow('H77'),
      binaryRow('H78'),
      letterRow('H77'),
      letterRow('H78'),
    ];
    aGateway = await startGateway('sqlite', a.deps, {
      oid: A_HOSPITAL,
      name: '岡山南病院',
      rows: aRows,
      categories: ALL,
    });
    bGateway = await startGateway(engine, b.deps, {
      oid: B_HOSPITAL,
      name: '備後中央病院',
      rows: bRows,
      categories: ALL,
    });

    await seedFacility(a.store, { oid: A_HOSPITAL, name: '岡山南病院', gatewayUrl: aGateway.url });
    await seedFacility(a.store, {
      oid: A_CLINIC,
      name: 'さくらクリニック',
      type: 'clinic',
      discloses: false,
    });
    await seedFacility(a.store, { oid: A_OTHER, type: 'clinic', discloses: false });
    await seedMatrix(a.store);
    await seedDisclosure(a.store, A_HOSPITAL, ALL);
    border = await seedPerson(a.store, [{ facilityOid: A_HOSPITAL, localId: 'A1', ...BORDER }]);
    withheld = await seedPerson(a.store, [{ facilityOid: A_HOSPITAL, localId: 'A2', ...WITHHELD }]);
    for (const localId of ['A1', 'A2'])
      await seedConsent(a.store, { facilityOid: A_HOSPITAL, localId, viewers: [A_CLINIC, A_OTHER] });
    clinicDoctor = await seedUser(a.store, {
      facilityOid: A_CLINIC,
      profession: 'doctor',
      name: '桃田 太郎',
    });
    otherDoctor = await seedUser(a.store, { facilityOid: A_OTHER, profession: 'doctor' });

    await seedFacility(b.store, { oid: B_HOSPITAL, name: '備後中央病院', gatewayUrl: bGateway.url });
    await seedFacility(b.store, {
      oid: A_CLINIC,
      name: 'さくらクリニック',
      type: 'clinic',
      discloses: false,
    });
    await seedMatrix(b.store);
    await seedDisclosure(b.store, B_HOSPITAL, ALL);
    bBorder = await seedPerson(b.store, [{ facilityOid: B_HOSPITAL, localId: 'H77', ...BORDER }]);
    bWithheld = await seedPerson(b.store, [{ facilityOid: B_HOSPITAL, localId: 'H78', ...WITHHELD }]);
    // HM-net's consent form: 国境's names A's clinic; 井原's names only B's own hospital.
    await seedConsent(b.store, { facilityOid: B_HOSPITAL, localId: 'H77', viewers: [A_CLINIC] });
    await seedConsent(b.store, { facilityOid: B_HOSPITAL, localId: 'H78', viewers: [B_HOSPITAL] });
    const office = await seedUser(b.store, { facilityOid: B_HOSPITAL, profession: 'office' });
    const opened = await fetch(`${bUrl}/api/v1/admin/saml/identity-providers/jit`, {
      method: 'PUT',
      headers: { ...(await sessionFor(b, office)), 'content-type': 'application/json' },
      body: JSON.stringify({ idp: idp.entityId, facilities: [A_CLINIC] }),
    });
    expect(opened.status, await opened.clone().text()).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([aGateway && stopGateway(aGateway), bGateway && stopGateway(bGateway)]);
    await nets?.dispose();
  });

  const timeline = async (p: HubPrincipal, person: string, query = 'limit=500') => {
    const answer = await fetch(`${nets.idp.baseUrl}/api/v1/patients/${person}/timeline?${query}`, {
      headers: await sessionFor(nets.a, p),
    });
    expect(answer.status, await answer.clone().text()).toBe(200);
    return (await answer.json()) as Timeline;
  };
  const auditsAt = async (side: 'a' | 'b', type: string) =>
    (
      await nets[side].store.db
        .selectFrom('audit_event')
        .select('event_json')
        .where('type', '=', type)
        .orderBy('seq')
        .execute()
    ).map(
      (e) =>
        JSON.parse(e.event_json) as {
          outcome: string;
          agent: { userId: string; facilityOid: string };
          entities?: string[];
          detail?: Record<string, string>;
        },
    );
  const doctorSees = (r: GwResourceTable) => DEFAULT_PROFESSION_POLICY.doctor.includes(r.category as never);
  const fromPartner = (t: Timeline) => t.entries.filter((e) => e.network !== undefined);

  it('the agreement clinic’s doctor sees HM-net’s records of the patient in the timeline, tagged and merged', async () => {
    const t = await timeline(clinicDoctor, border);
    const partner = fromPartner(t);
    const expected = bRows.filter((r) => r.patient_id === 'H77' && doctorSees(r));
    expect(expected.length).toBeGreaterThan(5);
    expect(partner.map((e) => `${e.resourceType}/${e.id}`).sort()).toEqual(
      expected.map((r) => `${r.resource_type}/${r.id}`).sort(),
    );
    expect(new Set(partner.map((e) => e.network))).toEqual(new Set(['HM-net']));
    expect(new Set(partner.map((e) => e.facilityOid))).toEqual(new Set([B_HOSPITAL]));
    // Nothing of B's other patient, and our own records still there.
    expect(partner.some((e) => e.id.includes('H78'))).toBe(false);
    const own = t.entries.filter((e) => e.network === undefined);
    expect(own.length).toBe(aRows.filter(doctorSees).length);
    // One merged list: our own records keep the order they have without the partner (the merge's own
    // ordering is viewing/merge's property test); the newest of both comes first.
    const alone = await timeline(otherDoctor, border);
    expect(own.map((e) => e.id)).toEqual(alone.entries.map((e) => e.id));
    expect(t.entries[0]?.date?.slice(0, 7)).toBe(
      [own[0]?.date ?? '', partner[0]?.date ?? ''].sort().reverse()[0]?.slice(0, 7),
    );
    const line = t.sources.find((s) => s.network === 'HM-net');
    expect(line).toMatchObject({
      facilityOid: B_HOSPITAL,
      name: '備後中央病院',
      status: 'ok',
      total: expected.length,
    });
    expect(t.total).toBe(own.length + expected.length);
    expect(t.complete).toBe(true);

    // A audited the exchange; B audited the search and the view as the user it knows for A's clinic.
    const asked = await auditsAt('a', 'partner');
    expect(asked.map((e) => e.detail?.step)).toEqual(expect.arrayContaining(['pdq', 'records']));
    const viewed = (await auditsAt('b', 'view')).filter((e) => e.detail?.view === 'partner-timeline');
    expect(viewed.at(-1)).toMatchObject({ outcome: '0', agent: { facilityOid: A_CLINIC } });
    expect(viewed.at(-1)?.entities?.length).toBe(expected.length);
    const searched = (await auditsAt('b', 'search')).filter((e) => e.detail?.via === 'xua');
    expect(searched.at(-1)?.detail?.total).toBe('1');
    expect(searched.at(-1)?.entities).toEqual([bBorder]);
    const user = await nets.b.store.db
      .selectFrom('hub_saml_link as l')
      .innerJoin('hub_user as u', 'u.id', 'l.user_id')
      .select(['u.id', 'u.name', 'u.profession'])
      .where('l.subject', '=', clinicDoctor.userId)
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: '桃田 太郎', profession: 'doctor' });
    expect(viewed.at(-1)?.agent.userId).toBe(user.id);
  });

  it('a page and a category narrow what is asked of HM-net', async () => {
    const page = await timeline(clinicDoctor, border, 'limit=10&offset=5');
    expect(page.entries.length).toBe(10);
    const full = await timeline(clinicDoctor, border);
    expect(page.entries.map((e) => e.id)).toEqual(full.entries.slice(5, 15).map((e) => e.id));
    const answer = await fetch(
      `${nets.idp.baseUrl}/api/v1/patients/${border}/records?category=prescription&limit=500`,
      { headers: await sessionFor(nets.a, clinicDoctor) },
    );
    const prescriptions = (await answer.json()) as Timeline;
    // One of HM-net's facilities asked by name: HM-net's records alone.
    const theirs = await fetch(
      `${nets.idp.baseUrl}/api/v1/patients/${border}/records?facility=${B_HOSPITAL}&limit=500`,
      {
        headers: await sessionFor(nets.a, clinicDoctor),
      },
    );
    const only = (await theirs.json()) as Timeline;
    expect(only.entries.length).toBeGreaterThan(0);
    expect(only.entries.every((e) => e.facilityOid === B_HOSPITAL && e.network === 'HM-net')).toBe(true);
    const partner = fromPartner(prescriptions);
    expect(partner.length).toBe(
      bRows.filter((r) => r.patient_id === 'H77' && r.category === 'prescription').length,
    );
    expect(partner.length).toBeGreaterThan(0);
  });

  it('HM-net’s records reach the lab summary, a type and code search, the visit list and the allergy banner', async () => {
    const get = async <T>(path: string) => {
      const answer = await fetch(`${nets.idp.baseUrl}/api/v1/patients/${border}${path}`, {
        headers: await sessionFor(nets.a, clinicDoctor),
      });
      expect(answer.status, await answer.clone().text()).toBe(200);
      return (await answer.json()) as T;
    };
    const atB = (f: (r: GwResourceTable) => boolean) =>
      bRows.filter((r) => r.patient_id === 'H77' && doctorSees(r) && f(r));
    const observations = await get<Timeline>('/records?type=Observation&limit=500');
    expect(fromPartner(observations).length).toBe(
      Math.min(500, atB((r) => r.resource_type === 'Observation').length),
    );
    const summary = await get<{ tests: { facilities: string[]; codes: string[] }[] }>('/labs/summary');
    const theirs = summary.tests.filter((t) => t.facilities.includes(B_HOSPITAL));
    expect(theirs.length).toBeGreaterThan(0);
    const code = theirs[0]?.codes[0] ?? '';
    const series = await get<Timeline>(
      `/records?type=Observation&code=${encodeURIComponent(code)}&limit=500`,
    );
    expect(fromPartner(series).length).toBe(
      atB((r) => r.resource_type === 'Observation' && r.code === code).length,
    );
    expect(atB((r) => r.resource_type === 'Encounter').length).toBeGreaterThan(0);
    const visits = await get<{ visits: { facilityOid: string }[] }>('/visits');
    expect(visits.visits.filter((v) => v.facilityOid === B_HOSPITAL).length).toBe(
      atB((r) => r.resource_type === 'Encounter').length,
    );
    const header = await get<{ allergies: { items: { facilityOid: string }[]; sources: SourceStatus[] } }>(
      '',
    );
    expect(header.allergies.sources.some((s) => s.network === 'HM-net')).toBe(true);
  });

  it('a document held at HM-net opens through HM-net’s hub, under both networks’ rules', async () => {
    const open = async (p: HubPrincipal, person: string, id: string) =>
      fetch(`${nets.idp.baseUrl}/api/v1/patients/${person}/binary/${B_HOSPITAL}/${id}`, {
        headers: await sessionFor(nets.a, p),
      });
    const letter = await open(clinicDoctor, border, 'H77.DOC.1');
    expect(letter.status, await letter.clone().text()).toBe(200);
    expect(letter.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await letter.arrayBuffer()).equals(PDF)).toBe(true);
    // Another patient's document, a facility outside the agreement, one HM-net does not show: the one 404.
    expect((await open(clinicDoctor, border, 'H78.DOC.1')).status).toBe(404);
    expect((await open(otherDoctor, border, 'H77.DOC.1')).status).toBe(404);
    expect((await open(clinicDoctor, withheld, 'H78.DOC.1')).status).toBe(404);
    // Our own rule: a profession our matrix keeps from documents gets none from HM-net either.
    await nets.a.store.db
      .deleteFrom('hub_profession_policy')
      .where('profession', '=', 'doctor')
      .where('category', '=', 'document')
      .execute();
    try {
      expect((await open(clinicDoctor, border, 'H77.DOC.1')).status).toBe(404);
    } finally {
      await seedMatrix(nets.a.store);
    }
    const viewed = (await auditsAt('b', 'view')).filter((e) => e.detail?.view === 'binary');
    expect(viewed.map((e) => e.entities)).toContainEqual([`${B_HOSPITAL}/Binary/H77.DOC.1`]);
  });

  it('HM-net’s consent decides: a patient it does not show to our clinic brings a notice, no record', async () => {
    const t = await timeline(clinicDoctor, withheld);
    expect(fromPartner(t)).toEqual([]);
    const line = t.sources.find((s) => s.network === 'HM-net');
    expect(line?.status).toBe('ok');
    expect(line?.note).toBe('not-found');
    expect(t.sources.find((s) => s.facilityOid === A_HOSPITAL)?.status).toBe('ok');
  });

  it('a facility outside the agreement never asks HM-net', async () => {
    const before = (await auditsAt('b', 'search')).length;
    const t = await timeline(otherDoctor, border);
    expect(fromPartner(t)).toEqual([]);
    expect(t.sources.some((s) => s.network)).toBe(false);
    expect((await auditsAt('b', 'search')).length).toBe(before);
  });

  it('our own profession rule applies to HM-net’s records too', async () => {
    // At A only, a doctor may no longer see prescriptions: B still sends them, A drops them.
    await nets.a.store.db
      .deleteFrom('hub_profession_policy')
      .where('profession', '=', 'doctor')
      .where('category', '=', 'prescription')
      .execute();
    try {
      const t = await timeline(clinicDoctor, border);
      const partner = fromPartner(t);
      expect(partner.length).toBeGreaterThan(0);
      expect(partner.some((e) => e.resource.meta?.tag?.some((tag) => tag.code === 'prescription'))).toBe(
        false,
      );
      // Not even asked for: HM-net's audit of what it sent has no prescription.
      const sent = (await auditsAt('b', 'view')).filter((e) => e.detail?.view === 'partner-timeline').at(-1);
      expect(sent?.entities?.length).toBe(partner.length);
      expect(sent?.entities?.some((e) => e.includes('MedicationRequest'))).toBe(false);
    } finally {
      await seedMatrix(nets.a.store);
    }
  });

  it('an outage of HM-net is a notice on the timeline, never an error', async () => {
    const hung = await startHungServer();
    const saved = nets.partner.recordsUrl;
    try {
      nets.partner.recordsUrl = hung.url;
      const slow = await timeline(clinicDoctor, border);
      expect(slow.sources.find((s) => s.network === 'HM-net')?.status).toBe('timeout');
      expect(slow.entries.length).toBe(aRows.filter(doctorSees).length);
      expect(slow.complete).toBe(false);
      nets.partner.recordsUrl = 'http://127.0.0.1:1';
      const down = await timeline(clinicDoctor, border);
      expect(down.sources.find((s) => s.network === 'HM-net')?.status).toBe('error');
      expect(down.entries.length).toBe(aRows.filter(doctorSees).length);
    } finally {
      nets.partner.recordsUrl = saved;
      await hung.close();
    }
  }, 30_000);

  describe('XUA at HM-net: every call refused unless its assertion is right', () => {
    const userOf = (p: HubPrincipal, facilityOid = A_CLINIC): AssertedUser => ({
      userId: p.userId,
      name: p.name,
      profession: p.profession,
      hcRole: 'Medical Doctor',
      facilityOid,
      facilityName: 'さくらクリニック',
      purposeOfUse: 'TREAT',
    });
    const pdqPath = `${XC_ROOT}/Patient?name=${encodeURIComponent(BORDER.nameKana)}&birthdate=${BORDER.birthDate}`;
    const tokenFor = (
      path: string,
      o: Partial<Parameters<typeof xuaToken>[1]> & { keys?: typeof nets.idp.keys } = {},
    ) =>
      xuaToken(o.keys ?? nets.idp.keys, {
        issuer: nets.idp.entityId,
        audience: nets.sp.identity.entityId,
        recipient: `${bUrl}${XC_ROOT}`,
        user: userOf(clinicDoctor),
        method: 'GET',
        url: new URL(`${bUrl}${path}`),
        now: new Date(),
        ...o,
      });
    const call = (path: string, token: string | null) =>
      fetch(`${bUrl}${path}`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });
    const codeOf = async (response: Response) =>
      ((await response.json()) as { issue: { diagnostics: string }[] }).issue[0]?.diagnostics;
    const expectRefused = async (response: Response, status: number, code: string) => {
      expect(response.status).toBe(status);
      expect(await codeOf(response)).toBe(code);
    };
    const edit = (token: string, change: (xml: string) => string) =>
      Buffer.from(change(Buffer.from(token, 'base64url').toString('utf8')), 'utf8').toString('base64url');

    it('a new user’s first calls in parallel make one account at HM-net, and all are answered', async () => {
      const pharmacist = await seedUser(nets.a.store, {
        facilityOid: A_CLINIC,
        profession: 'nurse',
        name: '並行 花子',
      });
      const who = { ...userOf(pharmacist), hcRole: 'Nurse' };
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => call(pdqPath, tokenFor(pdqPath, { user: who }))),
      );
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      const links = await nets.b.store.db
        .selectFrom('hub_saml_link')
        .select('id')
        .where('subject', '=', pharmacist.userId)
        .execute();
      expect(links).toHaveLength(1);
    });

    it('a right assertion answers once; the same again is a replay', async () => {
      const token = tokenFor(pdqPath);
      const first = await call(pdqPath, token);
      expect(first.status).toBe(200);
      expect(((await first.json()) as { total: number }).total).toBe(1);
      await expectRefused(await call(pdqPath, token), 403, 'xua-replay');
    });

    it('no assertion, not XML, XXE, unsigned, a foreign key, an edited one, wrapped ones', async () => {
      await expectRefused(await call(pdqPath, null), 401, 'xua-missing');
      await expectRefused(
        await call(pdqPath, Buffer.from('not xml').toString('base64url')),
        400,
        'xua-invalid',
      );
      const xxe = `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">&x;</saml:Assertion>`;
      await expectRefused(await call(pdqPath, Buffer.from(xxe).toString('base64url')), 400, 'xua-invalid');
      const unsigned = assertionElement({
        issuer: nets.idp.entityId,
        audience: nets.sp.identity.entityId,
        recipient: `${bUrl}${XC_ROOT}`,
        inResponseTo: null,
        user: userOf(clinicDoctor),
        sessionIndex: '_s',
        now: new Date(),
      });
      await expectRefused(
        await call(pdqPath, Buffer.from(unsigned.xml).toString('base64url')),
        403,
        'xua-unsigned',
      );
      const dir = await mkdtemp(join(tmpdir(), 'hie-xua-'));
      try {
        const foreign = await loadOrCreateSamlKeys(join(dir, 'k'), join(dir, 'c'), 'evil');
        await expectRefused(
          await call(pdqPath, tokenFor(pdqPath, { keys: foreign })),
          403,
          'xua-bad-signature',
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      // Another user's id written over the signed one.
      const edited = edit(tokenFor(pdqPath), (xml) => xml.replace(clinicDoctor.userId, otherDoctor.userId));
      await expectRefused(await call(pdqPath, edited), 403, 'xua-bad-signature');
      // Wrapping: a second, unsigned assertion inside the signed one; the signed one moved under a forged root.
      const inner = edit(tokenFor(pdqPath), (xml) =>
        xml.replace('</saml:Assertion>', `<saml:Advice>${unsigned.xml}</saml:Advice></saml:Assertion>`),
      );
      await expectRefused(await call(pdqPath, inner), 403, 'xua-bad-signature');
      const signed = Buffer.from(tokenFor(pdqPath), 'base64url').toString('utf8');
      const id = /ID="([^"]+)"/.exec(signed)?.[1] ?? '';
      const forged = unsigned.xml
        .replace(/ID="[^"]+"/, `ID="${id}"`)
        .replace('</saml:Assertion>', `<saml:Advice>${signed}</saml:Advice></saml:Assertion>`);
      await expectRefused(
        await call(pdqPath, Buffer.from(forged).toString('base64url')),
        403,
        'xua-unsigned',
      );
    });

    it('expired, for another audience, recipient or request, from an issuer we do not answer', async () => {
      await expectRefused(
        await call(pdqPath, tokenFor(pdqPath, { now: new Date(Date.now() - 10 * 60_000) })),
        403,
        'xua-expired',
      );
      await expectRefused(
        await call(pdqPath, tokenFor(pdqPath, { audience: 'https://other.example/sp' })),
        403,
        'xua-wrong-audience',
      );
      await expectRefused(
        await call(pdqPath, tokenFor(pdqPath, { recipient: 'https://other.example/xc' })),
        403,
        'xua-wrong-recipient',
      );
      const otherQuery = `${XC_ROOT}/Patient?name=${encodeURIComponent(WITHHELD.nameKana)}&birthdate=${WITHHELD.birthDate}`;
      await expectRefused(await call(otherQuery, tokenFor(pdqPath)), 403, 'xua-wrong-operation');
      await expectRefused(
        await call(pdqPath, tokenFor(pdqPath, { issuer: 'https://evil.example/idp' })),
        403,
        'xua-unknown-issuer',
      );
      const refusals = (await auditsAt('b', 'partner')).filter((e) => e.outcome === '4');
      expect(refusals.length).toBeGreaterThanOrEqual(5);
    });

    it('XCPD ITI-55 (SOAP, XUA in WS-Security): the same discovery under HM-net’s rules', async () => {
      const sample = readFileSync(join(FIXTURES, 'ipf/iti55-sample-request.xml'), 'utf8');
      const query = (t: typeof BORDER) =>
        sample
          .replace(
            /<given>Jimmy<\/given>\s*<family>Jones<\/family>/,
            `<family>${t.nameKana.split(' ')[0]}</family><given>${t.nameKana.split(' ')[1]}</given>`,
          )
          .replace('<value value="19630805"/>', `<value value="${t.birthDate.replaceAll('-', '')}"/>`)
          .replace('<value code="M"/>', `<value code="${t.sex}"/>`);
      /** A standard XUA assertion (no request binding), signed by A's IdP key. */
      const xua = (over: Partial<Parameters<typeof assertionElement>[0]> = {}) => {
        const a = assertionElement({
          issuer: nets.idp.entityId,
          audience: nets.sp.identity.entityId,
          recipient: `${bUrl}/xc/ihe/xcpd`,
          inResponseTo: null,
          user: userOf(clinicDoctor),
          sessionIndex: '_x',
          now: new Date(),
          lifetimeSeconds: 60,
          ...over,
        });
        return sign(nets.idp.keys, a.xml, a.id, 'Assertion');
      };
      const envelope = (body: string, assertion: string | null) =>
        `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://www.w3.org/2005/08/addressing"><env:Header><wsa:Action env:mustUnderstand="true">urn:hl7-org:v3:PRPA_IN201305UV02:CrossGatewayPatientDiscovery</wsa:Action><wsa:MessageID>urn:uuid:${randomUUID()}</wsa:MessageID>${
          assertion === null
            ? ''
            : `<wsse:Security env:mustUnderstand="true" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">${assertion}</wsse:Security>`
        }</env:Header><env:Body>${body.replace(/^<\?xml[^>]*>/, '')}</env:Body></env:Envelope>`;
      const post = (xml: string) =>
        fetch(`${bUrl}/xc/ihe/xcpd`, {
          method: 'POST',
          headers: { 'content-type': 'application/soap+xml; charset=UTF-8' },
          body: xml,
        });
      const signed = xua();
      const found = await post(envelope(query(BORDER), signed));
      const answer = await found.text();
      expect(found.status, answer).toBe(200);
      expect(answer).toContain('CrossGatewayPatientDiscovery');
      expect(answer).toContain('<queryResponseCode code="OK"/>');
      // The answer passes the Gazelle PIX/PDQ V3 Schematron in the PRPA_IN201306UV02 phase.
      expect(gazelleErrors(answer)).toEqual([]);
      expect(answer).toContain(`extension="${bBorder}"`);
      expect(answer).toMatch(
        /<custodian typeCode="CST"><assignedEntity classCode="ASSIGNED"><id root="[\d.]+"\/>/,
      );
      // The same assertion again: a replay.
      const again = await post(envelope(query(BORDER), signed));
      expect(again.status).toBe(403);
      expect(await again.text()).toContain('xua-replay');
      // A patient HM-net does not show to our clinic: NF, no identity.
      const withheldAnswer = await (await post(envelope(query(WITHHELD), xua()))).text();
      expect(withheldAnswer).toContain('<queryResponseCode code="NF"/>');
      expect(withheldAnswer).not.toContain(bWithheld);
      // The sample's Latin name is no reading: AE, nothing searched.
      const latin = await (await post(envelope(sample, xua()))).text();
      expect(latin).toContain('InsufficientDemographics');
      // No assertion; one made for a FHIR call (bound to it) is good for nothing else.
      const none = await post(envelope(query(BORDER), null));
      expect(none.status).toBe(401);
      expect(await none.text()).toContain('xua-missing');
      const token = Buffer.from(tokenFor(pdqPath), 'base64url')
        .toString('utf8')
        .replace(/^<\?xml[^>]*>/, '');
      const bound = await post(envelope(query(BORDER), token));
      expect(bound.status).toBe(403);
      expect(await bound.text()).toContain('xua-wrong-operation');
      const searched = (await auditsAt('b', 'search')).filter((e) => e.detail?.via === 'xcpd');
      expect(searched.map((e) => e.entities)).toContainEqual([bBorder]);
    });

    it('XCA ITI-38/39 (SOAP, MTOM): FindDocuments lists HM-net’s letter, Retrieve returns its bytes, under HM-net’s rules', async () => {
      const regional = `${HUB_OID_ROOT}.0.2`;
      const soap = (action: string, body: string, assertion: string) =>
        `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://www.w3.org/2005/08/addressing"><env:Header><wsa:Action env:mustUnderstand="true">${action}</wsa:Action><wsa:MessageID>urn:uuid:${randomUUID()}</wsa:MessageID><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">${assertion}</wsse:Security></env:Header><env:Body>${body}</env:Body></env:Envelope>`;
      const xua = () => {
        const a = assertionElement({
          issuer: nets.idp.entityId,
          audience: nets.sp.identity.entityId,
          recipient: `${bUrl}/xc/ihe/xca`,
          inResponseTo: null,
          user: userOf(clinicDoctor),
          sessionIndex: '_x',
          now: new Date(),
          lifetimeSeconds: 60,
        });
        return sign(nets.idp.keys, a.xml, a.id, 'Assertion');
      };
      const find = (person: string) =>
        `<query:AdhocQueryRequest xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"><query:ResponseOption returnType="LeafClass" returnComposedObjects="true"/><rim:AdhocQuery id="urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d"><rim:Slot name="$XDSDocumentEntryPatientId"><rim:ValueList><rim:Value>'${person}^^^&amp;${regional}&amp;ISO'</rim:Value></rim:ValueList></rim:Slot><rim:Slot name="$XDSDocumentEntryStatus"><rim:ValueList><rim:Value>('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')</rim:Value></rim:ValueList></rim:Slot></rim:AdhocQuery></query:AdhocQueryRequest>`;
      const post = (action: string, body: string) =>
        fetch(`${bUrl}/xc/ihe/xca`, {
          method: 'POST',
          headers: { 'content-type': 'application/soap+xml; charset=UTF-8' },
          body: soap(action, body, xua()),
        });
      const listed = await (await post('urn:ihe:iti:2007:CrossGatewayQuery', find(bBorder))).text();
      expect(listed).toContain('urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success');
      expect(listed).toContain(`value="${B_HOSPITAL}^H77.DOC.1"`);
      expect(listed).toContain('mimeType="application/pdf"');
      expect(listed).not.toContain('H78');
      // A patient HM-net does not show to our clinic: XDSUnknownPatientId, nothing listed.
      const hidden = await (await post('urn:ihe:iti:2007:CrossGatewayQuery', find(bWithheld))).text();
      expect(hidden).toContain('XDSUnknownPatientId');
      expect(hidden).not.toContain('ExtrinsicObject');
      const retrieve = (uniqueId: string) =>
        `<xds:RetrieveDocumentSetRequest xmlns:xds="urn:ihe:iti:xds-b:2007"><xds:DocumentRequest><xds:RepositoryUniqueId>${B_HOSPITAL}</xds:RepositoryUniqueId><xds:DocumentUniqueId>${uniqueId}</xds:DocumentUniqueId></xds:DocumentRequest></xds:RetrieveDocumentSetRequest>`;
      const got = await post('urn:ihe:iti:2007:CrossGatewayRetrieve', retrieve(`${B_HOSPITAL}^H77.DOC.1`));
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toMatch(/^multipart\/related/);
      const bytes = Buffer.from(await got.arrayBuffer());
      expect(bytes.includes(PDF)).toBe(true);
      expect(bytes.toString('latin1')).toMatch(/<xop:Include href="cid:/);
      // A document this user's query never listed (another patient's): unknown, no bytes.
      const other = await post('urn:ihe:iti:2007:CrossGatewayRetrieve', retrieve(`${B_HOSPITAL}^H78.DOC.1`));
      const otherText = Buffer.from(await other.arrayBuffer()).toString('latin1');
      expect(otherText).toContain('XDSDocumentUniqueIdError');
      expect(otherText.includes(PDF.toString('latin1'))).toBe(false);
      const viewed = (await auditsAt('b', 'view')).filter((e) => e.detail?.via === 'xca');
      expect(viewed.map((e) => e.detail?.operation)).toEqual(expect.arrayContaining(['ITI-38', 'ITI-39']));
    });

    it('B’s own rules: no fishing, a patient B does not show is 404, a facility B did not open, a revoked user', async () => {
      // A near name is another person: the reading must be whole (コッキョウ is not コッキョウ イチロウ).
      const near = `${XC_ROOT}/Patient?name=${encodeURIComponent('コッキョウ')}&birthdate=${BORDER.birthDate}`;
      const nearAnswer = await call(near, tokenFor(near));
      expect(((await nearAnswer.json()) as { total: number }).total).toBe(0);
      const blank = `${XC_ROOT}/Patient?name=${encodeURIComponent('　')}&birthdate=${BORDER.birthDate}`;
      await expectRefused(await call(blank, tokenFor(blank)), 400, 'xc-query-too-broad');
      const broad = `${XC_ROOT}/Patient?name=${encodeURIComponent('コ')}`;
      await expectRefused(await call(broad, tokenFor(broad)), 400, 'xc-query-too-broad');
      const hidden = `${XC_ROOT}/Patient/${bWithheld}/$everything`;
      await expectRefused(await call(hidden, tokenFor(hidden)), 404, 'not-found');
      const notOpened = tokenFor(pdqPath, { user: userOf(otherDoctor, A_OTHER) });
      await expectRefused(await call(pdqPath, notOpened), 403, 'saml-not-linked');
      // A nurse of the clinic: made at B by the first call; the office revokes; the next call is refused.
      const nurse = await seedUser(nets.a.store, {
        facilityOid: A_CLINIC,
        profession: 'nurse',
        name: '看護 花子',
      });
      const nurseUser = { ...userOf(nurse), hcRole: 'Nurse' };
      expect((await call(pdqPath, tokenFor(pdqPath, { user: nurseUser }))).status).toBe(200);
      const link = await nets.b.store.db
        .selectFrom('hub_saml_link')
        .select('id')
        .where('subject', '=', nurse.userId)
        .executeTakeFirstOrThrow();
      await revokeLink(nets.b.store, link.id, 'office', new Date());
      await expectRefused(
        await call(pdqPath, tokenFor(pdqPath, { user: nurseUser })),
        403,
        'saml-link-revoked',
      );
      const everything = `${XC_ROOT}/Patient/${bBorder}/$everything?_count=5`;
      expect((await call(everything, tokenFor(everything))).status).toBe(200);
    });
  });
});
