#!/usr/bin/env node
// bench/gateway-ingest: generate an SS-MIX2 storage of ≥ 100k files (reused from
// .bench-data/gateway-ingest/ when present with the same parameters), then in fresh child processes:
//   1. full ingest into SQLite (temporary file) — files/s, FHIR resources/s, peak RSS;
//   2. full ingest into PostgreSQL (DATABASE_URL or postgres://postgres@127.0.0.1:5432/test, a fresh schema);
//   3. on the SQLite store, the gateway started incrementally (watcher on): new files written with
//      StorageWriter at a steady rate into today's care-date folders; the time until each is
//      queryable in gw_resource (p50/p95). The files are removed afterwards (the cached storage stays as generated).
//
//   npm run bench -- gateway-ingest [--quick] [--files N] [--workers N] [--no-postgres]
//
// --quick: ~10k files. The last stdout line is one JSON object.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const FACILITY = {
  institutionCode: '3311234567',
  oid: '1.2.392.200119.6.102.13311234567',
  name: 'ベンチ病院',
};
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

if (args[0] === '--measure') await measure(args[1], args[2], Number(args[3]));
else if (args[0] === '--visible') await visible(args[1], args[2], Number(args[3]));
else await main();

async function main() {
  const files = option('--files', args.includes('--quick') ? 10_000 : 100_000);
  const workers = option('--workers', 1);
  const storage = await ensureStorage(files);
  const dbDir = mkdtempSync(join(tmpdir(), 'hie-bench-gw-'));
  const sqlitePath = join(dbDir, 'gateway.db');
  try {
    const sqlite = child(['--measure', storage, sqlitePath, String(workers)]);
    report('SQLite', sqlite);
    let postgres;
    if (!args.includes('--no-postgres')) {
      const schema = `bench_gw_${randomBytes(4).toString('hex')}`;
      try {
        postgres = child(['--measure', storage, `${PG_URL}#${schema}`, String(workers)]);
        report('PostgreSQL', postgres);
      } catch (e) {
        console.error(`PostgreSQL skipped: ${e.message}`);
      } finally {
        await dropSchema(schema);
      }
    }
    const vis = child(['--visible', storage, sqlitePath, String(workers)]);
    console.log(
      `incremental (watch): ${vis.written} new files at ${vis.rate}/s; visible after p50 ${vis.p50_ms} ms, ` +
        `p95 ${vis.p95_ms} ms, max ${vis.max_ms} ms (restart pass over ${vis.restart_files} unchanged files: ${vis.restart_s} s; ${vis.watched} folders watched)`,
    );
    console.log(
      JSON.stringify({
        bench: 'gateway-ingest',
        files: sqlite.files,
        resources: sqlite.resources,
        sqlite_resources_per_s: Math.round(sqlite.resources_per_s),
        postgres_resources_per_s: postgres ? Math.round(postgres.resources_per_s) : null,
        files_per_s: Math.round(sqlite.files_per_s),
        postgres_files_per_s: postgres ? Math.round(postgres.files_per_s) : null,
        peak_rss_mb: Math.round(Math.max(sqlite.peak_rss_mb, postgres?.peak_rss_mb ?? 0)),
        // Throughput per CPU second (worker + main thread): less sensitive to a busy machine than wall time.
        sqlite_resources_per_cpu_s: Math.round(sqlite.resources / sqlite.cpu_s),
        visible_p95_ms: vis.p95_ms,
        workers,
      }),
    );
  } finally {
    rmSync(dbDir, { recursive: true, force: true });
  }
}

function report(engine, r) {
  console.log(
    `${engine}: ${r.files} files → ${r.resources} resources in ${r.seconds.toFixed(1)} s: ` +
      `${Math.round(r.files_per_s)} files/s, ${Math.round(r.resources_per_s)} resources/s, peak RSS ${Math.round(r.peak_rss_mb)} MB ` +
      `(${r.errors} errors, cpu ${r.cpu_s.toFixed(1)} s)`,
  );
}

/** Runs this script in a fresh process (its own peak RSS); returns the last stdout line as JSON. */
function child(childArgs) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...childArgs], {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`child ${childArgs[0]} failed (${r.status}): ${r.stdout.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

async function openBenchStore(location) {
  const { openStore } = await import('@hie/platform');
  const { migrateGatewayStore } = await import('@hie/gateway');
  const [url, schema] = location.split('#');
  const store = await openStore(url, schema ? { schema, poolSize: 8 } : {});
  await migrateGatewayStore(store);
  return store;
}

async function dropSchema(schema) {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: PG_URL });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } catch {
    // no PostgreSQL: nothing to drop
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ingestModule() {
  return import('@hie/gateway');
}

/** Child: one full ingest, timed. */
async function measure(storage, location, workers) {
  const { GatewayIngest } = await ingestModule();
  const store = await openBenchStore(location);
  const rss = sampleRss();
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const ingest = new GatewayIngest(store, { roots: [storage], facility: FACILITY, workers, watch: false });
  const r = await ingest.fullLoad();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await ingest.stop();
  await store.close();
  rss.stop();
  console.log(
    JSON.stringify({
      files: r.ingested + r.errors,
      resources: r.resourcesPut,
      errors: r.errors,
      seconds,
      files_per_s: (r.ingested + r.errors) / seconds,
      resources_per_s: r.resourcesPut / seconds,
      peak_rss_mb: rss.peak(),
      cpu_s: (cpu.user + cpu.system) / 1e6,
    }),
  );
}

/** Child: the gateway started (watcher on), new files written at a steady rate, time to visibility. */
async function visible(storage, location, workers) {
  const { GatewayIngest } = await ingestModule();
  const ssmix2 = await import('@hie/ssmix2');
  const store = await openBenchStore(location);
  const ingest = new GatewayIngest(store, {
    roots: [storage],
    facility: FACILITY,
    workers,
    rescanIntervalMs: 0,
  });
  const t0 = performance.now();
  await ingest.start();
  const restartSeconds = (performance.now() - t0) / 1000;
  const status = await store.db
    .selectFrom('gw_file')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  // Templates: current lab-result and visit files of many patients, re-filed under today's date.
  const templates = await store.db
    .selectFrom('gw_file')
    .select(['path', 'patient_id', 'data_type', 'department'])
    .where('status', '=', 'current')
    .where('data_type', 'in', ['OML-11', 'ADT-12', 'OMP-01'])
    .orderBy('path')
    .limit(4000)
    .execute();
  const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
  const writer = new ssmix2.StorageWriter(storage);
  const rate = 20;
  const count = 200;
  const pending = new Map();
  const latencies = [];
  const written = [];
  let polling = true;
  const poller = (async () => {
    while (polling || pending.size > 0) {
      if (pending.size > 0) {
        // By record key (indexed), not file_path (not indexed: a scan of the whole table per poll).
        const rows = await store.db
          .selectFrom('gw_resource')
          .select(['record_key', 'file_path'])
          .where(
            'record_key',
            'in',
            [...pending.values()].map((p) => p.key),
          )
          .execute();
        const now = performance.now();
        for (const r of rows) {
          const p = pending.get(r.file_path);
          if (!p) continue;
          latencies.push(now - p.at);
          pending.delete(r.file_path);
        }
      }
      await new Promise((r) => setTimeout(r, 10));
      if (!polling && pending.size > 0 && performance.now() - t0 > 600_000) break;
    }
  })();
  const step = Math.max(1, Math.floor(templates.length / count));
  try {
    for (let i = 0; i < count; i++) {
      const t = templates[(i * step) % templates.length];
      const ts = new Date(Date.now() + 9 * 3600_000)
        .toISOString()
        .replace(/[-:TZ.]/g, '')
        .slice(0, 17);
      const due = t0 + restartSeconds * 1000 + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const path = await writer.write({
        patientId: t.patient_id,
        careDate: today,
        dataType: t.data_type,
        orderNo: String(900000000000000 + i),
        timestamp: ts,
        department: t.department,
        bytes: readFileSync(t.path),
      });
      written.push(path);
      const key = `${t.patient_id}_${today}_${t.data_type}_${String(900000000000000 + i)}`;
      pending.set(path, { at: performance.now(), key });
    }
    const deadline = performance.now() + 30_000;
    while (pending.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  } finally {
    polling = false;
    await poller;
    const watched = ingest.watchedDirectories;
    await ingest.stop();
    await store.close();
    // Leave the cached storage as generated: remove today's folders written above.
    for (const p of written) rmSync(dirname(dirname(p)), { recursive: true, force: true });
    latencies.sort((a, b) => a - b);
    const q = (f) =>
      latencies.length
        ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(f * latencies.length))])
        : null;
    console.log(
      JSON.stringify({
        written: written.length,
        visible: latencies.length,
        rate,
        p50_ms: q(0.5),
        p95_ms: pending.size > 0 ? null : q(0.95),
        max_ms: q(1),
        restart_s: Number(restartSeconds.toFixed(1)),
        restart_files: Number(status?.n ?? 0),
        watched,
      }),
    );
  }
}

function sampleRss() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 100);
  return {
    stop: () => clearInterval(timer),
    // maxRSS (kB) also catches peaks between samples.
    peak: () => Math.max(peak, process.resourceUsage().maxRSS * 1024) / 1024 / 1024,
  };
}

/** Generates (or reuses) a storage of at least `files` files; returns its root. */
async function ensureStorage(files) {
  const ssmix2 = await import('@hie/ssmix2');
  const params = { files, seed: 20261126, facilityCode: FACILITY.institutionCode, years: 3 };
  const dir = join(repo, '.bench-data', 'gateway-ingest', `generateStorage-${files}`);
  const stamp = join(dir, '.hie', 'bench-params.json');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === JSON.stringify(params)) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const options = (patients, out) => ({
    patients,
    facilityCode: params.facilityCode,
    years: params.years,
    seed: params.seed,
    out,
  });
  // Files per patient vary with the generator; a pilot run sizes the real one.
  const pilotDir = join(repo, '.bench-data', 'gateway-ingest', 'pilot');
  rmSync(pilotDir, { recursive: true, force: true });
  const pilot = await ssmix2.generateStorage(options(50, pilotDir));
  rmSync(pilotDir, { recursive: true, force: true });
  let patients = Math.ceil((files / Math.max(1, pilot.files / 50)) * 1.05);
  let made = await ssmix2.generateStorage(options(patients, dir));
  while (made.files < files) {
    patients = Math.ceil(patients * (files / made.files) * 1.05);
    rmSync(dir, { recursive: true, force: true });
    made = await ssmix2.generateStorage(options(patients, dir));
  }
  console.error(
    `generated ${made.files} files in ${((Date.now() - started) / 1000).toFixed(1)} s into ${dir}`,
  );
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, JSON.stringify(params));
  return dir;
}
