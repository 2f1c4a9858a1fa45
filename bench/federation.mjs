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
// sso_p50_ms beside it. cross_timeline_p95_ms (our timeline with the neighbour's records) is null: the
// records-into-our-timeline query between hubs is not built yet. Last stdout line: JSON.
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
    identityProviders: [{ metadata: idpFile, name: 'A', allowUnsolicited: true, patientLanding: true }],
  }),
  { logger: false },
);
const spXml = await (await fetch(`${b.url}/saml/sp/metadata`)).text();
const partner = hub.parseSpMetadata(spXml, 'B', undefined, [A_CLINIC]);
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
const pct = (q) => {
  const s = [...times].sort((x, y) => x - y);
  return round1(s[Math.min(s.length - 1, Math.floor(q * s.length))]);
};
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
  cross_timeline_p95_ms: null,
  targets: TARGETS,
  note: 'sso_ms: HTTP round trip click → B patient header (browser render not included); cross_timeline: not built yet',
};
console.log(JSON.stringify(result));
