#!/usr/bin/env node
// bench/ihe: the hub's IHE endpoints over real HTTP, as facility systems call them (issue 15).
//   1. A patient index of --persons persons (2,000,000; --quick 50,000), each registered at 1–4 of 24
//      hospitals, and a directory of 521 facilities and 3,133 users, written by bulk SQL into a SQLite
//      store in a temp dir, as feeds would have left it (persons, records, name counts, history);
//      names from bench/mpi-names.mjs.
//   2. The hub itself (startHub: every route, audit anchoring, the PIX notifier) in a child process on
//      127.0.0.1; each system sends its facility's feed token over loopback plain HTTP (ihe/node.ts).
//   3. ITI-44 adds (PRPA_IN201301UV02) over SOAP, --concurrency in flight on keep-alive connections:
//      half new persons, half known persons registering at another hospital (matched and linked).
//   4. ITI-47 PDQ V3 (PRPA_IN201305UV02) by name + birth date, asked by a hospital that knows the
//      person; a tenth asked by hospitals that do not, which must learn nothing (deny by default).
//   5. ITI-58 HPD DSML searches: professional by surname, kana prefix, institution code, a facility's
//      staff, a facility's pharmacists.
// Queries run --query-concurrency in flight (default 1: look-ups are sparse, the figure is the answer
// time, not a queue). --profile writes the hub's V8 CPU profile. The last stdout line is one JSON
// object, the issue's targets beside the figures.
//
//   npm run bench -- ihe [--quick] [--persons N] [--feeds N] [--concurrency N] [--queries N]
//                        [--query-concurrency N] [--cache-mb N] [--profile] [--keep]
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGE_BANDS, cpuMsOf, fw, mulberry32, patientIdOf, round1 } from './lib.mjs';

const args = process.argv.slice(2);
const TARGETS = { pix_feeds_per_s: 1000, pdq_v3_p95_ms: 50, hpd_query_p95_ms: 50 };
const SEED = 20261207;
const OID_ROOT = '1.2.392.200284';
const HOLDERS = 24; // the hospitals holding the index's records (PIX sources)
const USERS = 3133;
const FACILITY_MIX = [
  ['hospital', 40, '病院'],
  ['clinic', 250, 'クリニック'],
  ['dental', 60, '歯科医院'],
  ['pharmacy', 100, '薬局'],
  ['visiting-nursing', 30, '訪問看護ステーション'],
  ['care-facility', 20, 'ケアホーム'],
  ['care-manager-office', 15, '居宅介護支援事業所'],
  ['administration', 5, '地域包括支援センター'],
  ['network-office', 1, '地域医療ネットワーク事務局'],
]; // 521
const PROFESSION_MIX = Object.entries({
  doctor: 30,
  nurse: 25,
  pharmacist: 12,
  clerk: 8,
  'care-manager': 7,
  therapist: 4,
  dentist: 4,
  'care-worker': 3,
  helper: 2,
  'social-worker': 2,
  'lab-technician': 1,
  'radiology-technician': 1,
  dietitian: 1,
});
// [from age, to age, weight]: the hospitals' patients are old.
const digits = (r, n) => String(Math.floor(r() * 10 ** n)).padStart(n, '0');
const sha256 = (s) => createHash('sha256').update(s, 'utf8').digest('hex');
const tokenOf = (oid) => `bench-ihe-${oid}`;

// ---- the population ----------------------------------------------------------------------------

/** Cumulative-weight picker (binary search) over a uniform random function. */
function picker(items, weight) {
  const cum = [];
  let total = 0;
  for (const it of items) {
    total += weight(it);
    cum.push(total);
  }
  return (r) => {
    const x = r() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return items[lo];
  };
}

async function population() {
  const { TOWNS, ymdFromDay, dayFromYmd } = await import('@hie/ssmix2');
  const { BENCH_SURNAMES, BENCH_GIVEN_NAMES, eraOfBirthYear } = await import('./mpi-names.mjs');
  const pickSurname = picker(BENCH_SURNAMES, (n) => n.weight);
  const pickGiven = {};
  for (const sex of ['M', 'F'])
    for (const era of Object.keys(BENCH_GIVEN_NAMES[sex]))
      pickGiven[`${sex}${era}`] = picker(BENCH_GIVEN_NAMES[sex][era], (n) => n.weight);
  const pickTown = picker(TOWNS, (t) => t.weight * (t.prefectureCode === '33' ? 1.3 : 1));
  const pickBand = picker(AGE_BANDS, (b) => b[2]);
  const reference = dayFromYmd('20261031');
  /** The i-th person, the same on every call: name, birth, sex, home, phone, hospitals, local id. */
  const personOf = (i) => {
    const r = mulberry32((SEED ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
    r();
    const sex = r() < 0.48 ? 'M' : 'F';
    const [from, to] = pickBand(r);
    const birth = ymdFromDay(reference - Math.floor((from + r() * (to - from + 1)) * 365.25));
    const family = pickSurname(r);
    const given = pickGiven[`${sex}${eraOfBirthYear(Number(birth.slice(0, 4)))}`](r);
    const town = pickTown(r);
    const street = `${fw(1 + Math.floor(r() * 6))}－${fw(1 + Math.floor(r() * 28))}－${fw(1 + Math.floor(r() * 20))}`;
    const phone = `${town.areaCode}-${2 + Math.floor(r() * 8)}${digits(r, 2)}-${digits(r, 4)}`;
    const count = r() < 0.55 ? 1 : r() < 0.67 ? 2 : r() < 0.67 ? 3 : 4;
    const start = Math.floor(r() * HOLDERS);
    const holders = Array.from({ length: count }, (_, k) => (start + k * 5) % HOLDERS);
    return { index: i, sex, birth, family, given, town, street, phone, holders, localId: patientIdOf(i) };
  };
  /** The u-th user's name (the directory's and the HPD queries'). */
  const userOf = (u) => {
    const r = mulberry32(SEED * 7 + u);
    const sex = r() < 0.5 ? 'M' : 'F';
    return { r, family: pickSurname(r), given: pickGiven[`${sex}${r() < 0.5 ? '1970s' : '1990s'}`](r) };
  };
  return { personOf, userOf, pickSurname, pickTown };
}

/** A person as the index's identity: the shape ITI-44's identityOf gives (names joined by a space). */
const identityOf = (p) => ({
  nameKanji: `${p.family.kanji} ${p.given.kanji}`,
  nameKana: `${p.family.kana} ${p.given.kana}`,
  birthDate: `${p.birth.slice(0, 4)}-${p.birth.slice(4, 6)}-${p.birth.slice(6, 8)}`,
  sex: p.sex,
  postcode: p.town.postcode,
  address: `${p.town.prefecture}${p.town.city}${p.town.town}${p.street}`,
  phone: p.phone,
});

/** The 521 facilities: an OID under the prefecture, a 10-digit institution code, a feed token each. */
function facilitiesOf(pop) {
  const out = [];
  for (const [t, [type, count, suffix]] of FACILITY_MIX.entries()) {
    for (let k = 0; k < count; k++) {
      const r = mulberry32(SEED + out.length);
      const code = `33${t}${String(k + 1).padStart(7, '0')}`;
      const town = pop.pickTown(r);
      out.push({
        oid: `${OID_ROOT}.33.${code}`,
        code,
        name: `${town.town}${pop.pickSurname(r).kanji}${suffix}`,
        type,
        address: `${town.prefecture}${town.city}${town.town}${fw(1 + (k % 9))}－${fw(1 + (k % 17))}`,
      });
    }
  }
  return out;
}

// ---- bulk seeding ------------------------------------------------------------------------------

/** Time-ordered ids (UUID v7 layout, a 2024 timestamp): seeded rows sort before the hub's own. */
const seededId = (kind, n) => `0190a000-${kind}-7000-8000-${n.toString(16).padStart(12, '0')}`;

/** An INSERT of the first row's columns (`fixed` values included), prepared once: `(row) => void`. */
function inserter(db, table, fixed = {}) {
  let statement;
  return (row) => {
    const values = { ...fixed, ...row };
    if (!statement) {
      const columns = Object.keys(values);
      statement = db.prepare(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
      );
    }
    statement.run(values);
  };
}

async function seed(file, persons, pop) {
  const { openStore } = await import('@hie/platform');
  const hub = await import('@hie/hub');
  const store = await openStore(`sqlite:${file}`);
  await hub.migrateHubStore(store);
  await store.close();
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1048576');
  const at = '2026-11-01T00:00:00.000Z';
  const stamps = { created_at: at, updated_at: at };
  const t0 = performance.now();

  // The directory: facilities, users, memberships (a tenth of the users work at two facilities).
  const facilities = facilitiesOf(pop);
  const facility = inserter(db, 'hub_facility', {
    ...{ name_kana: null, prefecture: '33', views: 1, gateway_url: null, phone: null, gateway_tls_pin: null },
    ...{ status: 'active', ...stamps },
  });
  const user = inserter(db, 'hub_user', stamps);
  const member = inserter(db, 'hub_membership', { created_at: at });
  const pickProfession = picker(PROFESSION_MIX, (p) => p[1]);
  let memberships = 0;
  db.transaction(() => {
    for (const f of facilities)
      facility({ ...f, discloses: f.type === 'hospital' ? 1 : 0, feed_token_hash: sha256(tokenOf(f.oid)) });
    for (let u = 0; u < USERS; u++) {
      const { r, family, given } = pop.userOf(u);
      const id = `u${String(u + 1).padStart(6, '0')}`;
      user({
        id,
        login_id: `user${u + 1}`,
        name: `${family.kanji} ${given.kanji}`,
        name_kana: `${family.kana} ${given.kana}`,
        profession: pickProfession(r)[0],
        email: r() < 0.6 ? `${id}@example.jp` : null,
        status: r() < 0.03 ? 'suspended' : 'active',
      });
      // Hospitals (the first 40) have most of the staff.
      const homes = [r() < 0.45 ? Math.floor(r() * 40) : Math.floor(r() * facilities.length)];
      if (r() < 0.1) homes.push(Math.floor(r() * facilities.length));
      for (const [k, h] of [...new Set(homes)].entries()) {
        member({
          user_id: id,
          facility_oid: facilities[h].oid,
          role: k === 0 && r() < 0.05 ? 'admin' : 'member',
        });
        memberships++;
      }
    }
  })();

  // The index: secondary indexes dropped, rows appended in key order, indexes rebuilt (sorted).
  const indexes = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('mpi_person', 'mpi_record', 'mpi_history')",
    )
    .all();
  for (const i of indexes) db.exec(`DROP INDEX ${i.name}`);
  const person = inserter(db, 'mpi_person', { status: 'active', merged_into: null, ...stamps });
  const record = inserter(db, 'mpi_record', { updated_at: at });
  const history = inserter(db, 'mpi_history', { from_person: null, actor: 'bench-seed', reason: null, at });
  const names = { kana_family: new Map(), kana_given: new Map() };
  let records = 0;
  const CHUNK = 20_000;
  for (let from = 0; from < persons; from += CHUNK) {
    db.transaction(() => {
      for (let i = from; i < Math.min(persons, from + CHUNK); i++) {
        const p = pop.personOf(i);
        const c = hub.recordColumns(identityOf(p));
        const id = seededId('0000', i);
        const { name_kanji, name_kana, kana_key, birth_date, sex } = c;
        person({ id, name_kanji, name_kana, kana_key, birth_date, sex });
        for (const [k, h] of p.holders.entries()) {
          const ref = { facility_oid: facilities[h].oid, local_id: p.localId };
          const score = k === 0 ? null : 30;
          record({ ...ref, person_id: id, ...c, link_method: k === 0 ? 'new' : 'auto', link_score: score });
          const action = k === 0 ? 'create' : 'auto-link';
          history({ id: seededId('0001', records), ...ref, to_person: id, action, score });
          records++;
          for (const part of ['kana_family', 'kana_given'])
            names[part].set(c[part], (names[part].get(c[part]) ?? 0) + 1);
        }
      }
    })();
    if ((from / CHUNK) % 25 === 24)
      console.error(
        `  ${from + CHUNK} persons, ${records} records (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
      );
  }
  const count = inserter(db, 'mpi_name_count');
  db.transaction(() => {
    count({ part: 'records', value: '', n: records });
    for (const [part, values] of Object.entries(names))
      for (const [value, n] of values) count({ part, value, n });
  })();
  const rowsAt = performance.now();
  for (const i of indexes) db.exec(i.sql);
  const indexSeconds = (performance.now() - rowsAt) / 1000;
  db.pragma('journal_mode = WAL');
  db.close();
  const seedSeconds = (performance.now() - t0) / 1000;
  const dbMb = Math.round(statSync(file).size / 1048576);
  return { facilities, memberships, records, seedSeconds, indexSeconds, dbMb };
}

// ---- messages (the builders of packages/hub/src/ihe/testing.ts) --------------------------------

const DSML = 'urn:oasis:names:tc:DSML:2:0:core';
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
const envelope = (payload, action) =>
  `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://www.w3.org/2005/08/addressing"><env:Header><wsa:Action env:mustUnderstand="true">${action}</wsa:Action><wsa:MessageID>urn:uuid:${randomUUID()}</wsa:MessageID></env:Header><env:Body>${payload}</env:Body></env:Envelope>`;
const message = (interaction, facility, trigger, controlAct) =>
  envelope(
    `<${interaction} xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0"><id root="1.2.3" extension="m-${randomUUID()}"/><creationTime value="20261207100000"/><interactionId root="2.16.840.1.113883.1.6" extension="${interaction}"/><processingCode code="P"/><processingModeCode code="T"/><acceptAckCode code="AL"/><receiver typeCode="RCV"><device classCode="DEV" determinerCode="INSTANCE"><id root="${OID_ROOT}.0.1"/></device></receiver><sender typeCode="SND"><device classCode="DEV" determinerCode="INSTANCE"><id root="${facility}.9"/></device></sender><controlActProcess classCode="CACT" moodCode="EVN"><code code="${trigger}" codeSystem="2.16.840.1.113883.1.6"/>${controlAct}</controlActProcess></${interaction}>`,
    `urn:hl7-org:v3:${interaction}`,
  );

/** ITI-44 add: kanji (IDE) and kana (SYL) names, phone, sex, birth, address. */
const feedMessage = (facility, p) =>
  message(
    'PRPA_IN201301UV02',
    facility,
    'PRPA_TE201301UV02',
    `<subject typeCode="SUBJ"><registrationEvent classCode="REG" moodCode="EVN"><statusCode code="active"/><subject1 typeCode="SBJ"><patient classCode="PAT"><id root="${facility}" extension="${p.localId}"/><statusCode code="active"/><patientPerson classCode="PSN" determinerCode="INSTANCE"><name use="IDE"><family>${p.family.kanji}</family><given>${p.given.kanji}</given></name><name use="SYL"><family>${p.family.kana}</family><given>${p.given.kana}</given></name><telecom value="tel:${p.phone}"/><administrativeGenderCode code="${p.sex}" codeSystem="2.16.840.1.113883.12.1"/><birthTime value="${p.birth}"/><addr><postalCode>${p.town.postcode}</postalCode><state>${p.town.prefecture}</state><city>${p.town.city}</city><streetAddressLine>${p.town.town}${p.street}</streetAddressLine></addr></patientPerson></patient></subject1></registrationEvent></subject>`,
  );

/** ITI-47 query (as pdq.test.ts): the parameters, a first page of 20. */
const pdqMessage = (facility, params) =>
  message(
    'PRPA_IN201305UV02',
    facility,
    'PRPA_TE201305UV02',
    `<queryByParameter><queryId root="1.2.3" extension="q-${randomUUID()}"/><statusCode code="new"/><responseModalityCode code="R"/><responsePriorityCode code="I"/><initialQuantity value="20"/><parameterList>${params}</parameterList></queryByParameter>`,
  );

/** ITI-58 search (as hpd.test.ts). */
const hpdMessage = (dn, filter, extra = '') =>
  envelope(
    `<batchRequest xmlns="${DSML}" requestID="b1"><searchRequest dn="${dn}" scope="wholeSubtree" derefAliases="neverDerefAliases" requestID="s1" ${extra}><filter>${filter}</filter></searchRequest></batchRequest>`,
    'urn:ihe:iti:2010:ProviderInformationQuery',
  );

// ---- HTTP and figures --------------------------------------------------------------------------

/** POSTs a SOAP message as a facility's system (its feed token), on keep-alive connections. */
function poster(base, agent) {
  const url = new URL(base);
  return (path, facility, body) =>
    new Promise((resolve, reject) => {
      const payload = Buffer.from(body, 'utf8');
      const t = performance.now();
      const headers = {
        'content-type': 'application/soap+xml; charset=UTF-8',
        'content-length': payload.length,
        authorization: `Bearer ${tokenOf(facility)}`,
      };
      const req = request(
        { host: url.hostname, port: url.port, path, method: 'POST', agent, headers },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode, text, ms: performance.now() - t });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}

/**
 * Sends `items` ({ facility, kind, body }) to `path`, `concurrency` in flight, the first `warmup`
 * unmeasured; `check(answer, item)` returns a problem or null. Latencies overall and by kind.
 */
async function measure(post, path, items, { warmup, concurrency, check }) {
  const run = { latencies: [], byKind: new Map(), errors: 0, seconds: 0 };
  const inFlight = async (list, measured) => {
    let next = 0;
    const worker = async () => {
      while (next < list.length) {
        const item = list[next++];
        const answer = await post(path, item.facility, item.body);
        if (!measured) continue;
        run.latencies.push(answer.ms);
        if (!run.byKind.has(item.kind)) run.byKind.set(item.kind, []);
        run.byKind.get(item.kind).push(answer.ms);
        const problem = answer.status === 200 ? check(answer, item) : `HTTP ${answer.status}`;
        if (problem && run.errors++ < 2) console.error(`${path}: ${problem}: ${answer.text.slice(0, 600)}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, worker));
  };
  await inFlight(items.slice(0, warmup), false);
  const t = performance.now();
  await inFlight(items.slice(warmup), true);
  run.seconds = (performance.now() - t) / 1000;
  return run;
}

const pct = (xs, p) => {
  const s = Float64Array.from(xs).sort();
  return s.length
    ? Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 100) / 100
    : null;
};
const describe = (label, run) => {
  for (const [kind, xs] of run.byKind)
    console.error(`  ${label} ${kind}: p50 ${pct(xs, 50)} ms, p95 ${pct(xs, 95)} ms`);
  return `p50 ${pct(run.latencies, 50)} ms, p95 ${pct(run.latencies, 95)} ms`;
};
const ackOf = (text) => /<acknowledgement>\s*<typeCode code="(\w+)"/.exec(text)?.[1] ?? 'none';

// ---- the hub process ---------------------------------------------------------------------------

async function serveHub(dir, cacheMb) {
  const { startHub, completeHubConfig, hubConfigSchema } = await import('@hie/hub');
  const { sql } = await import('kysely');
  const config = completeHubConfig(
    hubConfigSchema.parse({
      dataDir: dir,
      host: '127.0.0.1',
      port: 0,
      logLevel: 'error',
      secureCookies: false,
    }),
  );
  const hub = await startHub(config);
  // An index of this size is run with a bigger page cache than the store's 2 MB (as bench/mpi does).
  await sql.raw(`PRAGMA cache_size = -${cacheMb * 1024}`).execute(hub.store.db);
  process.once('SIGTERM', () => hub.stop().then(() => process.exit(0)));
  process.stdout.write(`${hub.url}\n`);
}

function startHubProcess(dir, cacheMb, profileDir) {
  const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...profile, self, '--serve-hub', dir, String(cacheMb)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk) => {
      text += chunk;
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      child.stdout.off('data', onData);
      child.stdout.on('data', (c) => process.stderr.write(c)); // the hub's log lines
      resolve({ child, url: text.slice(0, nl).trim() });
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the hub exited with ${code}`)));
  });
}

// ---- the three transactions --------------------------------------------------------------------

/** ITI-44 adds: even ones a person new to the index, odd ones a known person at another hospital. */
function feedsOf(pop, persons, holderOid, n) {
  const r = mulberry32(SEED + 44);
  const used = new Set();
  const out = [];
  for (let k = 0; out.length < n; k++) {
    const known = k % 2 === 1;
    const p = pop.personOf(known ? Math.floor(r() * persons) : persons + k);
    let h = known ? Math.floor(r() * HOLDERS) : p.holders[0];
    while (known && p.holders.includes(h)) h = (h + 1) % HOLDERS;
    if (used.has(`${h}|${p.index}`)) continue;
    used.add(`${h}|${p.index}`);
    out.push({
      facility: holderOid(h),
      kind: known ? 'known person' : 'new person',
      body: feedMessage(holderOid(h), p),
    });
  }
  return { feeds: out, fed: used };
}

/**
 * ITI-47 by name + birth date; every tenth asked by a hospital that does not know the person (neither
 * seeded there nor fed there by ITI-44: `fed` holds `hospital|person`).
 */
function pdqQueriesOf(pop, persons, holderOid, n, fed) {
  const r = mulberry32(SEED + 47);
  return Array.from({ length: n }, (_, k) => {
    const p = pop.personOf(Math.floor(r() * persons));
    const stranger = k % 10 === 9;
    let h = p.holders[Math.floor(r() * p.holders.length)];
    while (stranger && (p.holders.includes(h) || fed.has(`${h}|${p.index}`))) h = (h + 1) % HOLDERS;
    const birth = `<livingSubjectBirthTime><value value="${p.birth}"/></livingSubjectBirthTime>`;
    const [kind, name] = [
      [
        'kana name + birth',
        `<value use="SYL"><family>${p.family.kana}</family><given>${p.given.kana}</given></value>`,
      ],
      [
        'kanji name + birth',
        `<value use="IDE"><family>${p.family.kanji}</family><given>${p.given.kanji}</given></value>`,
      ],
      ['kana family + birth + sex', `<value use="SYL"><family>${p.family.kana}</family></value>`],
    ][k % 3];
    const sex =
      k % 3 === 2
        ? `<livingSubjectAdministrativeGender><value code="${p.sex}"/></livingSubjectAdministrativeGender>`
        : '';
    const params = `${sex}${birth}<livingSubjectName>${name}</livingSubjectName>`;
    return {
      facility: holderOid(h),
      kind,
      stranger,
      localId: p.localId,
      body: pdqMessage(holderOid(h), params),
    };
  });
}

/** ITI-58 searches of five shapes, asked by any facility's system. */
function hpdSearchesOf(pop, facilities, n) {
  const r = mulberry32(SEED + 58);
  const any = () => facilities[Math.floor(r() * facilities.length)];
  return Array.from({ length: n }, (_, k) => {
    const f = any();
    const who = pop.userOf(Math.floor(r() * USERS)).family;
    const org = `uid=${f.oid},ou=HCRegulatedOrganization,dc=HPD`;
    const [kind, dn, filter, extra] = [
      [
        'professional by sn',
        'ou=HCProfessional,dc=HPD',
        `<equalityMatch name="sn"><value>${esc(who.kanji)}</value></equalityMatch>`,
      ],
      [
        'cn kana prefix',
        'dc=HPD',
        `<substrings name="cn"><initial>${esc(who.kana)}</initial></substrings>`,
        'sizeLimit="50"',
      ],
      [
        'organisation by code',
        'ou=HCRegulatedOrganization,dc=HPD',
        `<equalityMatch name="hcIdentifier"><value>MHLW:InstitutionCode:${f.code}:active</value></equalityMatch>`,
      ],
      [
        'staff of a facility',
        'ou=Relationship,dc=HPD',
        `<equalityMatch name="owner"><value>${org}</value></equalityMatch>`,
      ],
      [
        'pharmacists of a facility',
        'ou=HCProfessional,dc=HPD',
        `<and><substrings name="hcProfession"><any>Pharmacist</any></substrings><equalityMatch name="memberOf"><value>${org}</value></equalityMatch></and>`,
      ],
    ][k % 5];
    return { facility: any().oid, kind, body: hpdMessage(dn, filter, extra) };
  });
}

// ---- run ---------------------------------------------------------------------------------------

async function main() {
  const option = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
  };
  const quick = args.includes('--quick');
  const PERSONS = option('--persons', quick ? 50_000 : 2_000_000);
  const FEEDS = option('--feeds', quick ? 3_000 : 20_000);
  const CONCURRENCY = option('--concurrency', 12);
  const QUERIES = option('--queries', quick ? 500 : 1000);
  const QUERY_CONCURRENCY = option('--query-concurrency', 1);
  const CACHE_MB = option('--cache-mb', 512);
  const WARMUP = 50;

  const pop = await population();
  const dir = mkdtempSync(join(tmpdir(), 'hie-bench-ihe-'));
  const file = join(dir, 'hub.db');
  console.error(`seeding ${PERSONS} persons, 521 facilities and ${USERS} users by bulk SQL into ${file}…`);
  const seeded = await seed(file, PERSONS, pop);
  const { facilities } = seeded;
  console.error(
    `seeded in ${seeded.seedSeconds.toFixed(1)} s (indexes ${seeded.indexSeconds.toFixed(1)} s): ${PERSONS} persons, ` +
      `${seeded.records} records at ${HOLDERS} hospitals; ${facilities.length} facilities, ${USERS} users, ` +
      `${seeded.memberships} memberships; ${seeded.dbMb} MB`,
  );
  const holderOid = (h) => facilities[h].oid;
  const profileDir = args.includes('--profile')
    ? mkdtempSync(join(tmpdir(), 'hie-bench-ihe-profile-'))
    : null;
  const { child, url } = await startHubProcess(dir, CACHE_MB, profileDir);
  console.error(`hub (startHub, SQLite, page cache ${CACHE_MB} MB) at ${url}, pid ${child.pid}`);
  const agent = new Agent({ keepAlive: true, maxSockets: Math.max(CONCURRENCY, QUERY_CONCURRENCY) });
  const post = poster(url, agent);

  // ITI-44.
  const { feeds, fed } = feedsOf(pop, PERSONS, holderOid, FEEDS + 4 * WARMUP);
  const acks = {};
  const hubCpu0 = cpuMsOf(child.pid);
  const pix = await measure(post, '/ihe/pix', feeds, {
    warmup: 4 * WARMUP,
    concurrency: CONCURRENCY,
    check: (answer) => {
      const ack = ackOf(answer.text);
      acks[ack] = (acks[ack] ?? 0) + 1;
      return ack === 'AA' ? null : `ack ${ack}`;
    },
  });
  const hubCpuPerFeed = (cpuMsOf(child.pid) - hubCpu0) / (FEEDS + 4 * WARMUP);
  const pixPerS = Math.round(FEEDS / pix.seconds);
  console.error(
    `ITI-44: ${FEEDS} adds in ${pix.seconds.toFixed(1)} s, ${CONCURRENCY} in flight: ${pixPerS}/s ` +
      `(target ≥ ${TARGETS.pix_feeds_per_s}); ${describe('ITI-44', pix)}; acks ${JSON.stringify(acks)}; ` +
      `hub CPU ${round1(hubCpuPerFeed)} ms per feed`,
  );

  // ITI-47.
  const holders = new Set(Array.from({ length: HOLDERS }, (_, h) => holderOid(h)));
  const seen = { asked: 0, found: 0, strangerFound: 0, foreignIds: 0, totals: [] };
  const pdq = await measure(post, '/ihe/pdq', pdqQueriesOf(pop, PERSONS, holderOid, QUERIES + WARMUP, fed), {
    warmup: WARMUP,
    concurrency: QUERY_CONCURRENCY,
    check: ({ text }, q) => {
      seen.totals.push(Number(/<resultTotalQuantity value="(\d+)"/.exec(text)?.[1] ?? 0));
      for (const [, root] of text.matchAll(/<id root="([^"]+)" extension="[^"]*"\/>/g))
        if (holders.has(root) && root !== q.facility) seen.foreignIds++;
      const own = text.includes(`<id root="${q.facility}" extension="${q.localId}"/>`);
      if (q.stranger) seen.strangerFound += own ? 1 : 0;
      else {
        seen.asked++;
        seen.found += own ? 1 : 0;
      }
      return ackOf(text) === 'AA' ? null : `ack ${ackOf(text)}`;
    },
  });
  const pdqP95 = pct(pdq.latencies, 95);
  console.error(
    `ITI-47 PDQ V3: ${pdq.latencies.length} queries, ${QUERY_CONCURRENCY} in flight: ${describe('PDQ V3', pdq)} ` +
      `(target p95 ≤ ${TARGETS.pdq_v3_p95_ms}); own patient found ${seen.found}/${seen.asked}; persons per answer ` +
      `p50 ${pct(seen.totals, 50)}, p95 ${pct(seen.totals, 95)}; strangers found ${seen.strangerFound}; ` +
      `other facilities' ids shown ${seen.foreignIds}; errors ${pdq.errors}`,
  );

  // ITI-58.
  const entries = [];
  const hpdCpu0 = cpuMsOf(child.pid);
  const hpd = await measure(post, '/ihe/hpd', hpdSearchesOf(pop, facilities, QUERIES + WARMUP), {
    warmup: WARMUP,
    concurrency: QUERY_CONCURRENCY,
    check: ({ text }) => {
      entries.push((text.match(/<searchResultEntry /g) ?? []).length);
      const code = /<resultCode code="(\d+)"/.exec(text)?.[1];
      return code === '0' || code === '4' ? null : `LDAP result ${code}`;
    },
  });
  const hubCpuPerSearch = (cpuMsOf(child.pid) - hpdCpu0) / (QUERIES + WARMUP);
  const hpdP95 = pct(hpd.latencies, 95);
  console.error(
    `ITI-58 HPD: ${hpd.latencies.length} searches, ${QUERY_CONCURRENCY} in flight: ${describe('HPD', hpd)} ` +
      `(target p95 ≤ ${TARGETS.hpd_query_p95_ms}); entries per answer p50 ${pct(entries, 50)}, max ` +
      `${Math.max(...entries)}; hub CPU ${round1(hubCpuPerSearch)} ms per search; errors ${hpd.errors}`,
  );

  // Stop; what the feeds did to the index.
  agent.destroy();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(file, { readonly: true });
  const outcomes = Object.fromEntries(
    db
      .prepare("SELECT action, count(*) AS n FROM mpi_history WHERE actor LIKE 'ihe:%' GROUP BY action")
      .all()
      .map((row) => [row.action, row.n]),
  );
  db.close();
  console.error(`ITI-44 outcomes (mpi_history): ${JSON.stringify(outcomes)}`);
  if (profileDir) console.error(`the hub's CPU profile: ${profileDir}`);
  if (args.includes('--keep')) console.error(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });

  console.log(
    JSON.stringify({
      bench: 'ihe',
      pix_feeds_per_s: pixPerS,
      pdq_v3_p95_ms: pdqP95,
      hpd_query_p95_ms: hpdP95,
      targets: TARGETS,
      met: {
        pix_feeds_per_s: pixPerS >= TARGETS.pix_feeds_per_s,
        pdq_v3_p95_ms: pdqP95 <= TARGETS.pdq_v3_p95_ms,
        hpd_query_p95_ms: hpdP95 <= TARGETS.hpd_query_p95_ms,
      },
      persons: PERSONS,
      records: seeded.records,
      hospitals_with_patients: HOLDERS,
      facilities: facilities.length,
      users: USERS,
      memberships: seeded.memberships,
      seed_s: round1(seeded.seedSeconds),
      db_mb: seeded.dbMb,
      pix_feeds: FEEDS,
      pix_concurrency: CONCURRENCY,
      pix_p50_ms: pct(pix.latencies, 50),
      pix_p95_ms: pct(pix.latencies, 95),
      pix_outcomes: outcomes,
      hub_cpu_ms_per_feed: round1(hubCpuPerFeed),
      // Feeds per CPU second of the hub process: less sensitive to a busy machine than wall time.
      pix_feeds_per_hub_cpu_s: Math.round(1000 / hubCpuPerFeed),
      pdq_queries: pdq.latencies.length,
      pdq_p50_ms: pct(pdq.latencies, 50),
      pdq_found: Math.round((seen.found / Math.max(1, seen.asked)) * 1000) / 1000,
      pdq_strangers_found: seen.strangerFound,
      pdq_foreign_ids: seen.foreignIds,
      hpd_queries: hpd.latencies.length,
      hpd_p50_ms: pct(hpd.latencies, 50),
      hub_cpu_ms_per_hpd: round1(hubCpuPerSearch),
      query_concurrency: QUERY_CONCURRENCY,
      page_cache_mb: CACHE_MB,
      cores: availableParallelism(),
      errors: pix.errors + pdq.errors + hpd.errors,
    }),
  );
}

if (args[0] === '--serve-hub') await serveHub(args[1], Number(args[2]));
else await main();
