#!/usr/bin/env node
// bench/mpi: the patient index at the scale of Okayama (2,000,000 persons) on the embedded store.
//   1. An identity-only population (the SS-MIX2 generator's name, town and variation tables) with
//      ground truth: each person registered at 1–4 of 12 facilities, each facility's copy with the
//      generator's noise (old kanji and gaiji, kana small/long-vowel/voiced/hiragana, birth-date
//      typos, previous address, another phone) plus missing fields.
//   2. Fed through feedIdentities (matching included) into SQLite in batches: feeds/s.
//   3. PDQ (searchPersons, limit 20) for a mix of realistic queries: p95.
//   4. Pairwise precision / recall / F1 of the automatic links against the truth; review rate.
//
//   npm run bench -- mpi [--quick] [--persons N] [--batch N] [--cache-mb N] [--keep]
//
// --quick: 50,000 persons. The last stdout line is one JSON object.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGE_BANDS, fw } from './lib.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const PERSONS = option('--persons', args.includes('--quick') ? 50_000 : 2_000_000);
// Gateways send their identities in batches (up to MAX_FEED_BATCH = 5000 per call, one transaction).
const BATCH = option('--batch', 2000);
const CHUNK = 5_000;
const SEED = 20261126;
const FACILITIES = Array.from({ length: 12 }, (_, i) => `1.2.392.200284.33.1.${String(1310000001 + i * 7)}`);

const ssmix2 = await import('@hie/ssmix2');
const { TOWNS, MOBILE_PREFIXES, rngFor, isValidYmd, ymdFromDay, dayFromYmd } = ssmix2;
const variants = ssmix2;
const { BENCH_SURNAMES, BENCH_GIVEN_NAMES, eraOfBirthYear, nameSpaceFigures } = await import(
  './mpi-names.mjs'
);
const { openStore } = await import('@hie/platform');
const { sql } = await import('kysely');
const mpi = await import('@hie/hub');

// ---- population --------------------------------------------------------------------------------

const REFERENCE_DAY = dayFromYmd('20261031');
const iso = (ymd) => `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;

/** Cumulative-weight picker (binary search): the generator's weighted pick, fast. */
function picker(items, weight) {
  const cum = [];
  let total = 0;
  for (const it of items) {
    total += weight(it);
    cum.push(total);
  }
  return (rng) => {
    const x = rng.next() * total;
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
const pickSurname = picker(BENCH_SURNAMES, (n) => n.weight);
const pickGiven = {};
for (const sex of ['M', 'F'])
  for (const era of Object.keys(BENCH_GIVEN_NAMES[sex]))
    pickGiven[`${sex}${era}`] = picker(BENCH_GIVEN_NAMES[sex][era], (n) => n.weight);
{
  const f = nameSpaceFigures();
  const r = (x, d = 4) => Number(x.toPrecision(d));
  console.error(
    `names: ${f.surnames} surnames (top 1 ${r(f.surnameTop1 * 100, 2)} %, top 100 ${r(f.surnameTop100 * 100, 2)} %), ` +
      `~${f.givenPerSexEra} given names per sex and era (top 1 ≤ ${r(f.givenTop1 * 100, 2)} %), Zipf-like weights ` +
      `(bench/mpi-names.mjs). Chance two people share a surname ${r(f.surnameCollision)}, a given name (same sex ` +
      `and era) ${r(f.givenCollision)}; the SS-MIX2 generator's tables alone: ${r(f.generatorSurnameCollision)} and ` +
      `${r(f.generatorGivenCollision)} (≈${Math.round((f.generatorSurnameCollision * f.generatorGivenCollision) / (f.surnameCollision * f.givenCollision))}× more namesakes).`,
  );
}
const pickTown = picker(TOWNS, (t) => t.weight * (t.prefectureCode === '33' ? 1.3 : 1));
const pickBand = picker(AGE_BANDS, (b) => b[2]);

const phoneIn = (rng, town) =>
  town.areaCode.length === 3
    ? `${town.areaCode}-${rng.int(2, 9)}${rng.digits(2)}-${rng.digits(4)}`
    : `${town.areaCode}-${rng.int(2, 9)}${rng.digits(1)}-${rng.digits(4)}`;
const mobile = (rng) => `${rng.pick(MOBILE_PREFIXES)}-${rng.int(1, 9)}${rng.digits(3)}-${rng.digits(4)}`;
const address = (rng) => ({
  town: pickTown(rng),
  street: `${fw(rng.int(1, 6))}－${fw(rng.int(1, 28))}－${fw(rng.int(1, 20))}`,
});

function makePerson(index) {
  const rng = rngFor(SEED, 'mpi-person', index);
  const sex = rng.chance(0.48) ? 'M' : 'F';
  const [from, to] = pickBand(rng);
  const birth = ymdFromDay(REFERENCE_DAY - Math.floor((from + rng.next() * (to - from + 1)) * 365.25));
  const family = pickSurname(rng);
  const given = pickGiven[`${sex}${eraOfBirthYear(Number(birth.slice(0, 4)))}`](rng);
  const home = address(rng);
  const previous = address(rng);
  return {
    index,
    sex,
    birth,
    family,
    given,
    home,
    previous,
    homePhone: phoneIn(rng, home.town),
    mobilePhone: rng.chance(0.55) ? mobile(rng) : undefined,
    oldPhone: phoneIn(rng, previous.town),
    facilities: rng.chance(0.55) ? 1 : rng.chance(0.67) ? 2 : rng.chance(0.67) ? 3 : 4,
  };
}

/** One facility's copy of a person, with the generator's variation rates. */
function recorded(person, facility, localId) {
  const rng = rngFor(SEED, 'mpi-variation', facility, person.index);
  let familyKanji = person.family.kanji;
  let givenKanji = person.given.kanji;
  let familyKana = person.family.kana;
  let givenKana = person.given.kana;
  let birth = person.birth;
  let home = person.home;
  let phone = person.mobilePhone && rng.chance(0.3) ? person.mobilePhone : person.homePhone;
  if (rng.chance(0.35)) {
    const f = variants.oldKanjiVariant(familyKanji);
    const v = f ?? variants.oldKanjiVariant(givenKanji);
    if (f) familyKanji = f.text;
    else if (v) givenKanji = v.text;
  }
  if (rng.chance(0.12)) {
    for (const fn of [variants.largeKana, variants.longVowelKana, variants.voicedKana]) {
      const fam = fn(familyKana);
      const giv = fam === undefined ? fn(givenKana) : undefined;
      if (fam === undefined && giv === undefined) continue;
      if (fam !== undefined) familyKana = fam;
      if (giv !== undefined) givenKana = giv;
      break;
    }
  }
  if (rng.chance(0.04)) {
    familyKana = variants.hiragana(familyKana);
    givenKana = variants.hiragana(givenKana);
  }
  if (rng.chance(0.015)) {
    const typos = variants.birthDateTypos(birth).filter(isValidYmd);
    if (typos.length > 0) birth = rng.pick(typos);
  }
  if (rng.chance(0.1)) home = person.previous;
  if (rng.chance(0.15)) {
    if (rng.chance(0.5)) phone = person.oldPhone;
    else phone = mobile(rng);
  }
  const kanaSpace = rng.chance(0.8) ? '　' : ' ';
  return {
    facilityOid: facility,
    localId,
    nameKanji: `${familyKanji}　${givenKanji}`,
    nameKana: `${familyKana}${kanaSpace}${givenKana}`,
    birthDate: iso(birth),
    sex: person.sex,
    ...(rng.chance(0.95)
      ? {
          postcode: home.town.postcode,
          address: `${home.town.prefecture}${home.town.city}${home.town.town}${home.street}`,
        }
      : {}),
    ...(rng.chance(0.9) ? { phone } : {}),
  };
}

/** Records of persons [from, to), shuffled (feeds of one person arrive in any order). */
function chunkRecords(from, to, truth, nextLocal) {
  const out = [];
  const rng = rngFor(SEED, 'mpi-chunk', from);
  for (let i = from; i < to; i++) {
    const p = makePerson(i);
    const start = rng.int(0, FACILITIES.length - 1);
    for (let k = 0; k < p.facilities; k++) {
      const f = (start + k * 5) % FACILITIES.length;
      const localId = String(nextLocal.value++);
      truth.push(i);
      out.push(recorded(p, FACILITIES[f], localId));
    }
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// ---- run ---------------------------------------------------------------------------------------

/** Peak RSS, and peak WAL size (the store's checkpointer truncates it past 256 MB: checkpointer.ts). */
function sampleRss(walPath) {
  let peak = process.memoryUsage.rss();
  let walPeak = 0;
  const sampleWal = () => {
    try {
      walPeak = Math.max(walPeak, statSync(walPath).size);
    } catch {}
  };
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
    sampleWal();
  }, 100);
  return {
    sampleWal,
    stop: () => clearInterval(timer),
    peak: () => Math.max(peak, process.resourceUsage().maxRSS * 1024) / 1024 / 1024,
    walPeakMb: () => Math.round(walPeak / 1048576),
  };
}

class Truth {
  constructor() {
    this.ids = new Int32Array(1 << 20);
    this.length = 0;
  }
  push(v) {
    if (this.length === this.ids.length) {
      const bigger = new Int32Array(this.ids.length * 2);
      bigger.set(this.ids);
      this.ids = bigger;
    }
    this.ids[this.length++] = v;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'hie-bench-mpi-'));
const store = await openStore(join(dir, 'hub.db'));
await mpi.migrateHubStore(store);
// A 2-million-person index is a few GB; the store's default page cache (2 MB, plus 256 MB mmap)
// makes every index probe a read() call. A hub of this size is configured with a bigger cache.
const CACHE_MB = option('--cache-mb', 512);
await sql.raw(`PRAGMA cache_size = -${CACHE_MB * 1024}`).execute(store.db);
console.error(`store: SQLite, page cache ${CACHE_MB} MB (--cache-mb), batches of ${BATCH} feeds`);
const deps = { store, now: () => new Date() };
const rss = sampleRss(join(dir, 'hub.db-wal'));
const truth = new Truth();
const nextLocal = { value: 1_000_000_000 };
const outcomes = { new: 0, 'auto-link': 0, review: 0, updated: 0, unchanged: 0 };
let fed = 0;
let feedSeconds = 0;
let feedCpu = 0;
const started = performance.now();
for (let from = 0; from < PERSONS; from += CHUNK) {
  const records = chunkRecords(from, Math.min(PERSONS, from + CHUNK), truth, nextLocal);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < records.length; i += BATCH) {
    for (const o of await mpi.feedIdentities(deps, records.slice(i, i + BATCH), 'bench'))
      outcomes[o.outcome]++;
    rss.sampleWal();
  }
  // Under a writer that never pauses the WAL never restarts by itself. The store's checkpointer asks
  // the writing connection to truncate it past 256 MB (store/checkpointer.ts) once store/open.ts
  // passes it that connection (`writer: database`); until then the bench truncates between chunks,
  // timed as feeding.
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(store.db);
  feedSeconds += (performance.now() - t0) / 1000;
  const c1 = process.cpuUsage(c0);
  feedCpu += (c1.user + c1.system) / 1e6;
  fed += records.length;
  if ((from / CHUNK) % 20 === 19 || from + CHUNK >= PERSONS) {
    console.error(
      `${Math.min(PERSONS, from + CHUNK)} persons, ${fed} records: ${Math.round(fed / feedSeconds)} feeds/s, ` +
        `${Math.round(fed / feedCpu)} per CPU second ` +
        `(elapsed ${((performance.now() - started) / 1000).toFixed(0)} s, rss ${Math.round(process.memoryUsage.rss() / 1048576)} MB, ` +
        `WAL peak ${rss.walPeakMb()} MB)`,
    );
  }
}

// Re-feeding unchanged identities: all must be 'unchanged'.
const again = chunkRecords(0, Math.min(PERSONS, 2000), new Truth(), { value: 1_000_000_000 });
const t1 = performance.now();
let unchanged = 0;
for (let i = 0; i < again.length; i += BATCH) {
  for (const o of await mpi.feedIdentities(deps, again.slice(i, i + BATCH), 'bench'))
    if (o.outcome === 'unchanged') unchanged++;
}
const refeedPerS = again.length / ((performance.now() - t1) / 1000);

// ---- PDQ ---------------------------------------------------------------------------------------
const qrng = rngFor(SEED, 'mpi-pdq');
const latencies = [];
const kinds = {};
for (let q = 0; q < 2000; q++) {
  const p = makePerson(qrng.int(0, PERSONS - 1));
  const kind = q % 5;
  const query =
    kind === 0
      ? { kana: `${p.family.kana} ${p.given.kana}`, birthDate: iso(p.birth) }
      : kind === 1
        ? { kana: `${p.family.kana}${[...p.given.kana].slice(0, 2).join('')}`, sex: p.sex }
        : kind === 2
          ? { kanji: `${p.family.kanji}${p.given.kanji}` }
          : kind === 3
            ? { kana: p.family.kana, birthDate: iso(p.birth), sex: p.sex }
            : {
                facilityOid: FACILITIES[qrng.int(0, FACILITIES.length - 1)],
                localId: String(1_000_000_000 + qrng.int(0, fed - 1)),
              };
  const t = performance.now();
  const r = await mpi.searchPersons(store, query, { limit: 20, offset: 0 });
  const ms = performance.now() - t;
  latencies.push(ms);
  kinds[kind] = [...(kinds[kind] ?? []), ms];
  if (q === 0) console.error(`PDQ example ${JSON.stringify(query)} → total ${r.total}`);
}
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const kindNames = [
  'kana full + birth date',
  'kana family + given prefix + sex',
  'kanji full',
  'kana family + birth + sex',
  'local id',
];
for (const [k, xs] of Object.entries(kinds)) {
  console.error(`PDQ ${kindNames[k]}: p50 ${pct(xs, 50).toFixed(2)} ms, p95 ${pct(xs, 95).toFixed(2)} ms`);
}

// ---- precision / recall ------------------------------------------------------------------------
const counts = new Int32Array(PERSONS);
for (let i = 0; i < truth.length; i++) counts[truth.ids[i]]++;
let truePairs = 0;
for (const c of counts) truePairs += (c * (c - 1)) / 2;
let predictedPairs = 0;
let tp = 0;
let current;
let cluster = [];
const flush = () => {
  const n = cluster.length;
  predictedPairs += (n * (n - 1)) / 2;
  const by = new Map();
  for (const t of cluster) by.set(t, (by.get(t) ?? 0) + 1);
  for (const k of by.values()) tp += (k * (k - 1)) / 2;
  cluster = [];
};
// Streamed: 3 million rows at once would weigh more than the index itself.
const rows = store.db
  .selectFrom('mpi_record')
  .select(['person_id', 'local_id'])
  .orderBy('person_id')
  .stream(10_000);
for await (const r of rows) {
  if (r.person_id !== current) {
    flush();
    current = r.person_id;
  }
  cluster.push(truth.ids[Number(r.local_id) - 1_000_000_000]);
}
flush();
const precision = predictedPairs === 0 ? 1 : tp / predictedPairs;
const recall = truePairs === 0 ? 1 : tp / truePairs;
const f1 = (2 * precision * recall) / (precision + recall);
const reasons = {};
for (const r of (await sql`SELECT explanation FROM mpi_review`.execute(store.db)).rows) {
  for (const why of JSON.parse(r.explanation).reasons) reasons[why] = (reasons[why] ?? 0) + 1;
}
console.error(`review reasons: ${JSON.stringify(reasons)}`);
const persons = Number(
  (await sql`SELECT count(*) AS n FROM mpi_person WHERE status = 'active'`.execute(store.db)).rows[0].n,
);
rss.stop();
console.error(
  `${fed} feeds of ${PERSONS} true persons → ${persons} persons; outcomes ${JSON.stringify(outcomes)}; ` +
    `pairs: true ${truePairs}, predicted ${predictedPairs}, correct ${tp}; re-feed of ${again.length}: ${unchanged} unchanged at ${Math.round(refeedPerS)}/s`,
);
await store.close();
if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
else console.error(`kept ${dir}`);
console.log(
  JSON.stringify({
    bench: 'mpi',
    persons: PERSONS,
    records: fed,
    feeds_per_s: Math.round(fed / feedSeconds),
    // Per CPU second of the feeding process: less sensitive to a busy machine than wall time.
    feeds_per_cpu_s: Math.round(fed / feedCpu),
    pdq_p95_ms: Math.round(pct(latencies, 95) * 100) / 100,
    precision: Math.round(precision * 10000) / 10000,
    recall: Math.round(recall * 10000) / 10000,
    f1: Math.round(f1 * 10000) / 10000,
    review_rate: Math.round((outcomes.review / fed) * 10000) / 10000,
    peak_rss_mb: Math.round(rss.peak()),
  }),
);
