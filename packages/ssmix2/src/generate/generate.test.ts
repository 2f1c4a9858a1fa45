import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, sep } from 'node:path';
import { encodeHl7Text, parseHl7 } from '@hie/hl7v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFileName } from '../names/file-name.js';
import { listFiles } from '../test-support/samples.js';
import { dataTypeInfo } from '../types/data-types.js';
import { validateStorage } from '../validate/validate.js';
import { type GenerateSummary, generateStorage } from './generate.js';
import { parseTruthLine } from './truth.js';

const ALL_TYPES = [
  'ADT-00',
  'ADT-01',
  'ADT-12',
  'ADT-21',
  'ADT-22',
  'ADT-31',
  'ADT-32',
  'ADT-41',
  'ADT-42',
  'ADT-51',
  'ADT-52',
  'ADT-61',
  'OMD',
  'OMG-01',
  'OMG-02',
  'OMG-03',
  'OMG-11',
  'OMG-12',
  'OMG-13',
  'OML-01',
  'OML-11',
  'OMP-01',
  'OMP-02',
  'OMP-11',
  'OMP-12',
  'PPR-01',
];

const temp = mkdtempSync(join(tmpdir(), 'hie-generate-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function treeHash(root: string): string {
  const hash = createHash('sha256');
  for (const rel of listFiles(root)) {
    hash.update(rel.split(sep).join('/'));
    hash.update(readFileSync(join(root, rel)));
  }
  return hash.digest('hex');
}

describe('generateStorage: a modest storage (30 patients, 3 years; seed 4 has a stay with transfer and leave)', () => {
  const out = join(temp, 'modest');
  let summary: GenerateSummary;
  let files: string[];
  beforeAll(async () => {
    summary = await generateStorage({ patients: 30, facilityCode: '3310210012', years: 3, seed: 4, out });
    files = listFiles(out).filter((f) => !f.startsWith('.'));
  });

  it('writes every SS-MIX2 data type, and counts what it wrote', () => {
    expect(summary.patients).toBe(30);
    expect(Object.keys(summary.byDataType).sort()).toEqual([...ALL_TYPES].sort());
    expect(files.length).toBe(summary.files);
  });

  it('passes the validator with zero errors and zero warnings', async () => {
    const report = await validateStorage(out, { workers: 0 });
    expect(report.findings.slice(0, 5)).toEqual([]);
    expect(report.summary.error).toBe(0);
    expect(report.summary.warning).toBe(0);
    expect(report.summary.files).toBe(summary.files);
  });

  it('writes ISO-2022-JP with CR separators and the SS-MIX2 MSH-18/20/21, JIS X 0208 only', () => {
    const decoder = new TextDecoder('iso-2022-jp', { fatal: true });
    const nonAscii = new Set<string>();
    for (const rel of files) {
      const bytes = readFileSync(join(out, rel));
      expect(bytes.every((b) => b < 0x80)).toBe(true); // 7-bit
      const text = decoder.decode(bytes);
      expect(text.includes('\n')).toBe(false);
      expect(text.endsWith('\r')).toBe(true);
      for (const ch of text) if (ch.charCodeAt(0) >= 0x80) nonAscii.add(ch);
      const parsed = parseHl7(bytes);
      if (!parsed.ok) throw new Error(`${rel}: ${parsed.error.message}`);
      expect(parsed.charset).toBe('ISO-2022-JP');
      const m = parsed.message;
      expect(m.get('MSH-18')).toBe('');
      expect(m.segment('MSH')?.raw(18)).toBe('~ISO IR87');
      expect(m.get('MSH-20')).toBe('ISO 2022-1994');
      expect(m.segment('MSH')?.raw(21)).toBe('SS-MIX2_1.20^SS-MIX2^1.2.392.200250.2.1.100.1.2.120^ISO');
      // ISO-2022-JP round trip: encoding the decoded text gives the file's bytes back.
      expect(Buffer.from(encodeHl7Text(text, 'ISO-2022-JP')).equals(bytes)).toBe(true);
    }
    // Each character must sit in JIS X 0208 proper (rows 1–8, 16–84): not NEC row 13, not IBM rows 89–92.
    expect(nonAscii.size).toBeGreaterThan(100);
    const outside = [...nonAscii].filter((ch) => {
      const row = jisRow(ch);
      return row === undefined || row > 84 || (row > 8 && row < 16);
    });
    expect(outside).toEqual([]);
  });

  it('files each message under the data type, care date and patient its content says', () => {
    for (const rel of files) {
      const name = parseFileName(basename(rel));
      if (!name.ok) throw new Error(`${rel}: ${name.reason}`);
      const parsed = parseHl7(readFileSync(join(out, rel)));
      if (!parsed.ok) throw new Error(rel);
      const m = parsed.message;
      expect(m.get('PID-3.1')).toBe(name.value.patientId);
      const info = dataTypeInfo(name.value.dataType);
      const type = `${m.messageType.code}^${m.messageType.event}`;
      expect(info?.messages.map((x) => x.type)).toContain(type);
      expect(basename(dirname(rel))).toBe(name.value.dataType);
    }
  });

  it('keeps one current problem list holding every problem, older versions as _2', () => {
    const byPatient = new Map<string, string[]>();
    for (const rel of files.filter((f) => f.includes(`${sep}PPR-01${sep}`))) {
      const n = parseFileName(basename(rel));
      if (!n.ok) continue;
      byPatient.set(n.value.patientId, [...(byPatient.get(n.value.patientId) ?? []), basename(rel)]);
    }
    let updated = 0;
    for (const names of byPatient.values()) {
      const flags = names.map((n) => n.slice(-1));
      expect(flags.filter((f) => f === '1')).toHaveLength(1);
      if (flags.includes('2')) updated++;
      const newest = [...names].sort((a, b) => (timestampOf(a) < timestampOf(b) ? -1 : 1)).at(-1) ?? '';
      expect(newest.endsWith('_1')).toBe(true);
    }
    expect(updated).toBeGreaterThan(0);
  });

  it('has HbA1c every one to three months for a diabetic, with plausible values', () => {
    const series = new Map<string, { date: string; value: number }[]>();
    for (const rel of files.filter((f) => f.includes(`${sep}OML-11${sep}`) && f.endsWith('_1'))) {
      const parsed = parseHl7(readFileSync(join(out, rel)));
      if (!parsed.ok) throw new Error(rel);
      for (const obx of parsed.message.segmentsNamed('OBX')) {
        if (obx.get(3, 1, 1) !== '3D046000001906202') continue;
        const id = parsed.message.get('PID-3.1') ?? '';
        series.set(id, [...(series.get(id) ?? []), { date: obx.get(14) ?? '', value: Number(obx.get(5)) }]);
      }
    }
    const [, longest] = [...series].sort((a, b) => b[1].length - a[1].length)[0] ?? ['', []];
    expect(longest.length).toBeGreaterThanOrEqual(8);
    const sorted = [...longest].sort((a, b) => (a.date < b.date ? -1 : 1));
    const gaps = sorted
      .slice(1)
      .map((x, i) => (Date.parse(ymdIso(x.date)) - Date.parse(ymdIso(sorted[i]?.date ?? ''))) / 86_400_000);
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] ?? 0;
    expect(median).toBeGreaterThanOrEqual(25);
    expect(median).toBeLessThanOrEqual(95);
    for (const x of sorted) {
      expect(x.value).toBeGreaterThan(5);
      expect(x.value).toBeLessThan(13);
    }
  });

  it('updates some orders (old file _2) and cancels a few (files _0)', () => {
    const flags = files.map((f) => f.slice(-1));
    expect(flags.filter((f) => f === '2').length).toBeGreaterThan(0);
    expect(flags.filter((f) => f === '0').length).toBeGreaterThan(0);
    // Per cancelled key, the newest file is the cancel message itself (ORC-1 CA), the rest are history.
    const keys = new Map<string, string[]>();
    for (const rel of files.filter((f) => f.endsWith('_0'))) {
      const n = parseFileName(basename(rel));
      if (!n.ok) continue;
      const key = `${dirname(rel)}|${n.value.orderNo}`;
      keys.set(key, [...(keys.get(key) ?? []), rel]);
    }
    for (const list of keys.values()) {
      const newest =
        [...list].sort((a, b) => (timestampOf(basename(a)) < timestampOf(basename(b)) ? -1 : 1)).at(-1) ?? '';
      const parsed = parseHl7(readFileSync(join(out, newest)));
      if (!parsed.ok) throw new Error(newest);
      expect(parsed.message.get('ORC-1')).toBe('CA');
    }
  });
});

describe('generateStorage: determinism', () => {
  it('gives the same bytes for the same seed, different bytes for another seed', async () => {
    const a = join(temp, 'det-a');
    const b = join(temp, 'det-b');
    const c = join(temp, 'det-c');
    const base = { patients: 8, facilityCode: '3319800011', years: 2 };
    await generateStorage({ ...base, seed: 11, out: a });
    await generateStorage({ ...base, seed: 11, out: b });
    await generateStorage({ ...base, seed: 12, out: c });
    expect(treeHash(a)).toBe(treeHash(b));
    expect(treeHash(a)).not.toBe(treeHash(c));
  });

  it('refuses to write into a storage that already holds files', async () => {
    await expect(
      generateStorage({
        patients: 1,
        facilityCode: '3319800011',
        years: 1,
        seed: 11,
        out: join(temp, 'det-a'),
      }),
    ).rejects.toMatchObject({ name: 'GenerateOptionsError', option: 'out' });
  });

  it('rejects a facility code that is not 10 digits', async () => {
    await expect(
      generateStorage({ patients: 1, facilityCode: '33102', years: 1, seed: 1, out: join(temp, 'bad') }),
    ).rejects.toMatchObject({ name: 'GenerateOptionsError', option: 'facilityCode' });
  });
});

const ymdIso = (t: string) => `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}`;

function timestampOf(name: string): string {
  const n = parseFileName(name);
  return n.ok ? n.value.timestamp : '';
}

// JIS row (1–94) of a character as the ISO-2022-JP encoder of @hie/hl7v2 writes it.
function jisRow(ch: string): number | undefined {
  const bytes = encodeHl7Text(ch, 'ISO-2022-JP');
  // ESC $ B row cell ESC ( B
  if (bytes.length !== 8 || bytes[0] !== 0x1b) return undefined;
  return (bytes[3] ?? 0) - 0x20;
}

describe('generateStorage: the same people at several facilities', () => {
  const truth = join(temp, 'truth.csv');
  const outA = join(temp, 'fac-a');
  const outB = join(temp, 'fac-b');
  beforeAll(async () => {
    await generateStorage({
      patients: 40,
      facilityCode: '3310210012',
      years: 1,
      seed: 5,
      out: outA,
      truthFile: truth,
    });
    await generateStorage({
      patients: 40,
      facilityCode: '3318800061',
      years: 1,
      seed: 5,
      out: outB,
      truthFile: truth,
    });
  });

  it('shares people between facilities, each with its own local ID, as the ground truth says', () => {
    const rows = readFileSync(truth, 'utf8').trim().split('\n').slice(1).map(parseTruthLine);
    const a = rows.filter((r) => r?.facilityCode === '3310210012');
    const b = rows.filter((r) => r?.facilityCode === '3318800061');
    expect(a).toHaveLength(40);
    expect(b).toHaveLength(40);
    const inB = new Map(b.map((r) => [r?.personId, r]));
    const shared = a.filter((r) => inB.has(r?.personId));
    expect(shared.length).toBeGreaterThan(5);
    for (const r of shared) expect(inB.get(r?.personId)?.localPatientId).not.toBe(r?.localPatientId);
  });

  it('writes at each facility the demographics the truth records, and they differ only by listed variations', () => {
    const lines = readFileSync(truth, 'utf8').trim().split('\n').slice(1);
    const current = (root: string) => listFiles(root).filter((f) => f.includes('ADT-00') && f.endsWith('_1'));
    const demographicsA = current(outA);
    const demographicsB = current(outB);
    const byPerson = new Map<string, string[][]>();
    for (const line of lines) {
      const cols = line.split(',');
      const [personId, facility, localId, , familyKanji, givenKanji, familyKana, givenKana, birth] = cols;
      const out = facility === '3310210012' ? outA : outB;
      const adt = (facility === '3310210012' ? demographicsA : demographicsB).find((f) =>
        f.includes(`${localId}_-_ADT-00_`),
      );
      if (!adt) throw new Error(`no ADT-00 for ${localId}`);
      const parsed = parseHl7(readFileSync(join(out, adt)));
      if (!parsed.ok) throw new Error(adt);
      const m = parsed.message;
      expect([
        m.get('PID-5[1].1'),
        m.get('PID-5[1].2'),
        m.get('PID-5[2].1'),
        m.get('PID-5[2].2'),
        m.get('PID-7'),
      ]).toEqual([familyKanji, givenKanji, familyKana, givenKana, birth]);
      byPerson.set(personId ?? '', [...(byPerson.get(personId ?? '') ?? []), cols]);
    }
    let compared = 0;
    for (const copies of byPerson.values()) {
      if (copies.length < 2) continue;
      const [x, y] = copies as [string[], string[]];
      const varied = `${x[3]};${y[3]}`;
      if (x[8] !== y[8]) expect(varied).toContain('birth-date-typo');
      if (x[4] !== y[4] || x[5] !== y[5]) expect(varied).toMatch(/kanji|gaiji/);
      if (x[6] !== y[6] || x[7] !== y[7]) expect(varied).toMatch(/kana/);
      if (x[10] !== y[10]) expect(varied).toContain('previous-address');
      compared++;
    }
    expect(compared).toBeGreaterThan(5);
  });
});
