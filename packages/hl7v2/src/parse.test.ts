import { describe, expect, it } from 'vitest';
import { encodeHl7Text, type Hl7Error, parseHl7, parseHl7Path } from './index.js';

const MSH = 'MSH|^~\\&|HIS|FAC|GW|RCV|20240101120000||ADT^A08^ADT_A01|42|P|2.5';

function ok(input: string | Uint8Array, options?: Parameters<typeof parseHl7>[1]) {
  const r = parseHl7(input, options);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r;
}
function err(input: string | Uint8Array): Hl7Error {
  const r = parseHl7(input);
  if (r.ok) throw new Error('parsed but should not');
  return r.error;
}

describe('structure and 1-based access', () => {
  const m = ok(
    `${MSH}\rPID|1||123^^^^PI||山田^太郎^^^^^L^I~ヤマダ^タロウ^^^^^L^P||19800101|M\rOBX|1|ST|a||x\rOBX|2|ST|b||y&z^w\r`,
  ).message;

  it('reads fields, repetitions, components and sub-components as HL7 numbers them', () => {
    expect(m.get('MSH-1')).toBe('|');
    expect(m.get('MSH-2')).toBe('^~\\&');
    expect(m.get('MSH-9.2')).toBe('A08');
    expect(m.get('PID-5[2].1')).toBe('ヤマダ');
    expect(m.get('PID-5.2')).toBe('太郎');
    expect(m.get('OBX[2]-5.1.2')).toBe('z');
    expect(m.get('OBX[2]-5.2')).toBe('w');
  });

  it('returns composites as written and absent elements as undefined', () => {
    expect(m.get('PID-5')).toBe('山田^太郎^^^^^L^I');
    expect(m.get('OBX[2]-5.1')).toBe('y&z');
    expect(m.get('PID-4')).toBe('');
    expect(m.get('PID-5[3]')).toBeUndefined();
    expect(m.get('PID-40')).toBeUndefined();
    expect(m.get('OBX[3]-5')).toBeUndefined();
    expect(m.get('ZZZ-1')).toBeUndefined();
    expect(m.get('PID-5.99')).toBeUndefined();
  });

  it('counts fields and repetitions', () => {
    const pid = m.segment('PID')!;
    expect(pid.fieldCount).toBe(8);
    expect(pid.repetitionCount(5)).toBe(2);
    expect(pid.repetitionCount(4)).toBe(0);
    expect(pid.raw(5)).toBe('山田^太郎^^^^^L^I~ヤマダ^タロウ^^^^^L^P');
    expect(m.segment('MSH')!.fieldCount).toBe(12);
    expect(m.segmentsNamed('OBX').map((s) => s.index)).toEqual([3, 4]);
  });

  it('uses the delimiters MSH declares', () => {
    const custom = ok('MSH#*@!%#A#B#C#D#2024#%#ADT*A01#1#P#2.5\rPID#1##9@8##N1*N2%X\r').message;
    expect(custom.messageType).toEqual({ code: 'ADT', event: 'A01', structure: '' });
    expect(custom.get('PID-3[2]')).toBe('8');
    expect(custom.get('PID-5.2.2')).toBe('X');
    expect(custom.get('MSH-2')).toBe('*@!%');
  });
});

describe('escape sequences', () => {
  const get5 = (value: string) => ok(`${MSH}\rOBX|1|ST|c||${value}\r`).message.get('OBX-5');
  it.each([
    ['a\\F\\b', 'a|b'],
    ['a\\S\\b\\T\\c\\R\\d\\E\\e', 'a^b&c~d\\e'],
    ['line1\\.br\\line2', 'line1\nline2'],
    ['\\H\\bold\\N\\', 'bold'],
    ['\\X41E38182\\', 'Aあ'],
    ['\\X0D0A\\', '\r\n'],
    ['a\\.sp\\b', 'a\nb'],
    ['x\\.in+4\\y\\.ce\\', 'xy'],
    ['\\Zlocal\\', '\\Zlocal\\'],
    ['unterminated \\F', 'unterminated \\F'],
    // An unknown sequence is kept; its closing character may open the next one.
    ['\\Q\\F\\', '\\Q|'],
    ['100 \\XZZ\\ %', '100 \\XZZ\\ %'],
  ])('%s → %j', (raw, decoded) => {
    expect(get5(raw)).toBe(decoded);
  });

  it('decodes \\Xhh\\ bytes in the message charset (ISO-2022-JP)', () => {
    const jisBytes = Buffer.from(encodeHl7Text('漢字', 'ISO-2022-JP')).toString('hex').toUpperCase();
    const text = `MSH|^~\\&|||||||ADT^A08|1|P|2.5||||||~ISO IR87\rOBX|1|ST|c||\\X${jisBytes}\\\r`;
    expect(ok(encodeHl7Text(text, 'ISO-2022-JP')).message.get('OBX-5')).toBe('漢字');
  });
});

describe('what real files contain', () => {
  it.each([
    ['CR', '\r'],
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('segments separated by %s, with or without a final terminator', (_name, sep) => {
    for (const end of [sep, '']) {
      const r = ok(`${MSH}${sep}PID|1||7${sep}PV1|1|O${end}`);
      expect(r.message.segments.map((s) => [s.name, s.line])).toEqual([
        ['MSH', 1],
        ['PID', 2],
        ['PV1', 3],
      ]);
      expect(r.message.toString()).toBe(`${MSH}${sep}PID|1||7${sep}PV1|1|O${end}`);
    }
  });

  it('strips MLLP framing bytes and keeps them for re-encoding', () => {
    const text = `\x0b${MSH}\rPID|1||7\r\x1c\r`;
    const r = ok(text);
    expect(r.message.toString()).toBe(`${MSH}\rPID|1||7\r`);
    expect(r.message.framing).toEqual({ leading: '\x0b', trailing: '\x1c\r' });
    expect(Buffer.from(r.message.toBytes()).toString('latin1')).toBe(text);
  });

  it('tolerates trailing empty fields and blank lines', () => {
    const r = ok(`${MSH}|||\r\rPID|1||7|||\r`);
    expect(r.message.segment('PID')!.fieldCount).toBe(6);
    expect(r.message.get('PID-6')).toBe('');
    expect(r.warnings.map((w) => w.code)).toContain('EMPTY_LINES');
  });

  it('accepts the yen sign as the escape character in MSH-2', () => {
    const r = ok('MSH|^~¥&|||||||ADT^A08|1|P|2.5\rOBX|1|ST|c||a¥F¥b\r');
    expect(r.message.get('OBX-5')).toBe('a|b');
    expect(r.warnings.map((w) => w.code)).toContain('YEN_ESCAPE');
  });

  it('reads 0x5C in Shift_JIS MSH-2 as the escape character', () => {
    const text = 'MSH|^~\\&|||||||ADT^A08|1|P|2.5||||||SHIFT-JIS\rPID|1||7||山田\\S\\^太郎\r';
    const r = ok(encodeHl7Text(text, 'Shift_JIS'));
    expect(r.charset).toBe('Shift_JIS');
    expect(r.message.get('PID-5.1')).toBe('山田^');
  });
});

describe('charset by MSH-18', () => {
  const body = 'PID|1||7||髙橋^花子~タカハシ^ハナコ||||||^^^^700-0001^JPN^H^岡山県岡山市北区１−２\r';
  it.each([
    ['~ISO IR87', 'ISO-2022-JP'],
    ['~ISOIR87', 'ISO-2022-JP'],
    ['ISO IR87', 'ISO-2022-JP'],
    ['SHIFT-JIS', 'Shift_JIS'],
    ['SJIS', 'Shift_JIS'],
    ['UNICODE UTF-8', 'UTF-8'],
  ] as const)('%s → %s', (declared, charset) => {
    const text = `MSH|^~\\&|||||||ADT^A08|1|P|2.5||||||${declared}\r${body}`;
    const r = ok(encodeHl7Text(text, charset));
    expect(r.charset).toBe(charset);
    expect(r.warnings).toEqual([]);
    expect(r.message.get('PID-5.1')).toBe('髙橋');
    expect(r.message.get('PID-5[2].2')).toBe('ハナコ');
    expect(r.message.get('PID-11.8')).toBe('岡山県岡山市北区１−２');
  });

  it('ISO 2022-1994 in MSH-20 alone selects ISO-2022-JP', () => {
    const text = `MSH|^~\\&|||||||ADT^A08|1|P|2.5||||||||ISO 2022-1994\r${body}`;
    expect(ok(encodeHl7Text(text, 'ISO-2022-JP')).charset).toBe('ISO-2022-JP');
  });

  it('falls back with a warning when the declaration disagrees with the bytes', () => {
    const jisDeclaredUtf8 = `MSH|^~\\&|||||||ADT^A08|1|P|2.5||||||~ISO IR87\r${body}`;
    const r = ok(encodeHl7Text(jisDeclaredUtf8, 'UTF-8'));
    expect(r.charset).toBe('UTF-8');
    expect(r.warnings.map((w) => [w.code, w.field])).toEqual([['CHARSET_MISMATCH', 18]]);
    const utf8DeclaredJis = `MSH|^~\\&|||||||ADT^A08|1|P|2.5||||||UNICODE UTF-8\r${body}`;
    const s = ok(encodeHl7Text(utf8DeclaredJis, 'ISO-2022-JP'));
    expect(s.charset).toBe('ISO-2022-JP');
    expect(s.message.get('PID-5.1')).toBe('髙橋');
    expect(s.warnings[0]?.code).toBe('CHARSET_MISMATCH');
  });

  it('an explicit charset option wins, and bad bytes are BAD_ENCODING', () => {
    const bytes = encodeHl7Text(`${MSH}\r${body}`, 'UTF-8');
    expect(ok(bytes, { charset: 'UTF-8' }).charset).toBe('UTF-8');
    expect(err(new Uint8Array([...bytes.subarray(0, 60), 0xff, 0xfe]))).toMatchObject({
      code: 'BAD_ENCODING',
    });
    const jis = encodeHl7Text(`MSH|^~\\&|||||||ADT^A08|1|P|2.5||||||~ISO IR87\r${body}`, 'ISO-2022-JP');
    const cut = jis.subarray(0, jis.indexOf(0x1b) + 4); // half a kanji after ESC $ B
    expect(err(cut).code).toBe('BAD_ENCODING');
  });
});

describe('what cannot be a message', () => {
  it.each([
    ['', 'NO_MSH', {}],
    ['PID|1||7\r', 'NO_MSH', { line: 1 }],
    ['\r\nEVN|1\r', 'NO_MSH', { line: 2 }],
    ['MSH', 'TRUNCATED', { field: 1 }],
    ['MSH|^~\\&', 'TRUNCATED', { field: 2 }],
    ['MSH|^~\\&|A|B', 'TRUNCATED', { segment: 'MSH', field: 5 }],
    ['MSHA^~\\&|', 'BAD_SEPARATORS', { field: 1 }],
    ['MSH|^^\\&|||||||ADT^A08|1|P|2.5', 'BAD_SEPARATORS', { field: 2 }],
    ['MSH|^~\\&\r', 'BAD_SEPARATORS', { field: 2 }],
    [`${MSH}\rPID|1\robx|1\r`, 'BAD_SEGMENT', { line: 3, segment: 'obx', segmentIndex: 3 }],
    [`${MSH}\rPID1\r`, 'BAD_SEGMENT', { line: 2, segmentIndex: 2 }],
  ] as const)('%j → %s', (input, code, where) => {
    expect(err(input)).toMatchObject({ code, ...where });
  });

  it('bounds the input size', () => {
    expect(parseHl7(`${MSH}\r`, { maxLength: 10 })).toMatchObject({
      ok: false,
      error: { code: 'TOO_LARGE' },
    });
  });
});

describe('paths', () => {
  it('parses the documented forms and rejects others', () => {
    expect(parseHl7Path('PID-5[2].1')).toEqual({
      ok: true,
      path: { segment: 'PID', occurrence: 1, field: 5, repetition: 2, component: 1 },
    });
    expect(parseHl7Path('OBX[3]-5')).toEqual({
      ok: true,
      path: { segment: 'OBX', occurrence: 3, field: 5, repetition: 1 },
    });
    expect(parseHl7Path('TQ1-3.1.2')).toMatchObject({
      ok: true,
      path: { segment: 'TQ1', field: 3, component: 1, subComponent: 2 },
    });
    for (const bad of ['PID', 'PID-', 'pid-5', 'PID-0', 'PID-5[0]', 'PID-5.1.2.3', 'PID5', 'OBX[]-5']) {
      expect(parseHl7Path(bad).ok).toBe(false);
    }
  });
});
