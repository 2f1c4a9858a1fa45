#!/usr/bin/env node
// bench/portal: the patient timeline through the hub, across 10 gateways. Each gateway is its own
// process (buildGatewayApp over a SQLite store of synthetic records: --patients × --per-patient rows,
// cached under .bench-data/portal/), trusting the hub's key; the hub (createHubApp + viewingRoutes, a
// SQLite store with 10 disclosing hospitals, a viewing clinic, the default profession matrix, persons
// with a record and a consent at every hospital, 50 doctors) listens on 127.0.0.1, and 50 users (a
// load loop in a worker thread) fetch GET /api/v1/patients/:id/timeline (first page, 50 entries merged
// from all 10 gateways; every hub→gateway call carries a fresh signed assertion; replay check and audit
// ON at both ends). Phases:
//   1. 50 users, each reading a timeline for 1–3 s before opening the next (the headline p95);
//   2. the same 50 users with no think time (closed loop: saturation throughput and its latency);
//   3. an 11th hospital whose "gateway" accepts connections and never answers, on half of the persons:
//      time to answer (≈ settings.gatewayTimeoutMs) and whether each answer carries the notice
//      (sources[].status = 'timeout').
// CPU per answer (hub process, and the 10 gateway processes from /proc) is printed too: everything
// here shares this machine's cores, whereas in the network each gateway runs at its own hospital.
//
//   npm run bench -- portal [--quick] [--seconds S] [--users U] [--timeout-ms T] [--global-fetch]
//
// The hub calls gateways with viewing/lean-fetch (node:http keep-alive); --global-fetch uses Node's fetch.
//
// Sessions are not part of this figure: the hub identifies users by a test header (no login, no
// cookie), so the time is the viewing path itself. The last stdout line is one JSON object.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { cpuMsOf, mulberry32, patientIdOf, round1, weightedPicker } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const hubDist = (path) => join(repo, 'packages/hub/dist', path);
const GATEWAYS = 10;
const ISSUER = 'urn:hie:hub:bench-portal';
const CLINIC = '1.2.392.200284.33.3311610020';
const hospitalOid = (i) => `1.2.392.200284.33.33198${String(i).padStart(5, '0')}`;

async function main() {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
  };
  const quick = args.includes('--quick');
  const patients = option('--patients', 200);
  const perPatient = option('--per-patient', 150);
  const seconds = option('--seconds', quick ? 8 : 20);
  const users = option('--users', 50);
  const timeoutMs = option('--timeout-ms', 2000);

  const { openStore, generateSigningKey, exportPublicKeyPem } = await import('@hie/platform');
  const { migrateGatewayStore } = await import('@hie/gateway');
  const { createHubApp, DEFAULT_HUB_SETTINGS, migrateHubStore } = await import('@hie/hub');
  const { viewingRoutes } = await import(hubDist('viewing/routes.js'));
  const { leanFetch } = await import(hubDist('viewing/lean-fetch.js'));
  const client = args.includes('--global-fetch') ? fetch : leanFetch();
  const { defaultPolicyRows } = await import(hubDist('policy/matrix.js'));
  const { newConsentRow } = await import(hubDist('consent/registry.js'));

  // Gateways: one synthetic store per hospital (cached), one process each.
  const dataDir = join(repo, '.bench-data', 'portal');
  mkdirSync(dataDir, { recursive: true });
  const t0 = performance.now();
  for (let g = 0; g < GATEWAYS; g++) {
    const file = join(dataDir, `gw${g}-${patients}x${perPatient}-v2.db`);
    if (!existsSync(file))
      await buildGatewayStore(file, g, patients, perPatient, {
        openStore,
        migrateToLatest: migrateGatewayStore,
      });
  }
  console.log(`gateway stores ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const hubKey = await generateSigningKey();
  const publicPem = await exportPublicKeyPem(hubKey.publicKey);
  const children = [];
  const gatewayUrls = [];
  for (let g = 0; g < GATEWAYS; g++) {
    const source = join(dataDir, `gw${g}-${patients}x${perPatient}-v2.db`);
    const runDb = join(dataDir, `run-gw${g}.db`);
    for (const suffix of ['', '-wal', '-shm']) rmSync(runDb + suffix, { force: true });
    copyFileSync(source, runDb);
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve-gateway'], {
      env: { ...process.env, GW_DB: runDb, GW_OID: hospitalOid(g), GW_NAME: `病院${g}`, HUB_PEM: publicPem },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    gatewayUrls.push(await firstLine(child));
  }
  const hung = await hungServer();
  console.log(`${GATEWAYS} gateway processes listening; hung gateway at ${hung.url}`);

  // The hub.
  const hubDb = join(dataDir, 'hub.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(hubDb + suffix, { force: true });
  const store = await openStore(`sqlite:${hubDb}`);
  await migrateHubStore(store);
  const persons = await seedHub(store, {
    patients,
    users,
    gatewayUrls,
    hungUrl: hung.url,
    defaultPolicyRows,
    newConsentRow,
  });
  const deps = {
    store,
    settings: { ...DEFAULT_HUB_SETTINGS, issuer: ISSUER, gatewayTimeoutMs: timeoutMs, secureCookies: false },
    signingKey: hubKey,
    now: () => new Date(),
    fetch: client,
  };
  const app = await createHubApp(deps, { routes: [viewingRoutes], identify: benchIdentify });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address();
  const principals = Array.from({ length: users }, (_, u) => header(principalOf(u)));

  const runPhase = (phase) =>
    new Promise((resolve, reject) => {
      const worker = new Worker(fileURLToPath(import.meta.url), {
        workerData: { port, principals, ...phase },
      });
      worker.once('message', resolve);
      worker.once('error', reject);
    });

  const gatewayCpu = () => children.reduce((ms, child) => ms + cpuMsOf(child.pid), 0);
  const measure = async (phase) => {
    const hubBefore = process.cpuUsage();
    const gwBefore = gatewayCpu();
    const result = await runPhase(phase);
    const hubUs = process.cpuUsage(hubBefore);
    const served = result.latencies.length + result.warmup;
    result.hubCpuMs = round1((hubUs.user + hubUs.system) / 1000 / Math.max(1, served));
    result.gatewaysCpuMs = round1((gatewayCpu() - gwBefore) / Math.max(1, served));
    return result;
  };
  const describe = (label, r) => {
    const q = percentiles(r.latencies);
    console.log(
      `${label}: ${r.latencies.length} answers in ${r.seconds} s (${Math.round(r.latencies.length / r.seconds)} /s), ` +
        `p50 ${q.p50} ms, p95 ${q.p95} ms, p99 ${q.p99} ms, max ${q.max} ms; entries/answer ${r.entries}; ` +
        `sources ok ${r.sourcesOk}/${r.sourcesAll}, timeouts ${r.notices}; errors ${r.errors}; ` +
        `CPU per answer: hub ${r.hubCpuMs} ms, 10 gateways ${r.gatewaysCpuMs} ms`,
    );
    return q;
  };

  // Phase 1: 50 users, each opening a timeline, reading it (think time 1–3 s), opening the next.
  const warmupSeconds = quick ? 2 : 3;
  const think = await measure({ seconds, warmupSeconds, persons: persons.healthy, thinkMs: [1000, 3000] });
  const p = describe(`${users} users, think 1–3 s, ${GATEWAYS} gateways`, think);
  // Phase 2: saturation: the same users with no think time (closed loop, 50 requests always in flight).
  const closed = await measure({ seconds, warmupSeconds: 1, persons: persons.healthy, thinkMs: [0, 0] });
  const c = describe(`${users} users, no think time (closed loop)`, closed);
  // Phase 3: one more hospital whose gateway never answers, for half of the persons.
  const hungRun = await measure({
    seconds: quick ? 6 : 10,
    warmupSeconds: 0,
    persons: persons.withHung,
    thinkMs: [1000, 3000],
  });
  const h = describe(`with a hung gateway (timeout ${timeoutMs} ms), think 1–3 s`, hungRun);
  const noticed = hungRun.notices === hungRun.latencies.length && hungRun.latencies.length > 0;
  console.log(`every answer with the hung gateway carried its timeout notice: ${noticed}`);

  const audited = await store.db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  console.log(`hub audit events: ${audited?.n}`);
  await app.close();
  await store.close();
  await hung.close();
  for (const child of children) child.kill('SIGTERM');
  console.log(
    JSON.stringify({
      bench: 'portal',
      p95_ms: p.p95,
      hung_gateway_ms: h.p95,
      p50_ms: p.p50,
      p99_ms: p.p99,
      users,
      think_s: '1-3',
      gateways: GATEWAYS,
      entries_per_answer: think.entries,
      closed_loop_p50_ms: c.p50,
      closed_loop_p95_ms: c.p95,
      closed_loop_per_s: Math.round(closed.latencies.length / closed.seconds),
      hub_cpu_ms_per_answer: closed.hubCpuMs,
      gateways_cpu_ms_per_answer: closed.gatewaysCpuMs,
      gateway_timeout_ms: timeoutMs,
      hung_max_ms: h.max,
      hung_notice: noticed,
      cores: availableParallelism(),
      errors: think.errors + closed.errors + hungRun.errors,
    }),
  );
}

/** The hub identifies bench users by a header (the bench measures viewing, not login). */
const benchIdentify = (app) => {
  app.addHook('onRequest', async (request) => {
    const value = request.headers['x-bench-principal'];
    if (typeof value === 'string')
      request.principal = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  });
};
const principalOf = (u) => ({
  userId: `dr-${u}`,
  loginId: `dr-${u}`,
  name: `医師${u}`,
  profession: 'doctor',
  facilityOid: CLINIC,
  facilityRole: 'member',
  office: false,
  sessionId: `bench-${u}`,
});
const header = (principal) => Buffer.from(JSON.stringify(principal), 'utf8').toString('base64url');

async function seedHub(store, { patients, users, gatewayUrls, hungUrl, defaultPolicyRows, newConsentRow }) {
  const { db } = store;
  const at = new Date().toISOString();
  const facility = (oid, name, values) => ({
    oid,
    code: oid.split('.').at(-1),
    name,
    name_kana: null,
    type: 'hospital',
    prefecture: '33',
    discloses: 1,
    views: 0,
    gateway_url: null,
    address: null,
    phone: null,
    feed_token_hash: null,
    status: 'active',
    created_at: at,
    updated_at: at,
    ...values,
  });
  const hungOid = hospitalOid(GATEWAYS);
  await db
    .insertInto('hub_facility')
    .values([
      ...gatewayUrls.map((url, g) => facility(hospitalOid(g), `病院${g}`, { gateway_url: url })),
      facility(hungOid, '応答しない病院', { gateway_url: hungUrl }),
      facility(CLINIC, 'さくらクリニック', { type: 'clinic', discloses: 0, views: 1 }),
    ])
    .execute();
  await db.deleteFrom('hub_profession_policy').execute();
  await db.insertInto('hub_profession_policy').values(defaultPolicyRows()).execute();
  const everything = [...new Set(defaultPolicyRows().map((r) => r.category))];
  for (let g = 0; g <= GATEWAYS; g++) {
    await db
      .insertInto('hub_disclosure')
      .values(everything.map((category) => ({ facility_oid: hospitalOid(g), category })))
      .execute();
  }
  for (let u = 0; u < users; u++) {
    await db
      .insertInto('hub_user')
      .values({
        id: `dr-${u}`,
        login_id: `dr-${u}`,
        name: `医師${u}`,
        name_kana: null,
        profession: 'doctor',
        email: null,
        status: 'active',
        created_at: at,
        updated_at: at,
      })
      .execute();
    await db
      .insertInto('hub_membership')
      .values({ user_id: `dr-${u}`, facility_oid: CLINIC, role: 'member', created_at: at })
      .execute();
  }
  // Persons 0…n-1 have a record at every gateway (same local id everywhere); the first half also
  // one at the hung hospital.
  const healthy = [];
  const withHung = [];
  let consent = 0;
  for (let n = 0; n < patients; n++) {
    const personId = `person-${n}`;
    const localId = patientIdOf(n);
    await db
      .insertInto('mpi_person')
      .values({
        id: personId,
        status: 'active',
        merged_into: null,
        name_kanji: '岡山 太郎',
        name_kana: 'オカヤマ タロウ',
        kana_key: 'オカヤマタロウ',
        birth_date: '1950-01-01',
        sex: 'M',
        created_at: at,
        updated_at: at,
      })
      .execute();
    const oids = Array.from({ length: GATEWAYS }, (_, g) => hospitalOid(g));
    if (n % 2 === 0) oids.push(hungOid);
    for (const oid of oids) {
      await db
        .insertInto('mpi_record')
        .values({
          facility_oid: oid,
          local_id: localId,
          person_id: personId,
          name_kanji: '岡山 太郎',
          name_kana: 'オカヤマ タロウ',
          kanji_key: '岡山太郎',
          kana_key: 'オカヤマタロウ',
          birth_date: '1950-01-01',
          sex: 'M',
          postcode: null,
          address: null,
          phone: null,
          link_method: 'manual',
          link_score: null,
          updated_at: at,
        })
        .execute();
      await db
        .insertInto('hub_consent')
        .values(
          newConsentRow({
            id: `consent-${consent++}`,
            facility_oid: oid,
            local_id: localId,
            scope: 'all',
            start_date: '2020-01-01',
            end_date: null,
            status: 'active',
            card_number: null,
            registered_by: 'bench',
            registered_at: at,
          }),
        )
        .execute();
    }
    (n % 2 === 0 ? withHung : healthy).push(personId);
  }
  return { healthy, withHung };
}

function percentiles(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q) =>
    sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]) : null;
  return {
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted.length ? Math.round(sorted[sorted.length - 1]) : null,
  };
}

function firstLine(child) {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      const nl = text.indexOf('\n');
      if (nl >= 0) resolve(text.slice(0, nl).trim());
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
  });
}

async function hungServer() {
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(resolve);
      }),
  };
}

// ---- a gateway process -----------------------------------------------------------------------

async function serveGateway() {
  const { openStore, importHubKeyPem } = await import('@hie/platform');
  const { buildGatewayApp, migrateGatewayStore: migrateToLatest } = await import('@hie/gateway');
  const { CATEGORIES } = await import('@hie/contract');
  const store = await openStore(`sqlite:${process.env.GW_DB}`);
  await migrateToLatest(store);
  const oid = process.env.GW_OID;
  const app = await buildGatewayApp({
    store,
    facility: { oid, name: process.env.GW_NAME, institutionCode: oid.split('.').at(-1) },
    hubKeys: [await importHubKeyPem(process.env.HUB_PEM, ISSUER)],
    disclosure: { categories: Object.keys(CATEGORIES) },
    storageRoots: [],
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`http://127.0.0.1:${app.server.address().port}\n`);
  const stop = async () => {
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
}

// ---- the load (worker thread) ----------------------------------------------------------------

async function loadLoop({ port, principals, persons, seconds, warmupSeconds, thinkMs }) {
  const agent = new Agent({ keepAlive: true, maxSockets: principals.length });
  const latencies = [];
  let errors = 0;
  let notices = 0;
  let sourcesOk = 0;
  let sourcesAll = 0;
  let entries = 0;
  let reported = false;
  let warmup = 0;
  const start = performance.now();
  const measureFrom = start + warmupSeconds * 1000;
  const end = measureFrom + seconds * 1000;
  let next = 0;
  const once = (path, principal) =>
    new Promise((resolve) => {
      const req = request(
        { host: '127.0.0.1', port, path, agent, headers: { 'x-bench-principal': principal } },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
        },
      );
      req.on('error', () => resolve({ status: 0, body: Buffer.alloc(0) }));
      req.end();
    });
  const user = async (u) => {
    while (performance.now() < end) {
      const personId = persons[next++ % persons.length];
      const t = performance.now();
      const { status, body } = await once(`/api/v1/patients/${personId}/timeline?limit=50`, principals[u]);
      const done = performance.now();
      const [least, most] = thinkMs;
      const pause =
        most > 0 ? new Promise((r) => setTimeout(r, least + Math.random() * (most - least))) : null;
      if (t < measureFrom || done > end) {
        warmup++;
        await pause;
        continue;
      }
      latencies.push(done - t);
      if (status !== 200) {
        errors++;
        await pause;
        continue;
      }
      const answer = JSON.parse(body.toString('utf8'));
      await pause;
      entries = answer.entries.length;
      for (const s of answer.sources) {
        if (s.status !== 'ok' && s.status !== 'timeout' && !reported) {
          reported = true;
          console.error(`a source answered ${s.status}: ${s.message}`);
        }
        sourcesAll++;
        if (s.status === 'ok') sourcesOk++;
        if (s.status === 'timeout') notices++;
      }
    }
  };
  await Promise.all(principals.map((_, u) => user(u)));
  agent.destroy();
  parentPort.postMessage({ latencies, errors, notices, sourcesOk, sourcesAll, entries, warmup, seconds });
}

// ---- synthetic gateway store -----------------------------------------------------------------

const TYPES = [
  ['lab-result', 'Observation', 'OML-11', 40],
  ['prescription', 'MedicationRequest', 'OMP-01', 15],
  ['outpatient-visit', 'Encounter', 'ADT-12', 10],
  ['lab-order', 'ServiceRequest', 'OML-01', 10],
  ['diagnosis', 'Condition', 'PPR-01', 4],
  ['injection', 'MedicationRequest', 'OMP-02', 4],
  ['radiology', 'DiagnosticReport', 'OMG-11', 3],
  ['allergy', 'AllergyIntolerance', 'ADT-61', 1],
];

async function buildGatewayStore(target, g, patients, perPatient, { openStore, migrateToLatest }) {
  const Database = (await import('better-sqlite3')).default;
  const building = `${target}.building`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(building + suffix, { force: true });
  const store = await openStore(`sqlite:${building}`);
  await migrateToLatest(store);
  await store.close();
  const db = new Database(building);
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    'INSERT INTO gw_resource (resource_type, id, patient_id, category, date, code, record_key, file_path, version_id, last_updated, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)',
  );
  const insertPatient = db.prepare('INSERT INTO gw_patient (patient_id, updated_at) VALUES (?, ?)');
  const random = mulberry32(1000 + g);
  const pick = weightedPicker(random, TYPES, 3);
  const start = Date.UTC(2023, 0, 1);
  const span = Date.UTC(2026, 9, 31) - start;
  const lastUpdated = '2026-11-01T00:00:00.000Z';
  const write = db.transaction((p) => {
    const pid = patientIdOf(p);
    insertPatient.run(pid, lastUpdated);
    for (let k = 0; k < perPatient; k++) {
      const [category, type, dataType] = pick();
      const when = new Date(start + random() * span);
      const day = when.toISOString().slice(0, 10).replaceAll('-', '');
      const date = `${when.toISOString().slice(0, 19)}+09:00`;
      const id = `${pid}.${day}.${dataType}.${String(p * perPatient + k).padStart(15, '0')}.1`;
      const json = JSON.stringify({
        resourceType: type,
        id,
        meta: { source: `urn:ssmix2:bench:${g}`, tag: [{ system: 'urn:hie:category', code: category }] },
        status: 'final',
        code: {
          coding: [
            { system: 'urn:oid:1.2.392.200119.4.504', code: '3D010000001926101', display: 'グルコース' },
          ],
        },
        subject: { reference: `Patient/${pid}.ADT-00` },
        effectiveDateTime: date,
        valueQuantity: { value: Math.round(70 + random() * 80), unit: 'mg/dL' },
        note: [{ text: '空腹時採血。' }],
      });
      insert.run(
        type,
        id,
        pid,
        category,
        date,
        null,
        id.slice(0, id.lastIndexOf('.') + 1),
        `bench/${id}`,
        lastUpdated,
        json,
      );
    }
  });
  for (let p = 0; p < patients; p++) write(p);
  db.exec('ANALYZE');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  renameSync(building, target);
  for (const suffix of ['-wal', '-shm']) rmSync(building + suffix, { force: true });
}

// Last, so every constant above is initialised before anything runs.
if (!isMainThread) await loadLoop(workerData);
else if (process.argv.includes('--serve-gateway')) await serveGateway();
else await main();
