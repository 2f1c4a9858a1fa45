import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  DicomError,
  EXPLICIT_VR_BIG_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  type ReadResult,
  readDicomFile,
  readDicomInstance,
  readFrame,
  renderPng,
  syntheticUs,
} from '../index.js';
import { bytesOf, minimalImage, part10, withElement } from '../testing/part10.js';
import { STUDY } from '../testing/study.js';

const dir = mkdtempSync(join(tmpdir(), 'hie-dicom-parse-'));
let fileCount = 0;
function onDisk(bytes: Uint8Array): string {
  const path = join(dir, `f${fileCount++}.dcm`);
  writeFileSync(path, bytes);
  return path;
}

const problem = (r: ReadResult) => (r.ok ? 'ok' : r.code);

describe('what a hospital may send that is not a good instance', () => {
  const good = part10(minimalImage());

  it('reads the good one', () => {
    const r = readDicomInstance(good);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.instance.pixelData).toEqual({ offset: good.length - 8, length: 8 });
  });

  it('calls anything without DICM after the preamble not-dicom', () => {
    expect(problem(readDicomInstance(new Uint8Array(0)))).toBe('not-dicom');
    expect(problem(readDicomInstance(new Uint8Array(100)))).toBe('not-dicom');
    expect(problem(readDicomInstance(bytesOf('\x89PNG\r\n\x1a\n'.padEnd(400, '\0'))))).toBe('not-dicom');
    expect(problem(readDicomInstance(good.subarray(1)))).toBe('not-dicom'); // preamble one byte short
    expect(problem(readDicomInstance(part10(minimalImage(), { omitTransferSyntax: true })))).toBe(
      'not-dicom',
    );
  });

  it('calls a file cut in its header, or inside the Pixel Data it declares, truncated', () => {
    for (const cut of [140, 200, 300, good.length - 20, good.length - 2]) {
      const r = readDicomInstance(good.subarray(0, cut));
      expect(problem(r), `cut at ${cut}`).toBe('truncated');
    }
  });

  it('names each missing identifier', () => {
    for (const [tag, words] of [
      [0x00080016, 'SOP Class UID'],
      [0x00080018, 'SOP Instance UID'],
      [0x0020000d, 'Study Instance UID'],
      [0x0020000e, 'Series Instance UID'],
    ] as const) {
      const r = readDicomInstance(part10(withElement(minimalImage(), tag, null)));
      expect(r).toMatchObject({ ok: false, code: 'missing-uid' });
      if (!r.ok) expect(r.message).toContain(words);
    }
    const emptyUid = withElement(minimalImage(), 0x0020000d, { tag: 0x0020000d, vr: 'UI', value: '' });
    expect(problem(readDicomInstance(part10(emptyUid)))).toBe('missing-uid');
  });

  it('refuses an instance without Patient ID (missing or blank)', () => {
    expect(problem(readDicomInstance(part10(withElement(minimalImage(), 0x00100020, null))))).toBe(
      'missing-patient-id',
    );
    const blank = withElement(minimalImage(), 0x00100020, { tag: 0x00100020, vr: 'LO', value: '  ' });
    expect(problem(readDicomInstance(part10(blank)))).toBe('missing-patient-id');
  });

  it('refuses Pixel Data shorter than its rows × columns × frames', () => {
    const short = withElement(minimalImage(4, 4), 0x7fe00010, {
      tag: 0x7fe00010,
      vr: 'OW',
      value: new Uint8Array(8),
    });
    expect(problem(readDicomInstance(part10(short)))).toBe('bad-pixel-data');
  });

  it('refuses a transfer syntax it does not know', () => {
    expect(problem(readDicomInstance(part10(minimalImage(), { transferSyntax: '1.2.3.4.5' })))).toBe(
      'unsupported-transfer-syntax',
    );
  });

  it('indexes a compressed instance without pixel offsets, and refuses its frames and rendering', async () => {
    const jpeg = withElement(minimalImage(), 0x7fe00010, {
      tag: 0x7fe00010,
      vr: 'OB',
      undefinedLength: true,
      // Basic Offset Table item (empty), one fragment, sequence delimiter.
      value: bytesOf(
        '\xfe\xff\x00\xe0\x00\x00\x00\x00\xfe\xff\x00\xe0\x04\x00\x00\x00\xff\xd8\xff\xd9\xfe\xff\xdd\xe0\x00\x00\x00\x00',
      ),
    });
    const bytes = part10(jpeg, { transferSyntax: '1.2.840.10008.1.2.4.50' });
    const r = readDicomInstance(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.instance.pixelData).toBeNull();
    expect(r.instance.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.50');
    await expect(readFrame(onDisk(bytes), r.instance, 0)).rejects.toMatchObject({
      code: 'unsupported-transfer-syntax',
    });
    expect(() => renderPng(r.instance, new Uint8Array(8))).toThrow(DicomError);
  });
});

describe('the native transfer syntaxes', () => {
  it('reads Implicit VR Little Endian, taking VRs from the dictionary', () => {
    const r = readDicomInstance(part10(minimalImage(), { transferSyntax: IMPLICIT_VR_LITTLE_ENDIAN }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.instance.rows).toBe(2);
    expect(r.instance.json['00280010']).toEqual({ vr: 'US', Value: [2] });
    expect(r.instance.json['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'TEST^PATIENT' }] });
  });

  it('reads Explicit VR Big Endian and serves its frames little endian', async () => {
    const elements = withElement(minimalImage(1, 2), 0x7fe00010, {
      tag: 0x7fe00010,
      vr: 'OW',
      value: new Uint8Array([0x01, 0x02, 0x03, 0x04]), // big-endian words 0x0102, 0x0304
    });
    const bytes = part10(elements, { transferSyntax: EXPLICIT_VR_BIG_ENDIAN });
    const r = readDicomInstance(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.instance.columns).toBe(2);
    expect(Array.from(await readFrame(onDisk(bytes), r.instance, 0))).toEqual([0x02, 0x01, 0x04, 0x03]);
  });

  it('indexes Deflated Explicit VR Little Endian (no file offsets: frames refused)', async () => {
    const bytes = part10(minimalImage(), { transferSyntax: DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN });
    const r = readDicomInstance(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.instance.patientId).toBe('P001');
    expect(r.instance.pixelData).toBeNull();
    await expect(readFrame(onDisk(bytes), r.instance, 0)).rejects.toMatchObject({
      code: 'unsupported-transfer-syntax',
    });
  });
});

describe('never crashes', () => {
  const valid = syntheticUs(STUDY, 1)[0] as Uint8Array;
  const header = valid.subarray(0, 2000);

  it('on any cut of a real file, or any bytes flipped in its header', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: valid.length }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: header.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          maxLength: 6,
        }),
        (cut, flips) => {
          const bytes = valid.slice(0, cut);
          for (const [at, value] of flips) if (at < bytes.length) bytes[at] = value;
          const r = readDicomInstance(bytes);
          expect(typeof r.ok).toBe('boolean');
          if (!r.ok) expect(r.message.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on random bytes after a valid preamble and DICM', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (tail) => {
        const bytes = new Uint8Array(132 + tail.length);
        bytes.set(bytesOf('DICM'), 128);
        bytes.set(tail, 132);
        expect(readDicomInstance(bytes).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('reading from disk: a truncated file resolves with a code, a missing file rejects', async () => {
    expect(problem(await readDicomFile(onDisk(valid.subarray(0, 700))))).toBe('truncated');
    expect(problem(await readDicomFile(onDisk(valid.subarray(0, valid.length - 1000))))).toBe('truncated');
    await expect(readDicomFile(join(dir, 'no-such-file.dcm'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
