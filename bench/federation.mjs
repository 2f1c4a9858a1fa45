#!/usr/bin/env node
// bench/federation: two networks' hubs (issue 16) on SQLite in one process, against the built packages —
// A (the IdP; its patient index of --persons persons, 10,000 or --quick 1,000, at one hospital, every one
// consented to A's clinic) and B, the partner (its hospital holds a third of them again, under B's
// consent naming A's clinic), with the interconnection agreement both ways. Then --crossings (200;
// --quick 50) crossings one after another by A's clinic doctor, each timed from the click to the
// patient's page at B:
//
//   GET A /saml/idp/patient (the policy decision, the signed Response with the patient's traits, audit)
//   → POST B /saml/sp/acs (verification, the user: just in time the first time, then the link; the
//     session; B's PDQ under B's policy; audit) → GET B /api/v1/patients/<id> (the patient page's header).
//
// sso_ms is that round trip's p95 (target ≤ 1500 ms: the browser's own time to render is not in it);
// sso_p50_ms beside it.
//
// Then records into our timeline: each hospital gets a gateway (in this process, SQLite) holding
// --per-patient records (150 at A, 100 at B; diagnoses and prescriptions over 4 years) for --timeline-
// patients shared patients (200; --quick 50), and A's clinic doctor asks --timelines (300; --quick 100)
// first pages (50 entries) of a shared patient's timeline at A, one after another:
//
//   GET A /api/v1/patients/<id>/timeline → A's policy, A's gateway ∥ B's hub with XUA: PDQm under B's
//   policy, then $everything there (B's policy, B's gateway) → merged, audited on both sides.
//
// cross_timeline_p95_ms is that answer's p95 (target ≤ 500 ms); local_timeline_p95_ms beside it is the
// same page of our own records only (`facility=` A's hospital: no partner asked). Last stdout line: JSON.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, mulberry32, round1 } from './lib.mjs';
import { BENCH_SURNAMES } from './mpi-names.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const persons = arg('--persons', quick ? 1_000 : 10_000);
const crossings = arg('--crossings', quick ? 50 : 200);
const timelinePatients = arg('--timeline-patients', quick ? 50 : 200);
const timelines = arg('--timelines', quick ? 100 : 300);
const perPatient = arg('--per-patient', 150);
const TARGETS = { sso_ms: { max: 1500 }, cross_timeline_p95_ms: { max: 500 } };
const A_HOSPITAL = '1.2.392.200284.33.3319800011';
const A_CLINIC = '1.2.392.200284.33.3310101237';
const B_HOSPITAL = '1.2.392.200284.34.3410110015';
const GIVEN = [
  'タロウ',
  'ハナコ',
  'イチロウ',
  'ヨウコ',
  'ケンジ',
  'ユミ',
  'マコト',
  'サクラ',
  'ヒロシ',
  'カズコ',
];

const hub = await import('@hie/hub');
const dir = join(process.cwd(), '.bench-data', 'federation');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const [aPort, bPort] = [await freePort(), await freePort()];
const config = (name, port, saml) =>
  hub.completeHubConfig(
    hub.hubConfigSchema.parse({
      dataDir: join(dir, name),
      host: '127.0.0.1',
      port,
      secureCookies: false,
      logLevel: 'warn',
      saml,
    }),
  );

const started = Date.now();
const a = await hub.startHub(config('a', aPort, {}), { logger: false });
const idpFile = join(dir, 'a-idp.xml');
writeFileSync(idpFile, await (await fetch(`${a.url}/saml/idp/metadata`)).text());
const b = await hub.startHub(
  config('b', bPort, {
    identityProviders: [
      { metadata: idpFile, name: 'A', allowUnsolicited: true, patientLanding: true, partnerRecords: true },
    ],
  }),
  { logger: false },
);
const spXml = await (await fetch(`${b.url}/saml/sp/metadata`)).text();
const partner = hub.parseSpMetadata(spXml, 'B', undefined, [A_CLINIC], b.url);
a.saml.idp.serviceProviders.set(partner.entityId, partner);

/** A session row for a user, as a browser holds it after a login: the cookie header. */
async function sessionCookie(h, userId, facilityOid) {
  const token = randomBytes(24).toString('base64url');
  const now = new Date();
  await h.store.db
    .insertInto('hub_session')
    .values({
      id: createHash('sha256').update(token).digest('hex'),
      user_id: userId,
      facility_oid: facilityOid,
      csrf_token: randomBytes(16).toString('hex'),
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + 8 * 3600_000).toISOString(),
      ip: null,
      user_agent: null,
      revoked_at: null,
    })
    .execute();
  return `hie_session=${token}`;
}

const random = mulberry32(16);
const people = Array.from({ length: persons }, (_, i) => {
  const family = BENCH_SURNAMES[Math.floor(random() * 500)];
  const given = GIVEN[Math.floor(random() * GIVEN.length)];
  const day = new Date(Date.UTC(1935, 0, 1) + Math.floor(random() * 70 * 365) * 86_400_000);
  return {
    localId: String(i + 1).padStart(10, '0'),
    nameKana: `${family.kana} ${given}`,
    nameKanji: `${family.kanji} 太郎`,
    birthDate: day.toISOString().slice(0, 10),
    sex: i % 2 ? 'F' : 'M',
  };
});

// A: hospital, clinic; the patients fed to the index; consents to the clinic.
const clerkOf = async (h, facilityOid, loginId) => {
  const { user } = await hub.createUser(h.deps, {
    loginId,
    name: '受付 一',
    profession: 'clerk',
    memberships: [{ facilityOid, role: 'admin' }],
  });
  return {
    userId: user.id,
    loginId,
    name: user.name,
    profession: 'clerk',
    facilityOid,
    facilityRole: 'admin',
    office: false,
    sessionId: 'bench',
  };
};
for (const [h, facilities] of [
  [
    a,
    [
      { code: '3319800011', name: 'A病院', type: 'hospital', discloses: true },
      { code: '3310101237', name: 'Aクリニック', type: 'clinic', discloses: false },
    ],
  ],
  [
    b,
    [
      { oid: B_HOSPITAL, name: 'B病院', type: 'hospital', discloses: true },
      { oid: A_CLINIC, name: 'Aクリニック（A）', type: 'clinic', discloses: false },
    ],
  ],
]) {
  for (const f of facilities) await hub.createFacility(h.deps, { ...f, prefecture: '33', views: true });
}
await hub.setDisclosure(a.deps, null, A_HOSPITAL, ['diagnosis', 'prescription']);
await hub.setDisclosure(b.deps, null, B_HOSPITAL, ['diagnosis', 'prescription']);
const feed = async (h, facilityOid, list) => {
  for (let i = 0; i < list.length; i += 500) {
    await hub.feedIdentities(
      h.deps,
      list.slice(i, i + 500).map((p) => ({ facilityOid, ...p })),
      'bench',
    );
  }
};
await feed(a, A_HOSPITAL, people);
const shared = people.filter((_, i) => i % 3 === 0);
await feed(b, B_HOSPITAL, shared);
const aClerk = await clerkOf(a, A_HOSPITAL, 'a.clerk');
const bClerk = await clerkOf(b, B_HOSPITAL, 'b.clerk');
// Every patient consents at A to A's clinic; the shared ones at B, naming A's clinic too.
const consentToClinic = async (h, clerk, list) => {
  for (const p of list) {
    await hub.registerConsent(h.deps, clerk, {
      facilityOid: clerk.facilityOid,
      localId: p.localId,
      scope: 'listed',
      viewers: [A_CLINIC],
      startDate: '2025-04-01',
    });
  }
};
await consentToClinic(a, aClerk, people);
await consentToClinic(b, bClerk, shared);
await hub.setJitFacilities(
  b.store,
  [...b.saml.sp.identityProviders.keys()][0],
  [A_CLINIC],
  'bench',
  new Date(),
);
const { user: doctor } = await hub.createUser(a.deps, {
  loginId: 'a.doctor',
  name: '医師 一郎',
  profession: 'doctor',
  memberships: [{ facilityOid: A_CLINIC, role: 'member' }],
});
await hub.setPassword(a.store, doctor.id, 'bench-Passw0rd-long', { mustChange: false });
const aCookie = await sessionCookie(a, doctor.id, A_CLINIC);
const seedSeconds = round1((Date.now() - started) / 1000);

// The crossings: a shared patient each time (A's person id found through A's index).
const idOf = new Map(
  (await a.store.db.selectFrom('mpi_record').select(['local_id', 'person_id']).execute()).map((r) => [
    r.local_id,
    r.person_id,
  ]),
);
const spId = encodeURIComponent(partner.entityId);
const times = [];
let landedOnPatient = 0;
for (let k = 0; k < crossings; k++) {
  const p = shared[Math.floor(random() * shared.length)];
  const t0 = performance.now();
  const atA = await fetch(`${a.url}/saml/idp/patient?sp=${spId}&person=${idOf.get(p.localId)}`, {
    headers: { cookie: aCookie },
  });
  const html = await atA.text();
  const field = (name) =>
    [...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].find((m) => m[1] === name)?.[2];
  const action = /action="([^"]+)"/.exec(html)?.[1];
  const atB = await fetch(action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ SAMLResponse: field('SAMLResponse') }).toString(),
  });
  const bCookie = atB.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('hie_session='));
  const landing = /url=([^"]+)"/.exec(await atB.text())?.[1] ?? '';
  if (landing.startsWith('/patients/')) {
    const page = await fetch(`${b.url}/api/v1${landing}`, { headers: { cookie: bCookie } });
    await page.arrayBuffer();
    if (page.status === 200) landedOnPatient++;
  }
  times.push(performance.now() - t0);
}
const pct = (q, list = times) => {
  const s = [...list].sort((x, y) => x - y);
  return s.length === 0 ? null : round1(s[Math.min(s.length - 1, Math.floor(q * s.length))]);
};

// Records into our timeline: a gateway per hospital, records for the sampled shared patients.
const { buildGatewayApp, migrateGatewayStore } = await import('@hie/gateway');
const { openStore, hubKeyFrom } = await import('@hie/platform');
const { patientResourceId } = await import('@hie/fhir-jp');
const sampled = shared.slice(0, timelinePatients);
const gateways = [];
async function gatewayFor(h, oid, name, count, seed) {
  const store = await openStore(`sqlite:${join(dir, `${name}-gateway.db`)}`);
  await migrateGatewayStore(store);
  const rnd = mulberry32(seed);
  const start = Date.UTC(2022, 10, 1);
  const span = Date.UTC(2026, 9, 31) - start;
  const lastUpdated = '2026-11-01T00:00:00.000Z';
  for (const p of sampled) {
    await store.db
      .insertInto('gw_patient')
      .values({ patient_id: p.localId, updated_at: lastUpdated })
      .execute();
    const rows = [];
    for (let k = 0; k < count; k++) {
      const prescription = rnd() < 0.6;
      const when = `${new Date(start + rnd() * span).toISOString().slice(0, 19)}+09:00`;
      const id = `${p.localId}.${name}.${String(k).padStart(6, '0')}`;
      const category = prescription ? 'prescription' : 'diagnosis';
      const resource = prescription
        ? {
            resourceType: 'MedicationRequest',
            id,
            meta: { tag: [{ system: 'urn:hie:category', code: category }] },
            status: 'active',
            intent: 'order',
            medicationCodeableConcept: { text: 'アムロジピン錠5mg' },
            subject: { reference: `Patient/${patientResourceId(p.localId)}` },
            authoredOn: when,
            dosageInstruction: [{ text: '1日1回朝食後 1錠' }],
          }
        : {
            resourceType: 'Condition',
            id,
            meta: { tag: [{ system: 'urn:hie:category', code: category }] },
            clinicalStatus: { coding: [{ code: 'active' }] },
            code: { text: '高血圧症' },
            subject: { reference: `Patient/${patientResourceId(p.localId)}` },
            recordedDate: when,
          };
      rows.push({
        resource_type: resource.resourceType,
        id,
        patient_id: p.localId,
        category,
        date: when,
        code: null,
        record_key: `${id}.`,
        file_path: `bench/${id}`,
        version_id: 1,
        last_updated: lastUpdated,
        json: JSON.stringify(resource),
      });
    }
    await store.db.insertInto('gw_resource').values(rows).execute();
  }
  const app = await buildGatewayApp({
    store,
    facility: { oid, name, institutionCode: oid.split('.').at(-1) },
    hubKeys: [hubKeyFrom(h.deps.signingKey, h.deps.settings.issuer)],
    disclosure: { categories: ['diagnosis', 'prescription'] },
    storageRoots: [],
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${app.server.address().port}`;
  await h.store.db.updateTable('hub_facility').set({ gateway_url: url }).where('oid', '=', oid).execute();
  gateways.push({ app, store });
}
await gatewayFor(a, A_HOSPITAL, 'a', perPatient, 21);
await gatewayFor(b, B_HOSPITAL, 'b', Math.round((perPatient * 2) / 3), 22);
const timelineOf = async (p, query) => {
  const t0 = performance.now();
  const answer = await fetch(`${a.url}/api/v1/patients/${idOf.get(p.localId)}/timeline?limit=50${query}`, {
    headers: { cookie: aCookie },
  });
  const body = await answer.json();
  return { ms: performance.now() - t0, ok: answer.status === 200, body };
};
// One warm-up each way (the first crossing makes the doctor's account at B).
await timelineOf(sampled[0], '');
await timelineOf(sampled[0], `&facility=${A_HOSPITAL}`);
const crossTimes = [];
const localTimes = [];
let withPartner = 0;
for (let k = 0; k < timelines; k++) {
  const p = sampled[Math.floor(random() * sampled.length)];
  const cross = await timelineOf(p, '');
  crossTimes.push(cross.ms);
  if (cross.ok && cross.body.sources.some((s) => s.network === 'B' && s.status === 'ok' && s.total > 0))
    withPartner++;
  localTimes.push((await timelineOf(p, `&facility=${A_HOSPITAL}`)).ms);
}
for (const g of gateways) {
  await g.app.close();
  await g.store.close();
}
await b.stop();
await a.stop();

const result = {
  bench: 'federation',
  quick,
  persons,
  shared: shared.length,
  crossings,
  landed_on_patient: landedOnPatient,
  seed_s: seedSeconds,
  sso_ms: pct(0.95),
  sso_p50_ms: pct(0.5),
  cross_timeline_p95_ms: pct(0.95, crossTimes),
  cross_timeline_p50_ms: pct(0.5, crossTimes),
  local_timeline_p95_ms: pct(0.95, localTimes),
  timelines,
  timelines_with_partner_records: withPartner,
  records_per_patient: { a: perPatient, b: Math.round((perPatient * 2) / 3) },
  targets: TARGETS,
  note: 'sso_ms: HTTP round trip click → B patient header (browser render not included); cross_timeline: first page (50) of A’s timeline with B’s records (XUA PDQm + $everything at B), sequential; local_timeline: the same page of A’s records only',
};
console.log(JSON.stringify(result));
