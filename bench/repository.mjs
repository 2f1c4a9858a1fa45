#!/usr/bin/env node
// bench/repository: the small-facility repository (@hie/repository, issue 13) on SQLite, in one process,
// against the built packages (packages/*/dist). Three phases, in this order (the memory figure is taken
// before the ORCA phase, whose one-transaction pull holds a whole clinic in memory):
//
// 1. tenants, read_p95_ms, peak_rss_mb — a fresh store (.bench-data/repository/tenants.db) and
//    buildRepositoryApp listening on 127.0.0.1. --tenants clinics (500, --quick 100) are made with
//    TenantRegistry.create, each with 4 patients and ~50 resources: three monthly UKE files (a few claims
//    each: 1–3 傷病名, 1–3 医薬品 per patient) written below in the official layout, parsed and mapped by
//    @hie/uke (parseUke, mapUke), each written by its own applyIntake call (small batches, as a small
//    clinic sends them). Then --reads hub-signed FHIR reads (2000, --quick 400) of random tenants and
//    patients, half `GET /t/<OID>/fhir/Condition?patient=<id>`, half `…/Patient/<id>/$everything`, each
//    with its own assertion (fresh nonce, bound to the request: operationOf + pathBelowRoot, as
//    src/testing.ts signs; the replay check and the audit stay on), sent over real HTTP (keep-alive)
//    from a worker thread, --concurrency at a time (8). read_p95_ms is the 95th percentile of those
//    latencies — every request counted, including each tenant's first (its context made on first use).
//    peak_rss_mb is the process's VmHWM (/proc/self/status) right after: its peak since it started.
// 2. uke_records_per_s — a month's UKE file of --uke-claims claims (1500, --quick 300; the synthetic
//    month of packages/uke/src/testing/month.ts: 2–6 傷病名, 2–9 医薬品, a procedure, a comment per claim),
//    POSTed as application/octet-stream to `/t/<OID>/intake/uke` of a clinic tenant of that store with
//    its sender token (createSender), fixture masters (a dozen rows each, packages/uke/src/testing/
//    masters.ts) loaded with loadDiseaseMaster / loadModifierMaster / loadDrugMaster. Records (lines of
//    the file) ÷ the seconds of the request, from sending it to its answer (parse, map, one transaction).
//    uke_max_stall_ms: the longest the process's event loop ran no timer meanwhile (10 ms ticks): how
//    long any other tenant's request would have waited at worst.
// 3. orca_patients_per_s — the ORCA simulator of @hie/orca (startOrcaSimulator, recorded: false, its
//    `today` fixed at 2026-11-30) in a worker thread of this process (the other core, as a clinic's ORCA
//    would be another machine), serving --orca-patients (3000, --quick 300) patients whose history the
//    bench stretches to --years (5): registered uniformly over the years, their generated 病名 re-dated
//    into that span, a visit each month while a chronic 病名 is active (its drugs prescribed: 院外 70 %,
//    院内 30 %), one visit per acute 病名. A fresh store (.bench-data/repository/orca.db), the clinic a
//    tenant with ORCA settings, buildRepositoryApp's runOrcaPull = OrcaPulls.runNow; one
//    `POST /t/<OID>/intake/orca-pull` with the tenant's sender token over HTTP does the full first sync
//    (list, read every patient, map, one transaction). Patients ÷ wall seconds of that request. Besides:
//    orca_read_seconds (until ORCA's last answer) and orca_store_seconds (after it: mapping and the
//    transaction), the simulator's own busy seconds, orca_max_stall_ms (as uke_max_stall_ms) and
//    orca_peak_rss_mb (VmHWM reset just before; the simulator's thread is in it too). orca_note says
//    when fewer than 3000 patients × 5 years were asked for outside --quick (--orca-patients, --years).
//
//   npm run bench -- repository [--quick] [--tenants N] [--reads R] [--concurrency C]
//                               [--uke-claims N] [--orca-patients N] [--years Y]
//
// Targets (issue 13): read_p95_ms ≤ 50, peak_rss_mb ≤ 500. The last stdout line is one JSON object:
// {"bench":"repository","engine":"sqlite","orca_patients_per_s":…,"uke_records_per_s":…,"tenants":…,
// "read_p95_ms":…,"peak_rss_mb":…,…,"targets":{…},"meets":{…}}.
import { mkdirSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { mulberry32, processMemoryMb, resetPeakRss, round1 } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const dist = (pkg, file = 'index.js') => join(repo, 'packages', pkg, 'dist', file);
const load = (pkg, file) => import(pathToFileURL(dist(pkg, file)).href);

const TARGETS = { read_p95_ms: { max: 50 }, peak_rss_mb: { max: 500 } };
const HUB = 'urn:hie:hub:bench';
const ORCA_TODAY = '2026-11-30';
const ORCA_USER = 'ormaster';
const ORCA_PASSWORD = 'bench-orca-password';
const PATIENTS_PER_TENANT = 4;
const MONTHS_PER_TENANT = 3;

const log = (line) => console.log(line);
const seconds = (ms) => ms / 1000;

async function main() {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
  };
  const quick = args.includes('--quick');
  const tenantCount = option('--tenants', quick ? 100 : 500);
  const reads = option('--reads', quick ? 400 : 2000);
  const concurrency = option('--concurrency', 8);
  const ukeClaims = option('--uke-claims', quick ? 300 : 1500);
  const orcaPatients = option('--orca-patients', quick ? 300 : 3000);
  const years = option('--years', 5);

  const platform = await load('platform');
  const contract = await load('contract');
  const repository = await load('repository');
  const uke = await load('uke');
  const { encodeHl7Text } = await load('hl7v2');
  const writer = ukeWriter(encodeHl7Text);
  const masters = fixtureMasters(uke, writer);
  const hub = await platform.generateSigningKey();
  const hubKeys = [platform.hubKeyFrom(hub, HUB)];
  const disclosure = { categories: [...contract.CATEGORY_CODES] };

  const dataDir = join(repo, '.bench-data', 'repository');
  mkdirSync(dataDir, { recursive: true });
  const freshStore = async (name) => {
    const file = join(dataDir, name);
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    const store = await platform.openStore(`sqlite:${file}`);
    await repository.migrateRepositoryStore(store);
    return store;
  };
  const startApp = async (store, tenants, extra = {}) => {
    const built = await repository.buildRepositoryApp({ store, tenants, hubKeys, disclosure, ...extra });
    await built.app.listen({ host: '127.0.0.1', port: 0 });
    return { ...built, url: `http://127.0.0.1:${built.app.server.address().port}` };
  };

  // ---- 1. tenants, reads, memory -------------------------------------------------------------
  log(`phase 1: ${tenantCount} tenants × ${PATIENTS_PER_TENANT} patients × ${MONTHS_PER_TENANT} UKE months`);
  const store = await freshStore('tenants.db');
  const tenants = await repository.TenantRegistry.open(store);
  const app = await startApp(store, tenants, { ukeMasters: masters });
  let t0 = performance.now();
  const created = [];
  for (let i = 0; i < tenantCount; i++) {
    const code7 = String(1_000_001 + i);
    const institutionCode = `331${code7}`;
    const tenant = await tenants.create({
      oid: `1.2.392.200119.6.102.${institutionCode}`,
      institutionCode,
      name: `ベンチ診療所${i + 1}`,
      kind: 'clinic',
    });
    created.push({ oid: tenant.oid, institutionCode, code7 });
  }
  const createMs = performance.now() - t0;
  const random = mulberry32(20261213);
  let writeMs = 0;
  let tenantResources = 0;
  let intakes = 0;
  for (const [i, t] of created.entries()) {
    const tenantStore = tenants.storeOf(t.oid);
    for (let m = 0; m < MONTHS_PER_TENANT; m++) {
      const bytes = writer.smallClinicMonth(random, { code7: t.code7, month: m });
      const batch = ukeBatch(uke, bytes, `bench-${m}.UKE`, t.institutionCode, masters);
      const started = performance.now();
      const applied = await repository.applyIntake(
        tenantStore,
        { kind: 'uke', name: `bench-${m}.UKE`, sender: 'bench' },
        [batch],
      );
      writeMs += performance.now() - started;
      tenantResources += applied.counts.resources;
      intakes++;
    }
    if ((i + 1) % 100 === 0) log(`  ${i + 1} tenants written`);
  }
  const stored = await countRows(store);
  log(
    `tenants: ${tenantCount} created in ${seconds(createMs).toFixed(1)} s ` +
      `(${(createMs / tenantCount).toFixed(1)} ms each: TenantRegistry.create re-reads rp_tenant); ` +
      `${intakes} applyIntake calls, ${tenantResources} resources PUT in ${seconds(writeMs).toFixed(1)} s ` +
      `(${(writeMs / intakes).toFixed(1)} ms per intake); store holds ${stored.resources} resources, ` +
      `${stored.patients} patients`,
  );

  // Reads: every assertion signed before the run (a fresh nonce each; lifetime 120 s).
  t0 = performance.now();
  const plan = [];
  for (let i = 0; i < reads; i++) {
    const t = created[Math.floor(random() * created.length)];
    const patientId = String(1 + Math.floor(random() * PATIENTS_PER_TENANT));
    const path =
      i % 2 === 0
        ? `/t/${t.oid}/fhir/Condition?patient=${patientId}`
        : `/t/${t.oid}/fhir/Patient/${patientId}/$everything`;
    plan.push([path, await signFor(platform, contract, hub, t.oid, path, patientId)]);
  }
  log(`${reads} assertions signed in ${seconds(performance.now() - t0).toFixed(1)} s`);
  const elu = performance.eventLoopUtilization();
  const load1 = await runWorker({
    mode: 'reads',
    port: app.app.server.address().port,
    plan,
    concurrency,
  });
  const busy = performance.eventLoopUtilization(elu);
  const lat = Float64Array.from(load1.latencies).sort();
  const pct = (p) => round1(lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))]);
  const readErrors = reads - (load1.statuses['200'] ?? 0);
  log(
    `reads: ${reads} in ${seconds(load1.ms).toFixed(1)} s (${Math.round(reads / seconds(load1.ms))} req/s, ` +
      `${concurrency} in flight), p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms, ` +
      `max ${round1(lat[lat.length - 1])} ms; statuses ${JSON.stringify(load1.statuses)}; ` +
      `${(load1.entries / reads).toFixed(1)} entries per answer; server thread ` +
      `${Math.round((busy.active * 1000) / reads)} µs per request`,
  );
  if (readErrors > 0) throw new Error(`${readErrors} reads failed: ${JSON.stringify(load1.statuses)}`);
  if (load1.entries === 0) throw new Error('the reads returned no entries');
  const memory = processMemoryMb(process.pid);
  log(
    `memory after ${tenantCount} tenants loaded and read: RSS ${memory?.rss.toFixed(0)} MB, peak (VmHWM) ${memory?.hwm.toFixed(0)} MB`,
  );

  // ---- 2. UKE upload ---------------------------------------------------------------------------
  const month = writer.syntheticMonth(ukeClaims);
  const clinic = await tenants.create({
    oid: '1.2.392.200119.6.102.1311234567',
    institutionCode: '1311234567',
    name: 'テスト内科クリニック',
    kind: 'clinic',
  });
  const { token: ukeToken } = await repository.createSender(store, {
    kind: 'tenant',
    tenant: clinic.oid,
    name: 'bench upload',
  });
  log(`phase 2: UKE month of ${ukeClaims} claims, ${month.records} records, ${month.bytes.length} bytes`);
  let stalls = stallMeter();
  t0 = performance.now();
  const ukeResponse = await fetch(`${app.url}/t/${clinic.oid}/intake/uke`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${ukeToken}`,
      'content-type': 'application/octet-stream',
      'x-file-name': 'RECEIPTC.UKE',
    },
    body: month.bytes,
  });
  const ukeBody = await ukeResponse.json();
  const ukeMs = performance.now() - t0;
  const ukeStallMs = stalls();
  if (!ukeResponse.ok) throw new Error(`UKE upload: ${ukeResponse.status} ${JSON.stringify(ukeBody)}`);
  if (ukeBody.claims !== ukeClaims) throw new Error(`UKE upload: ${ukeBody.claims} claims, not ${ukeClaims}`);
  log(
    `UKE: ${ukeBody.claims} claims, ${ukeBody.counts.resources} resources, ${ukeBody.counts.patients} patients ` +
      `in ${seconds(ukeMs).toFixed(2)} s = ${Math.round(month.records / seconds(ukeMs))} records/s ` +
      `(${ukeBody.warnings?.length ?? 0} warnings); the event loop stalled up to ${ukeStallMs.toFixed(0)} ms`,
  );
  await app.app.close();
  await store.close();

  // ---- 3. ORCA full sync --------------------------------------------------------------------------
  log(`phase 3: ORCA simulator, ${orcaPatients} patients, ${years} years`);
  const sim = await startSimulator({ patients: orcaPatients, years, seed: 13 });
  log(
    `simulator: ${sim.stats.patients} patients, ${sim.stats.visits} visits (${sim.stats.withDrugs} with drugs), ` +
      `${sim.stats.diseases} 病名, first registration ${sim.stats.firstCreated}; generated in ` +
      `${sim.stats.generateSeconds.toFixed(1)} s, history made in ${sim.stats.historySeconds.toFixed(1)} s`,
  );
  const orcaStore = await freshStore('orca.db');
  const orcaTenants = await repository.TenantRegistry.open(orcaStore);
  const pulls = new repository.OrcaPulls(orcaTenants, { timeoutMs: 60_000 });
  const orcaApp = await startApp(orcaStore, orcaTenants, { runOrcaPull: pulls.runNow });
  const orcaClinic = await orcaTenants.create({
    oid: '1.2.392.200119.6.102.3219876543',
    institutionCode: '3219876543',
    name: 'ＯＲＣＡクリニック',
    kind: 'clinic',
    settings: {
      orca: {
        url: sim.url,
        username: ORCA_USER,
        password: ORCA_PASSWORD,
        everyMinutes: 1440,
        format: 'json',
      },
    },
  });
  const { token: orcaToken } = await repository.createSender(orcaStore, {
    kind: 'tenant',
    tenant: orcaClinic.oid,
    name: 'bench orca connector',
  });
  globalThis.gc?.();
  const orcaBefore = processMemoryMb(process.pid);
  const hwmReset = resetPeakRss(process.pid);
  const simElu = sim.worker.performance.eventLoopUtilization();
  const mainElu = performance.eventLoopUtilization();
  const startedAt = Date.now();
  stalls = stallMeter();
  t0 = performance.now();
  const pulled = await post(`${orcaApp.url}/t/${orcaClinic.oid}/intake/orca-pull`, orcaToken);
  const orcaMs = performance.now() - t0;
  const orcaStallMs = stalls();
  const endedAt = Date.now();
  const simBusy = sim.worker.performance.eventLoopUtilization(simElu);
  const mainBusy = performance.eventLoopUtilization(mainElu);
  const orcaAfter = processMemoryMb(process.pid);
  const served = await sim.finish();
  if (pulled.status !== 200) throw new Error(`ORCA pull: ${pulled.status} ${pulled.text}`);
  const outcome = JSON.parse(pulled.text);
  const orcaRows = await countRows(orcaStore);
  const readMs = Math.max(0, (served.lastAnswerAt ?? startedAt) - startedAt);
  const storeMs = Math.max(0, endedAt - (served.lastAnswerAt ?? startedAt));
  log(
    `ORCA pull: ${outcome.patients} patients (${outcome.failures} failures), ${outcome.counts.resources} resources ` +
      `in ${seconds(orcaMs).toFixed(1)} s = ${(outcome.patients / seconds(orcaMs)).toFixed(1)} patients/s; ` +
      `${served.requests} ORCA requests ${JSON.stringify(served.byApi)}`,
  );
  log(
    `  where the time went: reading ORCA ${seconds(readMs).toFixed(1)} s (until its last answer: ` +
      `${Math.round(served.requests / seconds(readMs))} req/s, one at a time), then mapping + storing ` +
      `${seconds(storeMs).toFixed(1)} s; repository thread busy ${mainBusy.active.toFixed(0)} ms ` +
      `(${Math.round(mainBusy.utilization * 100)} %), simulator thread busy ${simBusy.active.toFixed(0)} ms ` +
      `(${Math.round(simBusy.utilization * 100)} %); the repository's event loop stalled up to ` +
      `${seconds(orcaStallMs).toFixed(1)} s (no other tenant's request served meanwhile)`,
  );
  log(
    `  memory: RSS ${orcaBefore?.rss.toFixed(0)} MB before, peak ${hwmReset ? orcaAfter?.hwm.toFixed(0) : '?'} MB ` +
      `during the pull (simulator included); store holds ${orcaRows.resources} resources, ${orcaRows.patients} patients`,
  );
  if (outcome.patients !== orcaPatients || outcome.failures > 0)
    throw new Error(`ORCA pull: ${outcome.patients} patients, ${outcome.failures} failures`);
  await orcaApp.app.close();
  await pulls.stop();
  await orcaStore.close();

  const figures = {
    read_p95_ms: pct(95),
    peak_rss_mb: memory ? Math.round(memory.hwm) : null,
  };
  console.log(
    JSON.stringify({
      bench: 'repository',
      engine: 'sqlite',
      quick,
      orca_patients_per_s: round1(outcome.patients / seconds(orcaMs)),
      orca_patients: outcome.patients,
      orca_resources: outcome.counts.resources,
      orca_seconds: round1(seconds(orcaMs)),
      orca_years: years,
      orca_visits: sim.stats.visits,
      orca_requests: served.requests,
      orca_read_seconds: round1(seconds(readMs)),
      orca_store_seconds: round1(seconds(storeMs)),
      orca_simulator_busy_seconds: round1(seconds(simBusy.active)),
      orca_max_stall_ms: Math.round(orcaStallMs),
      orca_peak_rss_mb: hwmReset && orcaAfter ? Math.round(orcaAfter.hwm) : null,
      orca_note:
        !quick && (orcaPatients < 3000 || years < 5)
          ? `${orcaPatients} patients × ${years} years, not the issue's 3000 × 5 (--orca-patients, --years)`
          : null,
      uke_records_per_s: Math.round(month.records / seconds(ukeMs)),
      uke_claims: ukeBody.claims,
      uke_records: month.records,
      uke_resources: ukeBody.counts.resources,
      uke_bytes: month.bytes.length,
      uke_seconds: Math.round(seconds(ukeMs) * 100) / 100,
      uke_max_stall_ms: Math.round(ukeStallMs),
      tenants: tenantCount,
      tenant_resources: tenantResources,
      tenant_intakes: intakes,
      tenants_create_seconds: round1(seconds(createMs)),
      tenants_write_seconds: round1(seconds(writeMs)),
      reads,
      read_concurrency: concurrency,
      read_p50_ms: pct(50),
      ...figures,
      read_p99_ms: pct(99),
      read_errors: readErrors,
      targets: TARGETS,
      meets: Object.fromEntries(
        Object.entries(TARGETS).map(([k, t]) => [
          k,
          figures[k] === null ? null : t.max !== undefined ? figures[k] <= t.max : figures[k] >= t.min,
        ]),
      ),
    }),
  );
}

/** An assertion as the hub signs it for exactly this GET at the tenant (cf. packages/repository/src/testing.ts). */
function signFor(platform, contract, hub, oid, request, patientId) {
  const q = request.indexOf('?');
  const path = q < 0 ? request : request.slice(0, q);
  return platform.signAssertion(hub, {
    issuer: HUB,
    audience: oid,
    userId: 'dr-bench',
    profession: 'doctor',
    facilityOid: '1.2.392.200284.33.3311610020',
    patientId,
    purposeOfUse: 'TREAT',
    categories: [...contract.CATEGORY_CODES],
    operation: platform.operationOf(
      'GET',
      contract.pathBelowRoot(path, `/t/${oid}/fhir`) ?? path,
      q < 0 ? '' : request.slice(q),
    ),
  });
}

/** What readUkeIntake (packages/repository/src/intake/uke.ts, not exported) makes of a file: one batch. */
function ukeBatch(uke, bytes, fileName, institutionCode, masters) {
  const parsed = uke.parseUke(bytes, { fileName });
  if (!parsed.ok) throw new Error(`${fileName}: ${parsed.errors.map((e) => e.message).join('; ')}`);
  const mapped = uke.mapUke(parsed.file, { masters, facility: { institutionCode } });
  if (!mapped.ok) throw new Error(`${fileName}: ${mapped.errors.map((e) => e.message).join('; ')}`);
  const m = mapped.mapping;
  return {
    recordKey: `uke:${m.keyPrefix}`,
    origin: `uke:${fileName}`,
    entries: m.entries,
    replacePrefixes: [m.keyPrefix],
    deleteIds: [],
  };
}

async function countRows(store) {
  const n = async (table) =>
    Number(
      (
        await store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst()
      )?.n ?? 0,
    );
  return { resources: await n('gw_resource'), patients: await n('gw_patient') };
}

/**
 * The longest the main thread's event loop went without running a timer (10 ms ticks) from now until
 * the returned function is called: how long every other request to the process had to wait at worst.
 */
function stallMeter() {
  let last = performance.now();
  let max = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last);
    last = now;
  }, 10);
  return () => {
    clearInterval(tick);
    return Math.max(max, performance.now() - last);
  };
}

/** POST with node:http (no client time-out: a full first sync may take minutes). */
function post(url, token) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const runWorker = (data) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: data });
    worker.once('message', resolve);
    worker.once('error', reject);
  });

/** The ORCA simulator in a worker thread; `finish()` stops it and returns what it served. */
function startSimulator(options) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { mode: 'orca', ...options } });
    worker.once('error', reject);
    worker.once('message', (ready) => {
      resolve({
        worker,
        url: ready.url,
        stats: ready.stats,
        finish: () =>
          new Promise((done) => {
            worker.once('message', (summary) => worker.terminate().then(() => done(summary)));
            worker.postMessage('finish');
          }),
      });
    });
  });
}

// ---- worker threads ---------------------------------------------------------------------------

/** The read load: every planned request, `concurrency` at a time, over keep-alive connections. */
async function readLoad({ port, plan, concurrency }) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = [];
  const statuses = {};
  let entries = 0;
  let next = 0;
  const once = (path, token) =>
    new Promise((resolve) => {
      const req = request(
        { host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${token}` } },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
        },
      );
      req.on('error', () => resolve({ status: 0, body: Buffer.alloc(0) }));
      req.end();
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < plan.length) {
        const [path, token] = plan[next++];
        const t = performance.now();
        const { status, body } = await once(path, token);
        latencies.push(performance.now() - t);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 200) entries += JSON.parse(body.toString('utf8')).entry?.length ?? 0;
      }
    }),
  );
  const ms = performance.now() - started;
  agent.destroy();
  parentPort.postMessage({ latencies, statuses, entries, ms });
}

/** The simulated clinic's ORCA, its history stretched to `years`; answers until told to finish. */
async function orcaWorker({ patients, years, seed }) {
  const { startOrcaSimulator } = await load('orca');
  // The simulator's catalog (its 病名 and what each is prescribed): not in @hie/orca's index, but built
  // into dist with the simulator.
  const { DISEASES, PHYSICIANS } = await load('orca', 'simulator/catalog.js');
  let t0 = performance.now();
  const sim = await startOrcaSimulator({
    username: ORCA_USER,
    password: ORCA_PASSWORD,
    patients,
    seed,
    today: ORCA_TODAY,
    recorded: false,
  });
  const generateSeconds = seconds(performance.now() - t0);
  t0 = performance.now();
  const stats = stretchHistory(sim.clinic, { years, seed, DISEASES, PHYSICIANS });
  stats.generateSeconds = generateSeconds;
  stats.historySeconds = seconds(performance.now() - t0);
  // The time of ORCA's last answer (sampled every 10 ms): what is after it is the repository's own work.
  let seen = 0;
  let lastAnswerAt = null;
  const sampler = setInterval(() => {
    if (sim.requests.length !== seen) {
      seen = sim.requests.length;
      lastAnswerAt = Date.now();
    }
  }, 10);
  parentPort.postMessage({ url: sim.url, stats });
  parentPort.once('message', async () => {
    clearInterval(sampler);
    const byApi = {};
    for (const r of sim.requests) byApi[r.api ?? r.path] = (byApi[r.api ?? r.path] ?? 0) + 1;
    const bad = sim.requests.filter((r) => r.status !== 200).length;
    const requests = sim.requests.length;
    await sim.close();
    parentPort.postMessage({ requests, byApi, bad, lastAnswerAt });
  });
}

/**
 * A clinic's `years` of history from the simulator's generated patients (which get ≤ 1000 days, 1–3
 * 病名 and a few visits): each patient registered on a day of the span, its generated 病名 re-dated
 * after that (acute ones healed 14–28 days later), a visit every 28–35 days from its first chronic
 * 病名 on (the drugs of every chronic 病名 then active, by 診療科), one visit per acute 病名. Visits are
 * made here (the simulator's own addVisit numbers 受付 by scanning every visit of the clinic: quadratic).
 */
function stretchHistory(clinic, { years, seed, DISEASES, PHYSICIANS }) {
  const random = mulberry32(seed ^ 0x2545f491);
  const int = (min, max) => min + Math.floor(random() * (max - min + 1));
  const today = clinic.today;
  const span = Math.round(years * 365.25);
  const codes = (d) => d.singles.map((s) => s.code).join();
  const catalog = new Map(DISEASES.map((d) => [`${d.department}|${codes(d)}`, d]));
  const acceptances = new Map();
  const stats = { patients: 0, visits: 0, withDrugs: 0, diseases: 0, firstCreated: today };
  for (const p of clinic.patients.values()) {
    if (p.recorded || p.recordedForms || p.testPatient) continue;
    stats.patients++;
    const created = addDays(today, -int(0, span - 1));
    if (created < stats.firstCreated) stats.firstCreated = created;
    p.createDate = created;
    p.updateDate = random() < 0.3 ? addDays(created, int(0, daysBetween(created, today))) : created;
    for (const i of p.insurances) i.startDate = addDays(created, -int(0, 400));
    const diseases = [];
    for (const d of p.diseases) {
      const c = catalog.get(`${d.department}|${codes(d)}`);
      d.startDate = addDays(created, int(0, daysBetween(created, today)));
      delete d.endDate;
      delete d.outcome;
      if (c && !c.chronic) {
        const end = addDays(d.startDate, int(14, 28));
        if (end < today) {
          d.endDate = end;
          d.outcome = 'F';
        }
      }
      if (c) diseases.push({ d, c });
    }
    p.diseases.sort((a, b) => a.startDate.localeCompare(b.startDate));
    stats.diseases += p.diseases.length;
    const visits = new Map();
    const visit = (date, c) => {
      const key = `${date}|${c.department}`;
      let v = visits.get(key);
      if (!v) {
        const n = (acceptances.get(date) ?? 0) + 1;
        acceptances.set(date, n);
        v = {
          date,
          department: c.department,
          seq: 1,
          invoice: clinic.invoice(),
          time: `${String(int(9, 17)).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}:00`,
          physician: PHYSICIANS[int(0, PHYSICIANS.length - 1)],
          combination: p.insurances[0]?.combination ?? '0001',
          outside: random() < 0.7,
          rps: [],
          acceptanceId: String(n).padStart(5, '0'),
          billed: true,
        };
        visits.set(key, v);
      }
      for (const x of c.drugs)
        v.rps.push({ medicalClass: x.kind, count: x.count, usage: x.usage, drugs: [x.drug] });
    };
    for (const { d, c } of diseases) if (!c.chronic) visit(d.startDate, c);
    const chronic = diseases.filter(({ c }) => c.chronic);
    if (chronic.length) {
      const first = chronic.map(({ d }) => d.startDate).sort()[0];
      for (let date = first; date <= today; date = addDays(date, int(28, 35)))
        for (const { d, c } of chronic) if (d.startDate <= date) visit(date, c);
    }
    p.visits = [...visits.values()].sort(
      (a, b) => a.date.localeCompare(b.date) || a.department.localeCompare(b.department),
    );
    stats.visits += p.visits.length;
    stats.withDrugs += p.visits.filter((v) => v.rps.length).length;
  }
  return stats;
}

const addDays = (iso, n) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const daysBetween = (a, b) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);

// ---- UKE files and masters ----------------------------------------------------------------------
// The record layout of packages/uke/src/testing/write.ts, the synthetic month of month.ts and the
// master rows of masters.ts (test support, not built into dist), copied here with only what the bench
// uses: IR/RE/HO/KO/SY/SI/IY/CO/GO records in the 記録条件仕様's field positions, Shift_JIS, CR LF, EOF.

const KNOWN_DISEASES = ['8833421', '2500015', '5409004', '4659007', '4869009', '5351003', '7150013'];
const KNOWN_MODIFIERS = ['8002', '8007', '4012', '5001', '1202', '2060'];
const KNOWN_DRUGS = ['620000001', '620000002', '620000003', '620000004', '620000005', '620000010'];
const CATEGORIES = ['21', '22', '23', '31', '32', '33', '40', '60'];

function ukeWriter(encodeHl7Text) {
  /** A record of `length` fields: field n (1-based) from `values[n]`, the rest empty. */
  const record = (type, length, values) => {
    const out = new Array(length).fill('');
    out[0] = type;
    for (const [k, v] of Object.entries(values)) if (v !== undefined) out[Number(k) - 1] = String(v);
    return out;
  };
  const dayFields = (from, days = {}) => {
    const out = {};
    for (const [d, c] of Object.entries(days)) out[from + Number(d) - 1] = c;
    return out;
  };
  const ir = (v) =>
    record('IR', 10, {
      2: v.payer ?? '1',
      3: v.prefecture ?? '13',
      4: '1',
      5: v.code ?? '1234567',
      7: v.name ?? 'テスト内科クリニック',
      8: v.billingMonth ?? '50606',
      9: '00',
    });
  const re = (v) =>
    record('RE', 38, {
      2: v.no,
      3: '1112',
      4: v.careMonth ?? '50605',
      5: v.name,
      6: v.sex,
      7: v.birth,
      14: v.patientNumber,
    });
  const ho = () => record('HO', 15, { 2: '06132013', 3: '１２３', 4: '４５６', 5: 1, 6: 100 });
  const ko = () => record('KO', 12, { 2: '54136015', 3: '1234567', 5: 1, 6: 100 });
  const sy = (v) =>
    record('SY', 8, {
      2: v.code,
      3: v.start,
      4: v.outcome ?? '1',
      5: v.modifiers,
      7: v.main ? '01' : undefined,
    });
  const si = (v) =>
    record('SI', 44, { 3: '1', 2: v.category, 4: v.code, 6: v.points, 7: v.count, ...dayFields(14, v.days) });
  const iy = (v) =>
    record('IY', 44, {
      2: v.category,
      3: '1',
      4: v.code,
      5: v.amount,
      6: v.points,
      7: v.count,
      ...dayFields(14, v.days),
    });
  const co = (v) => record('CO', 5, { 3: '1', 4: v.code, 5: v.text });
  const go = (count) => record('GO', 4, { 2: count, 3: 0, 4: '99' });
  const ukeText = (records) => records.map((r) => `${typeof r === 'string' ? r : r.join(',')}\r\n`).join('');
  const shiftJis = (text, eof = true) => {
    const body = encodeHl7Text(text, 'Shift_JIS');
    if (!eof) return body;
    const out = new Uint8Array(body.length + 1);
    out.set(body);
    out[body.length] = 0x1a;
    return out;
  };
  /** A patient number always names the same person. */
  const person = (n) => ({
    name: `患者　${'一二三四五六七八九'[Number(n) % 9]}郎`,
    sex: Number(n) % 2 ? '1' : '2',
    birth: `3${String(20 + (Number(n) % 44)).padStart(2, '0')}0101`,
  });
  const sum = (days) => Object.values(days).reduce((a, b) => a + b, 0);
  const claimRecords = (c, receiptNumber, careMonth) => {
    const p = person(c.patientNumber);
    const out = [
      re({
        no: receiptNumber,
        name: p.name,
        sex: p.sex,
        birth: p.birth,
        patientNumber: c.patientNumber,
        careMonth,
      }),
      receiptNumber % 3 === 0 ? ko() : ho(),
      ...c.diagnoses.map((d) =>
        sy({
          code: d.code,
          start: d.start,
          outcome: d.outcome,
          modifiers: d.modifiers.join(''),
          main: d.main,
        }),
      ),
    ];
    if (c.procedure)
      out.push(si({ category: '12', code: '112007410', points: 75, count: 1, days: { 2: 1 } }));
    for (const d of c.drugs)
      out.push(
        iy({
          category: d.category,
          code: d.code,
          amount: d.amount,
          points: 10,
          count: sum(d.days),
          days: d.days,
        }),
      );
    if (c.drugs.length) out.push(co({ code: '810000001', text: 'テストコメント' }));
    return out;
  };
  return {
    shiftJis,
    record,
    /** month.ts syntheticMonth: a deterministic month of `n` claims (請求 令和6年6月, 診療 令和6年5月). */
    syntheticMonth(n) {
      let seed = 12345;
      const next = (k) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return (seed >>> 12) % k;
      };
      const claims = Array.from({ length: n }, () => ({
        patientNumber: String(1 + next(100_000)),
        diagnoses: Array.from({ length: 2 + next(5) }, () => ({
          code: KNOWN_DISEASES[next(KNOWN_DISEASES.length)],
          start: `50${2 + next(5)}0${1 + next(9)}1${next(9)}`,
          outcome: String(1 + next(4)),
          modifiers: next(4) === 0 ? [KNOWN_MODIFIERS[next(KNOWN_MODIFIERS.length)]] : [],
          main: next(3) === 0,
        })),
        drugs: Array.from({ length: 2 + next(8) }, (_, i) => ({
          category: i === 0 || next(3) === 0 ? CATEGORIES[next(CATEGORIES.length)] : undefined,
          code: KNOWN_DRUGS[next(KNOWN_DRUGS.length)],
          amount: 1 + next(3),
          days: { [1 + next(28)]: 1 + next(14) },
        })),
        procedure: true,
      }));
      const seen = new Set();
      for (const [i, c] of claims.entries()) {
        if (seen.has(c.patientNumber)) c.patientNumber = String(200_000 + i);
        seen.add(c.patientNumber);
      }
      const lines = [ir({}), ...claims.flatMap((c, i) => claimRecords(c, i + 1)), go(claims.length)];
      return { bytes: shiftJis(ukeText(lines)), records: lines.length };
    },
    /**
     * A small clinic's month (the bench's own): its PATIENTS_PER_TENANT patients, each a claim of 1–3
     * 傷病名 and 1–3 医薬品. Month m of 令和6年4月… (請求) for 診療 the month before.
     */
    smallClinicMonth(random, { code7, month }) {
      const pick = (list) => list[Math.floor(random() * list.length)];
      const int = (min, max) => min + Math.floor(random() * (max - min + 1));
      const billing = `5060${4 + month}`;
      const care = `5060${3 + month}`;
      const claims = Array.from({ length: PATIENTS_PER_TENANT }, (_, i) => ({
        patientNumber: String(i + 1),
        diagnoses: Array.from({ length: int(1, 3) }, (_, k) => ({
          code: pick(KNOWN_DISEASES),
          start: `50${int(2, 5)}0${int(1, 9)}1${int(0, 8)}`,
          outcome: '1',
          modifiers: random() < 0.2 ? [pick(KNOWN_MODIFIERS)] : [],
          main: k === 0,
        })),
        drugs: Array.from({ length: int(1, 3) }, (_, k) => ({
          category: k === 0 ? '21' : undefined,
          code: pick(KNOWN_DRUGS),
          amount: int(1, 3),
          days: { [int(1, 28)]: int(7, 28) },
        })),
        procedure: false,
      }));
      const lines = [
        ir({ prefecture: '33', code: code7, name: `ベンチ診療所${code7}`, billingMonth: billing }),
        ...claims.flatMap((c, i) => claimRecords(c, i + 1, care)),
        go(claims.length),
      ];
      return shiftJis(ukeText(lines));
    },
  };
}

/** masters.ts fixtureMasters: a dozen rows of each master in the official column layout, loaded. */
function fixtureMasters(uke, writer) {
  const row = (length, values, quote = []) =>
    writer
      .record('0', length, values)
      .map((v, i) => (quote.includes(i + 1) && v !== '' ? `"${v}"` : v))
      .join(',');
  const diseaseRow = (code, name, kana, icd10, extra = {}) =>
    row(46, {
      2: 'B',
      3: code,
      5: String(name.length),
      6: name,
      7: String(name.length),
      8: name,
      9: String(kana.length),
      10: kana,
      11: `2${code}`,
      12: '1',
      16: icd10,
      19: '00',
      20: '0',
      21: '00',
      22: '20020601',
      23: '20240601',
      24: '99999999',
      ...extra,
    });
  const modifierRow = (code, name, kana, cls, exchange = '') =>
    row(19, {
      2: 'Z',
      3: code,
      6: String(name.length),
      7: name,
      9: String(kana.length),
      10: kana,
      14: '20020601',
      15: '20240601',
      16: '99999999',
      17: `1${code}`,
      18: exchange,
      19: cls,
    });
  const drugRow = (code, name, kana, unit, form, extra = {}) =>
    row(
      42,
      {
        2: 'Y',
        3: code,
        4: String(name.length),
        5: name,
        6: String(kana.length),
        7: kana,
        8: '033',
        9: String(unit.length),
        10: unit,
        11: '1',
        12: '10.10',
        28: form,
        30: '20240601',
        31: '99999999',
        32: `114901${code.slice(-1)}F1ZZZ`,
        35: name,
        ...extra,
      },
      [5, 7, 10, 35],
    );
  const diseases = [
    diseaseRow('0000999', '未コード化傷病名', 'ﾐｺｰﾄﾞｶｼｮｳﾋﾞｮｳﾒｲ', ''),
    diseaseRow('8833421', '高血圧症', 'ｺｳｹﾂｱﾂｼｮｳ', 'I10', { 13: 'TST1' }),
    diseaseRow('2500015', '２型糖尿病', '2ｶﾞﾀﾄｳﾆｮｳﾋﾞｮｳ', 'E119'),
    diseaseRow('5409004', '急性化膿性虫垂炎', 'ｷｭｳｾｲｶﾉｳｾｲﾁｭｳｽｲｴﾝ', 'K358'),
    diseaseRow('4659007', '急性上気道炎', 'ｷｭｳｾｲｼﾞｮｳｷﾄﾞｳｴﾝ', 'J069'),
    diseaseRow('4869009', '肺炎', 'ﾊｲｴﾝ', 'J189'),
    diseaseRow('5351003', '胃炎', 'ｲｴﾝ', 'K297'),
    diseaseRow('4919002', '慢性気管支炎', 'ﾏﾝｾｲｷｶﾝｼｴﾝ', 'J42'),
    diseaseRow('7150013', '変形性膝関節症', 'ﾍﾝｹｲｾｲﾋｻﾞｶﾝｾﾂｼｮｳ', 'M179'),
    diseaseRow('2720004', '脂質異常症', 'ｼｼﾂｲｼﾞｮｳｼｮｳ', 'E785'),
    diseaseRow('4779004', 'アレルギー性鼻炎', 'ｱﾚﾙｷﾞｰｾｲﾋﾞｴﾝ', 'J304'),
    diseaseRow('8830001', '旧病名テスト', 'ｷｭｳﾋﾞｮｳﾒｲﾃｽﾄ', 'R69', { 24: '20200331' }),
  ];
  const modifiers = [
    modifierRow('8002', 'の疑い', 'ﾉｳﾀｶﾞｲ', '08000000'),
    modifierRow('8007', '急性増悪', 'ｷｭｳｾｲｿﾞｳｱｸ', '08000000'),
    modifierRow('8009', '後遺症', 'ｺｳｲｼｮｳ', '08000000'),
    modifierRow('8011', '症', 'ｼｮｳ', '08000000'),
    modifierRow('4012', '急性', 'ｷｭｳｾｲ', '04000000', 'TM01'),
    modifierRow('4001', '亜急性', 'ｱｷｭｳｾｲ', '04000000'),
    modifierRow('5001', '悪性', 'ｱｸｾｲ', '05000000'),
    modifierRow('5025', '化膿性', 'ｶﾉｳｾｲ', '05000000'),
    modifierRow('1202', '胃', 'ｲ', '01000000'),
    modifierRow('2060', '左右', 'ｻﾕｳ', '02000000'),
    modifierRow('2002', '遠位', 'ｴﾝｲ', '02000000'),
    modifierRow('3028', '外傷性', 'ｶﾞｲｼｮｳｾｲ', '03000000'),
  ];
  const drugs = [
    drugRow('620000001', 'ロキソプロフェンＮａ錠６０ｍｇ「テスト」', 'ﾛｷｿﾌﾟﾛﾌｪﾝNAｼﾞｮｳ60MG', '錠', '1'),
    drugRow('620000002', 'アムロジピン錠５ｍｇ「テスト」', 'ｱﾑﾛｼﾞﾋﾟﾝｼﾞｮｳ5MG', '錠', '1'),
    drugRow('620000003', 'アセトアミノフェン錠２００ｍｇ「テスト」', 'ｱｾﾄｱﾐﾉﾌｪﾝｼﾞｮｳ200MG', '錠', '1'),
    drugRow('620000004', 'ヘパリン類似物質クリーム０．３％「テスト」', 'ﾍﾊﾟﾘﾝﾙｲｼﾞﾌﾞｯｼﾂｸﾘｰﾑ', 'ｇ', '6'),
    drugRow('620000005', '生理食塩液「テスト」２０ｍＬ', 'ｾｲﾘｼｮｸｴﾝｴｷ20ML', '管', '4'),
    drugRow('620000006', 'メトホルミン塩酸塩錠２５０ｍｇ「テスト」', 'ﾒﾄﾎﾙﾐﾝｴﾝｻﾝｴﾝｼﾞｮｳ', '錠', '1'),
    drugRow('620000007', 'ロキソプロフェンＮａテープ１００ｍｇ「テスト」', 'ﾛｷｿﾌﾟﾛﾌｪﾝNAﾃｰﾌﾟ', '枚', '6'),
    drugRow('620000008', 'アンブロキソール塩酸塩錠１５ｍｇ「テスト」', 'ｱﾝﾌﾞﾛｷｿｰﾙｼﾞｮｳ15MG', '錠', '1'),
    drugRow('620000009', 'セフカペンピボキシル塩酸塩錠１００ｍｇ「テスト」', 'ｾﾌｶﾍﾟﾝｼﾞｮｳ100MG', '錠', '1'),
    drugRow('620000010', 'ブドウ糖注射液５％「テスト」５００ｍＬ', 'ﾌﾞﾄﾞｳﾄｳﾁｭｳｼｬｴｷ5%', '袋', '4'),
    drugRow('620000011', 'リドカイン塩酸塩注射液１％「テスト」', 'ﾘﾄﾞｶｲﾝﾁｭｳｼｬｴｷ1%', 'ｍＬ', '4'),
    drugRow('620000012', '旧医薬品「テスト」', 'ｷｭｳｲﾔｸﾋﾝ', '錠', '1', { 31: '20220331' }),
  ];
  const bytes = (rows) => writer.shiftJis(`${rows.join('\r\n')}\r\n`, false);
  const ok = (name, r) => {
    if (!r.ok) throw new Error(`${name} does not load: ${JSON.stringify(r.errors)}`);
    return r.master;
  };
  return {
    disease: ok('b_bench.csv', uke.loadDiseaseMaster(bytes(diseases), { fileName: 'b_bench.csv' })),
    modifier: ok('z_bench.csv', uke.loadModifierMaster(bytes(modifiers), { fileName: 'z_bench.csv' })),
    drug: ok('y_bench.csv', uke.loadDrugMaster(bytes(drugs), { fileName: 'y_bench.csv' })),
  };
}

// Last, so every constant above is initialised before main runs.
if (isMainThread)
  await main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
else if (workerData.mode === 'reads') await readLoad(workerData);
else await orcaWorker(workerData);
