#!/usr/bin/env node
import { encodeHl7Text, parseHl7 } from '@hie/hl7v2';
// bench/hl7v2-parse: our codec vs @medplum/core 4.5.2 Hl7Message on the same 100k realistic JAHIS
// messages, in the same run. Reads PID-5 (both repetitions) and every OBX-5. Ours decodes escapes;
// medplum does not. `--quick` = 10k messages. Last stdout line: one JSON object.
import { Hl7Message as MedplumMessage } from '@medplum/core';

const quick = process.argv.includes('--quick');
const N = quick ? 10_000 : 100_000;
const ROUNDS = quick ? 5 : 3;

// Deterministic PRNG (mulberry32) so every run measures the same messages.
let seed = 20261126;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (a) => a[Math.floor(rand() * a.length)];
const digits = (n) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');

const FAMILY = [
  ['佐藤', 'サトウ'],
  ['鈴木', 'スズキ'],
  ['高橋', 'タカハシ'],
  ['田中', 'タナカ'],
  ['渡辺', 'ワタナベ'],
  ['髙橋', 'タカハシ'],
  ['山﨑', 'ヤマザキ'],
  ['岡田', 'オカダ'],
];
const GIVEN = [
  ['太郎', 'タロウ'],
  ['花子', 'ハナコ'],
  ['翔太', 'ショウタ'],
  ['美咲', 'ミサキ'],
  ['健一', 'ケンイチ'],
  ['陽菜', 'ヒナ'],
];
const CITY = [
  '岡山県岡山市北区鹿田町２−５−１',
  '広島県広島市南区霞１−２−３',
  '岡山県倉敷市美和１−１−１',
  '広島県福山市西町２−１０−１',
];
const LABS = [
  ['3A010000002327101', '総蛋白', 'g/dL', '6.5-8.2'],
  ['3A015000002327101', 'アルブミン', 'g/dL', '3.8-5.2'],
  ['3C015000002327101', 'クレアチニン', 'mg/dL', '0.65-1.07'],
  ['3D046000001906202', 'ＨｂＡ１ｃ', '%', '4.6-6.2'],
  ['2A020000001930101', '白血球数', '10*3/uL', '3.3-8.6'],
  ['3B035000002327201', 'ＡＳＴ', 'U/L', '13-30'],
  ['3B045000002327201', 'ＡＬＴ', 'U/L', '10-42'],
  ['3F015000002327101', '総ビリルビン', 'mg/dL', '0.4-1.5'],
  ['3H010000002326101', 'ナトリウム', 'mmol/L', '138-145'],
  ['3H015000002326101', 'カリウム', 'mmol/L', '3.6-4.8'],
];

function makeMessage(i) {
  const [fk, fp] = pick(FAMILY);
  const [gk, gp] = pick(GIVEN);
  const pid = digits(10);
  const order = digits(15);
  const ts = `2024${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}${digits(6)}`;
  const seg = [
    `MSH|^~\\&|HIS123|SEND|GW|RCV|${ts}.${digits(3)}||OUL^R22^OUL_R22|${ts}${String(i).padStart(6, '0')}|P|2.5||||||~ISO IR87||ISO 2022-1994|SS-MIX2_1.20^SS-MIX2^1.2.392.200250.2.1.100.1.2.120^ISO`,
    `PID|0001||${pid}^^^^PI||${fk}^${gk}^^^^^L^I~${fp}^${gp}^^^^^L^P||19${digits(2)}0${1 + Math.floor(rand() * 9)}1${Math.floor(rand() * 9)}|${pick(['M', 'F'])}|||^^^^${digits(3)}-${digits(4)}^JPN^H^${pick(CITY)}||^PRN^PH^^^^^^^^^086-${digits(3)}-${digits(4)}|||||||||||||||||||${ts}`,
    `PV1|0001|O|01^^^^^C||||${digits(3)}^医師^一郎^^^^^^^L^^^^^I|||01`,
    `ORC|SC|${order}|${digits(15)}||CM||||${ts}|||${digits(3)}^医師^一郎^^^^^^^L^^^^^I|01^^^^^C||||01^内科^99XY1||||岡山中央病院||||||||O^外来患者オーダ^HL70482`,
    `OBR|1|${order}|${digits(15)}|E001^生化学検査^99O03|||${ts.slice(0, 8)}|${ts.slice(0, 8)}||||||||${digits(3)}^医師^一郎^^^^^^^L^^^^^I||||||${ts}`,
  ];
  LABS.forEach(([code, name, unit, range], k) => {
    let value = (rand() * 10).toFixed(1);
    let type = 'NM';
    if (k === 3 && rand() < 0.5) [type, value] = ['ST', '\\T\\ 2\\S\\3 (再検)'];
    if (k === 7) [type, value] = ['ST', `溶血あり\\.br\\再採血を推奨\\E\\${digits(2)}`];
    if (k === 9 && rand() < 0.3) [type, value] = ['ST', '> 100\\F\\H'];
    seg.push(
      `OBX|${k + 1}|${type}|${code}^${name}^JC10||${value}|${unit}^${unit}^99XYZ|${range}|${rand() < 0.2 ? 'H' : ''}|||F|||${ts.slice(0, 12)}`,
    );
  });
  return `${seg.join('\r')}\r`;
}

console.log(`hl7v2-parse: generating ${N} messages…`);
const texts = Array.from({ length: N }, (_, i) => makeMessage(i));
const utf8 = new TextEncoder();
let utf8Bytes = 0;
for (const t of texts) utf8Bytes += utf8.encode(t).length;
const jisBytes = texts.map((t) => encodeHl7Text(t, 'ISO-2022-JP'));
const avgBytes = utf8Bytes / N;

// Each reader returns a checksum (total length of the values read) so the JIT cannot drop the reads.
// Ours must give the same sum from UTF-8 strings and from ISO-2022-JP bytes; @medplum/core's sum is
// larger because it leaves escape sequences (\F\, \S\, …) undecoded.
function ours(input) {
  let sum = 0;
  for (const x of input) {
    const r = parseHl7(x);
    if (!r.ok) throw new Error(r.error.message);
    const m = r.message;
    const pid = m.segment('PID');
    sum +=
      pid.get(5, 1, 1).length + pid.get(5, 1, 2).length + pid.get(5, 2, 1).length + pid.get(5, 2, 2).length;
    for (const obx of m.segmentsNamed('OBX')) sum += obx.get(5).length;
  }
  return sum;
}
function medplum(input) {
  let sum = 0;
  for (const x of input) {
    const m = MedplumMessage.parse(x);
    const pid = m.getSegment('PID');
    sum +=
      pid.getComponent(5, 1, undefined, 0).length +
      pid.getComponent(5, 2, undefined, 0).length +
      pid.getComponent(5, 1, undefined, 1).length +
      pid.getComponent(5, 2, undefined, 1).length;
    for (const obx of m.getAllSegments('OBX')) sum += obx.getField(5).toString().length;
  }
  return sum;
}

function time(name, fn, input) {
  fn(input.slice(0, Math.min(2000, input.length))); // warm up the JIT
  const runs = [];
  let check = 0;
  for (let r = 0; r < ROUNDS; r++) {
    globalThis.gc?.();
    const t0 = process.hrtime.bigint();
    check = fn(input);
    runs.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  runs.sort((a, b) => a - b);
  const best = runs[0];
  const median = runs[Math.floor(runs.length / 2)];
  const msgS = N / best;
  console.log(
    `${name.padEnd(28)} best ${(best * 1000).toFixed(0)} ms, median ${(median * 1000).toFixed(0)} ms: ${Math.round(msgS).toLocaleString('en')} msg/s, ${(utf8Bytes / 1e6 / best).toFixed(1)} MB/s (checksum ${check})`,
  );
  return { msgS, mbS: utf8Bytes / 1e6 / best, check };
}

console.log(
  `${N} messages, average ${avgBytes.toFixed(0)} bytes (UTF-8), ${ROUNDS} timed rounds, best of them reported`,
);
const a = time('ours (UTF-8 strings)', ours, texts);
const b = time('@medplum/core 4.5.2', medplum, texts);
const c = time('ours (ISO-2022-JP bytes)', ours, jisBytes);
if (a.check !== c.check)
  throw new Error(`ISO-2022-JP decoding read other values than UTF-8 (${a.check} ≠ ${c.check})`);
const ratio = a.msgS / b.msgS;
const ratioJis = c.msgS / b.msgS;
console.log(
  `ratio ours/medplum: ${ratio.toFixed(2)}x on UTF-8 strings (target 3), ${ratioJis.toFixed(2)}x from ISO-2022-JP bytes (target 1.5)`,
);
console.log(
  JSON.stringify({
    bench: 'hl7v2-parse',
    messages: N,
    avg_bytes: Math.round(avgBytes),
    ours_msg_s: Math.round(a.msgS),
    ours_mb_s: Number(a.mbS.toFixed(1)),
    medplum_msg_s: Math.round(b.msgS),
    medplum_mb_s: Number(b.mbS.toFixed(1)),
    ratio: Number(ratio.toFixed(2)),
    ours_iso2022jp_msg_s: Math.round(c.msgS),
    ratio_iso2022jp: Number(ratioJis.toFixed(2)),
  }),
);
