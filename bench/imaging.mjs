#!/usr/bin/env node
// bench/imaging: images through the hub and a gateway (issue 12). The demo network (npm start's hub
// serving the built web app, its users, policy and consents; --patients per hospital, default 30,
// cached under .bench-data/imaging/) with one change: the first hospital's gateway runs as its own
// process (`hie gateway --config …`, the built CLI of packages/cli), its DICOM folders holding, besides
// the demo's images, a contrast CT of --slices 512×512 slices (syntheticCt: 200, --quick 100; cached)
// of a patient consented everywhere. Clinic doctors log in (ID, password, one-time code). Measured:
//
// - frames_per_s: every frame of the CT series retrieved through the hub's per-patient proxy (WADO-RS
//   `…/instances/<sop>/frames/1`, multipart, with the session's cookie), --concurrency at a time
//   (default 4, as a browser's viewer would; the hub allows 6 per user), from a worker thread: frames
//   per second over the whole series, the gateway's first retrieval of it since it started.
// - peak_rss_mb: the gateway process's peak resident memory during that retrieval, the larger of
//   VmRSS sampled every 20 ms (in the worker, whose event loop is idle; the hub runs in the main
//   thread) and VmHWM read at the end after a reset (`clear_refs` 5) just before, which also catches a
//   peak between two samples. Flat, near rss_baseline_mb (its RSS just before), means no study is
//   buffered whole.
// - first_image_ms (Chromium through playwright-core; each run a fresh context, another doctor; median
//   of --runs, default 5, --quick 3): on the patient's 画像 tab, from the click on the CT's
//   `[data-testid="study-view-images"]` to the first `hie-rendered` event of a viewport, both times
//   taken in the page (performance.now()).
// - stack_fps: once the CT's viewport says data-loaded="true", from its first slice, 99 × (keydown
//   ArrowDown on the viewport, then its next hie-rendered): 99 ÷ the seconds taken (median of the runs).
// - peak_rss_mb_viewer (besides): the gateway's peak RSS over all the browser runs, taken the same way.
//
// Where the viewer does not answer to that contract (no study-view-images button, no hie-rendered),
// the browser figures are null and `viewer_note` says why; the server figures stand.
//
//   npm run bench -- imaging [--quick] [--slices N] [--runs R] [--patients P] [--concurrency C]
//
// Targets (issue 12): first_image_ms ≤ 1000, stack_fps ≥ 20, peak_rss_mb ≤ 400 (flat). The last
// stdout line is one JSON object: {"bench":"imaging","first_image_ms":…,"stack_fps":…,
// "frames_per_s":…,"peak_rss_mb":…,…,"targets":{…},"meets":{…}}.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { benchDoctors, freePort, median, processMemoryMb, resetPeakRss, round1 } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FRAMES = 'multipart/related; type="application/octet-stream"';
const TARGETS = { first_image_ms: { max: 1000 }, stack_fps: { min: 20 }, peak_rss_mb: { max: 400 } };
const STACK_STEPS = 99;

async function main() {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
  };
  const quick = args.includes('--quick');
  const slices = option('--slices', quick ? 100 : 200);
  const runs = option('--runs', quick ? 3 : 5);
  const patients = option('--patients', 30);
  const concurrency = option('--concurrency', 4);

  const server = { ...(await import('@hie/hub')), ...(await import('@hie/demo')) };
  const dataDir = join(repo, '.bench-data/imaging');
  const demoDir = join(dataDir, `demo-p${patients}`);
  mkdirSync(demoDir, { recursive: true });
  const webRoot = join(repo, 'packages/web/dist');
  const t0 = Date.now();
  const network = await server.startDemoNetwork({
    dir: demoDir,
    patients,
    hubPort: 0,
    webRoot,
    onProgress: (line) => console.error(`[demo] ${line}`),
  });
  console.error(`Demo network up in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${network.hubUrl}`);
  let gateway;
  try {
    const subject = await imagingPatient(network);
    const ct = await ctStudy(dataDir, subject, slices);
    console.error(
      `Patient ${subject.personId} (${subject.localId} at ${subject.hospital.facility.name}): CT ${ct.uid}, ${slices} slices (${ct.built})`,
    );
    // The hospital's gateway as its own process, over the same store and folders plus the CT.
    await subject.hospital.gateway.stop();
    gateway = await startGatewayProcess(network, demoDir, subject.hospital, ct.dir);
    await network.seed.setGatewayUrl(subject.hospital.facility, gateway.url);
    console.error(`Gateway process ${gateway.child.pid} on ${gateway.url}`);

    const doctors = await benchDoctors(server, network, runs + 1, {
      loginPrefix: 'bench.imaging.doctor',
      name: 'ベンチ 画像医師',
      kana: 'ベンチ ガゾウイシ',
    });
    const cookie = await logIn(network.hubUrl, doctors[0], server);
    const base = `${network.hubUrl}/api/v1/patients/${encodeURIComponent(subject.personId)}/dicomweb/${subject.hospital.oid}`;
    const frames = await frameUrls(base, cookie, ct.uid, slices);

    const retrieval = await measureRetrieval(gateway.child.pid, frames, cookie, concurrency);

    const viewer = await measureViewer({
      server,
      network,
      subject,
      ct,
      doctors: doctors.slice(1),
      runs,
      gatewayPid: gateway.child.pid,
    });
    const firstImageMs = viewer.firstImageMs.length ? median(viewer.firstImageMs) : null;
    const stackFps = viewer.fps.length ? median(viewer.fps) : null;
    if (viewer.note) console.error(`Viewer: ${viewer.note}`);
    console.error(
      `Click → first CT slice drawn: ${firstImageMs === null ? 'n/a' : `median ${firstImageMs.toFixed(0)} ms`} (target ≤ 1000); ` +
        `stack: ${stackFps === null ? 'n/a' : `median ${stackFps.toFixed(1)} fps`} (target ≥ 20)`,
    );
    const figures = {
      first_image_ms: firstImageMs === null ? null : Math.round(firstImageMs),
      stack_fps: stackFps === null ? null : round1(stackFps),
      frames_per_s: Math.round(retrieval.framesPerS),
      peak_rss_mb: Math.round(retrieval.peakRssMb),
    };
    console.log(
      JSON.stringify({
        bench: 'imaging',
        ...figures,
        rss_baseline_mb: retrieval.baselineMb === null ? null : Math.round(retrieval.baselineMb),
        retrieval_mb_per_s: Math.round(retrieval.mbPerS),
        frames: frames.length,
        size: 512,
        concurrency,
        retried_429: retrieval.retries,
        first_image_runs_ms: viewer.firstImageMs.map((x) => Math.round(x)),
        stack_fps_runs: viewer.fps.map(round1),
        peak_rss_mb_viewer: viewer.peakRssMb === null ? null : Math.round(viewer.peakRssMb),
        viewer_note: viewer.note,
        quick,
        targets: TARGETS,
        meets: Object.fromEntries(
          Object.entries(TARGETS).map(([k, t]) => [
            k,
            figures[k] === null ? null : t.max !== undefined ? figures[k] <= t.max : figures[k] >= t.min,
          ]),
        ),
      }),
    );
  } finally {
    await gateway?.stop();
    await network.stop();
  }
}

/** The demo's patient consented everywhere, at the first hospital holding a record of them. */
async function imagingPatient(network) {
  const db = network.hub.store.db;
  const personId = network.showcase.consentedEverywhere?.personId;
  if (!personId) throw new Error('the demo network has no patient consented everywhere');
  const records = await db.selectFrom('mpi_record').selectAll().where('person_id', '=', personId).execute();
  for (const hospital of network.gateways) {
    const record = records.find((r) => r.facility_oid === hospital.oid);
    if (record) return { personId, localId: record.local_id, record, hospital };
  }
  throw new Error(`${personId} has no record at a demo hospital`);
}

/** The CT's DICOM files for the patient, built once into .bench-data/imaging/ct-…/. */
async function ctStudy(dataDir, subject, slices) {
  const { deterministicUid, syntheticCt } = await import('@hie/dicom');
  const code = subject.hospital.facility.code;
  const dir = join(dataDir, `ct-${code}-${subject.localId}-s${slices}`);
  const uid = deterministicUid('bench-imaging', subject.hospital.oid, subject.localId, slices);
  if (existsSync(dir) && readdirSync(dir).length === slices) return { dir, uid, built: 'cache' };
  const started = Date.now();
  const building = `${dir}.building`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  const r = subject.record;
  const pn = (name) => (name ?? '').trim().replace(/\s+/, '^');
  const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
  const files = syntheticCt(
    {
      patientId: subject.localId,
      patientName: `=${pn(r.name_kanji)}=${pn(r.name_kana)}`,
      patientBirthDate: (r.birth_date ?? '').replaceAll('-', ''),
      patientSex: /^m/i.test(r.sex ?? '') ? 'M' : /^f/i.test(r.sex ?? '') ? 'F' : 'O',
      studyInstanceUid: uid,
      accessionNumber: `BENCH${slices}`,
      studyDate: today,
      studyTime: '093000',
      studyDescription: '胸腹部 造影CT',
      institutionName: subject.hospital.facility.name,
    },
    20261206,
    { slices, size: 512 },
  );
  for (const [i, bytes] of files.entries())
    writeFileSync(join(building, `${String(i + 1).padStart(4, '0')}.dcm`), bytes);
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  return { dir, uid, built: `built in ${((Date.now() - started) / 1000).toFixed(1)} s` };
}

/** `hie gateway --config …` for the demo hospital, its DICOM folders plus `extraDicom`; up when /health answers. */
async function startGatewayProcess(network, demoDir, hospital, extraDicom) {
  const { CATEGORIES } = await import('@hie/contract');
  const code = hospital.facility.code;
  const port = await freePort();
  const configFile = join(demoDir, `bench-gateway-${code}.json`);
  const config = {
    facility: { institutionCode: code, name: hospital.facility.name },
    storage: {
      roots: [join(demoDir, code, 'standard')],
      extended: [join(demoDir, code, 'extended')],
      dicom: [join(demoDir, code, 'dicom'), extraDicom],
    },
    dataDir: join(demoDir, code, 'gateway'),
    host: '127.0.0.1',
    port,
    mllp: { enabled: false },
    hub: {
      keys: join(demoDir, 'keys', 'hub-signing.pub.pem'),
      issuer: network.hub.deps.settings.issuer,
      url: network.hubUrl,
      feedToken: network.seed.feedTokens.get(hospital.facility.key),
      feedPollMs: 2000,
    },
    disclosure: { categories: Object.keys(CATEGORIES) },
    logLevel: 'warn',
  };
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  const child = spawn(
    process.execPath,
    [join(repo, 'packages/cli/bin/hie.js'), 'gateway', '--config', configFile],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // The child's output goes to stderr: the last stdout line is this bench's JSON.
  child.stdout.on('data', (d) => process.stderr.write(`[gateway] ${d}`));
  child.stderr.on('data', (d) => process.stderr.write(`[gateway] ${d}`));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the gateway process exited (${child.exitCode})`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error('the gateway process did not answer /health within 60 s');
    await sleep(100);
  }
  return {
    child,
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** The hub's two login steps over HTTP; the session cookie. */
async function logIn(hubUrl, doctor, server) {
  const post = async (path, body) => {
    const response = await fetch(`${hubUrl}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response;
  };
  const { pending } = await (
    await post('/auth/login', { loginId: doctor.loginId, password: server.DEMO_PASSWORD })
  ).json();
  const opened = await post('/auth/totp', { pending, code: server.totpNow(doctor.secret) });
  const cookie = opened.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('hie_session='));
  if (!cookie) throw new Error('the hub set no hie_session cookie');
  return cookie;
}

/** Waits until the hub lists the CT with all its instances (the gateway indexes it on start); its frame URLs. */
async function frameUrls(base, cookie, uid, slices) {
  const get = async (path) => {
    const response = await fetch(`${base}/${path}`, {
      headers: { cookie, accept: 'application/dicom+json' },
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    const [study] = await get(`studies?StudyInstanceUID=${uid}`);
    if (Number(study?.['00201208']?.Value?.[0]) === slices) break;
    if (Date.now() > deadline)
      throw new Error(`the hub does not list the CT's ${slices} instances after 120 s`);
    await sleep(250);
  }
  const [series] = await get(`studies/${uid}/series`);
  const seriesUid = series['0020000E'].Value[0];
  const instances = await get(`studies/${uid}/series/${seriesUid}/instances`);
  return instances
    .sort((a, b) => a['00200013'].Value[0] - b['00200013'].Value[0])
    .map((i) => `${base}/studies/${uid}/series/${seriesUid}/instances/${i['00080018'].Value[0]}/frames/1`);
}

/** frames_per_s and peak_rss_mb: the frames fetched from a worker thread, the gateway's memory watched. */
async function measureRetrieval(pid, urls, cookie, concurrency) {
  const baseline = processMemoryMb(pid);
  const hwmReset = resetPeakRss(pid);
  const r = await runWorker({ urls, cookie, concurrency, pid });
  const after = processMemoryMb(pid);
  const peakRssMb = Math.max(r.peakRssMb, hwmReset ? (after?.hwm ?? 0) : 0);
  const framesPerS = urls.length / (r.ms / 1000);
  const mbPerS = r.bytes / 1e6 / (r.ms / 1000);
  console.error(
    `WADO-RS through the hub: ${urls.length} frames in ${(r.ms / 1000).toFixed(2)} s = ` +
      `${framesPerS.toFixed(0)} frames/s, ${mbPerS.toFixed(0)} MB/s, ${concurrency} at a time, ` +
      `statuses ${JSON.stringify(r.statuses)}, 429 retried ${r.retries}×`,
  );
  console.error(
    `Gateway RSS: ${baseline?.rss.toFixed(0)} MB before, peak ${peakRssMb.toFixed(0)} MB during ` +
      `(sampled ${r.peakRssMb.toFixed(0)}, VmHWM ${hwmReset ? after?.hwm.toFixed(0) : 'not reset'}) (target ≤ 400)`,
  );
  if (r.statuses['200'] !== urls.length || r.short > 0)
    throw new Error(`the retrieval failed: ${JSON.stringify(r)}`);
  return { framesPerS, mbPerS, peakRssMb, baselineMb: baseline?.rss ?? null, retries: r.retries };
}

const runWorker = (data) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: data });
    worker.once('message', resolve);
    worker.once('error', reject);
  });

/** Worker thread: GET every URL, `concurrency` at a time, sampling the gateway's RSS every 20 ms. */
async function retrieve({ urls, cookie, concurrency, pid }) {
  let peakRssMb = 0;
  const sample = () => {
    const m = processMemoryMb(pid);
    if (m) peakRssMb = Math.max(peakRssMb, m.rss);
  };
  const sampler = setInterval(sample, 20);
  const statuses = {};
  let next = 0;
  let bytes = 0;
  let retries = 0;
  let short = 0;
  const one = async (url) => {
    for (;;) {
      const response = await fetch(url, { headers: { cookie, accept: FRAMES } });
      let n = 0;
      for await (const chunk of response.body ?? []) n += chunk.length;
      // The hub's per-user budget (6 in flight) may still count a request that just ended.
      if (response.status === 429 && retries < 10_000) {
        retries++;
        await sleep(2);
        continue;
      }
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      if (n < 512 * 512 * 2) short++;
      bytes += n;
      return;
    }
  };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < urls.length) await one(urls[next++]);
    }),
  );
  const ms = performance.now() - started;
  clearInterval(sampler);
  sample();
  parentPort.postMessage({ ms, bytes, statuses, retries, short, peakRssMb });
}

/** first_image_ms and stack_fps in Chromium, one fresh context (and doctor) per run; null figures with a note when the viewer does not answer. */
async function measureViewer({ server, network, subject, ct, doctors, runs, gatewayPid }) {
  const result = { firstImageMs: [], fps: [], note: null, peakRssMb: null };
  if (!existsSync(CHROMIUM)) {
    result.note = `no Chromium at ${CHROMIUM} (apt-get install chromium, or CHROMIUM_PATH)`;
    return result;
  }
  if (!existsSync(join(repo, 'packages/web/dist/index.html'))) {
    result.note = 'packages/web/dist is not built (npm run build)';
    return result;
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--lang=ja-JP'],
  });
  // The gateway's memory while the viewer loads whole stacks too (peak_rss_mb_viewer).
  const hwmReset = resetPeakRss(gatewayPid);
  let sampled = 0;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, processMemoryMb(gatewayPid)?.rss ?? 0);
  }, 20);
  try {
    for (const doctor of doctors.slice(0, runs)) {
      const context = await browser.newContext({
        baseURL: network.hubUrl,
        viewport: { width: 1280, height: 800 },
        locale: 'ja-JP',
        timezoneId: 'Asia/Tokyo',
      });
      try {
        const run = await viewerRun(context, server, doctor, subject, ct);
        if (run.note) {
          result.note = run.note;
          break;
        }
        result.firstImageMs.push(run.firstImageMs);
        if (run.fps !== null) result.fps.push(run.fps);
        console.error(
          `  run ${result.firstImageMs.length}: first image ${run.firstImageMs.toFixed(0)} ms, ` +
            `stack ${run.fps === null ? `n/a (${run.fpsNote})` : `${run.fps.toFixed(1)} fps over ${run.steps} slices`}`,
        );
        if (run.fpsNote) result.note = run.fpsNote;
      } finally {
        await context.close();
      }
    }
  } finally {
    clearInterval(sampler);
    await browser.close();
  }
  result.peakRssMb = Math.max(sampled, hwmReset ? (processMemoryMb(gatewayPid)?.hwm ?? 0) : 0);
  return result;
}

/** One login to the patient's 画像 tab, the click on the CT, the first image, then the stack scrolled. */
async function viewerRun(context, server, doctor, subject, ct) {
  // Before any script of the app: the click on the CT's button and the first hie-rendered after it.
  await context.addInitScript(() => {
    const marks = { click: null, firstRendered: null, study: null };
    window.__hieBench = marks;
    document.addEventListener(
      'click',
      (e) => {
        if (e.target instanceof Element && e.target.closest('[data-testid="study-view-images"]'))
          marks.click = performance.now();
      },
      true,
    );
    document.addEventListener(
      'hie-rendered',
      (e) => {
        if (marks.click === null || marks.firstRendered !== null) return;
        marks.firstRendered = performance.now();
        marks.study = e.target instanceof Element ? e.target.getAttribute('data-study') : null;
      },
      true,
    );
  });
  const page = await context.newPage();
  await page.goto(`/patients/${encodeURIComponent(subject.personId)}?tab=imaging&period=all`);
  await page.getByRole('textbox', { name: 'ログインID' }).fill(doctor.loginId);
  await page.getByRole('textbox', { name: 'パスワード' }).fill(server.DEMO_PASSWORD);
  await page.getByRole('button', { name: '次へ' }).click();
  await page.getByRole('textbox', { name: 'ワンタイムコード' }).fill(server.totpNow(doctor.secret));
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
  const button = page.locator(`[data-testid="study-view-images"][href*="${ct.uid}"]`).first();
  try {
    await button.waitFor({ timeout: 30_000 });
  } catch {
    return {
      note: `the 画像 tab showed no [data-testid="study-view-images"] for the CT within 30 s (viewer not built yet?)`,
    };
  }
  // The tab preloads the viewer's code once a study with images is listed: let that finish, as a
  // doctor reading the list would, before the click.
  await page.waitForLoadState('networkidle');
  await button.click();
  try {
    await page.waitForFunction(() => window.__hieBench.firstRendered !== null, null, { timeout: 30_000 });
  } catch {
    return { note: 'the viewer opened but no viewport dispatched hie-rendered within 30 s' };
  }
  const marks = await page.evaluate(() => window.__hieBench);
  const firstImageMs = marks.firstRendered - marks.click;
  if (marks.study !== ct.uid) console.error(`  (the first image drawn was of study ${marks.study})`);

  const loaded = page.locator(`[data-testid="viewport"][data-study="${ct.uid}"][data-loaded="true"]`).first();
  try {
    await loaded.waitFor({ timeout: 120_000 });
  } catch {
    return { firstImageMs, fps: null, fpsNote: 'the CT viewport never said data-loaded="true" (120 s)' };
  }
  const stack = await page.evaluate(scrollStack, { uid: ct.uid, steps: STACK_STEPS, stepTimeoutMs: 5000 });
  if (stack.error) return { firstImageMs, fps: null, fpsNote: stack.error };
  return { firstImageMs, fps: stack.fps, steps: stack.steps };
}

/** In the page: from the first slice, `steps` × (ArrowDown, then the viewport's next hie-rendered). */
async function scrollStack({ uid, steps, stepTimeoutMs }) {
  const viewport = document.querySelector(
    `[data-testid="viewport"][data-study="${uid}"][data-loaded="true"]`,
  );
  if (!viewport) return { error: 'no loaded viewport of the CT' };
  viewport.focus();
  const drawn = () =>
    new Promise((resolve) => {
      const on = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        viewport.removeEventListener('hie-rendered', on);
        resolve(false);
      }, stepTimeoutMs);
      viewport.addEventListener('hie-rendered', on, { once: true });
    });
  const press = (key) =>
    viewport.dispatchEvent(new KeyboardEvent('keydown', { key, code: key, bubbles: true, cancelable: true }));
  if (Number(viewport.dataset.index) !== 0) {
    const home = drawn();
    press('Home');
    if (!(await home)) return { error: 'Home drew nothing' };
  }
  const n = Math.min(steps, Number(viewport.dataset.count) - 1);
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const next = drawn();
    press('ArrowDown');
    if (!(await next))
      return { error: `slice ${i + 2} was not drawn within ${stepTimeoutMs} ms of ArrowDown` };
  }
  const seconds = (performance.now() - started) / 1000;
  if (Number(viewport.dataset.index) !== n)
    return { error: `ended on slice ${viewport.dataset.index}, not ${n}` };
  return { fps: n / seconds, steps: n };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Last, so every constant above is initialised before main runs.
if (isMainThread)
  await main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
else await retrieve(workerData);
