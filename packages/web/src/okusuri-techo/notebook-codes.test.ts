import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { classifyRefusal, issueText } from './api';
import { inside, maskQuad } from './mask';
import {
  addCode,
  decodeQrBytes,
  normalizeCodeText,
  notebookState,
  notebookSummary,
  readCode,
  repairLatin1,
  type ScannedCode,
  splitControl,
} from './notebook-codes';

const NOTEBOOK = [
  'JAHISTC08,1',
  '1,吉備 太郎,1,19500402,,,,,,,キビ タロウ',
  '5,20261102,1',
  '11,きびだんご薬局,33,4,0107899,,,,1',
  '201,1,ｱﾑﾛｼﾞﾋﾟﾝOD錠5mg「ﾄｰﾜ」,1,錠,2,622224101,1,,,',
  '301,1,【分１ 朝食後服用】,28,日分,1,1,,1',
].join('\r\n');

/** A notebook printed as three codes (3.2.9(3)): the version record first, a 911 last in each. */
const SPLIT_PARTS = [
  ['JAHISTC08,1', '1,晴田 花子,2,19580303,,,,,,,ハレタ ハナコ', '5,20240410,1', '911,20240410153000,3,1'],
  [
    'JAHISTC08,1',
    '11,はれやか薬局,13,4,1234567,,,,1',
    '201,1,ﾌｪﾛﾍﾞﾘﾝ配合錠,6,錠,2,620425801,1,,,',
    '911,20240410153000,3,2',
  ],
  ['JAHISTC08,1', '301,1,【分３ 毎食後服用】,5,日分,1,1,,1', '911,20240410153000,3,3'],
].map((lines) => lines.join('\r\n')) as [string, string, string];

/** Shift_JIS bytes of a text: the browser's decoder table read backwards (no encoder in the platform). */
const SJIS = (() => {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder('shift_jis');
  for (let b = 0xa1; b <= 0xdf; b++) table.set(decoder.decode(Uint8Array.of(b)), [b]);
  for (const lead of [
    ...Array.from({ length: 0x1f }, (_, i) => 0x81 + i),
    ...Array.from({ length: 0x1d }, (_, i) => 0xe0 + i),
  ])
    for (let trail = 0x40; trail <= 0xfc; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.of(lead, trail));
      if (ch.length === 1 && ch !== '\uFFFD' && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  return table;
})();
const sjis = (text: string) =>
  Uint8Array.from(
    [...text].flatMap((ch) => (ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : (SJIS.get(ch) ?? [0x3f]))),
  );
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('a QR code’s bytes as text', () => {
  it('reads Shift_JIS, as pharmacy systems print it (half-width kana and kanji alike)', () => {
    const read = decodeQrBytes(sjis(NOTEBOOK));
    expect(read).toEqual({ text: NOTEBOOK, charset: 'shift_jis', unreadable: false });
  });
  it('reads UTF-8 when the bytes are UTF-8 (an app’s export), and ASCII either way', () => {
    expect(decodeQrBytes(utf8(NOTEBOOK))).toMatchObject({ text: NOTEBOOK, charset: 'utf-8' });
    expect(decodeQrBytes(utf8('https://example.jp/')).text).toBe('https://example.jp/');
  });
  it('follows an ECI that names the charset', () => {
    expect(decodeQrBytes(sjis(NOTEBOOK), 20)).toMatchObject({ text: NOTEBOOK, charset: 'shift_jis' });
    expect(decodeQrBytes(utf8(NOTEBOOK), 26)).toMatchObject({ text: NOTEBOOK, charset: 'utf-8' });
  });
  it('cuts a trailing EOF (0x1A) as a byte', () => {
    expect(decodeQrBytes([...sjis('JAHISTC08,1\r\n'), 0x1a, 0x1a]).text).toBe('JAHISTC08,1\r\n');
  });
  it('says so when neither charset reads the bytes', () => {
    const read = decodeQrBytes([0x4a, 0x82, 0xff, 0xfe, 0x85]);
    expect(read.unreadable).toBe(true);
    expect(read.text).toContain('\uFFFD');
  });
  it('repairs a platform text that read Shift_JIS bytes as Latin-1, and leaves real text alone', () => {
    const latin1 = String.fromCharCode(...sjis(NOTEBOOK));
    expect(repairLatin1(latin1)).toBe(NOTEBOOK);
    expect(repairLatin1(NOTEBOOK)).toBe(NOTEBOOK);
    expect(repairLatin1('JAHISTC08,1')).toBe('JAHISTC08,1');
  });
});

describe('one code, read minimally', () => {
  it('is a whole notebook: its patient and dispensings', () => {
    const code = readCode(`\uFEFF${NOTEBOOK}\r\n\u001a`);
    expect(code).toMatchObject({
      kind: 'whole',
      version: 'JAHISTC08',
      text: NOTEBOOK,
      patient: { name: '吉備 太郎', kana: 'キビ タロウ', birthDate: '1950-04-02', sex: 'male' },
      dispensings: [{ date: '2026-11-02', pharmacy: 'きびだんご薬局' }],
    });
    expect(code.split).toBeUndefined();
  });
  it('is a part of a split notebook: its 分割制御レコード', () => {
    const part = readCode(SPLIT_PARTS[1]);
    expect(part.kind).toBe('part');
    expect(part.split).toEqual({ dataId: '20240410153000', total: 3, sequence: 2 });
  });
  it('is another code: a URL, a prescription 2D symbol', () => {
    expect(readCode('https://example.jp/').kind).toBe('other');
    expect(readCode('JAHIS10\r\n1,1,1').kind).toBe('other');
  });
  it('reads the 911 record strictly (malformed: not a split part)', () => {
    expect(splitControl(['911', '20240410153000', '3', '1'])).toEqual({
      dataId: '20240410153000',
      total: 3,
      sequence: 1,
    });
    expect(splitControl(['911', '20240410153000', '3', '4'])).toBeUndefined();
    expect(splitControl(['911', 'abc', '3', '1'])).toBeUndefined();
    expect(splitControl(['911', '1', '0', '0'])).toBeUndefined();
    expect(splitControl(['201', '1'])).toBeUndefined();
  });
  it('compares LF and CR LF texts equal (a pasted code and a scanned one)', () => {
    expect(normalizeCodeText(NOTEBOOK.replaceAll('\r\n', '\n'))).toBe(NOTEBOOK);
    expect(normalizeCodeText(`${NOTEBOOK}\r\n\r\n`)).toBe(NOTEBOOK);
  });
});

describe('the codes collected', () => {
  const collect = (texts: readonly string[]) =>
    texts.map((t) => readCode(t)).reduce<readonly ScannedCode[]>(addCode, []);

  it('keeps each code once, whatever the camera sees again', () => {
    const first = addCode([], readCode(SPLIT_PARTS[0]));
    expect(addCode(first, readCode(SPLIT_PARTS[0]))).toBe(first);
    expect(addCode(first, readCode(SPLIT_PARTS[0].replaceAll('\r\n', '\n')))).toBe(first);
    expect(addCode(first, readCode(''))).toBe(first);
    expect(addCode(first, readCode(SPLIT_PARTS[1]))).toHaveLength(2);
  });
  it('is empty, or one whole notebook', () => {
    expect(notebookState([])).toEqual({ state: 'empty' });
    expect(notebookState(collect([NOTEBOOK]))).toEqual({ state: 'complete', total: 1 });
  });
  it('says which parts of a split notebook are missing, in any order, until all are there', () => {
    expect(notebookState(collect([SPLIT_PARTS[2]]))).toEqual({
      state: 'incomplete',
      total: 3,
      seen: [3],
      missing: [1, 2],
    });
    expect(notebookState(collect([SPLIT_PARTS[2], SPLIT_PARTS[0]]))).toMatchObject({ missing: [2] });
    expect(notebookState(collect([SPLIT_PARTS[2], SPLIT_PARTS[0], SPLIT_PARTS[1]]))).toEqual({
      state: 'complete',
      total: 3,
    });
  });
  it('is mixed: two notebooks, a whole one among parts, another set, a part of two texts', () => {
    const other = NOTEBOOK.replace('吉備 太郎', '吉備 花子');
    expect(notebookState(collect([NOTEBOOK, other]))).toEqual({ state: 'mixed' });
    expect(notebookState(collect([NOTEBOOK, SPLIT_PARTS[0]]))).toEqual({ state: 'mixed' });
    const anotherSet = SPLIT_PARTS[1].replace('911,20240410153000', '911,20240411090000');
    expect(notebookState(collect([SPLIT_PARTS[0], anotherSet]))).toEqual({ state: 'mixed' });
    const twice = SPLIT_PARTS[0].replace('5,20240410,1', '5,20240411,1');
    expect(notebookState(collect([SPLIT_PARTS[0], twice]))).toEqual({ state: 'mixed' });
  });
  it('is a code that is not JAHIS, alone or among a notebook’s', () => {
    expect(notebookState(collect(['https://example.jp/']))).toEqual({ state: 'not-jahis' });
    expect(notebookState(collect([NOTEBOOK, 'https://example.jp/']))).toEqual({ state: 'mixed' });
  });
  it('names the patient from the part that holds the patient record', () => {
    const summary = notebookSummary(collect([SPLIT_PARTS[2], SPLIT_PARTS[1], SPLIT_PARTS[0]]));
    expect(summary.patient?.name).toBeTruthy();
    expect(summary.dispensings.length).toBeGreaterThan(0);
  });
});

describe('painting a found code over', () => {
  it('whitens the quad (grown a little) and nothing far from it', () => {
    const w = 40;
    const h = 20;
    const data = new Uint8ClampedArray(w * h * 4);
    maskQuad(data, w, h, [
      { x: 5, y: 5 },
      { x: 15, y: 5 },
      { x: 15, y: 15 },
      { x: 5, y: 15 },
    ]);
    const at = (x: number, y: number) => data[(y * w + x) * 4];
    expect(at(10, 10)).toBe(255);
    expect(at(5, 5)).toBe(255);
    expect(at(30, 10)).toBe(0);
    expect(
      inside(
        [
          { x: 0, y: 0 },
          { x: 2, y: 0 },
          { x: 2, y: 2 },
          { x: 0, y: 2 },
        ],
        1,
        1,
      ),
    ).toBe(true);
    expect(
      inside(
        [
          { x: 0, y: 0 },
          { x: 2, y: 0 },
          { x: 2, y: 2 },
          { x: 0, y: 2 },
        ],
        3,
        1,
      ),
    ).toBe(false);
  });
});

describe('the repository’s answers', () => {
  it('409 patient-ambiguous: the candidates to choose from', () => {
    const e = new ApiError(409, 'patient-ambiguous', 'Several patients match', {
      candidates: ['P001', 'P002'],
    });
    expect(classifyRefusal(e)).toEqual({ kind: 'ambiguous', candidates: ['P001', 'P002'] });
  });
  it('422: each issue, in Japanese when the repository wrote it', () => {
    const issue = {
      code: 'otc-other-facility',
      message: 'none of the notebook’s dispensings is by 3340107899',
      messageJa: 'この手帳にはきびだんご薬局（3340107899）の調剤がありません',
      file: 'QR',
    };
    const refusal = classifyRefusal(new ApiError(422, 'rejected', 'x', { issues: [issue] }));
    expect(refusal).toEqual({ kind: 'rejected', issues: [issue] });
    expect(issueText(issue, 'ja')).toMatch(/調剤がありません/);
    expect(issueText(issue, 'en')).toMatch(/none of/);
    expect(classifyRefusal(new ApiError(422, 'rejected', 'bad', undefined))).toEqual({
      kind: 'rejected',
      issues: [{ code: 'rejected', message: 'bad' }],
    });
  });
  it('403, a facility without a repository, an unreachable one, anything else', () => {
    expect(classifyRefusal(new ApiError(403, 'entry-profession', 'x'))).toEqual({ kind: 'forbidden' });
    expect(classifyRefusal(new ApiError(409, 'entry-no-repository', 'x'))).toEqual({ kind: 'not-tenant' });
    expect(classifyRefusal(new ApiError(502, 'entry-unreachable', 'x'))).toEqual({ kind: 'unreachable' });
    expect(classifyRefusal(new ApiError(500, 'internal', 'x')).kind).toBe('other');
  });
});
