#!/usr/bin/env node
// bench/gateway-read: the gateway's FHIR API under load. A SQLite store with ≥ 1 M gw_resource rows
// (5k patients × 200 resources, ~600-byte JSON, synthesised in bulk and cached under
// .bench-data/gateway-read/), the app on 127.0.0.1, and 100 concurrent keep-alive clients (a load
// loop in a worker thread, on the other core) for ~20 s doing patient timelines ($everything, first
// page) and searches (category + date range), each with its own hub-signed assertion: the replay
// check stays ON (a pool of tokens with distinct nonces is signed before the timed run), and every
// request writes its audit record, as in production.
//
//   npm run bench -- gateway-read [--quick] [--resources N] [--seconds S] [--clients C]
//
// --quick: 100k resources, 10 s. The last stdout line is one JSON object.
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { mulberry32, patientIdOf, round1, weightedPicker } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');

async function main() {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
  };
  const quick = args.includes('--quick');
  const perPatient = 200;
  const resources = option('--resources', quick ? 100_000 : 1_000_000);
  const seconds = option('--seconds', quick ? 10 : 20);
  const clients = option('--clients', 100);
  const warmupSeconds = quick ? 1 : 2;
  const patients = Math.ceil(resources / perPatient);

  // The built packages (bench runs after `npm run build`).
  const { openStore, generateSigningKey, hubKeyFrom, signAssertion } = await import('@hie/platform');
  const { buildGatewayApp, migrateGatewayStore: migrateToLatest } = await import('@hie/gateway');

  const dataDir = join(repo, '.bench-data', 'gateway-read');
  mkdirSync(dataDir, { recursive: true });
  const cached = join(dataDir, `store-${patients}x${perPatient}.db`);
  const built = existsSync(cached)
    ? 'cache'
    : await buildStore(cached, patients, perPatient, { openStore, migrateToLatest });
  // Each run writes audit events and nonces: work on a copy so the cached store stays as built.
  const runDb = join(dataDir, 'run.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(runDb + suffix, { force: true });
  copyFileSync(cached, runDb);

  const store = await openStore(`sqlite:${runDb}`);
  await migrateToLatest(store);
  if (args.includes('--mmap')) {
    const { sql } = await import('kysely');
    await sql`pragma mmap_size = 4294967296`.execute(store.db);
    await sql`pragma cache_size = -262144`.execute(store.db);
  }
  const facility = { institutionCode: '3319800011', oid: '1.2.392.200284.33.3319800011', name: 'ベンチ病院' };
  const hub = await generateSigningKey();
  const HUB = 'urn:hie:hub:bench';
  const disclosed = CATEGORY_WEIGHTS.map(([c]) => c).filter((c) => c !== 'document');
  const app = await buildGatewayApp({
    store,
    facility,
    hubKeys: [hubKeyFrom(hub, HUB)],
    disclosure: { categories: ['demographics', ...disclosed] },
    storageRoots: [],
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address();

  // One request = one fresh assertion (distinct nonce), signed before the timed phases.
  const random = mulberry32(7);
  const signPlan = async (count) => {
    const plan = [];
    for (let i = 0; i < count; i += 500) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(500, count - i) }, async (_, j) => {
          const patientId = patientIdOf(Math.floor(random() * patients));
          const token = await signAssertion(hub, {
            issuer: HUB,
            audience: facility.oid,
            userId: `dr-${(i + j) % 300}`,
            profession: 'doctor',
            facilityOid: '1.2.392.200284.33.3311610020',
            patientId,
            purposeOfUse: 'TREAT',
            categories: ['demographics', ...disclosed, 'document'],
            expiresAt: Math.floor(Date.now() / 1000) + 300,
          });
          const year = 2024 + Math.floor(random() * 3);
          const path =
            (i + j) % 2 === 0
              ? `/fhir/Patient/${patientId}.ADT-00/$everything`
              : `/fhir/Observation?patient=Patient/${patientId}.ADT-00&category=lab-result&date=ge${year}-01-01&date=le${year}-12-31`;
          return [path, token];
        }),
      );
      plan.push(...batch);
    }
    return plan;
  };
  const runPhase = (workerData) =>
    new Promise((resolve, reject) => {
      const worker = new Worker(fileURLToPath(import.meta.url), {
        workerData: { port, clients, ...workerData },
      });
      worker.once('message', resolve);
      worker.once('error', reject);
    });

  // Phase 1, closed loop: each client sends its next request as soon as the previous one is answered
  // (what autocannon -c 100 does). It measures the most the gateway can serve; latency is then
  // clients ÷ throughput (Little's law). Pool sized for up to ~3k req/s.
  let t0 = performance.now();
  const closedPlan = await signPlan(Math.ceil((seconds + warmupSeconds) * 3000));
  console.log(
    `store: ${resources.toLocaleString()} resources, ${patients} patients (${built}), ` +
      `${(statSync(cached).size / 1e6).toFixed(0)} MB; ${closedPlan.length} assertions signed in ` +
      `${((performance.now() - t0) / 1000).toFixed(1)} s; replay check ON, audit ON${args.includes('--mmap') ? ', SQLite mmap ON' : ''}`,
  );
  // Main-thread busy time (the server: routing, SQLite, JSON, audit) per request, a figure that the
  // other processes on this shared machine disturb far less than req/s.
  const elu = performance.eventLoopUtilization();
  const closed = summarise(await runPhase({ mode: 'closed', seconds, warmupSeconds, plan: closedPlan }));
  const busy = performance.eventLoopUtilization(elu);
  const served = Object.values(closed.allStatuses).reduce((a, b) => a + b, 0);
  closed.mainThreadUsPerRequest = Math.round((busy.active * 1000) / served);
  report(`closed loop, ${clients} clients`, closed);
  console.log(
    `server main thread: ${(busy.utilization * 100).toFixed(0)}% busy, ${closed.mainThreadUsPerRequest} µs per request`,
  );

  // Phase 2, open loop: the same 100 clients (sockets) offered half that throughput at a steady
  // rate; latency counts from each request's scheduled time, so queueing is not hidden.
  const rate = Math.max(1, Math.round(closed.reqPerS / 2));
  const openSeconds = Math.max(5, Math.round(seconds / 2));
  t0 = performance.now();
  const openPlan = await signPlan(Math.ceil(rate * (openSeconds + 1)));
  const open = summarise(
    await runPhase({ mode: 'open', rate, seconds: openSeconds, warmupSeconds: 1, plan: openPlan }),
  );
  report(`open loop at ${rate} req/s (50% of closed-loop), up to ${clients} connections`, open);

  const audited = await store.db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  console.log(`audit events written: ${audited?.n} (one per request, warm-up included)`);
  await app.close();
  await store.close();
  console.log(
    JSON.stringify({
      bench: 'gateway-read',
      resources,
      clients,
      req_per_s: Math.round(closed.reqPerS),
      p50_ms: closed.p50,
      p95_ms: closed.p95,
      p99_ms: closed.p99,
      open_loop_req_per_s: rate,
      open_loop_p50_ms: open.p50,
      open_loop_p95_ms: open.p95,
      open_loop_p99_ms: open.p99,
      main_thread_us_per_request: closed.mainThreadUsPerRequest,
      seconds: round1(closed.seconds),
      errors: closed.errors + open.errors,
      replay_check: 'on',
    }),
  );
}

function summarise({ latencies, errors, statuses, allStatuses, measuredSeconds, exhausted, bytes }) {
  const sorted = Float64Array.from(latencies).sort();
  const pct = (p) =>
    sorted.length ? round1(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]) : null;
  return {
    n: sorted.length,
    reqPerS: sorted.length / measuredSeconds,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    seconds: measuredSeconds,
    errors,
    statuses,
    allStatuses,
    exhausted,
    kib: bytes / Math.max(1, sorted.length) / 1024,
  };
}

function report(label, r) {
  console.log(
    `${label}: ${r.seconds.toFixed(1)} s measured, ${r.n} requests, ${Math.round(r.reqPerS)} req/s, ` +
      `p50 ${r.p50} ms, p95 ${r.p95} ms, p99 ${r.p99} ms, ${r.kib.toFixed(1)} KiB/response, ` +
      `errors ${r.errors}, statuses ${JSON.stringify(r.statuses)}${r.exhausted ? ' (token pool exhausted: ended early)' : ''}`,
  );
}

/** Worker thread: the load. `closed`: `clients` loops back to back; `open`: requests at a fixed rate. */
async function loadLoop({ port, clients, mode, rate, seconds, warmupSeconds, plan }) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies = [];
  const statuses = {};
  const allStatuses = {};
  let errors = 0;
  let bytes = 0;
  let next = 0;
  let exhausted = false;
  const start = performance.now();
  const measureFrom = start + warmupSeconds * 1000;
  const end = measureFrom + seconds * 1000;
  let lastDone = measureFrom;
  const once = (path, token) =>
    new Promise((resolve) => {
      const req = request(
        { host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${token}` } },
        (res) => {
          let n = 0;
          res.on('data', (chunk) => {
            n += chunk.length;
          });
          res.on('end', () => resolve({ status: res.statusCode, n }));
        },
      );
      req.on('error', () => resolve({ status: 0, n: 0 }));
      req.end();
    });
  const record = (from, done, status, n) => {
    allStatuses[status] = (allStatuses[status] ?? 0) + 1;
    if (from >= measureFrom && done <= end) {
      latencies.push(done - from);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status !== 200) errors++;
      bytes += n;
      lastDone = done;
    }
  };
  if (mode === 'closed') {
    const client = async () => {
      while (performance.now() < end) {
        const i = next++;
        if (i >= plan.length) {
          exhausted = true;
          return;
        }
        const t = performance.now();
        const { status, n } = await once(...plan[i]);
        record(t, performance.now(), status, n);
      }
    };
    await Promise.all(Array.from({ length: clients }, client));
  } else {
    const inFlight = [];
    while (performance.now() < end) {
      const due = start + (next * 1000) / rate;
      if (due <= performance.now()) {
        if (next >= plan.length) {
          exhausted = true;
          break;
        }
        const [path, token] = plan[next++];
        inFlight.push(once(path, token).then(({ status, n }) => record(due, performance.now(), status, n)));
      } else {
        await new Promise((r) => setTimeout(r, Math.max(0, Math.min(5, due - performance.now()))));
      }
    }
    await Promise.all(inFlight);
  }
  agent.destroy();
  const measuredSeconds = ((exhausted ? lastDone : end) - measureFrom) / 1000;
  parentPort.postMessage({ latencies, errors, statuses, allStatuses, measuredSeconds, exhausted, bytes });
}

// ---- synthetic store -------------------------------------------------------------------------

/** [category, resource type, data type, weight]: a hospital's mix of records per patient. */
const CATEGORY_WEIGHTS = [
  ['lab-result', 'Observation', 'OML-11', 40],
  ['lab-order', 'ServiceRequest', 'OML-01', 10],
  ['prescription', 'MedicationRequest', 'OMP-01', 15],
  ['injection', 'MedicationRequest', 'OMP-02', 4],
  ['outpatient-visit', 'Encounter', 'ADT-12', 10],
  ['diagnosis', 'Condition', 'PPR-01', 4],
  ['allergy', 'AllergyIntolerance', 'ADT-61', 1],
  ['radiology-order', 'ServiceRequest', 'OMG-01', 3],
  ['radiology', 'DiagnosticReport', 'OMG-11', 3],
  ['physiology', 'Observation', 'OMG-13', 3],
  ['endoscopy', 'DiagnosticReport', 'OMG-12', 2],
  ['admission', 'Encounter', 'ADT-22', 1],
  ['discharge', 'Encounter', 'ADT-52', 1],
  ['document', 'DocumentReference', 'DOC', 2],
];

async function buildStore(target, patients, perPatient, { openStore, migrateToLatest }) {
  const Database = (await import('better-sqlite3')).default;
  const building = `${target}.building`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(building + suffix, { force: true });
  const store = await openStore(`sqlite:${building}`);
  await migrateToLatest(store);
  await store.close();

  const t0 = performance.now();
  const db = new Database(building);
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const insert = db.prepare(
    'INSERT INTO gw_resource (resource_type, id, patient_id, category, date, code, record_key, file_path, version_id, last_updated, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)',
  );
  const insertPatient = db.prepare(
    'INSERT INTO gw_patient (patient_id, name_kanji, name_kana, kana_key, birth_date, sex, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const random = mulberry32(20261126);
  const pick = weightedPicker(random, CATEGORY_WEIGHTS, 3);
  const start = Date.UTC(2023, 10, 1);
  const span = Date.UTC(2026, 9, 31) - start;
  const lastUpdated = '2026-11-01T00:00:00.000Z';
  const writePatient = db.transaction((p) => {
    const pid = patientIdOf(p);
    const file = `${pid}_-_ADT-00_999999999999999_20261101000000000_-_1`;
    const birth = `19${String(30 + Math.floor(random() * 70)).padStart(2, '0')}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`;
    insertPatient.run(
      pid,
      '岡山 太郎',
      'オカヤマ タロウ',
      'オカヤマタロウ',
      birth,
      p % 2 ? 'male' : 'female',
      lastUpdated,
    );
    insert.run(
      'Patient',
      `${pid}.ADT-00`,
      pid,
      'demographics',
      null,
      null,
      `${pid}.-.ADT-00.999999999999999.`,
      file,
      lastUpdated,
      patientJson(pid, birth, file),
    );
    for (let k = 1; k < perPatient; k++) {
      const [category, type, dataType] = pick();
      const when = new Date(start + random() * span + 9 * 3600_000);
      const day = when.toISOString().slice(0, 10);
      const date = `${when.toISOString().slice(0, 19)}+09:00`;
      const orderNo = String(p * perPatient + k).padStart(15, '0');
      const id = `${pid}.${day.replaceAll('-', '')}.${dataType}.${orderNo}.${1 + (k % 7)}`;
      const code = `3D0${String(Math.floor(random() * 900) + 100)}0000001926101`;
      const file = `${pid}_${day.replaceAll('-', '')}_${dataType}_${orderNo}_20261101000000000_01_1`;
      insert.run(
        type,
        id,
        pid,
        category,
        date,
        code,
        id.slice(0, id.lastIndexOf('.') + 1),
        file,
        lastUpdated,
        resourceJson(type, id, pid, date, code, file, random),
      );
    }
  });
  for (let p = 0; p < patients; p++) {
    writePatient(p);
    if (p % 500 === 499) process.stderr.write(`\rsynthesising: ${p + 1}/${patients} patients`);
  }
  process.stderr.write('\n');
  db.exec('ANALYZE');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  renameSync(building, target);
  for (const suffix of ['-wal', '-shm']) rmSync(building + suffix, { force: true });
  return `built in ${((performance.now() - t0) / 1000).toFixed(0)} s`;
}

function patientJson(pid, birth, file) {
  return JSON.stringify({
    resourceType: 'Patient',
    id: `${pid}.ADT-00`,
    meta: {
      profile: ['http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient'],
      source: `urn:ssmix2:3319800011:${file}`,
    },
    identifier: [{ system: 'urn:oid:1.2.392.100495.20.3.51.13319800011', value: pid }],
    name: [
      {
        extension: [
          { url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation', valueCode: 'IDE' },
        ],
        use: 'official',
        text: '岡山 太郎',
        family: '岡山',
        given: ['太郎'],
      },
      {
        extension: [
          { url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation', valueCode: 'SYL' },
        ],
        use: 'official',
        text: 'オカヤマ タロウ',
        family: 'オカヤマ',
        given: ['タロウ'],
      },
    ],
    gender: 'male',
    birthDate: birth,
  });
}

function resourceJson(type, id, pid, date, code, file, random) {
  return JSON.stringify({
    resourceType: type,
    id,
    meta: {
      profile: [`http://jpfhir.jp/fhir/core/StructureDefinition/JP_${type}`],
      source: `urn:ssmix2:3319800011:${file}`,
    },
    status: 'final',
    code: { coding: [{ system: 'urn:oid:1.2.392.200119.4.504', code, display: 'グルコース（血糖）' }] },
    subject: { reference: `Patient/${pid}.ADT-00` },
    effectiveDateTime: date,
    valueQuantity: {
      value: Math.round(70 + random() * 80),
      unit: 'mg/dL',
      system: 'http://unitsofmeasure.org',
      code: 'mg/dL',
    },
    referenceRange: [{ low: { value: 70, unit: 'mg/dL' }, high: { value: 109, unit: 'mg/dL' } }],
    note: [{ text: '空腹時採血。' }],
  });
}

// Last, so every constant above is initialised before main runs.
if (isMainThread) await main();
else await loadLoop(workerData);
