import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBinding } from '../auth/hpki/bindings.js';
import type { HubPrincipal } from '../http.js';
import { saveRegistration } from '../partner/registry.js';
import { addLink } from '../saml/sp/links.js';
import type { SamlSp } from '../saml/sp/routes.js';
import { DEFAULT_ATTRIBUTES } from '../saml/sp/trusted-idp.js';
import { TEST_ENGINES } from '../testing/store.js';
import {
  type HubUnderTest,
  hubUnderTest,
  seedConsent,
  seedDisclosure,
  seedFacility,
  seedPerson,
  seedUser,
} from '../testing.js';
import { hubRoutes } from './build.js';

/**
 * IDOR on every id in every route: the OpenAPI document lists the routes; each one that takes an id
 * is called with the ids of another facility's patient, consent, user, review or grant by a user who
 * may not touch them — it must answer 403 or 404, never data. The same request by the rightful user
 * answers 2xx, so a route that refuses everybody would fail this test too.
 */
const A = '1.2.392.200284.33.3319800011'; // disclosing hospital holding the patient
const B = '1.2.392.200284.33.3310210012'; // another hospital, named in the consent
const C = '1.2.392.200284.33.3310101237'; // a clinic the patient did not consent to

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

interface Ids {
  person: string;
  consent: string;
  user: string;
  review: string;
  grant: string;
  binding: string;
  link: string;
  partner: string;
}

/** One trusted IdP (the hub as SAML SP), so that its link administration has something to act on. */
const IDP = 'https://idp.neighbour.example/saml';
const SAML_SP: SamlSp = {
  identity: {
    entityId: 'https://hub.example/saml/sp/metadata',
    acsUrl: 'https://hub.example/saml/sp/acs',
    keys: { keyPem: '', certPem: '' },
  },
  identityProviders: new Map([
    [
      IDP,
      {
        entityId: IDP,
        name: '隣接ネットワーク',
        ssoUrl: 'https://idp.neighbour.example/sso',
        signingCerts: ['MIIB'],
        subjectAttribute: null,
        allowUnsolicited: false,
        attributes: DEFAULT_ATTRIBUTES,
        patientLanding: false,
        partnerRecords: false,
      },
    ],
  ]),
};

type Call = { method: string; url: string; body?: unknown; pdf?: boolean };

/** A valid request for each route with an id, so refusals come from authorisation, not validation. */
function requestFor(method: string, path: string, ids: Ids): Call {
  const url = `/api/v1${path}`
    .replace('{personId}', ids.person)
    .replace('{oid}', A)
    .replace('{facilityOid}', A)
    .replace('{*}', 'studies')
    .replace('{facility}', A)
    .replace('{patient}', 'A-0001')
    .replace('{kind}', 'allergy')
    .replace(
      '{id}',
      path.startsWith('/admin/users/')
        ? ids.user
        : path.startsWith('/admin/mpi/reviews/')
          ? ids.review
          : path.startsWith('/admin/mpi/persons/')
            ? ids.person
            : path.startsWith('/admin/hpki/bindings/')
              ? ids.binding
              : path.startsWith('/admin/saml/links/')
                ? ids.link
                : path.startsWith('/admin/saml/partners/')
                  ? ids.partner
                  : path.startsWith('/admin/break-glass/')
                    ? ids.grant
                    : path.startsWith('/consents/')
                      ? ids.consent
                      : path.startsWith('/entries/')
                        ? 'man.allergy.0123456789abcdef'
                        : 'Binary-1',
    );
  const bodies: Record<string, unknown> = {
    'PATCH /admin/facilities/{oid}': { name: '改名' },
    'PATCH /admin/users/{id}': { name: '改名' },
    'PUT /admin/users/{id}/memberships': { memberships: [{ facilityOid: A, role: 'member' }] },
    'PUT /admin/facilities/{oid}/disclosure': { categories: ['diagnosis'] },
    'POST /admin/facilities/{oid}/gateway-changes': { gatewayUrl: 'https://gw.a.example:8443' },
    'POST /admin/mpi/reviews/{id}/decision': { decision: 'not-same' },
    'POST /admin/break-glass/{id}/review': { note: '確認しました' },
    'POST /consents/{id}/withdraw': { reason: '本人の申し出により撤回' },
    'PUT /admin/facilities/{oid}/repository/orca': {
      url: 'http://orca.a:8000',
      username: 'u',
      password: 'p',
    },
    'POST /admin/facilities/{oid}/repository/senders': { name: 'ORCA連携' },
    'POST /entries/{facility}/okusuri-techo': { qr: ['JAHISTC08,1'] },
    'POST /entries/{facility}/{patient}/{kind}': { substance: 'ペニシリン', category: 'medication' },
    'PUT /entries/{facility}/{patient}/{kind}/{id}': { substance: 'ペニシリン', category: 'medication' },
    'DELETE /entries/{facility}/{patient}/{kind}/{id}': { reason: '誤入力' },
    'PUT /admin/facilities/{oid}/pix-consumer': { endpoint: 'https://pix.a.example/consumer' },
    'PUT /admin/facilities/{oid}/hpd-subscriber': { endpoint: 'https://gw.a.example/ihe/hpd-feed' },
    'POST /admin/users/{id}/saml-links': { idp: IDP, subject: 'neighbour-0001' },
    'POST /admin/users/{id}/hpki-bindings': {
      issuer: 'C=JP, O=MEDIS, CN=HPKI-01-MedisAuthCA2',
      serial: '1a2b',
    },
  };
  const key = `${method} ${path}`;
  if (key === 'PUT /consents/{id}/form') return { method, url, pdf: true };
  return { method, url, body: bodies[key] ?? (method === 'GET' ? undefined : {}) };
}

describe.each(TEST_ENGINES)('no route discloses or changes what is not the caller’s, on %s', (engine) => {
  let hub: HubUnderTest;
  let ids: Ids;
  let office: HubPrincipal;
  let clerkA: HubPrincipal;
  let doctorB: HubPrincipal;
  let adminB: HubPrincipal;
  let doctorC: HubPrincipal;
  let routes: Array<{ method: string; path: string }>;

  beforeAll(async () => {
    hub = await hubUnderTest(engine, hubRoutes(null, SAML_SP));
    const { store } = hub;
    await seedFacility(store, { oid: A, name: '岡山大学病院' });
    await seedFacility(store, { oid: B, name: '倉敷中央病院' });
    await seedFacility(store, { oid: C, name: 'ももたろう内科クリニック', type: 'clinic', discloses: false });
    await seedFacility(store, {
      oid: '1.2.392.200284.33.9000000000',
      type: 'network-office',
      discloses: false,
      views: false,
    });
    await seedDisclosure(store, A, ['diagnosis', 'allergy', 'lab-result']);
    office = await seedUser(store, { facilityOid: '1.2.392.200284.33.9000000000', profession: 'office' });
    clerkA = await seedUser(store, { facilityOid: A, profession: 'clerk', role: 'admin' });
    doctorB = await seedUser(store, { facilityOid: B, profession: 'doctor' });
    adminB = await seedUser(store, { facilityOid: B, profession: 'doctor', role: 'admin' });
    doctorC = await seedUser(store, { facilityOid: C, profession: 'doctor' });
    const person = await seedPerson(store, [
      {
        facilityOid: A,
        localId: 'A-0001',
        nameKanji: '山崎 久美子',
        nameKana: 'ヤマザキ クミコ',
        birthDate: '1964-05-02',
        sex: 'F',
      },
    ]);
    const consent = await seedConsent(store, { facilityOid: A, localId: 'A-0001', viewers: [B] });
    // A doubtful match waiting for the office: B's record of someone like the patient.
    await seedPerson(store, [
      {
        facilityOid: B,
        localId: 'B-0009',
        nameKanji: '山﨑 久美子',
        nameKana: 'ヤマサキ クミコ',
        birthDate: '1964-05-20',
        sex: 'F',
      },
    ]);
    const review = randomUUID();
    await store.db
      .insertInto('mpi_review')
      .values({
        id: review,
        facility_oid: B,
        local_id: 'B-0009',
        candidate_person_id: person,
        score: 18,
        explanation: JSON.stringify({
          score: 18,
          thresholds: { autoLink: 24, review: 14 },
          comparedWith: { facilityOid: A, localId: 'A-0001' },
          fields: [],
          reasons: ['birth date differs by a typo'],
          others: [],
        }),
        status: 'open',
        created_at: new Date().toISOString(),
        decided_by: null,
        decided_at: null,
      })
      .execute();
    const grant = await hub.app.inject({
      method: 'POST',
      url: `/api/v1/patients/${person}/break-glass`,
      headers: hub.as(doctorB),
      payload: { reason: '救急搬送、意識障害のため既往歴の確認が必要' },
    });
    expect(grant.statusCode, grant.body).toBe(201);
    // A card clerkA asked to bind (pending): the administrators' approve / revoke routes act on it.
    const binding = await addBinding(store, {
      userId: clerkA.userId,
      kind: 'certificate',
      issuer: 'C=JP, O=MEDIS, CN=HPKI-01-MedisAuthCA2',
      matchValue: 'ffee01',
      card: null,
      status: 'pending',
      by: clerkA.userId,
      now: new Date(),
    });
    // clerkA linked to a user of the neighbour's IdP: the administrators' revoke route acts on it.
    const link = await addLink(store, {
      idp: IDP,
      subject: 'neighbour-clerk',
      userId: clerkA.userId,
      origin: 'admin',
      by: office.userId,
      now: new Date(),
    });
    // A partner the office registered: its removal route.
    const partner = await saveRegistration(
      store,
      {
        role: 'idp',
        entityId: 'https://registered.example/idp',
        name: '登録済み',
        metadata: '<x/>',
        options: {} as never,
      },
      office.userId,
      new Date(),
    );
    ids = {
      person,
      consent,
      user: clerkA.userId,
      review,
      grant: grant.json().id,
      binding: binding.id,
      link: link.id,
      partner: partner.id,
    };
    const doc = (await hub.app.inject({ url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(doc.paths)
      .filter(([path]) => path.includes('{'))
      .flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => ({
          method: method.toUpperCase(),
          path: path.replace('/api/v1', ''),
        })),
      );
  });
  afterAll(() => hub?.dispose());

  const send = (call: Call, principal: HubPrincipal) =>
    hub.app.inject({
      method: call.method as 'GET',
      url: call.url,
      headers: { ...hub.as(principal), ...(call.pdf ? { 'content-type': 'application/pdf' } : {}) },
      ...(call.pdf ? { payload: PDF } : call.body !== undefined ? { payload: call.body as object } : {}),
    });

  it('covers every route with an id', () => {
    expect(routes.length).toBeGreaterThanOrEqual(25);
  });

  it('refuses a clinic doctor the patient did not consent to, and another facility’s administrator', async () => {
    // Break-the-glass is open to any doctor by design (audited, reviewed): not an IDOR.
    const checked = routes.filter(
      (r) => !(r.method === 'POST' && r.path === '/patients/{personId}/break-glass'),
    );
    for (const attacker of [doctorC, adminB]) {
      for (const route of checked) {
        const call = requestFor(route.method, route.path, ids);
        // adminB holds a break-the-glass grant for the patient through doctorB only; viewing routes
        // for B's users are the consent's business and are checked by the policy property tests.
        if (attacker === adminB && route.path.startsWith('/patients/')) continue;
        const answer = await send(call, attacker);
        expect(
          [403, 404],
          `${route.method} ${route.path} as ${attacker.profession}@${attacker.facilityOid}: ${answer.body}`,
        ).toContain(answer.statusCode);
      }
    }
  });

  it('lets the rightful user make the same requests (so the refusals above are not blanket failures)', async () => {
    const rightful = (path: string): HubPrincipal | null => {
      // No repository is linked to this hub: directory/repository-link.test.ts links one.
      if (path.startsWith('/admin/facilities/{oid}/repository')) return null;
      // Registering a system's certificate needs a real one: ihe/mtls.test.ts registers and withdraws.
      if (path.includes('/node-certificates')) return null;
      if (path.startsWith('/admin/')) return office;
      if (path.startsWith('/consents/')) return clerkA;
      if (path === '/patients/{personId}/access-report') return clerkA;
      // No gateway in this network: documents and images are tested against real gateways
      // (viewing/routes.test.ts, viewing/dicomweb.test.ts).
      if (path.startsWith('/patients/{personId}/binary')) return null;
      if (path.startsWith('/patients/{personId}/dicomweb')) return null;
      // Entries go to a repository tenant; none here: entries/routes.test.ts forwards to one.
      if (path.startsWith('/entries/')) return null;

      if (path.startsWith('/patients/')) return doctorB;
      return null;
    };
    // Order: the form upload first, then reads, then changes; the withdrawal and the decisions last.
    const order = (r: { method: string; path: string }) =>
      r.method === 'PUT' && r.path.endsWith('/form')
        ? -1
        : (r.method === 'GET' ? 0 : 1) + (/withdraw|decision|review$/.test(r.path) ? 2 : 0);
    const sorted = [...routes].sort((a, b) => order(a) - order(b));
    for (const route of sorted) {
      const who = rightful(route.path);
      if (!who || (route.method === 'POST' && route.path === '/patients/{personId}/break-glass')) continue;
      // Confirming or rejecting needs a proposal of the other side: directory/gateway-change.test.ts.
      if (route.path.includes('/gateway-changes/{id}/')) continue;
      const answer = await send(requestFor(route.method, route.path, ids), who);
      expect(answer.statusCode, `${route.method} ${route.path}: ${answer.body}`).toBeLessThan(300);
    }
  });
});
