#!/usr/bin/env node
// bench/cabinet: the Care Cabinet (issue 14) in the hub, on SQLite, against the built packages. A fresh
// store (.bench-data/cabinet/hub.db), createHubApp with the cabinet's routes listening on 127.0.0.1;
// bench users are identified by a header (the figure is the cabinet's path, not login). Phases:
//
// 1. timeline_p95_ms — one cabinet with --posts posts (10,000; --quick 2,000) over a year, by a team of
//    12 members of four professions (SOAP notes with vital signs from the templates, free posts, 1 in 10 a
//    reply), each post read by 3–8 members; written straight into the store. Then --reads requests (300,
//    --quick 100) of the 4-column view's first page (GET /api/v1/cabinets/:id/posts?limit=50: the rule,
//    the page, authors' facilities, mentions, replies, read receipts, attachments, marking read, the
//    audit event), 4 in flight, from a worker thread over keep-alive HTTP, as random members.
// 2. post_p95_ms — 100 writers (members of a second cabinet) posting at once, closed loop, --per-writer
//    posts each (10; --quick 3): SOAP with six vital signs from the nursing template (validation, one
//    transaction with versions, vitals, the author's receipt, the audit event, the live-event publish).
// 3. video_upload_mb_per_s, peak_rss_mb — a --video-mb (200; --quick 50) MB MP4 sent to the resumable
//    upload in 8 MB chunks (POST …/files then PATCH with Upload-Offset); MB ÷ seconds until the last
//    chunk's answer; VmHWM reset before, read after: flat when the upload is streamed to disk. Skipped
//    (null) when the hub has no file routes.
//
//   npm run bench -- cabinet [--quick] [--posts N] [--reads R] [--per-writer P] [--video-mb M]
//
// Targets (issue 14): timeline_p95_ms ≤ 200, post_p95_ms ≤ 150, peak_rss_mb ≤ 400. Last stdout line: JSON.
import { mkdirSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { mulberry32, processMemoryMb, resetPeakRss, round1 } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const load = (pkg, file = 'index.js') =>
  import(pathToFileURL(join(repo, 'packages', pkg, 'dist', file)).href);
const TARGETS = { timeline_p95_ms: { max: 200 }, post_p95_ms: { max: 150 }, peak_rss_mb: { max: 400 } };
const GROUP = 'bench-group';
const FACILITIES = [
  '1.2.392.200284.33.3310000001',
  '1.2.392.200284.33.3360000002',
  '1.2.392.200284.33.3370000003',
  '1.2.392.200284.33.3340000004',
];
const PROFESSIONS = ['doctor', 'nurse', 'care-manager', 'pharmacist'];

const principal = (u) => ({
  userId: `user-${u}`,
  loginId: `user-${u}`,
  name: `職員${u}`,
  profession: PROFESSIONS[u % 4],
  facilityOid: FACILITIES[u % 4],
  facilityRole: 'member',
  office: false,
  sessionId: `bench-${u}`,
});
const header = (p) => Buffer.from(JSON.stringify(p), 'utf8').toString('base64url');
const percentile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? round1(s[Math.min(s.length - 1, Math.floor(q * s.length))]) : null;
};

async function seed(db, { posts, writers }) {
  const at = new Date().toISOString();
  await db
    .insertInto('hub_facility')
    .values(
      FACILITIES.map((oid, i) => ({
        oid,
        code: oid.split('.').at(-1),
        name: `施設${i}`,
        name_kana: null,
        type: 'clinic',
        prefecture: '33',
        discloses: 0,
        views: 1,
        gateway_url: null,
        address: null,
        phone: null,
        feed_token_hash: null,
        status: 'active',
        created_at: at,
        updated_at: at,
      })),
    )
    .execute();
  const users = Math.max(12, writers + 1);
  for (let u = 0; u < users; u += 50) {
    const batch = Array.from({ length: Math.min(50, users - u) }, (_, i) => principal(u + i));
    await db
      .insertInto('hub_user')
      .values(
        batch.map((p) => ({
          id: p.userId,
          login_id: p.loginId,
          name: p.name,
          name_kana: null,
          profession: p.profession,
          email: null,
          status: 'active',
          created_at: at,
          updated_at: at,
        })),
      )
      .execute();
    await db
      .insertInto('hub_membership')
      .values(
        batch.map((p) => ({
          user_id: p.userId,
          facility_oid: p.facilityOid,
          role: 'member',
          created_at: at,
        })),
      )
      .execute();
  }
  await db
    .insertInto('hub_cabinet_group')
    .values({
      id: GROUP,
      name: 'ベンチ',
      area: null,
      columns_json: null,
      status: 'active',
      created_at: at,
      updated_at: at,
    })
    .execute();
  await db
    .insertInto('hub_cabinet_group_facility')
    .values(FACILITIES.map((oid) => ({ group_id: GROUP, facility_oid: oid })))
    .execute();
  const cabinet = (id, members) => ({
    row: {
      id,
      group_id: GROUP,
      owner_user_id: 'user-0',
      owner_facility_oid: FACILITIES[0],
      patient_name: '負荷 花子',
      patient_kana: 'フカ ハナコ',
      birth_date: '1940-01-01',
      sex: 'female',
      address: null,
      person_id: null,
      status: 'open',
      opened_at: '2025-01-01T00:00:00.000Z',
      closed_at: null,
      closed_by: null,
      close_reason: null,
      retention_until: null,
      last_post_at: null,
    },
    members: members.map((u) => ({
      cabinet_id: id,
      user_id: `user-${u}`,
      facility_oid: FACILITIES[u % 4],
      role: u === 0 ? 'owner' : 'member',
      status: 'active',
      invited_by: 'user-0',
      invited_at: '2025-01-01T00:00:00.000Z',
      joined_at: '2025-01-01T00:00:00.000Z',
      ended_at: null,
      ended_by: null,
    })),
    consent: {
      id: `${id}-consent`,
      cabinet_id: id,
      start_date: '2025-01-01',
      end_date: null,
      status: 'active',
      registered_by: 'user-0',
      registered_at: at,
      withdrawn_by: null,
      withdrawn_at: null,
      withdraw_reason: null,
      note: null,
      form_type: null,
      form_sha256: null,
      form_name: null,
      form_size: null,
      form_base64: null,
    },
  });
  for (const c of [
    cabinet(
      'timeline',
      Array.from({ length: 12 }, (_, u) => u),
    ),
    cabinet(
      'writers',
      Array.from({ length: users }, (_, u) => u),
    ),
  ]) {
    await db.insertInto('hub_cabinet').values(c.row).execute();
    for (let i = 0; i < c.members.length; i += 100)
      await db
        .insertInto('hub_cabinet_member')
        .values(c.members.slice(i, i + 100))
        .execute();
    await db.insertInto('hub_cabinet_consent').values(c.consent).execute();
    await db
      .insertInto('hub_cabinet_consent_facility')
      .values(FACILITIES.map((oid) => ({ consent_id: c.consent.id, facility_oid: oid })))
      .execute();
  }
  // The timeline cabinet's year of posts.
  const random = mulberry32(14);
  const start = Date.parse('2025-06-01T00:00:00Z');
  const step = (365 * 86_400_000) / posts;
  const ids = [];
  for (let i = 0; i < posts; i += 500) {
    const rows = [];
    const reads = [];
    const vitals = [];
    for (let j = i; j < Math.min(posts, i + 500); j++) {
      const u = Math.floor(random() * 12);
      const id = `post-${String(j).padStart(6, '0')}`;
      const created = new Date(start + j * step).toISOString();
      const soap = u % 4 !== 2;
      const inputs = soap
        ? [
            {
              fieldId: 'temperature',
              label: { ja: '体温', en: 'Temperature' },
              type: 'number',
              value: (36 + random()).toFixed(1),
              display: '',
              vital: 'temperature',
              unit: 'Cel',
            },
            {
              fieldId: 'spo2',
              label: { ja: 'SpO2', en: 'SpO2' },
              type: 'number',
              value: String(94 + Math.floor(random() * 5)),
              display: '',
              vital: 'spo2',
              unit: '%',
            },
          ]
        : [];
      const body = soap
        ? {
            soap: {
              s: '特に変わりないとのこと。夜間よく眠れた。',
              o: '表情穏やか。下肢浮腫なし。仙骨部発赤なし。',
              a: '全身状態は安定している。',
              p: '次回訪問時にバイタル確認を継続。',
            },
            text: null,
            inputs,
          }
        : {
            soap: null,
            text: '今月のケアプランを更新しました。デイサービスを週2回に増やしています。',
            inputs,
          };
      rows.push({
        id,
        cabinet_id: 'timeline',
        reply_to: j > 0 && random() < 0.1 ? ids[Math.floor(random() * ids.length)] : null,
        author_user_id: `user-${u}`,
        author_name: `職員${u}`,
        author_profession: PROFESSIONS[u % 4],
        author_facility_oid: FACILITIES[u % 4],
        kind: soap ? 'soap' : 'free',
        template_id: soap ? 'visiting-nursing' : null,
        urgent: random() < 0.02 ? 1 : 0,
        version: 1,
        body_json: JSON.stringify(body),
        created_at: created,
        updated_at: created,
      });
      ids.push(id);
      const readers = new Set(
        Array.from({ length: 3 + Math.floor(random() * 6) }, () => Math.floor(random() * 12)),
      );
      for (const r of readers)
        reads.push({ post_id: id, user_id: `user-${r}`, version: 1, read_at: created });
      for (const v of inputs)
        vitals.push({
          post_id: id,
          cabinet_id: 'timeline',
          code: v.vital,
          value: v.value,
          unit: v.unit,
          observed_at: created,
        });
    }
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('hub_cabinet_post').values(rows).execute();
      await tx
        .insertInto('hub_cabinet_read')
        .values(reads)
        .onConflict((oc) => oc.doNothing())
        .execute();
      if (vitals.length) await tx.insertInto('hub_cabinet_vital').values(vitals).execute();
    });
  }
  return users;
}

async function main() {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
  };
  const quick = args.includes('--quick');
  const posts = option('--posts', quick ? 2000 : 10_000);
  const reads = option('--reads', quick ? 100 : 300);
  const writers = 100;
  const perWriter = option('--per-writer', quick ? 3 : 10);
  const videoMb = option('--video-mb', quick ? 50 : 200);

  const { openStore, generateSigningKey } = await load('platform');
  const hub = await load('hub');
  const dataDir = join(repo, '.bench-data', 'cabinet');
  mkdirSync(dataDir, { recursive: true });
  const dbFile = join(dataDir, 'hub.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(dbFile + suffix, { force: true });
  const filesDir = join(dataDir, 'files');
  rmSync(filesDir, { recursive: true, force: true });
  mkdirSync(filesDir, { recursive: true });
  const store = await openStore(`sqlite:${dbFile}`);
  await hub.migrateHubStore(store);
  const t0 = performance.now();
  const users = await seed(store.db, { posts, writers });
  const seedSeconds = round1((performance.now() - t0) / 1000);
  const deps = {
    store,
    settings: { ...hub.DEFAULT_HUB_SETTINGS, secureCookies: false, cabinetFilesDir: filesDir },
    signingKey: await generateSigningKey(),
    now: () => new Date(),
    fetch,
  };
  const identify = (app) => {
    app.addHook('onRequest', async (req) => {
      const value = req.headers['x-bench-principal'];
      if (typeof value === 'string')
        req.principal = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    });
  };
  const app = await hub.createHubApp(deps, { routes: [hub.cabinetRoutes], identify });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address();
  const headers = Array.from({ length: users }, (_, u) => header(principal(u)));

  console.error(`seeded ${posts} posts in ${seedSeconds} s; reading the timeline…`);
  const timeline = await runWorker({
    mode: 'timeline',
    port,
    headers: headers.slice(0, 12),
    reads,
    concurrency: 4,
  });
  console.error(
    `timeline: ${timeline.latencies.length} answers, ${timeline.errors} errors; ${writers} writers…`,
  );
  const writing = await runWorker({ mode: 'posts', port, headers: headers.slice(1, writers + 1), perWriter });

  console.error(`posts: ${writing.latencies.length} written, ${writing.errors} errors`);
  let video = { mbPerS: null, peakRss: null, note: 'no file routes in this hub' };
  const probe = await fetch(`http://127.0.0.1:${port}/api/v1/cabinets/writers/files`, {
    method: 'POST',
    headers: { 'x-bench-principal': headers[0], 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'probe.mp4', size: 1, type: 'video/mp4' }),
  });
  if (probe.status !== 404) video = await uploadVideo(port, headers[0], videoMb);

  const peak = processMemoryMb(process.pid);
  await app.close();
  await store.close();
  const result = {
    bench: 'cabinet',
    engine: 'sqlite',
    timeline_p95_ms: percentile(timeline.latencies, 0.95),
    post_p95_ms: percentile(writing.latencies, 0.95),
    video_upload_mb_per_s: video.mbPerS,
    peak_rss_mb: video.peakRss,
    timeline_p50_ms: percentile(timeline.latencies, 0.5),
    post_p50_ms: percentile(writing.latencies, 0.5),
    posts_per_s: round1(writing.latencies.length / writing.seconds),
    posts_in_timeline: posts,
    writers,
    per_writer: perWriter,
    video_mb: videoMb,
    video_note: video.note ?? null,
    process_peak_rss_mb: peak ? round1(peak.hwm) : null,
    seed_seconds: seedSeconds,
    errors: timeline.errors + writing.errors,
    targets: TARGETS,
  };
  result.meets = Object.fromEntries(
    Object.entries(TARGETS).map(([k, t]) => [k, result[k] === null ? null : result[k] <= t.max]),
  );
  console.log(JSON.stringify(result));
}

async function uploadVideo(port, who, mb) {
  // An MP4 header (ftyp) then filler: the upload path checks the type by content, not by name.
  const size = mb * 1024 * 1024;
  const chunk = Buffer.alloc(8 * 1024 * 1024, 0);
  Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex').copy(chunk, 0);
  resetPeakRss(process.pid);
  const started = performance.now();
  const created = await fetch(`http://127.0.0.1:${port}/api/v1/cabinets/writers/files`, {
    method: 'POST',
    headers: { 'x-bench-principal': who, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'gait.mp4', size, type: 'video/mp4' }),
  });
  if (!created.ok)
    return { mbPerS: null, peakRss: null, note: `create refused: ${created.status} ${await created.text()}` };
  const { id } = await created.json();
  for (let offset = 0; offset < size; offset += chunk.length) {
    const body = offset === 0 ? chunk : Buffer.alloc(Math.min(chunk.length, size - offset), 0);
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/cabinets/writers/files/${id}`, {
      method: 'PATCH',
      headers: {
        'x-bench-principal': who,
        'content-type': 'application/offset+octet-stream',
        'upload-offset': String(offset),
      },
      body: body.subarray(0, Math.min(chunk.length, size - offset)),
    });
    if (!res.ok)
      return {
        mbPerS: null,
        peakRss: null,
        note: `chunk at ${offset} refused: ${res.status} ${await res.text()}`,
      };
    await res.arrayBuffer();
  }
  const seconds = (performance.now() - started) / 1000;
  const peak = processMemoryMb(process.pid);
  return {
    mbPerS: round1(mb / seconds),
    peakRss: peak ? round1(peak.hwm) : null,
    note: 'filler after an ftyp box: ffmpeg fails on it afterwards (not measured here)',
  };
}

const runWorker = (data) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: data });
    worker.once('message', resolve);
    worker.once('error', reject);
  });

function call(agent, port, method, path, who, body) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { 'x-bench-principal': who, ...(body ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ ok: res.statusCode < 300, ms: performance.now() - started }));
      },
    );
    req.on('error', () => resolve({ ok: false, ms: performance.now() - started }));
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

async function timelineLoad({ port, headers, reads, concurrency }) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const random = mulberry32(7);
  const latencies = [];
  let errors = 0;
  let left = reads;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) {
        const who = headers[Math.floor(random() * headers.length)];
        const r = await call(agent, port, 'GET', '/api/v1/cabinets/timeline/posts?limit=50', who);
        if (r.ok) latencies.push(r.ms);
        else errors++;
      }
    }),
  );
  return { latencies, errors, seconds: (performance.now() - started) / 1000 };
}

async function postLoad({ port, headers, perWriter }) {
  const agent = new Agent({ keepAlive: true, maxSockets: headers.length });
  const latencies = [];
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    headers.map(async (who, w) => {
      for (let i = 0; i < perWriter; i++) {
        const r = await call(agent, port, 'POST', '/api/v1/cabinets/writers/posts', who, {
          kind: 'soap',
          templateId: 'visiting-nursing',
          soap: {
            s: '夜間よく眠れたとのこと。',
            o: `訪問${i}回目。表情穏やか。`,
            a: '全身状態は安定している。',
            p: '次回訪問時にバイタル確認を継続。',
          },
          inputs: {
            temperature: '36.4',
            'bp-systolic': String(120 + (w % 20)),
            'bp-diastolic': '78',
            pulse: '72',
            spo2: '97',
            'respiratory-rate': '16',
          },
          urgent: false,
        });
        if (r.ok) latencies.push(r.ms);
        else errors++;
      }
    }),
  );
  return { latencies, errors, seconds: (performance.now() - started) / 1000 };
}

if (isMainThread) await main();
else if (workerData.mode === 'timeline') parentPort.postMessage(await timelineLoad(workerData));
else parentPort.postMessage(await postLoad(workerData));
