#!/usr/bin/env node
// bench/ssmix2-scan: generate an SS-MIX2 storage of ≥ 200k files (reused from .bench-data/ when
// present with the same parameters), then time a full scan + read + decode + parse + check of every
// file in a fresh child process, and report files/s and the child's peak RSS.
//
//   npm run bench -- ssmix2-scan [--quick] [--files N] [--workers N]
//
// --quick: ~20k files. --files 1000000: shows that memory stays flat. --workers: threads that
// walk, read and check patient folders (default 0 = all in this thread, the fastest when the 2 cores are busy).
// The last stdout line is one JSON object.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};

if (args[0] === '--measure') {
  await measure(args[1], Number(args[2]));
} else {
  await main();
}

async function main() {
  const files = option('--files', args.includes('--quick') ? 20_000 : 200_000);
  const workers = option('--workers', 0);
  const root = await ensureStorage(files);
  // A fresh process, so peak RSS is the scan's own and not the generator's.
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), '--measure', root.dir, String(workers)],
    { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (child.status !== 0) {
    console.error(child.stdout);
    process.exit(child.status ?? 1);
  }
  const result = JSON.parse(child.stdout.trim().split('\n').pop());
  console.log(
    `scanned ${result.files} files (${result.mb.toFixed(1)} MB; ${result.ok} ok, ${result.warning} warning, ` +
      `${result.error} error) in ${result.seconds.toFixed(2)} s with ${workers} worker(s): ` +
      `${Math.round(result.files_per_s)} files/s, peak RSS ${result.peak_rss_mb.toFixed(0)} MB ` +
      `(storage from ${root.source}; an untimed list-and-read pass took ${result.warm_up_s.toFixed(1)} s)`,
  );
  console.log(
    JSON.stringify({
      bench: 'ssmix2-scan',
      files: result.files,
      files_per_s: Math.round(result.files_per_s),
      peak_rss_mb: Math.round(result.peak_rss_mb),
      seconds: Number(result.seconds.toFixed(3)),
      workers,
      errors: result.error,
      storage: root.source,
    }),
  );
}

/** Generates (or reuses) a storage of at least `files` files; returns its root. */
async function ensureStorage(files) {
  const ssmix2 = await import('@hie/ssmix2');
  const source = typeof ssmix2.generateStorage === 'function' ? 'generateStorage' : 'nho-replica';
  const params = { files, source, seed: 20261031, facilityCode: '3311234567', years: 3 };
  const dir = join(repo, '.bench-data', 'ssmix2-scan', `${source}-${files}`);
  const stamp = join(dir, '.hie', 'bench-params.json');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === JSON.stringify(params)) return { dir, source };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  let made;
  if (source === 'generateStorage') {
    // Files per patient vary with the generator; a pilot run sizes the real one.
    const pilotDir = join(repo, '.bench-data', 'ssmix2-scan', 'pilot');
    rmSync(pilotDir, { recursive: true, force: true });
    const pilot = await ssmix2.generateStorage({ ...generatorOptions(params, 50), out: pilotDir });
    rmSync(pilotDir, { recursive: true, force: true });
    const perPatient = Math.max(1, pilot.files / 50);
    let patients = Math.ceil((files / perPatient) * 1.05);
    made = await ssmix2.generateStorage({ ...generatorOptions(params, patients), out: dir });
    while (made.files < files) {
      patients = Math.ceil(patients * (files / made.files) * 1.05);
      rmSync(dir, { recursive: true, force: true });
      made = await ssmix2.generateStorage({ ...generatorOptions(params, patients), out: dir });
    }
    made = made.files;
  } else {
    made = replicateNho(ssmix2, dir, files);
  }
  console.error(`generated ${made} files in ${((Date.now() - started) / 1000).toFixed(1)} s into ${dir}`);
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, JSON.stringify(params));
  return { dir, source };
}

function generatorOptions(params, patients) {
  return { patients, facilityCode: params.facilityCode, years: params.years, seed: params.seed };
}

/**
 * Until the synthetic generator exists: the 19 NHO guideline messages filed under many patient
 * IDs (PID-3 rewritten), same sizes and segment mix as the samples.
 */
function replicateNho(ssmix2, dir, files) {
  const nho = join(repo, '..', 'shared', 'samples', 'ssmix2', 'nho', '999', '901', '9999013');
  const templates = [];
  for (const item of ssmix2.walkStorage([nho])) {
    if (item.kind !== 'file') continue;
    const parsed = ssmix2.parseFileName(item.file.fileName);
    if (parsed.ok) templates.push({ name: parsed.value, text: readFileSync(item.file.path, 'latin1') });
  }
  let made = 0;
  for (let p = 0; made < files; p++) {
    const patientId = String(1000000000 + p * 7919);
    for (const t of templates) {
      if (made >= files) break;
      const name = { ...t.name, patientId };
      const path = ssmix2.standardizedPath(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(
        path,
        Buffer.from(t.text.replace(/^(PID\|[^|]*\|[^|]*\|)[^|^]*/m, `$1${patientId}`), 'latin1'),
      );
      made++;
    }
  }
  return made;
}

/**
 * Runs in the child: an untimed pass that only lists and reads (so a storage generated a moment
 * ago is not measured while the kernel is still writing it back), then one full checking scan,
 * timed, with RSS sampled throughout.
 */
async function measure(root, workers) {
  const { scanStorage } = await import('@hie/ssmix2');
  const warmStarted = process.hrtime.bigint();
  for await (const _ of scanStorage(root, { read: true })) {
    // list and read only
  }
  const warmSeconds = Number(process.hrtime.bigint() - warmStarted) / 1e9;
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const counts = { files: 0, ok: 0, warning: 0, error: 0, bytes: 0 };
  const started = process.hrtime.bigint();
  for await (const item of scanStorage(root, { check: true, workers })) {
    if (item.kind !== 'file') continue;
    counts.files++;
    counts.bytes += item.size;
    counts[item.check.status]++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss, vmHwm());
  console.log(
    JSON.stringify({
      files: counts.files,
      ok: counts.ok,
      warning: counts.warning,
      error: counts.error,
      mb: counts.bytes / 1e6,
      seconds,
      files_per_s: counts.files / seconds,
      warm_up_s: warmSeconds,
      peak_rss_mb: peak / 1024 / 1024,
    }),
  );
}

/** The kernel's record of the peak resident set (Linux), in bytes; 0 elsewhere. */
function vmHwm() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
